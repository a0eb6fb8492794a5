"""The evals: accuracy of what the pipeline writes against the hand-made gold in corpus/gold.

- `tables`: the recovered task tables (cell_acc, row_f1, split_acc), the project's metric;
- `units`: unit mentions (mention F1, full-name accuracy), `python -m kehoach.eval.units`;
- `meaning`: citations, deadlines and targets, `python -m kehoach.eval.meaning`.

`kehoach eval` runs all three on the datasets it has just written.
"""
from __future__ import annotations

import importlib

# name -> (module, attribute); imported on first use, so that `python -m kehoach.eval.units`
# does not find its own module imported already
_EXPORTS = {
    "DocScore": ("tables", "DocScore"), "EvalResult": ("tables", "EvalResult"),
    "gold_inputs": ("tables", "gold_inputs"), "load_gold": ("tables", "load_gold"),
    "score": ("tables", "score"), "score_document": ("tables", "score_document"),
    "score_units": ("units", "score_units"), "score_resolver": ("units", "score_resolver"),
    "format_units_report": ("units", "format_report"),
    "meaning_scores": ("meaning", "meaning_scores"), "direct_scores": ("meaning", "direct_scores"),
    "format_meaning_report": ("meaning", "format_report"),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _EXPORTS[name]
    return getattr(importlib.import_module(f"kehoach.eval.{module}"), attr)

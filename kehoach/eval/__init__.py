"""The evals: accuracy of what the pipeline writes against the hand-made gold in corpus/gold.

- `tables`: the recovered task tables (cell_acc, row_f1, split_acc), the project's metric;
- `units`: unit mentions (mention F1, full-name accuracy), `python -m kehoach.eval.units`;
- `meaning`: citations, deadlines and targets, `python -m kehoach.eval.meaning`.

`kehoach eval` runs all three on the datasets it has just written.
"""
from kehoach.eval.meaning import direct_scores, meaning_scores
from kehoach.eval.meaning import format_report as format_meaning_report
from kehoach.eval.tables import DocScore, EvalResult, gold_inputs, load_gold, score, score_document
from kehoach.eval.units import format_report as format_units_report
from kehoach.eval.units import score_resolver, score_units

__all__ = ["DocScore", "EvalResult", "direct_scores", "format_meaning_report", "format_units_report",
           "gold_inputs", "load_gold", "meaning_scores", "score", "score_document", "score_resolver",
           "score_units"]

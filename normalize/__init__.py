"""Normalizers: the stage after recovery that gives the printed values their meaning.

A normalizer is one module with a `NORMALIZER = Normalizer(...)` and one line in
`NORMALIZERS` below (camelot's PARSERS, eyecite's resolvers). Its `run(extraction, settings)`
returns what it found, each value with where it came from (`Found`), and the findings it
wants reported. The pipeline runs every normalizer in order on each file; the datasets are
written from what they found.

A normalizer that raises on one value does not lose the file: `run_value` turns the
exception into a `normalizer_error` finding that names the value, and the normalizer goes on
with the next one. Nothing is swallowed silently.
"""
from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from kehoach.model import Extraction, Finding, Found

# Registered normalizers, in the order they run: "module:attribute".
NORMALIZERS: tuple[str, ...] = (
    "kehoach.normalize.task_units:NORMALIZER",
    "kehoach.normalize.deadlines:NORMALIZER",
    "kehoach.normalize.citations:NORMALIZER",
    "kehoach.normalize.targets:NORMALIZER",
    "kehoach.normalize.issuers:NORMALIZER",
)


@dataclass(frozen=True)
class Normalizer:
    name: str                       # key in Extraction.found and in NormalizeSettings
    run: Callable[[Extraction, Any, "Errors"], tuple[tuple[Found, ...], tuple[Finding, ...]]]
    settings: type                  # its frozen settings dataclass
    # The dataset its results are written to, or None when they add columns to another
    # dataset's rows (`annotates`, joined on seq), as deadlines do to tasks.
    dataset: str | None = None
    annotates: str | None = None
    # Its results as dataset columns; the default is seq, page and the value's fields.
    row: Callable[[Found], dict] | None = None
    # The NormalizeSettings branch it reads, when it shares another normalizer's settings
    # (the issuer is resolved by the unit matcher, with the units settings); default: its name.
    settings_branch: str | None = None


def registered() -> tuple[Normalizer, ...]:
    out = []
    for spec in NORMALIZERS:
        module, attr = spec.split(":")
        out.append(getattr(importlib.import_module(module), attr))
    return tuple(out)


class Errors:
    """Collects a normalizer's failures on single values as findings."""

    def __init__(self, name: str):
        self.name = name
        self.findings: list[Finding] = []

    def run_value(self, fn: Callable[..., Any], value: Any, *args, default=None,
                  seq: int | None = None, page: int | None = None, line: int | None = None, **kwargs):
        """fn(value, *args, **kwargs), or `default` with a normalizer_error finding when it raises."""
        try:
            return fn(value, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - reported below, with the value and the place in the code
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            shown = value if isinstance(value, str) else repr(value)
            self.findings.append(Finding(
                kind="normalizer_error", severity="warning", seq=seq, page=page, line=line,
                value=shown[:500],
                message=f"{self.name}: {type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})"))
            return default


def normalize(ex: Extraction, settings) -> Extraction:
    """The normalize stage: every registered normalizer, in order, on one extraction."""
    if ex.document is None:
        return ex
    found = dict(ex.found)
    findings = list(ex.findings)
    for norm in registered():
        errors = Errors(norm.name)
        results, notes = norm.run(replace(ex, found=found), getattr(settings, norm.settings_branch or norm.name), errors)
        found[norm.name] = tuple(results)
        findings.extend(notes)
        findings.extend(errors.findings)
    return replace(ex, found=found, findings=tuple(findings))


def plan_year(ex: Extraction) -> int | None:
    """The year a plan speaks of when a value names none: its date, else the year in its date
    line or title ("… năm 2024")."""
    import re
    m = ex.metadata
    if m.issued:
        return m.issued.year
    for text in (m.issued_text, m.title):
        hit = re.search(r"năm\s+((?:19|20)\d\d)", text or "")
        if hit:
            return int(hit.group(1))
    return None


def value_fields(obj: Any, names: Iterable[str]) -> dict:
    return {k: getattr(obj, k) for k in names}

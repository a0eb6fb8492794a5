"""Explicit Arrow schemas of the datasets and their writer.

Each dataset is a folder of Parquet files, one part per input file, written to a temporary
name and renamed into place, so a batch that stops half-way keeps every part it finished.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from kehoach.columns import column

S, I32, B, D, F = pa.string(), pa.int32(), pa.bool_(), pa.date32(), pa.float64()
LS = pa.list_(pa.string())

DOCUMENTS = pa.schema([
    ("doc_id", S), ("source", S), ("sha256", S), ("format", S), ("pages", I32),
    ("number", S), ("doc_type", S), ("issuer", S), ("place", S), ("issued", D), ("issued_text", S),
    ("title", S), ("signer", S), ("signer_title", S), ("status", S), ("error", S), ("error_kind", S),
    ("note", S), ("issuer_method", S), ("issuer_parent", S), ("signer_authority", S), ("n_tasks", I32), ("n_tables", I32),
    ("warnings", LS), ("ocr_confidence", F), ("ocr_pages", pa.list_(I32)), ("kehoach_version", S),
    # the issuer resolved against the gazetteer (kehoach.normalize.issuers)
    ("issuer_unit_id", S), ("issuer_name", S), ("issuer_unit_type", S), ("issuer_level", S),
    ("issuer_era", S), ("province_code", S), ("issuer_score", F), ("issuer_match", S),
])

TASKS = pa.schema([
    ("doc_id", S), ("source", S), ("seq", I32), ("section", S), ("section_title", S), ("stt", S),
    ("objective", S), ("task", S), ("output", S), ("lead", S), ("support", S), ("deadline", S),
    ("basis", S), ("split", B), ("page_start", I32), ("page_end", I32),
    ("table", I32), ("line_start", I32), ("line_end", I32), ("repairs", LS), ("confidence", F),
    ("deadline_kind", S), ("deadline_start", D), ("deadline_end", D), ("deadline_recurrence", S),
    ("origin", S), ("section_path", LS), ("table_heading", S),
])

FINDINGS = pa.schema([
    ("doc_id", S), ("source", S), ("seq", I32), ("page", I32), ("line", I32), ("kind", S),
    ("severity", S), ("message", S), ("value", S),
])

TASK_UNITS = pa.schema([
    ("doc_id", S), ("source", S), ("seq", I32), ("role", S), ("mention", S), ("unit_name", S),
    ("unit_type", S), ("unit_id", S), ("level", S), ("province_code", S), ("district_code", S),
    ("commune_code", S), ("score", F), ("method", S), ("page", I32),
])

CITATIONS = pa.schema([
    ("doc_id", S), ("source", S), ("seq", I32), ("page", I32), ("raw", S), ("kind", S), ("number", S),
    ("year", I32), ("symbol", S), ("key", S), ("issuer", S), ("date", D), ("subject", S),
    ("conflict", S), ("resolved_from", S), ("field", S),
])

TARGETS = pa.schema([
    ("doc_id", S), ("source", S), ("seq", I32), ("page", I32), ("text", S), ("indicator", S),
    ("comparator", S), ("value", F), ("value_max", F), ("unit", S), ("year", I32),
])

# Derived over the whole folder after ingest (kehoach/derive.py).
PLAN_DOCUMENTS = pa.schema([
    ("doc_id", S), ("source", S), ("plan_key", S), ("method", S), ("version_of", S),
])

PLANS = pa.schema([
    ("plan_key", S), ("issuer_unit_id", S), ("issuer_name", S), ("doc_type", S), ("number", S),
    ("issued", D), ("title", S), ("n_documents", I32), ("doc_ids", LS), ("sources", LS),
])

SCHEMAS: dict[str, pa.Schema] = {
    "documents": DOCUMENTS, "tasks": TASKS, "findings": FINDINGS,
    "task_units": TASK_UNITS, "citations": CITATIONS, "targets": TARGETS,
    "plan_documents": PLAN_DOCUMENTS, "plans": PLANS,
}


# --- an Extraction as dataset rows ------------------------------------------------------------

_TASK_COLUMNS = ("seq", "section", "section_title", "stt", "objective", "task", "output", "lead",
                 "support", "deadline", "basis", "split", "page_start", "page_end", "table",
                 "line_start", "line_end", "confidence", "origin", "table_heading")
_FINDING_COLUMNS = ("seq", "page", "line", "kind", "severity", "message", "value")


def _documents_row(ex, path: Path) -> dict:
    from kehoach import __version__
    from kehoach.extract.base import doc_id_of, file_digest
    doc, m = ex.document, ex.metadata
    if doc is not None:
        sha, fmt, pages, warnings = doc.sha256, doc.format, doc.pages, list(doc.warnings)
    else:
        try:
            # only a regular file: a FIFO's or a device's "content" would block or never end
            sha = file_digest(path) if path.is_file() else None
        except OSError:
            sha = None
        fmt, pages, warnings = path.suffix.lower().lstrip(".") or None, None, []
    note = None
    table_tasks = [t for t in ex.tasks if t.origin == "table"]
    if ex.status != "failed" and not table_tasks:
        note = next((f.message for f in ex.findings if f.kind == "no_table"), None)
    return dict(
        doc_id=doc_id_of(sha) if sha else None, source=ex.source, sha256=sha, format=fmt, pages=pages,
        number=m.number, doc_type=m.doc_type, issuer=m.issuer, place=m.place, issued=m.issued,
        issued_text=m.issued_text, title=m.title, signer=m.signer, signer_title=m.signer_title,
        status=ex.status, error=ex.error, error_kind=ex.error_kind, note=note, issuer_method=m.issuer_method,
        issuer_parent=m.issuer_parent,
        signer_authority=m.signer_authority, n_tasks=len(ex.tasks),
        n_tables=len({t.table for t in table_tasks}), warnings=warnings,
        ocr_confidence=doc.ocr_confidence if doc else None,
        ocr_pages=list(doc.ocr_pages) if doc else [], kehoach_version=__version__)


def _default_row(f) -> dict:
    return dict(seq=f.seq, page=f.page, **vars(f.value))


def records(ex, path: Path) -> dict[str, list[dict]]:
    """The rows of every dataset for one file's Extraction."""
    from kehoach.normalize import registered
    drow = _documents_row(ex, path)
    base = {"doc_id": drow["doc_id"], "source": ex.source}
    tasks = [dict(base, **{k: getattr(t, k) for k in _TASK_COLUMNS}, repairs=list(t.repairs),
                  section_path=list(t.section_path))
             for t in ex.tasks]
    findings = [dict(base, **{k: getattr(f, k) for k in _FINDING_COLUMNS}) for f in ex.findings]
    if ex.status == "failed":
        findings.append(dict(base, kind="read_error", severity="error", message=ex.error))
    out = {"documents": [drow], "tasks": tasks, "findings": findings}
    by_seq = {row["seq"]: row for row in tasks}
    for norm in registered():
        to_row = norm.row or _default_row
        if norm.annotates == "tasks":
            for f in ex.results(norm.name):
                by_seq[f.seq].update(to_row(f))
        elif norm.annotates == "documents":
            for f in ex.results(norm.name):
                drow.update(to_row(f))
        elif norm.dataset:
            out.setdefault(norm.dataset, []).extend(dict(base, **to_row(f)) for f in ex.results(norm.name))
    return out


def _none_if_blank(v):
    if isinstance(v, str) and not v.strip():
        return None
    return v


def to_table(name: str, rows: Iterable[dict]) -> pa.Table:
    schema = SCHEMAS[name]
    rows = list(rows)
    cols = {}
    for f in schema:
        vals = [r.get(f.name) for r in rows]
        if f.type == S:
            vals = [_none_if_blank(v) for v in vals]
        cols[f.name] = column(vals, f.type)     # not pa.array: that imports pandas
    return pa.table(cols, schema=schema)


def write_part(out_dir: Path, name: str, part: str, rows: Iterable[dict]) -> Path:
    folder = out_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / part
    tmp = folder / f".{part}.tmp"
    pq.write_table(to_table(name, rows), tmp)
    os.replace(tmp, final)
    return final

"""The pipeline: a file in, its records out; a batch of files in, datasets on disk.

read (per format) → recover the task tables → metadata → normalize → write one part per
dataset. A file that cannot be read still gets its documents row, with the reason; the batch
goes on.
"""
from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kehoach import __version__
from kehoach.datasets import part_name, write_part
from kehoach.extract.base import ReadError, doc_id_of, file_digest
from kehoach.extract.metadata import extract_metadata
from kehoach.extract.recover import RecoverSettings, recover
from kehoach.model import Document, Extraction, Metadata

# Readers by file suffix, as "module:function"; a reader missing from this install (its
# optional dependency absent) gives that file a clear error instead of breaking the batch.
READERS: dict[str, str] = {
    ".txt": "kehoach.extract.text:read_text",
    ".text": "kehoach.extract.text:read_text",
    ".md": "kehoach.extract.text:read_markdown",
    ".markdown": "kehoach.extract.text:read_markdown",
    ".pdf": "kehoach.extract.route:read_pdf_auto",
    ".docx": "kehoach.extract.docx:read_docx",
    ".doc": "kehoach.extract.docx:read_doc",
}


@dataclass(frozen=True)
class PipelineSettings:
    recover: RecoverSettings = field(default_factory=RecoverSettings)
    normalize: bool = True


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def iter_inputs(paths: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """(path, source) for each input: files as given, folders walked in name order with
    sources relative to the folder given (as the contract asks)."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and supported(f) and not f.name.startswith("."):
                    yield f, str(Path(p) / f.relative_to(path))
        else:
            yield path, p


def _reader(path: Path) -> Callable[..., Document]:
    spec = READERS.get(path.suffix.lower())
    if spec is None:
        raise ReadError(f"unsupported file type {path.suffix or '(none)'}; "
                        f"kehoach reads {', '.join(sorted(READERS))}")
    module, func = spec.split(":")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise ReadError(f"no reader for {path.suffix} files in this install ({exc})") from exc


def extract(path: Path, source: str | None = None, settings: PipelineSettings = PipelineSettings()) -> Extraction:
    """Everything kehoach learns from one file. Never raises for bad input."""
    source = source or str(path)
    try:
        if not path.exists():
            raise ReadError("no such file")
        if path.is_dir():
            raise ReadError("is a folder, not a file")
        doc = _reader(path)(path, source=source)
    except ReadError as exc:
        return Extraction(document=None, status="failed", error=str(exc))
    except Exception as exc:  # a reader bug must not stop the batch; keep the trace short
        return Extraction(document=None, status="failed",
                          error=f"internal error reading the file: {type(exc).__name__}: {exc}")
    try:
        rec = recover(doc, settings.recover)
        meta = extract_metadata(doc, rec.used_fragments)
    except Exception as exc:
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        return Extraction(document=doc, status="failed",
                          error=f"internal error in table recovery: {type(exc).__name__}: {exc} "
                                f"({Path(tb.filename).name}:{tb.lineno})")
    findings = list(rec.findings)
    status = "partial" if any(f.severity == "error" for f in findings) else "ok"
    return Extraction(document=doc, metadata=meta, tasks=rec.tasks, findings=tuple(findings),
                      status=status)


def _documents_row(ex: Extraction, path: Path, source: str) -> dict:
    doc, m = ex.document, ex.metadata
    if doc is not None:
        sha, fmt, pages, warnings = doc.sha256, doc.format, doc.pages, list(doc.warnings)
    else:
        try:
            sha = file_digest(path)
        except OSError:
            sha = None
        fmt, pages, warnings = path.suffix.lower().lstrip(".") or None, None, []
    note = None
    if ex.status != "failed" and not ex.tasks:
        note = next((f.message for f in ex.findings if f.kind == "no_table"), None)
    return dict(
        doc_id=doc_id_of(sha) if sha else None, source=source, sha256=sha, format=fmt, pages=pages,
        number=m.number, doc_type=m.doc_type, issuer=m.issuer, place=m.place, issued=m.issued,
        issued_text=m.issued_text, title=m.title, signer=m.signer, signer_title=m.signer_title,
        status=ex.status, error=ex.error, note=note, issuer_method=m.issuer_method,
        issuer_parent=m.issuer_parent,
        signer_authority=m.signer_authority, n_tasks=len(ex.tasks),
        n_tables=len({t.table for t in ex.tasks}), warnings=warnings,
        ocr_confidence=doc.ocr_confidence if doc else None,
        ocr_pages=list(doc.ocr_pages) if doc else [], kehoach_version=__version__)


def records(ex: Extraction, path: Path, source: str) -> dict[str, list[dict]]:
    """The rows of every dataset for one file."""
    drow = _documents_row(ex, path, source)
    base = {"doc_id": drow["doc_id"], "source": source}
    tasks = [dict(base, **{k: getattr(t, k) for k in (
        "seq", "section", "section_title", "stt", "objective", "task", "output", "lead", "support",
        "deadline", "basis", "split", "page_start", "page_end", "table", "line_start", "line_end",
        "confidence")}, repairs=list(t.repairs)) for t in ex.tasks]
    findings = [dict(base, seq=f.seq, page=f.page, line=f.line, kind=f.kind, severity=f.severity,
                     message=f.message, value=f.value) for f in ex.findings]
    if ex.status == "failed":
        findings.append(dict(base, kind="read_error", severity="error", message=ex.error))
    units = _task_units(ex, base, findings)
    citations, targets = _meaning(ex, base, tasks, findings)
    return {"documents": [drow], "tasks": tasks, "findings": findings, "task_units": units,
            "citations": citations, "targets": targets}


def _plan_year(m: Metadata, doc: Document | None) -> int | None:
    """The year a plan speaks of when a cell names none: its date, else the year in its date
    line or title ("… năm 2024")."""
    import re
    if m.issued:
        return m.issued.year
    for text in (m.issued_text, m.title):
        hit = re.search(r"năm\s+((?:19|20)\d\d)", text or "")
        if hit:
            return int(hit.group(1))
    return None


def _meaning(ex: Extraction, base: dict, tasks: list[dict], findings: list[dict]) -> tuple[list[dict], list[dict]]:
    """Deadlines parsed into the task rows; citations and targets from prose and cells."""
    from kehoach.normalize.citations import find_citations, resolve_citations
    from kehoach.normalize.deadlines import parse_deadline, section_year
    from kehoach.normalize.targets import find_targets
    doc, m = ex.document, ex.metadata
    if doc is None:
        return [], []
    year = _plan_year(m, doc)
    for row, t in zip(tasks, ex.tasks):
        d = parse_deadline(t.deadline, year=section_year(t.section_title) or year, doc_date=m.issued)
        row.update(deadline_kind=d.kind, deadline_start=d.start, deadline_end=d.end,
                   deadline_recurrence=d.recurrence)
        if d.kind == "unparsed":
            findings.append(dict(base, seq=t.seq, page=t.page_start, line=t.line_start, kind="deadline_unparsed",
                                 severity="warning", value=t.deadline, message="deadline not understood"))
    # citations: prose blocks in reading order, then the task cells
    found: list[tuple[dict, object]] = []
    for b in doc.blocks:
        for c in find_citations(b.text, own_number=m.number):
            found.append((dict(seq=None, page=b.page, field="prose"), c))
    for t in ex.tasks:
        for f in ("objective", "task", "output", "deadline", "basis", "lead", "support"):
            for c in find_citations(getattr(t, f) or "", own_number=m.number):
                found.append((dict(seq=t.seq, page=t.page_start, field=f), c))
    resolved = resolve_citations([c for _, c in found])
    if len(resolved) != len(found):
        resolved = [c for _, c in found]
    citations = [dict(base, **ctx, **{k: getattr(c, k) for k in (
        "raw", "kind", "number", "year", "symbol", "key", "issuer", "date", "subject", "conflict",
        "resolved_from")}) for (ctx, _), c in zip(found, resolved)]
    for row in citations:
        if row["conflict"]:
            findings.append(dict(base, seq=row["seq"], page=row["page"], kind="citation_conflict",
                                 severity="warning", value=row["raw"], message=row["conflict"]))
    # targets: prose as one text (a sentence cut by a page break is joined), each task row as
    # its cells joined by tabs, a merged objective only with its first task
    targets = []
    offsets, parts, pos = [], [], 0
    for b in doc.blocks:
        offsets.append((pos, b.page))
        parts.append(b.text)
        pos += len(b.text) + 2
    prose = "\n\n".join(parts)
    for tg in find_targets(prose, year=year):
        page = None
        if tg.span:
            page = next((pg for off, pg in reversed(offsets) if off <= tg.span[0]), None)
        targets.append(_target_row(base, None, page, tg))
    seen_objectives = set()
    for t in ex.tasks:
        key = (t.table, t.stt, t.objective)
        cells = [t.objective if key not in seen_objectives else "", t.task, t.output, t.lead, t.support,
                 t.deadline, t.basis]
        seen_objectives.add(key)
        row_text = "\t".join((c or "").replace("\t", " ") for c in cells)
        for tg in find_targets(row_text, year=section_year(t.section_title) or year):
            targets.append(_target_row(base, t.seq, t.page_start, tg))
    return citations, targets


def _target_row(base: dict, seq, page, tg) -> dict:
    return dict(base, seq=seq, page=page, **{k: getattr(tg, k) for k in (
        "text", "indicator", "comparator", "value", "value_max", "unit", "year")})


def _task_units(ex: Extraction, base: dict, findings: list[dict]) -> list[dict]:
    """Lead and support cells resolved against the gazetteer; unmatched mentions are kept
    with a null id and listed among the findings."""
    from kehoach.normalize.units import resolve_units
    m = ex.metadata
    rows = []
    for t in ex.tasks:
        for role in ("lead", "support"):
            cell = getattr(t, role)
            if not cell:
                continue
            for u in resolve_units(cell, role=role, issuer=m.issuer, place=m.place, issued=m.issued):
                rows.append(dict(base, seq=t.seq, role=role, page=t.page_start, **{
                    k: getattr(u, k) for k in ("mention", "unit_name", "unit_type", "unit_id", "level",
                                               "province_code", "district_code", "commune_code",
                                               "score", "method")}))
                if u.unit_id is None:
                    findings.append(dict(base, seq=t.seq, page=t.page_start, line=t.line_start,
                                         kind="unit_unmatched", severity="warning", value=u.mention,
                                         message=f"{role} mention not found in the gazetteer"))
                elif "?" in u.unit_id:
                    findings.append(dict(base, seq=t.seq, page=t.page_start, line=t.line_start,
                                         kind="unit_place_unknown", severity="info", value=u.mention,
                                         message="the plan does not say where this unit is; its id "
                                                 "is unique only within the document"))
    return rows


@dataclass
class BatchResult:
    files: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    tasks: int = 0


def ingest(paths: Iterable[str], out_dir: Path, settings: PipelineSettings = PipelineSettings(),
           on_file: Callable[[str, Extraction], None] | None = None) -> BatchResult:
    result = BatchResult()
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, source in iter_inputs(paths):
        ex = extract(path, source, settings)
        recs = records(ex, path, source)
        doc_id = recs["documents"][0]["doc_id"] or "nohash"
        part = part_name(doc_id, source)
        # documents last: a documents row means every other part of that file is on disk
        for name in [n for n in recs if n != "documents"] + ["documents"]:
            write_part(out_dir, name, part, recs[name])
        result.files += 1
        result.tasks += len(ex.tasks)
        if ex.status == "failed":
            result.failed.append((source, ex.error or "failed"))
        if on_file:
            on_file(source, ex)
    return result

"""Recover the logical task table(s) of a plan from its per-page table fragments.

Readers hand over fragments as they lie on the page; this module knows nothing of the
format. The chain: find_tables (header vocabulary, in any column order, two-level headers,
repeated or truncated headers dropped) → lay rows on the table grid (junk dropped) →
classify group rows → align cells a horizontal merge shifted left (by what each column's
values look like) → assemble tasks (vertical merges inherited, rows split by a page break
joined, duplicated boundary fragments dropped) → check numbering. Every repair is recorded
on the task and every doubt becomes a Finding.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from kehoach.extract.recover.align import align, value_kind
from kehoach.extract.recover.assemble import _assemble, _numbering_findings
from kehoach.extract.recover.headers import Header, detect_header, match_header_field
from kehoach.extract.recover.layout import find_tables
from kehoach.extract.recover.settings import DATA_FIELDS, RecoverSettings
from kehoach.extract.recover.text import join_fragments
from kehoach.model import Document, Finding, Task

__all__ = ["DATA_FIELDS", "Header", "RecoverSettings", "Recovery", "align", "detect_header", "find_tables",
           "join_fragments", "match_header_field", "recover", "value_kind"]


@dataclass(frozen=True)
class Recovery:
    tasks: tuple[Task, ...]
    findings: tuple[Finding, ...]
    used_fragments: frozenset[int]       # fragment indexes that belong to task tables


# --- entry point --------------------------------------------------------------------------

def recover(doc: Document, settings: RecoverSettings = RecoverSettings()) -> Recovery:
    if doc.layout == "grid":
        settings = replace(settings, positional=False)
    findings: list[Finding] = []
    tables = [t for t in find_tables(doc, settings, findings) if t.lines]
    tasks: list[Task] = []
    counter = [0]
    for tnum, table in enumerate(tables, start=1):
        for b in _assemble(table, findings, settings, counter):
            v = b.values
            has = set(table.header.fields)
            tasks.append(Task(
                seq=len(tasks) + 1, section=b.section, section_title=b.section_title, stt=b.stt or None,
                objective=(v["objective"] or None) if "objective" in has else None,
                task=v["task"] if "task" in has or "objective" in has else None,
                output=v["output"] if "output" in has else None,
                lead=v["lead"] if "lead" in has else None,
                support=v["support"] if "support" in has else None,
                deadline=v["deadline"] if "deadline" in has else None,
                basis=v["basis"] if "basis" in has else None,
                split=b.split, page_start=min(b.pages) if b.pages else None,
                page_end=max(b.pages) if b.pages else None, table=tnum,
                line_start=min(b.lines) if b.lines else None, line_end=max(b.lines) if b.lines else None,
                repairs=tuple(dict.fromkeys(b.repairs)), confidence=b.confidence,
                table_heading=table.heading))
    findings.extend(_numbering_findings(tasks, settings))
    if not tasks:
        findings.append(Finding(kind="no_table", message="no task table found (no header naming at least "
                                "a task column and two other task-table columns)"))
    used = frozenset(i for t in tables for i in t.fragments)
    return Recovery(tasks=tuple(tasks), findings=tuple(findings), used_fragments=used)

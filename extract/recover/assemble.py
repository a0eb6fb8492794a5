"""Tasks from aligned rows: vertical merges inherited, rows cut by a page break joined,
duplicated boundary fragments dropped, numbering checked."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kehoach.extract.labels import clean_label, is_label
from kehoach.extract.recover.align import _Aligned, align, value_kind
from kehoach.extract.recover.headers import Header
from kehoach.extract.recover.layout import _Line, _section_of, _next_labels, _Table
from kehoach.extract.recover.settings import DATA_FIELDS, RecoverSettings
from kehoach.extract.recover.text import _norm, _words, join_fragments
from kehoach.gazetteer import load_yaml
from kehoach.model import Finding, Task


# --- assembly -----------------------------------------------------------------------------

@dataclass
class _Building:
    values: dict[str, str]
    stt: str
    section: str | None
    section_title: str | None
    merged_content: bool
    objective_group: int
    pages: set[int]
    lines: list[int]
    split: bool = False
    repairs: list[str] = field(default_factory=list)
    confidence: float | None = None


def _start_kind(text: str) -> str:
    """How a cell's text begins: "lower" (a word in lower case, or punctuation: the middle of
    a sentence), "capital" (a capitalised word), "acronym" (TTHC, UBND) or "" (empty)."""
    m = re.search(r"[^\W\d_]+", text or "")
    if not text or not text.strip():
        return ""
    if not m:
        return "capital" if re.match(r"\s*[-–•+]?\s*\d", text) else "lower"
    before = text[:m.start()].strip()
    if before and re.fullmatch(r"[\d.,%/]+", before):
        return "capital"                    # "100% BPMC …", "2.000 hồ sơ": an item begins with a figure
    if before and not re.fullmatch(r"[-–•+*]|\d+[.)]?", before):
        return "lower"                      # "(https://…)", "; …": inside a sentence
    word = m.group(0)
    if word[0].islower():
        return "lower"
    return "acronym" if len(word) > 1 and word.isupper() else "capital"


def _starts_new_item(vals: dict[str, str], task: str, prev: "_Building") -> bool:
    """Whether a numberless row at the top of a page begins a new task (under a vertically
    merged number) rather than continuing the row cut by the break. A new task begins with a
    capitalised word and fills its other columns; a continuation carries only the ends of the
    cells that were long enough to wrap, often beginning mid-sentence."""
    kind = _start_kind(task)
    if kind in ("", "lower"):
        return False
    if kind == "acronym" and not re.search(r"[.;:!?)]\s*$", prev.values.get("task") or ""):
        return False
    # Evidence for a new task: each other column that begins an item counts, the more when the
    # cell above is short (a short cell seldom wraps onto the next page); a column that goes
    # on mid-sentence is strong evidence of a continuation.
    evidence = 1.0
    for f in ("output", "lead", "support", "deadline", "basis"):
        k = _start_kind(vals.get(f, ""))
        if k == "lower":
            evidence -= 2.0
        elif k in ("capital", "acronym"):
            above = prev.values.get(f) or ""
            evidence += 1.0 if 0 < _words(above) <= 4 else 0.5
    return evidence >= 2.0


def is_summary_row(line: _Line, header: Header) -> bool:
    """A total row ("Tổng thời gian giải quyết TTHC | 40 giờ làm việc"): words, not a label, in
    the number column, and in the task column nothing or only a time (shifted left)."""
    stt_col, task_col = header.col("stt"), header.col("task")
    if stt_col is None or task_col is None:
        return False
    stt, task = line.values[stt_col], line.values[task_col]
    others = [i for i, v in enumerate(line.values) if v and i != stt_col]
    if stt and not is_label(stt) and is_total_phrase(stt):
        return True
    if not stt and task and is_total_phrase(task) and _words(task) <= 10:
        return True          # the total's words in a cell spanning the number and task columns
    if line.printed and line.printed < header.ncols and value_kind(stt) == "unit":
        return False         # a unit first in a short crawled row: its number cell was merged above
    return (bool(stt) and not is_label(stt) and _words(stt) >= 2 and bool(others)
            and (not task or (value_kind(task) == "deadline" and _words(task) <= 8)))


@functools.lru_cache(maxsize=1)
def _total_heads() -> tuple[tuple[str, ...], frozenset[str]]:
    v = load_yaml("column_types.yaml")
    return tuple(v["total_row_heads"]), frozenset(v["total_row_alone"])


def is_total_phrase(text: str) -> bool:
    """Whether a cell begins with the words of a total row (gazetteer/column_types.yaml)."""
    t = _norm(text)
    heads, alone = _total_heads()
    return t in alone or any(t == h or (t.startswith(h) and not t[len(h)].isalnum()) for h in heads)


def _row_task_text(al: _Aligned, header: Header, prev: _Building | None) -> tuple[str, str]:
    """(objective, task) of a row; under a parent whose content sat in a merged cell, the
    objective column's text is the content's continuation."""
    obj, task = al.values.get("objective", ""), al.values.get("task", "")
    if prev is not None and prev.merged_content and header.has_objective and obj and not task:
        return "", obj
    return obj, task


def _assemble(table: _Table, findings: list[Finding], settings: RecoverSettings,
              counter: list[int]) -> list[_Building]:
    header = table.header
    built: list[_Building] = []
    section: tuple[str | None, str | None] = (None, None)
    anchor: _Building | None = None
    group_id = counter[0]
    lines = table.lines
    next_labels = _next_labels(lines, header)
    # objective group → its rows: a join across a page break updates the group, not every row
    groups: dict[int, list[_Building]] = {}
    for i, line in enumerate(lines):
        nl = next_labels[i + 1]
        sec = _section_of(line, header, nl)
        if sec is not None:
            section = sec
            anchor = None
            continue
        if is_summary_row(line, header):
            findings.append(Finding(kind="summary_row", page=line.page, line=line.line,
                                    value=" | ".join(v for v in line.values if v),
                                    message="total row (words in the number column, no task): not a task"))
            continue
        al = align(line, header, settings)
        stt = clean_label(al.values.get("stt", "")) if al.values.get("stt") else ""
        prev = built[-1] if built else None
        obj, task = _row_task_text(al, header, prev if not stt else None)
        repairs = []
        if al.shift is not None:
            repairs.append(f"cells shifted by a merged cell put back (column {al.shift[0] + 1} spans "
                           f"{al.shift[1] + 1})")
        merged = al.merged_content or (header.has_objective and bool(obj) and not task and (
            bool(stt) or (prev is not None and prev.merged_content and line.at_break)))
        if merged and obj and not task:
            obj, task = "", obj
            repairs.append("content in the merged Nội dung cell (no separate objective)")
        vals = {**{f: al.values.get(f, "") for f in DATA_FIELDS}, "objective": obj, "task": task}
        inherited = _spanned_values(al, header, vals, prev)
        page_set = {line.page} if line.page else set()
        line_list = [line.line] if line.line else []
        if stt or prev is None:
            group_id += 1
            _take_spanned(vals, repairs, inherited)
            b = _Building(values=vals, stt=stt, section=section[0], section_title=section[1],
                          merged_content=merged, objective_group=group_id, pages=page_set,
                          lines=line_list, repairs=repairs, confidence=line.confidence)
            if not stt and prev is None:
                findings.append(Finding(kind="unplaced_row", severity="warning", page=line.page, line=line.line,
                                        value=task or obj, message="row without a number before any task; "
                                        "kept as its own task"))
            built.append(b)
            groups.setdefault(b.objective_group, []).append(b)
            anchor = b
            continue
        # A numberless row that goes on mid-sentence with no unit or time of its own is the
        # rest of the row above, cut by a page break the reader could not see (crawls).
        unseen_break = (_start_kind(task) == "lower" and not obj
                        and not any(vals[f] for f in ("lead", "support", "deadline")))
        if (line.at_break or unseen_break) and not _starts_new_item(vals, task, prev):
            _continue_row(prev, vals, groups.get(prev.objective_group, ()), line, findings, page_set, line_list)
            continue
        # A new task under a vertically merged number (and objective): inherit them.
        _take_spanned(vals, repairs, inherited)
        b = _Building(values=dict(vals), stt=prev.stt, section=section[0], section_title=section[1],
                      merged_content=merged or (anchor is not None and anchor.merged_content and not obj),
                      objective_group=prev.objective_group, pages=page_set, lines=line_list,
                      repairs=repairs + ["number and objective inherited from the merged cell above"],
                      confidence=line.confidence)
        if obj and line.at_break and _start_kind(obj) in ("lower", "acronym"):
            joined, dup = join_fragments(prev.values["objective"], obj)
            for t in groups.get(prev.objective_group, ()):
                t.values["objective"] = joined
                t.split = True
                t.repairs.append("objective joined across a page break")
            b.values["objective"] = joined
            b.split = True
        elif obj:
            group_id += 1
            b.objective_group = group_id
        else:
            b.values["objective"] = prev.values["objective"]
            if header.has_objective and prev.merged_content and not obj:
                b.merged_content = True
        built.append(b)
        groups.setdefault(b.objective_group, []).append(b)
    counter[0] = group_id
    return built


# the attributes a vertical merge shares between rows; a task, an objective or a number of
# its own is never taken from the row above this way (numbers and objectives are inherited
# by the numberless-row rule)
_SHARED = ("output", "lead", "support", "deadline", "basis")


def _spanned_values(al: _Aligned, header: Header, vals: dict[str, str],
                    prev: "_Building | None") -> dict[str, str]:
    """The values of the columns a short crawled row printed no cell for, from the row
    above: the crawl kept a vertically merged cell only on the merge's first row."""
    if prev is None or not al.spanned or not _same_numbering(al.values.get("stt", ""), prev.stt):
        return {}
    out = {}
    for j in al.spanned:
        f = header.fields[j]
        if f in _SHARED and not vals.get(f) and prev.values.get(f):
            out[f] = prev.values[f]
    return out


def _number_shape(label: str) -> str:
    """"III.1.1" → "R.0.0", "Bước 7" → "bước 0": the numbering scheme a label belongs to."""
    parts = re.split(r"([.\s])", clean_label(label).lower())
    return "".join("R" if re.fullmatch(r"[ivxlc]+", p) else re.sub(r"\d+", "0", p) for p in parts)


def _same_numbering(stt: str, prev_stt: str) -> bool:
    """A vertical merge spans rows of one list: a row numbered in another scheme than the row
    above ("III.1.1" under "III") starts a level of its own and shares nothing with it."""
    return not stt or not prev_stt or _number_shape(stt) == _number_shape(prev_stt)


def _take_spanned(vals: dict[str, str], repairs: list[str], inherited: dict[str, str]) -> None:
    """Fill a new task's dropped merged cells (never a continuation's: its cells are joined)."""
    if inherited:
        vals.update(inherited)
        repairs.append("cells of a vertical merge the crawl dropped taken from the row above ("
                       + ", ".join(inherited) + ")")


def _continue_row(prev: _Building, vals: dict[str, str], group: Iterable[_Building], line: _Line,
                  findings: list[Finding], pages: set[int], lines: list[int]) -> None:
    changed, dups = False, []
    for f in DATA_FIELDS:
        part = vals.get(f, "")
        if not part:
            continue
        joined, dup = join_fragments(prev.values.get(f, ""), part)
        if dup:
            dups.append(f"{f}: {part!r}")
        if joined != prev.values.get(f, ""):
            changed = True
        if f == "objective":
            for t in group:        # the rows of prev's objective group
                t.values["objective"] = joined
                t.split = True
        prev.values[f] = joined
    prev.pages |= pages
    prev.lines += lines
    if changed:
        prev.split = True
        prev.repairs.append("row joined across a page break")
    if dups:
        prev.repairs.append("duplicated fragment at the page break dropped (" + "; ".join(dups) + ")")
        findings.append(Finding(kind="duplicate_fragment", page=line.page, line=line.line,
                                value="; ".join(dups),
                                message="text repeated at a page break was dropped"))
    if not changed:
        findings.append(Finding(kind="duplicate_row", page=line.page, line=line.line,
                                message="row repeated at a page break was dropped"))


# --- numbering checks ---------------------------------------------------------------------

def _numbering_findings(tasks: list[Task], settings: RecoverSettings) -> list[Finding]:
    out: list[Finding] = []
    by_group: dict[tuple, list[Task]] = {}
    for t in tasks:
        if t.stt:
            parts = t.stt.split(".")
            by_group.setdefault((t.table, t.section, tuple(parts[:-1])), []).append(t)
    for (table, section, prefix), items in by_group.items():
        seen: list[int] = []
        for t in items:
            last = t.stt.split(".")[-1]
            if not last.isdigit():
                break
            n = int(last)
            if seen and n == seen[-1]:
                continue
            if seen and n > seen[-1] + 1:
                label = lambda k: ".".join(prefix + (str(k),))  # noqa: E731
                if n - seen[-1] - 1 <= settings.max_listed_gap:
                    missing = ", ".join(label(k) for k in range(seen[-1] + 1, n))
                else:       # "1, 2, 99999999999": name the range, never build it
                    missing = f"{label(seen[-1] + 1)} … {label(n - 1)} ({n - seen[-1] - 1} numbers)"
                out.append(Finding(kind="missing_number", severity="warning", seq=t.seq, page=t.page_start,
                                   line=t.line_start, value=missing,
                                   message=f"numbering jumps to {t.stt}: {missing} not in the table"))
            elif seen and n < seen[-1]:
                out.append(Finding(kind="number_out_of_order", severity="warning", seq=t.seq,
                                   page=t.page_start, line=t.line_start, value=t.stt,
                                   message=f"number {t.stt} after {seen[-1]}"))
            seen.append(n)
    return out

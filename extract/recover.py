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

import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace

from kehoach.extract.labels import LABEL_IN_TEXT, clean_label, depth, is_label, is_roman_or_letter
from kehoach.gazetteer import load_yaml
from kehoach.model import Document, Finding, Row, TableFragment, Task

DATA_FIELDS = ("objective", "task", "output", "lead", "support", "deadline", "basis")


@dataclass(frozen=True)
class RecoverSettings:
    # A shifted alignment must beat the cells-as-printed reading by this much evidence.
    identity_prior: float = 0.75
    # Merges of the Mục tiêu | Nhiệm vụ pair are the usual cause of a shift in two-level tables.
    content_merge_prior: float = 0.5
    max_shift: int = 2
    # Readers that lay cells by position only (text, crawled markdown) lose the merged cells
    # that shift a row's cells left; grid readers (PDF rulings, DOCX, scans) place every
    # cell in its column and report merges, so their rows are never shifted.
    positional: bool = True
    max_header_words: int = 14
    long_text_words: int = 12


@dataclass(frozen=True)
class Header:
    fields: tuple[str | None, ...]       # contract field of each grid column
    texts: tuple[str, ...]               # header text of each grid column
    rows: int = 1                        # 2 when a sub-header row refines the first

    @property
    def ncols(self) -> int:
        return len(self.fields)

    def col(self, name: str) -> int | None:
        return self.fields.index(name) if name in self.fields else None

    @property
    def has_objective(self) -> bool:
        return "objective" in self.fields and "task" in self.fields


@dataclass(frozen=True)
class Recovery:
    tasks: tuple[Task, ...]
    findings: tuple[Finding, ...]
    headers: tuple[Header, ...]
    used_fragments: frozenset[int]       # fragment indexes that belong to task tables


# --- text helpers -----------------------------------------------------------------------

def _norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s or "").lower()
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    s = re.sub(r"\(\*+\)|\*", "", s)
    s = re.sub(r"\s+", " ", s).strip(" :.;")
    return s


def _uppercase_share(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _words(s: str) -> int:
    return len(s.split())


def join_fragments(a: str, b: str) -> tuple[str, bool]:
    """Join the two parts of a cell cut by a page break with one space. A part that repeats
    the other's edge is an extraction duplicate ("Thường xuyên" + "xuyên", "Văn phòng" +
    "Văn phòng HĐND-UBND huyện") and is dropped. Returns (text, whether a duplicate was dropped)."""
    if not a:
        return b, False
    if not b:
        return a, False
    wa, wb = a.split(), b.split()
    if len(wb) <= len(wa) and wa[-len(wb):] == wb:
        return a, True
    if len(wa) <= len(wb) and wb[:len(wa)] == wa:
        return b, True
    return f"{a} {b}", False


# --- headers ------------------------------------------------------------------------------

def _header_vocab() -> dict:
    return load_yaml("table_headers.yaml")


def match_header_field(text: str) -> str | None:
    """The contract field a header cell names, or None. Longest phrase wins; a header cut
    short at a page break matches a phrase it begins."""
    t = _norm(text)
    if not t:
        return None
    if t.replace(" ", "") in ("stt", "tt", "sốtt"):
        return "stt"
    best, best_score = None, 0.0
    for name, phrases in _header_vocab()["fields"].items():
        for p in phrases:
            if t == p:
                score = 100 + len(p)
            elif t.startswith(p + " ") or t.startswith(p + "/") or t.startswith(p + ","):
                score = 50 + len(p)
            elif p.startswith(t) and len(t.split()) >= 3:
                score = 20 + len(t)
            else:
                continue
            if score > best_score:
                best, best_score = name, score
    return best


def _row_values(row: Row) -> list[str]:
    width = max((c.col + c.colspan for c in row.cells), default=0)
    vals = [""] * width
    for c in row.cells:
        if c.text:
            vals[c.col] = (vals[c.col] + " " + c.text).strip() if vals[c.col] else c.text
    return vals


def detect_header(row: Row, settings: RecoverSettings = RecoverSettings()) -> Header | None:
    vocab = _header_vocab()
    width = max((c.col + c.colspan for c in row.cells), default=0)
    fields: list[str | None] = [None] * width
    texts = [""] * width
    seen = set()
    for c in row.cells:
        if not c.text:
            continue
        if _words(c.text) > settings.max_header_words:
            return None
        f = match_header_field(c.text)
        texts[c.col] = c.text
        if f and f not in seen:
            fields[c.col] = f
            seen.add(f)
    if len(seen) < vocab["min_fields"] or not seen & set(vocab["required_any"]):
        return None
    return Header(fields=tuple(fields), texts=tuple(texts))


def _refine_with_subheader(header: Header, row: Row) -> Header | None:
    """A second header row whose cells are only Mục tiêu / Nhiệm vụ refines the columns under
    a spanning "Nội dung thực hiện"."""
    sub = set(_header_vocab()["subheader_fields"])
    found: dict[int, str] = {}
    for c in row.cells:
        if not c.text:
            continue
        f = match_header_field(c.text)
        if f not in sub or _words(c.text) > 4:
            return None
        found[c.col] = f
    if len(found) < 2:
        return None
    fields = list(header.fields) + [None] * max(0, max(found) + 1 - header.ncols)
    texts = list(header.texts) + [""] * max(0, max(found) + 1 - header.ncols)
    for col, f in found.items():
        for j, g in enumerate(fields):
            if g == f and j != col:
                fields[j] = None
        fields[col] = f
    for c in row.cells:
        if c.text:
            texts[c.col] = c.text
    return Header(fields=tuple(fields), texts=tuple(texts), rows=2)


def _same_table(a: Header, b: Header) -> bool:
    """A repeated header (maybe truncated) names the same fields at the same columns."""
    common = [i for i in range(min(a.ncols, b.ncols)) if b.fields[i]]
    if not common:
        return False
    agree = sum(1 for i in common if a.fields[i] == b.fields[i]
                or (a.fields[i] in ("objective", "task") and b.fields[i] in ("objective", "task")))
    return agree >= max(2, int(0.75 * len(common)))


# --- layout: rows of one logical table on its grid ----------------------------------------

@dataclass
class _Line:
    values: list[str]
    covered: list[bool]                  # column covered by a horizontally merged cell
    merged_from: dict[int, int]          # covered col -> col of the merged cell
    page: int | None
    line: int | None
    fragment: int
    at_break: bool
    bold: bool
    confidence: float | None


@dataclass
class _Table:
    header: Header
    lines: list[_Line] = field(default_factory=list)
    fragments: set[int] = field(default_factory=set)


def _is_junk(values: list[str]) -> bool:
    text = "".join(values)
    return bool(text) and bool(re.fullmatch(r"[-–—=_.·\s|]+", text))


def _is_column_numbering(values: list[str]) -> bool:
    """Rows like "(1) | (2) | (3)" or "1 | 2 | 3" under a header number the columns."""
    vals = [v for v in values if v]
    if len(vals) < 3:
        return False
    nums = []
    for v in vals:
        m = re.fullmatch(r"\(?(\d{1,2})\)?", v)
        if not m:
            return False
        nums.append(int(m.group(1)))
    return nums == list(range(nums[0], nums[0] + len(nums)))


def _to_line(row: Row, header: Header, frag: TableFragment, at_break: bool,
             findings: list[Finding]) -> _Line:
    n = header.ncols
    values = [""] * n
    covered = [False] * n
    merged_from: dict[int, int] = {}
    confs = [c.confidence for c in row.cells if c.confidence is not None and c.text]
    for c in row.cells:
        col = min(c.col, n - 1)
        if c.col >= n and c.text:
            findings.append(Finding(kind="cell_beyond_header", severity="warning", page=row.page or frag.page,
                                    line=row.line, value=c.text,
                                    message=f"cell in column {c.col + 1} beyond the header's {n} columns; "
                                            "appended to the last column"))
        if c.text:
            values[col] = f"{values[col]} {c.text}".strip() if values[col] else c.text
        for k in range(c.col + 1, min(c.col + c.colspan, n)):
            covered[k] = True
            merged_from[k] = col
    return _Line(values=values, covered=covered, merged_from=merged_from, page=row.page or frag.page,
                 line=row.line, fragment=frag.index, at_break=at_break,
                 bold=any(c.bold for c in row.cells if c.text),
                 confidence=min(confs) if confs else None)


def find_tables(doc: Document, settings: RecoverSettings, findings: list[Finding]) -> list[_Table]:
    tables: list[_Table] = []
    current: _Table | None = None
    prev_frag: TableFragment | None = None
    block_indexes = sorted(b.index for b in doc.blocks)
    for frag in doc.fragments:
        prose_between = prev_frag is not None and any(
            prev_frag.block_index < i < frag.block_index for i in block_indexes)
        # A headerless fragment continues the open table only when nothing but a page break
        # separates them; prose in between means a different (non-task) table.
        current_open = current is not None and not prose_between
        pending_break = frag.after_break
        rows = frag.rows
        r = 0
        while r < len(rows):
            row = rows[r]
            header = detect_header(row, settings)
            if header is not None:
                refined = _refine_with_subheader(header, rows[r + 1]) if r + 1 < len(rows) else None
                if refined is not None:
                    header = refined
                if current is not None and _same_table(current.header, header):
                    pending_break = True     # a repeated header marks a page break
                    current_open = True
                else:
                    current = _Table(header=header)
                    tables.append(current)
                    current_open = True
                    pending_break = False
                current.fragments.add(frag.index)
                r += header.rows
                continue
            if current is None or not current_open:
                r += 1
                continue
            values = _row_values(row)
            if not any(values):
                r += 1
                continue
            if _is_junk(values) or _is_column_numbering(values):
                findings.append(Finding(kind="dropped_junk", page=row.page or frag.page, line=row.line,
                                        value=" | ".join(v for v in values if v),
                                        message="row of rules or column numbers, not a task"))
                r += 1
                continue
            current.lines.append(_to_line(row, current.header, frag, pending_break, findings))
            current.fragments.add(frag.index)
            pending_break = False
            r += 1
        prev_frag = frag
    return tables


# --- group (section) rows -----------------------------------------------------------------



def _section_of(line: _Line, header: Header, next_label: str | None) -> tuple[str | None, str] | None:
    stt_col = header.col("stt")
    vals = line.values
    nonempty = [i for i, v in enumerate(vals) if v]
    stt = vals[stt_col] if stt_col is not None else ""
    content = [i for i in nonempty if i != stt_col]
    if stt and is_label(stt) and len(content) == 1:
        label = clean_label(stt)
        text = vals[content[0]]
        only_first_content = content[0] == min((i for i, f in enumerate(header.fields)
                                                if f and f != "stt"), default=content[0])
        if not only_first_content:
            return None
        deeper_follows = next_label is not None and depth(next_label) > depth(label) > 0
        if (is_roman_or_letter(label) or deeper_follows or line.bold
                or _uppercase_share(text) > 0.7):
            return label, text
        return None
    if len(nonempty) == 1 and not line.at_break and not (stt and is_label(stt)):
        text = vals[nonempty[0]]
        m = LABEL_IN_TEXT.match(text)
        if m and (line.bold or _uppercase_share(m.group(2)) > 0.7 or is_roman_or_letter(m.group(1))):
            return m.group(1), m.group(2).strip()
        if nonempty[0] <= 1 and (line.bold and _uppercase_share(text) > 0.7) and _words(text) <= 20:
            return None, text
    return None


def _next_label(lines: list[_Line], start: int, header: Header) -> str | None:
    stt_col = header.col("stt")
    if stt_col is None:
        return None
    for ln in lines[start:]:
        if ln.values[stt_col] and is_label(ln.values[stt_col]):
            return clean_label(ln.values[stt_col])
    return None


# --- alignment: putting back cells a horizontal merge shifted left ------------------------

def _kind_vocab() -> dict[str, list[str]]:
    return load_yaml("column_types.yaml")["kinds"]


# Pure on a cell's text; alignment asks about each value once per candidate placement.
@functools.lru_cache(maxsize=8192)
def value_kind(value: str) -> str | None:
    """deadline | unit | product | None, by the longest vocabulary phrase the value starts with;
    a value holding a date reads as a deadline."""
    v = _norm(value)
    if not v:
        return None
    best, best_len = None, 0
    for kind, phrases in _kind_vocab().items():
        for p in phrases:
            if len(p) > best_len and (v == p or v.startswith(p + " ") or v.startswith(p + ",")
                                       or v.startswith(p + "/") or (p.endswith(" ") and v.startswith(p))
                                       or (p[-1].isdigit() and v.startswith(p))):
                best, best_len = kind, len(p)
    if best is None and re.fullmatch(r"[^a-zà-ỹđ]*\d{1,2}/\d{1,2}/\d{2,4}[^a-zà-ỹđ]*", v):
        return "deadline"
    if best is None and re.fullmatch(r"(năm )?20\d\d( ?[-–] ?20\d\d)?", v):
        return "deadline"
    return best


def _fit(fieldname: str | None, value: str, settings: RecoverSettings) -> float:
    if not value or fieldname is None:
        return 0.0
    kind = value_kind(value)
    long = _words(value) > settings.long_text_words
    if fieldname == "stt":
        return 1.0 if is_label(value) else (-3.0 if long else -1.0)
    if fieldname == "deadline":
        return {"deadline": 2.0, "unit": -1.5, "product": -1.0}.get(kind, -1.0 if long else 0.0)
    if fieldname in ("lead", "support"):
        return {"unit": 1.0, "deadline": -2.0, "product": -0.5}.get(kind, -0.5 if long else 0.0)
    if fieldname == "output":
        return {"product": 1.0, "unit": -1.0, "deadline": -2.0}.get(kind, 0.0)
    if fieldname in ("task", "objective"):
        return {"deadline": -2.0, "unit": -0.5 if not long else 0.0}.get(kind, 0.5 if long else 0.0)
    if fieldname == "basis":
        return -2.0 if kind == "deadline" else (1.0 if re.search(r"\d+/\S*\d{4}|\d+/[A-ZĐ]", value) else 0.0)
    return 0.0


@dataclass(frozen=True)
class _Aligned:
    values: dict[str, str]
    merged_content: bool                 # content in a merged Mục tiêu + Nhiệm vụ cell
    shift: tuple[int, int] | None        # (column of the merged cell, columns it absorbed)


def _candidates(vals: list[str], header: Header, settings: RecoverSettings):
    n = header.ncols
    nonempty = [i for i, v in enumerate(vals) if v]
    yield None, list(vals)
    if not nonempty or not settings.positional:
        return
    last = nonempty[-1]
    slack = n - 1 - last
    stt_col = header.col("stt")
    for k in range(1, min(slack, settings.max_shift) + 1):
        for p in nonempty:
            if p == stt_col:
                continue
            shifted = vals[:p + 1] + [""] * k + vals[p + 1:n - k]
            yield (p, k), shifted


def align(line: _Line, header: Header, settings: RecoverSettings = RecoverSettings()) -> _Aligned:
    n = header.ncols
    obj_col, task_col = header.col("objective"), header.col("task")
    # A reader that knows the merges (PDF rulings, DOCX gridSpan) says so directly.
    if header.has_objective and line.covered[task_col] and line.merged_from.get(task_col) == obj_col:
        vals = dict(zip(header.fields, line.values))
        out = {f: (vals.get(f) or "") for f in DATA_FIELDS if f in header.fields}
        out["task"] = line.values[obj_col]
        out["objective"] = ""
        return _Aligned(values={**out, "stt": vals.get("stt") or ""}, merged_content=True, shift=None)
    best = None
    for shift, vals in _candidates(line.values, header, settings):
        score = sum(_fit(header.fields[j], vals[j], settings) for j in range(n))
        if shift is None:
            score += settings.identity_prior
        elif header.has_objective and shift[0] == obj_col and shift[1] == 1:
            score += settings.content_merge_prior
        if best is None or score > best[0]:
            best = (score, shift, vals)
    _, shift, vals = best
    values = {f: "" for f in ("stt",) + DATA_FIELDS}
    merged_content = False
    for j, f in enumerate(header.fields):
        if f:
            values[f] = vals[j]
    if shift is not None and header.has_objective and shift[0] == obj_col:
        merged_content = True
        values["task"], values["objective"] = vals[obj_col], ""
    return _Aligned(values=values, merged_content=merged_content, shift=shift)


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
    for i, line in enumerate(lines):
        nl = _next_label(lines, i + 1, header)
        sec = _section_of(line, header, nl)
        if sec is not None:
            section = sec
            anchor = None
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
        page_set = {line.page} if line.page else set()
        line_list = [line.line] if line.line else []
        if stt or prev is None:
            group_id += 1
            b = _Building(values=vals, stt=stt, section=section[0], section_title=section[1],
                          merged_content=merged, objective_group=group_id, pages=page_set,
                          lines=line_list, repairs=repairs, confidence=line.confidence)
            if not stt and prev is None:
                findings.append(Finding(kind="unplaced_row", severity="warning", page=line.page, line=line.line,
                                        value=task or obj, message="row without a number before any task; "
                                        "kept as its own task"))
            built.append(b)
            anchor = b
            continue
        if line.at_break and not _starts_new_item(vals, task, prev):
            _continue_row(prev, vals, built, line, findings, page_set, line_list)
            continue
        # A new task under a vertically merged number (and objective): inherit them.
        b = _Building(values=dict(vals), stt=prev.stt, section=section[0], section_title=section[1],
                      merged_content=merged or (anchor is not None and anchor.merged_content and not obj),
                      objective_group=prev.objective_group, pages=page_set, lines=line_list,
                      repairs=repairs + ["number and objective inherited from the merged cell above"],
                      confidence=line.confidence)
        if obj and line.at_break and _start_kind(obj) in ("lower", "acronym"):
            joined, dup = join_fragments(prev.values["objective"], obj)
            for t in built:
                if t.objective_group == prev.objective_group:
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
    counter[0] = group_id
    return built


def _continue_row(prev: _Building, vals: dict[str, str], built: list[_Building], line: _Line,
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
            for t in built:
                if t.objective_group == prev.objective_group:
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

def _numbering_findings(tasks: list[Task]) -> list[Finding]:
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
                missing = ", ".join(".".join(prefix + (str(k),)) for k in range(seen[-1] + 1, n))
                out.append(Finding(kind="missing_number", severity="warning", seq=t.seq, page=t.page_start,
                                   line=t.line_start, value=missing,
                                   message=f"numbering jumps to {t.stt}: {missing} not in the table"))
            elif seen and n < seen[-1]:
                out.append(Finding(kind="number_out_of_order", severity="warning", seq=t.seq,
                                   page=t.page_start, line=t.line_start, value=t.stt,
                                   message=f"number {t.stt} after {seen[-1]}"))
            seen.append(n)
    return out


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
                repairs=tuple(dict.fromkeys(b.repairs)), confidence=b.confidence))
    findings.extend(_numbering_findings(tasks))
    if not tasks:
        findings.append(Finding(kind="no_table", message="no task table found (no header naming at least "
                                "a task column and two other task-table columns)"))
    used = frozenset(i for t in tables for i in t.fragments)
    return Recovery(tasks=tuple(tasks), findings=tuple(findings),
                    headers=tuple(t.header for t in tables), used_fragments=used)

"""Rows of one logical table on its grid: tables found by their headers across fragments, junk
rows dropped, group rows recognised as sections."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kehoach.extract.labels import (HEADING_IN_TEXT, LABEL_IN_TEXT, clean_label, depth, follows, is_label,
                                    is_roman_numbered, is_roman_or_letter, label_key)
from kehoach.extract.recover.headers import Header, _refine_with_subheader, _row_values, _same_table, detect_header
from kehoach.extract.recover.settings import RecoverSettings
from kehoach.extract.recover.text import _uppercase_share, _words
from kehoach.model import Document, Finding, Row, TableFragment


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
    # cells the reader printed for this row; fewer than the header's columns in a positional
    # layout means merged cells the reader dropped (0: a full row)
    printed: int = 0


@dataclass
class _Table:
    header: Header
    lines: list[_Line] = field(default_factory=list)
    fragments: set[int] = field(default_factory=set)
    # label of the row right above the header when the table is nested in a numbered block
    # ("2.10 | Quy trình xử lý công việc:"): the block's next item ("3 | BIỂU MẪU") ends it
    enclosing: tuple | None = None
    # the caption printed right above the table ("Điều 10. Đăng ký đất đai …", "6. Quy trình
    # giải quyết"): what tells a reader which of many small tables a task came from
    heading: str | None = None


def _is_junk(values: list[str]) -> bool:
    text = "".join(values)
    return bool(text) and bool(re.fullmatch(r"[-–—=_.·\s|]+", text))


def _is_column_numbering(values: list[str]) -> bool:
    """Rows like "(1) | (2) | (3)", "1 | 2 | 3" or "A | B | 1 | 2" under a header number the
    columns: a run of consecutive letters, then a run of consecutive numbers."""
    vals = [v for v in values if v]
    if len(vals) < 3:
        return False
    letters, nums = [], []
    for v in vals:
        m = re.fullmatch(r"\(?(?:(\d{1,2})|([A-Z]))\)?", v)
        if not m or (m.group(2) and nums):
            return False
        if m.group(1):
            nums.append(int(m.group(1)))
        else:
            letters.append(ord(m.group(2)))
    return (letters == list(range(letters[0], letters[0] + len(letters))) if letters else True) and \
        (nums == list(range(nums[0], nums[0] + len(nums))) if nums else len(letters) >= 3)


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
                 confidence=min(confs) if confs else None,
                 printed=min(n, max((c.col + c.colspan for c in row.cells), default=0)))


def _caption_line(table: "_Table") -> bool:
    """Whether the table's last line is a caption: one cell of several words, no number."""
    if not table.lines:
        return False
    ln = table.lines[-1]
    vals = [v for v in ln.values if v]
    stt_col = table.header.col("stt")
    return (len(vals) == 1 and not ln.at_break and _words(vals[0]) >= 4
            and not (stt_col is not None and ln.values[stt_col] and is_label(ln.values[stt_col])))


def _item_label(row: Row | None):
    """The label key of a row that is a numbered item of one title ("2.10 | Quy trình …",
    "3 | BIỂU MẪU"): a label in the first cell and text in exactly one other."""
    if row is None:
        return None
    vals = _row_values(row)
    texts = [v for v in vals[1:] if v]
    if not vals or not vals[0] or len(texts) != 1 or not is_label(vals[0]):
        return None
    return label_key(clean_label(vals[0]))


def find_tables(doc: Document, settings: RecoverSettings, findings: list[Finding]) -> list[_Table]:
    tables: list[_Table] = []
    current: _Table | None = None
    prev_frag: TableFragment | None = None
    block_indexes = sorted(b.index for b in doc.blocks)
    blocks = {b.index: b for b in doc.blocks}
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
                caption = current is not None and _caption_line(current)
                heading = None
                if caption:
                    # a one-cell line right above a header is the caption of a new table
                    # ("2. Thủ tục …" between two procedure tables of the same columns)
                    ln = current.lines.pop()
                    if not prose_between:
                        heading = _caption_of(next(v for v in ln.values if v))
                    findings.append(Finding(kind="table_caption", page=ln.page, line=ln.line,
                                            value=next(v for v in ln.values if v),
                                            message="caption line above a table header: starts a new table"))
                if current is not None and not caption and _same_table(current.header, header):
                    pending_break = True     # a repeated header marks a page break
                    current_open = True
                else:
                    above = rows[r - 1] if r > 0 else (
                        prev_frag.rows[-1] if prev_frag is not None and prev_frag.rows and not prose_between
                        else None)
                    if heading is None:
                        heading = _heading_above(rows, r, frag, prev_frag, blocks, block_indexes, settings)
                    current = _Table(header=header, enclosing=_item_label(above), heading=heading)
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
            key = _item_label(row) if current.enclosing else None
            if key is not None and follows(current.enclosing, key):
                findings.append(Finding(kind="table_end", page=row.page or frag.page, line=row.line,
                                        value=" | ".join(v for v in values if v),
                                        message="next item of the numbered block the table sits in: "
                                                "the table ends"))
                current, current_open = None, False     # a header after it starts a new table
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


def _label_parts(label: str) -> tuple[str, ...] | None:
    m = re.fullmatch(r"(\d{1,2}(?:\.\d{1,2})*)\.", label)
    return tuple(m.group(1).split(".")) if m else None


def _caption_of(text: str, need_label: bool = False) -> str | None:
    """The table's own caption in a text that may hold several headings run together ("PHỤ
    LỤC … I. Lĩnh vực … 1. Trình tự …"): from the last heading label, or from the parent that
    heads a list of items right above the table ("2. Nhóm 02 TTHC, gồm: 2.1. … 2.2. …")."""
    marks = list(HEADING_IN_TEXT.finditer(text))
    if not marks:
        return None if need_label else text
    k = len(marks) - 1
    while k > 0:
        child, prev = _label_parts(marks[k].group(1)), _label_parts(marks[k - 1].group(1))
        if child is None or prev is None:
            break
        if len(prev) == len(child) and prev[:-1] == child[:-1]:
            k -= 1                       # a sibling item of the same list
            continue
        if prev == child[:-1] and text[:marks[k].start(1)].rstrip().endswith(":"):
            k -= 1                       # "Nhóm 02 TTHC, gồm:" introduces the list
        break
    return text[marks[k].start(1):].strip()


def _heading_above(rows, r: int, frag: TableFragment, prev_frag: TableFragment | None,
                   blocks: dict, block_indexes: list[int], settings: RecoverSettings) -> str | None:
    """The caption right above a header: a one-cell row above it in the same fragment; else the
    nearest text block before the fragment (and after the previous one) that reads as a
    heading (a label, bold, upper case), or the nearest block; else a one-cell last row of the
    previous fragment that ends in a labelled heading (a crawl glues the caption there)."""
    if r > 0:
        texts = [c.text for c in rows[r - 1].cells if c.text]
        return _caption_of(texts[0]) if len(texts) == 1 else None
    floor = prev_frag.block_index if prev_frag is not None else -1
    before = [blocks[i] for i in block_indexes if floor < i < frag.block_index]
    if before:
        near = before[:-settings.heading_blocks - 1:-1]
        pick = next((b for b in near if b.heading or b.bold or HEADING_IN_TEXT.match(b.text)
                     or _uppercase_share(b.text) > 0.7), near[0])
        text = _caption_of(pick.text)
        return text if _words(text) <= settings.max_heading_words else None
    if prev_frag is not None and prev_frag.rows:
        texts = [c.text for c in prev_frag.rows[-1].cells if c.text]
        if len(texts) == 1:
            return _caption_of(texts[0], need_label=True)
    return None


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
        # "III.1 | Nhóm …" over rows numbered 1, 2, …: a heading of the part, in its own scheme
        deeper_follows = deeper_follows or (next_label is not None and is_roman_numbered(label)
                                            and next_label[0].isdigit())
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
        # one bold cell spanning the row, then numbered rows: a title without a label
        # ("Quy trình nội bộ tại UBND thành phố") over the steps that follow
        spans = (line.printed == 1 if line.printed else all(line.covered[nonempty[0] + 1:]))
        if (nonempty[0] <= 1 and line.bold and spans and header.ncols >= 3 and next_label is not None
                and _words(text) <= 20 and not text.rstrip().endswith((".", ";", ","))):
            return "", text
    return None


def _next_label(lines: list[_Line], start: int, header: Header) -> str | None:
    stt_col = header.col("stt")
    if stt_col is None:
        return None
    for k in range(start, len(lines)):
        v = lines[k].values[stt_col]
        if v and is_label(v):
            return clean_label(v)
    return None


def _next_labels(lines: list[_Line], header: Header) -> list[str | None]:
    """`_next_label(lines, i, header)` for every i (and one past the end) in one backward pass:
    asking row by row rescans the rest of the table, quadratic in a long one."""
    out: list[str | None] = [None] * (len(lines) + 1)
    stt_col = header.col("stt")
    if stt_col is None:
        return out
    nxt = None
    for k in range(len(lines) - 1, -1, -1):
        v = lines[k].values[stt_col]
        if v and is_label(v):
            nxt = clean_label(v)
        out[k] = nxt
    return out

"""Readers for plans that arrive as text: text extracted from PDFs (tab-separated table rows)
and the crawled-markdown layout of legal portals (one cell per line block, `|` lines between).

decode → split into lines → group into blocks and table fragments. Page breaks are not
marked in these files; a blank line inside a run of table rows is the only trace of one, so
every such boundary becomes a fragment boundary and the recovery decides what it was.
"""
from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kehoach.extract.base import (EmptyFile, LegacyEncoding, TooLarge, WrongType, file_digest,
                                  make_document)
from kehoach.extract.labels import MARKDOWN_LABEL
from kehoach.gazetteer import load_yaml
from kehoach.model import Cell, Document, Row, TableFragment, TextBlock


@dataclass(frozen=True)
class TextSettings:
    max_bytes: int = 50 * 1024 * 1024
    # Share of control characters above which a ".txt" is judged binary.
    max_control_ratio: float = 0.02
    # Legacy font-encoding artefacts per 1000 chars above which a text is judged TCVN3/VNI.
    legacy_per_mille: float = 8.0
    # Invalid UTF-8 sequences per million bytes up to which a file is UTF-8 with stray bytes
    # (decoded with U+FFFD and a warning) rather than text in another encoding. A Windows-1258
    # file has an invalid sequence in almost every Vietnamese word; a damaged UTF-8 file, a few.
    max_bad_utf8_per_million: float = 500.0
    # Longest line (characters) of a text plan. The longest in the seeds and corpora is under
    # 3,000; a line of megabytes is no plan's paragraph (a dump, a minified file), and the
    # stages after reading cost time per figure and name in it, so it is refused up front.
    max_line_chars: int = 200_000


# --- decoding -------------------------------------------------------------------------------

def decode(data: bytes, settings: TextSettings = TextSettings()) -> tuple[str, tuple[str, ...]]:
    """Bytes to NFC text, or a ReadError subclass with the reason. Returns (text, warnings)."""
    if not data.strip():
        raise EmptyFile("empty file")
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WrongType(f"binary file, not text (starts with {data[:8]!r})")
    warnings: tuple[str, ...] = ()
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = _invalid_utf8(data)
        if bad * 1_000_000 <= settings.max_bad_utf8_per_million * len(data):
            text = data.decode("utf-8-sig", errors="replace")
            warnings = (f"UTF-8 with {bad} invalid byte sequence{'s' if bad > 1 else ''} "
                        f"(first at offset {exc.start}), each replaced by U+FFFD",)
        elif _raw_legacy(data, settings):
            text = data.decode("latin-1")       # raw TCVN3/VNI bytes: converted below
        else:
            text = _decode_codepage(data, exc)
            warnings = ("not UTF-8: decoded as Windows-1258 (Vietnamese codepage)",)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    _reject_long_lines(text, settings)
    # Category Cc is exactly C0, DEL and C1: counted by one regex scan rather than a Python
    # loop per character (seconds on a 50 MB file).
    controls = sum(1 for _ in _CONTROLS.finditer(text))
    if controls > settings.max_control_ratio * len(text):
        raise WrongType("binary file, not text (control characters)")
    name = _legacy_name(text, settings)
    if name:
        text = convert_legacy(text, name)
        if _vietnamese_share(text) < 0.05:
            raise LegacyEncoding(f"looks like legacy {name} text but does not convert to Vietnamese")
        label = load_yaml("legacy_encodings.yaml")[name]["label"]
        warnings += (f"converted from {label} (legacy font encoding) to Unicode",)
    return text, warnings


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _reject_long_lines(text: str, settings: TextSettings) -> None:
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > settings.max_line_chars:
            raise TooLarge(f"a line of {end - start} characters at offset {start} "
                           f"(> read.text.max_line_chars={settings.max_line_chars}); not a plan's text")
        start = end + 1


def _invalid_utf8(data: bytes) -> int:
    """How many invalid UTF-8 sequences the bytes hold (each becomes one U+FFFD)."""
    return data.decode("utf-8", errors="replace").count("\ufffd") - data.count("\ufffd".encode())


def _decode_codepage(data: bytes, exc: UnicodeDecodeError) -> str:
    # Windows-1258 stores Vietnamese with combining tone marks; after NFC it is ordinary text.
    text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    if _vietnamese_share(text) < 0.02:
        raise LegacyEncoding(f"not UTF-8 text (invalid byte at offset {exc.start}) and not Vietnamese "
                        "in Windows-1258 either; convert the file to UTF-8")
    return text


def _vietnamese_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    viet = set(load_yaml("encodings.yaml")["vietnamese_letters"])
    return sum(1 for ch in letters if ch.lower() in viet) / len(letters)


def _legacy_name(text: str, settings: TextSettings) -> str | None:
    """TCVN3 (ABC) and VNI texts decode without error but spell "Kế hoạch" as "KÕ ho¹ch" or
    "Keá hoaïch": their artefacts tell which (encodings.yaml), None for Unicode text."""
    enc = load_yaml("encodings.yaml")
    if _vietnamese_share(text[:200_000]) >= 0.05:
        return None
    sample = text[:200_000]
    n = max(1, len(sample))
    rates = {name: sum(sample.count(m) for m in enc[name]["markers"]) * 1000 / n for name in ("tcvn3", "vni")}
    name = max(rates, key=rates.get)
    return name if rates[name] >= settings.legacy_per_mille else None


def _raw_legacy(data: bytes, settings: TextSettings) -> bool:
    """Bytes that are not UTF-8 may be Windows-1258 or TCVN3/VNI: both use the high bytes,
    so the reading that gives more Vietnamese letters wins."""
    sample = data[:200_000]
    latin = sample.decode("latin-1")
    name = _legacy_name(latin, settings)
    if name is None:
        return False
    cp = unicodedata.normalize("NFC", sample.decode("cp1258", errors="replace"))
    return _syllable_score(convert_legacy(latin, name)) > _syllable_score(cp)


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _syllable_score(text: str) -> float:
    """How Vietnamese a reading is: words with Vietnamese letters and at most one tone count
    for it, words with two tones or more (impossible in a syllable) against it. A wrong
    reading of the high bytes still yields Vietnamese letters, but piles tones up ("Kấỡ")."""
    viet = set(load_yaml("encodings.yaml")["vietnamese_letters"])
    words = re.findall(r"\w+", text)
    if not words:
        return 0.0
    score = 0
    for w in words:
        tones = sum(1 for ch in unicodedata.normalize("NFD", w) if ch in _TONES)
        if tones >= 2:
            score -= 1
        elif any(ch.lower() in viet for ch in w):
            score += 1
    return score / len(words)


@functools.lru_cache(maxsize=4)
def _legacy_table(name: str) -> tuple[re.Pattern, dict[str, str]]:
    table = load_yaml("legacy_encodings.yaml")[name]["map"]
    # longest key first: VNI's "ôù" (ớ) before its "ô" (ơ)
    keys = sorted(table, key=lambda k: (-len(k), k))
    return re.compile("|".join(re.escape(k) for k in keys)), table


def convert_legacy(text: str, name: str) -> str:
    """Text in a legacy font encoding (as Latin-1 characters) to Unicode, by its closed table
    (gazetteer/legacy_encodings.yaml); characters outside the table are kept."""
    pattern, table = _legacy_table(name)
    return unicodedata.normalize("NFC", pattern.sub(lambda m: table[m.group()], text))


# --- markup -------------------------------------------------------------------------------

_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_MD_EMPH = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
_SPACES = re.compile(r"[ \u00a0\u2002-\u200b]+")


def clean_markup(text: str) -> tuple[str, bool]:
    """Remove HTML tags and markdown emphasis; list items keep a "- " marker. Returns
    (clean text, whether the text was bold)."""
    bold = bool(re.search(r"<b>|<strong>|\*\*", text, re.I))

    def tag(m: re.Match) -> str:
        name = m.group(1).lower()
        if name == "li" and not m.group(0).startswith("</"):
            return " - "
        if name == "br":
            return " "
        return ""

    text = _TAG.sub(tag, text)
    text = html.unescape(text)
    text = _MD_EMPH.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"^(- )+", "- ", text)      # "<li>- item" must not become "- - item"
    text = re.sub(r" - (- )+", " - ", text)
    return text, bold


def _strip_heading(line: str) -> tuple[str, bool]:
    m = re.match(r"^\s*#{1,6}\s+", line)
    return (line[m.end():], True) if m else (line, False)


# --- tab-separated text -------------------------------------------------------------------

def read_text(path: Path, *, source: str, settings: TextSettings = TextSettings()) -> Document:
    data = _read_bytes(path, settings)
    text, warnings = decode(data, settings)
    if _looks_like_crawled_markdown(text):
        return _build(path, source, "md", _parse_markdown(text), warnings, data)
    return _build(path, source, "txt", _parse_tabbed(text), warnings, data)


def read_markdown(path: Path, *, source: str, settings: TextSettings = TextSettings()) -> Document:
    data = _read_bytes(path, settings)
    text, warnings = decode(data, settings)
    if not _looks_like_crawled_markdown(text) and "\t" in text:
        return _build(path, source, "txt", _parse_tabbed(text), warnings, data)
    return _build(path, source, "md", _parse_markdown(text), warnings, data)


def _read_bytes(path: Path, settings: TextSettings) -> bytes:
    size = path.stat().st_size
    if size > settings.max_bytes:
        raise TooLarge(f"file too large for a text plan ({size} bytes > {settings.max_bytes})")
    # Read at most one byte past the limit: the size stat gave can be wrong (a file growing
    # while read, a device or /proc file that says 0), and the limit must hold all the same.
    with open(path, "rb") as fh:
        data = fh.read(settings.max_bytes + 1)
    if len(data) > settings.max_bytes:
        raise TooLarge(f"file too large for a text plan (over {settings.max_bytes} bytes)")
    return data


def _build(path, source, fmt, parsed, warnings, data) -> Document:
    import hashlib
    blocks, fragments = parsed
    return make_document(path, source=source, format=fmt, pages=None, blocks=blocks,
                         fragments=fragments, warnings=warnings,
                         sha256=hashlib.sha256(data).hexdigest())


def _looks_like_crawled_markdown(text: str) -> bool:
    lines = text.split("\n")
    pipes = sum(1 for ln in lines if ln.strip() == "|")
    return pipes >= 4 and pipes >= 0.02 * len(lines)


def _parse_tabbed(text: str) -> tuple[list[TextBlock], list[TableFragment]]:
    blocks: list[TextBlock] = []
    fragments: list[TableFragment] = []
    index = 0
    rows: list[Row] = []

    def flush() -> None:
        nonlocal rows, index
        if rows:
            fragments.append(TableFragment(rows=tuple(rows), index=len(fragments), page=None,
                                           after_break=True, block_index=index))
            index += 1
            rows = []

    for lineno, raw in enumerate(text.split("\n"), start=1):
        if "\t" in raw:
            cells = []
            for col, part in enumerate(raw.split("\t")):
                clean, bold = clean_markup(part)
                cells.append(Cell(text=clean, col=col, line=lineno, bold=bold))
            rows.append(Row(cells=tuple(cells), line=lineno))
            continue
        if not raw.strip():
            # A blank line ends a fragment: in text extracted from PDFs it is where a page
            # ended (or at least where the extractor saw a gap).
            flush()
            continue
        if re.fullmatch(r"\s*(-{2,}\s*)+", raw) and rows:
            continue
        flush()
        line, heading = _strip_heading(raw)
        clean, bold = clean_markup(line)
        if clean:
            blocks.append(TextBlock(text=clean, index=index, line=lineno, bold=bold, heading=heading))
            index += 1
    flush()
    return blocks, fragments


# --- crawled markdown ---------------------------------------------------------------------

def _parse_markdown(text: str) -> tuple[list[TextBlock], list[TableFragment]]:
    lines = text.split("\n")
    blocks: list[TextBlock] = []
    fragments: list[TableFragment] = []
    index = 0
    i = 0
    para: list[tuple[int, str]] = []

    def flush_para() -> None:
        nonlocal index, para
        if para:
            joined = " ".join(s.strip() for _, s in para)
            joined, heading = _strip_heading(joined)
            clean, bold = clean_markup(joined)
            if clean:
                blocks.append(TextBlock(text=clean, index=index, line=para[0][0], bold=bold,
                                        heading=heading))
                index += 1
            para = []

    while i < len(lines):
        if lines[i].strip() == "|":
            flush_para()
            j = _markdown_table_end(lines, i)
            for rows in _markdown_tables(lines, i, j):
                fragments.append(TableFragment(rows=tuple(rows), index=len(fragments), page=None,
                                               after_break=False, block_index=index))
                index += 1
            i = j
            continue
        if not lines[i].strip():
            flush_para()
        else:
            para.append((i + 1, lines[i]))
        i += 1
    flush_para()
    return blocks, fragments


def _markdown_table_end(lines: list[str], start: int, max_gap: int = 30) -> int:
    """End (exclusive) of the table starting at `start`. Crawled tables end at a blank line,
    but some crawls have no blank lines at all; there a long run of text after a "|" line is
    prose, since cells seldom run past a few dozen wrapped lines."""
    last_pipe = start
    n = start
    while n < len(lines):
        s = lines[n].strip()
        if s == "|":
            last_pipe = n
            n += 1
            continue
        if not s:
            k = n
            while k < len(lines) and not lines[k].strip():
                k += 1
            if k < len(lines) and lines[k].strip() == "|" and lines[n - 1].strip() != "|":
                n = k
                continue
            break
        if n - last_pipe > max_gap:
            break
        n += 1
    return last_pipe + 1


def _markdown_tables(lines: list[str], start: int, end: int) -> list[list[Row]]:
    """Tables of one "|" region. Crawls without blank lines glue a table to the one before
    (a signature block, the national header); a task table's header row, recognised by its
    vocabulary, starts a table of its own whose width it gives."""
    slots = _slots(lines, start, end)
    cuts = _header_starts(slots)
    bounds = [0] + cuts + [len(slots)]
    tables = []
    for a, b in zip(bounds, bounds[1:]):
        part = slots[a:b]
        if not any(t for _, t in part):
            continue
        width = _header_width(part) if a in cuts else _widest_run(part)
        if a in cuts and _number_header_dropped(part, width):
            part = [(part[0][0], "")] + part
            width += 1
        caption = _glued_caption(part) if b in cuts else None
        rows = _rows_of(part[:-1] if caption else part, width)
        if caption:
            rows.append(_md_row([caption]))
        if rows:
            tables.append(rows)
    return tables


def _number_header_dropped(part: list[tuple[int, str]], width: int) -> bool:
    """Whether a header lacks the number column its rows have ("Nội dung | Đơn vị thực hiện |
    …" over "1.1 | Xây dựng … | Sở … | …"): most rows run one cell wider than the header and
    begin with a number, and the header's first cell names no number column."""
    from kehoach.extract.recover import match_header_field
    if match_header_field(clean_markup(part[0][1])[0]) == "stt":
        return False
    runs, run = [], []
    for slot in part[width:] + [(0, "")]:
        if slot[1]:
            run.append(slot[1])
        elif run:
            runs.append(run)
            run = []
    wider = [r for r in runs if len(r) == width + 1]
    return len(wider) >= 2 and 2 * len(wider) > len(runs) and all(_is_row_label(r[0]) for r in wider)


def _glued_caption(part: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The caption of the next table when the crawl glued it into the last row of this one
    ("**Tổng thời gian** | **12 ngày** | **Quy trình số 02. 2. Thủ tục …**" right before the
    next header): the part's last slot, in bold, a phrase of several words that is no time.
    Left in the row it would push the total's cells into a row of their own."""
    from kehoach.extract.recover import value_kind
    if len(part) < 2 or not part[-1][1] or not part[-2][1]:
        return None
    clean, bold = clean_markup(part[-1][1])
    if not bold or len(clean.split()) < 4 or value_kind(clean) == "deadline":
        return None
    return part[-1]


def _slots(lines: list[str], start: int, end: int) -> list[tuple[int, str]]:
    slots: list[tuple[int, str]] = []      # (line, text); text "" for an empty slot
    cur: list[str] = []
    cur_line = start + 1
    seen_pipe = False
    for n in range(start, end):
        s = lines[n]
        if s.strip() == "|":
            if seen_pipe:
                slots.append((cur_line, " ".join(x.strip() for x in cur if x.strip())))
            seen_pipe = True
            cur = []
            cur_line = n + 2
        else:
            cur.append(s)
    return slots


def _header_cell(text: str) -> bool:
    from kehoach.extract.recover import match_header_field
    clean, bold = clean_markup(text)
    return bool(clean) and (match_header_field(clean) is not None or (bold and len(clean.split()) <= 4))


def _bold_header_cell(text: str, max_words: int = 10) -> bool:
    """A bold cell inside a header run, longer than a run may start with ("Mức độ hoàn chỉnh
    của thông tin"): a column the task vocabulary does not name."""
    clean, bold = clean_markup(text)
    return bool(clean) and bold and len(clean.split()) <= max_words


def _header_starts(slots: list[tuple[int, str]]) -> list[int]:
    from kehoach.extract.recover import match_header_field
    starts = []
    k = 0
    while k < len(slots):
        if not slots[k][1] or not _header_cell(slots[k][1]) or (k > 0 and slots[k - 1][1]
                                                                   and k - 1 not in starts
                                                                   and _header_cell(slots[k - 1][1])):
            k += 1
            continue
        m = k
        fields = set()
        while m < len(slots) and slots[m][1] and (_header_cell(slots[m][1]) or _bold_header_cell(slots[m][1])):
            f = match_header_field(clean_markup(slots[m][1])[0])
            if f:
                fields.add(f)
            m += 1
        if len(fields) >= 3 and fields & {"task", "objective"}:
            if k > 0:
                starts.append(k)
            k = m
        else:
            k += 1
    return starts


def _header_width(part: list[tuple[int, str]]) -> int:
    n = 0
    while n < len(part) and part[n][1]:
        n += 1
    return n


def _rows_of(slots: list[tuple[int, str]], width: int) -> list[Row]:
    """Cells are the text between consecutive "|" lines; an empty slot is either an empty cell
    or the boundary between two rows, read with the column count in mind."""
    if width == 0:
        return []
    rows: list[Row] = []
    row: list[tuple[int, str]] = []
    k = 0
    while k < len(slots):
        line, txt = slots[k]
        if txt:
            row.append((line, txt))
            k += 1
            if len(row) == width:
                rows.append(_md_row(row))
                row = []
                if k < len(slots) and not slots[k][1]:
                    k += 1      # the empty slot after a full row is the row boundary
            continue
        e = 0
        while k + e < len(slots) and not slots[k + e][1]:
            e += 1
        following = 0
        while k + e + following < len(slots) and slots[k + e + following][1]:
            following += 1
        if not row:
            row = [(line, "")] * e    # empty leading cells: a vertically merged first column
            k += e
            continue
        if len(row) + e - 1 >= width:
            fill = width - len(row)
            row.extend([(line, "")] * fill)
            rows.append(_md_row(row))
            rest = e - fill - 1
            row = [(line, "")] * rest if rest > 0 else []
            k += e
        elif (len(row) >= 2 and following and _is_row_label(slots[k + e][1])) or \
                len(row) + e + following > width or _spanning_title(row, slots, k + e, following):
            # The row ends short (a section title spanning the table, a merged cell): what
            # follows is the next row's number, or cannot fit in this row.
            row.extend([(line, "")] * (e - 1))
            rows.append(_md_row(row))
            row = []
            k += e
        else:
            row.extend([(line, "")] * e)
            k += e
    if any(t for _, t in row):
        rows.append(_md_row(row))
    return rows


def _spanning_title(row: list[tuple[int, str]], slots: list[tuple[int, str]], at: int, following: int) -> bool:
    """Whether the lone bold cell at `at`, after a short row, is a title spanning the table
    (a group row) rather than the row's last cell: the row's cells are not bold and a
    numbered row follows the title."""
    if following != 1 or len(row) < 2 or not clean_markup(slots[at][1])[1]:
        return False
    if any(clean_markup(t)[1] for _, t in row[1:] if t):
        return False
    nxt = at + 1
    while nxt < len(slots) and not slots[nxt][1]:
        nxt += 1
    return nxt < len(slots) and _is_row_label(slots[nxt][1])


def _is_row_label(text: str) -> bool:
    clean, _ = clean_markup(text)
    return bool(MARKDOWN_LABEL.fullmatch(clean))


def _widest_run(slots: list[tuple[int, str]]) -> int:
    best = run = 0
    for _, t in slots:
        run = run + 1 if t else 0
        best = max(best, run)
    return best


def _md_row(row: list[tuple[int, str]]) -> Row:
    cells = []
    for col, (line, raw) in enumerate(row):
        clean, bold = clean_markup(raw)
        cells.append(Cell(text=clean, col=col, line=line, bold=bold))
    return Row(cells=tuple(cells), line=row[0][0] if row else None)


__all__ = ["read_text", "read_markdown", "decode", "clean_markup", "TextSettings",
           "file_digest"]

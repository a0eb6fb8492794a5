"""Task-table headers: which contract field each header cell names (gazetteer/table_headers.yaml),
in any column order, two-level headers, and when two headers are the same table."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from kehoach.extract.recover.settings import RecoverSettings
from kehoach.extract.recover.text import _norm, _words
from kehoach.gazetteer import load_yaml
from kehoach.model import Row


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




# --- headers ------------------------------------------------------------------------------

def _header_vocab() -> dict:
    return load_yaml("table_headers.yaml")


@functools.lru_cache(maxsize=1)
def _compact_number_headers() -> frozenset[str]:
    # "S TT", "Số  TT": the number column's header is short enough to be printed with stray spaces.
    return frozenset(p.replace(" ", "") for p in _header_vocab()["fields"]["stt"])


def match_header_field(text: str) -> str | None:
    """The contract field a header cell names, or None. Longest phrase wins; a header cut
    short at a page break matches a phrase it begins."""
    t = _norm(text)
    if not t:
        return None
    if t.replace(" ", "") in _compact_number_headers():
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

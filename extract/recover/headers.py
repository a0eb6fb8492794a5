"""Task-table headers: which contract field each header cell names (gazetteer/table_headers.yaml),
in any column order, two-level headers, and when two headers are the same table."""
from __future__ import annotations

import functools
import re
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


def _phrase_match(t: str) -> tuple[str | None, float]:
    """The field of the longest listed header phrase t is or begins with, and its score."""
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
    return best, best_score


def _starts_with(t: str, p: str) -> bool:
    return t == p or (t.startswith(p) and not t[len(p)].isalnum())


def _head_field(t: str) -> tuple[str | None, bool]:
    """(field, weak) named by the head noun of header text t (already normalised): the longest
    head phrase t begins with, read up to the first "(". weak: only a "Tên …" column."""
    v = _header_vocab()
    t = t.split("(", 1)[0].strip(" ,:;.-")
    if not t or t in v["ambiguous_alone"] or any(_starts_with(t, p) for p in v["not_heads"]):
        return None, False
    for m in v["head_modifiers"]:
        if t.startswith(m + " ") and _head_lookup(t[len(m) + 1:])[0]:
            t = t[len(m) + 1:]
            break
    name = v["name_word"]
    if t.startswith(name + " "):
        rest = t[len(name) + 1:]
        f, _ = _head_lookup(rest)
        return (f, False) if f else ("task", True)
    f, head = _head_lookup(t)
    if f == "lead":
        after = t[len(head):].split()
        if after and after[0] in v["object_markers"]:
            return "task", False
    return f, False


def _head_lookup(t: str) -> tuple[str | None, str]:
    best, best_head = None, ""
    for name, heads in _header_vocab()["head_nouns"].items():
        for h in heads:
            if len(h) > len(best_head) and _starts_with(t, h):
                best, best_head = name, h
    return best, best_head


def header_match(text: str) -> tuple[str | None, float, bool]:
    """(field, score, weak) of a header cell: a listed phrase scores 20 and more (longest
    wins; a header cut short at a page break matches a phrase it begins); failing that, the
    head noun scores 10 (weak: a "Tên …" column)."""
    t = _norm(text)
    if not t:
        return None, 0.0, False
    if t.replace(" ", "") in _compact_number_headers():
        return "stt", 200.0, False
    best, score = _phrase_match(t)
    if best:
        return best, score, False
    f, weak = _head_field(t)
    return (f, 10.0, weak) if f else (None, 0.0, False)


def match_header_field(text: str) -> str | None:
    """The contract field a header cell names, or None (see header_match)."""
    return header_match(text)[0]


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
    claims: list[tuple[int, str, float, bool, str]] = []     # (col, field, score, weak, text)
    for c in row.cells:
        if not c.text:
            continue
        if _words(c.text) > settings.max_header_words:
            return None
        f, score, weak = header_match(c.text)
        texts[c.col] = c.text
        if f:
            claims.append((c.col, f, score, weak, c.text))
    # A field named by a listed phrase beats one named by a head noun only; otherwise the
    # first column wins. A head noun that loses its field takes its alternate, if free.
    seen: dict[str, bool] = {}
    strong_first = sorted(claims, key=lambda x: (x[2] < 20, x[0]))
    losers = []
    for col, f, score, weak, text in strong_first:
        if f not in seen:
            fields[col] = f
            seen[f] = weak
        elif score < 20:
            losers.append((col, text))
    alternates = vocab.get("head_alternates") or {}
    for col, text in losers:
        t = _norm(text)
        for head, alt in alternates.items():
            if _starts_with(t, head) and alt not in seen:
                fields[col] = alt
                seen[alt] = False
    # a "Tên …" column is a task column only where someone is responsible by a time (lead and
    # deadline columns); else the table is a register of named things
    if seen.get("task") and not {"lead", "deadline"} <= set(seen):
        fields[fields.index("task")] = None
        del seen["task"]
    if len(seen) < vocab["min_fields"] or not set(seen) & set(vocab["required_any"]):
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

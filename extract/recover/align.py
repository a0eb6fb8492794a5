"""Putting back cells a horizontal merge shifted left, by what each column's values look like."""
from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass

from kehoach.extract.labels import is_label
from kehoach.extract.recover.headers import Header
from kehoach.extract.recover.layout import _Line
from kehoach.extract.recover.settings import DATA_FIELDS, RecoverSettings
from kehoach.extract.recover.text import _norm, _words
from kehoach.gazetteer import load_yaml


# --- alignment: putting back cells a horizontal merge shifted left ------------------------

def _kind_vocab() -> dict[str, list[str]]:
    return load_yaml("column_types.yaml")["kinds"]


@functools.lru_cache(maxsize=1)
def _DURATION() -> re.Pattern:
    """A span of time: "04 giờ làm việc", "0,5 ngày", "12 ngày làm việc" (units from column_types.yaml)."""
    units = sorted(load_yaml("column_types.yaml")["duration_units"], key=len, reverse=True)
    return re.compile(r"^(?:tối đa |không quá )?\d+(?:[.,]\d+)?\s*(?:" + "|".join(map(re.escape, units)) + r")\b")


@functools.lru_cache(maxsize=1)
def _kind_phrases() -> tuple[dict[str, str], int]:
    """Every vocabulary phrase → its kind (the first kind that lists it), and the longest
    phrase's length: a value's kind is then found by looking up its own prefixes, a few dict
    probes instead of a scan of the whole vocabulary per value."""
    table: dict[str, str] = {}
    for kind, phrases in _kind_vocab().items():
        for p in phrases:
            if p:
                table.setdefault(p, kind)
    return table, max(map(len, table), default=0)


# Pure on a cell's text; alignment asks about each value once per candidate placement. The
# cache only spares repeats: a long table has more distinct cells than any bound, so a miss
# must be cheap as well (see _kind_phrases).
@functools.lru_cache(maxsize=8192)
def value_kind(value: str) -> str | None:
    """deadline | unit | product | None, by the longest vocabulary phrase the value starts with;
    a value holding a date reads as a deadline."""
    v = _norm(value)
    if not v:
        return None
    table, longest = _kind_phrases()
    best = None
    for n in range(min(longest, len(v)), 0, -1):
        p = v[:n]
        kind = table.get(p)
        # a phrase ends the value, or a word: "phòng" is no prefix of "phòngban"
        if kind is not None and (n == len(v) or v[n] in " ,/" or p.endswith(" ") or p[-1].isdigit()):
            best = kind
            break
    if best is None and re.fullmatch(r"[^a-zà-ỹđ]*\d{1,2}/\d{1,2}/\d{2,4}[^a-zà-ỹđ]*", v):
        return "deadline"
    if best is None and re.fullmatch(r"(năm )?20\d\d( ?[-–] ?20\d\d)?", v):
        return "deadline"
    if best is None and _DURATION().match(v):
        return "deadline"
    return best


def _fit(fieldname: str | None, value: str, settings: RecoverSettings) -> float:
    if not value or fieldname is None:
        return 0.0
    kind = value_kind(value)
    long = _words(value) > settings.long_text_words
    if kind == "deadline" and long:
        kind = None          # "Sau khi có ý kiến … trình Lãnh đạo Phòng.": a sentence, not a time
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
    # columns a short row printed no cell for, once its cells are placed: under a vertical
    # merge the crawl dropped, they hold the value of the row above
    spanned: tuple[int, ...] = ()


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


def _placements(vals: list[str], printed: int, n: int, stt_col: int | None, settings: RecoverSettings):
    """A short row's printed cells in their order, each missing cell anywhere: a crawl drops
    the cells of a vertical merge wherever the merged column lies ("Lãnh đạo Sở | Phân công …
    | 1 ngày" under "Tên bước | Đơn vị | Nội dung | Thời hạn | Biểu mẫu")."""
    if math.comb(n, printed) > settings.max_placements:
        return
    cells = vals[:printed]
    # a number printed in the number column stays there: the merge is elsewhere
    keep = stt_col if stt_col is not None and stt_col < printed and is_label(cells[stt_col]) else None
    for cols in itertools.combinations(range(n), printed):
        if cols == tuple(range(printed)):
            continue                       # as printed: the identity candidate
        if keep is not None and cols[keep] != keep:
            continue
        placed = [""] * n
        for c, v in zip(cols, cells):
            placed[c] = v
        yield tuple(c for c in range(n) if c not in cols), placed


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
    spanned: tuple[int, ...] = ()
    # a lone cell is no evidence of where it belongs: a title or the end of a wrapped cell
    short = settings.positional and 2 <= line.printed < n and not any(line.values[line.printed:])
    if short:
        as_printed = tuple(range(line.printed, n))
        if best[1] is None:
            spanned = as_printed
        for gaps, vals in _placements(line.values, line.printed, n, header.col("stt"), settings):
            score = sum(_fit(header.fields[j], vals[j], settings) for j in range(n))
            if score > best[0]:
                best, spanned = (score, None, vals), gaps
    _, shift, vals = best
    values = {f: "" for f in ("stt",) + DATA_FIELDS}
    merged_content = False
    for j, f in enumerate(header.fields):
        if f:
            values[f] = vals[j]
    if shift is not None and header.has_objective and shift[0] == obj_col:
        merged_content = True
        values["task"], values["objective"] = vals[obj_col], ""
    return _Aligned(values=values, merged_content=merged_content, shift=shift,
                    spanned=() if merged_content else spanned)

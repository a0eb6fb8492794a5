"""Measurable commitments (chỉ tiêu) in prose and table rows → `Target` records.

A target is a value with a unit ("96%", "15 phút", "07-09 sáng kiến") plus the words around it
that name what is measured. The text is cut into rows (a tab-separated table line, or a
paragraph: lines joined, and joined across a blank line when a sentence was cut by a page
break), rows into cells, cells into clauses (";", sentence ends, bullets) and clauses into
pieces ("," and "và"). Each value piece forms a group with the value-less pieces around it:
the ones after it, and the ones before it when its value closes the piece ("Mức độ hài lòng
của người dân, doanh nghiệp … đạt từ 85% trở lên"). The group's words give the indicator
(gazetteer/indicators.yaml, longest trigger wins); the words just before the value give the
comparator ("tối thiểu" → >=, "tối đa" → <=, "trên" → >, "07-09" → range).

A percentage whose own cell names no indicator takes the indicator named by another cell of
the same table row ("Nâng cao tỷ lệ giải quyết hồ sơ TTHC trước hạn" | … | "Đạt trên 96%").
Values in other units need an indicator of their own that admits that unit, so deadlines
("15 ngày làm việc") never become targets.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass

from kehoach.gazetteer import load_yaml
from kehoach.model import Found, Target
from kehoach.normalize import Normalizer, plan_year, value_fields
from kehoach.normalize.deadlines import section_year
from kehoach.textutil import alternation

VOCAB_FILE = "indicators.yaml"


@dataclass(frozen=True)
class TargetSettings:
    # Most syllables (space-separated words) a "…" in a trigger may bridge.
    trigger_gap_words: int = 30
    # Words before a value searched for a comparator cue.
    cue_words: int = 6
    min_year: int = 1990
    max_year: int = 2100


DEFAULT = TargetSettings()


def _phrase(p: str) -> str:
    return r"\s+".join(re.escape(w) for w in p.split())


@dataclass(frozen=True)
class _Indicator:
    id: str
    units: frozenset[str]
    # pattern, weight (characters), words of the trigger (all must occur: a cheap set test
    # before the regex)
    triggers: tuple[tuple[re.Pattern, int, frozenset[str]], ...]


@dataclass(frozen=True)
class _Normalizer:
    """Lower-case, folded orthography, abbreviations expanded, punctuation dropped."""
    ortho: tuple[tuple[str, str], ...]
    abbrev: re.Pattern
    abbrev_map: dict[str, str]

    def __call__(self, text: str) -> str:
        t = unicodedata.normalize("NFC", text).lower()
        for a, b in self.ortho:
            t = t.replace(a, b)
        t = re.sub(r"[^\w&%]+", " ", t)
        t = self.abbrev.sub(lambda m: self.abbrev_map[m.group()], t)
        return " ".join(t.split())


@dataclass(frozen=True)
class _Vocab:
    norm: _Normalizer
    value: re.Pattern
    unit_canon: dict[str, str]
    cues: tuple[tuple[tuple[str, ...], str], ...]    # word tuple, comparator (longest first)
    suffix: re.Pattern
    suffix_cmp: dict[str, str]
    transparent: tuple[tuple[str, ...], ...]         # longest first
    year: re.Pattern
    conj: re.Pattern
    piece_split: re.Pattern
    date_month: re.Pattern
    indicators: tuple[_Indicator, ...]


def _norm(text: str) -> str:
    return _vocab().norm(text)


def _indicators(entries: list[dict], norm: _Normalizer, s: TargetSettings) -> tuple[_Indicator, ...]:
    gap = rf"(?:\s+\S+){{0,{s.trigger_gap_words}}}?\s+"
    out = []
    for e in entries:
        trig = []
        for t in e["triggers"]:
            parts = [p for p in (norm(x) for x in t.split("…")) if p]
            pat = re.compile(r"(?<!\w)" + gap.join(_phrase(p) for p in parts) + r"(?!\w)")
            trig.append((pat, sum(len(p) for p in parts), frozenset(" ".join(parts).split())))
        out.append(_Indicator(e["id"], frozenset(e.get("units") or ()), tuple(trig)))
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _vocab(s: TargetSettings = DEFAULT) -> _Vocab:
    y = load_yaml(VOCAB_FILE)
    abbrev_map = {k.lower(): v for k, v in y["abbreviations"].items()}
    norm = _Normalizer(tuple(y.get("orthography", {}).items()),
                       re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(k) for k in sorted(abbrev_map, key=len, reverse=True))})(?!\w)"),
                       abbrev_map)
    units = dict(y["units"])
    unit_alt = "|".join(_phrase(u) if u != "%" else "%" for u in sorted(units, key=len, reverse=True))
    cues = sorted(((tuple(w.split()), c) for c, ws in y["comparators"].items() for w in ws),
                  key=lambda c: len(c[0]), reverse=True)
    suffix_cmp = {" ".join(w.split()): c for c, ws in y["suffix_comparators"].items() for w in ws}
    return _Vocab(
        norm=norm,
        # A value: not glued to a slash, letter or digit before it (citation numbers, dates).
        value=re.compile(
            rf"(?<![\w/.,])(?P<v1>\d{{1,6}}(?:[.,]\d{{1,3}})?)(?:\s*[-–]\s*(?P<v2>\d{{1,6}}(?:[.,]\d{{1,3}})?))?"
            rf"\s*(?P<unit>{unit_alt})(?![\w])", re.IGNORECASE),
        unit_canon={u.lower(): c for u, c in units.items()},
        cues=tuple(cues),
        suffix=re.compile(rf"\s*(?P<s>{alternation(suffix_cmp)})(?!\w)", re.IGNORECASE),
        suffix_cmp=suffix_cmp,
        transparent=tuple(sorted((tuple(w.split()) for w in set(y["transparent"])), key=len, reverse=True)),
        year=re.compile(rf"(?<!\w)(?:{alternation(y['year_markers'])})\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
        conj=re.compile(rf"\s(?:{alternation(y['shared_comparator_conjunctions'])})\s", re.IGNORECASE),
        # A comma between digits is a decimal comma ("97,5%"), not a piece boundary.
        piece_split=re.compile(rf"(?<!\d),|,(?!\d)|\s(?:{alternation(y['piece_conjunctions'])})\s|\(|\)", re.IGNORECASE),
        date_month=re.compile(rf"(?:{alternation(y['date_month_words'])})\s+\d{{1,2}}\s*$", re.IGNORECASE),
        indicators=_indicators(y["indicators"], norm, s),
    )


# --- segmentation (all ranges are offsets into the caller's text) ---------------------------

Range = tuple[int, int]
_TERMINAL = ".;:!?"


def _rows(text: str) -> list[list[Range]]:
    """Rows of cells: a line with tabs is a table row; other lines join into paragraphs."""
    rows: list[list[Range]] = []
    para: list[int] | None = None
    pos = 0
    pending_blank = False
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        stripped = line.strip()
        if "\t" in line or stripped in ("|", "") or stripped.startswith("|"):
            if "\t" in line or (stripped.startswith("|") and len(stripped) > 1):
                if para:
                    rows.append([tuple(para)])
                    para = None
                rows.append(_cells(line, s, "\t" if "\t" in line else "|"))
            elif stripped == "" and para:
                pending_blank = True
            elif para:          # a "|" line: a markdown cell boundary
                rows.append([tuple(para)])
                para = None
            continue
        if para and (not pending_blank or _continues(text, para[1], s + (len(line) - len(line.lstrip())))):
            para[1] = e
        else:
            if para:
                rows.append([tuple(para)])
            para = [s, e]
        pending_blank = False
    if para:
        rows.append([tuple(para)])
    return rows


def _continues(text: str, prev_end: int, next_start: int) -> bool:
    """A sentence cut by a page break: no terminal punctuation, next line starts lower-case."""
    prev = text[:prev_end].rstrip()
    nxt = text[next_start: next_start + 1]
    return bool(prev) and prev[-1] not in _TERMINAL and nxt.islower()


def _cells(line: str, offset: int, sep: str) -> list[Range]:
    out, s = [], 0
    for part in line.split(sep):
        if part.strip():
            out.append((offset + s, offset + s + len(part)))
        s += len(part) + 1
    return out


# Upper-case letters by their Unicode property (Latin with Vietnamese diacritics).
_UPPER = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper())
# Clause boundaries: ";", a sentence end before a capital, digit or bullet, a bullet.
_CLAUSE_SPLIT = re.compile(rf";|(?<=[.!?])\s+(?=[-–•+]?\s*[{re.escape(_UPPER)}\d(])|(?:^|\n|(?<=[.;:]))\s*[-–•+]\s+")

def _split(text: str, rng: Range, pat: re.Pattern) -> list[Range]:
    s0, e0 = rng
    out, cur = [], s0
    for m in pat.finditer(text, s0, e0):
        if m.start() > cur:
            out.append((cur, m.start()))
        cur = m.end()
    if cur < e0:
        out.append((cur, e0))
    return [(s, e) for s, e in out if text[s:e].strip()]


# --- values, comparators, indicators --------------------------------------------------------

def _num(s: str) -> float | None:
    try:
        if re.fullmatch(r"\d{1,3}\.\d{3}", s):        # "1.000": a thousands separator
            return float(s.replace(".", ""))
        return float(s.replace(",", "."))
    except ValueError:
        return None


def _comparator(text: str, piece_start: int, value_start: int, unit_end: int, s: TargetSettings) -> str:
    v = _vocab(s)
    words = _norm(text[piece_start:value_start]).split()[-s.cue_words:]
    i = len(words)
    while i > 0:
        for cue, cmp_ in v.cues:
            n = len(cue)
            if n <= i and tuple(words[i - n:i]) == cue:
                return cmp_
        step = next((len(t) for t in v.transparent if len(t) <= i and tuple(words[i - len(t):i]) == t), 0)
        if not step:
            break
        i -= step
    m = v.suffix.match(text, unit_end)
    if m:
        return v.suffix_cmp[" ".join(m.group("s").lower().split())]
    return "="


def _indicator(norm_text: str, s: TargetSettings) -> _Indicator | None:
    best, best_w = None, 0
    words = set(norm_text.split())
    for ind in _vocab(s).indicators:
        for pat, w, need in ind.triggers:
            if w > best_w and need <= words and pat.search(norm_text):
                best, best_w = ind, w
    return best


def _year(text: str, default: int | None, s: TargetSettings) -> int | None:
    v = _vocab(s)
    for m in v.year.finditer(text):
        before = text[max(0, m.start() - 12): m.start()]
        if v.date_month.search(before):
            continue                    # "ngày 15 tháng 9 năm 2022" is a date, not a target year
        y = int(m.group("y"))
        if s.min_year <= y <= s.max_year:
            return y
    return default


@dataclass
class _Group:
    value: re.Match
    piece: Range            # the words that carry the value's comparator
    span: list[int]         # the words that name what is measured


def _groups(text: str, clause: Range, s: TargetSettings) -> list[_Group]:
    """One group per value; value-less pieces join the value piece before them, or the one
    after them when it needs a name and its value closes it (see module docstring)."""
    v = _vocab(s)
    pieces = _split(text, clause, v.piece_split)
    values = [list(v.value.finditer(text, *p)) for p in pieces]
    spans: dict[int, list[int]] = {i: [p[0], p[1]] for i, p in enumerate(pieces) if values[i]}
    if not spans:
        return []
    named = {i: _indicator(_norm(text[p[0]:p[1]]), s) is not None for i, p in enumerate(pieces) if values[i]}
    for i, p in enumerate(pieces):
        if values[i]:
            continue
        nxt = next((j for j in range(i + 1, len(pieces)) if values[j]), None)
        prv = next((j for j in range(i - 1, -1, -1) if values[j]), None)
        forward = nxt is not None and (
            prv is None or (named[prv] and not named[nxt] and _value_closes(text, pieces[nxt], values[nxt][0])))
        j = nxt if forward else prv
        spans[j] = [min(spans[j][0], p[0]), max(spans[j][1], p[1])]
    groups = []
    for i, p in enumerate(pieces):
        prev_end = p[0]
        for m in values[i]:
            # A second value in one piece shares the piece's name ("… thêm 20% … đạt tỷ lệ
            # 100%"); its comparator comes from the words since the previous value.
            groups.append(_Group(m, (prev_end, p[1]), spans[i]))
            prev_end = m.end()
    return groups


def _value_closes(text: str, piece: Range, m: re.Match) -> bool:
    """The value ends its piece ("… đạt tối thiểu 96% tại cấp xã"): the name comes before it."""
    before = len(_norm(text[piece[0]: m.start()]))
    after = len(_norm(text[m.end(): piece[1]]))
    return before > after


def _row_targets(text: str, row: list[Range], year: int | None, s: TargetSettings) -> list[Target]:
    v = _vocab(s)
    found: list[tuple[int, Target]] = []
    orphans: list[tuple[int, Target]] = []
    valued_cells: set[int] = set()
    memo: dict = {}                 # (start, end) of a shared span -> its name, indicator, year
    for ci, cell in enumerate(row):
        if not v.value.search(text, *cell):
            continue                # most cells hold no figure at all: skip the splitting
        for clause in _split(text, cell, _CLAUSE_SPLIT):
            if not v.value.search(text, *clause):
                continue
            prev: tuple[str | None, int] = (None, clause[0])
            for g in _groups(text, clause, s):
                valued_cells.add(ci)
                joined = v.conj.search(text, prev[1], g.piece[0] + 1) is not None
                t, cmp_used = _target(text, g, year, prev[0] if joined else None, s, memo)
                prev = (cmp_used, g.piece[1])
                if t is None:
                    continue
                (found if t.indicator or t.unit != "%" else orphans).append((ci, t))
    # Only rows with an unnamed percentage need their other cells' indicators.
    cell_inds = [None if (ci in valued_cells or not orphans) else _indicator(_norm(text[c[0]:c[1]]), s)
                 for ci, c in enumerate(row)]
    for ci, t in orphans:
        ind = _nearest(cell_inds, ci)
        found.append((ci, dataclasses.replace(t, indicator=ind.id if ind else None)))
    found.sort(key=lambda x: x[1].span[0] if x[1].span else 0)
    return [t for _, t in found]


def _nearest(inds: list[_Indicator | None], ci: int) -> _Indicator | None:
    order = sorted(range(len(inds)), key=lambda j: (abs(j - ci), j > ci))
    return next((inds[j] for j in order if j != ci and inds[j] is not None), None)


def _target(text: str, g: _Group, year: int | None, prev_cmp: str | None,
            cfg: TargetSettings, memo: dict) -> tuple[Target | None, str | None]:
    v = _vocab(cfg)
    m = g.value
    unit = v.unit_canon.get(" ".join(m.group("unit").lower().split()), m.group("unit"))
    v1 = _num(m.group("v1"))
    v2 = _num(m.group("v2")) if m.group("v2") else None
    if v1 is None:
        return None, None
    s, e = g.span
    name, ind, span_year = _named_span(text, s, e, year, cfg, memo)
    if unit != "%" and (ind is None or unit not in ind.units):
        return None, None
    if v2 is not None and v2 > v1:
        cmp_, vmax = "range", v2
    else:
        cmp_, vmax = _comparator(text, g.piece[0], m.start(), m.end(), cfg), None
        # "Cắt giảm ít nhất 20% TTHC và 20% chi phí tuân thủ": a bare value right after "và"
        # shares the comparator of the value before it (the caller passes it only then).
        if cmp_ == "=" and prev_cmp not in (None, "=", "range") and not _norm(text[g.piece[0]:m.start()]):
            cmp_ = prev_cmp
    return Target(text=name, indicator=ind.id if ind else None,
                  comparator=cmp_, value=v1, value_max=vmax, unit=unit,
                  year=span_year, span=(s, e)), cmp_


def _named_span(text: str, s: int, e: int, year: int | None, cfg: TargetSettings,
                memo: dict) -> tuple[str, _Indicator | None, int | None]:
    """The name, indicator and year of the words a group's values share. All values of a
    piece share one span ("đạt 10% … đạt 10% …"), so reading it once per value would be
    quadratic in the piece's length; once per span keeps the search linear, and the targets
    share one name string instead of a copy each."""
    if (s, e) not in memo:
        part = text[s:e]
        memo[(s, e)] = (" ".join(part.split()).strip(" ,;.-–"), _indicator(_norm(part), cfg),
                        _year(part, year, cfg))
    return memo[(s, e)]


# --- public ---------------------------------------------------------------------------------

def find_targets(text: str | None, *, year: int | None = None,
                 settings: TargetSettings = DEFAULT) -> list[Target]:
    """Targets in a plan's prose or table rows. Pass a table row as its cells joined by tabs
    (so a value cell can borrow the indicator its task cell names) and prose as whole text
    (so a sentence cut by a page break is joined). `year`: the plan's or section's year,
    used when the text names none. Spans are offsets into `text`."""
    if not isinstance(text, str) or not text.strip():
        return []
    out: list[Target] = []
    for row in _rows(text):
        out.extend(_row_targets(text, row, year, settings))
    return out


# --- the pipeline stage -----------------------------------------------------------------------

def _run(ex, settings: TargetSettings, errors):
    """Targets of the prose as one text (a sentence cut by a page break is joined) and of each
    task row as its cells joined by tabs, a merged objective only with its first task."""
    year = plan_year(ex)
    found: list[Found] = []
    offsets, parts, pos = [], [], 0
    for b in ex.document.blocks:
        offsets.append((pos, b.page))
        parts.append(b.text)
        pos += len(b.text) + 2
    prose = "\n\n".join(parts)
    for tg in errors.run_value(find_targets, prose, year=year, settings=settings, default=[]):
        page = None
        if tg.span:
            page = next((pg for off, pg in reversed(offsets) if off <= tg.span[0]), None)
        found.append(Found(tg, page=page, field="prose"))
    seen_objectives = set()
    for t in ex.tasks:
        if t.origin == "prose":
            continue        # its text is in the prose read above: not twice
        key = (t.table, t.stt, t.objective)
        cells = [t.objective if key not in seen_objectives else "", t.task, t.output, t.lead, t.support,
                 t.deadline, t.basis]
        seen_objectives.add(key)
        row_text = "\t".join((c or "").replace("\t", " ") for c in cells)
        row_year = section_year(t.section_title) or year
        for tg in errors.run_value(find_targets, row_text, year=row_year, settings=settings, default=[],
                                   seq=t.seq, page=t.page_start, line=t.line_start):
            found.append(Found(tg, seq=t.seq, page=t.page_start, field="task_row"))
    return found, ()


def _row(f: Found) -> dict:
    return dict(seq=f.seq, page=f.page, **value_fields(f.value, (
        "text", "indicator", "comparator", "value", "value_max", "unit", "year")))


NORMALIZER = Normalizer(name="targets", run=_run, settings=TargetSettings, dataset="targets", row=_row)

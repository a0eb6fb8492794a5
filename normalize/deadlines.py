"""Deadline cells ("Thời gian hoàn thành / thực hiện") → `Deadline` records.

A cell is split into items (bullets, semicolons, lines); each item is classified by explicit
rules whose words come from gazetteer/deadline_vocab.yaml:

- by_date     a date or period right after a "before/until" marker ("Trước ngày 31/01/2024");
              wins over any condition in the same item, since the date is the hard limit;
- relative    counted from an event, no absolute date ("Chậm nhất 05 ngày kể từ …");
- recurring   a trigger followed by period words ("Hàng Quý/ Năm");
- continuous  "Thường xuyên";
- conditional "Khi có hướng dẫn …", "Theo kế hoạch …";
- period/date the temporal expressions themselves ("Quý III/2024", "2023 - 2025", "31/10/2025").

Among recurring, continuous, conditional and period, the one printed first wins, except that
a recurrence beats the period it is anchored to ("Tháng 12 hằng năm" is every December).
A cell with several items takes its first item's parse and keeps all of them in `items`.
Years missing from the text come from the caller (`year`: section or plan year, else
`doc_date`), never from today. Unknown text gives kind "unparsed".
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from kehoach.extract.labels import roman_value
from kehoach.gazetteer import load_yaml
from kehoach.model import Deadline, Finding, Found
from kehoach.normalize import Normalizer, plan_year
from kehoach.textutil import alternation

VOCAB_FILE = "deadline_vocab.yaml"


@dataclass(frozen=True)
class DeadlineSettings:
    # Plausible years; a four-digit number outside is not read as a year ("Tổng đài 1022").
    min_year: int = 1990
    max_year: int = 2100
    # Characters of text kept before a date when looking for a by_date marker.
    marker_window: int = 40


DEFAULT = DeadlineSettings()


# --- vocabulary -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Vocab:
    variants: tuple[tuple[re.Pattern, str], ...]
    atoms: re.Pattern
    halves: dict[str, int]
    before: tuple[str, ...]
    until: tuple[str, ...]
    fillers: tuple[str, ...]
    relative: re.Pattern
    duration_rel: re.Pattern
    continuous: re.Pattern
    recur_trigger: re.Pattern
    recur_token: re.Pattern
    recur_periods: dict[str, str]
    recur_connectors: frozenset[str]
    recur_order: tuple[str, ...]
    conditional: re.Pattern
    open_suffix: re.Pattern
    open_prefixes: tuple[str, ...]


_YEAR = r"(?:1[89]|2\d)\d{2}"
_QNUM = r"(?:iv|iii|ii|i|[1-4])(?!\w)"


@functools.lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    v = load_yaml(VOCAB_FILE)
    cal = v["calendar"]
    day, month, year, quarter = (alternation(cal[k]) for k in ("day", "month", "year", "quarter"))
    halves = {" ".join(k.split()): int(n) for k, n in cal["halves"].items()}
    joins = alternation(cal["quarter_joins"])
    sep = r"\s*[/.\-]\s*"
    # Order matters: the first alternative that matches at a position wins, so full dates
    # come before months and months before bare years.
    atoms = re.compile(
        rf"(?P<dmy>(?<![\d/])(?P<d1>\d{{1,2}}){sep}(?P<m1>\d{{1,2}}){sep}(?P<y1>{_YEAR})(?!\d))"
        rf"|(?P<dmy2>(?:(?:{day})\s+)?(?P<d2>\d{{1,2}})\s+(?:{month})\s+(?P<m2>\d{{1,2}})\s*,?\s*(?:{year})\s+(?P<y2>{_YEAR})(?!\d))"
        rf"|(?P<dm2>(?:{day})\s+(?P<d4>\d{{1,2}})\s+(?:{month})\s+(?P<m4>\d{{1,2}})(?!\d))"
        rf"|(?P<dm>(?<![\d/])(?P<d3>\d{{1,2}})\s*/\s*(?P<m3>\d{{1,2}})(?![\d/]))"
        rf"|(?P<half>(?P<hw>{alternation(halves)})(?:\s+(?P<yh>{_YEAR}))?(?!\d))"
        rf"|(?P<q>(?:{quarter})\s*(?P<q1>{_QNUM})(?:\s*(?:{joins})\s*(?:(?:{quarter})\s*)?(?P<q2>{_QNUM}))?"
        rf"(?:\s*(?:/|-|–|(?:{year}))\s*(?P<yq>{_YEAR}))?(?!\d))"
        rf"|(?P<mon>(?:{month})\s*(?P<mo>\d{{1,2}})(?:\s*(?:/|-|(?:{year}))\s*(?P<ym>{_YEAR}))?(?![\d/]))"
        rf"|(?P<my>(?<![\d/])(?P<mo2>\d{{1,2}})\s*/\s*(?P<ym2>{_YEAR})(?![\d/]))"
        rf"|(?P<yr>(?:(?:{year})\s+)?(?<![\d/.,])(?P<y>{_YEAR})(?![\d/]))"
    )
    bd = v["by_date"]
    rel = v["relative"]
    units = alternation(rel["duration_units"])
    duration = rf"\d{{1,3}}\s*(?:{units})"
    rec = v["recurring"]
    periods = {" ".join(k.split()): val for k, val in rec["periods"].items()}
    conn = [c for c in rec["connectors"] if c.strip()]
    # A word token must end at a word boundary; a punctuation token ("/", ",") need not.
    token = re.compile(rf"\s*({alternation(periods)}|{alternation(conn)}|{alternation(rec['triggers'])})(?:(?<!\w)|(?!\w))")
    oe = v["open_end"]
    return _Vocab(
        variants=tuple((re.compile(rf"(?<!\w){re.escape(a)}(?!\w)"), b)
                       for a, b in v.get("variants", {}).items()),
        atoms=atoms,
        halves=halves,
        before=tuple(bd["before"]),
        until=tuple(bd["until"]),
        fillers=tuple(bd["fillers"]),
        relative=re.compile(rf"(?<!\w)(?:{alternation(rel['markers'])})(?!\w)"),
        duration_rel=re.compile(
            rf"(?<!\w)(?:(?:{alternation(rel['duration_prefixes'])})\s+{duration}(?!\w)"
            rf"|{duration}\s+(?:{alternation(rel['duration_anchors'])})(?!\w))"),
        continuous=re.compile(rf"(?<!\w)(?:{alternation(v['continuous'])})(?!\w)"),
        recur_trigger=re.compile(rf"(?<!\w)(?:{alternation(rec['triggers'])})(?!\w)"),
        recur_token=token,
        recur_periods=periods,
        recur_connectors=frozenset(" ".join(c.split()) for c in conn) | frozenset(rec["triggers"]),
        recur_order=tuple(rec["order"]),
        conditional=re.compile(rf"(?<!\w)(?:{alternation(v['conditional'])})(?!\w)"),
        open_suffix=re.compile(rf"(?<!\w)(?:{alternation(oe['suffixes'])})(?!\w)"),
        open_prefixes=tuple(oe["prefixes"]),
    )


# --- text preparation -----------------------------------------------------------------------

_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")
# A bullet starts the cell or follows the end of a sentence/clause; a dash between two
# periods ("Quý IV/2025- Quý II/2026") is a range, not a bullet.
_ITEM_SPLIT = re.compile(r"(?:^|(?<=[.;:!?])|\n)\s*[-–•+*]\s+|;|\n")


def _prepare(text: str) -> str:
    t = unicodedata.normalize("NFC", html.unescape(_TAG.sub(" ", text or "")))
    t = t.replace("\u00a0", " ").lower()
    for pat, rep in _vocab().variants:
        t = pat.sub(rep, t)
    return t


def _items(t: str) -> list[str]:
    parts = (_SPACE.sub(" ", p).strip(" \t,.:-–") for p in _ITEM_SPLIT.split(t))
    return [p for p in parts if p]


# --- temporal atoms -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Atom:
    pos: int
    end_pos: int
    start: dt.date | None
    end: dt.date | None
    day: bool            # a single day (as opposed to a month, quarter, year …)


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, _calendar.monthrange(y, m)[1])


def _span(y: int | None, m1: int, m2: int) -> tuple[dt.date | None, dt.date | None]:
    if y is None or not (1 <= m1 <= m2 <= 12):
        return None, None
    return dt.date(y, m1, 1), _month_end(y, m2)


def _quarter(numeral: str) -> int:
    """A quarter's number as printed, in Arabic or Roman figures ("3", "iii")."""
    return int(numeral) if numeral.isdigit() else roman_value(numeral)


def _year_ok(y: int | None, s: DeadlineSettings) -> int | None:
    return y if y is not None and s.min_year <= y <= s.max_year else None


def _atom(m: re.Match, default_year: int | None, s: DeadlineSettings) -> _Atom | None:
    g = m.groupdict()
    pos, end = m.span()

    def y_of(key: str) -> int | None:
        return _year_ok(int(g[key]), s) if g.get(key) else default_year

    try:
        if g["dmy"] or g["dmy2"] or g["dm"] or g["dm2"]:
            d, mo, yk = ((g["d1"], g["m1"], "y1") if g["dmy"] else
                         (g["d2"], g["m2"], "y2") if g["dmy2"] else
                         (g["d4"], g["m4"], None) if g["dm2"] else (g["d3"], g["m3"], None))
            y = y_of(yk) if yk else default_year
            if y is None:
                return _Atom(pos, end, None, None, True)
            day = dt.date(y, int(mo), int(d))
            return _Atom(pos, end, day, day, True)
        if g["half"]:
            h = _vocab().halves[" ".join(g["hw"].split())]
            return _Atom(pos, end, *_span(y_of("yh"), 1 if h == 1 else 7, 6 if h == 1 else 12), False)
        if g["q"]:
            q1 = _quarter(g["q1"])
            q2 = _quarter(g["q2"]) if g["q2"] else q1
            lo, hi = min(q1, q2), max(q1, q2)
            return _Atom(pos, end, *_span(y_of("yq"), 3 * lo - 2, 3 * hi), False)
        if g["mon"] or g["my"]:
            mo = int(g["mo"] or g["mo2"])
            y = y_of("ym") if g["mon"] else y_of("ym2")
            return _Atom(pos, end, *_span(y, mo, mo), False)
        if g["yr"]:
            y = _year_ok(int(g["y"]), s)
            if y is None:
                return None
            return _Atom(pos, end, dt.date(y, 1, 1), dt.date(y, 12, 31), False)
    except (ValueError, KeyError, OverflowError):
        return None
    return None


def _atoms(t: str, default_year: int | None, s: DeadlineSettings) -> list[_Atom]:
    out = []
    for m in _vocab().atoms.finditer(t):
        a = _atom(m, default_year, s)
        if a is not None:
            out.append(a)
    return out


# --- classification -------------------------------------------------------------------------

def _ends_with(text: str, phrases) -> str | None:
    for p in sorted(phrases, key=len, reverse=True):
        if text == p or text.endswith(" " + p):
            return p
    return None


def _strip_fillers(before: str) -> str:
    fillers = _vocab().fillers
    t = before.strip(" ,:")
    while True:
        f = _ends_with(t, fillers)
        if not f:
            return t
        t = t[: len(t) - len(f)].strip(" ,:")


def _by_date(t: str, atoms: list[_Atom], s: DeadlineSettings) -> Deadline | None:
    v = _vocab()
    for a in atoms:
        before = _strip_fillers(t[max(0, a.pos - s.marker_window): a.pos])
        if _ends_with(before, v.until):
            end = a.end
        elif _ends_with(before, v.before):
            end = a.end if a.day else (a.start - dt.timedelta(days=1) if a.start else None)
        else:
            continue
        return Deadline(kind="by_date", end=end)
    return None


def _recurrence(t: str) -> tuple[int, str] | None:
    """Position and canonical recurrence ("quarterly,yearly") of the first real trigger."""
    v = _vocab()
    for m in v.recur_trigger.finditer(t):
        found: set[str] = set()
        pos = m.end()
        while True:
            tok = v.recur_token.match(t, pos)
            if not tok:
                break
            word = " ".join(tok.group(1).split())
            if word in v.recur_periods:
                found.add(v.recur_periods[word])
            elif word not in v.recur_connectors:
                break
            pos = tok.end()
        if found:
            return m.start(), ",".join(r for r in v.recur_order if r in found)
    return None


def _period(t: str, atoms: list[_Atom], s: DeadlineSettings) -> Deadline:
    if len(atoms) == 1 and atoms[0].day:
        a = atoms[0]
        return Deadline(kind="date", start=a.start, end=a.end)
    starts = [a.start for a in atoms if a.start]
    ends = [a.end for a in atoms if a.end]
    start = min(starts) if starts else None
    end = max(ends) if ends else None
    v = _vocab()
    first = atoms[0]
    lead_in = _strip_fillers(t[max(0, first.pos - s.marker_window): first.pos])
    open_end = bool(v.open_suffix.search(t, atoms[-1].end_pos)) or (
        len(atoms) == 1 and _ends_with(lead_in, v.open_prefixes) is not None)
    if open_end:
        end = None
    return Deadline(kind="period", start=start, end=end, open_end=open_end)


def _first(pattern: re.Pattern, t: str) -> int | None:
    m = pattern.search(t)
    return m.start() if m else None


def _parse_item(t: str, default_year: int | None, s: DeadlineSettings) -> Deadline:
    v = _vocab()
    atoms = _atoms(t, default_year, s)
    hit = _by_date(t, atoms, s)
    if hit:
        return hit
    rec = _recurrence(t)
    if not atoms and (v.relative.search(t) or v.duration_rel.search(t)):
        return Deadline(kind="relative", recurrence=rec[1] if rec else None)
    candidates = []
    if rec:
        candidates.append((rec[0], "recurring"))
    for kind, pat in (("continuous", v.continuous), ("conditional", v.conditional)):
        p = _first(pat, t)
        if p is not None:
            candidates.append((p, kind))
    if atoms:
        candidates.append((atoms[0].pos, "period"))
    if not candidates:
        return Deadline(kind="unparsed")
    kind = min(candidates)[1]
    if kind == "period" and rec:
        kind = "recurring"
    recurrence = rec[1] if rec else None
    if kind == "period":
        return _period(t, atoms, s)
    return Deadline(kind=kind, recurrence=recurrence if kind in ("recurring", "continuous") else None)


# --- public ---------------------------------------------------------------------------------

def parse_deadline(text: str | None, *, doc_date: dt.date | None = None,
                   year: int | None = None, settings: DeadlineSettings = DEFAULT) -> Deadline:
    """Parse one deadline cell. `year`: the year of the task's section ("NĂM 2021") or of the
    plan; `doc_date`: the plan's issue date, used for the year when `year` is None."""
    raw = text if isinstance(text, str) else ""
    default_year = year if year is not None else (doc_date.year if doc_date else None)
    items = _items(_prepare(raw))
    if not items:
        return Deadline(kind="none", text=raw)
    parsed = [_with_text(_parse_item(it, default_year, settings), it) for it in items]
    head = parsed[0]
    return Deadline(kind=head.kind, start=head.start, end=head.end,
                    recurrence=head.recurrence, open_end=head.open_end, text=raw,
                    items=tuple(parsed) if len(parsed) > 1 else ())


def _with_text(d: Deadline, text: str) -> Deadline:
    return Deadline(kind=d.kind, start=d.start, end=d.end, recurrence=d.recurrence,
                    open_end=d.open_end, text=text)


def section_year(title: str | None, settings: DeadlineSettings = DEFAULT) -> int | None:
    """First plausible year printed in a section title ("NĂM 2021", "NĂM 2023 - 2025")."""
    for m in re.finditer(rf"(?<!\d){_YEAR}(?!\d)", title or ""):
        y = _year_ok(int(m.group()), settings)
        if y:
            return y
    return None


def match_date(text: str, pos: int = 0, *, year: int | None = None,
               settings: DeadlineSettings = DEFAULT) -> tuple[dt.date, int] | None:
    """A full date starting at `pos` (after spaces and the day word): "ngày 08/4/2020",
    "ngày 15 tháng 9 năm 2022". Returns the date and the offset where it ends in `text`.
    Lower-casing keeps offsets because Vietnamese letters keep their length."""
    seg = text[pos: pos + 48]
    low = unicodedata.normalize("NFC", seg).lower()
    if len(low) != len(seg):
        return None
    m = _day_prefix().match(low)
    start = m.end() if m else 0
    am = _vocab().atoms.match(low, start)
    if not am:
        return None
    a = _atom(am, year, settings)
    if a is None or not a.day or a.start is None:
        return None
    return a.start, pos + am.end()


# --- the pipeline stage -----------------------------------------------------------------------

def _run(ex, settings: DeadlineSettings, errors):
    """Each task's deadline cell parsed, the year taken from its section or the plan."""
    year = plan_year(ex)
    found, notes = [], []
    for t in ex.tasks:
        d = errors.run_value(parse_deadline, t.deadline, seq=t.seq, page=t.page_start, line=t.line_start,
                             year=section_year(t.section_title, settings) or year,
                             doc_date=ex.metadata.issued, settings=settings,
                             default=Deadline(kind="unparsed", text=t.deadline or ""))
        found.append(Found(d, seq=t.seq, page=t.page_start, line=t.line_start, field="deadline"))
        if d.kind == "unparsed":
            notes.append(Finding(kind="deadline_unparsed", severity="warning", seq=t.seq, page=t.page_start,
                                 line=t.line_start, value=t.deadline, message="deadline not understood"))
    return found, notes


def _row(f) -> dict:
    d = f.value
    return dict(deadline_kind=d.kind, deadline_start=d.start, deadline_end=d.end,
                deadline_recurrence=d.recurrence)


NORMALIZER = Normalizer(name="deadlines", run=_run, settings=DeadlineSettings, annotates="tasks", row=_row)


@functools.lru_cache(maxsize=1)
def _day_prefix() -> re.Pattern:
    day = alternation(load_yaml(VOCAB_FILE)["calendar"]["day"])
    return re.compile(rf"\s*,?\s*(?:{day})\s+")

"""Citations of legal and administrative documents, anywhere in a plan → `Citation` records.

Three number layouts cover Vietnamese practice (Nghị định 30/2020/NĐ-CP; Hướng dẫn 36-HD/VPTW):

    legal normative   N/YYYY/TYPE-ORG   45/2020/NĐ-CP, 03/2013/NQ-HĐND, 80/2015/QH13
    administrative    N/TYPE-ORG        468/QĐ-TTg, 2333/SNV-CCHC&VTLT (công văn: N/ORG-UNIT)
    Party             N-TYPE/ORG        12-NQ/TU, 920-CTr/TU

The layouts are regex structure; what the codes mean (type, issuer) and the type words printed
before a number ("Nghị định số …") are data (gazetteer/citation_types.yaml). Spaces and line
breaks inside a symbol ("468/QĐ- TTg", "01/2020/TT - VPCP", "31/2021/QĐ-" + "TTg") are folded
into the canonical key. The kind comes from the symbol's type code when it has one, so a
misprinted type word ("Nghị số 76/NQ-CP") still gives Nghị quyết. A type word followed by a
bare number ("Nghị quyết số 131") is a short form, resolved against the plan's full citations
by `resolve_citations`. Odd input gives an empty list or None.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from kehoach.gazetteer import load_yaml
from kehoach.model import Citation, Finding, Found
from kehoach.normalize import Normalizer, value_fields
from kehoach.normalize.deadlines import match_date
from kehoach.textutil import alternation

VOCAB_FILE = "citation_types.yaml"


@dataclass(frozen=True)
class CitationSettings:
    # Characters before a number searched for its type word ("Văn bản Hướng dẫn số ").
    type_window: int = 48
    # Characters after a citation searched for the opener of its subject, and the longest
    # subject kept.
    subject_window: int = 160
    subject_max: int = 300
    min_year: int = 1945
    max_year: int = 2100


DEFAULT = CitationSettings()

# A code: an upper-case letter, then letters, digits or "&" (TTg, SNgV, CCHC&VTLT, QH15).
# It must end at a word boundary so "Thủ" never yields a code "Th".
_CODE = r"[A-ZĐÐ][A-Za-zĐđÐ0-9&]*(?![\w])"
_DASH = r"\s*[-–]\s*"
_SYM = rf"{_CODE}(?:{_DASH}{_CODE})*"
# Tried only at the starts of digit runs just before a "/" (`_core_matches`); the boundary
# before the number is checked in code (`_starts_clean`).
_CORE = re.compile(
    rf"(?P<num>\d{{1,5}}(?:\.\d{{1,3}})?)\s*(?:"
    rf"/\s*(?P<year>(?:1[89]|2\d)\d{{2}})\s*/\s*(?P<sym1>{_SYM})"
    rf"|[-–]\s*(?P<ptype>{_CODE})\s*/\s*(?P<porg>{_SYM})"
    rf"|/\s*(?P<sym2>{_SYM})"
    rf")"
)
# The plan's own number: the same layouts, the number may be blank ("Số: /KH-SNgV").
_OWN = re.compile(
    rf"^\s*(?P<num>\d{{1,5}})?\s*(?:"
    rf"/\s*(?P<year>(?:1[89]|2\d)\d{{2}})\s*/\s*(?P<sym1>{_SYM})"
    rf"|[-–]\s*(?P<ptype>{_CODE})\s*/\s*(?P<porg>{_SYM})"
    rf"|/\s*(?P<sym2>{_SYM})"
    rf")\s*[.,;]?\s*$"
)
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_SYMBOL_AFTER = re.compile(r"[\d\w/]|\s*[/\-–]\s*[\dA-Za-zĐđ]|[.,]\d")
_YEARLIKE = re.compile(r"(?:1[89]|2\d)\d{2}")


def _alt_rev(words) -> str:
    """Alternation of the phrases written backwards (for matching on reversed text)."""
    return alternation(w.lower()[::-1] for w in words if w)


@dataclass(frozen=True)
class _Vocab:
    code_canon: dict[str, str]          # casefolded code → canonical casing
    type_of_code: dict[str, str]        # canonical code → kind
    kind_of_word: dict[str, str]        # type word (lower, single-spaced) → kind
    issuers: dict[str, dict]            # canonical code → issuer entry
    numbered: tuple[tuple[re.Pattern, dict], ...]
    untyped_kind: str
    # Type word (+ "số") right before a number, matched on the *reversed* text before it: one
    # anchored match per number instead of a scan for ~25 phrases over the whole document.
    type_before_rev: re.Pattern
    short_tail: re.Pattern              # after a type word: gap, optional "số", bare number
    subject_trailing: re.Pattern
    own_prefix: re.Pattern


@functools.lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    v = load_yaml(VOCAB_FILE)
    canon: dict[str, str] = {}
    type_of_code: dict[str, str] = {}
    kind_of_word: dict[str, str] = {}
    for t in v["types"]:
        for c in t.get("codes") or []:
            canon[c.casefold()] = c
            type_of_code[c] = t["kind"]
        for w in t.get("words") or []:
            kind_of_word[" ".join(w.lower().split())] = t["kind"]
    issuers: dict[str, dict] = {}
    numbered = []
    for e in v["issuers"]:
        canon.setdefault(e["code"].casefold(), e["code"])
        issuers[e["code"]] = e
        if e.get("numbered"):
            numbered.append((re.compile(rf"{re.escape(e['code'])}\d{{1,3}}", re.I), e))
    return _Vocab(
        code_canon=canon,
        type_of_code=type_of_code,
        kind_of_word=kind_of_word,
        issuers=issuers,
        numbered=tuple(numbered),
        untyped_kind=v["untyped_kind"],
        type_before_rev=re.compile(
            rf"(?:[ \u00a0]*\n?[ \u00a0]*:?[ \u00a0]*(?P<so>{_alt_rev(v['number_words'])}))?"
            rf"(?P<gap>[ \u00a0]*\n?[ \u00a0]*)(?P<tw>{_alt_rev(kind_of_word)})(?!\w)"),
        short_tail=re.compile(
            rf"(?P<gap>[ \u00a0]*\n?[ \u00a0]*)(?:(?P<so>{alternation(v['number_words'])})[ \u00a0]*:?[ \u00a0]*\n?[ \u00a0]*)?"
            rf"(?P<num>\d{{1,5}})(?!\d)"),
        subject_trailing=re.compile(rf"(?:[\s,]+(?i:{alternation(v['subject_trailing'])}))+\s*$"),
        own_prefix=re.compile(rf"^\s*(?i:{alternation(v['own_number_prefixes'])})\s*:?\s*"),
    )


# --- symbol helpers -------------------------------------------------------------------------

def _canon_code(code: str) -> str:
    code = code.replace("Ð", "Đ")
    return _vocab().code_canon.get(code.casefold(), code)


def _codes(sym: str) -> list[str]:
    return [_canon_code(c) for c in re.split(r"[-–]", _SPACES.sub("", sym)) if c]


def _issuer_entry(code: str | None) -> dict | None:
    if not code:
        return None
    v = _vocab()
    if code in v.issuers:
        return v.issuers[code]
    for pat, e in v.numbered:
        if pat.fullmatch(code):
            return e
    return None


@dataclass(frozen=True)
class _Number:
    number: str | None
    year: int | None
    symbol: str
    key: str
    type_code: str | None
    org_code: str | None
    partial: str | None = None      # "31/2021/QĐ" when the issuer part is missing


def _number_from(g: dict, cfg: CitationSettings) -> _Number | None:
    num = g.get("num")
    if g.get("ptype"):
        ptype = _canon_code(g["ptype"])
        orgs = _codes(g["porg"])
        symbol = f"{ptype}/{'-'.join(orgs)}"
        known = ptype if ptype in _vocab().type_of_code else None
        return _Number(num, None, symbol, f"{num or ''}-{symbol}" if num else f"-{symbol}",
                       known, orgs[0] if orgs else None)
    sym = g.get("sym1") or g.get("sym2")
    if not sym:
        return None
    codes = _codes(sym)
    year = int(g["year"]) if g.get("year") else None
    if year is not None and not (cfg.min_year <= year <= cfg.max_year):
        return None
    types = _vocab().type_of_code
    type_code = codes[0] if codes[0] in types else None
    org_code = codes[1] if type_code and len(codes) > 1 else (None if type_code else codes[0])
    symbol = "-".join(codes)
    key = f"{num or ''}/{year}/{symbol}" if year else f"{num or ''}/{symbol}"
    # A type code with no issuer ("31/2021/QĐ-" cut by a page or cell break) is a partial
    # number: no key of its own, `resolve_citations` may complete it.
    incomplete = type_code is not None and org_code is None
    return _Number(num, year, symbol, None if incomplete else key, type_code, org_code,
                   key if incomplete else None)


def _kind(n: _Number, type_word: str | None, administrative: bool) -> str | None:
    v = _vocab()
    if n.type_code:
        return v.type_of_code[n.type_code]
    if type_word:
        return v.kind_of_word.get(" ".join(type_word.lower().split()))
    entry = _issuer_entry(n.org_code)
    if entry and entry.get("default_kind"):
        return entry["default_kind"]
    return v.untyped_kind if administrative else None


def _issuer(n: _Number) -> str | None:
    entry = _issuer_entry(n.org_code)
    return entry["name"] if entry else None


# --- context: type word before, date and subject after --------------------------------------

def _lower(text: str) -> str:
    """NFC lower-cased text with the same offsets as `text` (else a per-window fallback)."""
    low = unicodedata.normalize("NFC", text).lower()
    return low if len(low) == len(text) else ""


def _starts_clean(text: str, pos: int) -> bool:
    return pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] in "/.-–_")


def _before(low: str, start: int, cfg: CitationSettings) -> re.Match | None:
    return _vocab().type_before_rev.match(low[max(0, start - cfg.type_window):start][::-1])


def _type_word(text: str, low: str, start: int, cfg: CitationSettings) -> tuple[str | None, int]:
    if not low:
        low_win = unicodedata.normalize("NFC", text[max(0, start - cfg.type_window):start]).lower()
        m = _vocab().type_before_rev.match(low_win[::-1])
        return (m.group("tw")[::-1], start) if m else (None, start)
    m = _before(low, start, cfg)
    if not m or (start - m.end() > 0 and low[start - m.end() - 1].isalnum()):
        return None, start
    return m.group("tw")[::-1], start - m.end()


@functools.lru_cache(maxsize=8)
def _subject_at(window: int) -> re.Pattern:
    """The subject opens right after the number/date, or after "của <issuer>" (within window)."""
    v = load_yaml(VOCAB_FILE)
    return re.compile(
        rf"\s*,?\s*(?:(?i:{alternation(v['issuer_links'])})\s+[^;.\n]{{1,{window}}}?\s+)?"
        rf"(?P<op>(?i:{alternation(v['subject_openers'])}))(?!\w)")


def _subject(text: str, end: int, stop: int, cfg: CitationSettings) -> str | None:
    tail = text[end: min(stop, end + cfg.subject_window + cfg.subject_max)]
    cut = re.search(r";|\n\s*\n|\.(?:\s|$)|\t|\|", tail)
    if cut:
        tail = tail[: cut.start()]
    m = _subject_at(cfg.subject_window).match(tail)
    if not m:
        return None
    subj = _SPACES.sub(" ", tail[m.start("op"):]).strip(" ,:;()“”\"")
    # The next citation of a list cuts the subject after its connector ("… điện tử và").
    subj = _vocab().subject_trailing.sub("", subj).strip(" ,:;(")
    return subj[: cfg.subject_max] or None


# --- public ---------------------------------------------------------------------------------

def parse_doc_number(s: str | None, settings: CitationSettings = DEFAULT) -> Citation | None:
    """The plan's own number line ("Số: 18 /KH-UBND", "/KH-SNgV") → Citation, or None.
    A blank number keeps the symbol: key "/KH-SNgV" (the contract's documents.number)."""
    if not isinstance(s, str):
        return None
    body = _vocab().own_prefix.sub("", unicodedata.normalize("NFC", s), count=1)
    m = _OWN.match(body)
    if not m:
        return None
    n = _number_from(m.groupdict(), settings)
    if n is None:
        return None
    administrative = bool(m.group("sym2"))
    return Citation(raw=s.strip(), kind=_kind(n, None, administrative), number=n.number,
                    year=n.year, symbol=n.symbol, key=n.key, issuer=_issuer(n))


def _own_key(own_number, cfg: CitationSettings) -> str | None:
    if isinstance(own_number, Citation):
        return own_number.key if own_number.number else None
    c = parse_doc_number(own_number, cfg) if isinstance(own_number, str) else None
    return c.key if c and c.number else None


def find_citations(text: str | None, *, own_number: str | Citation | None = None,
                   settings: CitationSettings = DEFAULT) -> list[Citation]:
    """Every citation in `text`, in order, spans relative to `text`. `own_number` (the plan's
    number as printed, or its parsed Citation) is not a citation of the plan."""
    return _find(text if isinstance(text, str) else "", _own_key(own_number, settings), settings)


def _core_matches(text: str) -> list[re.Match]:
    """Every number layout holds a "/", so candidates are found by str.find (C speed) and the
    layouts tried only at the starts of the digit runs just before each slash."""
    out: list[re.Match] = []
    last_end = 0
    p = text.find("/")
    while p != -1:
        if p >= last_end:
            for d in _DIGITS.finditer(text, max(last_end, p - 24), p):
                if not _starts_clean(text, d.start()):
                    continue
                m = _CORE.match(text, d.start())
                if m and m.end() > p:
                    out.append(m)
                    last_end = m.end()
                    break
        p = text.find("/", p + 1)
    return out


def _find(text: str, own_key: str | None, cfg: CitationSettings) -> list[Citation]:
    low = _lower(text)
    hits = []
    for m in _core_matches(text):
        n = _number_from(m.groupdict(), cfg)
        if n is None or (own_key and n.key == own_key):
            continue
        tw, raw_start = _type_word(text, low, m.start(), cfg)
        if m.group("sym2") and "-" not in n.symbol and tw is None:
            continue    # "N/ORG" alone is too loose; with a type word ("Công văn số 6006/BGDĐT") it is one
        hits.append((m, n, tw, raw_start))
    found: list[tuple[int, int, Citation]] = []
    for i, (m, n, tw, raw_start) in enumerate(hits):
        stop = hits[i + 1][3] if i + 1 < len(hits) else len(text)
        found.append(_citation(text, m, n, tw, raw_start, stop, cfg))
    if low:
        found.extend(_short_forms(text, low, [(s, e) for s, e, _ in found]))
    found.sort(key=lambda x: x[0])
    return [c for _, _, c in found]


def _citation(text: str, m: re.Match, n: _Number, tw: str | None, raw_start: int,
              stop: int, cfg: CitationSettings) -> tuple[int, int, Citation]:
    end = m.end()
    date = None
    md = match_date(text, end)
    if md:
        date, end = md
    year = n.year or (date.year if date else None)
    c = Citation(raw=_SPACES.sub(" ", text[raw_start:end]).strip(),
                 kind=_kind(n, tw, bool(m.group("sym2"))), number=n.number, year=year,
                 symbol=n.symbol, key=n.key, issuer=_issuer(n), date=date,
                 subject=_subject(text, end, stop, cfg), span=(raw_start, end),
                 conflict="incomplete_symbol" if n.partial else None)
    return raw_start, end, c


def _short_forms(text: str, low: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, Citation]]:
    """Type word + bare number ("Nghị quyết số 131"). Type words are found by str.find on
    space-folded text (same offsets), then the number is matched right after each."""
    v = _vocab()
    flat = low.replace("\n", " ").replace("\t", " ").replace("\u00a0", " ")  # same offsets
    by_number: dict[int, tuple[int, int, Citation]] = {}
    for word, kind in v.kind_of_word.items():
        i = flat.find(word)
        while i != -1:
            hit = _short_at(text, low, i, i + len(word), kind, taken)
            if hit and (hit[1] not in by_number or hit[0] < by_number[hit[1]][0]):
                by_number[hit[1]] = hit
            i = flat.find(word, i + 1)
    return list(by_number.values())


def _short_at(text: str, low: str, s: int, word_end: int, kind: str,
              taken: list[tuple[int, int]]) -> tuple[int, int, Citation] | None:
    if s and low[s - 1].isalnum():
        return None
    m = _vocab().short_tail.match(low, word_end)
    if not m or _SYMBOL_AFTER.match(low, m.end()):
        return None
    e = m.end()
    num = m.group("num")
    if any(s < te and ts < e for ts, te in taken):
        return None
    if not m.group("so"):
        # "Kế hoạch 2024" names a year; a type word closing one table cell and a row
        # number opening the next line ("Kế hoạch\n2\tPhối hợp …") is no citation.
        if _YEARLIKE.fullmatch(num) or "\n" in m.group("gap") or not m.group("gap"):
            return None
    return s, e, Citation(raw=_SPACES.sub(" ", text[s:e]).strip(), kind=kind, number=num,
                          year=None, symbol=None, key=None, span=(s, e))


def resolve_citations(citations: list[Citation]) -> list[Citation]:
    """Across one document's citations: short forms get the key of the plan's full citation
    of the same kind and number (`resolved_from` keeps the short text); missing dates are
    filled from other mentions of the same key when those agree; conflicts are flagged:
    the same key printed with different dates, and two numbers of one symbol whose digits
    are a permutation of each other with compatible dates (486/QĐ-TTg vs 468/QĐ-TTg)."""
    return _resolve(list(citations or []))


def _resolve(cits: list[Citation]) -> list[Citation]:
    full = [c for c in cits if c.key and c.number]
    by_kind_num: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for c in full:
        by_kind_num[(c.kind, c.number.lstrip("0"))].add(c.key)
    proto = {c.key: c for c in full}

    out = []
    for c in cits:
        if c.key is None and c.number:
            if c.symbol:        # a partial number: complete it from a full one it starts
                prefix = f"{c.number}/{c.year}/{c.symbol}-" if c.year else f"{c.number}/{c.symbol}-"
                keys = {k for k in proto if k.startswith(prefix)}
                c = dataclasses.replace(c, conflict=None) if len(keys) == 1 else c
            else:
                keys = by_kind_num.get((c.kind, c.number.lstrip("0")), set())
            if len(keys) == 1:
                k = next(iter(keys))
                p = proto[k]
                c = dataclasses.replace(c, key=k, symbol=p.symbol, year=p.year, issuer=p.issuer,
                                        resolved_from=c.raw)
            elif len(keys) > 1:
                c = dataclasses.replace(c, conflict="ambiguous_short:" + "|".join(sorted(keys)))
        out.append(c)

    dates: dict[str, set[dt.date]] = defaultdict(set)
    for c in out:
        if c.key and c.date:
            dates[c.key].add(c.date)
    conflicts: dict[str, list[str]] = defaultdict(list)
    for k, ds in dates.items():
        if len(ds) > 1:
            conflicts[k].append("date_mismatch:" + "|".join(d.isoformat() for d in sorted(ds)))
    _transpositions(out, dates, conflicts)

    final = []
    for c in out:
        if c.key:
            ds = dates.get(c.key, set())
            if c.date is None and len(ds) == 1:
                d = next(iter(ds))
                c = dataclasses.replace(c, date=d, year=c.year or d.year)
            if conflicts.get(c.key):
                c = dataclasses.replace(c, conflict=";".join(filter(None, [c.conflict, *conflicts[c.key]])))
        final.append(c)
    return final


def _transpositions(cits: list[Citation], dates: dict[str, set[dt.date]],
                    conflicts: dict[str, list[str]]) -> None:
    by_symbol: dict[tuple[str, int | None], set[str]] = defaultdict(set)
    number_of: dict[str, str] = {}
    for c in cits:
        if c.key and c.number and c.symbol and c.resolved_from is None:
            normative = c.key.count("/") == 2 and "-" not in c.key.split("/")[0]
            by_symbol[(c.symbol, c.year if normative else None)].add(c.key)
            number_of[c.key] = c.number.lstrip("0")
    for keys in by_symbol.values():
        ks = sorted(keys)
        for i, a in enumerate(ks):
            for b in ks[i + 1:]:
                na, nb = number_of[a], number_of[b]
                if na == nb or sorted(na) != sorted(nb):
                    continue
                da, db = dates.get(a, set()), dates.get(b, set())
                # Two undated numbers are as likely two documents (2269/QĐ-TTg, 2629/QĐ-TTg);
                # a shared date, or a date on one side only, points to one misprinted number.
                if not (da or db) or (da and db and not (da & db)):
                    continue
                conflicts[a].append(f"transposed_number:{b}")
                conflicts[b].append(f"transposed_number:{a}")


# --- the pipeline stage -----------------------------------------------------------------------

_TASK_FIELDS = ("objective", "task", "output", "deadline", "basis", "lead", "support")


def _run(ex, settings: CitationSettings, errors):
    """Citations of the prose blocks in reading order, then of the task cells, resolved
    across the document (short forms, dates, conflicts)."""
    own = ex.metadata.number
    found: list[Found] = []
    for b in ex.document.blocks:
        for c in errors.run_value(find_citations, b.text, own_number=own, settings=settings, default=[],
                                  page=b.page, line=b.line):
            found.append(Found(c, page=b.page, field="prose"))
    for t in ex.tasks:
        if t.origin == "prose":
            continue        # its text is a prose block's, read above: not twice
        for f in _TASK_FIELDS:
            for c in errors.run_value(find_citations, getattr(t, f) or "", own_number=own, settings=settings,
                                      default=[], seq=t.seq, page=t.page_start, line=t.line_start):
                found.append(Found(c, seq=t.seq, page=t.page_start, field=f))
    resolved = errors.run_value(resolve_citations, [x.value for x in found], default=None)
    if resolved is not None and len(resolved) == len(found):
        found = [dataclasses.replace(x, value=c) for x, c in zip(found, resolved)]
    notes = tuple(Finding(kind="citation_conflict", severity="warning", seq=x.seq, page=x.page,
                          value=x.value.raw, message=x.value.conflict)
                  for x in found if x.value.conflict)
    return found, notes


def _row(f: Found) -> dict:
    return dict(seq=f.seq, page=f.page, field=f.field, **value_fields(f.value, (
        "raw", "kind", "number", "year", "symbol", "key", "issuer", "date", "subject", "conflict",
        "resolved_from")))


NORMALIZER = Normalizer(name="citations", run=_run, settings=CitationSettings, dataset="citations", row=_row)

"""Vietnamese post-OCR repair: put back diacritics and syllable boundaries that OCR lost,
using the closed set of Vietnamese syllables and two-syllable words of a lexicon.

OCR of Vietnamese fails mostly on the marks (tone marks, circumflex, breve, horn, đ), so the
letters without marks (the "skeleton") are usually right while the marks are not. A repair
therefore only swaps a word for another spelling of the same skeleton, and only when:
  - the OCR was not confident about the word (word confidence below a threshold), and
  - the evidence is clear: the word is not a syllable at all and exactly one spelling fits,
    or exactly one spelling forms a known word with a neighbour while the printed one does not.
Upper-case tokens that are not syllables (QLCL, TTHC) and anything with digits are left alone.

The lexicon it checks against is lexicon.py's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kehoach.extract.labels import roman_value
from kehoach.extract.scan.lexicon import SYLLABLE_SHAPE, Lexicon, without_tone
from kehoach.textutil import fold
from kehoach.extract.scan.settings import RepairSettings

_TOKEN = re.compile(r"^(\W*)([^\W\d_]+)(\W*)$")


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float | None = None   # 0..1


def _apply_case(template: str, s: str) -> str:
    if template.isupper() and len(template) > 1:
        return s.upper()
    if template[:1].isupper():
        return s[:1].upper() + s[1:]
    return s


def _split(token: str) -> tuple[str, str, str] | None:
    m = _TOKEN.match(token)
    return (m.group(1), m.group(2), m.group(3)) if m else None


def _context(lex: Lexicon, left: str | None, s: str, right: str | None) -> int:
    return int(left is not None and (left, s) in lex.pairs) + \
        int(right is not None and (s, right) in lex.pairs)


def _choose(lex: Lexicon, core: str, left: str | None, right: str | None) -> str | None:
    """The one spelling of core's skeleton the evidence supports, or None."""
    low = core.lower()
    valid = low in lex.syllables
    cands = [c for c in lex.by_skeleton.get(fold(low), ()) if c != low]
    if not cands:
        return None
    scored = sorted(((_context(lex, left, c, right), c) for c in cands), reverse=True)
    best, best_c = scored[0]
    unique_best = len(scored) == 1 or scored[1][0] < best
    if valid:
        # A real syllable is replaced only when it makes no word with its neighbours and one
        # other spelling does ("kê hoạch" → "kế hoạch"), and only by another tone (or d/đ):
        # OCR misreads the small tone marks, while a letter's own mark (â ê ô ơ ư ă) is
        # larger, and swapping it makes other words ("sinh để" is not "sinh đẻ").
        if (_context(lex, left, low, right) == 0 and best > 0 and unique_best
                and without_tone(best_c) == without_tone(low)):
            return best_c
        return None
    if best > 0 and unique_best:
        return best_c
    if len(cands) == 1:
        return cands[0]
    return None


def _spellings(lex: Lexicon, low: str) -> tuple[str, ...]:
    """Spellings a read word may stand for: any of its skeleton when it is no syllable, only
    other tones of it when it is one (see _choose)."""
    cands = lex.by_skeleton.get(fold(low), ())
    if low in lex.syllables:
        cands = tuple(c for c in cands if without_tone(c) == without_tone(low))
    return (low,) + tuple(c for c in cands if c != low)


def _split_merged(lex: Lexicon, core: str, settings: RepairSettings) -> tuple[str, str] | None:
    """'kếhoạch' → ('kế', 'hoạch') when exactly one cut gives two syllables that form a word."""
    low = core.lower()
    if len(low) > settings.max_merged_len or low in lex.syllables:
        return None
    cuts = [(low[:k], low[k:]) for k in range(1, len(low))
            if (low[:k], low[k:]) in lex.pairs]
    if len(cuts) != 1:
        return None
    a, b = cuts[0]
    return core[:len(a)], core[len(a):]


def repair_words(words: list[Word], lex: Lexicon | None,
                 settings: RepairSettings = RepairSettings()) -> tuple[list[Word], list[str]]:
    """Repaired words (same confidences) and a note per change ('kê→kế')."""
    if lex is None or not words:
        return list(words), []
    words, notes = repair_tokens(list(words), lex, settings)
    words = _join_split_syllables(words, lex, settings)
    out: list[Word] = []
    cores = [_split(w.text) for w in words]
    for i, w in enumerate(words):
        parts = cores[i]
        if parts is None or _skip(w, parts[1], lex, settings):
            out.append(w)
            continue
        pre, core, post = parts
        merged = _split_merged(lex, core, settings)
        if merged:
            out.append(Word(pre + merged[0], w.confidence))
            out.append(Word(merged[1] + post, w.confidence))
            notes.append(f"{core}→{merged[0]} {merged[1]}")
            continue
        left = _neighbour(out[-1].text if out else None, side="left")
        right = _neighbour(words[i + 1].text if i + 1 < len(words) else None, side="right")
        choice = _choose(lex, core, left, right)
        if choice is None:
            out.append(w)
            continue
        fixed = _apply_case(core, choice)
        out.append(Word(pre + fixed + post, w.confidence))
        notes.append(f"{core}→{fixed}")
    out, pair_notes = _repair_pairs(out, lex, settings)
    return out, notes + pair_notes


def _repair_pairs(words: list[Word], lex: Lexicon, settings: RepairSettings) -> tuple[list[Word], list[str]]:
    """Two unsure neighbours both misread ('Ngoai vu'): neither has a good neighbour to lean
    on alone, but exactly one pair of their spellings is a word ('Ngoại vụ')."""
    out = list(words)
    notes: list[str] = []
    i = 0
    while i + 1 < len(out):
        a, b = out[i], out[i + 1]
        pa, pb = _split(a.text), _split(b.text)
        if (pa is None or pb is None or pa[2] or pb[0] or _skip(a, pa[1], lex, settings)
                or _skip(b, pb[1], lex, settings)):
            i += 1
            continue
        la, lb = pa[1].lower(), pb[1].lower()
        if (la, lb) in lex.pairs:
            i += 1
            continue
        ca, cb = _spellings(lex, la), _spellings(lex, lb)
        fits = {(x, y) for x in ca for y in cb if (x, y) in lex.pairs}
        if len(fits) == 1:
            x, y = fits.pop()
            na, nb = _apply_case(pa[1], x), _apply_case(pb[1], y)
            out[i] = Word(pa[0] + na + pa[2], a.confidence)
            out[i + 1] = Word(pb[0] + nb + pb[2], b.confidence)
            notes.append(f"{pa[1]} {pb[1]}→{na} {nb}")
            i += 2
            continue
        i += 1
    return out, notes


def _skip(w: Word, core: str, lex: Lexicon, settings: RepairSettings) -> bool:
    if w.confidence is not None and w.confidence >= settings.confident:
        return True
    if core.isupper() and len(core) > 1 and core.lower() not in lex.syllables:
        return True                     # an abbreviation (QLCL, TTHC), not a misread syllable
    return False


def _neighbour(text: str | None, side: str) -> str | None:
    """The neighbouring syllable, unless punctuation separates it from this word."""
    if text is None:
        return None
    parts = _split(text)
    if parts is None:
        return None
    pre, core, post = parts
    if (side == "left" and post) or (side == "right" and pre):
        return None
    return core.lower()


def _join_split_syllables(words: list[Word], lex: Lexicon, settings: RepairSettings) -> list[Word]:
    """'tr iển' → 'triển': two unsure neighbours that are no syllable alone but are one together."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        if i + 1 < len(words):
            nxt = words[i + 1]
            a, b = _split(w.text), _split(nxt.text)
            unsure = all(x.confidence is None or x.confidence < settings.confident for x in (w, nxt))
            if a and b and unsure and not a[2] and not b[0]:
                joined = (a[1] + b[1]).lower()
                if (joined in lex.syllables and a[1].lower() not in lex.syllables
                        and b[1].lower() not in lex.syllables):
                    conf = min((x.confidence for x in (w, nxt) if x.confidence is not None), default=None)
                    out.append(Word(a[0] + a[1] + b[1] + b[2], conf))
                    i += 2
                    continue
        out.append(w)
        i += 1
    return out


# ----------------------------------------------------------------------------------------
# tokens that are no syllable: abbreviations, quarters, web addresses, glued punctuation
# ----------------------------------------------------------------------------------------

_GLUED_COMMA = re.compile(r"(?<=[^\W\d_])([,;])(?=[^\W\d_])")
_GLUED_MARK = re.compile(r"(\W*)([^\W\d_]+)([.:])([^\W\d_]+)(\W*)")
_QUARTER_NUMERAL = re.compile(r"^([IHl1|]+)(?=$|[/\s.,;)-])")
_ROMAN_H_YEAR = re.compile(r"^[Il|]*H[IHl|]*/[0-9]{4}\b")
_URL_START = re.compile(r"(?:https?://|www\.)", re.I)
_URL_PIECE = re.compile(r"^[A-Za-z0-9./:_\-?=&%#~+]+\)?[.,;]?$")


def repair_tokens(words: list[Word], lex: Lexicon, settings: RepairSettings = RepairSettings()
                  ) -> tuple[list[Word], list[str]]:
    """Repairs that need no syllable spelling, each on structural evidence:
    - a fraction slash (what OCR reads for '/') is a slash;
    - a comma or semicolon between two letters loses the space after it ('CB,CC');
    - a known abbreviation glued to a number ('CC1' → 'CC 1');
    - an upper-case token one character away from exactly one known abbreviation
      ('DYVC' → 'DVC', 'UBNDĐ' → 'UBND', 'UBNĐ' → 'UBND'), when OCR was unsure of it;
    - a quarter's Roman numeral read with look-alikes ('Quý HI/2023' → 'Quý III/2023');
    - a web address cut into pieces at what OCR took for word gaps;
    - a letter a speck added at a word's edge ('Jlòng' → 'lòng' after 'hài');
    - punctuation a speck put inside a word ('đơn giản: hóa', 'hồ sơ. đúng', 'hoàn.thành')."""
    notes: list[str] = []
    out: list[Word] = []
    for w in words:
        t = w.text.replace("\u2044", "/")
        pieces = [p for piece in _GLUED_COMMA.sub(r"\1 ", t).split()
                  for q in _unglue_mark(piece, lex) for p in _unglue_number(q, lex)]
        out.extend(Word(p, w.confidence) for p in pieces)
        if " ".join(pieces) != w.text:
            notes.append(f"{w.text}→{' '.join(pieces)}")
    out = _join_url(out, lex, notes)
    for i, w in enumerate(out):
        prev = out[i - 1] if i else None
        nxt = out[i + 1] if i + 1 < len(out) else None
        new = (_quarter(w, prev, lex) or _acronym(w, lex, settings)
               or _speck_letter(w, prev, nxt, lex, settings) or _speck_mark(w, nxt, lex, settings))
        if new and new != w.text:
            notes.append(f"{w.text}→{new}")
            out[i] = Word(new, w.confidence)
    return out, notes


def _unglue_mark(token: str, lex: Lexicon) -> list[str]:
    """'hoàn.thành', 'đơn:vị': Vietnamese never joins two syllables with a full stop or a
    colon, so one between two lower-case syllables that the vocabulary has side by side is a
    speck that closed the gap between them. (Not a hyphen: 'vắc-xin', 'chính trị-xã hội'
    and 'E-mail' were printed so.)"""
    m = _GLUED_MARK.fullmatch(token)
    if m and m.group(4).islower() and (m.group(2).lower(), m.group(4)) in lex.pairs:
        return [m.group(1) + m.group(2), m.group(4) + m.group(5)]
    return [token]


def _unglue_number(token: str, lex: Lexicon) -> list[str]:
    m = re.fullmatch(r"([^\W\d_]{2,})([0-9]{1,3})([,;.]?)", token)
    if m and m.group(1) in lex.acronyms and m.group(1) + m.group(2) not in lex.acronyms:
        return [m.group(1), m.group(2) + m.group(3)]
    return [token]


def _unsure(w: Word, settings: RepairSettings) -> bool:
    return w.confidence is None or w.confidence < settings.confident


def _acronym(w: Word, lex: Lexicon, settings: RepairSettings) -> str | None:
    parts = _split(w.text)
    if parts is None or not _unsure(w, settings):
        return None
    pre, core, post = parts
    if (len(core) < 3 or not core.isupper() or core in lex.acronyms
            or SYLLABLE_SHAPE.match(fold(core))):
        return None

    def one_off(a: str, same_letter: bool) -> bool:
        diff = [(x, y) for x, y in zip(a, core) if x != y] if len(a) == len(core) else []
        return len(diff) == 1 and (not same_letter or fold(diff[0][0]) == fold(diff[0][1]))

    # A letter too many, or the same letter with another mark (Đ for D, Ơ for O): the
    # commonest misreadings; any one letter only when OCR hardly believed the token.
    near = {core[:k] + core[k + 1:] for k in range(len(core))} & lex.acronyms
    near |= {a for a in lex.acronyms if one_off(a, True)}
    if not near and (w.confidence or 0.0) < 0.5:
        near = {a for a in lex.acronyms if one_off(a, False)}
    return pre + near.pop() + post if len(near) == 1 else None


def _quarter(w: Word, prev: Word | None, lex: Lexicon) -> str | None:
    after_quarter = prev is not None and prev.text.lower().strip(".,;:") in lex.quarter_words
    # 'HI/2023' names its year like a quarter, and an H is no figure: a Roman numeral even
    # where 'Quý' stayed on the page before.
    if not after_quarter and not _ROMAN_H_YEAR.match(w.text):
        return None
    m = _QUARTER_NUMERAL.match(w.text)
    if not m or m.group(1).isdigit():
        return None             # 'Quý 1/2023' is a quarter in Arabic figures
    roman = re.sub(r"[l1|]", "I", m.group(1).replace("H", "II"))
    if roman_value(roman) not in (1, 2, 3, 4):
        return None
    return roman + w.text[m.end(1):]


def _join_url(words: list[Word], lex: Lexicon, notes: list[str]) -> list[Word]:
    """An address cannot hold a space: while its host does not yet end in a known ending
    (.vn, .com …), the next piece made of address characters continues it."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        m = _URL_START.search(w.text)
        if not m or not lex.url_host_endings:
            out.append(w)
            i += 1
            continue
        text, conf, j = w.text, w.confidence, i + 1
        while j < len(words) and not _host_complete(text[m.start():], lex) \
                and _URL_PIECE.match(words[j].text):
            text += words[j].text
            conf = min(c for c in (conf, words[j].confidence, 1.0) if c is not None)
            j += 1
        if j > i + 1 and _host_complete(text[m.start():], lex):
            notes.append(f"{' '.join(x.text for x in words[i:j])}→{text}")
            out.append(Word(text, conf))
            i = j
        else:
            out.append(w)
            i += 1
    return out


def _host_complete(url: str, lex: Lexicon) -> bool:
    host = re.sub(r"^(?:https?://)?", "", url, flags=re.I).split("/")[0]
    host = host.rstrip(").,;")
    return "." in host and host.rsplit(".", 1)[1].lower() in lex.url_host_endings


def _speck_letter(w: Word, prev: Word | None, nxt: Word | None, lex: Lexicon,
                  settings: RepairSettings) -> str | None:
    parts = _split(w.text)
    if parts is None or not _unsure(w, settings):
        return None
    pre, core, post = parts
    low = core.lower()
    if len(core) < 3 or low in lex.syllables or core.isupper():
        return None
    left = _neighbour(prev.text, "left") if prev and not pre else None
    right = _neighbour(nxt.text, "right") if nxt and not post else None
    fits = {c for c in (core[1:], core[:-1])
            if c.lower() in lex.syllables and _context(lex, left, c.lower(), right) > 0}
    if len(fits) != 1:
        return None
    return pre + fits.pop() + post


def _speck_mark(w: Word, nxt: Word | None, lex: Lexicon, settings: RepairSettings) -> str | None:
    """A colon between two syllables that form a word ('giản: hóa') is a speck when OCR was
    unsure; a full stop before a lower-case syllable ('hồ sơ. đúng') is one anyway: a
    sentence goes on with a capital. (Not a comma: 'người dân, doanh nghiệp' is a list
    although 'dân doanh' is a word.)"""
    if nxt is None:
        return None
    parts, after = _split(w.text), _split(nxt.text)
    if parts is None or after is None or after[0]:
        return None
    pre, core, post = parts
    if len(post) != 1 or post not in ",.:;":
        return None
    if post == ":" and _unsure(w, settings) and (core.lower(), after[1].lower()) in lex.pairs:
        return pre + core
    if post == "." and len(core) >= 2 and core.islower() and after[1][:1].islower() \
            and after[1].lower() in lex.syllables:
        return pre + core
    return None

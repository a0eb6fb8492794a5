"""A lead/support cell cut into unit mentions: at commas, semicolons and conjunctions, except inside
known names ("Khoa học và Công nghệ"), with bare heads and level words merged into their
neighbours ("CB, CC chuyên môn", "UBND các phường, xã") and unseparated names cut apart."""
from __future__ import annotations

import functools
import re

from .match import _match_core, _match_words
from .places import _split_place
from .settings import SETTINGS
from .text import _clean_cell, _lower_normalized
from .vocab import _gaz


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of known names and aliases that contain a separator ("CB, CC", "Khoa học và Công nghệ")."""
    folded = _lower_normalized(text)
    if len(folded) != len(text):       # a case mapping changed lengths: offsets would be wrong
        return []
    spans = []
    for phrase in _gaz().protected:
        start = 0
        while (i := folded.find(phrase, start)) >= 0:
            spans.append((i, i + len(phrase)))
            start = i + 1
    return spans


def _piece_words(text: str) -> list[str]:
    g = _gaz()
    key = g.strip_modifiers(g.key(text))
    return key.split()


def _is_level_only(text: str) -> bool:
    g = _gaz()
    key = " ".join(_piece_words(text))
    for nw in g.national_words:
        key = key[: -len(nw)].strip() if key.endswith(nw) else key
    words = key.split()
    if not words:
        return False
    i = 0
    while i < len(words):
        if words[i] in g.group_markers:
            i += 1
            continue
        step = _vocab_step(words, i, g.level_words)
        if not step:
            return False
        i += step
    return True


def _vocab_step(words: list[str], i: int, vocab) -> int:
    """How many words at position i form an entry of vocab (two-word entries first): 2, 1 or 0."""
    if " ".join(words[i:i + 2]) in vocab:
        return 2
    return 1 if words[i] in vocab else 0


def _bare_prefix(words: list[str]) -> int:
    """How many leading words are bare head words ("các", "phòng", "cán bộ" …)."""
    g = _gaz()
    i = 0
    while i < len(words):
        step = _vocab_step(words, i, g.bare_heads)
        if not step:
            break
        i += step
    return i


def _is_bare(text: str) -> bool:
    words = _piece_words(text)
    return bool(words) and _bare_prefix(words) == len(words)


def _starts_bare(text: str) -> bool:
    articles = _gaz().articles
    words = [w for w in _piece_words(text) if w not in articles]
    return bool(words) and _bare_prefix(words) > 0


def _resolvable(text: str, strict: bool = False) -> bool:
    # No unit name is this long (settings.py): skip the searches, and the expansion too (a
    # merged piece grows with each "và", so expanding it each time would be quadratic).
    if text.count(" ") >= SETTINGS.max_mention_words:
        return False
    words = _match_words(text)
    if len(words) > SETTINGS.max_mention_words:
        return False
    core, _ = _split_place(words)
    hits = _match_core(" ".join(core), SETTINGS)
    if hits and hits[0][2] in (("exact", "alias") if strict else ("exact", "alias", "fuzzy")):
        return True
    # a part of a body + the body ("VP UBND xã", "Kế toán Sở")
    g = _gaz()
    for i in range(1, len(core)):
        head = _match_core(" ".join(core[:i]), SETTINGS)
        if head and head[0][2] in ("exact", "alias") and g.types[head[0][0]].attach == "body":
            rest = " ".join(core[i:])
            if g.key(rest) in g.back_refs or _resolvable(rest, strict=True):
                return True
    return False


def split_mentions(cell: str | None) -> list[str]:
    """A lead/support cell -> its unit mentions, as printed (bullets and trailing punctuation removed)."""
    return list(_split_cached(cell)) if cell else []


@functools.lru_cache(maxsize=16384)
def _split_cached(cell: str) -> tuple[str, ...]:
    return tuple(_split(cell))


def _free_cuts(text: str, separators, spans: list[tuple[int, int]]) -> list[re.Match]:
    """The separators not inside a protected span. One sweep over both in order: testing every
    separator against every span is quadratic on a long cell full of known names."""
    spans = sorted(spans)
    out, k, reach = [], 0, -1          # reach: furthest end of the spans that start before m
    for m in separators:
        while k < len(spans) and spans[k][0] < m.start():
            reach = max(reach, spans[k][1])
            k += 1
        if not m.end() < reach:
            out.append(m)
    return out


def _split(cell: str) -> list[str]:
    text = _clean_cell(cell)
    if not text:
        return []
    g = _gaz()
    cuts = _free_cuts(text, g.separator_re.finditer(text), _protected_spans(text))
    # pieces: (start, end, separator that follows)
    pieces, start = [], 0
    for m in cuts:
        pieces.append([start, m.start(), m.group().strip().lower()])
        start = m.end()
    pieces.append([start, len(text), ""])
    pieces = [p for p in pieces if text[p[0]:p[1]].strip(" ,;.-")]
    merged: list[list] = []
    for p in pieces:
        piece = text[p[0]:p[1]]
        after = merged[-1][2] if merged else None
        if merged and _is_level_only(piece) and (after == "," or after in g.conjunctions):
            merged[-1][1], merged[-1][2] = p[1], p[2]          # "VP UBND, xã", "UBND các phường, xã"
        elif merged and after == "," and _is_bare(text[merged[-1][0]:merged[-1][1]]) \
                and (_is_bare(piece) or _starts_bare(piece)):
            merged[-1][1], merged[-1][2] = p[1], p[2]          # "CB, CC chuyên môn", "Các sở, ban, ngành"
        elif merged and after in g.conjunctions and not (
                _resolvable(text[merged[-1][0]:merged[-1][1]]) and _resolvable(piece)):
            merged[-1][1], merged[-1][2] = p[1], p[2]          # "và" inside an unknown name
        else:
            merged.append(list(p))
    out = []
    for s, e, _ in merged:
        out += _split_unseparated(text[s:e].strip(" ,;.:"))
    return [m for m in out if m]


def _split_unseparated(piece: str) -> list[str]:
    """Two names printed without a separator ("Sở Khoa học và Công nghệ Sở Công Thương")."""
    if not piece or len(piece.split()) > SETTINGS.max_mention_words \
            or _resolvable(piece, strict=True):
        return [piece]
    g = _gaz()
    spans = [m.span() for m in re.finditer(r"\S+", piece)]
    for start, _ in spans[1:]:
        word = piece[start:].split(" ", 1)[0]
        left, right = piece[:start].rstrip(), piece[start:]
        if word[:1].isupper() and g.key(word).split()[:1] and g.key(word).split()[0] in g.head_words \
                and _resolvable(left, strict=True) and _resolvable(right, strict=True):
            return [left, right]
    return [piece]

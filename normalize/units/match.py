"""A mention's words and the unit types its core can denote: exact name, alias, or rapidfuzz with a
margin over the runner-up."""
from __future__ import annotations

import functools
import re

from rapidfuzz import fuzz, process

from .settings import SETTINGS, UnitSettings
from .text import _WORD_RE, _clean_cell, _lower_normalized
from .vocab import _gaz


@functools.lru_cache(maxsize=65536)
def _match_core(core: str, settings: UnitSettings = SETTINGS) -> tuple[tuple[str, float, str, str | None], ...]:
    """Unit types a mention's core (place removed) can denote, best first: (type, score, method, level)."""
    g = _gaz()
    key = g.strip_modifiers(g.key(core))
    if not key:
        return ()
    if key in g.index:
        return tuple((t, 100.0, m, lv) for t, m, lv in g.index[key])
    best: dict[str, float] = {}
    for k, score, _ in process.extract(key, g.keys, scorer=fuzz.ratio, limit=30,
                                       score_cutoff=settings.candidate_cutoff):
        score = max(score, fuzz.token_sort_ratio(key, k))
        for t, _m, _lv in g.index[k]:
            best[t] = max(best.get(t, 0.0), score)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if not ranked:
        return ()
    top, runner = ranked[0][1], (ranked[1][1] if len(ranked) > 1 else 0.0)
    needed = settings.short_key_threshold if len(key) < settings.short_key_length else settings.fuzzy_threshold
    ok = top >= needed and top - runner >= settings.margin
    return tuple((t, s, "fuzzy" if ok and i == 0 else "unmatched", None) for i, (t, s) in enumerate(ranked))


def _match_words(mention: str) -> list[str]:
    """Words of a mention that name its unit: a parenthetical ("Bộ Công an (Trung tâm Dữ liệu
    quốc gia)") only narrows it down and a locative ("… tại TTPVHCC tỉnh") says where it works."""
    g = _gaz()
    text = re.sub(r"\([^()]*\)", " ", _clean_cell(mention))
    words = [w.strip(".") or w for w in _WORD_RE.findall(g.expand(text))]
    words = [w for w in words if w not in ("-", "/")]
    for i, w in enumerate(words[1:], start=1):
        if _lower_normalized(w) in g.location_markers:
            return words[:i]
    return words

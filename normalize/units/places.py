"""Places in mentions: a trailing place ("xã", "huyện Trảng Bom", "các phường, xã") told apart from
a mention's core, and administrative units found by name, level and era."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from .settings import UnitSettings
from .text import _lower_normalized
from .vocab import _Admin, _gaz


@dataclass(frozen=True)
class _Place:
    levels: tuple[str, ...]        # levels the printed level word(s) can denote
    type_word: str | None          # "xã", "thành phố" … as printed (folded)
    name: str | None               # proper name printed after it
    group: bool                    # every unit of the level ("các xã", "cấp xã", "xã, phường")
    national: bool = False         # "… trực thuộc trung ương"


def _level_word_at(words: list[str], i: int) -> tuple[str, int] | None:
    """Level word starting at words[i] (one or two words), as (folded word, length)."""
    g = _gaz()
    for n in (2, 1):
        if i + n > len(words):
            continue
        raw = " ".join(words[i:i + n])
        phrase = _lower_normalized(g.level_abbr.get(raw, raw))
        if phrase not in g.level_words:
            continue
        if i + n < len(words) and phrase + " " + _lower_normalized(words[i + n]) in g.not_places:
            return None
        if i > 0 and _lower_normalized(words[i - 1]) + " " + phrase in g.not_places:
            return None
        return phrase, n
    return None


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() or word.isdigit()


def _strip_modifier_words(words: list[str]) -> list[str]:
    g = _gaz()
    changed = True
    while changed and words:
        changed = False
        folded = _lower_normalized(" ".join(words))
        for m in g.modifiers:
            if folded.endswith(" " + m) and len(m.split()) < len(words):
                words, changed = words[: len(words) - len(m.split())], True
                break
    return words


def _split_place(words: list[str]) -> tuple[list[str], _Place | None]:
    """Separate a trailing place ("xã", "huyện Trảng Bom", "các phường, xã") from a mention's words."""
    g = _gaz()
    words = _strip_modifier_words(words)
    national = False
    folded = _lower_normalized(" ".join(words))
    for nw in g.national_words:
        if folded.endswith(" " + nw):
            national = True
            words = words[: len(words) - len(nw.split())]
    # Find the leftmost start of a run of level words (and an optional name) that reaches the end.
    best = None
    for i in range(1, len(words)):
        hit = _level_word_at(words, i)
        if not hit:
            continue
        j, levels = i, []
        while j < len(words):
            h = _level_word_at(words, j)
            if h:
                levels.append(h[0])
                j += h[1]
            elif _lower_normalized(words[j]) in g.group_markers and j + 1 < len(words) \
                    and _level_word_at(words, j + 1):
                j += 1             # "cấp tỉnh, cấp xã"
            else:
                break
        rest = words[j:]
        if rest and not (len(levels) == 1 and all(_is_name_word(w) for w in rest)):
            continue
        best = (i, levels, " ".join(rest) or None)
        break
    if best is None:
        if national:
            return words, _Place(("province",), None, None, True, True)
        return _split_province_name(words)
    i, levels, name = best
    group = len(levels) > 1 or national
    if i > 0 and _lower_normalized(words[i - 1]) in g.group_markers:
        group, i = True, i - 1
    core = words[:i]
    if not core:
        return words, None
    lv: list[str] = []
    for w in levels:
        for level in g.level_words[w]:
            if level not in lv:
                lv.append(level)
    return core, _Place(tuple(lv), levels[0], name, group and name is None, national)


def _split_province_name(words: list[str]) -> tuple[list[str], _Place | None]:
    """A province named without its level word ("Thuế Đồng Nai", "Truyền hình Đồng Nai")."""
    g = _gaz()
    for n in (3, 2):
        if len(words) > n and all(_is_name_word(w) for w in words[-n:]):
            name = " ".join(words[-n:])
            if any(a.level == "province" for a in g.by_name.get(_lower_normalized(name), ())):
                return words[:-n], _Place(("province",), None, name, False)
    return words, None


def _era_order(issued: dt.date | None, settings: UnitSettings) -> tuple[str, str]:
    return ("2025", "2024") if issued and issued >= settings.era_cutover else ("2024", "2025")


def _chain(admin: _Admin | None) -> list[_Admin]:
    g, out = _gaz(), []
    while admin is not None:
        out.append(admin)
        admin = g.admin.get(admin.parent_id) if admin.parent_id else None
    return out


def _find_admin(name: str, levels: Iterable[str], type_word: str | None, near: _Admin | None,
                eras: tuple[str, str]) -> _Admin | None:
    """The unit of that name at one of those levels, preferring the issuer's province and era."""
    found = [a for a in _gaz().by_name.get(_lower_normalized(name), ()) if a.level in levels]
    if type_word:
        typed = [a for a in found if a.type == type_word]
        found = typed or found
    if not found:
        return None
    province = near.province_code if near else None

    def rank(a: _Admin) -> tuple[int, int, int]:
        # TODO(perf): list(levels) is copied for every candidate; it could be made once above.
        return (0 if province and a.province_code == province else 1, eras.index(a.era),
                list(levels).index(a.level))
    found.sort(key=rank)
    best = found[0]
    # Same name in two provinces and nothing to choose between them: the place stays unknown.
    if len(found) > 1 and rank(found[1])[:2] == rank(best)[:2] and found[1].level == best.level:
        return None
    return best

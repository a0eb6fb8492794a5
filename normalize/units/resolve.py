"""Mentions resolved in the document's context (issuer, place, era): the issuer's own unit and
chain, a mention's core and place, parts of bodies ("Văn phòng UBND tỉnh"), positions followed by
a person's name, and the public entries."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kehoach.model import UnitMention
from kehoach.textutil import slug

from .attach import _attach, _back_reference, _Context, _fits, _make_unit, _unknown_body, _Unit
from .match import _match_core, _match_words
from .places import _era_order, _find_admin, _is_name_word, _Place, _split_place
from .settings import SETTINGS, UnitSettings
from .split import split_mentions
from .text import _WORD_RE, _clean_cell, _lower_normalized
from .vocab import _gaz


@functools.lru_cache(maxsize=4096)
def _context(issuer: str | None, place: str | None, issued: dt.date | None,
             settings: UnitSettings = SETTINGS) -> _Context:
    eras = _era_order(issued, settings)
    bare = _Context(None, None, eras)
    if not issuer:
        return bare
    words = _WORD_RE.findall(_gaz().expand(_clean_cell(issuer)))
    core, spec = _split_place(words)
    unit = None
    hits = _match_core(" ".join(core), settings)
    if hits and hits[0][2] != "unmatched":
        typ = _gaz().types[hits[0][0]]
        admin = None
        if typ.attach == "admin":
            if spec is None and place:
                spec = _Place(typ.levels, None, place, False)
            if spec and spec.name:
                admin = _find_admin(spec.name, [lv for lv in typ.levels if lv in spec.levels] or typ.levels,
                                    spec.type_word, None, eras)
            elif spec and place:
                admin = _find_admin(place, [lv for lv in typ.levels if lv in spec.levels], spec.type_word, None, eras)
        unit = _make_unit(typ, admin, spec, None, bare, place_known=admin is not None or typ.attach == "none")
    return _Context(unit, unit.admin if unit else None, eras)


@dataclass(frozen=True)
class _Resolved:
    unit: _Unit
    score: float
    method: str


def _worse(a: str, b: str) -> str:
    order = ["exact", "alias", "fuzzy", "unmatched"]
    return max(a, b, key=order.index)


def _resolve_core(words: tuple[str, ...], spec: _Place | None, ctx: _Context, settings: UnitSettings,
                  allow_fuzzy: bool = True) -> _Resolved | None:
    g = _gaz()
    if not words:
        return None
    hits = [h for h in _match_core(" ".join(words), settings) if h[2] != "unmatched"]
    exact = [h for h in hits if h[2] in ("exact", "alias")]
    for type_id, score, method, fixed in exact:
        typ = g.types[type_id]
        if _fits(typ, ctx, spec, fixed) or type_id == exact[-1][0]:
            return _Resolved(_attach(typ, spec, None, ctx, fixed), score, method)
    # "Văn phòng UBND tỉnh", "Kế toán Sở", "Bộ phận Văn thư Sở Y tế": a part of a body + the body.
    for i in range(len(words) - 1, 0, -1):
        head = [h for h in _match_core(" ".join(words[:i]), settings) if h[2] in ("exact", "alias")]
        head = [h for h in head if g.types[h[0]].attach == "body"]
        if not head:
            continue
        rest_key = g.key(" ".join(words[i:]))
        parent = _back_reference(rest_key, ctx) if spec is None else None
        method = head[0][2]
        if parent is None and spec is None and rest_key in g.back_refs:
            # "Văn phòng Sở" in a plan whose issuer is no sở: the part is sure, its body is not.
            parent = _unknown_body(" ".join(words[i:]))
        if parent is None:
            inner = _resolve_core(words[i:], spec, ctx, settings, allow_fuzzy=False)
            if inner is None:
                continue
            parent, method = inner.unit, _worse(method, inner.method)
        return _Resolved(_attach(g.types[head[0][0]], None, parent, ctx, None), 100.0, method)
    if allow_fuzzy and hits and hits[0][2] == "fuzzy":
        typ = g.types[hits[0][0]]
        return _Resolved(_attach(typ, spec, None, ctx, None), hits[0][1], "fuzzy")
    return None


def _person(words: list[str], ctx: _Context, settings: UnitSettings) -> tuple[_Resolved, str] | None:
    """A position followed by a person's name: "Phó Giám đốc Trần Đông Phương An - Cá nhân phụ trách"."""
    g = _gaz()
    for i in range(len(words) - 1, 0, -1):
        head = [h for h in _match_core(" ".join(words[:i]), settings)
                if h[2] in ("exact", "alias") and g.types[h[0]].kind == "position"]
        if not head:
            continue
        name: list[str] = []
        if _lower_normalized(words[i]) in g.head_words:
            continue
        for w in words[i:]:
            # TODO(perf): the markers' first words are rebuilt for every word; one set would do.
            if not _is_name_word(w) or _lower_normalized(w) in {m.split()[0] for m in g.person_markers}:
                break
            name.append(w)
        if len(name) >= 2:
            unit = _attach(g.types[head[0][0]], None, None, ctx, None)
            return _Resolved(unit, 100.0, head[0][2]), " ".join(name)
    return None


def _strip_person_marker(words: list[str]) -> tuple[list[str], bool]:
    g = _gaz()
    folded = _lower_normalized(" ".join(words))
    for m in g.person_markers:
        if folded.startswith(m + " "):
            return words[len(m.split()):], True
    return words, False


def resolve_mention(mention: str, *, issuer: str | None = None, place: str | None = None,
                    issued: dt.date | None = None, settings: UnitSettings = SETTINGS) -> UnitMention:
    """One mention (already split) -> UnitMention; unmatched mentions keep a null id."""
    return _resolve_cached(mention, _context(issuer, place, issued, settings), settings)


@functools.lru_cache(maxsize=65536)
def _resolve_cached(mention: str, ctx: _Context, settings: UnitSettings) -> UnitMention:
    words = _match_words(mention)
    if len(words) > settings.max_mention_words:
        return UnitMention(mention=mention, unit_name=None, unit_type=None, unit_id=None, level=None,
                           score=None, method="unmatched")
    words, is_person = _strip_person_marker(words)
    core, spec = _split_place(words)
    resolved = _resolve_core(tuple(core), spec, ctx, settings)
    person_name = None
    if resolved is None or resolved.unit.type.kind == "position":
        found = _person(words, ctx, settings)
        if found:
            resolved, person_name = found
    if resolved is None:
        hits = _match_core(" ".join(core), settings)
        best = hits[0][1] / 100 if hits else None
        return UnitMention(mention=mention, unit_name=None, unit_type=None, unit_id=None, level=None,
                           score=best, method="unmatched")
    unit = resolved.unit
    name, uid, level = unit.name, unit.id, unit.level
    if person_name:
        name, uid = f"{name} {person_name}", f"{uid}#{slug(person_name)}"
    if is_person or unit.type.kind == "position":
        level = "person"
    admin = unit.admin
    return UnitMention(
        mention=mention, unit_name=name, unit_type=unit.type.id, unit_id=uid, level=level,
        province_code=admin.province_code if admin else None,
        district_code=admin.district_code if admin else None,
        commune_code=admin.code if admin and admin.level == "commune" else None,
        score=round(resolved.score / 100, 4), method=resolved.method)


def resolve_units(cell: str | None, *, role: str, issuer: str | None, place: str | None,
                  issued: dt.date | None = None, settings: UnitSettings = SETTINGS) -> list[UnitMention]:
    """Every unit mention of a lead (role="lead") or support cell, resolved against the issuer.

    The role does not change how a mention resolves; it is accepted so callers pass the cell's
    whole context in one place, and checked so a typo does not silently pass through."""
    if role not in ("lead", "support"):
        raise ValueError(f"role must be 'lead' or 'support', not {role!r}")
    return [resolve_mention(m, issuer=issuer, place=place, issued=issued, settings=settings)
            for m in split_mentions(cell)]


def candidates(mention: str, *, issuer: str | None = None, place: str | None = None, limit: int = 10,
               issued: dt.date | None = None, settings: UnitSettings = SETTINGS) -> list[tuple[str, str, float]]:
    """The gazetteer units a mention could be, best first: (unit_name, unit_id, score 0-1).

    For curating the gazetteer: lists runners-up even when the resolver picked (or refused) one."""
    g = _gaz()
    ctx = _context(issuer, place, issued, settings)
    words, _ = _strip_person_marker(_match_words(mention))
    core, spec = _split_place(words)
    out: list[tuple[str, str, float]] = []
    chosen = resolve_mention(mention, issuer=issuer, place=place, issued=issued, settings=settings)
    if chosen.unit_id:
        out.append((chosen.unit_name, chosen.unit_id, chosen.score or 0.0))
    key = g.strip_modifiers(g.key(" ".join(core)))
    scored: dict[str, float] = {}
    for k, score, _ in process.extract(key, g.keys, scorer=fuzz.ratio, limit=limit * 3):
        for t, _m, _lv in g.index[k]:
            scored[t] = max(scored.get(t, 0.0), max(score, fuzz.token_sort_ratio(key, k)))
    for type_id, score in sorted(scored.items(), key=lambda kv: -kv[1]):
        unit = _attach(g.types[type_id], spec, None, ctx, None)
        if all(unit.id != o[1] for o in out):
            out.append((unit.name, unit.id, round(score / 100, 4)))
        if len(out) >= limit:
            break
    return out[:limit]

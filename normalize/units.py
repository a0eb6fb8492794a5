"""Unit mentions in lead/support cells -> gazetteer units with full official names.

A cell such as "VP UBND, CC VHXH xã, CB, CC chuyên môn" is split into mentions, each mention's
abbreviations are expanded (gazetteer/unit_types.yaml), its trailing place ("xã", "huyện Trảng
Bom", "các phường, xã") is separated from its core, the core is matched to a unit type (exact name,
alias, or rapidfuzz with a margin over the runner-up), and the type is attached to its parent:
an administrative unit (data/admin_units_*.csv.gz), another body printed after it ("Văn phòng
UBND tỉnh"), or the issuing body. Places are resolved against the issuer's own chain of units, so
"VP UBND xã" in xã Giang Điền's plan is that commune's office and "Phòng Văn hóa và Thông tin" is
its district's.

Ids compose: `<type>@<parent>`, the parent being an admin id (`c26293`, `2025:p75`), another unit
id, `<admin>*<level>` for every unit of a level, or `?` when the plan does not say where it is.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from rapidfuzz import fuzz, process

from kehoach.gazetteer import admin_units, load_yaml
from kehoach.model import UnitMention

__all__ = ["UnitSettings", "split_mentions", "resolve_units", "resolve_mention", "candidates", "normalize_text"]


@dataclass(frozen=True)
class UnitSettings:
    fuzzy_threshold: float = 86.0      # rapidfuzz score (0-100) a fuzzy match needs
    margin: float = 5.0                # lead of the best type over the runner-up type
    candidate_cutoff: float = 50.0     # below this a candidate is not worth listing
    # Short keys ("phòng vhtt" / "phòng htqt") score high on one or two letters; ask more of them.
    short_key_length: int = 14
    short_key_threshold: float = 96.0
    era_cutover: dt.date = dt.date(2025, 7, 1)   # the administrative reorganization


SETTINGS = UnitSettings()
_UNKNOWN = "?"

# ----------------------------------------------------------------------------- text normalization

_TONES = "\u0300\u0301\u0309\u0303\u0323"          # huyền, sắc, hỏi, ngã, nặng
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")


def _tone_fix_table() -> tuple[re.Pattern[str], dict[str, str]]:
    """Old-style tone placement on the second vowel of oa/oe/uy ('hoá', 'thuỷ') -> 'hóa', 'thủy'."""
    swap = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for case in (str.lower, str.upper):
            f, s = case(first), case(second)
            for tone in _TONES:
                old = f + unicodedata.normalize("NFC", s + tone)
                swap[old] = unicodedata.normalize("NFC", f + tone) + s
                swap[f.upper() + old[1:]] = unicodedata.normalize("NFC", f.upper() + tone) + s
    # Only at the end of a syllable ('hoàn' keeps its mark) and not after q ('quý' is right).
    pattern = re.compile(r"(?<![qQ])(" + "|".join(map(re.escape, swap)) + r")(?![^\W\d_])")
    return pattern, swap


_TONE_RE, _TONE_SWAP = _tone_fix_table()


def normalize_text(text: str) -> str:
    """NFC, modern tone placement, plain dashes, no markup, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_DASHES)
    text = _TONE_RE.sub(lambda m: _TONE_SWAP[m.group(1)], text)
    text = re.sub(r"<[^>]+>|\*\*|__", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _clean_cell(cell: str) -> str:
    text = normalize_text(cell)
    text = re.sub(r"^(?:[-+•*]\s+)+", "", text)
    return text.strip(" ,;.:")


_WORD_RE = re.compile(r"[^\s,;:()]+")


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return normalize_text(text).lower()


# ----------------------------------------------------------------------------- gazetteer data

# Identity hash: one instance per type, and parent_synonyms (a dict) is not hashable.
@dataclass(frozen=True, eq=False)
class _Type:
    id: str
    name: str
    kind: str
    attach: str                    # admin | body | none
    levels: tuple[str, ...]
    level: str | None              # fixed level for attach: none
    parent_kinds: tuple[str, ...]
    parent_synonyms: dict


@dataclass(frozen=True)
class _Admin:
    id: str
    level: str
    name: str
    type: str
    parent_id: str | None
    province_code: str | None
    district_code: str | None
    code: str
    era: str

    @property
    def full(self) -> str:
        return f"{self.type} {self.name}"


@dataclass(frozen=True)
class _Unit:
    """A resolved unit: what a mention denotes once placed."""
    type: _Type
    name: str
    id: str
    level: str
    admin: _Admin | None           # the administrative unit the unit sits in (for codes, chains)
    place_known: bool


class _Gazetteer:
    def __init__(self) -> None:
        data = load_yaml("unit_types.yaml")
        places = data["places"]
        self.level_words: dict[str, tuple[str, ...]] = {_fold(k): tuple(v) for k, v in places["level_words"].items()}
        self.level_abbr = {k: v for k, v in places.get("level_abbreviations", {}).items()}
        self.group_markers = {_fold(w) for w in places["group_markers"]}
        self.not_places = {_fold(w) for w in places["not_places"]}
        self.group_names = places["group_names"]
        self.national_words = [_fold(w) for w in places.get("national_group_words", [])]
        self.abbr: dict[str, str] = {str(k): v for k, v in data["abbreviations"].items()}
        self.phrases = [(re.compile(r"(?<!\w)" + re.escape(k) + r"(?!\w)", re.I), v)
                        for k, v in data.get("phrases", {}).items()]
        self.modifiers = sorted((_fold(m) for m in data.get("modifiers", [])), key=len, reverse=True)
        self.bare_heads = {_fold(w) for w in data["bare_heads"]}
        self.back_refs = {_fold(k): v for k, v in data["back_references"].items()}
        self.person_markers = sorted((_fold(w) for w in data["person_markers"]), key=len, reverse=True)
        self.types: dict[str, _Type] = {}
        self.index: dict[str, list[tuple[str, str, str | None]]] = {}   # key -> [(type, method, level)]
        self.protected: set[str] = set()
        for t in data["types"]:
            typ = _Type(t["id"], t["name"], t["kind"], t["attach"], tuple(t.get("levels", ())),
                        t.get("level"), tuple(t.get("parent_kinds", ())), t.get("parent_synonyms") or {})
            if typ.id in self.types:
                raise ValueError(f"duplicate unit type id {typ.id}")
            self.types[typ.id] = typ
            self._add(typ.name, typ.id, "exact", None)
            for alias in t.get("aliases", []):
                text, level = (alias["text"], alias.get("level")) if isinstance(alias, dict) else (alias, None)
                self._add(text, typ.id, "alias", level)
        self.keys = list(self.index)
        # First words of unit names: a capitalized run starting with one is a unit, not a person.
        self.head_words = {k.split()[0] for k in self.keys}
        self.location_markers = [_fold(w) for w in data.get("location_markers", [])]
        self._load_admin()

    def _add(self, text: str, type_id: str, method: str, level: str | None) -> None:
        key = self.key(text)
        entries = self.index.setdefault(key, [])
        if all(e[0] != type_id for e in entries):
            entries.append((type_id, method, level))
        if re.search(r"[,;]|\svà\s", text):
            self.protected.add(_fold(text))

    def _load_admin(self) -> None:
        self.admin: dict[str, _Admin] = {}
        self.by_name: dict[str, list[_Admin]] = {}
        for era, r in admin_units():
            a = _Admin(r["id"], r["level"], r["name"], r["type"], r["parent_id"] or None,
                       r["province_code"] or None, r["district_code"] or None, r["code"], era)
            self.admin[a.id] = a
            self.by_name.setdefault(_fold(a.name), []).append(a)

    # -- text -> matching key
    def expand(self, text: str) -> str:
        text = normalize_text(text)
        for pattern, value in self.phrases:
            text = pattern.sub(value, text)
        out = []
        for token in text.split(" "):
            m = re.fullmatch(r"([,;:.()\-]*)(.*?)([,;:.()\-]*)", token)
            out.append(m.group(1) + self._expand_token(m.group(2)) + m.group(3) if m.group(2) else token)
        return " ".join(out)

    def _expand_token(self, token: str) -> str:
        if token in self.abbr:
            return self.abbr[token]
        if "-" in token.strip("-"):
            parts = token.split("-")
            if all(p in self.abbr for p in parts if p):
                return " - ".join(self.abbr[p] for p in parts if p)
        return token

    def key(self, text: str) -> str:
        folded = _fold(self.expand(text))
        words = re.findall(r"[^\W_]+", folded)
        return " ".join(w for w in words if w != "và")

    def strip_modifiers(self, key: str) -> str:
        for m in self.modifiers:
            mk = " ".join(w for w in m.split() if w != "và")
            if key.endswith(" " + mk):
                key = key[: -len(mk) - 1]
        return key


@functools.lru_cache(maxsize=1)
def _gaz() -> _Gazetteer:
    return _Gazetteer()


# ----------------------------------------------------------------------------- places

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
        phrase = _fold(g.level_abbr.get(raw, raw))
        if phrase not in g.level_words:
            continue
        if i + n < len(words) and phrase + " " + _fold(words[i + n]) in g.not_places:
            return None
        if i > 0 and _fold(words[i - 1]) + " " + phrase in g.not_places:
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
        folded = _fold(" ".join(words))
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
    folded = _fold(" ".join(words))
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
            elif _fold(words[j]) in g.group_markers and j + 1 < len(words) and _level_word_at(words, j + 1):
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
    if i > 0 and _fold(words[i - 1]) in g.group_markers:
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
            if any(a.level == "province" for a in g.by_name.get(_fold(name), ())):
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
    found = [a for a in _gaz().by_name.get(_fold(name), ()) if a.level in levels]
    if type_word:
        typed = [a for a in found if a.type == type_word]
        found = typed or found
    if not found:
        return None
    province = near.province_code if near else None

    def rank(a: _Admin) -> tuple[int, int, int]:
        return (0 if province and a.province_code == province else 1, eras.index(a.era),
                list(levels).index(a.level))
    found.sort(key=rank)
    best = found[0]
    # Same name in two provinces and nothing to choose between them: the place stays unknown.
    if len(found) > 1 and rank(found[1])[:2] == rank(best)[:2] and found[1].level == best.level:
        return None
    return best


# ----------------------------------------------------------------------------- context

@dataclass(frozen=True)
class _Context:
    issuer: _Unit | None
    admin: _Admin | None           # the issuer's administrative unit
    eras: tuple[str, str]


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


# ----------------------------------------------------------------------------- matching

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


def _fits(typ: _Type, ctx: _Context, spec: _Place | None, fixed_level: str | None) -> bool:
    """Whether a type can be attached in this context (used to choose between homonymous types)."""
    if typ.attach == "admin":
        levels = [fixed_level] if fixed_level else list(typ.levels)
        if spec:
            return any(lv in spec.levels for lv in levels)
        chain = _chain(ctx.admin)
        return not chain or any(a.level in levels for a in chain)
    if typ.attach == "body" and typ.parent_kinds:
        return ctx.issuer is not None and ctx.issuer.type.kind in typ.parent_kinds
    return True


def _make_unit(typ: _Type, admin: _Admin | None, spec: _Place | None, parent: _Unit | None,
               ctx: _Context, place_known: bool, level_hint: str | None = None) -> _Unit:
    g = _gaz()
    if typ.attach == "none":
        return _Unit(typ, typ.name, typ.id, typ.level or "central", None, True)
    if typ.attach == "admin":
        if spec and spec.group:
            level = next((lv for lv in typ.levels if lv in spec.levels), spec.levels[0])
            scope = None if spec.national or level == "province" else next(
                (a for a in _chain(ctx.admin) if a.level == "province"), None)
            name = f"{typ.name} {g.group_names[level]}" + (f" {scope.full}" if scope else "")
            scope_id = scope.id if scope else ("" if spec.national or level == "province" else _UNKNOWN)
            return _Unit(typ, name, f"{typ.id}@{scope_id}*{level}", level, scope, scope is not None or not scope_id)
        if admin is not None:
            return _Unit(typ, f"{typ.name} {admin.full}", f"{typ.id}@{admin.id}", admin.level, admin, True)
        level = level_hint or (spec.levels[0] if spec else (typ.levels[0] if typ.levels else "province"))
        word = spec.type_word if spec and spec.type_word else ""
        name = " ".join(x for x in (typ.name, word, spec.name if spec else None) if x)
        return _Unit(typ, name, f"{typ.id}@{_UNKNOWN}", level, None, False)
    # attach: body
    if parent is None:
        return _Unit(typ, typ.name, f"{typ.id}@{_UNKNOWN}", "internal", None, False)
    synonyms = typ.parent_synonyms.get(parent.level, {})
    if parent.type.id in synonyms and parent.admin is not None:
        parent = _make_unit(g.types[synonyms[parent.type.id]], parent.admin, None, None, ctx, True)
    level = "person" if typ.kind == "position" else "internal"
    return _Unit(typ, f"{typ.name} {parent.name}", f"{typ.id}@{parent.id}", level, parent.admin,
                 parent.place_known)


def _attach_admin(typ: _Type, spec: _Place | None, ctx: _Context, fixed_level: str | None) -> _Unit:
    levels = [fixed_level] if fixed_level else list(typ.levels)
    if spec and spec.levels:
        wanted = [lv for lv in levels if lv in spec.levels] or levels
    else:
        wanted = levels
    if spec and spec.group:
        return _make_unit(typ, None, spec, None, ctx, False)
    if spec and spec.name:
        admin = _find_admin(spec.name, wanted, spec.type_word, ctx.admin, ctx.eras)
        return _make_unit(typ, admin, spec, None, ctx, admin is not None, wanted[0])
    chain = _chain(ctx.admin)
    on_chain = [a for a in chain if a.level in wanted]
    if spec and spec.type_word:
        typed = [a for a in on_chain if a.type == spec.type_word]
        on_chain = typed or on_chain
    if on_chain:
        return _make_unit(typ, on_chain[0], spec, None, ctx, True)
    # The plan does not say which unit; name the level the mention (or the issuer) implies.
    hint = wanted[0]
    if ctx.issuer is not None and not spec and ctx.issuer.level in wanted:
        hint = ctx.issuer.level
    return _make_unit(typ, None, spec, None, ctx, False, hint)


def _back_reference(word_key: str, ctx: _Context) -> _Unit | None:
    kind = _gaz().back_refs.get(word_key)
    if kind is None or ctx.issuer is None:
        return None
    if kind == "any" or ctx.issuer.type.kind == kind:
        return ctx.issuer
    return None


_UNKNOWN_TYPE = _Type("unknown", "", "unknown", "none", (), None, (), {})


def _unknown_body(printed: str) -> _Unit:
    return _Unit(_UNKNOWN_TYPE, printed, _UNKNOWN, "internal", None, False)


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


def _attach(typ: _Type, spec: _Place | None, parent: _Unit | None, ctx: _Context, fixed: str | None) -> _Unit:
    if typ.attach == "admin":
        return _attach_admin(typ, spec, ctx, fixed)
    if typ.attach == "none":
        return _make_unit(typ, None, spec, None, ctx, True)
    if parent is None:
        if spec is not None:
            # A level word after a part of a body names the committee of that level ("CB, CC 1 cửa xã").
            parent = _attach_admin(_gaz().types["ubnd"], spec, ctx, None)
        elif not typ.parent_kinds or (ctx.issuer is not None and ctx.issuer.type.kind in typ.parent_kinds):
            parent = ctx.issuer
    return _make_unit(typ, None, None, parent, ctx, parent is not None and parent.place_known)


def _person(words: list[str], ctx: _Context, settings: UnitSettings) -> tuple[_Resolved, str] | None:
    """A position followed by a person's name: "Phó Giám đốc Trần Đông Phương An - Cá nhân phụ trách"."""
    g = _gaz()
    for i in range(len(words) - 1, 0, -1):
        head = [h for h in _match_core(" ".join(words[:i]), settings)
                if h[2] in ("exact", "alias") and g.types[h[0]].kind == "position"]
        if not head:
            continue
        name: list[str] = []
        if _fold(words[i]) in g.head_words:
            continue
        for w in words[i:]:
            if not _is_name_word(w) or _fold(w) in {m.split()[0] for m in g.person_markers}:
                break
            name.append(w)
        if len(name) >= 2:
            unit = _attach(g.types[head[0][0]], None, None, ctx, None)
            return _Resolved(unit, 100.0, head[0][2]), " ".join(name)
    return None


def _strip_person_marker(words: list[str]) -> tuple[list[str], bool]:
    g = _gaz()
    folded = _fold(" ".join(words))
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
    g = _gaz()
    words = _match_words(mention)
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
        name, uid = f"{name} {person_name}", f"{uid}#{_slug(person_name)}"
    if is_person or unit.type.kind == "position":
        level = "person"
    admin = unit.admin
    return UnitMention(
        mention=mention, unit_name=name, unit_type=unit.type.id, unit_id=uid, level=level,
        province_code=admin.province_code if admin else None,
        district_code=admin.district_code if admin else None,
        commune_code=admin.code if admin and admin.level == "commune" else None,
        score=round(resolved.score / 100, 4), method=resolved.method)


def _match_words(mention: str) -> list[str]:
    """Words of a mention that name its unit: a parenthetical ("Bộ Công an (Trung tâm Dữ liệu
    quốc gia)") only narrows it down and a locative ("… tại TTPVHCC tỉnh") says where it works."""
    g = _gaz()
    text = re.sub(r"\([^()]*\)", " ", _clean_cell(mention))
    words = [w.strip(".") or w for w in _WORD_RE.findall(g.expand(text))]
    words = [w for w in words if w not in ("-", "/")]
    for i, w in enumerate(words[1:], start=1):
        if _fold(w) in g.location_markers:
            return words[:i]
    return words


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# ----------------------------------------------------------------------------- splitting

_SEP_RE = re.compile(r"\s*[,;]\s*|\s+và\s+", re.I)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of known names and aliases that contain a separator ("CB, CC", "Khoa học và Công nghệ")."""
    folded = _fold(text)
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
    words = [w for w in _piece_words(text) if w != "các"]
    return bool(words) and _bare_prefix(words) > 0


def _resolvable(text: str, strict: bool = False) -> bool:
    core, _ = _split_place(_match_words(text))
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


def _split(cell: str) -> list[str]:
    text = _clean_cell(cell)
    if not text:
        return []
    spans = _protected_spans(text)
    cuts = [m for m in _SEP_RE.finditer(text)
            if not any(s < m.start() and m.end() < e for s, e in spans)]
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
        if merged and _is_level_only(piece) and merged[-1][2] in (",", "và"):
            merged[-1][1], merged[-1][2] = p[1], p[2]          # "VP UBND, xã", "UBND các phường, xã"
        elif merged and merged[-1][2] == "," and _is_bare(text[merged[-1][0]:merged[-1][1]]) \
                and (_is_bare(piece) or _starts_bare(piece)):
            merged[-1][1], merged[-1][2] = p[1], p[2]          # "CB, CC chuyên môn", "Các sở, ban, ngành"
        elif merged and merged[-1][2] == "và" and not (
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
    if not piece or _resolvable(piece, strict=True):
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


# ----------------------------------------------------------------------------- public entries

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

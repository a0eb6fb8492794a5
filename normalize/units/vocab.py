"""The gazetteer as the matcher reads it: unit types and their index of names and aliases, the
place and splitting vocabulary (gazetteer/unit_types.yaml), and the administrative units
(data/admin_units_*.csv.gz)."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pathlib import Path

from kehoach.gazetteer import ADMIN_UNIT_FILES, admin_units, cached_index, data_path, load_yaml
from kehoach import textutil
from kehoach.textutil import alternation

from .text import _lower_normalized, normalize_text


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


class _Gazetteer:
    def __init__(self) -> None:
        data = load_yaml("unit_types.yaml")
        places = data["places"]
        self.level_words: dict[str, tuple[str, ...]] = {
            _lower_normalized(k): tuple(v) for k, v in places["level_words"].items()}
        self.level_abbr = {k: v for k, v in places.get("level_abbreviations", {}).items()}
        self.group_markers = {_lower_normalized(w) for w in places["group_markers"]}
        self.not_places = {_lower_normalized(w) for w in places["not_places"]}
        self.group_names = places["group_names"]
        self.national_words = [_lower_normalized(w) for w in places.get("national_group_words", [])]
        self.level_body: str = places["level_body"]
        self.abbr: dict[str, str] = {str(k): v for k, v in data["abbreviations"].items()}
        self.phrases = [(re.compile(r"(?<!\w)" + re.escape(k) + r"(?!\w)", re.I), v)
                        for k, v in data.get("phrases", {}).items()]
        self.modifiers = sorted((_lower_normalized(m) for m in data.get("modifiers", [])), key=len, reverse=True)
        self.bare_heads = {_lower_normalized(w) for w in data["bare_heads"]}
        self.articles = {_lower_normalized(w) for w in data["articles"]}
        self.back_refs = {_lower_normalized(k): v for k, v in data["back_references"].items()}
        self.person_markers = sorted((_lower_normalized(w) for w in data["person_markers"]), key=len, reverse=True)
        # Cells are cut at commas, semicolons and conjunctions ("và"), except inside known names.
        self.conjunctions = {_lower_normalized(w) for w in data["conjunctions"]}
        words = alternation(data["conjunctions"])
        self.separator_re = re.compile(r"\s*[,;]\s*|\s+(?:" + words + r")\s+", re.I)
        self._protect_re = re.compile(r"[,;]|\s(?:" + words + r")\s")
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
        self.location_markers = [_lower_normalized(w) for w in data.get("location_markers", [])]
        self._load_admin()

    def _add(self, text: str, type_id: str, method: str, level: str | None) -> None:
        key = self.key(text)
        entries = self.index.setdefault(key, [])
        if all(e[0] != type_id for e in entries):
            entries.append((type_id, method, level))
        if self._protect_re.search(text):
            self.protected.add(_lower_normalized(text))

    def _load_admin(self) -> None:
        self.admin: dict[str, _Admin] = {}
        self.by_name: dict[str, list[_Admin]] = {}
        for era, r in admin_units():
            a = _Admin(r["id"], r["level"], r["name"], r["type"], r["parent_id"] or None,
                       r["province_code"] or None, r["district_code"] or None, r["code"], era)
            self.admin[a.id] = a
            self.by_name.setdefault(_lower_normalized(a.name), []).append(a)

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
        folded = _lower_normalized(self.expand(text))
        words = re.findall(r"[^\W_]+", folded)
        return " ".join(w for w in words if w not in self.conjunctions)

    def strip_modifiers(self, key: str) -> str:
        # TODO(perf): each modifier's key is rebuilt on every call; it could be computed once in __init__.
        for m in self.modifiers:
            mk = " ".join(w for w in m.split() if w not in self.conjunctions)
            if key.endswith(" " + mk):
                key = key[: -len(mk) - 1]
        return key


@functools.lru_cache(maxsize=1)
def _gaz() -> _Gazetteer:
    """Built once per data version and kept on disk (gazetteer.cached_index): reading ~15k
    administrative units and indexing them is most of a one-file run's start-up."""
    here = Path(__file__).resolve().parent
    sources = [data_path("unit_types.yaml"), *(data_path(f) for f in ADMIN_UNIT_FILES.values()),
               here / "vocab.py", here / "text.py", Path(textutil.__file__)]
    return cached_index("units-gazetteer", sources, _Gazetteer)

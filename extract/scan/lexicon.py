"""The closed set of Vietnamese syllables and two-syllable words that the post-OCR repair
checks its readings against: underthesea's word list (a dependency of the project) plus the
project's own vocabulary (gazetteer YAML files) and place names, read once per process.
"""
from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from dataclasses import dataclass, replace

from kehoach.textutil import fold
from pathlib import Path

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}   # huyền sắc ngã hỏi nặng
_HAS_NON_LETTER = re.compile(r"[\W\d_]")
# Vowel pairs whose tone mark has two accepted placements (hoá / hóa), marks included.
_OPEN_NUCLEUS = re.compile(r"[oòóỏõọ][aàáảãạeèéẻẽẹ]$|[uùúủũụ][yỳýỷỹỵ]$")


@dataclass(frozen=True)
class Lexicon:
    syllables: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    by_skeleton: dict[str, tuple[str, ...]]
    # Upper-case abbreviations of the project vocabulary (UBND, TTHC, DVC, BPMC …).
    acronyms: frozenset[str] = frozenset()
    # Words that a quarter's Roman numeral follows ("Quý III/2024").
    quarter_words: frozenset[str] = frozenset()
    # Endings a web address's host has (vn, com …).
    url_host_endings: frozenset[str] = frozenset()

    def is_syllable(self, s: str) -> bool:
        return s.lower() in self.syllables


def without_tone(s: str) -> str:
    """The syllable without its tone mark, đ as d: 'để' → 'dê', 'kế' → 'kê'."""
    d = unicodedata.normalize("NFD", s.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in d if ch not in _TONES)).replace("đ", "d")


def _tone_variants(syllable: str) -> set[str]:
    """Both tone placements of the open nuclei oa/oe/uy ('hoá' and 'hóa'): documents use either
    and both are correct, so neither may be 'repaired' into the other."""
    d = unicodedata.normalize("NFD", syllable)
    tone = next((ch for ch in d if ch in _TONES), None)
    if tone is None:
        return {syllable}
    bare = d.replace(tone, "")
    nfc_bare = unicodedata.normalize("NFC", bare)
    out = {syllable}
    m = re.search(r"(o[ae]|uy)$", nfc_bare)
    if m and not (nfc_bare.startswith("qu") and m.group(1) == "uy" and m.start() == 1):
        i = len(bare) - 2
        for pos in (i, i + 1):
            out.add(unicodedata.normalize("NFC", bare[:pos + 1] + tone + bare[pos + 1:]))
    return out


def _lexicon_sources() -> list[Path]:
    paths: list[Path] = []
    spec = importlib.util.find_spec("underthesea")
    if spec and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            p = Path(loc) / "corpus" / "data" / "Viet74K.txt"
            if p.exists():
                paths.append(p)
                break
    return paths


def _project_phrases() -> list[str]:
    """Every string of the gazetteer's YAML vocabularies: headers, unit types, deadline words.
    Read through the gazetteer's cached loader, which the other stages share."""
    try:
        from kehoach.gazetteer import data_path, load_yaml
    except ImportError:
        return []
    out: list[str] = []

    def walk(v) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for p in sorted(data_path("x").parent.glob("*.yaml")):
        try:
            walk(load_yaml(p.name))
        except Exception:          # a malformed vocabulary file must not stop OCR
            continue
    return out


def _place_names() -> list[str]:
    """'tỉnh Hà Tĩnh', 'xã Giang Điền': every administrative unit of the gazetteer with its
    type, so that a place name read a little unsure is a word, not two syllables to mend."""
    try:
        from kehoach.gazetteer import admin_units
        return [f"{r['type']} {r['name']}" for _era, r in admin_units()]
    except (ImportError, OSError, KeyError):
        return []


def build_lexicon(phrases: list[str]) -> Lexicon:
    syllables: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    variants: dict[str, set[str]] = {}

    def var(s: str) -> set[str]:
        v = variants.get(s)
        if v is None:
            v = variants[s] = _tone_variants(s) if _OPEN_NUCLEUS.search(s) else {s}
        return v

    split = re.compile(r"[^\w]+").split
    for phrase in phrases:
        parts = [p for p in split(phrase) if p and not _HAS_NON_LETTER.search(p)]
        for a, b in zip(parts, parts[1:]):
            for va in var(a):
                for vb in var(b):
                    pairs.add((va, vb))
        for p in parts:
            syllables.update(var(p))
    by_skel: dict[str, list[str]] = {}
    for s in syllables:
        by_skel.setdefault(fold(s), []).append(s)
    return Lexicon(frozenset(syllables), frozenset(pairs),
                   {k: tuple(sorted(v)) for k, v in by_skel.items()})


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon | None:
    phrases: list[str] = []
    for p in _lexicon_sources():
        phrases.extend(unicodedata.normalize("NFC", p.read_text(encoding="utf-8").lower()).splitlines())
    if not phrases:
        return None
    project = [unicodedata.normalize("NFC", s) for s in _project_phrases()]
    phrases.extend(s.lower() for s in project)
    phrases.extend(unicodedata.normalize("NFC", s).lower() for s in _place_names())
    lex = build_lexicon(phrases)
    # Abbreviations: upper-case words of the project vocabulary that cannot be a syllable.
    acronyms = {t for s in project for t in _WORD.findall(s)
                if t.isupper() and not SYLLABLE_SHAPE.match(fold(t))}
    quarter, hosts = _vocab_words()
    return replace(lex, acronyms=frozenset(acronyms), quarter_words=quarter,
                   url_host_endings=hosts)


_WORD = re.compile(r"[^\W\d_]{2,}")
# The shape of a Vietnamese syllable without its marks: onset, vowels, coda.
SYLLABLE_SHAPE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}"
    r"(?:ng|nh|ch|[cmnpt])?$")


def _vocab_words() -> tuple[frozenset[str], frozenset[str]]:
    try:
        from kehoach.gazetteer import load_yaml
        quarter = load_yaml("deadline_vocab.yaml")["calendar"]["quarter"]
        hosts = load_yaml("ocr_vocab.yaml")["url_host_endings"]
    except (ImportError, OSError, KeyError):
        return frozenset(), frozenset()
    return frozenset(q.lower() for q in quarter), frozenset(h.lower() for h in hosts)

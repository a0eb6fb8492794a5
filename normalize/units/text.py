"""Text normalization before matching: NFC, modern tone placement, plain dashes, single spaces.

The tone-placement rule's vowels are data (unit_types.yaml, `spelling`)."""
from __future__ import annotations

import functools
import re
import unicodedata

from kehoach.gazetteer import load_yaml

_TONES = "\u0300\u0301\u0309\u0303\u0323"          # huyền, sắc, hỏi, ngã, nặng
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")


def _tone_fix_table(spelling: dict) -> tuple[re.Pattern[str], dict[str, str]]:
    """Old-style tone placement on the second vowel of oa/oe/uy ('hoá', 'thuỷ') -> 'hóa', 'thủy'."""
    swap = {}
    for first, second in spelling["old_tone_nuclei"]:
        for case in (str.lower, str.upper):
            f, s = case(first), case(second)
            for tone in _TONES:
                old = f + unicodedata.normalize("NFC", s + tone)
                swap[old] = unicodedata.normalize("NFC", f + tone) + s
                swap[f.upper() + old[1:]] = unicodedata.normalize("NFC", f.upper() + tone) + s
    # Only at the end of a syllable ('hoàn' keeps its mark) and not after q ('quý' is right).
    after = "".join(c.lower() + c.upper() for c in spelling["not_after"])
    pattern = re.compile(r"(?<![" + after + r"])(" + "|".join(map(re.escape, swap)) + r")(?![^\W\d_])")
    return pattern, swap


_TONE_RE, _TONE_SWAP = _tone_fix_table(load_yaml("unit_types.yaml")["spelling"])


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
def _lower_normalized(text: str) -> str:
    """normalize_text in lower case, marks kept: the form vocabulary is compared in."""
    return normalize_text(text).lower()

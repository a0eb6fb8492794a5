"""Text helpers every stage shares: folding for comparison and vocabulary alternations."""
from __future__ import annotations

import re
import unicodedata


def strip_marks(text: str) -> str:
    """Letters without tone or vowel marks, đ as d, case kept: 'Đồng Nai' → 'Dong Nai'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The form two spellings are compared in: no marks, lower case ('CÔNG HOÀ' ~ 'Cộng hòa')."""
    return strip_marks(text).lower()


def slug(text: str) -> str:
    """A code made of a name: 'Sở Nội vụ' → 'so-noi-vu'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def alternation(phrases) -> str:
    """A regex alternation of vocabulary phrases, longest first (so 'Nghị định' wins over
    'Nghị'; ties in a fixed order, so the pattern is the same on every run), each space matching any run of white space."""
    ordered = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)

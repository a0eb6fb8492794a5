"""Text helpers of the recovery: comparing header text, measuring cells, joining cut cells."""
from __future__ import annotations

import re
import unicodedata

# --- text helpers -----------------------------------------------------------------------

def _norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s or "").lower()
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    s = re.sub(r"\(\*+\)|\*", "", s)
    s = re.sub(r"\s+", " ", s).strip(" :.;")
    return s


def _uppercase_share(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _words(s: str) -> int:
    return len(s.split())


def join_fragments(a: str, b: str) -> tuple[str, bool]:
    """Join the two parts of a cell cut by a page break with one space. A part that repeats
    the other's edge is an extraction duplicate ("Thường xuyên" + "xuyên", "Văn phòng" +
    "Văn phòng HĐND-UBND huyện") and is dropped. Returns (text, whether a duplicate was dropped)."""
    if not a:
        return b, False
    if not b:
        return a, False
    wa, wb = a.split(), b.split()
    if len(wb) <= len(wa) and wa[-len(wb):] == wb:
        return a, True
    if len(wa) <= len(wb) and wb[:len(wa)] == wa:
        return b, True
    return f"{a} {b}", False

"""The one grammar of row labels ("1", "1.2.", "II", "A.", "a)", "3)") and the numbering that
orders them, shared by every reader and by the recovery.

Plans number their tasks in a handful of styles. What differs between readers is only how
strict they may be: a cell of a ruled table may hold a bare letter ("A"), a line of borderless
text may not (a bare capital starts many sentences), and OCR reads lower-case Roman numerals
and long digit runs that print never has. Those are the named variants below, built from the
same parts, so that a new style is added in one place.
"""
from __future__ import annotations

import re
import unicodedata

# The parts of a label, as regex fragments.
_NUMBERED = r"\d+(?:\.\d+)*\.?"               # 1  1.  1.2  1.2.
_ROMAN_LETTERS = r"[IVXLC]+\.?"                 # II  II.  (validated by ROMAN where it matters)
_ROMAN_NUMBERED = r"[IVXLC]+(?:\.\d+)+\.?"       # III.1  II.2.3  (a part's items under its Roman heading)
_CAPITAL = r"[A-ZĐ]"                            # A  Đ
_LOWER_PAREN = r"[a-zđ]\)"                      # a)
_NUMBER_PAREN = r"\d+\)"                        # 3)
# A step of a procedure table: "Bước 1", "Bước 2.1", "B1" (matched with white space removed).
_STEP = r"(?:[Bb]ước\s*|B)\d+(?:\.\d+)*\.?"          # Bước1  B1  B2.1


def _grammar(*parts: str) -> re.Pattern:
    return re.compile(r"^(?:" + "|".join(parts) + r")$")


# A label in its own cell of a table: a bare capital is a group letter.
CELL_LABEL = _grammar(_NUMBERED, _ROMAN_NUMBERED, _ROMAN_LETTERS, _CAPITAL + r"\.?", _LOWER_PAREN, _NUMBER_PAREN, _STEP)
# A label at the start of a borderless line: a capital must carry its dot.
LINE_LABEL = _grammar(_NUMBERED, _ROMAN_LETTERS, _CAPITAL + r"\.", _LOWER_PAREN, _NUMBER_PAREN)
# A label in a crawled markdown cell (crawls never print "3)" in the number column).
MARKDOWN_LABEL = _grammar(_NUMBERED, _ROMAN_NUMBERED, _ROMAN_LETTERS, _CAPITAL + r"\.?", _LOWER_PAREN, _STEP)
# A label as OCR reads it: short digit runs, Roman numerals in either case ("ii" for "II"),
# a lower-case letter with its dot or parenthesis.
OCR_LABEL = _grammar(r"[0-9]{1,3}(?:\.[0-9]{1,3})*\.?", r"[IVXLivxl]{1,6}\.?", r"[a-zđ][.)]")
# A heading's label inside running text: "1. ", "2.1. ", "II. ", "b) ", "B. ", "Điều 10. ",
# followed by a capital; "3.000" or "năm 2025." are no labels.
HEADING_IN_TEXT = re.compile(r"(?:^|(?<=\s))((?:Điều\s+\d+|\d{1,2}(?:\.\d{1,2})*|[IVXL]+|[A-ZĐ])\.|[a-zđ]\))"
                             r"\s+(?=[A-ZÀ-ỸĐ])")
# A label at the start of a group row's text: "II. TÊN NHÓM", "1) Nội dung".
LABEL_IN_TEXT = re.compile(r"^\s*((?:[IVXLC]+|[A-ZĐ]|\d+(?:\.\d+)*))[.)]\s+(\S.*)$")

# A well-formed Roman numeral (not just its letters): "IV" yes, "IIII" and "VX" no.
ROMAN = re.compile(r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def is_label(text: str, grammar: re.Pattern = CELL_LABEL) -> bool:
    """Whether text (white space ignored) is a row label in the given variant."""
    return bool(text) and bool(grammar.match(re.sub(r"\s+", "", text)))


_STEP_WORD = re.compile(r"^([Bb]ước)\s*(\d.*)$")


def clean_label(text: str) -> str:
    """The label as the datasets keep it: no white space, no trailing dot; a step keeps its
    word apart from its number as printed in full ("Bước 1"; "B1" stays one token)."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFC", text or "")).rstrip(".")
    m = _STEP_WORD.match(s)
    return f"{m.group(1)} {m.group(2)}" if m else s


def is_roman_numbered(label: str) -> bool:
    """An item numbered under a Roman part: "III.1", "II.2.3"."""
    return bool(re.fullmatch(_ROMAN_NUMBERED, label))


def is_roman_or_letter(label: str) -> bool:
    """A top-level group label: a Roman numeral or a single capital."""
    return bool(ROMAN.match(label)) or bool(re.fullmatch(r"[A-ZĐ]", label))


def depth(label: str) -> int:
    """0 for a group label (II, A), else the number of its numbered parts (1.2 → 2)."""
    if is_roman_or_letter(label):
        return 0
    return len([p for p in label.split(".") if p])


def roman_value(s: str) -> int | None:
    """The value of a Roman numeral up to L, in either case; None when s is not one."""
    s = s.upper()
    if not s or any(c not in _ROMAN_VALUES for c in s):
        return None
    total, prev = 0, 0
    for c in reversed(s):
        v = _ROMAN_VALUES[c]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total if to_roman(total) == s else None


def to_roman(n: int) -> str:
    out = ""
    for v, sym in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += sym
            n -= v
    return out


# --- the numbering: a label as (kind, parts, tail), and what may follow it -------------------
# ('num', (1, 2), '.') for '1.2.', ('roman', (2,), '') for 'II'. Three digits a part and six
# Roman letters are more than any plan numbers; beyond them a reading is a misreading.

LabelKey = tuple[str, tuple[int, ...], str]

_NUMBER_KEY = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,3})*)(\.?)")
_ROMAN_KEY = re.compile(r"([IVXL]{1,6})(\.?)")


def label_key(label: str) -> LabelKey | None:
    """The label's place in a numbering: ('num', (1, 2), '.') for '1.2.', ('roman', (2,), '')
    for 'II'; None for anything else (letters, 'a)', words)."""
    m = _NUMBER_KEY.fullmatch(label)
    if m:
        return "num", tuple(int(x) for x in m.group(1).split(".")), m.group(2)
    m = _ROMAN_KEY.fullmatch(label)
    if m and roman_value(m.group(1)):
        return "roman", (roman_value(m.group(1)),), m.group(2)
    return None


def format_label(kind: str, parts: tuple[int, ...], tail: str) -> str:
    """label_key's inverse: ('num', (1, 2), '.') → '1.2.'."""
    if kind == "roman":
        return to_roman(parts[0]) + tail
    return ".".join(str(p) for p in parts) + tail


def successors(key: LabelKey) -> list[LabelKey]:
    """Labels that may follow key in a plan's numbering: its next sibling, its first child,
    and the next item of any level above it."""
    kind, parts, tail = key
    out = [(kind, parts[:-1] + (parts[-1] + 1,), tail)]
    if kind == "num":
        out.append((kind, parts + (1,), ""))
        for k in range(1, len(parts)):
            out.append((kind, parts[:k - 1] + (parts[k - 1] + 1,), "."))
            out.append((kind, parts[:k - 1] + (parts[k - 1] + 1,), ""))
    return out


def follows(prev: LabelKey, cur: LabelKey, steps: int = 1) -> bool:
    """cur can come after prev in a numbering, with steps-1 labels left out between them
    (the tail, a dot or none, is no part of the order)."""
    frontier = {prev}
    for _ in range(steps):
        frontier = {s for f in frontier for s in successors(f)}
        if (cur[0], cur[1]) in {(s[0], s[1]) for s in frontier}:
            return True
    return False

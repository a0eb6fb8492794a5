"""Settings of the table recovery and the contract fields it fills."""
from __future__ import annotations

from dataclasses import dataclass

DATA_FIELDS = ("objective", "task", "output", "lead", "support", "deadline", "basis")


@dataclass(frozen=True)
class RecoverSettings:
    # A shifted alignment must beat the cells-as-printed reading by this much evidence.
    identity_prior: float = 0.75
    # Merges of the Mục tiêu | Nhiệm vụ pair are the usual cause of a shift in two-level tables.
    content_merge_prior: float = 0.5
    max_shift: int = 2
    # Readers that lay cells by position only (text, crawled markdown) lose the merged cells
    # that shift a row's cells left; grid readers (PDF rulings, DOCX, scans) place every
    # cell in its column and report merges, so their rows are never shifted.
    positional: bool = True
    # A short crawled row tries every placement of its cells up to this many (a 9-column
    # header with 4 cells printed has 126).
    max_placements: int = 252
    max_header_words: int = 14
    # a text block right above a table is its caption when no longer than this
    max_heading_words: int = 60
    # how many text blocks above a table are searched for the one that reads as its heading
    heading_blocks: int = 3
    long_text_words: int = 12
    # A numbering gap up to this long lists every missing number in its finding; a longer one
    # (a misprint such as 99999999999 after 2) is named as a range.
    max_listed_gap: int = 50



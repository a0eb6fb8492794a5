"""The unit resolver's tunable settings."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class UnitSettings:
    fuzzy_threshold: float = 86.0      # rapidfuzz score (0-100) a fuzzy match needs
    margin: float = 5.0                # lead of the best type over the runner-up type
    candidate_cutoff: float = 50.0     # below this a candidate is not worth listing
    # Short keys ("phòng vhtt" / "phòng htqt") score high on one or two letters; ask more of them.
    short_key_length: int = 14
    short_key_threshold: float = 96.0
    era_cutover: dt.date = dt.date(2025, 7, 1)   # the administrative reorganization
    # Longest mention (in words, abbreviations expanded) that is looked up as a unit name. The
    # longest official names run to about 25 words; a longer piece is run-on text, and the
    # place and head searches over it are quadratic in its length, so it is left unmatched.
    max_mention_words: int = 40


SETTINGS = UnitSettings()

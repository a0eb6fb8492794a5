"""Unit mentions in lead/support cells -> gazetteer units with full official names.

A cell such as "VP UBND, CC VHXH xã, CB, CC chuyên môn" is split into mentions (split.py), each
mention's abbreviations are expanded (gazetteer/unit_types.yaml, vocab.py), its trailing place
("xã", "huyện Trảng Bom", "các phường, xã") is separated from its core (places.py), the core is
matched to a unit type (exact name, alias, or rapidfuzz with a margin over the runner-up; match.py),
and the type is attached to its parent (attach.py): an administrative unit
(data/admin_units_*.csv.gz), another body printed after it ("Văn phòng UBND tỉnh"), or the issuing
body. Places are resolved against the issuer's own chain of units (resolve.py), so "VP UBND xã" in
xã Giang Điền's plan is that commune's office and "Phòng Văn hóa và Thông tin" is its district's.

Ids compose: `<type>@<parent>`, the parent being an admin id (`c26293`, `2025:p75`), another unit
id, `<admin>*<level>` for every unit of a level, or `?` when the plan does not say where it is.
"""
from __future__ import annotations

from .match import _match_core
from .resolve import _context, _resolve_cached, candidates, resolve_mention, resolve_units
from .settings import SETTINGS, UnitSettings
from .split import _split_cached, split_mentions
from .text import _lower_normalized, normalize_text
from .vocab import _gaz

__all__ = ["UnitSettings", "split_mentions", "resolve_units", "resolve_mention", "candidates", "normalize_text"]

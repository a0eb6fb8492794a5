"""Timing of unit resolution over real mentions: `python -m kehoach.bench.units [N]`.

Mentions come from the lead/support cells of the seed plans' gold tables and, when shared/ is
beside the repository, from the task tables of the real plans in shared/corpus-real (TVPL markdown
exports). They are cycled up to N, so the figure includes the caches' effect on repeated cells, as
in a real archive; `cold_unique_seconds` is the first pass over the distinct cells with caches empty.
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from kehoach.bench._common import REPO
from kehoach.eval._common import gold_files
from kehoach.normalize import units

SHARED = REPO.parent / "shared"

# Issuer and place of each real plan (from shared/corpus-real/MANIFEST.md and the plans' headers).
REAL_ISSUERS = {
    "tvpl-kh179-dongnai-ktso.md": ("UBND tỉnh Đồng Nai", None),
    "tvpl-qd2820-hcm-kh-trienkhai.md": ("UBND Thành phố Hồ Chí Minh", None),
    "tvpl-kh617-dongthap-cds-dn.md": ("UBND tỉnh Đồng Tháp", None),
    "tvpl-kh310-hanoi-5g-iot.md": ("UBND thành phố Hà Nội", None),
    "tvpl-kh980-nghean-qd1899.md": ("UBND tỉnh Nghệ An", None),
    "tvpl-kh552-dongthap-doimoicn.md": ("UBND tỉnh Đồng Tháp", None),
    "tvpl-kh144-bacninh-ktso.md": ("UBND tỉnh Bắc Ninh", None),
    "tvpl-qd2629-ttg-chinhphuso.md": ("Thủ tướng Chính phủ", None),
    "tvpl-tb624-vpcp-ketluan.md": ("Văn phòng Chính phủ", None),
    "tvpl-qd2022-caobang-tthc-qtnb.md": ("UBND tỉnh Cao Bằng", None),
}
# The real plans above were all issued after the July 2025 reorganization.
REAL_ISSUED = "2025-11-15"

_UNIT_COLUMN = re.compile(r"chủ trì|phối hợp|đơn vị thực hiện|cơ quan thực hiện|trách nhiệm thực hiện", re.I)


def _md_items(text: str) -> list[str]:
    """TVPL table layout: cells on their own lines, separated by lines holding only '|'."""
    items, cell = [], []
    for line in text.splitlines():
        s = line.strip()
        if s == "|":
            items.append(" ".join(cell))
            cell = []
        elif s:
            cell.append(s)
    items.append(" ".join(cell))
    return items


def _bold(item: str) -> bool:
    return item.startswith("**") and item.endswith("**")


def md_unit_cells(path: Path) -> list[tuple[str, str]]:
    """(column header, cell) for every unit column of every task table in a TVPL markdown export.

    Rows are told apart by the empty item between them; a row with the wrong number of cells
    (merged section rows, page furniture) is skipped, which loses a few cells but never invents one."""
    items = _md_items(path.read_text(encoding="utf-8"))
    headers, k = [], 0
    while k < len(items):
        if _bold(items[k]):
            e = k
            while e < len(items) and _bold(items[e]):
                e += 1
            header = [h.replace("*", "").strip() for h in items[k:e]]
            if e - k >= 3 and any(_UNIT_COLUMN.search(h) for h in header):
                headers.append((k, e, header))
            k = e
        else:
            k += 1
    out = []
    for idx, (_, e, header) in enumerate(headers):
        end = headers[idx + 1][0] if idx + 1 < len(headers) else len(items)
        cols = [c for c, h in enumerate(header) if _UNIT_COLUMN.search(h)]
        row: list[str] = []

        def flush() -> None:
            if len(row) == len(header):
                for c in cols:
                    value = row[c].replace("*", "").strip()
                    if value and len(value) < 300:
                        out.append((header[c], value))
        for item in items[e + 1:end]:
            if item == "" and (len(row) >= len(header) or 0 < len(row) <= 2):
                flush()
                row = []
            else:
                row.append(item)
        flush()
    return out


def real_cells(shared: Path = SHARED) -> list[tuple[str, str | None, str, str]]:
    """(cell, place, issuer, source) for the seeds' gold cells and, when present, corpus-real cells."""
    out = []
    for stem, g in gold_files(REPO / "corpus" / "gold", "units").items():
        out += [(c["text"], g.get("place"), g.get("issuer"), stem) for c in g["cells"] if c["text"]]
    corpus = shared / "corpus-real"
    for name, (issuer, place) in REAL_ISSUERS.items():
        if (corpus / name).exists():
            out += [(cell, place, issuer, name) for _, cell in md_unit_cells(corpus / name)]
    return out


def _clear_caches() -> None:
    for fn in (units._resolve_cached, units._match_core, units._context, units._split_cached,
               units._lower_normalized):
        fn.cache_clear()


def bench(n: int = 10000) -> dict:
    import datetime as dt
    issued = dt.date.fromisoformat(REAL_ISSUED)
    cells = real_cells()
    mentions = []
    for cell, place, issuer, source in cells:
        when = issued if source in REAL_ISSUERS else None
        mentions += [(m, issuer, place, when) for m in units.split_mentions(cell)]
    distinct = list(dict.fromkeys(mentions))
    units._gaz()                               # data loading is timed separately
    _clear_caches()
    t0 = time.perf_counter()
    for m, issuer, place, when in distinct:
        units.resolve_mention(m, issuer=issuer, place=place, issued=when)
    cold = time.perf_counter() - t0
    _clear_caches()
    stream = [mentions[i % len(mentions)] for i in range(n)]
    t0 = time.perf_counter()
    unmatched = 0
    for m, issuer, place, when in stream:
        unmatched += units.resolve_mention(m, issuer=issuer, place=place, issued=when).method == "unmatched"
    total = time.perf_counter() - t0
    _clear_caches()
    t0 = time.perf_counter()
    for cell, place, issuer, _ in cells:
        units.split_mentions(cell)
    split_seconds = time.perf_counter() - t0
    return {"mentions": n, "seconds": round(total, 3), "per_mention_ms": round(1000 * total / n, 4),
            "distinct_mentions": len(distinct), "cold_unique_seconds": round(cold, 3),
            "cold_per_mention_ms": round(1000 * cold / max(len(distinct), 1), 3),
            "cells": len(cells), "split_seconds_all_cells": round(split_seconds, 3),
            "unmatched_share": round(unmatched / n, 4)}


if __name__ == "__main__":
    print(json.dumps(bench(int(sys.argv[1]) if len(sys.argv) > 1 else 10000), indent=1))

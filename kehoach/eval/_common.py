"""What every eval does: read the gold files and the Parquet datasets, and match an output
document to its gold by stem (the gold's file stem starts the input's file name, e.g.
`000_dbb53274ea895b03` for `000_dbb53274ea895b03.portrait.pdf`; corpus/gold/README.md)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable


def gold_files(gold_dir: Path, kind: str, *, flat: bool = False) -> dict[str, dict]:
    """{stem: gold} of gold_dir/<kind>/*.json; with `flat`, of gold_dir itself when it has no
    <kind> folder (the folder of one kind given directly)."""
    folder = Path(gold_dir) / kind
    if flat and not folder.is_dir():
        folder = Path(gold_dir)
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def read_dataset(out_dir: Path, name: str) -> list[dict[str, Any]]:
    """Every row of the dataset `name` that `kehoach ingest` wrote to out_dir (hive partitions
    allowed); none when it is absent."""
    folder = Path(out_dir) / name
    if not folder.exists():
        return []
    import pyarrow.dataset as ds
    return ds.dataset(str(folder), format="parquet", partitioning="hive").to_table().to_pylist()


def stem_of(source: str | Path | None, stems: Iterable[str]) -> str | None:
    """The gold stem that starts the file name of `source` (the longest, should stems nest)."""
    name = Path(source or "").name
    hits = [s for s in stems if name.startswith(s)]
    return max(hits, key=len) if hits else None


def rows_by_source(rows: Iterable[dict]) -> dict[str, list[dict]]:
    """Rows grouped by their `source`, in the order sources first appear."""
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(str(r.get("source") or ""), []).append(r)
    return out


def by_source(rows: Iterable[dict], stems: Iterable[str]) -> dict[str, tuple[str, list[dict]]]:
    """{source: (gold stem, rows)} for the sources some gold stem names; the others are left out."""
    stems = list(stems)
    out = {}
    for src, group in rows_by_source(rows).items():
        stem = stem_of(src, stems)
        if stem is not None:
            out[src] = (stem, group)
    return out


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

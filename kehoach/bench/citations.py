"""Throughput of the citation parser (find_citations + resolve_citations) over text files.

    python -m kehoach.bench.citations /work/shared/corpus-real/*.md corpus/seeds/*.txt

The target is at least 5 MB/s of UTF-8 text. Files are read before timing; the vocabulary is
loaded by a warm-up call, so the figure is the steady-state cost per document.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Iterable

from kehoach.normalize.citations import find_citations, resolve_citations


def bench(paths: Iterable[str | Path], *, repeat: int = 3) -> dict:
    """Best-of-`repeat` throughput over the given text files: MB/s, bytes, citations, seconds."""
    texts = [Path(p).read_text(encoding="utf-8", errors="replace") for p in paths]
    size = sum(len(t.encode("utf-8")) for t in texts)
    resolve_citations(find_citations("Nghị định số 45/2020/NĐ-CP ngày 08/4/2020"))
    best, best_cpu, count = float("inf"), float("inf"), 0
    for _ in range(max(1, repeat)):
        t0, c0 = time.perf_counter(), time.process_time()
        count = sum(len(resolve_citations(find_citations(t))) for t in texts)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)

    def rate(sec: float) -> float:
        return round(size / 1e6 / sec, 2) if sec > 0 else float("inf")

    # Wall-clock and CPU-time rates: on a shared machine the CPU figure is the stable one.
    return {"files": len(texts), "bytes": size, "citations": count, "seconds": round(best, 4),
            "mb_per_s": rate(best), "mb_per_s_cpu": rate(best_cpu)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    print(json.dumps(bench(a.paths, repeat=a.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Archive ingest at scale: `python -m kehoach.bench.archive [N] [--keep DIR]`.

Makes a synthetic archive of N distinct plans (default 10000) from the seed plans (text): each
copy gets a line naming its number, so every file's bytes and doc_id differ while its tables stay
those of a real plan. It is ingested with --jobs 1 and --jobs 2 into fresh folders, then ingested
again unchanged. Prints one JSON object: files/s per job count, the scaling ratio, the unchanged
re-ingest time per 1000 files, and peak memory (this process's RSS, which holds the serial runner's
work; worker processes report their own through the Outcomes).
"""
from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kehoach.bench._common import REPO


def make_archive(folder: Path, n: int) -> list[Path]:
    seeds = sorted((REPO / "corpus" / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    out = []
    for i in range(n):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"plan_{i:06d}.txt"
        # the marker goes last: the header and the tables read as in the seed
        path.write_text(texts[i % len(texts)] + f"\nBản số {i}.\n", encoding="utf-8")
        out.append(path)
    return out


def run(n: int = 10_000, keep: Path | None = None) -> dict:
    from kehoach.pipeline import ingest
    work = Path(tempfile.mkdtemp(prefix="kehoach-bench-archive-"))
    try:
        src = work / "plans"
        make_archive(src, n)
        figures: dict = {"files": n}
        for jobs in (1, 2):
            out = work / f"out-{jobs}"
            t0 = time.perf_counter()
            res = ingest([str(src)], out, jobs=jobs)
            dt = time.perf_counter() - t0
            figures[f"jobs{jobs}_seconds"] = round(dt, 2)
            figures[f"jobs{jobs}_files_per_s"] = round(res.read / dt, 1)
            figures[f"jobs{jobs}_failed"] = len(res.failed)
        figures["scaling_2_over_1"] = round(figures["jobs2_files_per_s"] / figures["jobs1_files_per_s"], 2)
        t0 = time.perf_counter()
        res = ingest([str(src)], work / "out-1")
        dt = time.perf_counter() - t0
        figures["reingest_read"] = res.read
        figures["reingest_seconds_per_1000"] = round(1000 * dt / n, 3)
        figures["parquet_files"] = sum(1 for _ in (work / "out-1").glob("*/*.parquet"))
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        if keep:
            shutil.copytree(work / "out-1", keep, dirs_exist_ok=True)
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> None:
    keep = None
    if "--keep" in argv:
        i = argv.index("--keep")
        keep = Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    n = int(argv[0]) if argv else 10_000
    print(json.dumps(run(n, keep), indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Benchmark of parallel ingestion: files per second through kehoach.runner with --jobs 1 and
--jobs 2 (and more if asked), the scaling ratio, the peak resident memory of a worker, and the
Dask engine on a LocalCluster beside them, all on the same files in one run.

    python -m kehoach.bench.parallel                 # corpus/seeds + corpus/rendered, twice over
    python -m kehoach.bench.parallel --repeat 4      # more files
    python -m kehoach.bench.parallel --jobs 1 2 --no-dask
    python -m kehoach.bench.parallel a.pdf b.docx    # these files

Each run starts its own workers (their start-up is in its time, as in an ingest), after one
warm-up file has started the fork server. Rows are built but not written, so the figure is the
runner's and the pipeline's, not the disk's. Not a test.
"""
from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from pathlib import Path

from kehoach.bench._common import REPO


@dataclass(frozen=True)
class Result:
    engine: str
    workers: int
    files: int
    failed: int
    wall: float
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.files / self.wall if self.wall else 0.0


def default_files() -> list[Path]:
    return sorted((REPO / "corpus" / "seeds").glob("*.txt")) + sorted(
        p for p in (REPO / "corpus" / "rendered").iterdir() if p.suffix in (".pdf", ".docx"))


def measure(files: list[Path], repeat: int, engine: str, workers: int) -> Result:
    from kehoach.runner import Job, run
    from kehoach.settings import Settings
    # the same file under several sources: each a job of its own, as copies in an archive are
    jobs = [Job(path=str(p), source=f"{i}/{p.name}", size=p.stat().st_size)
            for i in range(repeat) for p in files]
    settings = Settings().override({"run.engine": engine})
    t0 = time.perf_counter()
    outs = list(run(jobs, settings, workers=workers))
    wall = time.perf_counter() - t0
    return Result(engine, workers, len(outs), sum(o.status == "failed" for o in outs), wall,
                  max((o.peak_rss_mb or 0.0) for o in outs))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kehoach.bench.parallel", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=2, help="how many times each file is read (default 2)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker counts to compare (default 1 2)")
    ap.add_argument("--no-dask", action="store_true", help="leave the Dask LocalCluster out")
    args = ap.parse_args(argv)
    files = args.files or default_files()
    from kehoach.runner import Job, run
    list(run([Job(str(files[0]), "warm-up")], workers=1))   # start the fork server once
    # other work on the machine takes cores from the workers: say how busy it was
    print(f"{len(files)} files × {args.repeat} on {len(os.sched_getaffinity(0))} cores, "
          f"load average {os.getloadavg()[0]:.1f} before")
    results = [measure(files, args.repeat, "local", n) for n in args.jobs]
    if not args.no_dask:
        try:
            import distributed  # noqa: F401
            results.append(measure(files, args.repeat, "dask", max(args.jobs)))
        except ImportError:
            print("dask: not installed (pip install 'kehoach[dask]')")
    print(f"load average {os.getloadavg()[0]:.1f} after")
    base = results[0]
    print(f"{'engine':<8} {'workers':>7} {'files':>6} {'failed':>6} {'wall s':>8} {'files/s':>8} "
          f"{'× jobs ' + str(base.workers):>10} {'peak RSS/worker MB':>19}")
    for r in results:
        print(f"{r.engine:<8} {r.workers:>7} {r.files:>6} {r.failed:>6} {r.wall:8.2f} {r.rate:8.2f} "
              f"{r.rate / base.rate:10.2f} {r.peak_rss_mb:19.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

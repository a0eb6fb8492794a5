"""Running the per-file work: Jobs in, Outcomes out (the interface of issue 14).

This is the minimal serial runner: every job in this process, one after the other, with no
time or memory limit, so the archive (kehoach.archive) and its tests run. The parallel runner
with worker processes and per-file limits replaces this module with the same signatures.
"""
from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator


@dataclass(frozen=True)
class Job:
    path: str          # absolute path to open
    source: str        # the source string for the rows (relative to the folder given)
    size: int = 0      # bytes, for progress/ETA (0 when unknown)


@dataclass(frozen=True)
class Outcome:
    job: Job
    records: dict[str, list[dict]]   # kehoach.datasets.records(ex, path): always present
    status: str                       # "ok" | "partial" | "failed"
    error: str | None
    error_kind: str | None
    n_tasks: int
    pages: int
    seconds: float
    peak_rss_mb: float | None


def run(jobs: Iterable[Job], settings, *, workers: int = 1,
        on_event: Callable[[dict], None] | None = None) -> Iterator[Outcome]:
    """One Outcome per job, in order (serial: `workers` is accepted and ignored)."""
    from kehoach.datasets import records
    from kehoach.pipeline import extract
    for job in jobs:
        if on_event:
            on_event({"event": "start", "source": job.source, "size": job.size})
        t0 = time.perf_counter()
        ex = extract(Path(job.path), job.source, settings)
        recs = records(ex, Path(job.path))
        pages = recs["documents"][0].get("pages") or 0
        outcome = Outcome(job=job, records=recs, status=ex.status, error=ex.error, error_kind=ex.error_kind,
                          n_tasks=len(ex.tasks), pages=pages, seconds=time.perf_counter() - t0,
                          # ru_maxrss is KiB on Linux: the process's peak so far, not this file's alone
                          peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if on_event:
            on_event({"event": "done", "outcome": outcome})
        yield outcome

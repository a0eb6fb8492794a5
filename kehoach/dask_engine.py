"""The Dask engine: the runner's per-file work (kehoach.runner.dask_task) as Dask tasks.

For an archive larger than one machine: `kehoach ingest --engine dask --scheduler tcp://…`, or a
LocalCluster of `jobs` single-threaded worker processes when no scheduler is given. Dask is an
extra (`pip install kehoach[dask]`); the local engine never imports it.

Limits here are Dask's: each worker's nanny restarts a worker above run.memory_mb, and a file
that kills its worker (native crash, memory) fails as `worker_crashed` after one retry instead of
Dask's default three. A per-file wall-time limit is not enforced on Dask (a task cannot be killed
without its worker); the rows come back to this process, which writes them.
"""
from __future__ import annotations

import os
import time
from typing import Callable, Iterable, Iterator

from kehoach.runner import Job, Outcome, RunError, _failed_records, _outcome, dask_task


def run_dask(jobs: Iterable[Job], settings, *, workers: int = 2,
             emit: Callable[[dict], None] = lambda e: None) -> Iterator[Outcome]:
    # Dask's INFO lines on stderr would break --json-log's one-object-a-line stream; the worker
    # processes read this from their environment too
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    try:
        import dask
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise RunError("the dask engine needs Dask: pip install 'kehoach[dask]'") from exc
    jobs = list(jobs)
    if not jobs:
        return
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        if settings.run.scheduler:
            cluster = None
            client = Client(settings.run.scheduler)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   memory_limit=f"{settings.run.memory_mb}MB" if settings.run.memory_mb else 0,
                                   dashboard_address=None)
            client = Client(cluster)
        try:
            shared = client.scatter(settings, broadcast=True)
            started = {}
            futures = {}
            for i, job in enumerate(jobs):
                fut = client.submit(dask_task, job, shared, key=f"kehoach-file-{i}-{time.time_ns()}", pure=False)
                futures[fut] = job
                started[fut] = time.perf_counter()
                emit({"event": "start", "source": job.source, "size": job.size})
            for fut in as_completed(list(futures)):
                job = futures[fut]
                if fut.status == "finished":
                    recs, seconds, peak = fut.result()
                    out = _outcome(job, recs, seconds, peak)
                else:
                    exc = fut.exception()
                    crashed = type(exc).__name__ == "KilledWorker"
                    out = _outcome(job, _failed_records(
                        job, f"worker crashed while reading the file ({type(exc).__name__})" if crashed
                        else f"internal error on the Dask worker: {type(exc).__name__}: {exc}",
                        "worker_crashed" if crashed else "internal"),
                        time.perf_counter() - started[fut], None)
                emit({"event": "done", "outcome": out})
                yield out
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


"""Run the per-file work of an ingest in worker processes, each file under a time and memory limit.

One bad file must cost that file only: a reader that loops, a memory bomb, or a crash in native
code (PDFium, Tesseract, lxml) ends its worker, the file gets a failed documents row with the
reason (`timeout`, `memory_limit`, `worker_crashed`) and a fresh worker takes the next file.

Why a small pool of our own rather than concurrent.futures: ProcessPoolExecutor marks the whole
pool broken when one worker dies (every pending future fails), and it cannot kill the one worker
that overran its time. Here each worker has its own pipe, the parent waits on pipes and process
sentinels together, and kills and replaces exactly the worker in trouble.

Why "forkserver": the parent may run threads (rich's live display, Dask), and forking a
threaded process can copy a held lock into the child; "spawn" is safe but re-imports the whole
pipeline for every replacement worker. The fork server is a clean single-threaded process that
imports the pipeline once (`_PRELOAD`), and each worker is forked from it cheaply.

Workers send back rows (kehoach.datasets.records), not Extraction objects: plain dicts pickle
fast and are exactly what the archive writes.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

# Imported by the fork server once, so a (replacement) worker starts with the pipeline loaded.
_PRELOAD = ["kehoach.pipeline", "kehoach.datasets", "kehoach.settings", "kehoach.normalize",
            "kehoach.extract.route", "kehoach.extract.recover", "kehoach.extract.prose",
            "kehoach.extract.metadata", "kehoach.warm"]
_POLL_S = 0.25        # how often the parent checks deadlines and workers' memory
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class RunError(RuntimeError):
    """The runner itself could not run (no worker could be started)."""


@dataclass(frozen=True)
class RunSettings:
    """Worker processes and the limits each file runs under.

    `jobs`: worker processes (0 = all cores). `timeout_s`: wall time one file may take before its
    worker is killed (0 = no limit); a scanned plan OCRs at ~1–2 s a page, so 300 s covers a
    150-page scan on a busy machine. `memory_mb`: what one worker may hold (its data segment,
    RLIMIT_DATA, plus a check of its resident size by the parent; 0 = no limit); 2048 MB holds
    a 600 dpi A4 raster pipeline with room, while the bombs of issue 14 wanted 4.7–13 GB.
    `readers`: extra readers as "SUFFIX=module:function[:branch]" (a plug-in format, or a test's
    hostile reader), installed in every worker. `engine`: "local" (worker processes here) or
    "dask" (the same per-file work as Dask tasks, `pip install kehoach[dask]`); `scheduler`: a
    Dask scheduler address (tcp://…), empty for a LocalCluster of `jobs` workers."""
    jobs: int = 0
    timeout_s: float = 300.0
    memory_mb: int = 2048
    readers: tuple[str, ...] = ()
    engine: str = "local"
    scheduler: str = ""

    def __post_init__(self):
        if self.engine not in ("local", "dask"):
            from kehoach.settings import SettingsError
            raise SettingsError(f"setting 'run.engine' must be local or dask (got {self.engine!r})")


@dataclass(frozen=True)
class Job:
    path: str          # absolute path to open
    source: str        # the source string for the rows (relative to the folder given)
    size: int = 0      # bytes, for progress/ETA (0 when unknown)


@dataclass(frozen=True)
class Outcome:
    job: Job
    records: dict          # dataset name → rows; a failure too has its (failed) documents row
    status: str            # ok | partial | failed
    error: str | None
    error_kind: str | None
    n_tasks: int
    pages: int
    seconds: float
    peak_rss_mb: float | None


def default_workers(settings=None) -> int:
    n = settings.run.jobs if settings is not None else 0
    return n if n > 0 else (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                            else os.cpu_count() or 1)


def install_readers(settings) -> None:
    """Add the readers named by run.readers to kehoach.pipeline.READERS (in this process)."""
    from kehoach.pipeline import READERS
    from kehoach.settings import SettingsError
    for spec in settings.run.readers:
        suffix, sep, target = spec.partition("=")
        parts = target.split(":")
        if not sep or len(parts) not in (2, 3) or not suffix.startswith("."):
            raise SettingsError(f"run.readers: {spec!r} is not SUFFIX=module:function[:branch]")
        READERS[suffix.lower()] = (f"{parts[0]}:{parts[1]}", parts[2] if len(parts) == 3 else "")


# --- one file ------------------------------------------------------------------------------------

def _failed_records(job: Job, error: str, kind: str) -> dict:
    from kehoach.datasets import records
    from kehoach.model import Extraction
    ex = Extraction(source=job.source, status="failed", error=error, error_kind=kind)
    return records(ex, Path(job.path))


def _outcome(job: Job, recs: dict, seconds: float, peak: float | None) -> Outcome:
    d = recs["documents"][0]
    return Outcome(job=job, records=recs, status=d["status"], error=d["error"],
                   error_kind=d["error_kind"], n_tasks=d["n_tasks"] or 0, pages=d["pages"] or 0,
                   seconds=seconds, peak_rss_mb=peak)


def process_file(job: Job, settings) -> tuple[dict, float]:
    """The per-file work, the same for every engine: extract, then the rows. (records, seconds)"""
    from kehoach.datasets import records
    from kehoach.pipeline import extract
    t0 = time.perf_counter()
    try:
        ex = extract(Path(job.path), job.source, settings)
        recs = records(ex, Path(job.path))
    except MemoryError:
        recs = None
    except Exception as exc:   # a bug in building the rows costs this file, not its worker
        recs = _failed_records(job, f"internal error building the rows: {type(exc).__name__}: {exc}",
                               "internal")
    d = recs["documents"][0] if recs else None
    # extract() turns a stage's MemoryError into an internal error; say what it was
    if d is None or (d["error_kind"] == "internal" and "MemoryError" in (d["error"] or "")):
        recs = _failed_records(job, f"memory limit: the file needed more than {settings.run.memory_mb} MB "
                               "(an allocation was refused)", "memory_limit")
    return recs, time.perf_counter() - t0


def dask_task(job: Job, settings) -> tuple[dict, float, float | None]:
    """The per-file work as one Dask task: (records, seconds, peak RSS MB)."""
    install_readers(settings)
    _reset_peak()
    recs, seconds = process_file(job, settings)
    return recs, seconds, _peak_mb()


def _reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0), so each file's peak is its own.
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_mb() -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return None


def _worker_main(conn, settings) -> None:
    """A worker: the pipeline is already imported (fork server preload); one file per message."""
    if settings.run.memory_mb:
        # RLIMIT_DATA (Linux ≥ 4.7 counts private anonymous mappings) stops numpy/PDFium/lxml
        # allocations with an error instead of the machine swapping. RLIMIT_AS would also count
        # reserved-but-unused address space: OCR of a 7-page 200 dpi scan peaked at 234 MB
        # resident, 400 MB data, 750 MB address space. Shared mappings escape RLIMIT_DATA; the
        # parent's check of the resident size catches those.
        limit = settings.run.memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    install_readers(settings)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        idx, job = msg
        conn.send(("start", idx, os.getpid()))
        _reset_peak()
        recs, seconds = process_file(job, settings)
        retire = recs["documents"][0]["error_kind"] == "memory_limit"
        conn.send(("done", idx, recs, seconds, _peak_mb(), retire))
        if retire:    # a heap that hit its limit is left fragmented: start afresh
            return


# --- the pool ------------------------------------------------------------------------------------

class _Worker:
    def __init__(self, ctx, settings):
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, settings), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        self.job: tuple[int, Job] | None = None
        self.started = 0.0
        self.peak = 0.0

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


def _context():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def run(jobs: Iterable[Job], settings=None, *, workers: int = 1,
        on_event: Callable[[dict], None] | None = None) -> Iterator[Outcome]:
    """One Outcome per job, in completion order. workers ≥ 1: that many worker processes, each
    file under run.timeout_s and run.memory_mb; workers=0: in this process, without isolation
    or limits (for debugging). Events: {"event": "start", "source", "size"},
    {"event": "done", "outcome"}, {"event": "restart", "reason"}."""
    from kehoach.settings import Settings
    settings = settings or Settings()
    emit = on_event or (lambda e: None)
    if settings.run.engine == "dask":
        from kehoach.dask_engine import run_dask
        yield from run_dask(jobs, settings, workers=max(workers, 1), emit=emit)
    elif workers <= 0:
        yield from _run_here(jobs, settings, emit)
    else:
        yield from _run_pool(jobs, settings, workers, emit)


def _run_here(jobs, settings, emit):
    install_readers(settings)
    for job in jobs:
        emit({"event": "start", "source": job.source, "size": job.size})
        recs, seconds = process_file(job, settings)
        out = _outcome(job, recs, seconds, None)
        emit({"event": "done", "outcome": out})
        yield out


def _run_pool(jobs, settings, n, emit):
    ctx = _context()
    timeout, mem = settings.run.timeout_s, settings.run.memory_mb
    pending = iter(jobs)
    exhausted = False
    pool: list[_Worker] = []
    counter = 0

    def spawn() -> _Worker:
        try:
            return _Worker(ctx, settings)
        except OSError as exc:
            raise RunError(f"cannot start a worker process: {exc}") from exc

    def lost(w: _Worker, error: str, kind: str) -> Outcome:
        idx, job = w.job
        out = _outcome(job, _failed_records(job, error, kind), time.perf_counter() - w.started,
                       w.peak or None)
        emit({"event": "done", "outcome": out})
        return out

    try:
        while True:
            # hand out files to idle workers, starting workers as they are needed
            while not exhausted and (len(pool) < n or any(w.job is None for w in pool)):
                job = next(pending, None)
                if job is None:
                    exhausted = True
                    break
                w = next((w for w in pool if w.job is None), None)
                if w is None:
                    w = spawn()
                    pool.append(w)
                counter += 1
                w.job, w.started, w.peak = (counter, job), time.perf_counter(), 0.0
                emit({"event": "start", "source": job.source, "size": job.size})
                w.conn.send((counter, job))
            busy = [w for w in pool if w.job is not None]
            if not busy:
                return
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=_POLL_S))
            now = time.perf_counter()
            for w in busy:
                out = None
                if w.conn in ready:
                    try:
                        msg = w.conn.recv()
                    except (EOFError, OSError):
                        msg = None
                    if msg is not None and msg[0] == "done":
                        _, _idx, recs, seconds, peak, retire = msg
                        out = _outcome(w.job[1], recs, seconds, peak)
                        w.job = None
                        emit({"event": "done", "outcome": out})
                        yield out
                        if retire:
                            w.kill()
                            pool.remove(w)
                        continue
                    if msg is not None:
                        continue           # "start": nothing to do
                if w.proc.sentinel in ready or not w.proc.is_alive():
                    w.proc.join(1)
                    code = w.proc.exitcode
                    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                    out = lost(w, f"worker crashed ({how}) while reading the file", "worker_crashed")
                    reason = "worker_crashed"
                elif timeout and now - w.started > timeout:
                    out = lost(w, f"timeout: the file took more than {timeout:g} s", "timeout")
                    reason = "timeout"
                else:
                    rss = _rss_mb(w.proc.pid)
                    if rss is not None:
                        w.peak = max(w.peak, rss)
                    if mem and rss is not None and rss > mem:
                        out = lost(w, f"memory limit: the file needed more than {mem} MB "
                                   f"(resident {rss:.0f} MB)", "memory_limit")
                        reason = "memory_limit"
                if out is not None:
                    w.kill()
                    pool.remove(w)
                    emit({"event": "restart", "reason": reason})
                    yield out
    finally:
        for w in pool:
            try:
                if w.job is None:
                    w.conn.send(None)
            except OSError:
                pass
        for w in pool:
            w.proc.join(2)
            if w.proc.is_alive():
                w.kill()

"""kehoach.runner: worker processes, per-file limits, and the rest of the batch exact."""
from __future__ import annotations

from pathlib import Path

import pytest

from kehoach.runner import Job, run
from kehoach.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))[:3]
HOSTILE = {".loop": "read_loop", ".bomb": "read_bomb", ".abort": "read_abort", ".segv": "read_segv",
           ".shbomb": "read_shared_bomb"}


def _settings(**run):
    s = Settings().override({"run.readers": ",".join(f"{k}=runner_hostile:{v}" for k, v in HOSTILE.items())})
    return s.override({f"run.{k}": str(v) for k, v in run.items()})


def _jobs(paths):
    return [Job(path=str(p), source=p.name, size=p.stat().st_size) for p in paths]


def _strip(recs):
    # everything but the wall-clock-free rows is already deterministic
    return {name: rows for name, rows in recs.items()}


@pytest.fixture(scope="module")
def serial():
    """The seeds read in this process: what every worker run must give for them."""
    return {o.job.source: o.records for o in run(_jobs(SEEDS), _settings(), workers=0)}


def _hostile(tmp_path, suffix):
    p = tmp_path / f"bad{suffix}"
    p.write_text("x")
    return p


@pytest.mark.parametrize("suffix,kind,limits", [
    (".loop", "timeout", {"timeout_s": 2}),
    (".bomb", "memory_limit", {"memory_mb": 1024}),
    (".shbomb", "memory_limit", {"memory_mb": 1024}),
    (".abort", "worker_crashed", {}),
    (".segv", "worker_crashed", {}),
])
def test_bad_file_costs_only_itself(tmp_path, serial, suffix, kind, limits):
    bad = _hostile(tmp_path, suffix)
    paths = [SEEDS[0], bad, SEEDS[1], SEEDS[2]]
    events = []
    outs = list(run(_jobs(paths), _settings(**limits), workers=2, on_event=events.append))
    assert sorted(o.job.source for o in outs) == sorted(p.name for p in paths)
    by = {o.job.source: o for o in outs}
    b = by[bad.name]
    assert (b.status, b.error_kind) == ("failed", kind)
    doc = b.records["documents"]
    assert len(doc) == 1 and doc[0]["status"] == "failed" and doc[0]["error_kind"] == kind
    assert doc[0]["source"] == bad.name and doc[0]["sha256"]   # built from the file
    assert doc[0]["error"]
    if suffix == ".bomb":      # stopped inside the worker by RLIMIT_DATA
        assert "allocation was refused" in b.error
    if suffix == ".shbomb":    # stopped by the parent's check of the worker's resident size
        assert "resident" in b.error and b.peak_rss_mb > 1024
    for p in SEEDS:
        assert by[p.name].records == serial[p.name]
        assert by[p.name].status == "ok"
    assert sum(e["event"] == "done" for e in events) == len(paths)
    assert sum(e["event"] == "start" for e in events) == len(paths)


def test_two_workers_equal_one(serial):
    one = {o.job.source: o.records for o in run(_jobs(SEEDS), _settings(), workers=1)}
    two = {o.job.source: o.records for o in run(_jobs(SEEDS), _settings(), workers=2)}
    assert one == two == serial


def test_peak_memory_and_pages_reported(serial):
    outs = list(run(_jobs(SEEDS[:1]), _settings(), workers=1))
    assert outs[0].peak_rss_mb and outs[0].peak_rss_mb > 10
    assert outs[0].n_tasks == len(serial[SEEDS[0].name]["tasks"])
    assert outs[0].seconds > 0

"""The Dask engine on a LocalCluster of 2 workers gives the local engine's rows."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("distributed")

from kehoach.runner import Job, run  # noqa: E402
from kehoach.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))[:3] + sorted((ROOT / "corpus" / "rendered").glob("*.docx"))[:1]


def test_dask_local_cluster_equals_local_engine():
    jobs = [Job(path=str(p), source=p.name, size=p.stat().st_size) for p in FILES]
    local = {o.job.source: o.records for o in run(jobs, Settings(), workers=2)}
    events = []
    dask = {o.job.source: o for o in run(jobs, Settings().override({"run.engine": "dask"}), workers=2,
                                         on_event=events.append)}
    assert {s: o.records for s, o in dask.items()} == local
    assert all(o.status == "ok" and o.peak_rss_mb for o in dask.values())
    assert sum(e["event"] == "done" for e in events) == len(jobs)


def test_engine_is_validated():
    from kehoach.settings import SettingsError
    with pytest.raises(SettingsError):
        Settings().override({"run.engine": "spark"})


def test_cli_dask_json_log_is_json_only(tmp_path):
    import json
    import subprocess
    import sys
    files = [str(p) for p in FILES[:2]]
    r = subprocess.run([sys.executable, "-m", "kehoach", "ingest", *files, "--out", str(tmp_path / "o"),
                        "--engine", "dask", "-j", "2", "--json-log"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    events = [json.loads(ln) for ln in r.stderr.splitlines()]   # Dask's own log lines would not parse
    assert [e["event"] for e in events].count("done") == 2 and events[-1]["event"] == "summary"

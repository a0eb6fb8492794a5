"""`kehoach ingest --jobs/--json-log`: logs parse, lines do not wrap, exit codes, same datasets."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))[:3]
TESTS = Path(__file__).resolve().parent


def _ingest(tmp_path, *args, inputs=None, env_cols=None):
    env = dict(os.environ, PYTHONPATH=str(TESTS), COLUMNS=str(env_cols or 80))
    cmd = [sys.executable, "-m", "kehoach", "ingest", *map(str, inputs or SEEDS), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)


def _datasets(out: Path) -> dict:
    got = {}
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        rows = [r for f in sorted(folder.glob("*.parquet")) for r in pq.read_table(f).to_pylist()]
        got[folder.name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return got


def test_json_log_and_jobs_equal(tmp_path):
    deep = tmp_path / ("a-very-long-folder-name-" * 4)
    deep.mkdir()
    bad = deep / "bad.loop"
    bad.write_text("x")
    r2 = _ingest(tmp_path, "--out", "o2", "-j", "2", "--json-log",
                 "--set", "run.readers=.loop=runner_hostile:read_loop", "--set", "run.timeout_s=2",
                 inputs=SEEDS + [bad])
    assert r2.returncode == 1, r2.stderr          # one file failed
    events = [json.loads(ln) for ln in r2.stderr.splitlines() if ln.strip()]
    assert {e["event"] for e in events} >= {"start", "done", "summary"}
    done = {e["source"]: e for e in events if e["event"] == "done"}
    assert done[str(bad)]["error_kind"] == "timeout"
    summary = events[-1]
    assert summary["event"] == "summary" and summary["files"] == 4 and summary["failed"] == 1
    assert summary["failures"] == {"timeout": 1}

    r1 = _ingest(tmp_path, "--out", "o1", "-j", "1")
    assert r1.returncode == 0, r1.stderr
    # plain lines (stderr is not a terminal): one per file plus the summary, never wrapped
    lines = r1.stderr.splitlines()
    assert len(lines) == len(SEEDS) + 1
    assert all(p.name in "".join(lines) for p in SEEDS)
    d1, d2 = _datasets(tmp_path / "o1"), _datasets(tmp_path / "o2")
    d2["documents"] = [r for r in d2["documents"] if r["source"] != str(bad)]
    d2["findings"] = [r for r in d2["findings"] if r["source"] != str(bad)]
    assert d1 == d2


def test_plain_lines_do_not_wrap(tmp_path):
    deep = tmp_path / ("a-very-long-folder-name-" * 4)
    deep.mkdir()
    f = deep / SEEDS[0].name
    f.write_bytes(SEEDS[0].read_bytes())
    r = _ingest(tmp_path, "--out", "o", "-j", "1", inputs=[f], env_cols=40)
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 2 and str(f) in lines[0] and len(lines[0]) > 80


def test_exit_2_when_kehoach_cannot_run(tmp_path):
    assert _ingest(tmp_path, "--out", "o", "--set", "run.jobs=x").returncode == 2
    assert _ingest(tmp_path, "--out", "o", "--jobs", "-1").returncode == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    r = _ingest(tmp_path, "--out", str(blocker / "out"))        # --out under a file: cannot be made
    assert r.returncode == 2 and "could not run" in r.stderr
    # a missing input is that file's failure, not kehoach's
    assert _ingest(tmp_path, "--out", "o", inputs=[tmp_path / "nothing-here"]).returncode == 1


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_reporter_faces():
    from kehoach.progress import Reporter
    from kehoach.runner import Job, run
    outs = list(run([Job(str(p), p.name) for p in SEEDS[:2]], workers=0))
    tty = _Tty()
    assert Reporter.choose(False, False, tty) == "rich" and Reporter.choose(False, False, io.StringIO()) == "plain"
    assert Reporter.choose(True, False, tty) == "json"
    for mode in ("rich", "plain", "json", "quiet"):
        stream = _Tty() if mode == "rich" else io.StringIO()
        rep = Reporter(2, mode, stream)
        for o in outs:
            rep({"event": "start", "source": o.job.source, "size": 0})
            rep({"event": "done", "outcome": o})
        summary = rep.close("out")
        assert summary["files"] == 2 and summary["tasks"] == sum(o.n_tasks for o in outs)
        text = stream.getvalue()
        if mode == "json":
            assert [json.loads(ln)["event"] for ln in text.splitlines()] == ["start", "done"] * 2 + ["summary"]
        elif mode == "quiet":
            assert text.count("\n") == 1 and "2 files" in text
        else:
            assert all(o.job.source in text for o in outs) and "2 files" in text

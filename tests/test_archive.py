"""The archive (issue 14): re-ingest, copies, edits, deletes, --force, the walker's refusals,
the lock, a full disk, kill -9 and compaction, on copies of the seed plans and renderings."""
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from kehoach import archive
from kehoach.archive import Archive, ArchiveError, open_catalogue
from kehoach.datasets import SCHEMAS
from kehoach.pipeline import compact, ingest
from kehoach.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
RENDERED = ROOT / "corpus" / "rendered"
KEHOACH = [sys.executable, "-m", "kehoach"]


def rows(out: Path, name: str) -> list[tuple]:
    """A dataset as sorted tuples (None sorts first), to compare two folders."""
    got = duckdb.sql(f"select * from read_parquet('{out}/{name}/*.parquet')").fetchall()
    return sorted(got, key=lambda r: tuple((v is not None, str(v)) for v in r))


def tables(out: Path) -> dict[str, list[tuple]]:
    return {name: rows(out, name) for name in SCHEMAS}


@pytest.fixture
def plans(tmp_path):
    folder = tmp_path / "plans"
    shutil.copytree(SEEDS, folder)
    return folder


def test_relative_and_absolute_spellings_are_one_input(plans, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    first = ingest(["plans"], out)
    assert first.read == 5 and first.skipped == 0
    before = tables(out)
    again = ingest([str(plans.resolve())], out)
    # unchanged: nothing read, nothing even hashed
    assert (again.read, again.hashed, again.skipped) == (0, 0, 5)
    assert tables(out) == before
    assert len(before["documents"]) == 5
    assert len(open_catalogue(out)) == 5


def test_changed_mtime_same_bytes_is_hashed_not_read(plans, tmp_path):
    out = tmp_path / "out"
    ingest([str(plans)], out)
    f = sorted(plans.iterdir())[0]
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    res = ingest([str(plans)], out)
    assert (res.read, res.hashed) == (0, 1)
    res = ingest([str(plans)], out)
    assert res.hashed == 0  # the new mtime was recorded


def test_copy_is_an_alias_not_a_document(plans, tmp_path):
    out = tmp_path / "out"
    ingest([str(plans)], out)
    before = tables(out)
    shutil.copy(plans / "001_9e03fbf4f3d2e073.txt", plans / "zz_copy.txt")
    res = ingest([str(plans)], out)
    assert (res.read, res.aliases) == (0, 1)
    assert tables(out) == before
    cat = {Path(r["display"]).name: r for r in open_catalogue(out)}
    assert cat["zz_copy.txt"]["alias"] and cat["zz_copy.txt"]["doc_key"] == cat["001_9e03fbf4f3d2e073.txt"]["doc_key"]
    # deleting the original: the copy becomes the document, read under its own name
    (plans / "001_9e03fbf4f3d2e073.txt").unlink()
    ingest([str(plans)], out, prune=True)
    docs = rows(out, "documents")
    assert len(docs) == 5
    assert any(r[1].endswith("zz_copy.txt") for r in docs)
    assert not any(r[1].endswith("001_9e03fbf4f3d2e073.txt") for r in docs)


def test_edit_replaces_rows_and_prune_drops_deleted(plans, tmp_path):
    out = tmp_path / "out"
    ingest([str(plans)], out)
    old_ids = {r[0] for r in rows(out, "documents")}
    target = plans / "000_dbb53274ea895b03.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    res = ingest([str(plans)], out)
    assert res.read == 1
    ids = {r[0] for r in rows(out, "documents")}
    assert len(ids) == 5 and len(ids - old_ids) == 1
    for name in ("tasks", "findings", "citations"):
        assert {r[0] for r in rows(out, name)} <= ids  # no rows of the old content left
    (plans / "004_0b88bc6089270356.txt").unlink()
    ingest([str(plans)], out)
    assert len(rows(out, "documents")) == 5  # without --prune the rows stay
    res = ingest([str(plans)], out, prune=True)
    assert res.pruned == 1
    docs = rows(out, "documents")
    assert len(docs) == 4 and not any(r[1].endswith("004_0b88bc6089270356.txt") for r in docs)
    assert not [r for r in rows(out, "tasks") if r[1].endswith("004_0b88bc6089270356.txt")]


def test_force_and_new_settings_reread(plans, tmp_path):
    out = tmp_path / "out"
    ingest([str(plans)], out)
    before = tables(out)
    assert ingest([str(plans)], out, force=True).read == 5
    assert tables(out) == before
    changed = Settings().override({"recover.identity_prior": "0.7"})
    assert ingest([str(plans)], out, settings=changed).read == 5
    assert ingest([str(plans)], out, settings=changed).read == 0


def test_walker_gives_every_input_one_row(plans, tmp_path):
    out = tmp_path / "out"
    os.mkfifo(plans / "fifo.txt")
    os.symlink("nowhere.txt", plans / "dangling.txt")
    os.symlink("loop.txt", plans / "loop.txt")
    bad = os.path.join(os.fsencode(plans), b"bad\xff name.txt")
    with open(bad, "wb") as fh:
        fh.write((SEEDS / "002_9da8d435c019012e.txt").read_bytes() + b"\n")
    res = ingest([str(plans), str(tmp_path / "missing-folder")], out)
    assert res.files == 10
    docs = {Path(r[1]).name: r for r in rows(out, "documents")}
    status = {n: r[14] for n, r in docs.items()}
    errors = {n: r[15] for n, r in docs.items()}
    assert "FIFO" in errors["fifo.txt"] and "dangling" in errors["dangling.txt"]
    assert "loop" in errors["loop.txt"] and "no such file" in errors["missing-folder"]
    assert status["bad\\xff name.txt"] == "ok"  # read, its source a visible escape
    assert sum(s == "failed" for s in status.values()) == 4
    # unchanged refusals are not redone; the run is still reported as having failures
    again = ingest([str(plans), str(tmp_path / "missing-folder")], out)
    assert again.read == 0 and len(again.failed) == 4


def test_second_ingest_exits_2_while_the_folder_is_locked(plans, tmp_path):
    out = tmp_path / "out"
    with Archive(out, Settings(), SCHEMAS):
        p = subprocess.run(KEHOACH + ["ingest", str(plans), "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert "another kehoach ingest" in p.stderr and "Traceback" not in p.stderr
    p = subprocess.run(KEHOACH + ["ingest", str(plans), "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_unwritable_out_exits_2(plans, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    p = subprocess.run(KEHOACH + ["ingest", str(plans), "--out", str(blocker / "out")],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "cannot write the output folder" in p.stderr and "Traceback" not in p.stderr


def test_full_disk_keeps_committed_files_and_rerun_converges(plans, tmp_path, monkeypatch):
    clean = tmp_path / "clean"
    ingest([str(plans)], clean)
    out = tmp_path / "out"
    one = Settings().override({"archive.commit_files": "1"})
    real = Archive._write
    calls = {"n": 0}

    def full(self, folder, name, table):
        calls["n"] += 1
        if calls["n"] > 14:  # past the first files' commits
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, folder, name, table)
    monkeypatch.setattr(Archive, "_write", full)
    with pytest.raises(ArchiveError, match="No space left"):
        ingest([str(plans)], out, settings=one)
    monkeypatch.setattr(Archive, "_write", real)
    kept = rows(out, "documents")
    assert 1 <= len(kept) < 5
    # every kept document has all its rows, and no other rows are visible
    ids = {r[0] for r in kept}
    assert {r[0] for r in rows(out, "tasks")} <= ids
    res = ingest([str(plans)], out, settings=one)
    assert res.read == 5 - len(kept)
    assert tables(out) == tables(clean)


def test_kill_9_at_random_points_then_rerun_equals_clean_run(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(RENDERED, src)
    clean = tmp_path / "clean"
    ingest([str(src)], clean)
    expected = tables(clean)
    out = tmp_path / "out"
    cmd = KEHOACH + ["ingest", str(src), "--out", str(out), "-q", "--set", "archive.commit_files=1"]
    rng = random.Random(14)
    for _ in range(4):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 4.0))
        p.send_signal(signal.SIGKILL)
        p.wait()
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert p.returncode in (0, 1), p.stderr
    assert tables(out) == expected
    leftovers = [f for f in (out / ".kehoach").rglob("*") if "staging" in f.parts and f.is_file()]
    assert not leftovers


def test_compaction_keeps_reads_identical(plans, tmp_path):
    out = tmp_path / "out"
    small = Settings().override({"archive.commit_files": "1", "archive.max_compacted": "100"})
    ingest([str(plans)], out, settings=small)
    ids = {r[0] for r in rows(out, "documents")}
    # one more file: a new part merged into a second compacted file
    shutil.copy(RENDERED / sorted(p.name for p in RENDERED.glob("*.docx"))[0], plans / "new.docx")
    ingest([str(plans)], out, settings=small)
    assert len(list((out / "tasks").glob("*.parquet"))) == 2
    before = tables(out)
    import kehoach
    frame = kehoach.read(out, "tasks").sort_values(["doc_id", "seq"]).reset_index(drop=True)
    p = subprocess.run(KEHOACH + ["compact", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for name in SCHEMAS:
        assert len(list((out / name).glob("*.parquet"))) == 1
    assert tables(out) == before
    assert kehoach.read(out, "tasks").reset_index(drop=True).equals(frame)  # sorted by doc_id, seq
    assert len(ids) == 5
    # a change after compaction rewrites the compacted file without the old rows
    target = plans / "003_e98dbb9b18233da0.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    ingest([str(plans)], out, settings=small)
    assert len(rows(out, "documents")) == 6
    assert compact(out) >= 1
    con = kehoach.open(out)
    assert con.sql("select count(*) from documents").fetchall()[0][0] == 6


def test_parts_renamed_but_not_committed_are_rolled_back(plans, tmp_path, monkeypatch):
    """The window a kill -9 can hit: files renamed into place, the transaction not run."""
    clean = tmp_path / "clean"
    ingest([str(plans)], clean)
    out = tmp_path / "out"
    ingest([str(plans)], out)
    target = plans / "002_9da8d435c019012e.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    class Killed(BaseException):
        pass

    def die(self, body):
        raise Killed()
    monkeypatch.setattr(Archive, "_txn", die)
    with pytest.raises(Killed):
        ingest([str(plans)], out)
    monkeypatch.undo()
    # the rewritten files are visible beside the old ones, uncommitted
    assert len(rows(out, "documents")) > 5
    Archive(out, Settings(), SCHEMAS).close()  # opening the archive rolls it back
    assert len(rows(out, "documents")) == 5
    target.write_text(target.read_text(encoding="utf-8")[:-1], encoding="utf-8")
    ingest([str(plans)], out)
    assert tables(out) == tables(clean)

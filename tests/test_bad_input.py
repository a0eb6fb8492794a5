"""Bad input: a clear error naming the file and the reason; the batch goes on; nothing
already written is lost; the exit code says a file failed."""
from __future__ import annotations

import shutil
import unicodedata

import pandas as pd
import pytest

from conftest import FIXTURES, SEEDS, run_cli
from kehoach.pipeline import extract


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    # Windows-1258 has the letters with hats and horns precomposed and the five tones as
    # combining marks: compose the letter, keep its tone combining.
    b = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            b += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            b += base.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258")
    return bytes(b)


@pytest.mark.parametrize("fixture,reason", [
    ("empty.txt", "empty file"),
    ("blank_lines_only.txt", "empty file"),
    ("png_named.txt", "binary file"),
])
def test_bad_text_gives_a_clear_error(fixture, reason):
    ex = extract(FIXTURES / fixture)
    assert ex.status == "failed"
    assert reason in ex.error


def test_windows_1258_text_is_decoded(tmp_path):
    p = tmp_path / "000_cp1258.txt"
    p.write_bytes(_cp1258((SEEDS / "000_dbb53274ea895b03.txt").read_text(encoding="utf-8")))
    ex = extract(p)
    assert ex.status == "ok"
    assert len([t for t in ex.tasks if t.origin == "table"]) == 26
    assert ex.tasks[0].lead == "Phòng Lãnh sự - NVNONN"
    assert any("Windows-1258" in w for w in ex.document.warnings)


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "plan.xlsx").write_bytes(b"PK\x03\x04")
    assert "unsupported file type" in extract(tmp_path / "plan.xlsx").error
    assert "no such file" in extract(tmp_path / "nothing.txt").error


def test_batch_goes_on_and_exit_code_says_failed(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEEDS / "003_e98dbb9b18233da0.txt", inputs / "a_good.txt")
    shutil.copy(FIXTURES / "png_named.txt", inputs / "b_bad.txt")
    shutil.copy(SEEDS / "004_0b88bc6089270356.txt", inputs / "c_good.txt")
    out = tmp_path / "out"
    res = run_cli("ingest", str(inputs), "--out", str(out))
    assert res.returncode == 1
    assert "b_bad.txt" in res.stderr and "binary file" in res.stderr
    docs = pd.read_parquet(out / "documents").sort_values("source")
    assert list(docs.status) == ["ok", "failed", "ok"]
    bad = docs.iloc[1]
    assert bad.source.endswith("b_bad.txt") and "binary file" in bad.error and bad.sha256
    tasks = pd.read_parquet(out / "tasks")
    assert (tasks.origin == "table").sum() == 23 + 21
    findings = pd.read_parquet(out / "findings")
    assert (findings.kind == "read_error").sum() == 1


def test_failed_batch_keeps_what_was_written(tmp_path):
    out = tmp_path / "out"
    assert run_cli("ingest", str(SEEDS / "003_e98dbb9b18233da0.txt"), "--out", str(out)).returncode == 0
    res = run_cli("ingest", str(FIXTURES / "empty.txt"), "--out", str(out))
    assert res.returncode == 1
    docs = pd.read_parquet(out / "documents")
    assert set(docs.status) == {"ok", "failed"} and (pd.read_parquet(out / "tasks").origin == "table").sum() == 23


def test_utf8_with_a_few_stray_bytes_stays_utf8(tmp_path):
    # five stray bytes in a real plan used to make it "Windows-1258": mojibake, 0 tasks, status ok
    data = (SEEDS / "000_dbb53274ea895b03.txt").read_bytes()
    cut = data.index(b"\n", len(data) // 2)
    path = tmp_path / "stray_bytes.txt"
    path.write_bytes(data[:cut] + b"\xff\xfe\x80\x81\xc0" + data[cut:])
    ex = extract(path)
    table = [t for t in ex.tasks if t.origin == "table"]
    assert ex.status == "ok" and len(table) == 26
    assert table[0].lead == "Phòng Lãnh sự - NVNONN"
    assert any("invalid byte sequences" in w and "U+FFFD" in w for w in ex.document.warnings)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_gets_a_row_and_does_not_block(tmp_path):
    import os
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    shutil.copy(SEEDS / "000_dbb53274ea895b03.txt", tmp_path / "real.txt")
    out = tmp_path / "out"
    r = run_cli("ingest", str(tmp_path), "--out", str(out))
    assert r.returncode == 1
    docs = pd.read_parquet(out / "documents")
    row = docs[docs.source.str.endswith("plan.txt")].iloc[0]
    assert row.status == "failed" and "not a regular file" in row.error
    tasks = pd.read_parquet(out / "tasks")
    assert ((tasks.source.str.endswith("real.txt")) & (tasks.origin == "table")).sum() == 26


def test_a_huge_jump_in_the_numbering_is_a_finding_not_a_memory_bomb(tmp_path):
    lines = (SEEDS / "000_dbb53274ea895b03.txt").read_text(encoding="utf-8").split("\n")
    row = next(i for i, ln in enumerate(lines) if ln.startswith("1.2\t"))
    lines[row] = "1.99999999999" + lines[row][3:]
    path = tmp_path / "huge_number.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    ex = extract(path)
    assert ex.status == "ok" and sum(t.origin == "table" for t in ex.tasks) == 26
    jump = [f for f in ex.findings if f.kind == "missing_number" and "1.99999999998" in f.value]
    assert jump and len(jump[0].value) < 100

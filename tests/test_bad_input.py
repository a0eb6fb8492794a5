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
    ("tcvn3_legacy.txt", "TCVN3"),
    ("vni_legacy.txt", "VNI"),
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

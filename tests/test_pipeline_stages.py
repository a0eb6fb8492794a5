"""The pipeline as a chain of stages and the normalizer registry, on a real seed plan."""
import sys
import types
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kehoach import normalize as norm_pkg
from kehoach.datasets import records
from kehoach.model import Found
from kehoach.normalize import Normalizer
from kehoach.pipeline import STAGES, extract, ingest
from kehoach.settings import Settings, SettingsError

SEED = Path(__file__).resolve().parent.parent / "corpus" / "seeds" / "000_dbb53274ea895b03.txt"


def test_stages_fill_one_extraction_in_order():
    ex = extract(SEED)
    assert [name for name, _, _ in STAGES] == ["recover", "prose", "metadata", "normalize"]
    assert ex.document.format == "txt" and len([t for t in ex.tasks if t.origin == "table"]) == 26
    assert ex.metadata.number == "/KH-SNgV"      # printed with a blank number
    assert {"units", "deadlines", "citations", "targets"} <= set(ex.found)
    # deadlines annotate the task rows; the others are datasets of their own
    recs = records(ex, SEED)
    assert recs["tasks"][0]["deadline_kind"] == "by_date"
    assert len(recs["task_units"]) == len(ex.results("units"))
    assert all(r["doc_id"] == recs["documents"][0]["doc_id"] for r in recs["citations"])


def _shout(ex, settings, errors):
    """A normalizer that fails on every third task's text, to see the failure reported."""
    def upper(text):
        if len(text) % 3 == 0:
            raise ValueError("no")
        return text.upper()
    found = []
    for t in ex.tasks:
        v = errors.run_value(upper, t.task, seq=t.seq, page=t.page_start)
        if v is not None:
            found.append(Found(v, seq=t.seq, page=t.page_start, field="task"))
    return found, ()


@pytest.fixture
def shouting(monkeypatch):
    mod = types.ModuleType("kehoach_test_shout")
    mod.NORMALIZER = Normalizer(name="deadlines", run=_shout, settings=object, dataset="shouts",
                                row=lambda f: dict(seq=f.seq, text=f.value))
    monkeypatch.setitem(sys.modules, "kehoach_test_shout", mod)
    monkeypatch.setattr(norm_pkg, "NORMALIZERS", ("kehoach_test_shout:NORMALIZER",))


def test_a_registered_normalizer_runs_and_its_failures_become_findings(shouting):
    ex = extract(SEED)
    shouted = ex.results("deadlines")
    failed = [f for f in ex.findings if f.kind == "normalizer_error"]
    assert shouted and failed and len(shouted) + len(failed) == len(ex.tasks)
    assert all(f.value and "ValueError: no" in f.message for f in failed)
    assert ex.status == "ok"           # a value the normalizer failed on does not fail the file
    rows = records(ex, SEED)["shouts"]
    assert [r["text"] for r in rows] == [f.value for f in shouted]
    assert {r["seq"] for r in rows}.isdisjoint(f.seq for f in failed)


def test_settings_reach_the_stages(tmp_path):
    # a year window that excludes the plan's years leaves its dated deadlines without dates
    s = Settings().override({"normalize.deadlines.min_year": "2030"})
    ex = extract(SEED, settings=s)
    assert all(f.value.end is None or f.value.end.year >= 2030 for f in ex.results("deadlines"))
    assert any(f.value.end for f in extract(SEED).results("deadlines"))
    with pytest.raises(SettingsError):
        Settings().override({"normalize.deadlines.min_year": "-5"})


def test_ingest_writes_what_the_stages_found(tmp_path):
    ingest([str(SEED)], tmp_path)
    tasks = pq.read_table(tmp_path / "tasks").to_pylist()
    assert sum(t["origin"] == "table" for t in tasks) == 26 and tasks[0]["deadline_kind"] == "by_date"
    assert pq.read_table(tmp_path / "citations").num_rows > 0


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize("name, kind", [
    ("empty.txt", "empty"), ("encrypted.pdf", "encrypted"), ("not_a_pdf.pdf", "not_a_pdf"),
    ("not_a_zip.docx", "wrong_type"), ("png_named.txt", "wrong_type"), ("truncated.pdf", "corrupt"),
])
def test_bad_input_gets_the_kind_of_its_failure(name, kind, tmp_path):
    ingest([str(FIXTURES / name)], tmp_path)
    [row] = pq.read_table(tmp_path / "documents").to_pylist()
    assert (row["status"], row["error_kind"]) == ("failed", kind)

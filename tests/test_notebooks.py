"""The analyst notebooks run against what `kehoach ingest` wrote, and each answers its question."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# What each notebook must show on the seeds: a sentence of its answer, computed from the data.
ANSWERS = {
    # per plan, with issuers resolved: the two Sở Ngoại vụ are two agencies, the seeds five plans
    "cross_agency.ipynb": ["5 files are 5 plans", "Sở Ngoại vụ tỉnh Hà Tĩnh", "Sở Ngoại vụ tỉnh Đồng Nai",
                           "lead_level"],
    "deadline_calendar.ipynb": ["dated tasks were due before", "-Q"],
    "citations_lineage.ipynb": ["468/QĐ-TTg", "plan → plan citations", "302/KH-UBND"],
    "data_quality.ipynb": ["files needed OCR", "joined across a page break"],
}
# Every notebook answers with a chart (a PNG in its outputs).
CHARTS = set(ANSWERS)


def test_every_notebook_is_checked():
    assert {p.name for p in NOTEBOOKS} == set(ANSWERS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_ingested_output(path, seeds_out, monkeypatch):
    monkeypatch.setenv("KEHOACH_OUTPUT", str(seeds_out))
    monkeypatch.setenv("KEHOACH_AS_OF", "2025-01-01")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not any(o.get("output_type") == "error" for o in outputs)
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    for answer in ANSWERS[path.name]:
        assert answer in text, answer
    if path.name in CHARTS:
        assert any("image/png" in o.get("data", {}) for o in outputs), "no chart drawn"

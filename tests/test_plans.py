"""Plan identity across files (kehoach/derive.py) on real documents: the seeds, their PDF and
DOCX renderings and their scans; the draft and signed copies of a real plan."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kehoach
from kehoach.derive import derive

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REAL = ROOT.parent / "shared" / "corpus-real"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("plans")
    kehoach.ingest([str(CORPUS / "seeds"), str(CORPUS / "rendered"),
                    *map(str, sorted((CORPUS / "scanned").glob("*.pdf")))], out=out)
    return out


def _groups(out: Path) -> dict[str, set[str]]:
    rows = kehoach.read(out, "plan_documents")
    groups: dict[str, set[str]] = {}
    for r in rows.itertuples():
        groups.setdefault(r.plan_key, set()).add(Path(r.source).name.split(".")[0])
    return groups


def test_renderings_and_scans_of_each_seed_are_one_plan(sample):
    groups = _groups(sample)
    # exactly one plan per seed: every rendering and scan of seed 000 together, no two seeds merged
    assert sorted(sorted(g) for g in groups.values()) == [[f"00{i}_{h}"] for i, h in enumerate(
        ["dbb53274ea895b03", "9e03fbf4f3d2e073", "9da8d435c019012e", "e98dbb9b18233da0", "0b88bc6089270356"])]
    docs = kehoach.read(sample, "plan_documents")
    seed0 = docs[docs["source"].str.contains("000_dbb53274ea895b03")]
    assert len(seed0) == 7 and seed0["plan_key"].nunique() == 1
    plans = kehoach.read(sample, "plans")
    assert len(plans) == 5 and int(plans["n_documents"].sum()) == len(docs)


def test_derive_rewrites_its_datasets(sample):
    before = kehoach.read(sample, "plans")
    derive(sample)
    after = kehoach.read(sample, "plans")
    assert sorted(before["plan_key"]) == sorted(after["plan_key"])
    con = kehoach.open(sample)
    assert con.sql("select count(distinct plan_key) from plan_documents join documents using (doc_id)").fetchall()[0][0] == 5


@pytest.mark.skipif(not REAL.is_dir() or not shutil.which("soffice"),
                    reason="../shared/corpus-real or LibreOffice (soffice) is absent")
def test_draft_doc_and_signed_pdf_are_one_plan(tmp_path):
    kehoach.ingest([str(REAL / "dthap-kh362-sgddt-2026-draft.doc"), str(REAL / "dthap-kh362-sgddt-2026-text.pdf"),
                    str(REAL / "dthap-kh58-thptcl2-2026-text.pdf")], out=tmp_path)
    docs = kehoach.read(tmp_path, "plan_documents").set_index("source")
    draft, signed = (docs.loc[str(REAL / f"dthap-kh362-sgddt-2026-{k}")] for k in ("draft.doc", "text.pdf"))
    assert draft["plan_key"] == signed["plan_key"]
    assert draft["version_of"] == signed["doc_id"] and signed["version_of"] is None or str(signed["version_of"]) == "<NA>"
    assert docs.loc[str(REAL / "dthap-kh58-thptcl2-2026-text.pdf")]["plan_key"] != draft["plan_key"]

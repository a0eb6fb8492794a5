"""Task tables nobody tuned the recovery for (shared/corpus-dev): procedure tables with step
codes, head-noun headers, lead before task, total rows, captions between tables; the dev gold
(corpus/gold-dev) guards each document's cell accuracy."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, SHARED, needs_shared
from kehoach.pipeline import extract

pytestmark = needs_shared
DEV = SHARED / "corpus-dev"
GOLD = ROOT / "corpus" / "gold-dev"


def _tasks(name):
    ex = extract(DEV / name)
    assert ex.status == "ok", ex.error
    return tuple(t for t in ex.tasks if t.origin == "table")      # prose tasks are scored apart


@pytest.mark.parametrize("name,seq,want", [
    # lead before task, "Đơn vị/ người thực hiện" → lead, step codes as stt, durations as deadlines
    ("dev-tvpl-qd3854-nghean-qtnb-capxa.md", 1, dict(stt="Bước 1", lead="Công chức tại Trung tâm Phục vụ "
     "hành chính công cấp xã", deadline="04 giờ làm việc")),
    # a task beginning "Sau khi …" is not taken for a deadline
    ("dev-tvpl-qd3854-nghean-qtnb-capxa.md", 11, dict(stt="Bước 11", task="Sau khi có ý kiến của UBND tỉnh "
     "dự thảo kết quả giải quyết TTHC trình Lãnh đạo Phòng.", deadline="08 giờ làm việc")),
    # "Số TT / Trình tự / Trách nhiệm thực hiện / Thời gian thực hiện", B-codes
    ("dev-tvpl-qd2487-langson-qtnb-khcn.md", 1, dict(stt="B1")),
    # "Phân công nhiệm vụ" → lead
    ("dev-tvpl-qd2682-vinhlong-qtnb-cainghien.md", 1, dict(stt="Bước 1")),
])
def test_dev_cells(name, seq, want):
    t = _tasks(name)[seq - 1]
    for k, v in want.items():
        assert getattr(t, k) == v, (k, getattr(t, k))


def test_dev_total_rows_and_captions_are_not_tasks():
    ts = _tasks("dev-tvpl-qd3854-nghean-qtnb-capxa.md")
    assert len(ts) == 30
    assert all(t.stt.startswith("Bước") and t.section is None for t in ts)


def test_dev_lead_and_deadline_of_gold_rows():
    gold = json.loads((GOLD / "tasks" / "dev-tvpl-qd2487-langson-qtnb-khcn.json").read_text())["tasks"]
    got = _tasks("dev-tvpl-qd2487-langson-qtnb-khcn.md")
    for g, t in list(zip(gold, got))[:3]:
        assert (t.stt, t.task, t.lead, t.deadline) == (g["stt"] or None, g["task"], g["lead"], g["deadline"])


def test_dev_negatives_schedules_and_registers_give_no_tasks():
    negs = json.loads((GOLD / "NEGATIVES.json").read_text())
    for d in negs:
        if d["doc"].endswith(".md"):
            assert not _tasks(d["doc"]), d["doc"]


# per-document cell_acc reached on the dev gold, minus 0.02
FLOOR = {
    "dev-tvpl-qd1383-bnv-lich-thongke": 0.98, "dev-tvpl-qd1490-bacninh-qtnb-dautu": 0.98,
    "dev-tvpl-qd1594-hanoi-ttpvhcc-tongiao": 0.94, "dev-tvpl-qd1948-caobang-qtnb-ktthv": 0.98,
    "dev-tvpl-qd2028-caobang-qtnb-congchuc": 0.98, "dev-tvpl-qd2031-caobang-qtnb-vhttdl": 0.98,
    "dev-tvpl-qd2487-langson-qtnb-khcn": 0.97, "dev-tvpl-qd2682-vinhlong-qtnb-cainghien": 0.98,
    "dev-tvpl-qd3004-hatinh-qtnb-tbyt": 0.98, "dev-tvpl-qd3760-nghean-qtnb-giaoduc": 0.98,
    "dev-tvpl-qd3854-nghean-qtnb-capxa": 0.98, "dev-vbai-kh-kiemtra-cchc2026-lamdong": 0.98,
}


def test_dev_gold_cell_accuracy(tmp_path):
    from kehoach.eval import tables as ev
    from kehoach.pipeline import ingest
    golds = ev.load_gold(GOLD)
    inputs = [str(p) for p in ev.gold_inputs(set(golds), [DEV])]
    ingest(inputs, tmp_path)
    res = ev.score(golds, tmp_path, inputs)
    low = {d.name: round(d.correct / d.cells, 3) for d in res.docs
           if d.correct / d.cells < FLOOR[d.name.rsplit(".", 1)[0]]}
    assert not low, low
    # the bar over the whole dev gold (row_f1 is the mean over documents)
    assert res.cell_acc >= 0.95 and res.row_f1 >= 0.95, (res.cell_acc, res.row_f1)


def _fold(s):
    import unicodedata
    return " ".join(unicodedata.normalize("NFC", s or "").replace("*", "").split()).lower()


def test_dev_tasks_keep_their_table_heading():
    # the gold's `heading` (the caption printed above each table) against `table_heading`; the
    # recovered caption may run on past the gold's (text printed between caption and table)
    hits = total = 0
    for path in sorted((GOLD / "tasks").glob("*.json")):
        gold = json.loads(path.read_text())
        want = {}
        for t in gold["tasks"]:
            want.setdefault(t["table"], t.get("heading"))
        got = {}
        for t in extract(SHARED / gold["source"]).tasks:
            if t.origin == "table":
                got.setdefault(t.table, t.table_heading)
        for table, heading in want.items():
            total += 1
            g, p = _fold(heading), _fold(got.get(table))
            hits += bool(p) and (p.startswith(g) or g.startswith(p))
    assert total == 57 and hits >= 48, (hits, total)        # 50 of 57 reached

"""Task-table recovery on the real seed plans, and on the same tables cut and laid out in
other ways: the logical tasks must not depend on where the pages broke."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import GOLD_STEMS, SEEDS, gold
from kehoach.eval import tables as ev
from kehoach.extract.recover import join_fragments, match_header_field, value_kind
from kehoach.pipeline import extract
from recut import recut, to_markdown


def _rows(ex) -> list[dict]:
    return [dict(t.__dict__) for t in ex.tasks]


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_seed_table_matches_gold(seeds_out, stem):
    res = ev.score(ev.load_gold(SEEDS.parent / "gold"), seeds_out, [str(p) for p in SEEDS.glob(stem + "*")])
    d = res.docs[0]
    assert d.n_pred == d.n_gold, d.misses[:5]
    assert d.cell_acc >= 0.97, d.misses[:10]
    assert d.split_ok == d.split_total, [m for m in d.misses][:10]


def _score_text(tmp_path: Path, name: str, text: str, expected: dict) -> ev.DocScore:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    ex = extract(p, str(p))
    assert ex.status == "ok", ex.error
    return ev.score_document(name, expected, _rows(ex)), ex


RECUTS = [(stem, seed, repeat, permute) for stem in GOLD_STEMS for seed, repeat, permute in
          [(1, True, False), (2, False, False), (3, True, True), (4, False, True), (5, True, False)]]


@pytest.mark.parametrize("stem,seed,repeat,permute", RECUTS)
def test_recut_tables_give_the_same_tasks(tmp_path, stem, seed, repeat, permute):
    text, expected = recut(gold(stem), seed=seed, repeat_header=repeat, permute=permute)
    d, ex = _score_text(tmp_path, f"{stem}.recut{seed}.txt", text, expected)
    assert d.n_pred == d.n_gold and d.matched == d.n_gold, d.misses[:6]
    assert d.cell_acc >= 0.97, d.misses[:10]
    got_split = {t.seq: t.split for t in ex.tasks}
    want_split = {t["seq"]: t["split"] for t in expected["tasks"]}
    wrong = [s for s in want_split if want_split[s] != got_split.get(s)]
    assert len(wrong) <= 1, (wrong, d.misses[:6])


def test_recut_aggregate_accuracy(tmp_path):
    """Across many random cuts the recovery stays at the seeds' level."""
    totals = ev.EvalResult(docs=[])
    for stem in GOLD_STEMS:
        for seed in range(20, 30):
            rng = random.Random(seed)
            text, expected = recut(gold(stem), seed=seed, repeat_header=rng.random() < 0.5,
                                   permute=rng.random() < 0.5)
            d, _ = _score_text(tmp_path, f"{stem}.r{seed}.txt", text, expected)
            totals.docs.append(d)
    assert totals.cell_acc >= 0.97
    assert totals.split_acc >= 0.85
    assert totals.row_f1 >= 0.98


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_markdown_layout_gives_the_same_tasks(tmp_path, stem):
    g = gold(stem)
    expected = {**g, "tasks": [dict(t, split=False) for t in g["tasks"]]}
    p = tmp_path / f"{stem}.md"
    p.write_text(to_markdown(g), encoding="utf-8")
    ex = extract(p, str(p))
    assert ex.document.format == "md"
    d = ev.score_document(p.name, expected, _rows(ex))
    assert d.n_pred == d.n_gold, d.misses[:6]
    assert d.cell_acc >= 0.97, d.misses[:10]


@pytest.mark.parametrize("header,field", [
    ("Stt", "stt"), ("ST T", "stt"), ("<b>TT</b>", None), ("TT", "stt"),
    ("Nội dung thực hiện", "task"), ("Nội dung công việc", "task"), ("Nhiệm vụ, giải pháp", "task"),
    ("Tên nhiệm vụ", "task"), ("Mục tiêu", "objective"), ("Kết quả/ Sản phẩm", "output"),
    ("Dự kiến sản phẩm", "output"), ("Sản phẩm đầu ra", "output"), ("Đơn vị chủ trì thực hiện", "lead"),
    ("Cơ quan chủ trì", "lead"), ("Đơn vị thực hiện", "lead"), ("Cơ quan phối hợp", "support"),
    ("Cơ quan phối", "support"), ("Thời gian hoàn", "deadline"), ("Thời gian hoàn thành", "deadline"),
    ("Thời hạn hoàn thành", "deadline"), ("Căn cứ thực hiện", "basis"), ("Đơn vị", None),
    ("Ghi chú", None),
])
def test_header_vocabulary(header, field):
    # markup is removed by the readers before the recovery sees a header
    assert match_header_field(header) == field or (header.startswith("<") and field is None)


@pytest.mark.parametrize("value,kind", [
    ("Trước ngày 31/01/2024", "deadline"), ("Thường xuyên", "deadline"), ("Quý III/2024", "deadline"),
    ("Hàng Quý/ Năm", "deadline"), ("Trước 01/06/2023", "deadline"), ("2026 - 2030", "deadline"),
    ("Khi có hướng dẫn của Bộ ngành TW", "deadline"), ("Phòng Lãnh sự - NVNONN", "unit"),
    ("Văn phòng Sở", "unit"), ("VP UBND xã", "unit"), ("CB, CC 1 cửa xã", "unit"),
    ("Văn bản đề xuất", "product"), ("Kế hoạch Kiểm soát TTHC năm 2024", "product"),
])
def test_value_kinds_from_real_cells(value, kind):
    assert value_kind(value) == kind


@pytest.mark.parametrize("a,b,joined,dup", [
    ("Thường xuyên", "xuyên", "Thường xuyên", True),                      # 001 row 1.5
    ("Văn phòng", "Văn phòng HĐND-UBND huyện", "Văn phòng HĐND-UBND huyện", True),  # 001 row 6.1
    ("Các phòng, đơn vị có liên quan", "liên quan", "Các phòng, đơn vị có liên quan", True),  # 004 row 21
    ("Phối hợp hoàn thành kết nối, chia sẻ dữ", "liệu từ các CSDL", "Phối hợp hoàn thành kết nối, chia sẻ dữ liệu từ các CSDL", False),
    ("Quyết định số 31/2021/QĐ-", "TTg;", "Quyết định số 31/2021/QĐ- TTg;", False),
    ("", "VP UBND xã", "VP UBND xã", False),
])
def test_join_fragments(a, b, joined, dup):
    assert join_fragments(a, b) == (joined, dup)


def test_missing_number_is_a_finding(seeds_out):
    import pandas as pd
    f = pd.read_parquet(seeds_out / "findings")
    miss = f[(f.kind == "missing_number") & f.source.str.contains("003_")]
    assert list(miss.value) == ["4"]


def test_duplicated_boundary_fragments_are_reported(seeds_out):
    import pandas as pd
    f = pd.read_parquet(seeds_out / "findings")
    dups = f[f.kind == "duplicate_fragment"]
    assert {"001_9e03fbf4f3d2e073.txt", "004_0b88bc6089270356.txt"} <= {Path(s).name for s in dups.source}

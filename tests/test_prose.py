"""Prose tasks (kehoach.extract.prose, shared/prose-tasks.md): the outline, the vocabulary as
data, and tasks of real documents checked against corpus/gold-prose."""
from __future__ import annotations

import json

import pytest

from conftest import CORPUS, SHARED, needs_shared
from kehoach.eval.prose import norm, score_document
from kehoach.extract import prose
from kehoach.extract.outline import build_outline, classify
from kehoach.model import TextBlock
from kehoach.pipeline import extract

GOLD = CORPUS / "gold-prose"
V = prose.vocab()


def _blocks(*lines):
    return tuple(TextBlock(t, i, line=i + 1) for i, t in enumerate(lines))


# --- the vocabulary as data -----------------------------------------------------------------

@pytest.mark.parametrize("example", V["task_parts"]["examples"])
def test_task_part_examples(example):
    assert prose.part_kind(classify(example)[2]) == "task"


@pytest.mark.parametrize("example", V["no_task_parts"]["examples"])
def test_no_task_part_examples(example):
    assert prose.part_kind(classify(example)[2]) == "none"


@pytest.mark.parametrize("example", V["assignment"]["examples"])
def test_assignment_examples(example):
    assert prose.has_marker(example) and prose.own_unit(example)


@pytest.mark.parametrize("example", V["unit_examples"] + V["unit_stop_examples"])
def test_unit_examples(example):
    unit = prose.own_unit(example)
    assert unit and prose.starts_with_unit(unit) and len(unit) < len(example)


@pytest.mark.parametrize("example", V["compound_examples"])
def test_compound_examples(example):
    assert prose._cut_unit(example).endswith("Chương trình MTQG")


@pytest.mark.parametrize("example", V["fields"]["examples"])
def test_field_examples(example):
    role, value = prose.field_of(example)
    assert role in ("lead", "support", "deadline") and value and not value.endswith(".")


@pytest.mark.parametrize("example", V["closing"]["examples"])
def test_closing_examples(example):
    assert prose.is_closing(example)


@pytest.mark.parametrize("example", V["deadline"]["examples"])
def test_deadline_examples(example):
    assert prose.deadline_of(example)


@pytest.mark.parametrize("example", V["basis_examples"])
def test_basis_examples(example):
    assert not prose._f(prose.own_unit(example)).startswith(("căn cứ", "trên cơ sở"))
    assert prose.own_unit(example)


@pytest.mark.parametrize("example", V["appendix_examples"])
def test_appendix_examples(example):
    assert prose.is_appendix_pointer(example)


# --- the outline and the rules on small inputs ----------------------------------------------

def test_outline_nests_parts_numbers_letters_bullets():
    root = build_outline(_blocks("I. NHIỆM VỤ", "1. Sở Nội vụ", "a) Rà soát quy định.", "- Báo cáo kết quả.",
                                 "2. Sở Tài chính", "Bố trí kinh phí."))
    part = root.children[0]
    assert (part.kind, part.label) == ("part", "I")
    one, two = part.children
    assert (one.label, one.children[0].label, one.children[0].children[0].kind) == ("1", "a", "bullet")
    assert two.children[0].kind == "para"


def test_heading_lead_is_inherited_and_own_unit_overrides():
    doc = type("D", (), {"blocks": _blocks(
        "II. NHIỆM VỤ VÀ GIẢI PHÁP", "1. Sở Nội vụ", "a) Rà soát quy định.",
        "b) Giao Sở Tư pháp chủ trì, phối hợp với Sở Tài chính thẩm định, hoàn thành trước ngày 30/6/2025."),
        "format": "txt"})()
    drafts, _ = prose.prose_tasks(doc)
    assert [d.lead for d in drafts] == ["Sở Nội vụ", "Sở Tư pháp"]
    assert drafts[1].support == "Sở Tài chính"
    assert drafts[1].deadline == "trước ngày 30/6/2025"
    assert drafts[0].path == ("II", "1") and drafts[0].title == "Sở Nội vụ"


def test_no_tasks_in_target_parts_and_closing():
    doc = type("D", (), {"blocks": _blocks(
        "I. CÁC CHỈ TIÊU", "- Xây dựng, thực hiện hiệu quả Kế hoạch kiểm tra.", "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Nội vụ có trách nhiệm theo dõi.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc báo cáo UBND tỉnh."), "format": "txt"})()
    drafts, _ = prose.prose_tasks(doc)
    assert [d.text for d in drafts] == ["Sở Nội vụ có trách nhiệm theo dõi."]


def test_deadlines_skip_cited_dates_and_objects():
    assert prose.deadline_of("theo Quyết định số 39/QĐ-UBND ngày 20/9/2019") == ""
    assert prose.deadline_of("trong dự toán ngân sách hàng năm") == ""
    assert prose.deadline_of("báo cáo trước ngày 15 hằng tháng") == "trước ngày 15 hằng tháng"


def test_support_is_not_a_directed_unit():
    assert prose.support_of("Chỉ đạo các đơn vị chủ rừng phối hợp với Công an") == ""
    assert prose.support_of("tăng cường hiệu quả công tác phối hợp giữa các cơ quan") == ""


# --- real documents against the gold -------------------------------------------------------

def _gold(stem):
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


def _prose_rows(path):
    ex = extract(path)
    assert ex.status == "ok", ex.error
    return ex, [dict(task=t.task, lead=t.lead, deadline=t.deadline, seq=t.seq, section_path=t.section_path)
                for t in ex.tasks if t.origin == "prose"]


def test_seed_002_prose_tasks():
    ex, rows = _prose_rows(CORPUS / "seeds" / "002_9da8d435c019012e.txt")
    assert not [t for t in ex.tasks if t.origin == "table"]
    s = score_document("002", _gold("002_9da8d435c019012e")["tasks"], rows)
    assert s.f1 == 1.0 and s.lead_acc == 1.0 and s.deadline_acc == 1.0
    assert rows[-2]["lead"] == "Trưởng các phòng chuyên môn, đơn vị thuộc Sở"
    assert rows[-2]["deadline"] == "định kỳ 6 tháng, năm"
    # V.2 is one task of two paragraphs; the KINH PHÍ statement is not a task
    assert rows[-1]["task"].endswith("của tỉnh.") and "Tham mưu báo cáo" in rows[-1]["task"]
    assert not any(norm(r["task"]).startswith("sở bố trí kinh phí") for r in rows)
    assert rows[-1]["section_path"] == ("V",) and rows[29]["section_path"] == ("III", "7", "7.1")


@needs_shared
@pytest.mark.parametrize("stem,f1,lead", [
    ("tvpl-kh1026-nghean-ct32", 1.0, 1.0),
    ("tvpl-ct012-daklak-tthc", 1.0, 1.0),
    ("qngai-tb565-ketluan-mtqg-2024-text", 1.0, 0.7),
    ("qngai-tb11-ketluan-cphoa-2025-text", 1.0, 1.0),
    ("qngai-cv507-gopy-vtci-2025-text", 1.0, 1.0),
    ("dev-tvpl-kh308-hanoi-nq214-dulieu", 1.0, 0.8),
    ("dev-vbai-tb-ketluan-caotoc-lamdong", 1.0, 0.85),
])
def test_real_documents_against_gold(stem, f1, lead):
    g = _gold(stem)
    _ex, rows = _prose_rows(SHARED / g["source"])
    s = score_document(stem, g["tasks"], rows)
    assert s.f1 >= f1 and s.lead_acc >= lead, s.misses[:5]


@needs_shared
def test_table_plan_tasks_are_not_duplicated():
    ex = extract(SHARED / "corpus-real" / "tvpl-kh617-dongthap-cds-dn.md")
    table = {norm(t.task)[:60] for t in ex.tasks if t.origin == "table"}
    assert table
    assert not [t for t in ex.tasks if t.origin == "prose" and norm(t.task)[:60] in table]


@needs_shared
def test_an_assigning_lead_in_heads_the_items_after_it():
    # a notice not in the prose gold: "Giao Sở Tư pháp chủ trì, phối hợp …:" then a), b), c)
    ex = extract(SHARED / "corpus-dev" / "dev-vbai-tb-ketluan-hoinghi-cchc-lamdong.docx")
    tasks = [t for t in ex.tasks if t.origin == "prose"]
    first = [t for t in tasks if t.section == "1"]
    assert [t.stt for t in first] == ["a", "b", "c"]
    assert {t.lead for t in first} == {"Sở Tư pháp"}            # not "Bảo đảm việc" (c's first words)
    assert {t.lead for t in tasks if t.section == "4"} == {"Sở Tài chính"}


def test_unit_heads_are_matched_with_their_marks():
    assert prose.starts_with_unit("Báo Hà Tĩnh đăng tải")
    assert not prose.starts_with_unit("Bảo đảm việc ban hành văn bản")

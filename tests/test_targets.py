"""Measurable commitments (chỉ tiêu). Phrasings quoted from the seeds and shared/corpus-real."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kehoach.eval.meaning import direct_target_scores
from kehoach.normalize.targets import find_targets

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _one(text, **kw):
    ts = find_targets(text, **kw)
    assert len(ts) == 1, ts
    return ts[0]


CASES = [
    # text, indicator, comparator, value, value_max, unit
    ("Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 96%", "on_time_rate", ">=", 96, None, "%"),            # seed 001
    ("Tối thiểu 15 % hồ sơ thủ tục hành chính tại cấp xã được số hóa", "digitized_dossiers", ">=", 15, None, "%"),  # seed 001
    ("Tỷ lệ hài lòng của người dân đạt tối thiểu 94% tại các cấp", "satisfaction_rate", ">=", 94, None, "%"),  # seed 000
    ("Tỷ lệ hài lòng người dân về giải quyết PAKN đạt tối thiểu 90%", "complaint_satisfaction_rate", ">=", 90, None, "%"),
    ("Tối thiểu 95% PAKN xử lý dứt điểm, đúng hạn", "complaint_on_time_rate", ">=", 95, None, "%"),
    ("Tỷ lệ hồ sơ giải quyết trực tuyến trên tổng số hồ sơ đạt tối thiểu 80% tại Sở Ngoại vụ",
     "online_processing_rate", ">=", 80, None, "%"),                                                       # seed 000
    ("100% TTHC có đủ điều kiện, được cung cấp dịch vụ công trực tuyến toàn trình và dịch vụ công trực tuyến một phần",
     "online_services", "=", 100, None, "%"),
    ("70% TTHC có hồ sơ mẫu", "sample_dossiers", "=", 70, None, "%"),
    ("Giảm thời gian chờ đợi của người dân, doanh nghiệp xuống trung bình còn tối đa 15 phút/01 lượt giao dịch",
     "waiting_time", "<=", 15, None, "phút"),                                                              # seed 003
    ("Phân đầu 07-09 sáng kiến kinh nghiệm được Hội đồng Sở công nhận", "initiatives", "range", 7, 9, "sáng kiến"),  # seed 002
    ("Mức độ hài lòng của người dân, doanh nghiệp về giải quyết thủ tục hành chính trên lĩnh vực đối ngoại đạt từ 85% trở lên.",
     "satisfaction_rate", ">=", 85, None, "%"),                                                            # seed 002
    ("Cập nhật, công bố 100% các TTHC được sửa đổi, bổ sung, ban hành mới.", "published_procedures", "=", 100, None, "%"),
    ("Thực hiện số hóa hồ sơ, giấy tờ, kết quả giải quyết TTHC để đảm bảo việc kết nối chia sẻ dữ liệu trong giải "
     "quyết TTHC trên môi trường điện tử đạt khoảng 30%", "digitized_dossiers", "=", 30, None, "%"),         # seed 003
    ("Kinh tế số chiếm 45% GRDP tỉnh", "digital_economy_share", "=", 45, None, "%"),                        # tvpl-kh144
    ("Tỷ lệ doanh nghiệp ứng dụng thương mại điện tử phấn đấu đạt trên 70%", "e_commerce", ">", 70, None, "%"),  # tvpl-kh179
    ("Tỉ lệ giao dịch không dùng tiền mặt đạt 80%", "cashless_payment", "=", 80, None, "%"),                  # tvpl-kh144
    ("Tỷ lệ chăm sóc cây xanh đạt 97,5%", None, "=", 97.5, None, "%"),                                      # no known indicator
]


@pytest.mark.parametrize("text,indicator,cmp_,value,vmax,unit", CASES)
def test_target_cases(text, indicator, cmp_, value, vmax, unit):
    t = _one(text, year=2024)
    assert (t.indicator, t.comparator, t.value, t.value_max, t.unit) == (indicator, cmp_, value, vmax, unit)
    s, e = t.span
    assert text[s:e].strip(" ,;.") == t.text or t.text in " ".join(text[s:e].split())


def test_two_values_in_one_clause():
    # seed 001: "100% TTHC nội bộ … công bố, công khai và 50% TTHC nội bộ … phương án đơn giản hóa"
    text = ("100% TTHC nội bộ trong hệ thống hành chính nhà nước được thực hiện rà soát, thống kê, công bố, công khai "
            "và 50% TTHC nội bộ thuộc thẩm quyền quản lý chuyên ngành được rà soát, đánh giá, trình phê duyệt "
            "phương án đơn giản hóa theo lộ trình được giao tại Quyết định số 1085/QĐ-TTg ngày 15 tháng 9 năm 2022")
    ts = find_targets(text, year=2023)
    assert [(t.indicator, t.value, t.year) for t in ts] == [
        ("internal_procedures_published", 100, 2023), ("internal_procedures_simplified", 50, 2023)]


def test_comparator_shared_after_va():
    # seed 004 row 20
    ts = find_targets("Cắt giảm ít nhất 20% TTHC và 20% chi phí tuân thủ TTHC")
    assert [(t.indicator, t.comparator, t.value) for t in ts] == [
        ("simplification_rate", ">=", 20), ("compliance_cost_reduction", ">=", 20)]


def test_second_value_of_a_piece_and_step():
    # seed 003 III.2
    ts = find_targets("Tăng tỷ lệ số hóa, ký số và lưu trữ điện tử đối với hồ sơ, giấy tờ, kết quả giải quyết thành "
                      "công trong mỗi năm thêm 20% đối với mỗi cấp hành chính cho đến khi đạt tỷ lệ 100%")
    assert [(t.indicator, t.value) for t in ts] == [("digitized_dossiers", 20), ("digitized_dossiers", 100)]


def test_value_cell_borrows_the_indicator_of_its_row():
    # seed 004 row 17: task | lead | support | deadline | output
    row = "Nâng cao tỷ lệ giải quyết hồ sơ TTHC trước hạn\tCác phòng, đơn vị có liên quan\tVăn phòng\tThường xuyên\tĐạt trên 96%"
    t = _one(row)
    assert (t.indicator, t.comparator, t.value, t.text) == ("on_time_rate", ">", 96, "Đạt trên 96%")
    # alone, the figure has no indicator
    assert _one("Đạt trên 96%").indicator is None


def test_deadline_durations_are_not_targets():
    # seed 004 rows 2 and 10 (deadline cells next to a task that names "công bố TTHC")
    row = ("Tham mưu ban hành Quyết định công bố danh mục TTHC\tVăn phòng\tChậm nhất 05 ngày kể từ ngày nhận được "
           "Quyết định công bố TTHC của Bộ.\tQuyết định công bố TTHC")
    assert find_targets(row) == []
    assert find_targets("Thời hạn xử lý: 15 ngày làm việc kể từ ngày nhận được phản ánh, kiến nghị") == []


def test_year_from_the_text_not_from_a_date():
    t = find_targets("Đạt tỷ lệ tối thiểu 50% người dân, doanh nghiệp khi thực hiện TTHC (theo lộ trình năm 2025 "
                     "đạt 80% theo Nghị quyết 76/NQ-CP ngày 15/7/2021)", year=2024)
    assert [(x.value, x.year) for x in t] == [(50, 2024), (80, 2025)]


def test_sentence_cut_by_a_page_break_is_joined():
    # seed 002: "80% DVC trực" + blank line + "tuyển toàn trình có phát sinh hồ sơ trực tuyến"
    text = ("- Tiếp tục … 80% DVC trực\n\ntuyển toàn trình có phát sinh hồ sơ trực tuyến; 60% hồ sơ TTHC thuộc "
            "danh mục dịch vụ công trực tuyến toàn trình được tiếp nhận và thụ lý trực tuyến.\n\n- Mức độ hài lòng")
    ts = find_targets(text)
    assert [(t.indicator, t.value) for t in ts] == [("online_services_with_dossiers", 80), ("online_processing_rate", 60)]


def test_numbers_that_are_not_targets():
    text = ("Duy trì hệ thống quản lý chất lượng Tiêu chuẩn Việt Nam ISO 9001: 2018. Nghị quyết số 76/NQ-CP ngày "
            "15/7/2021; giai đoạn 2021 - 2030; Tổng đài Dịch vụ công 1022; mức độ 3, mức độ 4")
    assert find_targets(text) == []


def test_gold_f1_on_the_seeds():
    s = direct_target_scores(ROOT / "corpus" / "gold", ROOT / "corpus" / "seeds")
    assert s["overall"]["tp"] >= 90
    assert s["overall"]["f1"] >= 0.95, s["per_doc"]


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "corpus-real").is_dir(), reason="../shared absent")
def test_real_corpus_targets():
    text = (SHARED / "corpus-real" / "tvpl-kh144-bacninh-ktso.md").read_text(encoding="utf-8")
    ts = find_targets(text, year=2025)
    got = {(t.indicator, t.comparator, t.value) for t in ts}
    assert ("digital_economy_share", "=", 45) in got
    assert ("cashless_payment", "=", 80) in got
    for t in ts:
        s, e = t.span
        assert 0 <= s < e <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.one_of(st.none(), st.integers(-10**6, 10**6)))
def test_never_raises(text, year):
    for t in find_targets(text, year=year):
        assert t.comparator in {">=", "<=", "=", ">", "<", "range"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789%,.-– \n\ttối thiểu đạt trên tỷ lệ hồ sơ số hóa phút và", max_size=150))
def test_never_raises_on_target_like_text(text):
    find_targets(text, year=2024)

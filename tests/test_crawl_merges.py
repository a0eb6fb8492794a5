"""Merged cells a crawl dropped (tests/fixtures/crawl_*.md, excerpts of real crawls from a
legal portal): a crawled row prints only the cells its HTML row had, so a vertically merged
cell appears on the merge's first row alone, and a header may lack the number column its rows
have. The recovery places a short row's cells by what they hold and takes the dropped cells
from the row above; cells the row printed empty stay empty."""
from __future__ import annotations

import pytest

from conftest import FIXTURES
from kehoach.extract.labels import is_label
from kehoach.pipeline import extract


@pytest.fixture(scope="module")
def rowspans():
    # shared/corpus-dev/dev-tvpl-qd1594-hanoi-ttpvhcc-tongiao.md l.431-680
    ex = extract(FIXTURES / "crawl_dropped_rowspans.md")
    assert ex.status == "ok", ex.error
    return tuple(t for t in ex.tasks if t.origin == "table")


def test_rows_under_a_merged_step_keep_the_step_and_its_output(rowspans):
    # "Lãnh đạo Sở | - Phân công … | 1 ngày": the step and output cells are merged with Bước 2's
    step2 = [t for t in rowspans if t.stt == "Bước 2"]
    assert [t.lead for t in step2] == ["Trưởng Bộ phận TN&TKQ", "Lãnh đạo Sở", "Lãnh đạo phòng Nghiệp vụ"]
    assert [t.deadline for t in step2] == ["1/2 ngày", "1 ngày", "1 ngày"]
    assert {t.output for t in step2} == {"Mẫu Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu số 06)"}
    assert step2[1].task == "- Phân công thụ lý hồ sơ cho phòng Nghiệp vụ."
    assert any("vertical merge" in r for r in step2[1].repairs)
    assert not any("vertical merge" in r for r in step2[0].repairs)


def test_trailing_merged_cells_come_from_the_row_above(rowspans):
    # Bước 7–9 print step | unit | content: the 07 days and the output span down from Bước 6
    by = {t.stt: t for t in rowspans}
    for step in ("Bước 7", "Bước 8", "Bước 9"):
        assert by[step].deadline == "07 ngày", step
        assert by[step].output == by["Bước 6"].output, step
        assert by[step].lead and by[step].task
    # Bước 10 printed its time and output cells, empty: nothing is invented for them
    assert not by["Bước 10"].deadline and not by["Bước 10"].output


def test_a_bold_row_spanning_the_table_is_a_section(rowspans):
    assert len(rowspans) == 17 and all(t.stt.startswith("Bước") for t in rowspans)
    assert all(t.section is None for t in rowspans if t.stt in ("Bước 1", "Bước 5"))
    by = {t.stt: t for t in rowspans}
    assert by["Bước 6"].section == "" and by["Bước 6"].section_title == "Quy trình nội bộ tại UBND thành phố Hà Nội"
    assert by["Bước 13"].section_title == "Quy trình nội bộ tại UBND thành phố Hà Nội"
    assert by["Bước 14"].section_title == "Quy trình nội bộ tại Sở Dân tộc và Tôn giáo"
    # the title glued after Bước 13's last printed cell is no output of it
    assert all("Quy trình nội bộ" not in (t.output or "") for t in rowspans)


def test_a_header_without_the_number_column_keeps_rows_whole():
    # shared/corpus-real/tvpl-kh179-dongnai-ktso.md l.1590-1661 and l.2365-2448: the second
    # header reads "Nội dung | Đơn vị thực hiện | …" over rows "1.1 | Xây dựng … | Sở … | …"
    ex = extract(FIXTURES / "crawl_header_without_number.md")
    ts = ex.tasks
    assert [t.stt for t in ts] == ["1.1", "2.1", "1.1", "1.2", "1.3", "1.4"]
    assert all(is_label(t.stt) and t.task and t.lead for t in ts)
    assert [t.output for t in ts[2:4]] == ["Kế hoạch", "Nền tảng ứng dụng"]
    assert ts[2].lead == "Sở Nông nghiệp và Môi trường"
    assert ts[2].support == "Các sở, ban, ngành; UBND các phường xã"
    assert ts[2].deadline == "2026 - 2030"


def test_tasks_keep_the_caption_above_their_table(rowspans):
    assert {t.table_heading for t in rowspans} == {"6. Quy trình giải quyết"}


@pytest.mark.parametrize("text,caption", [
    # dev-tvpl-qd1490 l.145-155: the appendix title, the part and the caption run together
    ("PHỤ LỤC QUY TRÌNH NỘI BỘ I. Lĩnh vực Đầu tư theo phương thức PPP 1. Trình tự chuẩn bị dự án",
     "1. Trình tự chuẩn bị dự án"),
    # dev-tvpl-qd2487 l.1325-1334: a list of items introduced by its parent
    ("2. Nhóm 02 TTHC, gồm: 2.1. Thủ tục cấp lại Giấy A 2.2. Thủ tục cấp lại Giấy B",
     "2. Nhóm 02 TTHC, gồm: 2.1. Thủ tục cấp lại Giấy A 2.2. Thủ tục cấp lại Giấy B"),
    # dev-tvpl-qd2028: a case of the procedure right above its table
    ("1. Quy trình nội bộ: Tuyển chọn kiến trúc sư 1.1. Đối với trường hợp cấp tỉnh",
     "1.1. Đối với trường hợp cấp tỉnh"),
    ("Mã số 3.000527 năm 2025. Tổng", "Mã số 3.000527 năm 2025. Tổng"),      # no label in it
])
def test_caption_of_run_together_headings(text, caption):
    from kehoach.extract.recover.layout import _caption_of
    assert _caption_of(text) == caption

"""Heuristics added for task tables nobody tuned for (issue 12), one at a time, on cells and
crawl slots copied from ../shared/corpus-dev (file and line at each input)."""
from __future__ import annotations

import pytest

from kehoach.extract.recover.assemble import is_summary_row, is_total_phrase
from kehoach.extract.recover.headers import detect_header
from kehoach.extract.recover.layout import _to_line
from kehoach.extract.text import _markdown_tables
from kehoach.gazetteer import load_yaml
from kehoach.model import Cell, Row, TableFragment

VOCAB = load_yaml("column_types.yaml")


def _row(values, line=None, bold=False):
    return Row(cells=tuple(Cell(text=v, col=i, line=line, bold=bold and bool(v))
                           for i, v in enumerate(values)), line=line)


def _line(header, values):
    frag = TableFragment(rows=(), index=0, page=None, after_break=False, block_index=0)
    return _to_line(_row(values), header, frag, False, [])


PROC = detect_header(_row(["Các bước", "Nội dung công việc", "Trách nhiệm thực hiện",
                           "Thời gian thực hiện (ngày làm việc)"]))   # qd1948 l.484


@pytest.mark.parametrize("text", VOCAB["total_row_examples"])
def test_total_row_examples_resolve(text):
    assert is_total_phrase(text)


@pytest.mark.parametrize("text", VOCAB["total_row_non_examples"])
def test_total_row_non_examples(text):
    assert not is_total_phrase(text)


@pytest.mark.parametrize("values", [
    ["", "Tổng thời gian giải quyết TTHC", "", "12 ngày"],                 # qd1948 l.473 (merged stt+task)
    ["Tổng thời gian giải quyết TTHC", "Tổng thời gian giải quyết TTHC: Không quá 05 ngày làm việc kể "
     "từ ngày nhận được văn bản đề xuất thực hiện dự án của nhà đầu tư.", "", ""],   # qd1490 l.380
    ["Tổng thời gian giải quyết thủ tục hành chính", "03 ngày làm việc (kể từ ngày nhận đủ hồ sơ)", "", ""],
])
def test_total_rows_are_summaries(values):
    assert PROC is not None
    assert is_summary_row(_line(PROC, values), PROC)


@pytest.mark.parametrize("values", [
    ["Bước 1", "Tổng hợp ý kiến góp ý của các sở, ngành", "Phòng Nghiệp vụ", "01 ngày"],
    ["", "Tổng hợp hồ sơ trình Lãnh đạo Sở", "Chuyên viên", "0,5 ngày"],
])
def test_task_rows_beginning_with_tong_are_tasks(values):
    assert not is_summary_row(_line(PROC, values), PROC)


def _slots_text(cells):
    """A crawled markdown table: every cell between two "|" lines, an empty slot between rows."""
    out = ["|"]
    for c in cells:
        out += ([c] if c else []) + ["|"]
    return out


def test_caption_glued_to_a_total_row_is_its_own_row():
    # qd1948 l.466-484: the total row, then the next table's caption with no row boundary,
    # then the next table's header
    lines = _slots_text(["Bước 8", "Trả kết quả giải quyết thủ tục hành chính", "Bộ phận một cửa",
                         "Không tính thời gian", "", "", "**Tổng thời gian giải quyết TTHC**", "",
                         "**12 ngày**", "**Quy trình số: 02** **2. Phê duyệt kế hoạch tác động thời tiết**",
                         "**Các bước**", "**Nội dung công việc**", "**Trách nhiệm thực hiện**",
                         "**Thời gian thực hiện**", "", "Bước 1", "Kiểm tra hồ sơ", "Công chức", "0,5 ngày"])
    tables = _markdown_tables(lines, 0, len(lines))
    first = [[c.text for c in r.cells] for r in tables[0]]
    assert first[-2] == ["", "Tổng thời gian giải quyết TTHC", "", "12 ngày"]
    assert first[-1] == ["Quy trình số: 02 2. Phê duyệt kế hoạch tác động thời tiết"]


def _doc(rows):
    frag = TableFragment(rows=tuple(_row(v, line=i + 1) for i, v in enumerate(rows)), index=0, page=None,
                         after_break=False, block_index=0)
    return frag


def _recover(rows):
    from kehoach.extract.recover import recover
    from kehoach.model import Document
    import inspect
    frag = _doc(rows)
    params = inspect.signature(Document).parameters
    kw = {k: None for k, p in params.items() if p.default is inspect.Parameter.empty}
    kw.update(blocks=(), fragments=(frag,))
    if "layout" in params:
        kw["layout"] = "positional"
    return recover(Document(**kw))


# qd3004 l.458-540: a five-column workflow nested in a per-procedure block table
NESTED = [["2.9", "Kết quả giải quyết TTHC: Số công bố"],
          ["2.10", "Quy trình xử lý công việc:"],
          ["TT", "Trình tự", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"],
          ["B1", "Trước khi thực hiện sản xuất thiết bị y tế, cơ sở nộp hồ sơ công bố về Sở Y tế nơi đặt địa",
           "Tổ chức", "Giờ hành chính", ""],
          ["", "điểm ghi trong giấy chứng nhận hệ thống quản lý chất lượng", "", "", ""],
          ["B2", "Khi nhận hồ sơ, Sở Y tế đăng tải công khai", "Chuyên viên được giao xử lý hồ sơ",
           "Ngay sau khi nhận đủ hồ sơ hợp lệ", "Thông tin hồ sơ đã được đăng tải"],
          ["3", "BIỂU MẪU"],
          ["-", "BM.TBYT.01.01", "Văn bản công bố đủ điều kiện sản xuất"],
          ["4", "HỒ SƠ LƯU"]]


def test_next_item_of_the_enclosing_block_ends_the_table():
    tasks = _recover(NESTED).tasks
    assert [t.stt for t in tasks] == ["B1", "B2"]


def test_row_going_on_mid_sentence_continues_the_row_above():
    t = _recover(NESTED).tasks[0]
    assert t.task.endswith("nơi đặt địa điểm ghi trong giấy chứng nhận hệ thống quản lý chất lượng")
    assert t.split and t.lead == "Tổ chức"

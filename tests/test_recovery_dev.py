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

"""Direct tests of the table-recovery heuristics (kehoach.extract.recover), one function at a
time, on rows, cells and headers copied from real plans.

Sources (the comment at each input gives the file and line):
- corpus/seeds/NNN_*.txt: text of real plans, table rows tab-separated; "000 l.46" is line 46
  of corpus/seeds/000_dbb53274ea895b03.txt, split at the tabs (001 = 001_9e03fbf4f3d2e073.txt,
  003 = 003_e98dbb9b18233da0.txt, 004 = 004_0b88bc6089270356.txt). A row right after a
  repeated header is the top of a new page (the text reader's page-break signal).
- ../shared/corpus-real/tvpl-*.md: real crawls; a cell's lines are joined with a space and its
  ** markup dropped, as the markdown reader hands them over.

Lines are built the way find_tables builds them (_to_line on a Row of Cells), headers with
detect_header (+ _refine_with_subheader for the two-level header), and the task above a
numberless row as _assemble builds it.
"""
from __future__ import annotations

import pytest

from kehoach.extract.labels import clean_label
from kehoach.extract.recover.align import _fit, align, value_kind
from kehoach.extract.recover.assemble import (_assemble, _Building, _continue_row, _row_task_text,
                                              _start_kind, _starts_new_item)
from kehoach.extract.recover.headers import _refine_with_subheader, detect_header, match_header_field
from kehoach.extract.recover.layout import (_is_column_numbering, _is_junk, _Line, _next_label,
                                            _section_of, _Table, _to_line)
from kehoach.extract.recover.settings import DATA_FIELDS, RecoverSettings
from kehoach.extract.recover.text import join_fragments
from kehoach.model import Cell, Row, TableFragment

S = RecoverSettings()


# --- building inputs as the code does ----------------------------------------------------

def _row(values: list[str], line: int | None = None, bold: bool = False) -> Row:
    return Row(cells=tuple(Cell(text=v, col=i, line=line, bold=bold and bool(v))
                           for i, v in enumerate(values)), line=line)


def _line(header, values: list[str], *, line: int | None = None, at_break: bool = False,
          bold: bool = False) -> _Line:
    findings: list = []
    ln = _to_line(_row(values, line, bold), header, TableFragment(rows=(), index=0), at_break, findings)
    assert not findings
    return ln


def _numbered(line: _Line, header) -> _Building:
    """The task a numbered row starts, as _assemble builds it (a lone Mục tiêu text under a
    number is the content of a merged Nội dung cell)."""
    al = align(line, header, S)
    obj, task = al.values.get("objective", ""), al.values.get("task", "")
    merged = al.merged_content or (header.has_objective and bool(obj) and not task)
    if merged and obj and not task:
        obj, task = "", obj
    vals = {**{f: al.values.get(f, "") for f in DATA_FIELDS}, "objective": obj, "task": task}
    return _Building(values=vals, stt=clean_label(al.values["stt"]), section=None, section_title=None,
                     merged_content=merged, objective_group=1, pages=set(),
                     lines=[line.line] if line.line else [])


def _following(line: _Line, header, prev: _Building) -> tuple[dict[str, str], str]:
    """(values, task) of a numberless row under prev, as _assemble computes them."""
    al = align(line, header, S)
    obj, task = _row_task_text(al, header, prev)
    return {**{f: al.values.get(f, "") for f in DATA_FIELDS}, "objective": obj, "task": task}, task


# 000 l.43-44 (001 l.101-102 is the same with Cơ quan): a two-level header, Nội dung thực hiện
# spanning Mục tiêu | Nhiệm vụ.
H000_TOP = ["Stt", "Nội dung thực hiện", "", "Kết quả/ Sản phẩm", "Đơn vị chủ trì", "Đơn vị phối hợp",
            "Thời gian hoàn thành"]
H000_SUB = ["", "Mục tiêu", "Nhiệm vụ", "", "", "", ""]
# 003 l.65, <b> markup removed by the reader (the cells are bold)
H003 = ["TT", "Nội dung công việc", "Đơn vị chủ trì thực hiện", "Đơn vị phối hợp", "Thời gian thực hiện",
        "Dự kiến sản phẩm"]
# 004 l.83
H004 = ["ST T", "Nội dung thực hiện", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
        "Kết quả/Sản phẩm", "Căn cứ thực hiện"]
# tvpl-kh617-dongthap-cds-dn.md l.300-308
H617 = ["STT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]


@pytest.fixture(scope="module")
def h000():
    return _refine_with_subheader(detect_header(_row(H000_TOP)), _row(H000_SUB))


@pytest.fixture(scope="module")
def h003():
    return detect_header(_row(H003, bold=True))


@pytest.fixture(scope="module")
def h004():
    return detect_header(_row(H004))


@pytest.fixture(scope="module")
def h617():
    return detect_header(_row(H617, bold=True))


# --- headers ------------------------------------------------------------------------------

def test_detect_header_real_headers(h000, h003, h004, h617):
    assert detect_header(_row(H000_TOP)).fields == ("stt", "task", None, "output", "lead", "support", "deadline")
    assert h000.fields == ("stt", "objective", "task", "output", "lead", "support", "deadline")
    assert h000.rows == 2 and h000.has_objective
    assert h003.fields == ("stt", "task", "lead", "support", "deadline", "output")
    assert h004.fields == ("stt", "task", "lead", "support", "deadline", "output", "basis")
    assert h617.fields == ("stt", "task", "lead", "support", "deadline")
    assert not h004.has_objective


@pytest.mark.parametrize("values", [
    # 004 l.84: a task row, whose cells say "Văn phòng", "Thông tư" but name no column
    ["1", "Đánh giá tác động TTHC trong lập đề nghị xây dựng văn bản quy phạm pháp luật và soạn thảo dự án, "
     "dự thảo VBQPPL", "Các phòng, đơn vị có liên quan", "Văn phòng", "Trong năm 2024",
     "Báo cáo đánh giá tác động của chính sách kèm theo Biểu mẫu đánh giá tác động của TTHC ban hành kèm theo "
     "Thông tư số 03/2022/TT-BTP", "Thông tư số 03/2022/TT-BTP"],
    # tvpl-kh157-cantho-thidua.md l.444-450: a score table, not a task table
    ["STT", "TIÊU CHÍ THI ĐUA", "ĐIỂM CHUẨN", "HƯỚNG DẪN CHẤM ĐIỂM"],
    # 000 l.44 alone: the sub-header names objective and task only
    H000_SUB,
])
def test_detect_header_refuses_non_headers(values):
    assert detect_header(_row(values)) is None


@pytest.mark.parametrize("text,field", [
    # cut at a page break: the repeated header lost its last word(s)
    ("Thời gian hoàn", "deadline"),              # 001 l.109
    ("Cơ quan phối", "support"),                 # 001 l.164
    # stray space in the number column
    ("ST T", "stt"),                             # 004 l.83
    # crawls: upper case, lines of a cell joined, slash variants
    ("NHIỆM VỤ VÀ GIẢI PHÁP", "task"),            # tvpl-kh552 l.629
    ("CHỦ TRÌ", "lead"),                         # tvpl-kh552 l.631
    ("PHỐI HỢP", "support"),                     # tvpl-kh552 l.633
    ("THỜI GIAN", "deadline"),                   # tvpl-kh552 l.635
    ("Nhiệm vụ, giải pháp", "task"),             # tvpl-kh179 l.1596-1597
    ("Đơn vị thực hiện", "lead"),                # tvpl-kh179 l.1599
    ("Sản phẩm đầu ra", "output"),               # tvpl-kh179 l.1606
    ("Tên nhiệm vụ", "task"),                    # tvpl-kh617 l.302
    ("Nội dung/nhiệm vụ", "task"),               # tvpl-kh310 l.421
    ("Chỉ tiêu", "objective"),                   # tvpl-kh144 l.1375
    ("Kết quả/Sản phẩm", "output"),              # 004 l.83
    ("Căn cứ thực hiện", "basis"),               # 004 l.83
    ("Đơn vị chủ trì thực hiện", "lead"),        # 003 l.65 (longest phrase wins over "đơn vị chủ trì")
    # headers of other tables name no task column
    ("TIÊU CHÍ THI ĐUA", None),                  # tvpl-kh157 l.446
    ("ĐIỂM CHUẨN", None),                        # tvpl-kh157 l.448
    ("Mã TTHC", None),                           # tvpl-qd2022 l.190
])
def test_match_header_field_variants(text, field):
    assert match_header_field(text) == field


def test_cut_header_still_names_the_same_table(h000):
    # 001 l.164: the header repeated at a page break, two cells cut short; it must read as the
    # same columns as the full header, so find_tables treats it as a repeat.
    cut = detect_header(_row(["Stt", "Nội dung thực hiện", "", "Kết quả/ Sản phẩm", "Cơ quan chủ trì",
                              "Cơ quan phối", "Thời gian hoàn"]))
    assert cut is not None
    assert cut.fields == ("stt", "task", None, "output", "lead", "support", "deadline")


# --- what values look like ----------------------------------------------------------------

@pytest.mark.parametrize("value,kind", [
    ("Trước ngày 30 tháng 11 năm", "deadline"),  # 004 l.112 (cut by the break)
    ("Quý IV/2021", "deadline"),                 # 003 l.72
    ("Tháng 7", "deadline"),                     # 003 l.67
    ("2026", "deadline"),                        # tvpl-kh552 l.666
    ("Năm 2021 và các năm tiếp theo", "deadline"),  # 003 l.84
    ("Trong năm 2024", "deadline"),              # 004 l.84
    ("Sau khi có hướng dẫn của VP UBND tỉnh", "deadline"),  # 003 l.71
    ("Sở Tư pháp", "unit"),                      # tvpl-kh179 l.1630
    ("Sở KH&CN", "unit"),                        # tvpl-kh617 l.321
    ("Văn phòng - Thanh tra", "unit"),           # 003 l.67
    ("Các phòng, đơn vị có liên quan", "unit"),  # 004 l.84
    ("UBND xã, CC chuyên môn", "unit"),          # 001 l.177
    ("Tờ trình", "product"),                     # 004 l.93
    ("Danh mục TTHC", "product"),                # 000 l.70
    ("Báo cáo kết quả thực hiện", "product"),    # 000 l.52
    ("Quyết định của Chủ tịch UBND tỉnh", "product"),  # 000 l.47
    ("Hồ sơ mẫu, Hồ sơ mẫu số hóa", "product"),  # 000 l.62
    ("Kinh tế số chiếm 45% GRDP tỉnh.", None),   # tvpl-kh144 l.1388 (a target, not a column value)
    ("Thông tư số 03/2022/TT-BTP", None),        # 004 l.84 (a basis)
])
def test_value_kind_real_cells(value, kind):
    assert value_kind(value) == kind


def test_fit_prefers_each_value_in_its_own_column():
    # the cells of 000 l.46
    deadline, unit, product = "Trước ngày 31/01/2024", "Phòng Lãnh sự - NVNONN", "Kế hoạch Kiểm soát TTHC năm 2024"
    # 000 l.47 (l.46's "Tổ chức, …" begins with a unit phrase, so it is not a neutral task text)
    task = "Cập nhật, sửa đổi các quy định liên quan về công tác kiểm soát thủ tục hành chính do trung ương ban hành"
    assert _fit("deadline", deadline, S) > 0 > _fit("support", deadline, S)
    assert _fit("lead", unit, S) > 0 > _fit("deadline", unit, S)
    assert _fit("output", product, S) > max(_fit("lead", product, S), _fit("deadline", product, S))
    assert _fit("task", task, S) > 0 > _fit("lead", task, S) > _fit("stt", task, S)
    assert _fit("stt", "1.1", S) > 0
    assert _fit("basis", "Thông tư số 03/2022/TT-BTP", S) > 0 > _fit("basis", "Thường xuyên", S)  # 004 l.84, l.89
    assert _fit("deadline", "", S) == 0 and _fit(None, deadline, S) == 0


# --- alignment ----------------------------------------------------------------------------

def test_align_puts_back_a_row_shifted_by_a_merged_content_cell(h000):
    # 000 l.46: the task sat in a merged Mục tiêu + Nhiệm vụ cell; the text lost the empty
    # column, so the deadline landed in the support column and the last column is empty.
    ln = _line(h000, ["1.1", "Tổ chức, triển khai thực hiện Kế hoạch kiểm soát thủ tục hành chính năm 2024 của "
                      "Sở Ngoại vụ", "Kế hoạch Kiểm soát TTHC năm 2024", "Phòng Lãnh sự - NVNONN", "Văn phòng Sở",
                      "Trước ngày 31/01/2024", ""], line=46)
    al = align(ln, h000, S)
    assert al.shift == (1, 1)
    assert al.merged_content
    assert al.values == {
        "stt": "1.1", "objective": "",
        "task": "Tổ chức, triển khai thực hiện Kế hoạch kiểm soát thủ tục hành chính năm 2024 của Sở Ngoại vụ",
        "output": "Kế hoạch Kiểm soát TTHC năm 2024", "lead": "Phòng Lãnh sự - NVNONN",
        "support": "Văn phòng Sở", "deadline": "Trước ngày 31/01/2024", "basis": ""}


def test_align_puts_back_a_shifted_row_cut_by_a_page_break(h000):
    # 001 l.108: the same shift on a row the page break cut ("Văn" | "Thường xuyên"); the
    # empty lead cell stays empty in place and "Thường xuyên" goes back to the deadline.
    ln = _line(h000, ["1.5", "Rà soát, đề xuất hỗ trợ cán bộ tiếp nhận và", "Văn bản", "", "Văn", "Thường xuyên", ""])
    al = align(ln, h000, S)
    assert al.shift == (1, 1)
    assert (al.values["task"], al.values["output"], al.values["lead"], al.values["support"],
            al.values["deadline"]) == ("Rà soát, đề xuất hỗ trợ cán bộ tiếp nhận và", "Văn bản", "", "Văn",
                                      "Thường xuyên")


@pytest.mark.parametrize("header,values", [
    # 000 l.52: the Nhiệm vụ cell is empty but every other cell sits in its column
    ("h000", ["1.4", "Báo cáo tình hình, kết quả thực hiện kiểm soát thủ tục hành chính định kỳ (quý, năm) theo "
              "Thông tư 01/2020/TT-VPCP", "", "Báo cáo kết quả thực hiện", "Phòng Lãnh sự - NVNONN", "Văn phòng Sở",
              "Hàng Quý/ Năm"]),
    # 000 l.55: a full row
    ("h000", ["2.2", "100% quy trình điện tử được cấu hình trên phần mềm Một cửa điện tử kịp thời",
              "Ban hành quy trình nội bộ, quy trình điện tử", "Quyết định của Chủ tịch UBND tỉnh",
              "Phòng Lãnh sự - NVNONN", "Văn phòng Sở", "Thường xuyên"]),
    # 001 l.174: an empty lead in the middle is a hole, not a shift
    ("h000", ["6.1", "Tập huấn, hướng dẫn nghiệp vụ kiểm soát thủ tục hành chính cho cán bộ đầu", "",
              "Kế hoạch, văn bản", "", "Văn phòng", "Quý II/2023"]),
    # 004 l.106: the last (basis) column is empty because the row has no basis
    ("h004", ["17", "Nâng cao tỷ lệ giải quyết hồ sơ", "Các phòng,", "Văn phòng", "Thường xuyên", "Đạt trên 96%", ""]),
    # 003 l.91: no product yet; "Theo Kế hoạch" is already in the deadline column
    ("h003", ["1", "Phối hợp hoàn thành kết nối, chia sẻ dữ", "Văn phòng - Thanh", "Các phòng chuyên",
              "Theo Kế hoạch", ""]),
])
def test_align_leaves_a_row_as_printed(request, header, values):
    h = request.getfixturevalue(header)
    al = align(_line(h, values), h, S)
    assert al.shift is None
    assert not al.merged_content
    assert [al.values[f] if f else "" for f in h.fields] == values


def test_align_never_shifts_rows_of_a_grid_reader(h000):
    # Readers that place cells on a grid report merges; positional=False turns the guess off.
    values = ["1.1", "Tổ chức, triển khai thực hiện Kế hoạch kiểm soát thủ tục hành chính năm 2024 của Sở Ngoại vụ",
              "Kế hoạch Kiểm soát TTHC năm 2024", "Phòng Lãnh sự - NVNONN", "Văn phòng Sở",
              "Trước ngày 31/01/2024", ""]
    al = align(_line(h000, values), h000, RecoverSettings(positional=False))
    assert al.shift is None and not al.merged_content
    # the cells stay where the reader put them
    assert (al.values["support"], al.values["deadline"]) == ("Trước ngày 31/01/2024", "")


def test_align_uses_a_merge_the_reader_reports(h000):
    # 000 l.46 as a grid reader (PDF rulings, DOCX gridSpan) hands it over: the task in one
    # cell spanning Mục tiêu + Nhiệm vụ, every other cell in its own column.
    task = "Tổ chức, triển khai thực hiện Kế hoạch kiểm soát thủ tục hành chính năm 2024 của Sở Ngoại vụ"
    row = Row(cells=(Cell("1.1", 0), Cell(task, 1, colspan=2), Cell("Kế hoạch Kiểm soát TTHC năm 2024", 3),
                     Cell("Phòng Lãnh sự - NVNONN", 4), Cell("Văn phòng Sở", 5), Cell("Trước ngày 31/01/2024", 6)))
    ln = _to_line(row, h000, TableFragment(rows=(), index=0), False, [])
    assert ln.covered[2] and ln.merged_from == {2: 1}
    al = align(ln, h000, RecoverSettings(positional=False))
    assert al.merged_content and al.shift is None
    assert (al.values["objective"], al.values["task"], al.values["deadline"]) == ("", task, "Trước ngày 31/01/2024")


# --- how a cell begins --------------------------------------------------------------------

@pytest.mark.parametrize("text,kind", [
    ("trả kết quả", "lower"),                                   # 001 l.111
    ("phương", "lower"),                                        # 000 l.61
    ("mỗi của các sở, ban, ngành, cấp huyện.", "lower"),        # 001 l.177
    ("quyết PAKN đạt tối thiểu 93%", "lower"),                  # 000 l.98
    ("(https://dichvucong.gov.vn)", "lower"),                   # 004 l.92
    ("TTHC trước hạn", "acronym"),                              # 004 l.108
    ("Công khai kết quả giải quyết PAKN trên Cổng thông tin PAKN của tỉnh, Cổng DVC quốc gia", "capital"),  # 000 l.98
    ("100% bộ TTHC công bố, công khai kịp thời", "capital"),    # 000 l.54
    ("- Tối thiểu 95% PAKN xử lý dứt điểm, đúng hạn; - Tỷ lệ hài lòng người dân về giải quyết PAKN đạt "
     "tối thiểu 90%", "capital"),                               # 001 l.170
    ("", ""),
])
def test_start_kind(text, kind):
    assert _start_kind(text) == kind


# --- a numberless row at the top of a page: continuation or new task ----------------------

# 001 l.108 (then the header repeats at l.109-110) and l.111
ROW_001_108 = ["1.5", "Rà soát, đề xuất hỗ trợ cán bộ tiếp nhận và", "Văn bản", "", "Văn", "Thường xuyên", ""]
ROW_001_111 = ["", "trả kết quả", "", "đề xuất", "VP UBND xã", "phòng HĐND-UBND huyện", "xuyên"]
# 001 l.144 (header repeats at l.146-147) and l.148
ROW_001_144 = ["3.3", "Tỷ lệ hài lòng của người dân đạt tối thiểu 93% tại các cấp",
               "Tổ chức khảo sát ý kiến người dân thường xuyên", "Kế hoạch, báo cáo", "VP UBND xã, CB, CC 1 cửa xã",
               "", "Thường xuyên"]
ROW_001_148 = ["", "", "Tiếp tục triển khai tiện ích SMS, ZMS, email thông tin kết quả giải quyết hồ sơ, nghĩa vụ "
               "tài chính, khảo sát ý kiến người dân", "Các tiện ích được hoàn thiện và triển khai", "CB, CC 1 cửa xã",
               "Phòng Văn hóa và Thông tin", "Thường xuyên"]
# 000 l.94 (header repeats at l.96-97) and l.98
ROW_000_94 = ["5.1", "Tối thiểu 97% PAKN xử lý dứt điểm, đúng hạn; Tỷ lệ hài lòng người dân về giải",
              "Tăng cường trách nhiệm của các đơn vị trong giải quyết các phản ánh, kiến nghị của người dân, doanh "
              "nghiệp trên Cổng dịch vụ công quốc gia; Tổng đài Dịch vụ công 1022 của tỉnh", "PAKN giải quyết kịp thời",
              "Phòng Lãnh sự - NVNONN", "Các phòng ban chuyên môn, đơn vị thuộc Sở", "Thường xuyên"]
ROW_000_98 = ["", "quyết PAKN đạt tối thiểu 93%", "Công khai kết quả giải quyết PAKN trên Cổng thông tin PAKN của tỉnh, "
              "Cổng DVC quốc gia", "Nội dung giải quyết được công khai", "Văn phòng Sở", "Phòng Lãnh sự - NVNONN",
              "Thường xuyên"]
# 004 l.106 (header-less page break after it) and l.108
ROW_004_106 = ["17", "Nâng cao tỷ lệ giải quyết hồ sơ", "Các phòng,", "Văn phòng", "Thường xuyên", "Đạt trên 96%", ""]
ROW_004_108 = ["", "TTHC trước hạn", "đơn vị có liên quan", "", "", "", ""]


@pytest.mark.parametrize("header,above,below", [
    # lower-case start, the other cells the ends of the cells above
    ("h000", ROW_001_108, ROW_001_111),
    # 000 l.57 (2.3, its task cut after "địa") and l.61, one word of it after the header repeats
    ("h000", ["2.3", "100% TTHC công khai đúng hạn", "Công khai bộ TTHC kịp thời trên Cơ sở dữ liệu Quốc gia về TTHC; "
              "Công khai bộ TTHC kịp thời trên Cổng dịch vụ công của tỉnh; Công khai bộ TTHC kịp thời trên Trang "
              "thông tin điện tử, tại Bộ phận TN&TKQ của đơn vị, địa", "Công khai bộ TTHC trên Cơ sở dữ liệu Quốc gia "
              "về TTHC; trên Cổng DVC của tỉnh và trên Trang thông tin điện tử, Bộ phận TN&TKQ",
              "Phòng Lãnh sự - NVNONN", "Phòng Hợp tác quốc tế", "Thường xuyên"], ["", "", "phương", "", "", "", ""]),
    # an acronym start after a task that does not end a sentence
    ("h004", ROW_004_106, ROW_004_108),
    # 001 l.174 then l.177: under a merged Nội dung cell the Mục tiêu column goes on mid-sentence
    ("h000", ["6.1", "Tập huấn, hướng dẫn nghiệp vụ kiểm soát thủ tục hành chính cho cán bộ đầu", "",
              "Kế hoạch, văn bản", "", "Văn phòng", "Quý II/2023"],
     ["", "mỗi của các sở, ban, ngành, cấp huyện.", "", "thông báo, Tài liệu hướng dẫn nghiệp vụ",
      "UBND xã, CC chuyên môn", "Văn phòng HĐND-UBND huyện", ""]),
    # 001 l.135 (a task under 3.1) and l.139: only the end of a lead cell carried over, no task text
    ("h000", ["", "", "Đảm bảo cơ sở vật chất cho hoạt động số hóa hồ sơ TTHC, thanh toán không tiền mặt, khai thác "
              "hiệu quả các cơ sở dữ liệu về dân cư", "Cơ sở vật chất được bố trí", "VP UBND xã và CB, CC chuyên môn",
              "Phòng Văn hóa và Thông tin; Phòng Tài chính - Kế hoạch", "- Thường xuyên"],
     ["", "", "", "", "thị trấn", "", ""]),
])
def test_numberless_row_at_page_top_continues_the_task_above(request, header, above, below):
    h = request.getfixturevalue(header)
    prev = _numbered(_line(h, above), h)
    vals, task = _following(_line(h, below, at_break=True), h, prev)
    assert not _starts_new_item(vals, task, prev)


@pytest.mark.parametrize("above,below", [
    # a capitalised task with its own output, lead, support and deadline
    (ROW_001_144, ROW_001_148),
    # the Mục tiêu cell goes on ("quyết PAKN …") but a new task begins beside it
    (ROW_000_94, ROW_000_98),
])
def test_numberless_row_at_page_top_starts_a_new_task(h000, above, below):
    prev = _numbered(_line(h000, above), h000)
    vals, task = _following(_line(h000, below, at_break=True), h000, prev)
    assert _start_kind(task) == "capital"
    assert _starts_new_item(vals, task, prev)


def test_capitalised_text_alone_is_not_a_new_task(h000):
    # 000 l.98's task cell without the rest of its row: a capital is not enough, a new task
    # fills its other columns (a wrapped sentence may go on with a name: "Cổng DVC …").
    prev = _numbered(_line(h000, ROW_000_94), h000)
    only_task = ["", "", ROW_000_98[2], "", "", "", ""]
    vals, task = _following(_line(h000, only_task, at_break=True), h000, prev)
    assert not _starts_new_item(vals, task, prev)


def test_continue_row_joins_cut_cells_and_drops_the_duplicate(h000):
    # 001 l.108 + l.111 → task 1.5 of corpus/gold/tasks/001_9e03fbf4f3d2e073.json
    prev = _numbered(_line(h000, ROW_001_108, line=108), h000)
    below = _line(h000, ROW_001_111, line=111, at_break=True)
    vals, _ = _following(below, h000, prev)
    findings: list = []
    _continue_row(prev, vals, [prev], below, findings, {2}, [111])
    assert {f: prev.values[f] for f in ("task", "output", "lead", "support", "deadline")} == {
        "task": "Rà soát, đề xuất hỗ trợ cán bộ tiếp nhận và trả kết quả", "output": "Văn bản đề xuất",
        "lead": "VP UBND xã", "support": "Văn phòng HĐND-UBND huyện", "deadline": "Thường xuyên"}
    assert prev.split and prev.lines == [108, 111] and prev.pages == {2}
    assert "row joined across a page break" in prev.repairs
    assert any("deadline: 'xuyên'" in r for r in prev.repairs)
    assert [f.kind for f in findings] == ["duplicate_fragment"]
    # The same row printed again (a repeated fragment) changes nothing: a duplicate row.
    again: list = []
    _continue_row(prev, vals, [prev], below, again, set(), [])
    assert prev.values["task"] == "Rà soát, đề xuất hỗ trợ cán bộ tiếp nhận và trả kết quả"
    assert "duplicate_row" in [f.kind for f in again]


def _table(header, rows: list[tuple[list[str], int, bool]]) -> _Table:
    return _Table(header=header, lines=[_line(header, v, line=n, at_break=brk) for v, n, brk in rows])


def test_assemble_new_task_under_merged_number_and_objective(h000):
    # 000 l.94 / page break / l.98 → tasks 25 and 26 of corpus/gold/tasks/000_dbb53274ea895b03.json
    built = _assemble(_table(h000, [(ROW_000_94, 94, False), (ROW_000_98, 98, True)]), [], S, [0])
    assert [b.stt for b in built] == ["5.1", "5.1"]
    objective = ("Tối thiểu 97% PAKN xử lý dứt điểm, đúng hạn; Tỷ lệ hài lòng người dân về giải quyết PAKN "
                 "đạt tối thiểu 93%")
    assert [b.values["objective"] for b in built] == [objective, objective]
    assert built[1].values["task"] == ROW_000_98[2] and built[1].values["lead"] == "Văn phòng Sở"
    assert all(b.split for b in built)


def test_assemble_continuation_then_group_row(h000):
    # 001 l.107, l.108 / page break / l.111, l.112 ("2. Kiểm soát thủ tục hành chính")
    row_107 = ["1.4", "Báo cáo tình hình, kết quả thực hiện kiểm soát thủ tục hành chính định kỳ (quý, năm) theo "
               "Thông tư 01/2020/TT-VPCP", "Báo cáo của UBND xã", "VP UBND xã", "Văn phòng HĐND-UBND huyện",
               "Hàng Quý/Năm", ""]
    row_112 = ["2.", "Kiểm soát thủ tục hành chính", "", "", "", "", ""]
    row_114 = ["2.1", "100% bộ TTHC công bố, công khai kịp thời", "Rà soát, cập nhật bổ sung kịp thời", "Quyết định",
               "VP UBND xã", "Văn phòng HĐND-UBND huyện", "Thường xuyên"]   # 001 l.114, cells shortened
    findings: list = []
    built = _assemble(_table(h000, [(row_107, 107, False), (ROW_001_108, 108, False), (ROW_001_111, 111, True),
                                    (row_112, 112, False), (row_114, 114, False)]), findings, S, [0])
    assert [b.stt for b in built] == ["1.4", "1.5", "2.1"]
    assert built[1].values["deadline"] == "Thường xuyên" and built[1].split and not built[0].split
    assert (built[2].section, built[2].section_title) == ("2", "Kiểm soát thủ tục hành chính")
    assert "duplicate_fragment" in [f.kind for f in findings]


# --- join_fragments -----------------------------------------------------------------------

@pytest.mark.parametrize("a,b,joined,dup", [
    ("Thường xuyên", "xuyên", "Thường xuyên", True),                         # 001 l.108 / l.111
    ("Văn", "phòng HĐND-UBND huyện", "Văn phòng HĐND-UBND huyện", False),    # 001 l.108 / l.111
    ("Văn bản", "đề xuất", "Văn bản đề xuất", False),                        # 001 l.108 / l.111
    ("Các phòng,", "đơn vị có liên quan", "Các phòng, đơn vị có liên quan", False),  # 004 l.106 / l.108
    ("Văn phòng - Thanh", "tra", "Văn phòng - Thanh tra", False),            # 003 l.72 / l.75
    ("Trước ngày 30 tháng 11 năm", "2024", "Trước ngày 30 tháng 11 năm 2024", False),  # 004 l.112 / l.114
    ("Thường xuyên", "Thường xuyên", "Thường xuyên", True),                  # a cell repeated whole
    ("Văn phòng", "", "Văn phòng", False),
])
def test_join_fragments_real_cuts(a, b, joined, dup):
    assert join_fragments(a, b) == (joined, dup)


# --- group (section) rows -----------------------------------------------------------------

@pytest.mark.parametrize("header,values,bold,next_label,section", [
    ("h003", ["I", "NĂM 2021", "", "", "", ""], True, "1", ("I", "NĂM 2021")),              # 003 l.66
    ("h003", ["III", "NĂM 2023 - 2025", "", "", "", ""], True, "1", ("III", "NĂM 2023 - 2025")),  # 003 l.90
    # a Roman numeral is a group even in mixed case and without bold
    ("h003", ["I", "Hoàn thiện thể chế", "", "", "", ""], False, "1.1", ("I", "Hoàn thiện thể chế")),  # tvpl-kh179 l.1615-1617
    ("h617", ["I", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH", "", "", ""], True, "1",
     ("I", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH")),                                          # tvpl-kh552 l.638-641
    # "1." is a group because deeper numbers (1.1) follow
    ("h000", ["1.", "Hoàn thiện các quy định về kiểm soát thủ tục hành chính", "", "", "", "", ""], False, "1.1",
     ("1", "Hoàn thiện các quy định về kiểm soát thủ tục hành chính")),                    # 000 l.45
    # one cell spanning the row, its label inside the text
    ("h617", ["I. NÂNG CAO NHẬN THỨC VÀ ĐỔI MỚI TƯ DUY", "", "", "", ""], True, "1",
     ("I", "NÂNG CAO NHẬN THỨC VÀ ĐỔI MỚI TƯ DUY")),                                        # tvpl-kh617 l.311-312
    # a Roman part's item heading over rows numbered 1, 2, …
    ("h003", ["III.1", "Nhóm ứng dụng, nền tảng số quy mô quốc gia", "", "", "", ""], False, "1",
     ("III.1", "Nhóm ứng dụng, nền tảng số quy mô quốc gia")),                              # tvpl-qd2629 l.1295-1305
    # a bold upper-case title without a number
    ("h003", ["LĨNH VỰC BẢO TRỢ XÃ HỘI (07 TTHC)", "", "", "", "", ""], True, "1",
     (None, "LĨNH VỰC BẢO TRỢ XÃ HỘI (07 TTHC)")),                                          # tvpl-qd2022 l.203-204
])
def test_group_rows_are_sections(request, header, values, bold, next_label, section):
    h = request.getfixturevalue(header)
    assert _section_of(_line(h, values, bold=bold), h, next_label) == section


@pytest.mark.parametrize("header,values,bold,at_break,next_label", [
    # a task row
    ("h003", ["1", "Xây dựng Kế hoạch và các văn bản triển khai thực hiện Quyết định số 468/QĐ-TTg của Thủ tướng "
              "Chính phủ và Kế hoạch 223/KH-UBND ngày 30/6/2021 của UBND tỉnh", "Văn phòng - Thanh tra",
              "Các phòng chuyên môn, đơn vị trực thuộc", "Tháng 7", "Kế hoạch"], False, False, "2"),    # 003 l.67
    ("h617", ["1", "Triển khai nền tảng đào tạo trực tuyến mở đại trà, cung cấp kiến thức, kỹ năng số, công nghệ số "
              "cơ bản cho người dân, doanh nghiệp.", "Sở KH&CN", "Các sở, ban, ngành tỉnh; UBND các xã, phường",
              "Thường xuyên"], False, False, "2"),                                                    # tvpl-kh617 l.315-325
    # the same "1." row with no deeper number after it is a task whose other cells are empty
    ("h000", ["1.", "Hoàn thiện các quy định về kiểm soát thủ tục hành chính", "", "", "", "", ""], False, False, "2"),
    # the title not bold: a lone lower-priority cell, not a group
    ("h003", ["LĨNH VỰC BẢO TRỢ XÃ HỘI (07 TTHC)", "", "", "", "", ""], False, False, "1"),
    # a lone cell at the top of a page is the end of a cut cell, even in bold capitals
    ("h003", ["LĨNH VỰC BẢO TRỢ XÃ HỘI (07 TTHC)", "", "", "", "", ""], True, True, "1"),
    ("h000", ["", "", "phương", "", "", "", ""], False, True, "2.4"),                              # 000 l.61
])
def test_task_and_continuation_rows_are_not_sections(request, header, values, bold, at_break, next_label):
    h = request.getfixturevalue(header)
    assert _section_of(_line(h, values, bold=bold, at_break=at_break), h, next_label) is None


def test_next_label_skips_numberless_rows(h000):
    # 000 l.55-57: 2.2, its second task without a number, then 2.3
    lines = [_line(h000, v) for v in (
        ["2.2", "100% quy trình điện tử được cấu hình trên phần mềm Một cửa điện tử kịp thời",
         "Ban hành quy trình nội bộ, quy trình điện tử", "Quyết định của Chủ tịch UBND tỉnh",
         "Phòng Lãnh sự - NVNONN", "Văn phòng Sở", "Thường xuyên"],
        ["", "", "Cấu hình quy trình nội bộ, quy trình điện tử lên phần mềm Một cửa (Egov) của tỉnh",
         "Quy trình điện tử được cấu hình trên Egov", "Phòng Lãnh sự - NVNONN", "Văn phòng Sở", "Thường xuyên"],
        ["2.3", "100% TTHC công khai đúng hạn", "Công khai bộ TTHC kịp thời", "Công khai bộ TTHC",
         "Phòng Lãnh sự - NVNONN", "Phòng Hợp tác quốc tế", "Thường xuyên"])]  # l.57, its cells shortened
    assert _next_label(lines, 1, h000) == "2.3"
    assert _next_label(lines, 0, h000) == "2.2"
    assert _next_label(lines, 3, h000) is None


# --- junk rows ----------------------------------------------------------------------------

def test_rule_rows_are_junk():
    # 004 l.115: the markdown rule under a table, as tab-separated text
    assert _is_junk(["--", "------------------------", "-----------", "--", "------", "--", "--"])
    assert not _is_junk(ROW_004_106)
    assert not _is_junk(["", "", "", ""])
    assert not _is_junk(["", "", "phương", "", "", "", ""])   # 000 l.61


@pytest.mark.parametrize("values,numbering", [
    # The corpus has no printed column-numbering row; these are the forms the docstring names.
    (["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"], True),
    (["1", "2", "3", "4", "5", "6"], True),
    # real rows: numbers that are not a run of column numbers
    (["I", "NHÓM XÃ, PHƯỜNG", "115", ""], False),            # tvpl-kh157 l.453-457
    (["17", "Nâng cao tỷ lệ giải quyết hồ sơ", "Các phòng,", "Văn phòng", "Thường xuyên", "Đạt trên 96%", ""], False),  # 004 l.106
    (["1", "20", ""], False),                                 # tvpl-kh157 l.461/468 (number, score)
    (["20", "40", "20"], False),                              # the scores of tvpl-kh157 l.468, l.494, l.517 side by side
    (["(1)", "(2)", ""], False),                              # too few cells to tell
    (["A", "B", "1", "2", "3", "4"], True),                   # dev-tvpl-qd1383 l.160-171: letters, then numbers
    (["A", "B", "C"], True),
    (["A", "Tên thông tin", "1", "2"], False),                # a word among them
    (["1", "2", "A", "B"], False),                            # letters after numbers
    (["A", "C", "1", "2"], False),                            # letters not consecutive
])
def test_column_numbering_rows(values, numbering):
    assert _is_column_numbering(values) is numbering

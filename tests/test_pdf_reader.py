"""The text-layer PDF reader at the fragment and block level, on the rendered corpus (committed
in corpus/rendered), on real PDFs from ../shared (skipped when absent) and on bad input."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from kehoach.extract.base import ReadError
from kehoach.extract.pdf import (PdfSettings, group_lines, page_needs_ocr, pdfium_page_data,
                                 plumber_page_data, read_pdf)

REPO = Path(__file__).resolve().parents[1]
RENDERED = REPO / "corpus" / "rendered"
GOLD = REPO / "corpus" / "gold" / "tasks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL = SHARED / "corpus-real"
LAYOUTS = ("portrait", "landscape", "small-font", "fallback-font")
STEM = "000_dbb53274ea895b03"

needs_shared = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus-real absent")


@lru_cache(maxsize=None)
def rendered(stem: str, layout: str):
    path = RENDERED / f"{stem}.{layout}.pdf"
    return read_pdf(path, source=str(path))


def gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


def all_cells(doc):
    return [c for f in doc.fragments for r in f.rows for c in r.cells]


# --- tables -----------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_page_of_the_table_repeats_the_two_row_header(layout):
    doc = rendered(STEM, layout)
    pages = sorted({f.page for f in doc.fragments})
    assert len(pages) >= 2, "the task table runs over several pages in every layout"
    for frag in doc.fragments:
        first, second = frag.rows[0], frag.rows[1]
        texts = [c.text for c in first.cells]
        assert texts[0] == "Stt" and "Nội dung thực hiện" in texts
        group = next(c for c in first.cells if c.text == "Nội dung thực hiện")
        assert (group.col, group.colspan) == (1, 2)       # spans Mục tiêu | Nhiệm vụ
        sub = {c.col: c.text for c in second.cells if c.text}
        assert sub == {1: "Mục tiêu", 2: "Nhiệm vụ"}      # the rest merged down from row 1
        assert [c.col for c in second.cells] == list(range(7))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_fragments_start_pages_and_carry_pages_on_every_cell(layout):
    doc = rendered(STEM, layout)
    for frag in doc.fragments:
        text_above = any(b.page == frag.page and b.index < frag.block_index for b in doc.blocks)
        assert frag.after_break == (not text_above)
        for row in frag.rows:
            assert row.page == frag.page
            assert all(c.page == frag.page for c in row.cells)
            assert all(c.bbox is not None for c in row.cells if c.text)
    assert [f.index for f in doc.fragments] == list(range(len(doc.fragments)))


def test_section_rows_span_the_row_and_merged_objective_is_empty_below():
    doc = rendered(STEM, "portrait")
    rows = [r for f in doc.fragments for r in f.rows]
    sections = [r for r in rows if len(r.cells) == 2 and r.cells[1].colspan == 6]
    assert [r.cells[0].text for r in sections] == ["1.", "2.", "3.", "4", "5"]
    assert sections[0].cells[1].text == "Hoàn thiện các quy định về kiểm soát thủ tục hành chính"
    # 2.2 has two tasks under one objective: the second row leaves Stt and Mục tiêu empty
    at = next(i for i, r in enumerate(rows) if r.cells[0].text == "2.2")
    below = rows[at + 1]
    assert below.cells[0].text == "" and below.cells[1].text == ""
    assert below.cells[2].text.startswith("Cấu hình quy trình nội bộ")
    # rows whose content fills the merged Nội dung cell: one cell over both columns
    r11 = next(r for r in rows if r.cells[0].text == "1.1")
    assert (r11.cells[1].col, r11.cells[1].colspan) == (1, 2)


def _hyphens(text: str) -> str:
    return re.sub(r"\s*-\s*", "-", text)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_gold_word_is_read_exactly(layout):
    """Each word of each gold cell appears among the words the reader put in cells; a word
    torn apart (fallback font, fake spaces) or mangled would be missing."""
    for stem in ("000_dbb53274ea895b03", "003_e98dbb9b18233da0"):
        doc = rendered(stem, layout)
        got: dict[str, int] = {}
        for c in all_cells(doc):
            # a line may break after a hyphen ("223/KH-" | "UBND"), joined with one space: compare
            # with spaces around hyphens removed, as the scorer does
            for w in _hyphens(c.text).split():
                got[w] = got.get(w, 0) + 1
        missing = set()
        for t in gold(stem)["tasks"]:
            for key in ("task", "objective", "lead", "support", "output", "deadline"):
                for w in _hyphens(t.get(key) or "").split():
                    if w not in got:
                        missing.add(w)
        assert not missing, f"{stem}.{layout}: {sorted(missing)[:10]}"


def test_fallback_font_words_are_whole():
    doc = rendered(STEM, "fallback-font")
    text = " ".join(c.text for c in all_cells(doc))
    for phrase in ("Thường xuyên", "Phòng Lãnh sự - NVNONN", "Kiểm soát thủ tục hành chính",
                   "Đẩy mạnh chuyển đổi số toàn diện, thực chất trong giải quyết thủ tục hành chính"):
        assert phrase in text
    assert "Th ường" not in text and "thủ t ục" not in text


def test_rows_cut_by_a_page_break_are_left_for_the_recovery():
    doc = rendered(STEM, "portrait")
    frags = doc.fragments
    # a page continues the row of the previous page: its first row after the header has no Stt
    continued = [f for f in frags[1:] if f.rows[2].cells[0].text == ""
                 and any(c.text for c in f.rows[2].cells)]
    assert continued, "some page starts with the rest of a row from the page before"


def test_long_tokens_cut_at_the_cell_edge_are_joined_back():
    doc = rendered("004_0b88bc6089270356", "portrait")
    text = " ".join(c.text for c in all_cells(doc))
    assert "107/2021/NĐ-CP" in text and "107/2021/N Đ" not in text
    # a line wrapped at a space stays two words
    doc1 = rendered("001_9e03fbf4f3d2e073", "small-font")
    assert "HĐND-UBNDhuyện" not in " ".join(c.text for c in all_cells(doc1))


# --- text outside tables -------------------------------------------------------------------

def test_header_blocks_left_column_first_and_no_page_numbers():
    doc = rendered(STEM, "portrait")
    texts = [b.text for b in doc.blocks]
    assert texts[:6] == ["UBND TỈNH ĐỒNG NAI", "SỞ NGOẠI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Số: /KH-SNgV", "Đồng Nai, ngày tháng 01 năm 2024"]
    assert texts[6] == "KẾ HOẠCH" and doc.blocks[6].heading
    assert texts[7] == "Kiểm soát thủ tục hành chính của Sở Ngoại vụ năm 2024"
    assert not any(re.fullmatch(r"\d+", t) for t in texts), "running page numbers are not text"
    assert texts[-1] == "Trần Quốc Toàn"
    assert "KT.GIÁM ĐỐC PHÓ GIÁM ĐỐC" in texts


def test_blocks_and_fragments_share_one_reading_order():
    doc = rendered(STEM, "portrait")
    seq = sorted([b.index for b in doc.blocks] + [f.block_index for f in doc.fragments])
    assert seq == list(range(len(seq)))
    heading = next(b for b in doc.blocks if b.text.startswith("II. NỘI DUNG"))
    after = next(b for b in doc.blocks if b.text.startswith("III. TỔ CHỨC"))
    assert all(heading.index < f.block_index < after.index for f in doc.fragments)


# --- the two engines ------------------------------------------------------------------------

def _engine_words(path: Path) -> tuple[list[list[str]], list[list[str]]]:
    import pdfplumber
    import pypdfium2 as pdfium
    s = PdfSettings()
    a, b = [], []
    with pdfplumber.open(path) as pl:
        pm = pdfium.PdfDocument(str(path))
        try:
            for i, page in enumerate(pl.pages):
                a.append([w.text for ln in group_lines(plumber_page_data(page, s).words) for w in ln])
                b.append([w.text for ln in group_lines(pdfium_page_data(pm[i], s).words) for w in ln])
        finally:
            pm.close()
    return a, b


def test_pdfium_engine_reads_the_same_words_as_pdfplumber():
    a, b = _engine_words(RENDERED / f"{STEM}.fallback-font.pdf")
    assert a == b


@needs_shared
def test_pdfium_engine_matches_pdfplumber_on_a_real_signed_pdf():
    a, b = _engine_words(REAL / "qngai-tb565-ketluan-mtqg-2024-text.pdf")
    assert a == b


def test_both_engines_give_the_same_fragments():
    path = RENDERED / "003_e98dbb9b18233da0.small-font.pdf"
    fast = read_pdf(path, source="x")
    slow = read_pdf(path, source="x", settings=PdfSettings(engine="pdfplumber"))
    assert [[[(c.col, c.colspan, c.text) for c in r.cells] for r in f.rows] for f in fast.fragments] == \
           [[[(c.col, c.colspan, c.text) for c in r.cells] for r in f.rows] for f in slow.fragments]
    assert [b.text for b in fast.blocks] == [b.text for b in slow.blocks]


# --- real text-layer PDFs -------------------------------------------------------------------

REAL_EXPECT = {
    # values checked by hand against the page images (and `pdftotext -layout`). The number
    # and the day of the Quảng Ngãi and Sở GDĐT Đồng Tháp files are form fields (/Widget
    # annotations) stamped by the signing software, outside the page's own text.
    "qngai-tb565-ketluan-mtqg-2024-text.pdf": ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Số: 565 /TB-UBND",
                                               "Quảng Ngãi, ngày 15 tháng 11 năm 2024", "THÔNG BÁO",
                                               "TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG",
                                               "Phùng Tô Long"],
    "qngai-tb11-ketluan-cphoa-2025-text.pdf": ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Số: 11 /TB-UBND",
                                               "Quảng Ngãi, ngày 08 tháng 01 năm 2025", "Nguyễn Phước Bình"],
    "qngai-cv507-gopy-vtci-2025-text.pdf": ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Số: 507 /UBND-KGVX",
                                            "Quảng Ngãi, ngày 24 tháng 01 năm 2025", "Phùng Tô Long"],
    "dthap-kh58-thptcl2-2026-text.pdf": ["TRƯỜNG THPT CAO LÃNH 2", "Số: 58/KH-THPTCL2",
                                         "Đồng Tháp, ngày 15 tháng 4 năm 2026", "KẾ HOẠCH",
                                         "Tổ chức sinh hoạt chuyên môn môn Lịch sử Cụm 2 năm học 2025 - 2026",
                                         "KT.HIỆU TRƯỞNG PHÓ HIỆU TRƯỞNG", "Trần Thanh Vũ"],
    "dthap-kh362-sgddt-2026-text.pdf": ["UBND TỈNH ĐỒNG THÁP", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 362 /KH-SGDĐT",
                                        "Đồng Tháp, ngày 14 tháng 4 năm 2026", "KẾ HOẠCH",
                                        "(Đính kèm Kế hoạch số 362 /KH-SGDĐT ngày 14 /4/2026 của Sở GDĐT)"],
    "nd45-2026-dautu-cntt-text.pdf": ["Số: 45/2026/NĐ-CP", "Hà Nội, ngày 26 tháng 01 năm 2026"],
}


@needs_shared
@pytest.mark.parametrize("name", sorted(REAL_EXPECT))
def test_real_text_pdfs_give_metadata_blocks(name):
    doc = read_pdf(REAL / name, source=name)
    texts = [b.text for b in doc.blocks]
    for expected in REAL_EXPECT[name]:
        assert expected in texts, f"{name}: no block {expected!r}"
    assert doc.pages and all(b.page for b in doc.blocks)


def test_text_printed_by_annotations_joins_its_line():
    # tests/fixtures/make_annotated.py: the number and the day are stamp annotations, as signing
    # software prints them; a signature appearance (e-mail, signing time) and an annotation
    # without the Print flag are not the document's text
    doc = read_pdf(FIXTURES / "annotated_number.pdf", source="x")
    texts = [b.text for b in doc.blocks]
    assert "So: 362 /KH-UBND" in texts
    assert "Ha Noi, ngay 14 thang 4 nam 2026" in texts
    joined = "\n".join(texts)
    assert "@" not in joined and "09:15" not in joined and "NOT PRINTED" not in joined


def test_annotation_text_needs_the_page_reloaded():
    # without a way to reload the page (a caller's own document), the page is left unchanged
    import pypdfium2 as pdfium
    pm = pdfium.PdfDocument(str(FIXTURES / "annotated_number.pdf"))
    try:
        words = [w.text for w in pdfium_page_data(pm[0], PdfSettings()).words]
    finally:
        pm.close()
    assert "/KH-UBND" in words and "362" not in words


@needs_shared
def test_real_pdf_small_tables_are_fragments():
    doc = read_pdf(REAL / "dthap-kh362-sgddt-2026-text.pdf", source="x")
    pages = {f.page for f in doc.fragments}
    assert {4, 5} <= pages
    schedule = next(f for f in doc.fragments if f.page == 5)
    assert [c.text for c in schedule.rows[0].cells] == ["THỜI GIAN", "NỘI DUNG"]
    assert schedule.rows[1].cells[0].text == "8h30 - 8h35"


@needs_shared
def test_real_scanned_pdf_is_refused_until_ocr():
    with pytest.raises(ReadError, match=r"no text layer \(scanned PDF\)"):
        read_pdf(REAL / "qngai-bc23-caicach-tthc-2025-scan.pdf", source="x")


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("name, reason", [
    ("encrypted.pdf", r"^encrypted PDF"),
    ("truncated.pdf", r"^truncated or corrupt PDF"),
    ("scanned.pdf", r"^no text layer \(scanned PDF\)$"),
    ("not_a_pdf.pdf", r"^not a PDF \(starts with b'<!DOCTYP'\)"),
])
def test_bad_pdfs_are_refused_with_a_reason(name, reason, engine):
    with pytest.raises(ReadError, match=reason):
        read_pdf(FIXTURES / name, source=name, settings=PdfSettings(engine=engine))


def test_minimal_pdf_reads():
    doc = read_pdf(FIXTURES / "minimal.pdf", source="m")
    assert [b.text for b in doc.blocks] == ["KE HOACH trien khai nam 2024"]
    assert doc.format == "pdf" and doc.pages == 1 and not doc.fragments


def test_page_needs_ocr_tells_scans_from_text_pages():
    import pdfplumber
    import pypdfium2 as pdfium
    with pdfplumber.open(FIXTURES / "scanned.pdf") as pdf:
        assert page_needs_ocr(pdf.pages[0])
    with pdfplumber.open(RENDERED / f"{STEM}.portrait.pdf") as pdf:
        assert not page_needs_ocr(pdf.pages[0])
    pm = pdfium.PdfDocument(str(FIXTURES / "scanned.pdf"))
    try:
        assert page_needs_ocr(pm[0])
    finally:
        pm.close()


# --- tables without ruling lines ----------------------------------------------------------------

def test_borderless_table_is_read_from_text_alignment():
    # a Word table without borders (tests/fixtures/make_borderless.py): no rulings on the page
    doc = read_pdf(FIXTURES / "borderless_table.pdf", source="b")
    assert len(doc.fragments) == 1
    rows = [[c.text for c in r.cells] for r in doc.fragments[0].rows]
    assert rows[0] == ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    # wrapped cell lines are joined into their row; an empty cell stays empty
    assert rows[1][1] == "Rà soát, đánh giá các thủ tục hành chính thuộc thẩm quyền giải quyết của xã"
    assert rows[4] == ["4", "Kiểm tra việc thực hiện kế hoạch", "Văn phòng HĐND và UBND xã", "",
                       "Tháng 11/2025"]
    # the prose around the table stays prose
    texts = [b.text for b in doc.blocks]
    assert "Ủy ban nhân dân xã xây dựng kế hoạch với các nhiệm vụ sau:" in texts
    assert "Nơi nhận: như trên." in texts


def test_borderless_table_gives_tasks_through_the_pipeline():
    from kehoach.pipeline import extract
    ex = extract(FIXTURES / "borderless_table.pdf")
    assert ex.status == "ok" and [t.stt for t in ex.tasks] == ["1", "2", "3", "4", "5"]
    assert ex.tasks[4].lead == "Văn phòng HĐND và UBND xã"
    assert ex.tasks[4].deadline == "Trước ngày 15/12/2025"


def test_alignment_fallback_off_gives_prose_only():
    doc = read_pdf(FIXTURES / "borderless_table.pdf", source="b",
                   settings=PdfSettings(text_tables=False))
    assert not doc.fragments


@pytest.mark.parametrize("layout", LAYOUTS)
def test_ruled_pages_never_use_the_alignment_fallback(layout):
    on = rendered(STEM, layout)
    path = RENDERED / f"{STEM}.{layout}.pdf"
    off = read_pdf(path, source=str(path), settings=PdfSettings(text_tables=False))
    assert on.fragments == off.fragments and on.blocks == off.blocks


# --- metadata of real text-layer PDFs, checked by hand against the page images ---------------

@lru_cache(maxsize=None)
def real_metadata(name: str):
    from kehoach.pipeline import extract
    return extract(REAL / name).metadata


@needs_shared
@pytest.mark.parametrize("name, field, value", [
    ("dthap-kh58-thptcl2-2026-text.pdf", "number", "58/KH-THPTCL2"),
    ("dthap-kh58-thptcl2-2026-text.pdf", "issued_text", "Đồng Tháp, ngày 15 tháng 4 năm 2026"),
    ("dthap-kh58-thptcl2-2026-text.pdf", "signer", "Trần Thanh Vũ"),
    ("dthap-kh58-thptcl2-2026-text.pdf", "signer_authority", "KT. HIỆU TRƯỞNG"),
    ("nd45-2026-dautu-cntt-text.pdf", "number", "45/2026/NĐ-CP"),
    ("nd45-2026-dautu-cntt-text.pdf", "issuer", "CHÍNH PHỦ"),
    ("nd45-2026-dautu-cntt-text.pdf", "signer", "Nguyễn Chí Dũng"),
    ("nd45-2026-dautu-cntt-text.pdf", "signer_title", "PHÓ THỦ TƯỚNG"),
    ("dthap-kh362-sgddt-2026-text.pdf", "signer", "Nguyễn Phương Toàn"),
    ("dthap-kh362-sgddt-2026-text.pdf", "doc_type", "Kế hoạch"),
    ("qngai-tb11-ketluan-cphoa-2025-text.pdf", "signer", "Nguyễn Phước Bình"),
    ("qngai-tb565-ketluan-mtqg-2024-text.pdf", "place", "Quảng Ngãi"),
    # the number and the day below are printed by /Widget annotations (see REAL_EXPECT)
    ("qngai-tb565-ketluan-mtqg-2024-text.pdf", "number", "565/TB-UBND"),
    ("qngai-tb565-ketluan-mtqg-2024-text.pdf", "issued_text", "Quảng Ngãi, ngày 15 tháng 11 năm 2024"),
    ("qngai-tb11-ketluan-cphoa-2025-text.pdf", "number", "11/TB-UBND"),
    ("qngai-tb11-ketluan-cphoa-2025-text.pdf", "issued_text", "Quảng Ngãi, ngày 08 tháng 01 năm 2025"),
    ("qngai-cv507-gopy-vtci-2025-text.pdf", "number", "507/UBND-KGVX"),
    ("qngai-cv507-gopy-vtci-2025-text.pdf", "issued_text", "Quảng Ngãi, ngày 24 tháng 01 năm 2025"),
    ("dthap-kh362-sgddt-2026-text.pdf", "number", "362/KH-SGDĐT"),
    ("dthap-kh362-sgddt-2026-text.pdf", "issued_text", "Đồng Tháp, ngày 14 tháng 4 năm 2026"),
])
def test_real_pdf_metadata(name, field, value):
    assert getattr(real_metadata(name), field) == value


@needs_shared
def test_real_pdf_dates():
    import datetime as dt
    assert real_metadata("dthap-kh58-thptcl2-2026-text.pdf").issued == dt.date(2026, 4, 15)
    assert real_metadata("nd45-2026-dautu-cntt-text.pdf").issued == dt.date(2026, 1, 26)
    # days printed by /Widget annotations
    assert real_metadata("qngai-tb565-ketluan-mtqg-2024-text.pdf").issued == dt.date(2024, 11, 15)
    assert real_metadata("qngai-tb11-ketluan-cphoa-2025-text.pdf").issued == dt.date(2025, 1, 8)
    assert real_metadata("qngai-cv507-gopy-vtci-2025-text.pdf").issued == dt.date(2025, 1, 24)
    assert real_metadata("dthap-kh362-sgddt-2026-text.pdf").issued == dt.date(2026, 4, 14)


@needs_shared
@pytest.mark.parametrize("name", ["qngai-tb565-ketluan-mtqg-2024-text.pdf", "qngai-tb11-ketluan-cphoa-2025-text.pdf",
                                  "qngai-cv507-gopy-vtci-2025-text.pdf", "dthap-kh362-sgddt-2026-text.pdf"])
def test_signature_appearances_stay_out_of_the_text(name):
    """The signature widgets print who signed, an e-mail and the signing time (pdftotext shows
    "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", "ttcbth@quangngai.gov.vn", "18.11.2024 07:25:14"): only the
    widgets that print the number and the day join the text."""
    doc = read_pdf(REAL / name, source=name)
    text = "\n".join([b.text for b in doc.blocks] + [c.text for f in doc.fragments for r in f.rows for c in r.cells])
    assert "@" not in text
    assert "TRUNG TÂM CÔNG" not in text
    assert not re.search(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", text)

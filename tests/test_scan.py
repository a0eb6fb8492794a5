"""Scanned plans: table grids from rulings, label numbering, Vietnamese post-OCR repair, and (with Tesseract installed) OCR of real and generated scans."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from kehoach.extract import scan
from kehoach.extract.labels import format_label, label_key, roman_value, successors, to_roman
from kehoach.extract.scan import Word, build_lexicon, default_lexicon, repair_words
from kehoach.textutil import fold as skeleton
from kehoach.extract.scan.tables import _ink_box
from kehoach.model import Cell, Row
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL = SHARED / "corpus-real"
KH753 = REAL / "kh753-dhct-khaosat-dvc-2026-scan.pdf"
SCANNED = ROOT / "corpus" / "scanned"

needs_real = pytest.mark.skipif(not KH753.exists(), reason="../shared/corpus-real is absent")
needs_tesseract = pytest.mark.skipif(not scan.tesseract_available(),
                                     reason="tesseract with Vietnamese (vie) is not installed")


# --- post-OCR repair ----------------------------------------------------------------------

LEX = build_lexicon(["kế hoạch", "triển khai", "hệ thống", "đôn đốc", "theo dõi", "kê khai",
                     "thống kê", "sinh đẻ", "hoá đơn", "quản lý", "xử lý", "để", "phát sinh"])


def fix(text: str, conf: float = 0.5, lex=LEX) -> str:
    out, _ = repair_words([Word(w, conf) for w in text.split()], lex)
    return " ".join(w.text for w in out)


def test_skeleton_drops_every_mark():
    assert skeleton("Triển") == "trien"
    assert skeleton("đữ") == "du"


def test_repair_restores_marks_from_a_word_of_the_lexicon():
    assert fix("Ban hành kê hoạch") == "Ban hành kế hoạch"        # kê is a syllable, kê hoạch no word
    assert fix("Triên khai") == "Triển khai"                       # not a syllable at all
    assert fix("hệ thông") == "hệ thống"
    assert fix("KÊ HOẠCH") == "KẾ HOẠCH"                           # case kept


def test_repair_leaves_confident_words_abbreviations_and_ambiguity_alone():
    assert fix("Ban hành kê hoạch", conf=0.97) == "Ban hành kê hoạch"
    assert fix("Trung tâm QLCL") == "Trung tâm QLCL"
    assert fix("thống kê khai") == "thống kê khai"                # kê makes a word on both sides
    assert fix("hoá đơn") == "hoá đơn" and fix("hóa đơn") == "hóa đơn"   # both tone placements


def test_repair_splits_merged_syllables():
    assert fix("kếhoạch năm") == "kế hoạch năm"


# Tesseract's readings of the 200-dpi scans of seeds 000, 001 and 004 (word confidence in
# brackets where it matters), and what was printed.
@pytest.mark.parametrize("read, conf, printed", [
    ("cung cấp DYVC trực tuyến", 0.43, "cung cấp DVC trực tuyến"),          # a speck read as a letter
    ("10% TTHƠC kiến nghị", 0.44, "10% TTHC kiến nghị"),
    ("Văn phòng HĐND- UBNDĐ huyện", 0.47, "Văn phòng HĐND- UBND huyện"),
    ("VP UBNĐ xã", 0.85, "VP UBND xã"),                                      # Đ for D
    ("bố trí tại BBMC cấp xã", 0.0, "bố trí tại BPMC cấp xã"),               # one letter, very unsure
    ("CB,CC1 cửa xã", 0.73, "CB, CC 1 cửa xã"),                             # lost spaces
    ("Quý HI/2023", 0.81, "Quý III/2023"),                                   # II read as H
    ("HI/2024", 0.71, "III/2024"),                                           # 'Quý' on the page before
    ("Quý 1⁄2023", 0.43, "Quý 1/2023"),                                      # fraction slash
    ("Tỷ lệ hài Jlòng của người dân", 0.0, "Tỷ lệ hài lòng của người dân"),
    ("phương án đơn giản: hóa TTHC", 0.75, "phương án đơn giản hóa TTHC"),
    ("giải quyết hồ sơ. đúng hạn", 0.96, "giải quyết hồ sơ đúng hạn"),
    ("quốc gia (https://dic hvucong.go v.vn)", 0.9, "quốc gia (https://dichvucong.gov.vn)"),
    ("Phối hợp hoàn.thành việc kết nối", 0.97, "Phối hợp hoàn thành việc kết nối"),  # specks in a gap
    ("phòng chuyên môn, đơn:vị trực thuộc", 0.96, "phòng chuyên môn, đơn vị trực thuộc"),
])
def test_token_repairs_on_real_readings(read, conf, printed):
    assert fix(read, conf=conf, lex=default_lexicon()) == printed


@pytest.mark.parametrize("text", [
    "Quý 1/2023",                          # a quarter in Arabic figures is one
    "người dân, doanh nghiệp",             # a list, although 'dân doanh' is a word
    "Trung tâm QLCL",                      # an abbreviation the vocabulary does not list
    "Kế hoạch số 1/KH-UBND",
    "như sau: các cơ quan",
    "tiêm vắc-xin, chính trị-xã hội",      # hyphens that were printed
    "E-mail: vpubnd@dongnai.gov.vn",
    "Hà Tĩnh, ngày 22 tháng 7 năm 2021",   # a place of the gazetteer is a word ("Hạ Tình" is not)
    "Sở Ngoại vụ tỉnh Hà Tĩnh",
])
def test_token_repairs_leave_what_was_printed(text):
    assert fix(text, conf=0.6, lex=default_lexicon()) == text


def test_a_document_symbol_wrapped_at_its_hyphen_is_one_token_and_other_wraps_keep_a_space():
    # Seed 004's legal-basis cell, as Tesseract returns its three lines.
    def line(k, *texts):
        return [scan.OcrWord(t, 0.9, (10 * i, 20 * k, 10 * i + 9, 20 * k + 15), (1, 1, k))
                for i, t in enumerate(texts)]
    text, _conf, _n = scan.repaired_lines(
        [line(0, "Nghị", "định", "số", "61/2018/NĐ-"), line(1, "CP;", "Văn", "phòng", "HĐND-"),
         line(2, "UBND", "huyện")], scan.ScanSettings())
    assert text == "Nghị định số 61/2018/NĐ-CP; Văn phòng HĐND- UBND huyện"


def test_unpaired_quote_marks_at_a_cell_edge_are_specks():
    assert scan.drop_unpaired_quotes('"Các chương trình đối thoại') == "Các chương trình đối thoại"
    assert scan.drop_unpaired_quotes("Thường xuyên”") == "Thường xuyên"
    assert scan.drop_unpaired_quotes('Triển khai “Ngày thứ 7 văn minh”') == 'Triển khai “Ngày thứ 7 văn minh”'


def test_default_lexicon_comes_from_installed_word_lists():
    lex = default_lexicon()
    if lex is None:
        pytest.skip("underthesea word list not installed")
    assert lex.is_syllable("nghiệp") and not lex.is_syllable("triên")
    assert fix("Triên khai khảo sát trực tuyển", lex=lex) == "Triển khai khảo sát trực tuyến"


# --- label numbering -------------------------------------------------------------------------

def _rows(labels: list[str], conf: float = 0.97) -> list[Row]:
    return [Row(cells=(Cell(t, 0, confidence=conf, page=1), Cell("x", 1))) for t in labels]


def _labels(rows: list[Row]) -> list[str]:
    return [r.cells[0].text for r in rows]


def test_a_second_reading_of_a_label_is_chosen_where_the_numbering_asks_for_it():
    # Seed 001 at 200 dpi: '2.' read 'đề', and every '2.x' read without its dot, confidently;
    # the re-read with the label alphabet saw '2.' and some dots.
    rows = _rows(["1.4", "1.5", "đề", "21", "22", "23", "2.7"], conf=0.94)
    readings = {(1, None): []}
    alt = {2: ("2.", 0.86), 3: ("2.1", 0.93)}
    rows = [Row(cells=(Cell(r.cells[0].text, 0, confidence=0.94, page=1, bbox=(0, k, 1, k + 1)),
                       Cell("x", 1))) for k, r in enumerate(rows)]
    readings = {(1, (0, k, 1, k + 1)): [(rows[k].cells[0].text, 0.94), alt[k]] for k in alt}
    fixed, _notes = scan.repair_label_sequence(rows, scan.ScanSettings(), readings)
    assert _labels(fixed) == ["1.4", "1.5", "2.", "2.1", "2.2", "2.3", "2.7"]
    # Without the second readings 'đề' is no label, and the run of dotless labels is mended
    # by the numbering alone.
    fixed, _notes = scan.repair_label_sequence(rows, scan.ScanSettings())
    assert _labels(fixed)[3:6] == ["2.1", "2.2", "2.3"]


def test_lost_dots_and_empty_labels_come_back_from_the_numbering():
    rows, notes = scan.repair_label_sequence(
        _rows(["Stt", "1.", "11", "1,2", "1.3", "2.", "21", "22", "", "2.4"]), scan.ScanSettings())
    assert _labels(rows) == ["Stt", "1.", "1.1", "1.2", "1.3", "2.", "2.1", "2.2", "2.3", "2.4"]
    assert len(notes) == 5


def test_numbering_that_is_already_consistent_is_kept():
    for labels in (["TT", "1", "2", "3", "10", "11", "12"], ["I", "1", "2", "II", "1"],
                   ["1", "", "", "4"]):
        rows, notes = scan.repair_label_sequence(_rows(labels), scan.ScanSettings())
        assert _labels(rows) == labels and notes == []


def test_roman_two_read_as_h_and_unsure_labels_come_from_the_numbering():
    rows = _rows(["TT", "I", "1", "9", "10", "1", "12", "H", "1", "2", "HI", "1"])
    rows[5] = Row(cells=(Cell("1É", 0, confidence=0.06, page=1), Cell("x", 1)))  # a smudged 11
    rows, notes = scan.repair_label_sequence(rows, scan.ScanSettings())
    assert _labels(rows) == ["TT", "I", "1", "9", "10", "11", "12", "II", "1", "2", "III", "1"]
    assert len(notes) == 3


def test_a_digit_taken_for_a_look_alike_and_a_lost_trailing_dot_come_from_the_numbering():
    # '9' read as '8' with confidence: both neighbours ask for 9; a lone digit is not changed
    # where the numbering does not ask for it.
    rows, notes = scan.repair_label_sequence(_rows(["7", "8", "8", "10", "11"]), scan.ScanSettings())
    assert _labels(rows) == ["7", "8", "9", "10", "11"] and len(notes) == 1
    rows, notes = scan.repair_label_sequence(_rows(["1", "2", "3", "5", "6"]), scan.ScanSettings())
    assert _labels(rows) == ["1", "2", "3", "5", "6"] and notes == []
    # An unsure label between two labels is a gap the numbering may skip, not a break that
    # a look-alike digit should mend: 2.4, [2.4.1 at 0.22], 2.6 keeps 2.6 and fills 2.5.
    rows = _rows(["2.3", "2.4", "2.4.1", "2.6", "2.7"])
    rows[2] = Row(cells=(Cell("2.4.1", 0, confidence=0.22, page=1), Cell("x", 1)))
    rows, _notes = scan.repair_label_sequence(rows, scan.ScanSettings())
    assert _labels(rows) == ["2.3", "2.4", "2.5", "2.6", "2.7"]
    # A top-level number read without its dot, unsurely, takes the column's dot style.
    rows = _rows(["1.", "1.1", "1.2", "2", "2.1", "3.", "3.1"])
    rows[3] = Row(cells=(Cell("2", 0, confidence=0.8, page=1), Cell("x", 1)))
    rows, _notes = scan.repair_label_sequence(rows, scan.ScanSettings())
    assert _labels(rows)[3] == "2."


def test_cell_crop_keeps_the_dot_below_a_last_line_near_the_ruling():
    ink = np.zeros((100, 200), np.uint8)
    ink[60:80, 40:46] = 255                           # a letter whose baseline is 9 px above
    ink[82:85, 41:44] = 255                           # the bottom ruling (y=89), its dot below
    box = (20, 10, 180, 89)
    x0, y0, x1, y1 = _ink_box(ink, box, pad=6, edge=2)
    assert y1 >= 85 and y1 <= 89 - 2                  # dot inside, ruling outside
    assert _ink_box(ink, box, pad=6)[3] == 89 - 6  # the old cut at pad drops the dot


def test_stray_marks_by_the_text_go_and_real_punctuation_stays():
    def w(t, x0, x1):
        return scan.OcrWord(t, 0.9, (x0, 0, x1, 22), (1, 1, 1))
    words = [w("Phòng", 0, 60), w("-", 66, 76), w("Thanh", 82, 130), w(".", 134, 137),
             w("tra", 140, 170), w("-", 176, 179), w(".Một", 184, 230), w("cửa,", 236, 280),
             w("...", 286, 300)]
    text, _conf, _n = scan.repaired_text(words, scan.ScanSettings())
    assert text == "Phòng - Thanh tra Một cửa, ..."


@needs_tesseract
def test_engine_reads_one_image_after_another_and_lifts_a_whitelist():
    import cv2
    from kehoach.extract.scan import engine as ocr
    lang = scan.choose_lang(scan.ScanSettings())

    def image(text: str) -> np.ndarray:
        img = np.full((70, 260), 255, np.uint8)
        cv2.putText(img, text, (10, 50), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
        return img

    digits = ocr.recognize(image("1234"), 200, 7, lang, whitelist="0123456789")
    assert "".join(w.text for w in digits).isdigit()
    # the engine is shared: the next reading must not inherit the digits-only alphabet
    words = ocr.recognize(image("HOP TAC"), 200, 7, lang)
    assert any(c.isalpha() for w in words for c in w.text)
    assert all(0 <= w.conf <= 1 and w.box[2] > w.box[0] for w in digits + words)


@needs_tesseract
def test_boxes_of_one_image_are_read_apart_in_image_coordinates():
    import cv2
    from kehoach.extract.scan import engine as ocr
    img = np.full((200, 600), 255, np.uint8)
    cv2.putText(img, "2024", (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    cv2.putText(img, "1/2023", (330, 160), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    boxes = [(0, 0, 300, 100), (300, 100, 600, 200)]
    got = ocr.recognize_boxes(img, boxes, 200, 7, scan.choose_lang(scan.ScanSettings()))
    assert [len(ws) for ws in got] == [1, 1]
    for (x0, y0, x1, y1), ws in zip(boxes, got):
        bx0, by0, bx1, by1 = ws[0].box
        assert x0 <= bx0 < bx1 <= x1 and y0 <= by0 < by1 <= y1


def test_a_tall_mosaic_is_cut_between_crops():
    gap = 24
    crops = [(0, 0, 300, h) for h in (100, 900, 40, 700, 60, 1500, 30)]
    canvas, placed = scan.build_mosaic(np.full((2000, 400), 255, np.uint8),
                                       list(enumerate(crops)), gap)
    parts = scan.mosaic_parts(placed, canvas.shape[1], gap, 1000)
    assert parts[0][1] <= placed[0].y and parts[-1][3] <= canvas.shape[0]
    for p in placed:                      # every crop lies whole inside exactly one part
        top, bottom = p.y, p.y + p.src[3] - p.src[1]
        assert sum(y0 <= top and bottom <= y1 for _x0, y0, _x1, y1 in parts) == 1
    # a part is no taller than asked unless one crop alone is
    assert all(y1 - y0 <= 1000 + gap or any(p.src[3] - p.src[1] > 1000 for p in placed
                                            if y0 <= p.y < y1) for _x0, y0, _x1, y1 in parts)
    assert len(parts) > 1


def test_a_label_parses_into_its_numbering_and_back():
    assert label_key("1.2.") == ("num", (1, 2), ".") and label_key("II") == ("roman", (2,), "")
    assert label_key("a)") is None and label_key("IIII") is None and label_key("1,2") is None
    for label in ("1", "1.2.", "12.3.4", "IV.", "XL"):
        assert format_label(*label_key(label)) == label
    # after 1.2: its sibling 1.3, its child 1.2.1, and the next top-level item 2 / 2.
    assert {format_label(*k) for k in successors(label_key("1.2"))} == {"1.3", "1.2.1", "2.", "2"}


def test_roman_numerals_round_trip():
    assert [roman_value(to_roman(n)) for n in range(1, 40)] == list(range(1, 40))
    assert roman_value("IIII") is None


# --- grids from rulings ----------------------------------------------------------------------

def _table_image(dpi: int = 200) -> np.ndarray:
    """A 3-column table: header row, then a first-column cell merged over two rows."""
    import cv2
    img = np.full((900, 1400), 255, np.uint8)
    xs, ys = [100, 300, 900, 1300], [100, 200, 400, 600, 800]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    img[597:604, 102:299] = 255                       # no border between rows 2 and 3 in col 0
    cv2.putText(img, "Noi dung", (350, 160), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    return img


def test_grid_with_a_vertically_merged_cell():
    st = scan.ScanSettings()
    ink = 255 - _table_image()
    h, v = scan.ruling_masks(ink, 200, st)
    grids = scan.find_grids(h, v, 200, st)
    assert len(grids) == 1
    g = grids[0]
    assert len(g.xs) == 4 and len(g.ys) == 5
    spans = {(c.r0, c.c0): (c.r1 - c.r0, c.c1 - c.c0) for c in g.cells}
    assert spans[(2, 0)] == (2, 1)                    # merged over rows 2-3, reported once
    assert (3, 0) not in spans
    assert len(g.cells) == 11


def test_text_is_not_taken_for_a_ruling():
    import cv2
    img = np.full((300, 1400), 255, np.uint8)
    cv2.putText(img, "Hoan thien cac quy dinh ve kiem soat", (50, 150),
                cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 4)
    h, v = scan.ruling_masks(255 - img, 200, scan.ScanSettings())
    assert scan.find_grids(h, v, 200, scan.ScanSettings()) == []


def test_skew_is_measured_and_removed():
    st = scan.ScanSettings()
    img = _table_image()
    tilted = scan.rotate(img, 0.8, 255)
    ink = scan.binarize(tilted, st)
    assert abs(scan.estimate_skew(ink, st) + 0.8) <= 0.15


def test_isolated_specks_go_and_diacritic_dots_stay():
    ink = np.zeros((200, 200), np.uint8)
    ink[50:80, 50:56] = 255                           # a stem
    ink[84:87, 52:55] = 255                           # its dot below, 3x3
    ink[150:152, 150:152] = 255                       # a lone speck
    out = scan.despeckle(ink, 12)
    assert out[85, 53] == 255 and out[150, 150] == 0


# --- metadata from OCR'd national headers ------------------------------------------------

def _header(*texts: str):
    from kehoach.model import TextBlock
    from kehoach.extract.base import make_document
    from kehoach.extract.metadata import extract_metadata
    doc = make_document(Path(__file__), source="x", format="pdf-scanned", pages=1,
                        blocks=[TextBlock(text=t, index=i, page=1) for i, t in enumerate(texts)],
                        fragments=[], sha256="0" * 64)
    return extract_metadata(doc)


# Tesseract's readings of the real scans' first pages: the number and the day are written by
# hand there, and come out as a few stray characters.
@pytest.mark.parametrize("number_line, number", [
    ("Số: 2) /BC-UBND", "/BC-UBND"),                    # qngai-bc23: 23, handwritten
    ("Số:/‡6 /CT-UBND", "/CT-UBND"),                    # qngai-ct16: 16
    ("Số: 6% /TTg-CĐS", "/TTg-CĐS"),                    # ttg-cv464: 464
    ("Số:04 /CT-UBND", "04/CT-UBND"),                   # qngai-ct04: printed
    ("Sô: /BGDĐT-GDPT", "/BGDĐT-GDPT"),                 # bgddt-cv1849: stamped beside
])
def test_a_handwritten_number_leaves_the_printed_symbol_not_a_cited_one(number_line, number):
    meta = _header("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH QUẢNG NGÃI",
                   number_line, "Quảng Ngãi, ngày @3 tháng 01 năm 2025", "BÁO CÁO",
                   "Thực hiện Công văn số 5990/VPCP-KSTT ngày 20/8/2024",
                   "Số: 5990/VPCP-KSTT ngày 20/8/2024 của Văn phòng Chính phủ")
    assert meta.number == number
    # a handwritten day is unknown, the place and month still read
    assert meta.issued is None and meta.place == "Quảng Ngãi"
    assert meta.issued_text and "tháng 01 năm 2025" in meta.issued_text
    # the motto OCR read into the issuer's line is not the issuer's ("HÒA" or "HOÀ")
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


def test_an_appendix_naming_the_same_symbol_gives_the_unread_number():
    # bgddt-cv1849: the number is stamped beside "Số:"; its appendices repeat it in print
    meta = _header("BỘ GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Sô: /BGDĐT-GDPT",
                   "Hà Nội, ngày 10 tháng 4 năm 2026",
                   "(Kèm theo Công văn số 1849 /BGDĐT-GDPT ngày 10 /4/2026 của Bộ Giáo dục và Đào tạo)",
                   "(Kèm theo Quyết định số 2034/QĐ-BGDĐT)")
    assert meta.number == "1849/BGDĐT-GDPT"
    assert meta.issuer == "BỘ GIÁO DỤC VÀ ĐÀO TẠO"


def test_the_motto_is_cut_from_the_issuer_in_either_spelling():
    meta = _header("THỦ TƯỚNG CHÍNH PHỦ CÔNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Số: 6% /TTg-CĐS",
                   "Hà Nội, ngày 30 tháng 4 năm 2026")
    assert meta.issuer == "THỦ TƯỚNG CHÍNH PHỦ"
    assert meta.issued is not None and meta.issued.isoformat() == "2026-04-30"


# Checked by hand on the page images (and MANIFEST.md): the printed symbol, the issuer, the
# document type, and the month of issue. Where the number or the day is handwritten (stamped
# for 1849), OCR cannot read it: the number is the printed symbol alone (or the number an
# appendix prints), the day unknown.
REAL_SCANS = [
    # file, pages to read, number, (year, month, day or None), issuer, type
    ("bgddt-cv1849-stem-2026-scan.pdf", {1, 3}, "1849/BGDĐT-GDPT", (2026, 4, 10),
     "BỘ GIÁO DỤC VÀ ĐÀO TẠO", "Công văn"),
    ("kh753-dhct-khaosat-dvc-2026-scan.pdf", {1}, "/KH-DCT", (2026, 6, None),
     "TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG", "Kế hoạch"),
    ("qngai-bc23-caicach-tthc-2025-scan.pdf", {1}, "/BC-UBND", (2025, 1, None),
     "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Báo cáo"),
    ("qngai-ct04-pctn-2024-scan.pdf", {1}, "04/CT-UBND", (2024, 3, None),
     "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Chỉ thị"),
    ("qngai-ct16-tet-2021-scan.pdf", {1}, "/CT-UBND", (2021, 12, None),
     "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Chỉ thị"),
    ("qngai-tb660-ketluan-nhatam-2024-scan.pdf", {1}, "/TB-UBND", (2024, 12, None),
     "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Thông báo"),
    ("qngai-ttr09-baibo-nq-2025-scan.pdf", {1}, "/TTr-UBND", (2025, 1, None),
     "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Tờ trình"),
    ("ttg-cv464-catgiam-tthc-2026-scan.pdf", {1}, "/TTg-CĐS", (2026, 4, None),
     "THỦ TƯỚNG CHÍNH PH", "Công văn"),
]


@needs_real
@needs_tesseract
@pytest.mark.parametrize("name, pages, number, ymd, issuer, doc_type", REAL_SCANS,
                         ids=[r[0].split("-")[1] for r in REAL_SCANS])
def test_real_scan_metadata(name, pages, number, ymd, issuer, doc_type):
    from kehoach.extract.metadata import extract_metadata
    meta = extract_metadata(scan.read_scanned_pdf(REAL / name, source=name, pages_to_ocr=pages))
    assert meta.number == number
    assert meta.issuer.startswith(issuer) and "CỘNG" not in meta.issuer
    assert meta.doc_type == doc_type
    year, month, day = ymd
    assert meta.issued_text and f"{month} năm {year}" in meta.issued_text.replace("tháng 0", "tháng ")
    if day is not None:
        assert meta.issued is not None and (meta.issued.year, meta.issued.month, meta.issued.day) == ymd
    else:
        # tb660's handwritten "31" reads "3": a wrong day is not caught; the month is right
        assert meta.issued is None or (meta.issued.year, meta.issued.month) == (year, month)


# --- OCR (slow: one or two pages each) -------------------------------------------------------

def _norm(s: str) -> str:
    return " ".join(s.split())


@needs_real
@needs_tesseract
def test_kh753_task_rows_over_pages_3_and_4():
    """Verified by hand on the page images: five tasks, rows 1-3 on p.3, 4-5 on p.4 under a
    repeated header."""
    doc = scan.read_scanned_pdf(KH753, source="kh753.pdf", pages_to_ocr={3, 4})
    assert doc.format == "pdf-scanned" and doc.pages == 4
    frags = [f for f in doc.fragments if len(f.rows) >= 2]
    assert [f.page for f in frags] == [3, 4]
    assert not frags[0].after_break and frags[1].after_break
    rows = [r for f in frags for r in f.rows]
    table = [[c.text for c in r.cells] for r in rows]
    assert [t[0] for t in table] == ["TT", "1", "2", "3", "TT", "4", "5"]
    expected = {
        "1": ("Ban hành kế hoạch; rà soát danh sách sinh viên thuộc 05 khoa được chọn",
              "Trước ngày 27/6/2026", "Phòng Đào tạo; Trung tâm QLCL"),
        "2": ("Chọn mẫu ngẫu nhiên, chuẩn bị tài khoản/đường dẫn và hướng dẫn khảo sát",
              "Trước ngày 30/6/2026", "Trung tâm QLCL; các khoa"),
        "3": ("Triển khai khảo sát trực tuyến; theo dõi, đôn đốc sinh viên thực hiện",
              "29/6/2026 - 09/7/2026", "Trung tâm QLCL; các khoa; cố vấn học tập và cán bộ phụ trách lớp"),
        "4": ("Tổng hợp dữ liệu, rà soát tỷ lệ tham gia, hoàn thiện báo cáo kết quả khảo sát",
              "10/7/2026 - 13/7/2026", "Trung tâm QLCL; các đơn vị liên quan"),
        "5": ("Trình lãnh đạo Trường xem xét và gửi báo cáo theo yêu cầu của Bộ Giáo dục và Đào tạo",
              "Trước ngày 15/7/2026", "Trung tâm QLCL"),
    }
    got = {t[0]: tuple(_norm(x) for x in t[1:4]) for t in table if t[0] in expected}
    misses = [(k, g, e) for k in expected for g, e in zip(got[k], expected[k]) if g != e]
    # OCR is not perfect. With the default model (Tesseract "Vietnamese") four of the fifteen
    # cells differ from the page ("QLCHL" for "QLCL", a stray comma); "vie" reads them right.
    assert len(misses) <= 4, misses
    cells = [c for r in rows for c in r.cells]
    assert all(c.confidence is not None and 0 < c.confidence <= 1 for c in cells)
    assert all(c.page in (3, 4) and c.bbox and c.bbox[2] > c.bbox[0] for c in cells)
    assert 0.8 < doc.ocr_confidence <= 1
    # blocks and fragments share one reading order; the heading "6. Tiến độ thực hiện" above
    # the table comes right before it
    order = sorted([(b.index, b.text) for b in doc.blocks] + [(f.block_index, "<table>") for f in frags])
    pos = [t for _, t in order].index("<table>")
    assert order[pos - 1][1].startswith("6.") and "thực hiện" in order[pos - 1][1]


@needs_tesseract
def test_generated_scan_page_reads_its_table():
    """Page 2 of a committed 200-dpi scan (skewed, noisy, JPEG): the labels and a few cells
    against the gold of its seed."""
    pdf = SCANNED / "000_dbb53274ea895b03.portrait.200dpi.pdf"
    if not pdf.exists():
        pytest.skip("corpus/scanned not generated")
    doc = scan.read_scanned_pdf(pdf, source=pdf.name, pages_to_ocr={2})
    rows = [[c.text for c in r.cells] for f in doc.fragments for r in f.rows]
    labels = [r[0] for r in rows]
    assert labels[-6:] == ["1.", "1.1", "1.2", "1.3", "1.4", "2."]
    flat = [_norm(t) for r in rows for t in r]
    assert "Trước ngày 31/01/2024" in flat
    assert "Phòng Lãnh sự - NVNONN" in flat


@needs_tesseract
def test_eval_on_the_committed_scan_of_seed_003_meets_the_scan_targets():
    """The command line end to end on a whole 7-page scan: cells and split tasks against its
    gold (targets of the scan issue: cell_acc 0.90, split_acc 0.85; this scan gives 155/161
    and 2 of its 3 split tasks)."""
    pdf = SCANNED / "003_e98dbb9b18233da0.portrait.200dpi.pdf"
    if not pdf.exists():
        pytest.skip("corpus/scanned not generated")
    proc = run_cli("eval", "--docs", str(SCANNED), "--only", "003_")
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"003_\S+: cells (\d+)/(\d+) rows gold=(\d+) pred=(\d+) f1=\S+ split (\d+)/(\d+)",
                  proc.stdout)
    assert m, proc.stdout
    ok, total, gold_rows, pred_rows, split_ok, split_total = map(int, m.groups())
    assert ok / total >= 0.93 and gold_rows == pred_rows == 23
    assert split_ok >= 2 and split_total == 3

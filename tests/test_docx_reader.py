"""The DOCX reader (and .doc through LibreOffice) at the fragment and block level."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document as new_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from kehoach.extract import docx as docx_reader
from kehoach.extract.base import ReadError
from kehoach.extract.docx import read_doc, read_docx

REPO = Path(__file__).resolve().parents[1]
RENDERED = REPO / "corpus" / "rendered"
GOLD = REPO / "corpus" / "gold" / "tasks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus-real"

needs_shared = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus-real absent")


def read(stem: str):
    path = RENDERED / f"{stem}.docx"
    return read_docx(path, source=str(path))


def test_word_table_is_one_fragment_with_merges():
    doc = read("000_dbb53274ea895b03")
    assert doc.format == "docx" and doc.pages is None
    assert len(doc.fragments) == 1
    frag = doc.fragments[0]
    assert frag.page is None and not frag.after_break
    head, sub = frag.rows[0], frag.rows[1]
    assert [(c.col, c.colspan, c.text) for c in head.cells][:3] == [
        (0, 1, "Stt"), (1, 2, "Nội dung thực hiện"), (3, 1, "Kết quả/ Sản phẩm")]
    assert [c.text for c in sub.cells] == ["", "Mục tiêu", "Nhiệm vụ", "", "", "", ""]
    rows = frag.rows
    # section row: label, then one cell over the six other columns
    sec = rows[2]
    assert [(c.col, c.colspan) for c in sec.cells] == [(0, 1), (1, 6)]
    # vertical merge (w:vMerge): 2.2's objective is printed once, the next row has it empty
    at = next(i for i, r in enumerate(rows) if r.cells[0].text == "2.2")
    assert rows[at].cells[1].text.startswith("100% quy trình điện tử")
    assert rows[at + 1].cells[0].text == "" and rows[at + 1].cells[1].text == ""
    assert rows[at + 1].cells[2].text.startswith("Cấu hình quy trình nội bộ")


def test_every_gold_row_is_in_the_word_table():
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        doc = read(path.stem)
        cells = {c.text for f in doc.fragments for r in f.rows for c in r.cells}
        for t in gold["tasks"]:
            assert t["task"] in cells, (path.stem, t["seq"])
            if t.get("lead"):
                assert t["lead"] in cells, (path.stem, t["seq"])


def test_list_items_in_a_cell_are_joined_as_written():
    doc = read("004_0b88bc6089270356")
    gold = json.loads((GOLD / "004_0b88bc6089270356.json").read_text(encoding="utf-8"))
    deadline = next(t["deadline"] for t in gold["tasks"] if t["seq"] == 2)
    assert deadline.startswith("- ") and deadline.count(" - ") >= 2
    cells = [c.text for f in doc.fragments for r in f.rows for c in r.cells]
    assert deadline in cells


def test_layout_tables_become_blocks_left_column_first():
    doc = read("000_dbb53274ea895b03")
    texts = [b.text for b in doc.blocks]
    assert texts[:5] == ["UBND TỈNH ĐỒNG NAI", "SỞ NGOẠI VỤ",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
                         "Số: /KH-SNgV", "Đồng Nai, ngày tháng 01 năm 2024"]
    assert texts[5] == "KẾ HOẠCH" and doc.blocks[5].heading and doc.blocks[5].bold
    assert texts[-2:] == ["KT.GIÁM ĐỐC PHÓ GIÁM ĐỐC", "Trần Quốc Toàn"]
    seq = sorted([b.index for b in doc.blocks] + [f.block_index for f in doc.fragments])
    assert seq == list(range(len(seq)))


def _bordered(table):
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def test_grid_before_nested_tables_and_tabbed_columns(tmp_path):
    d = new_docx()
    d.add_paragraph("Nơi nhận:\t\tKT. GIÁM ĐỐC")
    t = d.add_table(rows=3, cols=4)
    _bordered(t)
    for c, text in enumerate(["STT", "Nhiệm vụ", "Chủ trì", "Thời gian"]):
        t.cell(0, c).text = text
    t.cell(1, 0).text = "1"
    cell = t.cell(1, 1)
    cell.text = "Rà soát thủ tục"
    cell.add_paragraph("- Bước một")
    inner = cell.add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "bảng lồng"
    t.cell(1, 2).text = "Văn phòng"
    t.cell(1, 3).text = "Quý I"
    # the last row starts one grid column in (w:gridBefore), its first cell removed
    tr = t.rows[2]._tr
    tr.remove(tr.tc_lst[0])
    pr = tr.get_or_add_trPr()
    gb = OxmlElement("w:gridBefore")
    gb.set(qn("w:val"), "1")
    pr.insert(0, gb)
    tr.tc_lst[0].append(OxmlElement("w:p"))
    path = tmp_path / "t.docx"
    d.save(str(path))
    doc = read_docx(path, source="t.docx")
    assert [b.text for b in doc.blocks] == ["Nơi nhận:", "KT. GIÁM ĐỐC"]
    rows = doc.fragments[0].rows
    assert rows[1].cells[1].text == "Rà soát thủ tục - Bước một bảng lồng"
    assert [c.col for c in rows[2].cells] == [1, 2, 3]


@needs_shared
def test_real_docx_header_and_signature_are_blocks():
    doc = read_docx(REAL / "dthap-kh58-thptcl2-2026.docx", source="x")
    texts = [b.text for b in doc.blocks]
    for expected in ("SỞ GDĐT TỈNH ĐỒNG THÁP", "TRƯỜNG THPT CAO LÃNH 2", "Số: 58/KH-THPTCL2",
                     "Đồng Tháp, ngày 15 tháng 4 năm 2026", "KẾ HOẠCH", "KT.HIỆU TRƯỞNG PHÓ HIỆU TRƯỞNG",
                     "Trần Thanh Vũ"):
        assert expected in texts
    assert not doc.fragments          # both Word tables are borderless page layout


@needs_shared
@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice not installed")
def test_legacy_doc_through_libreoffice():
    path = REAL / "dthap-kh362-sgddt-2026-draft.doc"
    doc = read_doc(path, source=str(path))
    assert doc.format == "doc"
    texts = [b.text for b in doc.blocks]
    assert "Số: /KH-SGDĐT" in texts and "KẾ HOẠCH" in texts
    cells = [c.text for f in doc.fragments for r in f.rows for c in r.cells]
    assert "8h30 - 8h35" in cells


def test_doc_without_libreoffice_names_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(docx_reader, "soffice_binary", lambda: None)
    fake = tmp_path / "old.doc"
    # the stream name every Word .doc holds, so the file gets as far as the converter
    fake.write_bytes(docx_reader.OLE2_MAGIC + b"\x00" * 600 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(ReadError, match="LibreOffice.*libreoffice-writer"):
        read_doc(fake, source="old.doc")


@pytest.mark.parametrize("name, reason", [
    ("not_a_zip.docx", r"^not a DOCX \(not a zip archive"),
    ("no_document.docx", r"^not a DOCX \(a zip archive without word/document.xml\)"),
])
def test_bad_docx_refused_with_a_reason(name, reason):
    with pytest.raises(ReadError, match=reason):
        read_docx(FIXTURES / name, source=name)


def test_not_a_doc_refused():
    with pytest.raises(ReadError, match=r"^not a Word .doc"):
        read_doc(FIXTURES / "not_a_zip.docx", source="x")

"""A PDF whose pages are partly text layer and partly scans reads as one document: the text
pages as they are, the scanned pages through OCR, the task table recovered across both."""
from __future__ import annotations

import shutil

import pypdfium2 as pdfium
import pytest

from conftest import CORPUS, gold
from kehoach.eval import tables as ev
from kehoach.pipeline import extract

STEM = "003_e98dbb9b18233da0"
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory):
    """Pages 1–4 of the rendered plan with their text layer, pages 5–7 from its 200-dpi scan:
    the task table starts on text pages and runs on into scanned ones."""
    text = pdfium.PdfDocument(str(CORPUS / "rendered" / f"{STEM}.portrait.pdf"))
    scan = pdfium.PdfDocument(str(CORPUS / "scanned" / f"{STEM}.portrait.200dpi.pdf"))
    assert len(text) == len(scan) == 7
    out = pdfium.PdfDocument.new()
    out.import_pages(text, [0, 1, 2, 3])
    out.import_pages(scan, [4, 5, 6])
    path = tmp_path_factory.mktemp("mixed") / f"{STEM}.mixed.pdf"
    out.save(str(path))
    return path


@needs_tesseract
def test_mixed_pdf_reads_text_pages_and_ocrs_the_rest(mixed_pdf):
    ex = extract(mixed_pdf)
    assert ex.status == "ok", ex.error
    doc = ex.document
    assert doc.format == "pdf" and doc.ocr_pages == (5, 6, 7)
    assert doc.ocr_confidence is not None
    assert {f.page for f in doc.fragments} >= {4, 5, 6, 7}
    d = ev.score_document(mixed_pdf.name, gold(STEM), [dict(t.__dict__) for t in ex.tasks if t.origin == "table"])
    # OCR may add a stray row on the scanned pages; every gold task must be found
    assert d.matched == d.n_gold == 23 and d.n_pred <= 24, d.misses[:5]
    assert d.cell_acc >= 0.8, d.misses[:10]
    # rows on the text pages are exact
    assert [t.stt for t in ex.tasks[:5]] == ["1", "2", "3", "5", "6"]
    assert ex.tasks[0].lead == "Văn phòng - Thanh tra"
    assert ex.metadata.number == "508/KH-SNgV"


def test_scanned_pdf_without_ocr_pages_is_plain_pdf():
    ex = extract(CORPUS / "rendered" / f"{STEM}.portrait.pdf")
    assert ex.document.format == "pdf" and ex.document.ocr_pages == ()
    assert len([t for t in ex.tasks if t.origin == "table"]) == 23


@pytest.mark.skipif(not (CORPUS.parent.parent / "shared").is_dir(), reason="../shared absent")
def test_letter_without_type_heading_is_a_cong_van():
    # checked by hand: "V/v góp ý dự thảo Quyết định … về Chương trình cung cấp dịch vụ viễn thông công ích"
    ex = extract(CORPUS.parent.parent / "shared" / "corpus-real" / "qngai-cv507-gopy-vtci-2025-text.pdf")
    assert ex.metadata.doc_type == "Công văn"
    assert ex.metadata.title.startswith("góp ý dự thảo Quyết định sửa đổi")
    assert ex.metadata.title.endswith("Chương trình cung cấp dịch vụ viễn thông công ích")

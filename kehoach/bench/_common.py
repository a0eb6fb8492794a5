"""What the benchmarks share."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def page_count(path: Path) -> int:
    from kehoach.extract.pdfium import open_pdf
    pdf = open_pdf(path)
    try:
        return len(pdf)
    finally:
        pdf.close()

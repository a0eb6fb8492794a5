"""The one settings tree: every stage's settings object, composed, validated once.

    Settings
    ├── read: ReadSettings      (pdf, scan, text, docx: one per reader)
    ├── recover: RecoverSettings
    └── normalize: NormalizeSettings (units, deadlines, citations, targets)

Each leaf is the frozen dataclass its stage defines next to its code (as pdfplumber's
TableSettings lives with the table finder); this module only composes them, so the CLI and
the Python API reach every knob the same way: `Settings().override({"read.pdf.engine":
"pdfplumber"})`, or `kehoach ingest --set read.pdf.engine=pdfplumber`.
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Mapping

from kehoach.extract.docx import DocxSettings
from kehoach.extract.pdf import PdfSettings
from kehoach.extract.recover import RecoverSettings
from kehoach.extract.scan import ScanSettings
from kehoach.extract.text import TextSettings


class SettingsError(ValueError):
    """A setting that does not exist or has a value of the wrong type or range."""


@dataclass(frozen=True)
class ReadSettings:
    pdf: PdfSettings = field(default_factory=PdfSettings)
    scan: ScanSettings = field(default_factory=ScanSettings)
    text: TextSettings = field(default_factory=TextSettings)
    docx: DocxSettings = field(default_factory=DocxSettings)

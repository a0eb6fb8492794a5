"""The document model: typed, frozen records that every reader fills and every stage reads.

Readers (kehoach.extract.*) turn a file into a `Document`: its text blocks in reading order and
its table fragments (one per page or per page-break-delimited run of rows), each cell carrying
where it came from. Table recovery (kehoach.extract.recover) turns fragments into `Task`s;
normalizers (kehoach.normalize.*) add `UnitMention`s, `Deadline`s, `Citation`s and `Target`s.
Every record keeps its source file and page so any value can be traced back.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Where a value sits in its source: 1-based page (None for formats without pages) and a
# character span in the reader's text for that page or file (None when not applicable).
Span = tuple[int, int]
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Cell:
    text: str
    col: int                       # first grid column the cell occupies
    colspan: int = 1
    page: int | None = None
    line: int | None = None        # 1-based source line (text formats)
    bbox: BBox | None = None       # PDF/scan coordinates (points)
    confidence: float | None = None  # OCR confidence 0..1, None when not OCR
    bold: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    page: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class TableFragment:
    """Rows of one table as they appear on one page (or between two page-break signals)."""
    rows: tuple[Row, ...]
    index: int                     # order of the fragment in the document
    page: int | None = None
    # True when the reader saw a page break (or its text signal) right before this fragment;
    # False when the fragment is a new table on the same page.
    after_break: bool = True
    # Position of the fragment among the document's blocks, so prose between two fragments
    # can be detected (a headerless fragment continues a table only when nothing intervenes).
    block_index: int = 0


@dataclass(frozen=True)
class TextBlock:
    text: str
    index: int                     # position among blocks and fragments, reading order
    page: int | None = None
    line: int | None = None
    bold: bool = False
    heading: bool = False


@dataclass(frozen=True)
class Document:
    source: str                    # path as given on the command line
    sha256: str
    doc_id: str
    format: str                    # txt, md, pdf, pdf-scanned, docx, doc
    pages: int | None
    blocks: tuple[TextBlock, ...]
    fragments: tuple[TableFragment, ...]
    warnings: tuple[str, ...] = ()
    ocr_confidence: float | None = None
    # 1-based pages whose only content is an image (a scan, maybe with a signature stamp):
    # the text-layer reader leaves them to OCR.
    pages_needing_ocr: tuple[int, ...] = ()
    ocr_pages: tuple[int, ...] = ()        # pages whose content came from OCR
    # How the reader placed cells: "grid" when each cell sits in a known column (ruling lines,
    # Word tables), "positional" when columns are only implied by order (tab-separated text,
    # crawled markdown) and the recovery may re-place shifted cells.
    layout: str = "positional"


@dataclass(frozen=True)
class Metadata:
    number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    issuer_method: str | None = None
    issuer_parent: str | None = None      # the body printed above the issuer: "UBND TỈNH ĐỒNG NAI"
    place: str | None = None
    issued: dt.date | None = None
    issued_text: str | None = None
    title: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    signer_authority: str | None = None   # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"


@dataclass(frozen=True)
class Task:
    seq: int
    section: str | None
    section_title: str | None
    stt: str | None
    objective: str | None
    task: str | None
    output: str | None
    lead: str | None
    support: str | None
    deadline: str | None
    basis: str | None
    split: bool
    page_start: int | None
    page_end: int | None
    table: int                     # 1-based logical table number in the document
    line_start: int | None = None
    line_end: int | None = None
    repairs: tuple[str, ...] = ()  # what recovery changed to build this row
    confidence: float | None = None
    origin: str = "table"          # "table" (a task table's row) or "prose" (kehoach.extract.prose)
    # labels of the enclosing headings, part first: ("III", "7", "7.1"); section is the last
    section_path: tuple[str, ...] = ()
    table_heading: str | None = None   # the caption printed right above the task's table


@dataclass(frozen=True)
class Finding:
    """A quality note: something repaired, doubtful or left unparsed. Never silently dropped."""
    kind: str                      # e.g. missing_number, unplaced_row, dropped_junk, no_table
    message: str
    seq: int | None = None
    page: int | None = None
    line: int | None = None
    severity: str = "info"         # info | warning | error
    value: str | None = None


@dataclass(frozen=True)
class Deadline:
    kind: str                      # by_date, date, period, recurring, continuous, conditional, relative, none, unparsed
    start: dt.date | None = None
    end: dt.date | None = None
    recurrence: str | None = None  # monthly, quarterly, yearly, or combined "monthly,quarterly,yearly"
    open_end: bool = False
    text: str = ""
    items: tuple["Deadline", ...] = ()   # every item's parse when a cell lists several


@dataclass(frozen=True)
class Citation:
    raw: str
    kind: str | None               # Nghị định, Thông tư, Quyết định, …
    number: str | None
    year: int | None
    symbol: str | None             # e.g. NĐ-CP, QĐ-TTg, NQ/TU
    key: str | None                # canonical number-symbol: 45/2020/NĐ-CP
    issuer: str | None = None
    date: dt.date | None = None
    subject: str | None = None
    span: Span | None = None
    resolved_from: str | None = None   # short form resolved to a full citation of the same plan
    conflict: str | None = None        # e.g. same type and date with another number


@dataclass(frozen=True)
class UnitMention:
    mention: str                   # as printed
    unit_name: str | None          # full official name, abbreviations expanded, place resolved
    unit_type: str | None
    unit_id: str | None
    level: str | None              # central, province, district, commune, internal, person
    province_code: str | None = None
    district_code: str | None = None
    commune_code: str | None = None
    score: float | None = None
    method: str = "unmatched"      # exact | alias | fuzzy | unmatched


@dataclass(frozen=True)
class Target:
    text: str
    indicator: str | None
    comparator: str | None         # >=, <=, =, >, <, range
    value: float | None
    value_max: float | None = None
    unit: str | None = None        # %, phút, ngày, sáng kiến …
    year: int | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Found:
    """One normalizer's result with where it came from: the task (seq) or prose block it was
    found in, its page and line, and the field (task column, "prose", or a unit's role)."""
    value: Any
    seq: int | None = None
    page: int | None = None
    line: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything the pipeline learned from one file: the hand-off between stages.

    Each stage (kehoach.pipeline.STAGES) takes an Extraction and returns a new one with its
    part filled: read → `document`; recover → `tasks`, `used_fragments`; metadata →
    `metadata`; normalize → `found[name]` for each registered normalizer. Findings
    accumulate. A stage that fails sets `status="failed"` and `error`, and the chain stops."""
    source: str = ""
    document: Document | None = None
    metadata: Metadata = field(default_factory=Metadata)
    tasks: tuple[Task, ...] = ()
    findings: tuple[Finding, ...] = ()
    status: str = "ok"             # ok | partial | failed
    error: str | None = None
    # the ReadError subclass's reason code when reading failed ("encrypted", "corrupt", …)
    error_kind: str | None = None
    used_fragments: frozenset[int] = frozenset()   # fragment indexes that belong to task tables
    # normalizer name → its results, in document order (kehoach.normalize.NORMALIZERS)
    found: dict[str, tuple[Found, ...]] = field(default_factory=dict)

    def results(self, name: str) -> tuple[Found, ...]:
        return self.found.get(name, ())

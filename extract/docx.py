"""Reader for Word documents: .docx with python-docx's XML tree, legacy .doc through LibreOffice.

The body is walked in order: paragraphs become text blocks; a bordered table becomes one table
fragment (a Word file has no pages, so nothing is cut by a page break); a borderless table is
page layout — the national header, the signature block — and its cells become text blocks, row
by row, left cell first. Cells keep their grid column (w:gridBefore and w:gridSpan counted); a
vertically merged cell (w:vMerge) holds its text in its first row and the rows it also covers
get an empty cell there, as on paper. The paragraphs of a cell, list items included, are joined
with one space.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kehoach.extract.base import (ConverterUnavailable, Corrupt, EmptyFile, NoText, TooLarge, WrongType, file_digest,
                                  make_document)
from kehoach.model import Cell, Document, Row, TableFragment, TextBlock

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class DocxSettings:
    # A borderless table this small is page layout (header, signature), not data.
    layout_max_cols: int = 3
    layout_max_rows: int = 6
    max_heading_chars: int = 200
    soffice_timeout: float = 180.0
    # Largest uncompressed XML member, and all XML members together, that is parsed (MB). The
    # biggest real plans hold a few MB of XML; a zip bomb expands a few MB to gigabytes, which
    # lxml would build as a tree of many times that size, so the sizes are checked first.
    max_xml_mb: float = 200.0
    max_total_xml_mb: float = 400.0
    # python-docx loads every part of the package, images included, into memory on opening.
    max_package_mb: float = 1000.0


# --- bad input --------------------------------------------------------------------------

def check_docx_file(path: Path, settings: DocxSettings = DocxSettings()) -> None:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise EmptyFile("empty file")
    if head.startswith(OLE2_MAGIC):
        raise WrongType("not a DOCX: an OLE2 file (a legacy .doc, or a password-protected Office file)")
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK\x03\x04"):     # a zip's start without its directory at the end
            raise Corrupt("truncated or corrupt DOCX (a zip archive without its central directory)")
        raise WrongType(f"not a DOCX (not a zip archive; starts with {head!r})")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                raise WrongType("not a DOCX (a zip archive without word/document.xml)")
            _check_sizes(z, settings)
    except zipfile.BadZipFile as exc:
        raise Corrupt(f"corrupt DOCX ({exc})") from exc


def _check_sizes(z: zipfile.ZipFile, settings: DocxSettings) -> None:
    """Refuse a zip bomb before anything parses it: first by the sizes the archive declares,
    then by decompressing each XML member in chunks, counting, up to the cap (the declared
    size can lie; zipfile itself stops at it, but a bomb need not be honest about it)."""
    cap, total_cap = int(settings.max_xml_mb * 2**20), int(settings.max_total_xml_mb * 2**20)
    parts = [i for i in z.infolist() if i.filename.endswith((".xml", ".rels"))]
    declared = sum(i.file_size for i in parts)
    for i in parts:
        if i.file_size > cap:
            raise TooLarge(f"DOCX member {i.filename} expands to {i.file_size / 2**20:.0f} MB "
                           f"(> read.docx.max_xml_mb={settings.max_xml_mb:g}); a zip bomb or not a plan")
    package = sum(i.file_size for i in z.infolist())
    if package > settings.max_package_mb * 2**20:
        raise TooLarge(f"DOCX parts expand to {package / 2**20:.1f} MB in all "
                       f"(> read.docx.max_package_mb={settings.max_package_mb:g})")
    if declared > total_cap:
        raise TooLarge(f"DOCX XML expands to {declared / 2**20:.0f} MB in all "
                       f"(> read.docx.max_total_xml_mb={settings.max_total_xml_mb:g})")
    total = 0
    for i in parts:
        n = 0
        with z.open(i) as fh:
            while chunk := fh.read(1 << 20):
                n += len(chunk)
                total += len(chunk)
                if n > cap or total > total_cap:
                    raise TooLarge(f"DOCX member {i.filename} expands past its declared size and the "
                                   f"cap (read.docx.max_xml_mb={settings.max_xml_mb:g})")


# --- text of paragraphs -----------------------------------------------------------------------

def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " ").replace("\u00ad", ""))
    return re.sub(r"\s+", " ", text).strip()


def _skipped(el) -> bool:
    """Text Word does not show as body text here: deletions, the fallback copy of a drawing,
    text boxes (read on their own)."""
    parent = el.getparent()
    while parent is not None:
        tag = parent.tag
        if tag in (W + "del", MC_FALLBACK, W + "txbxContent"):
            return True
        if tag == W + "p":
            return False
        parent = parent.getparent()
    return False


def _on(el) -> bool:
    if el is None:
        return False
    val = el.get(W + "val")
    return val is None or val.lower() not in ("0", "false", "off", "none")


class Styles:
    """Bold and heading facts of paragraph and character styles, inheritance followed."""

    def __init__(self, doc):
        self._by_id = {}
        try:
            for st in doc.styles.element.findall(W + "style"):
                self._by_id[st.get(W + "styleId")] = st
        except Exception:
            pass

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self._by_id and style_id not in seen:
            seen.add(style_id)
            st = self._by_id[style_id]
            yield st
            based = st.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None

    def bold(self, style_id: str | None) -> bool | None:
        for st in self._chain(style_id):
            b = st.find(f"{W}rPr/{W}b")
            if b is not None:
                return _on(b)
        return None

    def is_heading(self, style_id: str | None) -> bool:
        for st in self._chain(style_id):
            name = st.find(W + "name")
            n = (name.get(W + "val") if name is not None else "").lower()
            if n.startswith(("heading", "title")) or st.find(f"{W}pPr/{W}outlineLvl") is not None:
                return True
        return False


def _style_id(el, path: str) -> str | None:
    s = el.find(path)
    return s.get(W + "val") if s is not None else None


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool
    heading: bool


class Bullets:
    """The bullet a list paragraph shows but does not contain ("- " typed by numbering)."""

    def __init__(self, doc):
        self._lvl: dict[tuple[str, str], str] = {}
        try:
            numbering = doc.part.numbering_part.element
        except Exception:
            return
        abstract = {}
        for an in numbering.findall(W + "abstractNum"):
            levels = {}
            for lvl in an.findall(W + "lvl"):
                fmt = _style_id(lvl, W + "numFmt")
                text = _style_id(lvl, W + "lvlText")
                if fmt == "bullet" and text and text.strip() in ("-", "–", "+", "−"):
                    levels[lvl.get(W + "ilvl")] = "- "
            abstract[an.get(W + "abstractNumId")] = levels
        for num in numbering.findall(W + "num"):
            aid = _style_id(num, W + "abstractNumId")
            for ilvl, mark in abstract.get(aid, {}).items():
                self._lvl[(num.get(W + "numId"), ilvl)] = mark

    def mark(self, p) -> str:
        num = p.find(f"{W}pPr/{W}numPr")
        if num is None:
            return ""
        return self._lvl.get((_style_id(num, W + "numId"), _style_id(num, W + "ilvl") or "0"), "")


def paragraph(p, styles: Styles, bullets: Bullets, settings: DocxSettings) -> Para:
    pstyle = _style_id(p, f"{W}pPr/{W}pStyle")
    pbold = styles.bold(pstyle)
    parts: list[str] = []
    bold_chars = total = 0
    for r in p.iter(W + "r"):
        if _skipped(r):
            continue
        rpr = r.find(W + "rPr")
        b = rpr.find(W + "b") if rpr is not None else None
        if b is not None:
            bold = _on(b)
        else:
            rstyle = _style_id(r, f"{W}rPr/{W}rStyle")
            rb = styles.bold(rstyle)
            bold = rb if rb is not None else bool(pbold)
        for el in r:
            if el.tag == W + "t":
                t = el.text or ""
                parts.append(t)
                n = len(t.strip())
                total += n
                bold_chars += n if bold else 0
            elif el.tag in (W + "tab", W + "ptab"):
                parts.append("\t")
            elif el.tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif el.tag == W + "noBreakHyphen":
                parts.append("-")
    raw = "".join(parts)
    mark = bullets.mark(p)
    text = _clean(raw)
    if mark and text and not text.startswith(("-", "–", "+")):
        text = mark + text
    is_bold = total > 0 and bold_chars * 2 > total
    align = _style_id(p, f"{W}pPr/{W}jc")
    heading = styles.is_heading(pstyle) or (
        is_bold and len(text) < settings.max_heading_chars and (align == "center" or text.isupper()))
    return Para(text=text, bold=is_bold, heading=heading)


def paragraph_columns(p, styles: Styles, bullets: Bullets, settings: DocxSettings) -> list[Para]:
    """A paragraph typed as columns with tabs ("Nơi nhận:<tab><tab>KT. GIÁM ĐỐC") gives one
    block per column; an ordinary paragraph gives itself."""
    para = paragraph(p, styles, bullets, settings)
    raw_has_tabs = p.find(f".//{W}tab") is not None
    if not raw_has_tabs:
        return [para] if para.text else []
    texts = []
    for r in p.iter(W + "r"):
        if _skipped(r):
            continue
        for el in r:
            if el.tag == W + "t":
                texts.append(el.text or "")
            elif el.tag in (W + "tab", W + "ptab"):
                texts.append("\t")
            elif el.tag in (W + "br", W + "cr"):
                texts.append(" ")
    cols = [_clean(c) for c in re.split(r"\t+", "".join(texts))]
    cols = [c for c in cols if c]
    if len(cols) <= 1:
        return [para] if para.text else []
    return [Para(c, para.bold, False) for c in cols]


# --- tables -------------------------------------------------------------------------------


def _visible(side) -> bool:
    return side.get(W + "val") not in (None, "nil", "none") and side.get(W + "sz") != "0"


def table_has_borders(tbl, doc_styles: Styles) -> bool:
    """Borders set on the table override those of its style side by side ("Table Grid" with
    every side set to none is the usual borderless header table)."""
    sides: dict[str, bool] = {}
    direct = tbl.find(f"{W}tblPr/{W}tblBorders")
    if direct is not None:
        for side in direct:
            sides[side.tag] = _visible(side)
    for st in doc_styles._chain(_style_id(tbl, f"{W}tblPr/{W}tblStyle")):
        borders = st.find(f"{W}tblPr/{W}tblBorders")
        if borders is not None:
            for side in borders:
                sides.setdefault(side.tag, _visible(side))
            break
    if any(sides.values()):
        return True
    return any(_visible(side) for b in tbl.iter(W + "tcBorders") for side in b)


def _int_val(el, path: str, default: int) -> int:
    v = _style_id(el, path)
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


def _cell_paragraphs(tc) -> list:
    """Paragraphs of a cell in order, those of nested tables included."""
    return [p for p in tc.iter(W + "p") if not _skipped(p)]


def _continues_merge(tc) -> bool:
    vm = tc.find(f"{W}tcPr/{W}vMerge")
    return vm is not None and (vm.get(W + "val") or "continue") == "continue"


def table_rows(tbl, styles: Styles, bullets: Bullets, settings: DocxSettings) -> list[Row]:
    rows: list[Row] = []
    for tr in tbl.findall(W + "tr"):
        col = _int_val(tr, f"{W}trPr/{W}gridBefore", 0)
        cells: list[Cell] = []
        for tc in tr.findall(W + "tc"):
            span = max(1, _int_val(tc, f"{W}tcPr/{W}gridSpan", 1))
            if _continues_merge(tc):
                text, bold = "", False
            else:
                paras = [paragraph(p, styles, bullets, settings) for p in _cell_paragraphs(tc)]
                paras = [x for x in paras if x.text]
                text = " ".join(x.text for x in paras)
                n = sum(len(x.text) for x in paras)
                bold = n > 0 and sum(len(x.text) for x in paras if x.bold) * 2 > n
            cells.append(Cell(text=_clean(text), col=col, colspan=span, bold=bold))
            col += span
        rows.append(Row(cells=tuple(cells)))
    return rows


def is_layout_table(tbl, styles: Styles, settings: DocxSettings) -> bool:
    if table_has_borders(tbl, styles):
        return False
    rows = tbl.findall(W + "tr")
    ncols = max((sum(max(1, _int_val(tc, f"{W}tcPr/{W}gridSpan", 1)) for tc in tr.findall(W + "tc"))
                 for tr in rows), default=0)
    return ncols <= settings.layout_max_cols or len(rows) <= settings.layout_max_rows


def layout_blocks(tbl, styles: Styles, bullets: Bullets, settings: DocxSettings) -> list[Para]:
    """Cells of a layout table, row by row, left cell first; in a cell, consecutive paragraphs
    of the same weight are one block ("UBND TỈNH …" stays apart from the bold "SỞ …" under it,
    as the issuing body is set in bold), an empty paragraph ends a block."""
    out: list[Para] = []
    for tr in tbl.findall(W + "tr"):
        for tc in tr.findall(W + "tc"):
            if _continues_merge(tc):
                continue
            group: list[Para] = []
            for p in _cell_paragraphs(tc):
                para = paragraph(p, styles, bullets, settings)
                if group and (not para.text or para.bold != group[-1].bold):
                    out.append(_join(group))
                    group = []
                if para.text:
                    group.append(para)
            if group:
                out.append(_join(group))
    return out


def _join(paras: list[Para]) -> Para:
    return Para(" ".join(p.text for p in paras), paras[0].bold, False)


# --- the document -------------------------------------------------------------------------

def _body_items(body):
    """Block-level elements in order, content controls opened."""
    for el in body:
        if el.tag == W + "sdt":
            content = el.find(W + "sdtContent")
            if content is not None:
                yield from _body_items(content)
        elif el.tag in (W + "p", W + "tbl"):
            yield el


def docx_content(path: Path, settings: DocxSettings) -> tuple[list[TextBlock], list[TableFragment]]:
    import docx

    check_docx_file(path, settings)
    try:
        doc = docx.Document(str(path))
    except Exception as exc:
        raise Corrupt(f"corrupt DOCX ({type(exc).__name__}: {exc})") from exc
    styles, bullets = Styles(doc), Bullets(doc)
    blocks: list[TextBlock] = []
    fragments: list[TableFragment] = []
    index = 0

    def add_block(para: Para):
        nonlocal index
        blocks.append(TextBlock(text=para.text, index=index, page=None, bold=para.bold,
                                heading=para.heading))
        index += 1

    for el in _body_items(doc.element.body):
        if el.tag == W + "p":
            for para in paragraph_columns(el, styles, bullets, settings):
                add_block(para)
            for box in el.iter(W + "txbxContent"):
                for p in box.iter(W + "p"):
                    para = paragraph(p, styles, bullets, settings)
                    if para.text:
                        add_block(para)
        elif is_layout_table(el, styles, settings):
            for para in layout_blocks(el, styles, bullets, settings):
                add_block(para)
        else:
            rows = table_rows(el, styles, bullets, settings)
            if any(c.text for r in rows for c in r.cells):
                fragments.append(TableFragment(rows=tuple(rows), index=len(fragments), page=None,
                                               after_break=False, block_index=index))
                index += 1
    return blocks, fragments


def read_docx(path: Path, *, source: str, settings: DocxSettings = DocxSettings()) -> Document:
    path = Path(path)
    blocks, fragments = docx_content(path, settings)
    if not blocks and not fragments:
        raise NoText("no text in the DOCX")
    return make_document(path, source=source, layout="grid", format="docx", pages=None, blocks=blocks,
                         fragments=fragments)


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_doc(path: Path, outdir: Path, settings: DocxSettings = DocxSettings()) -> Path:
    """A legacy .doc converted to .docx by LibreOffice (headless, own throwaway profile)."""
    soffice = soffice_binary()
    if soffice is None:
        raise ConverterUnavailable("legacy Word .doc needs LibreOffice to convert it; install it "
                        "(Debian: apt-get install libreoffice-writer-nogui)")
    profile = outdir / "profile"
    try:
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(path)],
                       check=True, capture_output=True, timeout=settings.soffice_timeout)
    except subprocess.TimeoutExpired as exc:
        raise ConverterUnavailable(f"LibreOffice took over {settings.soffice_timeout:.0f}s to convert the .doc") from exc
    except subprocess.CalledProcessError as exc:
        raise ConverterUnavailable("LibreOffice could not convert the .doc: "
                        f"{exc.stderr.decode(errors='replace')[:200]}") from exc
    out = outdir / (path.stem + ".docx")
    if not out.exists():
        raise Corrupt("LibreOffice could not convert the .doc (no output; the file may be corrupt)")
    return out


# Every Word 97-2003 file holds its text in an OLE2 stream named "WordDocument" ([MS-DOC]
# 2.1); the name is stored UTF-16LE in the compound file's directory.
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def _has_word_stream(path: Path) -> bool:
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if _WORD_STREAM in tail + chunk:
                return True
            tail = chunk[-len(_WORD_STREAM):]
    return False


def read_doc(path: Path, *, source: str, settings: DocxSettings = DocxSettings()) -> Document:
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise EmptyFile("empty file")
    # OLE2 first: a .doc with an embedded object can pass zipfile's end-of-archive probe.
    if not head.startswith(OLE2_MAGIC) and zipfile.is_zipfile(path):      # a .docx named .doc
        blocks, fragments = docx_content(path, settings)
        return make_document(path, source=source, layout="grid", format="docx", pages=None, blocks=blocks,
                             fragments=fragments, warnings=("a DOCX file named .doc",))
    if not head.startswith(OLE2_MAGIC):
        raise WrongType(f"not a Word .doc (starts with {head!r})")
    if not _has_word_stream(path):
        # LibreOffice "converts" any bytes it cannot place as plain text: garbage or an Excel
        # file behind the OLE2 magic would come back as an ok document of noise.
        raise WrongType("an OLE2 file without a WordDocument stream: not a Word .doc "
                        "(another Office format, or damaged)")
    sha = file_digest(path)
    with tempfile.TemporaryDirectory() as tmp:
        # A plain name keeps LibreOffice away from odd characters in the caller's path.
        local = Path(tmp) / "input.doc"
        shutil.copyfile(path, local)
        converted = convert_doc(local, Path(tmp), settings)
        blocks, fragments = docx_content(converted, settings)
    if not blocks and not fragments:
        raise NoText("no text in the .doc")
    return make_document(path, source=source, layout="grid", format="doc", pages=None, blocks=blocks,
                         fragments=fragments, sha256=sha)

"""Regenerate corpus/rendered/: Word documents and PDFs made from the seed plans.

    python corpus/make_rendered.py            # all seeds with a gold task table
    python corpus/make_rendered.py 000 003    # only these stems (prefixes)

For every seed with a gold task table this writes `<stem>.docx`, laid out the way agencies write
a plan (national header as a borderless two-column table, number and date line, title, prose, the
task table as a real Word table, the signature block), and PDFs converted from it by LibreOffice
in several layouts, so page breaks fall in different rows: `<stem>.portrait.pdf`,
`<stem>.landscape.pdf`, `<stem>.small-font.pdf`, `<stem>.fallback-font.pdf`.

The table is built from the gold logical rows (gold is what the table is), the header texts from
gold "columns" (with the group header over Mục tiêu | Nhiệm vụ taken from the seed's own header
row), the section rows from gold "sections", and the prose from the seed text. Page breaks never
change the logical table, so each file's gold is its seed's gold.

Needs python-docx (a project dependency) and, to make the PDFs, LibreOffice (`soffice`) with
Debian's fonts-dejavu-core, fonts-liberation2 (Liberation Serif with Vietnamese glyphs) and
fonts-liberation (1.07: its Liberation Sans Narrow has no
Vietnamese glyphs, so LibreOffice falls back to another font in the middle of words — the
'fallback-font' rendering exists to keep that case tested). The tests never run this script.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
GOLD = HERE / "gold" / "tasks"
OUT = HERE / "rendered"

# The seeds lost the left column of their national header (the issuing body) and two lost their
# number and date lines; these are what the originals print there (from the seeds' own text:
# "huyện Trảng Bom", "SỞ NGOẠI VỤ HÀ TĨNH", "(Kèm theo Kế hoạch số: /KH-SKHCN ngày tháng 01 năm
# 2024 của Sở Khoa học và Công nghệ)"). Blank numbers and days stay blank, as before signing.
HEADERS = {
    "000": {"issuer": ("UBND TỈNH ĐỒNG NAI", "SỞ NGOẠI VỤ")},
    "001": {"issuer": ("UBND HUYỆN TRẢNG BOM", "ỦY BAN NHÂN DÂN XÃ GIANG ĐIỀN")},
    "003": {"issuer": ("UBND TỈNH HÀ TĨNH", "SỞ NGOẠI VỤ")},
    "004": {"issuer": ("UBND THÀNH PHỐ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
            "number": "Số:        /KH-SKHCN", "date": "ngày      tháng 01 năm 2024"},
}

NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class Layout:
    name: str
    font: str
    size: float            # body text, pt
    table_size: float      # task table text, pt
    landscape: bool
    margins_cm: tuple[float, float, float, float]   # top, bottom, left, right


LAYOUTS = (
    # Decree 30/2020 page: A4, Times New Roman 13-14 pt, margins 2/2/3/2 cm. Liberation Serif 2.x
    # has Times' metrics and the Vietnamese glyphs.
    Layout("portrait", "Liberation Serif", 13, 11, False, (2.0, 2.0, 3.0, 2.0)),
    Layout("landscape", "Liberation Serif", 13, 12, True, (2.0, 2.0, 2.5, 2.0)),
    Layout("small-font", "DejaVu Sans", 10, 8.5, False, (1.5, 1.5, 2.0, 1.5)),
    Layout("fallback-font", "Liberation Sans Narrow", 13, 11.5, False, (2.5, 2.0, 3.0, 2.0)),
)
DOCX_LAYOUT = LAYOUTS[0]


# ---------------------------------------------------------------- seed text → document parts

@dataclass
class Plan:
    stem: str
    number: str
    date: str
    doc_type: str
    title: str
    before: list[str] = field(default_factory=list)       # paragraphs before the table
    after: list[str] = field(default_factory=list)        # paragraphs after it (not signature)
    recipients: list[str] = field(default_factory=list)   # "Nơi nhận:" list, first line included
    signer: list[str] = field(default_factory=list)       # authority lines …, name last
    appendix: list[str] = field(default_factory=list)     # appendix heading lines (table inside)
    header_rows: list[list[str]] = field(default_factory=list)  # the seed's printed header rows


def clean_line(line: str) -> str:
    line = re.sub(r"</?b>|</?i>|<ul[^>]*>|</?li>|</ul>", "", line)
    line = re.sub(r"^#+\s*", "", line)
    line = line.replace("**", "").replace("***", "")
    line = re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"\1", line)
    return line.strip().strip("*").strip()


def seed_lines(text: str) -> list[str]:
    # "Phụ lục**DANH MỤC…**": bold markup glued to the previous word marks a line break lost in
    # the seed's conversion.
    text = re.sub(r"(?<=\w)\*\*(?=\w)", "\n", text)
    return text.splitlines()


DATE_LINE = re.compile(r"^(?:[^,.;]{1,40},\s*)?ngày\b.{0,30}\bnăm\s+\d{4}$")


def parse_seed(stem: str, text: str) -> Plan:
    raw = seed_lines(text)
    table_idx = [i for i, line in enumerate(raw) if "\t" in line]
    first, last = table_idx[0], table_idx[-1]
    header_rows = [[clean_line(c) for c in raw[first].split("\t")]]
    if first + 1 < len(raw) and raw[first + 1].startswith("\t"):
        header_rows.append([clean_line(c) for c in raw[first + 1].split("\t")])
    pre = [clean_line(x) for x in raw[:first]]
    post = [clean_line(x) for x in raw[last + 1:]]
    pre = [x for x in pre if x]
    post = [x for x in post if x]
    head = HEADERS.get(stem[:3], {})

    number = next((x for x in pre[:4] if x.startswith("Số")), None) or head.get("number", "Số:")
    date = next((x for x in pre[:5] if DATE_LINE.match(x)), None) or head.get("date", "")
    body = [x for x in pre if x not in (number, date)]
    doc_type = body.pop(0)
    title = body.pop(0)
    plan = Plan(stem, number, date, doc_type, title, header_rows=header_rows)

    # Everything from "Nơi nhận" on is the signature block, then an optional appendix heading.
    def split_signature(lines: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
        at = next((i for i, x in enumerate(lines) if x.startswith("Nơi nhận")), None)
        if at is None:
            return lines, [], [], []
        prose, rest = lines[:at], lines[at:]
        recipients = [rest[0].rstrip()]
        i = 1
        while i < len(rest) and rest[i].startswith("-"):
            recipients.append(rest[i])
            i += 1
        app = next((j for j in range(i, len(rest)) if re.match(r"(?i)phụ lục", rest[j])), len(rest))
        return prose, recipients, rest[i:app], rest[app:]

    if any(x.startswith("Nơi nhận") for x in body):      # table sits in an appendix
        plan.before, plan.recipients, plan.signer, plan.appendix = split_signature(body)
        plan.after = post
    else:
        plan.before = body
        plan.after, plan.recipients, plan.signer, tail = split_signature(post)
        plan.after += tail
    return plan


# ---------------------------------------------------------------- python-docx helpers

def set_run_font(run, font: str, size: float | None = None, bold=None, italic=None):
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


def add_par(container, text: str, lay: Layout, *, size=None, bold=False, italic=False,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6.0, before=0.0):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    fmt.line_spacing = 1.1
    if indent:
        fmt.first_line_indent = Cm(1.0)
    run = p.add_run(text)
    set_run_font(run, lay.font, size or lay.size, bold, italic)
    return p


def cell_paragraphs(cell, text: str, lay: Layout, *, bold=False, align=None):
    """Write text into an empty cell; a '- a - b' list becomes one paragraph per item, as typed."""
    items = [text]
    if text.startswith("- "):
        items = ["- " + x.strip() for x in text[2:].split(" - ") if x.strip()]
    first = cell.paragraphs[0]
    for k, item in enumerate(items):
        p = first if k == 0 else cell.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = 1.0
        if align is not None:
            p.paragraph_format.alignment = align
        set_run_font(p.add_run(item), lay.font, lay.table_size, bold)


def _set_borders(table, **attrs):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        for key, value in attrs.items():
            el.set(qn(f"w:{key}"), value)
        borders.append(el)
    tbl_pr.append(borders)


def no_borders(table):
    _set_borders(table, val="nil")


def grid_borders(table):
    _set_borders(table, val="single", sz="4", space="0", color="000000")


def set_widths(table, widths_cm):
    # LibreOffice lays a table out from its grid (w:tblGrid), Word from the cells: set both.
    table.autofit = False
    for col, w in zip(table.columns, widths_cm):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)


def repeat_as_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def add_page_number_header(section, lay: Layout):
    # Decree 30/2020: page numbers centred at the top, from the second page on.
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    fld.append(run)
    p._p.append(fld)


def text_width_cm(lay: Layout) -> float:
    width = 29.7 if lay.landscape else 21.0
    return width - lay.margins_cm[2] - lay.margins_cm[3]


# ---------------------------------------------------------------- document parts

def national_header(doc, plan: Plan, lay: Layout):
    parent, issuer = HEADERS[plan.stem[:3]]["issuer"]
    table = doc.add_table(rows=2, cols=2)
    no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, (text_width_cm(lay) * 0.38, text_width_cm(lay) * 0.62))
    size = lay.size - 2
    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = table.cell(0, 0), table.cell(0, 1)
    for k, (line, bold) in enumerate(((parent, False), (issuer, True))):
        p = left.paragraphs[0] if k == 0 else left.add_paragraph()
        p.alignment = center
        set_run_font(p.add_run(line), lay.font, size, bold)
    for k, line in enumerate(NATIONAL):
        p = right.paragraphs[0] if k == 0 else right.add_paragraph()
        p.alignment = center
        set_run_font(p.add_run(line), lay.font, size if k == 0 else size + 1, True)
    p = table.cell(1, 0).paragraphs[0]
    p.alignment = center
    p.paragraph_format.space_before = Pt(8)
    set_run_font(p.add_run(plan.number), lay.font, size)
    p = table.cell(1, 1).paragraphs[0]
    p.alignment = center
    p.paragraph_format.space_before = Pt(8)
    set_run_font(p.add_run(plan.date), lay.font, size, italic=True)


def signature(doc, plan: Plan, lay: Layout):
    if not plan.recipients and not plan.signer:
        return
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    set_widths(table, (text_width_cm(lay) * 0.5, text_width_cm(lay) * 0.5))
    for k, line in enumerate(plan.recipients):
        p = left.paragraphs[0] if k == 0 else left.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        head = k == 0
        set_run_font(p.add_run(line), lay.font, lay.size - 1 if head else lay.size - 2,
                     bold=head, italic=head)
    titles, name = plan.signer[:-1], plan.signer[-1:] if plan.signer else []
    lines = titles + ["", "", "", ""] + name
    for k, line in enumerate(lines):
        p = right.paragraphs[0] if k == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        if line:
            set_run_font(p.add_run(line), lay.font, lay.size, bold=True)


def group_label(plan: Plan, columns: list[str], gold_cols: dict[str, str]) -> str:
    """The printed header over Mục tiêu | Nhiệm vụ, from the seed's first header row."""
    row = plan.header_rows[0]
    at = columns.index("objective")
    if at < len(row) and row[at] and row[at] != gold_cols["objective"]:
        return row[at]
    return "Nội dung thực hiện"


def printed_section_label(plan_text: str, label: str, title: str) -> str:
    m = re.search(rf"(?m)^(?:<b>)?({re.escape(label)}\.?)(?:</b>)?\t(?:<b>)?{re.escape(title[:25])}", plan_text)
    return m.group(1) if m else label


def column_widths(columns: list[str], total: float) -> list[float]:
    weight = {"stt": 1.0, "objective": 2.0, "task": 3.0, "output": 2.0, "lead": 2.0,
              "support": 2.0, "deadline": 2.0, "basis": 2.2}
    w = [weight[c] for c in columns]
    return [total * x / sum(w) for x in w]


def task_table(doc, plan: Plan, gold: dict, seed_text: str, lay: Layout):
    cols = list(gold["columns"])
    has_obj = "objective" in cols
    n = len(cols)
    header_rows = 2 if has_obj else 1
    tasks = gold["tasks"]
    sections = {s["label"]: s["title"] for s in gold["sections"]}

    # Row plan: ("section", label) or ("task", task)
    rows: list[tuple[str, object]] = []
    seen_section = None
    for t in tasks:
        if t.get("section") and t["section"] != seen_section:
            seen_section = t["section"]
            rows.append(("section", t["section"]))
        rows.append(("task", t))

    table = doc.add_table(rows=header_rows + len(rows), cols=n)
    grid_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, column_widths(cols, text_width_cm(lay)))

    center = WD_ALIGN_PARAGRAPH.CENTER
    # Header: one row, or two where Mục tiêu | Nhiệm vụ sit under a group cell.
    if has_obj:
        o = cols.index("objective")
        top = table.cell(0, o).merge(table.cell(0, o + 1))
        for c in range(n):
            if c not in (o, o + 1):
                table.cell(0, c).merge(table.cell(1, c))
        for c, key in enumerate(cols):
            if c in (o, o + 1):
                cell_paragraphs(table.cell(1, c), gold["columns"][key], lay, bold=True, align=center)
            else:
                cell_paragraphs(table.cell(0, c), gold["columns"][key], lay, bold=True, align=center)
        cell_paragraphs(top, group_label(plan, cols, gold["columns"]), lay, bold=True, align=center)
    else:
        for c, key in enumerate(cols):
            cell_paragraphs(table.cell(0, c), gold["columns"][key], lay, bold=True, align=center)
    for r in range(header_rows):
        repeat_as_header(table.rows[r])
        # LibreOffice clips a vertically merged header cell taller than its rows; reserve room.
        table.rows[r].height = Pt(lay.table_size * 2.6)

    # Vertical merges: consecutive tasks sharing stt and objective print them once.
    r0 = header_rows
    merge_runs: list[tuple[int, int]] = []
    k = 0
    while k < len(rows):
        kind, t = rows[k]
        j = k
        if kind == "task" and has_obj and t.get("objective") is not None:
            while (j + 1 < len(rows) and rows[j + 1][0] == "task"
                   and rows[j + 1][1].get("stt") == t.get("stt")
                   and rows[j + 1][1].get("objective") == t.get("objective")):
                j += 1
        if j > k:
            merge_runs.append((k, j))
        k = j + 1
    continued = {i for a, b in merge_runs for i in range(a + 1, b + 1)}
    for a, b in merge_runs:
        for c in (cols.index("stt"), cols.index("objective")):
            table.cell(r0 + a, c).merge(table.cell(r0 + b, c))

    for k, (kind, item) in enumerate(rows):
        r = r0 + k
        if kind == "section":
            label = printed_section_label(seed_text, item, sections[item])
            cell_paragraphs(table.cell(r, 0), label, lay, bold=True, align=center)
            span = table.cell(r, 1).merge(table.cell(r, n - 1))
            cell_paragraphs(span, sections[item], lay, bold=True)
            continue
        t = item
        if has_obj and t.get("objective") is None:
            o = cols.index("objective")
            table.cell(r, o).merge(table.cell(r, o + 1))
        for c, key in enumerate(cols):
            if k in continued and key in ("stt", "objective"):
                continue
            if has_obj and t.get("objective") is None and key == "objective":
                continue
            value = t.get(key) or ""
            if value:
                cell_paragraphs(table.cell(r, c), value, lay,
                                align=center if key in ("stt",) else None)


def build_docx(plan: Plan, gold: dict, seed_text: str, lay: Layout, path: Path):
    doc = new_docx()
    section = doc.sections[0]
    if lay.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    top, bottom, left, right = lay.margins_cm
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    normal = doc.styles["Normal"]
    normal.font.name = lay.font
    normal.font.size = Pt(lay.size)
    add_page_number_header(section, lay)

    national_header(doc, plan, lay)
    center = WD_ALIGN_PARAGRAPH.CENTER
    add_par(doc, plan.doc_type, lay, size=lay.size + 1, bold=True, align=center, indent=False,
            before=12, after=0)
    add_par(doc, plan.title, lay, size=lay.size + 1, bold=True, align=center, indent=False, after=12)

    def prose(lines: list[str]):
        for line in lines:
            heading = bool(re.match(r"^([IVX]+|\d+(\.\d+)*)\.\s", line)) or line.isupper()
            add_par(doc, line, lay, bold=heading)

    def appendix_heading(lines: list[str]):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for line in lines:
            note = line.startswith("(")
            add_par(doc, line, lay, bold=not note, italic=note, align=center, indent=False, after=2)

    table_args = (plan, gold, seed_text, lay)
    if plan.appendix:                       # table in an appendix after the signature
        prose(plan.before)
        signature(doc, plan, lay)
        appendix_heading(plan.appendix)
        task_table(doc, *table_args)
        prose(plan.after)
    else:
        prose(plan.before)
        task_table(doc, *table_args)
        prose(plan.after)
        signature(doc, plan, lay)
    doc.save(str(path))


# ---------------------------------------------------------------- conversion

def convert_to_pdf(docx_files: list[Path], outdir: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice is needed to make the PDFs: apt-get install libreoffice-writer-nogui "
                 "fonts-dejavu-core fonts-liberation2 fonts-liberation")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir),
                        *map(str, docx_files)], check=True, capture_output=True, timeout=600)


def main(argv: list[str]) -> None:
    wanted = argv or [""]
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        variants: list[Path] = []
        for gold_path in sorted(GOLD.glob("*.json")):
            stem = gold_path.stem
            if not any(stem.startswith(w) for w in wanted):
                continue
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            seed_text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
            plan = parse_seed(stem, seed_text)
            build_docx(plan, gold, seed_text, DOCX_LAYOUT, OUT / f"{stem}.docx")
            for lay in LAYOUTS:
                path = tmpdir / f"{stem}.{lay.name}.docx"
                build_docx(plan, gold, seed_text, lay, path)
                variants.append(path)
            print(f"{stem}: docx + {len(LAYOUTS)} layouts")
        convert_to_pdf(variants, OUT)
    for pdf in sorted(OUT.glob("*.pdf")):
        print(f"{pdf.name}: {pdf.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])

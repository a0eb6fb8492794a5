"""Speed on the same files in one run: pages per CPU second for kehoach (in process and as a
whole `kehoach ingest` process, start-up included), pdfplumber extract_tables, PyMuPDF (plain
text, layout off) and camelot lattice where installed, the pypdfium2 floor (text of every
page, nothing else), and the scans' CPU seconds per page; each tool's ratio to pdfplumber.

    python -m kehoach.bench.speed                    # corpus/rendered/*.pdf, corpus/scanned/*.pdf
    python -m kehoach.bench.speed --skip camelot --skip scans
    python -m kehoach.bench.speed a.pdf b.pdf --scans s1.pdf

CPU seconds, not wall: the machine is shared, and CPU time is what one core spends. Also the
start-up of one process ingesting one text file (the issue's "< 0.5 s"). Not a test.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kehoach.bench._common import REPO, page_count
from kehoach.bench.pdf import RENDERED, kehoach_pipeline, plumber_tables

SCANNED = REPO / "corpus" / "scanned"
SEED_TEXT = REPO / "corpus" / "seeds" / "000_dbb53274ea895b03.txt"
KEYS = ("kehoach", "ingest", "pdfplumber", "pymupdf", "camelot", "pdfium", "scans", "startup")


@dataclass(frozen=True)
class Speed:
    tool: str
    pages: int
    cpu: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.pages / max(self.cpu, 1e-9)


def in_process(files: list[Path], run: Callable[[Path], object]) -> float:
    """CPU seconds of this process reading every file once, after a first untimed file (its
    imports and caches are not page reading)."""
    run(files[0])
    t0 = time.process_time()
    for f in files:
        run(f)
    return time.process_time() - t0


def child_cpu(cmd: list[str]) -> float:
    """CPU seconds (user + system) a child process spends, from its start to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def kehoach_command() -> list[str]:
    return [sys.executable, "-m", "kehoach"]


def whole_process(files: list[Path]) -> float:
    with tempfile.TemporaryDirectory(prefix="kehoach-speed-") as out:
        return child_cpu(kehoach_command() + ["ingest", "-q", "-o", out] + [str(f) for f in files])


def startup(text: Path, repeat: int = 3) -> float:
    """The least CPU seconds of `kehoach ingest` on one text file (the best of `repeat`)."""
    best = float("inf")
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="kehoach-speed-") as out:
            best = min(best, child_cpu(kehoach_command() + ["ingest", "-q", "-o", out, str(text)]))
    return best


def pdfium_floor(f: Path) -> object:
    """The least any reader built on PDFium does: open, and every page's text in one call."""
    import pypdfium2
    pdf = pypdfium2.PdfDocument(str(f))
    try:
        out = []
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            out.append(tp.get_text_range())
            tp.close()
            page.close()
        return out
    finally:
        pdf.close()


def pymupdf_text() -> Callable[[Path], object] | None:
    try:
        import pymupdf
    except ImportError:
        try:
            import fitz as pymupdf
        except ImportError:
            return None

    def run(f: Path) -> object:
        with pymupdf.open(str(f)) as doc:
            return [page.get_text("words") for page in doc]
    return run


def camelot_lattice() -> Callable[[Path], object] | None:
    try:
        import camelot
    except Exception:
        return None
    return lambda f: camelot.read_pdf(str(f), flavor="lattice", pages="all")


def scans_reader() -> Callable[[Path], object]:
    from kehoach.bench.scan import kehoach_engine
    return kehoach_engine("kehoach:vie")


def measure(files: list[Path], scans: list[Path], skip: set[str]) -> list[Speed]:
    pages = sum(page_count(f) for f in files)
    rows: list[Speed] = []

    def add(key: str, tool: str, make: Callable[[], Callable[[Path], object] | None], on=files, n=pages):
        if key in skip:
            rows.append(Speed(tool, 0, 0.0, "--skip"))
            return
        run = make()
        if run is None:
            rows.append(Speed(tool, 0, 0.0, "not installed"))
            return
        try:
            rows.append(Speed(tool, n, in_process(on, run)))
        except Exception as exc:       # a tool failing on a file is a result, not a crash
            rows.append(Speed(tool, 0, 0.0, f"failed: {type(exc).__name__}: {exc}"))

    add("kehoach", "kehoach (in process)", kehoach_pipeline)
    if "ingest" in skip:
        rows.append(Speed("kehoach ingest (process)", 0, 0.0, "--skip"))
    else:
        rows.append(Speed("kehoach ingest (process)", pages, whole_process(files), "start-up and Parquet included"))
    add("pdfplumber", "pdfplumber extract_tables", lambda: plumber_tables)
    add("pymupdf", "PyMuPDF words (layout off)", pymupdf_text)
    add("camelot", "camelot lattice", camelot_lattice)
    add("pdfium", "pypdfium2 text (floor)", lambda: pdfium_floor)
    if scans:
        add("scans", "kehoach scans (OCR)", scans_reader, on=scans, n=sum(page_count(f) for f in scans))
    return rows


def report(rows: list[Speed], files: list[Path], scans: list[Path], start: float | None) -> str:
    base = next((r for r in rows if r.tool.startswith("pdfplumber") and r.pages), None)
    lines = [f"{len(files)} PDFs, {sum(page_count(f) for f in files)} pages; {len(scans)} scans"]
    for r in rows:
        if not r.pages:
            lines.append(f"{r.tool:<28} skipped: {r.note}")
            continue
        if r.tool.startswith("kehoach scans"):
            lines.append(f"{r.tool:<28} {r.pages:>5} pages {r.cpu:8.2f} cpu-s {r.cpu / r.pages:8.2f} cpu-s/page")
            continue
        ratio = f"{r.rate / base.rate:6.1f}x pdfplumber" if base else ""
        lines.append(f"{r.tool:<28} {r.pages:>5} pages {r.cpu:8.2f} cpu-s {r.rate:8.1f} pages/cpu-s  {ratio}"
                     + (f"  ({r.note})" if r.note else ""))
    if start is not None:
        lines.append(f"{'one-file text ingest':<28} {start:8.2f} cpu-s (whole process, best of 3)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="text-layer PDFs (default: corpus/rendered/*.pdf)")
    ap.add_argument("--scans", nargs="*", type=Path, default=None,
                    help="scanned PDFs (default: corpus/scanned/*.pdf)")
    ap.add_argument("--skip", action="append", default=[], choices=KEYS, help="leave a tool out (repeatable)")
    args = ap.parse_args(argv)
    files = args.files or sorted(RENDERED.glob("*.pdf"))
    if not files:
        print("no PDF files to read", file=sys.stderr)
        return 2
    scans = [] if "scans" in args.skip else (args.scans if args.scans is not None else sorted(SCANNED.glob("*.pdf")))
    skip = set(args.skip)
    rows = measure(files, scans, skip)
    start = None if "startup" in skip else startup(SEED_TEXT)
    print(report(rows, files, scans, start))
    return 0


if __name__ == "__main__":
    sys.exit(main())

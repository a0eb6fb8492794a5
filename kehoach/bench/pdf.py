"""Benchmark of PDF table reading: pages per second on the same files for kehoach's reader
(PDFium and pdfplumber engines), the whole pipeline (read, recover, metadata and
normalizers; and `ingest` with its Parquet writes), plain pdfplumber extract_tables and
camelot lattice.

    python -m kehoach.bench.pdf                    # one rendered PDF per layout
    python -m kehoach.bench.pdf --all              # every PDF in corpus/rendered
    python -m kehoach.bench.pdf a.pdf b.pdf        # these files
    python -m kehoach.bench.pdf --skip camelot     # leave a tool out

Pages per CPU second is the figure to compare with the target (20 text-PDF pages/s on one
core): the wall figure also counts whatever else the machine runs. Not a test.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kehoach.bench._common import REPO, page_count

RENDERED = REPO / "corpus" / "rendered"


@dataclass(frozen=True)
class Result:
    tool: str
    pages: int
    wall: float
    cpu: float
    note: str = ""

    def line(self) -> str:
        if not self.pages:
            return f"{self.tool:<28} skipped: {self.note}"
        return (f"{self.tool:<28} {self.pages:>5} pages {self.wall:7.2f}s wall {self.pages / self.wall:7.1f} pages/s"
                f"   {self.cpu:7.2f}s cpu {self.pages / max(self.cpu, 1e-9):7.1f} pages/cpu-s {self.note}")


def timed(tool: str, files: list[Path], run: Callable[[Path], object]) -> Result:
    pages = sum(page_count(f) for f in files)
    run(files[0])                     # imports and caches are not page reading
    wall, cpu = time.perf_counter(), time.process_time()
    for f in files:
        run(f)
    return Result(tool, pages, time.perf_counter() - wall, time.process_time() - cpu)


def kehoach_reader(engine: str) -> Callable[[Path], object]:
    from kehoach.extract.pdf import PdfSettings, read_pdf
    settings = PdfSettings(engine=engine)
    return lambda f: read_pdf(f, source=str(f), settings=settings)


def kehoach_pipeline() -> Callable[[Path], object] | None:
    """What `kehoach ingest` does for a file short of writing Parquet: read, recover, metadata,
    and the records with units, deadlines, citations and targets normalized."""
    try:
        from kehoach.datasets import records
        from kehoach.pipeline import extract
    except ImportError:
        return None
    return lambda f: records(extract(f, str(f)), f)


def kehoach_ingest() -> Callable[[Path], object] | None:
    """`kehoach ingest` itself, one file at a time, Parquet parts written to a scratch folder."""
    try:
        from kehoach.pipeline import ingest
    except ImportError:
        return None
    import tempfile
    scratch = Path(tempfile.mkdtemp(prefix="kehoach-bench-"))
    return lambda f: ingest([str(f)], scratch)


def plumber_tables(f: Path) -> object:
    import pdfplumber
    with pdfplumber.open(f) as pdf:
        return [page.extract_tables() for page in pdf.pages]


def camelot_lattice() -> Callable[[Path], object] | None:
    try:
        import camelot
    except Exception:
        return None
    return lambda f: camelot.read_pdf(str(f), flavor="lattice", pages="all")


def default_files(all_files: bool) -> list[Path]:
    pdfs = sorted(RENDERED.glob("*.pdf"))
    if all_files:
        return pdfs
    seen, picked = set(), []
    for p in pdfs:                    # one file per layout, e.g. 000_….portrait.pdf
        layout = p.name.split(".", 1)[1]
        if layout not in seen:
            seen.add(layout)
            picked.append(p)
    return picked


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--all", action="store_true", help="every PDF in corpus/rendered")
    ap.add_argument("--skip", action="append", default=[],
                    help="leave out: pipeline, ingest, pdfplumber-engine, plumber-tables, camelot")
    args = ap.parse_args(argv)
    files = args.files or default_files(args.all)
    if not files:
        print("no PDF files to read", file=sys.stderr)
        return 2
    print(f"{len(files)} files: " + ", ".join(f.name for f in files))
    runs: list[tuple[str, Callable[[Path], object] | None, str]] = [
        ("kehoach reader (pdfium)", kehoach_reader("pdfium"), ""),
        ("kehoach reader (pdfplumber)", kehoach_reader("pdfplumber"), "pdfplumber-engine"),
        ("kehoach pipeline", kehoach_pipeline(), "pipeline"),
        ("kehoach ingest (+ Parquet)", kehoach_ingest(), "ingest"),
        ("pdfplumber extract_tables", plumber_tables, "plumber-tables"),
        ("camelot lattice", camelot_lattice(), "camelot"),
    ]
    for name, run, key in runs:
        if key and key in args.skip:
            print(Result(name, 0, 0, 0, "--skip").line())
            continue
        if run is None:
            print(Result(name, 0, 0, 0, "not installed").line())
            continue
        try:
            print(timed(name, files, run).line(), flush=True)
        except Exception as exc:      # a tool failing on a file is a result, not a crash
            print(Result(name, 0, 0, 0, f"failed: {type(exc).__name__}: {exc}").line())
    return 0


if __name__ == "__main__":
    sys.exit(main())

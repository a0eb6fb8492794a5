"""Benchmark of OCR engines on scanned plans: accuracy against gold and seconds per page.

    python -m kehoach.bench.scan                       # corpus/scanned/*.pdf, kehoach engines
    python -m kehoach.bench.scan FILE... --engines kehoach:vie,img2table:vie \\
        --other-python /path/to/venv/bin/python        # engines that live in another venv
    python -m kehoach.bench.scan FILE... --engines kehoach:Vietnamese --calibrate
                                                       # word confidence against correctness

Every engine reads the same files; its tables go through the project's recovery and are scored
with the project's metric (kehoach.eval.tables) against corpus/gold. Time is measured twice: wall
clock, and CPU seconds of this process plus its children (kehoach runs Tesseract in process,
the other engines as a child), which is what "one core" means on a machine shared with other
work.

Engines:
  kehoach:<lang>[:<variant>]  this project's reader (kehoach.extract.scan) with Tesseract
                              (the tesserocr wheel's libtesseract) and language <lang> (vie = Debian tesseract-ocr-vie, Vietnamese =
                              tesseract-ocr-script-viet); variants: norepair, nodeskew, otsu
                              (plain Otsu cut), gray (luminance instead of the red channel)
  img2table:<lang>            img2table's bordered-table extraction with its Tesseract OCR (the
                              baseline users have today); runs in --other-python, because
                              img2table needs opencv-contrib-python, which clashes with the
                              project's opencv-python-headless
  ocrmypdf:<lang>             OCRmyPDF adds a text layer (--force-ocr, Tesseract <lang>), then
                              the project's text-layer PDF reader reads it; OCRmyPDF found via
                              --other-python's bin folder or PATH
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from kehoach.bench._common import REPO as ROOT, page_count
from kehoach.eval._common import stem_of
from kehoach.eval.tables import load_gold, score_document
from kehoach.model import Cell, Document, Row, TableFragment


@dataclass
class Run:
    engine: str
    file: str
    pages: int
    wall: float
    cpu: float
    cells: int = 0
    correct: int = 0
    split_total: int = 0
    split_ok: int = 0
    error: str | None = None


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


# --- engines: each returns a Document -------------------------------------------------------

def kehoach_engine(spec: str):
    from kehoach.extract import scan
    from kehoach.extract.scan import RepairSettings
    parts = spec.split(":")
    settings = scan.ScanSettings(lang=parts[1] if len(parts) > 1 else "vie")
    for variant in parts[2:]:
        if variant == "norepair":
            settings = replace(settings, repair=RepairSettings(confident=0.0))
        elif variant == "nodeskew":
            settings = replace(settings, deskew=False)
        elif variant == "otsu":
            settings = replace(settings, ink_cut=1.0)
        elif variant == "gray":
            settings = replace(settings, ink_channel="gray")
        else:
            raise SystemExit(f"unknown variant {variant!r}")

    def read(path: Path) -> Document:
        return scan.read_scanned_pdf(path, source=str(path), pages_to_ocr=set(range(1, page_count(path) + 1)),
                                     settings=settings)
    return read


_IMG2TABLE = r"""
import json, sys
from img2table.document import PDF
from img2table.ocr import TesseractOCR
ocr = TesseractOCR(n_threads=1, lang=sys.argv[2])
doc = PDF(sys.argv[1])
out = {}
for page, tables in doc.extract_tables(ocr=ocr, implicit_rows=False, borderless_tables=False,
                                       min_confidence=50).items():
    pt = []
    for t in tables:
        rows = []
        for _, cells in t.content.items():
            rows.append([[c.value or "", [c.bbox.x1, c.bbox.y1, c.bbox.x2, c.bbox.y2]] for c in cells])
        pt.append(rows)
    out[page] = pt
print("\n@@JSON@@" + json.dumps(out))
"""


def img2table_engine(spec: str, other_python: str | None):
    lang = spec.split(":")[1] if ":" in spec else "vie"
    if not other_python:
        raise SystemExit("img2table needs --other-python (a venv with img2table installed)")

    def read(path: Path) -> Document:
        proc = subprocess.run([other_python, "-c", _IMG2TABLE, str(path), lang], capture_output=True,
                              text=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed")
        # img2table lets Tesseract print its version to stdout: the tables follow a marker.
        return img2table_document(path, json.loads(proc.stdout.rsplit("@@JSON@@", 1)[-1]))
    return read


def img2table_document(path: Path, pages: dict) -> Document:
    """img2table repeats a merged cell in every grid slot it covers: a run of one cell in a row
    becomes a colspan, and a cell already seen in the row above is left out (it is the same
    vertically merged cell), which is how this project's readers report merged cells."""
    from kehoach.extract.base import make_document
    frags = []
    for page, tables in sorted(pages.items(), key=lambda kv: int(kv[0])):
        for t in tables:
            rows = []
            above: set[tuple] = set()
            for r in t:
                cells, seen, col = [], set(), 0
                while col < len(r):
                    text, bbox = r[col]
                    span = 1
                    while col + span < len(r) and r[col + span][1] == bbox:
                        span += 1
                    key = tuple(bbox)
                    if key not in above:
                        cells.append(Cell(text=(text or "").replace("\n", " ").strip(), col=col,
                                          colspan=span, page=int(page) + 1))
                    seen.add(key)
                    col += span
                above = seen
                rows.append(Row(cells=tuple(cells), page=int(page) + 1))
            frags.append(TableFragment(rows=tuple(rows), index=len(frags), page=int(page) + 1,
                                       after_break=True, block_index=len(frags)))
    return make_document(path, source=str(path), format="pdf-scanned", pages=page_count(path),
                         blocks=[], fragments=frags)


def ocrmypdf_engine(spec: str, other_python: str | None):
    lang = spec.split(":")[1] if ":" in spec else "vie"
    exe = shutil.which("ocrmypdf")
    if other_python and (Path(other_python).parent / "ocrmypdf").exists():
        exe = str(Path(other_python).parent / "ocrmypdf")
    if not exe:
        raise SystemExit("ocrmypdf not found (pip install ocrmypdf, or give --other-python)")

    def read(path: Path) -> Document:
        from kehoach.extract.pdf import read_pdf
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "ocr.pdf"
            proc = subprocess.run([exe, "-l", lang, "--force-ocr", "--output-type", "pdf", "--jobs", "1",
                                   "--quiet", str(path), str(out)], capture_output=True, text=True,
                                  env=dict(os.environ, OMP_THREAD_LIMIT="1"))
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed")
            return read_pdf(out, source=str(path))
    return read


# --- the run --------------------------------------------------------------------------------

def run_engine(name: str, reader, files: list[Path], golds: dict) -> list[Run]:
    from kehoach.extract.recover import recover
    runs = []
    for f in files:
        pages = page_count(f)
        c0, w0 = _cpu(), time.perf_counter()
        try:
            doc = reader(f)
            tasks = [asdict(t) for t in recover(doc).tasks]
            err = None
        except Exception as exc:            # an engine that fails on a file scores zero there
            tasks, err = [], f"{type(exc).__name__}: {exc}"
        run = Run(name, f.name, pages, time.perf_counter() - w0, _cpu() - c0, error=err)
        stem = stem_of(f, golds)
        if stem:
            sc = score_document(f.name, golds[stem], tasks)
            run.cells, run.correct = sc.cells, sc.correct
            run.split_total, run.split_ok = sc.split_total, sc.split_ok
        runs.append(run)
        print(f"  {name:28s} {f.name:48s} cells {run.correct}/{run.cells} split {run.split_ok}/"
              f"{run.split_total}  {run.cpu / pages:.2f} cpu-s/page  {run.wall / pages:.2f} s/page"
              + (f"  ERROR {err}" if err else ""), flush=True)
    return runs


def calibrate(spec: str, files: list[Path], seeds: Path) -> str:
    """How often the engine's words are right at each confidence: a word counts as right when
    each of its word tokens occurs in the seed's own text (corpus/seeds), so a misreading that
    makes another word of the same plan passes; the rates are a floor on the errors. This is
    what RepairSettings.confident is set from."""
    import re
    import unicodedata
    from kehoach.extract.scan import engine as ocr
    words: list = []
    real = ocr.recognize_boxes

    def spy(*a, **k):
        out = real(*a, **k)
        if not k.get("whitelist"):          # label re-reads are an alphabet, not words
            words.extend(w for ws in out for w in ws)
        return out
    read = kehoach_engine(spec)
    bins: dict[int, list[int]] = {}
    ocr.recognize_boxes = spy
    try:
        for f in files:
            src = next(iter(sorted(seeds.glob(f.name.split(".")[0] + "*.txt"))), None)
            if src is None:
                continue
            vocab = set(re.findall(r"\w+", unicodedata.normalize("NFC", src.read_text("utf-8"))))
            words.clear()
            read(f)
            for w in words:
                toks = re.findall(r"\w+", w.text)
                if toks:
                    # hundredths from 0.90, where the threshold is chosen; tenths below
                    k = min(int(w.conf * 100), 97)
                    b = bins.setdefault(k if k >= 90 else k // 10 * 10, [0, 0])
                    b[0] += 1
                    b[1] += not all(t in vocab for t in toks)
    finally:
        ocr.recognize_boxes = real
    lines = ["| confidence | words | not in the source | share |", "|---|---|---|---|"]
    for b in sorted(bins):
        n, bad = bins[b]
        label = (f"≥ {b / 100:.2f}" if b == 97 else f"{b / 100:.2f}" if b >= 90
                 else f"{b / 100:.2f}–{(b + 9) / 100:.2f}")
        lines.append(f"| {label} | {n} | {bad} | {bad / n:.3f} |")
    return "\n".join(lines)


def summary(runs: list[Run]) -> str:
    lines = ["| engine | files | pages | cell_acc | split_acc | CPU s/page | wall s/page |",
             "|---|---|---|---|---|---|---|"]
    engines = list(dict.fromkeys(r.engine for r in runs))
    for e in engines:
        rs = [r for r in runs if r.engine == e]
        pages = sum(r.pages for r in rs)
        cells = sum(r.cells for r in rs)
        st = sum(r.split_total for r in rs)
        lines.append(f"| {e} | {len(rs)} | {pages} | "
                     f"{(sum(r.correct for r in rs) / cells if cells else 0):.3f} | "
                     f"{(sum(r.split_ok for r in rs) / st if st else 0):.3f} | "
                     f"{sum(r.cpu for r in rs) / pages:.2f} | {sum(r.wall for r in rs) / pages:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--engines", default="kehoach:vie,kehoach:Vietnamese")
    ap.add_argument("--other-python", help="python of a venv with img2table / ocrmypdf")
    ap.add_argument("--gold", type=Path, default=ROOT / "corpus" / "gold")
    ap.add_argument("--calibrate", action="store_true",
                    help="instead: word confidence against correctness for the first kehoach engine")
    ap.add_argument("--seeds", type=Path, default=ROOT / "corpus" / "seeds")
    args = ap.parse_args(argv)
    files = args.files or sorted((ROOT / "corpus" / "scanned").glob("*.pdf"))
    if not files:
        print("no files (make them with corpus/make_scans.py)", file=sys.stderr)
        return 1
    if args.calibrate:
        spec = next(e for e in args.engines.split(",") if e.startswith("kehoach"))
        print(calibrate(spec, files, args.seeds))
        return 0
    golds = load_gold(args.gold)
    runs: list[Run] = []
    for spec in args.engines.split(","):
        kind = spec.split(":")[0]
        if kind == "kehoach":
            reader = kehoach_engine(spec)
        elif kind == "img2table":
            reader = img2table_engine(spec, args.other_python)
        elif kind == "ocrmypdf":
            reader = ocrmypdf_engine(spec, args.other_python)
        else:
            raise SystemExit(f"unknown engine {spec!r}")
        runs.extend(run_engine(spec, reader, files, golds))
    print()
    print(summary(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

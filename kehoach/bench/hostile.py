"""Hostile inputs: generators for the files an archive holds at its worst (truncations, zip
bombs, a raster-bomb PDF, a huge one-line text, binary garbage behind each format's magic, an
invalid-UTF-8 file name, empty and encrypted files), and the campaign that reads each one.

`python -m kehoach.bench.hostile [--quick]` reads every case in its own process (so that the
peak memory is the case's own) and prints a table: case, status, reason, seconds, peak MB.
tests/test_hostile.py runs the quick cases in-process. Every case must give a failed (or ok)
Extraction with a clear reason, never a crash, a hang or a memory blow-up.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

MAGICS = {
    "pdf": b"%PDF-1.7\n",
    "zip": b"PK\x03\x04",
    "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "png": b"\x89PNG\r\n\x1a\n",
}

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
    'xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(body_xml: str) -> bytes:
    """A minimal valid DOCX whose body is body_xml (w: namespace)."""
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document '
                   f'xmlns:w="{_W}"><w:body>{body_xml}</w:body></w:document>')
    return buf.getvalue()


def make_docx_bomb(path: Path, expanded_mb: int) -> Path:
    """A DOCX whose document.xml expands to expanded_mb of repeated paragraphs, written in
    chunks (the bomb itself is never held in memory)."""
    para = "<w:p><w:r><w:t>Kế hoạch</w:t></w:r></w:p>".encode()
    chunk = para * (1 << 20 // len(para) + 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            written = 0
            while written < expanded_mb << 20:
                fh.write(chunk)
                written += len(chunk)
            fh.write(b"</w:body></w:document>")
    return path


def make_raster_bomb_pdf(path: Path, inches: int = 200) -> Path:
    """A one-page PDF of inches x inches (PDF's largest page is 200 in) holding one tiny
    image scaled to the page: no text layer, so it goes to OCR, which renders the page."""
    side = inches * 72
    img = b"\x00\xff\x00\xff"                            # 2x2 grey
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side} {side}] /Resources << /XObject "
        f"<< /Im0 5 0 R >> >> /Contents 4 0 R >>".encode(),
    ]
    content = f"q {side} 0 0 {side} 0 0 cm /Im0 Do Q".encode()
    objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objs.append(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 4 >>\nstream\n" + img + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_one_line_text(path: Path, mb: int, unit: str = "đạt 10% UBND xã và ") -> Path:
    """A text plan of one line of mb megabytes, written in chunks."""
    chunk = (unit * (1 << 16)).encode()
    with open(path, "wb") as fh:
        written = 0
        while written < mb << 20:
            fh.write(chunk)
            written += len(chunk)
    return path


def make_garbage(path: Path, magic: bytes, size: int = 65536, seed: int = 0) -> Path:
    path.write_bytes(magic + random.Random(seed).randbytes(size))
    return path


def make_truncated(path: Path, source: Path, keep: float) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]     # folder -> the file it wrote
    quick: bool = True               # part of the CI suite


def _seed(name: str) -> Path:
    from kehoach.settings import Settings  # noqa: F401  (the package must import first)
    root = Path(__file__).resolve().parents[2]
    return root / name


def cases() -> list[Case]:
    fixtures = _seed("tests/fixtures")
    seed_txt = _seed("corpus/seeds")
    out = [
        Case("empty.txt", lambda d: _touch(d / "empty.txt")),
        Case("empty.pdf", lambda d: _touch(d / "empty.pdf")),
        Case("empty.docx", lambda d: _touch(d / "empty.docx")),
        Case("encrypted.pdf", lambda d: _copy(fixtures / "encrypted.pdf", d / "encrypted.pdf")),
        Case("truncated.pdf", lambda d: make_truncated(d / "truncated.pdf", fixtures / "minimal.pdf", 0.5)),
        Case("truncated.docx", lambda d: make_truncated(
            d / "truncated.docx", _write(d / "full.docx", docx_bytes("<w:p><w:r><w:t>x</w:t></w:r></w:p>")), 0.6)),
        Case("docx_bomb_small_cap", lambda d: make_docx_bomb(d / "bomb.docx", 8)),
        Case("raster_bomb.pdf", lambda d: make_raster_bomb_pdf(d / "raster_bomb.pdf")),
        Case("bad_name_xff.txt", lambda d: _copy(next(seed_txt.glob("*.txt")),
                                                   d / os.fsdecode(b"bad_name_\xff.txt"))),
        Case("one_line_2mb.txt", lambda d: make_one_line_text(d / "one_line.txt", 2)),
    ]
    for magic, head in MAGICS.items():
        for suffix in (".txt", ".pdf", ".docx", ".doc", ".md"):
            out.append(Case(f"garbage_{magic}{suffix}",
                            lambda d, h=head, s=suffix, m=magic: make_garbage(d / f"garbage_{m}{s}", h),
                            quick=suffix != ".doc"))
    out += [
        Case("docx_bomb_1gb", lambda d: make_docx_bomb(d / "bomb.docx", 1150), quick=False),
        Case("one_line_45mb.txt", lambda d: make_one_line_text(d / "one_line.txt", 45), quick=False),
    ]
    return out


# Settings a case runs with: the small docx bomb is checked against a small cap, so that the
# quick suite proves the refusal without writing a gigabyte.
CASE_SETTINGS = {"docx_bomb_small_cap": {"read.docx.max_xml_mb": 4}}


def _touch(p: Path) -> Path:
    p.write_bytes(b"")
    return p


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


def run_case(case: Case, folder: Path) -> dict:
    """Read one case in this process: status, reason, seconds."""
    from kehoach.pipeline import extract
    from kehoach.settings import Settings
    path = case.make(folder)
    settings = Settings().override(CASE_SETTINGS.get(case.name, {}))
    t = time.perf_counter()
    ex = extract(path, settings=settings)
    return {"case": case.name, "status": ex.status, "reason": (ex.error or "")[:90],
            "seconds": round(time.perf_counter() - t, 2)}


def _child(name: str) -> None:
    import resource
    case = next(c for c in cases() if c.name == name)
    with tempfile.TemporaryDirectory() as tmp:
        row = run_case(case, Path(tmp))
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(row))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kehoach.bench.hostile", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="only the cases of the CI suite")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per case before it counts as hung")
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    rows = []
    for case in cases():
        if args.quick and not case.quick:
            continue
        t = time.perf_counter()
        try:
            res = subprocess.run([sys.executable, "-m", "kehoach.bench.hostile", "--child", case.name],
                                 capture_output=True, text=True, errors="replace",
                                 timeout=args.timeout)
            lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
            row = json.loads(lines[-1]) if lines else {
                "case": case.name, "status": "CRASH", "reason": res.stderr.strip()[-90:],
                "seconds": round(time.perf_counter() - t, 2), "peak_mb": None}
        except subprocess.TimeoutExpired:
            row = {"case": case.name, "status": "HUNG", "reason": f"over {args.timeout:g}s",
                   "seconds": args.timeout, "peak_mb": None}
        rows.append(row)
        print(f"{row['case'][:24]:24} {row['status']:7} {row['seconds']:>7} s {str(row['peak_mb']):>6} MB  "
              f"{row['reason']}", flush=True)
    bad = [r for r in rows if r["status"] in ("CRASH", "HUNG")]
    print(f"{len(rows)} cases, {len(bad)} crashed or hung")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

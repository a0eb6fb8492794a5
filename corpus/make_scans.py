"""Make scanned versions of the rendered plans: what a plan looks like after print and scan.

    python corpus/make_scans.py                    # the committed set → corpus/scanned/
    python corpus/make_scans.py --all --out DIR    # every rendered PDF at 200 and 300 dpi
    python corpus/make_scans.py --all --dpi 200 --out DIR 000 003   # only these stems

Each page of `corpus/rendered/<stem>.<layout>.pdf` is rasterised by poppler's pdftoppm in
grey, then degraded the way a desk scanner degrades paper, with a random generator seeded by
the output name (so every run makes the same bytes):
  - skew: a rotation of up to ±1°;
  - paper: a background a little darker than white; noise: Gaussian sensor noise;
  - optics: a slight blur; dust: sparse dark specks;
  - JPEG compression (quality 60), one image per page, in a PDF with no text layer.
Outputs are `<stem>.<layout>.<dpi>dpi.pdf`, so the gold of `<stem>` scores them.

Needs poppler-utils (pdftoppm), numpy and OpenCV. The tests never run this script.
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).resolve().parent
RENDERED = HERE / "rendered"
SCANNED = HERE / "scanned"

# Small enough to keep in the repository (about 1 MB each): portrait layouts of two seeds.
COMMITTED = (("000_dbb53274ea895b03", "portrait", 200), ("003_e98dbb9b18233da0", "portrait", 200))


@dataclass(frozen=True)
class Degrade:
    max_skew_deg: float = 1.0
    blur_sigma: float = 0.6
    paper_level: tuple[int, int] = (232, 248)
    noise_sigma: float = 4.0
    specks_per_mpx: float = 40.0
    jpeg_quality: int = 60


def rng_for(name: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))


def rasterise(pdf: Path, dpi: int) -> list[np.ndarray]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"],
                       check=True)
        return [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in sorted(Path(tmp).glob("p*.png"))]


def degrade(page: np.ndarray, dpi: int, rng: np.random.Generator, d: Degrade = Degrade()) -> np.ndarray:
    """One scanned page from a clean rendering (grey, 0 = ink)."""
    h, w = page.shape
    img = page.astype(np.float32)
    paper = rng.uniform(*d.paper_level)
    img = img * (paper / 255.0)                        # paper tone; ink stays near black
    angle = rng.uniform(-d.max_skew_deg, d.max_skew_deg)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=float(paper))
    # Sensor noise goes in before the optics' blur, as in a scanner, whose JPEG then keeps
    # only its coarser grain.
    img += rng.normal(0.0, d.noise_sigma, img.shape).astype(np.float32)
    sigma = d.blur_sigma * dpi / 200.0
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    n = int(d.specks_per_mpx * h * w / 1e6)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    r = max(1, dpi // 150)
    for y, x in zip(ys, xs):
        cv2.circle(img, (int(x), int(y)), int(rng.integers(1, r + 1)), float(rng.uniform(40, 140)), -1)
    return np.clip(img, 0, 255).astype(np.uint8)


def to_pdf(pages: list[np.ndarray], dpi: int, out: Path, d: Degrade = Degrade()) -> None:
    """A PDF of JPEG pages, as scanners write them (the JPEG bytes embedded as they are)."""
    objs: list[bytes] = []
    kids = []
    for p in pages:
        ok, jpg = cv2.imencode(".jpg", p, [cv2.IMWRITE_JPEG_QUALITY, d.jpeg_quality])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        h, w = p.shape
        pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
        img_no = len(objs) + 3
        objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                    b"/DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
                    % (w, h, len(jpg)) + jpg.tobytes() + b"\nendstream")
        content = b"q %.3f 0 0 %.3f 0 0 cm /Im0 Do Q" % (pw, ph)
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f] /Resources "
                    b"<< /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                    % (pw, ph, img_no, img_no + 1))
        kids.append(img_no + 2)
    head = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))]
    body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(head + objs, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    body += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(bytes(body))


def make_scan(src: Path, dpi: int, out_dir: Path) -> Path:
    stem = src.stem                                   # "<gold stem>.<layout>"
    out = out_dir / f"{stem}.{dpi}dpi.pdf"
    rng = rng_for(out.name)
    pages = [degrade(p, dpi, rng) for p in rasterise(src, dpi)]
    to_pdf(pages, dpi, out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("stems", nargs="*", help="only rendered files whose name starts with these")
    ap.add_argument("--all", action="store_true", help="every rendered PDF, not the committed set")
    ap.add_argument("--dpi", type=int, action="append", help="resolution(s); default 200 and 300")
    ap.add_argument("--out", type=Path, default=SCANNED)
    args = ap.parse_args(argv)
    if args.all:
        dpis = args.dpi or [200, 300]
        jobs = [(src, dpi) for src in sorted(RENDERED.glob("*.pdf")) for dpi in dpis]
    else:
        jobs = [(RENDERED / f"{stem}.{layout}.pdf", dpi) for stem, layout, dpi in COMMITTED
                if not args.dpi or dpi in args.dpi]
    if args.stems:
        jobs = [(s, d) for s, d in jobs if any(s.name.startswith(p) for p in args.stems)]
    missing = [str(s) for s, _ in jobs if not s.exists()]
    if missing:
        print("missing rendered PDFs (run corpus/make_rendered.py first): " + ", ".join(missing),
              file=sys.stderr)
        return 1
    for src, dpi in jobs:
        out = make_scan(src, dpi, args.out)
        print(f"{out}  {out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

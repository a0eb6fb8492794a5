"""Hostile input: every reader and normalizer bounded by itself. Growth is checked as a ratio of
two sizes (four times the input, about four times the time), never as absolute times, so a loaded
machine does not fail it; the bounds are generous (see _growth)."""
from __future__ import annotations

import time

import pytest

from kehoach.normalize.targets import find_targets
from kehoach.normalize.units import _resolve_cached, _split_cached, resolve_units


def _growth(fn, unit: str, n: int) -> float:
    """Time of fn(unit * 4n) over time of fn(unit * n), the best of three of each: 4 when
    linear, 16 when quadratic, so a bound of 8 holds on a loaded machine and still fails a
    quadratic path."""
    def best(k):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            fn(unit * k)
            times.append(time.perf_counter() - t)
        return min(times)
    fn(unit * 4)        # warm the vocabularies
    return best(4 * n) / max(best(n), 1e-3)


@pytest.mark.parametrize("unit", ["đạt 10% ", "đạt 10%, ", "tỷ lệ hộ nghèo giảm 2% năm 2025 "])
def test_targets_are_linear_in_repeated_values(unit):
    assert _growth(find_targets, unit, 1500) < 8.0
    assert len(find_targets(unit * 100)) == 100


# sizes that take tens of milliseconds, so timer noise does not decide the ratio
@pytest.mark.parametrize("unit,n", [("UBND xã ", 4000), ("UBND xã và ", 300), ("Khoa học và Công nghệ ", 1500),
                                    ("Sở Khoa học và Công nghệ, ", 300)])
def test_unit_splitting_is_linear(unit, n):
    def run(text):
        # the cell and mention caches would make the repeats free: time the work itself
        _split_cached.cache_clear()
        _resolve_cached.cache_clear()
        return resolve_units(text, role="lead", issuer=None, place=None)
    assert _growth(run, unit, n) < 8.0


def test_long_run_on_mention_is_left_unmatched_but_real_ones_resolve():
    (m,) = resolve_units("UBND xã " * 200, role="lead", issuer=None, place=None)
    assert m.unit_id is None and m.method == "unmatched"
    many = resolve_units("Sở Khoa học và Công nghệ, " * 50, role="lead", issuer=None, place=None)
    assert len(many) == 50 and all(x.unit_id == many[0].unit_id for x in many) and many[0].unit_id


# --- the hostile files: one Extraction each, failed with a clear reason, within a time bound ---

from pathlib import Path  # noqa: E402
import shutil  # noqa: E402

from kehoach.bench import hostile  # noqa: E402
from kehoach.extract.docx import soffice_binary  # noqa: E402
from kehoach.pipeline import extract  # noqa: E402

REASONS = {
    "empty.txt": "empty file", "empty.pdf": "empty file", "empty.docx": "empty file",
    "encrypted.pdf": "encrypted", "truncated.pdf": "corrupt PDF", "truncated.docx": "corrupt DOCX",
    "docx_bomb_small_cap": "read.docx.max_xml_mb", "raster_bomb.pdf": "pixel budget",
    "one_line_2mb.txt": "read.text.max_line_chars",
}
QUICK = [c for c in hostile.cases() if c.quick]


@pytest.mark.parametrize("case", QUICK, ids=[c.name for c in QUICK])
def test_hostile_case_gives_one_clear_row(case, tmp_path):
    t = time.perf_counter()
    row = hostile.run_case(case, tmp_path)
    assert time.perf_counter() - t < 30
    if case.name == "bad_name_xff.txt":
        assert row["status"] == "ok"            # a name that is not UTF-8 is still read
        return
    assert row["status"] == "failed"
    want = REASONS.get(case.name) or ("binary file" if case.name.endswith((".txt", ".md")) else "not a")
    assert want in row["reason"] or "corrupt" in row["reason"], row


def test_real_docx_passes_the_size_check(tmp_path):
    p = tmp_path / "ok.docx"
    p.write_bytes(hostile.docx_bytes("<w:p><w:r><w:t>KẾ HOẠCH thực hiện</w:t></w:r></w:p>"))
    assert extract(p).status == "ok"


def test_page_raster_is_clamped_to_the_budget():
    from kehoach.extract.scan.render import _within_budget
    from kehoach.extract.scan.settings import ScanSettings
    s = ScanSettings()
    assert _within_budget(300, 8.27, 11.69, s) == 300                       # A4 unchanged
    big = _within_budget(300, 33.1, 46.8, s)                                # A0 lowered
    assert 100 <= big < 300 and 33.1 * 46.8 * big * big <= s.max_page_mpx * 1e6
    with pytest.raises(Exception, match="pixel budget"):
        _within_budget(300, 200, 200, s)


def test_text_limit_holds_when_stat_is_wrong(tmp_path):
    from kehoach.extract.text import TextSettings, _read_bytes
    p = tmp_path / "big.txt"
    p.write_bytes(b"a\tb\n" * 1000)
    with pytest.raises(Exception, match="too large"):
        _read_bytes(p, TextSettings(max_bytes=100))


DOC = Path(__file__).resolve().parents[1] / "corpus" / "doc" / "dev-vbai-kh-tongket-clpcmt-lamdong.doc"


@pytest.mark.skipif(soffice_binary() is None, reason="LibreOffice (soffice) not installed")
def test_legacy_doc_reads_through_libreoffice(tmp_path):
    ex = extract(DOC)
    assert ex.status == "ok" and ex.document.format == "doc"
    assert "Lâm Đồng" in " ".join(b.text for b in ex.document.blocks)
    assert len(ex.tasks) >= 5
    # garbage behind the OLE2 magic is refused before LibreOffice turns it into an "ok" noise
    bad = hostile.make_garbage(tmp_path / "noise.doc", hostile.MAGICS["ole2"])
    ex = extract(bad)
    assert ex.status == "failed" and "WordDocument" in ex.error


# --- legacy font encodings: converted by their closed tables, with a warning ------------------

import unicodedata  # noqa: E402

from conftest import SEEDS  # noqa: E402
from kehoach.gazetteer import load_yaml  # noqa: E402


def _encode_legacy(text: str, name: str) -> str:
    """Unicode text as the legacy encoding writes it, by the inverse of the reader's table."""
    inverse = {u: k for k, u in load_yaml("legacy_encodings.yaml")[name]["map"].items()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch not in inverse and name == "tcvn3" and ch.lower() in inverse:
            ch = ch.lower()             # TCVN3's one font has no capitals with tones
        out.append(inverse.get(ch, ch))
    return "".join(out)


def _tcvn3_representable(text: str) -> str:
    inverse = set(load_yaml("legacy_encodings.yaml")["tcvn3"]["map"].values())
    return "".join(ch.lower() if ch not in inverse and ch.lower() in inverse else ch
                   for ch in unicodedata.normalize("NFC", text))


@pytest.mark.parametrize("name,label", [("tcvn3", "TCVN3"), ("vni", "VNI")])
@pytest.mark.parametrize("seed", ["000_dbb53274ea895b03.txt", "003_e98dbb9b18233da0.txt"])
def test_legacy_text_round_trips_to_the_seed(tmp_path, name, label, seed):
    from kehoach.extract.text import TextSettings, decode
    original = unicodedata.normalize("NFC", (SEEDS / seed).read_text(encoding="utf-8"))
    want = _tcvn3_representable(original) if name == "tcvn3" else original
    legacy = _encode_legacy(original, name)
    assert legacy != want
    text, warnings = decode(legacy.encode("utf-8"), TextSettings())
    assert text == want.replace("\r\n", "\n")
    assert any(f"converted from {label}" in w for w in warnings)
    p = tmp_path / seed
    p.write_text(legacy, encoding="utf-8")
    ex, ref = extract(p), extract(SEEDS / seed)
    assert ex.status == "ok" and any(f"converted from {label}" in w for w in ex.document.warnings)
    assert len(ex.tasks) == len(ref.tasks)


def test_raw_tcvn3_bytes_are_converted(tmp_path):
    p = tmp_path / "raw.txt"
    p.write_bytes(_encode_legacy("Kế hoạch kiểm soát thủ tục hành chính năm 2023\n", "tcvn3").encode("latin-1"))
    ex = extract(p)
    assert ex.document.blocks[0].text == "Kế hoạch kiểm soát thủ tục hành chính năm 2023"


@pytest.mark.parametrize("fixture,label", [("tcvn3_legacy.txt", "TCVN3"), ("vni_legacy.txt", "VNI")])
def test_legacy_fixtures_are_read(fixture, label):
    from conftest import FIXTURES
    ex = extract(FIXTURES / fixture)
    assert ex.status == "ok" and any(label in w for w in ex.document.warnings)
    assert "Kế hoạch".lower() in " ".join(b.text for b in ex.document.blocks).lower()


@pytest.mark.parametrize("name", ["tcvn3", "vni"])
def test_raw_legacy_seed_bytes_are_told_from_windows_1258(tmp_path, name):
    original = (SEEDS / "000_dbb53274ea895b03.txt").read_text(encoding="utf-8")
    legacy = "".join(ch for ch in _encode_legacy(original, name) if ord(ch) < 256)
    p = tmp_path / "raw.txt"
    p.write_bytes(legacy.encode("latin-1"))
    ex = extract(p)
    assert ex.status == "ok" and any("converted from" in w for w in ex.document.warnings)
    assert ex.document.blocks[0].text.startswith("Số")


def test_docx_package_size_is_bounded_before_python_docx_loads_it(tmp_path):
    from kehoach.settings import Settings
    p = tmp_path / "ok.docx"
    p.write_bytes(hostile.docx_bytes("<w:p><w:r><w:t>KẾ HOẠCH thực hiện</w:t></w:r></w:p>"))
    ex = extract(p, settings=Settings().override({"read.docx.max_package_mb": 0.0001}))
    assert ex.status == "failed" and "read.docx.max_package_mb" in ex.error

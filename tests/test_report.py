"""`kehoach report`: the tables (text, JSON, CSV) and the HTML page, rendered in a real browser
(headless Chromium, installed by `.ci/setup --test`) on the seeds plus bad inputs."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest

from conftest import FIXTURES, ROOT, SEEDS, run_cli

SECTIONS = ("Summary", "Files", "Findings", "Charts")
CHARTS = ("issuer", "lead_level", "deadlines", "citations", "ocr", "failures")
ODD_NAME = "plan <b>&amp; 'x'.txt"  # a file name that must be escaped


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The seeds, a bad-input fixture or two and an oddly named copy of a seed, ingested; the HTML
    report built through the CLI."""
    tmp = tmp_path_factory.mktemp("report")
    odd = tmp / "in" / ODD_NAME
    odd.parent.mkdir()
    # one byte more than the seed: an identical copy would be an alias of it, with no row of its own
    odd.write_bytes((SEEDS / "000_dbb53274ea895b03.txt").read_bytes() + b"\n")
    out = tmp / "out"
    res = run_cli("ingest", str(SEEDS), str(FIXTURES / "empty.txt"), str(FIXTURES / "encrypted.pdf"),
                  str(odd), "--out", str(out), "--quiet")
    assert res.returncode == 1, res.stderr  # two files fail, on purpose
    html = tmp / "report.html"
    res = run_cli("report", str(out), "--html", str(html))
    assert res.returncode == 0, res.stderr
    return out, html, html.read_text(encoding="utf-8")


def test_html_is_self_contained_and_escaped(sample):
    _, _, page = sample
    assert "<script" not in page.lower()  # no JS at all: nothing to fail in the console
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)  # nothing fetched
    assert "@import" not in page and not re.search(r"url\((?!#)", page)  # only in-page refs (SVG clips)
    assert "plan &lt;b&gt;&amp;amp; &#x27;x&#x27;.txt" in page and ODD_NAME not in page


def test_html_has_every_section_chart_and_outcome(sample):
    _, _, page = sample
    for h in SECTIONS:
        assert re.search(rf"<h2[^>]*>{h}</h2>", page)
    for c in CHARTS:
        assert f'id="chart-{c}"' in page
    figures = dict(re.findall(r'<figure class="chart" id="chart-(\w+)">(.*?)</figure>', page, re.S))
    assert set(figures) == set(CHARTS)
    for c in ("issuer", "lead_level", "deadlines", "citations", "failures"):
        assert "<svg" in figures[c], c
    # no scanned file in the sample: the chart says so rather than drawing an empty axis
    assert "<svg" not in figures["ocr"] and "No data" in figures["ocr"]
    for word in ("encrypted.pdf", "empty.txt", "missing_number", "no task table found",
                 "The task numbering jumps"):
        assert word in page
    assert re.search(r"003_e98dbb9b18233da0\.txt, line \d+", page)  # examples name file and place


def test_every_emitted_finding_kind_has_a_meaning(sample):
    from kehoach.queries import connect
    from kehoach.report import finding_meanings
    out, _, _ = sample
    emitted = {k for (k,) in connect(out).sql("select distinct kind from findings").fetchall()}
    assert emitted and emitted <= set(finding_meanings())
    # and every kind the code can emit, not only those the sample shows
    code = "\n".join(p.read_text(encoding="utf-8") for d in ("extract", "normalize", "kehoach")
                     for p in (ROOT / d).rglob("*.py"))
    in_code = set(re.findall(r'(?:Finding\(|dict\(base,)\s*kind="(\w+)"', code))
    assert {"missing_number", "read_error", "normalizer_error"} <= in_code
    assert in_code <= set(finding_meanings()), in_code - set(finding_meanings())
    assert all(m.strip().endswith(".") for m in finding_meanings().values())


def test_text_json_csv_stable_and_unwrapped(sample):
    out, _, _ = sample
    a, b = run_cli("report", str(out)), run_cli("report", str(out))
    assert a.returncode == 0 and a.stdout == b.stdout
    # piped: one line per row, the long note never wrapped
    assert any("no task table found (no header naming at least a task column and two other task-table columns)"
               in ln for ln in a.stdout.splitlines())
    files = [m for m in re.findall(r"│ (\S+\.(?:txt|pdf)) ", a.stdout)]
    assert files == sorted(files)
    data = json.loads(run_cli("report", str(out), "--format", "json").stdout)
    assert {"documents", "findings"} == set(data)
    assert {d["file"] for d in data["documents"]} >= {"empty.txt", "encrypted.pdf", ODD_NAME}
    rows = list(csv.DictReader(io.StringIO(run_cli("report", str(out), "-f", "csv", "--table", "findings").stdout)))
    assert {"kind", "severity", "n", "files", "meaning"} == set(rows[0])
    assert run_cli("report", str(out), "--format", "xml").returncode == 2


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="chromium is not installed (bash .ci/setup --test installs Debian's chromium)")
def test_report_renders_in_chromium(sample, tmp_path):
    import cv2
    import numpy as np
    _, html, _ = sample
    shot = tmp_path / "report.png"
    base = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,2000"]
    res = subprocess.run([*base, "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", html.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert shot.is_file(), res.stderr
    assert "CONSOLE(" not in res.stderr and "Uncaught" not in res.stderr, res.stderr
    img = cv2.imread(str(shot))
    assert img is not None and img.shape[:2] == (2000, 1280)
    non_white = (img.min(axis=2) < 240).mean()
    assert non_white > 0.02, f"screenshot {shot} is nearly blank ({non_white:.1%} non-white)"
    assert len(np.unique(img.reshape(-1, 3) // 16, axis=0)) > 8  # text, tables, bars: several colours
    dom = subprocess.run([*base, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120).stdout
    for h in SECTIONS:
        assert re.search(rf"<h2[^>]*>{h}</h2>", dom), h
    for c in CHARTS:
        assert f'id="chart-{c}"' in dom, c
    assert dom.count("<svg") >= 5
    print(f"screenshot: {shot}")

"""Plans crawled from a legal portal (shared/corpus-real/tvpl-*.md): tasks checked by hand
against the files."""
from __future__ import annotations

import pytest

from conftest import SHARED, needs_shared
from kehoach.pipeline import extract

pytestmark = needs_shared
REAL = SHARED / "corpus-real"


def _tasks(name):
    ex = extract(REAL / name)
    assert ex.status == "ok", ex.error
    return ex


@pytest.mark.parametrize("name,seq,want", [
    ("tvpl-kh617-dongthap-cds-dn.md", 1, dict(section="I", stt="1", lead="Sở KH&CN",
     support="Các sở, ban, ngành tỉnh; UBND các xã, phường", deadline="Thường xuyên")),
    ("tvpl-kh617-dongthap-cds-dn.md", 4, dict(section="II", stt="4", lead="Sở KH&CN",
     support="Các sở, ban, ngành tỉnh", deadline="Quí IV-2025")),
    ("tvpl-kh980-nghean-qd1899.md", 1, dict(section="I", stt="1", lead="Bộ CHQS tỉnh; UBND cấp xã",
     deadline="Trước ngày 30/11/2025")),
    ("tvpl-kh980-nghean-qd1899.md", 2, dict(section="II", stt="1", lead="Sở Tài chính",
     support="Cơ quan, địa phương liên quan", deadline="Thường xuyên", output=None)),
    ("tvpl-qd2629-ttg-chinhphuso.md", 3, dict(stt="3", task="Xây dựng Luật An ninh dữ liệu.",
     lead="Bộ Công an", deadline="Tháng 12/2026", output="Trình Quốc hội dự thảo Luật")),
    ("tvpl-kh179-dongnai-ktso.md", 1, dict(stt="1.1", lead="Sở Tư pháp",
     support="Các sở, ban, ngành; UBND các phường, xã", deadline="2026 - 2030")),
])
def test_crawled_plan_rows_verified_by_hand(name, seq, want):
    t = _tasks(name).tasks[seq - 1]
    for k, v in want.items():
        assert (getattr(t, k) or None) == v, (k, getattr(t, k))


@pytest.mark.parametrize("name,count", [
    ("tvpl-kh617-dongthap-cds-dn.md", 11), ("tvpl-kh980-nghean-qd1899.md", 19),
    ("tvpl-kh310-hanoi-5g-iot.md", 6),
])
def test_crawled_plan_task_counts(name, count):
    # counted by hand in the files: rows with a number under the task header
    assert len([t for t in _tasks(name).tasks if t.origin == "table"]) == count


@pytest.mark.parametrize("name", ["tvpl-kh1026-nghean-ct32.md", "tvpl-ct012-daklak-tthc.md",
                                  "tvpl-kh157-cantho-thidua.md", "tvpl-nd25-2025-bonoivu.md"])
def test_plans_without_task_tables_give_none(name):
    # no table tasks; their prose tasks (kehoach.extract.prose) are checked in tests/test_prose.py
    ex = _tasks(name)
    assert not [t for t in ex.tasks if t.origin == "table"] and any(f.kind == "no_table" for f in ex.findings)


@pytest.mark.parametrize("name,number,issued", [
    ("tvpl-kh617-dongthap-cds-dn.md", "617/KH-UBND", "2025-12-01"),
    ("tvpl-kh980-nghean-qd1899.md", "980/KH-UBND", "2025-11-18"),
])
def test_crawled_plan_metadata(name, number, issued):
    m = _tasks(name).metadata
    assert m.number == number and str(m.issued) == issued and m.doc_type == "Kế hoạch"

"""Deadline cells → kind, dates, recurrence. Phrasings quoted from the seed plans
(corpus/seeds, gold/tasks) and shared/corpus-real (file named in the comment)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kehoach.eval.meaning import direct_deadline_scores
from kehoach.normalize.deadlines import match_date, parse_deadline, section_year

ROOT = Path(__file__).resolve().parents[1]
D = dt.date

CASES = [
    # by_date
    ("Trước ngày 31/01/2024", 2024, "by_date", None, D(2024, 1, 31), None),                 # seed 000 1.1
    ("Trước ngày 31 tháng 01 năm 2023", 2023, "by_date", None, D(2023, 1, 31), None),       # seed 001 1.1
    ("Hoàn thành trước ngày 15/01/2023", 2023, "by_date", None, D(2023, 1, 15), None),      # seed 001 2.7
    ("Trước 01/06/2023", 2023, "by_date", None, D(2023, 6, 1), None),                       # seed 001 3.1
    ("Trước ngày 30 tháng 11 năm 2024", 2024, "by_date", None, D(2024, 11, 30), None),      # seed 004 21
    ("Theo Kế hoạch được Chủ tịch UBND thành phố phê duyệt và trước ngày 30 tháng 8 năm 2024",
     2024, "by_date", None, D(2024, 8, 30), None),                                           # seed 004 7
    ("Trước ngày 30/11/2025", 2025, "by_date", None, D(2025, 11, 30), None),                # tvpl-kh179
    ("Chậm nhất ngày 15/3", 2024, "by_date", None, D(2024, 3, 15), None),                   # year from the plan
    ("Trước Quý III/2024", None, "by_date", None, D(2024, 6, 30), None),                    # before the quarter
    # date
    ("31/10/2025", None, "date", D(2025, 10, 31), D(2025, 10, 31), None),                   # tvpl-tb624
    # period
    ("Quý III/2024", 2024, "period", D(2024, 7, 1), D(2024, 9, 30), None),                  # seed 000 2.5
    ("Quý I/II năm 2024", 2024, "period", D(2024, 1, 1), D(2024, 6, 30), None),             # seed 004 8
    ("Quí IV-2025", None, "period", D(2025, 10, 1), D(2025, 12, 31), None),                 # tvpl-kh552
    ("Quý III Năm 2026", None, "period", D(2026, 7, 1), D(2026, 9, 30), None),              # tvpl-kh617
    ("Quý IV/2025- Quý II/2026", None, "period", D(2025, 10, 1), D(2026, 6, 30), None),     # tvpl-kh310
    ("Tháng 7", 2021, "period", D(2021, 7, 1), D(2021, 7, 31), None),                       # seed 003 I.1 (NĂM 2021)
    ("Tháng 12/2026", None, "period", D(2026, 12, 1), D(2026, 12, 31), None),               # tvpl-kh179
    ("Năm 2024", 2024, "period", D(2024, 1, 1), D(2024, 12, 31), None),                     # seed 004 14
    ("Trong năm 2024", 2024, "period", D(2024, 1, 1), D(2024, 12, 31), None),               # seed 004 1
    ("2026 - 2030", None, "period", D(2026, 1, 1), D(2030, 12, 31), None),                  # tvpl-kh179
    ("Năm 2025-2030", None, "period", D(2025, 1, 1), D(2030, 12, 31), None),                # tvpl-qd2629
    ("Năm 2021 và các năm tiếp theo", 2021, "period", D(2021, 1, 1), None, None),           # seed 003 I.14
    ("Bắt đầu triển khai từ năm 2026", None, "period", D(2026, 1, 1), None, None),          # tvpl-kh144
    ("6 tháng đầu năm 2024", None, "period", D(2024, 1, 1), D(2024, 6, 30), None),
    # recurring
    ("Hàng Quý/ Năm", 2024, "recurring", None, None, "quarterly,yearly"),                   # seed 000 1.4
    ("Hàng Quý/Năm", 2023, "recurring", None, None, "quarterly,yearly"),                    # seed 001 1.4
    ("Theo định kỳ Quý, Năm", 2021, "recurring", None, None, "quarterly,yearly"),           # seed 003 I.12
    ("Định kỳ hàng tháng, quý và năm", 2024, "recurring", None, None, "monthly,quarterly,yearly"),  # seed 004 19
    ("Hằng năm.", None, "recurring", None, None, "yearly"),                                  # tvpl-kh980
    ("Tháng 12 hằng năm", None, "recurring", None, None, "yearly"),                         # tvpl-kh144
    # continuous
    ("Thường xuyên", 2024, "continuous", None, None, None),                                 # seeds
    ("- Thường xuyên", 2023, "continuous", None, None, None),                               # seed 001 3.1
    ("Nhiệm vụ thường xuyên", None, "continuous", None, None, None),                        # tvpl-kh552
    ("Thường xuyên, hằng năm", None, "continuous", None, None, "yearly"),                   # tvpl-kh179
    # conditional
    ("Khi có hướng dẫn của Bộ ngành TW", 2024, "conditional", None, None, None),            # seed 000 3.1
    ("Sau khi có hướng dẫn của VP UBND tỉnh", 2021, "conditional", None, None, None),       # seed 003 I.6
    ("Theo kế hoạch của tỉnh", 2021, "conditional", None, None, None),                      # seed 003 I.5
    ("Theo Kế hoạch UBND tỉnh phê duyệt", 2024, "conditional", None, None, None),           # seed 000 3.3
    ("Theo hướng dẫn của Sở Thông tin và Truyền thông", 2021, "conditional", None, None, None),  # seed 003 I.3
    ("Sau khi có Quy chế của TW", None, "conditional", None, None, None),                  # tvpl-qd2629
    ("Khi có phát sinh.", None, "conditional", None, None, None),                           # tvpl-kh617
    # relative
    ("Đúng ngày Quyết định công bố có hiệu lực thi hành", 2024, "relative", None, None, None),   # seed 004 3
    ("Chậm nhất 10 ngày kể từ ngày ban hành Quyết định công bố danh mục TTHC.", 2024, "relative", None, None, None),  # seed 004 4
    ("05 ngày làm việc sau khi nhận được văn bản", None, "relative", None, None, None),
    # none / unparsed
    ("", 2024, "none", None, None, None),
    ("   ", 2024, "none", None, None, None),
    ("Xem phụ lục kèm theo", 2024, "unparsed", None, None, None),
]


@pytest.mark.parametrize("text,year,kind,start,end,rec", CASES)
def test_deadline_cases(text, year, kind, start, end, rec):
    d = parse_deadline(text, year=year)
    assert (d.kind, d.start, d.end, d.recurrence) == (kind, start, end, rec)
    assert d.text == text


def test_open_end_flag():
    d = parse_deadline("Năm 2021 và các năm tiếp theo", year=2021)
    assert d.open_end and d.end is None


def test_year_comes_from_the_document_never_from_today():
    # seed 003: "Tháng 7" in a plan dated 22/7/2021
    d = parse_deadline("Tháng 7", doc_date=D(2021, 7, 22))
    assert (d.start, d.end) == (D(2021, 7, 1), D(2021, 7, 31))
    assert parse_deadline("Tháng 7", year=2019, doc_date=D(2021, 7, 22)).start == D(2019, 7, 1)
    # no year anywhere: a period without dates rather than a guess
    d = parse_deadline("Tháng 7")
    assert d.kind == "period" and d.start is None and d.end is None


def test_several_items_first_gives_the_kind_all_are_kept():
    # seed 004 row 2
    text = ("- Chậm nhất 05 ngày kể từ ngày nhận được Quyết định công bố TTHC của Bộ. - Chậm nhất trước 08 ngày "
            "tính đến ngày văn bản quy phạm pháp luật có quy định về TTHC có hiệu lực thi hành. - Ngay khi ký ban "
            "hành đối với văn bản quy phạm pháp luật có hiệu lực kể từ ngày thông qua hoặc ký ban hành.")
    d = parse_deadline(text, year=2024)
    assert d.kind == "relative"
    assert [i.kind for i in d.items] == ["relative", "relative", "relative"]
    d = parse_deadline("Thường xuyên; Quý IV/2025")
    assert d.kind == "continuous"
    assert [(i.kind, i.start, i.end) for i in d.items] == [
        ("continuous", None, None), ("period", D(2025, 10, 1), D(2025, 12, 31))]


def test_range_dash_is_not_a_bullet():
    d = parse_deadline("Quý IV/2025- Quý II/2026")
    assert d.items == () and d.kind == "period"


def test_html_markup_is_ignored():
    d = parse_deadline('<ul style="list-style-type: none"> - Trước ngày 31/01/2024')
    assert (d.kind, d.end) == ("by_date", D(2024, 1, 31))


def test_section_year():
    assert section_year("NĂM 2021") == 2021
    assert section_year("NĂM 2023 - 2025") == 2023
    assert section_year("Hoàn thiện các quy định") is None
    assert section_year(None) is None


def test_match_date_forms():
    assert match_date(" ngày 08/4/2020 của Chính phủ") == (D(2020, 4, 8), 15)
    text = "Quyết định số 1085/QĐ-TTg ngày 15 tháng 9 năm 2022 của"
    d, end = match_date(text, text.index(" ngày"))
    assert d == D(2022, 9, 15) and text[end:].startswith(" của")
    assert match_date(" ngày 31/02/2020") is None          # no such day
    assert match_date(" về việc") is None


def test_gold_accuracy_on_the_seeds():
    s = direct_deadline_scores(ROOT / "corpus" / "gold", ROOT / "corpus" / "seeds")
    assert s["overall"]["total"] >= 100
    assert s["overall"]["accuracy"] >= 0.98, s["per_doc"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.integers(-10**6, 10**6)))
def test_never_raises(text, year):
    d = parse_deadline(text, year=year)
    assert d.kind in {"by_date", "date", "period", "recurring", "continuous", "conditional",
                      "relative", "none", "unparsed"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789/.- QuýIVtháng năm ngày trước hàngThường xuyên", max_size=60))
def test_never_raises_on_date_like_text(text):
    parse_deadline(text, year=2024)
    parse_deadline(text, doc_date=D(2024, 1, 1))

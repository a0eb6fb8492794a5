"""hypothesis fuzzing of every parser and normalizer: any text (Vietnamese plan words, figures,
separators and arbitrary characters mixed) gives a result or a ReadError, never another
exception, and within a deadline per example."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st

from kehoach.extract.base import ReadError
from kehoach.extract.text import TextSettings, decode, read_markdown, read_text
from kehoach.normalize.citations import find_citations, parse_doc_number
from kehoach.normalize.deadlines import parse_deadline
from kehoach.normalize.targets import find_targets
from kehoach.normalize.units import resolve_units

# Pieces real cells are made of, so the fuzzer reaches the rules and not only the early exits.
WORDS = ["UBND", "xã", "tỉnh", "huyện", "Sở", "Khoa học và Công nghệ", "và", ",", ";", "đạt", "10%",
         "tối thiểu", "năm 2025", "trước ngày 15/9/2025", "Quý II", "hằng năm", "số 12/KH-UBND",
         "Nghị định số 45/2020/NĐ-CP", "tỷ lệ", "giảm", "-", "(", ")", "\t", "\n", "|", "**", "#"]
TEXT = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=60).map(" ".join)
FUZZ = settings(max_examples=60, deadline=dt.timedelta(seconds=2),
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(TEXT)
def test_targets(text):
    for t in find_targets(text):
        assert t.span is None or 0 <= t.span[0] <= t.span[1] <= len(text)


@FUZZ
@given(TEXT)
def test_units(text):
    for m in resolve_units(text, role="lead", issuer=None, place=None):
        assert isinstance(m.mention, str)


@FUZZ
@given(TEXT)
def test_deadlines(text):
    parse_deadline(text, doc_date=dt.date(2025, 3, 1))


@FUZZ
@given(TEXT)
def test_citations(text):
    find_citations(text)
    parse_doc_number(text)


@FUZZ
@given(st.binary(max_size=2000) | TEXT.map(lambda t: t.encode("utf-8")))
def test_decode(data):
    try:
        text, _warnings = decode(data, TextSettings())
    except ReadError:
        return
    assert isinstance(text, str)


@FUZZ
@given(TEXT)
def test_text_and_markdown_readers(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("fuzz") / "plan.txt"
    p.write_text(text, encoding="utf-8")
    for reader in (read_text, read_markdown):
        try:
            reader(p, source=str(p))
        except ReadError:
            pass

"""The document vocabulary as data: every number label, date word and appendix phrase listed in
gazetteer/document_vocab.yaml is found by the metadata patterns built from it."""
import datetime as dt

import pytest

from kehoach.extract.metadata import _Line, _patterns, find_date, find_issuer, find_number
from kehoach.gazetteer import load_yaml

VOCAB = load_yaml("document_vocab.yaml")


def lines(*texts):
    return [_Line(t, i, 1) for i, t in enumerate(texts)]


@pytest.mark.parametrize("label", VOCAB["number_labels"])
def test_every_number_label_starts_a_number_line(label):
    assert find_number(lines(f"{label}: 18/KH-UBND")) == "18/KH-UBND"


def test_a_number_in_prose_is_not_the_plans_number():
    assert find_number(lines("Thực hiện Kế hoạch 18/KH-UBND của UBND tỉnh")) is None


def test_date_line_from_the_vocabulary_words():
    d = VOCAB["date_line"]
    text = f"Hà Tĩnh, {d['day']} 15 {d['month']} 01 {d['year']} 2024"
    place, issued, _ = find_date(lines(text))
    assert (place, issued) == ("Hà Tĩnh", dt.date(2024, 1, 15))


@pytest.mark.parametrize("of", VOCAB["appendix"]["of"])
def test_appendix_names_the_issuer(of):
    marker = VOCAB["appendix"]["marker"].capitalize()
    issuer, how, _ = find_issuer(lines(f"({marker} Kế hoạch số 12/KH-SNV ngày 3/2/2025 {of} Sở Nội vụ)"),
                                 None, None)
    assert (issuer, how) == ("Sở Nội vụ", "appendix")


@pytest.mark.parametrize("word", VOCAB["appendix"]["number_words"])
def test_appendix_gives_the_number(word):
    marker = VOCAB["appendix"]["marker"]
    assert _patterns().appendix_number.search(f"({marker} Kế hoạch {word}: 7/KH-SNV)").group(1) == "7/KH-SNV"


@pytest.mark.parametrize("obj", VOCAB["issuer_sentence_objects"])
def test_issuer_sentence(obj):
    verb = VOCAB["issuer_verbs"][0]
    head = VOCAB["issuer_subject_heads"][0]
    issuer, how, _ = find_issuer(lines(f"{head} Ngoại vụ {verb} {obj} kiểm soát thủ tục hành chính."), None, None)
    assert how == "sentence" and issuer.startswith(head)

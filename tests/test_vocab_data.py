"""The reference data behind the normalizers: ids unique, and every example listed in a data
file resolves to its own entry."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from kehoach.gazetteer import load_yaml
from kehoach.normalize.citations import find_citations, parse_doc_number, resolve_citations
from kehoach.normalize.deadlines import parse_deadline
from kehoach.normalize.targets import find_targets

INDICATORS = load_yaml("indicators.yaml")
CITATION_TYPES = load_yaml("citation_types.yaml")
DEADLINE_VOCAB = load_yaml("deadline_vocab.yaml")


def _dupes(items):
    return [k for k, n in Counter(items).items() if n > 1]


# --- indicators -----------------------------------------------------------------------------

def test_indicator_ids_unique_and_wellformed():
    ids = [e["id"] for e in INDICATORS["indicators"]]
    assert not _dupes(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)
    for e in INDICATORS["indicators"]:
        assert e["name"] and e["triggers"] and e["examples"], e["id"]
        assert not _dupes(e["triggers"]), e["id"]


def test_indicator_units_are_known():
    units = set(INDICATORS["units"].values())
    for e in INDICATORS["indicators"]:
        assert set(e.get("units") or ()) <= units, e["id"]


INDICATOR_EXAMPLES = [(e["id"], x) for e in INDICATORS["indicators"] for x in e["examples"]]


@pytest.mark.parametrize("ind,example", INDICATOR_EXAMPLES)
def test_indicator_example_resolves_to_its_own_entry(ind, example):
    ts = find_targets(example)
    assert ts, example
    assert ind in {t.indicator for t in ts}, [(t.indicator, t.value) for t in ts]


# --- citation types and issuers -----------------------------------------------------------

def test_type_codes_and_words_unique():
    codes = [c.casefold() for t in CITATION_TYPES["types"] for c in t.get("codes") or ()]
    words = [w for t in CITATION_TYPES["types"] for w in t.get("words") or ()]
    kinds = [t["kind"] for t in CITATION_TYPES["types"]]
    assert not _dupes(codes) and not _dupes(words) and not _dupes(kinds)
    assert CITATION_TYPES["untyped_kind"] in kinds


def test_issuer_codes_unique_and_disjoint_from_type_codes():
    issuers = [e["code"].casefold() for e in CITATION_TYPES["issuers"]]
    types = {c.casefold() for t in CITATION_TYPES["types"] for c in t.get("codes") or ()}
    assert not _dupes(issuers)
    assert not (set(issuers) & types)


TYPE_EXAMPLES = [(t["kind"], x) for t in CITATION_TYPES["types"] for x in t.get("examples") or ()]


@pytest.mark.parametrize("kind,example", TYPE_EXAMPLES)
def test_type_example_resolves_to_its_kind(kind, example):
    cs = resolve_citations(find_citations(example))
    assert [c.kind for c in cs if c.key] == [kind], cs


ISSUER_EXAMPLES = [(e["name"], x) for e in CITATION_TYPES["issuers"] for x in e["examples"]]


@pytest.mark.parametrize("name,example", ISSUER_EXAMPLES)
def test_issuer_example_resolves_to_its_issuer(name, example):
    c = parse_doc_number(example)
    assert c is not None and c.issuer == name, (example, c)


# --- deadline vocabulary --------------------------------------------------------------------

def test_deadline_vocabulary_lists_are_clean():
    for key in ("continuous", "conditional"):
        assert not _dupes(DEADLINE_VOCAB[key])
    for key in ("before", "until", "fillers"):
        assert not _dupes(DEADLINE_VOCAB["by_date"][key])
    phrases = [p for k in ("continuous", "conditional") for p in DEADLINE_VOCAB[k]]
    assert all(p == p.lower() and p.strip() == p for p in phrases)
    rec = DEADLINE_VOCAB["recurring"]
    assert set(rec["periods"].values()) <= set(rec["order"])


def _date(s):
    return dt.date.fromisoformat(s) if s else None


@pytest.mark.parametrize("ex", DEADLINE_VOCAB["examples"], ids=lambda e: e["text"][:40] or "empty")
def test_deadline_examples(ex):
    d = parse_deadline(ex["text"], year=ex.get("year"))
    assert d.kind == ex["kind"]
    for field in ("start", "end"):
        if field in ex:
            assert getattr(d, field) == _date(ex[field]), field
    if "recurrence" in ex:
        assert d.recurrence == ex["recurrence"]


# --- signature stamps (extract/pdf) ---------------------------------------------------------

def test_every_signature_stamp_label_matches_the_built_regexes():
    from kehoach.extract.pdf.stamps import SIGNATURE_TEXT, STAMP_LINE
    labels = load_yaml("document_vocab.yaml")["signature_stamp_labels"]
    assert labels and not _dupes(labels)
    for label in labels:
        assert STAMP_LINE.match(f"{label}: Nguyễn Văn A"), label
        assert STAMP_LINE.match(f"{label.upper()} : x"), label        # as printed in capitals
        assert SIGNATURE_TEXT.search(f"x {label}: y"), label
    assert not STAMP_LINE.match("Ký bởi Sở Tài chính")             # a label needs its colon
# --- OCR vocabulary (the scan reader) -----------------------------------------------------

OCR_VOCAB = load_yaml("ocr_vocab.yaml")


def test_ocr_vocabulary_lists_are_clean():
    assert set(OCR_VOCAB) == {"url_host_endings", "page_number_words"}
    for key, items in OCR_VOCAB.items():
        assert items and not _dupes(items) and all(i == i.strip() and i for i in items), key


@pytest.mark.parametrize("ending", OCR_VOCAB["url_host_endings"])
def test_url_host_ending_completes_an_address_cut_by_ocr(ending):
    from kehoach.extract.scan import Word, default_lexicon, repair_words
    lex = default_lexicon()
    if lex is None:
        pytest.skip("underthesea word list not installed")
    words = [Word(w, 0.5) for w in ("https://dichvu", "cong.gov.", ending)]
    fixed, _notes = repair_words(words, lex)
    assert [w.text for w in fixed] == [f"https://dichvucong.gov.{ending}"]


@pytest.mark.parametrize("word", OCR_VOCAB["page_number_words"])
def test_page_number_word_marks_page_furniture(word):
    from kehoach.extract.scan.prose import _is_furniture
    from kehoach.extract.scan.settings import ScanSettings
    st = ScanSettings()
    assert _is_furniture(f"{word} 3", (0, 980, 100, 995), 1000, st)      # bottom margin
    assert not _is_furniture(f"{word} 3", (0, 500, 100, 515), 1000, st)  # in the body


# --- task-table header head nouns (table_headers.yaml) and durations (column_types.yaml) ----

_HEADERS = load_yaml("table_headers.yaml")


@pytest.mark.parametrize("field,example", [(f, x) for f, xs in _HEADERS["head_examples"].items() for x in xs])
def test_header_head_example_resolves_to_its_field(field, example):
    from kehoach.extract.recover.headers import match_header_field
    assert match_header_field(example) == (None if field == "none" else field)


@pytest.mark.parametrize("example", load_yaml("column_types.yaml")["duration_examples"])
def test_duration_example_is_a_deadline(example):
    from kehoach.extract.recover.align import value_kind
    assert value_kind(example) == "deadline"


@pytest.mark.parametrize("label,clean", [("Bước 1", "Bước 1"), ("Bước1", "Bước 1"), ("B12", "B12"),
                                          ("1.2.", "1.2"), ("II", "II")])
def test_step_codes_are_cell_labels(label, clean):
    from kehoach.extract.labels import clean_label, is_label
    assert is_label(label) and clean_label(label) == clean

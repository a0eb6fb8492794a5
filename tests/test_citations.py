"""Citations of legal and administrative documents. Phrasings quoted from the seeds and
shared/corpus-real (file named in the comment)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kehoach.eval.meaning import direct_citation_scores
from kehoach.model import Citation
from kehoach.normalize.citations import find_citations, parse_doc_number, resolve_citations

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
D = dt.date

CASES = [
    # text, key, kind, issuer, date
    ("theo Nghị định số 45/2020/NĐ-CP ngày 08/4/2020 của Chính phủ về thực hiện TTHC",          # seed 000
     "45/2020/NĐ-CP", "Nghị định", "Chính phủ", D(2020, 4, 8)),
    ("Quyết định số 1085/QĐ-TTg ngày 15 tháng 9 năm 2022 của Thủ tướng Chính phủ",              # seed 001
     "1085/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", D(2022, 9, 15)),
    ("Nghị định 107/2021/NĐ-CP ngày 06/12/2021 sửa đổi, bổ sung",                               # seed 001, no "số"
     "107/2021/NĐ-CP", "Nghị định", "Chính phủ", D(2021, 12, 6)),
    ("theo Quyết định 468/QĐ- TTg", "468/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", None),    # seed 000 3.1
    ("theo Thông tư số 01/2020/TT - VPCP cho UBND huyện",                                       # seed 001 III.1
     "01/2020/TT-VPCP", "Thông tư", "Văn phòng Chính phủ", None),
    ("Quyết định số 31/2021/QĐ-\n\nTTg;",                                                      # seed 004 row 10, page break
     "31/2021/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", None),
    ("Nghị số 76/NQ-CP ngày 15/7/2021", "76/NQ-CP", "Nghị quyết", "Chính phủ", D(2021, 7, 15)),  # seed 004 13: wrong type word
    ("Nghị quyết số 12-NQ/TU ngày 26/5/2022 của Ban Chấp hành Đảng bộ tỉnh",                    # seed 002, Party form
     "12-NQ/TU", "Nghị quyết", "Tỉnh ủy", D(2022, 5, 26)),
    ("Chương trình hành động của Ban Chấp hành Đảng bộ tỉnh số 920-CTr/TU ngày 31/01/2018",     # seed 002
     "920-CTr/TU", "Chương trình", "Tỉnh ủy", D(2018, 1, 31)),
    ("Kết luận số 29-KL/TU ngày 22/7/2021 của Ban Thường vụ Tỉnh ủy",                           # seed 002
     "29-KL/TU", "Kết luận", "Tỉnh ủy", D(2021, 7, 22)),
    ("Văn bản Hướng dẫn số 2333/SNV-CCHC&VTLT ngày 02/12/2022 của Sở Nội vụ",                   # seed 002
     "2333/SNV-CCHC&VTLT", "Hướng dẫn", "Sở Nội vụ", D(2022, 12, 2)),
    ("theo Văn bản số 3706/VP-HCC ngày 09/12/2020 của Văn phòng UBND tỉnh",                     # seed 001
     "3706/VP-HCC", "Văn bản", "Văn phòng Ủy ban nhân dân", D(2020, 12, 9)),
    ("Nghị quyết số 03/2013/NQ-HĐND ngày 05 tháng 7 năm 2013 của Hội đồng nhân dân thành phố",  # seed 004
     "03/2013/NQ-HĐND", "Nghị quyết", "Hội đồng nhân dân", D(2013, 7, 5)),
    ("THỰC HIỆN QUYẾT ĐỊNH SỐ 1899/QĐ-TTG NGÀY 04/9/2025 CỦA THỦ TƯỚNG",                         # tvpl-kh980 title
     "1899/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", D(2025, 9, 4)),
    ("*Căn cứ Luật Đất đai số\n31/2024/QH15 ngày 18 tháng 01 năm 2024;*",                        # tvpl-qd2820
     "31/2024/QH15", "Luật", "Quốc hội", D(2024, 1, 18)),
    ("*Căn cứ Nghị quyết số\n66.2/2025/NQ-CP ngày 28 tháng 8 năm 2025",                          # tvpl-qd2820
     "66.2/2025/NQ-CP", "Nghị quyết", "Chính phủ", D(2025, 8, 28)),
    ("đã ban hành Công văn số 6006/BGDĐT ngày 29/9/2025",                                      # tvpl-tb624
     "6006/BGDĐT", "Công văn", "Bộ Giáo dục và Đào tạo", D(2025, 9, 29)),
    ("triển khai Kế hoạch hành động số 459-KHHĐ/TU ngày 21/5/2025",                             # tvpl-qd2820
     "459-KHHĐ/TU", "Kế hoạch", "Tỉnh ủy", D(2025, 5, 21)),
    ("hướng dẫn của Bộ Tài chính tại Công văn số 11725/BTC-QLĐT ngày 31/7/2025",                # tvpl-tb624
     "11725/BTC-QLĐT", "Công văn", "Bộ Tài chính", D(2025, 7, 31)),
]


@pytest.mark.parametrize("text,key,kind,issuer,date", CASES)
def test_citation_forms(text, key, kind, issuer, date):
    cs = resolve_citations(find_citations(text))
    assert [c.key for c in cs if c.key] == [key]
    c = next(c for c in cs if c.key)
    assert (c.kind, c.issuer, c.date) == (kind, issuer, date)
    s, e = c.span
    assert text[s:e].split() == c.raw.split()


def test_subject_and_year():
    c = find_citations("Nghị định số 45/2020/NĐ-CP ngày 08/4/2020 của Chính phủ về thực hiện TTHC "
                       "trên môi trường điện tử và Nghị định số 42/2022/NĐ-CP ngày 24/6/2022")[0]
    assert c.subject == "về thực hiện TTHC trên môi trường điện tử"
    assert (c.number, c.year, c.symbol) == ("45", 2020, "NĐ-CP")
    admin = find_citations("Quyết định số 468/QĐ-TTg ngày 27/3/2021 của Thủ tướng Chính phủ phê duyệt đề án")[0]
    assert admin.year == 2021 and admin.subject == "phê duyệt đề án"
    # no subject opener right after the citation: none rather than a distant phrase
    assert find_citations("theo Thông tư số 01/2020/TT - VPCP cho UBND huyện theo quy định.")[0].subject is None


def test_not_citations():
    text = ("Duy trì hệ thống quản lý chất lượng Tiêu chuẩn Việt Nam ISO 9001: 2018; TCVN ISO 9001:2015; "
            "giai đoạn 2021 - 2030; ngày 30/6/2021; 20 phút/01 lượt; 5G/IoT; Tổng đài 1022; Quý III/2024")
    assert find_citations(text) == []


def test_table_row_number_after_a_type_word_is_no_short_form():
    # seed 003: a cell ends "Kế hoạch" and the next row starts with its number
    assert find_citations("Tháng 7\tKế hoạch\n2\tPhối hợp thực hiện") == []
    assert find_citations("Kế hoạch 2024 của Sở") == []


def test_own_number_is_not_a_citation():
    text = "Kèm theo Kế hoạch số: 508/KH-SNgV ngày tháng 7 năm 2021; Kế hoạch số 223/KH-UBND ngày 30/6/2021"
    assert [c.key for c in find_citations(text, own_number="508/KH-SNgV")] == ["223/KH-UBND"]
    assert [c.key for c in find_citations(text, own_number=parse_doc_number("Số: 508/KH-SNgV"))] == ["223/KH-UBND"]
    assert len(find_citations(text)) == 2


def test_short_form_resolves_to_the_plans_full_citation():
    # seed 004: row 12 cites 131/NQ-CP, row 19 says "Nghị quyết số 131"
    text = "Nghị định số 107/2021/NĐ-CP; Nghị quyết số 131/NQ-CP\nBáo cáo kết quả thực hiện Nghị quyết số 131; Báo cáo"
    cs = resolve_citations(find_citations(text))
    short = cs[-1]
    assert short.key == "131/NQ-CP" and short.resolved_from == "Nghị quyết số 131"
    unresolved = resolve_citations(find_citations("triển khai Đề án 06 của Chính phủ"))
    assert len(unresolved) == 1 and unresolved[0].key is None and unresolved[0].number == "06"


def test_short_form_ambiguous():
    cs = resolve_citations(find_citations(
        "Nghị định số 107/2020/NĐ-CP và Nghị định số 107/2021/NĐ-CP; theo Nghị định số 107."))
    assert cs[-1].key is None and cs[-1].conflict.startswith("ambiguous_short:")


def test_page_break_partial_number_is_completed():
    text = "Quyết định số 31/2021/QĐ-\n\t\tphụ trách\t\tnhật TTg;\nQuyết định số 31/2021/QĐ-TTg"
    raw = find_citations(text)
    assert raw[0].key is None and raw[0].conflict == "incomplete_symbol"
    cs = resolve_citations(raw)
    assert [c.key for c in cs] == ["31/2021/QĐ-TTg", "31/2021/QĐ-TTg"] and cs[0].conflict is None


def test_conflict_transposed_number():
    # seed 003: "486/QĐ-TTg ngày 27/3/2021" in prose, "468/QĐ-TTg" in the table
    text = ("theo Quyết định số 486/QĐ-TTg ngày 27/3/2021 của Thủ tướng Chính phủ.\n"
            "1\tXây dựng Kế hoạch triển khai thực hiện Quyết định số 468/QĐ-TTg của Thủ tướng Chính phủ")
    cs = resolve_citations(find_citations(text))
    assert {c.key: c.conflict for c in cs} == {"486/QĐ-TTg": "transposed_number:468/QĐ-TTg",
                                               "468/QĐ-TTg": "transposed_number:486/QĐ-TTg"}


def test_no_conflict_for_genuine_neighbours():
    # seed 002: 18-NQ/TW and 19-NQ/TW are both of 25/10/2017; MANIFEST: 2269 and 2629/QĐ-TTg undated
    text = ("Nghị quyết số 18-NQ/TW ngày 25/10/2017 và Nghị quyết số 19-NQ/TW ngày 25/10/2017; "
            "2269/QĐ-TTg và 2629/QĐ-TTg; 61/2018/NĐ-CP ngày 23/4/2018 và 16/2015/NĐ-CP")
    assert all(c.conflict is None for c in resolve_citations(find_citations(text)))


def test_date_mismatch_and_date_fill():
    text = ("Nghị quyết số 71/NQ-CP ngày 01/4/2025; Nghị quyết số 71/NQ-CP ngày 01/5/2025; "
            "Quyết định số 468/QĐ-TTg ngày 27/3/2021; theo Quyết định 468/QĐ-TTg")
    cs = resolve_citations(find_citations(text))
    assert cs[0].conflict == "date_mismatch:2025-04-01|2025-05-01"
    assert cs[-1].date == D(2021, 3, 27) and cs[-1].conflict is None


@pytest.mark.parametrize("s,number,symbol,key,kind,issuer", [
    ("18 /KH-UBND", "18", "KH-UBND", "18/KH-UBND", "Kế hoạch", "Ủy ban nhân dân"),       # seed 001
    ("/KH-SNgV", None, "KH-SNgV", "/KH-SNgV", "Kế hoạch", "Sở Ngoại vụ"),                 # seed 000, blank number
    ("Số: 508/KH-SNgV", "508", "KH-SNgV", "508/KH-SNgV", "Kế hoạch", "Sở Ngoại vụ"),      # seed 003
    ("Số: 01/KH-SNgV", "01", "KH-SNgV", "01/KH-SNgV", "Kế hoạch", "Sở Ngoại vụ"),         # seed 002
    ("Số: 2820/QĐ-UBND", "2820", "QĐ-UBND", "2820/QĐ-UBND", "Quyết định", "Ủy ban nhân dân"),  # tvpl-qd2820
    ("Số: 25/2025/NĐ-CP", "25", "NĐ-CP", "25/2025/NĐ-CP", "Nghị định", "Chính phủ"),     # tvpl-nd25
    ("Số: 624/TB-VPCP", "624", "TB-VPCP", "624/TB-VPCP", "Thông báo", "Văn phòng Chính phủ"),  # tvpl-tb624
])
def test_parse_doc_number(s, number, symbol, key, kind, issuer):
    c = parse_doc_number(s)
    assert (c.number, c.symbol, c.key, c.kind, c.issuer) == (number, symbol, key, kind, issuer)


@pytest.mark.parametrize("s", ["", "Số:", "KẾ HOẠCH", "Hà Tĩnh, ngày 10 tháng 01 năm 2023", None, 42])
def test_parse_doc_number_rejects(s):
    assert parse_doc_number(s) is None


def test_gold_f1_on_the_seeds():
    s = direct_citation_scores(ROOT / "corpus" / "gold", ROOT / "corpus" / "seeds")
    assert s["overall"]["tp"] >= 70
    assert s["overall"]["f1"] >= 0.99, s["per_doc"]


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "corpus-real").is_dir(), reason="../shared absent")
def test_real_corpus_citations():
    text = (SHARED / "corpus-real" / "tvpl-qd2820-hcm-kh-trienkhai.md").read_text(encoding="utf-8")
    own = parse_doc_number("2820/QĐ-UBND")
    cs = resolve_citations(find_citations(text, own_number=own))
    keys = {c.key for c in cs}
    assert {"06/QĐ-TTg", "3103/QĐ-BTC", "72/2025/QH15", "57-NQ/TW", "11033/STC-CSTH",
            "66.2/2025/NQ-CP", "459-KHHĐ/TU"} <= keys
    assert "2820/QĐ-UBND" not in keys
    for c in cs:
        s, e = c.span
        assert text[s:e].split() == c.raw.split()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(text):
    cs = resolve_citations(find_citations(text, own_number=text[:20]))
    assert all(isinstance(c, Citation) for c in cs)
    parse_doc_number(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789/-– NĐQTgCPKHUBND&số:ngàytháng năm\n\tNghị quyết định", max_size=120))
def test_never_raises_on_citation_like_text(text):
    resolve_citations(find_citations(text))
    parse_doc_number(text)

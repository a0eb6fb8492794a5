"""Unit mentions: splitting, resolution against the issuer, same unit -> same id across plans.

Every cell below is printed in a real plan: the seeds (corpus/seeds) or shared/corpus-real."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kehoach.bench import units as bench_units
from kehoach.eval import units as eval_units
from kehoach.normalize.units import candidates, normalize_text, resolve_units, split_mentions

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD = REPO / "corpus" / "gold"
needs_shared = pytest.mark.skipif(not (SHARED / "corpus-real").is_dir(), reason="shared/corpus-real absent")

GIANG_DIEN = {"issuer": "UBND xã Giang Điền", "place": "Giang Điền"}      # seed 001
SNGV_DONG_NAI = {"issuer": "Sở Ngoại vụ", "place": "Đồng Nai"}            # seed 000
SNGV_HA_TINH = {"issuer": "Sở Ngoại vụ", "place": "Hà Tĩnh"}              # seed 003
SKHCN = {"issuer": "Sở Khoa học và Công nghệ", "place": None}             # seed 004, city not printed
DONG_NAI_2025 = {"issuer": "UBND tỉnh Đồng Nai", "place": None, "issued": dt.date(2025, 11, 18)}  # KH 179
BAC_NINH_2025 = {"issuer": "UBND tỉnh Bắc Ninh", "place": None, "issued": dt.date(2025, 11, 24)}  # KH 144


def one(text: str, ctx: dict):
    got = resolve_units(text, role="lead", **ctx)
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize("cell,expected", [
    ("VP UBND, CC VHXH xã, CB, CC chuyên môn", ["VP UBND", "CC VHXH xã", "CB, CC chuyên môn"]),
    ("CB, CC 1 cửa xã", ["CB, CC 1 cửa xã"]),
    ("Văn phòng Sở, Phòng Hợp tác Quốc tế", ["Văn phòng Sở", "Phòng Hợp tác Quốc tế"]),
    ("VP UBND, xã, CB, CC chuyên môn", ["VP UBND, xã", "CB, CC chuyên môn"]),
    ("CCTP HT và các CB, CC chuyên môn", ["CCTP HT", "các CB, CC chuyên môn"]),
    ("CC chuyên môn, công an, quân sự", ["CC chuyên môn", "công an", "quân sự"]),
    ("Văn phòng HĐND-UBND huyện, Các cơ quan, đơn vị,", ["Văn phòng HĐND-UBND huyện", "Các cơ quan, đơn vị"]),
    ("Phòng Văn hóa và Thông tin; Phòng Tài chính - Kế hoạch",
     ["Phòng Văn hóa và Thông tin", "Phòng Tài chính - Kế hoạch"]),
    ("Văn phòng - Thanh tra", ["Văn phòng - Thanh tra"]),
    ("Các phòng chuyên môn, đơn vị trực thuộc; Sở Thông tin và Truyền thông.",
     ["Các phòng chuyên môn, đơn vị trực thuộc", "Sở Thông tin và Truyền thông"]),
    ("Các phòng ban chuyên môn, đơn vị thuộc Sở", ["Các phòng ban chuyên môn, đơn vị thuộc Sở"]),
    ("- Phó Giám đốc Trần Đông Phương An - Cá nhân phụ trách",
     ["Phó Giám đốc Trần Đông Phương An - Cá nhân phụ trách"]),
    ("Các sở, ban, ngành; UBND các phường, xã", ["Các sở, ban, ngành", "UBND các phường, xã"]),
    ("Viện, Trường; Doanh nghiệp, Sở, ban, ngành có liên quan",
     ["Viện, Trường", "Doanh nghiệp", "Sở, ban, ngành có liên quan"]),
    ("Sở Giáo dục và Đào tạo, Sở Văn hóa Thể thao và Du lịch",
     ["Sở Giáo dục và Đào tạo", "Sở Văn hóa Thể thao và Du lịch"]),
    ("Bộ Khoa học và Công nghệ và các bộ, ngành, địa phương khác có liên quan",
     ["Bộ Khoa học và Công nghệ", "các bộ, ngành, địa phương khác có liên quan"]),
    ("Cơ quan ngang bộ, cơ quan thuộc Chính phủ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
     ["Cơ quan ngang bộ, cơ quan thuộc Chính phủ",
      "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương"]),
    ("Sở Khoa học và Công nghệ Sở Công Thương; UBND các phường, xã",
     ["Sở Khoa học và Công nghệ", "Sở Công Thương", "UBND các phường, xã"]),
    ("Sở Tài chính và cơ quan, địa phương liên quan", ["Sở Tài chính", "cơ quan, địa phương liên quan"]),
    ("", []),
    (None, []),
])
def test_split_mentions(cell, expected):
    assert split_mentions(cell) == expected


@pytest.mark.parametrize("text,ctx,name,unit_type,level", [
    ("VP UBND xã", GIANG_DIEN, "Văn phòng Ủy ban nhân dân xã Giang Điền", "van_phong", "internal"),
    ("CB, CC 1 cửa xã", GIANG_DIEN, "Bộ phận Một cửa Ủy ban nhân dân xã Giang Điền", "bo_phan_mot_cua", "internal"),
    ("CC TPHT xã", GIANG_DIEN, "Công chức Tư pháp - Hộ tịch xã Giang Điền", "cong_chuc_tu_phap_ho_tich", "commune"),
    # a district office printed without its level, in a commune's plan, is the commune's district's
    ("Phòng Văn hóa và Thông tin", GIANG_DIEN, "Phòng Văn hóa và Thông tin huyện Trảng Bom",
     "phong_van_hoa_thong_tin", "district"),
    ("Phòng VH TT huyện", GIANG_DIEN, "Phòng Văn hóa và Thông tin huyện Trảng Bom", "phong_van_hoa_thong_tin",
     "district"),
    ("Đoàn TN xã", GIANG_DIEN, "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã Giang Điền", "doan_thanh_nien", "commune"),
    ("Phòng Lãnh sự - NVNONN", SNGV_DONG_NAI,
     "Phòng Lãnh sự - Người Việt Nam ở nước ngoài Sở Ngoại vụ tỉnh Đồng Nai", "phong_lanh_su_nvnonn", "internal"),
    ("Văn phòng UBND tỉnh", SNGV_HA_TINH, "Văn phòng Ủy ban nhân dân tỉnh Hà Tĩnh", "van_phong", "internal"),
    ("Sở Thông tin và Truyền thông tỉnh", SNGV_HA_TINH, "Sở Thông tin và Truyền thông tỉnh Hà Tĩnh",
     "so_thong_tin_truyen_thong", "province"),
    ("Đ/c Kế toán Sở", SNGV_HA_TINH, "Kế toán Sở Ngoại vụ tỉnh Hà Tĩnh", "ke_toan", "person"),
    ("- Phó Giám đốc Trần Đông Phương An - Cá nhân phụ trách", SKHCN,
     "Phó Giám đốc Sở Khoa học và Công nghệ Trần Đông Phương An", "pho_giam_doc", "person"),
    ("Chi cục Tiêu chuẩn Đo lường Chất lượng", SKHCN,
     "Chi cục Tiêu chuẩn Đo lường Chất lượng Sở Khoa học và Công nghệ", "chi_cuc_tieu_chuan_do_luong_chat_luong",
     "internal"),
    ("Sở KH&CN", DONG_NAI_2025, "Sở Khoa học và Công nghệ tỉnh Đồng Nai", "so_khoa_hoc_cong_nghe", "province"),
    ("UBND các phường, xã", DONG_NAI_2025, "Ủy ban nhân dân cấp xã tỉnh Đồng Nai", "ubnd", "commune"),
    ("Thuế Đồng Nai", DONG_NAI_2025, "Thuế tỉnh Đồng Nai", "thue", "province"),
    ("Bộ Công an (Trung tâm Dữ liệu quốc gia)", {"issuer": "Thủ tướng Chính phủ", "place": None},
     "Bộ Công an", "bo_cong_an", "central"),
    ("Lãnh đạo Phòng BTXH và Trẻ em Sở Y tế", {"issuer": "UBND tỉnh Cao Bằng", "place": None},
     "Lãnh đạo Phòng Bảo trợ xã hội và Trẻ em Sở Y tế tỉnh Cao Bằng", "lanh_dao", "person"),
])
def test_resolve_real_mentions(text, ctx, name, unit_type, level):
    u = one(text, ctx)
    assert (u.unit_name, u.unit_type, u.level) == (name, unit_type, level)
    assert u.method in ("exact", "alias") and u.score == 1.0 and u.unit_id


def test_place_codes_follow_the_resolved_unit():
    u = one("VP UBND xã", GIANG_DIEN)
    assert (u.province_code, u.district_code, u.commune_code) == ("75", "737", "26293")
    u = one("Phòng Tư pháp", GIANG_DIEN)
    assert (u.province_code, u.district_code, u.commune_code) == ("75", "737", None)


def test_relative_mentions_depend_on_the_issuer():
    """A commune's "VP UBND xã" is that commune's office, not every commune's."""
    ours = one("VP UBND xã", GIANG_DIEN)
    theirs = one("VP UBND xã", {"issuer": "UBND xã Sông Trầu", "place": "Sông Trầu"})
    assert ours.unit_id != theirs.unit_id
    assert theirs.unit_name == "Văn phòng Ủy ban nhân dân xã Sông Trầu"
    assert one("Văn phòng UBND tỉnh", SNGV_HA_TINH).unit_id != one("Văn phòng UBND tỉnh", BAC_NINH_2025).unit_id


@pytest.mark.parametrize("ctx,spellings", [
    (GIANG_DIEN, ["VP UBND xã", "Văn phòng UBND xã", "Văn phòng Ủy ban nhân dân xã Giang Điền", "VP UBND"]),
    # the district's office is one body whether or not the council is printed
    (GIANG_DIEN, ["Văn phòng HĐND-UBND huyện", "Văn phòng HĐND - UBND huyện", "Văn phòng HĐND- UBND huyện",
                  "VP UBND huyện", "Văn phòng UBND huyện"]),
    (GIANG_DIEN, ["CC VHXH", "CC VHXH xã", "CC VHTT xã"]),
    (GIANG_DIEN, ["CB, CC chuyên môn", "CC chuyên môn", "các CB, CC chuyên môn", "CB, CC chuyên môn thị trấn"]),
    (GIANG_DIEN, ["Phòng Văn hóa và Thông tin", "Phòng Văn hóa và thông tin", "Phòng VH TT huyện"]),
    (SNGV_DONG_NAI, ["Phòng Hợp tác quốc tế", "Phòng Hợp tác Quốc tế"]),
    (SNGV_DONG_NAI, ["Văn phòng Sở", "Văn phòng"]),
    (SNGV_HA_TINH, ["Sở Thông tin và Truyền thông.", "Sở Thông tin và Truyền thông tỉnh"]),
    (SKHCN, ["Các phòng, đơn vị có liên quan", "Các đơn vị có liên quan"]),
    (DONG_NAI_2025, ["Sở KH&CN", "Sở Khoa học và Công nghệ"]),
    (DONG_NAI_2025, ["Sở Văn hoá Thể thao du lịch", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa Thể thao và Du lịch"]),
    (DONG_NAI_2025, ["UBND các phường, xã", "UBND các phường xã", "UBND xã, phường, đặc khu", "UBND cấp xã"]),
])
def test_same_unit_spelled_differently_gets_one_id(ctx, spellings):
    ids = {one(s, ctx).unit_id for s in spellings}
    assert len(ids) == 1 and None not in ids, ids


def test_same_unit_same_id_across_plans():
    """The same body named in two plans of the same province by different issuers."""
    by_sngv = one("Sở Thông tin và Truyền thông", SNGV_HA_TINH)
    by_province = one("Sở TT&TT", {"issuer": "UBND tỉnh Hà Tĩnh", "place": "Hà Tĩnh"})
    assert by_sngv.unit_id == by_province.unit_id == "so_thong_tin_truyen_thong@p42"
    # seed 000's "Văn phòng Sở" and a province plan's "Văn phòng Sở Ngoại vụ"
    assert one("Văn phòng Sở", SNGV_DONG_NAI).unit_id == \
        one("Văn phòng Sở Ngoại vụ", {"issuer": "UBND tỉnh Đồng Nai", "place": None}).unit_id


def test_era_follows_the_plan_date():
    before = one("Sở Tài chính", {"issuer": "UBND tỉnh Đồng Nai", "place": None, "issued": dt.date(2024, 1, 5)})
    after = one("Sở Tài chính", DONG_NAI_2025)
    assert (before.unit_id, after.unit_id) == ("so_tai_chinh@p75", "so_tai_chinh@2025:p75")


def test_unmatched_keeps_the_mention_with_a_null_id():
    got = resolve_units("Sở Khoa học và Công nghệ thúc đẩy, theo dõi", role="support", **DONG_NAI_2025)
    assert [u.mention for u in got] == ["Sở Khoa học và Công nghệ thúc đẩy", "theo dõi"]
    assert all(u.method == "unmatched" and u.unit_id is None and u.unit_name is None for u in got)


def test_fuzzy_needs_a_margin_and_reports_its_score():
    u = one("Sở Sở Công thương", DONG_NAI_2025)          # printed with a doubled word (KH 617)
    assert (u.unit_type, u.method) == ("so_cong_thuong", "fuzzy") and 0.86 <= u.score < 1
    # one letter apart from two abbreviations: no fuzzy guess
    assert one("Phòng VHTQ", GIANG_DIEN).method == "unmatched"


def test_role_is_checked():
    with pytest.raises(ValueError):
        resolve_units("VP UBND xã", role="chủ trì", **GIANG_DIEN)


def test_candidates_rank_the_chosen_unit_first():
    got = candidates("VP UBND xã", issuer="UBND xã Giang Điền", place="Giang Điền", limit=5)
    assert got[0] == ("Văn phòng Ủy ban nhân dân xã Giang Điền", "van_phong@ubnd@c26293", 1.0)
    assert 1 < len(got) <= 5 and all(0 <= s <= 1 for _, _, s in got)
    assert [s for _, _, s in got[1:]] == sorted((s for _, _, s in got[1:]), reverse=True)


@pytest.mark.parametrize("text,expected", [
    ("Phòng Văn hoá và Thông tin", "Phòng Văn hóa và Thông tin"),
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
    ("Thuỷ lợi, khoẻ", "Thủy lợi, khỏe"),
    ("quý, hoàn thành", "quý, hoàn thành"),
    ("Văn phòng HĐND – UBND", "Văn phòng HĐND - UBND"),
])
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


def test_resolver_on_seed_gold_meets_the_bar():
    result = eval_units.score_resolver(GOLD)
    assert set(result["docs"]) == {"000_dbb53274ea895b03", "001_9e03fbf4f3d2e073",
                                   "003_e98dbb9b18233da0", "004_0b88bc6089270356"}
    assert result["overall"]["mention_f1"] >= 0.97 and result["overall"]["name_accuracy"] >= 0.95, result["misses"]


def _write_task_units(out: Path, rows: list[dict]) -> None:
    (out / "task_units" / "doc_id=x").mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows), out / "task_units" / "doc_id=x" / "part-0.parquet")


def test_score_units_reads_the_dataset_and_can_fail(tmp_path):
    gold = eval_units._load_gold(GOLD)
    rows = []
    for stem, g in gold.items():
        for cell in g["cells"]:
            for u in resolve_units(cell["text"], role=cell["role"], issuer=g["issuer"], place=g["place"]):
                rows.append({"source": f"corpus/seeds/{stem}.txt", "seq": cell["seq"], "role": cell["role"],
                             "mention": u.mention, "unit_name": u.unit_name, "unit_id": u.unit_id})
    _write_task_units(tmp_path / "good", rows)
    good = eval_units.score_units(GOLD, tmp_path / "good")
    assert good["overall"] == eval_units.score_resolver(GOLD)["overall"]
    # a wrong place and a lost mention must show
    bad = [dict(r) for r in rows[1:]]
    bad[0]["unit_name"] = "Văn phòng Ủy ban nhân dân xã Sông Trầu"
    _write_task_units(tmp_path / "bad", bad)
    worse = eval_units.score_units(GOLD, tmp_path / "bad")["overall"]
    assert worse["mention_recall"] < 1 and worse["name_accuracy"] < good["overall"]["name_accuracy"]


def test_bench_is_fast():
    result = bench_units.bench(2000)
    assert result["mentions"] == 2000 and result["seconds"] < 10


@needs_shared
def test_corpus_real_cells_are_found_and_mostly_matched():
    cells = [c for c in bench_units.real_cells() if c[3] in bench_units.REAL_ISSUERS]
    assert len(cells) > 300
    issued = dt.date.fromisoformat(bench_units.REAL_ISSUED)
    mentions = [u for cell, place, issuer, _ in cells
                for u in resolve_units(cell, role="support", issuer=issuer, place=place, issued=issued)]
    unmatched = [u.mention for u in mentions if u.method == "unmatched"]
    assert len(unmatched) / len(mentions) < 0.08, unmatched
    assert all(u.unit_id is None for u in mentions if u.method == "unmatched")


@needs_shared
def test_corpus_real_same_unit_same_id_across_plans():
    """Đồng Tháp's KH 617 prints "Sở KH&CN", its KH 552 "Sở Khoa học và Công nghệ": one unit."""
    ctx = {"issuer": "UBND tỉnh Đồng Tháp", "place": None, "issued": dt.date(2025, 12, 1)}
    ids: dict[str, set[str]] = {}
    for cell, _, _, src in bench_units.real_cells():
        if src in ("tvpl-kh617-dongthap-cds-dn.md", "tvpl-kh552-dongthap-doimoicn.md"):
            for u in resolve_units(cell, role="lead", **ctx):
                ids.setdefault(u.mention, set()).add((src, u.unit_id))
    assert {s for s, _ in ids["Sở KH&CN"]} == {"tvpl-kh617-dongthap-cds-dn.md"}
    assert "tvpl-kh552-dongthap-doimoicn.md" in {s for s, _ in ids["Sở Khoa học và Công nghệ"]}
    assert {i for _, i in ids["Sở KH&CN"] | ids["Sở Khoa học và Công nghệ"]} == {"so_khoa_hoc_cong_nghe@2025:p82"}

"""The issuer of each document resolved to a gazetteer unit (kehoach.normalize.issuers), on
real documents: the seeds, their renderings and the shared real corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

import kehoach
from kehoach.normalize.issuers import era_of, resolve_issuer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
RENDERED = ROOT / "corpus" / "rendered"
REAL = ROOT.parent / "shared" / "corpus-real"
DEV = ROOT.parent / "shared" / "corpus-dev"


def _issuer(path: Path):
    ex = kehoach.extract(path)
    return ex.metadata, ex.results("issuers")[0].value


def test_two_giang_dien_spellings_resolve_to_the_commune():
    for path in (SEEDS / "001_9e03fbf4f3d2e073.txt", RENDERED / "001_9e03fbf4f3d2e073.docx"):
        m, got = _issuer(path)
        assert got.issuer_unit_id == "ubnd@c26293", (path.name, m.issuer)
        assert got.issuer_name == "Ủy ban nhân dân xã Giang Điền"
        assert (got.issuer_level, got.issuer_era, got.province_code) == ("commune", "pre-2025", "75")
    # the two spellings as printed differ; the ids do not
    assert _issuer(SEEDS / "001_9e03fbf4f3d2e073.txt")[0].issuer != \
        _issuer(RENDERED / "001_9e03fbf4f3d2e073.docx")[0].issuer


def test_so_ngoai_vu_of_dong_nai_and_of_ha_tinh_differ():
    ids = {}
    for stem in ("000_dbb53274ea895b03", "003_e98dbb9b18233da0"):
        for path in (SEEDS / f"{stem}.txt", RENDERED / f"{stem}.docx"):
            ids.setdefault(stem, set()).add(_issuer(path)[1].issuer_unit_id)
    assert ids == {"000_dbb53274ea895b03": {"so_ngoai_vu@p75"}, "003_e98dbb9b18233da0": {"so_ngoai_vu@p42"}}
    # seed 002 prints only "Sở Ngoại vụ"; its date line ("Hà Tĩnh, ngày …") places it
    assert _issuer(SEEDS / "002_9da8d435c019012e.txt")[1].issuer_unit_id == "so_ngoai_vu@p42"


def test_unplaced_and_unmatched_issuers_are_findings():
    ex = kehoach.extract(SEEDS / "004_0b88bc6089270356.txt")   # "UBND THÀNH PHỐ" names no city
    got = ex.results("issuers")[0].value
    assert got.issuer_unit_id == "so_khoa_hoc_cong_nghe@?" and got.issuer_era is None
    assert [f.kind for f in ex.findings if f.kind.startswith("issuer_")] == ["issuer_place_unknown"]
    none = resolve_issuer("TRƯỜNG THPT CAO LÃNH 2", parent="SỞ GDĐT TỈNH ĐỒNG THÁP", place="Đồng Tháp")
    assert none.issuer_unit_id is None and none.issuer_match == "unmatched"


def test_era_of_ids():
    assert era_of("ubnd@2025:p82", "province") == "post-2025"
    assert era_of("ubnd@p51", "province") == "pre-2025"
    assert era_of("bo_noi_vu", "central") is None
    assert era_of("so_ngoai_vu@?", "province") is None


# Every document of the shared real corpus with a printed issuer: the id it must resolve to
# (None where the gazetteer has no such body: schools and universities are named, not typed).
REAL_ISSUERS = {
    "bgddt-cv1849-stem-2026-scan.pdf": "bo_giao_duc_dao_tao",
    "dthap-kh362-sgddt-2026-draft.doc": "so_giao_duc_dao_tao@2025:p82",
    "dthap-kh362-sgddt-2026-text.pdf": "so_giao_duc_dao_tao@2025:p82",
    "dthap-kh58-thptcl2-2026-text.pdf": None,
    "dthap-kh58-thptcl2-2026.docx": None,
    "kh753-dhct-khaosat-dvc-2026-scan.pdf": None,
    "nd45-2026-dautu-cntt-text.pdf": "chinh_phu",
    "qngai-bc23-caicach-tthc-2025-scan.pdf": "ubnd@p51",
    "qngai-ct04-pctn-2024-scan.pdf": "ubnd@p51",
    "qngai-ct16-tet-2021-scan.pdf": "ubnd@p51",
    "qngai-cv507-gopy-vtci-2025-text.pdf": "ubnd@p51",
    "qngai-tb11-ketluan-cphoa-2025-text.pdf": "ubnd@p51",
    "qngai-tb565-ketluan-mtqg-2024-text.pdf": "ubnd@p51",
    "qngai-tb660-ketluan-nhatam-2024-scan.pdf": "ubnd@p51",
    "qngai-ttr09-baibo-nq-2025-scan.pdf": "ubnd@p51",
    "ttg-cv464-catgiam-tthc-2026-scan.pdf": "thu_tuong",
    "tvpl-ct012-daklak-tthc.md": "ubnd@2025:p66",
    "tvpl-kh1026-nghean-ct32.md": "ubnd@2025:p40",
    "tvpl-kh144-bacninh-ktso.md": "ubnd@2025:p24",
    "tvpl-kh157-cantho-thidua.md": "ubnd@2025:p92",
    "tvpl-kh179-dongnai-ktso.md": "ubnd@2025:p75",
    "tvpl-kh310-hanoi-5g-iot.md": "ubnd@2025:p01",
    "tvpl-kh552-dongthap-doimoicn.md": "ubnd@2025:p82",
    "tvpl-kh617-dongthap-cds-dn.md": "ubnd@2025:p82",
    "tvpl-kh980-nghean-qd1899.md": "ubnd@2025:p40",
    "tvpl-nd303-2025-bo-cqnb.md": "chinh_phu",
    "tvpl-qd1486-bacninh-dm-tthc.md": "ubnd@2025:p24",
    "tvpl-qd2022-caobang-tthc-qtnb.md": "ubnd@2025:p04",
    "tvpl-qd2629-ttg-chinhphuso.md": "thu_tuong",
    "tvpl-qd2820-hcm-kh-trienkhai.md": "ubnd@2025:p79",
    "tvpl-tb624-vpcp-ketluan.md": "van_phong_chinh_phu",
}


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus-real is absent")
@pytest.mark.parametrize("name", sorted(REAL_ISSUERS))
def test_real_corpus_issuers(name):
    path = REAL / name
    if path.suffix == ".doc":
        import shutil
        if not shutil.which("soffice"):
            pytest.skip("LibreOffice (soffice) is not installed")
    m, got = _issuer(path)
    assert m.issuer, name
    assert got.issuer_unit_id == REAL_ISSUERS[name], (name, m.issuer, m.issuer_parent, got)


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/corpus-dev is absent")
def test_header_printing_parent_and_issuer_on_one_line():
    m, got = _issuer(DEV / "dev-tvpl-qd1594-hanoi-ttpvhcc-tongiao.md")
    assert (m.issuer_parent, m.issuer) == ("UBND THÀNH PHỐ HÀ NỘI", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG")

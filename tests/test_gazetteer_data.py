"""Tests on the gazetteer's data files themselves: ids, links between files, and that every listed
example and alias resolves to the entry that lists it."""
from __future__ import annotations

from collections import Counter

import pytest

from kehoach.gazetteer import load_csv, load_yaml
from kehoach.normalize import units

TYPES = load_yaml("unit_types.yaml")["types"]
PRE = load_csv("data/admin_units_2024.csv.gz")
POST = load_csv("data/admin_units_2025.csv.gz")
MAP = load_csv("data/admin_units_2025_map.csv.gz")

# Contexts an example is resolved in: a commune's plan reaches every local level through its chain
# (commune, district, province); a department's plan is needed for a department's own divisions.
COMMUNE = {"issuer": "UBND xã Giang Điền", "place": "Giang Điền"}
DEPARTMENT = {"issuer": "Sở Ngoại vụ", "place": "Hà Tĩnh"}


def _context(t: dict) -> dict:
    return DEPARTMENT if "department" in t.get("parent_kinds", ()) else COMMUNE


def test_type_ids_unique():
    ids = [t["id"] for t in TYPES]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


@pytest.mark.parametrize("t", TYPES, ids=lambda t: t["id"])
def test_type_fields(t):
    assert t["attach"] in ("admin", "body", "none")
    assert t["kind"] and t["name"] and t["examples"], t["id"]
    if t["attach"] == "admin":
        assert t["levels"] and set(t["levels"]) <= {"province", "district", "commune"}


@pytest.mark.parametrize("t", TYPES, ids=lambda t: t["id"])
def test_every_example_resolves_to_its_entry(t):
    for example in t["examples"]:
        got = units.resolve_units(example, role="lead", **_context(t))
        assert [u.unit_type for u in got] == [t["id"]], (example, got)
        assert got[0].unit_id and got[0].method != "unmatched", (example, got[0])


@pytest.mark.parametrize("t", TYPES, ids=lambda t: t["id"])
def test_every_alias_keys_to_its_entry(t):
    for alias in [t["name"], *t.get("aliases", [])]:
        text = alias["text"] if isinstance(alias, dict) else alias
        hits = units._match_core(text)
        assert any(h[0] == t["id"] and h[2] in ("exact", "alias") for h in hits), (text, hits)


def test_abbreviations_do_not_collide_with_level_words():
    data = load_yaml("unit_types.yaml")
    levels = set(data["places"]["level_words"])
    assert not levels & {v.lower() for v in data["abbreviations"].values()}


# --- the matcher's words: splitting, articles, spelling ------------------------------------------

VOCAB = load_yaml("unit_types.yaml")


def test_level_body_is_an_admin_type():
    body = [t for t in TYPES if t["id"] == VOCAB["places"]["level_body"]]
    assert body and body[0]["attach"] == "admin", VOCAB["places"]["level_body"]
    got = units.resolve_units("CB, CC 1 cửa xã", role="lead", **COMMUNE)
    assert [u.unit_id for u in got] == [f"bo_phan_mot_cua@{body[0]['id']}@c26293"]


@pytest.mark.parametrize("word", VOCAB["conjunctions"])
def test_conjunction_cuts_a_cell_but_not_a_known_name(word):
    assert units.split_mentions(f"Sở Nội vụ {word} Sở Tài chính") == ["Sở Nội vụ", "Sở Tài chính"]
    assert units.split_mentions(f"Sở Nội vụ {word.upper()} Sở Tài chính") == ["Sở Nội vụ", "Sở Tài chính"]
    names = [t["name"] for t in TYPES if f" {word} " in t["name"]]
    assert [n for n in names if units.split_mentions(n) != [n]] == []
    # left out of matching keys: the name keys alike with a comma in its place
    for name in names:
        assert units._gaz().key(name) == units._gaz().key(name.replace(f" {word} ", ", "))


@pytest.mark.parametrize("word", VOCAB["articles"])
def test_article_alone_does_not_make_a_bare_head(word):
    from kehoach.normalize.units.split import _starts_bare
    assert word in VOCAB["bare_heads"]
    assert _starts_bare(f"{word} đơn vị") and not _starts_bare(f"{word} doanh nghiệp")
    cell = f"Các cơ quan, đơn vị, {word.capitalize()} doanh nghiệp"
    assert units.split_mentions(cell) == ["Các cơ quan, đơn vị", f"{word.capitalize()} doanh nghiệp"]


def test_spelling_nuclei_are_vowel_pairs():
    spelling = VOCAB["spelling"]
    assert all(len(n) == 2 and n.isalpha() and n.islower() for n in spelling["old_tone_nuclei"])
    assert all(len(c) == 1 and c.isalpha() for c in spelling["not_after"])


@pytest.mark.parametrize("printed,normalized", VOCAB["spelling"]["examples"].items())
def test_spelling_example_normalizes(printed, normalized):
    assert units.normalize_text(printed) == normalized
    assert units.normalize_text(normalized) == normalized


@pytest.mark.parametrize("rows,provinces", [(PRE, 63), (POST, 34)], ids=["2024", "2025"])
def test_admin_units_ids_unique_and_linked(rows, provinces):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    by_id = {r["id"]: r for r in rows}
    assert sum(r["level"] == "province" for r in rows) == provinces
    for r in rows:
        if r["level"] != "province":
            parent = by_id[r["parent_id"]]
            assert parent["province_code"] == r["province_code"], r
        assert r["type"] in ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu")
        assert r["name"] == units.normalize_text(r["name"]), r


def test_admin_units_contain_the_seed_places():
    by_id = {r["id"]: r for r in PRE}
    assert (by_id["c26293"]["name"], by_id["c26293"]["parent_id"]) == ("Giang Điền", "d737")
    assert (by_id["d737"]["name"], by_id["d737"]["type"]) == ("Trảng Bom", "huyện")
    assert by_id["p42"]["name"] == "Hà Tĩnh"


def test_old_to_new_map_points_at_existing_units_in_the_same_region():
    pre = {r["id"]: r for r in PRE}
    post = {r["id"]: r for r in POST}
    assert len(MAP) > 9000
    for m in MAP:
        assert m["old_id"] in pre and m["new_id"] in post, m
    giang_dien = [m["new_id"] for m in MAP if m["old_id"] == "c26293"]
    assert giang_dien and all(post[n]["province_code"] == "75" for n in giang_dien)

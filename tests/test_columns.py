"""kehoach.columns lays out the datasets' Arrow columns without pandas: the same arrays as
pa.array gives, for every type the datasets use, with nulls, empty strings, Vietnamese text,
empty and null lists."""
from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys

import pyarrow as pa
import pytest

from kehoach.columns import column
from kehoach.datasets import SCHEMAS


def _value(typ: pa.DataType, rng: random.Random):
    if rng.random() < 0.2:
        return None
    if pa.types.is_string(typ):
        return rng.choice(["", "Sở Tư pháp", "Quý III/2023", "x" * rng.randint(1, 40), "ỦY BAN NHÂN DÂN"])
    if pa.types.is_int32(typ):
        return rng.randint(-2 ** 31, 2 ** 31 - 1)
    if pa.types.is_float64(typ):
        return rng.uniform(-1e6, 1e6)
    if pa.types.is_boolean(typ):
        return rng.random() < 0.5
    if pa.types.is_date32(typ):
        return dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 20000))
    if pa.types.is_list(typ):
        return [_value(typ.value_type, rng) for _ in range(rng.randint(0, 3))]
    raise AssertionError(typ)


TYPES = sorted({str(f.type): f.type for s in SCHEMAS.values() for f in s}.items())


@pytest.mark.parametrize("name,typ", TYPES)
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 300])
def test_same_array_as_pyarrow(name, typ, n):
    rng = random.Random(f"{name}{n}")
    values = [_value(typ, rng) for _ in range(n)]
    got = column(values, typ)
    got.validate(full=True)
    assert got.equals(pa.array(values, type=typ)), (got, values)


@pytest.mark.parametrize("typ,bad", [(pa.string(), 3), (pa.int32(), "3"), (pa.bool_(), 1),
                                     (pa.list_(pa.string()), "abc"), (pa.date32(), "2024-01-01")])
def test_a_wrong_kind_is_a_type_error(typ, bad):
    with pytest.raises(TypeError):
        column([None, bad], typ)


def test_writing_the_datasets_does_not_import_pandas(tmp_path):
    code = ("import sys; from kehoach.datasets import write_part; "
            f"write_part(__import__('pathlib').Path({str(tmp_path)!r}), 'findings', 'p.parquet', "
            "[{'doc_id': 'd', 'seq': 1, 'kind': 'k', 'message': 'Sở'}]); "
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

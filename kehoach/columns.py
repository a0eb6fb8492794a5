"""Arrow columns from Python lists without pandas.

pyarrow's `pa.array` (and `Table.from_pydict` / `from_pylist`, which call it) imports pandas on
its first call to ask whether the values are a pandas object: ~0.15 s of a one-file ingest that
never touches pandas. The Parquet datasets use a handful of types, whose Arrow layout is simple
(a validity bitmap, offsets, values), so their columns are laid out here from the values and
handed to `Array.from_buffers`; any other type goes through `pa.array`."""
from __future__ import annotations

import datetime as dt
from array import array

import pyarrow as pa

_EPOCH = dt.date(1970, 1, 1).toordinal()


def _validity(values: list) -> tuple[pa.Buffer | None, int]:
    """The bitmap of non-null slots (least significant bit first) and the null count."""
    bits = bytearray((len(values) + 7) // 8)
    nulls = 0
    for i, v in enumerate(values):
        if v is None:
            nulls += 1
        else:
            bits[i >> 3] |= 1 << (i & 7)
    return (pa.py_buffer(bytes(bits)) if nulls else None), nulls


def _fixed(values: list, code: str, convert) -> pa.Buffer:
    return pa.py_buffer(array(code, [0 if v is None else convert(v) for v in values]).tobytes())


def _check(v, kinds: tuple[type, ...], typ) -> object:
    if not isinstance(v, kinds) or (isinstance(v, bool) and bool not in kinds):
        raise TypeError(f"{v!r} ({type(v).__name__}) in a {typ} column")
    return v


def _date_days(v) -> int:
    if isinstance(v, dt.datetime):
        v = v.date()
    return _check(v, (dt.date,), "date32").toordinal() - _EPOCH


def column(values: list, typ: pa.DataType) -> pa.Array:
    """`pa.array(values, type=typ)` for string, int32, float64, bool, date32 and lists of
    them; None is null. A value of the wrong kind is a TypeError."""
    n = len(values)
    if pa.types.is_string(typ):
        validity, nulls = _validity(values)
        data = [b"" if v is None else _check(v, (str,), typ).encode("utf-8") for v in values]
        offsets, total = array("i", [0]), 0
        for d in data:
            total += len(d)
            offsets.append(total)
        if total >= 2 ** 31:
            return pa.array(values, type=typ)          # past 32-bit offsets: leave it to Arrow
        return pa.Array.from_buffers(typ, n, [validity, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(data))],
                                     null_count=nulls)
    if pa.types.is_int32(typ):
        validity, nulls = _validity(values)
        return pa.Array.from_buffers(typ, n, [validity, _fixed(values, "i", lambda v: _check(v, (int,), typ))],
                                     null_count=nulls)
    if pa.types.is_float64(typ):
        validity, nulls = _validity(values)
        buf = _fixed(values, "d", lambda v: float(_check(v, (int, float), typ)))
        return pa.Array.from_buffers(typ, n, [validity, buf], null_count=nulls)
    if pa.types.is_date32(typ):
        validity, nulls = _validity(values)
        return pa.Array.from_buffers(typ, n, [validity, _fixed(values, "i", _date_days)], null_count=nulls)
    if pa.types.is_boolean(typ):
        validity, nulls = _validity(values)
        bits = bytearray((n + 7) // 8)
        for i, v in enumerate(values):
            if v is not None and _check(v, (bool,), typ):
                bits[i >> 3] |= 1 << (i & 7)
        return pa.Array.from_buffers(typ, n, [validity, pa.py_buffer(bytes(bits))], null_count=nulls)
    if pa.types.is_list(typ):
        validity, nulls = _validity(values)
        offsets, flat = array("i", [0]), []
        for v in values:
            if v is not None:
                if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
                    raise TypeError(f"{v!r} ({type(v).__name__}) in a {typ} column")
                flat.extend(v)
            offsets.append(len(flat))
        child = column(flat, typ.value_type)
        return pa.Array.from_buffers(typ, n, [validity, pa.py_buffer(offsets.tobytes())], null_count=nulls,
                                     children=[child])
    return pa.array(values, type=typ)

"""Hostile input: every reader and normalizer bounded by itself. Growth is checked as a ratio of
two sizes (double the input, about double the time), never as absolute times, so a loaded
machine does not fail it; the bounds are generous (a quadratic path gives 4x)."""
from __future__ import annotations

import time

import pytest

from kehoach.normalize.targets import find_targets
from kehoach.normalize.units import _resolve_cached, _split_cached, resolve_units


def _growth(fn, unit: str, n: int) -> float:
    """Time of fn(unit * 2n) over time of fn(unit * n), the best of three of each."""
    def best(k):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            fn(unit * k)
            times.append(time.perf_counter() - t)
        return min(times)
    fn(unit * 4)        # warm the vocabularies
    return best(2 * n) / max(best(n), 1e-3)


@pytest.mark.parametrize("unit", ["đạt 10% ", "đạt 10%, ", "tỷ lệ hộ nghèo giảm 2% năm 2025 "])
def test_targets_are_linear_in_repeated_values(unit):
    assert _growth(find_targets, unit, 1500) < 3.0
    assert len(find_targets(unit * 100)) == 100


@pytest.mark.parametrize("unit", ["UBND xã ", "UBND xã và ", "Khoa học và Công nghệ ",
                                  "Sở Khoa học và Công nghệ, "])
def test_unit_splitting_is_linear(unit):
    def run(text):
        # the cell and mention caches would make the repeats free: time the work itself
        _split_cached.cache_clear()
        _resolve_cached.cache_clear()
        return resolve_units(text, role="lead", issuer=None, place=None)
    assert _growth(run, unit, 300) < 3.0


def test_long_run_on_mention_is_left_unmatched_but_real_ones_resolve():
    (m,) = resolve_units("UBND xã " * 200, role="lead", issuer=None, place=None)
    assert m.unit_id is None and m.method == "unmatched"
    many = resolve_units("Sở Khoa học và Công nghệ, " * 50, role="lead", issuer=None, place=None)
    assert len(many) == 50 and all(x.unit_id == many[0].unit_id for x in many) and many[0].unit_id

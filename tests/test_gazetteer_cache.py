"""The on-disk cache of built indexes (gazetteer.cached_index): built once per data version,
read back on the next run, rebuilt when a source changes or the file is damaged."""
from __future__ import annotations

import pytest

from kehoach import gazetteer


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(gazetteer.CACHE_ENV, str(folder))
    return folder


def _counting_build(calls):
    def build():
        calls.append(1)
        return {"units": list(range(1000)), "n": len(calls)}
    return build


def test_built_once_then_read_from_disk(cache, tmp_path):
    src = tmp_path / "data.yaml"
    src.write_text("a: 1\n", encoding="utf-8")
    calls: list[int] = []
    first = gazetteer.cached_index("idx", [src], _counting_build(calls))
    second = gazetteer.cached_index("idx", [src], _counting_build(calls))
    assert first == second and len(calls) == 1
    # written whole through a rename: no temporary file is left beside it
    assert [p.suffix for p in cache.iterdir()] == [".pickle"]


def test_a_changed_source_is_a_new_key(cache, tmp_path):
    src = tmp_path / "data.yaml"
    src.write_text("a: 1\n", encoding="utf-8")
    calls: list[int] = []
    gazetteer.cached_index("idx", [src], _counting_build(calls))
    src.write_text("a: 2\n", encoding="utf-8")
    assert gazetteer.cached_index("idx", [src], _counting_build(calls))["n"] == 2


def test_a_damaged_file_is_rebuilt(cache, tmp_path):
    src = tmp_path / "data.yaml"
    src.write_text("a: 1\n", encoding="utf-8")
    calls: list[int] = []
    gazetteer.cached_index("idx", [src], _counting_build(calls))
    (path,) = cache.iterdir()
    path.write_bytes(path.read_bytes()[:50])          # a worker killed mid-write elsewhere
    assert gazetteer.cached_index("idx", [src], _counting_build(calls))["units"][-1] == 999
    assert len(calls) == 2


def test_off_builds_in_memory(monkeypatch, tmp_path):
    monkeypatch.setenv(gazetteer.CACHE_ENV, "off")
    calls: list[int] = []
    gazetteer.cached_index("idx", [], _counting_build(calls))
    gazetteer.cached_index("idx", [], _counting_build(calls))
    assert len(calls) == 2


def test_units_gazetteer_from_the_cache_resolves_like_a_fresh_one(cache):
    from kehoach.normalize.units import vocab
    vocab._gaz.cache_clear()
    try:
        built = vocab._gaz()                  # builds and writes
        vocab._gaz.cache_clear()
        loaded = vocab._gaz()                 # reads the file back
        assert loaded is not built
        assert set(loaded.admin) == set(built.admin) and loaded.index == built.index
        assert loaded.key("Sở Tư pháp") == built.key("Sở Tư pháp")
    finally:
        vocab._gaz.cache_clear()

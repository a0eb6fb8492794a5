"""Reference data as versioned data files, and their loader.

Data files live beside this module (YAML and CSV). Code never hard-codes reference data in
regexes: vocabularies, unit types, administrative units and indicators are read from here.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import os
import pickle
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import yaml


def data_path(name: str) -> Path:
    """Path of a data file shipped with the gazetteer package."""
    return Path(str(resources.files(__name__).joinpath(name)))


@functools.lru_cache(maxsize=None)
def load_yaml(name: str) -> Any:
    with open(data_path(name), encoding="utf-8") as fh:
        # libyaml's loader when PyYAML was built with it: the same safe subset, ten times faster
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# The administrative units, one file per era (data/SOURCES.md, build_admin_units.py).
ADMIN_UNIT_FILES = {"2024": "data/admin_units_2024.csv.gz", "2025": "data/admin_units_2025.csv.gz"}


def admin_units() -> Iterator[tuple[str, dict[str, str]]]:
    """(era, row) for every administrative unit of every era."""
    for era, name in ADMIN_UNIT_FILES.items():
        for row in load_csv(name):
            yield era, row


@functools.lru_cache(maxsize=None)
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    path = data_path(name)
    if name.endswith(".gz"):
        import gzip
        fh = gzip.open(path, "rt", encoding="utf-8", newline="")
    else:
        fh = open(path, encoding="utf-8", newline="")
    with fh:
        return tuple(csv.DictReader(fh))


# --- indexes built from the data, cached on disk ------------------------------------------

T = TypeVar("T")

# Where built indexes are kept: $KEHOACH_CACHE_DIR, else $XDG_CACHE_HOME/kehoach, else
# ~/.cache/kehoach. KEHOACH_CACHE_DIR=off builds them in memory each time.
CACHE_ENV = "KEHOACH_CACHE_DIR"


def cache_dir() -> Path | None:
    env = os.environ.get(CACHE_ENV)
    if env:
        return None if env.lower() in ("off", "none", "0") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kehoach"


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for p in paths:
        h.update(p.name.encode("utf-8") + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()[:20]


def cached_index(name: str, sources: list[Path], build: Callable[[], T]) -> T:
    """`build()`, pickled under the cache folder and keyed by the hash of `sources` (the data
    files it reads and the code that shapes it): a new data file or code means a new key, so
    a stale index is never read. Several workers may build at once: each writes a temporary
    file and renames it into place (atomic), so a reader sees a whole file or none. Any
    trouble with the cache (unwritable, a damaged file) falls back to building in memory.
    The folder is the user's own, so unpickling it trusts no one else's data."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{_digest(sources)}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        pass
    except Exception:               # damaged or from an incompatible build: rebuild it
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass                        # a read-only home: the index just is not kept
    return value

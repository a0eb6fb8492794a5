"""Reference data as versioned data files, and their loader.

Data files live beside this module (YAML and CSV). Code never hard-codes reference data in
regexes: vocabularies, unit types, administrative units and indicators are read from here.
"""
from __future__ import annotations

import csv
import functools
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

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

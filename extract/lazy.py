"""Packages whose names load on first use (PEP 562), so that importing a reader's settings
does not load PDFium, OpenCV or Tesseract: the settings tree imports every reader's settings
on every run, most of which never open a PDF."""
from __future__ import annotations

import importlib
from typing import Callable


def lazy_names(package: str, homes: dict[str, str], namespace: dict) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: `homes` maps each public name to the submodule
    that defines it; a name once loaded is kept in the package's namespace."""
    def __getattr__(name: str):
        module = homes.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value
    return __getattr__

"""The one settings tree: every stage's settings object, composed, validated once.

    Settings
    ├── read: ReadSettings      (pdf, scan, text, docx: one per reader)
    ├── recover: RecoverSettings
    ├── normalize: NormalizeSettings (units, deadlines, citations, targets)
    ├── run: RunSettings         (worker processes and their per-file limits, kehoach.runner)
    └── archive: ArchiveSettings  (commit batches and compaction of the output folder)

Each leaf is the frozen dataclass its stage defines next to its code (as pdfplumber's
TableSettings lives with the table finder); this module only composes them, so the CLI and
the Python API reach every knob the same way: `Settings().override({"read.pdf.engine":
"pdfplumber"})`, or `kehoach ingest --set read.pdf.engine=pdfplumber`.
"""
from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Mapping

from kehoach.archive import ArchiveSettings
from kehoach.extract.docx import DocxSettings
from kehoach.extract.pdf import PdfSettings
from kehoach.extract.recover import RecoverSettings
from kehoach.extract.scan.settings import ScanSettings
from kehoach.extract.text import TextSettings
from kehoach.normalize.citations import CitationSettings
from kehoach.normalize.deadlines import DeadlineSettings
from kehoach.normalize.targets import TargetSettings
from kehoach.normalize.units import UnitSettings
from kehoach.runner import RunSettings


class SettingsError(ValueError):
    """A setting that does not exist or has a value of the wrong type or range."""


@dataclass(frozen=True)
class ReadSettings:
    pdf: PdfSettings = field(default_factory=PdfSettings)
    scan: ScanSettings = field(default_factory=ScanSettings)
    text: TextSettings = field(default_factory=TextSettings)
    docx: DocxSettings = field(default_factory=DocxSettings)


@dataclass(frozen=True)
class NormalizeSettings:
    """One branch per registered normalizer, named as the normalizer (kehoach.normalize)."""
    units: UnitSettings = field(default_factory=UnitSettings)
    deadlines: DeadlineSettings = field(default_factory=DeadlineSettings)
    citations: CitationSettings = field(default_factory=CitationSettings)
    targets: TargetSettings = field(default_factory=TargetSettings)


@dataclass(frozen=True)
class Settings:
    read: ReadSettings = field(default_factory=ReadSettings)
    recover: RecoverSettings = field(default_factory=RecoverSettings)
    normalize: NormalizeSettings = field(default_factory=NormalizeSettings)
    run: RunSettings = field(default_factory=RunSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)

    def __post_init__(self):
        _validate(self, "")

    def override(self, values: Mapping[str, Any]) -> "Settings":
        """A copy with dotted keys set: {"recover.identity_prior": 0.8}. Strings are parsed as
        the field's type ("0.8", "true", "pdfplumber"), so CLI values pass straight through."""
        out = self
        for key, value in values.items():
            out = _set(out, key.split("."), value, key)
        _validate(out, "")
        return out

    def flat(self) -> dict[str, Any]:
        """Every leaf as a dotted key (for the archive catalogue and `--help` listings)."""
        return dict(_leaves(self, ""))


def _leaves(obj, prefix: str):
    for f in fields(obj):
        v = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if is_dataclass(v):
            yield from _leaves(v, key + ".")
        else:
            yield key, v


def _hints(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _set(obj, path: list[str], value: Any, full: str):
    names = {f.name for f in fields(obj)}
    head = path[0]
    if head not in names:
        raise SettingsError(f"unknown setting {full!r}: {type(obj).__name__} has "
                            f"{', '.join(sorted(names))}")
    current = getattr(obj, head)
    if len(path) > 1:
        if not is_dataclass(current):
            raise SettingsError(f"unknown setting {full!r}: {head} is a value, not a group")
        return replace(obj, **{head: _set(current, path[1:], value, full)})
    if is_dataclass(current):
        raise SettingsError(f"setting {full!r} is a group; name one of its fields")
    return replace(obj, **{head: _coerce(value, _hints(type(obj))[head], full)})


def _coerce(value: Any, hint: Any, full: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None or (isinstance(value, str) and value.lower() in ("none", "null")):
            return None
        hint = args[0] if len(args) == 1 else hint
        origin = typing.get_origin(hint)
    if not isinstance(value, str):
        return value
    try:
        if hint is bool:
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if hint in (int, float):
            return hint(value)
        if origin is tuple:
            item = (typing.get_args(hint) or (str,))[0]
            return tuple(_coerce(v.strip(), item, full) for v in value.split(",") if v.strip())
    except ValueError as exc:
        raise SettingsError(f"setting {full!r}: {value!r} is not a {getattr(hint, '__name__', hint)}") from exc
    return value


def _validate(obj, prefix: str) -> None:
    """Types as declared, numbers not negative: caught once here, not deep in a stage."""
    hints = _hints(type(obj))
    for f in fields(obj):
        v = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if is_dataclass(v):
            _validate(v, key + ".")
            continue
        hint = hints.get(f.name)
        if hint in (int, float) and not isinstance(v, bool) and isinstance(v, (int, float)):
            if v < 0:
                raise SettingsError(f"setting {key!r} must not be negative (got {v})")
        elif hint in (int, float) and not isinstance(v, (int, float)):
            raise SettingsError(f"setting {key!r} must be a number (got {v!r})")
        elif hint is bool and not isinstance(v, bool):
            raise SettingsError(f"setting {key!r} must be true or false (got {v!r})")

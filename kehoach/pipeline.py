"""The pipeline: a file in, its Extraction out; a batch of files in, datasets on disk.

One file goes through an explicit chain of stages over one typed hand-off (`Extraction`):

    read → recover → prose → metadata → normalize

Each stage is `stage(extraction, settings) -> extraction`. A reader is picked by the file's
suffix from `READERS` (one line per reader); the normalizers are registered in
`kehoach.normalize.NORMALIZERS`. A file that cannot be read still gets its Extraction, with
the reason; the batch goes on. `kehoach.datasets` only serializes what the stages found.
"""
from __future__ import annotations

import importlib
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kehoach.archive import BatchResult  # noqa: F401 - the result of ingest, where it always was
from kehoach.extract.base import ReadError, UnsupportedType
from kehoach.model import Document, Extraction

# Readers by file suffix: "module:function" and the branch of ReadSettings it takes ("" for
# the whole ReadSettings, as the PDF router needs both pdf and scan). A reader whose optional
# dependency is missing from this install gives that file a clear error instead of breaking
# the batch.
READERS: dict[str, tuple[str, str]] = {
    ".txt": ("kehoach.extract.text:read_text", "text"),
    ".text": ("kehoach.extract.text:read_text", "text"),
    ".md": ("kehoach.extract.text:read_markdown", "text"),
    ".markdown": ("kehoach.extract.text:read_markdown", "text"),
    ".pdf": ("kehoach.extract.route:read_pdf_auto", ""),
    ".docx": ("kehoach.extract.docx:read_docx", "docx"),
    ".doc": ("kehoach.extract.docx:read_doc", "docx"),
}


def default_settings():
    from kehoach.settings import Settings
    return Settings()


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def iter_inputs(paths: Iterable[str]):
    """Every input once, as a kehoach.archive.Input: files as given, folders walked in name
    order with sources relative to the folder given (as the contract asks). Anything that is
    not a regular file is refused up front with the reason and still gets its row."""
    from kehoach.archive import iter_inputs as walk
    return walk(paths, lambda name: supported(Path(name)))


def _reader(path: Path) -> tuple[Callable[..., Document], str]:
    spec = READERS.get(path.suffix.lower())
    if spec is None:
        raise UnsupportedType(f"unsupported file type {path.suffix or '(none)'}; "
                              f"kehoach reads {', '.join(sorted(READERS))}")
    target, branch = spec
    module, func = target.split(":")
    try:
        return getattr(importlib.import_module(module), func), branch
    except (ImportError, AttributeError) as exc:
        raise UnsupportedType(f"no reader for {path.suffix} files in this install ({exc})") from exc


def _internal(what: str, exc: Exception) -> str:
    tb = traceback.extract_tb(exc.__traceback__)[-1]
    return f"internal error {what}: {type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})"


# --- the stages ---------------------------------------------------------------------------------

def read(ex: Extraction, settings, path: Path) -> Extraction:
    try:
        if not path.exists():
            raise ReadError("no such file")
        if path.is_dir():
            raise ReadError("is a folder, not a file")
        if not path.is_file():
            # a FIFO would block the reader forever, a device read without end
            raise UnsupportedType("not a regular file (a FIFO, device or socket)")
        fn, branch = _reader(path)
        doc = fn(path, source=ex.source, settings=getattr(settings.read, branch) if branch else settings.read)
    except ReadError as exc:
        return replace(ex, status="failed", error=str(exc), error_kind=exc.reason)
    except Exception as exc:  # a reader bug must not stop the batch; keep the trace short
        return replace(ex, status="failed", error_kind="internal",
                       error=f"internal error reading the file: {type(exc).__name__}: {exc}")
    return replace(ex, document=doc)


def recover_tables(ex: Extraction, settings) -> Extraction:
    from kehoach.extract.recover import recover
    rec = recover(ex.document, settings.recover)
    return replace(ex, tasks=rec.tasks, findings=ex.findings + tuple(rec.findings),
                   used_fragments=rec.used_fragments)


def prose_tasks(ex: Extraction, settings) -> Extraction:
    from kehoach.extract.prose import extract_prose
    return extract_prose(ex, settings)


def read_metadata(ex: Extraction, settings) -> Extraction:
    from kehoach.extract.metadata import extract_metadata
    return replace(ex, metadata=extract_metadata(ex.document, ex.used_fragments))


def normalize(ex: Extraction, settings) -> Extraction:
    from kehoach.normalize import normalize as run_normalizers
    return run_normalizers(ex, settings.normalize)


# After reading: (name, stage, what a failure is called in the error). Recovery and metadata
# failing fail the file (its tables are the point); a normalizer failing on one value is a
# finding, not a failure (kehoach.normalize.Errors).
STAGES: tuple[tuple[str, Callable[[Extraction, object], Extraction], str], ...] = (
    ("recover", recover_tables, "in table recovery"),
    ("prose", prose_tasks, "in prose-task extraction"),
    ("metadata", read_metadata, "in table recovery"),
    ("normalize", normalize, "in normalization"),
)


def extract(path: Path, source: str | None = None, settings=None) -> Extraction:
    """Everything kehoach learns from one file. Never raises for bad input."""
    settings = settings or default_settings()
    path = Path(path)
    ex = read(Extraction(source=source or str(path)), settings, path)
    if ex.status == "failed":
        return ex
    for _name, stage, what in STAGES:
        try:
            ex = stage(ex, settings)
        except Exception as exc:
            return replace(ex, status="failed", error=_internal(what, exc), error_kind="internal")
    if any(f.severity == "error" for f in ex.findings):
        ex = replace(ex, status="partial")
    return ex


def ingest(paths: Iterable[str], out_dir: Path, settings=None, *, jobs: int | None = None,
           force: bool = False, prune: bool = False,
           on_event: Callable[[dict], None] | None = None):
    """Bring the datasets under out_dir up to date with the inputs (kehoach.archive): unchanged
    files are not read, changed ones replace their rows, a copy is an alias, `prune` drops the
    rows of vanished files, `force` re-reads everything. New and changed files are read in
    worker processes (kehoach.runner; jobs=None: run.jobs, every core by default; jobs=0: in
    this process). The derived datasets (plans) are then rebuilt over the whole folder.
    Raises kehoach.archive.ArchiveError when the folder cannot be written (or another ingest
    holds it)."""
    from kehoach import runner
    from kehoach.archive import Archive
    from kehoach.derive import derive
    settings = settings or default_settings()
    runner.install_readers(settings)      # so folder walks see plug-in suffixes too
    workers = runner.default_workers(settings) if jobs is None else jobs
    with Archive(Path(out_dir), settings, _per_file_schemas()) as archive:
        result = archive.ingest(iter_inputs(paths), workers=workers, force=force, prune=prune,
                                on_event=on_event)
        # plan identity spans files: derived over the whole folder, under the archive's lock —
        # again only when some file's rows changed
        if result.read or result.aliases or result.pruned or not _derived_present(Path(out_dir)):
            derive(Path(out_dir))
    return result


def _derived_present(out_dir: Path) -> bool:
    from kehoach.derive import DERIVED
    return all(any((out_dir / name).glob("*.parquet")) for name in DERIVED)


def _per_file_schemas():
    from kehoach.datasets import SCHEMAS
    from kehoach.derive import DERIVED
    return {k: v for k, v in SCHEMAS.items() if k not in DERIVED}


def compact(out_dir: Path, settings=None) -> int:
    """Rewrite every dataset under out_dir as a few large files sorted by (doc_id, seq)."""
    from kehoach.archive import Archive
    with Archive(Path(out_dir), settings or default_settings(), _per_file_schemas()) as archive:
        return archive.compact(full=True)

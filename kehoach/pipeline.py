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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

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


def iter_inputs(paths: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """(path, source) for each input: files as given, folders walked in name order with
    sources relative to the folder given (as the contract asks)."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                # Anything with a plan's suffix gets its row, a FIFO or a dangling link too
                # (read refuses them with the reason); sub-folders are walked, not read.
                if supported(f) and not f.name.startswith(".") and not f.is_dir():
                    yield f, str(Path(p) / f.relative_to(path))
        else:
            yield path, p


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


@dataclass
class BatchResult:
    files: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    tasks: int = 0


def ingest(paths: Iterable[str], out_dir: Path, settings=None,
           on_file: Callable[[str, object], None] | None = None, *, jobs: int | None = None,
           on_event: Callable[[dict], None] | None = None) -> BatchResult:
    """Read every input in worker processes (kehoach.runner; jobs=None: run.jobs, all cores by
    default; jobs=0: in this process) and write each file's rows as it completes.
    on_file(source, outcome) is called per file (a kehoach.runner.Outcome)."""
    from kehoach.datasets import part_name, write_part
    from kehoach import runner
    settings = settings or default_settings()
    result = BatchResult()
    out_dir.mkdir(parents=True, exist_ok=True)
    runner.install_readers(settings)      # so folder walks see plug-in suffixes too
    todo = [runner.Job(path=str(path), source=source, size=_size(path)) for path, source in iter_inputs(paths)]
    workers = runner.default_workers(settings) if jobs is None else jobs
    for out in runner.run(todo, settings, workers=min(workers, len(todo)) if workers else 0,
                          on_event=on_event):
        recs = out.records
        doc_id = recs["documents"][0]["doc_id"] or "nohash"
        part = part_name(doc_id, out.job.source)
        # documents last: a documents row means every other part of that file is on disk
        for name in [n for n in recs if n != "documents"] + ["documents"]:
            write_part(out_dir, name, part, recs[name])
        result.files += 1
        result.tasks += out.n_tasks
        if out.status == "failed":
            result.failed.append((out.job.source, out.error or "failed"))
        if on_file:
            on_file(out.job.source, out)
    from kehoach.derive import derive  # plan identity spans files: derived over the whole folder
    derive(out_dir)
    return result


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0

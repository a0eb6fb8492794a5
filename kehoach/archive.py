"""The archive: what `kehoach ingest` knows about an output folder, and how it changes it safely.

An output folder holds the datasets (`DIR/<dataset>/*.parquet`, the layout every reader uses)
and, in `DIR/.kehoach/`, the catalogue, a lock file and a staging folder.

The catalogue is SQLite from the standard library: one file beside the data, no server, and
transactions that survive kill -9 and a full disk (the journal rolls an unfinished one back).
A Parquet manifest would need its own commit protocol, and DuckDB would add a second writer
to the folder the readers scan. The catalogue records:

- `inputs`: one row per input path (the path resolved against the folder given, as bytes, so a
  relative and an absolute spelling of one folder are one input, and names with invalid UTF-8
  are kept exactly): size, mtime, sha256, the document it maps to, the kehoach version and a
  hash of the settings that produced it, status, timings. An input whose document was read from
  another path is an alias: same doc_key, no rows of its own.
- `docs`: one row per document (per content): its doc_key (the doc_id, or for an input that
  could not be hashed a key made from its path) and the input it was read from.
- `files` and `file_docs`: every Parquet file of every dataset and the documents it holds.

The commit point of a file's rows is the catalogue transaction that lists its Parquet files:
rows are written to the staging folder, renamed into the dataset folders, and then recorded in
one transaction; files the catalogue does not list are removed when the archive is opened
again (a run killed between rename and transaction), as is the staging folder. Outcomes are
committed in small batches (a few dozen files or a few seconds), each file's rows together.

Compaction: each batch adds one small part per dataset; at the end of an ingest the parts are
merged into large files sorted by (doc_id, source, seq) with row groups sized for DuckDB, and
when a dataset has more compacted files than `archive.max_compacted` they are rewritten as one
sorted set (`kehoach compact` does that always). A changed document's rows are removed by
rewriting the files that hold them without them, in the same transaction that adds the new rows.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

META = ".kehoach"
CATALOGUE = "catalogue.sqlite"
SCHEMA_VERSION = "1"


class ArchiveError(Exception):
    """kehoach cannot work on this output folder (unwritable, full disk, corrupt catalogue):
    the CLI exits 2 with this message; files already committed stay."""


class ArchiveLocked(ArchiveError):
    """Another ingest holds the output folder's lock."""


@dataclass(frozen=True)
class ArchiveSettings:
    # a batch is committed after this many files or seconds, whichever comes first: what a
    # kill -9 can cost at most, against one transaction (and one small part) per file
    commit_files: int = 64
    commit_seconds: float = 5.0
    # rows per compacted file at most, and per row group (DuckDB's own row group size)
    compact_rows: int = 2_000_000
    row_group_rows: int = 122_880
    # compacted files per dataset before they are rewritten as one sorted set
    max_compacted: int = 8


# --- the walker ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Input:
    path: str                 # what to open (absolute; may hold surrogate escapes of bad bytes)
    source: str               # the source column: as given, valid UTF-8 (bad bytes as \\xNN)
    key: bytes                # the normalized absolute path, the catalogue's key
    size: int | None = None
    mtime_ns: int | None = None
    refused: str | None = None        # why it is not read at all (not a regular file, …)
    refused_kind: str | None = None


def visible(name: str) -> str:
    """A file name as valid UTF-8: bytes that are not UTF-8 shown as \\xNN, never dropped."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _probe(path: str, source: str, key: bytes) -> Input:
    """Stat one entry and refuse anything but a regular file up front: a FIFO or a device
    would block a reader or feed it without end."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            why = "symbolic link loop"
        elif exc.errno == errno.ENOENT:
            why = "dangling symbolic link" if os.path.islink(path) else "no such file or folder"
        else:
            why = f"cannot open: {exc.strerror}"
        return Input(path, source, key, refused=why, refused_kind="not_found" if exc.errno == errno.ENOENT
                     else "unreadable")
    if not stat.S_ISREG(st.st_mode):
        what = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        return Input(path, source, key, refused=f"not a regular file ({what})", refused_kind="not_regular")
    return Input(path, source, key, size=st.st_size, mtime_ns=st.st_mtime_ns)


def iter_inputs(paths: Iterable[str], supported: Callable[[str], bool]) -> Iterator[Input]:
    """Every input, once: files as given, folders walked in name order (symbolic links to
    folders are not followed, hidden names are skipped), sources relative to the folder given.
    In a folder only names with a plan's suffix are inputs; each of them gets a row, whatever it
    is (a FIFO, a loop, a dangling link: refused with the reason)."""
    for p in paths:
        p = os.fspath(p)
        if isinstance(p, bytes):
            p = os.fsdecode(p)
        if os.path.isdir(p):
            base = os.path.realpath(p)
            found: list[str] = []
            unreadable: list[tuple[str, str]] = []

            def onerror(exc: OSError) -> None:
                unreadable.append((os.path.relpath(exc.filename, p), exc.strerror or str(exc)))
            for folder, dirs, files in os.walk(p, onerror=onerror):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                rel = os.path.relpath(folder, p)
                for f in files:
                    if not f.startswith(".") and supported(f):
                        found.append(f if rel == "." else os.path.join(rel, f))
            for rel, why in sorted(unreadable):
                path = os.path.join(base, rel)
                yield Input(path, visible(str(Path(p) / rel)), os.fsencode(path),
                            refused=f"cannot list the folder: {why}", refused_kind="unreadable")
            for rel in sorted(found, key=os.fsencode):
                path = os.path.join(base, rel)
                yield _probe(path, visible(str(Path(p) / rel)), os.fsencode(path))
        else:
            # the folder resolved, the name not: a link and its target stay two inputs (and
            # one document, the second an alias)
            path = os.path.join(os.path.realpath(os.path.dirname(p) or "."), os.path.basename(p))
            yield _probe(path, visible(p), os.fsencode(path))


# --- results ------------------------------------------------------------------------------------

@dataclass
class BatchResult:
    files: int = 0                                   # inputs seen
    failed: list[tuple[str, str]] = field(default_factory=list)
    tasks: int = 0                                   # tasks of the inputs seen
    read: int = 0                                    # inputs read (extracted) in this run
    hashed: int = 0                                  # inputs whose bytes were hashed in this run
    skipped: int = 0                                 # unchanged: not read
    aliases: int = 0                                 # inputs whose content another input holds
    pruned: int = 0                                  # vanished inputs removed (--prune)
    compacted: int = 0                               # files written by compaction


def settings_hash(settings) -> str:
    """A hash of the settings that change what a file yields (not how the run is organized)."""
    flat = {k: v for k, v in settings.flat().items() if not k.startswith(("archive.", "run."))}
    return hashlib.sha256(json.dumps(flat, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _path_key(key: bytes) -> str:
    return "path-" + hashlib.sha1(key).hexdigest()[:16]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- the archive --------------------------------------------------------------------------------

_SCHEMA = """
create table if not exists meta (key text primary key, value text);
create table if not exists inputs (
    path blob primary key, display text, source text, size integer, mtime_ns integer, sha256 text,
    doc_key text, status text, error text, error_kind text, kehoach_version text, settings_hash text,
    n_tasks integer, pages integer, seconds real, peak_rss_mb real, read_at real);
create index if not exists inputs_doc on inputs(doc_key);
create table if not exists docs (
    doc_key text primary key, doc_id text, sha256 text, source text, primary_path blob,
    kehoach_version text, settings_hash text);
create table if not exists files (dataset text, name text, kind text, rows integer,
    primary key (dataset, name));
create table if not exists file_docs (dataset text, name text, doc_key text);
create index if not exists file_docs_doc on file_docs(doc_key);
create index if not exists file_docs_file on file_docs(dataset, name);
"""


@dataclass(frozen=True)
class _Add:
    """One read file to commit: its rows under doc_key, and the inputs that map to it."""
    doc_key: str
    source: str
    records: dict
    inputs: tuple[dict, ...]


class Archive:
    """An output folder opened for writing: locked, recovered, its catalogue loaded."""

    def __init__(self, out_dir: Path, settings, datasets: Iterable[str]):
        self.out = Path(out_dir)
        self.settings = settings
        self.aset: ArchiveSettings = getattr(settings, "archive", None) or ArchiveSettings()
        self.datasets = tuple(datasets)
        self.meta = self.out / META
        try:
            self.meta.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.meta / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ArchiveError(f"cannot write the output folder {self.out}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self._lock_fd, 64, 0).decode(errors="replace").strip()
            os.close(self._lock_fd)
            raise ArchiveLocked(f"{self.out} is being written by another kehoach ingest"
                                f"{f' (pid {holder})' if holder else ''}; wait for it to finish") from None
        try:
            os.ftruncate(self._lock_fd, 0)
            os.pwrite(self._lock_fd, str(os.getpid()).encode(), 0)
            self.db = sqlite3.connect(self.meta / CATALOGUE, isolation_level=None)
            self.db.execute("pragma synchronous=full")
            self.db.executescript(_SCHEMA)
            self.db.execute("insert or ignore into meta values ('schema', ?)", (SCHEMA_VERSION,))
            self._recover()
        except sqlite3.Error as exc:
            self.close()
            raise ArchiveError(f"the catalogue {self.meta / CATALOGUE} cannot be used: {exc}") from exc
        except OSError as exc:
            self.close()
            raise ArchiveError(f"cannot write the output folder {self.out}: {exc.strerror or exc}") from exc
        self.hash = settings_hash(settings)

    def close(self) -> None:
        if getattr(self, "db", None) is not None:
            self.db.close()
            self.db = None
        if getattr(self, "_lock_fd", None) is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- recovery ---------------------------------------------------------------------------

    def _recover(self) -> None:
        """Undo what a killed run left: the staging folder, and every Parquet file (or
        temporary) in a dataset folder that no committed transaction lists."""
        shutil.rmtree(self.meta / "staging", ignore_errors=True)
        known = {(d, n) for d, n in self.db.execute("select dataset, name from files")}
        for name in self.datasets:
            folder = self.out / name
            if not folder.is_dir():
                continue
            for f in folder.iterdir():
                if f.is_file() and (f.suffix == ".parquet" or f.name.endswith(".tmp")) \
                        and (name, f.name) not in known:
                    f.unlink()

    # --- what is known ----------------------------------------------------------------------

    def _inputs(self) -> dict[bytes, dict]:
        cur = self.db.execute("select * from inputs")
        cols = [c[0] for c in cur.description]
        return {bytes(r[0]): dict(zip(cols, r)) for r in cur}

    def _docs(self) -> dict[str, dict]:
        cur = self.db.execute("select * from docs")
        cols = [c[0] for c in cur.description]
        return {r[0]: dict(zip(cols, r)) for r in cur}

    def _current(self, row: dict | None) -> bool:
        from kehoach import __version__
        return bool(row) and row["kehoach_version"] == __version__ and row["settings_hash"] == self.hash

    # --- ingest -----------------------------------------------------------------------------

    def ingest(self, inputs: Iterable[Input], *, workers: int = 1, force: bool = False, prune: bool = False,
               on_event: Callable[[dict], None] | None = None) -> BatchResult:
        from kehoach import runner
        from kehoach.extract.base import file_digest
        res = BatchResult()
        known, docs = self._inputs(), self._docs()
        seen: dict[bytes, Input] = {}
        refused: list[Input] = []
        touched: list[tuple[bytes, int, int]] = []      # same bytes, new mtime: no re-read
        todo: list[tuple[Input, str]] = []
        for inp in inputs:
            if inp.key in seen:  # one file named twice in one run is one input
                continue
            seen[inp.key] = inp
            res.files += 1
            row = known.get(inp.key)
            if row is not None:
                d = docs.get(row["doc_key"])
                row = dict(row, alias=bool(d) and d["primary_path"] is not None and bytes(d["primary_path"]) != inp.key)
            if inp.refused:
                if not force and self._current(row) and row["error"] == inp.refused and row["sha256"] is None:
                    self._skip(res, row)
                else:
                    refused.append(inp)
                continue
            if not force and self._current(row) and row["size"] == inp.size and row["mtime_ns"] == inp.mtime_ns \
                    and row["doc_key"] in docs:
                self._skip(res, row)
                continue
            try:
                sha = file_digest(Path(inp.path))
            except OSError as exc:  # vanished or unreadable between the walk and now
                refused.append(Input(inp.path, inp.source, inp.key, refused=f"cannot read: {exc.strerror or exc}",
                                     refused_kind="not_found" if exc.errno == errno.ENOENT else "unreadable"))
                continue
            res.hashed += 1
            if not force and self._current(row) and row["sha256"] == sha and row["doc_key"] in docs:
                touched.append((inp.key, inp.size, inp.mtime_ns))
                self._skip(res, row)
                continue
            todo.append((inp, sha))

        # Which documents lose the input they were read from (edited, pruned): re-read from an
        # alias that still holds the same bytes, or removed.
        changed = {inp.key for inp, _ in todo} | {inp.key for inp in refused}
        vanished = set()
        if prune:
            vanished = {k for k in known if k not in seen and not os.path.lexists(k)}
            res.pruned = len(vanished)
        gone = changed | vanished
        remove: set[str] = set()
        promote: list[tuple[Input, str]] = []
        planned = {inp.key for inp, _ in todo}
        for doc_key, d in docs.items():
            primary = bytes(d["primary_path"]) if d["primary_path"] is not None else None
            if primary not in gone:
                continue
            heirs = sorted(k for k, r in known.items() if r["doc_key"] == doc_key and k not in gone)
            if heirs:
                h = known[heirs[0]]
                inp = seen.get(heirs[0]) or Input(os.fsdecode(heirs[0]), h["source"], heirs[0], h["size"], h["mtime_ns"])
                if heirs[0] not in planned:
                    promote.append((inp, d["sha256"]))
                    planned.add(heirs[0])
            else:
                remove.add(doc_key)
        todo += promote

        # One document per content: the first input with these bytes is read, the others are
        # aliases (as is an input whose bytes a current document already holds).
        jobs: list[tuple[Input, str]] = []
        aliases: list[dict] = []
        first: dict[str, Input] = {}
        for inp, sha in todo:
            doc_key = sha[:16]
            d = docs.get(doc_key)
            holder = first.get(doc_key)
            if holder is None and not force and self._current(d) and d["doc_key"] not in remove \
                    and d["primary_path"] is not None and bytes(d["primary_path"]) not in gone:
                aliases.append(self._input_row(inp, sha, doc_key, known.get(bytes(d["primary_path"]))))
            elif holder is not None:
                aliases.append(self._input_row(inp, sha, doc_key, None, alias_of=holder))
            else:
                first[doc_key] = inp
                jobs.append((inp, sha))
        res.aliases = len(aliases)
        res.failed += [(r["source"], r["error"] or "failed") for r in aliases if r["status"] == "failed"]
        # a document read again is replaced by its commit; only the others are removed outright
        remove -= {sha[:16] for _, sha in jobs}

        # rows for the inputs that could not be opened: made here, nothing is read
        from kehoach.datasets import records
        from kehoach.model import Extraction
        pending: list[_Add] = []
        for inp in refused:
            ex = Extraction(source=inp.source, status="failed", error=inp.refused, error_kind=inp.refused_kind)
            recs = records(ex, Path(inp.path))
            pending.append(self._add(inp, recs, "failed", inp.refused, inp.refused_kind, 0, 0, 0.0, None))
            res.failed.append((inp.source, inp.refused))
            if on_event:  # reported as the runner reports a file it read
                job = runner.Job(path=inp.path, source=inp.source)
                on_event({"event": "done", "outcome": runner.Outcome(
                    job=job, records=recs, status="failed", error=inp.refused, error_kind=inp.refused_kind,
                    n_tasks=0, pages=0, seconds=0.0, peak_rss_mb=None)})

        alias_rows = {r["path"]: r for r in aliases}
        try:
            if touched:
                self._txn(lambda db: db.executemany("update inputs set size=?, mtime_ns=? where path=?",
                                                    [(s, m, k) for k, s, m in touched]))
            by_key = {inp.key: inp for inp, _ in jobs}
            job_list = [runner.Job(path=inp.path, source=inp.source, size=inp.size or 0) for inp, _ in jobs]
            key_of = {(j.path, j.source): inp.key for j, (inp, _) in zip(job_list, jobs)}
            started = time.monotonic()
            for out in runner.run(job_list, self.settings, workers=workers, on_event=on_event):
                inp = by_key[key_of[(out.job.path, out.job.source)]]
                res.read += 1
                res.tasks += out.n_tasks
                if out.status == "failed":
                    res.failed.append((inp.source, out.error or "failed"))
                pending.append(self._add(inp, out.records, out.status, out.error, out.error_kind,
                                         out.n_tasks, out.pages, out.seconds, out.peak_rss_mb))
                if len(pending) >= self.aset.commit_files or time.monotonic() - started >= self.aset.commit_seconds:
                    self._commit(pending, remove, alias_rows)
                    pending, remove, started = [], set(), time.monotonic()
            self._commit(pending, remove, alias_rows, vanished=vanished, final=True)
            res.compacted = self.compact(full=False)
        except OSError as exc:
            raise ArchiveError(f"cannot write under {self.out}: {exc.strerror or exc}; "
                               f"the files committed before this one are kept") from exc
        except sqlite3.Error as exc:
            raise ArchiveError(f"cannot update the catalogue under {self.out}: {exc}; "
                               f"the files committed before this one are kept") from exc
        return res

    def _skip(self, res: BatchResult, row: dict) -> None:
        res.skipped += 1
        if not row.get("alias"):  # a copy's tasks are its document's, counted once
            res.tasks += row["n_tasks"] or 0
        if row["status"] == "failed":
            res.failed.append((row["source"], row["error"] or "failed"))

    def _input_row(self, inp: Input, sha: str | None, doc_key: str, holder_row: dict | None,
                   alias_of: Input | None = None, **extra) -> dict:
        from kehoach import __version__
        base = dict(status=None, error=None, error_kind=None, n_tasks=0, pages=0, seconds=0.0, peak_rss_mb=None)
        if holder_row:
            base.update({k: holder_row[k] for k in ("status", "error", "error_kind", "n_tasks", "pages")})
        base.update(extra)
        return dict(path=inp.key, display=visible(os.fsdecode(inp.key)), source=inp.source, size=inp.size,
                    mtime_ns=inp.mtime_ns, sha256=sha, doc_key=doc_key, kehoach_version=__version__,
                    settings_hash=self.hash, read_at=time.time(), alias_of=alias_of, **base)

    def _add(self, inp: Input, recs: dict, status, error, error_kind, n_tasks, pages, seconds,
             peak) -> _Add:
        drow = recs["documents"][0]
        doc_key = drow["doc_id"] or _path_key(inp.key)
        row = self._input_row(inp, drow["sha256"], doc_key, None, status=status, error=error,
                              error_kind=error_kind, n_tasks=n_tasks, pages=pages, seconds=seconds,
                              peak_rss_mb=peak)
        return _Add(doc_key, inp.source, recs, (row,))

    # --- commit -----------------------------------------------------------------------------

    def _txn(self, body: Callable[[sqlite3.Connection], None]) -> None:
        self.db.execute("begin immediate")
        try:
            body(self.db)
        except BaseException:
            self.db.execute("rollback")
            raise
        self.db.execute("commit")

    def _stage(self) -> Path:
        folder = self.meta / "staging" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        return folder

    def _write(self, folder: Path, name: str, table) -> Path:
        import pyarrow.parquet as pq
        path = folder / name
        pq.write_table(table, path, row_group_size=self.aset.row_group_rows)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return path

    def _doc_keys(self, table, null_keys: dict[str, str]) -> set[str]:
        ids = table.column("doc_id").to_pylist()
        srcs = table.column("source").to_pylist()
        return {i if i is not None else null_keys.get(s, "path-?") for i, s in zip(ids, srcs)}

    def _without(self, table, keys: set[str], null_sources: set[str]):
        import pyarrow as pa
        import pyarrow.compute as pc
        drop = pc.is_in(table["doc_id"], value_set=pa.array(sorted(keys), pa.string()))
        drop = pc.fill_null(drop, False)
        if null_sources:
            nul = pc.and_(pc.is_null(table["doc_id"]),
                          pc.fill_null(pc.is_in(table["source"], value_set=pa.array(sorted(null_sources), pa.string())), False))
            drop = pc.or_(drop, nul)
        return table.filter(pc.invert(drop))

    def _commit(self, adds: list[_Add], remove: set[str], alias_rows: dict[bytes, dict], *,
                vanished: set[bytes] = frozenset(), final: bool = False) -> None:
        """Write a batch's rows and record them in one catalogue transaction (see the module
        docstring): each document's rows in every dataset appear together or not at all."""
        import pyarrow as pa
        import pyarrow.parquet as pq
        from kehoach.datasets import to_table
        committed = {a.doc_key for a in adds}
        # aliases whose document is in this batch (or already committed) are recorded with it
        ready = [r for r in alias_rows.values()
                 if r["alias_of"] is None or self._doc_key_of(r["alias_of"], adds) is not None]
        if not adds and not remove and not ready and not vanished:
            return
        keys = committed | remove
        null_src = {d: s for d, s in self.db.execute(
            "select doc_key, source from docs where doc_id is null")} if keys else {}
        null_sources = {null_src[k] for k in keys if k in null_src} | \
                       {a.source for a in adds if a.doc_key.startswith("path-")}
        affected: dict[str, set[str]] = {}
        if keys:
            q = ",".join("?" * len(keys))
            for ds, name in self.db.execute(
                    f"select distinct dataset, name from file_docs where doc_key in ({q})", sorted(keys)):
                affected.setdefault(ds, set()).add(name)
        existing = {}
        for ds, name, kind in self.db.execute("select dataset, name, kind from files"):
            existing.setdefault(ds, {})[name] = kind
        null_keys = {s: d for d, s in null_src.items()} | {a.source: a.doc_key for a in adds
                                                           if a.doc_key.startswith("path-")}
        stage = self._stage()
        new: list[tuple[str, str, str, int, set[str], Path]] = []   # dataset, name, kind, rows, docs, staged
        drop: list[tuple[str, str]] = []
        for ds in self.datasets:
            left = dict(existing.get(ds, {}))
            for name in sorted(affected.get(ds, ())):
                kind = left.pop(name)
                drop.append((ds, name))
                t = self._without(pq.read_table(self.out / ds / name), keys, null_sources)
                if t.num_rows:
                    fname = f"{kind}-{uuid.uuid4().hex[:16]}.parquet"
                    new.append((ds, fname, kind, t.num_rows, self._doc_keys(t, null_keys),
                                self._write(stage, f"{ds}.{fname}", t)))
                    left[fname] = kind
            rows = [r for a in adds for r in a.records.get(ds, [])]
            if rows or not left:
                # an empty part keeps the dataset readable (DuckDB needs one file for a view)
                t = to_table(ds, rows)
                fname = f"part-{uuid.uuid4().hex[:16]}.parquet"
                new.append((ds, fname, "part", t.num_rows, self._doc_keys(t, null_keys),
                            self._write(stage, f"{ds}.{fname}", t)))
        # into place, documents last: a reader that runs now sees at worst rows without their
        # documents row, never the reverse; the catalogue transaction below is the commit
        for ds in sorted({n[0] for n in new}, key=lambda d: d == "documents"):
            (self.out / ds).mkdir(parents=True, exist_ok=True)
            for d, fname, *_rest, staged in new:
                if d == ds:
                    os.replace(staged, self.out / ds / fname)
            _fsync_dir(self.out / ds)

        def body(db):
            for ds, name in drop:
                db.execute("delete from files where dataset=? and name=?", (ds, name))
                db.execute("delete from file_docs where dataset=? and name=?", (ds, name))
            for ds, fname, kind, nrows, dkeys, _ in new:
                db.execute("insert into files values (?,?,?,?)", (ds, fname, kind, nrows))
                db.executemany("insert into file_docs values (?,?,?)", [(ds, fname, k) for k in sorted(dkeys)])
            for k in remove - committed:
                db.execute("delete from docs where doc_key=?", (k,))
            for a in adds:
                drow = a.records["documents"][0]
                r = a.inputs[0]
                db.execute("insert or replace into docs values (?,?,?,?,?,?,?)",
                           (a.doc_key, drow["doc_id"], drow["sha256"], a.source, r["path"],
                            r["kehoach_version"], r["settings_hash"]))
                for r in a.inputs:
                    self._put_input(db, r)
            for r in ready:
                if r["alias_of"] is not None:
                    r = dict(r, doc_key=self._doc_key_of(r["alias_of"], adds))
                    holder = next(a.inputs[0] for a in adds if a.doc_key == r["doc_key"])
                    r.update({k: holder[k] for k in ("status", "error", "error_kind", "n_tasks", "pages")})
                self._put_input(db, r)
            if vanished:
                db.executemany("delete from inputs where path=?", [(k,) for k in sorted(vanished)])
            # an input whose document is gone (edited away, pruned) and that nothing re-read
            db.execute("delete from inputs where doc_key not in (select doc_key from docs)")
        self._txn(body)
        for r in ready:
            alias_rows.pop(r["path"], None)
        for ds, name in drop:
            (self.out / ds / name).unlink(missing_ok=True)
        shutil.rmtree(stage, ignore_errors=True)

    @staticmethod
    def _doc_key_of(holder: Input, adds: list[_Add]) -> str | None:
        return next((a.doc_key for a in adds if a.inputs[0]["path"] == holder.key), None)

    @staticmethod
    def _put_input(db, r: dict) -> None:
        cols = ("path", "display", "source", "size", "mtime_ns", "sha256", "doc_key", "status", "error",
                "error_kind", "kehoach_version", "settings_hash", "n_tasks", "pages", "seconds",
                "peak_rss_mb", "read_at")
        db.execute(f"insert or replace into inputs ({','.join(cols)}) values ({','.join('?' * len(cols))})",
                   [r[c] for c in cols])

    # --- compaction -------------------------------------------------------------------------

    def compact(self, full: bool = True) -> int:
        """Merge each dataset's small parts into large sorted files; `full` (or more than
        archive.max_compacted compacted files) rewrites the whole dataset as one sorted set.
        Returns the number of files written."""
        import pyarrow as pa
        import pyarrow.parquet as pq
        from kehoach.datasets import SCHEMAS
        files: dict[str, dict[str, str]] = {}
        for ds, name, kind in self.db.execute("select dataset, name, kind from files"):
            files.setdefault(ds, {})[name] = kind
        null_keys = {s: d for d, s in self.db.execute("select doc_key, source from docs where doc_id is null")}
        written = 0
        for ds in self.datasets:
            have = files.get(ds, {})
            parts = sorted(n for n, k in have.items() if k == "part")
            compacts = sorted(n for n, k in have.items() if k == "compact")
            if full or len(compacts) + 1 > self.aset.max_compacted:
                merge = parts + compacts
                if not parts and len(compacts) <= 1:
                    continue  # already one sorted set
            else:
                merge = parts
            if not merge:
                continue
            t = pa.concat_tables([pq.read_table(self.out / ds / n, schema=SCHEMAS.get(ds)) for n in merge])
            order = [("doc_id", "ascending"), ("source", "ascending")] + \
                    ([("seq", "ascending")] if "seq" in t.column_names else [])
            t = t.sort_by(order)
            stage = self._stage()
            new = []
            step = max(1, self.aset.compact_rows)
            for start in range(0, max(t.num_rows, 1), step):
                chunk = t.slice(start, step)
                fname = f"compact-{uuid.uuid4().hex[:16]}.parquet"
                new.append((fname, chunk.num_rows, self._doc_keys(chunk, null_keys),
                            self._write(stage, fname, chunk)))
            for fname, *_rest, staged in new:
                os.replace(staged, self.out / ds / fname)
            _fsync_dir(self.out / ds)

            def body(db, ds=ds, merge=merge, new=new):
                for name in merge:
                    db.execute("delete from files where dataset=? and name=?", (ds, name))
                    db.execute("delete from file_docs where dataset=? and name=?", (ds, name))
                for fname, nrows, dkeys, _ in new:
                    db.execute("insert into files values (?,?,?,?)", (ds, fname, "compact", nrows))
                    db.executemany("insert into file_docs values (?,?,?)", [(ds, fname, k) for k in sorted(dkeys)])
            self._txn(body)
            for name in merge:
                (self.out / ds / name).unlink(missing_ok=True)
            shutil.rmtree(stage, ignore_errors=True)
            written += len(new)
        return written

    # --- reading the catalogue ---------------------------------------------------------------

    def catalogue(self) -> list[dict]:
        """Every input with its document and whether it is an alias (for tests and reports)."""
        cur = self.db.execute("""select i.*, (d.primary_path is not null and d.primary_path != i.path) as alias
                                 from inputs i left join docs d using (doc_key) order by i.path""")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur]


def open_catalogue(out_dir: Path) -> list[dict]:
    """The catalogue's inputs, read-only (no lock): [] when the folder has none."""
    path = Path(out_dir) / META / CATALOGUE
    if not path.is_file():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cur = db.execute("""select i.*, (d.primary_path is not null and d.primary_path != i.path) as alias
                            from inputs i left join docs d using (doc_key) order by i.path""")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur]
    finally:
        db.close()

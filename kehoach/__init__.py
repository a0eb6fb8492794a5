"""kehoach: Vietnamese government plans in, analysis-ready Parquet datasets out.

The Python API (each function loads what it needs on first use, so `import kehoach` stays cheap):

    import kehoach
    kehoach.ingest(["corpus/seeds"], out="output")        # write the datasets
    con = kehoach.open("output")                            # DuckDB, one view per dataset
    con.sql("select lead, count(*) from tasks group by 1").df()
    tasks = kehoach.read("output", "tasks")                 # pandas with Arrow dtypes
    ex = kehoach.extract("corpus/seeds/000_dbb53274ea895b03.txt")   # one file, in memory
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "extract", "ingest", "open", "read"]


def ingest(paths, out="output", *, settings=None, force=False, prune=False, on_event=None):
    """Read plan files and folders and bring every dataset under `out` up to date (unchanged
    files are not read again); returns a BatchResult (files, tasks, failed, read, skipped,
    aliases, pruned). `settings`: a kehoach.settings.Settings, or a dict of dotted keys."""
    from pathlib import Path

    from kehoach.pipeline import ingest as run
    return run([str(p) for p in ([paths] if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__") else paths)],
               Path(out), settings=_settings(settings), force=force, prune=prune, on_event=on_event)


def _extract_file(path, *, settings=None):
    """Everything kehoach learns from one file, in memory: a kehoach.model.Extraction with the
    document, tasks, metadata, findings and each normalizer's results (`.results("citations")`)."""
    from pathlib import Path

    from kehoach.pipeline import extract as run
    return run(Path(path), str(path), _settings(settings))


def open(folder="output", database=":memory:"):  # noqa: A001 - the API's name for "open a dataset folder"
    """A DuckDB connection with views named after the datasets under `folder`."""
    from pathlib import Path

    from kehoach.queries import connect
    return connect(Path(folder), database)


def read(folder, name):
    """One dataset (documents, tasks, task_units, citations, targets, findings) as a pandas
    DataFrame with Arrow dtypes."""
    from pathlib import Path

    from kehoach.queries import read as read_dataset
    return read_dataset(Path(folder), name)


def _settings(settings):
    if settings is None or not isinstance(settings, dict):
        return settings
    from kehoach.settings import Settings
    return Settings().override(settings)


# `kehoach.extract` is also the subpackage of the readers (extract/ in the layout the project
# keeps), and importing a submodule rebinds the package attribute to it. The subpackage is made
# callable instead (extract/__init__.py), so `kehoach.extract(path)` reads one file either way.
from kehoach import extract  # noqa: E402,F401

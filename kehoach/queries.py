"""Queries over what `kehoach ingest` wrote, through DuckDB: the library behind the CLI's
report and citations commands (and for notebooks)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence


def _scan(folders: Sequence[Path], name: str) -> str:
    globs = ", ".join(f"'{Path(f) / name}/**/*.parquet'" for f in folders)
    return f"read_parquet([{globs}], hive_partitioning=true)"


def has_dataset(folder: Path, name: str) -> bool:
    return (Path(folder) / name).is_dir()


def citation_index(folders: Sequence[Path], top: int = 50) -> list[tuple]:
    """(key, kind, earliest date, plans citing it, the citing files) for the most cited
    documents, most cited first."""
    import duckdb
    return duckdb.sql(f'''
        with c as (select * from {_scan(folders, "citations")} where key is not null),
             d as (select doc_id, regexp_extract(source, '[^/]+$') as plan from {_scan(folders, "documents")})
        select c.key, any_value(c.kind) as kind, min(c.date) as date, count(distinct c.doc_id) as plans,
               string_agg(distinct d.plan, '; ') as cited_by
        from c left join d using (doc_id)
        group by c.key order by plans desc, c.key limit {int(top)}''').fetchall()


def file_outcomes(folder: Path) -> list[tuple]:
    """(file, format, status, tasks, tasks split by a page break, error or note) per input."""
    import duckdb
    return duckdb.sql(f"""
        select regexp_extract(d.source, '[^/]+$') as file, d.format, d.status, d.n_tasks,
               (select count(*) from {_scan([folder], 'tasks')} t
                 where t.doc_id = d.doc_id and t.source = d.source and t.split) as split,
               coalesce(d.error, d.note, '') as why
        from {_scan([folder], 'documents')} d order by file""").fetchall()


def finding_kinds(folder: Path) -> list[tuple]:
    """(kind, severity, count, files, an example) per kind of finding, most frequent first."""
    import duckdb
    return duckdb.sql(f"""select kind, severity, count(*) as n, count(distinct doc_id) as files,
                                 any_value(coalesce(value, message)) as example
                          from {_scan([folder], 'findings')} group by kind, severity
                          order by n desc""").fetchall()


DATASETS = ("documents", "tasks", "findings", "task_units", "citations", "targets",
            "plans", "plan_documents")


def connect(folder: Path, database: str = ":memory:"):
    """A DuckDB connection with one view per dataset found under `folder`, named after it
    (documents, tasks, task_units, citations, targets, findings)."""
    import duckdb
    con = duckdb.connect(database)
    for name in DATASETS:
        if has_dataset(folder, name) and any((Path(folder) / name).rglob("*.parquet")):
            con.execute(f"create or replace view {name} as select * from {_scan([folder], name)}")
    return con


def views(con) -> list[str]:
    return [r[0] for r in con.execute(
        "select view_name from duckdb_views() where not internal order by view_name").fetchall()]


def schema(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """Each dataset's columns and their types, as DuckDB reads them."""
    con = connect(folder)
    return {v: [(r[0], r[1]) for r in con.execute(f"describe {v}").fetchall()] for v in views(con)}


def read(folder: Path, name: str):
    """One dataset as a pandas DataFrame with Arrow dtypes: int32 stays int32 with nulls
    (not float64), dates stay dates, lists stay lists."""
    import pandas as pd
    import pyarrow.dataset as ds
    if name not in DATASETS:
        raise ValueError(f"no dataset {name!r}; kehoach writes {', '.join(DATASETS)}")
    return ds.dataset(Path(folder) / name, format="parquet", partitioning="hive").to_table().to_pandas(
        types_mapper=pd.ArrowDtype)

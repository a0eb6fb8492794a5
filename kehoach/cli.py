"""The command line: a thin layer over kehoach.pipeline and kehoach.evaluate."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from kehoach import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Vietnamese government plans (Kế hoạch) in, analysis-ready Parquet datasets out.")
err = Console(stderr=True)
# Reports are read by people and scripts alike: never wrap a line.
out = Console(width=10_000, soft_wrap=True)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path("output")


def _corpus() -> Path:
    # the checkout's corpus/ (installed editable) or the current folder's
    for base in (ROOT, Path.cwd()):
        if (base / "corpus" / "gold").is_dir():
            return base / "corpus"
    return ROOT / "corpus"


@app.command()
def ingest(paths: List[str] = typer.Argument(..., help="Plan files and/or folders of them."),
           out_dir: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Where the datasets are written."),
           quiet: bool = typer.Option(False, "--quiet", "-q")):
    """Read plans and write the datasets (documents, tasks, findings, …) under OUT."""
    from kehoach.pipeline import ingest as run

    def report(source, ex):
        if quiet:
            return
        if ex.status == "failed":
            err.print(f"[red]FAILED[/red] {source}: {ex.error}")
        else:
            err.print(f"{ex.status:>7} {source}: {len(ex.tasks)} tasks")

    t0 = time.perf_counter()
    res = run(paths, out_dir, on_file=report)
    dt = time.perf_counter() - t0
    err.print(f"{res.files} files, {res.tasks} tasks, {len(res.failed)} failed, {dt:.1f}s → {out_dir}")
    if res.files == 0:
        err.print("[red]no input files found[/red]")
        raise typer.Exit(2)
    raise typer.Exit(1 if res.failed else 0)


@app.command("eval")
def evaluate(gold: Optional[Path] = typer.Option(None, "--gold", help="Gold folder (tasks/*.json); default corpus/gold."),
             docs: Optional[List[Path]] = typer.Option(None, "--docs", help="Folders of input files named by gold stem; default corpus/seeds."),
             out_dir: Optional[Path] = typer.Option(None, "--out", help="Write the datasets here (default: a temporary folder)."),
             misses: bool = typer.Option(False, "--misses", help="List every wrong cell."),
             only: str = typer.Option("", "--only", help="Score only files whose name contains this.")):
    """Ingest the documents named by the gold and score the recovered task tables."""
    from kehoach import eval as ev
    from kehoach.pipeline import ingest as run

    corpus = _corpus()
    gold = gold or corpus / "gold"
    golds = ev.load_gold(gold)
    if not golds:
        err.print(f"[red]no gold tables under {gold}[/red]")
        raise typer.Exit(2)
    doc_dirs = docs or [gold.parent / "seeds" if (gold.parent / "seeds").is_dir() else corpus / "seeds"]
    # every document some gold speaks of: task tables, and citations/targets (seed 002 has no table)
    stems = {p.stem for p in gold.glob("*/*.json")} | set(golds)
    inputs = [p for p in ev.gold_inputs(stems, doc_dirs) if only in p.name]
    tmp = None
    if out_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="kehoach-eval-")
        out_dir = Path(tmp.name)
    t0 = time.perf_counter()
    run([str(p) for p in inputs], out_dir)
    elapsed = time.perf_counter() - t0
    result = ev.score(golds, out_dir, [str(p) for p in inputs], only=only)
    for d in result.docs:
        out.print(f"{d.name}: cells {d.correct}/{d.cells} rows gold={d.n_gold} pred={d.n_pred} "
                  f"f1={d.f1:.3f} split {d.split_ok}/{d.split_total}")
        if misses:
            for seq, f, g, p in d.misses:
                out.print(f"   #{seq} {f}: gold={g!r}\n{'':10}pred={p!r}", highlight=False)
    out.print(f"cell_acc={result.cell_acc:.3f} row_f1={result.row_f1:.3f} "
              f"split_acc={result.split_acc:.3f} docs={len(result.docs)} ({elapsed:.1f}s)")
    _eval_meaning(gold, out_dir, misses)
    if tmp:
        tmp.cleanup()


def _eval_meaning(gold: Path, out_dir: Path, misses: bool) -> None:
    """Scores of the normalizers, where their gold exists."""
    if (gold / "units").is_dir():
        from kehoach.eval import format_units_report as format_report, score_units
        out.print(format_report(score_units(gold, out_dir), misses=misses), highlight=False, markup=False)
    if any((gold / k).is_dir() for k in ("citations", "deadlines", "targets")):
        from kehoach.eval import format_meaning_report as meaning_report, meaning_scores
        out.print(meaning_report(meaning_scores(gold, out_dir), misses=misses), highlight=False, markup=False)


@app.command()
def units(mention: str = typer.Argument(..., help='A unit as printed, e.g. "VP UBND xã".'),
          issuer: Optional[str] = typer.Option(None, "--issuer", help='The plan\'s issuer, e.g. "UBND xã Giang Điền".'),
          place: Optional[str] = typer.Option(None, "--place", help="Place in the plan's date line."),
          limit: int = typer.Option(10, "--limit")):
    """Gazetteer candidates for a unit mention, with scores (for curating the gazetteer)."""
    from kehoach.normalize.units import candidates, resolve_units
    table = Table("unit_name", "unit_id", "score")
    for name, uid, sc in candidates(mention, issuer=issuer, place=place, limit=limit):
        table.add_row(name, uid, f"{sc:.3f}")
    out.print(table)
    for u in resolve_units(mention, role="lead", issuer=issuer, place=place):
        out.print(f"→ {u.mention!r}: {u.unit_name} [{u.unit_id}] {u.method} {u.score}", markup=False)


@app.command()
def citations(paths: List[str] = typer.Argument(..., help="Dataset folders written by ingest (or plan files/folders to ingest first)."),
              top: int = typer.Option(50, "--top", help="How many cited documents to list.")):
    """The citation index: each cited document, how many plans cite it, and which."""
    import duckdb
    from kehoach.pipeline import ingest as run
    folders = []
    for p in paths:
        if (Path(p) / "citations").is_dir():
            folders.append(Path(p))
    if not folders:
        tmp = Path(tempfile.mkdtemp(prefix="kehoach-cit-"))
        run(paths, tmp)
        folders = [tmp]
    globs = ", ".join(f"'{f}/citations/**/*.parquet'" for f in folders)
    docs = ", ".join(f"'{f}/documents/**/*.parquet'" for f in folders)
    rows = duckdb.sql(f'''
        with c as (select * from read_parquet([{globs}], hive_partitioning=true) where key is not null),
             d as (select doc_id, regexp_extract(source, '[^/]+$') as plan from read_parquet([{docs}], hive_partitioning=true))
        select c.key, any_value(c.kind) as kind, min(c.date) as date, count(distinct c.doc_id) as plans,
               string_agg(distinct d.plan, '; ') as cited_by
        from c left join d using (doc_id)
        group by c.key order by plans desc, c.key limit {int(top)}''').fetchall()
    table = Table("key", "kind", "date", "plans", "cited by")
    for key, kind, date, n, by in rows:
        table.add_row(key, kind or "", str(date or ""), str(n), by or "")
    out.print(table)


@app.command()
def report(out_dir: Path = typer.Argument(DEFAULT_OUT, help="What `kehoach ingest` wrote.")):
    """Data-quality report: how each file fared, what recovery repaired, what stayed unmatched."""
    import duckdb

    def ds(name: str) -> str:
        return f"read_parquet('{out_dir}/{name}/**/*.parquet', hive_partitioning=true)"

    if not (out_dir / "documents").is_dir():
        err.print(f"[red]no datasets under {out_dir}[/red]")
        raise typer.Exit(2)
    docs = duckdb.sql(f"""
        select regexp_extract(d.source, '[^/]+$') as file, d.format, d.status, d.n_tasks,
               (select count(*) from {ds('tasks')} t where t.doc_id = d.doc_id and t.source = d.source and t.split) as split,
               coalesce(d.error, d.note, '') as why
        from {ds('documents')} d order by file""").fetchall()
    table = Table("file", "format", "status", "tasks", "split", "error / note", title="documents")
    for row in docs:
        table.add_row(*[str(x) for x in row])
    out.print(table)
    kinds = duckdb.sql(f"""select kind, severity, count(*) as n, count(distinct doc_id) as files,
                                  any_value(coalesce(value, message)) as example
                           from {ds('findings')} group by kind, severity order by n desc""").fetchall()
    table = Table("finding", "severity", "n", "files", "example", title="findings")
    for row in kinds:
        table.add_row(*[str(x) for x in row])
    out.print(table)


@app.command()
def version():
    """Print the version."""
    out.print(__version__)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

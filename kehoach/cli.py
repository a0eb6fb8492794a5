"""The command line: a thin layer over kehoach.pipeline, kehoach.queries and kehoach.eval."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

import typer

from kehoach import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Vietnamese government plans (Kế hoạch) in, analysis-ready Parquet datasets out.")


class _LazyConsole:
    """A rich Console made on first use: rich costs ~35 ms to import, and `version`, `settings`
    and a quiet run that fails early never print through it."""

    def __init__(self, **options) -> None:
        self._options, self._console = options, None

    def print(self, *objects, **kwargs) -> None:
        # A never-wrapping console printing one plain line (no markup, no terminal to colour)
        # writes it as it is, as rich would, without importing rich.
        if (self._console is None and self._options.get("soft_wrap") and len(objects) == 1
                and isinstance(objects[0], str) and "[" not in objects[0]
                and set(kwargs) <= {"markup", "highlight"} and not sys.stdout.isatty()):
            sys.stdout.write(objects[0] + "\n")
            return
        self.__getattr__("print")(*objects, **kwargs)

    def __getattr__(self, name):
        if self._console is None:
            from rich.console import Console as RichConsole
            self._console = RichConsole(**self._options)
        return getattr(self._console, name)


def Console(**options) -> _LazyConsole:  # noqa: N802 - stands in for rich's class
    return _LazyConsole(**options)


def Table(*columns, **options):  # noqa: N802 - rich's Table, imported when a table is printed
    from rich.table import Table as RichTable
    return RichTable(*columns, **options)


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
           quiet: bool = typer.Option(False, "--quiet", "-q"),
           force: bool = typer.Option(False, "--force", help="Re-read every file, changed or not."),
           prune: bool = typer.Option(False, "--prune", help="Remove the rows of files under PATHS that no longer exist."),
           set_: Optional[List[str]] = typer.Option(None, "--set", help="A setting KEY=VALUE, e.g. read.pdf.engine=pdfplumber (repeatable; `kehoach settings` lists them)."),
           jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=0, help="Worker processes (default: run.jobs, 0 = all cores)."),
           json_log: bool = typer.Option(False, "--json-log", help="One JSON object per event on stderr (start, done, summary)."),
           engine: Optional[str] = typer.Option(None, "--engine", help="local (worker processes, the default) or dask (needs kehoach[dask])."),
           scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://…) for --engine dask; default a LocalCluster of --jobs workers.")):
    """Read plans and bring the datasets (documents, tasks, findings, …) under OUT up to date.

    Unchanged files are not read again, a copy of a file already read is an alias.
    Exit code 0: every file read; 1: some files failed; 2: kehoach could not run."""
    from rich.markup import escape

    from kehoach import runner
    from kehoach.archive import ArchiveError
    from kehoach.pipeline import ingest as run, iter_inputs
    from kehoach.progress import Reporter
    settings = _settings((set_ or []) + [f"run.engine={engine}"] * bool(engine)
                         + ["run.engine=dask", f"run.scheduler={scheduler}"] * bool(scheduler))
    try:
        runner.install_readers(settings)
        total = sum(1 for _ in iter_inputs(paths))
    except Exception as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    if total == 0:
        err.print("[red]no input files found[/red]")
        raise typer.Exit(2)
    workers = runner.default_workers(settings) if jobs is None else (jobs or runner.default_workers())
    reporter = Reporter(total, Reporter.choose(json_log, quiet))
    try:
        res = run(paths, out_dir, settings=settings, jobs=workers, force=force, prune=prune, on_event=reporter)
    except ArchiveError as exc:
        reporter.close()
        err.print(f"[red]kehoach could not run: {escape(str(exc))}[/red]", highlight=False)
        raise typer.Exit(2)
    except (OSError, runner.RunError) as exc:
        reporter.close()
        err.print(f"[red]kehoach could not run: {exc}[/red]")
        raise typer.Exit(2)
    reporter.close(out_dir, res)
    raise typer.Exit(1 if res.failed else 0)


@app.command()
def compact(out_dir: Path = typer.Argument(DEFAULT_OUT, help="What `kehoach ingest` wrote.")):
    """Rewrite the datasets under DIR as a few large Parquet files sorted by doc_id and seq."""
    from rich.markup import escape

    from kehoach.archive import ArchiveError
    from kehoach.pipeline import compact as run
    if not (out_dir / ".kehoach").is_dir():
        err.print(f"[red]no archive under {out_dir} (written by `kehoach ingest`)[/red]")
        raise typer.Exit(2)
    try:
        n = run(out_dir)
    except ArchiveError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
        raise typer.Exit(2)
    err.print(f"{n} files written → {out_dir}")


def _settings(pairs: Optional[List[str]]):
    """The settings tree with the command line's KEY=VALUE overrides, validated once."""
    from kehoach.settings import Settings, SettingsError
    values = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            err.print(f"[red]--set wants KEY=VALUE, got {pair!r}[/red]")
            raise typer.Exit(2)
        values[key.strip()] = value.strip()
    try:
        return Settings().override(values)
    except SettingsError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)


@app.command("settings")
def settings_cmd():
    """List every setting with its default, as KEY=VALUE for --set."""
    from kehoach.settings import Settings
    for key, value in Settings().flat().items():
        out.print(f"{key}={value}", markup=False, highlight=False)


@app.command("eval")
def evaluate(gold: Optional[Path] = typer.Option(None, "--gold", help="Gold folder (tasks/*.json); default corpus/gold."),
             docs: Optional[List[Path]] = typer.Option(None, "--docs", help="Folders of input files named by gold stem; default corpus/seeds."),
             out_dir: Optional[Path] = typer.Option(None, "--out", help="Write the datasets here (default: a temporary folder)."),
             misses: bool = typer.Option(False, "--misses", help="List every wrong cell."),
             only: str = typer.Option("", "--only", help="Score only files whose name contains this."),
             set_: Optional[List[str]] = typer.Option(None, "--set", help="A setting KEY=VALUE (repeatable), as for ingest.")):
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
    run([str(p) for p in inputs], out_dir, settings=_settings(set_))
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
    from kehoach.pipeline import ingest as run
    from kehoach.queries import citation_index, has_dataset
    folders = [Path(p) for p in paths if has_dataset(Path(p), "citations")]
    if not folders:
        tmp = Path(tempfile.mkdtemp(prefix="kehoach-cit-"))
        run(paths, tmp)
        folders = [tmp]
    rows = citation_index(folders, top)
    table = Table("key", "kind", "date", "plans", "cited by")
    for key, kind, date, n, by in rows:
        table.add_row(key, kind or "", str(date or ""), str(n), by or "")
    out.print(table)


@app.command()
def report(out_dir: Path = typer.Argument(DEFAULT_OUT, help="What `kehoach ingest` wrote."),
           html: Optional[Path] = typer.Option(None, "--html", help="Also write the report as one self-contained HTML page (tables and charts, opens offline)."),
           fmt: str = typer.Option("text", "--format", "-f", help="text (tables sized to the terminal), json or csv."),
           table_name: str = typer.Option("", "--table", help="Only this table: documents or findings (csv prints one table: documents unless told)."),):
    """Data-quality report: how each file fared, what recovery repaired, what stayed unmatched."""
    import csv
    import json
    from kehoach import report as rep
    if not rep.has_dataset(out_dir, "documents"):
        err.print(f"[red]no datasets under {out_dir}[/red]")
        raise typer.Exit(2)
    if fmt not in ("text", "json", "csv") or table_name not in ("", "documents", "findings"):
        err.print("[red]--format is text, json or csv; --table is documents or findings[/red]")
        raise typer.Exit(2)
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(rep.build_html(out_dir), encoding="utf-8")
        err.print(f"report → {html}")
    tables = {"documents": rep.documents(out_dir), "findings": rep.findings(out_dir)}
    columns = {"documents": rep.DOCUMENT_COLUMNS, "findings": rep.FINDING_COLUMNS}
    wanted = [table_name] if table_name else (["documents"] if fmt == "csv" else list(tables))
    if fmt == "json":
        chosen = {k: tables[k] for k in wanted}
        sys.stdout.write(json.dumps(chosen[wanted[0]] if table_name else chosen, ensure_ascii=False,
                                    default=str, indent=1) + "\n")
        return
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(columns[wanted[0]])
        w.writerows([["" if r[c] is None else r[c] for c in columns[wanted[0]]] for r in tables[wanted[0]]])
        return
    # on a terminal: its width (rich wraps long cells); piped: one line per row, never wrapped
    console = Console() if sys.stdout.isatty() else out
    if "documents" in wanted:
        t = Table("file", "format", "status", "tasks", "split", "pages", "OCR pages", "OCR conf.",
                  "error / note", title="documents")
        for r in tables["documents"]:
            t.add_row(r["file"], r["format"] or "", r["status"] or "", str(r["tasks"]), str(r["split"]),
                      "" if r["pages"] is None else str(r["pages"]),
                      "" if r["ocr_share"] is None else f"{100 * r['ocr_share']:.0f}%",
                      "" if r["ocr_confidence"] is None else f"{r['ocr_confidence']:.1f}", r["why"] or "")
        console.print(t)
    if "findings" in wanted:
        t = Table("finding", "severity", "n", "files", "meaning", title="findings")
        for r in tables["findings"]:
            t.add_row(r["kind"], r["severity"] or "", str(r["n"]), str(r["files"]), r["meaning"])
        console.print(t)


@app.command()
def tasks(path: Path = typer.Argument(..., help="One plan file."),
          width: int = typer.Option(60, "--width", help="Characters of the task text shown.")):
    """The tasks of one file, with origin, section, lead and deadline, for checking by eye."""
    from kehoach.pipeline import extract
    ex = extract(path)
    if ex.status == "failed":
        err.print(f"FAILED {path}: {ex.error}", style="red", markup=False)
        raise typer.Exit(1)
    table = Table("seq", "origin", "section", "stt", "task", "lead", "deadline", "page/line")
    for t in ex.tasks:
        text = (t.task or t.objective or "").replace("\n", " ")
        where = t.page_start if t.page_start is not None else t.line_start
        table.add_row(str(t.seq), t.origin, t.section or "", t.stt or "",
                      text[:width] + ("…" if len(text) > width else ""), t.lead or "", t.deadline or "",
                      "" if where is None else str(where))
    out.print(table)
    err.print(f"{len(ex.tasks)} tasks ({sum(t.origin == 'table' for t in ex.tasks)} from tables, "
              f"{sum(t.origin == 'prose' for t in ex.tasks)} from prose)")


@app.command()
def sql(out_dir: Path = typer.Argument(..., help="What `kehoach ingest` wrote."),
        query: str = typer.Argument(..., help='SQL over the views documents, tasks, task_units, citations, targets, findings, e.g. "select lead, count(*) from tasks group by 1".'),
        fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json.")):
    """Run a SQL query (DuckDB) over the datasets, each a view named after it."""
    import csv
    import json
    from kehoach.queries import connect, views
    con = connect(out_dir)
    if not views(con):
        err.print(f"[red]no datasets under {out_dir}[/red]")
        raise typer.Exit(2)
    try:
        rel = con.sql(query)
    except Exception as exc:  # DuckDB's parser and binder errors: the user's query, not a crash
        err.print(f"{type(exc).__name__}: {exc}", style="red", markup=False)
        raise typer.Exit(2)
    if rel is None:
        return
    cols, rows = rel.columns, rel.fetchall()
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    elif fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(cols, r)) for r in rows], ensure_ascii=False, default=str) + "\n")
    elif fmt == "table":
        table = Table(*cols)
        for r in rows:
            table.add_row(*["" if v is None else str(v) for v in r])
        out.print(table)
    else:
        err.print(f"[red]--format is table, csv or json, not {fmt!r}[/red]")
        raise typer.Exit(2)


@app.command()
def schema(out_dir: Path = typer.Argument(DEFAULT_OUT, help="What `kehoach ingest` wrote.")):
    """The datasets under DIR, with their columns and types as DuckDB reads them."""
    from kehoach.queries import schema as read_schema
    found = read_schema(out_dir)
    if not found:
        err.print(f"[red]no datasets under {out_dir}[/red]")
        raise typer.Exit(2)
    for name, cols in found.items():
        out.print(f"{name}: " + ", ".join(f"{c} {t}" for c, t in cols), markup=False, highlight=False)


@app.command()
def derive(out_dir: Path = typer.Argument(DEFAULT_OUT, help="What `kehoach ingest` wrote.")):
    """Re-derive the datasets that span files (plans, plan_documents) for an existing folder."""
    from kehoach.derive import derive as run
    if not (out_dir / "documents").is_dir():
        err.print(f"[red]no datasets under {out_dir}[/red]")
        raise typer.Exit(2)
    for name, n in run(out_dir).items():
        out.print(f"{name}: {n} rows", markup=False, highlight=False)


@app.command()
def version():
    """Print the version."""
    out.print(__version__)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

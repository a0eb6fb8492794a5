"""The data-quality report of what `kehoach ingest` wrote: the tables (per-file outcomes, findings
by kind) as rows for the terminal, JSON and CSV, and one self-contained HTML page for a manager,
with its charts drawn offline by matplotlib as inline SVG (no script, no external resource).

    from kehoach.report import build_html
    Path("report.html").write_text(build_html("output"), encoding="utf-8")
"""
from __future__ import annotations

import functools
import io
from html import escape
from pathlib import Path

from kehoach.queries import _scan, citation_index, has_dataset

KINDS_FILE = Path(__file__).resolve().parent.parent / "gazetteer" / "finding_kinds.yaml"

DOCUMENT_COLUMNS = ("file", "source", "format", "status", "tasks", "split", "pages", "ocr_share",
                    "ocr_confidence", "error_kind", "why")
FINDING_COLUMNS = ("kind", "severity", "n", "files", "meaning")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@functools.cache
def finding_meanings() -> dict[str, str]:
    """kind → one sentence on what it means (gazetteer/finding_kinds.yaml)."""
    import yaml
    path = KINDS_FILE
    if not path.is_file():  # installed as a package: kehoach/gazetteer/
        from importlib.resources import files
        path = Path(str(files("kehoach.gazetteer") / "finding_kinds.yaml"))
    return {str(k): str(v) for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}


def _con(folder: Path):
    import duckdb
    return duckdb.connect()


def _has(folder: Path, name: str) -> bool:
    return has_dataset(folder, name) and any((Path(folder) / name).rglob("*.parquet"))


def documents(folder: Path) -> list[dict]:
    """One row per input file, sorted by file name then path (stable)."""
    folder = Path(folder)
    split = (f"(select count(*) from {_scan([folder], 'tasks')} t where t.doc_id = d.doc_id "
             f"and t.source = d.source and t.split)" if _has(folder, "tasks") else "0")
    rows = _con(folder).sql(f"""
        select regexp_extract(d.source, '[^/]+$') as file, d.source, d.format, d.status,
               d.n_tasks as tasks, {split} as split, d.pages,
               case when d.pages > 0 then len(d.ocr_pages) / d.pages end as ocr_share,
               d.ocr_confidence, d.error_kind, coalesce(d.error, d.note, '') as why
        from {_scan([folder], 'documents')} d order by file, d.source, d.doc_id""").fetchall()
    return [dict(zip(DOCUMENT_COLUMNS, r)) for r in rows]


def findings(folder: Path) -> list[dict]:
    """One row per (kind, severity): count, files, meaning; most frequent first, then by kind."""
    folder = Path(folder)
    if not _has(folder, "findings"):
        return []
    rows = _con(folder).sql(f"""select kind, severity, count(*) as n, count(distinct source) as files
                                from {_scan([folder], 'findings')} group by kind, severity
                                order by n desc, kind, severity""").fetchall()
    meanings = finding_meanings()
    return [dict(zip(FINDING_COLUMNS, (*r, meanings.get(r[0], "")))) for r in rows]


def finding_examples(folder: Path, per_kind: int = 3) -> dict[str, list[dict]]:
    """kind → its first few findings (file, source, page, line, message, value), by file and page."""
    folder = Path(folder)
    if not _has(folder, "findings"):
        return {}
    rows = _con(folder).sql(f"""
        select kind, regexp_extract(source, '[^/]+$') as file, source, page, line, message, value from (
          select *, row_number() over (partition by kind order by source, page nulls last, line nulls last, seq)
                 as r from {_scan([folder], 'findings')}) where r <= {int(per_kind)}
        order by kind, r""").fetchall()
    out: dict[str, list[dict]] = {}
    for kind, *rest in rows:
        out.setdefault(kind, []).append(dict(zip(("file", "source", "page", "line", "message", "value"), rest)))
    return out


# --- charts ----------------------------------------------------------------------------------

def chart_data(folder: Path) -> dict[str, tuple[str, str, list[tuple[str, float]]]]:
    """id → (title, what the bar measures, [(label, value)]) for every chart of the report."""
    folder = Path(folder)
    con = _con(folder)
    docs = _scan([folder], "documents")

    def q(sql: str) -> list[tuple[str, float]]:
        return [(str(a), float(b)) for a, b in con.sql(sql).fetchall()]

    has_tasks, has_units, has_cit = _has(folder, "tasks"), _has(folder, "task_units"), _has(folder, "citations")
    charts = {
        # per plan: renderings and copies of one plan (plan_documents) count once, under the
        # issuer's official name when the gazetteer resolved it
        "issuer": ("Tasks per issuer (one document per plan)", "tasks", q(f"""
            with one as (select doc_id from (
                select p.doc_id, row_number() over (partition by p.plan_key order by d.n_tasks desc, d.doc_id) as r
                from {_scan([folder], 'plan_documents')} p join {docs} d using (doc_id)) where r = 1)
            select coalesce(d.issuer_name, d.issuer, '(issuer not found)'), sum(d.n_tasks) as n
            from {docs} d join one using (doc_id) group by 1 order by n desc, 1 limit 15""")
            if has_tasks and _has(folder, "plan_documents") else []),
        "lead_level": ("Tasks per level of the lead unit", "tasks", q(f"""
            select coalesce(level, '(not matched)'), count(distinct (doc_id, source, seq)) as n
            from {_scan([folder], 'task_units')} where role = 'lead' group by 1 order by n desc, 1""")
            if has_units else []),
        "deadlines": ("Deadlines by quarter (end of the deadline)", "tasks", q(f"""
            select year(deadline_end) || ' Q' || quarter(deadline_end) as q, count(*) from {_scan([folder], 'tasks')}
            where deadline_end is not null group by 1 order by 1""") if has_tasks else []),
        "citations": ("Most cited documents", "plans citing it",
                      [(k, float(n)) for k, _, _, n, _ in citation_index([folder], 10)] if has_cit else []),
        "ocr": ("OCR confidence per scanned file (0–100)", "confidence", q(f"""
            select regexp_extract(source, '[^/]+$') as f, ocr_confidence from {docs}
            where ocr_confidence is not null order by f""")),
        "failures": ("Failed files by reason", "files", q(f"""
            select coalesce(error_kind, '(no reason given)'), count(*) as n from {docs}
            where status = 'failed' group by 1 order by n desc, 1""")),
    }
    return charts


def _svg(title: str, measure: str, data: list[tuple[str, float]]) -> str:
    """A horizontal bar chart as inline SVG (text kept as text), largest first from the top."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    labels = [lab if len(lab) <= 45 else lab[:44] + "…" for lab, _ in data]
    values = [v for _, v in data]
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kehoach", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(6.2, 0.6 + 0.32 * max(len(data), 2)))
        bars = ax.barh(range(len(values)), values, color="#3b6ea5")
        ax.set_yticks(range(len(values)), labels)
        ax.invert_yaxis()
        ax.set_xlabel(measure)
        ax.bar_label(bars, fmt="%g", padding=2, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(x=0.12)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: inline in HTML
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)


# --- HTML ------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1200px;
color:#1d2733;line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:2px solid #3b6ea5;padding-bottom:.2rem;margin-top:2rem}
.lead{color:#52606d}.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{background:#f0f4f8;border-radius:6px;padding:.6rem 1rem;min-width:8rem}.card b{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%;font-size:.88rem}th,td{border:1px solid #d9e2ec;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#e4ecf4}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.failed td{background:#fdecea}
.sev-error{color:#b42318;font-weight:600}.sev-warning{color:#a15c07;font-weight:600}.sev-info{color:#52606d}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:1.2rem}
figure{margin:0;border:1px solid #d9e2ec;border-radius:6px;padding:.5rem}figcaption{font-weight:600;margin-bottom:.3rem}
figure svg{width:100%;height:auto}.nodata{color:#52606d;font-style:italic;padding:1.5rem 0;text-align:center}
ul.ex{margin:.2rem 0;padding-left:1.1rem}code{font-size:.85em}
"""

SECTIONS = ("Summary", "Files", "Findings", "Charts")


def _fmt(v, pct: bool = False) -> str:
    if v is None or v == "":
        return "—"
    if pct:
        return f"{100 * v:.0f}%"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def _place(ex: dict, with_link: bool = True) -> str:
    where = escape(ex["file"] or "")
    if ex.get("page") is not None:
        where += f", page {escape(str(ex['page']))}"
    if ex.get("line") is not None:
        where += f", line {escape(str(ex['line']))}"
    src = Path(ex.get("source") or "")
    if with_link and src.is_file():
        uri = src.resolve().as_uri() + (f"#page={ex['page']}" if ex.get("page") is not None else "")
        where = f'<a href="{escape(uri)}">{where}</a>'
    return where


def build_html(folder, title: str = "Data-quality report") -> str:
    """The whole report as one self-contained HTML page (inline CSS and SVG, no script)."""
    folder = Path(folder)
    if not has_dataset(folder, "documents"):
        raise FileNotFoundError(f"no datasets under {folder}")
    docs, finds, examples = documents(folder), findings(folder), finding_examples(folder)
    n_failed = sum(d["status"] == "failed" for d in docs)
    n_tasks = sum(d["tasks"] or 0 for d in docs)
    p = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f'<title>{escape(title)}</title><style>{CSS}</style></head><body>',
         f'<h1>{escape(title)}</h1>',
         f'<p class="lead">What <code>kehoach ingest</code> made of the files under <code>{escape(str(folder))}</code>: '
         'how each file fared, what was repaired or doubted, and charts of the tasks found.</p>',
         '<h2 id="summary">Summary</h2><div class="cards">']
    for label, value in (("files", len(docs)), ("read", len(docs) - n_failed), ("failed", n_failed),
                         ("tasks", n_tasks), ("findings", sum(f["n"] for f in finds))):
        p.append(f'<div class="card"><b>{escape(str(value))}</b>{escape(label)}</div>')
    p.append('</div>')

    p.append('<h2 id="files">Files</h2><p class="lead">One row per input file. "Split" counts tasks joined '
             'across a page break; "OCR pages" is the share of pages read from an image; "—" means not '
             'applicable (a text file has no pages).</p>')
    p.append('<table><thead><tr>' + "".join(f"<th>{h}</th>" for h in (
        "file", "format", "status", "tasks", "split", "pages", "OCR pages", "OCR confidence", "error / note"))
        + '</tr></thead><tbody>')
    for d in docs:
        why = d["why"] or ""
        if d["error_kind"] and d["error_kind"].lower() not in why.lower():
            why = f"{d['error_kind']}: {why}"
        cells = [f'<td title="{escape(d["source"] or "")}">{escape(d["file"] or "")}</td>',
                 f'<td>{escape(_fmt(d["format"]))}</td>', f'<td>{escape(_fmt(d["status"]))}</td>',
                 *(f'<td class="n">{escape(_fmt(d[k]))}</td>' for k in ("tasks", "split", "pages")),
                 f'<td class="n">{escape(_fmt(d["ocr_share"], pct=True))}</td>',
                 f'<td class="n">{escape(_fmt(d["ocr_confidence"]))}</td>', f'<td>{escape(why)}</td>']
        p.append(f'<tr class="{escape(d["status"] or "")}">' + "".join(cells) + '</tr>')
    p.append('</tbody></table>')

    p.append('<h2 id="findings">Findings</h2><p class="lead">Each kind of thing the reader repaired, doubted '
             'or could not parse, with what it means and where it happened (the first few places).</p>')
    if not finds:
        p.append('<p class="nodata">No findings: nothing was repaired or doubted.</p>')
    else:
        p.append('<table><thead><tr><th>finding</th><th>severity</th><th>count</th><th>files</th>'
                 '<th>what it means</th><th>examples (file, page)</th></tr></thead><tbody>')
        for f in sorted(finds, key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), -f["n"], f["kind"])):
            exs = "".join(
                f'<li>{_place(e)}: {escape(str(e["message"] or ""))}'
                + (f' — <code>{escape(str(e["value"]))}</code>' if e["value"] not in (None, "") else "") + '</li>'
                for e in examples.get(f["kind"], []))
            p.append(f'<tr><td><code>{escape(f["kind"])}</code></td>'
                     f'<td class="sev-{escape(f["severity"] or "")}">{escape(f["severity"] or "")}</td>'
                     f'<td class="n">{f["n"]}</td><td class="n">{f["files"]}</td>'
                     f'<td>{escape(f["meaning"] or "(no description yet)")}</td><td><ul class="ex">{exs}</ul></td></tr>')
        p.append('</tbody></table>')

    p.append('<h2 id="charts">Charts</h2><div class="charts">')
    for cid, (ctitle, measure, data) in chart_data(folder).items():
        body = _svg(ctitle, measure, data) if data else \
            f'<p class="nodata">No data for this chart in these files.</p>'
        p.append(f'<figure class="chart" id="chart-{escape(cid)}"><figcaption>{escape(ctitle)}</figcaption>{body}</figure>')
    p.append('</div></body></html>')
    return "\n".join(p) + "\n"

"""Scores of the meaning layer — citations, deadlines, targets — against corpus/gold.

Gold formats (written by hand; corpus/gold/README.md describes the tasks gold and stem matching):
    citations/<stem>.json  {"doc", "citations": [{"key", "kind", "date"}], "notes"}
    deadlines/<stem>.json  {"doc", "deadlines": [{"seq", "text", "kind", "start", "end", "recurrence"}], "notes"}
    targets/<stem>.json    {"doc", "targets": [{"indicator", "comparator", "value", "unit", "text"}], "notes"}

`citation_scores`, `deadline_scores`, `target_scores` read what `kehoach ingest` wrote to
OUT_DIR (Parquet folders citations/, tasks/, targets/, hive partitions allowed) and match each
output document to the gold whose stem starts its source file name. Every function returns
{"per_doc": {source: {...}}, "overall": {...}}; overall figures are micro-averaged.

- citation key F1: the set of distinct non-null keys of a document vs the gold set;
- deadline accuracy: a gold deadline (by task seq) is right when kind, start, end and
  recurrence all equal the gold; a missing task row counts as wrong;
- target F1: multiset match on (indicator, value, comparator).

`direct_scores(gold_dir, seeds_dir)` applies the normalizers straight to the seed texts and
gold task cells, for measuring them before (or apart from) the pipeline:
    python -m kehoach.eval.meaning corpus/gold corpus/seeds --direct
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from kehoach.eval._common import by_source, f1, gold_files, read_dataset


# --- shared -----------------------------------------------------------------------------------

def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1(p, r), 4), "tp": tp, "fp": fp, "fn": fn}


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return (v.date() if isinstance(v, dt.datetime) else v).isoformat()
    return str(v)[:10]


# --- citations --------------------------------------------------------------------------------

def _citation_doc(gold_keys: set[str], out_keys: set[str]) -> dict[str, Any]:
    tp = len(gold_keys & out_keys)
    return {**_prf(tp, len(out_keys - gold_keys), len(gold_keys - out_keys)),
            "missing": sorted(gold_keys - out_keys), "extra": sorted(out_keys - gold_keys)}


def _micro(per_doc: dict[str, dict]) -> dict[str, Any]:
    tp = sum(d["tp"] for d in per_doc.values())
    fp = sum(d["fp"] for d in per_doc.values())
    fn = sum(d["fn"] for d in per_doc.values())
    return {**_prf(tp, fp, fn), "documents": len(per_doc)}


def citation_scores(gold_dir: Path, out_dir: Path) -> dict[str, Any]:
    gold = gold_files(gold_dir, "citations")
    per_doc = {}
    for src, (stem, rows) in by_source(read_dataset(out_dir, "citations"), gold).items():
        gold_keys = {c["key"] for c in gold[stem]["citations"]}
        per_doc[src] = _citation_doc(gold_keys, {r["key"] for r in rows if r.get("key")})
    return {"per_doc": per_doc, "overall": _micro(per_doc)}


# --- deadlines --------------------------------------------------------------------------------

def _deadline_right(g: dict, kind: Any, start: Any, end: Any, rec: Any) -> bool:
    return (g["kind"] == kind and g.get("start") == _iso(start) and g.get("end") == _iso(end)
            and (g.get("recurrence") or None) == (rec or None))


def _deadline_doc(gold: list[dict], by_seq: dict[int, dict]) -> dict[str, Any]:
    right, misses = 0, []
    for g in gold:
        r = by_seq.get(g["seq"])
        got = (r.get("deadline_kind"), r.get("deadline_start"), r.get("deadline_end"),
               r.get("deadline_recurrence")) if r else (None, None, None, None)
        if _deadline_right(g, *got):
            right += 1
        else:
            misses.append({"seq": g["seq"], "text": g["text"], "gold": [g["kind"], g.get("start"), g.get("end"), g.get("recurrence")],
                           "got": [got[0], _iso(got[1]), _iso(got[2]), got[3]]})
    n = len(gold)
    return {"accuracy": round(right / n, 4) if n else 1.0, "right": right, "total": n, "misses": misses}


def _accuracy(per_doc: dict[str, dict]) -> dict[str, Any]:
    right = sum(d["right"] for d in per_doc.values())
    total = sum(d["total"] for d in per_doc.values())
    return {"accuracy": round(right / total, 4) if total else 0.0, "right": right, "total": total,
            "documents": len(per_doc)}


def deadline_scores(gold_dir: Path, out_dir: Path) -> dict[str, Any]:
    gold = gold_files(gold_dir, "deadlines")
    per_doc = {}
    for src, (stem, rows) in by_source(read_dataset(out_dir, "tasks"), gold).items():
        by_seq = {int(r["seq"]): r for r in rows if r.get("seq") is not None}
        per_doc[src] = _deadline_doc(gold[stem]["deadlines"], by_seq)
    return {"per_doc": per_doc, "overall": _accuracy(per_doc)}


# --- targets ----------------------------------------------------------------------------------

def _target_key(indicator: Any, value: Any, comparator: Any) -> tuple:
    return (indicator, None if value is None else round(float(value), 3), comparator)


def _target_doc(gold: list[dict], out: list[tuple]) -> dict[str, Any]:
    g = Counter(_target_key(t["indicator"], t["value"], t["comparator"]) for t in gold)
    o = Counter(out)
    tp = sum((g & o).values())
    return {**_prf(tp, sum(o.values()) - tp, sum(g.values()) - tp),
            "missing": [list(k) for k in (g - o).elements()], "extra": [list(k) for k in (o - g).elements()]}


def target_scores(gold_dir: Path, out_dir: Path) -> dict[str, Any]:
    gold = gold_files(gold_dir, "targets")
    per_doc = {}
    for src, (stem, rows) in by_source(read_dataset(out_dir, "targets"), gold).items():
        out = [_target_key(r.get("indicator"), r.get("value"), r.get("comparator")) for r in rows]
        per_doc[src] = _target_doc(gold[stem]["targets"], out)
    return {"per_doc": per_doc, "overall": _micro(per_doc)}


def meaning_scores(gold_dir: Path, out_dir: Path) -> dict[str, Any]:
    return {"citations": citation_scores(gold_dir, out_dir),
            "deadlines": deadline_scores(gold_dir, out_dir),
            "targets": target_scores(gold_dir, out_dir)}


# --- direct: the normalizer stages on the gold task tables -------------------------------------

def _gold_extractions(gold_dir: Path, seeds_dir: Path) -> dict[str, Any]:
    """Each seed read by the pipeline (its text blocks and metadata), with the gold task table
    in place of the recovered one: the normalizers are then scored on cells known to be
    right, through the very stages `kehoach ingest` runs."""
    from dataclasses import replace

    from kehoach.model import Task
    from kehoach.pipeline import extract
    tasks = gold_files(gold_dir, "tasks")
    out = {}
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        g = tasks.get(path.stem, {})
        titles = {s["label"]: s.get("title") for s in g.get("sections", [])}
        gold_tasks = tuple(Task(
            seq=t["seq"], section=t.get("section"), section_title=titles.get(t.get("section")),
            stt=t.get("stt"), objective=t.get("objective"), task=t.get("task"), output=t.get("output"),
            lead=t.get("lead"), support=t.get("support"), deadline=t.get("deadline"), basis=t.get("basis"),
            split=bool(t.get("split")), page_start=None, page_end=None, table=1) for t in g.get("tasks", []))
        out[path.stem] = replace(extract(path), tasks=gold_tasks, found={})
    return out


def _stage(name: str, ex) -> list:
    """The values the registered normalizer `name` finds in one extraction."""
    from kehoach.normalize import Errors, registered
    from kehoach.settings import NormalizeSettings
    norm = next(n for n in registered() if n.name == name)
    found, _ = norm.run(ex, getattr(NormalizeSettings(), name), Errors(name))
    return found


def direct_citation_scores(gold_dir: Path, seeds_dir: Path) -> dict[str, Any]:
    """The citations stage on each seed's prose and gold task cells."""
    exs = _gold_extractions(gold_dir, seeds_dir)
    per_doc = {}
    for stem, g in gold_files(gold_dir, "citations").items():
        found = _stage("citations", exs[stem]) if stem in exs else []
        per_doc[stem] = _citation_doc({c["key"] for c in g["citations"]}, {f.value.key for f in found if f.value.key})
    return {"per_doc": per_doc, "overall": _micro(per_doc)}


def direct_deadline_scores(gold_dir: Path, seeds_dir: Path) -> dict[str, Any]:
    """The deadlines stage on each gold task's deadline cell."""
    exs = _gold_extractions(gold_dir, seeds_dir)
    per_doc = {}
    for stem, g in gold_files(gold_dir, "deadlines").items():
        found = _stage("deadlines", exs[stem]) if stem in exs else []
        by_seq = {f.seq: {"deadline_kind": f.value.kind, "deadline_start": f.value.start,
                          "deadline_end": f.value.end, "deadline_recurrence": f.value.recurrence}
                  for f in found}
        per_doc[stem] = _deadline_doc(g["deadlines"], by_seq)
    return {"per_doc": per_doc, "overall": _accuracy(per_doc)}


def direct_target_scores(gold_dir: Path, seeds_dir: Path) -> dict[str, Any]:
    """The targets stage on each seed's prose and gold task rows."""
    exs = _gold_extractions(gold_dir, seeds_dir)
    per_doc = {}
    for stem, g in gold_files(gold_dir, "targets").items():
        found = _stage("targets", exs[stem]) if stem in exs else []
        per_doc[stem] = _target_doc(g["targets"], [_target_key(f.value.indicator, f.value.value, f.value.comparator)
                                                   for f in found])
    return {"per_doc": per_doc, "overall": _micro(per_doc)}


def direct_scores(gold_dir: Path, seeds_dir: Path) -> dict[str, Any]:
    return {"citations": direct_citation_scores(gold_dir, seeds_dir),
            "deadlines": direct_deadline_scores(gold_dir, seeds_dir),
            "targets": direct_target_scores(gold_dir, seeds_dir)}


def format_report(scores: dict[str, Any], *, misses: bool = True) -> str:
    """Plain-text report of `meaning_scores` / `direct_scores`; `misses` lists each error."""
    c, d, t = (scores[k]["overall"] for k in ("citations", "deadlines", "targets"))
    lines = [f"citation key F1 {c['f1']:.4f} (P {c['precision']:.4f} R {c['recall']:.4f}, tp {c['tp']} fp {c['fp']} fn {c['fn']})",
             f"deadline accuracy {d['accuracy']:.4f} ({d['right']}/{d['total']})",
             f"target F1 {t['f1']:.4f} (P {t['precision']:.4f} R {t['recall']:.4f}, tp {t['tp']} fp {t['fp']} fn {t['fn']})"]
    if not misses:
        return "\n".join(lines)
    for name in ("citations", "targets"):
        for doc, s in scores[name]["per_doc"].items():
            if s["fp"] or s["fn"]:
                lines.append(f"  {name} {doc}: missing {s['missing']} extra {s['extra']}")
    for doc, s in scores["deadlines"]["per_doc"].items():
        for m in s["misses"]:
            lines.append(f"  deadline {doc} seq {m['seq']} {m['text']!r}: gold {m['gold']} got {m['got']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("target", type=Path, help="OUT_DIR of `kehoach ingest`, or the seeds folder with --direct")
    ap.add_argument("--direct", action="store_true", help="run the normalizers on seed texts and gold task cells")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    scores = direct_scores(a.gold_dir, a.target) if a.direct else meaning_scores(a.gold_dir, a.target)
    print(json.dumps(scores, ensure_ascii=False, indent=1, default=str) if a.json else format_report(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

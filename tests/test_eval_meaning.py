"""kehoach.eval.meaning reads the Parquet datasets the pipeline writes and scores them."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kehoach.eval.meaning import citation_scores, deadline_scores, meaning_scores, target_scores

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "corpus" / "gold"


def _write(out: Path, name: str, rows: list[dict], schema: pa.Schema) -> None:
    # hive layout as the pipeline may write it: <name>/doc_id=<id>/part-0.parquet
    by_doc: dict[str, list[dict]] = {}
    for r in rows:
        by_doc.setdefault(r["doc_id"], []).append(r)
    for doc, rs in by_doc.items():
        folder = out / name / f"doc_id={doc}"
        folder.mkdir(parents=True, exist_ok=True)
        cols = {f.name: [r.get(f.name) for r in rs] for f in schema}
        pq.write_table(pa.table(cols, schema=schema), folder / "part-0.parquet")


CIT = pa.schema([("source", pa.string()), ("key", pa.string()), ("kind", pa.string()), ("date", pa.date32())])
TASKS = pa.schema([("source", pa.string()), ("seq", pa.int32()), ("deadline_kind", pa.string()),
                   ("deadline_start", pa.date32()), ("deadline_end", pa.date32()),
                   ("deadline_recurrence", pa.string())])
TARGETS = pa.schema([("source", pa.string()), ("seq", pa.int32()), ("indicator", pa.string()),
                     ("comparator", pa.string()), ("value", pa.float64()), ("unit", pa.string())])


def _gold(kind: str) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((GOLD / kind).glob("*.json"))}


def _d(s):
    return dt.date.fromisoformat(s) if s else None


def _outputs_from_gold(out: Path, drop_one: bool = False) -> None:
    cit, tasks, targets = [], [], []
    for stem, g in _gold("citations").items():
        items = g["citations"][1:] if drop_one else g["citations"]
        cit += [{"doc_id": stem[:3], "source": f"corpus/seeds/{stem}.pdf", "key": c["key"], "kind": c["kind"],
                 "date": _d(c["date"])} for c in items]
        cit.append({"doc_id": stem[:3], "source": f"corpus/seeds/{stem}.pdf", "key": None, "kind": "Đề án", "date": None})
    for stem, g in _gold("deadlines").items():
        for i, x in enumerate(g["deadlines"]):
            kind = "unparsed" if drop_one and i == 0 else x["kind"]
            tasks.append({"doc_id": stem[:3], "source": f"corpus/seeds/{stem}.pdf", "seq": x["seq"],
                          "deadline_kind": kind, "deadline_start": _d(x["start"]), "deadline_end": _d(x["end"]),
                          "deadline_recurrence": x["recurrence"]})
    for stem, g in _gold("targets").items():
        items = g["targets"][1:] if drop_one else g["targets"]
        targets += [{"doc_id": stem[:3], "source": f"corpus/seeds/{stem}.pdf", "seq": None, "indicator": t["indicator"],
                     "comparator": t["comparator"], "value": float(t["value"]), "unit": t["unit"]} for t in items]
    _write(out, "citations", cit, CIT)
    _write(out, "tasks", tasks, TASKS)
    _write(out, "targets", targets, TARGETS)


def test_perfect_output_scores_one(tmp_path):
    _outputs_from_gold(tmp_path)
    s = meaning_scores(GOLD, tmp_path)
    assert s["citations"]["overall"]["f1"] == 1.0 and s["citations"]["overall"]["documents"] == 5
    assert s["deadlines"]["overall"]["accuracy"] == 1.0 and s["deadlines"]["overall"]["documents"] == 4
    assert s["targets"]["overall"]["f1"] == 1.0


def test_errors_are_counted(tmp_path):
    _outputs_from_gold(tmp_path, drop_one=True)
    c = citation_scores(GOLD, tmp_path)["overall"]
    assert c["fn"] == 5 and c["fp"] == 0 and c["f1"] < 1.0
    d = deadline_scores(GOLD, tmp_path)
    assert d["overall"]["right"] == d["overall"]["total"] - 4
    miss = next(iter(d["per_doc"].values()))["misses"][0]
    assert miss["got"][0] == "unparsed"
    t = target_scores(GOLD, tmp_path)["overall"]
    assert t["fn"] == 5 and t["recall"] < 1.0


def test_missing_dataset_scores_nothing(tmp_path):
    s = meaning_scores(GOLD, tmp_path)
    assert s["citations"]["overall"]["documents"] == 0
    assert s["deadlines"]["overall"]["total"] == 0

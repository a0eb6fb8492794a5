"""Score prose tasks (origin == "prose" in the tasks dataset) against corpus/gold-prose.

    kehoach ingest <sources> --out DIR
    python -m kehoach.eval.prose --gold corpus/gold-prose --out DIR

Predicted and gold tasks are matched one-to-one by text similarity (greedy on the best pairs
above a threshold); per document it reports task precision / recall / F1, lead accuracy over
the gold tasks with a non-empty lead and deadline accuracy over those with a deadline (values
compared NFC, casefolded, with spaces collapsed, a trailing '.' and spaces around '-' ignored).
Self-contained on purpose: it reads only the Parquet output and the gold JSON.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

THRESHOLD = 0.5


def norm(value) -> str:
    s = unicodedata.normalize("NFC", str(value or "")).casefold()
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s.rstrip(" .;:").strip()


def similarity(a: str, b: str) -> float:
    try:
        from rapidfuzz import fuzz
        return fuzz.ratio(a, b) / 100.0
    except ImportError:  # pragma: no cover
        from difflib import SequenceMatcher
        return SequenceMatcher(None, a, b).ratio()


def match(gold: list[dict], pred: list[dict], threshold: float = THRESHOLD) -> dict[int, int]:
    """gold index → pred index, one-to-one, best pairs first."""
    pairs = []
    gt = [norm(g.get("task")) for g in gold]
    pt = [norm(p.get("task")) for p in pred]
    for i, a in enumerate(gt):
        for j, b in enumerate(pt):
            s = similarity(a, b)
            if s >= threshold:
                pairs.append((s, i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    out: dict[int, int] = {}
    used: set[int] = set()
    for _s, i, j in pairs:
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


@dataclass
class DocScore:
    name: str
    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    lead_n: int = 0
    lead_ok: int = 0
    deadline_n: int = 0
    deadline_ok: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.n_pred if self.n_pred else (1.0 if not self.n_gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def lead_acc(self) -> float:
        return self.lead_ok / self.lead_n if self.lead_n else 1.0

    @property
    def deadline_acc(self) -> float:
        return self.deadline_ok / self.deadline_n if self.deadline_n else 1.0


def score_document(name: str, gold: list[dict], pred: list[dict]) -> DocScore:
    d = DocScore(name, n_gold=len(gold), n_pred=len(pred))
    pairs = match(gold, pred)
    d.matched = len(pairs)
    for i, g in enumerate(gold):
        p = pred[pairs[i]] if i in pairs else None
        if i not in pairs:
            d.misses.append(f"missing task: {g['task'][:70]}")
        for fld, n_attr, ok_attr in (("lead", "lead_n", "lead_ok"), ("deadline", "deadline_n", "deadline_ok")):
            if not norm(g.get(fld)):
                continue
            setattr(d, n_attr, getattr(d, n_attr) + 1)
            if p is not None and norm(p.get(fld)) == norm(g.get(fld)):
                setattr(d, ok_attr, getattr(d, ok_attr) + 1)
            elif p is not None:
                d.misses.append(f"{fld} seq {g['seq']}: gold {g.get(fld)!r} got {p.get(fld)!r}")
    for j, p in enumerate(pred):
        if j not in pairs.values():
            d.misses.append(f"extra task: {(p.get('task') or '')[:70]}")
    return d


def load_gold(gold_dir: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.json"))}


def read_prose(out_dir: Path) -> dict[str, list[dict]]:
    import pyarrow.dataset as ds
    path = Path(out_dir) / "tasks"
    if not path.exists():
        return {}
    rows = ds.dataset(str(path), format="parquet", partitioning="hive").to_table().to_pylist()
    out: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("origin") == "prose":
            out.setdefault(Path(str(r["source"])).name, []).append(r)
    for v in out.values():
        v.sort(key=lambda r: r.get("seq") or 0)
    return out


def score(gold_dir: Path, out_dir: Path) -> list[DocScore]:
    golds = load_gold(gold_dir)
    preds = read_prose(out_dir)
    docs = []
    for stem, g in golds.items():
        name = Path(g.get("source") or stem).name
        pred = preds.get(name) or next((v for k, v in preds.items() if k.startswith(stem)), [])
        docs.append(score_document(stem, g["tasks"], pred))
    return docs


def overall(docs: list[DocScore]) -> DocScore:
    t = DocScore("overall")
    for d in docs:
        for a in ("n_gold", "n_pred", "matched", "lead_n", "lead_ok", "deadline_n", "deadline_ok"):
            setattr(t, a, getattr(t, a) + getattr(d, a))
    return t


def table(docs: list[DocScore]) -> str:
    lines = [f"{'document':42} {'gold':>4} {'pred':>4} {'match':>5} {'P':>6} {'R':>6} {'F1':>6} {'lead':>11} {'deadline':>11}"]
    for d in docs + [overall(docs)]:
        lines.append(f"{d.name[:42]:42} {d.n_gold:4} {d.n_pred:4} {d.matched:5} {d.precision:6.3f} {d.recall:6.3f} "
                     f"{d.f1:6.3f} {d.lead_acc:5.3f} {d.lead_ok:2}/{d.lead_n:<3} {d.deadline_acc:5.3f} {d.deadline_ok:2}/{d.deadline_n:<3}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kehoach.eval.prose", description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default="corpus/gold-prose", type=Path)
    ap.add_argument("--out", required=True, type=Path, help="dataset folder written by kehoach ingest")
    ap.add_argument("--misses", action="store_true", help="list what each document got wrong")
    a = ap.parse_args(argv)
    docs = score(a.gold, a.out)
    print(table(docs))
    if a.misses:
        for d in docs:
            for m in d.misses:
                print(f"  {d.name}: {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Accuracy of unit mentions against corpus/gold/units: mention F1 and full-name accuracy.

Two entries:
- `score_units(gold_dir, out_dir)` scores the `task_units` dataset that `kehoach ingest` wrote,
  each input file on its own;
- `score_resolver(gold_dir)` runs the resolver on the gold cells themselves, so the normalizer can
  be measured apart from table recovery.

Per cell, predicted and gold mentions are paired by their text after light normalization (the
same as the task metric: NFC, casefold, single spaces, no space around '-' or before ',.;:)',
modern tone placement, leading bullets and trailing '.;' removed). Mention F1 counts pairs; name
accuracy is the share of gold mentions whose paired prediction has the gold full name (a gold
mention without a pair counts as wrong).
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from kehoach.eval._common import by_source, f1, gold_files, read_dataset
from kehoach.normalize.units import normalize_text, resolve_units

Pair = tuple[str, str | None]          # (mention, unit_name)


def light(text: str | None) -> str:
    if not text:
        return ""
    t = normalize_text(text).casefold()
    t = re.sub(r"\s*-\s*", "-", t)
    t = re.sub(r"\s+([,.;:)])", r"\1", t)
    t = re.sub(r"^(?:[-+•*]\s*)+", "", t)
    return t.strip(" .;")


def _load_gold(gold_dir: Path) -> dict[str, dict]:
    return gold_files(gold_dir, "units", flat=True)


def _pair_cell(gold: list[Pair], pred: list[Pair]) -> tuple[int, int, int, list[dict]]:
    """(true positives, names right, gold count, misses) for one cell."""
    left = Counter()
    by_text: dict[str, list[str | None]] = {}
    for m, name in pred:
        left[light(m)] += 1
        by_text.setdefault(light(m), []).append(name)
    tp = names = 0
    misses = []
    for m, name in gold:
        key = light(m)
        if left[key] > 0:
            left[key] -= 1
            got = by_text[key].pop(0)
            tp += 1
            if light(got) == light(name):
                names += 1
            else:
                misses.append({"mention": m, "gold": name, "got": got})
        else:
            misses.append({"mention": m, "gold": name, "got": "(mention not found)"})
    for key, n in left.items():
        for _ in range(n):
            misses.append({"mention": key, "gold": None, "got": "(extra mention)"})
    return tp, names, len(gold), misses


def _summary(tp: int, names: int, n_gold: int, n_pred: int) -> dict:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    return {"mention_precision": round(p, 4), "mention_recall": round(r, 4), "mention_f1": round(f1(p, r), 4),
            "name_accuracy": round(names / n_gold, 4) if n_gold else 1.0,
            "gold_mentions": n_gold, "predicted_mentions": n_pred}


Predict = Callable[[dict], list[Pair] | None]    # gold cell -> predicted pairs (None: not scored)


def _score(documents: Iterable[tuple[str, dict, Predict]]) -> dict:
    """Scores of (label, gold document, predict) documents, each and overall (micro)."""
    docs, misses = {}, []
    total = Counter()
    for label, g, predict in documents:
        c = Counter()
        for cell in g["cells"]:
            gold_pairs = [(m["mention"], m["unit_name"]) for m in cell["mentions"]]
            pred = predict(cell)
            if pred is None:
                continue
            tp, names, n_gold, cell_misses = _pair_cell(gold_pairs, pred)
            c.update(tp=tp, names=names, gold=n_gold, pred=len(pred))
            misses += [{"doc": label, "seq": cell["seq"], "role": cell["role"], **m} for m in cell_misses]
        docs[label] = _summary(c["tp"], c["names"], c["gold"], c["pred"])
        total.update(c)
    return {"docs": docs, "overall": _summary(total["tp"], total["names"], total["gold"], total["pred"]),
            "misses": misses}


def score_resolver(gold_dir: Path, resolve: Callable = resolve_units) -> dict:
    """Run the resolver on every gold cell (with the gold's issuer and place) and score it."""
    def resolver(g: dict) -> Predict:
        def predict(cell: dict) -> list[Pair]:
            found = resolve(cell["text"], role=cell["role"], issuer=g.get("issuer"), place=g.get("place"))
            return [(u.mention, u.unit_name) for u in found]
        return predict
    return _score((stem, g, resolver(g)) for stem, g in _load_gold(Path(gold_dir)).items())


def score_units(gold_dir: Path, out_dir: Path) -> dict:
    """Score the task_units dataset in out_dir against the gold, each input file on its own (as
    the table eval does: the renderings of one seed are as many documents), then overall.

    The files are those of the documents dataset (every file ingest read, so one that lost all its
    mentions counts as all missed) and of task_units; a file is matched to the gold whose stem starts
    its name. A gold document no file was found for counts as all mentions missed, under its stem."""
    gold = _load_gold(Path(gold_dir))
    units = by_source(read_dataset(out_dir, "task_units"), gold)
    found = {src: stem for src, (stem, _) in by_source(read_dataset(out_dir, "documents"), gold).items()}
    found.update({src: stem for src, (stem, _) in units.items()})

    def predicted(src: str) -> Predict:
        cells: dict[tuple[int, str], list[Pair]] = {}
        for r in units.get(src, ("", []))[1]:
            cells.setdefault((int(r["seq"]), r["role"]), []).append((r["mention"], r.get("unit_name")))
        return lambda cell: cells.get((cell["seq"], cell["role"]), [])

    documents: list[tuple[str, dict, Predict]] = []
    for stem, g in gold.items():
        sources = sorted((src for src, s in found.items() if s == stem), key=lambda src: Path(src).name)
        documents += [(Path(src).name, g, predicted(src)) for src in sources] or [(stem, g, lambda cell: [])]
    result = _score(documents)
    result["documents_found"] = sorted(set(found.values()))
    return result


def format_report(result: dict, misses: bool = False) -> str:
    width = max([28, *(len(label) for label in result["docs"])])
    lines = [f"{'doc':{width}} {'mention_f1':>10} {'name_acc':>9} {'gold':>5} {'pred':>5}"]
    for label, s in {**result["docs"], "overall": result["overall"]}.items():
        lines.append(f"{label:{width}} {s['mention_f1']:10.4f} {s['name_accuracy']:9.4f} "
                     f"{s['gold_mentions']:5d} {s['predicted_mentions']:5d}")
    if misses:
        lines += [f"  {m['doc']} seq {m['seq']} {m['role']}: {m['mention']!r}: gold {m['gold']!r}, got {m['got']!r}"
                  for m in result["misses"]]
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> None:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("out_dir", type=Path, nargs="?", help="pipeline output; omit to score the resolver alone")
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args(list(argv) if argv is not None else None)
    result = score_units(args.gold_dir, args.out_dir) if args.out_dir else score_resolver(args.gold_dir)
    print(format_report(result, args.misses))


if __name__ == "__main__":
    main()

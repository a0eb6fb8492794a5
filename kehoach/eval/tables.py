"""Accuracy of the recovered task tables against gold logical tables.

The metric is the project's (corpus/gold/README.md): rows aligned monotonically by the
similarity of (stt, objective, task); cell_acc = gold cells reproduced exactly after light
normalization, unmatched gold rows counting as wrong; row_f1 of matched rows; split_acc =
split tasks with every cell right.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from kehoach.eval._common import f1, gold_files, read_dataset, rows_by_source, stem_of

FIELDS = ("section", "stt", "objective", "task", "output", "lead", "support", "deadline", "basis")
# Old-style tone placement ("hoá") is the same word as the new ("hóa").
_OLD_TONE = (("oá", "óa"), ("oà", "òa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
             ("uý", "úy"), ("uỳ", "ùy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy"))
MATCH_THRESHOLD = 0.6


def normalize_cell(value) -> str:
    if value is None:
        return ""
    s = unicodedata.normalize("NFC", str(value)).casefold()
    for old, new in _OLD_TONE:
        s = s.replace(old, new)
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\s+([,.;:)])", r"\1", s)
    s = re.sub(r"([(])\s+", r"\1", s)
    return s.strip(" .;")


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _row_key(row: dict) -> str:
    return " ".join(normalize_cell(row.get(f)) for f in ("stt", "objective", "task"))


def align_rows(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    """Monotone alignment of gold rows to predicted rows maximizing summed similarity."""
    gk, pk = [_row_key(g) for g in gold], [_row_key(p) for p in pred]
    n, m = len(gk), len(pk)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best, how = score[i - 1][j], "g"
            if score[i][j - 1] > best:
                best, how = score[i][j - 1], "p"
            s = _ratio(gk[i - 1], pk[j - 1])
            if s >= MATCH_THRESHOLD and score[i - 1][j - 1] + s > best:
                best, how = score[i - 1][j - 1] + s, "m"
            score[i][j], move[i][j] = best, how
    pairs: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        how = move[i][j]
        if how == "m":
            pairs[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif how == "g":
            i -= 1
        else:
            j -= 1
    return pairs


@dataclass
class DocScore:
    name: str
    cells: int = 0
    correct: int = 0
    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    split_total: int = 0
    split_ok: int = 0
    misses: list[tuple] = field(default_factory=list)

    @property
    def f1(self) -> float:
        return f1(self.matched / self.n_pred if self.n_pred else 0.0,
                  self.matched / self.n_gold if self.n_gold else 1.0)

    @property
    def cell_acc(self) -> float:
        return self.correct / self.cells if self.cells else 0.0


def score_document(name: str, gold: dict, pred: list[dict]) -> DocScore:
    gtasks = gold["tasks"]
    fields = [f for f in FIELDS if any(f in t for t in gtasks)]
    pairs = align_rows(gtasks, pred)
    out = DocScore(name=name, n_gold=len(gtasks), n_pred=len(pred), matched=len(pairs))
    for gi, g in enumerate(gtasks):
        p = pred[pairs[gi]] if gi in pairs else None
        ok = True
        for f in fields:
            if f not in g:
                continue
            out.cells += 1
            if p is not None and normalize_cell(g.get(f)) == normalize_cell(p.get(f)):
                out.correct += 1
            else:
                ok = False
                out.misses.append((g.get("seq"), f, g.get(f), None if p is None else p.get(f)))
        if g.get("split"):
            out.split_total += 1
            out.split_ok += ok
    return out


@dataclass
class EvalResult:
    docs: list[DocScore]

    @property
    def cell_acc(self) -> float:
        t = sum(d.cells for d in self.docs)
        return sum(d.correct for d in self.docs) / t if t else 0.0

    @property
    def row_f1(self) -> float:
        return sum(d.f1 for d in self.docs) / len(self.docs) if self.docs else 0.0

    @property
    def split_acc(self) -> float:
        t = sum(d.split_total for d in self.docs)
        return sum(d.split_ok for d in self.docs) / t if t else 0.0


def load_gold(gold_dir: Path) -> dict[str, dict]:
    return gold_files(gold_dir, "tasks", flat=True)


def read_tasks(out_dir: Path) -> dict[str, list[dict]]:
    # prose tasks are scored by kehoach.eval.prose
    by_source = rows_by_source([r for r in read_dataset(out_dir, "tasks") if r.get("origin") != "prose"])
    for v in by_source.values():
        v.sort(key=lambda r: r.get("seq") or 0)
    return by_source


def gold_inputs(golds, doc_dirs: list[Path]) -> list[Path]:
    """Input files whose name starts with a gold stem (any format)."""
    from kehoach.pipeline import supported
    found = []
    for d in doc_dirs:
        for f in sorted(d.rglob("*")):
            if f.is_file() and supported(f) and stem_of(f, golds) is not None:
                found.append(f)
    return found


def score(golds: dict[str, dict], out_dir: Path, sources: list[str], only: str = "") -> EvalResult:
    preds = read_tasks(out_dir)
    docs = []
    for src in sources:
        name = Path(src).name
        if only and only not in name:
            continue
        stem = stem_of(name, golds)
        if stem is None:
            continue
        docs.append(score_document(name, golds[stem], preds.get(src, [])))
    if not only:
        seen = {stem_of(src, golds) for src in sources}
        for stem in golds:
            if stem not in seen:
                docs.append(score_document(f"{stem} (missing)", golds[stem], []))
    return EvalResult(docs=docs)

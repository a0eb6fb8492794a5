"""Derived datasets over a whole output folder: what spans files, computed after ingest.

Plan identity spans files (a plan's renderings, copies, scans and its draft are separate
inputs), so it cannot be decided one file at a time. `derive(out_dir)` reads `documents` and
`tasks` and writes `plans` (one row per plan with its documents) and `plan_documents` (each
document's plan_key, how it was grouped and, for a draft, the signed document it is a version
of). plan_key lives here rather than in `documents` so that `documents` stays one row per file,
written as each file is read, and re-deriving never rewrites it.

Grouping: documents that print the same identity (issuer id, document type, number with its
digits, date) are one plan; documents without a full printed identity join a plan when their
content fingerprint (word 3-shingles of the title and task text, folded without marks so OCR's
lost diacritics do not matter) overlaps enough (Jaccard). Two documents whose printed identities
or placed issuers differ are never merged, whatever their content.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kehoach.textutil import fold

# Jaccard overlap of word 3-shingles above which two documents are one plan's copies or
# versions; renderings and scans of one plan score ≥ 0.7, different plans of one agency < 0.2.
SIMILAR = 0.5
# a shingle in more documents than this is boilerplate (template phrases), not identity
MAX_POSTING = 50
MIN_SHINGLES = 20        # too little text to fingerprint: such a document is grouped by identity only


@dataclass(frozen=True)
class _Doc:
    doc_id: str
    source: str
    identity: str | None       # the printed identity, when complete
    issuer: str | None         # a placed issuer id (no "@?")
    number_printed: bool
    shingles: frozenset


def _identity(d: dict) -> str | None:
    issuer, number, issued = d.get("issuer_unit_id"), d.get("number"), d.get("issued")
    if not issuer or issuer.endswith("?") or not number or not re.search(r"\d", number.split("/")[0]) or not issued:
        return None
    return "|".join((issuer, fold(d.get("doc_type") or ""), fold(number).replace(" ", ""), str(issued)))


def _shingles(texts: list[str]) -> frozenset:
    words = re.findall(r"[a-z0-9]+", fold(" ".join(t for t in texts if t)))
    return frozenset(" ".join(words[i:i + 3]) for i in range(len(words) - 2))


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_plans(documents: list[dict], tasks: list[dict]) -> list[dict]:
    """plan_documents rows: each readable document with its plan_key."""
    by_doc: dict[str, list[str]] = {}
    for t in tasks:
        by_doc.setdefault(t["doc_id"], []).extend([t.get("objective") or "", t.get("task") or ""])
    docs = []
    for d in documents:
        if not d.get("doc_id") or d.get("status") == "failed":
            continue
        issuer = d.get("issuer_unit_id")
        number = d.get("number") or ""
        docs.append(_Doc(d["doc_id"], d["source"], _identity(d),
                         issuer if issuer and not issuer.endswith("?") else None,
                         bool(re.search(r"\d", number.split("/")[0])),
                         _shingles([d.get("title") or ""] + by_doc.get(d["doc_id"], []))))
    parent = list(range(len(docs)))
    group = {i: [i] for i in range(len(docs))}          # root -> its members
    ids_of = {i: {d.identity} - {None} for i, d in enumerate(docs)}
    issuers_of = {i: {d.issuer} - {None} for i, d in enumerate(docs)}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(ra, rb) -> None:
        if len(group[ra]) > len(group[rb]):
            ra, rb = rb, ra
        parent[ra] = rb
        group[rb] += group.pop(ra)
        ids_of[rb] |= ids_of.pop(ra)
        issuers_of[rb] |= issuers_of.pop(ra)

    def compatible(ra, rb) -> bool:
        return len(ids_of[ra] | ids_of[rb]) <= 1 and len(issuers_of[ra] | issuers_of[rb]) <= 1

    how = {i: "single" for i in range(len(docs))}
    first: dict[str, int] = {}
    for i, a in enumerate(docs):
        if a.identity:
            j = first.setdefault(a.identity, i)
            if j != i:
                if find(i) != find(j):
                    union(find(i), find(j))
                how[i] = how[j] = "printed"
    # Candidate pairs from an inverted index of shingles, not all pairs (an archive has tens of
    # thousands of documents). A shingle found in very many documents is boilerplate and says
    # nothing about identity; leaving it out can only lower a pair's similarity (never merge more).
    postings: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        if len(d.shingles) >= MIN_SHINGLES:
            for sh in d.shingles:
                postings.setdefault(sh, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for ids in postings.values():
        if len(ids) > MAX_POSTING:
            continue
        for x in range(1, len(ids)):
            for y in range(x):
                key = (ids[x], ids[y])
                shared[key] = shared.get(key, 0) + 1
    pairs = []
    for (i, j), n in shared.items():
        s = n / (len(docs[i].shingles) + len(docs[j].shingles) - n)
        if s >= SIMILAR:
            pairs.append((s, i, j))
    for s, i, j in sorted(pairs, reverse=True):   # the closest copies first
        ri, rj = find(i), find(j)
        if ri != rj and compatible(ri, rj):
            union(ri, rj)
            for k in (i, j):
                if how[k] == "single":
                    how[k] = "fingerprint"
    rows = []
    for root in sorted({find(i) for i in range(len(docs))}):
        members = sorted(group[root])
        ids = sorted({docs[k].identity for k in members} - {None})
        basis = ids[0] if ids else min(docs[k].doc_id for k in members)
        key = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
        signed = sorted(docs[k].doc_id for k in members if docs[k].number_printed)
        for k in members:
            d = docs[k]
            rows.append(dict(doc_id=d.doc_id, source=d.source, plan_key=key, method=how[k],
                             # a document with a blank number in a plan whose signed copy is here
                             version_of=signed[0] if signed and not d.number_printed else None))
    return rows


def plans_rows(documents: list[dict], plan_docs: list[dict]) -> list[dict]:
    by_id = {}
    for d in documents:
        by_id.setdefault(d["doc_id"], d)
    groups: dict[str, list[dict]] = {}
    for r in plan_docs:
        groups.setdefault(r["plan_key"], []).append(r)
    out = []
    for key, rs in sorted(groups.items()):
        ds = [by_id[r["doc_id"]] for r in rs]
        # the signed document speaks for the plan: its number and date
        best = max(ds, key=lambda d: (bool(d.get("issued")), bool(re.search(r"\d", (d.get("number") or "").split("/")[0])),
                                      d.get("n_tasks") or 0))
        out.append(dict(plan_key=key, issuer_unit_id=best.get("issuer_unit_id"), issuer_name=best.get("issuer_name"),
                        doc_type=best.get("doc_type"), number=best.get("number"), issued=best.get("issued"),
                        title=best.get("title"), n_documents=len({r["doc_id"] for r in rs}),
                        doc_ids=sorted({r["doc_id"] for r in rs}), sources=sorted(r["source"] for r in rs)))
    return out


# Datasets built over the whole folder, not per input (the archive leaves them alone).
DERIVED = ("plan_documents", "plans")


def _read(out_dir: Path, name: str) -> list[dict]:
    import pyarrow.dataset as ds
    folder = Path(out_dir) / name
    if not folder.is_dir() or not any(folder.rglob("*.parquet")):
        return []
    return ds.dataset(folder, format="parquet").to_table().to_pylist()


def derive(out_dir: Path) -> dict[str, int]:
    """Write the derived datasets under out_dir from what ingest wrote; their row counts."""
    from kehoach.datasets import write_part
    out_dir = Path(out_dir)
    documents = _read(out_dir, "documents")
    tasks = _read(out_dir, "tasks")
    plan_docs = group_plans(documents, tasks)
    plans = plans_rows(documents, plan_docs)
    for name, rows in (("plan_documents", plan_docs), ("plans", plans)):
        # one part for the whole folder: re-deriving replaces it
        for old in (out_dir / name).glob("*.parquet") if (out_dir / name).is_dir() else []:
            old.unlink()
        write_part(out_dir, name, "part-derived.parquet", rows)
    return {"plan_documents": len(plan_docs), "plans": len(plans)}

"""Prose tasks: who does what by when, in plans, directives, notices and letters without (or
beside) a task table. Walks the outline (kehoach.extract.outline) and applies the rules of
shared/prose-tasks.md; the vocabulary is gazetteer/prose_vocab.yaml."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kehoach.extract.outline import Node, build_outline
from kehoach.model import Finding, Task
from kehoach.textutil import fold


@lru_cache(maxsize=1)
def vocab() -> dict:
    from kehoach.gazetteer import load_yaml
    return load_yaml("prose_vocab.yaml")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _f(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip()


# --- parts --------------------------------------------------------------------------------

def part_kind(title: str) -> str:
    """"task" for a task-bearing part, "none" for a part without tasks, "other" else."""
    t = _f(title)
    v = vocab()
    if any(t.startswith(_f(p)) for p in v["no_task_parts"]["phrases"]):
        return "none"
    if any(_f(p) in t for p in v["task_parts"]["phrases"]):
        return "task"
    return "other"


def is_appendix_pointer(text: str) -> bool:
    t = _f(text)
    return len(t) < 120 and any(_f(p) in t for p in vocab()["appendix_pointers"])


def is_closing(text: str) -> bool:
    t = _f(text)
    return any(_f(p) in t for p in vocab()["closing"]["phrases"])


# --- units --------------------------------------------------------------------------------

def _cut_unit(phrase: str) -> str:
    """The unit phrase at the start of `phrase`, up to its predicate or verb. Stops are
    matched in lower case only (a capitalised "Xây dựng" belongs to "Sở Xây dựng"), and one
    followed by a capitalised word or a number ("Cơ quan chủ trì Dự án", "xây dựng số 1")
    is part of the name."""
    v = vocab()
    stops = _alt(v["unit_stops"])
    unit = phrase
    for m in re.finditer(rf"(?:^|[\s,;])({stops})(?=$|[\s,;:.])", phrase):
        after = phrase[m.end():].lstrip()
        if m.group(1) != ":" and re.match(r"(?:[A-ZĐÀ-Ỹ]|số\s+\d)", after) and m.group(1) in ("chủ trì", "xây dựng", "đầu tư"):
            continue
        head = phrase[:m.start(1)]
        if m.group(1) in NOUN_STOPS and (re.search(r"(?:,|\b(?:các|những|và|mọi))\s*$", head)
                                         or re.match(r"(?:,|và\b|cá nhân|có liên quan)", after)):
            continue                      # "các tổ chức", "cơ quan, tổ chức, cá nhân": a noun
        if any(_f(head + m.group(1)).endswith(_f(c)) and len(c) > len(m.group(1)) for c in vocab()["compounds"]):
            continue                      # "Chương trình", "công trình": a noun ending in a stop
        if m.group(1) == "chủ trì" and re.search(r"(?i)\b(?:cơ quan|đơn vị)\s*$", head):
            continue                      # "các cơ quan chủ trì quản lý …": a unit, not its predicate
        unit = phrase[:m.start()]
        break
    unit = re.sub(r"\s*\b(?:theo|trên cơ sở|căn cứ)\s+chức năng.*$", "", unit, flags=re.I)
    if re.search(r":\s+\S", unit) and not re.match(r"(?i)các (?:bộ|sở)[^:]*:", unit):
        unit = unit.split(":", 1)[0]
    return unit.strip(" ,;:.")


# Stops that are also nouns in unit lists ("tổ chức", "cá nhân").
NOUN_STOPS = ("tổ chức",)


def _lower(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold()).strip()


def starts_with_unit(text: str) -> bool:
    # With the marks: folded, "báo" (a newspaper) would be "bảo" ("Bảo đảm việc …").
    t = _lower(text)
    return any(re.match(rf"{re.escape(_lower(h))}\b", t) for h in vocab()["unit_heads"])


def _strip_basis(text: str) -> str:
    """The clause after an opening basis ("Căn cứ …, ", "Trên cơ sở …, ", "Theo đề nghị …, ")."""
    t = text
    for op in vocab()["basis_openers"]:
        if _f(t).startswith(_f(op)):
            if "," in t and _f(op) != _f("trong quá trình thực hiện"):
                m = re.search(r"(?i),\s*(?:(?:phó\s+)?chủ tịch[^,]*?\s+|ủy ban nhân dân[^,]*?\s+|ubnd[^,]*?\s+)?"
                              r"(?=(?:giao|yêu cầu|đề nghị)\s+[A-ZĐÀ-Ỹa-zđ])", t)
                return t[m.end():] if m else t.split(",", 1)[1].strip()
            return t[len(op):].strip(" ,")
    return t


def _after_issuer(t: str) -> str:
    m = re.search(r"(?i),\s*((?:phó\s+)?chủ tịch[^,]*?|ủy ban nhân dân[^,]*?|ubnd[^,]*?)\s+(?=giao\b|yêu cầu\b|đề nghị\b)", t)
    return t[m.end():] if m else t.split(",", 1)[1].strip()


def own_unit(text: str) -> str:
    """The unit the text names as its assignee (spec 5.2), or ""."""
    v = vocab()
    pre = _alt(v["assignment"]["prefix"])
    t = _strip_basis(text)
    t = re.sub(r"(?i)^(?:(?:phó\s+)?chủ tịch\s+(?:ubnd|ủy ban nhân dân)\s+(?:tỉnh|thành phố)|ubnd tỉnh)\s+(?=giao\b|yêu cầu\b|đề nghị\b)", "", t)
    m = re.match(rf"(?i)(?:{pre})\s+", t)
    if m:
        unit = _cut_unit(t[m.end():])
        if unit and starts_with_unit(unit):
            return unit
    if starts_with_unit(t):
        unit = _cut_unit(t)
        if unit and len(unit) < 400:
            return unit
    return ""


def has_marker(text: str) -> bool:
    a = vocab()["assignment"]
    t = _f(text)
    return bool(re.search(rf"(?:^|[\s,])(?:{_alt(_f(w) for w in a['prefix'] + a['suffix'])})\b", t))


def heading_unit(text: str) -> str:
    """The unit a heading names: "Sở Nội vụ", "Giao X:", "X chịu trách nhiệm:", "Yêu cầu X …:"."""
    t = text.strip()
    pre = _alt(vocab()["assignment"]["prefix"])
    m = re.match(rf"(?i)(?:{pre})\s+", t)
    if m:
        t = t[m.end():]
    elif not starts_with_unit(t):
        return ""
    if re.match(r"(?i)đối với|về\b", t):
        return ""
    if "(" in t and ")" in t:                      # a heading's parenthesised elaboration is kept
        head, _, rest = t.partition(")")
        unit = head + ")" if starts_with_unit(head) else _cut_unit(t)
        tail = _cut_unit(rest)
        return (unit + (" " + tail if tail and not unit.endswith(")") else "")).strip(" ,;:.")
    unit = _cut_unit(t)
    return unit if starts_with_unit(unit) else ""


# --- support ------------------------------------------------------------------------------

def support_of(text: str) -> str:
    v = vocab()["support"]
    stops = _alt([s for s in vocab()["unit_stops"] if s not in ("phối hợp",)])
    out = []
    for m in re.finditer(r"(?i)phối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+", text):
        before = _f(text[max(0, m.start() - 40):m.start()])
        if any(before.endswith(_f(w)) for w in v["not_after"]) or re.search(r"chi dao [^,;.]*$", before):
            continue
        rest = text[m.end():]
        if any(_f(rest).startswith(_f(w) + " ") for w in v["not_before"]) or rest[:1] in ",;.":
            continue
        mm = re.search(rf"(?:^|[\s,;(])(?:{stops}|để|nhằm|trong|về|tại|theo|xây)(?=$|[\s,;:.])|[;.(]", rest, re.I)
        unit = rest[:mm.start()] if mm else rest
        unit = unit.strip(" ,;:.")
        if unit and unit not in out:
            out.append(unit)
    return "; ".join(out)


# --- deadlines ----------------------------------------------------------------------------

_DATE = r"(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
_PERIOD = r"(?:tháng|quý|năm)\s+(?:\d{1,2}\s*/\s*\d{4}|[IV]+(?:\s*/\s*\d{4}|\s+năm\s+\d{4})?|\d{4})"
_DEADLINE = re.compile(
    rf"(?i)(?<![\w/])(?:"
    rf"(?:trước|chậm nhất|đến|từ)(?:\s+ngày)?\s+(?:{_DATE}|{_PERIOD})(?:\s+hằng\s+tháng)?"
    rf"|trước\s+ngày\s+\d{{1,2}}\s+h[ằà]ng\s+(?:tháng|quý|năm)"
    rf"|trong\s+(?:{_PERIOD})"
    rf"|định kỳ\s+(?:\d+\s+(?:tháng|tuần|quý|năm)(?:\s*/\s*lần)?|h[ằà]ng\s+(?:tháng|quý|năm|tuần))(?:[\s,]+(?:năm|quý|tháng))*"
    rf"|định kỳ\s+\d+\s+tuần\s*/\s*lần"
    rf"|trước\s+\d{{1,2}}\s+giờ[^,;.]*?h[ằà]ng\s+(?:tuần|tháng|ngày)"
    rf"|định kỳ\s+trước[^,;.]*?h[ằà]ng\s+tuần"
    rf"|h[ằà]ng\s+(?:năm|quý|tháng|tuần)(?:\s*\((?:trước|chậm nhất)[^)]*\))?"
    rf")")


def deadline_of(text: str) -> str:
    v = vocab()["deadline"]
    out = []
    taken: list[tuple[int, int]] = []
    for m in _DEADLINE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        s = m.group(0).strip()
        before = _f(text[max(0, m.start() - 30):m.start()])
        if re.match(r"(?i)h[ằà]ng", s) and any(before.rstrip().endswith(_f(w)) or
                                                  re.search(rf"{re.escape(_f(w))}( \S+){{0,5}}$", before)
                                                  for w in v["object_words"]):
            continue
        if re.match(r"(?i)h[ằà]ng", s) and before.endswith(("dinh ky ", "ngay ")):
            continue
        if re.search(r"\bso\s+\S*/\S*$", before) or re.search(r"\d+/[\w-]+\s*$", before):
            continue                                    # the date of a cited document
        if re.match(r"(?i)đến\s+năm", s) or re.match(r"(?i)từ\s+(?:năm|ngày)\s", s) and "đến" not in s:
            continue
        dm = re.search(r"(\d{1,2})\s*/\s*(\d{1,2})(?!\d)", s)
        if dm and not (1 <= int(dm.group(2)) <= 12 and 1 <= int(dm.group(1)) <= 31):
            continue
        taken.append(m.span())
        if s not in out:
            out.append(s)
    return "; ".join(out)


# --- fields -------------------------------------------------------------------------------

def field_of(text: str) -> tuple[str, str] | None:
    """(role, value) of a labelled field line, role in lead/support/deadline/task/group."""
    f = vocab()["fields"]
    t = text.strip()
    for role in ("lead", "support", "deadline", "task"):
        for lab in sorted(f[role], key=len, reverse=True):
            m = re.match(rf"(?i){re.escape(lab)}\s*:\s*(.*)$", t)
            if m:
                value = m.group(1).strip().rstrip(".").strip()
                if role == "lead" and not value and lab.endswith("thực hiện"):
                    return "group", ""
                return role, value
    return None


# --- the walk -----------------------------------------------------------------------------

@dataclass
class _Draft:
    node: Node
    text: str
    lead: str
    support: str
    deadline: str
    path: tuple[str, ...]
    title: str
    page: int | None
    page_end: int | None
    line: int | None
    line_end: int | None
    ambiguous: bool = False


def _title(n: Node) -> str:
    return re.sub(r"[\s:.]+$", "", n.text).strip()


def _is_heading(n: Node) -> bool:
    if n.kind == "part":
        return True
    items = [c for c in n.children if c.labelled]
    if items:
        return True
    if n.children and (n.text.rstrip().endswith(":") or not n.text.rstrip().endswith((".", ";", "./."))):
        return True
    return False


def _text_with_continuations(n: Node) -> tuple[str, Node]:
    parts, last = [n.text], n
    for c in n.children:
        if c.kind == "para" and not field_of(c.text) and not is_closing(c.text):
            parts.append(c.text)
            last = c
    return " ".join(parts), last


def _finish(text: str) -> str:
    text = re.sub(r"\s*/\.\s*$", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()


def prose_tasks(document, skip_blocks: set[int] | None = None, fmt: str | None = None):
    """(tasks without seq numbering applied, findings) of one document."""
    root = build_outline(document.blocks, fmt or document.format, skip_blocks)
    drafts: list[_Draft] = []
    findings: list[Finding] = []
    has_parts = any(c.kind == "part" for c in root.children)
    has_items = any(n.kind in ("num", "letter") for n in root.walk())
    stop = [False]

    def emit(n: Node, text: str, last: Node, fields: dict, mode: str):
        text = _finish(text)
        if not text or text.endswith(":") and mode != "sentence" or is_appendix_pointer(text):
            return
        heads = [a for a in n.ancestors() if a.kind != "bullet" or _is_heading(a)]
        path_nodes = [a for a in reversed(heads) if a.kind != "bullet"]
        own = own_unit(text)
        lead = fields.get("lead") or own or fields.get("inherited_lead", "")
        if not lead:
            for a in heads:
                hu = heading_unit(a.text) if a.kind != "part" else ""
                if hu:
                    lead = hu
                    break
        if mode == "other" and not (own and has_marker(text)):
            return
        dl = fields.get("deadline") or deadline_of(text)
        sup = fields.get("support") or support_of(text)
        d = _Draft(n, text, lead, sup, dl, tuple(a.label for a in path_nodes),
                   _title(path_nodes[-1]) if path_nodes else "",
                   n.page, last.page_end, n.line, last.line_end)
        drafts.append(d)

    def collect_fields(n: Node) -> dict:
        out = {}
        for c in n.children:
            for piece in [c] + [g for g in c.children]:
                fr = field_of(piece.text)
                if fr and fr[0] in ("lead", "support", "deadline") and fr[1]:
                    out.setdefault(fr[0], fr[1])
        return out

    def visit(n: Node, mode: str, fields: dict):
        if stop[0]:
            return
        fields = dict(fields)
        if n.kind == "part":
            kind = part_kind(n.text)
            mode = {"task": "task", "none": "none", "other": "other"}[kind]
        for c in n.children:
            if stop[0]:
                return
            if c.kind == "para" and is_closing(c.text) and c.parent.kind in ("root", "part"):
                if re.match(r"(?i)nơi nhận", c.text):
                    stop[0] = True
                continue
            if c.kind == "para" and is_closing(c.text):
                if re.match(r"(?i)nơi nhận", c.text):
                    stop[0] = True
                continue
            if c.kind == "part":
                visit(c, mode, {})
                continue
            if mode == "none":
                continue
            fr = field_of(c.text)
            if fr:
                role, value = fr
                if role == "task":
                    f2 = dict(fields, **collect_fields(n))
                    if value:
                        emit(c, value, c, f2, mode)
                    for g in c.children:
                        if g.kind == "bullet" and not field_of(g.text):
                            emit(g, _text_with_continuations(g)[0], g, f2, mode)
                continue
            if c.kind == "para":
                if c.parent.kind == "root" and not has_parts:
                    if has_items or mode == "pre":
                        continue                  # preamble of a directive with items
                if c.text.rstrip().endswith(":") or re.fullmatch(r"\(.*\)", c.text.strip()):
                    # A lead-in that assigns ("Giao Sở Tư pháp chủ trì, phối hợp …:") heads the
                    # items after it as a heading naming a unit would: they inherit its lead.
                    unit = heading_unit(c.text) if has_marker(c.text) else ""
                    if unit:
                        fields["inherited_lead"] = unit
                    continue
                if n.kind in ("part", "root"):
                    if mode in ("task", "other", "body"):
                        if mode == "body" or mode == "task":
                            for s in _sentences(c.text) if mode != "task" else [c.text]:
                                if mode == "task" or (own_unit(s) and has_marker(s)):
                                    emit(c, s, c, fields, mode)
                        else:
                            emit(c, c.text, c, fields, mode)
                    continue
                if n.labelled and not _is_heading(n):
                    continue                      # continuation, taken with its item
                emit(c, c.text, c, fields, mode)
                continue
            # a labelled item
            if _is_heading(c):
                visit(c, mode, dict(fields, **collect_fields(c)))
                continue
            text, last = _text_with_continuations(c)
            emit(c, text, last, fields, mode)

    start_mode = "task" if not has_parts else "none"
    if not has_parts and not has_items:
        start_mode = "body"
    visit(root, start_mode, {})
    tasks = []
    for i, d in enumerate(drafts, 1):
        tasks.append(d)
    return tasks, findings


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text)
    return [p for p in parts if p.strip()]


def extract_prose(ex, settings=None):
    """The pipeline stage: append prose tasks (origin "prose") after the table tasks."""
    from dataclasses import replace
    doc = ex.document
    if doc is None:
        return ex
    table_blocks: set[int] = set()
    drafts, findings = prose_tasks(doc, table_blocks)
    if ex.tasks:
        # a plan with a task table: prose only from the parts that carry tasks, never rows again
        table_text = {_f(t.task or "")[:60] for t in ex.tasks if t.task}
        drafts = [d for d in drafts if _f(d.text)[:60] not in table_text]
    start = max((t.seq for t in ex.tasks), default=0)
    table_no = max((t.table for t in ex.tasks), default=0)
    new = []
    for i, d in enumerate(drafts, start + 1):
        new.append(Task(seq=i, section=d.path[-1] if d.path else None, section_title=d.title or None,
                        stt=d.node.label or None, objective=None, task=d.text, output=None,
                        lead=d.lead or None, support=d.support or None, deadline=d.deadline or None,
                        basis=None, split=False, page_start=d.page, page_end=d.page_end,
                        table=0, line_start=d.line, line_end=d.line_end,
                        origin="prose", section_path=d.path))
    fs = list(findings)
    for t in new:
        if t.lead and re.search(r"(?i)\bgiao\b", t.task or "") and t.lead not in (t.task or ""):
            fs.append(Finding("prose_ambiguous_lead", "the task names a unit other than its lead",
                              seq=t.seq, page=t.page_start, line=t.line_start, severity="info", value=t.lead))
        if not t.deadline and re.search(r"(?i)\b(?:chậm nhất|thời hạn|hoàn thành trước|trước ngày)\b", t.task or ""):
            fs.append(Finding("prose_deadline_unanchored", "a deadline phrase without a date the extractor could anchor",
                              seq=t.seq, page=t.page_start, line=t.line_start, severity="info"))
    return replace(ex, tasks=ex.tasks + tuple(new), findings=ex.findings + tuple(fs))

"""Document metadata from the text around the task table: number, type, issuer, place and
date, title, signer. Works on lines (text blocks and the cells of non-task tables, which in
crawled and Word files hold the national header block and the signature block)."""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from types import SimpleNamespace

from kehoach.textutil import alternation, fold
from kehoach.gazetteer import load_yaml
from kehoach.model import Document, Metadata


@dataclass(frozen=True)
class _Line:
    text: str
    index: int
    page: int | None


def _vocab() -> dict:
    return load_yaml("document_vocab.yaml")


def _lines(doc: Document, skip_fragments: frozenset[int]) -> list[_Line]:
    items: list[_Line] = []
    for b in doc.blocks:
        items.append(_Line(b.text, b.index, b.page))
    for f in doc.fragments:
        if f.index in skip_fragments:
            continue
        for r in f.rows:
            for c in r.cells:
                if c.text:
                    items.append(_Line(c.text, f.block_index, c.page or f.page))
    items.sort(key=lambda x: x.index)
    return items


@functools.lru_cache(maxsize=1)
def _patterns() -> SimpleNamespace:
    """The line patterns, their words from gazetteer/document_vocab.yaml."""
    v = _vocab()
    d = v["date_line"]
    day, month, year = (alternation([d[k]]) for k in ("day", "month", "year"))
    return SimpleNamespace(
        # The number line begins "Số:" (or a portal's "Số hiệu:"); "số" inside prose cites
        # other documents.
        number=re.compile(rf"^\W*(?:{alternation(v['number_labels'])})\s*:?\s*"
                          r"(?P<n>[0-9A-Za-zĐđ./\-&\s]*?/\s*[A-ZĐ][\w&.\-\s]*?)"
                          rf"(?=\s*(?:$|\||{day}\b|[A-ZĐÀ-Ỹ][a-zà-ỹđ]+,|\*|\s{{2}}))"),
        # The day may be left blank or written by hand; a scan's OCR reads handwriting as a few
        # stray characters ("ngày @3 tháng 01"), which leave the day unknown, not the line unread.
        date_line=re.compile(
            rf"(?P<place>[A-ZĐÀ-Ỹ][\wÀ-ỹđĐ. ]{{1,40}}?)\s*,\s*{day}\s*(?:(?P<d>\d{{1,2}})(?=\s*(?:{month}|/))|[^\s/]{{1,4}})?"
            rf"\s*(?:{month}|/)\s*(?P<m>\d{{1,2}})\s*(?:{year}|/)\s*(?P<y>\d{{4}})", re.I),
        number_start=re.compile(rf"(?i)(?:{alternation(v['number_labels'])})\s*:"),
        appendix=re.compile(rf"(?i){alternation([v['appendix']['marker']])}"),
        # An appendix names its plan: "(Kèm theo Kế hoạch số: /KH-SKHCN ngày … của …)".
        appendix_number=re.compile(rf"(?i){alternation([v['appendix']['marker']])} [^()]*?\b"
                                   rf"{alternation(v['appendix']['number_words'])}\s*:?\s*([0-9]*\s*/\s*[A-ZĐ][\w&\-]*)"),
        appendix_issuer=re.compile(rf"(?i)\(?{alternation([v['appendix']['marker']])}[^()]*?\b"
                                   rf"{alternation(v['appendix']['of'])}\s+([^()]+?)\)?\s*$"),
    )


# On a scan the number itself is often handwritten ("Số: 6§0 /TB-UBND"): the printed symbol
# is kept, and the number only when it reads as one.
_HEADER_NUMBER = re.compile(r"(?:^|\s)[Ss][ỐốÔôÓóOo]\s*:\s*(?P<pre>[^\s/]{0,4}\s*(?:/[^\sA-ZĐ]{1,3}\s*)?)"
                            r"(?P<sym>/\s*[A-ZĐ][\w&.\-]*)")
# The national header, the issuer and the number line come first; a "Số:" further down is
# a citation.
_HEADER_LINES = 15


def _clean_number(raw: str) -> str:
    s = re.sub(r"\s+", "", raw).strip(".,;")
    return s


def find_number(lines: list[_Line]) -> str | None:
    header = None
    for k, ln in enumerate(lines):
        m = _patterns().number.search(ln.text)
        if m and re.search(r"/[A-ZĐ]", m.group("n")):
            return _clean_number(m.group("n"))
        h = _HEADER_NUMBER.search(ln.text) if k < _HEADER_LINES else None
        if h:
            pre = re.sub(r"\s+", "", h.group("pre"))
            header = _clean_number((pre if pre.isdigit() else "") + h.group("sym"))
            break
    if header and not header.startswith("/"):
        return header
    # An appendix names its plan: "(Kèm theo Kế hoạch số: /KH-SKHCN ngày … của …)"; where
    # the header's number was not read, an appendix naming the same symbol gives it.
    appendix = [_clean_number(m.group(1)) for ln in lines
                for m in [_patterns().appendix_number.search(ln.text)] if m]
    if header:
        return next((a for a in appendix if a.endswith(header) and a[0].isdigit()), header)
    return appendix[0] if appendix else None


def find_date(lines: list[_Line]) -> tuple[str | None, dt.date | None, str | None]:
    for ln in lines:
        text = ln.text.strip("*_() ")
        if _patterns().appendix.search(text):
            continue
        m = _patterns().date_line.search(text)
        if not m or len(text) > 120:
            continue
        place = m.group("place").strip()
        issued = None
        if m.group("d"):
            try:
                issued = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                issued = None
        return place, issued, text[m.start():m.end()] if m.group("d") else text
    return None, None, None


def _upper(s: str) -> str:
    return unicodedata.normalize("NFC", s).upper()


def find_doc_type(lines: list[_Line], number: str | None) -> tuple[str | None, int | None]:
    types = _vocab()["doc_types"]
    # the type heading stands under the national header; a later "BÁO CÁO" heads an appendix
    for pos, ln in enumerate(lines[:30]):
        t = ln.text.strip()
        for d in types:
            h = d["heading"]
            if t == h or (t.startswith(h) and not t[len(h):len(h) + 1].isalpha()
                          and _upper(t[:len(h)]) == t[:len(h)] and len(t) < 300
                          and not t.startswith(h + " SỐ")):
                return d["type"], pos
    if number:
        code = re.search(r"/([A-ZĐa-zđ]+)", number)
        if code:
            for d in types:
                if d["code"] == code.group(1):
                    return d["type"], None
            # A letter carries no type code: its symbol is the issuer's ("507/UBND-KGVX").
            if re.search(r"/[A-ZĐa-zđ]+-", number) or re.search(r"/[A-ZĐ]+$", number):
                return _vocab()["letter_type"], None
    return None, None


def find_title(lines: list[_Line], type_pos: int | None) -> str | None:
    if type_pos is None:
        # a letter's subject line: "V/v góp ý dự thảo …"
        for pos, ln in enumerate(lines[:40]):
            m = re.match(r"^\W*(V/v|Về việc)\s*:?\s*(.+)$", ln.text.strip())
            if m:
                parts = [m.group(2).strip(" *_")]
                # the subject wraps in the header's left column until the motto or the date
                for nxt in lines[pos + 1:pos + 4]:
                    t = nxt.text.strip(" *_")
                    if not t or t.isupper() or _patterns().date_line.search(t) or t.startswith(("Kính gửi", "CỘNG HÒA")):
                        break
                    parts.append(t)
                return " ".join(parts)
        return None
    voc = _vocab()
    head = lines[type_pos].text.strip()
    heading = next(d["heading"] for d in voc["doc_types"] if head.startswith(d["heading"]))
    rest = head[len(heading):].strip(" :-*")
    if rest:
        return rest
    parts: list[str] = []
    for ln in lines[type_pos + 1:type_pos + 4]:
        t = ln.text.strip()
        if not t or any(t.startswith(p) for p in voc["preamble_starts"]) or len(t) > 400:
            break
        if _patterns().date_line.search(t) or _patterns().number_start.match(t):
            break
        parts.append(t)
        if not t.isupper():
            break
    return " ".join(parts) or None


def _is_issuer_line(t: str) -> bool:
    voc = _vocab()
    t = t.strip("*# ")
    if not t or _upper(t) != t or len(t.split()) > 14:
        return False
    if any(t.startswith(p) for p in voc["not_issuer"]) or any(t.startswith(p) for p in voc["signer_authority_prefixes"]):
        return False
    return any(t == h or t.startswith(h + " ") for h in voc["issuer_heads"])


def _issuer_block(lines: list[_Line]) -> list[str]:
    """The issuing bodies named above the number line, parent first: "UBND TỈNH ĐỒNG NAI" /
    "SỞ NGOẠI VỤ". A line naming a place ("TỈNH ĐỒNG THÁP") continues the body above it."""
    levels = tuple(lv.upper() + " " for lv in _vocab()["level_words"])
    units: list[str] = []
    for ln in lines[:40]:
        t = re.sub(r"\s*-{3,}\s*$", "", ln.text).strip("*# ")
        if _patterns().number.search(t) or _patterns().date_line.search(t) or any(
                t.startswith(d["heading"]) for d in _vocab()["doc_types"]):
            break
        # OCR may read the two header columns as one line: the motto is not the issuer's
        t = _cut_motto(t)
        if _is_issuer_line(t):
            units.extend(_split_parent(re.sub(r"\s+", " ", t), levels))
        elif units and t and _upper(t) == t and t.startswith(levels) and len(t.split()) <= 6:
            units[-1] = f"{units[-1]} {t}"
    return units


def _split_parent(t: str, levels: tuple[str, ...]) -> list[str]:
    """A crawl that lost the header's line breaks prints parent and issuer on one line:
    "UBND THÀNH PHỐ HÀ NỘI TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG". Cut where a second body's head
    begins after the parent has named its place (a level word), so "ỦY BAN" stays whole."""
    heads = _vocab()["issuer_heads"]
    words = t.split()
    for i in range(2, len(words)):
        prefix, rest = " ".join(words[:i]), " ".join(words[i:])
        if not any(f" {lv.strip()} " in f" {prefix} " for lv in levels) or prefix.endswith(tuple(" " + lv.strip() for lv in levels)):
            continue
        if any(rest == h or rest.startswith(h + " ") for h in heads) and _is_issuer_line(prefix):
            return [prefix, rest]
    return [t]


def _cut_motto(t: str) -> str:
    """The line up to where the national motto begins (its first three words, whatever marks
    OCR gave them)."""
    head = fold(_vocab()["motto"]).split()[:3]
    words = t.split()
    for i in range(1, len(words) - len(head) + 1):
        if [fold(w) for w in words[i:i + len(head)]] == head:
            return " ".join(words[:i])
    return t.strip()


def find_issuer(lines: list[_Line], place: str | None,
                title: str | None) -> tuple[str | None, str | None, str | None]:
    """(issuer, how it was found, the parent body printed above it)."""
    block = _issuer_block(lines)
    if block:
        return block[-1], "header", block[-2] if len(block) > 1 else None
    for ln in lines:
        t = re.sub(r"\s*-{3,}\s*$", "", ln.text).strip("*# ")
        if _is_issuer_line(t):
            return re.sub(r"\s+", " ", t), "header", None
    voc = _vocab()
    heads = "|".join(re.escape(h) for h in voc["issuer_subject_heads"])
    verbs = "|".join(re.escape(v) for v in voc["issuer_verbs"])
    plan = alternation(voc["issuer_sentence_objects"])
    pat = re.compile(rf"(?:^|[;.,]\s+)(?P<who>(?:{heads})(?:\s+[\wÀ-ỹĐđ&\-]+){{0,8}}?)\s+(?:{verbs})\s+(?:{plan})")
    for ln in lines:
        m = pat.search(ln.text)
        if m:
            who = m.group("who").strip()
            return _complete_with_place(who, place, title), "sentence", None
    for ln in lines:
        t = ln.text.strip("*_ ")
        m = _patterns().appendix_issuer.match(t)
        if m and len(t) < 300:
            return m.group(1).strip(" )"), "appendix", None
    return None, None, None


def _complete_with_place(who: str, place: str | None, title: str | None) -> str:
    """"UBND xã" in a commune's own plan is that commune's: name it from the title or the
    date line's place."""
    levels = _vocab()["level_words"]
    last = who.split()[-1]
    if last not in levels and not who.endswith(tuple(" " + lv for lv in levels)):
        return who
    level = next(lv for lv in sorted(levels, key=len, reverse=True) if who.endswith(lv))
    if title:
        m = re.search(rf"\b{re.escape(level)}\s+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹđ]*\s?){{1,4}})", title)
        if m:
            return f"{who} {m.group(1).strip()}"
    if place:
        return f"{who} {place}"
    return who


def find_signer(lines: list[_Line]) -> tuple[str | None, str | None, str | None]:
    voc = _vocab()
    titles = sorted(voc["signer_titles"], key=len, reverse=True)
    prefixes = voc["signer_authority_prefixes"]
    for pos in range(len(lines) - 1, -1, -1):
        text = lines[pos].text.strip("*# ")
        # A signature cell may hold the whole block: "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Huỳnh Minh Tuấn"
        m = re.match(r"^(?P<title>.*[A-ZĐÀ-Ỹ.])\s+(?P<name>(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s*){2,5})$", text)
        if m and _upper(m.group("title")) == m.group("title") and _is_person_name(m.group("name").strip()) \
                and any(h in m.group("title") for h in titles):
            authority, title = _split_authority(re.sub(r"\s+", " ", m.group("title").replace("*", "")), prefixes)
            return m.group("name").strip(), title, authority
        if not _is_person_name(text):
            continue
        # the title block sits just before the name, on one or two lines
        block: list[str] = []
        for back in range(pos - 1, max(-1, pos - 4), -1):
            t = re.sub(r"\s+", " ", lines[back].text.strip("*# "))
            if _upper(t) == t and any(h in t for h in titles + prefixes):
                block.insert(0, t)
            elif block:
                break
        if block:
            authority, title = _split_authority(" ".join(block), prefixes)
            return text, title, authority
    return None, None, None


def _split_authority(t: str, prefixes: list[str]) -> tuple[str | None, str | None]:
    """"KT.GIÁM ĐỐC PHÓ GIÁM ĐỐC" → ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"): the signer's own title
    is the last title named; what comes before it is the authority signed for."""
    t = re.sub(r"^(KT|TM|TL|TUQ|Q|PP)\.\s*", r"\1. ", t)
    t = re.sub(r"\s(KT|TM|TL|TUQ|Q|PP)\.\s*", r" \1. ", t)
    titles = sorted((x for x in _vocab()["signer_titles"] if not x.startswith(("KT.", "TM."))),
                    key=len, reverse=True)
    own = next((x for x in titles if t == x or t.endswith(" " + x)), None)
    if own is None:
        return (t, None) if any(t.startswith(p) for p in prefixes) else (None, t)
    authority = t[: len(t) - len(own)].strip(" ,") or None
    return authority, own


def _is_person_name(t: str) -> bool:
    words = t.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in t):
        return False
    if t.isupper():
        return False
    return all(w[0].isupper() and w[1:].islower() for w in words if w[0].isalpha()) and all(
        re.fullmatch(r"[\wÀ-ỹđĐ]+", w) for w in words)


def extract_metadata(doc: Document, task_fragments: frozenset[int] = frozenset()) -> Metadata:
    lines = _lines(doc, task_fragments)
    number = find_number(lines)
    place, issued, issued_text = find_date(lines)
    doc_type, type_pos = find_doc_type(lines, number)
    title = find_title(lines, type_pos)
    issuer, how, parent = find_issuer(lines, place, title)
    signer, signer_title, authority = find_signer(lines)
    return Metadata(number=number, doc_type=doc_type, issuer=issuer, issuer_method=how,
                    issuer_parent=parent, place=place,
                    issued=issued, issued_text=issued_text, title=title, signer=signer,
                    signer_title=signer_title, signer_authority=authority)

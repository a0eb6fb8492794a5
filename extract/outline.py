"""The document outline: parts, numbered and lettered headings, bullets, labelled fields and
paragraphs as a tree, built from the text blocks every reader produces.

Each `Node` keeps its label as printed ("III", "1.1", "a", "-"), its text without the label and
markup, and where it starts and ends (page, line). Lines that a PDF or a hard-wrapped text broke
(a block starting in lower case, or following a block without final punctuation) are joined
into one node first, so a node is one logical paragraph.

Ranks decide nesting: part < numbered (by depth: 1 < 1.1 < 1.1.1) < lettered < '-' < '+'.
An unlabelled paragraph hangs under the deepest open item, except that it closes open bullets
(a paragraph after a bullet belongs to the bullet's heading).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kehoach.model import TextBlock

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_PART = re.compile(rf"^(?P<label>{_ROMAN})\s*[.:/)-]\s+(?P<text>\S.*)$")
_NUM = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\))?\s+(?P<text>\S.*)$")
_LETTER = re.compile(r"^(?P<label>[a-zđ])\)\s*(?P<text>\S.*)$")
_BULLET = re.compile(r"^(?P<label>[-+•–*])\s*(?P<text>\S.*)$")
_MARKUP = re.compile(r"\*\*|__|</?[a-zA-Z][^>]*>")
_TERMINAL = (".", ";", ":", "!", "?", ".)", ";)", "./.", "/.")

# Letterhead lines a PDF leaves unterminated: never joined to a neighbour.
_FURNITURE = re.compile(r"^(?:[Ss]ố\s*:|V/v\b|Kính gửi|CỘNG HÒA|CỘNG HOÀ|Độc lập|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND [A-ZĐ]"
                        r"|[^\d,]{2,40},\s*ngày\b)")
_END = re.compile(r"(?i)^nơi nhận\s*:?")
RANK_PART, RANK_LETTER, RANK_DASH, RANK_PLUS = 0, 10, 20, 21
RANK_PARA = 99


@dataclass
class Node:
    kind: str                      # root | part | num | letter | bullet | para
    label: str                     # as printed, without trailing dot: "III", "1.1", "a", "-"
    text: str                      # without the label and markup
    rank: int
    page: int | None = None
    line: int | None = None
    page_end: int | None = None
    line_end: int | None = None
    bold: bool = False
    block: int = 0                 # index of the first TextBlock
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = field(default=None, repr=False)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def ancestors(self):
        n = self.parent
        while n is not None and n.kind != "root":
            yield n
            n = n.parent

    @property
    def labelled(self) -> bool:
        return self.kind in ("part", "num", "letter", "bullet")


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\ufffe", "-"))
    text = _MARKUP.sub("", text)
    text = re.sub(r"(?<!\S)\*(?=\S)|(?<=\S)\*(?!\S)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def classify(text: str) -> tuple[str, str, str, int]:
    """(kind, label, text, rank) of one paragraph."""
    m = _PART.match(text)
    if m and m.group("label"):
        return "part", m.group("label"), m.group("text"), RANK_PART
    m = _NUM.match(text)
    if m and not re.match(r"^\d{1,2}(?:\.\d+)*\s*(?:%|tháng|năm|ngày|giờ)", text):
        label = m.group("label")
        return "num", label, m.group("text"), label.count(".") + 1
    m = _LETTER.match(text)
    if m:
        return "letter", m.group("label"), m.group("text"), RANK_LETTER
    m = _BULLET.match(text)
    if m and not text.startswith("*"):
        return "bullet", m.group("label"), m.group("text"), RANK_PLUS if m.group("label") == "+" else RANK_DASH
    return "para", "", text, RANK_PARA


def _continues(prev: str, cur: str, fmt: str | None) -> bool:
    """A wrapped line: the block starts in lower case or the previous one ends mid-sentence."""
    if not prev:
        return False
    first = cur[:1]
    if classify(cur)[0] != "para":
        return False
    if first.islower() or first in "(,;":
        return True
    if _FURNITURE.match(cur) or _FURNITURE.match(prev):
        return False
    if fmt and fmt.startswith("pdf") and not prev.rstrip().endswith(_TERMINAL):
        return True
    return False


def paragraphs(blocks, fmt: str | None = None, skip: set[int] | None = None):
    """Logical paragraphs: (text, first block, last block) with wrapped lines joined."""
    out: list[list] = []
    skip = skip or set()
    for b in blocks:
        if b.index in skip:
            continue
        t = clean(b.text)
        if not t or re.fullmatch(r"[-–\d\s*]+", t):
            continue                                   # running page numbers, rules
        if out and _continues(out[-1][0], t, fmt):
            prev = out[-1][0]
            joiner = "" if prev.endswith("-") and not prev.endswith(" -") else " "
            out[-1][0] = prev + joiner + t
            out[-1][2] = b
        else:
            out.append([t, b, b])
    return out


def build_outline(blocks: tuple[TextBlock, ...], fmt: str | None = None,
                  skip: set[int] | None = None) -> Node:
    root = Node("root", "", "", -1)
    stack = [root]
    for text, first, last in paragraphs(blocks, fmt, skip):
        kind, label, body, rank = classify(text)
        if kind == "para" and _END.match(body):
            break                                      # Nơi nhận: recipients and signature follow
        node = Node(kind, label, body, rank, page=first.page, line=first.line,
                    page_end=last.page, line_end=last.line, bold=first.bold, block=first.index)
        if kind == "para":
            while stack[-1].kind == "bullet":
                stack.pop()
            parent = stack[-1]
        else:
            while len(stack) > 1 and stack[-1].rank >= rank:
                stack.pop()
            parent = stack[-1]
        node.parent = parent
        parent.children.append(node)
        if kind != "para":
            stack.append(node)
    return root

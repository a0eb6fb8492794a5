"""The table's own numbering as evidence for its labels: OCR reads a lone label worst (a lost
dot, '9' as '8', a Roman II as 'H'), and the reading chosen for each label cell is the one that
makes the label column one unbroken numbering with the fewest changes.

The grammar of a numbering (what a label is, what may follow it) is extract/labels.py's; what
is OCR's own here is how a printed label may have been misread.
"""
from __future__ import annotations

import re
from dataclasses import replace

from kehoach.extract.labels import LabelKey, follows, format_label, label_key, successors
from kehoach.extract.scan.settings import ScanSettings
from kehoach.model import Cell, Row, TableFragment


def _label_key(label: str) -> LabelKey | None:
    """label_key of what OCR read: it reads the dot of '1.2' as ',' or '/'."""
    return label_key(label.strip().replace(",", ".").replace("/", "."))


_DIGIT_LOOKALIKES = {"8": "9630", "9": "8", "6": "85", "3": "8", "0": "8", "5": "6"}


def _readings(text: str) -> list[str]:
    """What a printed label may have been when OCR read text: itself, with its dots read as
    commas, or with dots it lost put back between digits ('21' → '2.1', '2.1.')."""
    t = text.strip()
    out = [t]
    # Shapes OCR puts for a label's dot (⁄ fraction slash) or its one ('l', 'I', '|' among digits).
    if re.search(r"[0-9]", t):
        alt = re.sub(r"[lI|]", "1", t.replace("\u2044", "/"))
        if alt != t:
            out.append(alt)
            t = alt
    # A Roman II whose serifs touch is read as 'H' ('HI' for III); l, 1 and | are its I.
    if re.fullmatch(r"[IHl1|]*H[IHl1|]*\.?", t):
        alt = re.sub(r"[l1|]", "I", t.replace("H", "II"))
        if alt != t:
            out.append(alt)
    bare = re.sub(r"^[^0-9A-Za-z]+|[^0-9A-Za-z.]+$", "", t)     # specks read around a label
    if bare and bare != t:
        out.append(bare)
        t = bare
    if "," in t or "/" in t:
        out.append(t.replace(",", ".").replace("/", "."))
    digits = re.sub(r"[.,/]", "", t)
    if digits.isdigit() and 2 <= len(digits) <= 4:
        for cut in range(1, len(digits)):
            dotted = digits[:cut] + "." + digits[cut:]
            out += [dotted, dotted + "."]
        out += [digits, digits + "."]
    # One digit taken for a look-alike ('9' read as '8' with confidence 0.95 between '8' and
    # '10'): tried last and at a higher cost (_reading_cost), so it is chosen only where the
    # numbering on both sides asks for it.
    for k, ch in enumerate(t):
        for alt_ch in _DIGIT_LOOKALIKES.get(ch, ""):
            out.append(t[:k] + alt_ch + t[k + 1:])
    seen: list[str] = []
    for o in out:
        if o not in seen and _label_key(o):
            seen.append(o)
    return seen or [t]


def _reading_cost(cell: Cell, reading: str, settings: ScanSettings) -> float:
    """Keeping what was read is free; a dot read as ',' or '/' is a small change; a dot put
    back or a speck dropped is one change, more when OCR was sure of what it read."""
    t = cell.text.strip()
    if reading == t:
        return 0.0
    if reading == re.sub(r"[,/]", ".", t):
        return 0.25
    if reading.replace(".", "") == t.replace(".", "") and len(reading) > len(t):
        # A dot put back: the mark OCR loses most often on a label (measured on the scanned
        # corpus: '2.1' read '21' at 0.94 on one row after another). Cheap enough that a run
        # of such rows is mended rather than kept as a second numbering; an already
        # consistent numbering (19, 20, 21) never asks for it.
        return 0.5
    if len(reading) == len(t) and sum(a != b for a, b in zip(reading, t)) == 1 \
            and all(_DIGIT_LOOKALIKES.get(a, "").find(b) >= 0 for a, b in zip(t, reading) if a != b):
        return 2.0                      # a digit taken for a look-alike
    return 1.0 if (cell.confidence or 0.0) < settings.label_recheck_conf else 1.5


def _follows(prev: str | None, cur: str, steps: int = 1) -> bool:
    """cur can come after prev in a numbering, with steps-1 labels left out between them."""
    if prev is None:
        return True
    p, c = _label_key(prev), _label_key(cur)
    return bool(p and c) and follows(p, c, steps)


def _label_options(cell: Cell, others: list[tuple[str, float]], settings: ScanSettings
                   ) -> list[tuple[str, float]]:
    """What a label cell may say, each with its cost: the readings of the text it holds, and
    of the cell's other OCR reading (the re-read with the label alphabet, or the first read)
    when that one is confident; the other reading costs nothing more when it was as sure."""
    kept = cell.text.strip()
    sources = [(kept, cell.confidence or 0.0, 0.0)]
    for text, conf in others:
        text = text.strip()
        if text and text != kept and conf >= settings.label_min_conf:
            sources.append((text, conf, 0.0 if conf >= (cell.confidence or 0.0) else 0.5))
    best: dict[str, float] = {}
    for text, conf, extra in sources:
        as_read = replace(cell, text=text, confidence=conf)
        for o in _readings(text):
            c = _reading_cost(as_read, o, settings) + extra
            if "," in o or "/" in o or not _label_key(o):
                c += 1.0
            if c < best.get(o, float("inf")):
                best[o] = c
    return list(best.items())


def repair_label_sequence(rows: list[Row], settings: ScanSettings,
                          readings: dict[tuple, list[tuple[str, float]]] | None = None
                          ) -> tuple[list[Row], list[str]]:
    """First-column labels checked against the table's own numbering. Each label may be read
    as printed or with the dots OCR loses restored; the readings chosen are those that make the
    column one unbroken numbering with the fewest changes (a small Viterbi search). An empty
    cell between two labels gets the one label that both allow. What the numbering does not
    settle is left as read."""
    readings = readings or {}
    firsts = [(i, next((c for c in r.cells if c.col == 0), None)) for i, r in enumerate(rows)]
    options_of = {i: _label_options(c, readings.get((c.page, c.bbox), []), settings)
                  for i, c in firsts if c is not None and c.text.strip()}
    # A label OCR itself hardly believes (a speck, a smudged '11' read '1É' at 0.06) is no
    # evidence for the numbering: it is settled like an empty cell, by its neighbours.
    unsure = {i for i, c in firsts if c is not None and c.text.strip()
              and max([c.confidence if c.confidence is not None else 1.0]
                      + [conf for t, conf in readings.get((c.page, c.bbox), []) if t.strip()])
              < settings.label_guess_conf}
    labelled = [(i, c) for i, c in firsts
                if c is not None and c.text.strip() and i not in unsure
                and any(_label_key(o) for o, _cost in options_of[i])]
    # A few characters in the label column that no reading makes a label ('đề' for a bold
    # '2.') are a label OCR lost: a gap in the numbering, like an empty cell.
    lost = {i for i, c in firsts if c is not None and 0 < len(c.text.strip()) <= 3
            and i in options_of and not any(_label_key(o) for o, _c in options_of[i])}
    unsure |= lost
    # Empty label cells between two labels: the numbering may skip that many values there.
    # (A label too unsure to count is such a cell too.)
    empties = [sum(1 for j, c in firsts[a + 1:b]
                   if c is not None and (not c.text.strip() or j in unsure))
               for (a, _), (b, _) in zip(labelled, labelled[1:])]
    notes: list[str] = []
    chosen: dict[int, str] = {}
    if len(labelled) >= 2:
        # Keeping what was read is free; a comma read for a dot costs little, a restored dot
        # costs one change.
        options = [[o for o, _c in options_of[i]] for i, _ in labelled]
        cost = [[c for _o, c in options_of[i]] for i, _ in labelled]
        inf = float("inf")
        best = [cost[0][:]]
        back: list[list[int]] = [[-1] * len(options[0])]
        for k in range(1, len(options)):
            row_best, row_back = [], []
            for j, o in enumerate(options[k]):
                cands = [(best[k - 1][p] + cost[k][j] + (0.0 if _follows(po, o, 1 + empties[k - 1]) else 3.0), p)
                         for p, po in enumerate(options[k - 1])]
                v, p = min(cands) if cands else (inf, -1)
                row_best.append(v)
                row_back.append(p)
            best.append(row_best)
            back.append(row_back)
        j = min(range(len(best[-1])), key=lambda x: best[-1][x])
        for k in range(len(options) - 1, -1, -1):
            chosen[labelled[k][0]] = options[k][j]
            j = back[k][j]
    out = list(rows)
    for i, cell in labelled:
        new = chosen.get(i, cell.text.strip())
        if new != cell.text.strip():
            out[i] = _with_label(out[i], cell, new)
            notes.append(f"page {cell.page}: label {cell.text.strip()!r} read as {new!r} "
                         f"from the table's numbering")
    # A trailing dot ('2.' read '2') is the smallest mark of a label and the first one lost:
    # a top-level number OCR was unsure of takes the dot style most of the column's other
    # top-level numbers show.
    top = [(i, c, _label_key(c.text)) for i, c in
           ((i, next((c for c in out[i].cells if c.col == 0), None)) for i, _ in labelled)]
    top = [(i, c, k) for i, c, k in top if k and k[0] == "num" and len(k[1]) == 1]
    for i, c, k in top:
        if (c.confidence or 0.0) >= settings.label_recheck_conf:
            continue
        others = [k2[2] for j, _c2, k2 in top if j != i]
        dots, bare = others.count("."), others.count("")
        want = "." if dots > bare else "" if bare > dots else k[2]
        if want != k[2]:
            label = format_label(k[0], k[1], want)
            notes.append(f"page {c.page}: label {c.text.strip()!r} read as {label!r} "
                         f"from the table's numbering")
            out[i] = _with_label(out[i], c, label)
    # Empty cells: between the nearest labels before and after (header rows repeated at a page
    # break in between are no labels and are passed over), the one label both allow.
    present = [(i, next((c for c in out[i].cells if c.col == 0), None)) for i, _ in firsts]
    present = [(i, c) for i, c in present if c is not None]
    for k, (i, cell) in enumerate(present):
        if cell.text.strip() and i not in unsure:
            continue
        before = [c for j, c in present[:k] if _label_key(c.text) and j not in unsure]
        after = [c for j, c in present[k + 1:] if _label_key(c.text) and j not in unsure]
        if not before or not after:
            continue
        if before[-1].page != cell.page:
            continue      # first row of a page: the rest of a row split at the break, unnumbered
        prev, nxt = before[-1].text.strip(), after[0].text.strip()
        fits = {format_label(*c) for c in successors(_label_key(prev)) if _follows(format_label(*c), nxt)}
        if len(fits) == 2:
            # '2.' or '2': the column's own labels of that depth say whether a dot follows.
            tails = {_label_key(c.text)[2] for _, c in present if _label_key(c.text)
                     and len(_label_key(c.text)[1]) == 1 and _label_key(c.text)[0] == "num"}
            same = {f.rstrip(".") for f in fits}
            if len(same) == 1 and len(tails) == 1:
                fits = {f for f in fits if f.endswith(".") == (tails == {"."})}
        if len(fits) != 1:
            continue
        label = fits.pop()
        if label == cell.text.strip():
            continue
        out[i] = _with_label(out[i], cell, label)
        what = f"unsure label {cell.text.strip()!r}" if cell.text.strip() else "empty label cell"
        notes.append(f"page {cell.page}: {what} read as {label!r} from the table's numbering")
    return out, notes


def _with_label(row: Row, cell: Cell, label: str) -> Row:
    new_cell = replace(cell, text=label)
    return replace(row, cells=tuple(new_cell if c is cell else c for c in row.cells))


def repair_fragment_labels(fragments: list[TableFragment], settings: ScanSettings,
                   readings: dict[tuple, list[tuple[str, float]]] | None = None
                   ) -> tuple[list[TableFragment], list[str]]:
    """The numbering runs on across page breaks, so the label column is checked over all the
    document's table rows at once."""
    rows = [r for f in fragments for r in f.rows]
    fixed, notes = repair_label_sequence(rows, settings, readings)
    out, k = [], 0
    for f in fragments:
        n = len(f.rows)
        out.append(replace(f, rows=tuple(fixed[k:k + n])))
        k += n
    return out, notes

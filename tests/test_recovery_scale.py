"""The recovery is linear in a table's rows: a 20k-row table (numbered tasks with unnumbered
sub-rows under a merged number, rows cut by page breaks) is assembled in about four times the
5k-row time, not sixteen. Timed in CPU seconds, best of two runs, with a generous bound (the
machine is shared): the quadratic steps (`_next_label` rescanning the rest of the table, the
page-break joins walking every built row, `value_kind` scanning its vocabulary on every cache
miss) gave a ratio near 8 at these sizes and worse beyond."""
from __future__ import annotations

import gc
import time

from kehoach.extract.recover import recover
from kehoach.extract.recover.align import value_kind
from kehoach.extract.recover.assemble import _assemble
from kehoach.extract.recover.layout import find_tables
from kehoach.extract.recover.settings import RecoverSettings
from kehoach.model import Cell, Document, Row, TableFragment

HEADER = ("STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành")
ROWS_PER_PAGE = 40


def _row(cells, page, line):
    return Row(tuple(Cell(text=t, col=c, page=page, line=line) for c, t in enumerate(cells)), page=page, line=line)


def synthetic_table(n_rows: int) -> Document:
    """One table over n_rows / 40 pages: every third row numbered, the others sub-tasks under
    its merged number; each page after the first opens with the rest of the row the break cut."""
    fragments, rows, page, line = [], [_row(HEADER, 1, 1)], 1, 1
    for k in range(n_rows):
        line += 1
        if len(rows) == ROWS_PER_PAGE:
            fragments.append(TableFragment(rows=tuple(rows), index=len(fragments), page=page,
                                           block_index=len(fragments)))
            page += 1
            # the cut row's tail: no number, the task's words continue in lower case
            rows = [_row(("", "và báo cáo kết quả thực hiện", "", "", ""), page, line)]
            line += 1
        stt = str(k // 3 + 1) if k % 3 == 0 else ""
        rows.append(_row((stt, f"Rà soát thủ tục hành chính nhóm {k}", "Sở Tư pháp",
                          "Các sở, ngành", f"Quý {k % 4 + 1}/2025"), page, line))
    fragments.append(TableFragment(rows=tuple(rows), index=len(fragments), page=page, block_index=len(fragments)))
    return Document(source="synthetic", sha256="0" * 64, doc_id="0" * 16, format="txt", pages=page,
                    blocks=(), fragments=tuple(fragments), layout="grid")


def _work(n_rows: int) -> tuple[int, float]:
    """(tasks assembled, CPU seconds of the assembly, the better of two runs). The assembly
    from the found table's lines is where the quadratic steps were; finding the table (header
    detection per fragment) is linear and would only dilute the ratio."""
    settings = RecoverSettings()
    tables = find_tables(synthetic_table(n_rows), settings, [])
    assert len(tables) == 1
    best, n = float("inf"), 0
    for _ in range(2):
        value_kind.cache_clear()          # each run pays for its own cells (no warm repeat)
        gc.disable()                      # the collector's passes grow with the heap, not the rows
        try:
            t0 = time.process_time()
            n = len(_assemble(tables[0], [], settings, [0]))
            best = min(best, time.process_time() - t0)
        finally:
            gc.enable()
    return n, best


def test_recovery_is_linear_in_rows():
    rec = recover(synthetic_table(300))            # vocabularies loaded outside the timing
    # every numbered row and sub-row is a task; the cut rows' tails joined their rows
    assert len(rec.tasks) == 300 and sum(t.split for t in rec.tasks) == 300 // (ROWS_PER_PAGE - 1)
    tasks_5k, cpu_5k = _work(5_000)
    tasks_20k, cpu_20k = _work(20_000)
    assert tasks_5k == 5_000 and tasks_20k == 20_000
    assert cpu_20k / cpu_5k < 6.0, (cpu_5k, cpu_20k)

"""What an ingest shows while it runs: fed by kehoach.runner's events.

Three faces of one event stream: on a terminal a rich display (files done/total, pages, the
files in flight, rate, ETA, failures so far); outside a terminal one plain line per file, never
wrapped (logs are grepped by path, and an 80-column wrap cuts paths in two); with --json-log one
JSON object per event, for pipelines. A summary closes each.
"""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Tally:
    total: int
    done: int = 0
    pages: int = 0
    tasks: int = 0
    status: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)

    def add(self, out) -> None:
        self.done += 1
        self.pages += out.pages
        self.tasks += out.n_tasks
        self.status[out.status] += 1
        if out.status == "failed":
            self.kinds[out.error_kind or "failed"] += 1

    @property
    def failed(self) -> int:
        return self.status["failed"]

    def as_dict(self) -> dict:
        dt = time.perf_counter() - self.started
        return dict(files=self.done, total=self.total, ok=self.status["ok"], partial=self.status["partial"],
                    failed=self.failed, failures=dict(self.kinds), tasks=self.tasks, pages=self.pages,
                    seconds=round(dt, 3), files_per_s=round(self.done / dt, 3) if dt > 0 else None)


def outcome_dict(out) -> dict:
    """An Outcome for a log: everything but its rows."""
    return dict(source=out.job.source, status=out.status, error=out.error, error_kind=out.error_kind,
                tasks=out.n_tasks, pages=out.pages, seconds=round(out.seconds, 3),
                peak_rss_mb=round(out.peak_rss_mb, 1) if out.peak_rss_mb else None)


class Reporter:
    """Call with each runner event; `close()` prints the summary. mode: rich | plain | json | quiet."""

    def __init__(self, total: int, mode: str, stream: TextIO | None = None):
        self.tally = Tally(total)
        self.mode = mode
        self.stream = stream or sys.stderr
        self.current: dict[str, float] = {}
        self._live = None
        if mode == "rich":
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)
            self._live = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[pages]} pages · {task.fields[rate]} files/s · "
                                             "[red]{task.fields[failed]} failed[/red]"),
                                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                  TextColumn("{task.fields[current]}"),
                                  console=Console(file=self.stream), transient=False)
            self._task = self._live.add_task("files", total=total or None, pages=0, rate="0.0",
                                             failed=0, current="")
            self._live.start()

    @staticmethod
    def choose(json_log: bool, quiet: bool, stream: TextIO | None = None) -> str:
        stream = stream or sys.stderr
        if json_log:
            return "json"
        if quiet:
            return "quiet"
        return "rich" if stream.isatty() else "plain"

    def _write(self, line: str) -> None:
        # straight to the stream: no console width, so no wrapping
        self.stream.write(line + "\n")
        self.stream.flush()

    def __call__(self, event: dict) -> None:
        kind = event["event"]
        if kind == "start":
            self.current[event["source"]] = time.perf_counter()
        elif kind == "done":
            out = event["outcome"]
            self.current.pop(out.job.source, None)
            self.tally.add(out)
        if self.mode == "json":
            record = {k: v for k, v in event.items() if k != "outcome"}
            if kind == "done":
                record.update(outcome_dict(event["outcome"]), done=self.tally.done, total=self.tally.total)
            record["t"] = round(time.perf_counter() - self.tally.started, 3)
            self._write(json.dumps(record, ensure_ascii=False, default=str))
        elif self.mode == "plain" and kind == "done":
            self._write(self._line(event["outcome"]))
        elif self.mode == "rich":
            if kind == "done":
                self._live.console.print(self._line(event["outcome"]), markup=False, highlight=False,
                                         soft_wrap=True)
            t = self.tally
            dt = time.perf_counter() - t.started
            self._live.update(self._task, completed=t.done, pages=t.pages, failed=t.failed,
                              rate=f"{t.done / dt:.1f}" if dt > 0 else "0.0",
                              # names only: full paths would crowd out the counters
                              current=", ".join(s.rsplit("/", 1)[-1] for s in list(self.current)[:3]))

    def _line(self, out) -> str:
        t = self.tally
        head = f"[{t.done}/{t.total}]"
        if out.status == "failed":
            return f"{head}  FAILED {out.job.source}: {out.error_kind}: {out.error}"
        return (f"{head} {out.status:>7} {out.job.source}: {out.n_tasks} tasks, {out.pages} pages, "
                f"{out.seconds:.1f}s")

    def close(self, out_dir=None, result=None) -> dict:
        """The summary line; `result` (kehoach.archive.BatchResult) adds what the archive
        skipped: inputs unchanged since the last ingest, copies, pruned files."""
        if self._live is not None:
            self._live.stop()
        s = self.tally.as_dict()
        seen = {}
        if result is not None:
            seen = dict(inputs=result.files, read=result.read, unchanged=result.skipped,
                        copies=result.aliases, pruned=result.pruned)
        if self.mode == "json":
            self._write(json.dumps(dict(event="summary", out=str(out_dir) if out_dir else None, **seen, **s),
                                   ensure_ascii=False))
        else:
            fails = ", ".join(f"{k} {v}" for k, v in sorted(self.tally.kinds.items()))
            rate = f"{s['files_per_s']:.2f}" if s["files_per_s"] is not None else "-"
            head = ""
            if seen:
                head = (f"{seen['inputs']} inputs ({seen['unchanged']} unchanged, {seen['copies']} copies"
                        f"{', %d pruned' % seen['pruned'] if seen['pruned'] else ''}); ")
            self._write(f"{head}{s['files']} files read, {s['tasks']} tasks, {s['pages']} pages, {s['failed']} failed"
                        f"{' (' + fails + ')' if fails else ''}, {s['seconds']:.1f}s, {rate} files/s"
                        f"{' → ' + str(out_dir) if out_dir else ''}")
        return s

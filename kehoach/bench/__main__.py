"""`python -m kehoach.bench`: the benchmarks, and what each measures (each module's own summary)."""
from __future__ import annotations

import importlib
import textwrap

BENCHES = ("speed", "pdf", "scan", "units", "citations", "parallel", "archive", "hostile")


def main() -> int:
    for name in BENCHES:
        doc = importlib.import_module(f"kehoach.bench.{name}").__doc__ or ""
        summary = " ".join(doc.strip().split("\n\n")[0].split())
        print(f"python -m kehoach.bench.{name}")
        print(textwrap.fill(summary, width=100, initial_indent="    ", subsequent_indent="    "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

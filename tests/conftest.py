from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEEDS = CORPUS / "seeds"
GOLD = CORPUS / "gold" / "tasks"
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside the checkout")


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the installed command line the way a user does."""
    return subprocess.run([sys.executable, "-m", "kehoach", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


GOLD_STEMS = sorted(p.stem for p in GOLD.glob("*.json"))


@pytest.fixture(scope="session")
def seeds_out(tmp_path_factory) -> Path:
    """The seeds ingested once through the CLI."""
    out = tmp_path_factory.mktemp("seeds-out")
    res = run_cli("ingest", str(SEEDS), "--out", str(out))
    assert res.returncode == 0, res.stderr
    return out

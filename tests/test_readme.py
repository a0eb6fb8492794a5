"""The README's commands against the command line (as sqlite-utils tests its docs): every
command the CLI lists is documented, every command and option the README shows exists.

Commands are read from the README's code (inline `code` and indented code lines) wherever it
writes `kehoach CMD …`, and from the first column of its command table; the CLI's commands and
options from `kehoach --help` and `kehoach CMD --help`, run the way a user runs them."""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

README = ROOT / "README.md"

_CODE_SPAN = re.compile(r"`([^`\n]+)`")
# `kehoach ingest …`, `.venv/bin/kehoach report output`; not `kehoach/`, `kehoach.bench_units`
_COMMAND = re.compile(r"(?:^|[\s/])kehoach\s+([a-z][a-z0-9_-]*)(.*)")
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# --- the README ---------------------------------------------------------------------------

def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _code_pieces(text: str) -> list[str]:
    """Inline code spans and indented code lines (outside tables)."""
    pieces = _CODE_SPAN.findall(text)
    pieces += [ln.strip() for ln in text.splitlines() if ln.startswith("    ") and ln.strip()
               and not ln.lstrip().startswith(("-", "|", "*"))]
    return pieces


def _commands_in(code: str) -> list[tuple[str, set[str]]]:
    """(command, options) for each `kehoach CMD …` in a piece of code; a shell line is cut at
    && ; | so options of another program (`bash .ci/setup --test`) are not counted."""
    out = []
    for segment in re.split(r"&&|;|\|", code):
        m = _COMMAND.search(segment)
        if m:
            out.append((m.group(1), set(_OPTION.findall(m.group(2)))))
    return out


def _command_table(text: str) -> list[tuple[str, str]]:
    """(first cell, rest of row) of the table whose first column is headed "command"."""
    rows, inside = [], False
    for ln in text.splitlines():
        if not ln.lstrip().startswith("|"):
            if inside:
                break
            continue
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if not inside:
            inside = cells[0].lower() == "command"
            continue
        if set(cells[0]) <= set("-: "):
            continue                                  # the |---|---| rule
        rows.append((cells[0], " | ".join(cells[1:])))
    return rows


def _section(text: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return m.group(1) if m else ""


@functools.lru_cache(maxsize=1)
def documented() -> dict[str, dict[str, set[str]]]:
    """{"table" | "two commands" | "elsewhere": {command: options shown}}"""
    text = _readme()
    table: dict[str, set[str]] = {}
    for first, rest in _command_table(text):
        found = [c for piece in _CODE_SPAN.findall(first) for c in _commands_in(piece)]
        for cmd, opts in found:
            table.setdefault(cmd, set()).update(opts)
        # `--misses lists every wrong cell`, `--docs corpus/rendered`: options of the row's command
        if len(found) == 1:
            for piece in _CODE_SPAN.findall(rest):
                if piece.startswith("--"):
                    table[found[0][0]].update(_OPTION.findall(piece))
    two: dict[str, set[str]] = {}
    for piece in _code_pieces(_section(text, "The two commands")):
        for cmd, opts in _commands_in(piece):
            two.setdefault(cmd, set()).update(opts)
    anywhere: dict[str, set[str]] = {}
    for piece in _code_pieces(text):
        for cmd, opts in _commands_in(piece):
            anywhere.setdefault(cmd, set()).update(opts)
    return {"table": table, "two commands": two, "elsewhere": anywhere}


# --- the CLI ------------------------------------------------------------------------------

def _help(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    res = subprocess.run([sys.executable, "-m", "kehoach", *args, "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env=env)
    assert res.returncode == 0, f"kehoach {' '.join(args)} --help failed:\n{res.stderr}"
    return _ANSI.sub("", res.stdout)


@functools.lru_cache(maxsize=1)
def cli_commands() -> frozenset[str]:
    """The commands `kehoach --help` lists (rich panel or plain click layout)."""
    names, inside = set(), False
    for ln in _help().splitlines():
        if re.match(r"^\W*Commands\b", ln.strip("│╭─ ")) or ln.strip().startswith(("╭─ Commands", "Commands:")):
            inside = True
            continue
        if not inside:
            continue
        if ln.startswith(("╰", "╭")) or (not ln.strip() and names):
            break
        body = ln.strip("\n").lstrip("│").rstrip().rstrip("│")
        m = re.match(r"^ {1,2}([a-z][a-z0-9_-]*)(?:\s{2,}|\s*$)", body)
        if m:
            names.add(m.group(1))
    return frozenset(names)


@functools.lru_cache(maxsize=None)
def cli_options(command: str) -> frozenset[str]:
    return frozenset(_OPTION.findall(_help(command)))


# --- tests --------------------------------------------------------------------------------

def test_readme_has_a_command_table():
    rows = _command_table(_readme())
    assert rows, "README.md has no table whose first column is headed 'command'"
    assert documented()["table"], f"no `kehoach CMD …` in the first column of the command table: {rows}"


def test_help_lists_the_apps_commands():
    # the parse of `kehoach --help` sees what the Typer app registers (guards the parser)
    import typer

    from kehoach.cli import app
    group = typer.main.get_command(app)
    registered = {name for name, c in group.commands.items() if not getattr(c, "hidden", False)}
    assert cli_commands() == registered


def test_every_cli_command_is_in_the_readme():
    doc = documented()
    covered = set(doc["table"]) | set(doc["two commands"])
    missing = sorted(cli_commands() - covered)
    assert not missing, ("commands of `kehoach --help` that README.md documents neither in its command table "
                         f"nor in 'The two commands': {', '.join(missing)}")


def test_every_command_the_readme_names_exists():
    named = {c for part in documented().values() for c in part}
    unknown = sorted(named - cli_commands())
    assert not unknown, (f"README.md names commands that `kehoach --help` does not list: {', '.join(unknown)} "
                         f"(the CLI has: {', '.join(sorted(cli_commands()))})")


def _shown_options() -> dict[str, set[str]]:
    shown: dict[str, set[str]] = {}
    for part in documented().values():
        for cmd, opts in part.items():
            shown.setdefault(cmd, set()).update(opts)
    return shown


@pytest.mark.parametrize("command", sorted(_shown_options()))
def test_options_the_readme_shows_exist(command):
    opts = _shown_options()[command]
    if command not in cli_commands():
        pytest.fail(f"README.md shows `kehoach {command}`, which the CLI does not have")
    missing = sorted(opts - cli_options(command))
    assert not missing, f"README.md shows `kehoach {command}` with {', '.join(missing)}, not in its --help"

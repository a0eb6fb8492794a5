"""The Python API and the query commands, as an analyst uses them after an ingest."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kehoach

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("api")
    res = kehoach.ingest([SEEDS], out=out)
    assert (res.files, res.failed) == (5, []) and res.tasks > 112      # 112 in tables, the rest in prose
    return out


def test_open_has_a_view_per_dataset(out):
    con = kehoach.open(out)
    n = con.sql("select count(*) from tasks join documents using (doc_id) where origin = 'table'").fetchall()[0][0]
    assert n == 112
    # seed 002 has no table: its units are the leads of its prose tasks
    assert con.sql("select count(distinct doc_id) from task_units").fetchall()[0][0] == 5


def test_read_keeps_arrow_types(out):
    tasks = kehoach.read(out, "tasks")
    assert str(tasks["page_start"].dtype) == "int32[pyarrow]"
    assert str(tasks["deadline_end"].dtype).startswith("date32")
    assert tasks["deadline_end"].notna().sum() >= 20
    with pytest.raises(ValueError):
        kehoach.read(out, "nope")


def test_extract_one_file_and_settings_as_a_dict():
    ex = kehoach.extract(SEEDS / "000_dbb53274ea895b03.txt")
    assert sum(t.origin == "table" for t in ex.tasks) == 26 and ex.results("citations")
    assert kehoach.extract.pdf.PdfSettings is not None        # still the readers' package
    late = kehoach.extract(SEEDS / "000_dbb53274ea895b03.txt", settings={"normalize.deadlines.min_year": 2030})
    assert not any(f.value.end for f in late.results("deadlines"))


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "kehoach", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=dict(os.environ, COLUMNS="200"))


def test_sql_command(out):
    r = _cli("sql", out, "select issuer, count(*) as n from tasks join documents using (doc_id) where origin = 'table' group by 1 order by 2 desc",
             "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows[0] == {"issuer": "UBND xã Giang Điền", "n": 42} and sum(x["n"] for x in rows) == 112
    bad = _cli("sql", out, "select nope from tasks")
    assert bad.returncode == 2 and "nope" in bad.stderr


def test_schema_command(out):
    r = _cli("schema", out)
    assert r.returncode == 0
    assert re.search(r"^tasks: .*page_start INTEGER", r.stdout, re.M)


def test_readme_python_examples_run(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert blocks
    for code in blocks:
        code = code.replace('"corpus/', f'"{ROOT}/corpus/').replace('"output"', f'"{tmp_path}"')
        exec(compile(code, "README.md", "exec"), {})


def test_tasks_command_shows_prose_and_table_tasks():
    r = _cli("tasks", SEEDS / "002_9da8d435c019012e.txt")
    assert r.returncode == 0, r.stderr
    assert "prose" in r.stdout and re.search(r"42 tasks \(0 from tables, 42 from prose\)", r.stderr)
    r = _cli("tasks", SEEDS / "000_dbb53274ea895b03.txt")
    assert re.search(r"\(26 from tables, \d+ from prose\)", r.stderr)

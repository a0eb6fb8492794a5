"""The CLI end to end: what `kehoach ingest` writes is what analysts read."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pyarrow as pa

from conftest import SEEDS, run_cli


def test_datasets_read_by_pyarrow_pandas_duckdb(seeds_out):
    for name in ("documents", "tasks", "findings"):
        t = ds.dataset(str(seeds_out / name), partitioning="hive").to_table()
        df = pd.read_parquet(seeds_out / name)
        n = duckdb.sql(f"select count(*) from read_parquet('{seeds_out}/{name}/**/*.parquet', "
                       "hive_partitioning=true)").fetchall()[0][0]
        assert t.num_rows == len(df) == n
    docs = pd.read_parquet(seeds_out / "documents")
    assert len(docs) == 5 and set(docs.status) == {"ok"}
    tasks = ds.dataset(str(seeds_out / "tasks")).to_table()
    assert tasks.schema.field("split").type == pa.bool_()
    origin = tasks.column("origin").to_pylist()
    assert origin.count("table") == 26 + 42 + 23 + 21
    # seed 002 has no table: its 42 tasks are prose (corpus/gold-prose); the table plans add
    # the prose tasks of their TỔ CHỨC THỰC HIỆN parts
    assert set(origin) == {"table", "prose"} and origin.count("prose") >= 42
    assert tasks.schema.field("section_path").type == pa.list_(pa.string())


def test_contract_types_and_nulls(seeds_out):
    docs = ds.dataset(str(seeds_out / "documents")).to_table()
    assert docs.schema.field("issued").type == pa.date32()
    rows = {r["source"].rsplit("/", 1)[-1][:3]: r for r in docs.to_pylist()}
    assert rows["001"]["issued"] == dt.date(2023, 2, 3)
    # a blank day in the date line gives a null date and keeps the line
    assert rows["000"]["issued"] is None and rows["000"]["issued_text"] == "Đồng Nai, ngày tháng 01 năm 2024"
    tasks = pd.read_parquet(seeds_out / "tasks")
    for col in ("task", "lead", "support", "deadline", "output", "objective"):
        assert not (tasks[col] == "").any(), f"empty string in {col}: must be null"
    # text formats have no pages; every task is traceable to its source lines
    assert tasks.page_start.isna().all() and tasks.line_start.notna().all()


def test_seed_metadata(seeds_out):
    docs = pd.read_parquet(seeds_out / "documents").set_index(
        pd.read_parquet(seeds_out / "documents").source.str.rsplit("/", n=1).str[-1].str[:3])
    # values checked by hand against the seed texts
    assert docs.loc["000", "number"] == "/KH-SNgV"
    assert docs.loc["000", "issuer"] == "Sở Ngoại vụ"
    assert docs.loc["000", "place"] == "Đồng Nai"
    assert docs.loc["000", "signer"] == "Trần Quốc Toàn"
    assert docs.loc["000", "signer_title"] == "PHÓ GIÁM ĐỐC"
    assert docs.loc["001", "number"] == "18/KH-UBND"
    assert docs.loc["001", "issuer"] == "UBND xã Giang Điền"
    assert docs.loc["001", "title"] == "Kiểm soát thủ tục hành chính xã Giang Điền năm 2023"
    assert docs.loc["002", "title"] == "Cải cách hành chính Sở Ngoại vụ năm 2023"
    assert docs.loc["002", "issued"] == dt.date(2023, 1, 10)
    assert docs.loc["003", "number"] == "508/KH-SNgV"
    assert docs.loc["003", "doc_type"] == "Kế hoạch"
    assert docs.loc["003", "signer"] == "Thái Phúc Sơn"
    assert docs.loc["004", "number"] == "/KH-SKHCN"
    assert docs.loc["004", "issuer"] == "Sở Khoa học và Công nghệ"


def test_plan_without_table_is_ok_with_a_note(seeds_out):
    docs = pd.read_parquet(seeds_out / "documents")
    d = docs[docs.source.str.contains("002_")].iloc[0]
    # no task table (the note says so); its tasks are the 42 prose tasks of corpus/gold-prose
    assert d.status == "ok" and d.n_tables == 0 and "no task table" in d.note
    assert d.n_tasks == 42


def test_eval_command_reports_the_metric():
    res = run_cli("eval")
    assert res.returncode == 0, res.stderr
    last = [ln for ln in res.stdout.splitlines() if ln.startswith("cell_acc=")][-1]
    figures = dict(kv.split("=") for kv in last.split()[:3])
    assert float(figures["cell_acc"]) >= 0.97
    assert float(figures["row_f1"]) >= 0.98
    assert float(figures["split_acc"]) >= 0.90


def test_ingest_is_idempotent(tmp_path):
    for _ in range(2):
        assert run_cli("ingest", str(SEEDS / "003_e98dbb9b18233da0.txt"), "--out", str(tmp_path)).returncode == 0
    tasks = pd.read_parquet(tmp_path / "tasks")
    assert (tasks.origin == "table").sum() == 23 and len(tasks) == 26   # + 3 prose tasks of III


def test_quality_report_lists_what_was_repaired_and_doubted(seeds_out):
    res = run_cli("report", str(seeds_out))
    assert res.returncode == 0, res.stderr
    for word in ("missing_number", "duplicate_fragment", "no task table found", "002_9da8d435c019012e.txt"):
        assert word in res.stdout

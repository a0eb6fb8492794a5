"""Imported by the runner's fork server: read one tiny plan so every worker forked from it
starts with the vocabularies loaded and the patterns compiled (≈0.6 s a worker otherwise, as
gunicorn's preload_app saves its workers the app's start-up). Never fails the import."""
from __future__ import annotations

import tempfile
from pathlib import Path

_PLAN = """KẾ HOẠCH
Triển khai nhiệm vụ năm 2025

| STT | Nội dung công việc | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |
|---|---|---|---|---|
| 1 | Nâng tỷ lệ hồ sơ trực tuyến đạt 80% theo Quyết định số 12/QĐ-UBND | UBND xã | Văn phòng UBND huyện | Quý II/2025 |
"""


def warm() -> None:
    try:
        from kehoach.normalize.targets import find_targets
        from kehoach.normalize.units.resolve import resolve_units
        from kehoach.pipeline import extract
        # the unit gazetteer (admin units of the whole country) is most of a first file's time
        resolve_units("UBND xã, Văn phòng UBND huyện", role="lead", issuer="UBND huyện", place=None)
        find_targets("đạt 80%")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "warm.md"
            path.write_text(_PLAN, encoding="utf-8")
            extract(path)
    except Exception:   # a warm-up is an optimisation; a worker works without it
        pass


warm()

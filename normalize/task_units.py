"""The task_units normalizer: every lead and support cell resolved against the gazetteer.

The matching itself is kehoach.normalize.units; this module is its pipeline stage: which
cells are unit mentions, what context they are resolved in (the plan's issuer, place and
date), and which results are worth a finding.
"""
from __future__ import annotations

from kehoach.model import Finding, Found
from kehoach.normalize import Normalizer, value_fields
from kehoach.normalize.units import UnitSettings, resolve_units

ROLES = ("lead", "support")


def _run(ex, settings: UnitSettings, errors):
    m = ex.metadata
    found: list[Found] = []
    notes: list[Finding] = []
    for t in ex.tasks:
        for role in ROLES:
            cell = getattr(t, role)
            if not cell:
                continue
            units = errors.run_value(resolve_units, cell, role=role, issuer=m.issuer, place=m.place,
                                     issued=m.issued, settings=settings, default=[],
                                     seq=t.seq, page=t.page_start, line=t.line_start)
            for u in units:
                found.append(Found(u, seq=t.seq, page=t.page_start, line=t.line_start, field=role))
                if u.unit_id is None:
                    notes.append(Finding(kind="unit_unmatched", severity="warning", seq=t.seq,
                                         page=t.page_start, line=t.line_start, value=u.mention,
                                         message=f"{role} mention not found in the gazetteer"))
                elif "?" in u.unit_id:
                    notes.append(Finding(kind="unit_place_unknown", severity="info", seq=t.seq,
                                         page=t.page_start, line=t.line_start, value=u.mention,
                                         message="the plan does not say where this unit is; its id "
                                                 "is unique only within the document"))
    return found, tuple(notes)


def _row(f: Found) -> dict:
    return dict(seq=f.seq, role=f.field, page=f.page, **value_fields(f.value, (
        "mention", "unit_name", "unit_type", "unit_id", "level", "province_code", "district_code",
        "commune_code", "score", "method")))


NORMALIZER = Normalizer(name="units", run=_run, settings=UnitSettings, dataset="task_units", row=_row)

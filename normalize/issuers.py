"""The issuers normalizer: the document's issuer resolved to a gazetteer unit.

The issuer is printed in many spellings ("SỞ NGOẠI VỤ", "Sở Ngoại vụ", "SỞ NGOẠI VỤ HÀ TĨNH");
the unit matcher (kehoach.normalize.units) turns each into one id. The issuer is resolved in the
context of the body printed above it (issuer_parent, "UBND TỈNH ĐỒNG NAI") and the place of the
date line, exactly as a task's lead is resolved in the context of the issuer, so the Sở Ngoại vụ
of Đồng Nai and of Hà Tĩnh get different ids. The result adds columns to the documents row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kehoach.model import Finding, Found
from kehoach.normalize import Normalizer, plan_year
from kehoach.normalize.units import SETTINGS, UnitSettings, resolve_mention

# Admin ids of the post-2025 gazetteer carry their era as a prefix ("2025:p75").
_POST_2025_PREFIX = "2025:"


@dataclass(frozen=True)
class Issuer:
    issuer_unit_id: str | None
    issuer_name: str | None
    issuer_unit_type: str | None
    issuer_level: str | None
    issuer_era: str | None          # pre-2025 / post-2025, when the unit hangs on an admin unit
    province_code: str | None
    issuer_score: float | None
    issuer_match: str               # exact | alias | fuzzy | unmatched, as for task units


def era_of(unit_id: str | None, level: str | None) -> str | None:
    """The administrative era an id belongs to; None for central bodies and unplaced units."""
    if not unit_id or level not in ("province", "district", "commune") or unit_id.endswith("@?"):
        return None
    return "post-2025" if _POST_2025_PREFIX in unit_id else "pre-2025"


def _rank(u) -> int:
    return 2 if u.unit_id is None else 1 if u.unit_id.endswith("?") else 0


def resolve_issuer(issuer: str | None, *, parent: str | None, place: str | None, issued=None,
                   settings: UnitSettings | None = None) -> Issuer | None:
    if not issuer:
        return None
    settings = settings or SETTINGS
    # First in the context of the parent body; then in its own context, where the date line's
    # place says where it is ("Sở Ngoại vụ" of a plan dated "Hà Tĩnh, ngày …") and where a header
    # printing parent and issuer on one line still resolves. A placed id wins over an unplaced one.
    tries = [parent, issuer] if parent else [issuer]
    u = None
    for context in tries:
        got = resolve_mention(issuer, issuer=context, place=place, issued=issued, settings=settings)
        if u is None or _rank(got) < _rank(u):
            u = got
        if _rank(u) == 0:
            break
    return Issuer(issuer_unit_id=u.unit_id, issuer_name=u.unit_name, issuer_unit_type=u.unit_type,
                  issuer_level=u.level, issuer_era=era_of(u.unit_id, u.level),
                  province_code=u.province_code, issuer_score=u.score, issuer_match=u.method)


def _run(ex, settings: UnitSettings, errors):
    m = ex.metadata
    issued = m.issued
    if issued is None and plan_year(ex):
        # a draft with a blank day still says its year ("năm 2026"): enough to pick the era
        issued = dt.date(plan_year(ex), 1, 1)
    got = errors.run_value(resolve_issuer, m.issuer, parent=m.issuer_parent, place=m.place,
                           issued=issued, settings=settings)
    if got is None:
        return (), ()
    notes = []
    if got.issuer_unit_id is None:
        notes.append(Finding(kind="issuer_unmatched", severity="warning", value=m.issuer,
                             message="the issuer was not found in the gazetteer"))
    elif got.issuer_unit_id.endswith("?"):
        notes.append(Finding(kind="issuer_place_unknown", severity="info", value=m.issuer,
                             message="the issuer's kind is known but not where it is"))
    return (Found(got, field="issuer"),), tuple(notes)


def _row(f: Found) -> dict:
    return dict(vars(f.value))


NORMALIZER = Normalizer(name="issuers", run=_run, settings=UnitSettings, annotates="documents",
                        row=_row, settings_branch="units")

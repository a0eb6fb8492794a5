"""A matched unit type placed in its parent: an administrative unit, another body, or the issuer.

Ids compose: `<type>@<parent>`, the parent being an admin id, another unit id, `<admin>*<level>`
for every unit of a level, or `?` when the plan does not say where it is."""
from __future__ import annotations

from dataclasses import dataclass

from .places import _Place, _chain, _find_admin
from .vocab import _Admin, _gaz, _Type

_UNKNOWN = "?"


@dataclass(frozen=True)
class _Unit:
    """A resolved unit: what a mention denotes once placed."""
    type: _Type
    name: str
    id: str
    level: str
    admin: _Admin | None           # the administrative unit the unit sits in (for codes, chains)
    place_known: bool


@dataclass(frozen=True)
class _Context:
    issuer: _Unit | None
    admin: _Admin | None           # the issuer's administrative unit
    eras: tuple[str, str]


def _fits(typ: _Type, ctx: _Context, spec: _Place | None, fixed_level: str | None) -> bool:
    """Whether a type can be attached in this context (used to choose between homonymous types)."""
    if typ.attach == "admin":
        levels = [fixed_level] if fixed_level else list(typ.levels)
        if spec:
            return any(lv in spec.levels for lv in levels)
        chain = _chain(ctx.admin)
        return not chain or any(a.level in levels for a in chain)
    if typ.attach == "body" and typ.parent_kinds:
        return ctx.issuer is not None and ctx.issuer.type.kind in typ.parent_kinds
    return True


def _make_unit(typ: _Type, admin: _Admin | None, spec: _Place | None, parent: _Unit | None,
               ctx: _Context, place_known: bool, level_hint: str | None = None) -> _Unit:
    g = _gaz()
    if typ.attach == "none":
        return _Unit(typ, typ.name, typ.id, typ.level or "central", None, True)
    if typ.attach == "admin":
        if spec and spec.group:
            level = next((lv for lv in typ.levels if lv in spec.levels), spec.levels[0])
            scope = None if spec.national or level == "province" else next(
                (a for a in _chain(ctx.admin) if a.level == "province"), None)
            name = f"{typ.name} {g.group_names[level]}" + (f" {scope.full}" if scope else "")
            scope_id = scope.id if scope else ("" if spec.national or level == "province" else _UNKNOWN)
            return _Unit(typ, name, f"{typ.id}@{scope_id}*{level}", level, scope, scope is not None or not scope_id)
        if admin is not None:
            return _Unit(typ, f"{typ.name} {admin.full}", f"{typ.id}@{admin.id}", admin.level, admin, True)
        level = level_hint or (spec.levels[0] if spec else (typ.levels[0] if typ.levels else "province"))
        word = spec.type_word if spec and spec.type_word else ""
        name = " ".join(x for x in (typ.name, word, spec.name if spec else None) if x)
        return _Unit(typ, name, f"{typ.id}@{_UNKNOWN}", level, None, False)
    # attach: body
    if parent is None:
        return _Unit(typ, typ.name, f"{typ.id}@{_UNKNOWN}", "internal", None, False)
    synonyms = typ.parent_synonyms.get(parent.level, {})
    if parent.type.id in synonyms and parent.admin is not None:
        parent = _make_unit(g.types[synonyms[parent.type.id]], parent.admin, None, None, ctx, True)
    level = "person" if typ.kind == "position" else "internal"
    return _Unit(typ, f"{typ.name} {parent.name}", f"{typ.id}@{parent.id}", level, parent.admin,
                 parent.place_known)


def _attach_admin(typ: _Type, spec: _Place | None, ctx: _Context, fixed_level: str | None) -> _Unit:
    levels = [fixed_level] if fixed_level else list(typ.levels)
    if spec and spec.levels:
        wanted = [lv for lv in levels if lv in spec.levels] or levels
    else:
        wanted = levels
    if spec and spec.group:
        return _make_unit(typ, None, spec, None, ctx, False)
    if spec and spec.name:
        admin = _find_admin(spec.name, wanted, spec.type_word, ctx.admin, ctx.eras)
        return _make_unit(typ, admin, spec, None, ctx, admin is not None, wanted[0])
    chain = _chain(ctx.admin)
    on_chain = [a for a in chain if a.level in wanted]
    if spec and spec.type_word:
        typed = [a for a in on_chain if a.type == spec.type_word]
        on_chain = typed or on_chain
    if on_chain:
        return _make_unit(typ, on_chain[0], spec, None, ctx, True)
    # The plan does not say which unit; name the level the mention (or the issuer) implies.
    hint = wanted[0]
    if ctx.issuer is not None and not spec and ctx.issuer.level in wanted:
        hint = ctx.issuer.level
    return _make_unit(typ, None, spec, None, ctx, False, hint)


def _back_reference(word_key: str, ctx: _Context) -> _Unit | None:
    kind = _gaz().back_refs.get(word_key)
    if kind is None or ctx.issuer is None:
        return None
    if kind == "any" or ctx.issuer.type.kind == kind:
        return ctx.issuer
    return None


_UNKNOWN_TYPE = _Type("unknown", "", "unknown", "none", (), None, (), {})


def _unknown_body(printed: str) -> _Unit:
    return _Unit(_UNKNOWN_TYPE, printed, _UNKNOWN, "internal", None, False)


def _attach(typ: _Type, spec: _Place | None, parent: _Unit | None, ctx: _Context, fixed: str | None) -> _Unit:
    if typ.attach == "admin":
        return _attach_admin(typ, spec, ctx, fixed)
    if typ.attach == "none":
        return _make_unit(typ, None, spec, None, ctx, True)
    if parent is None:
        g = _gaz()
        if spec is not None:
            # A level word after a part of a body names the committee of that level ("CB, CC 1 cửa xã").
            parent = _attach_admin(g.types[g.level_body], spec, ctx, None)
        elif not typ.parent_kinds or (ctx.issuer is not None and ctx.issuer.type.kind in typ.parent_kinds):
            parent = ctx.issuer
    return _make_unit(typ, None, None, parent, ctx, parent is not None and parent.place_known)

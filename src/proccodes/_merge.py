"""Combine two records of one code field by field, reporting every disagreement."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from .records import Descriptor, Procedure

_Policy = Literal["error", "keep", "replace"]


def _is_empty(value: Any) -> bool:
    return value is None or value == () or value == ""


def merge_records(
    ours: Procedure, theirs: Procedure, *, on_conflict: _Policy = "error"
) -> tuple[Procedure, list[str]]:
    """Merge ``theirs`` into ``ours``; return the record and one message per conflict.

    A field one side leaves empty takes the other side's value. The title of a curated record
    (one with clinical details) stays: a file-only record's title is just its descriptor.
    Descriptors combine by use. Where both sides state different values, the conflict is
    listed and ``on_conflict`` says which value the returned record holds (``"error"`` keeps
    ours, and the caller raises).

    >>> from proccodes import get
    >>> merge_records(get("62290"), get("62290"))[1]
    []
    """
    changes: dict[str, Any] = {}
    conflicts: list[str] = []
    code = ours.code
    for field in attrs.fields(Procedure):
        name = field.name
        a, b = getattr(ours, name), getattr(theirs, name)
        if a == b or _is_empty(b):
            continue
        if _is_empty(a):
            changes[name] = b
            continue
        if name == "title" and (ours.clinical is None) != (theirs.clinical is None):
            if ours.clinical is None:
                changes[name] = b
            continue
        if name == "descriptors":
            combined, found = _merge_descriptors(code, a, b, on_conflict)
            changes[name] = combined
            conflicts.extend(found)
            continue
        conflicts.append(f"record {code}: {a!r} here but {b!r} in the other @ {code}.{name}")
        if on_conflict == "replace":
            changes[name] = b
    return (attrs.evolve(ours, **changes) if changes else ours), conflicts


def _merge_descriptors(
    code: str,
    ours: tuple[Descriptor, ...],
    theirs: tuple[Descriptor, ...],
    on_conflict: _Policy,
) -> tuple[tuple[Descriptor, ...], list[str]]:
    by_use = {d.use: d for d in ours}
    conflicts: list[str] = []
    for d in theirs:
        mine = by_use.get(d.use)
        if mine is None:
            by_use[d.use] = d
        elif mine.text != d.text:
            conflicts.append(
                f"record {code}: {d.use.value} descriptor {mine.text!r} here but {d.text!r} in "
                f"the other @ {code}.descriptors"
            )
            if on_conflict == "replace":
                by_use[d.use] = d
    return tuple(by_use.values()), conflicts

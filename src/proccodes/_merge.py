"""Combine two records of one code field by field, reporting every disagreement.

Two kinds of source meet here. Between a curated record and an official file (or any two
sources of the same year), both must agree: a field one side leaves empty is filled from the
other, and different values are conflicts. Between two years of the official file, a change is
not a conflict but history: the newer year's texts, dates and file facts become the record's,
and ``history`` keeps one entry per year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from ._frozen import is_record, record_fields, replace
from ._schema import file_fields
from .records import Descriptor, Modifier, Procedure, YearSeen

_Policy = Literal["error", "keep", "replace"]
_Record = TypeVar("_Record", Procedure, Modifier)

# What an official file states (the fields' metadata says); the newer year's value wins
# between two years' files. One entry per record class.
_FILE_FIELDS = {cls: file_fields(cls) for cls in (Procedure, Modifier)}


def _is_empty(value: Any) -> bool:
    return value is None or value == () or value == ""


def _file_year(record: Procedure | Modifier) -> tuple[int, int] | None:
    """The year and quarter of the file a record's file facts come from."""
    facts = record.file_facts
    if facts is None or facts.year is None:
        return None
    quarters = [h.quarter for h in record.history if h.year == facts.year]
    return facts.year, max(quarters, default=1)


def _is_curated(record: Procedure | Modifier) -> bool:
    return isinstance(record, Procedure) and record.clinical is not None


def merge_records(
    ours: _Record, theirs: _Record, *, on_conflict: _Policy = "error"
) -> tuple[_Record, list[str]]:
    """Merge ``theirs`` into ``ours``; return the record and one message per conflict.

    A field one side leaves empty takes the other side's value. The title of a curated record
    (one with clinical details) stays: a file-only record's title is just its descriptor.
    Descriptors combine by use, histories by year. Where both sides state different values,
    the conflict is listed and ``on_conflict`` says which value the returned record holds
    (``"error"`` keeps ours, and the caller raises). Records from official files of two
    different years do not conflict: the newer year's file fields win.

    >>> from proccodes import get
    >>> merge_records(get("62290"), get("62290"))[1]
    []
    """
    changes: dict[str, Any] = {}
    conflicts: list[str] = []
    code = ours.code
    label = "record" if isinstance(ours, Procedure) else "modifier"
    ours_year, theirs_year = _file_year(ours), _file_year(theirs)
    by_year = ours_year is not None and theirs_year is not None and ours_year != theirs_year
    theirs_newer = by_year and theirs_year > ours_year  # type: ignore[operator]
    curated = (_is_curated(ours), _is_curated(theirs))
    stated = _FILE_FIELDS.get(type(ours)) or file_fields(type(ours))
    for field in record_fields(type(ours)):
        name = field.name
        a, b = getattr(ours, name), getattr(theirs, name)
        if name == "history":
            years, found = _merge_history(label, code, a, b, on_conflict)
            conflicts.extend(found)
            if years != a:
                changes[name] = years
            continue
        if a == b:
            continue
        if by_year and (name in stated or (name == "title" and not any(curated))):
            if theirs_newer:
                changes[name] = _newer_descriptors(a, b) if name == "descriptors" else b
            continue
        if _is_empty(b):
            continue
        if _is_empty(a):
            changes[name] = b
            continue
        if name == "title" and curated[0] != curated[1]:
            if not curated[0]:
                changes[name] = b
            continue
        if name == "descriptors":
            combined, found = _merge_descriptors(label, code, a, b, on_conflict)
            changes[name] = combined
            conflicts.extend(found)
            continue
        conflicts.extend(_differences(label, code, name, a, b))
        if on_conflict == "replace":
            changes[name] = b
    return (replace(ours, **changes) if changes else ours), conflicts


def merge_mappings(
    ours: Mapping[str, _Record], theirs: Mapping[str, _Record], on_conflict: _Policy
) -> tuple[dict[str, _Record], list[str]]:
    """Records (or modifiers) by code from both sides, each code in both merged by
    `merge_records`; with every conflict found.

    >>> from proccodes import get
    >>> ours, theirs = {"62290": get("62290")}, {"62291": get("62291")}
    >>> merged, conflicts = merge_mappings(ours, theirs, "error")
    >>> list(merged), conflicts
    (['62290', '62291'], [])
    """
    merged = dict(ours)
    conflicts: list[str] = []
    for code, record in theirs.items():
        mine = merged.get(code)
        if mine is None:
            merged[code] = record
        else:
            merged[code], found = merge_records(mine, record, on_conflict=on_conflict)
            conflicts.extend(found)
    return merged, conflicts


def _differences(label: str, code: str, path: str, a: Any, b: Any) -> list[str]:
    """One message per differing field, naming its path (one level into a section)."""
    if type(a) is type(b) and is_record(type(a)):
        return [
            f"{label} {code}: {x!r} here but {y!r} in the other @ {code}.{path}.{f.name}"
            for f in record_fields(type(a))
            if (x := getattr(a, f.name)) != (y := getattr(b, f.name))
        ]
    return [f"{label} {code}: {a!r} here but {b!r} in the other @ {code}.{path}"]


def _newer_descriptors(
    older: tuple[Descriptor, ...], newer: tuple[Descriptor, ...]
) -> tuple[Descriptor, ...]:
    by_use = {d.use: d for d in older}
    by_use.update((d.use, d) for d in newer)
    return tuple(by_use.values())


def _merge_descriptors(
    label: str,
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
                f"{label} {code}: {d.use.value} descriptor {mine.text!r} here but {d.text!r} in "
                f"the other @ {code}.descriptors"
            )
            if on_conflict == "replace":
                by_use[d.use] = d
    return tuple(by_use.values()), conflicts


def _merge_history(
    label: str,
    code: str,
    ours: tuple[YearSeen, ...],
    theirs: tuple[YearSeen, ...],
    on_conflict: _Policy,
) -> tuple[tuple[YearSeen, ...], list[str]]:
    """The years (and quarters) of both, in order; two different entries for one are a
    conflict."""
    by_year = {(h.year, h.quarter): h for h in ours}
    conflicts: list[str] = []
    for h in theirs:
        key = (h.year, h.quarter)
        mine = by_year.get(key)
        if mine is None:
            by_year[key] = h
        elif mine != h:
            where = str(h.year) if h.quarter == 1 else f"{h.year}Q{h.quarter}"
            conflicts.extend(_differences(label, code, f"history[{where}]", mine, h))
            if on_conflict == "replace":
                by_year[key] = h
    return tuple(by_year[key] for key in sorted(by_year)), conflicts

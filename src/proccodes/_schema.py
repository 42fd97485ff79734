"""One schema, many views: what a record field says about itself, and the tables derived from it.

A record type's fields (`proccodes.records`) carry their metadata in
``field(metadata=field_meta(...))`` (`proccodes._frozen.field`, as ``attrs.field``): a label for
people, the codec of the shipped data format, whether the official data (or an official HCPCS file)
states the field, and the name it has in an export. Every table that lists fields is derived from
the fields (what ``attrs.fields()`` gives) through the functions below, never written out again:
the shipped format's codecs and its fast reader (`proccodes._official`), the fields a newer year's
HCPCS file replaces (`proccodes._merge`), the site's labels of PFS facts and the export schema
(`proccodes.export`). A new field is one line in `proccodes.records`.

The tables read the fields through `proccodes._frozen.record_fields`, which needs no attrs for
the record classes (a cold ``get`` derives the shipped format's tables without importing it) and
takes any other attrs class as well. This module imports no other part of the package but that,
so the record types can use `field_meta`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

from ._frozen import record_fields

if TYPE_CHECKING:  # the alias is for the type checker: building it costs a cold start time
    from typing import Literal, TypeAlias

    import attrs

    Codec: TypeAlias = Literal["int", "float", "text", "plain", "texts", "day", "flag"] | type[Enum]

__all__ = [
    "CODECS",
    "codecs",
    "export_name",
    "field_meta",
    "file_fields",
    "labels",
    "official_fields",
]

CODECS = ("int", "float", "text", "plain", "texts", "day", "flag")
"""The codecs of the shipped data format (``Codec``), besides an enum class (written as its
value): a number, text (``text`` is ``None`` when empty, ``plain`` the empty string), a
``~``-separated tuple of texts, an ISO date, a ``1``/empty flag."""

_LABEL, _CODEC, _OFFICIAL, _FILE, _EXPORT = "label", "codec", "official", "file", "export"


def field_meta(
    *,
    label: str | None = None,
    codec: Codec | None = None,
    official: bool = False,
    file: bool = False,
    export: str | None = None,
) -> dict[str, Any]:
    """The metadata of one record field, for ``attrs.field(metadata=...)``.

    ``label`` names the field for people (the site); ``codec`` says how the shipped data format
    writes it (a field of a fact class without one is not in the format's ``|``-separated
    columns); ``official``: the official data gives it (a shipped official record sets it);
    ``file``: an official HCPCS file states it, so a newer year's file replaces it; ``export``:
    its name in an export, where not the field's own.

    >>> field_meta(label="Work RVU", codec="float")
    {'label': 'Work RVU', 'codec': 'float'}
    """
    meta: dict[str, Any] = {}
    if label is not None:
        meta[_LABEL] = label
    if codec is not None:
        if not (codec in CODECS or (isinstance(codec, type) and issubclass(codec, Enum))):
            raise ValueError(f"codec must be one of {CODECS} or an Enum class, not {codec!r}")
        meta[_CODEC] = codec
    if official:
        meta[_OFFICIAL] = True
    if file:
        meta[_FILE] = True
    if export is not None:
        meta[_EXPORT] = export
    return meta


def labels(cls: type) -> dict[str, str]:
    """Field name -> label, for the fields of ``cls`` that have one, in field order.

    >>> from proccodes.records import PfsFacts
    >>> labels(PfsFacts)["work_rvu"]
    'Work RVU'
    """
    return {f.name: f.metadata[_LABEL] for f in record_fields(cls) if _LABEL in f.metadata}


def codecs(cls: type) -> tuple[tuple[str, Codec], ...]:
    """(field name, codec) of the fields of ``cls`` the shipped format writes, in field order
    (which is the order of their columns).

    >>> from proccodes.records import HcpcsFacts
    >>> codecs(HcpcsFacts)[:2]
    (('year', 'int'), ('pricing_indicators', 'texts'))
    """
    return tuple((f.name, f.metadata[_CODEC]) for f in record_fields(cls) if _CODEC in f.metadata)


def official_fields(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` the official data gives, in field order.

    >>> from proccodes.records import Procedure
    >>> official_fields(Procedure)[:4]
    ('code', 'system', 'kind', 'title')
    """
    return tuple(f.name for f in record_fields(cls) if f.metadata.get(_OFFICIAL))


def file_fields(cls: type) -> frozenset[str]:
    """The fields of ``cls`` an official HCPCS file states: a newer year's file replaces them.

    >>> from proccodes.records import Procedure
    >>> sorted(file_fields(Procedure))[:3]
    ['action', 'descriptors', 'effective']
    """
    return frozenset(f.name for f in record_fields(cls) if f.metadata.get(_FILE))


def export_name(field: attrs.Attribute[Any] | Any) -> str:
    """The name of ``field`` in an export (its own name unless its metadata says another).

    >>> import attrs
    >>> from proccodes.records import Procedure
    >>> export_name(attrs.fields(Procedure).code)
    'code'
    """
    meta: Mapping[str, Any] = field.metadata
    name: str = meta.get(_EXPORT, field.name)
    return name

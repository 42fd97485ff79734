"""One schema, many views: what a record field says about itself, and the tables derived from it.

A record type's fields (`proccodes.records`) carry their metadata in
``field(metadata=field_meta(...))`` (`proccodes._frozen.field`, as ``attrs.field``): a label for
people, the codec of the shipped data format, whether the official data (or an official HCPCS file)
states the field, the name it has in an export, and where the CMS PFS relative value file holds
it. Every table that lists fields is derived from the fields (what ``attrs.fields()`` gives)
through the functions below, never written out again: the shipped format's codecs and its fast
reader (`proccodes._official`), the fields a newer year's HCPCS file replaces
(`proccodes._merge`), the site's labels of PFS facts and HCPCS file facts
(`proccodes._describe`), the export schema (`proccodes.export`) and the PFS file's column table
(`proccodes.sources.pfs`). A new field is one line in `proccodes.records`.

The tables read the fields through `proccodes._frozen.record_fields`, which needs no attrs for
the record classes (a cold ``get`` derives the shipped format's tables without importing it) and
takes any other attrs class as well. This module imports only that and the errors, so the record
types can use `field_meta`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

from ._frozen import record_fields
from .errors import ArgumentTypeError, ArgumentValueError

if TYPE_CHECKING:  # the alias is for the type checker: building it costs a cold start time
    from typing import Literal, TypeAlias

    import attrs

    Codec: TypeAlias = Literal["int", "float", "text", "plain", "texts", "day", "flag"] | type[Enum]
    Cell: TypeAlias = Literal["key", "number", "flag", "na", "code", "family"] | type[Enum]

__all__ = [
    "CELLS",
    "CODECS",
    "PfsColumn",
    "codecs",
    "export_name",
    "field_meta",
    "file_fields",
    "labels",
    "official_fields",
    "pfs_columns",
]

CODECS = ("int", "float", "text", "plain", "texts", "day", "flag")
"""The codecs of the shipped data format (``Codec``), besides an enum class (written as its
value): a number, text (``text`` is ``None`` when empty, ``plain`` the empty string), a
``~``-separated tuple of texts, an ISO date, a ``1``/empty flag."""

CELLS = ("key", "number", "flag", "na", "code", "family")
"""How a cell of the PFS file reads (``Cell``), besides an enum class (one of its values): a key
of the record, a number, ``+`` or blank, ``NA`` or blank, a code, a two-digit imaging family."""

_LABEL, _CODEC, _OFFICIAL, _FILE, _EXPORT = "label", "codec", "official", "file", "export"
_PFS = "pfs"


def field_meta(
    *,
    label: str | None = None,
    codec: Codec | None = None,
    official: bool = False,
    file: bool = False,
    export: str | None = None,
    pfs: tuple[str, ...] = (),
    txt: tuple[int, int] | None = None,
    cell: Cell | None = None,
) -> dict[str, Any]:
    """The metadata of one record field, for ``attrs.field(metadata=...)``.

    ``label`` names the field for people (the site); ``codec`` says how the shipped data format
    writes it (a field of a fact class without one is not in the format's ``|``-separated
    columns); ``official``: the official data gives it (a shipped official record sets it);
    ``file``: an official HCPCS file states it, so a newer year's file replaces it; ``export``:
    its name in an export, where not the field's own. ``pfs``: the names of its column in the
    CMS PFS relative value file's CSV header (the first is the name a warning gives it), ``txt``
    its positions in the fixed-width TXT (1-based, inclusive), ``cell`` how a cell reads where
    the codec does not say it (an enum codec reads its values, ``float`` a number).

    >>> field_meta(label="Work RVU", codec="float")
    {'label': 'Work RVU', 'codec': 'float'}
    >>> field_meta(codec="float", pfs=("WORK RVU",), txt=(60, 65))["pfs"]
    PfsColumn(headers=('WORK RVU',), txt=(60, 65), cell='number')
    """
    meta: dict[str, Any] = {}
    if label is not None:
        meta[_LABEL] = label
    if codec is not None:
        if not (codec in CODECS or (isinstance(codec, type) and issubclass(codec, Enum))):
            raise ArgumentValueError(
                f"codec must be one of {CODECS} or an Enum class, not {codec!r}"
            )
        meta[_CODEC] = codec
    if official:
        meta[_OFFICIAL] = True
    if file:
        meta[_FILE] = True
    if export is not None:
        meta[_EXPORT] = export
    if pfs or txt is not None or cell is not None:
        meta[_PFS] = _pfs_column(pfs, txt, cell if cell is not None else codec)
    return meta


class PfsColumn(tuple):  # type: ignore[type-arg]  # a NamedTuple adds 0.15 ms to a cold start
    """Where the PFS file holds a field: ``headers`` (its CSV names), ``txt`` (its TXT
    positions, 1-based, inclusive) and how a ``cell`` reads. Made by `field_meta`.

    >>> PfsColumn(("MP RVU",), (85, 89), "number").txt
    (85, 89)
    """

    __slots__ = ()

    def __new__(cls, headers: tuple[str, ...], txt: tuple[int, int], cell: Cell) -> PfsColumn:
        return super().__new__(cls, (headers, txt, cell))

    @property
    def headers(self) -> tuple[str, ...]:
        """The column's names in the CSV header; the first is the name a warning gives it."""
        found: tuple[str, ...] = self[0]
        return found

    @property
    def txt(self) -> tuple[int, int]:
        """The column's first and last positions in the TXT (1-based, inclusive)."""
        found: tuple[int, int] = self[1]
        return found

    @property
    def cell(self) -> Cell:
        """How a cell reads: one of `CELLS` or an enum class."""
        found: Cell = self[2]
        return found

    def __repr__(self) -> str:
        return f"PfsColumn(headers={self.headers!r}, txt={self.txt!r}, cell={self.cell!r})"


def _pfs_column(headers: tuple[str, ...], txt: tuple[int, int] | None, cell: Any) -> PfsColumn:
    if isinstance(headers, str) or not headers or not all(isinstance(h, str) for h in headers):
        raise ArgumentTypeError(f"pfs must be a tuple of CSV header names, not {headers!r}")
    if (
        not isinstance(txt, tuple)
        or len(txt) != 2
        or not all(isinstance(n, int) for n in txt)
        or not 1 <= txt[0] <= txt[1]
    ):
        raise ArgumentValueError(f"txt must be the TXT positions (first, last), not {txt!r}")
    if cell == "float":
        cell = "number"
    if not (cell in CELLS or (isinstance(cell, type) and issubclass(cell, Enum))):
        raise ArgumentValueError(
            f"a PFS column's cell must be one of {CELLS} or an Enum class (give cell= where "
            f"the codec does not say it), not {cell!r}"
        )
    return PfsColumn(tuple(headers), txt, cell)


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


def pfs_columns(cls: type) -> tuple[tuple[str, PfsColumn], ...]:
    """(field name, `PfsColumn`) of the fields of ``cls`` the PFS relative value file has a
    column for, in the file's column order (their TXT positions).

    >>> from proccodes.records import PfsFacts
    >>> name, column = pfs_columns(PfsFacts)[1]
    >>> name, column.headers[0], column.txt
    ('status', 'STATUS CODE', (58, 58))
    """
    found = [(f.name, f.metadata[_PFS]) for f in record_fields(cls) if _PFS in f.metadata]
    return tuple(sorted(found, key=lambda item: item[1].txt))

"""The catalog: an immutable ``Mapping[str, Procedure]`` with lookup, dates, search and merge.

The default catalog (the package's curated records over CMS's official data) loads once,
lazily and thread-safely, on first use, from the shipped-data repository
(`proccodes._repository.ShippedData`, see `shipped_data`), which reads the package's
data through its loader (`proccodes._resources`) so that it works from a zip too. It knows
every code at once and builds the records of one official data file on first access to one of
its codes; iterating, ``len`` and ``in`` build nothing.

A catalog pickles (and deep-copies) as its records, modifiers, release, date and warnings; its
search index is rebuilt on first use after unpickling, so a catalog can be sent to a worker
process or returned from one. A process forked while another thread loads the default catalog
starts with fresh locks (`os.register_at_fork`), so the child never deadlocks.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import ItemsView, Iterable, Iterator, Mapping, ValuesView
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar, overload

from ._args import as_day, check_choice, check_int, check_type, type_name
from ._repository import DATA_ENV, LazyRecords, ShippedData
from ._resources import INDEX_FILE_LINE, INDEX_NAME, index_problems, read_index
from .codes import normalize_code, validate_code
from .errors import (
    ArgumentTypeError,
    CodeNotActiveError,
    DataError,
    InvalidCodeError,
    InvalidCodeKeyError,
    UnknownCodeError,
)
from .records import DataRelease, Modifier, Procedure

if TYPE_CHECKING:
    from ._search import SearchIndex

__all__ = [
    "DATA_ENV",
    "INDEX_FILE_LINE",
    "INDEX_NAME",
    "Catalog",
    "codes_in",
    "curated_families",
    "curated_index",
    "data_folder",
    "default_catalog",
    "get",
    "index_problems",
    "load_catalog",
    "official_manifest_text",
    "official_shard_text",
    "record_on",
    "search",
    "shipped_data",
    "shipped_sources",
    "use_data",
]

_T = TypeVar("_T")
OnConflict = Literal["error", "keep", "replace"]
_ON_CONFLICT: tuple[OnConflict, ...] = ("error", "keep", "replace")


class Catalog(Mapping[str, Procedure]):
    """An immutable mapping of canonical codes to records, iterated in code order.

    >>> cat = default_catalog()
    >>> cat["62290"].code, "62290" in cat, cat.get("99999") is None
    ('62290', True, True)
    >>> cat.lookup(" 62290 ").title
    'Lumbar discography (disc injection for a discogram)'
    """

    __slots__ = (
        "_as_of",
        "_index",
        "_modifiers",
        "_records",
        "_release",
        "_sources",
        "_warnings",
    )
    _records: dict[str, Procedure] | LazyRecords
    _modifiers: dict[str, Modifier]
    _release: str
    _as_of: date | None
    _sources: tuple[DataRelease, ...]
    _warnings: tuple[str, ...]
    _index: SearchIndex | None

    def __init__(
        self,
        records: Mapping[str, Procedure] | Iterable[Procedure] = (),
        *,
        release: str = "",
        as_of: date | None = None,
        modifiers: Iterable[Modifier] = (),
        warnings: Iterable[str] = (),
        sources: Iterable[DataRelease] = (),
    ) -> None:
        if isinstance(records, str | bytes) or not isinstance(records, Mapping | Iterable):
            raise ArgumentTypeError(
                f"records must be an iterable of Procedure, not {type_name(records)}"
            )
        check_type("release", release, str, "text (str)")
        if as_of is not None:
            as_of = as_day(as_of, "as_of")
        items = records.values() if isinstance(records, Mapping) else records
        by_code: dict[str, Procedure] = {}
        duplicates: list[str] = []
        for record in items:
            if type(record) is not Procedure:
                check_type("each record", record, Procedure, "a Procedure")
            if record.code in by_code:
                duplicates.append(f"duplicate record for code {record.code}")
            by_code[record.code] = record
        if duplicates:
            raise DataError("records", duplicates)
        if isinstance(modifiers, str | bytes) or not isinstance(modifiers, Iterable):
            raise ArgumentTypeError(
                f"modifiers must be an iterable of Modifier, not {type_name(modifiers)}"
            )
        found = list(modifiers)
        for modifier in found:
            check_type("each modifier", modifier, Modifier, "a Modifier")
        if isinstance(warnings, str | bytes) or not isinstance(warnings, Iterable):
            raise ArgumentTypeError(
                f"warnings must be an iterable of str, not {type_name(warnings)}"
            )
        notes = tuple(warnings)
        for note in notes:
            check_type("each warning", note, str, "text (str)")
        described = tuple(dict.fromkeys(sources))
        for source in described:
            check_type("each source", source, DataRelease, "a DataRelease")
        self._set(
            dict(sorted(by_code.items())),
            {m.code: m for m in sorted(found, key=lambda m: m.code)},
            release,
            as_of,
            notes,
            described,
        )

    def _set(
        self,
        records: dict[str, Procedure] | LazyRecords,
        modifiers: dict[str, Modifier],
        release: str,
        as_of: date | None,
        warnings: tuple[str, ...],
        sources: tuple[DataRelease, ...] = (),
    ) -> None:
        setter = object.__setattr__
        setter(self, "_records", records)
        setter(self, "_modifiers", modifiers)
        setter(self, "_release", release)
        setter(self, "_as_of", as_of)
        setter(self, "_warnings", warnings)
        setter(self, "_sources", sources)
        setter(self, "_index", None)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"a Catalog is read-only; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"a Catalog is read-only; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # The records and what describes them; the search index is rebuilt when first needed.
        return (
            _restore,
            (
                tuple(self._all().values()),
                tuple(self._modifiers.values()),
                self._release,
                self._as_of,
                self._warnings,
                self._sources,
            ),
        )

    @classmethod
    def from_records(
        cls, records: Iterable[Procedure], *, release: str = "", as_of: date | None = None
    ) -> Catalog:
        """A catalog of the given records; ``DataError`` if two share a code.

        >>> cat = Catalog.from_records([default_catalog()["62290"]], release="mine")
        >>> list(cat), cat.release
        (['62290'], 'mine')

        Args:
            records: the records, each of a different code.
            release: the name of the data release, printed with the data.
            as_of: the day the data is current as of.

        Returns:
            The new catalog.

        Raises:
            DataError: two records share a code.
        """
        return cls(records, release=release, as_of=as_of)

    @property
    def release(self) -> str:
        """The data release this catalog was built from (empty if not stated)."""
        return self._release

    @property
    def as_of(self) -> date | None:
        """The date the catalog's content was current as of."""
        return self._as_of

    @property
    def sources(self) -> tuple[DataRelease, ...]:
        """Each data source this catalog was built from: name, release and as-of date.

        >>> [s.name for s in default_catalog().sources]  # doctest: +NORMALIZE_WHITESPACE
        ['proccodes curated records', 'CMS HCPCS Level II',
         'CMS Medicare Physician Fee Schedule', 'CMS Restructured BETOS Classification System']
        """
        return self._sources

    @property
    def warnings(self) -> tuple[str, ...]:
        """Defects in non-key fields the loader found and kept the record for (file, line,
        field, value), one line each; empty for a clean file. Merging concatenates them.

        >>> default_catalog().warnings
        ()
        """
        return self._warnings

    @property
    def modifiers(self) -> Mapping[str, Modifier]:
        """The modifiers an official file listed (empty for the curated catalog), read-only."""
        from types import MappingProxyType

        return MappingProxyType(self._modifiers)

    # -- Mapping ---------------------------------------------------------------------------
    def __getitem__(self, code: str) -> Procedure:
        """The record of ``code``: `UnknownCodeError` (a ``KeyError``) when the catalog
        does not hold it, `InvalidCodeKeyError` (an `InvalidCodeError` and a
        ``KeyError``) when it is not a code, so ``except KeyError`` sees every missing key.

        >>> try:
        ...     default_catalog()["6229O"]
        ... except KeyError as err:
        ...     print(type(err).__name__)
        InvalidCodeKeyError
        """
        try:
            return self._records[code]
        except (KeyError, TypeError):
            pass
        try:
            return self.lookup(code)
        except InvalidCodeKeyError:
            raise
        except InvalidCodeError as err:
            raise InvalidCodeKeyError(
                err.text, err.reason, code=err.code, modifiers=err.modifiers
            ) from None

    def __contains__(self, code: object) -> bool:
        try:
            if code in self._records:
                return True
        except TypeError:
            return False
        return isinstance(code, str) and self.get(code) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def values(self) -> ValuesView[Procedure]:
        """The records, in code order."""
        return self._all().values()

    def items(self) -> ItemsView[str, Procedure]:
        """(code, record) pairs, in code order."""
        return self._all().items()

    def _all(self) -> dict[str, Procedure]:
        """Every record, as a dict: the shipped catalog builds its records per official data
        file on first access (`proccodes._repository.LazyRecords`); this builds the rest
        once and keeps the dict."""
        records = self._records
        if isinstance(records, LazyRecords):
            records = records.materialise()
            object.__setattr__(self, "_records", records)
        return records

    def __repr__(self) -> str:
        return f"<Catalog release={self._release!r} as_of={self._as_of} records={len(self)}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Catalog):
            return self._all() == other._all() and self._release == other._release
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    @overload
    def get(self, code: str, /) -> Procedure | None: ...

    @overload
    def get(self, code: str, /, default: Procedure | _T) -> Procedure | _T: ...

    def get(self, code: str, /, default: object = None) -> object:
        """The record for ``code`` (normalized), or ``default``; never raises.

        >>> default_catalog().get("62290 ").code
        '62290'
        >>> default_catalog().get("not a code", "none")
        'none'

        Args:
            code: the code, as text.
            default: what to return when the catalog does not hold the code.

        Returns:
            The record, or ``default``.
        """
        try:
            found = self._records.get(code)
        except TypeError:
            return default
        if found is not None:
            return found
        if not isinstance(code, str):
            return default
        try:
            return self._records.get(normalize_code(code), default)
        except InvalidCodeError:  # pragma: no cover - code is text here
            return default

    def lookup(self, code: str, *, on: date | None = None) -> Procedure:
        """The record for ``code``, checked: the raising counterpart of [`get`][proccodes.catalog.Catalog.get].

        Raises [`InvalidCodeError`][proccodes.catalog.InvalidCodeError] for malformed text, [`UnknownCodeError`][proccodes.catalog.UnknownCodeError] (with close
        codes) for a well-formed code not in the catalog and, with ``on``,
        [`CodeNotActiveError`][proccodes.catalog.CodeNotActiveError] when the code was not in effect that day.

        >>> default_catalog().lookup("62292x")
        Traceback (most recent call last):
        ...
        proccodes.errors.InvalidCodeError: '62292x' is not a valid code: has 6 characters; codes have five, such as '62290' or 'J2650'

        Args:
            code: the code, as text.
            on: a date of service; the record is checked to be in effect that day.

        Returns:
            The code's record.

        Raises:
            InvalidCodeError: ``code`` is not the text of a well-formed code.
            UnknownCodeError: the catalog does not hold the code.
            CodeNotActiveError: with ``on``, the code was not in effect that day.
        """  # noqa: E501
        try:
            record = self._records.get(code)
        except TypeError:
            record = None
        if record is None:
            canonical = validate_code(code).code
            record = self._records.get(canonical)
            if record is None:
                raise UnknownCodeError(canonical, suggestions=self.suggest(canonical))
        if on is not None:
            return _in_effect(record, on)
        return record

    def suggest(self, code: str, *, limit: int = 5) -> list[str]:
        """Codes in the catalog close to ``code``: one character changed or two swapped.

        >>> default_catalog().suggest("62209")
        ['62200', '62201', '62269', '62290', '69209']

        Args:
            code: the code, as text.
            limit: the most codes returned.

        Returns:
            The close codes, closest first.

        Raises:
            TypeError: ``code`` is not a str or ``limit`` not an int.
            ValueError: ``limit`` is negative.
        """
        check_type("code", code, str, "text (str)")
        check_int("limit", limit, minimum=0, maximum=sys.maxsize)
        code = normalize_code(code)
        scored: list[tuple[int, str]] = []
        for other in self._records:
            distance = _code_distance(code, other)
            if distance <= 1:
                scored.append((distance, other))
        if not scored:
            scored = [(2, other) for other in self._records if other[:3] == code[:3]]
        return [c for _, c in sorted(scored)[:limit]]

    def active_on(self, day: date) -> Catalog:
        """The records of codes in effect on ``day``, as a new catalog.

        >>> from datetime import date
        >>> "62290" in default_catalog().active_on(date(2024, 1, 1))
        True

        Args:
            day: the date of service.

        Returns:
            A catalog of the records in effect that day.

        Raises:
            TypeError: ``day`` is not a date.
        """
        day = as_day(day, "day")
        return Catalog(
            (r for r in self._all().values() if r.is_active_on(day)),
            release=self._release,
            as_of=self._as_of,
            modifiers=(m for m in self._modifiers.values() if m.is_active_on(day)),
            sources=self._sources,
            warnings=self._warnings,
        )

    def merge(self, other: Catalog, *, on_conflict: OnConflict = "error") -> Catalog:
        """This catalog overlaid with ``other``: a record of one code from both is combined.

        For a code in both, each field that one side leaves empty is taken from the other; the
        curated side's clinical details and title stay. Where both state a field and disagree,
        that is a conflict: ``on_conflict="error"`` (the default) raises
        [`DataError`][proccodes.catalog.DataError]
        listing every one; ``"keep"`` keeps this catalog's value, ``"replace"`` takes
        ``other``'s. Nothing is resolved silently. Records of two different years of the CMS
        HCPCS file do not conflict: the newer year's file fields win and their ``history``
        lists both years (see [`proccodes.load_hcpcs_years`][proccodes.load_hcpcs_years]). Modifiers
        merge the same way.

        >>> cat = default_catalog()
        >>> cat.merge(cat) == cat
        True

        Args:
            other: the catalog laid over this one.
            on_conflict: ``"error"``, ``"keep"`` or ``"replace"``.

        Returns:
            The merged catalog.

        Raises:
            DataError: with ``on_conflict="error"``, the two disagree on a field.
            TypeError: ``other`` is not a Catalog.
            ValueError: ``on_conflict`` is not one of the three choices.
        """
        on_conflict = check_choice("on_conflict", on_conflict, _ON_CONFLICT)
        merged, conflicts = self.merge_report(other, on_conflict=on_conflict)
        if conflicts and on_conflict == "error":
            raise DataError(
                f"merge of {self._release or 'catalog'} with {other._release or 'catalog'}",
                conflicts,
            )
        return merged

    def merge_report(
        self, other: Catalog, *, on_conflict: OnConflict = "keep"
    ) -> tuple[Catalog, list[str]]:
        """`merge` that returns the conflicts instead of raising: the catalog and one
        message per conflict (empty when the two agree), resolved as ``on_conflict`` says.

        >>> merged, conflicts = default_catalog().merge_report(default_catalog())
        >>> conflicts
        []

        Args:
            other: the catalog laid over this one.
            on_conflict: ``"error"``, ``"keep"`` or ``"replace"``.

        Returns:
            The merged catalog, and one message per conflict.

        Raises:
            TypeError: ``other`` is not a Catalog.
            ValueError: ``on_conflict`` is not one of the three choices.
        """
        from ._merge import merge_mappings  # a merge is rare: not imported for a lookup

        check_type("other", other, Catalog, "a Catalog")
        on_conflict = check_choice("on_conflict", on_conflict, _ON_CONFLICT)
        merged, conflicts = merge_mappings(self._all(), other._all(), on_conflict)
        modifiers, found = merge_mappings(self._modifiers, other._modifiers, on_conflict)
        conflicts += found
        releases = [r for r in (self._release, other._release) if r]
        release = " + ".join(dict.fromkeys(releases))
        dates = [d for d in (self._as_of, other._as_of) if d is not None]
        catalog = Catalog(
            merged.values(),
            release=release,
            as_of=max(dates) if dates else None,
            modifiers=modifiers.values(),
            sources=(*_sources_of(self), *_sources_of(other)),
            warnings=self._warnings + other._warnings,
        )
        return catalog, conflicts

    def search(self, text: str, *, limit: int = 10) -> list[Procedure]:
        """Ranked matches for ``text``; ``[]`` when nothing matches. See
        [`proccodes.search`][proccodes.search].

        >>> [p.code for p in default_catalog().search("discogram", limit=2)]
        ['62290', '62291']

        Args:
            text: the query: a code, a name, everyday words, with typos.
            limit: the most records returned.

        Returns:
            The matching records, best first.

        Raises:
            TypeError: ``text`` is not a str or ``limit`` not an int.
            ValueError: ``limit`` is negative.
        """
        check_type("text", text, str, "text (str)")
        check_int("limit", limit, minimum=0, maximum=sys.maxsize)
        index = self._index
        if index is None:
            with _index_lock:
                index = self._index
                if index is None:
                    from ._search import SearchIndex

                    index = SearchIndex(self._all().values())
                    object.__setattr__(self, "_index", index)
        return index.search(text, limit=limit)


def _restore(
    records: tuple[Procedure, ...],
    modifiers: tuple[Modifier, ...],
    release: str,
    as_of: date | None,
    warnings: tuple[str, ...],
    sources: tuple[DataRelease, ...] = (),
) -> Catalog:
    """A pickled catalog again (its records were checked when it was first built)."""
    catalog = Catalog.__new__(Catalog)
    catalog._set(
        {r.code: r for r in records},
        {m.code: m for m in modifiers},
        release,
        as_of,
        warnings,
        sources,
    )
    return catalog


# One lock for building any catalog's search index (a catalog holds no lock, so it pickles);
# replaced in a forked child, like _default_lock below.
_index_lock = threading.Lock()


def _sources_of(catalog: Catalog) -> tuple[DataRelease, ...]:
    """A catalog's sources; one built from its release when it states none (a loaded file)."""
    if catalog._sources or not catalog._release:
        return catalog._sources
    return (DataRelease(name=catalog._release, release="", as_of=catalog._as_of),)


def _code_distance(a: str, b: str) -> int:
    """0 if equal, 1 if one substitution or one adjacent swap apart, else 2 (same length)."""
    if a == b:
        return 0
    if len(a) != len(b):
        return 2
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diffs) == 1:
        return 1
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
        i, j = diffs
        if a[i] == b[j] and a[j] == b[i]:
            return 1
    return 2


# -- the default catalog --------------------------------------------------------------------
#
# The lazily read shipped data lives in one repository object (proccodes._repository): its lock,
# its caches, load_all() and reset(). The functions below are thin facades over it.


def _shipped_catalog(
    records: LazyRecords,
    modifiers: dict[str, Modifier],
    release: str,
    as_of: date | None,
    sources: tuple[DataRelease, ...],
) -> Catalog:
    """The shipped catalog value: its records are unique by construction (one entry per code),
    typed by the reader and built per official data file on first access, so the checks of
    Catalog() would only cost time here."""
    catalog = Catalog.__new__(Catalog)
    catalog._set(records, modifiers, release, as_of, (), sources)
    return catalog


_SHIPPED: ShippedData[Catalog] = ShippedData(_shipped_catalog)


def shipped_data() -> ShippedData[Catalog]:
    """The repository of the shipped data (or of the release `use_data` chose): its lock,
    caches, ``load_all()`` and ``reset()``.

    >>> repository = shipped_data()
    >>> repository.load_all() is default_catalog()
    True
    """
    return _SHIPPED


def shipped_sources() -> tuple[DataRelease, ...]:
    """The data sources of the shipped catalog, read without loading the catalog.

    >>> [s.name for s in shipped_sources()][:2]
    ['proccodes curated records', 'CMS HCPCS Level II']
    """
    catalog = _SHIPPED.loaded
    if catalog is not None:
        return catalog.sources
    return _SHIPPED.sources()


def use_data(folder: str | os.PathLike[str] | None) -> None:
    """Make the data release in ``folder`` (built by ``proccodes data build``) the default for
    every function and command; ``None`` goes back to the shipped data. The records already
    handed out stay as they were; the next [`get`][proccodes.catalog.get] or
    [`default_catalog`][proccodes.catalog.default_catalog] reads the
    new release. ``PROCCODES_DATA`` does the same for a whole process.

    >>> use_data(None)
    >>> data_folder() is None
    True

    Args:
        folder: the folder of a data release, or None for the shipped data.

    Returns:
        Nothing; the choice holds for the rest of the process.

    Raises:
        DataError: ``folder`` is not a data release (it has no manifest).
    """
    _SHIPPED.use(folder)


def data_folder() -> str | None:
    """The data release folder in use, resolved; ``None`` when it is the shipped data.

    >>> data_folder() is None or isinstance(data_folder(), str)
    True
    """
    return _SHIPPED.folder()


def official_manifest_text() -> str:
    """The text of the official data's ``manifest.tsv`` in use (sources, files, tables).

    >>> official_manifest_text().startswith("#")
    True
    """
    return _SHIPPED.manifest_text()


def official_shard_text(name: str) -> str:
    """The text of one official data file in use, such as ``"99.tsv"`` ('' if none).

    >>> official_shard_text("99.tsv").startswith("99")
    True
    """
    check_type("name", name, str, "text (str)")
    return _SHIPPED.shard_text(name)


def default_catalog() -> Catalog:
    """The shipped catalog: loaded once, lazily and thread-safely, on first use.

    >>> default_catalog() is default_catalog()
    True

    Returns:
        The catalog shipped with the package, the same object on every call.
    """
    return _SHIPPED.load_all()


def curated_index() -> dict[str, str]:
    """Which shipped curated data file holds each curated code (``data/index.txt``, checked).

    >>> curated_index()["62290"]
    'discography.json'
    """
    return read_index(_SHIPPED.read)


def get(code: str, *, on: date | None = None) -> Procedure:
    """The record for ``code`` from the default catalog.

    Raises [`InvalidCodeError`][proccodes.catalog.InvalidCodeError] for malformed text,
    [`UnknownCodeError`][proccodes.catalog.UnknownCodeError] for a code the
    catalog does not hold and, with ``on=date``,
    [`CodeNotActiveError`][proccodes.catalog.CodeNotActiveError] if the code was not
    in effect that day. With ``on``, a code whose CMS descriptor changed answers with the
    descriptor the HCPCS file of that date's year gave (see
    [`record_on`][proccodes.catalog.record_on]). The first call
    reads only the data the code needs.

    >>> get("62290").title
    'Lumbar discography (disc injection for a discogram)'
    >>> get(" 62290 ").code
    '62290'
    >>> get("J1100").descriptor("short")
    'Dexamethasone sodium phos'

    Args:
        code: the code, as text (surrounding white space and lower case are accepted).
        on: a date of service; the record is checked to be in effect that day.

    Returns:
        The code's record.

    Raises:
        InvalidCodeError: ``code`` is not the text of a well-formed code.
        UnknownCodeError: the default catalog does not hold the code.
        CodeNotActiveError: with ``on``, the code was not in effect that day.
    """
    shipped = _SHIPPED
    try:
        record = shipped.built.get(code) or shipped.aliases.get(code)
    except TypeError:  # unhashable: lookup says why it is not a code
        record = None
    if record is None:
        record = _get_untidy(code)
    if on is not None:
        return _in_effect(record, on)
    return record


def _reset_locks_in_child() -> None:
    """After fork(): the parent's locks may be held by a thread that does not exist here."""
    global _index_lock
    _index_lock = threading.Lock()
    _SHIPPED.after_fork()


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_reset_locks_in_child)


def _get_untidy(code: str) -> Procedure:
    """get() for input not seen before in this spelling: normalize, read the file, remember."""
    if isinstance(code, str):
        canonical = normalize_code(code)
        record = _SHIPPED.record(canonical)
        if record is not None:
            if canonical != code:
                _SHIPPED.remember(code, record)
            return record
    return default_catalog().lookup(code)


def _in_effect(record: Procedure, on: date) -> Procedure:
    """The record as it stood on ``on``;
    [`CodeNotActiveError`][proccodes.catalog.CodeNotActiveError] if not in effect then."""
    on = as_day(on)
    if not record.is_active_on(on):
        raise CodeNotActiveError(
            record.code,
            on,
            effective=record.effective,
            terminated=record.terminated,
            replaced_by=record.replaced_by,
        )
    return record_on(record, on)


def record_on(record: Procedure, on: date) -> Procedure:
    """The record with the official descriptor in effect on ``on``, from its history.

    CMS sometimes gives a code new words, and now and then a new meaning (M1009 meant "Patient
    treatment and final evaluation complete" in 2019 and names a discharge from an episode of
    care since 2020). The current descriptor is in effect from the record's action-effective
    date; before it, the descriptor of the newest HCPCS file of a year up to ``on``'s year is
    the answer. That record is a copy of this one with that year's long descriptor as title
    and descriptor, and without today's file, PFS and RBCS facts, which belong to today's
    meaning. Quarterly files count by quarter: the newest file (year and
    `quarter`) that took effect by ``on`` gives the words. A curated
    record, or one whose text did not change, is returned as it is.

    >>> from datetime import date
    >>> record_on(get("M1009"), date(2019, 6, 1)).title
    'Patient treatment and final evaluation complete'
    >>> record_on(get("M1009"), date(2020, 6, 1)) is get("M1009")
    True
    """
    check_type("record", record, Procedure, "a Procedure")
    on = as_day(on)
    if record.curated or not record.history:
        return record
    facts = record.file_facts
    changed = facts.action_effective if facts is not None else None
    if changed is not None and on >= changed:
        return record
    years = [h for h in record.history if h.starts <= on]
    if not years:
        return record
    then = max(years, key=lambda h: (h.year, h.quarter))
    current = record.descriptor("long")
    if then.descriptor == current or not then.descriptor:
        return record
    import attrs

    from .records import Descriptor, DescriptorUse

    return attrs.evolve(
        record,
        title=then.descriptor,
        descriptors=(
            Descriptor(
                use=DescriptorUse.LONG, text=then.descriptor, source=f"CMS HCPCS {then.year}"
            ),
        ),
        action=then.action,
        file_facts=None,
        pfs=None,
        pfs_by_modifier=(),
        rbcs=None,
    )


def search(text: str, *, limit: int = 10) -> list[Procedure]:
    """Ranked matches in the default catalog for ``text``; never raises for text.

    Ranks an exact code first, then an exact name, a name prefix, word overlap (titles and common
    names weigh most) and, last, words within one typo. Ties break by code.

    >>> [p.code for p in search("discograhy lumbar", limit=1)]
    ['62290']
    >>> search("zzzzqqq")
    []

    Args:
        text: the query: a code, a name, everyday words, with typos.
        limit: the most records returned.

    Returns:
        The matching records, best first.

    Raises:
        TypeError: ``text`` is not a str or ``limit`` not an int.
        ValueError: ``limit`` is negative.
    """
    check_type("text", text, str, "text (str)")
    check_int("limit", limit, minimum=0, maximum=sys.maxsize)
    return default_catalog().search(text, limit=limit)


def load_catalog(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, strict: bool = False
) -> Catalog:
    """A catalog from the project's JSON format: one file, or a folder of ``*.json`` files.

    Every file is checked strictly (``strict=`` is accepted as every loader takes it, and changes
    nothing: this format has errors only, no tolerated defects); a malformed one raises
    [`DataError`][proccodes.catalog.DataError] naming the file,
    the record and the field path of every problem. Files are read as every loader reads
    (`proccodes.sources._files.read_input`): regular files only, at most ``max_bytes``
    each (default 256 MiB).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "mine.json").write_text('{"schema_version": 1, "release": "r1", '
    ...     '"as_of": "2026-01-01", "procedures": []}')
    >>> load_catalog(folder)
    <Catalog release='r1' as_of=2026-01-01 records=0>

    Args:
        path: one JSON file, or a folder of ``*.json`` files.
        max_bytes: the largest file read; default 256 MiB.
        strict: accepted for a uniform loader signature; every problem is already an error.

    Returns:
        The records of the files.

    Raises:
        DataError: a file cannot be read or does not match the format; it names the file, the
            record and the field path of every problem.
        TypeError: ``path`` is not a path.
    """
    from pathlib import Path

    from ._convert import parse_catalog_bytes
    from .sources._files import path_kind, read_input

    if not isinstance(path, str | os.PathLike) or not isinstance(os.fspath(path), str):
        raise ArgumentTypeError(f"path must be a str or os.PathLike, not {type_name(path)}")
    if max_bytes is not None:
        check_int("max_bytes", max_bytes, minimum=1)
    check_type("strict", strict, bool, "True or False")
    path = Path(path)
    kind = path_kind(path)
    if kind == "folder":
        try:
            files = sorted(p for p in path.iterdir() if p.suffix == ".json")
        except OSError as exc:
            raise DataError(str(path), [f"cannot list the folder: {exc.strerror}"]) from exc
        if not files:
            raise DataError(str(path), ["no *.json catalog files in this folder"])
    elif kind == "other":
        files = [path]
    else:
        raise DataError(str(path), ["no such file or folder"])
    records: list[Procedure] = []
    modifiers: list[Modifier] = []
    warnings: list[str] = []
    releases: list[str] = []
    dates: list[date] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for file in files:
        found = read_input(file, what="a proccodes catalog JSON file", max_bytes=max_bytes)
        parsed = parse_catalog_bytes(found.data, found.source)
        releases.append(parsed.release)
        dates.append(parsed.as_of)
        modifiers.extend(parsed.modifiers)
        warnings.extend(parsed.warnings)
        for record in parsed.procedures:
            if record.code in seen:
                problems.append(
                    f"record {record.code}: also in {seen[record.code]} @ {record.code}.code"
                )
                continue
            seen[record.code] = str(file)
            records.append(record)
    if problems:
        raise DataError(str(path), problems)
    return Catalog(
        records,
        release=" + ".join(dict.fromkeys(releases)),
        as_of=max(dates),
        modifiers=modifiers,
        warnings=warnings,
    )


def curated_families() -> dict[str, tuple[str, ...]]:
    """The shipped curated records by family: each data file's name (without ``.json``) to the
    codes it holds, in code order.

    >>> "62290" in curated_families()["discography"]
    True

    Returns:
        Family name to its codes, families in name order.
    """
    families: dict[str, list[str]] = {}
    for code, name in curated_index().items():
        families.setdefault(name.removesuffix(".json"), []).append(code)
    return {name: tuple(sorted(codes)) for name, codes in sorted(families.items())}


def codes_in(range_id: str, catalog: Mapping[str, object] | None = None) -> list[str]:
    """The codes of ``catalog`` (default: the default catalog) that ``range_id`` holds, in order.

    >>> codes_in("62290-62292")
    ['62290', '62291', '62292']
    >>> codes_in("62290-62292", {"62291": None, "99213": None})
    ['62291']

    Args:
        range_id: the id of a section, subsection or range.
        catalog: the codes to look through; default, the default catalog.

    Returns:
        The codes of the range, in code order.

    Raises:
        TypeError: ``range_id`` is not a str, or ``catalog`` not a mapping.
        ValueError: no range has this id.
    """
    from . import ranges

    return ranges.codes_in(range_id, default_catalog() if catalog is None else catalog)

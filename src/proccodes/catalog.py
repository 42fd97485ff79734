"""The catalog: an immutable ``Mapping[str, Procedure]`` with lookup, dates, search and merge.

The default catalog (the package's curated records) loads once, lazily and thread-safely, on
first use, through :mod:`importlib.resources` so that it works from a zip too.

A catalog pickles (and deep-copies) as its records, modifiers, release, date and warnings; its
search index is rebuilt on first use after unpickling, so a catalog can be sent to a worker
process or returned from one. A process forked while another thread loads the default catalog
starts with fresh locks (:func:`os.register_at_fork`), so the child never deadlocks.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar, overload

from ._args import as_day, check_choice, check_int, check_type, type_name
from .codes import MAX_CACHED_TEXT, normalize_code, validate_code
from .errors import (
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
    "Catalog",
    "data_folder",
    "default_catalog",
    "get",
    "load_catalog",
    "official_manifest_text",
    "official_shard_text",
    "record_on",
    "search",
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
    _records: dict[str, Procedure]
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
            raise TypeError(f"records must be an iterable of Procedure, not {type_name(records)}")
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
            raise TypeError(
                f"modifiers must be an iterable of Modifier, not {type_name(modifiers)}"
            )
        found = list(modifiers)
        for modifier in found:
            check_type("each modifier", modifier, Modifier, "a Modifier")
        if isinstance(warnings, str | bytes) or not isinstance(warnings, Iterable):
            raise TypeError(f"warnings must be an iterable of str, not {type_name(warnings)}")
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
        records: dict[str, Procedure],
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
                tuple(self._records.values()),
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
        """The record of ``code``: :class:`UnknownCodeError` (a ``KeyError``) when the catalog
        does not hold it, :class:`InvalidCodeKeyError` (an :class:`InvalidCodeError` and a
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

    def __repr__(self) -> str:
        return f"<Catalog release={self._release!r} as_of={self._as_of} records={len(self)}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Catalog):
            return self._records == other._records and self._release == other._release
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
        """The record for ``code``, checked: the raising counterpart of :meth:`get`.

        Raises :class:`InvalidCodeError` for malformed text, :class:`UnknownCodeError` (with close
        codes) for a well-formed code not in the catalog and, with ``on``,
        :class:`CodeNotActiveError` when the code was not in effect that day.

        >>> default_catalog().lookup("62292x")
        Traceback (most recent call last):
        ...
        proccodes.errors.InvalidCodeError: '62292x' is not a valid code: has 6 characters; codes have five, such as '62290' or 'J2650'
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
        """
        day = as_day(day, "day")
        return Catalog(
            (r for r in self._records.values() if r.is_active_on(day)),
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
        that is a conflict: ``on_conflict="error"`` (the default) raises :class:`DataError`
        listing every one; ``"keep"`` keeps this catalog's value, ``"replace"`` takes
        ``other``'s. Nothing is resolved silently. Records of two different years of the CMS
        HCPCS file do not conflict: the newer year's file fields win and their ``history``
        lists both years (see :func:`proccodes.load_hcpcs_years`). Modifiers merge the same way.

        >>> cat = default_catalog()
        >>> cat.merge(cat) == cat
        True
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
        """:meth:`merge` that returns the conflicts instead of raising: the catalog and one
        message per conflict (empty when the two agree), resolved as ``on_conflict`` says.

        >>> merged, conflicts = default_catalog().merge_report(default_catalog())
        >>> conflicts
        []
        """
        from ._merge import merge_mappings

        check_type("other", other, Catalog, "a Catalog")
        on_conflict = check_choice("on_conflict", on_conflict, _ON_CONFLICT)
        merged, conflicts = merge_mappings(self._records, other._records, on_conflict)
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
        """Ranked matches for ``text``; ``[]`` when nothing matches. See :func:`proccodes.search`.

        >>> [p.code for p in default_catalog().search("discogram", limit=2)]
        ['62290', '62291']
        """
        check_type("text", text, str, "text (str)")
        check_int("limit", limit, minimum=0, maximum=sys.maxsize)
        index = self._index
        if index is None:
            with _index_lock:
                index = self._index
                if index is None:
                    from ._search import SearchIndex

                    index = SearchIndex(self._records.values())
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
# The shipped catalog is the curated records (data/*.json, written by hand) with CMS's official
# data under them (data/official/, written by tools/build_data.py): every code of the HCPCS
# Level II and PFS files is a record, and a curated code's record is the curated one with the
# official facts (descriptors, dates, file facts, PFS, RBCS, history) it leaves empty filled in.
#
# The first get() reads only what its code needs: for a curated code the data file that
# data/index.txt names (and the official lines of that file's codes), for any other code the
# one official file of its first two characters, from which it builds that one record.
# default_catalog() builds the rest. Records are built once and kept in _built, so get() and the
# catalog hand out the same objects. Everything below is written under _default_lock; reads
# need no lock (a dict read is atomic, records are frozen).

_default: Catalog | None = None
_default_lock = threading.Lock()
_load_count = 0  # how many times the default catalog was built; the thread test reads it
_built: dict[str, Procedure] = {}  # every shipped record built so far, by code
_aliases: dict[str, Procedure] = {}  # untidy spellings get() has resolved, e.g. ' 62290 '
_MAX_ALIASES = 4096
_MAX_ALIAS_LENGTH = MAX_CACHED_TEXT  # only short spellings: at most ~4096 x 32 chars are kept
_headers: dict[str, tuple[str, date]] = {}  # curated data file read -> its (release, as_of)
_index: dict[str, str] | None = None  # code -> the curated data file that holds it
_official: _OfficialData | None = None
_shards: dict[str, str] = {}  # official file -> its text, kept while only get() has run

_DATA = os.path.join(os.path.dirname(__file__), "data")
INDEX_NAME = "index.txt"
CURATED_NAME = "proccodes curated records"


DATA_ENV = "PROCCODES_DATA"
_folder: str | None = None  # the data release folder in use (None: the shipped one)
_folder_chosen = False  # whether _folder was settled (by use_data or the environment)


class _OfficialData:
    """The manifest of the official data in use and a reader of its lines."""

    __slots__ = ("manifest", "reader", "text")

    def __init__(self) -> None:
        from ._official import MANIFEST, Manifest, Reader

        self.text = _official_bytes(MANIFEST).decode("utf-8")
        self.manifest = Manifest(self.text)
        self.reader = Reader(self.manifest)


def _chosen_folder() -> str | None:
    """The release folder in use: set by :func:`use_data`, else ``$PROCCODES_DATA``, else
    ``None`` (the shipped data). Resolved once (symbolic links followed), so a process keeps
    reading the release it started with while a newer one is built in its place."""
    global _folder, _folder_chosen
    if not _folder_chosen:
        named = os.environ.get(DATA_ENV) or None
        _folder = _release_folder(named) if named else None
        _folder_chosen = True
    return _folder


def _release_folder(folder: str | os.PathLike[str]) -> str:
    """``folder`` resolved, checked to hold a data release (its manifest)."""
    if not isinstance(folder, str | os.PathLike):
        raise TypeError(f"folder must be a str or os.PathLike, not {type_name(folder)}")
    path = os.path.realpath(os.fspath(folder))
    if not os.path.isfile(os.path.join(path, "manifest.tsv")):
        raise DataError(
            os.fspath(folder),
            ["not a data release folder (no manifest.tsv); build one with `proccodes data build`"],
        )
    return path


def _official_bytes(name: str) -> bytes:
    """One file of the official data in use: a release folder's, or the shipped one's."""
    folder = _chosen_folder()
    if folder is None:
        from ._official import FOLDER

        return _read_data(f"{FOLDER}/{name}")
    with open(os.path.join(folder, name), "rb") as stream:
        return stream.read()


def use_data(folder: str | os.PathLike[str] | None) -> None:
    """Make the data release in ``folder`` (built by ``proccodes data build``) the default for
    every function and command; ``None`` goes back to the shipped data. The records already
    handed out stay as they were; the next :func:`get` or :func:`default_catalog` reads the
    new release. ``PROCCODES_DATA`` does the same for a whole process.

    >>> use_data(None)
    >>> data_folder() is None
    True
    """
    global _folder, _folder_chosen, _default, _official, _index
    chosen = None if folder is None else _release_folder(folder)
    with _default_lock:
        _folder, _folder_chosen = chosen, True
        _default = None
        _official = None
        _index = None
        _built.clear()
        _aliases.clear()
        _headers.clear()
        _shards.clear()


def data_folder() -> str | None:
    """The data release folder in use, resolved; ``None`` when it is the shipped data.

    >>> data_folder() is None or isinstance(data_folder(), str)
    True
    """
    with _default_lock:
        return _chosen_folder()


def official_manifest_text() -> str:
    """The text of the official data's ``manifest.tsv`` in use (sources, files, tables).

    >>> official_manifest_text().startswith("#")
    True
    """
    with _default_lock:
        return _official_data().text


def official_shard_text(name: str) -> str:
    """The text of one official data file in use, such as ``"99.tsv"`` ('' if none).

    >>> official_shard_text("99.tsv").startswith("99")
    True
    """
    with _default_lock:
        text = _shards.get(name)
        if text is not None:
            return text
        try:
            return _official_bytes(name).decode("utf-8")
        except OSError:
            return ""


def default_catalog() -> Catalog:
    """The shipped catalog: loaded once, lazily and thread-safely, on first use.

    >>> default_catalog() is default_catalog()
    True
    """
    catalog = _default
    if catalog is None:
        with _default_lock:
            catalog = _default
            if catalog is None:
                catalog = _load_default_without_gc()
    return catalog


def _read_data(name: str) -> bytes:
    """One file of the data folder: through the package's loader, so zip-safe and cheap."""
    loader = __spec__.loader if __spec__ is not None else None
    get_data = getattr(loader, "get_data", None)
    if get_data is not None:
        data: bytes = get_data(os.path.join(_DATA, *name.split("/")))
        return data
    from importlib import resources  # pragma: no cover - a loader without get_data

    return resources.files("proccodes").joinpath("data", name).read_bytes()  # pragma: no cover


def _data_names() -> list[str]:
    """The shipped curated data files, in name order."""
    if os.path.isdir(_DATA):
        return sorted(n for n in os.listdir(_DATA) if n.endswith(".json"))
    from importlib import resources  # pragma: no cover - a zipped package

    folder = resources.files("proccodes").joinpath("data")  # pragma: no cover
    return sorted(e.name for e in folder.iterdir() if e.name.endswith(".json"))  # pragma: no cover


def _read_index() -> dict[str, str]:
    """Which data file holds each code, from data/index.txt (written by tools/regenerate.py).

    The index is required and checked against the data files it describes (their names, sizes
    and how many codes each holds): a missing or stale index is a :class:`DataError`, never a
    silent fallback to a record without its curated content.
    """
    source = f"proccodes data/{INDEX_NAME}"
    try:
        text = _read_data(INDEX_NAME).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
        raise DataError(
            source,
            [
                f"cannot read the index of the curated data ({reason}): the installed package "
                "is incomplete; reinstall it (in a source tree: python tools/regenerate.py)"
            ],
        ) from None
    index: dict[str, str] = {}
    files: dict[str, tuple[int, int, int]] = {}
    for line in text.splitlines():
        fields = line.split()
        if line.startswith(INDEX_FILE_LINE) and len(fields) == 6:
            counts = fields[3:]
            if all(c.isdigit() for c in counts):
                files[fields[2]] = (int(counts[0]), int(counts[1]), int(counts[2]))
        elif line and not line.startswith("#") and len(fields) == 2:
            index[fields[0]] = fields[1]
    problems = index_problems(index, files, _data_names(), _data_size)
    if problems:
        raise DataError(source, [*problems, "the index is stale: run python tools/regenerate.py"])
    return index


INDEX_FILE_LINE = "# file "
"""The index line that describes one data file: ``# file NAME BYTES LINES CODES``."""


def _data_size(name: str) -> int | None:
    """The size in bytes of one curated data file; None where the package is not a folder."""
    try:
        return os.path.getsize(os.path.join(_DATA, name))
    except OSError:  # pragma: no cover - a zipped package: names and counts are still checked
        return None


def index_problems(
    index: Mapping[str, str],
    files: Mapping[str, tuple[int, int, int]],
    names: Iterable[str],
    size_of: Callable[[str], int | None],
) -> list[str]:
    """What makes an index disagree with the data files ``names``: a file it does not
    describe, or describes but is gone, a size that changed (a file written with CRLF line
    ends may be ``LINES`` bytes longer), or a file whose code count differs from its lines.

    >>> index_problems({"62290": "a.json"}, {"a.json": (10, 2, 1)}, ["a.json"], lambda n: 12)
    []
    >>> for problem in index_problems({}, {"a.json": (10, 2, 1)}, ["a.json", "b.json"], len):
    ...     print(problem)
    b.json: a data file the index does not describe
    a.json: 6 bytes, the index says 10
    a.json: the index lists 0 of its 1 codes
    """
    problems: list[str] = []
    names = list(names)
    problems += [f"{n}: a data file the index does not describe" for n in names if n not in files]
    problems += [f"{n}: in the index but not shipped" for n in files if n not in names]
    counts: dict[str, int] = {}
    for name in index.values():
        counts[name] = counts.get(name, 0) + 1
    for name, (size, lines, codes) in files.items():
        if name not in names:
            continue
        actual = size_of(name)
        if actual is not None and actual not in (size, size + lines):
            problems.append(f"{name}: {actual} bytes, the index says {size}")
        if counts.get(name, 0) != codes:
            problems.append(f"{name}: the index lists {counts.get(name, 0)} of its {codes} codes")
    problems += [f"{n}: named by codes, not described" for n in counts if n not in files]
    return problems


def _official_data() -> _OfficialData:
    global _official
    if _official is None:
        _official = _OfficialData()
    return _official


def _shard_text(name: str) -> str:
    """The text of one official data file ('' if the package has none of that name)."""
    text = _shards.get(name)
    if text is None:
        try:
            text = _official_bytes(name).decode("utf-8")
        except OSError:
            text = ""
        _shards[name] = text
    return text


def _official_line(code: str) -> str | None:
    """The official data line of canonical ``code``, or None if the shipped data has none."""
    from ._official import shard_name

    text = _shard_text(shard_name(code))
    key = code + "\t"
    if text.startswith(key):
        at = 0
    else:
        at = text.find("\n" + key)
        if at < 0:
            return None
        at += 1
    end = text.find("\n", at)
    return text[at : end if end >= 0 else len(text)]


# The official fields a curated record takes from the official data where it leaves them empty.
_OFFICIAL_FIELDS = (
    "descriptors",
    "effective",
    "terminated",
    "action",
    "replaced_by",
    "file_facts",
    "pfs",
    "pfs_by_modifier",
    "rbcs",
    "history",
)


def _with_official(curated: Procedure, official: Procedure) -> Procedure:
    """The curated record with the official facts it leaves empty filled in."""
    changes = {}
    for name in _OFFICIAL_FIELDS:
        value = getattr(official, name)
        if value not in (None, ()) and getattr(curated, name) in (None, ()):
            changes[name] = value
    if not changes:
        return curated
    import attrs

    return attrs.evolve(curated, **changes)


def _read_file(name: str) -> None:
    """Build the records of one curated data file into ``_built``, each with its official
    facts (under the lock; once per file)."""
    if name in _headers:
        return
    import json

    from ._fastload import build_procedure

    raw = json.loads(_read_data(name))
    for item in raw["procedures"]:
        code = item["code"]
        known = _built.get(code)
        if known is None or not known.curated:
            record = build_procedure(item)
            line = _official_line(code)
            if line is not None:
                record = _with_official(record, _official_data().reader.procedure(line))
            _built[code] = record
    _headers[name] = (raw["release"], date.fromisoformat(raw["as_of"]))


def _shipped(code: str) -> Procedure | None:
    """The shipped record of canonical ``code``, reading at most what the code needs.

    ``None`` when neither the index nor the official data places the code; the caller then asks
    the whole catalog, so a stale index costs time, never a wrong answer.
    """
    global _index
    record = _built.get(code)
    if record is None and _default is None:
        with _default_lock:
            if _index is None:
                _index = _read_index()
            name = _index.get(code)
            if _default is None and code not in _built:
                if name is not None:
                    _read_file(name)
                else:
                    line = _official_line(code)
                    if line is not None:
                        _built[code] = _official_data().reader.procedure(line)
        record = _built.get(code)
    return record


def shipped_sources() -> tuple[DataRelease, ...]:
    """The data sources of the shipped catalog, read without loading the catalog.

    >>> [s.name for s in shipped_sources()][:2]
    ['proccodes curated records', 'CMS HCPCS Level II']
    """
    catalog = _default
    if catalog is not None:
        return catalog.sources
    with _default_lock:
        official = _official_data()
    curated = _curated_source()
    return (curated, *_official_sources(official))


def _curated_source() -> DataRelease:
    """The curated records' source: their release and newest as-of date (reads one file's
    header when none was read yet)."""
    headers = list(_headers.values())
    if not headers:
        import json

        names = _data_names()
        raw = json.loads(_read_data(names[0])) if names else {}
        headers = [(raw.get("release", ""), date.fromisoformat(raw.get("as_of", "2000-01-01")))]
    releases = " + ".join(dict.fromkeys(release for release, _ in headers))
    return DataRelease(name=CURATED_NAME, release=releases, as_of=max(d for _, d in headers))


def _official_sources(official: _OfficialData) -> list[DataRelease]:
    return [
        DataRelease(name=name, release=release, as_of=as_of, file=file)
        for name, release, as_of, file in official.manifest.sources
    ]


def _load_default_without_gc() -> Catalog:
    """:func:`_load_default` with the cyclic garbage collector paused: the load makes some
    80,000 objects, none of them garbage and none in a cycle, and the collections their
    allocation would trigger (each walking every object made so far) cost a quarter of the load.
    Part of that is only deferred: the first collections after the load walk the new objects
    once per generation (measured: some 60-100 ms more on the first search's index build).
    """
    import gc

    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _load_default()
    finally:
        if paused:
            gc.enable()


def _load_default() -> Catalog:
    global _default, _load_count
    for name in _data_names():
        _read_file(name)
    official = _official_data()
    reader = official.reader
    built = _built
    for shard in official.manifest.shards:
        for record in reader.procedures(_shard_text(shard).splitlines(), skip=built):
            built[record.code] = record
    from ._official import MODIFIERS

    modifiers = [reader.modifier(line) for line in _shard_text(MODIFIERS).splitlines()]
    headers = [_headers[name] for name in sorted(_headers)]
    curated = DataRelease(
        name=CURATED_NAME,
        release=" + ".join(dict.fromkeys(release for release, _ in headers)),
        as_of=max((as_of for _, as_of in headers), default=None),
    )
    sources = (curated, *_official_sources(official))
    # The shipped records are unique by construction (one dict entry per code) and typed by
    # the reader: the checks of Catalog() would only cost time here.
    catalog = Catalog.__new__(Catalog)
    catalog._set(
        dict(sorted(built.items())),
        {m.code: m for m in sorted(modifiers, key=lambda m: m.code)},
        " + ".join(f"{s.name} {s.release}" for s in sources),
        max((s.as_of for s in sources if s.as_of is not None), default=None),
        (),
        sources,
    )
    _load_count += 1
    _default = catalog
    _shards.clear()  # every record is built: the texts are no longer needed
    return catalog


def get(code: str, *, on: date | None = None) -> Procedure:
    """The record for ``code`` from the default catalog.

    Raises :class:`InvalidCodeError` for malformed text, :class:`UnknownCodeError` for a code the
    catalog does not hold and, with ``on=date``, :class:`CodeNotActiveError` if the code was not
    in effect that day. With ``on``, a code whose CMS descriptor changed answers with the
    descriptor the HCPCS file of that date's year gave (see :func:`record_on`). The first call
    reads only the data the code needs.

    >>> get("62290").title
    'Lumbar discography (disc injection for a discogram)'
    >>> get(" 62290 ").code
    '62290'
    >>> get("J1100").descriptor("short")
    'Dexamethasone sodium phos'
    """
    try:
        record = _built.get(code) or _aliases.get(code)
    except TypeError:  # unhashable: lookup says why it is not a code
        record = None
    if record is None:
        record = _get_untidy(code)
    if on is not None:
        return _in_effect(record, on)
    return record


def _reset_locks_in_child() -> None:
    """After fork(): the parent's locks may be held by a thread that does not exist here."""
    global _default_lock, _index_lock
    _default_lock = threading.Lock()
    _index_lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_reset_locks_in_child)


def _get_untidy(code: str) -> Procedure:
    """get() for input not seen before in this spelling: normalize, read the file, remember."""
    if isinstance(code, str):
        canonical = normalize_code(code)
        record = _shipped(canonical)
        if record is not None:
            if (
                canonical != code
                and len(code) <= _MAX_ALIAS_LENGTH
                and len(_aliases) < _MAX_ALIASES
            ):
                _aliases[code] = record
            return record
    return default_catalog().lookup(code)


def _in_effect(record: Procedure, on: date) -> Procedure:
    """The record as it stood on ``on``; :class:`CodeNotActiveError` if not in effect then."""
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
    :attr:`~proccodes.YearSeen.quarter`) that took effect by ``on`` gives the words. A curated
    record, or one whose text did not change, is returned as it is.

    >>> from datetime import date
    >>> record_on(get("M1009"), date(2019, 6, 1)).title
    'Patient treatment and final evaluation complete'
    >>> record_on(get("M1009"), date(2020, 6, 1)) is get("M1009")
    True
    """
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
    """
    check_type("text", text, str, "text (str)")
    check_int("limit", limit, minimum=0, maximum=sys.maxsize)
    return default_catalog().search(text, limit=limit)


def load_catalog(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Catalog:
    """A catalog from the project's JSON format: one file, or a folder of ``*.json`` files.

    Every file is checked strictly; a malformed one raises :class:`DataError` naming the file,
    the record and the field path of every problem. Files are read as every loader reads
    (:func:`proccodes.sources._files.read_input`): regular files only, at most ``max_bytes``
    each (default 256 MiB).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "mine.json").write_text('{"schema_version": 1, "release": "r1", '
    ...     '"as_of": "2026-01-01", "procedures": []}')
    >>> load_catalog(folder)
    <Catalog release='r1' as_of=2026-01-01 records=0>
    """
    from pathlib import Path

    from ._convert import parse_catalog_bytes
    from .sources._files import path_kind, read_input

    if not isinstance(path, str | os.PathLike) or not isinstance(os.fspath(path), str):
        raise TypeError(f"path must be a str or os.PathLike, not {type_name(path)}")
    if max_bytes is not None:
        check_int("max_bytes", max_bytes, minimum=1)
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

"""The shipped-data repository: every piece of lazily read shipped data, in one object.

The shipped catalog is the curated records (``data/*.json``, written by hand) with CMS's
official data under them (``data/official/``, written by tools/build_data.py): every code of the
HCPCS Level II and PFS files is a record, and a curated code's record is the curated one with the
official facts (descriptors, dates, file facts, PFS, RBCS, history) it leaves empty filled in
(`proccodes._merge.merge_records` with the ``"keep"`` policy: the curated value stays).

The first `ShippedData.record` reads only what its code needs: for a curated code the data
file that ``data/index.txt`` names (and the official lines of that file's codes), for any other
code the one official file of its first two characters, from which it builds that one record.
`ShippedData.load_all` builds the rest. Records are built once and kept in
`ShippedData.built`, so a lookup and the catalog hand out the same objects. Everything is
written under `ShippedData.lock`; reads need no lock (a dict read is atomic, records are
frozen).

Caches, all bounded: ``built`` holds at most one record per shipped code (about 19,500); the
official files' texts are kept only until the full load (then dropped); ``aliases`` keeps at most
`ShippedData.MAX_ALIASES` untidy spellings, each at most ``MAX_ALIAS_LENGTH`` characters.
`ShippedData.reset` forgets all of it, as in a new process.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, Generic, TypeVar

from ._official import MANIFEST, MODIFIERS, Manifest, Reader, shard_name
from ._resources import data_names, read_data, read_index, read_release_file, release_folder
from .codes import MAX_CACHED_TEXT
from .records import DataRelease, Modifier, Procedure

__all__ = ["CURATED_NAME", "DATA_ENV", "LazyRecords", "MakeCatalog", "ShippedData"]

CURATED_NAME = "proccodes curated records"
DATA_ENV = "PROCCODES_DATA"

_C = TypeVar("_C")

MakeCatalog = Callable[
    ["LazyRecords", dict[str, Modifier], str, "date | None", tuple[DataRelease, ...]],
    _C,
]
"""Builds the catalog value from records and modifiers (both in code order), its release, as-of
date and sources; the records are unique and typed already, so it need not check them."""


class LazyRecords(Mapping[str, Procedure]):
    """The shipped records by code, in code order, each official data file's records built on
    first access to one of its codes (`materialise` builds the rest).

    It knows every code from the start (so ``len``, ``in`` and iteration build nothing) and
    keeps the texts of the files not built yet; it holds its own records and texts, so a
    `ShippedData.reset` or `ShippedData.use` later does not change it.
    """

    __slots__ = ("_built", "_codes", "_full", "_pending", "_reader", "_repository")

    def __init__(
        self,
        repository: ShippedData[Any],
        codes: dict[str, None],
        built: dict[str, Procedure],
        pending: dict[str, str],
        reader: Reader,
    ) -> None:
        self._repository = repository
        self._codes = codes
        self._built = built
        self._pending = pending
        self._reader = reader
        self._full: dict[str, Procedure] | None = None

    def __getitem__(self, code: str) -> Procedure:
        record = self._built.get(code)
        if record is None:
            if code not in self._codes:
                raise KeyError(code)
            self._build(shard_name(code))
            record = self._built[code]
        return record

    def get(self, code: str, default: Any = None) -> Any:
        try:
            return self[code]
        except KeyError:
            return default

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def _build(self, name: str) -> None:
        with self._repository.lock:
            text = self._pending.get(name)
            if text is None:
                return
            built = self._built
            for record in self._reader.procedures(text.splitlines(), skip=built):
                built[record.code] = record
            del self._pending[name]  # built: the text is no longer needed

    def materialise(self) -> dict[str, Procedure]:
        """Every record built, as a dict in code order (built once, then the same dict)."""
        full = self._full
        if full is None:
            paused = gc.isenabled()
            if paused:
                gc.disable()  # see ShippedData._load_without_gc
            try:
                for name in list(self._pending):
                    self._build(name)
            finally:
                if paused:
                    gc.enable()
            built = self._built
            # keyed by each record's own code string: the texts split for the codes go
            records = [built[code] for code in self._codes]
            full = self._full = {record.code: record for record in records}
        return full


class _Official:
    """The manifest of the official data in use and a reader of its lines."""

    __slots__ = ("manifest", "reader", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.manifest = Manifest(text)
        self.reader = Reader(self.manifest)


class ShippedData(Generic[_C]):
    """The lazily read shipped data (or a data release folder's): one lock, its caches,
    `load_all` and `reset`.

    >>> from proccodes.catalog import shipped_data
    >>> repository = shipped_data()
    >>> repository.record("62290").curated
    True
    >>> repository.load_all() is repository.load_all()
    True
    """

    MAX_ALIASES = 4096
    """At most this many untidy spellings (``' 62290'``) are remembered."""
    MAX_ALIAS_LENGTH = MAX_CACHED_TEXT
    """Only spellings this short are remembered: at most ~4096 x 32 characters are kept."""

    __slots__ = (
        "_catalog",
        "_folder",
        "_folder_chosen",
        "_headers",
        "_index",
        "_make",
        "_official",
        "_shards",
        "aliases",
        "built",
        "load_count",
        "lock",
        "read",
    )

    def __init__(
        self,
        make: MakeCatalog[_C],
        *,
        read: Callable[[str], bytes] = read_data,
    ) -> None:
        self._make = make
        self.read = read
        """Reads one file of the package's data folder (the curated files and the index)."""
        self.lock = threading.Lock()
        self.load_count = 0
        """How many times the whole catalog was built (the thread test reads it)."""
        self.built: dict[str, Procedure] = {}
        """Every shipped record built so far, by code."""
        self.aliases: dict[str, Procedure] = {}
        """Untidy spellings already resolved, e.g. ``' 62290 '``."""
        self._catalog: _C | None = None
        self._headers: dict[str, tuple[str, date]] = {}
        self._index: dict[str, str] | None = None
        self._official: _Official | None = None
        self._shards: dict[str, str] = {}
        self._folder: str | None = None
        self._folder_chosen = False

    # -- state --------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every record built and every file read, as in a new process (the data
        release chosen stays chosen)."""
        with self.lock:
            self._forget()

    def _forget(self) -> None:
        # new containers, not cleared ones: a catalog handed out keeps the records it holds
        self._catalog = None
        self._official = None
        self._index = None
        self.built = {}
        self.aliases = {}
        self._headers = {}
        self._shards = {}

    def after_fork(self) -> None:
        """In a forked child: the parent's lock may be held by a thread that does not exist."""
        self.lock = threading.Lock()

    def use(self, folder: str | os.PathLike[str] | None) -> None:
        """Read the data release in ``folder`` from now on (``None``: the shipped data)."""
        chosen = None if folder is None else release_folder(folder)
        with self.lock:
            self._folder, self._folder_chosen = chosen, True
            self._forget()

    def folder(self) -> str | None:
        """The release folder in use: set by `use`, else ``$PROCCODES_DATA``, else
        ``None`` (the shipped data). Resolved once (symbolic links followed), so a process keeps
        reading the release it started with while a newer one is built in its place."""
        with self.lock:
            return self._chosen_folder()

    def _chosen_folder(self) -> str | None:
        if not self._folder_chosen:
            named = os.environ.get(DATA_ENV) or None
            self._folder = release_folder(named) if named else None
            self._folder_chosen = True
        return self._folder

    @property
    def loaded(self) -> _C | None:
        """The whole catalog if it was built, else ``None``."""
        return self._catalog

    @property
    def curated_files_read(self) -> list[str]:
        """The curated data files read so far, in name order."""
        return sorted(self._headers)

    @property
    def official_files_kept(self) -> list[str]:
        """The official data files whose text is kept (until the whole catalog is built)."""
        return sorted(self._shards)

    # -- the official data --------------------------------------------------------------------
    def _official_bytes(self, name: str) -> bytes:
        return read_release_file(self._chosen_folder(), name)

    def _official_data(self) -> _Official:
        official = self._official
        if official is None:
            official = self._official = _Official(self._official_bytes(MANIFEST).decode("utf-8"))
        return official

    def _shard_text(self, name: str) -> str:
        """The text of one official data file ('' if the data has none of that name)."""
        text = self._shards.get(name)
        if text is None:
            try:
                text = self._official_bytes(name).decode("utf-8")
            except OSError:
                text = ""
            self._shards[name] = text
        return text

    def _official_line(self, code: str) -> str | None:
        text = self._shard_text(shard_name(code))
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

    def manifest_text(self) -> str:
        """The text of the official data's ``manifest.tsv`` in use."""
        with self.lock:
            return self._official_data().text

    def shard_text(self, name: str) -> str:
        """The text of one official data file in use, such as ``"99.tsv"`` ('' if none)."""
        with self.lock:
            text = self._shards.get(name)
            if text is not None:
                return text
            try:
                return self._official_bytes(name).decode("utf-8")
            except OSError:
                return ""

    def official_record(self, code: str) -> Procedure | None:
        """The record the official data alone gives canonical ``code`` (no curated content),
        or ``None``; not kept.

        >>> from proccodes.catalog import shipped_data
        >>> shipped_data().official_record("62290").curated
        False
        """
        with self.lock:
            line = self._official_line(code)
            return None if line is None else self._official_data().reader.procedure(line)

    # -- records ------------------------------------------------------------------------------
    def _read_file(self, name: str) -> None:
        """Build the records of one curated data file into ``built``, each with its official
        facts (under the lock; once per file)."""
        if name in self._headers:
            return
        import json  # only curated records: a cold get of another code imports none of these

        from ._fastload import build_procedure as build_curated
        from ._merge import merge_records

        raw = json.loads(self.read(name))
        built = self.built
        for item in raw["procedures"]:
            code = item["code"]
            known = built.get(code)
            if known is None or not known.curated:
                record = build_curated(item, source=name)
                line = self._official_line(code)
                if line is not None:
                    official = self._official_data().reader.procedure(line)
                    record, _ = merge_records(record, official, on_conflict="keep")
                built[code] = record
        self._headers[name] = (raw["release"], date.fromisoformat(raw["as_of"]))

    def record(self, code: str) -> Procedure | None:
        """The shipped record of canonical ``code``, reading at most what the code needs;
        ``None`` when the shipped data does not hold it.

        The curated index is required and checked (`proccodes.read_index`):
        a missing or stale one is a `DataError`.
        """
        record = self.built.get(code)
        if record is None and self._catalog is None:
            with self.lock:
                if self._index is None:
                    self._index = read_index(self.read)
                name = self._index.get(code)
                if self._catalog is None and code not in self.built:
                    if name is not None:
                        self._read_file(name)
                    else:
                        line = self._official_line(code)
                        if line is not None:
                            official = self._official_data()
                            self.built[code] = official.reader.procedure(line)
            record = self.built.get(code)
        return record

    def remember(self, spelling: str, record: Procedure) -> None:
        """Remember an untidy spelling of a code, within the bounds of the alias cache."""
        if len(spelling) <= self.MAX_ALIAS_LENGTH and len(self.aliases) < self.MAX_ALIASES:
            self.aliases[spelling] = record

    # -- sources ------------------------------------------------------------------------------
    def sources(self) -> tuple[DataRelease, ...]:
        """The data sources of the shipped catalog, read without loading the catalog."""
        with self.lock:
            official = self._official_data()
            headers = list(self._headers.values())
            if not headers:
                import json  # see _read_file

                names = data_names()
                raw = json.loads(self.read(names[0])) if names else {}
                as_of = date.fromisoformat(raw.get("as_of", "2000-01-01"))
                headers = [(raw.get("release", ""), as_of)]
        releases = " + ".join(dict.fromkeys(release for release, _ in headers))
        curated = DataRelease(name=CURATED_NAME, release=releases, as_of=max(d for _, d in headers))
        return (curated, *_official_sources(official))

    # -- the whole catalog --------------------------------------------------------------------
    def load_all(self) -> _C:
        """The whole catalog: made once, lazily and thread-safely, then kept. It knows every
        code at once; its official-only records are built per data file on first access
        (`LazyRecords`), and all of them by anything that needs every record."""
        catalog = self._catalog
        if catalog is None:
            with self.lock:
                catalog = self._catalog
                if catalog is None:
                    catalog = self._load_without_gc()
        return catalog

    def _load_without_gc(self) -> _C:
        """`_load` with the cyclic garbage collector paused: the load makes some 80,000
        objects, none of them garbage and none in a cycle, and the collections their allocation
        would trigger (each walking every object made so far) cost a quarter of the load. Part
        of that is only deferred: the first collections after the load walk the new objects
        once per generation (measured: some 60-100 ms more on the first search's index build).
        """
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return self._load()
        finally:
            if paused:
                gc.enable()

    def _load(self) -> _C:
        for name in data_names():
            self._read_file(name)
        official = self._official_data()
        reader = official.reader
        built = self.built
        codes = set(built)
        pending: dict[str, str] = {}
        for shard in official.manifest.shards:
            text = self._shard_text(shard)
            codes.update(line.partition("\t")[0] for line in text.splitlines())
            pending[shard] = text
        records = LazyRecords(self, dict.fromkeys(sorted(codes)), built, pending, reader)
        modifiers = [reader.modifier(line) for line in self._shard_text(MODIFIERS).splitlines()]
        headers = [self._headers[name] for name in sorted(self._headers)]
        curated = DataRelease(
            name=CURATED_NAME,
            release=" + ".join(dict.fromkeys(release for release, _ in headers)),
            as_of=max((as_of for _, as_of in headers), default=None),
        )
        sources = (curated, *_official_sources(official))
        catalog = self._make(
            records,
            {m.code: m for m in sorted(modifiers, key=lambda m: m.code)},
            " + ".join(f"{s.name} {s.release}" for s in sources),
            max((s.as_of for s in sources if s.as_of is not None), default=None),
            sources,
        )
        self.load_count += 1
        self._catalog = catalog
        self._shards = {}  # the catalog's records hold the texts they still need
        return catalog


def _official_sources(official: _Official) -> list[DataRelease]:
    return [
        DataRelease(name=name, release=release, as_of=as_of, file=file)
        for name, release, as_of, file in official.manifest.sources
    ]

"""Reading the package's data files: the one module that knows where the shipped data lives.

Everything under ``src/proccodes/data/`` is read here, through the package's loader (so it works
from a zip too), and so is a data release folder a user built (``proccodes data build``). The
curated data's index (``data/index.txt``) is read and checked here as well. Nothing in this
module keeps state: the shipped-data repository (`proccodes._repository`) caches what it
reads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

from ._args import type_name
from .errors import ArgumentTypeError, DataError

__all__ = [
    "INDEX_FILE_LINE",
    "INDEX_NAME",
    "OFFICIAL_FOLDER",
    "RELEASE_MANIFEST",
    "data_names",
    "data_size",
    "index_problems",
    "read_data",
    "read_index",
    "read_release_file",
    "release_folder",
]

_DATA = os.path.join(os.path.dirname(__file__), "data")
INDEX_NAME = "index.txt"
"""The curated data's index: which data file holds each code (written by tools/regenerate.py)."""
INDEX_FILE_LINE = "# file "
"""The index line that describes one data file: ``# file NAME BYTES LINES CODES``."""
OFFICIAL_FOLDER = "official"
"""The shipped official data's folder inside ``data/``."""
RELEASE_MANIFEST = "manifest.tsv"
"""A data release's manifest (the official data's sources, files and tables)."""


def read_data(name: str) -> bytes:
    """One file of the package's data folder (``/``-separated), zip-safe and cheap.

    >>> read_data("index.txt").startswith(b"#")
    True
    """
    loader = __spec__.loader if __spec__ is not None else None
    get_data = getattr(loader, "get_data", None)
    if get_data is not None:
        data: bytes = get_data(os.path.join(_DATA, *name.split("/")))
        return data
    from importlib import resources  # pragma: no cover - a loader without get_data

    return resources.files("proccodes").joinpath("data", name).read_bytes()  # pragma: no cover


def data_names() -> list[str]:
    """The shipped curated data files, in name order.

    >>> "discography.json" in data_names()
    True
    """
    if os.path.isdir(_DATA):
        return sorted(n for n in os.listdir(_DATA) if n.endswith(".json"))
    from importlib import resources  # pragma: no cover - a zipped package

    folder = resources.files("proccodes").joinpath("data")  # pragma: no cover
    return sorted(e.name for e in folder.iterdir() if e.name.endswith(".json"))  # pragma: no cover


def data_size(name: str) -> int | None:
    """The size in bytes of one curated data file; None where the package is not a folder.

    >>> data_size("discography.json") > 0
    True
    """
    try:
        return os.path.getsize(os.path.join(_DATA, name))
    except OSError:  # pragma: no cover - a zipped package: names and counts are still checked
        return None


def read_index(read: Callable[[str], bytes] = read_data) -> dict[str, str]:
    """Which curated data file holds each code, from ``data/index.txt``.

    The index is required and checked against the data files it describes (their names, sizes
    and how many codes each holds): a missing or stale index is a `DataError`, never a
    silent fallback to a record without its curated content. ``read`` reads a data file (the
    package's own by default).

    >>> read_index()["62290"]
    'discography.json'
    """
    source = f"proccodes data/{INDEX_NAME}"
    try:
        text = read(INDEX_NAME).decode("utf-8")
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
    problems = index_problems(index, files, data_names(), data_size)
    if problems:
        raise DataError(source, [*problems, "the index is stale: run python tools/regenerate.py"])
    return index


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


def release_folder(folder: str | os.PathLike[str]) -> str:
    """``folder`` resolved (symbolic links followed), checked to hold a data release.

    >>> release_folder("/nonexistent")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: /nonexistent: 1 problem
      not a data release folder (no manifest.tsv); build one with `proccodes data build`
    """
    if not isinstance(folder, str | os.PathLike):
        raise ArgumentTypeError(f"folder must be a str or os.PathLike, not {type_name(folder)}")
    path = os.path.realpath(os.fspath(folder))
    if not os.path.isfile(os.path.join(path, RELEASE_MANIFEST)):
        raise DataError(
            os.fspath(folder),
            ["not a data release folder (no manifest.tsv); build one with `proccodes data build`"],
        )
    return path


def read_release_file(folder: str | None, name: str) -> bytes:
    """One file of the official data: of the release ``folder``, or (``None``) the shipped one.

    >>> read_release_file(None, "manifest.tsv").startswith(b"#")
    True
    """
    if folder is None:
        return read_data(f"{OFFICIAL_FOLDER}/{name}")
    with open(os.path.join(folder, name), "rb") as stream:
        return stream.read()

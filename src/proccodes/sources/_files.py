"""Reading an official data file safely: the one way every loader gets its bytes.

Every loader (HCPCS, PFS, RBCS, NCCI, the licensed CPT overlay, the JSON catalog) reads its input
through `read_input`, so the limits hold for all of them alike:

- only regular files are read: a folder, a device (``/dev/zero``), a FIFO or a socket is refused
  before a byte is read, so nothing hangs or reads forever;
- a file, or a zip member, larger than ``max_bytes`` (default `MAX_BYTES`, 256 MiB, far
  above any CMS file; settable per call, and each loader's ``max_bytes``) is refused; a zip member
  is read in bounded chunks, so a zip whose header lies about a member's size cannot unpack past
  the limit either (a 1.3 MB zip of a 1 GB member costs one limit's worth of memory, then stops);
- the bytes are gathered in one growing buffer, not a list of chunks joined at the end, so a
  read holds about one copy of the data;
- a zip is opened from the path (not copied into memory first) and only the chosen member is read;
- every failure is a `DataError` naming the file; an error never quotes the
  file's content.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "codes.txt"
>>> _ = path.write_bytes(b"62290")
>>> read_input(path, what="a test file").data
b'62290'
>>> read_input("/dev/null", what="a test file")
Traceback (most recent call last):
...
proccodes.errors.DataError: /dev/null: 1 problem
  is not a regular file (a device, FIFO or socket); expected a test file
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import IO

import attrs

from ..errors import DataError

__all__ = ["MAX_BYTES", "MAX_LISTED", "Findings", "Input", "read_input", "read_members"]

MAX_BYTES = 256 << 20
"""The default limit on a file's or a zip member's size, in bytes (256 MiB)."""

_CHUNK = 1 << 20
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@attrs.frozen(kw_only=True)
class Input:
    """The bytes of one input: ``source`` names it in errors (``file.zip (member.txt)``) and
    ``name`` is the file's (or the zip member's) own name, from which a loader may read a year."""

    source: str
    name: str
    data: bytes


def read_input(
    path: str | os.PathLike[str],
    *,
    what: str,
    pick: Callable[[str, bytes], bool] | None = None,
    max_bytes: int | None = None,
) -> Input:
    """The bytes of ``path``; for a zip, those of the first member that ``pick`` accepts.

    ``what`` says what the file should be, for error messages ("the CMS HCPCS Level II file").
    ``pick(member_name, first_64k_bytes)`` chooses a zip member; members are tried in name
    order, and by default the only member must be the one. ``max_bytes`` bounds the file and the
    member read (default `MAX_BYTES`).

    >>> read_input("no/such/file", what="a test file")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: no/such/file: 1 problem
      cannot read: No such file or directory
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, not {type(path).__name__}")
    source = os.fspath(path)
    if not isinstance(source, str):
        raise TypeError("path must be text, not bytes")
    limit = MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"max_bytes must be a positive whole number, not {max_bytes!r}")
    try:
        # Non-blocking, so that opening a FIFO does not wait for a writer; a regular file
        # reads the same either way, and anything else is refused before a byte is read.
        fd = os.open(
            source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        )
        handle = os.fdopen(fd, "rb")
    except IsADirectoryError as exc:
        raise DataError(source, [f"is a folder; expected {what}"]) from exc
    except (OSError, ValueError) as exc:
        raise DataError(source, [f"cannot read: {_why(exc)}"]) from exc
    with handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise DataError(source, [f"is a folder; expected {what}"])
        if not stat.S_ISREG(info.st_mode):
            raise DataError(
                source, [f"is not a regular file (a device, FIFO or socket); expected {what}"]
            )
        head = handle.read(4)
        if head in _ZIP_MAGIC:
            handle.seek(0)
            return _read_member(handle, source, what, pick, limit)
        if info.st_size > limit:
            raise DataError(source, [_too_big(info.st_size, limit)])
        # a regular file of a known size: one read of that size (plus one byte, to see a file
        # that grew since), not chunks joined, so a large file is not copied twice
        handle.seek(0)
        data = handle.read(info.st_size + 1)
        if len(data) > limit:
            raise DataError(source, [_too_big(len(data), limit, at_least=True)])
        if len(data) > info.st_size:
            data += _read_bounded(handle, limit - len(data), source)
    return Input(source=source, name=os.path.basename(source), data=data)


def read_members(
    path: str | os.PathLike[str],
    *,
    what: str,
    pick: Callable[[str, bytes], bool],
    max_bytes: int | None = None,
    unzip: bool = True,
) -> list[Input]:
    """Like `read_input`, but every zip member that ``pick`` accepts, in name order (a
    publisher's zip of several parts); a file that is not a zip is the one input. With
    ``unzip=False`` a zip is returned whole (a spreadsheet is a zip). Same limits per member.

    >>> import tempfile, pathlib, zipfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "parts.zip"
    >>> with zipfile.ZipFile(path, "w") as z:
    ...     z.writestr("b.txt", "2"); z.writestr("a.txt", "1"); z.writestr("notes.pdf", "x")
    >>> [m.data for m in read_members(path, what="parts", pick=lambda n, _: n.endswith(".txt"))]
    [b'1', b'2']
    """
    chosen: list[str] = []

    def collect(name: str, head: bytes) -> bool:
        if pick(name, head):
            chosen.append(name)
        return False  # keep looking: every member is offered

    limit = MAX_BYTES if max_bytes is None else max_bytes
    if not unzip:
        return [_read_whole(path, what, limit)]
    try:
        return [read_input(path, what=what, pick=collect, max_bytes=max_bytes)]
    except DataError as exc:
        if not chosen:
            raise
        if not any(p.startswith("no member of the zip") for p in exc.problems):
            raise  # pragma: no cover - a damaged archive: already reported
    names = set(chosen)
    return [
        read_input(path, what=what, pick=lambda n, _, want=name: n == want, max_bytes=limit)  # type: ignore[misc]
        for name in sorted(names)
    ]


def _read_whole(path: str | os.PathLike[str], what: str, limit: int) -> Input:
    source = os.fspath(path)
    if not isinstance(source, str):
        raise TypeError("path must be text, not bytes")
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed below
    except (OSError, ValueError) as exc:
        raise DataError(source, [f"cannot read: {_why(exc)}"]) from exc
    with handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise DataError(source, [f"is not a regular file; expected {what}"])
        if info.st_size > limit:
            raise DataError(source, [_too_big(info.st_size, limit)])
        data = _read_bounded(handle, limit, source)
    return Input(source=source, name=os.path.basename(source), data=data)


def _read_member(
    handle: IO[bytes],
    source: str,
    what: str,
    pick: Callable[[str, bytes], bool] | None,
    limit: int,
) -> Input:
    import zipfile

    try:
        with zipfile.ZipFile(handle) as archive:
            members = sorted(
                (i for i in archive.infolist() if not i.is_dir()), key=lambda i: i.filename
            )
            chosen = None
            if pick is None:
                if len(members) == 1:
                    chosen = members[0]
            else:
                for info in members:
                    if info.file_size == 0:
                        continue
                    with archive.open(info) as member:
                        first = member.read(64 * 1024)
                    if pick(info.filename, first):
                        chosen = info
                        break
            if chosen is None:
                names = ", ".join(i.filename for i in members) or "nothing"
                raise DataError(source, [f"no member of the zip is {what} (it holds {names})"])
            label = f"{source} ({chosen.filename})"
            if chosen.file_size > limit:
                raise DataError(label, [_too_big(chosen.file_size, limit)])
            with archive.open(chosen) as member:
                data = _read_bounded(member, limit, label)
    except DataError:
        raise
    except Exception as exc:
        # A damaged or unusual archive raises BadZipFile, zlib.error, EOFError, OSError,
        # NotImplementedError (compression), RuntimeError (encryption)...: all one answer.
        raise DataError(source, [f"not a readable zip file: {type(exc).__name__}"]) from exc
    return Input(source=label, name=os.path.basename(chosen.filename), data=data)


def path_kind(path: str | os.PathLike[str]) -> str:
    """``"folder"``, ``"missing"`` or ``"other"`` (a file, or whatever `read_input` will
    judge); a path the system cannot even look up (too long, a NUL) is a `DataError`.

    >>> path_kind("src"), path_kind("no/such/file"), path_kind("pyproject.toml")
    ('folder', 'missing', 'other')
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "missing"
    except (OSError, ValueError) as exc:
        raise DataError(os.fspath(path), [f"cannot read: {_why(exc)}"]) from exc
    return "folder" if stat.S_ISDIR(info.st_mode) else "other"


def _read_bounded(stream: IO[bytes], limit: int, source: str) -> bytes:
    """All of ``stream``, refusing to go past ``limit`` bytes (whatever a header claimed).

    The chunks go into one `io.BytesIO`, whose ``getvalue()`` hands over its own buffer:
    about one copy of the data at any time, never a list of chunks and their join.
    """
    import io

    buffer = io.BytesIO()
    total = 0
    while True:
        part = stream.read(min(_CHUNK, limit - total + 1))
        if not part:
            break
        total += len(part)
        if total > limit:
            raise DataError(source, [_too_big(total, limit, at_least=True)])
        buffer.write(part)
    return buffer.getvalue()


def _too_big(size: int, limit: int, *, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return (
        f"is {more}{size:,} bytes, over the limit of {limit:,}; no official file is that large "
        "(raise max_bytes if this one really is)"
    )


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


MAX_LISTED = 50
"""How many problems a `DataError` (or a warning list) spells out; the rest are
counted in one last line."""


class Findings:
    """What a loader found wrong in one file: errors (structural damage, raised together as one
    `DataError`) and warnings (a defect in a non-key field: the record is kept
    with that field empty). With ``strict=True`` every warning is an error.

    >>> f = Findings("f.txt")
    >>> f.warn(7, "termination date (285-292)", "2019013", "not a date as YYYYMMDD")
    >>> f.warnings
    ("f.txt: line 7: termination date (285-292): not a date as YYYYMMDD (found '2019013')",)
    >>> f.error(9, "the file ends in the middle of a record")
    >>> f.raise_if_errors()
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: f.txt: 1 problem
      line 9: the file ends in the middle of a record
    """

    __slots__ = ("_errors", "_n_errors", "_n_warnings", "_warnings", "source", "strict")

    def __init__(self, source: str, *, strict: bool = False) -> None:
        self.source = source
        self.strict = strict
        self._errors: list[str] = []
        self._warnings: list[str] = []
        self._n_errors = 0
        self._n_warnings = 0

    def error(self, line: int | str, message: str) -> None:
        """Structural damage at ``line`` (a number, or a label such as ``record 62290``)."""
        self._n_errors += 1
        if self._n_errors <= MAX_LISTED:
            self._errors.append(f"{_where(line)}: {message}")

    def warn(self, line: int | str, field: str, value: str, message: str) -> None:
        """A defect in the non-key ``field`` at ``line``; ``value`` is quoted (shortened)."""
        text = f"{field}: {message} (found {_quote(value)})"
        if self.strict:
            self.error(line, text + "; strict=True makes this an error")
            return
        self._n_warnings += 1
        if self._n_warnings <= MAX_LISTED:
            self._warnings.append(f"{self.source}: {_where(line)}: {text}")

    @property
    def has_errors(self) -> bool:
        """Whether any error was found."""
        return self._n_errors > 0

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per warning (file, line, field, value), the overflow counted in a last line."""
        more = self._n_warnings - len(self._warnings)
        return (
            *self._warnings,
            *([f"{self.source}: ... and {more} more warnings"] if more else []),
        )

    @property
    def count(self) -> int:
        """How many errors and warnings were found so far, listed or not."""
        return self._n_errors + self._n_warnings

    @property
    def warning_count(self) -> int:
        """How many warnings were found, listed or not."""
        return self._n_warnings

    def raise_if_errors(self) -> None:
        """Raise one `DataError` listing the errors, if there are any."""
        if self._n_errors:
            more = self._n_errors - len(self._errors)
            tail = [f"... and {more} more problem{'s' if more != 1 else ''}"] if more else []
            raise DataError(self.source, [*self._errors, *tail])


def _where(line: int | str) -> str:
    return f"line {line}" if isinstance(line, int) else line


def _quote(value: str, limit: int = 40) -> str:
    """A short, printable quotation of a value from a file: never more than ``limit`` characters
    of it, control characters escaped."""
    return repr(value[:limit]) + ("..." if len(value) > limit else "")

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
- a zip is opened once, from the path (not copied into memory first); only the chosen members
  are read, one at a time as the caller asks (`read_members` is a generator); a zip that
  lists more than `MAX_MEMBERS` members, or whose members read inflate past
  `archive_limit` (four times ``max_bytes``) in all, is refused;
- a spreadsheet (a zip of XML parts) is checked by `check_archive` before a reader such as
  openpyxl unpacks it;
- every CSV (MUE, RBCS, a claims file) is read by `CsvReader`: the header found by its
  content, then one record per line, a quoted field that runs past its line end an error naming
  the line (`open_quote`, which the PFS reader's own fast path uses too), no line longer
  than `MAX_LINE`;
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
import re
import stat
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import IO, Any

import attrs

from ..errors import ArgumentTypeError, ArgumentValueError, DataError

__all__ = [
    "ARCHIVE_FACTOR",
    "MAX_BYTES",
    "MAX_LINE",
    "MAX_LISTED",
    "MAX_MEMBERS",
    "CsvReader",
    "Findings",
    "Input",
    "archive_limit",
    "check_archive",
    "read_input",
    "read_members",
    "split_csv_line",
    "split_lines",
]

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
    choose: Callable[[list[str]], str | None] | None = None,
    max_bytes: int | None = None,
    unzip: bool = True,
) -> Input:
    """The bytes of ``path``; for a zip, those of the first member that ``pick`` accepts.

    ``what`` says what the file should be, for error messages ("the CMS HCPCS Level II file").
    ``pick(member_name, first_64k_bytes)`` chooses a zip member; members are tried in name
    order, and by default the only member must be the one. ``choose(member_names)`` instead
    names the member from the list of all of them (``None``: none fits). ``max_bytes`` bounds
    the file and the member read (default `MAX_BYTES`); a zip's members, all told, are
    bounded by `archive_limit` and their number by `MAX_MEMBERS`. With
    ``unzip=False`` a zip is returned whole (a spreadsheet is a zip).

    >>> read_input("no/such/file", what="a test file")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: no/such/file: 1 problem
      cannot read: No such file or directory
    """
    inputs = _inputs(path, what, pick, choose, max_bytes, unzip, first=True)
    try:
        return next(inputs)  # it yields one input or raises
    finally:
        inputs.close()  # the file and the archive are closed now, not when collected


def read_members(
    path: str | os.PathLike[str],
    *,
    what: str,
    pick: Callable[[str, bytes], bool],
    max_bytes: int | None = None,
) -> Generator[Input, None, None]:
    """Like `read_input`, but every zip member that ``pick`` accepts, in name order (a
    publisher's zip of several parts); a file that is not a zip is the one input.

    The archive is opened once and its members are read one at a time, as the caller asks for
    them: only one member's bytes are held at a time. Each member is bounded by ``max_bytes``,
    all of them together by `archive_limit`, their number by `MAX_MEMBERS`.

    >>> import tempfile, pathlib, zipfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "parts.zip"
    >>> with zipfile.ZipFile(path, "w") as z:
    ...     z.writestr("b.txt", "2"); z.writestr("a.txt", "1"); z.writestr("notes.pdf", "x")
    >>> [m.data for m in read_members(path, what="parts", pick=lambda n, _: n.endswith(".txt"))]
    [b'1', b'2']
    """
    return _inputs(path, what, pick, None, max_bytes, True, first=False)


MAX_MEMBERS = 1000
"""The most members a zip may list (an official zip holds a few dozen at most); a zip of more
is refused before any member is read."""

ARCHIVE_FACTOR = 4
"""A zip's members, all told, may inflate to this many times ``max_bytes`` (1 GiB by default)."""


def archive_limit(max_bytes: int | None = None) -> int:
    """The most bytes the members of one zip (or the parts of one spreadsheet) may inflate to,
    all told: `ARCHIVE_FACTOR` times ``max_bytes``, which sets both.

    >>> archive_limit(1000)
    4000
    """
    return ARCHIVE_FACTOR * _limit(max_bytes)


def _limit(max_bytes: int | None) -> int:
    limit = MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ArgumentValueError(f"max_bytes must be a positive whole number, not {max_bytes!r}")
    return limit


def _open_regular(source: str, what: str) -> IO[bytes]:
    """``source`` opened for reading, if it is a regular file; never blocks (a FIFO is refused
    before a byte is read)."""
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
    info = os.fstat(handle.fileno())
    if stat.S_ISREG(info.st_mode):
        return handle
    handle.close()
    if stat.S_ISDIR(info.st_mode):
        raise DataError(source, [f"is a folder; expected {what}"])
    raise DataError(source, [f"is not a regular file (a device, FIFO or socket); expected {what}"])


def _inputs(
    path: str | os.PathLike[str],
    what: str,
    pick: Callable[[str, bytes], bool] | None,
    choose: Callable[[list[str]], str | None] | None,
    max_bytes: int | None,
    unzip: bool,
    *,
    first: bool,
) -> Generator[Input, None, None]:
    if not isinstance(path, str | os.PathLike):
        raise ArgumentTypeError(f"path must be a str or os.PathLike, not {type(path).__name__}")
    source = os.fspath(path)
    if not isinstance(source, str):
        raise ArgumentTypeError("path must be text, not bytes")
    limit = _limit(max_bytes)
    handle = _open_regular(source, what)
    with handle:
        size = os.fstat(handle.fileno()).st_size
        head = handle.read(4)
        if unzip and head in _ZIP_MAGIC:
            handle.seek(0)
            yield from _members(handle, source, what, pick, choose, limit, first=first)
            return
        if size > limit:
            raise DataError(source, [_too_big(size, limit)])
        # a regular file of a known size: one read of that size (plus one byte, to see a file
        # that grew since), not chunks joined, so a large file is not copied twice
        handle.seek(0)
        data = handle.read(size + 1)
        if len(data) > limit:
            raise DataError(source, [_too_big(len(data), limit, at_least=True)])
        if len(data) > size:
            data += _read_bounded(handle, limit - len(data), source)
    yield Input(source=source, name=os.path.basename(source), data=data)


def _members(
    handle: IO[bytes],
    source: str,
    what: str,
    pick: Callable[[str, bytes], bool] | None,
    choose: Callable[[list[str]], str | None] | None,
    limit: int,
    *,
    first: bool,
) -> Iterator[Input]:
    """The chosen members of the zip open on ``handle``, read one at a time."""
    import zipfile

    total = archive_limit(limit)
    used = 0
    found = 0
    try:
        with zipfile.ZipFile(handle) as archive:
            listed = archive.infolist()
            if len(listed) > MAX_MEMBERS:
                raise DataError(
                    source,
                    [
                        f"the zip lists {len(listed):,} members, over the limit of "
                        f"{MAX_MEMBERS:,}; no official zip holds that many"
                    ],
                )
            members = sorted((i for i in listed if not i.is_dir()), key=lambda i: i.filename)
            offered = members
            if choose is not None:
                name = choose([i.filename for i in members])
                members = [i for i in members if i.filename == name][:1]
            elif pick is None:
                members = members if len(members) == 1 else []
            for info in members:
                if pick is not None and choose is None:
                    if info.file_size == 0:
                        continue
                    with archive.open(info) as member:
                        head = member.read(64 * 1024)
                    used += len(head)
                    if not pick(info.filename, head):
                        continue
                label = f"{source} ({info.filename})"
                if info.file_size > limit:
                    raise DataError(label, [_too_big(info.file_size, limit)])
                if used + info.file_size > total:
                    raise DataError(source, [_too_much(used + info.file_size, total)])
                with archive.open(info) as member:
                    data = _read_bounded(member, min(limit, total - used), label)
                used += len(data)
                found += 1
                yield Input(source=label, name=os.path.basename(info.filename), data=data)
                if first:
                    return
            if not found:
                names = ", ".join(i.filename for i in offered) or "nothing"
                raise DataError(source, [f"no member of the zip is {what} (it holds {names})"])
    except (DataError, GeneratorExit):
        raise
    except Exception as exc:
        # A damaged or unusual archive raises BadZipFile, zlib.error, EOFError, OSError,
        # NotImplementedError (compression), RuntimeError (encryption)...: all one answer.
        raise DataError(source, [f"not a readable zip file: {type(exc).__name__}"]) from exc


def check_archive(data: bytes, source: str, *, max_bytes: int | None = None) -> None:
    """Refuses a zip-based document (a spreadsheet) whose parts would inflate past the limits,
    before a reader such as openpyxl unpacks it: each part at most ``max_bytes``, all of them
    together at most `archive_limit`, at most `MAX_MEMBERS` parts. The sizes checked
    are the ones the archive declares; `zipfile` never inflates a part past its declared
    size, so a lying header cannot get round them.

    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("xl/sharedStrings.xml", b" " * 5000)
    >>> check_archive(buffer.getvalue(), "book.xlsx", max_bytes=1000)
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: book.xlsx (xl/sharedStrings.xml): 1 problem
      is 5,000 bytes, over the limit of 1,000; no official file is that large (raise max_bytes if this one really is)
    """  # noqa: E501
    import io
    import zipfile

    limit = _limit(max_bytes)
    total = archive_limit(limit)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            listed = archive.infolist()
    except Exception as exc:
        raise DataError(source, [f"not a readable zip file: {type(exc).__name__}"]) from exc
    if len(listed) > MAX_MEMBERS:
        raise DataError(
            source, [f"the file lists {len(listed):,} parts, over the limit of {MAX_MEMBERS:,}"]
        )
    used = 0
    for info in listed:
        if info.file_size > limit:
            raise DataError(f"{source} ({info.filename})", [_too_big(info.file_size, limit)])
        used += info.file_size
        if used > total:
            raise DataError(source, [_too_much(used, total)])


def _too_much(size: int, total: int) -> str:
    return (
        f"its members inflate to more than {total:,} bytes in all (at least {size:,}), over the "
        f"limit of {ARCHIVE_FACTOR} times max_bytes; raise max_bytes if this one really is that "
        "large"
    )


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


# -- lines and CSV -----------------------------------------------------------------------------

MAX_LINE = 1 << 20
"""The longest line a text file may hold, in characters (1 MiB; the longest line of an official
file is a few hundred). A longer line is an error naming it: no pattern or CSV reader is ever run
over a line longer than this."""

_ODD_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def split_lines(text: str) -> list[str]:
    """``text`` split at its line ends (CR LF, LF or CR) and only there: unlike
    `str.splitlines`, a form feed or U+2028 inside a field does not start a new line.

    >>> split_lines("a\\r\\nb\\x0cc\\rd\\n")
    ['a', 'b\\x0cc', 'd']
    """
    if not any(c in text for c in _ODD_LINE_BREAKS):
        return text.splitlines()
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and not lines[-1]:
        lines.pop()
    return lines


def long_line(lines: Sequence[str], limit: int = MAX_LINE) -> int | None:
    """The number (from 1) of the first line longer than ``limit`` characters, or ``None``.

    >>> long_line(["ab", "abcd"], limit=3)
    2
    """
    if not lines or max(map(len, lines)) <= limit:
        return None
    return next(n for n, line in enumerate(lines, 1) if len(line) > limit)


def too_long(limit: int = MAX_LINE) -> str:
    """The message for a line over the limit."""
    return f"longer than {limit:,} characters; no official file has such a line"


_FIELD = r'(?:"(?:[^"]|"")*+"[^,]*+|[^,"][^,]*+|)'
_WHOLE_FIELDS = re.compile(f"{_FIELD}(?:,{_FIELD})*+").fullmatch


def open_quote(line: str) -> bool:
    """Whether a quoted field is still open at the end of ``line``, by the rules of
    `csv` (a quote opens a field only as its first character; ``""`` inside is a quote;
    after the closing quote the field runs on to the next comma). One possessive match: linear
    in the line, no backtracking.

    >>> open_quote('a,"b'), open_quote('a,"b"" c",d'), open_quote('a,5" long,c')
    (True, False, False)
    """
    return _WHOLE_FIELDS(line) is None


_FIELD_PARTS = re.compile(r'"((?:[^"]|"")*+)"([^,]*+)|([^,"][^,]*+)|')


def split_csv_line(line: str) -> list[str]:
    """The cells of one CSV line, as `csv` reads them (a quoted field ended early runs to
    the end of the line), but with no limit on a cell's size (``csv`` refuses a field over
    128 KiB): a title cell of any length a line may hold reads like any other.

    >>> split_csv_line('a,"b, ""c"" d",5" long,')
    ['a', 'b, "c" d', '5" long', '']
    """
    if not line:
        return []
    cells: list[str] = []
    at, end = 0, len(line)
    while True:
        found = _FIELD_PARTS.match(line, at)
        assert found is not None  # the pattern matches the empty string
        quoted, after, plain = found.groups()
        if found.end() == at and at < end and line[at] == '"':  # a quote left open
            cells.append(line[at + 1 :].replace('""', '"'))
            return cells
        cells.append(quoted.replace('""', '"') + after if quoted is not None else plain or "")
        if found.end() >= end:
            return cells
        at = found.end() + 1  # past the comma


class CsvReader:
    """The one way our loaders read a CSV file, by physical lines, so that one stray ``"``
    never swallows the rows after it.

    The header is found by its content (``is_header(cells)``) among the first ``header_rows``
    rows; the rows above it may hold quoted fields that span lines (a copyright notice, a header
    cell written over two lines), and a row above it that names two or more cells is an error
    (data before the header). After the header every record is one line: a quoted field that
    does not end on its line is an error naming the line, and reading goes on at the next line.
    A line longer than `MAX_LINE` is an error too. ``header`` is ``None`` if no header was
    found (the caller says what it expected); `rows` gives ``(line number, cells)``.

    >>> f = Findings("claims.csv")
    >>> reader = CsvReader('code,units\\n62290,"2\\n99213,1\\n', f, is_header=lambda c: "code" in c)
    >>> reader.header_line, list(reader.rows())
    (1, [(3, ['99213', '1'])])
    >>> f.raise_if_errors()
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: claims.csv: 1 problem
      line 2: a quoted field does not end on its line (a stray '"'?); a field may not span lines
    """

    __slots__ = ("_lines", "_next", "findings", "header", "header_line")

    def __init__(
        self,
        text: str,
        findings: Findings,
        *,
        is_header: Callable[[list[str]], bool],
        header_rows: int = 200,
    ) -> None:
        import csv
        import io

        self.findings = findings
        self.header: list[str] | None = None
        self.header_line = 0
        self._lines = io.StringIO(text, newline="")
        self._next = 1  # the number of the next physical line
        counted = self._counted()
        reader = csv.reader(counted)
        above: list[tuple[int, list[str]]] = []
        try:
            for _ in range(header_rows):
                start = self._next
                row = next(reader, None)
                if row is None:
                    break
                if is_header([c.strip() for c in row]):
                    self.header, self.header_line = row, start
                    break
                above.append((start, row))
        except csv.Error as exc:
            findings.error(self._next - 1, f"not valid CSV: {exc}")
        except _LineTooLong:
            pass
        if self.header is not None:
            for number, row in above:
                if sum(1 for c in row if c.strip()) >= 2:
                    findings.error(number, "a row above the header (data before the header?)")

    def _counted(self) -> Iterator[str]:
        for line in self._lines:
            number = self._next
            self._next += 1
            if len(line) > MAX_LINE:
                self.findings.error(number, too_long())
                raise _LineTooLong
            yield line

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The records after the header, one per line: ``(line number, cells)``; blank lines
        are given as they are (``[]`` or empty cells)."""
        import csv

        if self.header is None:
            return
        findings = self.findings
        at: list[Any] = [self._next - 1, ""]  # the number and text of the line last taken

        def complete_lines() -> Iterator[str]:
            # each line given to the reader holds whole fields only, so it makes one row
            for number, line in enumerate(self._lines, self._next):
                line = line.rstrip("\r\n")
                at[0], at[1] = number, line
                if len(line) > MAX_LINE:
                    findings.error(number, too_long())
                elif '"' in line and open_quote(line):
                    findings.error(
                        number,
                        "a quoted field does not end on its line (a stray '\"'?); a field may "
                        "not span lines",
                    )
                else:
                    yield line

        reader = csv.reader(complete_lines())
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:
                row = split_csv_line(at[1])  # a field over csv's size limit: read all the same
            yield at[0], row


class _LineTooLong(Exception):
    pass

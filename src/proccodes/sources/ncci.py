"""CMS NCCI edit files: procedure-to-procedure (PTP) pairs and medically unlikely edits (MUE).

**PTP** (``load_ptp``): the quarterly tables for practitioners (``ccipra-v322r0-f1.zip`` ...) and
outpatient hospitals (``ccioph-...``), each published in several parts, each part a zip of one
tab-separated text file (CRLF or LF; UTF-8 or Windows-1252) opening with a few header lines:

| field | values | key? |
| --- | --- | --- |
| Column 1 | the comprehensive code (5 characters) | key: error if malformed |
| Column 2 | the component code, denied with column 1 (5 characters) | key |
| \\*=in existence prior to 1996 | ``*`` or empty | warning, read as empty |
| Effective Date | YYYYMMDD | key |
| Deletion Date | YYYYMMDD, the last day in effect; ``*`` none | key |
| Modifier | 0 not allowed, 1 allowed with an NCCI-associated modifier, 9 not applicable | key |
| PTP Edit Rationale | text | non-key (any text) |

A row with fewer than seven fields is structural damage. The release and its date come from the
file name (version 32.2 is the table in effect from 1 July 2026); ``as_of`` is that date.

**MUE** (``load_mue``): the quarterly practitioner, outpatient hospital and DME tables, a CSV
(``MCR_MUE_PractitionerServices_Eff_07-01-2026.csv``, or a zip holding one) that opens with a
quoted, multi-line AMA notice, then a header, then:

| field | values | key? |
| --- | --- | --- |
| HCPCS/CPT Code | 5 characters | key |
| ... MUE Values | the most units per line or per day, a whole number | key |
| MUE Adjudication Indicator | ``1 Line Edit``, ``2 Date of Service Edit: Policy``, | key |
| | ``3 Date of Service Edit: Clinical`` (the leading digit is read) | |
| MUE Rationale | text | non-key |

The same table as CMS's spreadsheet (``.xlsx``) reads with openpyxl, installed by the ``frames``
extra. MUE rows carry no dates: the table's effective date (from the file name) is ``as_of``.

Storage: a full quarter of PTP edits (about two million pairs) is held in typed arrays from the
``array`` module (codes as base-36 integers, a pair as one 52-bit key, dates as day ordinals),
sorted by pair, about 38 bytes an edit, with a linear-probing hash table of row numbers (load
under a quarter): a pair's edits are found in constant expected time, and the frame path reads
the sorted keys directly. With pyarrow and numpy installed (the ``frames`` extra) the text is
split by pyarrow's CSV reader and the arrays built by numpy; without them, by the same rules in
pure Python (a full quarter in about 9 s instead of under 1 s; the two give equal tables, a
test checks it). A part
pyarrow cannot split cleanly (a short row, a blank line, a malformed code) is read again by the
pure-Python reader, which names the line; other defects are named by line on either path.

>>> SAMPLE_PTP, SAMPLE_MUE = _example_files()
>>> load_ptp(SAMPLE_PTP).edit_on("0001A", "36591", date(2023, 3, 1)).modifier.name
'NOT_ALLOWED'
"""

from __future__ import annotations

import contextlib
import os
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from .._args import renamed_keyword
from ..errors import ArgumentTypeError, ArgumentValueError, DataError
from ._files import CsvReader, Findings, Input, check_archive, read_input, read_members

__all__ = [
    "MueEdit",
    "MueIndicator",
    "MueTable",
    "PtpEdit",
    "PtpModifier",
    "PtpTable",
    "load_mue",
    "load_ptp",
]

NO_DELETION = date.max.toordinal()
"""The deletion ordinal stored for an edit without a deletion date (``*``)."""

_CODE = re.compile(rb"[0-9A-Z]{5}\Z")
_CODE_TEXT = re.compile(r"[0-9A-Z]{5}\Z")
_DATE = re.compile(rb"(\d{4})(\d\d)(\d\d)\Z")
_PTP_NAME = re.compile(r"(?i)cci(pra|oph)-v(\d+)(\d)r(\d+)")
_MUE_NAME = re.compile(r"(?i)mue_(\w+?)(?:services)?_eff_(\d\d)-(\d\d)-(\d{4})")
_SETTINGS = {"pra": "practitioner", "oph": "outpatient hospital"}
_FIELDS = 7
_HASH = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class PtpModifier(StrEnum):
    """The PTP modifier indicator: whether an NCCI-associated modifier lets the pair be paid."""

    NOT_ALLOWED = "0"  # never paid together
    ALLOWED = "1"  # paid together only with an NCCI-associated modifier (59, XE, XS, XP, XU...)
    NOT_APPLICABLE = "9"  # the edit is not in force


class MueIndicator(StrEnum):
    """The MUE adjudication indicator: how the unit maximum is applied."""

    LINE = "1"  # per claim line
    DATE_POLICY = "2"  # per date of service, by policy (absolute)
    DATE_CLINICAL = "3"  # per date of service, on clinical grounds (appealable)


def code_number(code: str) -> int:
    """The integer a 5-character code is stored as (base 36), as in a PTP table's keys.

    >>> code_number("62290"), code_of_number(code_number("0001A"))
    (10173924, '0001A')
    """
    return int(code, 36)


def code_of_number(number: int) -> str:
    """The code stored as ``number`` (inverse of
    [`code_number`][proccodes.sources.ncci.code_number]).

    >>> code_of_number(10173924)
    '62290'
    """
    digits = []
    for _ in range(5):
        number, digit = divmod(number, 36)
        digits.append(_B36[digit])
    return "".join(reversed(digits))


def pair_key(column1: str, column2: str) -> int:
    """The integer key of a code pair in a [`PtpTable`][proccodes.sources.ncci.PtpTable]: column 1's
    number, 26 bits up,
    then column 2's.

    >>> pair_key("0001A", "36591") >> 26 == code_number("0001A")
    True
    """
    return (int(column1, 36) << 26) | int(column2, 36)


@attrs.frozen(kw_only=True)
class PtpEdit:
    """One PTP edit: ``column2`` is not paid with ``column1`` on the same day, from ``effective``
    through ``deleted`` (inclusive; ``None``: not deleted), unless ``modifier`` allows it."""

    column1: str
    column2: str
    effective: date
    deleted: date | None
    modifier: PtpModifier
    prior_to_1996: bool = False
    rationale: str = ""

    @renamed_keyword("day", "on")
    def is_active_on(self, on: date) -> bool:
        """Whether the edit is in effect on the day ``on``.

        >>> e = PtpEdit(column1="0001U", column2="0029U", effective=date(2018, 7, 1),
        ...             deleted=date(2026, 6, 30), modifier=PtpModifier.ALLOWED)
        >>> e.is_active_on(date(2026, 6, 30)), e.is_active_on(date(2026, 7, 1))
        (True, False)
        """
        return self.effective <= on and (self.deleted is None or on <= self.deleted)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PtpTable:
    """A table of PTP edits: immutable, picklable, compact. Build it with
    [`load_ptp`][proccodes.sources.ncci.load_ptp].

    Rows are sorted by pair key (``pair_key``), then effective date. ``keys``, ``effective``,
    ``deleted`` (ordinals; [`NO_DELETION`][proccodes.sources.ncci.NO_DELETION] for none),
    ``modifier`` (0, 1, 9) and
    ``rationale_ids`` (into ``rationales``) are the columns, for vectorized use.
    """

    release: str
    as_of: date | None
    setting: str
    warnings: tuple[str, ...]
    sources: tuple[str, ...]
    keys: array[int]
    effective: array[int]
    deleted: array[int]
    modifier: array[int]
    prior_to_1996: array[int]
    rationale_ids: array[int]
    rationales: tuple[str, ...]
    # open addressing, linear probing: the first row of each distinct key, or -1 for empty
    slots: array[int]

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return f"<PtpTable release={self.release!r} edits={len(self)}>"

    def __contains__(self, pair: object) -> bool:
        return (
            isinstance(pair, tuple)
            and len(pair) == 2
            and all(isinstance(c, str) and _CODE_TEXT.match(c) for c in pair)
            and bool(self._rows(pair_key(pair[0], pair[1])))
        )

    def _rows(self, key: int) -> list[int]:
        slots, keys = self.slots, self.keys
        mask = len(slots) - 1
        slot = ((key * _HASH) & _MASK64) >> (64 - (mask.bit_length())) if mask else 0
        row = slots[slot]
        while row >= 0:  # a key's slot lies between its home slot and the next empty one
            if keys[row] == key:
                # the slot holds the key's first row; its other rows follow it (sorted keys)
                end, n = row + 1, len(keys)
                while end < n and keys[end] == key:
                    end += 1
                return list(range(row, end))
            slot = (slot + 1) & mask
            row = slots[slot]
        return []

    def edits(self, column1: str, column2: str) -> tuple[PtpEdit, ...]:
        """Every edit of the pair (``column1`` first), oldest first; ``()`` if none.

        >>> table = load_ptp(_example_files()[0])
        >>> [e.modifier.value for e in table.edits("0001A", "36591")]
        ['0']
        """
        if not (isinstance(column1, str) and isinstance(column2, str)):
            raise ArgumentTypeError("codes must be str")
        if not (_CODE_TEXT.match(column1) and _CODE_TEXT.match(column2)):
            return ()
        return tuple(self._edit(i) for i in self._rows(pair_key(column1, column2)))

    @renamed_keyword("day", "on")
    def edit_on(self, column1: str, column2: str, on: date) -> PtpEdit | None:
        """The edit of the pair in effect on the day ``on`` (the latest to take effect), or None.

        >>> table = load_ptp(_example_files()[0])
        >>> table.edit_on("0001U", "0030U", date(2026, 7, 1)).modifier
        <PtpModifier.ALLOWED: '1'>
        >>> table.edit_on("0001U", "0029U", date(2026, 7, 1)) is None
        True
        """
        found = [e for e in self.edits(column1, column2) if e.is_active_on(on)]
        return found[-1] if found else None

    def __iter__(self) -> Iterator[PtpEdit]:
        return (self._edit(i) for i in range(len(self.keys)))

    def _edit(self, i: int) -> PtpEdit:
        key = self.keys[i]
        deleted = self.deleted[i]
        return PtpEdit(
            column1=code_of_number(key >> 26),
            column2=code_of_number(key & ((1 << 26) - 1)),
            effective=date.fromordinal(self.effective[i]),
            deleted=None if deleted == NO_DELETION else date.fromordinal(deleted),
            modifier=PtpModifier(str(self.modifier[i])),
            prior_to_1996=bool(self.prior_to_1996[i]),
            rationale=self.rationales[self.rationale_ids[i]],
        )


@attrs.frozen(kw_only=True)
class MueEdit:
    """One MUE: at most ``max_units`` of ``code`` per line or per date, by ``indicator``."""

    code: str
    max_units: int
    indicator: MueIndicator
    rationale: str = ""

    @property
    def appealable(self) -> bool:
        """Whether a denial on this edit can be appealed with documentation (indicators 1, 3).

        >>> MueEdit(code="0009U", max_units=2, indicator=MueIndicator.DATE_POLICY).appealable
        False
        """
        return self.indicator != MueIndicator.DATE_POLICY


@attrs.frozen(kw_only=True, eq=False, repr=False)
class MueTable:
    """A table of MUEs by code: immutable, picklable. Build it with
    [`load_mue`][proccodes.sources.ncci.load_mue].

    >>> table = load_mue(_example_files()[1])
    >>> table["0009U"].max_units, table["0009U"].indicator.name, "62290" in table
    (2, 'DATE_CLINICAL', False)
    """

    release: str
    as_of: date | None
    setting: str
    warnings: tuple[str, ...]
    edits: dict[str, MueEdit] = attrs.field(repr=False)

    def __getitem__(self, code: str) -> MueEdit:
        return self.edits[code]

    def get(self, code: str) -> MueEdit | None:
        """The edit of ``code``, or ``None``.

        >>> load_mue(_example_files()[1]).get("62290") is None
        True
        """
        return self.edits.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self.edits

    def __len__(self) -> int:
        return len(self.edits)

    def __iter__(self) -> Iterator[str]:
        return iter(self.edits)

    def __repr__(self) -> str:
        return f"<MueTable release={self.release!r} edits={len(self)}>"


# -- PTP ----------------------------------------------------------------------------------------


def load_ptp(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    strict: bool = False,
    max_bytes: int | None = None,
) -> PtpTable:
    """One PTP table from its parts: text files, or the zips CMS publishes (every ``.txt``
    member is read). All parts must be of one table (practitioner or outpatient hospital).

    Defects in non-key fields (the 1996 mark) are warnings in ``.warnings``; structural damage
    and key defects (codes, dates, modifier indicator) raise one [`DataError`][proccodes.DataError]
    per file naming each line. ``strict=True`` makes warnings errors too. The header is found by
    its content (the ``Column 1`` line and the lines under it); every line after it is a row of
    edits, checked, and a part without one is an error. Rows repeated exactly are kept once,
    with one warning counting them. ``max_bytes`` bounds each file or zip member (default
    256 MiB; a zip's members together, four times that).

    >>> table = load_ptp([_example_files()[0]])
    >>> table.release, table.as_of, len(table)
    ('CMS NCCI PTP practitioner v32.2r0', datetime.date(2026, 7, 1), 3)

    Args:
        paths: one part (a text file or a zip) or several parts of one table.
        strict: make a defect in a non-key field an error instead of a warning.
        max_bytes: the largest file (and zip member) read; default 256 MiB.

    Returns:
        The edit pairs of all the parts, with the table's release and warnings.

    Raises:
        DataError: the file cannot be read or is structurally damaged (it names the file, the
            line and the field); with ``strict=True``, also for a defect in a non-key field.
        TypeError: an argument of the wrong type.
        ValueError: no file given, or ``max_bytes`` is below 1.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    if not isinstance(paths, Iterable):
        raise ArgumentTypeError(f"paths must be a path or paths, not {type(paths).__name__}")
    path_list = list(paths)
    if not path_list:
        raise ArgumentValueError("load_ptp needs at least one file")
    if not isinstance(strict, bool):
        raise ArgumentTypeError("strict must be True or False")
    parts: list[dict[str, Any]] = []
    warnings: list[str] = []
    sources: list[str] = []
    names: list[str] = []
    for path in path_list:
        members = read_members(
            path, what="a CMS NCCI PTP file", pick=_is_ptp_member, max_bytes=max_bytes
        )
        with contextlib.closing(members):  # the zip is closed when a part fails, too
            for member in members:
                findings = Findings(member.source, strict=strict)
                parts.append(_parse_ptp(member, findings))
                findings.raise_if_errors()
                warnings.extend(findings.warnings)
                sources.append(member.source)
                names.append(member.name)
    release, as_of, setting = _ptp_release(names, sources)
    return _build_ptp(parts, release, as_of, setting, warnings, tuple(sources), strict)


def _is_ptp_member(name: str, head: bytes) -> bool:
    return name.lower().endswith(".txt") and b"\t" in head


def _ptp_release(names: list[str], sources: list[str]) -> tuple[str, date | None, str]:
    found = {m.groups()[:3] for m in map(_PTP_NAME.search, names) if m}
    if len(found) > 1:
        raise DataError(
            ", ".join(sources), ["the parts are of different PTP tables (versions or settings)"]
        )
    if not found or len(found) != 1 or not all(_PTP_NAME.search(n) for n in names):
        return "CMS NCCI PTP (" + ", ".join(names) + ")", None, ""
    kind, major, minor = found.pop()
    setting = _SETTINGS[kind.lower()]
    revision = _PTP_NAME.search(names[0]).group(4)  # type: ignore[union-attr]
    try:
        as_of = date(1994 + int(major), 1 + 3 * int(minor), 1) if int(minor) < 4 else None
    except ValueError:
        raise DataError(
            ", ".join(sources),
            [f"the file name says version {major}.{minor}, which no quarter can be"],
        ) from None
    return f"CMS NCCI PTP {setting} v{major}.{minor}r{revision}", as_of, setting


_HEADER_LINES = 50
# a cell that may be a damaged code (a few letters and digits, a digit among them), not a title
_CODE_LIKE = re.compile(rb"(?=[0-9A-Za-z]*[0-9])[0-9A-Za-z]{1,7}").fullmatch
_WORD = re.compile(rb"[^0-9A-Za-z]")


def _header_lines(lines: Sequence[bytes], complete: bool = True) -> int:
    """How many lines open the file before the first row of edits, found by their content:
    title and copyright lines (one cell each, a sentence), the header line (``Column 1``,
    ``Column 2``, ...) and the lines under it that go on naming its columns (their first two
    cells blank). The first other line is a row of edits, checked like every row after it, so
    a damaged row is reported, never taken for a header. -1: the file has no row of edits;
    -2: none in the first lines."""
    in_header = False
    for i, line in enumerate(lines[:_HEADER_LINES]):
        fields = line.rstrip(b"\r").split(b"\t")
        first = fields[0].strip()
        second = fields[1].strip() if len(fields) > 1 else b""
        if complete and i == len(lines) - 1 and not line.strip():
            return -1  # the end of the file
        if _WORD.sub(b"", first).lower() == b"column1":
            in_header = True
            continue
        if in_header:
            if not first and not second:
                continue  # the header goes on naming its columns
            return i
        filled = sum(1 for f in fields if f.strip())
        if filled == 0 or (filled == 1 and not _CODE_LIKE(first)):
            continue  # blank, or a title or copyright line
        return i
    return -1 if complete and len(lines) <= _HEADER_LINES else -2


def _parse_ptp(member: Input, findings: Findings) -> dict[str, Any]:
    data = member.data
    head_lines = data[: 1 << 16].split(b"\n")
    complete = len(data) <= 1 << 16
    if not complete:
        head_lines.pop()  # cut short by the slice, not by the end of the file
    skip = _header_lines(head_lines, complete)
    if skip < 0 or b"\t" not in data[: 1 << 16]:
        if not data.strip():
            findings.error(1, "the file is empty; expected a CMS NCCI PTP file")
        elif b"\t" not in data[: 1 << 16]:
            findings.error(1, "no tab-separated line; not a CMS NCCI PTP file")
        elif skip == -1:
            findings.error(
                len(head_lines), "the file ends before its first row of edits (no edits)"
            )
        else:
            findings.error(
                1,
                f"no row of edits in the first {_HEADER_LINES} lines; not a CMS NCCI PTP file",
            )
        return _empty_part()
    pos = 0
    for _ in range(skip):
        pos = data.index(b"\n", pos) + 1
    columns = _columns_arrow(data, pos) if _use_arrow() else None
    if columns is None:
        columns = _columns_python(data[pos:], skip, findings)
        if columns is None:
            return _empty_part()
    return _typed_part(columns, skip, findings)


def _empty_part() -> dict[str, Any]:
    return {"n": 0}


Column = tuple[list[bytes], Any]  # distinct values, and each row's index into them


def _columns_python(body: bytes, skip: int, findings: Findings) -> list[Column] | None:
    lines = body.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    rows: list[list[bytes]] = []
    line_numbers: list[int] = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        fields = line.removesuffix(b"\r").split(b"\t")
        if len(fields) < _FIELDS:
            findings.error(
                skip + i + 1,
                f"expected {_FIELDS} tab-separated fields, found {len(fields)}",
            )
            continue
        if len(fields) > _FIELDS and any(f.strip() for f in fields[_FIELDS:]):
            findings.error(skip + i + 1, f"expected {_FIELDS} fields, found {len(fields)}")
            continue
        rows.append(fields)
        line_numbers.append(skip + i + 1)
    if findings.has_errors:
        return None
    columns: list[Column] = []
    for c in range(_FIELDS):
        distinct: dict[bytes, int] = {}
        index = array("i", [distinct.setdefault(row[c], len(distinct)) for row in rows])
        columns.append((list(distinct), (index, line_numbers)))
    return columns


def _columns_arrow(data: bytes, pos: int) -> list[Column] | None:
    np, pa, csv = _lib("numpy"), _lib("pyarrow"), _lib("pyarrow.csv")

    names = [f"f{i}" for i in range(_FIELDS)]
    coded = pa.dictionary(pa.int32(), pa.binary())
    types = dict.fromkeys(names, coded)  # each value is checked once, by its distinct text
    types["f0"] = types["f1"] = pa.binary(5)  # codes: five bytes, read as numbers below
    try:
        table = csv.read_csv(
            pa.py_buffer(data)[pos:],
            read_options=csv.ReadOptions(column_names=names, block_size=1 << 24),
            # a blank line is then a row of one field: an error, and the pure-Python path
            # reports it (skipping it would shift the line numbers of later warnings)
            parse_options=csv.ParseOptions(
                delimiter="\t", quote_char=False, ignore_empty_lines=False
            ),
            convert_options=csv.ConvertOptions(column_types=types, strings_can_be_null=False),
        ).unify_dictionaries()
    except (pa.ArrowInvalid, ValueError):
        return None  # the pure-Python path says which line is wrong
    columns: list[Column] = []
    for name in names:
        chunks = table.column(name).chunks
        if not chunks:
            columns.append(([], np.zeros(0, dtype=np.int32)))
        elif name in ("f0", "f1"):
            numbers = _code_numbers(np, chunks)
            if numbers is None:
                return None  # not all codes: the pure-Python path says where
            columns.append((None, numbers))  # type: ignore[arg-type]
        else:
            index = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
            columns.append((chunks[0].dictionary.to_pylist(), index))
    return columns


def _code_numbers(np: Any, chunks: Any) -> Any:
    """The base-36 numbers of a column of 5-byte codes, or ``None`` if any is not a code."""
    lookup = np.full(256, 255, dtype=np.uint8)
    lookup[np.frombuffer(_B36.encode(), dtype=np.uint8)] = np.arange(36, dtype=np.uint8)
    parts = []
    for chunk in chunks:
        if chunk.null_count:
            return None
        raw = np.frombuffer(chunk.buffers()[1], dtype=np.uint8)
        raw = raw[chunk.offset * 5 : (chunk.offset + len(chunk)) * 5].reshape(-1, 5)
        digits = lookup[raw]
        if (digits == 255).any():
            return None
        number = digits[:, 0].astype(np.int32)
        for i in range(1, 5):  # 36**5 < 2**31
            number *= 36
            number += digits[:, i]
        parts.append(number.astype(np.int64))
    return np.concatenate(parts)


def _rows_of(column: Column, k: int) -> list[int]:
    """The 0-based row numbers whose value is the ``k``-th distinct value."""
    index = column[1]
    if isinstance(index, tuple):
        return [i for i, v in enumerate(index[0]) if v == k]
    np = _lib("numpy")

    return [int(i) for i in np.flatnonzero(index == k)]


def _typed_part(columns: list[Column], skip: int, findings: Findings) -> dict[str, Any]:
    def line(row: int, column: Column) -> int:
        index = column[1]
        return index[1][row] if isinstance(index, tuple) else skip + row + 1

    def table(c: int, field: str, parse: Any, key: bool) -> list[int] | None:
        values, _ = columns[c]
        if values is None:
            return None  # numbers already (codes read by pyarrow)
        out: list[int] = []
        for k, raw in enumerate(values):
            value, problem = parse(raw)
            if problem:
                text = raw.decode("latin-1")
                for row in _rows_of(columns[c], k):
                    where = line(row, columns[c])
                    if key:
                        findings.error(where, f"{field}: {problem} (found {text[:40]!r})")
                    else:
                        findings.warn(where, field, text, problem)
            out.append(value)
        return out

    c1 = table(0, "column 1", _parse_code, True)
    c2 = table(1, "column 2", _parse_code, True)
    prior = table(2, "in existence prior to 1996", _parse_prior, False)
    effective = table(3, "effective date", _parse_date, True)
    deleted = table(4, "deletion date", _parse_deletion, True)
    modifier = table(5, "modifier indicator", _parse_modifier, True)
    rationales = [_decode(v).strip() for v in columns[6][0]]
    return {
        "n": _length(columns[2]),
        "tables": (c1, c2, prior, effective, deleted, modifier),
        "index": [c[1] for c in columns],
        "rationales": rationales,
    }


def _length(column: Column) -> int:
    index = column[1]
    return len(index[0]) if isinstance(index, tuple) else len(index)


def _parse_code(raw: bytes) -> tuple[int, str]:
    code = raw.strip()
    if not _CODE.match(code):
        return 0, "not a code (5 letters or digits)"
    return int(code, 36), ""


def _parse_prior(raw: bytes) -> tuple[int, str]:
    mark = raw.strip()
    if mark in (b"", b"*"):
        return int(mark == b"*"), ""
    return 0, "expected '*' or nothing"


def _parse_date(raw: bytes) -> tuple[int, str]:
    m = _DATE.match(raw.strip())
    if m:
        try:
            return date(*map(int, m.groups())).toordinal(), ""
        except ValueError:
            pass
    return 0, "not a date as YYYYMMDD"


def _parse_deletion(raw: bytes) -> tuple[int, str]:
    if raw.strip() == b"*":
        return NO_DELETION, ""
    value, problem = _parse_date(raw)
    return value, problem and "not a date as YYYYMMDD or '*'"


def _parse_modifier(raw: bytes) -> tuple[int, str]:
    mark = raw.strip()
    if mark in (b"0", b"1", b"9"):
        return int(mark), ""
    return 0, "expected 0, 1 or 9"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _build_ptp(
    parts: list[dict[str, Any]],
    release: str,
    as_of: date | None,
    setting: str,
    warnings: list[str],
    sources: tuple[str, ...],
    strict: bool = False,
) -> PtpTable:
    rationales: dict[str, int] = {}
    for part in parts:
        if part["n"]:
            part["rationale_map"] = [
                rationales.setdefault(r, len(rationales)) for r in part["rationales"]
            ]
    if len(rationales) > 32767:  # pragma: no cover - CMS uses about twenty
        raise DataError(", ".join(sources), ["more than 32,767 distinct rationales"])
    live = [p for p in parts if p["n"]]
    if _use_arrow() and all(not isinstance(p["index"][0], tuple) for p in live):
        columns, repeated = _columns_numpy(live)
    else:
        columns, repeated = _columns_lists(live)
    if repeated:
        message = (
            f"{repeated:,} {'rows repeat' if repeated != 1 else 'row repeats'} an earlier row "
            "exactly (same pair, dates, modifier indicator, 1996 mark and rationale); each is "
            "kept once"
        )
        if strict:
            raise DataError(", ".join(sources), [message + "; strict=True makes this an error"])
        warnings = [*warnings, f"{', '.join(sources)}: {message}"]
    return PtpTable(
        release=release,
        as_of=as_of,
        setting=setting,
        warnings=tuple(warnings),
        sources=sources,
        rationales=tuple(rationales),
        **columns,
    )


def _columns_numpy(parts: list[dict[str, Any]]) -> tuple[dict[str, array[int]], int]:
    np = _lib("numpy")

    def take(c: int, dtype: Any, table_no: int | None = None) -> Any:
        chunks = []
        for p in parts:
            values = p["rationale_map"] if table_no is None else p["tables"][table_no]
            if values is None:  # the column holds the values themselves
                chunks.append(p["index"][c].astype(dtype, copy=False))
            else:
                chunks.append(np.asarray(values, dtype=dtype)[p["index"][c]])
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=dtype)

    c1 = take(0, np.int64, 0)
    c2 = take(1, np.int64, 1)
    keys = (c1 << 26) | c2
    effective = take(3, np.int32, 3)
    deleted, modifier = take(4, np.int32, 4), take(5, np.int8, 5)
    prior, rationale = take(2, np.int8, 2), take(6, np.int16)
    step_key, step_day = np.diff(keys), np.diff(effective)
    ties = (step_key == 0) & (step_day == 0)
    order: Any
    if not bool(np.all((step_key > 0) | ((step_key == 0) & (step_day >= 0)))):
        # every column in the order, so that rows repeated exactly lie side by side
        order = np.lexsort((rationale, prior, modifier, deleted, effective, keys))
    elif not ties.any():
        order = slice(None)  # CMS files come sorted: nothing to do
    else:
        # sorted by pair and date: only the rows of a pair and date given more than once need
        # ordering by the other columns (each such run stays where it is)
        tied = np.zeros(len(keys), dtype=bool)
        tied[:-1] |= ties
        tied[1:] |= ties
        rows = np.flatnonzero(tied)
        order = np.arange(len(keys))
        order[rows] = rows[
            np.lexsort(
                tuple(c[rows] for c in (rationale, prior, modifier, deleted, effective, keys))
            )
        ]
    columns = [c[order] for c in (keys, effective, deleted, modifier, prior, rationale)]
    same = np.ones(max(len(keys) - 1, 0), dtype=bool)
    for column in columns:
        same &= column[1:] == column[:-1]
    repeated = int(same.sum())
    if repeated:
        kept = np.concatenate([[True], ~same])
        columns = [c[kept] for c in columns]
    keys, effective, deleted, modifier, prior, rationale = columns
    slots = _slots_numpy(np, keys)

    dtypes = {"q": np.int64, "i": np.int32, "b": np.int8, "h": np.int16}

    def arr(code: str, values: Any) -> array[int]:
        out = array(code)
        out.frombytes(memoryview(np.ascontiguousarray(values, dtype=dtypes[code])).cast("B"))
        return out

    return {
        "keys": arr("q", keys),
        "effective": arr("i", effective),
        "deleted": arr("i", deleted),
        "modifier": arr("b", modifier),
        "prior_to_1996": arr("b", prior),
        "rationale_ids": arr("h", rationale),
        "slots": arr("i", slots),
    }, repeated


def _columns_lists(parts: list[dict[str, Any]]) -> tuple[dict[str, array[int]], int]:
    def take(c: int, table_no: int | None = None) -> list[int]:
        out: list[int] = []
        for p in parts:
            values = p["rationale_map"] if table_no is None else p["tables"][table_no]
            index = p["index"][c]
            index = index[0] if isinstance(index, tuple) else index.tolist()
            out.extend(map(values.__getitem__, index))
        return out

    keys = [(a << 26) | b for a, b in zip(take(0, 0), take(1, 1), strict=True)]
    # every column in the order, so that rows repeated exactly lie side by side
    rows = sorted(
        set(zip(keys, take(3, 3), take(4, 4), take(5, 5), take(2, 2), take(6), strict=True))
    )
    repeated = len(keys) - len(rows)
    keys = [r[0] for r in rows]
    bits = _slot_bits(len(keys))
    mask = (1 << bits) - 1
    slots = [-1] * (1 << bits)
    previous = -1
    for row, key in enumerate(keys):
        if key == previous:
            continue  # the slot holds a key's first row only
        previous = key
        slot = ((key * _HASH) & _MASK64) >> (64 - bits)
        while slots[slot] >= 0:
            slot = (slot + 1) & mask
        slots[slot] = row

    def column(k: int) -> list[int]:
        return [r[k] for r in rows]

    return {
        "keys": array("q", keys),
        "effective": array("i", column(1)),
        "deleted": array("i", column(2)),
        "modifier": array("b", column(3)),
        "prior_to_1996": array("b", column(4)),
        "rationale_ids": array("h", column(5)),
        "slots": array("i", slots),
    }, repeated


def _slot_bits(n: int) -> int:
    """log2 of the number of hash slots: at least four slots per edit (load under a quarter:
    short probes, and few rounds to fill the table)."""
    return max(1, n.bit_length() + 2)


def _slots_numpy(np: Any, keys: Any) -> Any:
    """The linear-probing slots of ``keys`` (row numbers), filled in rounds: each round every
    waiting row writes itself into its slot if empty, one writer wins each slot, the others move
    on one slot. The result is the table the same rows inserted one by one in some order give."""
    bits = _slot_bits(len(keys))
    mask = (1 << bits) - 1
    slots = np.full(1 << bits, -1, dtype=np.int32)
    # the first row of each distinct key (the keys are sorted): one slot per key, so that many
    # rows of one pair cost no more than one
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    waiting = np.flatnonzero(first).astype(np.int32)
    slot = ((keys[waiting].astype(np.uint64) * np.uint64(_HASH)) >> np.uint64(64 - bits)).astype(
        np.int64
    )
    # the first round: every slot is free
    slots[slot] = waiting
    lost = slots[slot] != waiting
    waiting, slot = waiting[lost], (slot[lost] + 1) & mask
    while len(waiting):
        free = slots[slot] < 0
        rows, where = waiting[free], slot[free]
        slots[where] = rows
        lost = slots[where] != rows
        waiting = np.concatenate([waiting[~free], rows[lost]])
        slot = (np.concatenate([slot[~free], where[lost]]) + 1) & mask
    return slots


def _lib(name: str) -> Any:
    """An optional library (numpy, pyarrow, openpyxl), imported when first used."""
    from importlib import import_module

    return import_module(name)


def _has_arrow() -> bool:
    try:
        for name in ("numpy", "pyarrow", "pyarrow.csv"):
            _lib(name)
    except ImportError:
        return False
    return True


_ARROW: bool | None = None  # whether pyarrow splits the text; tests set it to False


def _use_arrow() -> bool:
    global _ARROW
    if _ARROW is None:
        _ARROW = _has_arrow()
    return _ARROW


def _example_files() -> tuple[str, str]:
    """A PTP part and an MUE file of a few real rows (from the CMS excerpts), for examples."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="proccodes-ncci-")
    ptp = os.path.join(folder, "ccipra-v322r0-f1.txt")
    header = "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale"
    rows = (
        "0001A\t36591\t\t20220101\t20231231\t0\tCPT Manual or CMS manual coding instruction",
        "0001U\t0029U\t\t20180701\t20260630\t1\tMisuse of Column Two code with Column One code",
        "0001U\t0030U\t\t20180701\t*\t1\tMisuse of Column Two code with Column One code",
    )
    with open(ptp, "w", newline="") as out:
        out.write("\r\n".join((header, *rows)) + "\r\n")
    mue = os.path.join(folder, "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv")
    with open(mue, "w", newline="") as out:
        out.write(
            '"CPT codes copyright AMA.\r\n\r\nAll rights reserved.",,,\r\n'
            '"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,'
            "MUE Rationale\r\n"
            "0001U,1,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction\r\n"
            "0009U,2,3 Date of Service Edit: Clinical,Nature of Analyte\r\n"
        )
    return ptp, mue


# -- MUE ----------------------------------------------------------------------------------------

_INDICATOR = re.compile(r"([123])(?:\s.*)?", re.DOTALL).fullmatch
_MAX_UNITS = 10**9  # no MUE comes near: a larger value is damage, not a limit


def load_mue(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int | None = None
) -> MueTable:
    """A CMS MUE table (practitioner, outpatient hospital or DME): the CSV, a zip holding it,
    or the spreadsheet (``.xlsx``, needs openpyxl: ``pip install 'proccodes[frames]'``).

    The header is found by its content (a cell naming the adjudication indicator); every line
    after it is one row (a quoted field that runs past its line end is an error naming it), and
    a file without a row is an error. Of a zip only its first ``.csv`` member is read.
    ``max_bytes`` bounds the file, the member, and each part of a spreadsheet (default
    256 MiB; a zip's or spreadsheet's parts together, four times that).

    >>> table = load_mue(_example_files()[1])
    >>> table.release, table.as_of, len(table)
    ('CMS NCCI MUE practitioner, effective 2026-07-01', datetime.date(2026, 7, 1), 2)

    Args:
        path: the CSV, a zip holding it, or the ``.xlsx`` spreadsheet.
        strict: make a defect in a non-key field an error instead of a warning.
        max_bytes: the largest file (and zip member) read; default 256 MiB.

    Returns:
        The table's edits, one per code, with its release and warnings.

    Raises:
        DataError: the file cannot be read or is structurally damaged (it names the file, the
            line and the field); with ``strict=True``, also for a defect in a non-key field.
        TypeError: an argument of the wrong type.
        ValueError: ``max_bytes`` is below 1.
    """
    if not isinstance(path, str | os.PathLike):
        raise ArgumentTypeError(f"path must be a str or os.PathLike, not {type(path).__name__}")
    if not isinstance(strict, bool):
        raise ArgumentTypeError("strict must be True or False")
    if os.fspath(path).lower().endswith(".xlsx"):
        # read as any other file first (a FIFO or device is refused, never opened by openpyxl)
        member = read_input(path, what="a CMS MUE spreadsheet", unzip=False, max_bytes=max_bytes)
        findings = Findings(member.source, strict=strict)
        header_line, header, rows = _sheet_table(member, findings, max_bytes)
    else:
        member = read_input(
            path,
            what="a CMS MUE file (CSV)",
            pick=lambda name, _: name.lower().endswith(".csv"),
            max_bytes=max_bytes,
        )
        findings = Findings(member.source, strict=strict)
        reader = CsvReader(
            _decode(member.data).lstrip("\ufeff"), findings, is_header=_is_mue_header
        )
        header_line, header, rows = reader.header_line, reader.header, reader.rows()
    edits: dict[str, MueEdit] = {}
    if header is None:
        findings.error(1, "no header row (HCPCS/CPT Code, MUE Values, ...); not a CMS MUE file")
        findings.raise_if_errors()
    columns = _mue_columns([str(c).strip() for c in header or ()], findings, header_line)
    seen = 0
    last = header_line
    for line, row in rows:
        last = line
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        seen += 1
        _mue_row(cells, columns, line, findings, edits)
    if not seen:
        findings.error(last, "the file has a header but no rows of edits")
    findings.raise_if_errors()
    release, as_of, setting = _mue_release(member.name)
    return MueTable(
        release=release, as_of=as_of, setting=setting, warnings=findings.warnings, edits=edits
    )


def _is_mue_header(cells: list[str]) -> bool:
    return len(cells) >= 3 and any("adjudication" in c.lower() for c in cells[1:])


def _sheet_table(
    member: Input, findings: Findings, max_bytes: int | None
) -> tuple[int, list[str] | None, Iterator[tuple[int, list[str]]]]:
    rows = list(_sheet_rows(member, max_bytes))
    for k, (line, cells) in enumerate(rows):
        if _is_mue_header([c.strip() for c in cells]):
            for number, above in rows[:k]:
                if sum(1 for c in above if c.strip()) >= 2:
                    findings.error(number, "a row above the header (data before the header?)")
            return line, cells, iter(rows[k + 1 :])
    return 0, None, iter(())


def _sheet_rows(member: Input, max_bytes: int | None) -> Iterator[tuple[int, list[str]]]:
    import io

    # every part's inflated size is bounded before openpyxl unpacks one
    check_archive(member.data, member.source, max_bytes=max_bytes)
    try:
        openpyxl = _lib("openpyxl")
    except ImportError:
        raise DataError(
            member.source,
            [
                "reading the spreadsheet form needs openpyxl (pip install 'proccodes[frames]'); "
                "or save it as CSV"
            ],
        ) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(member.data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception as exc:
        raise DataError(
            member.source, [f"not a readable spreadsheet: {type(exc).__name__}"]
        ) from exc
    for i, row in enumerate(rows, start=1):
        yield i, [_sheet_text(c) for c in row]


def _sheet_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _mue_columns(cells: list[str], findings: Findings, line: int) -> dict[str, int]:
    found: dict[str, int] = {"code": 0}
    labels = {
        "indicator": "Adjudication Indicator",
        "rationale": "Rationale",
        "units": "MUE Values",
    }
    for i, cell in enumerate(cells):
        text = " ".join(cell.split()).lower()
        if "adjudication" in text:
            name = "indicator"
        elif "rationale" in text:
            name = "rationale"
        elif "mue" in text and "value" in text:
            name = "units"
        else:
            continue
        if name in found:
            findings.error(
                line,
                f"two columns are {labels[name]} (columns {found[name] + 1} and {i + 1})",
            )
            continue
        found[name] = i
    for name in ("units", "indicator"):
        if name not in found:
            findings.error(line, f"the header has no {name} column (MUE Values, Adjudication)")
    return found


def _mue_row(
    cells: list[str],
    columns: dict[str, int],
    line: int,
    findings: Findings,
    edits: dict[str, MueEdit],
) -> None:
    def cell(name: str) -> str:
        i = columns.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    raw = cell("code")
    code = raw.upper() if raw.isascii() else raw  # checked before upper-casing: 'ſ' is not S
    if not _CODE_TEXT.match(code):
        findings.error(line, f"HCPCS/CPT code: not a code (found {raw[:40]!r})")
        return
    units_text = cell("units")
    indicator = _INDICATOR(cell("indicator"))
    if not (units_text.isascii() and units_text.isdigit()):
        findings.error(line, f"MUE value: not a whole number (found {units_text[:40]!r})")
        return
    if len(units_text) > 10 or int(units_text) > _MAX_UNITS:
        findings.error(
            line,
            f"MUE value: more than {_MAX_UNITS:,} units (found {units_text[:40]!r}"
            f"{'...' if len(units_text) > 40 else ''})",
        )
        return
    if indicator is None:
        findings.error(
            line, f"adjudication indicator: expected 1, 2 or 3 (found {cell('indicator')[:40]!r})"
        )
        return
    if code in edits:
        findings.warn(line, "HCPCS/CPT code", code, "listed again; the later row is kept")
    edits[code] = MueEdit(
        code=code,
        max_units=int(units_text),
        indicator=MueIndicator(indicator.group(1)),
        rationale=cell("rationale"),
    )


def _mue_release(name: str) -> tuple[str, date | None, str]:
    m = _MUE_NAME.search(name)
    if not m:
        return f"CMS NCCI MUE ({name})", None, ""
    kind, month, day, year = m.groups()
    setting = {
        "practitioner": "practitioner",
        "outpatienthospital": "outpatient hospital",
        "dmesupplier": "DME supplier",
        "dme": "DME supplier",
    }.get(kind.lower(), kind)
    try:
        as_of = date(int(year), int(month), int(day))
    except ValueError:
        return f"CMS NCCI MUE {setting}", None, setting
    return f"CMS NCCI MUE {setting}, effective {as_of.isoformat()}", as_of, setting

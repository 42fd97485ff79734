"""Load the official CMS HCPCS Level II file of any year into a [`Catalog`][proccodes.Catalog].

CMS publishes the alpha-numeric HCPCS file each year (and in quarterly updates) as a zip holding a
fixed-width text file of 320-character records (``HCPC2019_CONTR_ANWEB.txt`` for 2019). Each code
is one first line (record id 3 for a procedure, 7 for a modifier) followed by continuation lines
(4, 8) that carry the rest of its long description. The loader follows the published record
layout (docs/hcpcs.md has the field table), not one year's file:

- records are recognized by their shape (a five-character code, a five-digit sequence number, a
  record id), so any header or disclaimer lines before the first record are skipped;
- CRLF or LF line ends; cp1252 (ISO-8859-1) bytes; lines right-trimmed of their blank tail are
  padded back to 320 characters (CMS trims continuation lines to 91), but a first line must reach
  its action code (column 293); the zip CMS publishes is read directly;
- a defect in a non-key field of one record (a date of the wrong width or an impossible date, a
  stray character in an indicator, a bad action code, a number that is not one) keeps the record
  with that field empty and adds a warning (file, line, field, value) to ``Catalog.warnings``;
  ``strict=True`` makes every warning an error;
- structural damage is an error: a line that is not the layout, a first line cut short of its
  fields, a record longer than the layout, a file that ends in the middle of a record, a broken
  sequence of continuation records (their sequence numbers count up by 100 from 00100, so a
  deleted, repeated or swapped line is found), an unreadable code or record id, a code listed
  twice, a blank long description. Every error is collected and reported together in one
  [`DataError`][proccodes.DataError] naming the file, the line and the field; no loader returns part
  of a file as if it were whole, and nothing else is raised for bad input.

>>> catalog = load_hcpcs("tests/data/hcpcs2019_excerpt.txt")
>>> catalog["G0260"].title
'Injection procedure for sacroiliac joint; provision of anesthetic, steroid and/or other therapeutic agent, with or without arthrography'
>>> catalog["Q9974"].terminated, catalog["Q9974"].replaced_by
(datetime.date(2014, 12, 31), ('J2274',))
>>> catalog.modifiers["AA"].descriptor("short")
'Anesthesia perf by anesgst'
"""  # noqa: E501

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from datetime import date

from .._args import check_int, check_type, type_name
from ..catalog import Catalog
from ..codes import HCPCS_SHAPE, CodeKind, CodeSystem, is_valid_code
from ..errors import ArgumentTypeError, DataError
from ..records import Descriptor, DescriptorUse, HcpcsFacts, Modifier, Procedure, YearSeen
from ._files import Findings, read_input

__all__ = ["load_hcpcs", "load_hcpcs_years"]

RECORD_LENGTH = 320
FIRST_LINE_FIELDS = 293  # a first line (record id 3 or 7) reaches at least the action code
MAX_HEADER_LINES = 200  # lines allowed before the first record
MAX_BYTES = 64 << 20
"""The default limit on the records file (or zip member) in bytes: 64 MiB, ten times the
largest CMS file."""
YEARS = (1983, 2100)
"""The years a file can be for: HCPCS Level II began in 1983."""

# A record's first eleven characters: code (modifiers have three blanks, then two characters),
# sequence number, record id (3 procedure, 4 its continuation, 7 modifier, 8 its continuation).
_RECORD_SHAPE = re.compile(r"[ A-Z0-9]{5}[0-9]{5}[3478]").match
_DAMAGED_FIRST = re.compile(r".{5}[0-9]{5}[37].{80}").match
_HCPCS_CODE = re.compile(HCPCS_SHAPE).fullmatch
_MODIFIER_CODE = re.compile(r"   [A-Z0-9]{2}").fullmatch
_YEAR_IN_NAME = re.compile(r"(?<![0-9])(19[89][0-9]|20[0-9]{2})(?![0-9])")
# Bytes that are not text in a record: C0 controls other than tab, CR and LF, and DEL.
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# cp1252 and ISO-8859-1 differ only in 0x80-0x9F; without those bytes the (much faster)
# latin-1 codec gives the same text.
_ORDINARY = bytes(b for b in range(256) if not (0x80 <= b <= 0x9F or b in _CONTROL_BYTES))
_ACTIONS = "ABCDFNPRST"

# Field positions below are 0-based slices of the layout's 1-based, inclusive columns: the long
# description, columns 12-91, is line[11:91]. docs/hcpcs.md has the whole table.

_DATE_FIELDS = {
    232: "ASC group effective date (233-240)",
    268: "added date (269-276)",
    276: "action effective date (277-284)",
    284: "termination date (285-292)",
}


def load_hcpcs(
    path: str | os.PathLike[str],
    *,
    year: int | None = None,
    strict: bool = False,
    max_bytes: int | None = None,
) -> Catalog:
    """A catalog of the procedures and modifiers in an official CMS HCPCS Level II file.

    ``path`` is the fixed-width text file, or the zip CMS publishes it in. ``year`` is the year
    the file is for; by default it is read from a four-digit year in the file's name (the zip
    member's, then the path's), else taken from the latest added or action-effective date in the
    file. Records carry the long descriptor as title, the short and long descriptors, the added,
    termination and action dates, the action code, cross-references as ``replaced_by``, the
    other fields as [`HcpcsFacts`][proccodes.HcpcsFacts], and one [`YearSeen`][proccodes.YearSeen].

    A defect in a non-key field is a warning in the catalog's ``warnings`` (the record kept with
    that field empty); ``strict=True`` raises for it instead. Raises
    [`DataError`][proccodes.DataError] naming the file, and the line and field of every problem, for
    anything that is not a whole, readable HCPCS file. ``max_bytes`` bounds the file read
    (default [`MAX_BYTES`][proccodes.sources.hcpcs.MAX_BYTES]).

    >>> catalog = load_hcpcs("tests/data/hcpcs2019_excerpt.txt")
    >>> catalog.release, catalog["J2650"].file_facts.pricing_indicators
    ('CMS HCPCS 2019', ('51',))
    >>> load_hcpcs("README.md")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: README.md: 1 problem
      line 1 is not an HCPCS record, nor is any line after it (a record starts with a five-character code, a five-digit sequence number and record id 3, 4, 7 or 8); is this the CMS HCPCS Level II file?

    Args:
        path: the fixed-width text file, or the zip CMS publishes it in.
        year: the year the file is for; default, read from the file's name or dates.
        strict: make a defect in a non-key field an error instead of a warning.
        max_bytes: the largest file (and zip member) read; default 256 MiB.

    Returns:
        The file's procedures and modifiers, with the file's warnings.

    Raises:
        DataError: the file cannot be read or is structurally damaged (it names the file, the
            line and the field); with ``strict=True``, also for a defect in a non-key field.
        TypeError: an argument of the wrong type.
        ValueError: ``year`` or ``max_bytes`` out of range.
    """  # noqa: E501
    source = _check_path(path)
    if year is not None:
        check_int("year", year, minimum=YEARS[0], maximum=YEARS[1])
    check_type("strict", strict, bool, "True or False")
    return _load(source, year, strict, _limit(max_bytes))[0]


def _check_path(path: object) -> str:
    if not isinstance(path, str | os.PathLike):
        raise ArgumentTypeError(f"path must be a str or os.PathLike, not {type_name(path)}")
    source = os.fspath(path)
    if not isinstance(source, str):
        raise ArgumentTypeError(f"path must be text, not {type_name(source)}")
    return source


def _limit(max_bytes: int | None) -> int:
    return MAX_BYTES if max_bytes is None else check_int("max_bytes", max_bytes, minimum=1)


def load_hcpcs_years(
    paths: Iterable[str | os.PathLike[str]],
    *,
    strict: bool = False,
    max_bytes: int | None = None,
) -> Catalog:
    """One catalog from the HCPCS files of several years, each code with its history.

    Each file is loaded as [`load_hcpcs`][proccodes.sources.hcpcs.load_hcpcs] does (its year read
    from its name or dates). For a
    code in several files the newest year's texts, dates and file facts win, and ``history``
    holds one [`YearSeen`][proccodes.YearSeen] per year that listed the code, so ``first_seen``,
    ``last_seen`` and each year's descriptor and status can be read. A code that a later file no
    longer lists keeps its last year's record. Two files of the same year are an error.
    ``paths`` is a list (or any iterable) of paths, not one path. The files' warnings are
    concatenated in the catalog's ``warnings``.

    >>> catalog = load_hcpcs_years(["tests/data/hcpcs2019_excerpt.txt"])
    >>> catalog["S9090"].first_seen, catalog["S9090"].last_seen
    (2019, 2019)

    Args:
        paths: the files (or zips), one per year, in any order.
        strict: make a defect in a non-key field an error instead of a warning.
        max_bytes: the largest file (and zip member) read; default 256 MiB.

    Returns:
        One catalog, each code with its history of the years given.

    Raises:
        DataError: a file cannot be read or is damaged, no file is given, or two files are of
            the same year.
        TypeError: ``paths`` is one path rather than a list of paths, or another argument is of
            the wrong type.
    """
    if isinstance(paths, str | bytes | os.PathLike) or not isinstance(paths, Iterable):
        raise ArgumentTypeError(
            f"paths must be a list of paths, not {type_name(paths)}"
            + ("; for one file, pass [path] or use load_hcpcs" if isinstance(paths, str) else "")
        )
    check_type("strict", strict, bool, "True or False")
    limit = _limit(max_bytes)
    sources = [_check_path(p) for p in paths]
    loaded = [(source, *_load(source, None, strict, limit)) for source in sources]
    if not loaded:
        raise DataError("HCPCS files", ["no files given"])
    by_year: dict[tuple[int, int], tuple[str, Catalog]] = {}
    problems = []
    for source, catalog, year in loaded:
        first = next(iter(catalog.values()), None)
        quarter = first.history[0].quarter if first is not None and first.history else 1
        if (year, quarter) in by_year:
            problems.append(
                f"{source}: a second file for {year}"
                + (f" quarter {quarter}" if quarter > 1 else "")
                + f" (the first is {by_year[(year, quarter)][0]}); load one file per quarter"
            )
        by_year[(year, quarter)] = (source, catalog)
    if problems:
        raise DataError("HCPCS files", problems)
    years = sorted(by_year)
    combined = by_year[years[0]][1]
    for key in years[1:]:
        combined = combined.merge(by_year[key][1])  # newer file facts win; histories combine
    return combined


def _load(source: str, year: int | None, strict: bool, limit: int) -> tuple[Catalog, int]:
    found = read_input(source, what=_WHAT, pick=_is_records_member, max_bytes=limit)
    return _parse(found.data, found.source, found.name, year, strict)


# -- reading -----------------------------------------------------------------------------------


_WHAT = "the CMS HCPCS Level II records file"


def _is_records_member(name: str, head: bytes) -> bool:
    """The zip also holds a readme, notes and a spreadsheet: take a text file with records."""
    return name.lower().endswith(".txt") and any(
        _RECORD_SHAPE(line) for line in head.decode("latin-1").splitlines()
    )


def _decode(data: bytes) -> tuple[str, bool]:
    """The text (cp1252), and whether it needs the careful path: exact line split, checks."""
    # Deleting every ordinary byte leaves the C0 controls and 0x80-0x9F: usually nothing.
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark, left by an editor
        data = data[3:]
    suspect = data.translate(None, _ORDINARY)
    if not suspect:
        return data.decode("latin-1"), False  # the same text as cp1252 here, and faster
    return data.decode("cp1252", errors="replace"), True


def _split(text: str, exact: bool) -> list[str]:
    if not exact:
        # splitlines() also breaks at \x0b, \x0c, \x1c-\x1e, \x85 and \u2028-9: none of them
        # is in the text here (checked by the caller), so line numbers stay right.
        return text.splitlines()
    return re.split(r"\r\n|\r|\n", text)


# -- parsing -----------------------------------------------------------------------------------


def _parse(
    data: bytes, source: str, name: str, year: int | None, strict: bool
) -> tuple[Catalog, int]:
    if not data.strip():
        raise DataError(source, ["line 1: the file is empty; expected the CMS HCPCS Level II file"])
    text, suspect = _decode(data)
    lines = _split(text, exact=suspect)
    problems = Findings(source, strict=strict)

    # Group each first line with its continuation lines.
    entries: list[tuple[int, str, list[str]]] = []
    parts: list[str] = []
    current = ""  # the code (first five characters) of the entry being read
    current_id = ""
    expected = 0  # the sequence number the next continuation line must have
    started = False
    shape = _RECORD_SHAPE
    for number, line in enumerate(lines, 1):
        if shape(line) is None:
            if not started:
                if number > MAX_HEADER_LINES and line.strip():
                    break
                if _DAMAGED_FIRST(line):  # not a header: a record whose code is damaged
                    problems.error(number, _not_a_record(line))
                continue
            if line.strip():
                problems.error(number, _not_a_record(line))
            continue
        started = True
        record_id = line[10]
        if record_id == "3" or record_id == "7":
            if line[5:10] != "00100":
                problems.error(
                    number,
                    f"sequence number {line[5:10]}; a first line (record id {record_id}) has "
                    "00100 @ sequence (6-10)",
                )
            if len(line) < FIRST_LINE_FIELDS:
                problems.error(
                    number,
                    f"{len(line)} characters; a first line (record id 3 or 7) has "
                    f"{RECORD_LENGTH}, its fields reaching the action code at {FIRST_LINE_FIELDS}"
                    " (is the line cut short?) @ record length",
                )
            parts = [line[11:91]]
            entries.append((number, line, parts))
            current, current_id, expected = line[:5], record_id, 200
        elif line[:5] != current or (record_id == "4") != (current_id == "3"):
            kind = "procedure" if record_id == "4" else "modifier"
            problems.error(
                number,
                f"record id {record_id} continues the description of {kind} "
                f"{line[:5].strip()!r}, but the line before belongs to "
                f"{current.strip()!r} (record id {current_id or 'none'}) @ record id (11)",
            )
        else:
            sequence = int(line[5:10])
            if sequence != expected:
                problems.error(
                    number,
                    f"sequence number {line[5:10]} where {expected:05d} belongs: continuation "
                    f"lines of {current.strip()} count up by 100 from the first line's 00100 (a "
                    "line deleted, repeated or out of order?) @ sequence (6-10)",
                )
            expected = sequence + 100
            if len(line) > 91 and not line[91:].isspace():  # fields are on first lines only
                problems.error(
                    number,
                    "a continuation line (record id 4 or 8) has text after position 91, where "
                    "only first lines (3 or 7) have fields @ record id (11)",
                )
            parts.append(line[11:91])
    last = lines[-1] if lines else ""
    if started and not data.endswith((b"\n", b"\r")) and shape(last) and len(last) < RECORD_LENGTH:
        problems.error(
            len(lines),
            f"the file ends in the middle of this record ({len(last)} of {RECORD_LENGTH} "
            "characters, and no line end); is the file cut short?",
        )
    if not started:
        first = next((n for n, t in enumerate(lines, 1) if t.strip()), 1)
        scope = (
            "any line after it"
            if len(lines) <= MAX_HEADER_LINES
            else (f"any of the first {MAX_HEADER_LINES} lines")
        )
        raise DataError(
            source,
            [
                f"line {first} is not an HCPCS record, nor is {scope} (a "
                "record starts with a five-character code, a five-digit sequence number and "
                "record id 3, 4, 7 or 8); is this the CMS HCPCS Level II file?"
            ],
        )
    if suspect:
        _check_characters(entries, lines, problems)

    if year is None:
        year = _year_from_name(name, source) or _year_from_dates(entries)
    if year is None:
        problems.error(entries[0][0], "cannot tell the year of the file; pass year=")
        problems.raise_if_errors()
    assert year is not None
    quarter = quarter_from_name(name) or quarter_from_name(os.path.basename(source)) or 1
    procedures, modifiers = _Builder(year, name, problems, suspect, quarter).build(entries)
    problems.raise_if_errors()
    records: list[Procedure | Modifier] = [*procedures, *modifiers]
    days = [d for r in records for d in (r.effective, _action_date(r)) if d]
    catalog = Catalog(
        procedures,
        release=f"CMS HCPCS {year}",
        as_of=max(days, default=None),
        modifiers=modifiers,
        warnings=problems.warnings,
    )
    return catalog, year


def _action_date(record: Procedure | Modifier) -> date | None:
    facts = record.file_facts
    return facts.action_effective if facts is not None else None


def _not_a_record(line: str) -> str:
    shown = line[:11]
    if len(line) < 11:
        return f"{line.strip()!r} is too short for a record (truncated?)"
    if line[10] not in "3478":
        return (
            f"{shown!r} has record id {line[10]!r} at position 11; expected 3, 4, 7 or 8 "
            "@ record id (11)"
        )
    if not line[5:10].isdigit():
        return f"{shown!r}: sequence number {line[5:10]!r} is not five digits @ sequence (6-10)"
    return f"{shown!r}: code {line[:5]!r} has characters no code has @ code (1-5)"


def _check_characters(
    entries: list[tuple[int, str, list[str]]], lines: list[str], problems: Findings
) -> None:
    """Report control characters and undecodable bytes in the key columns of record lines
    (code, sequence, record id, long description: 1-91); the fields after them are checked
    one by one, as warnings. Rare; only run when the file has such bytes at all."""
    first = entries[0][0]
    for number in range(first, len(lines) + 1):
        line = lines[number - 1][:91]
        if _RECORD_SHAPE(line) is None:
            continue
        found = _CONTROL.search(line)
        if found is not None:
            problems.error(
                number,
                f"control character {found.group()!r} at position {found.start() + 1}; "
                "records hold text only",
            )
        elif "\ufffd" in line:
            problems.error(
                number,
                f"a byte that is not cp1252 text at position {line.index(chr(0xFFFD)) + 1}",
            )


_QUARTER_IN_NAME = re.compile(
    r"(?<![a-z])(jan|apr|jul|oct)(?:uary|il|y|ober)?(?![a-z])", re.IGNORECASE
)


def quarter_from_name(name: str) -> int | None:
    """The quarter a quarterly HCPCS file's name states (January 1, April 2, July 3,
    October 4), or ``None``.

    >>> quarter_from_name("april-2026-alpha-numeric-hcpcs-file.zip")
    2
    >>> quarter_from_name("HCPC2026_OCT_ANWEB.txt"), quarter_from_name("HCPC2019_CONTR_ANWEB.txt")
    (4, None)
    """
    found = _QUARTER_IN_NAME.search(name.replace("_", " "))
    if found is None:
        return None
    return {"jan": 1, "apr": 2, "jul": 3, "oct": 4}[found.group(1).lower()]


def _year_from_name(name: str, source: str) -> int | None:
    for candidate in (name, os.path.basename(source)):
        found = _YEAR_IN_NAME.search(candidate)
        if found is not None:
            return int(found.group())
    return None


def _year_from_dates(entries: list[tuple[int, str, list[str]]]) -> int | None:
    latest = ""
    for _, line, _ in entries:
        for a, b in ((268, 276), (276, 284)):  # added, action effective
            value = line[a:b]
            if value.isdigit() and value.isascii() and value > latest:
                latest = value
    return int(latest[:4]) if latest else None


# The non-key fields that have a shape: (label, pattern of one value). A value of another
# shape is a warning and the field is left empty; the free-text references need printable text.
_PRINTABLE = re.compile(r"[^\x00-\x1f\x7f\ufffd]+").fullmatch  # no controls, no undecodable bytes
_SHAPES = {
    "pricing": ("pricing indicators (120-127)", re.compile(r"[0-9]{2}").fullmatch),
    "multiple": ("multiple pricing indicator (128)", re.compile(r"[0-9A-Z]").fullmatch),
    "coverage_refs": ("coverage issues manual references (129-146)", _PRINTABLE),
    "carrier_refs": ("carrier manual references (147-170)", _PRINTABLE),
    "statute": ("statute number (171-180)", _PRINTABLE),
    "lab": ("lab certification codes (181-204)", re.compile(r"[0-9]{3}").fullmatch),
    "cross": ("cross-references (205-229)", re.compile(r"[A-Z0-9]{1,5}").fullmatch),
    "coverage": ("coverage code (230)", re.compile(r"[A-Z]").fullmatch),
    "asc": ("ASC group (231-232)", re.compile(r"[A-Z0-9]{2}").fullmatch),
    "note": ("processing note (253-256)", re.compile(r"[0-9]{4}").fullmatch),
    "betos": ("BETOS code (257-259)", re.compile(r"[A-Z0-9]{1,3}").fullmatch),
    "tos": ("type of service codes (261-265)", re.compile(r"[0-9A-Z]").fullmatch),
}


class _Builder:
    """Turns grouped lines into records, caching what repeats: dates, field values, file facts."""

    def __init__(
        self, year: int, name: str, problems: Findings, suspect: bool, quarter: int = 1
    ) -> None:
        self.year = year
        self.quarter = quarter
        self.source = f"CMS HCPCS Level II {year} file {name}"
        self.problems = problems
        self.suspect = suspect  # the file has control characters or undecodable bytes
        self.days: dict[str, date | None] = {"        ": None}
        # Many codes share every field from pricing to anesthesia units and the action date:
        # one immutable HcpcsFacts serves them all. Fewer still differ in any one field.
        self.facts: dict[str, tuple[HcpcsFacts, tuple[str, ...]]] = {}
        self.values: dict[tuple[str, int], tuple[str, ...]] = {}

    def day(self, line: str, start: int, number: int) -> date | None:
        """The YYYYMMDD date at ``line[start:start + 8]``; ``None`` if blank or reported."""
        value = line[start : start + 8]
        found = self.days.get(value)
        if found is not None or value.isspace():
            return found
        if value.isdigit() and value.isascii():
            try:
                found = self.days[value] = date(int(value[:4]), int(value[4:6]), int(value[6:]))
                return found
            except ValueError:
                pass
        self.problems.warn(number, _DATE_FIELDS[start], value, "not a date as YYYYMMDD")
        return None

    def chunks(self, field: str, width: int) -> tuple[str, ...]:
        """The non-blank values of a repeating field (``"11  21  "`` → ``("11", "21")``)."""
        key = (field, width)
        found = self.values.get(key)
        if found is None:
            found = self.values[key] = tuple(
                sys.intern(value)
                for i in range(0, len(field), width)
                if (value := field[i : i + width].strip())
            )
        return found

    def checked(self, kind: str, values: tuple[str, ...], raw: str, number: int) -> tuple[str, ...]:
        """``values`` if each has its field's shape; else a warning and no values."""
        label, shape = _SHAPES[kind]
        for value in values:
            if shape(value) is None:
                self.problems.warn(number, label, raw.strip(), "not a value this field takes")
                return ()
        return values

    def one(self, kind: str, raw: str, number: int) -> str | None:
        """A one-value field, stripped; ``None`` if blank or (with a warning) malformed."""
        value = raw.strip()
        if not value:
            return None
        found = self.checked(kind, (value,), raw, number)
        return found[0] if found else None

    def file_facts(
        self, line: str, number: int, action_effective: date | None
    ) -> tuple[HcpcsFacts, tuple[str, ...]]:
        """The file facts of a first line, and the cross-references that are valid codes."""
        key = line[119:268] + line[276:284]
        found = self.facts.get(key)
        if found is not None:
            return found
        problems = self.problems
        before = problems.count
        units_text = line[265:268].strip()
        units = None
        if units_text.isdigit() and units_text.isascii():
            units = int(units_text)
        elif units_text:
            problems.warn(number, "anesthesia base units (266-268)", units_text, "not a number")
        chunks, checked, one = self.chunks, self.checked, self.one
        cross_references = checked("cross", chunks(line[204:229], 5), line[204:229], number)
        statute = one("statute", line[170:180], number)
        facts = HcpcsFacts(
            year=self.year,
            pricing_indicators=checked("pricing", chunks(line[119:127], 2), line[119:127], number),
            multiple_pricing_indicator=one("multiple", line[127], number),
            coverage_manual_refs=checked(
                "coverage_refs", chunks(line[128:146], 6), line[128:146], number
            ),
            carrier_manual_refs=checked(
                "carrier_refs", chunks(line[146:170], 8), line[146:170], number
            ),
            # The file writes one statute as 1833(t) and as 1833(T).
            statute=sys.intern(statute.upper()) if statute else None,
            lab_certifications=checked("lab", chunks(line[180:204], 3), line[180:204], number),
            cross_references=cross_references,
            coverage=one("coverage", line[229], number),
            asc_group=one("asc", line[230:232], number),
            asc_group_effective=self.day(line, 232, number),
            processing_note=sys.intern(note)
            if (note := one("note", line[252:256], number))
            else None,
            betos=sys.intern(betos) if (betos := one("betos", line[256:259], number)) else None,
            type_of_service=checked("tos", chunks(line[260:265], 1), line[260:265], number),
            anesthesia_base_units=units,
            action_effective=action_effective,
        )
        result = (facts, tuple(c for c in cross_references if is_valid_code(c)))
        if problems.count == before:  # a bad block is reported on every line it is on
            self.facts[key] = result
        return result

    def build(
        self, entries: list[tuple[int, str, list[str]]]
    ) -> tuple[list[Procedure], list[Modifier]]:
        procedures: list[Procedure] = []
        modifiers: list[Modifier] = []
        problems = self.problems
        source, year, day, days = self.source, self.year, self.day, self.days
        facts_seen = self.facts
        short_use, long_use = DescriptorUse.SHORT, DescriptorUse.LONG
        hcpcs, level2 = CodeSystem.HCPCS, CodeKind.HCPCS_LEVEL_II
        seen: dict[str, int] = {}
        for number, line, parts in entries:
            if len(line) < RECORD_LENGTH:
                line = line.ljust(RECORD_LENGTH)  # right-trimmed lines: the rest is blank
            elif len(line) > RECORD_LENGTH and not line[RECORD_LENGTH:].isspace():
                problems.error(
                    number,
                    f"{len(line.rstrip())} characters; the record layout has {RECORD_LENGTH}",
                )
            is_procedure = line[10] == "3"
            code = line[:5] if is_procedure else line[3:5]
            if (_HCPCS_CODE if is_procedure else _MODIFIER_CODE)(line[:5]) is None:
                problems.error(number, _bad_code(line[:5], is_procedure))
                continue
            key = code if is_procedure else "-" + code
            first = seen.setdefault(key, number)
            if first != number:
                what = "code" if is_procedure else "modifier"
                problems.error(
                    number,
                    f"a second record for {what} {code} (the first is on line {first}) "
                    "@ code (1-5)",
                )
                continue
            if len(parts) == 1:
                long_text = parts[0].strip()
            else:  # lines break between words
                long_text = " ".join(t for p in parts if (t := p.strip()))
            if not long_text:
                problems.error(number, "the long description is blank @ long description (12-91)")
            short_text = line[91:119].strip()
            if self.suspect and short_text and not _PRINTABLE(short_text):
                problems.warn(
                    number, "short description (92-119)", short_text, "not printable text"
                )
                short_text = ""
            action: str | None = line[292]
            if line[292] not in _ACTIONS:
                problems.warn(number, "action code (293)", line[292], _bad_action(line[292]))
                action = None
            try:
                added = days[line[268:276]]
            except KeyError:
                added = day(line, 268, number)
            try:
                action_effective = days[line[276:284]]
            except KeyError:
                action_effective = day(line, 276, number)
            try:
                terminated = days[line[284:292]]
            except KeyError:
                terminated = day(line, 284, number)
            found = facts_seen.get(line[119:268] + line[276:284])
            facts, replaced_by = found or self.file_facts(line, number, action_effective)
            long_descriptor = Descriptor(use=long_use, text=long_text, source=source)
            descriptors: tuple[Descriptor, ...] = (
                (Descriptor(use=short_use, text=short_text, source=source), long_descriptor)
                if short_text
                else (long_descriptor,)
            )
            history = (
                YearSeen(
                    year=year,
                    descriptor=long_text,
                    action=action,
                    terminated=terminated,
                    quarter=self.quarter,
                ),
            )
            if is_procedure:
                procedures.append(
                    Procedure(
                        code=code,
                        system=hcpcs,
                        kind=level2,
                        title=long_text,
                        descriptors=descriptors,
                        effective=added,
                        terminated=terminated,
                        action=action,
                        replaced_by=replaced_by,
                        file_facts=facts,
                        history=history,
                    )
                )
            else:
                modifiers.append(
                    Modifier(
                        code=code,
                        title=long_text,
                        descriptors=descriptors,
                        effective=added,
                        terminated=terminated,
                        action=action,
                        file_facts=facts,
                        history=history,
                    )
                )
        return procedures, modifiers


def _bad_action(found: str) -> str:
    if found == " ":
        return "missing"
    return f"not an action code (one of {', '.join(_ACTIONS)})"


def _bad_code(raw: str, is_procedure: bool) -> str:
    from ..codes import validate_code
    from ..errors import InvalidCodeError

    if not is_procedure:
        return f"modifier code {raw!r} is not three blanks and two letters or digits @ code (1-5)"
    try:
        found = validate_code(raw.strip() or raw)
    except InvalidCodeError as exc:
        return f"{exc} @ code (1-5)"
    return f"{found.code} is a {found.kind.value} code, not HCPCS Level II @ code (1-5)"

"""Load the official CMS HCPCS Level II file of any year into a :class:`~proccodes.Catalog`.

CMS publishes the alpha-numeric HCPCS file each year (and in quarterly updates) as a zip holding a
fixed-width text file of 320-character records (``HCPC2019_CONTR_ANWEB.txt`` for 2019). Each code
is one first line (record id 3 for a procedure, 7 for a modifier) followed by continuation lines
(4, 8) that carry the rest of its long description. The loader follows the published record
layout (docs/hcpcs.md has the field table), not one year's file:

- records are recognized by their shape (a five-character code, a five-digit sequence number, a
  record id), so any header or disclaimer lines before the first record are skipped;
- CRLF or LF line ends; cp1252 (ISO-8859-1) bytes; lines shorter than 320 characters are
  padded; the zip CMS publishes is read directly;
- every problem is collected and reported together in one :class:`~proccodes.DataError` naming
  the file, the line and the field; nothing else is raised for bad input.

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

from ..catalog import Catalog
from ..codes import _HCPCS_SHAPE, CodeKind, CodeSystem, is_valid_code
from ..errors import DataError
from ..records import Descriptor, DescriptorUse, HcpcsFacts, Modifier, Procedure, YearSeen
from ._files import read_input

__all__ = ["load_hcpcs", "load_hcpcs_years"]

RECORD_LENGTH = 320
MAX_PROBLEMS = 50  # listed in a DataError; the rest are counted
MAX_HEADER_LINES = 200  # lines allowed before the first record

# A record's first eleven characters: code (modifiers have three blanks, then two characters),
# sequence number, record id (3 procedure, 4 its continuation, 7 modifier, 8 its continuation).
_RECORD_SHAPE = re.compile(r"[ A-Z0-9]{5}[0-9]{5}[3478]").match
_DAMAGED_FIRST = re.compile(r".{5}[0-9]{5}[37].{80}").match
_HCPCS_CODE = re.compile(_HCPCS_SHAPE).fullmatch
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


class _Problems:
    """Problems found in one file, each naming the line and the field; at most MAX_PROBLEMS kept."""

    __slots__ = ("count", "items")

    def __init__(self) -> None:
        self.items: list[str] = []
        self.count = 0

    def add(self, number: int, message: str) -> None:
        self.count += 1
        if self.count <= MAX_PROBLEMS:
            self.items.append(f"line {number}: {message}")

    def raise_if_any(self, source: str) -> None:
        if self.count:
            more = self.count - len(self.items)
            tail = [f"... and {more} more problem{'s' if more != 1 else ''}"] if more else []
            raise DataError(source, [*self.items, *tail])


def load_hcpcs(path: str | os.PathLike[str], *, year: int | None = None) -> Catalog:
    """A catalog of the procedures and modifiers in an official CMS HCPCS Level II file.

    ``path`` is the fixed-width text file, or the zip CMS publishes it in. ``year`` is the year
    the file is for; by default it is read from a four-digit year in the file's name (the zip
    member's, then the path's), else taken from the latest added or action-effective date in the
    file. Records carry the long descriptor as title, the short and long descriptors, the added,
    termination and action dates, the action code, cross-references as ``replaced_by``, the
    other fields as :class:`~proccodes.HcpcsFacts`, and one :class:`~proccodes.YearSeen`.

    Raises :class:`~proccodes.DataError` naming the file, and the line and field of every
    problem, for anything that is not a readable HCPCS file.

    >>> catalog = load_hcpcs("tests/data/hcpcs2019_excerpt.txt")
    >>> catalog.release, catalog["J2650"].file_facts.pricing_indicators
    ('CMS HCPCS 2019', ('51',))
    >>> load_hcpcs("README.md")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: README.md: 1 problem
      line 1: '# proccodes' is not an HCPCS record, nor is any line after it (a record starts with a five-character code, a five-digit sequence number and record id 3, 4, 7 or 8); is this the CMS HCPCS Level II file?
    """  # noqa: E501
    return _load(os.fspath(path), year)[0]


def load_hcpcs_years(paths: Iterable[str | os.PathLike[str]]) -> Catalog:
    """One catalog from the HCPCS files of several years, each code with its history.

    Each file is loaded as :func:`load_hcpcs` does (its year read from its name or dates). For a
    code in several files the newest year's texts, dates and file facts win, and ``history``
    holds one :class:`~proccodes.YearSeen` per year that listed the code, so ``first_seen``,
    ``last_seen`` and each year's descriptor and status can be read. A code that a later file no
    longer lists keeps its last year's record. Two files of the same year are an error.

    >>> catalog = load_hcpcs_years(["tests/data/hcpcs2019_excerpt.txt"])
    >>> catalog["S9090"].first_seen, catalog["S9090"].last_seen
    (2019, 2019)
    """
    loaded = [(source, *_load(source, None)) for source in (os.fspath(p) for p in paths)]
    if not loaded:
        raise DataError("HCPCS files", ["no files given"])
    by_year: dict[int, tuple[str, Catalog]] = {}
    problems = []
    for source, catalog, year in loaded:
        if year in by_year:
            problems.append(
                f"{source}: a second file for {year} (the first is {by_year[year][0]}); "
                "load one file per year"
            )
        by_year[year] = (source, catalog)
    if problems:
        raise DataError("HCPCS files", problems)
    years = sorted(by_year)
    combined = by_year[years[0]][1]
    for year in years[1:]:
        combined = combined.merge(by_year[year][1])  # newer file facts win; histories combine
    return combined


def _load(source: str, year: int | None) -> tuple[Catalog, int]:
    source, name, data = _read(source)
    return _parse(data, source, name, year)


# -- reading -----------------------------------------------------------------------------------


def _read(source: str) -> tuple[str, str, bytes]:
    """How to name the file in errors, its name and its bytes; for a zip, the records member's."""
    found = read_input(source, what=_WHAT, pick=_is_records_member)
    return found.source, found.name, found.data


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


def _parse(data: bytes, source: str, name: str, year: int | None) -> tuple[Catalog, int]:
    if not data.strip():
        raise DataError(source, ["line 1: the file is empty; expected the CMS HCPCS Level II file"])
    text, suspect = _decode(data)
    lines = _split(text, exact=suspect)
    problems = _Problems()

    # Group each first line with its continuation lines.
    entries: list[tuple[int, str, list[str]]] = []
    parts: list[str] = []
    current = ""  # the code (first five characters) of the entry being read
    current_id = ""
    started = False
    shape = _RECORD_SHAPE
    for number, line in enumerate(lines, 1):
        if shape(line) is None:
            if not started:
                if number > MAX_HEADER_LINES and line.strip():
                    break
                if _DAMAGED_FIRST(line):  # not a header: a record whose code is damaged
                    problems.add(number, _not_a_record(line))
                continue
            if line.strip():
                problems.add(number, _not_a_record(line))
            continue
        started = True
        record_id = line[10]
        if record_id == "3" or record_id == "7":
            parts = [line[11:91]]
            entries.append((number, line, parts))
            current, current_id = line[:5], record_id
        elif line[:5] != current or (record_id == "4") != (current_id == "3"):
            kind = "procedure" if record_id == "4" else "modifier"
            problems.add(
                number,
                f"record id {record_id} continues the description of {kind} "
                f"{line[:5].strip()!r}, but the line before belongs to "
                f"{current.strip()!r} (record id {current_id or 'none'}) @ record id (11)",
            )
        else:
            if len(line) > 91 and not line[91:].isspace():  # fields are on first lines only
                problems.add(
                    number,
                    "a continuation line (record id 4 or 8) has text after position 91, where "
                    "only first lines (3 or 7) have fields @ record id (11)",
                )
            parts.append(line[11:91])
    if not started:
        first, text = next(((n, t) for n, t in enumerate(lines, 1) if t.strip()), (1, ""))
        scope = (
            "any line after it"
            if len(lines) <= MAX_HEADER_LINES
            else (f"any of the first {MAX_HEADER_LINES} lines")
        )
        raise DataError(
            source,
            [
                f"line {first}: {text[:40].strip()!r} is not an HCPCS record, nor is {scope} (a "
                "record starts with a five-character code, a five-digit sequence number and "
                "record id 3, 4, 7 or 8); is this the CMS HCPCS Level II file?"
            ],
        )
    if suspect:
        _check_characters(entries, lines, problems)

    if year is None:
        year = _year_from_name(name, source) or _year_from_dates(entries)
    if year is None:
        problems.add(entries[0][0], "cannot tell the year of the file; pass year=")
        problems.raise_if_any(source)
    assert year is not None
    procedures, modifiers = _Builder(year, name, problems).build(entries)
    problems.raise_if_any(source)
    records: list[Procedure | Modifier] = [*procedures, *modifiers]
    days = [d for r in records for d in (r.effective, _action_date(r)) if d]
    catalog = Catalog(
        procedures,
        release=f"CMS HCPCS {year}",
        as_of=max(days, default=None),
        modifiers=modifiers,
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
    entries: list[tuple[int, str, list[str]]], lines: list[str], problems: _Problems
) -> None:
    """Report control characters and undecodable bytes on record lines (rare; only then run)."""
    first = entries[0][0]
    for number in range(first, len(lines) + 1):
        line = lines[number - 1]
        if _RECORD_SHAPE(line) is None:
            continue
        found = _CONTROL.search(line)
        if found is not None:
            problems.add(
                number,
                f"control character {found.group()!r} at position {found.start() + 1}; "
                "records hold text only",
            )
        elif "\ufffd" in line:
            problems.add(
                number,
                f"a byte that is not cp1252 text at position {line.index(chr(0xFFFD)) + 1}",
            )


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


class _Builder:
    """Turns grouped lines into records, caching what repeats: dates, field values, file facts."""

    def __init__(self, year: int, name: str, problems: _Problems) -> None:
        self.year = year
        self.source = f"CMS HCPCS Level II {year} file {name}"
        self.problems = problems
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
        self.problems.add(
            number, f"{value.strip()!r} is not a date (YYYYMMDD) @ {_DATE_FIELDS[start]}"
        )
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

    def file_facts(
        self, line: str, number: int, action_effective: date | None
    ) -> tuple[HcpcsFacts, tuple[str, ...]]:
        """The file facts of a first line, and the cross-references that are valid codes."""
        key = line[119:268] + line[276:284]
        found = self.facts.get(key)
        if found is not None:
            return found
        before = self.problems.count
        units_text = line[265:268].strip()
        units = None
        if units_text.isdigit() and units_text.isascii():
            units = int(units_text)
        elif units_text:
            self.problems.add(
                number, f"{units_text!r} is not a number @ anesthesia base units (266-268)"
            )
        chunks = self.chunks
        cross_references = chunks(line[204:229], 5)
        facts = HcpcsFacts(
            year=self.year,
            pricing_indicators=chunks(line[119:127], 2),
            multiple_pricing_indicator=line[127].strip() or None,
            coverage_manual_refs=chunks(line[128:146], 6),
            carrier_manual_refs=chunks(line[146:170], 8),
            # The file writes one statute as 1833(t) and as 1833(T).
            statute=sys.intern(line[170:180].strip().upper()) or None,
            lab_certifications=chunks(line[180:204], 3),
            cross_references=cross_references,
            coverage=line[229].strip() or None,
            asc_group=line[230:232].strip() or None,
            asc_group_effective=self.day(line, 232, number),
            processing_note=sys.intern(line[252:256].strip()) or None,
            betos=sys.intern(line[256:259].strip()) or None,
            type_of_service=chunks(line[260:265], 1),
            anesthesia_base_units=units,
            action_effective=action_effective,
        )
        result = (facts, tuple(c for c in cross_references if is_valid_code(c)))
        if self.problems.count == before:  # a bad block is reported on every line it is on
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
                problems.add(
                    number,
                    f"{len(line.rstrip())} characters; the record layout has {RECORD_LENGTH}",
                )
            is_procedure = line[10] == "3"
            code = line[:5] if is_procedure else line[3:5]
            if (_HCPCS_CODE if is_procedure else _MODIFIER_CODE)(line[:5]) is None:
                problems.add(number, _bad_code(line[:5], is_procedure))
                continue
            key = code if is_procedure else "-" + code
            first = seen.setdefault(key, number)
            if first != number:
                what = "code" if is_procedure else "modifier"
                problems.add(
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
                problems.add(number, "the long description is blank @ long description (12-91)")
            short_text = line[91:119].strip()
            action: str | None = line[292]
            if line[292] not in _ACTIONS:
                problems.add(number, _bad_action(line[292]))
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
                YearSeen(year=year, descriptor=long_text, action=action, terminated=terminated),
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
        return "the action code is missing (is the line cut short?) @ action code (293)"
    return f"{found!r} is not an action code (one of {', '.join(_ACTIONS)}) @ action code (293)"


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

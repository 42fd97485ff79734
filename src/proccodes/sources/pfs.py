"""Load the CMS Medicare Physician Fee Schedule relative value file (PPRRVU) of any release.

CMS publishes the file each quarter (``RVU25A.zip`` is January 2025, ``B`` April, ``C`` July,
``D`` October) as a CSV, a fixed-width TXT and a spreadsheet, with the release's PDF. One record
per code and modifier: the code's own row (modifier blank) and, for diagnostic tests, rows for
modifiers 26 (professional component) and TC (technical component); 53 (discontinued procedure)
for a few colonoscopy codes. [`load_pfs`][proccodes.sources.pfs.load_pfs] reads the CSV, the TXT or the zip (the CSV in it).

The CSV's columns are found by their header names, which CMS writes over several lines ("WORK"
over "RVU"): the header is the row with a cell ``HCPCS`` (else the row above the first record)
together with the rows just above it that name two or more columns (the title, copyright and
``RELEASED`` lines above them name one cell each). Names are compared by their letters and digits only, so ``CO- SURG`` and
``COSURG`` are one name. A column the loader does not know is kept: its non-blank values go into
[`PfsFacts.extra`][proccodes.records.PfsFacts] as ``NAME=value`` and its name into
`FeeSchedule.unknown_columns`; it never shifts the others. The TXT has no names: it is read
by the positions of the release PDF (the same in the 2022 and 2025 releases), checked on every
record (the decimal points of the RVUs, the record length); a TXT of another layout is a
[`DataError`][proccodes.DataError], and a zip is read through its CSV.

The loader's column table is derived from the fields' metadata in `proccodes.records` (each
`PfsFacts` field names its CSV headers and TXT positions), so a new column is one field there;
the table below documents it.

Every distinct record text is checked when the file is loaded (all warnings and errors are
known then); a record is typed into `PfsFacts` the first time it is asked
for, and records with the same values share one object.

| column (CSV header) | TXT | `PfsFacts` field |
| --- | --- | --- |
| HCPCS | 1-5 | the key: a CPT or Level II code; D codes (CDT, the ADA's) are left out |
| MOD | 6-7 | ``modifier``: blank for the code's own row, else 26, TC or 53 |
| DESCRIPTION | 8-57 | kept for Level II codes only (CMS text), in ``level2_descriptions``; the AMA's CPT short descriptor is never read into a record |
| STATUS CODE | 58 | ``status`` (`PfsStatus`) |
| NOT USED FOR MEDICARE PAYMENT | 59 | ``not_used_for_medicare_payment``: ``+`` marks RVUs shown but not used for payment |
| WORK RVU | 60-65 | ``work_rvu`` |
| NON-FAC PE RVU | 67-72 | ``non_facility_pe_rvu`` |
| NON-FAC NA INDICATOR | 73-74 | ``non_facility_na``: ``NA``, rarely or never done outside a facility |
| FACILITY PE RVU | 76-81 | ``facility_pe_rvu`` |
| FACILITY NA INDICATOR | 82-83 | ``facility_na`` |
| MP RVU | 85-89 | ``malpractice_rvu`` |
| NON-FACILITY TOTAL | 91-96 | ``non_facility_total`` |
| FACILITY TOTAL | 97-102 | ``facility_total`` |
| PCTC IND | 103 | ``pc_tc`` (`PcTc`) |
| GLOB DAYS | 104-106 | ``global_days`` (`GlobalDays`) |
| PRE OP, INTRA OP, POST OP | 107-115 | ``preoperative_share``, ``intraoperative_share``, ``postoperative_share``: shares of the global package (0.10 is 10 %) |
| MULT PROC | 116 | ``multiple_procedure`` (`MultipleProcedure`) |
| BILAT SURG | 117 | ``bilateral`` (`Bilateral`) |
| ASST SURG | 118 | ``assistant`` (`AssistantSurgery`) |
| CO- SURG | 119 | ``co_surgeons`` (`CoSurgeons`) |
| TEAM SURG | 120 | ``team_surgeons`` (`TeamSurgeons`) |
| ENDO BASE | 128-132 | ``endoscopic_base``: the base code of an endoscopic family |
| CONV FACTOR | 133-140 | ``conversion_factor`` (dollars per RVU) |
| PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES | 142-143 | ``supervision`` (`Supervision`) |
| CALCULATION FLAG | 144 | not kept: "0" for every code since July 2014 |
| DIAGNOSTIC IMAGING FAMILY INDICATOR | 146-147 | ``imaging_family``: 88 = imaging reductions apply, 99 = not |
| NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT | 152-157 | ``opps_non_facility_pe_rvu`` (the OPPS imaging cap) |
| FACILITY PE USED FOR OPPS PAYMENT AMOUNT | 159-164 | ``opps_facility_pe_rvu`` |
| MP USED FOR OPPS PAYMENT AMOUNT | 165-171 | ``opps_malpractice_rvu`` |

Key fields are the code and the modifier: a record whose code or modifier cannot be read, a
record with fewer cells than the header, a second record for the same code and modifier, or a
file without an ``HCPCS`` column is structural damage, one [`DataError`][proccodes.DataError] naming
the file and the line of each. Any other field with a value the release PDF does not define (a
stray character in an indicator, a number that is not one) is a warning naming file, line, field
and value; the record is kept with that field ``None``. A blank field is ``None`` (or ``False``)
without a warning. ``strict=True`` makes every warning an error.

>>> fs = load_pfs("tests/data/pfs_excerpt.csv")
>>> fs.release, fs.as_of
('CMS PFS RVU25D', datetime.date(2025, 10, 1))
>>> fs["64635"].bilateral
<Bilateral.ADJUSTMENT_150: '1'>
>>> [row.modifier for row in fs.modifier_rows("72148")]
['26', 'TC']
"""  # noqa: E501

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from enum import Enum, StrEnum
from typing import Any, NoReturn

from .._schema import pfs_columns
from ..errors import ArgumentTypeError, UnknownCodeError
from ..records import PfsFacts
from ._files import Findings, long_line, open_quote, read_input, split_csv_line, split_lines
from ._files import too_long as long_line_message

__all__ = ["FeeSchedule", "load_pfs"]

_WHAT = "the CMS PFS relative value file (PPRRVU)"

# A key: CPT Category I (five digits), II/III/PLA and the few 4-digit + A/M codes, or Level II
# (a letter and four digits, D included so that dental codes are recognized and left out).
_CODE = re.compile(r"[0-9]{4}[0-9AFMTU]|[ABCDEGHJKLMPQRSTUV][0-9]{4}").fullmatch
_MODIFIER = re.compile(r"[0-9A-Z]{2}").fullmatch
_MONTHS = {
    m[:3].upper(): i
    for i, m in enumerate(
        (
            "January February March April May June July August September October November December"
        ).split(),
        1,
    )
}
_MODIFIER_ORDER = {"26": 0, "TC": 1, "53": 2}
_QUARTER_LETTER = {1: "A", 4: "B", 7: "C", 10: "D"}
_LETTER_MONTH = {v: k for k, v in _QUARTER_LETTER.items()}
_MONTH_NAMES = {1: "January", 4: "April", 7: "July", 10: "October"}


def _name(text: str) -> str:
    """A header name as compared: its letters and digits, upper case."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


class _Kind(StrEnum):
    KEY = "key"
    TEXT = "text"
    NUMBER = "number"
    FLAG = "flag"  # "+" or blank
    NA = "na"  # "NA" or blank
    CODE = "code"
    FAMILY = "family"
    IGNORED = "ignored"


# The columns that are not a field of `PfsFacts` of their own: the code (the key), CMS's short
# description (kept for Level II codes only) and a flag not kept. Every other column is a field's:
# its metadata in proccodes.records says its names, positions and kind (`pfs_columns`).
_OTHER_COLUMNS: tuple[tuple[str, _Kind, tuple[str, ...], tuple[int, int]], ...] = (
    ("code", _Kind.KEY, ("HCPCS", "HCPCS CODE"), (1, 5)),
    ("description", _Kind.TEXT, ("DESCRIPTION",), (8, 57)),
    ("calculation_flag", _Kind.IGNORED, ("CALCULATION FLAG",), (144, 144)),
)


class _Table:
    """The columns of the PFS file for a record class (`PfsFacts`), derived from its fields'
    metadata: ``fields`` holds (field name or key, how to read it, CSV header names, TXT
    columns, 1-based and inclusive) in the file's order; HCPCS, MOD and DESCRIPTION first."""

    __slots__ = ("by_name", "cls", "fields", "kind", "label", "txt_record")

    def __init__(self, cls: type) -> None:
        rows = [
            (name, _Kind(c.cell) if isinstance(c.cell, str) else c.cell, c.headers, c.txt)
            for name, c in pfs_columns(cls)
        ]
        self.cls = cls
        self.fields = tuple(sorted([*rows, *_OTHER_COLUMNS], key=lambda row: row[3]))
        if [f[0] for f in self.fields[:3]] != ["code", "modifier", "description"]:
            raise TypeError(
                f"{cls.__name__}: the PFS file's first columns are HCPCS, MOD, DESCRIPTION"
            )
        self.by_name = {
            _name(alias): i for i, (_, _, aliases, _) in enumerate(self.fields) for alias in aliases
        }
        # the name a warning gives a field: CMS's CSV header
        self.label = {f[0]: f[2][0] for f in self.fields}
        self.kind = {f[0]: f[1] for f in self.fields}
        self.txt_record = max(f[3][1] for f in self.fields)  # characters in a TXT record


_TABLE = _Table(PfsFacts)
_TXT_REST = 57  # the non-key part of a TXT record starts at the status code (column 58)


def _cell_pattern(kind: _Kind | type[Enum] | None) -> str:
    """The pattern of a valid, stripped value of a field (blank included). Possessive and
    without alternatives where it can be: every record's non-key text goes through it."""
    if isinstance(kind, type):
        values = sorted((m.value for m in kind), key=len, reverse=True)
        if all(len(v) == 1 for v in values):
            return "[" + "".join(re.escape(v) for v in values) + "]?+"
        return "(?:" + "|".join(re.escape(v) for v in values) + ")?+"
    return {
        # at most nine digits either side of the point: never an overflow to infinity
        _Kind.NUMBER: r"(?:[0-9]{1,9}+(?:\.[0-9]{0,9}+)?+|\.[0-9]{1,9}+)?+",
        _Kind.FLAG: r"\+?+",
        _Kind.NA: "(?:NA)?+",
        _Kind.CODE: r"(?:[0-9]{4}[0-9AFMTU]|[A-Z][0-9]{4})?+",
        _Kind.FAMILY: "(?:[0-9]{2})?+",
    }.get(kind, "[^,\n]*+")  # type: ignore[arg-type]


def _expected(kind: _Kind | type[Enum] | None) -> str:
    """What a warning says a field should hold."""
    if isinstance(kind, type):
        return (
            f"not a {kind.__name__} value of the release PDF ({', '.join(m.value for m in kind)})"
        )
    return {
        _Kind.NUMBER: "not a number (at most nine digits either side of the point)",
        _Kind.FLAG: "expected '+' or blank",
        _Kind.NA: "expected 'NA' or blank",
        _Kind.CODE: "not a code",
        _Kind.FAMILY: "not a two-digit imaging family",
    }.get(kind, "unreadable")  # type: ignore[arg-type]


class _Cache(dict[str, Any]):
    """One column's values as typed, each converted the first time it is met."""

    __slots__ = ("convert",)

    def __init__(self, convert: Callable[[str], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, cell: str) -> Any:
        value = self[cell] = self.convert(cell)
        return value


class _Columns:
    """How to read the non-key part of a record (its "rest": the cells after the key columns,
    kept as the file wrote them until a record is asked for). Made once per layout; each column
    caches what its values mean, so typing a record is a few lookups done in C."""

    __slots__ = (
        "all_rows",
        "caches",
        "checks",
        "cls",
        "extra",
        "kept",
        "kept_names",
        "names",
        "slices",
    )

    def __init__(
        self,
        names: Sequence[str],
        slices: Sequence[tuple[int, int]] | None,
        table: _Table = _TABLE,
    ) -> None:
        # names: a PfsFacts field, "" for a column not kept, "=HEADER" for an unknown column
        self.names = tuple(names)
        self.slices = tuple(slices) if slices is not None else None
        self.cls: Callable[..., PfsFacts] = table.cls
        kinds = [table.kind.get(n) if n and n[0] != "=" else None for n in self.names]
        self.checks = tuple(re.compile(_cell_pattern(k)).fullmatch for k in kinds)
        # Any number of valid records, each ended by a new line (possessive: no backtracking).
        # Stricter than a record needs (no space around a value, as CMS writes them): a record
        # it stops at is checked field by field, which strips values and is the judge.
        row = ",".join(_cell_pattern(k) for k in kinds)
        self.all_rows = re.compile(f"(?:{row}\n)*+").match
        self.caches = tuple(
            _Cache(_converter(name, kind, check))
            for name, kind, check in zip(self.names, kinds, self.checks, strict=True)
        )
        kept = [i for i, n in enumerate(self.names) if n and n[0] != "="]
        self.kept_names = tuple(self.names[i] for i in kept)
        self.kept = _getter(kept)
        unknown = [i for i, n in enumerate(self.names) if n.startswith("=")]
        self.extra = _getter(unknown) if unknown else None

    def cells(self, rest: str | tuple[str, ...]) -> Sequence[str]:
        if isinstance(rest, tuple):
            return rest
        return rest.split(",")

    def facts(self, release: str, modifier: str, rest: str | tuple[str, ...]) -> PfsFacts:
        """The typed facts of one record (a value that is not valid is left ``None``: the load
        reported it)."""
        values = list(map(_Cache.__getitem__, self.caches, self.cells(rest)))
        fields = dict(zip(self.kept_names, self.kept(values), strict=True))
        if self.extra is not None:
            fields["extra"] = tuple(v for v in self.extra(values) if v)
        return self.cls(release=release, modifier=modifier, **fields)


def _getter(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """``itemgetter`` that always returns a tuple, even of one item."""
    from operator import itemgetter

    if not positions:
        return lambda values: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda values: (values[only],)
    return itemgetter(*positions)


def _converter(
    name: str, kind: _Kind | type[Enum] | None, check: Callable[[str], Any]
) -> Callable[[str], Any]:
    """What a cell of one column means: its typed value, ``None`` if blank or not valid (the
    load reported it), ``False`` for a blank flag."""
    blank: Any = False if kind is _Kind.FLAG or kind is _Kind.NA else None

    def convert(cell: str) -> Any:
        text = cell.strip()
        if not text or check(text) is None:
            return blank
        if isinstance(kind, type):
            return kind(text)
        if kind is _Kind.NUMBER:
            return float(text)
        if kind is _Kind.FLAG or kind is _Kind.NA:
            return True
        if kind is _Kind.IGNORED or not name:
            return None
        if name[0] == "=":
            return sys.intern(f"{name[1:]}={text}")  # an unknown column: kept as NAME=value
        return sys.intern(text)  # a code, an imaging family

    return convert


class FeeSchedule(Mapping[str, PfsFacts]):
    """One release of the PFS relative value file: an immutable mapping from code to its row.

    ``fee_schedule[code]`` is the code's own row (modifier blank) as
    `PfsFacts`, in code order; `modifier_rows` gives its 26/TC/53 rows.
    ``release`` names the release (``CMS PFS RVU25D``), ``label`` says it in words
    (``CMS PFS RVU25D (October 2025)``), ``as_of`` is the day it takes effect and ``released`` the
    day CMS published it (when the file says). ``warnings`` lists the non-key defects found
    (``warning_count`` counts them; the list stops at 50), ``dental_codes_left_out`` counts the
    CDT codes not loaded, ``unknown_columns`` and ``missing_columns`` compare the header with
    the columns this loader knows. ``level2_descriptions`` holds the CMS descriptions of Level II
    codes only.

    Every record was checked when the file was loaded; each is typed the first time it is asked
    for and kept (records with the same values share one object), so a load reads the file
    once and builds only what is used.

    >>> fs = load_pfs("tests/data/pfs_excerpt.csv")
    >>> fs["62290"].global_days, fs.get("99999") is None
    (<GlobalDays.DAYS_0: '000'>, True)
    >>> fs.level2_descriptions["G0260"]
    'Inj for sacroiliac jt anesth'
    """

    __slots__ = (
        "_built",
        "_codes",
        "_columns",
        "_modifier_rows",
        "_rows",
        "as_of",
        "dental_codes_left_out",
        "label",
        "level2_descriptions",
        "missing_columns",
        "release",
        "released",
        "unknown_columns",
        "warning_count",
        "warnings",
    )

    _rows: dict[str, PfsFacts | str | tuple[str, ...]]
    _modifier_rows: dict[str, tuple[tuple[str, PfsFacts | str | tuple[str, ...]], ...]]
    _codes: tuple[str, ...]
    _columns: _Columns | None
    _built: dict[Any, PfsFacts]
    release: str
    label: str
    as_of: date | None
    released: date | None
    warnings: tuple[str, ...]
    warning_count: int
    dental_codes_left_out: int
    unknown_columns: tuple[str, ...]
    missing_columns: tuple[str, ...]
    level2_descriptions: Mapping[str, str]

    def __init__(
        self,
        rows: Mapping[str, PfsFacts],
        *,
        modifier_rows: Mapping[str, Sequence[PfsFacts]] | None = None,
        release: str = "CMS PFS",
        label: str | None = None,
        as_of: date | None = None,
        released: date | None = None,
        warnings: Sequence[str] = (),
        warning_count: int | None = None,
        dental_codes_left_out: int = 0,
        unknown_columns: Sequence[str] = (),
        missing_columns: Sequence[str] = (),
        level2_descriptions: Mapping[str, str] | None = None,
    ) -> None:
        self._set(
            dict(rows),
            {c: tuple((r.modifier, r) for r in rs) for c, rs in (modifier_rows or {}).items()},
            None,
            release,
            label or release,
            as_of,
            released,
            tuple(warnings),
            len(warnings) if warning_count is None else warning_count,
            dental_codes_left_out,
            tuple(unknown_columns),
            tuple(missing_columns),
            dict(level2_descriptions or {}),
        )

    def _set(
        self,
        rows: dict[str, Any],
        modifier_rows: dict[str, tuple[tuple[str, Any], ...]],
        columns: _Columns | tuple[tuple[str, ...], tuple[tuple[int, int], ...] | None] | None,
        release: str,
        label: str,
        as_of: date | None,
        released: date | None,
        warnings: tuple[str, ...],
        warning_count: int,
        dental: int,
        unknown: tuple[str, ...],
        missing: tuple[str, ...],
        descriptions: dict[str, str],
    ) -> None:
        from types import MappingProxyType

        put = object.__setattr__
        codes = tuple(sorted(rows))
        put(self, "_rows", {c: rows[c] for c in codes})
        put(self, "_codes", codes)
        put(self, "_modifier_rows", {c: r for c, r in sorted(modifier_rows.items()) if r})
        if isinstance(columns, tuple):
            columns = _Columns(*columns)
        put(self, "_columns", columns)
        put(self, "_built", {})
        put(self, "release", release)
        put(self, "label", label)
        put(self, "as_of", as_of)
        put(self, "released", released)
        put(self, "warnings", warnings)
        put(self, "warning_count", warning_count)
        put(self, "dental_codes_left_out", dental)
        put(self, "unknown_columns", unknown)
        put(self, "missing_columns", missing)
        put(self, "level2_descriptions", MappingProxyType(dict(sorted(descriptions.items()))))

    @classmethod
    def _from_file(cls, *args: Any) -> FeeSchedule:
        self = cls.__new__(cls)
        self._set(*args)
        return self

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"a FeeSchedule cannot be changed (tried to set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"a FeeSchedule cannot be changed (tried to delete {name!r})")

    def _facts(self, modifier: str, rest: Any) -> PfsFacts:
        if isinstance(rest, PfsFacts):
            return rest
        key = (modifier, rest) if modifier else rest
        found = self._built.get(key)
        if found is None:
            assert self._columns is not None
            found = self._columns.facts(self.label, modifier, rest)
            found = self._built.setdefault(key, found)  # one object, even under a thread race
        return found

    def __getitem__(self, code: str) -> PfsFacts:
        try:
            rest = self._rows[code]
        except KeyError:
            where = f"the fee schedule {self.release}"
            raise UnknownCodeError(code, where=where) from None
        found = self._built.get(rest)
        return found if found is not None else self._facts("", rest)

    def __contains__(self, code: object) -> bool:
        return code in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"<FeeSchedule {self.label}: {len(self)} codes, {self.warning_count} warnings>"

    def __reduce__(self) -> tuple[Callable[..., FeeSchedule], tuple[Any, ...]]:
        columns = self._columns
        return (
            FeeSchedule._from_file,
            (
                self._rows,
                self._modifier_rows,
                None if columns is None else (columns.names, columns.slices),
                self.release,
                self.label,
                self.as_of,
                self.released,
                self.warnings,
                self.warning_count,
                self.dental_codes_left_out,
                self.unknown_columns,
                self.missing_columns,
                dict(self.level2_descriptions),
            ),
        )

    def modifier_rows(self, code: str) -> tuple[PfsFacts, ...]:
        """The rows the file gives ``code`` per modifier, in the order 26, TC, 53; or ``()``.

        A code can have modifier rows without a row of its own (a laboratory code whose only
        physician part is its 26 row): it is then not a key of the mapping.

        >>> load_pfs("tests/data/pfs_excerpt.csv").modifier_rows("64635")
        ()
        """
        return tuple(self._facts(m, rest) for m, rest in self._modifier_rows.get(code, ()))

    @property
    def codes_with_modifier_rows(self) -> tuple[str, ...]:
        """The codes that have 26, TC or 53 rows, in code order.

        >>> load_pfs("tests/data/pfs_excerpt.csv").codes_with_modifier_rows
        ('45378', '72148')
        """
        return tuple(self._modifier_rows)

    @property
    def modifier_row_count(self) -> int:
        """How many 26/TC/53 rows the release has, over all codes.

        >>> load_pfs("tests/data/pfs_excerpt.csv").modifier_row_count
        3
        """
        return sum(len(r) for r in self._modifier_rows.values())


def load_pfs(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int | None = None
) -> FeeSchedule:
    """The PFS relative value file of any release: the CSV, the fixed-width TXT or the zip.

    Returns a [`FeeSchedule`][proccodes.sources.pfs.FeeSchedule]: each code's row as typed `PfsFacts`
    (enums whose names say what CMS's indicator means), its 26/TC/53 rows, the release and the
    day it takes effect. Dental (D) codes are left out. A defect in a non-key field is a warning
    on the result (``strict=True`` makes it an error); structural damage raises
    [`DataError`][proccodes.DataError] naming the file and line. The release is read from the file
    (its title line, e.g. "... October Release"), else from the file's, its folder's or the
    zip's name (``RVU25D``, ``PPRRVU2025_Oct``), else from its ``RELEASED`` date (the next
    quarter's first day). ``max_bytes`` bounds the file or zip member read (default 256 MiB);
    a line longer than 1 MiB is an error.

    >>> fs = load_pfs("tests/data/pfs_excerpt.csv")
    >>> fs["0275T"].status, fs["G0260"].status
    (<PfsStatus.RESTRICTED: 'R'>, <PfsStatus.EXCLUDED: 'E'>)
    >>> load_pfs("README.md")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: README.md: 1 problem
      line 1: no line of the file is the PFS column header (a row whose first column is HCPCS) nor a fixed-width record; is this the CMS PFS relative value file (PPRRVU)?

    Args:
        path: the CSV, the fixed-width TXT, or the zip CMS publishes.
        strict: make a defect in a non-key field an error instead of a warning.
        max_bytes: the largest file (and zip member) read; default 256 MiB.

    Returns:
        Each code's row of facts, its modifier rows, the release and its effective date.

    Raises:
        DataError: the file cannot be read or is structurally damaged (it names the file, the
            line and the field); with ``strict=True``, also for a defect in a non-key field.
        TypeError: an argument of the wrong type.
        ValueError: ``max_bytes`` is below 1.
    """  # noqa: E501
    if not isinstance(strict, bool):
        raise ArgumentTypeError(f"strict must be True or False, not {type(strict).__name__}")
    source = os.fspath(path) if isinstance(path, str | os.PathLike) else path
    found = read_input(path, what=_WHAT, choose=_choose_member, max_bytes=max_bytes)
    text = _decode(found.data)
    findings = Findings(found.source, strict=strict)
    names = [found.name, os.path.basename(str(source)), _parent(str(source))]
    return _Parser(text, findings, names).parse()


# -- reading -----------------------------------------------------------------------------------


def _choose_member(names: list[str]) -> str | None:
    """The zip member to read: the PPRRVU CSV (the non-QPP one where a release has two), else
    its TXT, else any CSV or TXT; ``None`` lets read_input say what the zip holds."""

    def rank(name: str) -> tuple[int, int, str]:
        base = os.path.basename(name).upper()
        ext = base.rsplit(".", 1)[-1]
        kind = {"CSV": 0, "TXT": 1}.get(ext, 9)
        group = 0 if base.startswith("PPRRVU") else 1
        qpp = 1 if ("_QPP" in base and "NONQPP" not in base) else 0
        return (group * 10 + kind, qpp, name)

    candidates = [n for n in names if rank(n)[0] in (0, 1)]
    return min(candidates, key=rank) if candidates else None


def _parent(source: str) -> str:
    return os.path.basename(os.path.dirname(os.path.abspath(source)))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 reads them rather than fail the file (a
        # stray byte in a description is not structural damage).
        return "".join(
            chunk.decode("cp1252") if _cp1252_ok(chunk) else chunk.decode("latin-1")
            for chunk in data.splitlines(keepends=True)
        )


def _cp1252_ok(chunk: bytes) -> bool:
    try:
        chunk.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


# -- release and date --------------------------------------------------------------------------

_WORDS = re.compile(r"[0-9A-Za-z_]+").findall  # linear: one pass, no backtracking
_YEAR = re.compile(r"(?:19|20)[0-9]{2}").fullmatch
_QUARTER_MONTHS = {"JANUARY": 1, "APRIL": 4, "JULY": 7, "OCTOBER": 10}


def _title(text: str) -> tuple[int, int] | None:
    """(year, month) of a title such as "2025 ... October Release": a year, then a quarter's
    month, then the word RELEASE (the last such month before the last RELEASE, the first year
    before it). One pass over the words: linear in the length of the text, whatever it holds.

    >>> _title("CY 2025 PFS National Physician Fee Schedule Relative Value File October Release")
    (2025, 10)
    """
    words = [w.upper() for w in _WORDS(text)]
    release = max((i for i, w in enumerate(words) if w == "RELEASE"), default=-1)
    month = max((i for i, w in enumerate(words[:release]) if w in _QUARTER_MONTHS), default=-1)
    year = next((i for i, w in enumerate(words[:month]) if _YEAR(w)), -1)
    if release < 0 or month < 0 or year < 0:
        return None
    return int(words[year]), _QUARTER_MONTHS[words[month]]


_RELEASED = re.compile(r"\bRELEASED\s+([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\b", re.IGNORECASE)
_RVU_NAME = re.compile(r"(?<![A-Z])RVU([0-9]{2})([A-D])(R?)(?![A-Z0-9])", re.IGNORECASE)
_PPRRVU_NAME = re.compile(
    r"PPRRVU([0-9]{2}|[0-9]{4})_?(JAN|APR|JUL|OCT)[A-Z]*(?![A-Z])", re.IGNORECASE
)


def _release_from_names(names: Sequence[str]) -> tuple[int, int, str] | None:
    """(year, month, release id) from ``RVU25D`` or ``PPRRVU2025_Oct`` in the names given."""
    for name in names:
        found = _RVU_NAME.search(name)
        if found is not None:
            year = 2000 + int(found.group(1))
            letter = found.group(2).upper()
            return year, _LETTER_MONTH[letter], f"RVU{found.group(1)}{letter}{found.group(3)}"
    for name in names:
        found = _PPRRVU_NAME.search(name)
        if found is not None:
            digits = found.group(1)
            year = int(digits) if len(digits) == 4 else 2000 + int(digits)
            month = _MONTHS[found.group(2).upper()]
            return year, month, f"RVU{year % 100:02d}{_QUARTER_LETTER[month]}"
    return None


def _next_quarter(day: date) -> tuple[int, int]:
    """The first month of the quarter after ``day`` (a release published in September takes
    effect in October)."""
    for month in (1, 4, 7, 10):
        if month > day.month:
            return day.year, month
    return day.year + 1, 1


# -- parsing -----------------------------------------------------------------------------------

Rest = str | tuple[str, ...]  # a record's non-key cells: joined by commas, or one by one
_ONE_CODE = r"(?:[0-9]{4}[0-9AFMTU]|[ABCDEGHJKLMPQRSTUV][0-9]{4})"
_ALL_CODES = re.compile(f"(?:{_ONE_CODE}\n)*{_ONE_CODE}").fullmatch
_OPEN_QUOTE = "a quoted field does not end on its line (a stray '\"'?); a field may not span lines"


def _csv_line(line: str) -> list[str]:
    return split_csv_line(line) if '"' in line else line.split(",")


def _blank(line: str) -> bool:
    """A line that holds no record: blank, empty cells, or the DOS end-of-file mark."""
    return not line.strip(' ,\t\x1a"')


class _Parser:
    """Reads one file's text into a [`FeeSchedule`][proccodes.sources.pfs.FeeSchedule]."""

    def __init__(
        self, text: str, findings: Findings, names: Sequence[str], table: _Table = _TABLE
    ) -> None:
        self.table = table
        self.lines = split_lines(text)
        self.ends_open = bool(text) and text[-1] not in "\r\n"
        self.findings = findings
        self.names = names
        self.title: tuple[int, int] | None = None
        self.released: date | None = None
        self.unknown: list[str] = []
        self.missing: list[str] = []
        self.rows: dict[str, Rest] = {}
        self.where: dict[str, int] = {}
        self.mods: list[tuple[int, str, str, Rest]] = []
        self.modifier_rows: dict[str, list[tuple[str, Rest]]] = {}
        self.descriptions: dict[str, str] = {}
        self.dental: set[str] = set()

    def parse(self) -> FeeSchedule:
        findings = self.findings
        if not any(line.strip() for line in self.lines):
            findings.error(1, f"the file is empty; expected {_WHAT}")
            findings.raise_if_errors()
        too_long = long_line(self.lines)
        if too_long is not None:
            findings.error(too_long, long_line_message())
            findings.raise_if_errors()
        found = self._csv_header()
        if found is not None:
            header_line, names, layout, keys = found
            columns = _Columns(layout, None, self.table)
            self._check_end(header_line, len(names))
            if keys == (0, 1, 2):
                self._read_csv_fast(header_line, len(names))
            else:
                self._read_csv(header_line, len(names), keys)
        else:
            start = self._txt_start()
            fields = self.table.fields[3:]
            layout = [f[0] if f[1] is not _Kind.IGNORED else "" for f in fields]
            slices = tuple((a - 1 - _TXT_REST, b - _TXT_REST) for _, _, _, (a, b) in fields)
            columns = _Columns(layout, slices, self.table)
            self._read_txt(start, slices)
        self._check_rests(columns)
        self._finish()
        if not self.rows and not self.mods and not self.dental and not findings.has_errors:
            findings.error(
                len(self.lines), f"the file has a header but no records; expected {_WHAT}"
            )
        label, release, as_of = self._release()
        findings.raise_if_errors()
        return FeeSchedule._from_file(
            self.rows,
            {c: tuple(r) for c, r in self.modifier_rows.items()},
            columns,
            release,
            label,
            as_of,
            self.released,
            findings.warnings,
            findings.warning_count,
            len(self.dental),
            tuple(self.unknown),
            tuple(self.missing),
            self.descriptions,
        )

    def _check_end(self, header_line: int, width: int) -> None:
        """A CSV whose last record has no line end was cut short, unless that record is
        whole: as many cells as the header and a last cell that is text, not a number or blank
        (a cut inside a number leaves a shorter number; a cut after a comma, a blank)."""
        if not self.ends_open:
            return
        number = len(self.lines)
        line = self.lines[-1]
        if number <= header_line or _blank(line):
            return
        cells = _csv_line(line) if '"' in line else line.split(",")
        last = cells[-1].strip()
        if len(cells) < width or not last or last.replace(".", "", 1).isdigit():
            self.findings.error(
                number,
                "the file ends inside this record, without a line end (a truncated file?); "
                "its last value cannot be trusted",
            )
            self.lines[-1] = ""  # not read as a record

    # -- the release

    def _release(self) -> tuple[str, str, date | None]:
        from_names = _release_from_names(self.names)
        if self.title is not None:
            year, month = self.title
            ident = f"RVU{year % 100:02d}{_QUARTER_LETTER[month]}"
            if from_names is not None and from_names[:2] == (year, month):
                ident = from_names[2]  # keeps a correction's R (RVU25AR)
        elif from_names is not None:
            year, month, ident = from_names
        elif self.released is not None:
            year, month = _next_quarter(self.released)
            ident = f"RVU{year % 100:02d}{_QUARTER_LETTER[month]}"
        else:
            return "CMS PFS (release not stated)", "CMS PFS", None
        release = f"CMS PFS {ident}"
        return f"{release} ({_MONTH_NAMES[month]} {year})", release, date(year, month, 1)

    # -- the CSV header

    def _csv_header(
        self,
    ) -> tuple[int, list[str], list[str], tuple[int, int, int]] | None:
        """(line of the header, column names, the layout of the non-key cells, the positions of
        HCPCS, MOD and DESCRIPTION), or ``None`` if no line is a PFS CSV header."""
        above: list[list[str]] = []
        for number, line in enumerate(self.lines[:200], 1):
            if "," not in line:
                if line.strip():
                    return None  # not a CSV (the TXT starts with HDR lines)
                above.append([])
                continue
            row = _csv_line(line)
            if any(_name(c) in ("HCPCS", "HCPCSCODE") for c in row):
                return self._columns(number, row, above)
            if _CODE(row[0].strip()) is not None and above and len(above[-1]) > 1:
                # the first record, under a header without an HCPCS column: the line above
                # is the header's last line (_columns reports what it lacks)
                return self._columns(number - 1, above[-1], above[:-1])
            above.append(row)
        return None

    def _columns(
        self, number: int, header: list[str], above: list[list[str]]
    ) -> tuple[int, list[str], list[str], tuple[int, int, int]]:
        findings = self.findings
        for row in above:
            for cell in row:
                self._read_title(cell.strip())
        block = [header]
        for row in reversed(above):  # the rows right above that name two or more columns
            if sum(1 for c in row if c.strip()) < 2:
                break
            block.insert(0, row)
        names = [
            " ".join(" ".join(r[i].split()) for r in block if i < len(r) and r[i].strip())
            for i in range(len(header))
        ]
        fields, by_name = self.table.fields, self.table.by_name
        index: dict[int, int] = {}
        for i, name in enumerate(names):
            k = by_name.get(_name(name))
            if k is None:
                continue
            if k in index:
                findings.error(
                    number,
                    f"two columns are {fields[k][2][0]} (columns {index[k] + 1} and {i + 1})",
                )
                continue
            index[k] = i
        if 0 not in index:
            findings.error(number, "the header has no HCPCS column; expected the PFS header")
        findings.raise_if_errors()
        self.missing = [
            fields[k][2][0]
            for k in range(3, len(fields))
            if k not in index and fields[k][1] is not _Kind.IGNORED
        ]
        keys = (index[0], index.get(1, -1), index.get(2, -1))
        layout: list[str] = []
        for i, name in enumerate(names):
            if i in keys:
                continue
            k = by_name.get(_name(name))
            if k is None:
                label = name or f"column {i + 1}"
                self.unknown.append(label)
                layout.append("=" + label)
            else:
                layout.append(fields[k][0] if fields[k][1] is not _Kind.IGNORED else "")
        if self.missing and self.unknown:
            # a column the loader knows is gone while one it does not know came: renamed?
            others = ", ".join(repr(u) for u in self.unknown[:3])
            for name in self.missing:
                findings.warn(
                    number,
                    name,
                    "",
                    f"no column of this name, while the header has columns this loader does not "
                    f"know ({others}{', ...' if len(self.unknown) > 3 else ''}): a renamed "
                    "column? every record's value is left empty",
                )
        return number, names, layout, keys

    def _read_title(self, text: str) -> None:
        if "RELEASE" not in text.upper():
            return
        if self.title is None:
            self.title = _title(text)
        found_day = _RELEASED.search(text)
        if found_day is not None and self.released is None:
            month, day, year = (int(g) for g in found_day.groups())
            try:
                released = date(year, month, day)
            except ValueError:
                self.findings.warn("header", "RELEASED", found_day.group(), "not a date")
                return
            if released >= date(9999, 10, 1):  # no next quarter: not a release date
                self.findings.warn("header", "RELEASED", found_day.group(), "not a release date")
                return
            self.released = released

    # -- records
    #
    # Each reader fills self.rows (code -> the record's non-key text), self.where (code -> line)
    # and self.mods (the 26/TC/53 records); _check_rests then checks every distinct non-key text
    # at once, and reports each defect on every line that has it.

    def _bad_key(self, number: int, code: str, modifier: str) -> bool:
        """Reports an unreadable code or modifier; True if there was one."""
        if _CODE(code) is None:
            self.findings.error(number, _bad_code(code))
            return True
        if modifier and _MODIFIER(modifier) is None:
            self.findings.error(
                number, f"MOD {modifier!r} is not a modifier (two letters or digits) @ MOD"
            )
            return True
        return False

    def _file(self, number: int, code: str, modifier: str, description: str, rest: Rest) -> None:
        """Files a record read by a careful path (the key still to check)."""
        code, modifier = code.strip(), modifier.strip()
        if self._bad_key(number, code, modifier):
            return
        if code[0] == "D":
            self.dental.add(code)  # CDT, the ADA's: not shipped, not loaded
            return
        if modifier:
            self.mods.append((number, code, modifier, rest))
            return
        seen = self.where.get(code)
        if seen is not None:
            first, second = sorted((seen, number))
            self.findings.error(
                second, f"a second row for {code} (the first is on line {first}) @ HCPCS"
            )
            return
        self.rows[code] = rest
        self.where[code] = number
        self.descriptions[code] = description

    def _read_csv_fast(self, header_line: int, width: int) -> None:
        """The usual layout: HCPCS, MOD and DESCRIPTION are the first three columns, so a
        record's non-key part is the text after its third comma. Records that need more care
        (a quoted field, a modifier, a wrong number of cells, a second row) take the careful
        path."""
        rows, where, descriptions, mods = self.rows, self.where, self.descriptions, self.mods
        careful: list[int] = []
        lines = self.lines
        for number, line in enumerate(lines[header_line:], header_line + 1):
            if '"' in line:
                careful.append(number)
                continue
            parts = line.split(",", 3)
            if len(parts) != 4:
                careful.append(number)
                continue
            code, modifier, description, rest = parts
            if modifier:
                mods.append((number, code, modifier, rest))
                continue
            if code in rows:
                careful.append(number)
                continue
            rows[code] = rest
            where[code] = number
            if code[:1] > "9":
                descriptions[code] = description
        # The keys, all at once: one match over all codes, one look at each distinct modifier;
        # one by one (the careful path) only where that fails.
        if _ALL_CODES("\n".join(rows)) is None:
            for code in [c for c in rows if _CODE(c) is None]:
                careful.append(where.pop(code))
                del rows[code]
        for code in [c for c in rows if c[0] == "D"]:
            self.dental.add(code)  # CDT, the ADA's: not shipped, not loaded
            del rows[code], where[code]
        bad_modifiers = {m for _, _, m, _ in mods if _MODIFIER(m) is None}
        if bad_modifiers or _ALL_CODES("\n".join(m[1] for m in mods) or "00000") is None:
            careful += [m[0] for m in mods if m[2] in bad_modifiers or _CODE(m[1]) is None]
            mods[:] = [m for m in mods if m[2] not in bad_modifiers and _CODE(m[1]) is not None]
        if any(m[1][0] == "D" for m in mods):
            self.dental.update(m[1] for m in mods if m[1][0] == "D")
            mods[:] = [m for m in mods if m[1][0] != "D"]
        for number in sorted(careful):
            line = lines[number - 1]
            if _blank(line):
                continue
            if '"' not in line:
                parts = line.split(",", 3)
                if len(parts) == 4:
                    self._file(number, *parts)
                    continue
                cells = parts
            elif open_quote(line):
                self.findings.error(number, _OPEN_QUOTE)
                continue
            else:
                cells = _csv_line(line)
            if len(cells) < 4:
                self.findings.error(
                    number, f"{len(cells)} cells; the header has {width} (a truncated record?)"
                )
                continue
            tail = cells[3:]
            kept = _rest(tail)
            self._file(number, cells[0], cells[1], cells[2], kept)

    def _read_csv(self, header_line: int, width: int, keys: tuple[int, int, int]) -> None:
        """Any other column order: each record is split into cells and its key cells taken out."""
        ci, mi, di = keys
        others = [i for i in range(width) if i not in keys]
        for number, line in enumerate(self.lines[header_line:], header_line + 1):
            if _blank(line):
                continue
            if '"' in line and open_quote(line):
                self.findings.error(number, _OPEN_QUOTE)
                continue
            cells = _csv_line(line) if '"' in line else line.split(",")
            if len(cells) < width:
                self.findings.error(
                    number, f"{len(cells)} cells; the header has {width} (a truncated record?)"
                )
                continue
            tail = [cells[i] for i in others] + cells[width:]
            rest = _rest(tail)
            self._file(
                number,
                cells[ci],
                cells[mi] if mi >= 0 else "",
                cells[di] if di >= 0 else "",
                rest,
            )

    def _txt_start(self) -> int:
        for number, line in enumerate(self.lines[:500], 1):
            if line.startswith("HDR") or not line.strip():
                continue
            if _txt_shaped(line):
                return number
            break
        self.findings.error(
            1,
            "no line of the file is the PFS column header (a row whose first column is HCPCS) "
            f"nor a fixed-width record; is this {_WHAT}?",
        )
        self.findings.raise_if_errors()
        raise AssertionError("unreachable")  # pragma: no cover

    def _read_txt(self, start: int, slices: Sequence[tuple[int, int]]) -> None:
        """The fixed-width TXT, by the positions of the release PDF. A record's non-key part
        (from the status code on) is cut into its fields once per distinct text and kept as
        the fields joined by commas, as the CSV writes them."""
        findings = self.findings
        record = self.table.txt_record  # characters in a record
        joined: dict[str, Rest] = {}
        for number, line in enumerate(self.lines[start - 1 :], start):
            if len(line) != record:
                if _blank(line):
                    continue
                if len(line) < record:
                    findings.error(
                        number,
                        f"{len(line)} characters; a record of the fixed-width layout has "
                        f"{record} (a truncated record?)",
                    )
                    continue
                if line[record:].strip():
                    findings.error(
                        number,
                        f"{len(line)} characters; a record of the fixed-width layout has {record}",
                    )
                    continue
            raw = line[_TXT_REST:record]
            rest = joined.get(raw)
            if rest is None:
                if not _txt_shaped(line):
                    findings.error(
                        number,
                        "not a record of the fixed-width layout of the release PDF (the decimal "
                        "points of the RVUs are not at positions 63, 70, 79, 87 and 136)",
                    )
                    continue
                rest = joined[raw] = _rest([raw[a:b].strip() for a, b in slices])
            self._file(number, line[:5], line[5:7], line[7:57], rest)

    def _check_rests(self, columns: _Columns) -> None:
        """Checks every distinct non-key text once (one match over them all); a text with a
        defect is checked field by field on each line that has it, for the warnings."""
        rows, mods = self.rows, self.mods
        every: set[Rest] = set(rows.values())
        every.update(m[3] for m in mods)
        bad: set[Rest] = {r for r in every if isinstance(r, tuple)}  # rare: one by one
        texts = every - bad if bad else every
        whole = "\n".join(texts) + "\n"  # type: ignore[arg-type]
        match = columns.all_rows
        at = 0
        while at < len(whole):
            found = match(whole, at)
            at = found.end() if found is not None else at
            if at >= len(whole):
                break
            end = whole.index("\n", at)
            bad.add(whole[at:end])
            at = end + 1
        if not bad:
            return
        lines: list[tuple[int, str, str, Rest]] = [
            (self.where[c], c, "", r) for c, r in rows.items() if r in bad
        ]
        lines += [m for m in mods if m[3] in bad]
        for number, code, modifier, rest in sorted(lines, key=lambda m: m[0]):
            checked = self._check(number, rest, columns)
            if modifier:
                index = self.mods.index((number, code, modifier, rest))
                if checked is None:
                    del self.mods[index]
                else:
                    self.mods[index] = (number, code, modifier, checked)
            elif checked is None:
                del rows[code]
            else:
                rows[code] = checked

    def _check(self, number: int, rest: Rest, columns: _Columns) -> Rest | None:
        """Checks the non-key fields of one record: warns of each defect and returns the text
        to keep, or ``None`` after reporting structural damage."""
        cells = list(columns.cells(rest))
        wanted = len(columns.names)
        if len(cells) < wanted:
            self.findings.error(
                number,
                f"{len(cells) + 3} cells; the header has {wanted + 3} (a truncated record?)",
            )
            return None
        if len(cells) > wanted:
            if any(c.strip() for c in cells[wanted:]):
                self.findings.error(
                    number,
                    f"{len(cells) + 3} cells; the header has {wanted + 3} (an unquoted comma in "
                    "a field?)",
                )
                return None
            cells = cells[:wanted]
        for name, check, cell in zip(columns.names, columns.checks, cells, strict=True):
            text = cell.strip()
            if check(text) is None:
                label = self.table.label.get(name) or name[1:] or "a column not kept"
                self.findings.warn(number, label, text, _expected(self.table.kind.get(name)))
        return _rest(cells)

    def _finish(self) -> None:
        """Modifier records, checked for a second row of one code and modifier; the Level II
        descriptions."""
        seen: dict[tuple[str, str], int] = {}
        self.mods.sort(key=lambda m: m[0])  # the careful path files its records later
        for number, code, modifier, rest in self.mods:
            first = seen.setdefault((code, modifier), number)
            if first != number:
                self.findings.error(
                    number,
                    f"a second row for {code} with modifier {modifier} (the first is on line "
                    f"{first}) @ HCPCS, MOD",
                )
                continue
            self.modifier_rows.setdefault(code, []).append((modifier, rest))
        for found in self.modifier_rows.values():  # one order whatever the file's: 26, TC, 53
            if len(found) > 1:
                found.sort(key=lambda m: (_MODIFIER_ORDER.get(m[0], 9), m[0]))
        self.descriptions = {
            c: sys.intern(d.strip())
            for c, d in self.descriptions.items()
            # a Level II code: a letter first (D codes are left out already); never CPT text
            if c[0] > "9" and c in self.rows
        }


def _rest(cells: Sequence[str]) -> Rest:
    """A record's non-key cells as kept: joined by commas, or one by one if a cell has one."""
    joined = ",".join(cells)
    return joined if joined.count(",") == len(cells) - 1 else tuple(cells)


def _txt_shaped(line: str) -> bool:
    return (
        len(line) >= 140
        and line[62] == "."
        and line[69] == "."
        and line[78] == "."
        and line[86] == "."
        and line[135] == "."
    )


def _bad_code(code: str) -> str:
    if not code:
        return "the HCPCS code is blank @ HCPCS"
    return (
        f"HCPCS {code!r} is not a code (five digits, four digits and A, F, M, T or U, or a HCPCS "
        "letter and four digits) @ HCPCS"
    )

"""Load the CMS Medicare Physician Fee Schedule relative value file (PPRRVU) of any release.

CMS publishes the file each quarter (``RVU25A.zip`` is January 2025, ``B`` April, ``C`` July,
``D`` October) as a CSV, a fixed-width TXT and a spreadsheet, with the release's PDF. One record
per code and modifier: the code's own row (modifier blank) and, for diagnostic tests, rows for
modifiers 26 (professional component) and TC (technical component); 53 (discontinued procedure)
for a few colonoscopy codes. :func:`load_pfs` reads the CSV, the TXT or the zip (the CSV in it).

The CSV's columns are found by their header names, which CMS writes over several lines ("WORK"
over "RVU"): the header is the row whose first column says ``HCPCS`` together with the rows just
above it that name two or more columns (the title, copyright and ``RELEASED`` lines above them
name one cell each). Names are compared by their letters and digits only, so ``CO- SURG`` and
``COSURG`` are one name. A column the loader does not know is kept: its non-blank values go into
:attr:`PfsFacts.extra <proccodes.PfsFacts.extra>` as ``NAME=value`` and its name into
:attr:`FeeSchedule.unknown_columns`; it never shifts the others. The TXT has no names: it is read
by the positions of the release PDF (the same in the 2022 and 2025 releases), checked on every
record.

| column (CSV header) | TXT | :class:`~proccodes.PfsFacts` field |
| --- | --- | --- |
| HCPCS | 1-5 | the key: a CPT or Level II code; D codes (CDT, the ADA's) are left out |
| MOD | 6-7 | ``modifier``: blank for the code's own row, else 26, TC or 53 |
| DESCRIPTION | 8-57 | kept for Level II codes only (CMS text), in ``level2_descriptions``; the AMA's CPT short descriptor is never read into a record |
| STATUS CODE | 58 | ``status`` (:class:`~proccodes.PfsStatus`) |
| NOT USED FOR MEDICARE PAYMENT | 59 | ``not_used_for_medicare_payment``: ``+`` marks RVUs shown but not used for payment |
| WORK RVU | 60-65 | ``work_rvu`` |
| NON-FAC PE RVU | 67-72 | ``non_facility_pe_rvu`` |
| NON-FAC NA INDICATOR | 73-74 | ``non_facility_na``: ``NA``, rarely or never done outside a facility |
| FACILITY PE RVU | 76-81 | ``facility_pe_rvu`` |
| FACILITY NA INDICATOR | 82-83 | ``facility_na`` |
| MP RVU | 85-89 | ``malpractice_rvu`` |
| NON-FACILITY TOTAL | 91-96 | ``non_facility_total`` |
| FACILITY TOTAL | 97-102 | ``facility_total`` |
| PCTC IND | 103 | ``pc_tc`` (:class:`~proccodes.PcTc`) |
| GLOB DAYS | 104-106 | ``global_days`` (:class:`~proccodes.GlobalDays`) |
| PRE OP, INTRA OP, POST OP | 107-115 | ``preoperative_share`` ... shares of the global package (0.10 is 10 %) |
| MULT PROC | 116 | ``multiple_procedure`` (:class:`~proccodes.MultipleProcedure`) |
| BILAT SURG | 117 | ``bilateral`` (:class:`~proccodes.Bilateral`) |
| ASST SURG | 118 | ``assistant`` (:class:`~proccodes.AssistantSurgery`) |
| CO- SURG | 119 | ``co_surgeons`` (:class:`~proccodes.CoSurgeons`) |
| TEAM SURG | 120 | ``team_surgeons`` (:class:`~proccodes.TeamSurgeons`) |
| ENDO BASE | 128-132 | ``endoscopic_base``: the base code of an endoscopic family |
| CONV FACTOR | 133-140 | ``conversion_factor`` (dollars per RVU) |
| PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES | 142-143 | ``supervision`` (:class:`~proccodes.Supervision`) |
| CALCULATION FLAG | 144 | not kept: "0" for every code since July 2014 |
| DIAGNOSTIC IMAGING FAMILY INDICATOR | 146-147 | ``imaging_family``: 88 = imaging reductions apply, 99 = not |
| NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT | 152-157 | ``opps_non_facility_pe_rvu`` (the OPPS imaging cap) |
| FACILITY PE USED FOR OPPS PAYMENT AMOUNT | 159-164 | ``opps_facility_pe_rvu`` |
| MP USED FOR OPPS PAYMENT AMOUNT | 165-171 | ``opps_malpractice_rvu`` |

Key fields are the code and the modifier: a record whose code or modifier cannot be read, a
record with fewer cells than the header, a second record for the same code and modifier, or a
file without an ``HCPCS`` column is structural damage, one :class:`~proccodes.DataError` naming
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
from enum import StrEnum
from typing import Any, NoReturn

from ..records import (
    AssistantSurgery,
    Bilateral,
    CoSurgeons,
    GlobalDays,
    MultipleProcedure,
    PcTc,
    PfsFacts,
    PfsStatus,
    Supervision,
    TeamSurgeons,
)
from ._files import Findings, read_input

__all__ = ["FeeSchedule", "load_pfs"]

_WHAT = "the CMS PFS relative value file (PPRRVU)"

# A key: CPT Category I (five digits), II/III/PLA and the few 4-digit + A/M codes, or Level II
# (a letter and four digits, D included so that dental codes are recognized and left out).
_CODE = re.compile(r"[0-9]{4}[0-9AFMTU]|[A-Z][0-9]{4}").fullmatch
_LEVEL2 = re.compile(r"[ABCEGHJKLMPQRSTUV][0-9]{4}").fullmatch
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


# field name on PfsFacts (or a key), how to read it, CSV header names, TXT columns (1-based,
# inclusive), the enum for indicators.
_FIELDS: tuple[tuple[str, _Kind | type[StrEnum], tuple[str, ...], tuple[int, int]], ...] = (
    ("code", _Kind.KEY, ("HCPCS", "HCPCS CODE"), (1, 5)),
    ("modifier", _Kind.KEY, ("MOD", "MODIFIER"), (6, 7)),
    ("description", _Kind.TEXT, ("DESCRIPTION",), (8, 57)),
    ("status", PfsStatus, ("STATUS CODE", "STATUS"), (58, 58)),
    ("not_used_for_medicare_payment", _Kind.FLAG, ("NOT USED FOR MEDICARE PAYMENT",), (59, 59)),
    ("work_rvu", _Kind.NUMBER, ("WORK RVU",), (60, 65)),
    (
        "non_facility_pe_rvu",
        _Kind.NUMBER,
        ("NON-FAC PE RVU", "NON-FACILITY PE RVU", "NON-FACILITY PRACTICE EXPENSE RVU"),
        (67, 72),
    ),
    ("non_facility_na", _Kind.NA, ("NON-FAC NA INDICATOR", "NON-FACILITY NA INDICATOR"), (73, 74)),
    (
        "facility_pe_rvu",
        _Kind.NUMBER,
        ("FACILITY PE RVU", "FACILITY PRACTICE EXPENSE RVU"),
        (76, 81),
    ),
    ("facility_na", _Kind.NA, ("FACILITY NA INDICATOR",), (82, 83)),
    ("malpractice_rvu", _Kind.NUMBER, ("MP RVU", "MALPRACTICE RVU"), (85, 89)),
    (
        "non_facility_total",
        _Kind.NUMBER,
        ("NON-FACILITY TOTAL", "TOTAL NON-FACILITY RVUS"),
        (91, 96),
    ),
    ("facility_total", _Kind.NUMBER, ("FACILITY TOTAL", "TOTAL FACILITY RVUS"), (97, 102)),
    ("pc_tc", PcTc, ("PCTC IND", "PCTC INDICATOR", "PC/TC INDICATOR"), (103, 103)),
    ("global_days", GlobalDays, ("GLOB DAYS", "GLOBAL DAYS", "GLOBAL SURGERY"), (104, 106)),
    ("preoperative_share", _Kind.NUMBER, ("PRE OP", "PREOPERATIVE PERCENTAGE"), (107, 109)),
    ("intraoperative_share", _Kind.NUMBER, ("INTRA OP", "INTRAOPERATIVE PERCENTAGE"), (110, 112)),
    ("postoperative_share", _Kind.NUMBER, ("POST OP", "POSTOPERATIVE PERCENTAGE"), (113, 115)),
    ("multiple_procedure", MultipleProcedure, ("MULT PROC", "MULTIPLE PROCEDURE"), (116, 116)),
    ("bilateral", Bilateral, ("BILAT SURG", "BILATERAL SURGERY"), (117, 117)),
    ("assistant", AssistantSurgery, ("ASST SURG", "ASSISTANT AT SURGERY"), (118, 118)),
    ("co_surgeons", CoSurgeons, ("CO- SURG", "CO-SURGEONS"), (119, 119)),
    ("team_surgeons", TeamSurgeons, ("TEAM SURG", "TEAM SURGERY"), (120, 120)),
    ("endoscopic_base", _Kind.CODE, ("ENDO BASE", "ENDOSCOPIC BASE CODE"), (128, 132)),
    ("conversion_factor", _Kind.NUMBER, ("CONV FACTOR", "CONVERSION FACTOR"), (133, 140)),
    (
        "supervision",
        Supervision,
        (
            "PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES",
            "PHYSICIAN SUPERVISION",
            "SUPERVISION",
        ),
        (142, 143),
    ),
    ("calculation_flag", _Kind.IGNORED, ("CALCULATION FLAG",), (144, 144)),
    (
        "imaging_family",
        _Kind.FAMILY,
        ("DIAGNOSTIC IMAGING FAMILY INDICATOR", "DIAGNOSTIC IMAGING FAMILY"),
        (146, 147),
    ),
    (
        "opps_non_facility_pe_rvu",
        _Kind.NUMBER,
        ("NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT",),
        (152, 157),
    ),
    (
        "opps_facility_pe_rvu",
        _Kind.NUMBER,
        ("FACILITY PE USED FOR OPPS PAYMENT AMOUNT",),
        (159, 164),
    ),
    ("opps_malpractice_rvu", _Kind.NUMBER, ("MP USED FOR OPPS PAYMENT AMOUNT",), (165, 171)),
)
_BY_NAME = {_name(alias): i for i, (_, _, aliases, _) in enumerate(_FIELDS) for alias in aliases}
_LABEL = {f[0]: f[2][0] for f in _FIELDS}  # the name a warning gives a field: CMS's CSV header


class FeeSchedule(Mapping[str, PfsFacts]):
    """One release of the PFS relative value file: an immutable mapping from code to its row.

    ``fee_schedule[code]`` is the code's own row (modifier blank), in code order;
    :meth:`modifier_rows` gives its 26/TC/53 rows. ``release`` names the release
    (``CMS PFS RVU25D``), ``label`` says it in words (``CMS PFS RVU25D (October 2025)``),
    ``as_of`` is the day it takes effect and ``released`` the day CMS published it (when the file
    says). ``warnings`` lists the non-key defects found, ``warning_count`` counts them (the list
    stops at 50), ``dental_codes_left_out`` counts the CDT rows not loaded, ``unknown_columns``
    and ``missing_columns`` compare the header with the columns this loader knows.
    ``level2_descriptions`` holds the CMS descriptions of Level II codes only.

    >>> fs = load_pfs("tests/data/pfs_excerpt.csv")
    >>> fs["62290"].global_days, fs.get("99999") is None
    (<GlobalDays.DAYS_0: '000'>, True)
    >>> fs.level2_descriptions["G0260"]
    'Inj for sacroiliac jt anesth'
    """

    __slots__ = (
        "_codes",
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

    _rows: dict[str, PfsFacts]
    _modifier_rows: dict[str, tuple[PfsFacts, ...]]
    _codes: tuple[str, ...]
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
        from types import MappingProxyType

        codes = tuple(sorted(rows))
        put = object.__setattr__
        put(self, "_rows", {c: rows[c] for c in codes})
        put(self, "_codes", codes)
        put(
            self,
            "_modifier_rows",
            {c: tuple(r) for c, r in (modifier_rows or {}).items() if r},
        )
        put(self, "release", release)
        put(self, "label", label or release)
        put(self, "as_of", as_of)
        put(self, "released", released)
        put(self, "warnings", tuple(warnings))
        put(self, "warning_count", len(warnings) if warning_count is None else warning_count)
        put(self, "dental_codes_left_out", dental_codes_left_out)
        put(self, "unknown_columns", tuple(unknown_columns))
        put(self, "missing_columns", tuple(missing_columns))
        descriptions = dict(sorted((level2_descriptions or {}).items()))
        put(self, "level2_descriptions", MappingProxyType(descriptions))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"a FeeSchedule cannot be changed (tried to set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"a FeeSchedule cannot be changed (tried to delete {name!r})")

    def __getitem__(self, code: str) -> PfsFacts:
        return self._rows[code]

    def __contains__(self, code: object) -> bool:
        return code in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"<FeeSchedule {self.label}: {len(self)} codes, {self.warning_count} warnings>"

    def __reduce__(self) -> tuple[Callable[..., FeeSchedule], tuple[Any, ...]]:
        return (
            _restore,
            (
                self._rows,
                self._modifier_rows,
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
        """The rows the file gives ``code`` per modifier (26, TC, 53), in file order; ``()``.

        >>> load_pfs("tests/data/pfs_excerpt.csv").modifier_rows("64635")
        ()
        """
        return self._modifier_rows.get(code, ())

    @property
    def modifier_row_count(self) -> int:
        """How many 26/TC/53 rows the release has, over all codes."""
        return sum(len(r) for r in self._modifier_rows.values())


def _restore(
    rows: dict[str, PfsFacts],
    modifier_rows: dict[str, tuple[PfsFacts, ...]],
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
) -> FeeSchedule:
    return FeeSchedule(
        rows,
        modifier_rows=modifier_rows,
        release=release,
        label=label,
        as_of=as_of,
        released=released,
        warnings=warnings,
        warning_count=warning_count,
        dental_codes_left_out=dental,
        unknown_columns=unknown,
        missing_columns=missing,
        level2_descriptions=descriptions,
    )


def load_pfs(path: str | os.PathLike[str], *, strict: bool = False) -> FeeSchedule:
    """The PFS relative value file of any release: the CSV, the fixed-width TXT or the zip.

    Returns a :class:`FeeSchedule`: each code's row as typed :class:`~proccodes.PfsFacts`
    (enums whose names say what CMS's indicator means), its 26/TC/53 rows, the release and the
    day it takes effect. Dental (D) codes are left out. A defect in a non-key field is a warning
    on the result (``strict=True`` makes it an error); structural damage raises
    :class:`~proccodes.DataError` naming the file and line. The release is read from the file
    (its title line, e.g. "... October Release"), else from the file's, its folder's or the
    zip's name (``RVU25D``, ``PPRRVU2025_Oct``), else from its ``RELEASED`` date (the next
    quarter's first day).

    >>> fs = load_pfs("tests/data/pfs_excerpt.csv")
    >>> fs["0275T"].status, fs["G0260"].status
    (<PfsStatus.RESTRICTED: 'R'>, <PfsStatus.EXCLUDED: 'E'>)
    >>> load_pfs("README.md")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: README.md: 1 problem
      line 1: no line of the file is the PFS column header (a row whose first column is HCPCS) nor a fixed-width record; is this the CMS PFS relative value file (PPRRVU)?
    """  # noqa: E501
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be True or False, not {type(strict).__name__}")
    source = os.fspath(path) if isinstance(path, str | os.PathLike) else path
    if isinstance(source, str) and _is_zip(source):
        chosen = _choose_member(source)
        found = read_input(source, what=_WHAT, pick=lambda name, _head: name == chosen)
    else:
        found = read_input(path, what=_WHAT)
    text = _decode(found.data)
    findings = Findings(found.source, strict=strict)
    names = [found.name, os.path.basename(str(source)), _parent(str(source))]
    return _Parser(text, findings, names).parse()


# -- reading -----------------------------------------------------------------------------------


def _is_zip(source: str) -> bool:
    try:
        with open(source, "rb") as handle:
            return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False  # read_input reports it


def _choose_member(source: str) -> str | None:
    """The zip member to read: the PPRRVU CSV (the non-QPP one where a release has two), else
    its TXT, else any CSV or TXT; ``None`` lets read_input say what the zip holds."""
    import zipfile

    try:
        with zipfile.ZipFile(source) as archive:
            names = sorted(i.filename for i in archive.infolist() if not i.is_dir())
    except Exception:  # read_input reads it again and reports what is wrong
        return None

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

_TITLE = re.compile(
    r"\b((?:19|20)[0-9]{2})\b.*\b(JANUARY|APRIL|JULY|OCTOBER)\b.*\bRELEASE\b", re.IGNORECASE
)
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


class _Parser:
    """Reads one file's text into a :class:`FeeSchedule`."""

    def __init__(self, text: str, findings: Findings, names: Sequence[str]) -> None:
        self.text = text
        self.findings = findings
        self.names = names
        self.title: tuple[int, int] | None = None
        self.released: date | None = None
        self.facts: dict[tuple[str, ...], PfsFacts] = {}
        self.rows: dict[str, PfsFacts] = {}
        self.modifier_rows: dict[str, list[PfsFacts]] = {}
        self.first_line: dict[tuple[str, str], int] = {}
        self.descriptions: dict[str, str] = {}
        self.dental: set[str] = set()
        self.unknown: list[str] = []
        self.missing: list[str] = []

    def parse(self) -> FeeSchedule:
        findings = self.findings
        if not self.text.strip():
            findings.error(1, f"the file is empty; expected {_WHAT}")
            findings.raise_if_errors()
        records = self._csv_records()
        if records is None:
            records = self._txt_records()
        label, release, as_of = self._release()
        self._build(records, label)
        findings.raise_if_errors()
        return FeeSchedule(
            self.rows,
            modifier_rows=self.modifier_rows,
            release=release,
            label=label,
            as_of=as_of,
            released=self.released,
            warnings=findings.warnings,
            warning_count=findings.warning_count,
            dental_codes_left_out=len(self.dental),
            unknown_columns=self.unknown,
            missing_columns=self.missing,
            level2_descriptions=self.descriptions,
        )

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

    # -- the CSV

    def _csv_records(self) -> Iterator[tuple[int, list[str]]] | None:
        """The CSV's records as (line, cells in _FIELDS order, then unknown columns), or
        ``None`` when the text is not a CSV with a PFS header."""
        import csv
        import io

        head = self.text[:20000]
        if "," not in head:
            return None
        reader = csv.reader(io.StringIO(self.text))
        above: list[list[str]] = []
        try:
            for row in reader:
                first = next((c.strip().upper() for c in row if c.strip()), "")
                if _name(first) in ("HCPCS", "HCPCSCODE"):
                    return self._csv_body(reader, above, row)
                above.append(row)
                if len(above) > 200:
                    return None
        except csv.Error:
            return None
        return None

    def _csv_body(
        self, reader: Any, above: list[list[str]], header: list[str]
    ) -> Iterator[tuple[int, list[str]]]:
        import csv

        for row in above:
            for cell in row:
                text = cell.strip()
                if self.title is None:
                    found = _TITLE.search(text)
                    if found is not None:
                        self.title = (int(found.group(1)), _MONTHS[found.group(2)[:3].upper()])
                found_day = _RELEASED.search(text)
                if found_day is not None and self.released is None:
                    month, day, year = (int(g) for g in found_day.groups())
                    try:
                        self.released = date(year, month, day)
                    except ValueError:
                        self.findings.warn(
                            "header", "RELEASED", found_day.group(), "not a date as MM/DD/YYYY"
                        )
        width = len(header)
        block = [header]
        for row in reversed(above):  # the rows right above that name two or more columns
            if sum(1 for c in row if c.strip()) < 2:
                break
            block.insert(0, row)
        names = [
            " ".join(" ".join(r[i].split()) for r in block if i < len(r) and r[i].strip())
            for i in range(width)
        ]
        header_line = reader.line_num
        index = self._columns(names, header_line)
        wanted = len(_FIELDS)
        unknown_at = [i for i, n in enumerate(names) if _name(n) not in _BY_NAME and n.strip()]
        order = [index.get(k, -1) for k in range(wanted)] + unknown_at
        missing_cell = "" if -1 in order else None

        def records() -> Iterator[tuple[int, list[str]]]:
            findings = self.findings
            try:
                for row in reader:
                    line = reader.line_num
                    first = row[0] if row else ""
                    if (not first or first[0] in " \x1a\t") and not "".join(row).strip(" \x1a\t"):
                        continue  # a blank line, or the DOS end-of-file mark
                    if len(row) != width:
                        if len(row) < width:
                            findings.error(
                                line,
                                f"{len(row)} cells; the header (line {header_line}) has {width} "
                                "(a truncated record?)",
                            )
                            continue
                        if any(c.strip() for c in row[width:]):
                            findings.error(
                                line,
                                f"{len(row)} cells; the header (line {header_line}) has {width} "
                                "(an unquoted comma in a field?)",
                            )
                            continue
                    if missing_cell is None:
                        yield line, [row[i] for i in order]
                    else:
                        yield line, [row[i] if i >= 0 else "" for i in order]
            except csv.Error as exc:
                findings.error(reader.line_num, f"not readable as CSV: {exc}")

        self.unknown_names = [names[i] for i in unknown_at]
        self.unknown = list(self.unknown_names)
        return records()

    def _columns(self, names: list[str], line: int) -> dict[int, int]:
        """Which cell holds each known field."""
        index: dict[int, int] = {}
        for i, name in enumerate(names):
            k = _BY_NAME.get(_name(name))
            if k is None:
                continue
            if k in index:
                self.findings.error(
                    line, f"two columns are {_FIELDS[k][2][0]} (columns {index[k] + 1} and {i + 1})"
                )
                continue
            index[k] = i
        if 0 not in index:
            self.findings.error(line, "the header has no HCPCS column; expected the PFS header")
            self.findings.raise_if_errors()
        self.missing = [
            _FIELDS[k][2][0]
            for k in range(len(_FIELDS))
            if k not in index and _FIELDS[k][1] is not _Kind.IGNORED
        ]
        return index

    # -- the TXT

    def _txt_records(self) -> Iterator[tuple[int, list[str]]]:
        lines = self.text.splitlines()
        first = None
        for number, line in enumerate(lines[:500], 1):
            if line.startswith("HDR") or not line.strip():
                continue
            if _txt_shaped(line):
                first = number
            break
        if first is None:
            self.findings.error(
                1,
                "no line of the file is the PFS column header (a row whose first column is "
                "HCPCS) nor a fixed-width record; is this "
                f"{_WHAT}?",
            )
            self.findings.raise_if_errors()
        assert first is not None
        self.unknown_names = []
        slices = [(a - 1, b) for _, _, _, (a, b) in _FIELDS]

        def records() -> Iterator[tuple[int, list[str]]]:
            findings = self.findings
            for number in range(first, len(lines) + 1):
                line = lines[number - 1]
                if len(line) < 147:
                    if not line.strip(" \x1a\t"):
                        continue
                    findings.error(
                        number,
                        f"{len(line)} characters; a record of the fixed-width layout has 171 "
                        "(a truncated record?)",
                    )
                    continue
                if not _txt_shaped(line):
                    findings.error(
                        number,
                        "not a record of the fixed-width layout of the release PDF (decimal "
                        "points of the RVUs not at positions 63, 70, 79, 87, 94, 100, 136)",
                    )
                    continue
                yield number, [line[a:b] for a, b in slices]

        return records()

    # -- building records

    def _build(self, records: Iterator[tuple[int, list[str]]], label: str) -> None:
        findings = self.findings
        facts_cache = self.facts
        rows, modifier_rows, first_line = self.rows, self.modifier_rows, self.first_line
        descriptions, dental = self.descriptions, self.dental
        code_match, modifier_match, level2 = _CODE, _MODIFIER, _LEVEL2
        converter = _Converter(findings, label, self.unknown_names)
        make = converter.facts
        for line, cells in records:
            code = cells[0].strip()
            modifier = cells[1].strip()
            if code_match(code) is None:
                findings.error(line, _bad_code(code))
                continue
            if modifier and modifier_match(modifier) is None:
                findings.error(
                    line, f"MOD {modifier!r} is not a modifier (two letters or digits) @ MOD"
                )
                continue
            if code[0] == "D" and code[1:].isdigit():
                dental.add(code)  # CDT, the ADA's: not shipped, not loaded
                continue
            key = (code, modifier)
            seen = first_line.setdefault(key, line)
            if seen != line:
                what = f"{code} with modifier {modifier}" if modifier else code
                findings.error(line, f"a second row for {what} (the first is on line {seen})")
                continue
            description = cells[2]
            cells[2] = modifier  # rows with the same modifier and values share one PfsFacts
            row_key = tuple(cells[2:])
            facts = facts_cache.get(row_key)
            if facts is None:
                facts, clean = make(line, modifier, row_key[1:])
                if clean:
                    facts_cache[row_key] = facts
            if modifier:
                modifier_rows.setdefault(code, []).append(facts)
            else:
                rows[code] = facts
                if level2(code) is not None:
                    descriptions[code] = description.strip()


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
        f"HCPCS {code!r} is not a code (five digits, four digits and A, F, M, T or U, or a letter "
        "and four digits) @ HCPCS"
    )


class _Converter:
    """Turns the non-key cells of a row into :class:`PfsFacts`, caching each cell's value."""

    def __init__(self, findings: Findings, label: str, unknown_names: Sequence[str]) -> None:
        self.findings = findings
        self.release = label
        self.fields = _FIELDS[3:]
        self.unknown_names = list(unknown_names)
        self.caches: list[dict[str, Any]] = [{} for _ in self.fields]

    def facts(self, line: int, modifier: str, values: tuple[str, ...]) -> tuple[PfsFacts, bool]:
        """The facts of one row, and whether no cell had a defect."""
        kwargs: dict[str, Any] = {"release": self.release, "modifier": modifier}
        clean = True
        n = len(self.fields)
        for (name, kind, _, _), cache, raw in zip(self.fields, self.caches, values, strict=False):
            try:
                value = cache[raw]
            except KeyError:
                ok, value = self._convert(kind, raw.strip())
                if ok:
                    cache[raw] = value
                else:
                    clean = False
                    self.findings.warn(line, _LABEL[name], raw.strip(), value)
                    value = None
            if value is not None and kind is not _Kind.IGNORED:
                kwargs[name] = value
        extra = [
            f"{name}={v}"
            for name, raw in zip(self.unknown_names, values[n:], strict=False)
            if (v := raw.strip())
        ]
        if extra:
            kwargs["extra"] = tuple(sys.intern(e) for e in extra)
        return PfsFacts(**kwargs), clean

    def _convert(self, kind: _Kind | type[StrEnum], text: str) -> tuple[bool, Any]:
        """(True, value) or (False, what is wrong)."""
        if not text:
            return True, None
        if isinstance(kind, type):
            try:
                return True, kind(text)
            except ValueError:
                allowed = ", ".join(m.value for m in kind)
                return False, f"not a {kind.__name__} indicator of the release PDF ({allowed})"
        if kind is _Kind.NUMBER:
            try:
                number = float(text)
            except ValueError:
                return False, "not a number"
            if number != number or number in (float("inf"), float("-inf")):
                return False, "not a finite number"
            return True, number
        if kind is _Kind.FLAG:
            if text == "+":
                return True, True
            return False, "expected '+' or blank"
        if kind is _Kind.NA:
            if text.upper() == "NA":
                return True, True
            return False, "expected 'NA' or blank"
        if kind is _Kind.CODE:
            if _CODE(text.upper()) is not None:
                return True, sys.intern(text.upper())
            return False, "not a code"
        if kind is _Kind.FAMILY:
            if len(text) <= 2 and text.isdigit():
                return True, sys.intern(text.zfill(2))
            return False, "not a two-digit imaging family"
        return True, None  # IGNORED

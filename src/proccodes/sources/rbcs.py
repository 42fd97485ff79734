"""Load CMS's Restructured BETOS Classification System (RBCS) file.

CMS classifies every HCPCS code billed to Medicare Part B (CPT numbers and Level II codes) into
categories (Procedure, Test, DME, Treatment, Imaging, E&M, Anesthesia, Other), subcategories and
families, with a major-procedure flag (a work of CMS, public domain; the file holds CMS's own
names, no CPT descriptor). The file has one row per code and assignment period; the row with
``rbcs_latest_assignment`` 1 is the code's current class. Headers are matched without regard to
case (CMS writes ``HCPCS_Cd``; republished copies ``hcpcs_cd``); other columns are ignored.

| column | meaning | kept as |
| --- | --- | --- |
| hcpcs_cd | the code (key) | the mapping's key; D codes (CDT) are left out |
| rbcs_id | the class: category letter, subcategory letter, family number, major flag (``PM007O``) | [`RbcsClass.id`][proccodes.records.RbcsClass] (key) |
| rbcs_cat_desc | category name | ``category`` |
| rbcs_subcat_desc | subcategory name | ``subcategory`` |
| rbcs_family_desc | family name ("No RBCS Family" where none) | ``family`` |
| rbcs_major_ind | M major procedure, O other (non-major) procedure, N not a procedure (the id's last letter says the same) | ``major``: ``True``, ``False``, ``None`` |
| hcpcs_cd_add_dt, hcpcs_cd_end_dt | the code's dates, MM/DD/YYYY; 12/31/9999 is open | checked; the latest date is the file's ``as_of`` |
| rbcs_latest_assignment | 1 for the current class of the code, 0 for an earlier one (key) | selects the row |

The major flag: CMS's RBCS report separates major from non-major procedures, and the sixth
character of the id marks a major procedure; in the 2025 file M and O occur only in the
Procedure category (3,761 and 3,639 rows) and N in every other one, so O is read as a procedure
that is not major and N as "not a procedure" (``None``: the question does not apply).

A missing key column, an unreadable code or class id, a latest-assignment flag other than 0 or
1, two current rows for one code, or a row with too few cells is a [`DataError`][proccodes.DataError]
naming the file and line. A bad date, a major flag other than M, O or N (or one the id
contradicts), or a blank name is a warning (the row kept, that field empty); ``strict=True``
makes warnings errors.

>>> rbcs = load_rbcs("tests/data/RBCS_RY_2025_excerpt.csv")
>>> c = rbcs["64493"]
>>> c.category, c.subcategory, c.family, c.major
('Procedure', 'Musculoskeletal', 'Nerve Block Injection - Back', False)
"""  # noqa: E501

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, NoReturn

from ..errors import ArgumentTypeError
from ..records import RbcsClass
from ._files import CsvReader, Findings, read_input

__all__ = ["Rbcs", "load_rbcs"]

_WHAT = "the CMS RBCS classification file"
_CODE = re.compile(r"[0-9]{4}[0-9AFMTU]|[A-Z][0-9]{4}").fullmatch
_ID = re.compile(r"[A-Z]{2}[0-9]{3}[MON]").fullmatch
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})").fullmatch
_YEAR_IN_NAME = re.compile(r"(?<![0-9])(20[0-9]{2})(?![0-9])")
_REQUIRED = ("hcpcs_cd", "rbcs_id", "rbcs_latest_assignment")
_COLUMNS = (
    *_REQUIRED,
    "rbcs_cat_desc",
    "rbcs_subcat_desc",
    "rbcs_family_desc",
    "rbcs_major_ind",
    "hcpcs_cd_add_dt",
    "hcpcs_cd_end_dt",
)
_MAJOR = {"M": True, "O": False, "N": None}
OPEN_END = date(9999, 12, 31)


class Rbcs(Mapping[str, RbcsClass]):
    """CMS's RBCS classes by code (each code's latest assignment): an immutable mapping.

    ``release`` names the file (``CMS RBCS RY2025``), ``as_of`` is the latest date the file
    states (other than the open end 12/31/9999), ``warnings`` lists the non-key defects found
    (``warning_count`` counts them all), ``dental_codes_left_out`` counts CDT codes not loaded.

    >>> rbcs = load_rbcs("tests/data/RBCS_RY_2025_excerpt.csv")
    >>> rbcs.release, "S9090" in rbcs
    ('CMS RBCS RY2025', False)
    """

    __slots__ = (
        "_classes",
        "_codes",
        "_dates",
        "as_of",
        "dental_codes_left_out",
        "release",
        "warning_count",
        "warnings",
    )

    _classes: dict[str, RbcsClass]
    _codes: tuple[str, ...]
    _dates: dict[str, tuple[date | None, date | None]]
    release: str
    as_of: date | None
    warnings: tuple[str, ...]
    warning_count: int
    dental_codes_left_out: int

    def __init__(
        self,
        classes: Mapping[str, RbcsClass],
        *,
        release: str = "CMS RBCS",
        as_of: date | None = None,
        warnings: Sequence[str] = (),
        warning_count: int | None = None,
        dental_codes_left_out: int = 0,
        dates: Mapping[str, tuple[date | None, date | None]] | None = None,
    ) -> None:
        codes = tuple(sorted(classes))
        put = object.__setattr__
        put(self, "_classes", {c: classes[c] for c in codes})
        put(self, "_dates", dict(dates or {}))
        put(self, "_codes", codes)
        put(self, "release", release)
        put(self, "as_of", as_of)
        put(self, "warnings", tuple(warnings))
        put(self, "warning_count", len(warnings) if warning_count is None else warning_count)
        put(self, "dental_codes_left_out", dental_codes_left_out)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"an Rbcs cannot be changed (tried to set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"an Rbcs cannot be changed (tried to delete {name!r})")

    def __getitem__(self, code: str) -> RbcsClass:
        return self._classes[code]

    def __contains__(self, code: object) -> bool:
        return code in self._classes

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def dates(self, code: str) -> tuple[date | None, date | None]:
        """The add and end dates the file gives ``code`` on its current row (``None`` where
        it gives none, and for the open end 12/31/9999).

        >>> load_rbcs("tests/data/RBCS_RY_2025_excerpt.csv").dates("64493")
        (datetime.date(2010, 1, 1), None)
        """
        return self._dates.get(code, (None, None))

    def __repr__(self) -> str:
        return f"<Rbcs {self.release}: {len(self)} codes, {self.warning_count} warnings>"

    def __reduce__(self) -> tuple[Callable[..., Rbcs], tuple[Any, ...]]:
        return (
            _restore,
            (
                self._classes,
                self.release,
                self.as_of,
                self.warnings,
                self.warning_count,
                self.dental_codes_left_out,
                self._dates,
            ),
        )


def _restore(
    classes: dict[str, RbcsClass],
    release: str,
    as_of: date | None,
    warnings: tuple[str, ...],
    warning_count: int,
    dental: int,
    dates: dict[str, tuple[date | None, date | None]] | None = None,
) -> Rbcs:
    return Rbcs(
        classes,
        release=release,
        as_of=as_of,
        warnings=warnings,
        warning_count=warning_count,
        dental_codes_left_out=dental,
        dates=dates,
    )


def load_rbcs(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int | None = None
) -> Rbcs:
    """CMS's RBCS classification file (CSV, or a zip holding it): each code's latest class.

    Classes are shared: codes of one family get the same `RbcsClass`.
    The release year is read from the file's name (``RBCS_RY_2025.csv``). The header is found
    by its content; every line after it is one row (a quoted field that runs past its line
    end is an error naming the line); a file without rows is an error. ``max_bytes`` bounds the
    file or zip member read (default 256 MiB).

    >>> load_rbcs("tests/data/RBCS_RY_2025_excerpt.csv")["99213"].family
    'Office E&M - Established'
    >>> load_rbcs("README.md")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: README.md: 1 problem
      line 1: no header with the columns hcpcs_cd, rbcs_id and rbcs_latest_assignment; is this the CMS RBCS classification file?


    Args:
        path: the CSV, or a zip holding it.
        strict: make a defect in a non-key field an error instead of a warning.
        max_bytes: the largest file (and zip member) read; default 256 MiB.

    Returns:
        Each code's class, with the release and the file's warnings.

    Raises:
        DataError: the file cannot be read or is structurally damaged (it names the file, the
            line and the field); with ``strict=True``, also for a defect in a non-key field.
        TypeError: an argument of the wrong type.
        ValueError: ``max_bytes`` is below 1.
    """  # noqa: E501
    if not isinstance(strict, bool):
        raise ArgumentTypeError(f"strict must be True or False, not {type(strict).__name__}")
    found = read_input(path, what=_WHAT, pick=_is_rbcs_member, max_bytes=max_bytes)
    findings = Findings(found.source, strict=strict)
    data = found.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    release = "CMS RBCS"
    year = _YEAR_IN_NAME.search(found.name) or _YEAR_IN_NAME.search(
        os.path.basename(os.fspath(path))
    )
    if year is not None:
        release = f"CMS RBCS RY{year.group(1)}"
    return _parse(text, findings, release)


def _is_rbcs_member(name: str, head: bytes) -> bool:
    return name.lower().endswith(".csv") and b"rbcs_id" in head[:2000].lower()


def _is_header(cells: list[str]) -> bool:
    names = {c.lower() for c in cells}
    return all(n in names for n in _REQUIRED)


def _parse(text: str, findings: Findings, release: str) -> Rbcs:
    reader = CsvReader(text, findings, is_header=_is_header)
    header = reader.header
    if header is None:
        findings.error(
            1,
            "no header with the columns hcpcs_cd, rbcs_id and rbcs_latest_assignment; "
            f"is this {_WHAT}?",
        )
        findings.raise_if_errors()
        raise AssertionError("unreachable")  # pragma: no cover
    names = [h.strip().lower() for h in header]
    where: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in where and name in _COLUMNS:
            findings.error(
                reader.header_line,
                f"two columns are {name} (columns {where[name] + 1} and {i + 1})",
            )
        where.setdefault(name, i)
    index = [where.get(n, -1) for n in _COLUMNS]
    width = len(header)
    classes: dict[tuple[str, str, str, str, bool | None], RbcsClass] = {}
    latest: dict[str, tuple[int, RbcsClass]] = {}
    code_dates: dict[str, tuple[date | None, date | None]] = {}
    earlier: dict[str, int] = {}
    dental: set[str] = set()
    days: dict[str, date | None] = {}
    newest = date(1, 1, 1)
    intern = sys.intern
    rows = 0
    line = reader.header_line
    for line, row in reader.rows():
        if len(row) < width:
            if not "".join(row).strip(" \x1a\t"):
                continue
            findings.error(line, f"{len(row)} cells; the header has {width} (truncated?)")
            continue
        rows += 1
        code, rid, flag, cat, sub, fam, major_text, added, ended = (
            row[i].strip() if i >= 0 else "" for i in index
        )
        if _CODE(code) is None:
            findings.error(line, f"hcpcs_cd {code!r} is not a code @ hcpcs_cd")
            continue
        if _ID(rid) is None:
            findings.error(
                line,
                f"rbcs_id {rid!r} is not a class id (two letters, three digits, M, O or N) "
                "@ rbcs_id",
            )
            continue
        if flag not in ("0", "1"):
            findings.error(
                line, f"rbcs_latest_assignment {flag!r} is not 0 or 1 @ rbcs_latest_assignment"
            )
            continue
        if code[0] == "D":
            dental.add(code)
            continue
        for column, value in (("hcpcs_cd_add_dt", added), ("hcpcs_cd_end_dt", ended)):
            if not value:
                continue
            day = days.get(value)
            if day is None and value not in days:
                day = days[value] = _day(value)
            if day is None:
                findings.warn(line, column, value, "not a date as MM/DD/YYYY")
            elif day != OPEN_END and day > newest:
                newest = day
        if flag == "0":
            earlier.setdefault(code, line)
            continue
        major = _MAJOR.get(major_text)
        if major_text not in _MAJOR or (major_text and major_text != rid[-1]):
            why = (
                "not M, O or N"
                if major_text not in _MAJOR
                else f"the class id {rid} says {rid[-1]}"
            )
            findings.warn(line, "rbcs_major_ind", major_text, why)
            major = _MAJOR[rid[-1]]  # the id carries the flag too
        for column, value in (
            ("rbcs_cat_desc", cat),
            ("rbcs_subcat_desc", sub),
            ("rbcs_family_desc", fam),
        ):
            if not value:
                findings.warn(line, column, value, "blank")
        key = (rid, cat, sub, fam, major)
        found = classes.get(key)
        if found is None:
            found = classes[key] = RbcsClass(
                id=intern(rid),
                category=intern(cat),
                subcategory=intern(sub),
                family=intern(fam),
                major=major,
            )
        first = latest.setdefault(code, (line, found))
        if first[0] == line:
            start = days.get(added) if added else None
            end = days.get(ended) if ended else None
            code_dates[code] = (start, None if end == OPEN_END else end)
        if first[0] != line:
            findings.error(
                line,
                f"a second current class for {code} (rbcs_latest_assignment 1; the first is "
                f"on line {first[0]})",
            )
    if not rows and not findings.has_errors:
        findings.error(line, f"the file has a header but no rows; expected {_WHAT}")
    for code, line in earlier.items():
        if code not in latest:
            findings.warn(line, "rbcs_latest_assignment", "0", f"{code} has no current class")
    findings.raise_if_errors()
    return Rbcs(
        {code: cls for code, (_, cls) in latest.items()},
        release=release,
        as_of=newest if newest.year > 1 else None,
        warnings=findings.warnings,
        warning_count=findings.warning_count,
        dental_codes_left_out=len(dental),
        dates=code_dates,
    )


def _day(text: str) -> date | None:
    found = _DATE(text)
    if found is None:
        return None
    month, day, year = (int(g) for g in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None

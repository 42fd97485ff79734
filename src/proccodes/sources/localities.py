"""Load the PFS locality files: GPCIs, the locality-county crosswalk, anesthesia conversion
factors and OPPS payment caps.

Each release zip of the Medicare Physician Fee Schedule (``RVU25A.zip``) ships, beside the
PPRRVU file, four tables keyed by Medicare Administrative Contractor (MAC) and locality, each as
CSV, TXT and spreadsheet (the release PDF lists them). These loaders read the CSV, loose or
inside the zip (the member is chosen by its name: ``GPCI2025.csv``, ``25LOCCO.csv``,
``ANES2025.csv``, ``OPPSCAP_JAN.csv``). The TXT copies have no header (and ANES's has no decimal
point); read the CSV.

| file | loader | record | columns (CSV header, matched by its words) |
| --- | --- | --- | --- |
| GPCI20xx | [`load_gpci`][proccodes.sources.localities.load_gpci] | [`LocalityGpci`][proccodes.sources.localities.LocalityGpci] | MAC, State, Locality Number, Locality Name, PW GPCI, PE GPCI, MP GPCI |
| xxLOCCO | [`load_locality_counties`][proccodes.sources.localities.load_locality_counties] | [`LocalityCounties`][proccodes.sources.localities.LocalityCounties] | MAC, Locality Number, State, Fee Schedule Area, Counties |
| ANES20xx | [`load_anesthesia_factors`][proccodes.sources.localities.load_anesthesia_factors] | [`AnesthesiaFactor`][proccodes.sources.localities.AnesthesiaFactor] | Contractor, Locality, Locality Name, the conversion factor |
| OPPSCAP | [`load_opps_caps`][proccodes.sources.localities.load_opps_caps] | [`OppsCapAmount`][proccodes.sources.localities.OppsCapAmount] | HCPCS, MOD, PROCSTAT, CARRIER, LOCALITY, FACILITY PRICE, NON-FACILTY PRICE |

A locality is named ``MAC-LL`` (``01112-05``): CMS writes the MAC with five digits and the
locality with two in some files and drops the leading zeros in others (``2102,1``); both are
read, and padded. The header row is found by its content (the title and blank rows above it
are skipped); rows below the table (footnotes, "MAC Assignments as of ...") and blank rows are
skipped. In the locality-county file the state is written on a state's first row only and is
carried down.

Key fields are the MAC and locality (and, in OPPSCAP, the code and modifier): a record row
whose key cannot be read, a second row with the same key, or a file without the header is
structural damage, one [`DataError`][proccodes.DataError] naming the file, the line and the field.
A value that is not a number where one is due is a warning naming file, line, field and value;
the record is kept with that field ``None`` (``strict=True`` makes it an error).

The year of a table is read from its name (``GPCI2025``, ``25LOCCO``, ``ANES2025``), else the
zip's (``RVU25A``), else the title (``CY 2025``); the tables apply from January 1 of it
(``as_of``). OPPSCAP is named by month only (``OPPSCAP_JAN``): its year comes from the zip's
name or is ``None``.

>>> gpci = load_gpci("tests/data/GPCI2025_excerpt.csv")
>>> gpci.release, gpci.as_of
('CMS GPCI 2025', datetime.date(2025, 1, 1))
>>> al = gpci["10112-00"]
>>> al.name, al.work, al.pe, al.mp
('ALABAMA', Decimal('1'), Decimal('0.869'), Decimal('0.575'))
"""  # noqa: E501

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

import attrs

from ..errors import ArgumentTypeError
from ._files import Findings, read_input

__all__ = [
    "AnesthesiaFactor",
    "LocalityCounties",
    "LocalityGpci",
    "LocalityTable",
    "OppsCapAmount",
    "load_anesthesia_factors",
    "load_gpci",
    "load_locality_counties",
    "load_opps_caps",
    "locality_id",
    "parse_locality",
]

_MAC = re.compile(r"[0-9]{4,5}").fullmatch
_LOCALITY = re.compile(r"[0-9]{1,2}").fullmatch
_NUMBER = re.compile(r"[0-9]*\.?[0-9]+").fullmatch
_CODE = re.compile(r"[0-9]{4}[0-9AFMTU]|[A-Z][0-9]{4}").fullmatch
_MODIFIER = re.compile(r"[0-9A-Z]{2}").fullmatch
_ID = re.compile(r"\s*([0-9]{4,5})\s*-\s*([0-9]{1,2})\s*").fullmatch


def locality_id(mac: str, locality: str) -> str:
    """The ``MAC-LL`` name of a locality, padded as CMS's GPCI file writes it.

    >>> locality_id("2102", "1"), locality_id("01112", "05")
    ('02102-01', '01112-05')
    """
    return f"{mac.strip().zfill(5)}-{locality.strip().zfill(2)}"


def parse_locality(text: str) -> str | None:
    """``text`` as a ``MAC-LL`` locality name (padded), or ``None`` if it is not one.

    >>> parse_locality(" 1112-5 "), parse_locality("CA")
    ('01112-05', None)
    """
    found = _ID(text) if isinstance(text, str) else None
    return None if found is None else locality_id(found.group(1), found.group(2))


@attrs.frozen(kw_only=True)
class LocalityGpci:
    """One locality's geographic practice cost indices (GPCI file): ``work`` (with the floors
    the law sets, e.g. 1.0, and 1.5 in Alaska), ``pe`` (practice expense) and ``mp``
    (malpractice); ``None`` where the file's value could not be read (the load warned).

    >>> LocalityGpci(id="10112-00", mac="10112", locality="00", state="AL", name="ALABAMA",
    ...              work=Decimal("1"), pe=Decimal("0.869"), mp=Decimal("0.575")).pe
    Decimal('0.869')
    """

    id: str
    mac: str
    locality: str
    state: str
    name: str
    work: Decimal | None
    pe: Decimal | None
    mp: Decimal | None


@attrs.frozen(kw_only=True)
class LocalityCounties:
    """The counties in one locality (the xxLOCCO crosswalk), as CMS writes them.

    >>> LocalityCounties(id="10112-00", mac="10112", locality="00", state="ALABAMA",
    ...                  area="STATEWIDE", counties="ALL COUNTIES").area
    'STATEWIDE'
    """

    id: str
    mac: str
    locality: str
    state: str
    area: str
    counties: str


@attrs.frozen(kw_only=True)
class AnesthesiaFactor:
    """One locality's anesthesia conversion factor in dollars per unit (ANES file).

    >>> AnesthesiaFactor(id="10112-00", mac="10112", locality="00", name="ALABAMA",
    ...                  conversion_factor=Decimal("19.31")).conversion_factor
    Decimal('19.31')
    """

    id: str
    mac: str
    locality: str
    name: str
    conversion_factor: Decimal | None


@attrs.frozen(kw_only=True)
class OppsCapAmount:
    """One row of the OPPSCAP file: the payment amounts of a code (and modifier) in one
    locality after the OPPS cap (for contractor-priced codes, status C, the caps themselves).

    >>> OppsCapAmount(code="70496", modifier="", status="A", locality="10112-00",
    ...               facility=Decimal("101.01"), non_facility=Decimal("101.01")).status
    'A'
    """

    code: str
    modifier: str
    status: str
    locality: str
    facility: Decimal | None
    non_facility: Decimal | None


K = TypeVar("K")
R = TypeVar("R")


def _frozen(mapping: Mapping[K, R]) -> Mapping[K, R]:
    from types import MappingProxyType

    return MappingProxyType(dict(mapping))


@attrs.frozen(kw_only=True)
class LocalityTable(Mapping[K, R], Generic[K, R]):
    """One loaded locality file: an immutable mapping of its records by key (a ``MAC-LL``
    locality, or for OPPSCAP a ``(code, modifier, locality)`` triple), with the file's
    ``source``, ``release`` (``CMS GPCI 2025``), ``year`` and ``as_of`` (January 1 of the year,
    or ``None`` if no year was found), and the ``warnings`` of the load (``warning_count``
    counts them; the list stops at 50).

    >>> t = LocalityTable(source="x", release="r", year=None, as_of=None, records={"a": 1})
    >>> t["a"], len(t), list(t)
    (1, 1, ['a'])
    """

    source: str
    release: str
    year: int | None
    as_of: date | None
    records: Mapping[K, R] = attrs.field(converter=_frozen)
    warnings: tuple[str, ...] = ()
    warning_count: int = 0

    def __getitem__(self, key: K) -> R:
        return self.records[key]

    def __reduce__(self) -> tuple[Any, ...]:
        # the records are a read-only view, which pickle cannot copy: rebuild from a dict
        fields = {a.name: getattr(self, a.name) for a in attrs.fields(type(self))}
        fields["records"] = dict(self.records)
        return (_rebuild_table, (fields,))

    def __iter__(self) -> Iterator[K]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def _rebuild_table(fields: dict[str, Any]) -> LocalityTable[Any, Any]:
    return LocalityTable(**fields)


# -- reading -----------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


class _Reader:
    """The rows of one locality CSV below its header, the columns found by their names."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        what: str,
        member: re.Pattern[str],
        columns: Mapping[str, Callable[[str], bool]],
        max_bytes: int | None,
        strict: bool,
    ) -> None:
        if not isinstance(strict, bool):
            raise ArgumentTypeError(f"strict must be True or False, not {type(strict).__name__}")
        found = read_input(
            path,
            what=what,
            pick=lambda name, _head: member.search(os.path.basename(name)) is not None,
            max_bytes=max_bytes,
        )
        self.source = found.source
        self.names = (found.name, os.path.basename(os.fspath(path)))
        self.findings = Findings(found.source, strict=strict)
        data = found.data[3:] if found.data.startswith(b"\xef\xbb\xbf") else found.data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        # a DOS end-of-file mark (Ctrl-Z) starts the last row of some files: not data
        self.lines = text.replace("\x1a", "").splitlines()
        self.title = " ".join(self.lines[:2])
        self.header_line = 0
        self.columns: dict[str, int] = {}
        for number, cells in enumerate(csv.reader(self.lines[:40]), 1):
            names = [_norm(c) for c in cells]
            spots: dict[str, int] = {}
            for key, test in columns.items():
                at = next((i for i, n in enumerate(names) if n and test(n)), None)
                if at is not None:
                    spots[key] = at
            if len(spots) == len(columns):
                self.header_line, self.columns = number, spots
                break
        if not self.header_line:
            self.findings.error(
                1,
                f"no line of the first 40 is the column header of {what} "
                f"(columns {', '.join(columns)}); CMS's TXT copies have none: read the CSV",
            )
            self.findings.raise_if_errors()

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        width = max(self.columns.values()) + 1
        rows = csv.reader(self.lines[self.header_line :])
        for number, cells in enumerate(rows, self.header_line + 1):
            if not any(c.strip() for c in cells):
                continue
            yield (
                number,
                {k: (cells[i].strip() if i < len(cells) else "") for k, i in self.columns.items()}
                | {"": "" if len(cells) >= width else "short"},
            )

    def year(self, name: re.Pattern[str]) -> int | None:
        for text in self.names:
            found = name.search(os.path.basename(text).upper())
            if found is not None:
                digits = found.group(1)
                return int(digits) if len(digits) == 4 else 2000 + int(digits)
        zipped = re.search(r"RVU([0-9]{2})[A-D]", self.source.upper())
        if zipped is not None:
            return 2000 + int(zipped.group(1))
        titled = re.search(r"\b(20[0-9]{2})\b", self.title)
        return int(titled.group(1)) if titled is not None else None

    def number(self, line: int, field: str, text: str) -> Decimal | None:
        if not text:
            return None
        if _NUMBER(text) is None:
            self.findings.warn(line, field, text, "not a number")
            return None
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            self.findings.warn(line, field, text, "not a number")
            return None

    def key(self, line: int, row: dict[str, str]) -> str | None:
        """The row's ``MAC-LL``, or ``None`` for a row that is not a record (a footnote)."""
        mac, loc = row["mac"], row["locality"]
        if _MAC(mac) is None:
            if mac and mac[0].isdigit():
                self.findings.error(line, f"MAC: not a MAC number (found {mac[:20]!r})")
            return None
        if _LOCALITY(loc) is None:
            self.findings.error(line, f"locality: not a locality number (found {loc[:20]!r})")
            return None
        if row[""]:
            self.findings.error(line, "the row has fewer cells than the header")
            return None
        return locality_id(mac, loc)

    def table(self, kind: str, year: int | None, records: Mapping[K, R]) -> LocalityTable[K, R]:
        self.findings.raise_if_errors()
        return LocalityTable(
            source=self.source,
            release=f"CMS {kind} {year}" if year else f"CMS {kind} (year not stated)",
            year=year,
            as_of=date(year, 1, 1) if year else None,
            records=records,
            warnings=self.findings.warnings,
            warning_count=self.findings.warning_count,
        )


def _has(*words: str) -> Callable[[str], bool]:
    return lambda name: all(w in name for w in words)


def _is(*names: str) -> Callable[[str], bool]:
    return lambda name: name in names


def _duplicate(reader: _Reader, line: int, key: object, seen: dict[object, int]) -> bool:
    if key in seen:
        reader.findings.error(line, f"a second row for {key} (the first is line {seen[key]})")
        return True
    seen[key] = line
    return False


def load_gpci(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, strict: bool = False
) -> LocalityTable[str, LocalityGpci]:
    """The GPCIs of every locality, by ``MAC-LL``: the GPCI CSV, or the release zip.

    >>> load_gpci("tests/data/GPCI2025_excerpt.csv")["01112-05"].pe
    Decimal('1.419')
    """
    reader = _Reader(
        path,
        what="the CMS GPCI file (GPCI20xx.csv)",
        member=re.compile(r"^GPCI[0-9]{4}.*\.CSV$", re.IGNORECASE),
        columns={
            "mac": _has("ADMINISTRATIVECONTRACTOR"),
            "state": _is("STATE"),
            "locality": _has("LOCALITYNUMBER"),
            "name": _has("LOCALITYNAME"),
            "work": _has("PWGPCI"),
            "pe": _has("PEGPCI"),
            "mp": _has("MPGPCI"),
        },
        max_bytes=max_bytes,
        strict=strict,
    )
    records: dict[str, LocalityGpci] = {}
    seen: dict[object, int] = {}
    for line, row in reader.rows():
        key = reader.key(line, row)
        if key is None or _duplicate(reader, line, key, seen):
            continue
        records[key] = LocalityGpci(
            id=key,
            mac=key[:5],
            locality=key[6:],
            state=row["state"],
            name=row["name"],
            work=reader.number(line, "PW GPCI", row["work"]),
            pe=reader.number(line, "PE GPCI", row["pe"]),
            mp=reader.number(line, "MP GPCI", row["mp"]),
        )
    year = reader.year(re.compile(r"GPCI(20[0-9]{2})"))
    return reader.table("GPCI", year, records)


def load_locality_counties(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, strict: bool = False
) -> LocalityTable[str, LocalityCounties]:
    """The counties of every locality, by ``MAC-LL``: the xxLOCCO CSV, or the release zip.

    >>> t = load_locality_counties("tests/data/25LOCCO_excerpt.csv")
    >>> t["01112-05"].counties, t.release
    ('SAN FRANCISCO/ALAMEDA/CONTRA COSTA/SAN MATEO', 'CMS LOCCO 2025')
    """
    reader = _Reader(
        path,
        what="the CMS locality-county file (xxLOCCO.csv)",
        member=re.compile(r"^[0-9]{2}LOCCO.*\.CSV$", re.IGNORECASE),
        columns={
            "mac": _has("CONTRACTOR"),
            "locality": _has("LOCALITYNUMBER"),
            "state": _is("STATE"),
            "area": _has("FEESCHEDULEAREA"),
            "counties": _is("COUNTIES"),
        },
        max_bytes=max_bytes,
        strict=strict,
    )
    records: dict[str, LocalityCounties] = {}
    seen: dict[object, int] = {}
    state = ""
    for line, row in reader.rows():
        key = reader.key(line, row)
        if key is None:
            continue
        state = row["state"] or state
        if key in records:
            # CMS lists a locality served by two carriers twice ("REST OF STATE*"): the same
            # row again is no news; a different one is reported and the first kept
            first = records[key]
            if (_squash(first.area), _squash(first.counties)) != (
                _squash(row["area"]),
                _squash(row["counties"]),
            ):
                reader.findings.warn(
                    line, "Counties", row["counties"], f"{key} listed again (line {seen[key]} kept)"
                )
            continue
        seen[key] = line
        records[key] = LocalityCounties(
            id=key,
            mac=key[:5],
            locality=key[6:],
            state=state,
            area=row["area"],
            counties=row["counties"],
        )
    year = reader.year(re.compile(r"^([0-9]{2})LOCCO"))
    return reader.table("LOCCO", year, records)


def _squash(text: str) -> str:
    return " ".join(text.split()).rstrip("*").strip()


def load_anesthesia_factors(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, strict: bool = False
) -> LocalityTable[str, AnesthesiaFactor]:
    """The anesthesia conversion factor of every locality, by ``MAC-LL``: the ANES CSV, or the
    release zip.

    >>> load_anesthesia_factors("tests/data/ANES2025_excerpt.csv")["10112-00"].conversion_factor
    Decimal('19.31')
    """
    reader = _Reader(
        path,
        what="the CMS anesthesia conversion factor file (ANES20xx.csv)",
        member=re.compile(r"^ANES[0-9]{4}.*\.CSV$", re.IGNORECASE),
        columns={
            "mac": _is("CONTRACTOR"),
            "locality": _is("LOCALITY"),
            "name": _is("LOCALITYNAME"),
            "factor": lambda n: "ANES" in n and ("CF" in n or "CONVERSIONFACTOR" in n),
        },
        max_bytes=max_bytes,
        strict=strict,
    )
    records: dict[str, AnesthesiaFactor] = {}
    seen: dict[object, int] = {}
    for line, row in reader.rows():
        key = reader.key(line, row)
        if key is None or _duplicate(reader, line, key, seen):
            continue
        records[key] = AnesthesiaFactor(
            id=key,
            mac=key[:5],
            locality=key[6:],
            name=row["name"],
            conversion_factor=reader.number(line, "anesthesia conversion factor", row["factor"]),
        )
    year = reader.year(re.compile(r"ANES(20[0-9]{2})"))
    return reader.table("ANES", year, records)


def load_opps_caps(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, strict: bool = False
) -> LocalityTable[tuple[str, str, str], OppsCapAmount]:
    """The OPPSCAP file: by ``(code, modifier, MAC-LL)``, the amounts after the OPPS cap.

    >>> caps = load_opps_caps("tests/data/OPPSCAP_excerpt.csv")
    >>> caps[("70496", "", "10112-00")].non_facility
    Decimal('230.40')
    """
    reader = _Reader(
        path,
        what="the CMS OPPS payment cap file (OPPSCAP)",
        member=re.compile(r"^OPPSCAP.*\.CSV$", re.IGNORECASE),
        columns={
            "code": _is("HCPCS"),
            "modifier": _is("MOD"),
            "status": _is("PROCSTAT"),
            "mac": _is("CARRIER"),
            "locality": _is("LOCALITY"),
            "facility": _is("FACILITYPRICE"),
            "non_facility": _has("NONFACI", "PRICE"),
        },
        max_bytes=max_bytes,
        strict=strict,
    )
    records: dict[tuple[str, str, str], OppsCapAmount] = {}
    seen: dict[object, int] = {}
    for line, row in reader.rows():
        code, modifier = row["code"].upper(), row["modifier"].upper()
        if not code and not row["mac"]:
            continue
        if _CODE(code) is None:
            reader.findings.error(line, f"HCPCS: not a code (found {code[:20]!r})")
            continue
        if modifier and _MODIFIER(modifier) is None:
            reader.findings.error(line, f"MOD: not a modifier (found {modifier[:20]!r})")
            continue
        before = reader.findings.count
        where = reader.key(line, row)
        if where is None:
            if reader.findings.count == before:
                reader.findings.error(line, f"CARRIER: not a MAC number (found {row['mac']!r})")
            continue
        key = (code, modifier, where)
        if _duplicate(reader, line, key, seen):
            continue
        records[key] = OppsCapAmount(
            code=code,
            modifier=modifier,
            status=row["status"],
            locality=where,
            facility=reader.number(line, "FACILITY PRICE", row["facility"]),
            non_facility=reader.number(line, "NON-FACILTY PRICE", row["non_facility"]),
        )
    year = reader.year(re.compile(r"OPPSCAP_?(20[0-9]{2})"))
    return reader.table("OPPSCAP", year, records)

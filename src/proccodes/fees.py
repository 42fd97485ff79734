"""What Medicare pays: the Physician Fee Schedule (PFS) allowed amount of a code in a locality.

The formula is the one the PFS release PDF states (``RVU25A.pdf``, "The formula for 2025
physician fee schedule payment amount"):

    amount = [(work RVU x work GPCI) + (PE RVU x PE GPCI) + (MP RVU x MP GPCI)] x CF

with the facility PE RVU where the place of service (POS) is a facility
([`FACILITY_POS`][proccodes.fees.FACILITY_POS])
and the non-facility PE RVU elsewhere. Then, in this order:

1. **OPPS cap** (Deficit Reduction Act 2005 §5102(b); release PDF): for a code whose PPRRVU row
   gives PE and MP RVUs "used for OPPS payment amount", the OPPS amount is the same formula with
   those RVUs, and the fee schedule amount is the lower of the two, in either setting. Each
   amount is rounded to cents first: this reproduces every one of the 12,644 status-A amounts of
   CMS's OPPSCAP_JAN file of January 2025 to the cent (tests/test_fees.py).
2. **Modifiers** (release PDF field definitions; IOM 100-04 ch. 12): 26/TC and 53 take the
   file's own row for the modifier; 50 by the bilateral indicator (1: 150 %; 2 and 0: 100 %;
   3: 100 % each side, 200 %); the multiple-procedure ranking by the indicator (2 and 3:
   100 % for the highest, 50 % for the 2nd to 5th, then by report; 1: 100, 50, 25, 25, 25 %);
   62 co-surgeon 62.5 % where the indicator is 1 or 2; 80, 81, 82 assistant at surgery 16 %
   and AS (a non-physician assistant) 85 % of that, 13.6 %, where the indicator is 0 or 2;
   66 team surgery is priced by report (an error says so). The bilateral adjustment comes
   before the multiple-procedure one (release PDF, bilateral indicator 1).
3. **Units**: the amount times the units.

The fee schedule amount is rounded to cents (half up) as the OPPSCAP file shows it; the
percentages of step 2 and the units are applied together and the result is rounded to cents
once, half up. A contractor that rounds after each percentage can differ by a cent.

**Endoscopic families** (multiple procedure indicator 3; release PDF, and IOM 100-04 ch. 12
§40.6.2): [`price_claim`][proccodes.fees.price_claim] groups a day's indicator-3 lines by
their ENDO BASE code (with the lines of the base code itself); within a family of two or more
lines the highest-valued endoscopy is paid in full, each other one its amount less the base
code's fee schedule amount (never below zero), and the base code is not paid separately. The
family then counts as one procedure, at its total, in the day's ranking (100 %, then 50 %); an
indicator-3 line alone in its family is ranked as any other procedure. A single line priced by
[`price`][proccodes.fees.price] with a ``rank`` is ranked as indicator 2 and says so.

**Technical component reductions** (release PDF, indicators 4, 6 and 7):
[`price_claim`][proccodes.fees.price_claim] ranks the day's TC lines of one indicator (for 4,
of one imaging family, not 99) by their TC fee schedule amount and pays each after the highest
at 50 % (4, imaging), 75 % (6, cardiovascular) or 80 % (7, ophthalmology). The lines of one
claim, day, provider, locality and POS are taken as one session.

Not applied, and said so in `Fee.notes`: those reductions on global and professional (26)
lines (the release text states them for the TC only; the 5 % PC reduction of indicator 4 does
not say of which procedures), the therapy PE reduction of indicator 5, the anesthesia payment
modifiers (medical direction), the limiting charge and the non-participating reduction,
geographic adjustments outside the GPCIs (e.g. HPSA bonuses).

**Anesthesia** (status J): ``(base units + time units) x the locality's anesthesia conversion
factor`` (ANES file). CMS's base-unit file is not shipped: give ``base_units`` and
``time_units`` (anesthesia minutes divided by 15, as the contractor counts them).

**Data**: ``pfs=None`` uses the shipped catalog's PFS facts (release RVU25D, October 2025) with
the shipped 2025 GPCIs, localities and anesthesia factors of RVU25A (January 2025: CMS ships
GPCIs in the January release and uses them all year). ``pfs="RVU22A.zip"`` (a release zip)
uses that release's PPRRVU, GPCI and ANES files;
[`load_fee_data`][proccodes.fees.load_fee_data] loads one for reuse.

>>> fee = price("99214", locality="10112-00", pos="11")
>>> fee.allowed
Decimal('115.49')
>>> print(fee.arithmetic())  # doctest: +NORMALIZE_WHITESPACE
99214 in 10112-00 ALABAMA, POS 11 (non-facility)
  PFS CMS PFS RVU25D (October 2025); GPCI CMS GPCI 2025
  work  1.92 RVU x 1 GPCI     = 1.92
  PE    1.80 RVU x 0.869 GPCI = 1.5642
  MP    0.15 RVU x 0.575 GPCI = 0.08625
  sum 3.57045 x CF 32.3465 = 115.49 (rounded to cents)
  fee schedule amount 115.49
  allowed 115.49
"""

from __future__ import annotations

import numbers
import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs

from .errors import ArgumentTypeError, ProcCodesError
from .records import (
    AssistantSurgery,
    Bilateral,
    CoSurgeons,
    MultipleProcedure,
    PcTc,
    PfsFacts,
    PfsStatus,
    TeamSurgeons,
)
from .sources.localities import (
    AnesthesiaFactor,
    LocalityCounties,
    LocalityGpci,
    LocalityTable,
    load_anesthesia_factors,
    load_gpci,
    load_locality_counties,
    parse_locality,
)

if TYPE_CHECKING:
    from .sources.pfs import FeeSchedule

__all__ = [
    "FACILITY_POS",
    "Adjustment",
    "Fee",
    "FeeData",
    "FeeError",
    "default_fee_data",
    "is_facility",
    "load_fee_data",
    "price",
    "price_claim",
    "price_frame",
]

FACILITY_POS = frozenset(
    {"02", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56", "61"}
)
"""The places of service paid at the facility rate: IOM 100-04 ch. 12 §20.4.2 (site of service
payment differential) lists 19 and 22 (outpatient hospital), 21 inpatient hospital, 23 emergency
room, 24 ambulatory surgical center, 26 military treatment facility, 31 skilled nursing facility
(Part A), 34 hospice, 41 and 42 ambulance, 51 inpatient psychiatric facility, 52 psychiatric
partial hospitalization, 53 community mental health center, 56 psychiatric residential treatment
center, 61 comprehensive inpatient rehabilitation facility. Telehealth, from CY 2024 (CY 2024 PFS
final rule, Federal Register document 2023-24184; CMS Transmittal 12671 of 2024, as a June
2024 compliance news brief quotes it, the transmittal itself not being available here: "The payment
rate for POS 02 is the facility payment rate (F); the payment rate for POS 10 is the
non-facility rate (NF). Use of audio-only (93) or audio-video (95) does not change rate of
payment"): 02 (telehealth other than in the patient's home) is a facility place, 10
(telehealth in the patient's home) is not. Every other POS (11 office, 12 home, ...) takes the
non-facility rate. Before 2024 the telehealth rules differed (a price with an earlier release
says so in its notes)."""

_TELEHEALTH_POS = frozenset({"02", "10"})
_CENT = Decimal("0.01")
_MODIFIER = re.compile(r"[0-9A-Z]{2}").fullmatch
_POS = re.compile(r"[0-9]{1,2}").fullmatch
_ROLE = ("62", "66", "80", "81", "82", "AS")


class FeeError(ProcCodesError, ValueError):
    """A line Medicare's fee schedule does not price as asked: an unknown code or locality, a
    status paid outside the PFS (the message says where), a modifier the PFS does not allow for
    the code, or a service priced by report.

    >>> raise FeeError("code 99999 is not in the PFS")
    Traceback (most recent call last):
    ...
    proccodes.fees.FeeError: code 99999 is not in the PFS
    """


def is_facility(pos: str | int) -> bool:
    """Whether the place of service takes the facility rate
    ([`FACILITY_POS`][proccodes.fees.FACILITY_POS]).

    >>> is_facility("11"), is_facility(22), is_facility("2")
    (False, True, True)
    """
    return _pos(pos) in FACILITY_POS


def _pos(pos: object) -> str:
    ok = isinstance(pos, str | numbers.Integral) and not isinstance(pos, bool)
    text = str(pos).strip() if ok else ""
    if _POS(text) is None:
        raise FeeError(f"place of service {pos!r} is not a two-digit POS code (11 is an office)")
    return text.zfill(2)


def _dec(value: float | None, places: int = 2) -> Decimal:
    """A PFS number (a float read from text of ``places`` decimals) as the decimal the file
    wrote: RVUs have two decimals, the conversion factor four."""
    number = Decimal(repr(value)) if value is not None else Decimal(0)
    return number.quantize(Decimal(1).scaleb(-places))


def _plain(value: Decimal) -> str:
    """A product without trailing zeros: ``1.5642``, not ``1.56420``."""
    return format(value.normalize(), "f")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@attrs.frozen(kw_only=True)
class Adjustment:
    """One percentage applied to the fee schedule amount: the ``modifier`` (or ``rank``) that
    calls for it, the ``rate`` (1.5 is 150 %) and the ``reason`` (the PFS indicator).

    >>> Adjustment(modifier="50", rate=Decimal("1.5"), reason="bilateral indicator 1").rate
    Decimal('1.5')
    """

    modifier: str
    rate: Decimal
    reason: str


@attrs.frozen(kw_only=True)
class Fee:
    """Medicare's allowed amount for one line, with every factor of its arithmetic.

    RVUs, GPCIs and the conversion factor are as the files give them (``None`` for an
    anesthesia line, which has ``base_units``, ``time_units`` and ``anesthesia_cf`` instead);
    ``pfs_amount`` and ``opps_amount`` are rounded to cents, ``fee_schedule_amount`` is the
    lower of them (the OPPS cap), ``adjustments`` the percentages applied, ``allowed`` the
    result. `arithmetic` prints it; `to_dict` gives it as JSON-ready values. A line priced
    with its day's endoscopic family ([`price_claim`][proccodes.fees.price_claim]) names the
    family's ``endoscopic_base`` and, where the base's fee schedule amount was subtracted,
    ``endoscopic_base_amount``.

    >>> price("64635", locality="01112-05", pos="11").allowed
    Decimal('552.01')
    """

    code: str
    modifiers: tuple[str, ...]
    locality: str
    locality_name: str
    pos: str
    facility: bool
    units: int
    pfs_release: str
    gpci_release: str
    status: str
    work_rvu: Decimal | None = None
    pe_rvu: Decimal | None = None
    mp_rvu: Decimal | None = None
    work_gpci: Decimal | None = None
    pe_gpci: Decimal | None = None
    mp_gpci: Decimal | None = None
    conversion_factor: Decimal | None = None
    pfs_amount: Decimal
    opps_pe_rvu: Decimal | None = None
    opps_mp_rvu: Decimal | None = None
    opps_amount: Decimal | None = None
    fee_schedule_amount: Decimal
    adjustments: tuple[Adjustment, ...] = ()
    allowed: Decimal
    base_units: Decimal | None = None
    time_units: Decimal | None = None
    anesthesia_cf: Decimal | None = None
    row_modifier: str = ""
    endoscopic_base: str = ""
    endoscopic_base_amount: Decimal | None = None
    notes: tuple[str, ...] = ()

    @property
    def setting(self) -> str:
        """``"facility"`` or ``"non-facility"``.

        >>> price("99214", locality="10112-00", pos="22").setting
        'facility'
        """
        return "facility" if self.facility else "non-facility"

    def arithmetic(self) -> str:
        """The calculation, one factor a line (the module's docstring shows a whole one).

        >>> price("99214", locality="10112-00", pos="22").arithmetic().splitlines()[-1]
        '  allowed 88.23'
        """
        mods = "-" + "-".join(self.modifiers) if self.modifiers else ""
        out = [
            f"{self.code}{mods} in {self.locality} {self.locality_name}, POS {self.pos} "
            f"({self.setting})",
            f"  PFS {self.pfs_release}; GPCI {self.gpci_release}",
        ]
        if self.row_modifier:
            out.append(f"  RVUs of the PFS row for modifier {self.row_modifier}")
        if self.anesthesia_cf is not None:
            units = (self.base_units or Decimal(0)) + (self.time_units or Decimal(0))
            out.append(
                f"  ({self.base_units} base units + {self.time_units} time units) x anesthesia "
                f"CF {self.anesthesia_cf} = {units * self.anesthesia_cf} = {self.pfs_amount} "
                "(rounded to cents)"
            )
        else:
            pe_label = "PE"
            parts = (
                ("work", self.work_rvu, self.work_gpci),
                (pe_label, self.pe_rvu, self.pe_gpci),
                ("MP", self.mp_rvu, self.mp_gpci),
            )
            total = Decimal(0)
            for name, rvu, gpci in parts:
                product = (rvu or Decimal(0)) * (gpci or Decimal(0))
                total += product
                out.append(f"  {name:<5} {rvu} RVU x {gpci} GPCI = {_plain(product)}")
            out.append(
                f"  sum {_plain(total)} x CF {self.conversion_factor} = {self.pfs_amount} "
                "(rounded to cents)"
            )
            if self.opps_amount is not None:
                out.append(
                    f"  OPPS cap: work {self.work_rvu} x {self.work_gpci} + OPPS PE "
                    f"{self.opps_pe_rvu} x {self.pe_gpci} + OPPS MP {self.opps_mp_rvu} x "
                    f"{self.mp_gpci}, x CF = {self.opps_amount}; the lower applies"
                )
        out.append(f"  fee schedule amount {self.fee_schedule_amount}")
        family = bool(self.endoscopic_base)
        ranking = [a for a in self.adjustments if family and a.reason.startswith("multiple-pro")]
        for a in self.adjustments:
            if a not in ranking:
                out.append(f"  x {_plain(a.rate * 100)} % ({a.modifier}: {a.reason})")
        if self.units != 1:
            out.append(f"  x {self.units} units")
        if family and self.code == self.endoscopic_base:
            out.append(f"  endoscopic base {self.code}: not paid separately (multiple endoscopy)")
        elif self.endoscopic_base_amount is not None:
            out.append(
                f"  - {self.endoscopic_base_amount} fee schedule amount of the endoscopic base "
                f"{self.endoscopic_base} (multiple endoscopy; not below 0)"
            )
        for a in ranking:
            out.append(f"  x {_plain(a.rate * 100)} % ({a.modifier}: {a.reason})")
        out.append(f"  allowed {self.allowed}")
        out.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """The fee as JSON-ready values (decimals as strings).

        >>> price("99214", locality="10112-00", pos="11").to_dict()["allowed"]
        '115.49'
        """

        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, tuple):
                return [plain(v) for v in value]
            if isinstance(value, Adjustment):
                return {"modifier": value.modifier, "rate": str(value.rate), "reason": value.reason}
            return value

        out = {k: plain(v) for k, v in attrs.asdict(self, recurse=False).items()}
        out["setting"] = self.setting
        return out


# -- data ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class FeeData:
    """One PFS release's pricing inputs: the PFS rows (a [`FeeSchedule`][proccodes.FeeSchedule] or
    the catalog), the GPCIs, anesthesia factors and counties of the matching year.

    >>> data = default_fee_data()
    >>> data.pfs_release, data.gpci.release
    ('CMS PFS RVU25D (October 2025)', 'CMS GPCI 2025')
    """

    pfs_release: str
    pfs_year: int | None
    schedule: Any = attrs.field(repr=False)  # FeeSchedule, or None for the default catalog
    gpci: LocalityTable[str, LocalityGpci]
    anesthesia: LocalityTable[str, AnesthesiaFactor] | None = None
    counties: LocalityTable[str, LocalityCounties] | None = None
    notes: tuple[str, ...] = ()

    def rows(self, code: str) -> tuple[PfsFacts | None, tuple[PfsFacts, ...]]:
        """The code's own PFS row and its 26/TC/53 rows.

        >>> own, mods = default_fee_data().rows("72148")
        >>> own.status, [m.modifier for m in mods]
        (<PfsStatus.ACTIVE: 'A'>, ['26', 'TC'])
        """
        if self.schedule is None:
            from .catalog import default_catalog

            record = default_catalog().get(code)
            if record is None:
                return None, ()
            return record.pfs, tuple(record.pfs_by_modifier)
        return self.schedule.get(code), tuple(self.schedule.modifier_rows(code))


_SHIPPED_LOCK = threading.Lock()
_SHIPPED: dict[str, tuple[object, FeeData]] = {}  # "default": (the catalog it was made for, data)


def _shipped_localities(
    year: int,
) -> tuple[
    LocalityTable[str, LocalityGpci],
    LocalityTable[str, AnesthesiaFactor],
    LocalityTable[str, LocalityCounties],
]:
    from importlib.resources import files

    name = f"localities-{year}.tsv"
    resource = files("proccodes") / "data" / "fees" / name
    if not resource.is_file():
        raise FeeError(f"no GPCIs of {year} are shipped; pass pfs= the RVU{year % 100:02d}A zip")
    text = resource.read_text(encoding="utf-8")
    gpci: dict[str, LocalityGpci] = {}
    anes: dict[str, AnesthesiaFactor] = {}
    counties: dict[str, LocalityCounties] = {}
    for line in text.splitlines()[2:]:
        key, state, name_, work, pe, mp, cf, area, where = line.split("\t")
        mac, loc = key.split("-")
        gpci[key] = LocalityGpci(
            id=key,
            mac=mac,
            locality=loc,
            state=state,
            name=name_,
            work=Decimal(work),
            pe=Decimal(pe),
            mp=Decimal(mp),
        )
        anes[key] = AnesthesiaFactor(
            id=key, mac=mac, locality=loc, name=name_, conversion_factor=Decimal(cf)
        )
        counties[key] = LocalityCounties(
            id=key, mac=mac, locality=loc, state=state, area=area, counties=where
        )
    source = f"proccodes/data/fees/{name} (from RVU{year % 100:02d}A.zip)"
    as_of = date(year, 1, 1)

    def table(kind: str, records: Mapping[str, Any]) -> Any:
        return LocalityTable(
            source=source, release=f"CMS {kind} {year}", year=year, as_of=as_of, records=records
        )

    return table("GPCI", gpci), table("ANES", anes), table("LOCCO", counties)


def default_fee_data() -> FeeData:
    """The shipped pricing inputs: the catalog's PFS facts (RVU25D, October 2025) and the 2025
    GPCIs, anesthesia factors and localities (RVU25A). Loaded once, thread-safely, per data
    release: after `use_data` the facts are the new release's.

    >>> default_fee_data() is default_fee_data()
    True
    """
    from .catalog import default_catalog

    catalog = default_catalog()  # the data release in use (use_data / PROCCODES_DATA)
    kept = _SHIPPED.get("default")
    if kept is not None and kept[0] is catalog:
        return kept[1]
    with _SHIPPED_LOCK:
        kept = _SHIPPED.get("default")
        if kept is not None and kept[0] is catalog:
            return kept[1]
        shipped = catalog["99214"].pfs  # every shipped release has its row
        release = shipped.release if shipped is not None else ""
        year = _year_of(release)
        gpci, anes, counties = _shipped_localities(year or 2025)
        found = FeeData(
            pfs_release=release,
            pfs_year=year,
            schedule=None,
            gpci=gpci,
            anesthesia=anes,
            counties=counties,
        )
        _SHIPPED["default"] = (catalog, found)
    return found


def _as_of(release: str) -> date | None:
    found = re.search(r"RVU([0-9]{2})([A-D])", release)
    if found is None:
        return None
    return date(2000 + int(found.group(1)), {"A": 1, "B": 4, "C": 7, "D": 10}[found.group(2)], 1)


def _year_of(release: str) -> int | None:
    found = re.search(r"RVU([0-9]{2})[A-D]", release)
    return 2000 + int(found.group(1)) if found else None


def load_fee_data(
    path: str | os.PathLike[str],
    *,
    gpci: str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
    strict: bool = False,
) -> FeeData:
    """A PFS release's pricing inputs from its zip (``RVU25A.zip``: PPRRVU, GPCI, ANES, LOCCO),
    or from a PPRRVU file with ``gpci=`` the zip (or GPCI CSV) of the same year. A release
    without GPCI files (the April, July and October zips) takes the GPCIs of ``gpci=``, else the
    shipped ones of its year: CMS publishes GPCIs in the January release for the whole year.

    >>> data = load_fee_data("tests/data/pfs_excerpt.csv")
    >>> data.pfs_release, data.gpci.release
    ('CMS PFS RVU25D (October 2025)', 'CMS GPCI 2025')
    """
    from .errors import DataError
    from .sources.pfs import load_pfs

    schedule = load_pfs(path, strict=strict)
    year = schedule.as_of.year if schedule.as_of else _year_of(schedule.release)
    source = gpci if gpci is not None else path
    notes: list[str] = []
    try:
        gpcis = load_gpci(source, max_bytes=max_bytes, strict=strict)
    except DataError:
        if gpci is not None:
            raise
        if year is None:
            raise FeeError(f"{path}: no GPCI file, and the release's year is unknown") from None
        gpcis, anes_shipped, counties_shipped = _shipped_localities(year)
        notes.append(
            f"the release has no GPCI file: the shipped {gpcis.release} (January release) is used"
        )
        return FeeData(
            pfs_release=schedule.label,
            pfs_year=year,
            schedule=schedule,
            gpci=gpcis,
            anesthesia=anes_shipped,
            counties=counties_shipped,
            notes=tuple(notes),
        )
    anes = counties = None
    try:
        anes = load_anesthesia_factors(source, max_bytes=max_bytes, strict=strict)
    except DataError:
        notes.append("no anesthesia conversion factor file: anesthesia is not priced")
    with suppress(DataError):
        counties = load_locality_counties(source, max_bytes=max_bytes, strict=strict)
    if gpcis.year is not None and year is not None and gpcis.year != year:
        raise FeeError(
            f"{gpcis.source} is {gpcis.release}, the PFS release {schedule.label} is of {year}: "
            "give the GPCIs of the same year"
        )
    return FeeData(
        pfs_release=schedule.label,
        pfs_year=year,
        schedule=schedule,
        gpci=gpcis,
        anesthesia=anes,
        counties=counties,
        notes=tuple(notes),
    )


def _data(pfs: FeeData | FeeSchedule | str | os.PathLike[str] | None) -> FeeData:
    if pfs is None:
        return default_fee_data()
    if isinstance(pfs, FeeData):
        return pfs
    if isinstance(pfs, str | os.PathLike):
        return load_fee_data(pfs)
    from .sources.pfs import FeeSchedule

    if isinstance(pfs, FeeSchedule):
        year = pfs.as_of.year if pfs.as_of else _year_of(pfs.release)
        if year is None:
            raise FeeError(f"{pfs.label}: the release's year is unknown; use load_fee_data")
        gpci, anes, counties = _shipped_localities(year)
        return FeeData(
            pfs_release=pfs.label,
            pfs_year=year,
            schedule=pfs,
            gpci=gpci,
            anesthesia=anes,
            counties=counties,
        )
    raise ArgumentTypeError(
        f"pfs must be None, a FeeData, a FeeSchedule or a path, not {type(pfs).__name__}"
    )


# -- the rules ---------------------------------------------------------------------------------

_NOT_PFS = {
    PfsStatus.EXCLUDED: (
        "status E: excluded from the fee schedule by regulation; when covered, Medicare pays it "
        "outside the PFS (drugs from the ASP drug pricing files; otherwise by reasonable charge)"
    ),
    PfsStatus.STATUTORY_EXCLUSION: (
        "status X: by statute not a physician service; when covered, Medicare pays it under "
        "another fee schedule (e.g. ambulance, clinical laboratory)"
    ),
    PfsStatus.BUNDLED: "status B: always bundled into the payment for other services",
    PfsStatus.BUNDLED_OR_EXCLUDED: (
        "status P: no separate PFS payment (bundled when incident to a physician service, else "
        "paid under another provision, e.g. supplies)"
    ),
    PfsStatus.CARRIER_PRICED: "status C: the A/B MAC (contractor) prices it case by case",
    PfsStatus.RESTRICTED: "status R: restricted coverage; if covered, the contractor prices it",
    PfsStatus.NOT_COVERED: "status N: not covered by Medicare",
    PfsStatus.NOT_VALID: "status I: not valid for Medicare; Medicare uses another code",
    PfsStatus.NOT_VALID_GRACE: "status G: not valid for Medicare; Medicare uses another code",
    PfsStatus.MEASUREMENT: "status M: a measurement code, for reporting only",
    PfsStatus.DELETED: "status D: deleted",
    PfsStatus.DELETED_NO_GRACE: "status F: deleted",
    PfsStatus.DELETED_MODIFIER: "status H: this component was deleted",
}


@attrs.frozen
class _Plan:
    """How a (code, modifiers, rank) is priced, independent of locality and units."""

    row: PfsFacts
    status: str
    adjustments: tuple[Adjustment, ...]
    notes: tuple[str, ...]


def _modifiers(modifiers: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(modifiers, str):
        modifiers = re.split(r"[\s,;/-]+", modifiers)
    out: list[str] = []
    for m in modifiers:
        if not isinstance(m, str):
            raise FeeError(f"a modifier is two letters or digits, not {m!r}")
        text = m.strip().upper()
        if not text:
            continue
        if _MODIFIER(text) is None:
            raise FeeError(f"modifier {m[:20]!r} is not two letters or digits")
        if text not in out:
            out.append(text)
    return tuple(out)


def _plan(
    data: FeeData, code: str, modifiers: tuple[str, ...], rank: int | None, anesthesia: bool
) -> _Plan:
    own, rows = data.rows(code)
    if own is None and not rows:
        raise FeeError(f"code {code} is not in the PFS release {data.pfs_release}")
    by_mod = {r.modifier: r for r in rows}
    notes: list[str] = []
    mods = set(modifiers)
    if "26" in mods and "TC" in mods:
        raise FeeError(f"{code}: modifiers 26 and TC together are the global service: bill neither")
    row = own
    for m in ("26", "TC", "53"):
        if m in mods:
            if m in by_mod:
                row = by_mod[m]
            elif m == "53":
                raise FeeError(
                    f"{code}-53: the PFS gives no RVUs for a discontinued {code}; the contractor "
                    "prices modifier 53 (the PFS has 53 rows for a few colonoscopy codes only)"
                )
            else:
                pctc = own.pc_tc.value if own and own.pc_tc else "?"
                raise FeeError(
                    f"{code}-{m}: the PFS has no {m} row for {code} (PC/TC indicator {pctc}); "
                    "modifiers 26 and TC go on codes with indicator 1"
                )
    if row is None:
        raise FeeError(f"{code}: the PFS has only modifier rows; bill 26 or TC")
    status = row.status
    if status == PfsStatus.ANESTHESIA:
        if not anesthesia:
            raise FeeError(
                f"{code}: status J, an anesthesia service: give base_units and time_units "
                "(CMS's anesthesia base unit file; minutes / 15)"
            )
        other = sorted(mods)
        if other:
            notes.append(
                f"modifiers {', '.join(other)} not applied: anesthesia payment modifiers "
                "(medical direction) are outside this calculation"
            )
        return _Plan(row, status.value, (), tuple(notes))
    if anesthesia:
        raise FeeError(f"{code}: base_units and time_units are for anesthesia codes (status J)")
    if status not in (PfsStatus.ACTIVE, PfsStatus.INJECTION):
        text = _NOT_PFS.get(status, f"status {status.value if status else 'blank'}")  # type: ignore[arg-type]
        raise FeeError(f"{code}: not paid under the PFS: {text}")
    if status == PfsStatus.INJECTION:
        notes.append(
            "status T: paid only if no other PFS service is billed that day by the same provider"
        )
    if row.not_used_for_medicare_payment:
        raise FeeError(f"{code}: the PFS marks its RVUs as not used for Medicare payment")
    adjustments: list[Adjustment] = []
    if "50" in mods:
        b = row.bilateral
        if b == Bilateral.ADJUSTMENT_150:
            adjustments.append(
                Adjustment(
                    modifier="50", rate=Decimal("1.5"), reason="bilateral indicator 1: 150 %"
                )
            )
        elif b == Bilateral.EACH_SIDE_100:
            adjustments.append(
                Adjustment(
                    modifier="50", rate=Decimal(2), reason="bilateral indicator 3: each side 100 %"
                )
            )
        elif b == Bilateral.ALREADY_BILATERAL:
            notes.append(
                "modifier 50: bilateral indicator 2, the RVUs are already bilateral (100 %)"
            )
        elif b == Bilateral.NO_ADJUSTMENT:
            notes.append(
                "modifier 50: bilateral indicator 0, both sides together paid at most 100 %"
            )
        else:
            notes.append("modifier 50: bilateral indicator 9, the concept does not apply (100 %)")
    mp = row.multiple_procedure
    if rank is None and "51" in mods:
        rank = 2
        notes.append(
            "modifier 51 without a rank: priced as the second procedure (50 %); "
            "price_claim ranks a day's procedures by their amounts"
        )
    if rank is not None:
        if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
            raise FeeError(f"rank must be a whole number from 1, not {rank!r}")
        label = "51" if "51" in mods else f"rank {rank}"
        if mp in (MultipleProcedure.STANDARD, MultipleProcedure.ENDOSCOPIC):
            if mp == MultipleProcedure.ENDOSCOPIC:
                notes.append(
                    f"multiple-procedure indicator 3: ranked as indicator 2; the endoscopic "
                    f"family rule (base {row.endoscopic_base or 'none'}) needs the day's other "
                    "lines: price_claim applies it"
                )
            if rank > 5:
                raise FeeError(
                    f"{code}: the 6th and later procedures of a day are priced by report"
                )
            if rank > 1:
                adjustments.append(
                    Adjustment(
                        modifier=label,
                        rate=Decimal("0.5"),
                        reason=f"multiple-procedure indicator {mp.value}: procedure {rank} at 50 %",
                    )
                )
        elif mp == MultipleProcedure.STANDARD_BEFORE_1995:
            if rank > 5:
                raise FeeError(
                    f"{code}: the 6th and later procedures of a day are priced by report"
                )
            rate = {1: Decimal(1), 2: Decimal("0.5")}.get(rank, Decimal("0.25"))
            if rank > 1:
                adjustments.append(
                    Adjustment(
                        modifier=label,
                        rate=rate,
                        reason=f"multiple-procedure indicator 1: procedure {rank} at "
                        f"{rate * 100:g} %",
                    )
                )
        elif rank > 1:
            value = mp.value if mp else "blank"
            notes.append(
                f"multiple-procedure indicator {value}: the standard ranking does not apply"
                + (
                    "; its own reduction (imaging, therapy, cardiovascular or ophthalmology) is "
                    "not applied"
                    if mp
                    in (
                        MultipleProcedure.DIAGNOSTIC_IMAGING,
                        MultipleProcedure.THERAPY,
                        MultipleProcedure.CARDIOVASCULAR,
                        MultipleProcedure.OPHTHALMOLOGY,
                    )
                    else ""
                )
            )
    roles = [m for m in modifiers if m in _ROLE]
    if len(roles) > 1:
        raise FeeError(f"{code}: one surgeon-role modifier a line, not {', '.join(roles)}")
    if roles:
        role = roles[0]
        if role == "62":
            c = row.co_surgeons
            if c in (CoSurgeons.WITH_DOCUMENTATION, CoSurgeons.PERMITTED):
                adjustments.append(
                    Adjustment(
                        modifier="62",
                        rate=Decimal("0.625"),
                        reason=f"co-surgeons indicator {c.value}: 62.5 % to each surgeon",
                    )
                )
                if c == CoSurgeons.WITH_DOCUMENTATION:
                    notes.append(
                        "co-surgeons indicator 1: paid with documentation of the need for "
                        "two surgeons"
                    )
            else:
                raise FeeError(
                    f"{code}-62: co-surgeons indicator {c.value if c else 'blank'}: "
                    "co-surgeons are not paid for this code"
                )
        elif role == "66":
            t = row.team_surgeons
            if t in (TeamSurgeons.WITH_DOCUMENTATION, TeamSurgeons.PERMITTED):
                raise FeeError(
                    f"{code}-66: team surgery (indicator {t.value}) is priced by report "
                    "by the contractor"
                )
            raise FeeError(
                f"{code}-66: team surgeons indicator {t.value if t else 'blank'}: "
                "team surgery is not paid for this code"
            )
        else:
            a = row.assistant
            if a in (AssistantSurgery.PAID, AssistantSurgery.WITH_DOCUMENTATION):
                if role == "AS":
                    adjustments.append(
                        Adjustment(
                            modifier="AS",
                            rate=Decimal("0.136"),
                            reason=f"assistant indicator {a.value}: a non-physician assistant, "
                            "85 % of 16 %",
                        )
                    )
                else:
                    adjustments.append(
                        Adjustment(
                            modifier=role,
                            rate=Decimal("0.16"),
                            reason=f"assistant indicator {a.value}: assistant at surgery 16 %",
                        )
                    )
                if a == AssistantSurgery.WITH_DOCUMENTATION:
                    notes.append(
                        "assistant indicator 0: paid only with documentation of medical necessity"
                    )
            else:
                raise FeeError(
                    f"{code}-{role}: assistant-at-surgery indicator "
                    f"{a.value if a else 'blank'}: an assistant is not paid for this code"
                )
    if row.pc_tc == PcTc.INCIDENT_TO:
        notes.append("PC/TC indicator 5: not paid for hospital inpatients or outpatients")
    neutral = sorted(mods - {"26", "TC", "53", "50", "51", *_ROLE})
    if neutral:
        notes.append(f"modifiers {', '.join(neutral)} do not change the PFS amount")
    return _Plan(row, status.value, tuple(adjustments), tuple(notes))


def _locality(data: FeeData, locality: str) -> LocalityGpci:
    key = parse_locality(locality) if isinstance(locality, str) else None
    if key is None:
        raise FeeError(f"locality {locality!r} is not MAC-LL, e.g. 01112-05 or 10112-00")
    found = data.gpci.get(key)
    if found is None:
        raise FeeError(
            f"locality {key} is not in {data.gpci.release} ({len(data.gpci)} localities)"
            + _same_locality_hint(data, key)
        )
    if found.work is None or found.pe is None or found.mp is None:
        raise FeeError(f"locality {key}: {data.gpci.release} gives no readable GPCIs")
    return found


def _same_locality_hint(data: FeeData, key: str) -> str:
    """A hint for a locality under another MAC of the same state: CMS's OPPSCAP file lists the
    six Southern California localities (17, 18, 71-74) under both 01112 and 01182 with the
    same amounts, while the GPCI, ANES and LOCCO files list them under 01182 only."""
    mac, _, number = key.partition("-")
    states = {g.state for g in data.gpci.values() if g.mac == mac}
    near = [
        g.id for g in data.gpci.values() if g.locality == number and g.state in states and states
    ]
    return f": locality {number} of that state is {' or '.join(sorted(near))}" if near else ""


def price(
    code: str,
    *,
    locality: str,
    pos: str | int,
    modifiers: Iterable[str] | str = (),
    units: int = 1,
    rank: int | None = None,
    on: date | None = None,
    base_units: float | Decimal | str | None = None,
    time_units: float | Decimal | str | None = None,
    pfs: FeeData | FeeSchedule | str | os.PathLike[str] | None = None,
) -> Fee:
    """Medicare's allowed amount for one line: ``code`` with ``modifiers`` in ``locality``
    (``MAC-LL``) at place of service ``pos``; ``rank`` is the line's place in the day's
    multiple-procedure ranking (1 = highest; [`price_claim`][proccodes.fees.price_claim] ranks a claim), ``on`` the date
    of service (checked against the release's year), ``base_units`` and ``time_units`` price an
    anesthesia code. ``pfs``: see the module. Raises [`FeeError`][proccodes.fees.FeeError] for what the PFS does not
    price (the message says why, and where Medicare pays it from instead).

    >>> price("64635", locality="01112-05", pos="11", modifiers=["50"]).allowed
    Decimal('828.02')
    >>> price("J3301", locality="10112-00", pos="11")
    Traceback (most recent call last):
    ...
    proccodes.fees.FeeError: J3301: not paid under the PFS: status E: excluded from the fee schedule by regulation; when covered, Medicare pays it outside the PFS (drugs from the ASP drug pricing files; otherwise by reasonable charge)
    """  # noqa: E501
    data = _data(pfs)
    from .codes import normalize_code

    norm = normalize_code(code)
    mods = _modifiers(modifiers)
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise FeeError(f"units must be a whole number from 1, not {units!r}")
    place = _pos(pos)
    facility = place in FACILITY_POS
    where = _locality(data, locality)
    notes: list[str] = list(data.notes)
    if on is not None:
        if not isinstance(on, date):
            raise ArgumentTypeError(f"on must be a date, not {type(on).__name__}")
        if data.pfs_year is not None and on.year != data.pfs_year:
            raise FeeError(
                f"date of service {on.isoformat()} is outside {data.pfs_release} "
                f"(year {data.pfs_year}): price it with the release of {on.year}"
            )
        as_of = _as_of(data.pfs_release)
        if as_of is not None and on < as_of:
            notes.append(
                f"the date of service {on.isoformat()} is before {data.pfs_release} took "
                "effect: an earlier release of the year may state other RVUs"
            )
    if place in _TELEHEALTH_POS and data.pfs_year is not None and data.pfs_year < 2024:
        notes.append(
            f"POS {place} (telehealth) priced at the "
            f"{'facility' if facility else 'non-facility'} rate, CMS's rule from CY 2024; the "
            f"rate CMS paid for POS {place} in {data.pfs_year} is not verified here"
        )
    anesthesia = base_units is not None or time_units is not None
    plan = _plan(data, norm, mods, rank, anesthesia)
    notes.extend(plan.notes)
    common: dict[str, Any] = {
        "code": norm,
        "modifiers": mods,
        "locality": where.id,
        "locality_name": where.name,
        "pos": place,
        "facility": facility,
        "units": units,
        "pfs_release": data.pfs_release,
        "gpci_release": data.gpci.release,
        "status": plan.status,
        "row_modifier": plan.row.modifier,
    }
    if anesthesia:
        factor = data.anesthesia.get(where.id) if data.anesthesia is not None else None
        if factor is None or factor.conversion_factor is None:
            raise FeeError(f"no anesthesia conversion factor for locality {where.id}")
        base, time_ = _units(base_units, "base_units"), _units(time_units, "time_units")
        amount = _cents((base + time_) * factor.conversion_factor)
        return Fee(
            **common,
            pfs_amount=amount,
            fee_schedule_amount=amount,
            allowed=_cents(amount * units),
            base_units=base,
            time_units=time_,
            anesthesia_cf=factor.conversion_factor,
            notes=tuple(notes),
        )
    row = plan.row
    work, mp = _dec(row.work_rvu), _dec(row.malpractice_rvu)
    pe = _dec(row.facility_pe_rvu if facility else row.non_facility_pe_rvu)
    if row.facility_na if facility else row.non_facility_na:
        notes.append(
            f"the PFS marks the {'facility' if facility else 'non-facility'} PE RVU NA "
            "(rarely or never done there); its value is used"
        )
    cf = _dec(row.conversion_factor, 4)
    amount = _cents((work * where.work + pe * where.pe + mp * where.mp) * cf)  # type: ignore[operator]
    opps_pe_f = row.opps_facility_pe_rvu if facility else row.opps_non_facility_pe_rvu
    opps_amount = opps_pe = opps_mp = None
    if opps_pe_f or row.opps_malpractice_rvu:
        opps_pe, opps_mp = _dec(opps_pe_f), _dec(row.opps_malpractice_rvu)
        opps_amount = _cents((work * where.work + opps_pe * where.pe + opps_mp * where.mp) * cf)  # type: ignore[operator]
    schedule = min(amount, opps_amount) if opps_amount is not None else amount
    rate = Decimal(1)
    for a in plan.adjustments:
        rate *= a.rate
    return Fee(
        **common,
        work_rvu=work,
        pe_rvu=pe,
        mp_rvu=mp,
        work_gpci=where.work,
        pe_gpci=where.pe,
        mp_gpci=where.mp,
        conversion_factor=cf,
        pfs_amount=amount,
        opps_pe_rvu=opps_pe,
        opps_mp_rvu=opps_mp,
        opps_amount=opps_amount,
        fee_schedule_amount=schedule,
        adjustments=plan.adjustments,
        allowed=_cents(schedule * rate * units),
        notes=tuple(notes),
    )


def _units(value: object, name: str) -> Decimal:
    if value is None:
        raise FeeError(f"anesthesia needs {name}")
    try:
        number = Decimal(str(value).strip())
    except Exception:
        raise FeeError(f"{name} must be a number, not {value!r}") from None
    if not number.is_finite() or number < 0:
        raise FeeError(f"{name} must be a number from 0, not {value!r}")
    return number


def price_claim(
    lines: Sequence[Mapping[str, Any]],
    *,
    locality: str,
    pos: str | int,
    on: date | None = None,
    pfs: FeeData | FeeSchedule | str | os.PathLike[str] | None = None,
) -> tuple[Fee | FeeError, ...]:
    """Price one day's lines of one provider, ranking the procedures whose multiple-procedure
    indicator is 1, 2 or 3 by their allowed amount after the bilateral (and other modifier)
    adjustments, the bilateral one first as the release PDF says: the highest at 100 %, the
    others reduced. Endoscopies of one family (indicator 3, one ENDO BASE) are first priced by
    the multiple endoscopy rule and ranked as one procedure; technical components of
    indicators 4, 6 and 7 get their TC reductions (see the module). Each line is a mapping with
    ``code`` and optionally ``modifiers`` and ``units``; a line the PFS does not price is its
    [`FeeError`][proccodes.fees.FeeError], in its place.

    >>> fees = price_claim([{"code": "64635"}, {"code": "64493"}, {"code": "J3301"}],
    ...                    locality="10112-00", pos="11")
    >>> fees[0].allowed, fees[1].allowed, type(fees[2]).__name__
    (Decimal('376.73'), Decimal('77.23'), 'FeeError')
    >>> [str(f.allowed) for f in price_claim([{"code": c} for c in ("45378", "45380", "45385")],
    ...                                      locality="10112-00", pos="11")]
    ['0.00', '76.50', '392.39']
    """
    data = _data(pfs)

    def one(line: Mapping[str, Any], rank: int | None, drop_51: bool) -> Fee | FeeError:
        if not isinstance(line, Mapping) or "code" not in line:
            return FeeError(f"a claim line is a mapping with a code, not {line!r:.60}")
        try:
            mods = _modifiers(line.get("modifiers", ()))
            return price(
                line["code"],
                locality=locality,
                pos=pos,
                modifiers=[m for m in mods if m != "51"] if drop_51 else mods,
                units=line.get("units", 1),
                rank=rank,
                on=on,
                pfs=data,
            )
        except FeeError as exc:
            return exc

    first = [one(line, None, True) for line in lines]
    rows = {i: _row_of(data, fee) for i, fee in enumerate(first) if isinstance(fee, Fee)}
    ranked = [
        i
        for i, row in rows.items()
        if row is not None
        and row.multiple_procedure
        in (
            MultipleProcedure.STANDARD,
            MultipleProcedure.ENDOSCOPIC,
            MultipleProcedure.STANDARD_BEFORE_1995,
        )
    ]
    # endoscopic families (release PDF, indicator 3): the indicator-3 lines sharing an ENDO
    # BASE, with the lines of the base code itself; a family of one line is an unrelated
    # endoscopy, ranked as indicator 2
    members: dict[str, list[int]] = {}
    for i in ranked:
        row = rows[i]
        if (
            row is not None
            and row.multiple_procedure == MultipleProcedure.ENDOSCOPIC
            and row.endoscopic_base
        ):
            members.setdefault(row.endoscopic_base, []).append(i)
    for i in ranked:
        code = first[i].code  # type: ignore[union-attr]
        if code in members and i not in members[code]:
            members[code].append(i)
    families = {base: sorted(found) for base, found in members.items() if len(found) > 1}
    out: list[Fee | FeeError] = list(first)
    in_family: dict[int, str] = {}
    family_pay: dict[str, Decimal] = {}
    for base, found in families.items():
        paid = _endoscopic_family(data, base, found, first, locality, pos, on)
        family_pay[base] = sum(
            (f.allowed for f in (paid[i] for i in found) if isinstance(f, Fee)), Decimal(0)
        )
        for i in found:
            out[i] = paid[i]
            in_family[i] = base
    # the day's ranking: each family is one procedure at its total (the release PDF: the rule
    # applies to a family "before ranking the family with the other procedures")
    units: list[tuple[Decimal, int, str | None]] = []  # (amount, first line, family base)
    for base, found in families.items():
        units.append((family_pay[base], found[0], base))
    for i in ranked:
        if i not in in_family:
            units.append((first[i].allowed, i, None))  # type: ignore[union-attr]
    _component_reductions(out, rows)
    if len(units) < 2:
        return tuple(out)
    units.sort(key=lambda u: (-u[0], u[1]))
    for place, (_, i, family) in enumerate(units, 1):
        if family is None:
            fee = one(lines[i], place, False)
            out[i] = _unrelated_endoscopy(fee, rows[i]) if isinstance(fee, Fee) else fee
            continue
        for j in families[family]:
            out[j] = _family_rank(out[j], place, lines[j])
    return tuple(out)


_TC_REDUCTIONS = {
    MultipleProcedure.DIAGNOSTIC_IMAGING: (
        Decimal("0.5"),
        "diagnostic imaging in one family (indicator 4): the TC of each procedure after the "
        "highest at 50 %",
    ),
    MultipleProcedure.CARDIOVASCULAR: (
        Decimal("0.75"),
        "diagnostic cardiovascular (indicator 6): the TC of the second highest and later "
        "procedures reduced 25 %",
    ),
    MultipleProcedure.OPHTHALMOLOGY: (
        Decimal("0.8"),
        "diagnostic ophthalmology (indicator 7): the TC of the second highest and later "
        "procedures reduced 20 %",
    ),
}


def _component_reductions(out: list[Fee | FeeError], rows: Mapping[int, PfsFacts | None]) -> None:
    """The multiple-procedure reductions of indicators 4, 6 and 7 (release PDF) where they are
    stated for the line as billed: technical components (modifier TC) of the same indicator
    (and, for 4, the same imaging family, not 99) on the day, ranked by their TC fee schedule
    amount, the highest in full and each other at the stated rate. Global and professional
    lines of those indicators, and therapy (5), are paid in full, and a note says so when the
    day has another line of the same indicator."""
    groups: dict[tuple[MultipleProcedure, str], list[int]] = {}
    seen: dict[MultipleProcedure, list[int]] = {}
    for i, fee in enumerate(out):
        row = rows.get(i)
        if not isinstance(fee, Fee) or row is None or row.multiple_procedure is None:
            continue
        mp = row.multiple_procedure
        if mp not in _TC_REDUCTIONS and mp != MultipleProcedure.THERAPY:
            continue
        seen.setdefault(mp, []).append(i)
        if mp in _TC_REDUCTIONS and fee.row_modifier == "TC":
            family = row.imaging_family or "" if mp == MultipleProcedure.DIAGNOSTIC_IMAGING else ""
            if family != "99":
                groups.setdefault((mp, family), []).append(i)
    reduced: set[int] = set()
    for (mp, _), members in groups.items():
        if len(members) < 2:
            continue
        rate, reason = _TC_REDUCTIONS[mp]
        if any(out[i].units != 1 for i in members):  # type: ignore[union-attr]
            for i in members:
                out[i] = _noted(
                    out[i],  # type: ignore[arg-type]
                    f"multiple-procedure indicator {mp.value}: a technical component with "
                    "more than 1 unit on the day: the TC reduction is not applied",
                )
            continue
        order = sorted(members, key=lambda i: (-out[i].fee_schedule_amount, i))  # type: ignore[union-attr]
        for place, i in enumerate(order, 1):
            if place == 1:
                continue
            fee = out[i]
            assert isinstance(fee, Fee)
            step = Adjustment(modifier=f"rank {place}", rate=rate, reason=reason)
            out[i] = attrs.evolve(
                fee, adjustments=(*fee.adjustments, step), allowed=_cents(_gross(fee) * rate)
            )
            reduced.add(i)
    for mp, members in seen.items():
        if len(members) < 2:
            continue
        for i in members:
            fee = out[i]
            assert isinstance(fee, Fee)
            if i in reduced or (fee.row_modifier == "TC" and mp in _TC_REDUCTIONS):
                continue
            what = (
                "the therapy practice expense reduction"
                if mp == MultipleProcedure.THERAPY
                else "the reduction of the second and later procedures (stated for the TC; "
                "for a global or professional line the release text does not give it)"
            )
            out[i] = _noted(
                fee,
                f"multiple-procedure indicator {mp.value} with another such line on the day: "
                f"{what} is not applied",
            )


def _noted(fee: Fee, note: str) -> Fee:
    return attrs.evolve(fee, notes=(*fee.notes, note))


def _row_of(data: FeeData, fee: Fee) -> PfsFacts | None:
    own, rows = data.rows(fee.code)
    if fee.row_modifier:
        return next((r for r in rows if r.modifier == fee.row_modifier), own)
    return own


def _unrelated_endoscopy(fee: Fee, row: PfsFacts | None) -> Fee:
    """An indicator-3 line without another endoscopy of its family on the day: the release
    PDF's family rule does not apply, the line is ranked as any other (indicator 2)."""
    if row is None or row.multiple_procedure != MultipleProcedure.ENDOSCOPIC:
        return fee
    notes = tuple(
        f"multiple-procedure indicator 3: no other endoscopy of the family of base "
        f"{row.endoscopic_base or fee.code} on the day; ranked with the day's procedures "
        "(100 %, then 50 %)"
        if n.startswith("multiple-procedure indicator 3:")
        else n
        for n in fee.notes
    )
    return attrs.evolve(fee, notes=notes)


def _endoscopic_family(
    data: FeeData,
    base: str,
    found: Sequence[int],
    first: Sequence[Fee | FeeError],
    locality: str,
    pos: str | int,
    on: date | None,
) -> dict[int, Fee | FeeError]:
    """The multiple endoscopy rule within one family (IOM 100-04 ch. 12 §40.6.2; release PDF,
    multiple procedure indicator 3): the highest-valued endoscopy in full, each other one the
    difference between its amount and the base code's fee schedule amount (never below zero),
    the base code itself not paid separately."""
    fees = {i: first[i] for i in found}
    procedures = [i for i in found if fees[i].code != base]  # type: ignore[union-attr]
    if not procedures:
        return dict(fees)
    top = min(procedures, key=lambda i: (-fees[i].allowed, i))  # type: ignore[union-attr]
    out: dict[int, Fee | FeeError] = {}
    base_fee: Fee | FeeError | None = None
    for i in found:
        fee = fees[i]
        assert isinstance(fee, Fee)
        if fee.code == base:
            out[i] = attrs.evolve(
                fee,
                endoscopic_base=base,
                endoscopic_base_amount=fee.fee_schedule_amount,
                allowed=Decimal("0.00"),
                notes=(
                    *fee.notes,
                    f"multiple endoscopy: the base procedure {base} is not paid separately; "
                    f"its payment is included in that of {fees[top].code}",  # type: ignore[union-attr]
                ),
            )
        elif i == top:
            out[i] = attrs.evolve(
                fee,
                endoscopic_base=base,
                notes=(
                    *fee.notes,
                    f"multiple endoscopy: the highest-valued endoscopy of the family of base "
                    f"{base}, paid in full",
                ),
            )
        else:
            if base_fee is None:
                try:
                    base_fee = price(base, locality=locality, pos=pos, on=on, pfs=data)
                except FeeError as exc:
                    base_fee = exc
            if isinstance(base_fee, FeeError):
                out[i] = FeeError(
                    f"{fee.code}: the multiple endoscopy rule needs the fee schedule amount of "
                    f"its base {base}, which is not priced: {base_fee}"
                )
                continue
            subtracted = base_fee.fee_schedule_amount
            gross = _gross(fee)
            notes = [
                *fee.notes,
                f"multiple endoscopy: the amount less the fee schedule amount of the base "
                f"{base} ({subtracted}), the highest endoscopy of the family being paid in full",
            ]
            if gross < subtracted:
                notes.append(
                    f"multiple endoscopy: {fee.code} is valued below its base {base}: nothing "
                    "is paid for it"
                )
            if fee.adjustments or fee.units != 1:
                notes.append(
                    "multiple endoscopy: CMS's text does not say how modifier percentages or "
                    "units combine with the base subtraction; they are applied before it"
                )
            out[i] = attrs.evolve(
                fee,
                endoscopic_base=base,
                endoscopic_base_amount=subtracted,
                allowed=_cents(max(gross - subtracted, Decimal(0))),
                notes=tuple(notes),
            )
    return out


def _gross(fee: Fee) -> Decimal:
    """The fee schedule amount with the line's own percentages and units, not rounded."""
    rate = Decimal(1)
    for a in fee.adjustments:
        rate *= a.rate
    return fee.fee_schedule_amount * rate * fee.units


def _family_rank(fee: Fee | FeeError, place: int, line: Mapping[str, Any]) -> Fee | FeeError:
    """A family line ranked ``place`` among the day's procedures (the family as one
    procedure, as the release PDF ranks "the family"): 100 % first, 50 % for the 2nd to 5th, then by
    report (indicators 2 and 3)."""
    if not isinstance(fee, Fee) or place == 1 or fee.code == fee.endoscopic_base:
        return fee  # the base itself is not paid separately, whatever the family's place
    if place > 5:
        return FeeError(f"{fee.code}: the 6th and later procedures of a day are priced by report")
    label = "51" if "51" in _modifiers(line.get("modifiers", ())) else f"rank {place}"
    step = Adjustment(
        modifier=label,
        rate=Decimal("0.5"),
        reason=f"multiple-procedure: the endoscopic family of {fee.endoscopic_base} is "
        f"procedure {place} of the day, at 50 %",
    )
    if fee.endoscopic_base_amount is None:  # the family's highest: the usual percentages
        allowed = _cents(_gross(fee) * step.rate)
    else:
        allowed = _cents(max(_gross(fee) - fee.endoscopic_base_amount, Decimal(0)) * step.rate)
    return attrs.evolve(fee, adjustments=(*fee.adjustments, step), allowed=allowed)


# -- many lines at once -------------------------------------------------------------------------


def price_frame(
    frame: Any,
    *,
    code: str = "code",
    locality: str = "locality",
    pos: str = "pos",
    modifiers: str | None = "modifiers",
    units: str | None = "units",
    rank: str | None = None,
    pfs: FeeData | FeeSchedule | str | os.PathLike[str] | None = None,
) -> Any:
    """[`price`][proccodes.fees.price] for every row of a DataFrame, vectorised (needs pandas: the
    ``frames``
    extra). Returns a frame on the same index with ``fee_schedule_amount`` and ``allowed``
    (dollars, ``NaN`` where not priced), ``facility`` and ``fee_error`` (why a row is not
    priced, as a categorical; missing where it is priced). ``modifiers`` cells are text
    (``"50"``, ``"26,51"``) or blank; a named column that is ``None`` or absent counts as no
    modifiers, 1 unit, no rank. Every distinct (code, modifiers, rank, setting) is planned once
    by the rules of [`price`][proccodes.fees.price], every distinct plan and locality priced once,
    and the
    arithmetic is exact (whole cents, no floating point), so each row equals
    [`price`][proccodes.fees.price].

    >>> import pandas as pd
    >>> df = pd.DataFrame({"code": ["99214", "64635", "J3301"], "locality": "10112-00",
    ...                    "pos": ["11", "22", "11"], "modifiers": ["", "50", ""]})
    >>> out = price_frame(df)
    >>> out["allowed"].tolist()[:2], out["fee_error"].iloc[2][:35]
    ([115.49, 260.25], 'J3301: not paid under the PFS: stat')
    """
    from importlib import import_module

    try:
        pd, np = import_module("pandas"), import_module("numpy")
    except ImportError:
        raise ImportError("price_frame needs pandas: pip install 'proccodes[frames]'") from None
    data = _data(pfs)
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentTypeError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    for name in (code, locality, pos):
        if name not in frame:
            raise FeeError(f"the frame has no column {name!r} (columns: {list(frame.columns)})")
    n = len(frame)
    zeros = np.zeros(n, dtype=np.int64)
    code_ids, code_values = _factorize(pd, np, frame[code])
    pos_ids, pos_values = _factorize(pd, np, frame[pos])
    loc_ids, loc_values = _factorize(pd, np, frame[locality])
    if modifiers is not None and modifiers in frame:
        mod_ids, mod_values = _factorize(pd, np, frame[modifiers])
    else:
        mod_ids, mod_values = zeros, [""]
    if rank is not None and rank in frame:
        rank_ids, rank_values = _factorize(pd, np, frame[rank])
    else:
        rank_ids, rank_values = zeros, [None]
    if units is not None and units in frame:
        unit_column = frame[units].to_numpy(dtype=np.int64)
        low = int(unit_column.min()) if n else 0
        high = int(unit_column.max()) if n else 0
        if high - low < 4096:  # the usual few unit counts: their offsets are the ids
            unit_ids, unit_values = unit_column - low, np.arange(low, high + 1, dtype=np.int64)
        else:
            unit_ids, unit_values = _factorize(pd, np, unit_column)
            unit_values = np.asarray(unit_values, dtype=np.int64)
    else:
        unit_ids, unit_values = zeros, np.ones(1, dtype=np.int64)

    # one id per distinct row (code, modifiers, rank, POS, locality, units): everything after
    # this is per distinct row, then gathered back to the rows
    parts = [
        (code_ids, len(code_values)),
        (mod_ids, len(mod_values)),
        (rank_ids, len(rank_values)),
        (pos_ids, len(pos_values)),
        (loc_ids, len(loc_values)),
        (unit_ids, len(unit_values)),
    ]
    row_ids, distinct = _combine(pd, np, parts, n)
    c_d, m_d, r_d, p_d, l_d, u_d = distinct
    m = len(c_d)
    messages: dict[str, int] = {}  # each distinct reason a row is not priced, numbered

    def reason(exc: Exception) -> int:
        return messages.setdefault(str(exc), len(messages))

    # the reasons in price()'s order: units, place of service, locality, then the plan
    bad = np.full(m, -1, dtype=np.int64)
    uvals = unit_values[u_d]
    if (uvals < 1).any():
        for value in np.unique(uvals[uvals < 1]).tolist():
            text = f"units must be a whole number from 1, not {int(value)!r}"
            bad[uvals == value] = reason(FeeError(text))

    facility_of_pos = np.zeros(len(pos_values), dtype=np.int64)
    pos_bad = np.full(len(pos_values), -1, dtype=np.int64)
    for i, p in enumerate(pos_values):
        try:
            facility_of_pos[i] = _pos(p if isinstance(p, str | int) else str(p)) in FACILITY_POS
        except FeeError as exc:
            pos_bad[i] = reason(exc)
    bad = np.where(bad >= 0, bad, pos_bad[p_d])
    fac_d = facility_of_pos[p_d]

    # localities: GPCIs in thousandths (exact: CMS gives three decimals)
    nloc = len(loc_values)
    gw, gpe, gmp = (np.zeros(nloc, dtype=np.int64) for _ in range(3))
    loc_bad = np.full(nloc, -1, dtype=np.int64)
    for i, value in enumerate(loc_values):
        try:
            where = _locality(data, value)
            gw[i], gpe[i], gmp[i] = (_scaled(x, 3) for x in (where.work, where.pe, where.mp))  # type: ignore[arg-type]
        except FeeError as exc:
            loc_bad[i] = reason(exc)
    bad = np.where(bad >= 0, bad, loc_bad[l_d])

    # distinct (code, modifiers, rank, setting): one plan each
    nmod, nrank = len(mod_values), len(rank_values)
    plan_key = ((c_d * nmod + m_d) * nrank + r_d) * 2 + fac_d
    plan_ids, plan_values = pd.factorize(plan_key)
    k = len(plan_values)
    kw, kpe, kmp, kope, komp, kcf = (np.zeros(k, dtype=np.int64) for _ in range(6))
    kcapped = np.zeros(k, dtype=bool)
    num = np.zeros(k, dtype=np.int64)
    den = np.ones(k, dtype=np.int64)
    key_bad = np.full(k, -1, dtype=np.int64)
    for j, key in enumerate(plan_values.tolist()):
        fac, rest = bool(key % 2), key // 2
        r_id, rest = rest % nrank, rest // nrank
        m_id, c_id = rest % nmod, rest // nmod
        try:
            r = rank_values[r_id]
            mods = mod_values[m_id]
            plan = _plan(
                data,
                _code_text(code_values[c_id]),
                _modifiers(mods if isinstance(mods, str) else ""),
                None if r is None or r != r else int(r),
                False,
            )
        except ProcCodesError as exc:
            key_bad[j] = reason(exc)
            continue
        row = plan.row
        pe = row.facility_pe_rvu if fac else row.non_facility_pe_rvu
        kw[j], kpe[j], kmp[j] = (
            _scaled(_dec(v), 2) for v in (row.work_rvu, pe, row.malpractice_rvu)
        )
        kcf[j] = _scaled(_dec(row.conversion_factor, 4), 4)
        opps_pe = row.opps_facility_pe_rvu if fac else row.opps_non_facility_pe_rvu
        if opps_pe or row.opps_malpractice_rvu:
            kcapped[j] = True
            kope[j] = _scaled(_dec(opps_pe), 2)
            komp[j] = _scaled(_dec(row.opps_malpractice_rvu), 2)
        rate = Decimal(1)
        for a in plan.adjustments:
            rate *= a.rate
        num[j], den[j] = rate.as_integer_ratio()
    bad = np.where(bad >= 0, bad, key_bad[plan_ids])

    # the amounts of each distinct row, in whole cents
    pk, pl = plan_ids, l_d
    # RVU hundredths x GPCI thousandths = 1e-5; x CF ten-thousandths = 1e-9 dollars; half up
    total = (kw[pk] * gw[pl] + kpe[pk] * gpe[pl] + kmp[pk] * gmp[pl]) * kcf[pk]
    cents = (total + 5_000_000) // 10_000_000
    capped = kcapped[pk]
    if capped.any():
        o_total = (kw[pk] * gw[pl] + kope[pk] * gpe[pl] + komp[pk] * gmp[pl]) * kcf[pk]
        o_cents = (o_total + 5_000_000) // 10_000_000
        cents = np.where(capped, np.minimum(cents, o_cents), cents)
    kn, kd = num[pk], den[pk]
    allowed = (2 * cents * kn * uvals + kd) // (2 * kd)
    ok = bad < 0
    fsa_d = np.where(ok, cents / 100, np.nan)
    allowed_d = np.where(ok, allowed / 100, np.nan)
    return pd.DataFrame(
        {
            "fee_schedule_amount": fsa_d[row_ids],
            "allowed": allowed_d[row_ids],
            "facility": fac_d.astype(bool)[row_ids],
            "fee_error": _categorical(pd, bad[row_ids], list(messages)),
        },
        index=frame.index,
    )


def _factorize(pd: Any, np: Any, values: Any) -> tuple[Any, Any]:
    """Codes (int64) and distinct values of a column, missing values a value of their own."""
    ids, uniques = pd.factorize(values, use_na_sentinel=False)
    return ids.astype(np.int64, copy=False), uniques


def _combine(pd: Any, np: Any, parts: Sequence[tuple[Any, int]], n: int) -> tuple[Any, list[Any]]:
    """One id per distinct combination of the ``parts`` (each column's ids and how many
    distinct values it has): the row ids and, for each part, its id in each combination.
    The ids are packed in one integer; a small space is numbered by a table look-up (no
    hashing), a large one by factorizing the packed integers."""
    widths = [max(w, 1) for _, w in parts]
    space = 1
    for w in widths:
        space *= w
    if space >= 2**62:  # too many to pack: combine two at a time
        ids = parts[0][0]
        for column, w in zip((p for p, _ in parts[1:]), widths[1:], strict=True):
            ids = pd.factorize(ids * w + column)[0].astype(np.int64, copy=False)
        first_rows = np.unique(ids, return_index=True)[1]
        return ids, [column[first_rows] for column, _ in parts]
    packed = np.zeros(n, dtype=np.int64)
    for (column, _), w in zip(parts, widths, strict=True):
        packed *= w
        packed += column
    if space <= max(4 * n, 1 << 20):
        present = np.zeros(space, dtype=bool)
        present[packed] = True
        keys = np.flatnonzero(present)
        number = np.cumsum(present, dtype=np.int64) - 1
        ids = number[packed]
    else:
        ids, keys = pd.factorize(packed)
        keys = np.asarray(keys, dtype=np.int64)
    out: list[Any] = []
    for w in reversed(widths):
        out.append(keys % w)
        keys = keys // w
    return ids, out[::-1]


def _categorical(pd: Any, codes: Any, categories: list[str]) -> Any:
    """The reasons as a categorical (codes -1 are missing), without re-checking the codes."""
    try:
        return pd.Categorical.from_codes(codes, categories=categories, validate=False)
    except TypeError:  # pandas before 2.1 has no validate
        return pd.Categorical.from_codes(codes, categories=categories)


def _code_text(value: object) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        # read_csv reads 64635 as a number: five digits are one code; fewer lost their zeros
        number = float(value)
        if number.is_integer() and 10000 <= number <= 99999:
            return str(int(number))
        raise FeeError(f"code {value!r} is a number: read the code column as text (dtype=str)")
    if not isinstance(value, str):
        raise FeeError(f"code {value!r} is not text")
    from .codes import normalize_code

    return normalize_code(value)


def _scaled(value: Decimal, places: int) -> int:
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise FeeError(
            f"{value} has more than {places} decimals: the PFS files give at most {places}"
        )
    return int(scaled)

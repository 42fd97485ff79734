"""The claim rules' knowledge: rule ids, modifier sets, per-code facts and every message.

Each rule has a stable id (`RULES`), a default severity (`SEVERITY`) and is
documented with an example and its CMS source in docs/claims.md. What a rule needs to know
about a code as billed (is it well formed, listed, in effect, an add-on, its PFS indicators in
the release in effect on the date, its MUE) is worked out once per distinct code and release by
`Facts`; every message is written by one function here. The rules themselves run once,
in `proccodes.claims.engine`, for every path.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import attrs

from ..codes import normalize_code, validate_code
from ..errors import ArgumentTypeError, ArgumentValueError, InvalidCodeError
from ..modifiers import CPT_MODIFIER_TITLES
from ..records import Bilateral, GlobalDays, PcTc, PfsFacts, PfsStatus, Procedure, Severity
from .lines import bounded

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..sources.ncci import MueEdit, MueTable, PtpEdit, PtpTable
    from ..sources.pfs import FeeSchedule

__all__ = [
    "ANATOMIC_MODIFIERS",
    "CPT_MODIFIERS",
    "MAX_CACHED_CODES",
    "NCCI_MODIFIERS",
    "RULES",
    "SEVERITY",
    "CodeFacts",
    "Facts",
    "configure",
    "facts_for",
]

RULES: Mapping[str, str] = {
    "line.malformed": "a row of a claims file that is not a valid claim line (the CLI)",
    "code.malformed": "the code is not a valid CPT or HCPCS Level II code",
    "code.unknown": "the catalog does not list the code",
    "code.inactive": "the code was not in effect on the date of service",
    "units.invalid": "units of 0 or less, or more than a billion, on one line",
    "pfs.not_payable": "the PFS status says Medicare does not pay the code (bundled, not "
    "covered, not valid for Medicare)",
    "pfs.paid_elsewhere": "the PFS status says Medicare pays the code outside the PFS (ASP "
    "drug pricing, clinical lab fee schedule, DMEPOS, anesthesia; info)",
    "modifier.unknown": "a modifier that is not a known CPT or HCPCS Level II modifier",
    "modifier.bilateral": "modifier 50 on a code whose bilateral indicator does not allow it",
    "modifier.bilateral_side": "modifier 50 with RT or LT on the same line",
    "modifier.pctc": "modifier 26 or TC on a code whose PC/TC indicator forbids the split",
    "bilateral.unmarked": "a bilateral code reported twice on one date without 50 or RT/LT",
    "addon.no_primary": "an add-on code without one of its primary codes on the claim and date",
    "mue.units": "units over the medically unlikely edit (per line or per date of service)",
    "ptp.pair": "an NCCI PTP pair that is never paid together (modifier indicator 0)",
    "ptp.modifier": "an NCCI PTP pair paid together only with a fitting modifier (indicator 1)",
    "global.em": "an E/M visit in a procedure's global period without 24, 25 or 57",
    "global.procedure": "a procedure in a 90-day global period without 58, 78 or 79",
    "ncci.quarter": "the NCCI table given is not the quarter of the date of service (warning)",
    "data.stale": "the date of service falls on or after the next scheduled CMS update of the "
    "shipped data release (info, once per date)",
}
"""Every rule id and what it checks, in the order docs/claims.md describes them."""

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
SEVERITY: Mapping[str, Severity] = {
    "line.malformed": _E,
    "code.malformed": _E,
    "code.unknown": _W,
    "code.inactive": _E,
    "units.invalid": _E,
    "pfs.not_payable": _W,
    "pfs.paid_elsewhere": _I,
    "modifier.unknown": _E,
    "modifier.bilateral": _E,
    "modifier.bilateral_side": _E,
    "modifier.pctc": _E,
    "bilateral.unmarked": _E,
    "addon.no_primary": _E,
    "mue.units": _E,
    "ptp.pair": _E,
    "ptp.modifier": _E,
    "global.em": _E,
    "global.procedure": _E,
    "ncci.quarter": _W,
    "data.stale": _I,
}
"""The default severity of each rule (``check(..., rules=...)`` changes it)."""


def configure(
    rules: Mapping[str, Severity | str | bool | None] | None,
) -> dict[str, Severity | None]:
    """The severity of every rule after ``rules``: a rule mapped to ``False`` or ``None`` is off,
    to a `Severity` (or its text) re-graded, to ``True`` on as by default.

    >>> configure({"code.unknown": "error", "ncci.quarter": False})["ncci.quarter"] is None
    True
    """
    out: dict[str, Severity | None] = dict(SEVERITY)
    if rules is None:
        return out
    if not isinstance(rules, Mapping):
        raise ArgumentTypeError("rules must be a mapping of rule ids to a severity, True or False")
    for rule, value in rules.items():
        if rule not in SEVERITY:
            raise ArgumentValueError(
                f"unknown rule {bounded(str(rule))}; the rules are {', '.join(RULES)}"
            )
        if value is None or value is False:
            out[rule] = None
        elif value is True:
            out[rule] = SEVERITY[rule]
        elif isinstance(value, Severity):
            out[rule] = value
        elif isinstance(value, str) and value.strip().lower() in {s.value for s in Severity}:
            out[rule] = Severity(value.strip().lower())
        else:
            raise ArgumentValueError(
                f"rules[{rule!r}] must be error, warning, info, True or False, not {value!r}"
            )
    return out


CPT_MODIFIERS = frozenset(CPT_MODIFIER_TITLES)
"""The CPT modifier codes (`proccodes.modifiers`; the AMA's texts are not shipped)."""

SIDES = frozenset({"LT", "RT"})
FINGERS = frozenset({"FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"})
TOES = frozenset({"TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"})
EYELIDS = frozenset({"E1", "E2", "E3", "E4"})
CORONARY = frozenset({"LC", "LD", "LM", "RC", "RI"})
_SITE_FAMILIES = (FINGERS, TOES, EYELIDS, CORONARY, SIDES)  # most specific first
ANATOMIC_MODIFIERS = SIDES | FINGERS | TOES | EYELIDS | CORONARY
"""The anatomic modifiers of NCCI (policy manual ch. I): they show different sites."""

EM_BYPASS = frozenset({"24", "25", "27", "57"})
"""The NCCI-associated modifiers that belong on an E/M line (59 and X{EPSU} do not)."""
DISTINCT = frozenset({"59", "XE", "XS", "XP", "XU"})
PROCEDURE_BYPASS = DISTINCT | {"58", "78", "79", "91"}
"""The NCCI-associated modifiers, other than anatomic ones, that belong on a procedure line."""
NCCI_MODIFIERS = EM_BYPASS | PROCEDURE_BYPASS | ANATOMIC_MODIFIERS
"""The NCCI-associated modifiers that can let a PTP pair with modifier indicator 1 be paid."""

_LEVEL_II_NAMED = frozenset({"XE", "XS", "XP", "XU", "TC"} | ANATOMIC_MODIFIERS)

MAX_CACHED_CODES = 65_536
"""Per-code facts kept by one `Facts` (the cache is emptied when full)."""


def different_sites(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two lines' anatomic modifiers name different sites: compared in the most
    specific family both use (digits, toes, eyelids, coronary arteries, then sides); lines
    whose sites are in different families are taken as different.

    >>> different_sites(frozenset({"RT"}), frozenset({"LT"}))
    True
    >>> different_sites(frozenset({"RT"}), frozenset({"RT"}))
    False
    >>> different_sites(frozenset({"RT", "F5"}), frozenset({"RT", "F6"}))
    True
    """
    if not a or not b:
        return False
    for family in _SITE_FAMILIES:
        x, y = a & family, b & family
        if x and y:
            return x.isdisjoint(y)
    return True


def is_em(code: str) -> bool:
    """Whether ``code`` is an evaluation and management service (CPT 99202-99499).

    >>> is_em("99213"), is_em("64635")
    (True, False)
    """
    return len(code) == 5 and code.isdigit() and "99202" <= code <= "99499"


_NOT_PAYABLE = {
    PfsStatus.BUNDLED: "bundled: Medicare never pays it separately; its payment is included "
    "in the services it goes with",
    PfsStatus.NOT_COVERED: "not covered by Medicare",
    PfsStatus.NOT_VALID: "not valid for Medicare claims: Medicare uses another code for the "
    "service",
    PfsStatus.NOT_VALID_GRACE: "not valid for Medicare claims: Medicare uses another code for "
    "the service (after a 90-day grace period)",
    PfsStatus.BUNDLED_OR_EXCLUDED: "no separate payment: bundled into a physician service of "
    "the same day when incident to it, otherwise paid under another Medicare provision "
    "(for example supplies)",
}
_PAID_ELSEWHERE = {
    PfsStatus.EXCLUDED: "excluded from the PFS by regulation",
    PfsStatus.STATUTORY_EXCLUSION: "not a physician service by statute",
    PfsStatus.ANESTHESIA: "an anesthesia service",
}
_ELSEWHERE_DEFAULT = {
    PfsStatus.EXCLUDED: "another Medicare payment method (for example ASP drug pricing for "
    "Part B drugs, or reasonable charge)",
    PfsStatus.STATUTORY_EXCLUSION: "another Medicare fee schedule (for example the clinical "
    "laboratory or the ambulance fee schedule)",
    PfsStatus.ANESTHESIA: "the anesthesia fee schedule (base and time units times the "
    "anesthesia conversion factor)",
}
# HCPCS Level II pricing indicators (HCPCS record layout, field 9): where Part B prices a code
_PRICED_BY = {
    "12": "the anesthesia fee schedule",
    "21": "the clinical laboratory fee schedule",
    "22": "the clinical laboratory fee schedule (contractor priced)",
    "31": "the DMEPOS fee schedule",
    "32": "the DMEPOS fee schedule",
    "33": "the DMEPOS fee schedule (oxygen)",
    "34": "the DMEPOS fee schedule (supplies)",
    "35": "the DMEPOS fee schedule (surgical dressings)",
    "36": "the DMEPOS fee schedule (capped rental)",
    "37": "the DMEPOS fee schedule (ostomy, tracheostomy and urological supplies)",
    "38": "the DMEPOS fee schedule (orthotics and prosthetics)",
    "39": "the DMEPOS fee schedule (parenteral and enteral nutrition)",
    "45": "the DMEPOS fee schedule (customized items)",
    "46": "the DMEPOS fee schedule (contractor priced)",
    "51": "ASP drug pricing (Part B drugs)",
    "52": "reasonable charge",
    "53": "a payment set by statute",
    "54": "Part B vaccine pricing",
    "55": "splint and cast pricing",
    "56": "intraocular lens pricing",
    "57": "contractor pricing",
}
_BILATERAL_50 = {
    Bilateral.NO_ADJUSTMENT: "0: the 150 % bilateral adjustment does not apply",
    Bilateral.ALREADY_BILATERAL: "2: the code already covers both sides",
    Bilateral.EACH_SIDE_100: "3: report each side on its own line (RT and LT)",
    Bilateral.NOT_APPLICABLE: "9: the bilateral concept does not apply",
}
_ALLOWS_26 = frozenset({PcTc.SPLIT, PcTc.LAB_PHYSICIAN})
_ALLOWS_TC = frozenset({PcTc.SPLIT})
_PCTC_MEANING = {
    PcTc.PHYSICIAN_SERVICE: "a physician service with no separate parts",
    PcTc.SPLIT: "a test with professional and technical parts",
    PcTc.PROFESSIONAL_ONLY: "the code is itself the professional part",
    PcTc.TECHNICAL_ONLY: "the code is itself the technical part",
    PcTc.GLOBAL_TEST_ONLY: "a global test whose parts have codes of their own",
    PcTc.INCIDENT_TO: "an incident-to service",
    PcTc.LAB_PHYSICIAN: "a laboratory physician interpretation",
    PcTc.PHYSICAL_THERAPY: "a physical therapy service",
    PcTc.PHYSICIAN_INTERPRETATION: "a physician interpretation code",
    PcTc.NOT_APPLICABLE: "the concept does not apply",
}
GLOBAL_WINDOWS = {
    GlobalDays.DAYS_0: (0, 0),
    GlobalDays.DAYS_10: (0, 10),
    GlobalDays.DAYS_90: (-1, 90),
}
"""Days, relative to the procedure's date, whose E/M visits its global period includes (IOM
100-04 ch. 12 §40.1: 000 the day of the procedure; 010 that day and the 10 days after; 090
the day before, the day of and the 90 days after)."""


@attrs.frozen(kw_only=True)
class CodeFacts:
    """What the rules need to know about one code as billed, worked out once per code (and
    PFS release)."""

    raw: str
    code: str
    malformed: str | None = None  # the reason, for a code that is not valid
    record: Procedure | None = None
    add_on: bool = False
    primaries: tuple[str, ...] | None = None  # None: an add-on whose primaries are not known
    status: PfsStatus | None = None
    bilateral: Bilateral | None = None
    pc_tc: PcTc | None = None
    global_days: GlobalDays | None = None
    pfs_release: str = ""
    pricing: tuple[str, ...] = ()
    mue: MueEdit | None = None
    ptp_number: int = -1  # the code as a PTP table stores it; -1 if it cannot be in one
    em: bool = False

    @property
    def shown(self) -> str:
        """The code for a message: canonical if valid, else the raw text, bounded."""
        return self.code if self.malformed is None else bounded(self.raw)


class Facts:
    """The catalog, PTP, MUE tables and PFS releases of one check, and per-code facts cached
    (at most `MAX_CACHED_CODES` codes)."""

    def __init__(
        self,
        catalog: Catalog | None,
        ptp: PtpTable | None,
        mue: MueTable | None,
        pfs: FeeSchedule | Sequence[FeeSchedule] | None = None,
    ) -> None:
        from ..catalog import Catalog, default_catalog, shipped_sources
        from ..sources.ncci import MueTable, PtpTable
        from ..sources.pfs import FeeSchedule

        if catalog is None:
            catalog = default_catalog()
        if not isinstance(catalog, Catalog):
            raise ArgumentTypeError(
                f"catalog must be a Catalog or None, not {type(catalog).__name__}"
            )
        if ptp is not None and not isinstance(ptp, PtpTable):
            raise ArgumentTypeError(
                f"ptp must be a PtpTable (load_ptp) or None, not {type(ptp).__name__}"
            )
        if mue is not None and not isinstance(mue, MueTable):
            raise ArgumentTypeError(
                f"mue must be a MueTable (load_mue) or None, not {type(mue).__name__}"
            )
        releases: list[FeeSchedule] = []
        if pfs is not None:
            items = [pfs] if isinstance(pfs, FeeSchedule) else pfs
            if not isinstance(items, Iterable):
                raise ArgumentTypeError(
                    "pfs must be a FeeSchedule (load_pfs), a list of them, or None"
                )
            for item in items:
                if not isinstance(item, FeeSchedule):
                    raise ArgumentTypeError(
                        f"pfs must hold FeeSchedule values (load_pfs), not {type(item).__name__}"
                    )
                releases.append(item)
            releases.sort(key=lambda r: r.as_of or date.min)
        self.catalog = catalog
        # the shipped data release is in use: data.stale compares dates with its CMS schedule
        self.shipped = catalog.sources == shipped_sources()
        self._stale: dict[date, str | None] = {}
        self.ptp = ptp
        self.mue = mue
        self.pfs = tuple(releases)
        self._starts = [(r.as_of or date.min).toordinal() for r in releases]
        self.catalog_release = catalog.release or "proccodes catalog"
        self.modifier_release = self.catalog_release
        self.mue_release = mue.release if mue is not None else ""
        listed = set(catalog.modifiers)
        self.modifiers_listed = bool(listed)
        self.known_modifiers = frozenset(CPT_MODIFIERS | _LEVEL_II_NAMED | listed)
        self._codes: dict[tuple[str, int], CodeFacts] = {}
        self._memo: dict[object, object] = {}
        self._partners: dict[int, frozenset[int]] = {}
        self._edits: dict[tuple[str, str, date], PtpEdit | None] = {}
        self._lock = threading.Lock()
        self._ptp_keys = ptp.keys if ptp is not None else None

    def memo(self, key: object, make: Callable[[], object]) -> object:
        """``make()``, kept under ``key`` for the next call (at most
        `MAX_CACHED_CODES` values; the cache is emptied when full).

        >>> Facts(None, None, None).memo("k", lambda: 42)
        42"""
        found = self._memo.get(key)
        if found is None:
            found = make()
            with self._lock:
                if len(self._memo) >= MAX_CACHED_CODES:
                    self._memo.clear()
                self._memo[key] = found
        return found

    def stale_notice(self, day: date) -> str | None:
        """The notice of `proccodes.release_stale_on` for a date of service when the
        shipped data release is in use, else None (kept per date).

        >>> from proccodes.catalog import Catalog
        >>> Facts(Catalog([]), None, None).stale_notice(date(2030, 1, 1)) is None
        True
        >>> Facts(None, None, None).stale_notice(date(2030, 1, 1))[:38]
        'the data release may be out of date fo'
        """
        if not self.shipped:
            return None
        if day not in self._stale:
            from ..release import release_stale_on

            notice = release_stale_on(day)
            with self._lock:
                if len(self._stale) >= MAX_CACHED_CODES:
                    self._stale.clear()
                self._stale[day] = notice
            return notice
        return self._stale[day]

    def release_index(self, day: date) -> int:
        """Which of the PFS releases given is in effect on ``day`` (the latest to take effect
        on or before it; the earliest for a day before all); -1 without releases.

        >>> Facts(None, None, None).release_index(date(2026, 3, 2))
        -1"""
        if not self.pfs:
            return -1
        return max(bisect.bisect_right(self._starts, day.toordinal()) - 1, 0)

    def code(self, raw: str, day: date | None = None) -> CodeFacts:
        """The facts of ``raw`` as billed on ``day`` (the day picks the PFS release).

        >>> Facts(None, None, None).code(" 6449").malformed is not None
        True"""
        key = (raw, -1 if day is None else self.release_index(day))
        found = self._codes.get(key)
        if found is None:
            found = self._facts(raw, key[1])
            with self._lock:
                if len(self._codes) >= MAX_CACHED_CODES:
                    self._codes.clear()
                self._codes[key] = found
        return found

    def _facts(self, raw: str, release: int) -> CodeFacts:
        try:
            code = validate_code(raw).code
        except InvalidCodeError as exc:
            return CodeFacts(raw=raw, code=normalize_code(raw[:64]), malformed=exc.reason)
        record = self.catalog.get(code)
        mue = self.mue.get(code) if self.mue is not None else None
        number = int(code, 36) if len(code) == 5 and code.isalnum() else -1
        pfs: PfsFacts | None = record.pfs if record is not None else None
        if release >= 0:
            pfs = self.pfs[release].get(code)
        if record is None and pfs is None:
            return CodeFacts(raw=raw, code=code, mue=mue, ptp_number=number, em=is_em(code))
        billing = record.billing if record is not None else None
        add_on = bool(billing and billing.add_on) or bool(
            pfs and pfs.global_days == GlobalDays.ADD_ON
        )
        primaries = billing.primary_codes if billing and billing.primary_codes else None
        file_facts = record.file_facts if record is not None else None
        return CodeFacts(
            raw=raw,
            code=code,
            record=record,
            add_on=add_on,
            primaries=primaries if add_on else None,
            status=pfs.status if pfs else None,
            bilateral=pfs.bilateral if pfs else None,
            pc_tc=pfs.pc_tc if pfs else None,
            global_days=pfs.global_days if pfs else None,
            pfs_release=pfs.release if pfs else "",
            pricing=file_facts.pricing_indicators if file_facts else (),
            mue=mue,
            ptp_number=number,
            em=is_em(code),
        )

    def unknown_modifiers(self, modifiers: tuple[str, ...]) -> tuple[str, ...]:
        """The modifiers of a line that are not known, each once, in the order given.

        >>> Facts(None, None, None).unknown_modifiers(("59", "ZZZ", "ZZZ"))
        ('ZZZ',)"""
        bad: list[str] = []
        for m in modifiers:
            shaped = len(m) == 2 and m.isalnum() and m.isascii()
            known = m in self.known_modifiers or (shaped and not self.modifiers_listed)
            if not known and m not in bad:
                bad.append(m)
        return tuple(bad)

    def ptp_column2(self, number: int) -> frozenset[int]:
        """The column-2 codes (PTP numbers) of the rows whose column 1 is ``number``: a range
        of the table's sorted keys, found by bisection and kept (bounded) per code.

        >>> Facts(None, None, None).ptp_column2(1)
        frozenset()"""
        found = self._partners.get(number)
        if found is None:
            keys = self._ptp_keys
            found = frozenset()
            if keys is not None:
                lo = bisect.bisect_left(keys, number << 26)
                hi = bisect.bisect_left(keys, (number + 1) << 26, lo)
                mask = (1 << 26) - 1
                found = frozenset(k & mask for k in keys[lo:hi])
            with self._lock:
                if len(self._partners) >= MAX_CACHED_CODES:
                    self._partners.clear()
                self._partners[number] = found
        return found

    def ptp_partners(self, number: int, among: Mapping[int, str]) -> list[int]:
        """The codes of ``among`` (by PTP number) with a PTP row that has ``number`` as
        column 1: O(min(partners, len(among))) through the table's index, never all pairs.

        >>> Facts(None, None, None).ptp_partners(1, {2: "00002"})
        []
        """
        partners = self.ptp_column2(number)
        if not partners:
            return []
        # iterates over ``among``, probing the set
        return [n for n in partners.intersection(among) if n != number]

    def ptp_edit(self, column1: str, column2: str, day: date) -> PtpEdit | None:
        """The PTP edit of the pair in effect on ``day``, or None (kept, bounded).

        >>> from proccodes.sources.ncci import _example_files, load_ptp
        >>> facts = Facts(None, load_ptp(_example_files()[0]), None)
        >>> facts.ptp_edit("0001U", "0029U", date(2026, 7, 1)) is None
        True"""
        assert self.ptp is not None
        key = (column1, column2, day)
        if key in self._edits:
            return self._edits[key]
        found = self.ptp.edit_on(column1, column2, day)
        with self._lock:
            if len(self._edits) >= MAX_CACHED_CODES:
                self._edits.clear()
            self._edits[key] = found
        return found


_KEPT: dict[tuple[int, ...], tuple[object, Facts]] = {}
_KEPT_LOCK = threading.Lock()
MAX_KEPT_FACTS = 4
"""Sets of tables whose `Facts` `facts_for` keeps for the next check."""


def facts_for(
    catalog: Catalog | None,
    ptp: PtpTable | None,
    mue: MueTable | None,
    pfs: FeeSchedule | Sequence[FeeSchedule] | None = None,
) -> Facts:
    """The `Facts` of these tables, kept for the next check with the same ones (the
    batches of one service, the partitions of one Dask worker): the last
    `MAX_KEPT_FACTS` sets are kept, with the tables they belong to.

    >>> facts_for(None, None, None) is facts_for(None, None, None)
    True
    """
    pfs_ids = tuple(id(p) for p in pfs) if isinstance(pfs, list | tuple) else (id(pfs),)
    key = (id(catalog), id(ptp), id(mue), *pfs_ids)
    with _KEPT_LOCK:
        found = _KEPT.get(key)
    if found is not None:
        return found[1]
    facts = Facts(catalog, ptp, mue, pfs)
    with _KEPT_LOCK:
        while len(_KEPT) >= MAX_KEPT_FACTS:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[key] = ((catalog, ptp, mue, pfs), facts)  # the tables stay alive with their ids
    return facts


def reset_after_fork() -> None:
    """Forget the kept facts and renew the lock (a child process after ``fork``).

    >>> reset_after_fork()"""
    global _KEPT_LOCK
    _KEPT.clear()
    _KEPT_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=reset_after_fork)


def quarter_of(as_of: date | None) -> tuple[date, date] | None:
    """The first and last day of the calendar quarter that starts at ``as_of``.

    >>> quarter_of(date(2026, 7, 1))
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    """
    if as_of is None:
        return None
    month = as_of.month + 3
    year = as_of.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return as_of, date.fromordinal(date(year, month, 1).toordinal() - 1)


# -- messages: one function per rule ------------------------------------------------------------


def msg_malformed(facts: CodeFacts) -> str:
    return f"{bounded(facts.raw)} is not a valid procedure code: {facts.malformed}"


def msg_unknown(code: str, release: str) -> str:
    return (
        f"{code} is not in the catalog ({release}); check it against the current CPT and "
        "HCPCS Level II code sets"
    )


def msg_inactive(record: Procedure, day: date) -> str:
    if record.effective is not None and day < record.effective:
        why = f"it took effect on {record.effective.isoformat()}"
    else:
        assert record.terminated is not None
        why = f"it ended on {record.terminated.isoformat()}"
    text = f"{record.code} was not in effect on {day.isoformat()}: {why}"
    if record.replaced_by:
        text += f"; report {' or '.join(record.replaced_by)} instead"
    return text


def msg_units(units: int) -> str:
    """The message of ``units.invalid``.

    >>> msg_units(0)
    '0 units: a line bills at least 1 unit'
    """
    from .lines import MAX_UNITS

    if units <= 0:
        return f"{units} units: a line bills at least 1 unit"
    return f"{units} units on one line is beyond any claim (more than {MAX_UNITS:,})"


def status_finding(facts: CodeFacts) -> tuple[str, str, str] | None:
    """The rule, message and fix for a code's PFS status, or None (status A, C, R, T, M...).

    >>> status_finding(CodeFacts(raw="J3301", code="J3301", status=PfsStatus.EXCLUDED,
    ...                          pricing=("51",)))[1]  # doctest: +ELLIPSIS
    'J3301 is not priced ... Medicare pays it from ASP drug pricing (Part B drugs) (HCPCS ...)'
    """
    status = facts.status
    if status in _NOT_PAYABLE:
        text = _NOT_PAYABLE[status]
        return (
            "pfs.not_payable",
            f"Medicare does not pay {facts.code} under the Physician Fee Schedule (status "
            f"{status.value}: {text}); other payers may",
            "",
        )
    if status in _PAID_ELSEWHERE:
        where = ""
        for p in facts.pricing:
            if p in _PRICED_BY:
                where = f"{_PRICED_BY[p]} (HCPCS pricing indicator {p})"
                break
        if not where and "00" in facts.pricing:
            return (
                "pfs.not_payable",
                f"Medicare Part B does not price {facts.code} separately (PFS status "
                f"{status.value}: {_PAID_ELSEWHERE[status]}; HCPCS pricing indicator 00: not "
                "separately priced by Part B)",
                "",
            )
        where = where or _ELSEWHERE_DEFAULT[status]
        return (
            "pfs.paid_elsewhere",
            f"{facts.code} is not priced under the Physician Fee Schedule (status "
            f"{status.value}: {_PAID_ELSEWHERE[status]}): if covered, Medicare pays it from "
            f"{where}",
            "",
        )
    return None


def msg_unknown_modifiers(bad: tuple[str, ...]) -> str:
    if len(bad) == 1:
        return f"modifier {bounded(bad[0])} is not a known CPT or HCPCS Level II modifier"
    names = ", ".join(bounded(m) for m in bad[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    return f"modifiers {names}{more} are not known CPT or HCPCS Level II modifiers"


def msg_bilateral(facts: CodeFacts) -> str:
    assert facts.bilateral is not None
    return (
        f"modifier 50 does not apply to {facts.code}: its bilateral indicator is "
        f"{_BILATERAL_50[facts.bilateral]}"
    )


def bilateral_50_forbidden(facts: CodeFacts) -> bool:
    """Whether the code's bilateral indicator forbids modifier 50 (0, 2, 3, 9).

    >>> bilateral_50_forbidden(CodeFacts(raw="x", code="x", bilateral=Bilateral.NO_ADJUSTMENT))
    True"""
    return facts.bilateral in _BILATERAL_50


def msg_bilateral_side(code: str, sides: tuple[str, ...]) -> str:
    """The message of ``modifier.bilateral_side``.

    >>> msg_bilateral_side("64493", ("RT",))[:36]
    'modifier 50 and RT on one line of 64'
    """
    return (
        f"modifier 50 and {' and '.join(sides)} on one line of {code}: 50 already means both "
        "sides; report one line with 50 alone, or one line per side with RT and LT"
    )


def pctc_forbidden(facts: CodeFacts, mods: tuple[str, ...]) -> tuple[str, ...]:
    """The modifiers 26/TC of ``mods`` that the code's PC/TC indicator forbids.

    >>> pctc_forbidden(CodeFacts(raw="x", code="x", pc_tc=PcTc.PHYSICIAN_SERVICE), ("26",))
    ('26',)"""
    if facts.pc_tc is None:
        return ()
    return tuple(
        m
        for m, allowed in (("26", _ALLOWS_26), ("TC", _ALLOWS_TC))
        if m in mods and facts.pc_tc not in allowed
    )


def msg_pctc(facts: CodeFacts, bad: tuple[str, ...]) -> str:
    assert facts.pc_tc is not None
    which = f"modifier {bad[0]} does" if len(bad) == 1 else f"modifiers {' and '.join(bad)} do"
    return (
        f"{which} not apply to {facts.code}: its PC/TC indicator is "
        f"{facts.pc_tc.value} ({_PCTC_MEANING[facts.pc_tc]})"
    )


def msg_unmarked(code: str, count: int, day: date, sides_fit: bool) -> str:
    """``sides_fit``: the MUE admits one line per side (else only 50 is advised)."""
    how = "one line with modifier 50 and 1 unit (bilateral indicator 1)"
    if sides_fit:
        how += ", or one line with RT and one with LT"
    return (
        f"{code} is reported on {count} lines on {day.isoformat()} without modifier 50 or "
        f"RT/LT: for both sides, report {how}"
    )


def msg_no_primary(code: str, primaries: tuple[str, ...] | None, day: date) -> str:
    if primaries:
        wanted = "one of its primary codes " + ", ".join(primaries)
    else:
        wanted = "a primary procedure (its primary codes are not known here)"
    return f"add-on code {code} is billed on {day.isoformat()} without {wanted} on the claim"


_APPEAL = {
    "1": (
        "a line edit: units above it are denied; if more were medically necessary, report "
        "them on another line with an appropriate modifier (such as 76, 77, 91 or an "
        "anatomic modifier); a denial can be appealed"
    ),
    "2": "a per-day limit set by policy: a denial cannot be overturned on appeal",
    "3": (
        "a per-day limit on clinical grounds: a denial can be appealed with documentation of "
        "medical necessity"
    ),
}


def msg_mue_line(edit: MueEdit, units: int) -> str:
    return (
        f"{units} units of {edit.code} on one line exceed its MUE of {edit.max_units} per line "
        f"(adjudication indicator 1): {_APPEAL['1']}"
    )


def msg_mue_date(edit: MueEdit, units: int, day: date) -> str:
    return (
        f"{units} units of {edit.code} on {day.isoformat()} exceed its MUE of {edit.max_units} "
        f"per date of service (adjudication indicator {edit.indicator}): "
        f"{_APPEAL[edit.indicator]}"
    )


def msg_ptp(column1: str, column2: str, modifier: int, rationale: str, advice: str = "") -> str:
    why = f" ({rationale})" if rationale else ""
    if modifier == 0:
        return (
            f"{column2} is not paid with {column1} on the same date: an NCCI PTP edit{why} "
            "with modifier indicator 0, which no modifier overrides"
        )
    return (
        f"{column2} is not paid with {column1} on the same date without a modifier that fits: "
        f"an NCCI PTP edit{why} with modifier indicator 1; {advice}"
    )


def ptp_advice(
    em: tuple[bool, bool],
    codes: tuple[str, str],
    wrong: tuple[str, ...],
    same_site: tuple[str, ...],
) -> tuple[str, str]:
    """The sentence and the fix for an indicator-1 pair not bypassed: the modifier that fits.

    ``em``: whether each line is an E/M; ``wrong``: 59/X{EPSU} found on the E/M line;
    ``same_site``: the anatomic modifiers both lines share.

    >>> ptp_advice((False, True), ("20552", "99213"), ("59",), ())[1]
    'append 25 to 99213 if the visit was significant and separately identifiable'
    """
    if em[0] != em[1]:
        visit = codes[0] if em[0] else codes[1]
        head = ""
        if wrong:
            head = f"{' and '.join(wrong)} may not be used on an E/M service; "
        return (
            f"{head}modifier 25 on the E/M line ({visit}) shows a significant, separately "
            "identifiable visit (57 if the visit was the decision for major surgery)",
            f"append 25 to {visit} if the visit was significant and separately identifiable",
        )
    if same_site:
        return (
            f"{' and '.join(same_site)} on both lines names the same site, and an anatomic "
            "modifier shows a distinct service only when the lines name different sites; if "
            "the services were distinct for another reason, use XS, XE, XP, XU or 59",
            f"append XS (or 59) to {codes[1]} if it was a separate structure or organ",
        )
    return (
        f"if the services were distinct, append XE, XS, XP, XU or 59 to {codes[1]}, or "
        "anatomic modifiers that name different sites (RT on one line, LT on the other)",
        f"append XS, XE, XP, XU or 59 to {codes[1]} if the service was distinct",
    )


def msg_global_em(
    code: str, em_code: str, days: GlobalDays, delta: int, day: date
) -> tuple[str, str]:
    """The message and fix for an E/M visit inside a procedure's global period.

    >>> msg_global_em("64635", "99213", GlobalDays.DAYS_10, 3, date(2026, 3, 5))[1]
    'append 24 to 99213 if the visit was unrelated'"""
    if delta > 0:
        fit, why = "24", "an unrelated E/M in the postoperative period takes 24"
    elif days == GlobalDays.DAYS_90:
        fit, why = "57", "the visit that decided on major surgery takes 57"
    else:
        fit, why = "25", "a significant, separately identifiable visit on the day takes 25"
    when = {0: "on the day of", -1: "the day before"}.get(delta, f"{delta} days after")
    return (
        f"E/M {em_code} on {day.isoformat()} is {when} {code} (global period {days.value}), "
        f"whose payment includes it: {why}",
        f"append {fit} to {em_code} if the visit was {'unrelated' if delta > 0 else 'separate'}",
    )


def msg_global_procedure(code: str, later: str, delta: int, day: date) -> tuple[str, str]:
    """The message and fix of ``global.procedure``.

    >>> msg_global_procedure("63047", "22612", 45, date(2026, 8, 15))[1]
    'append 58, 78 or 79 to 22612, as fits'
    """
    return (
        f"{later} on {day.isoformat()} is {delta} days after {code}, inside its 90-day global "
        "period: a staged or related procedure takes 58, a return to the operating room for a "
        "complication 78, an unrelated procedure 79",
        f"append 58, 78 or 79 to {later}, as fits",
    )


def msg_quarter(release: str, first: date, last: date, day: date) -> str:
    """The message of ``ncci.quarter``.

    >>> msg_quarter("v32.2", date(2026, 7, 1), date(2026, 9, 30), date(2026, 3, 2))[:28]
    'the NCCI table v32.2 is for '
    """
    return (
        f"the NCCI table {release} is for {first.isoformat()} to {last.isoformat()}, not for "
        f"the date of service {day.isoformat()}: check with the table of that quarter"
    )

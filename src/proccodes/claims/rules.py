"""The claim-line rules, applied line by line: [`check`][proccodes.claims.rules.check].

Each rule has a stable id, documented with an example in docs/claims.md. What a rule needs to
know about a code (is it well formed, listed, in effect, an add-on, its PFS indicators, its MUE)
is worked out once per distinct code by [`Facts`][proccodes.claims.rules.Facts], and every message
is written by one
function here, so that [`proccodes.claims.check_frame`][proccodes.claims.check_frame] (vectorized)
gives exactly these
findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import attrs

from ..codes import normalize_code, validate_code
from ..errors import InvalidCodeError
from ..modifiers import CPT_MODIFIER_TITLES
from ..records import Bilateral, GlobalDays, PcTc, PfsStatus, Procedure, Severity
from .lines import ClaimLine, Finding

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..sources.ncci import MueEdit, MueTable, PtpTable

__all__ = [
    "CPT_MODIFIERS",
    "NCCI_MODIFIERS",
    "RULES",
    "check",
]

RULES: Mapping[str, str] = {
    "code.malformed": "the code is not a valid CPT or HCPCS Level II code",
    "code.unknown": "the catalog does not list the code",
    "code.inactive": "the code was not in effect on the date of service",
    "pfs.not_payable": "the PFS status says Medicare does not pay the code (warning)",
    "modifier.unknown": "a modifier that is not a known CPT or HCPCS Level II modifier",
    "modifier.bilateral": "modifier 50 on a code whose bilateral indicator does not allow it",
    "modifier.pctc": "modifier 26 or TC on a code whose PC/TC indicator forbids the split",
    "bilateral.unmarked": "a bilateral code reported twice on one date without 50 or RT/LT",
    "addon.no_primary": "an add-on code without one of its primary codes on the claim and date",
    "mue.units": "units over the medically unlikely edit (per line or per date of service)",
    "ptp.pair": "an NCCI PTP pair that is never paid together (modifier indicator 0)",
    "ptp.modifier": "an NCCI PTP pair paid together only with a modifier (indicator 1)",
}
"""Every rule id and what it checks, in the order docs/claims.md describes them."""

CPT_MODIFIERS = frozenset(CPT_MODIFIER_TITLES)
"""The CPT modifier codes ([`proccodes.modifiers`][proccodes.modifiers]; the AMA's texts are not
shipped)."""

ANATOMIC_MODIFIERS = frozenset(
    "E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 TA T1 T2 T3 T4 T5 T6 T7 T8 T9 LT RT LC LD LM RC "
    "RI".split()
)
NCCI_MODIFIERS = frozenset(
    {"59", "XE", "XS", "XP", "XU", "24", "25", "57", "58", "78", "79", "27", "91"}
    | ANATOMIC_MODIFIERS
)
"""The NCCI-associated modifiers that let a PTP pair with modifier indicator 1 be paid."""

_LEVEL_II_NAMED = frozenset({"XE", "XS", "XP", "XU", "TC"} | ANATOMIC_MODIFIERS)
_NOT_PAYABLE = {
    PfsStatus.BUNDLED: "bundled: never paid separately",
    PfsStatus.EXCLUDED: "excluded from the fee schedule by regulation",
    PfsStatus.NOT_VALID: "not valid for Medicare; another code is used",
    PfsStatus.NOT_VALID_GRACE: "not valid for Medicare; another code is used",
    PfsStatus.NOT_COVERED: "not covered by Medicare",
    PfsStatus.BUNDLED_OR_EXCLUDED: "bundled or excluded: no separate payment",
    PfsStatus.STATUTORY_EXCLUSION: "excluded from Medicare by statute",
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


@attrs.frozen(kw_only=True)
class CodeFacts:
    """What the rules need to know about one code as billed, worked out once per code."""

    raw: str
    code: str
    malformed: str | None = None  # the reason, for a code that is not valid
    record: Procedure | None = None
    add_on: bool = False
    primaries: tuple[str, ...] | None = None  # None: an add-on whose primaries are not known
    status: PfsStatus | None = None
    bilateral: Bilateral | None = None
    pc_tc: PcTc | None = None
    pfs_release: str = ""
    mue: MueEdit | None = None
    ptp_number: int = -1  # the code as a PTP table stores it; -1 if it cannot be in one


class Facts:
    """The catalog, PTP and MUE tables of one check, and per-code facts cached."""

    def __init__(
        self,
        catalog: Catalog | None,
        ptp: PtpTable | None,
        mue: MueTable | None,
    ) -> None:
        from ..catalog import Catalog, default_catalog
        from ..sources.ncci import MueTable, PtpTable

        if catalog is None:
            catalog = default_catalog()
        if not isinstance(catalog, Catalog):
            raise TypeError(f"catalog must be a Catalog or None, not {type(catalog).__name__}")
        if ptp is not None and not isinstance(ptp, PtpTable):
            raise TypeError(f"ptp must be a PtpTable (load_ptp) or None, not {type(ptp).__name__}")
        if mue is not None and not isinstance(mue, MueTable):
            raise TypeError(f"mue must be a MueTable (load_mue) or None, not {type(mue).__name__}")
        self.catalog = catalog
        self.ptp = ptp
        self.mue = mue
        self.catalog_release = catalog.release or "proccodes catalog"
        self.modifier_release = self.catalog_release
        self.mue_release = mue.release if mue is not None else ""
        listed = set(catalog.modifiers)
        self.modifiers_listed = bool(listed)
        self.known_modifiers = frozenset(CPT_MODIFIERS | _LEVEL_II_NAMED | listed)
        self._codes: dict[str, CodeFacts] = {}

    def code(self, raw: str) -> CodeFacts:
        found = self._codes.get(raw)
        if found is None:
            found = self._codes[raw] = self._facts(raw)
        return found

    def _facts(self, raw: str) -> CodeFacts:
        try:
            code = validate_code(raw).code
        except InvalidCodeError as exc:
            return CodeFacts(raw=raw, code=normalize_code(raw), malformed=exc.reason)
        record = self.catalog.get(code)
        mue = self.mue.get(code) if self.mue is not None else None
        number = int(code, 36) if len(code) == 5 and code.isalnum() else -1
        if record is None:
            return CodeFacts(raw=raw, code=code, mue=mue, ptp_number=number)
        pfs = record.pfs
        billing = record.billing
        add_on = bool(billing and billing.add_on) or bool(
            pfs and pfs.global_days == GlobalDays.ADD_ON
        )
        primaries = billing.primary_codes if billing and billing.primary_codes else None
        return CodeFacts(
            raw=raw,
            code=code,
            record=record,
            add_on=add_on,
            primaries=primaries if add_on else None,
            status=pfs.status if pfs else None,
            bilateral=pfs.bilateral if pfs else None,
            pc_tc=pfs.pc_tc if pfs else None,
            pfs_release=pfs.release if pfs else "",
            mue=mue,
            ptp_number=number,
        )

    def unknown_modifiers(self, modifiers: tuple[str, ...]) -> tuple[str, ...]:
        """The modifiers of a line that are not known, each once, in the order given."""
        bad: list[str] = []
        for m in modifiers:
            shaped = len(m) == 2 and m.isalnum() and m.isascii()
            known = m in self.known_modifiers or (shaped and not self.modifiers_listed)
            if not known and m not in bad:
                bad.append(m)
        return tuple(bad)


# -- messages: one function per rule, shared by the line and the frame paths --------------------


def msg_malformed(facts: CodeFacts) -> str:
    return f"{facts.raw!r} is not a valid procedure code: {facts.malformed}"


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


def msg_not_payable(facts: CodeFacts) -> str:
    assert facts.status is not None
    return (
        f"Medicare does not pay {facts.code} under the Physician Fee Schedule (status "
        f"{facts.status.value}: {_NOT_PAYABLE[facts.status]}); other payers may"
    )


def msg_unknown_modifiers(bad: tuple[str, ...]) -> str:
    if len(bad) == 1:
        return f"modifier {bad[0]!r} is not a known CPT or HCPCS Level II modifier"
    names = ", ".join(repr(m) for m in bad)
    return f"modifiers {names} are not known CPT or HCPCS Level II modifiers"


def msg_bilateral(facts: CodeFacts) -> str:
    assert facts.bilateral is not None
    return (
        f"modifier 50 does not apply to {facts.code}: its bilateral indicator is "
        f"{_BILATERAL_50[facts.bilateral]}"
    )


def msg_pctc(facts: CodeFacts, bad: tuple[str, ...]) -> str:
    assert facts.pc_tc is not None
    which = f"modifier {bad[0]} does" if len(bad) == 1 else f"modifiers {' and '.join(bad)} do"
    return (
        f"{which} not apply to {facts.code}: its PC/TC indicator is "
        f"{facts.pc_tc.value} ({_PCTC_MEANING[facts.pc_tc]})"
    )


def msg_unmarked(code: str, count: int, day: date) -> str:
    return (
        f"{code} is reported on {count} lines on {day.isoformat()} without modifier 50 or "
        "RT/LT: for both sides, report one line with modifier 50 (bilateral indicator 1)"
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
    return mue_date_head(edit, units) + day.isoformat() + mue_date_tail(edit)


def mue_date_head(edit: MueEdit, units: int) -> str:
    return f"{units} units of {edit.code} on "


def mue_date_tail(edit: MueEdit) -> str:
    return (
        f" exceed its MUE of {edit.max_units} per date of service (adjudication indicator "
        f"{edit.indicator}): {_APPEAL[edit.indicator]}"
    )


def msg_ptp(column1: str, column2: str, modifier: int, rationale: str) -> str:
    why = f" ({rationale})" if rationale else ""
    if modifier == 0:
        return (
            f"{column2} is not paid with {column1} on the same date: an NCCI PTP edit{why} "
            "with modifier indicator 0, which no modifier overrides"
        )
    return (
        f"{column2} is not paid with {column1} on the same date unless a modifier shows a "
        f"distinct service (59, XE, XS, XP, XU or an anatomic modifier) on either line: an NCCI "
        f"PTP edit{why} with modifier indicator 1"
    )


# -- the line path ------------------------------------------------------------------------------


def check(
    lines: Iterable[ClaimLine],
    *,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    catalog: Catalog | None = None,
) -> list[Finding]:
    """The findings on ``lines``, sorted by first line, then rule.

    ``ptp`` and ``mue`` are tables from [`load_ptp`][proccodes.sources.ncci.load_ptp] and
    [`load_mue`][proccodes.sources.ncci.load_mue] (their rules are skipped without them);
    ``catalog`` defaults to [`default_catalog`][proccodes.default_catalog].

    >>> from proccodes.claims import ClaimLine, check
    >>> lines = [ClaimLine(claim="A1", date="2026-03-02", code="6449")]
    >>> [f.rule for f in check(lines)]
    ['code.malformed']
    """
    items = _lines(lines)
    facts = Facts(catalog, ptp, mue)
    findings: list[Finding] = []
    add = findings.append
    groups: dict[tuple[str, date], list[int]] = defaultdict(list)
    for i, line in enumerate(items):
        f = facts.code(line.code)
        if f.malformed is not None:
            add(_finding("code.malformed", (i,), msg_malformed(f), facts.catalog_release))
        else:
            groups[line.claim, line.date].append(i)
            _line_rules(i, line, f, facts, add)
        bad = facts.unknown_modifiers(line.modifiers)
        if bad:
            add(
                _finding(
                    "modifier.unknown", (i,), msg_unknown_modifiers(bad), facts.modifier_release
                )
            )
    for (_, day), members in groups.items():
        _group_rules(day, members, items, facts, add)
    findings.sort(key=Finding.sort_key)
    return findings


def _lines(lines: Iterable[ClaimLine]) -> list[ClaimLine]:
    if isinstance(lines, ClaimLine) or not isinstance(lines, Iterable):
        raise TypeError("lines must be an iterable of ClaimLine")
    items = list(lines)
    for i, line in enumerate(items):
        if not isinstance(line, ClaimLine):
            raise TypeError(f"lines[{i}] must be a ClaimLine, not {type(line).__name__}")
    return items


def _finding(
    rule: str, lines: tuple[int, ...], message: str, release: str, *, warning: bool = False
) -> Finding:
    severity = Severity.WARNING if warning else Severity.ERROR
    return Finding(rule=rule, severity=severity, lines=lines, message=message, release=release)


def _line_rules(i: int, line: ClaimLine, f: CodeFacts, facts: Facts, add: _Add) -> None:
    record = f.record
    if record is None:
        add(
            _finding(
                "code.unknown",
                (i,),
                msg_unknown(f.code, facts.catalog_release),
                facts.catalog_release,
                warning=True,
            )
        )
    elif not record.is_active_on(line.date):
        add(_finding("code.inactive", (i,), msg_inactive(record, line.date), facts.catalog_release))
    if f.status in _NOT_PAYABLE:
        add(_finding("pfs.not_payable", (i,), msg_not_payable(f), f.pfs_release, warning=True))
    mods = line.modifiers
    if "50" in mods and f.bilateral in _BILATERAL_50:
        add(_finding("modifier.bilateral", (i,), msg_bilateral(f), f.pfs_release))
    if f.pc_tc is not None:
        bad = tuple(
            m
            for m, allowed in (("26", _ALLOWS_26), ("TC", _ALLOWS_TC))
            if m in mods and f.pc_tc not in allowed
        )
        if bad:
            add(_finding("modifier.pctc", (i,), msg_pctc(f, bad), f.pfs_release))
    edit = f.mue
    if edit is not None and edit.indicator.value == "1" and line.units > edit.max_units:
        add(_finding("mue.units", (i,), msg_mue_line(edit, line.units), facts.mue_release))


def _group_rules(
    day: date, members: list[int], items: list[ClaimLine], facts: Facts, add: _Add
) -> None:
    by_code: dict[str, list[int]] = defaultdict(list)
    for i in members:
        by_code[facts.code(items[i].code).code].append(i)
    present = set(by_code)
    has_primary_eligible = any(not facts.code(items[i].code).add_on for i in members)
    for code, where in by_code.items():
        f = facts.code(items[where[0]].code)
        edit = f.mue
        if edit is not None and edit.indicator.value != "1":
            total = sum(items[i].units for i in where)
            if total > edit.max_units:
                add(
                    _finding(
                        "mue.units", tuple(where), msg_mue_date(edit, total, day), facts.mue_release
                    )
                )
        if f.bilateral == Bilateral.ADJUSTMENT_150 and len(where) >= 2:
            marked = any({"50", "RT", "LT"} & set(items[i].modifiers) for i in where)
            if not marked:
                add(
                    _finding(
                        "bilateral.unmarked",
                        tuple(where),
                        msg_unmarked(code, len(where), day),
                        f.pfs_release,
                    )
                )
        if f.add_on:
            ok = bool(present.intersection(f.primaries)) if f.primaries else has_primary_eligible
            if not ok:
                message = msg_no_primary(code, f.primaries, day)
                for i in where:
                    add(_finding("addon.no_primary", (i,), message, facts.catalog_release))
    if facts.ptp is not None and len(by_code) > 1:
        _ptp_rules(day, by_code, items, facts, add)


def _ptp_rules(
    day: date, by_code: dict[str, list[int]], items: list[ClaimLine], facts: Facts, add: _Add
) -> None:
    ptp = facts.ptp
    assert ptp is not None
    codes = [c for c in by_code if facts.code(items[by_code[c][0]].code).ptp_number >= 0]
    for column1 in codes:
        first = by_code[column1]
        distinct_1 = any(NCCI_MODIFIERS.intersection(items[i].modifiers) for i in first)
        for column2 in codes:
            if column2 == column1:
                continue
            edit = ptp.edit_on(column1, column2, day)
            if edit is None or edit.modifier.value == "9":
                continue
            indicator = int(edit.modifier.value)
            message = msg_ptp(column1, column2, indicator, edit.rationale)
            rule = "ptp.pair" if indicator == 0 else "ptp.modifier"
            for i in by_code[column2]:
                if indicator == 1 and (
                    distinct_1 or NCCI_MODIFIERS.intersection(items[i].modifiers)
                ):
                    continue
                add(
                    _finding(
                        rule, (first[0], i) if first[0] < i else (i, first[0]), message, ptp.release
                    )
                )


if TYPE_CHECKING:
    from collections.abc import Callable

    _Add = Callable[[Finding], None]

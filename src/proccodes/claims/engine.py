"""The one rule engine: every claim rule, written once, for every path.

:func:`check` (claim lines), :func:`~proccodes.claims.check_frame` (a DataFrame),
:func:`~proccodes.claims.check_dask` and Spark all put their input in one form, a
:class:`Batch`: the distinct (code, modifiers, date, provider) keys of the lines, and per line
its key, claim, units and line number. :func:`run` applies the rules: single-line rules once per
distinct key, then the rules of a claim (a claim and date: MUE per date, bilateral, add-on,
PTP; a claim and provider across dates: global periods). The findings are therefore the same
on every path by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import attrs

from ..records import Bilateral, GlobalDays, Severity
from .lines import MAX_UNITS, ClaimLine, Finding
from .rules import (
    ANATOMIC_MODIFIERS,
    DISTINCT,
    EM_BYPASS,
    GLOBAL_WINDOWS,
    PROCEDURE_BYPASS,
    CodeFacts,
    Facts,
    bilateral_50_forbidden,
    configure,
    different_sites,
    msg_bilateral,
    msg_bilateral_side,
    msg_global_em,
    msg_global_procedure,
    msg_inactive,
    msg_malformed,
    msg_mue_date,
    msg_mue_line,
    msg_no_primary,
    msg_pctc,
    msg_ptp,
    msg_quarter,
    msg_units,
    msg_unknown,
    msg_unknown_modifiers,
    msg_unmarked,
    pctc_forbidden,
    ptp_advice,
    quarter_of,
    status_finding,
)

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..sources.ncci import MueTable, PtpTable
    from ..sources.pfs import FeeSchedule

__all__ = ["Batch", "Key", "Rules", "check", "run"]

Key = tuple[str, tuple[str, ...], date, "str | None"]
"""A distinct (code as billed, modifiers, date of service, provider) of the input."""

Rules = Mapping[str, "Severity | str | bool | None"]
"""Rules switched off (``False``) or re-graded (a severity), by rule id."""

_GLOBAL = frozenset({GlobalDays.DAYS_0, GlobalDays.DAYS_10, GlobalDays.DAYS_90})
_EXITS_EM = frozenset({"24", "25", "57"})
_EXITS_PROCEDURE = frozenset({"58", "78", "79"})
_MAX_SIGNATURES = 4096


@attrs.frozen(kw_only=True)
class Batch:
    """Lines in the engine's form. ``keys`` are the distinct keys; for line ``i``:
    ``key_of[i]``, ``claim_of[i]`` (into ``claims``), ``units[i]`` and ``line_ids[i]`` (the
    number findings give it).

    >>> b = Batch.of_lines([ClaimLine(claim="A", date="2026-03-02", code="62290")])
    >>> b.keys, b.key_of, b.claims
    ([('62290', (), datetime.date(2026, 3, 2), None)], [0], ['A'])
    """

    keys: list[Key]
    key_of: Sequence[int]
    claims: list[str]
    claim_of: Sequence[int]
    units: Sequence[int]
    line_ids: Sequence[int]

    @classmethod
    def of_lines(cls, lines: Sequence[ClaimLine]) -> Batch:
        """The batch of :class:`ClaimLine` objects, numbered by position."""
        key_index: dict[Key, int] = {}
        claim_index: dict[str, int] = {}
        key_of: list[int] = []
        claim_of: list[int] = []
        units: list[int] = []
        for line in lines:
            key = (line.code, line.modifiers, line.date, line.provider)
            k = key_index.get(key)
            if k is None:
                k = key_index[key] = len(key_index)
            key_of.append(k)
            c = claim_index.get(line.claim)
            if c is None:
                c = claim_index[line.claim] = len(claim_index)
            claim_of.append(c)
            units.append(line.units)
        return cls(
            keys=list(key_index),
            key_of=key_of,
            claims=list(claim_index),
            claim_of=claim_of,
            units=units,
            line_ids=range(len(key_of)),
        )


@attrs.define(slots=True)
class _KeyFacts:
    code: CodeFacts
    mods: tuple[str, ...]
    day: date
    provider: str | None
    singles: list[tuple[str, str, str, str]]  # rule, message, release, fix
    cap: int  # units above this are a finding
    em: bool
    bypass: bool  # a modifier that fits an indicator-1 PTP bypass on this kind of line
    wrong_em: tuple[str, ...]  # 59/X{EPSU} on an E/M line
    sites: frozenset[str]
    marked: bool  # 50, RT or LT
    sides: bool  # RT or LT
    claim_rules: bool  # the claim rules must look at a claim holding only this line
    ok: bool


def _key_facts(key: Key, facts: Facts, quarter: tuple[date, date] | None) -> _KeyFacts:
    raw, mods, day, provider = key
    f = facts.code(raw, day)
    singles: list[tuple[str, str, str, str]] = []
    cat = facts.catalog_release
    ok = f.malformed is None
    if not ok:
        singles.append(("code.malformed", msg_malformed(f), cat, ""))
    else:
        record = f.record
        if record is None:
            singles.append(("code.unknown", msg_unknown(f.code, cat), cat, ""))
        elif not record.is_active_on(day):
            fix = f"report {' or '.join(record.replaced_by)}" if record.replaced_by else ""
            singles.append(("code.inactive", msg_inactive(record, day), cat, fix))
        status = status_finding(f)
        if status is not None:
            singles.append((status[0], status[1], f.pfs_release, status[2]))
        if "50" in mods and bilateral_50_forbidden(f):
            singles.append(("modifier.bilateral", msg_bilateral(f), f.pfs_release, "remove 50"))
        bad = pctc_forbidden(f, mods)
        if bad:
            singles.append(("modifier.pctc", msg_pctc(f, bad), f.pfs_release, ""))
    side = tuple(m for m in ("RT", "LT") if m in mods)
    if "50" in mods and side:
        singles.append(
            (
                "modifier.bilateral_side",
                msg_bilateral_side(f.shown, side),
                cat,
                f"remove {' and '.join(side)}",
            )
        )
    bad_mods = facts.unknown_modifiers(mods)
    if bad_mods:
        singles.append(
            ("modifier.unknown", msg_unknown_modifiers(bad_mods), facts.modifier_release, "")
        )
    edit = f.mue if ok else None
    cap = MAX_UNITS
    if edit is not None and edit.indicator.value == "1":
        cap = min(cap, edit.max_units)
    mod_set = frozenset(mods)
    em = f.em
    wrong = tuple(m for m in mods if m in DISTINCT)
    per_date = edit is not None and edit.indicator.value != "1"
    out_of_quarter = quarter is not None and not (quarter[0] <= day <= quarter[1])
    return _KeyFacts(
        code=f,
        mods=mods,
        day=day,
        provider=provider,
        singles=singles,
        cap=cap,
        em=em,
        bypass=bool(mod_set & (EM_BYPASS if em else PROCEDURE_BYPASS)),
        wrong_em=wrong if em else (),
        sites=mod_set & ANATOMIC_MODIFIERS,
        marked=bool(mod_set & {"50", "RT", "LT"}),
        sides=bool(side),
        claim_rules=ok and (f.add_on or per_date or out_of_quarter),
        ok=ok,
    )


class _Run:
    def __init__(self, batch: Batch, facts: Facts, severity: dict[str, Severity | None]) -> None:
        self.batch = batch
        self.facts = facts
        self.severity = severity
        self.out: list[Finding] = []
        ptp = facts.ptp
        self.quarter = quarter_of(ptp.as_of) if ptp is not None else None
        self.kfs = [_key_facts(k, facts, self.quarter) for k in batch.keys]

    # -- emitting ------------------------------------------------------------------------------
    def emit(
        self,
        rule: str,
        positions: Sequence[int],
        message: str,
        release: str,
        fix: str = "",
        day: date | None = None,
    ) -> None:
        severity = self.severity[rule]
        if severity is None:
            return
        b, kfs = self.batch, self.kfs
        ids = b.line_ids
        pairs = sorted((ids[p], p) for p in positions)
        first = pairs[0][1]
        key_of = b.key_of
        self.out.append(
            Finding(
                rule=rule,
                severity=severity,
                lines=tuple(i for i, _ in pairs),
                message=message,
                release=release,
                claim=b.claims[b.claim_of[first]],
                date=day if day is not None else kfs[key_of[first]].day,
                codes=tuple(kfs[key_of[p]].code.shown for _, p in pairs),
                modifiers=tuple(" ".join(kfs[key_of[p]].mods) for _, p in pairs),
                fix=fix,
            )
        )

    # -- the rules -----------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        b, kfs = self.batch, self.kfs
        flagged = [bool(k.singles) for k in kfs]
        caps = [k.cap for k in kfs]
        key_of, units = b.key_of, b.units
        members: list[list[int]] = [[] for _ in b.claims]
        for p, (k, u, c) in enumerate(zip(key_of, units, b.claim_of, strict=True)):
            if flagged[k] or u < 1 or u > caps[k]:
                self._line(p, kfs[k], u)
            if kfs[k].ok:
                members[c].append(p)
        for m in members:
            if len(m) > 1 or (m and kfs[key_of[m[0]]].claim_rules):
                self._claim(m)
        self.out.sort(key=Finding.sort_key)
        return self.out

    def _line(self, p: int, kf: _KeyFacts, units: int) -> None:
        for rule, message, release, fix in kf.singles:
            self.emit(rule, (p,), message, release, fix)
        if units < 1 or units > MAX_UNITS:
            self.emit(
                "units.invalid",
                (p,),
                msg_units(units),
                self.facts.catalog_release,
                "bill 1 or more",
            )
        elif units > kf.cap:
            edit = kf.code.mue
            assert edit is not None
            self.emit(
                "mue.units",
                (p,),
                msg_mue_line(edit, units),
                self.facts.mue_release,
                f"report at most {edit.max_units} units on this line",
            )

    def _claim(self, m: list[int]) -> None:
        kfs, key_of = self.kfs, self.batch.key_of
        by_day: dict[date, list[int]] = {}
        surgery = False
        for p in m:
            kf = kfs[key_of[p]]
            by_day.setdefault(kf.day, []).append(p)
            if kf.code.global_days in _GLOBAL and not kf.em:
                surgery = True
        for day, ps in by_day.items():
            self._day(day, ps)
        if surgery and len(m) > 1:
            self._global(m)

    def _day(self, day: date, ps: list[int]) -> None:
        kfs, b = self.kfs, self.batch
        key_of, units = b.key_of, b.units
        facts = self.facts
        by_code: dict[str, list[int]] = {}
        for p in ps:
            by_code.setdefault(kfs[key_of[p]].code.code, []).append(p)
        present = set(by_code)
        eligible = any(not kfs[key_of[p]].code.add_on for p in ps)
        for code, where in by_code.items():
            kf = kfs[key_of[where[0]]]
            f = kf.code
            edit = f.mue
            if edit is not None and edit.indicator.value != "1":
                total = sum(units[p] for p in where)
                if total > edit.max_units:
                    fix = f"report at most {edit.max_units} units of {code} on this date"
                    if f.bilateral == Bilateral.ADJUSTMENT_150 and any(
                        kfs[key_of[p]].sides for p in where
                    ):
                        fix = (
                            f"for both sides, report one line of {code} with modifier 50 and "
                            "1 unit (bilateral indicator 1)"
                        )
                    self.emit(
                        "mue.units", where, msg_mue_date(edit, total, day), facts.mue_release, fix
                    )
            if (
                f.bilateral == Bilateral.ADJUSTMENT_150
                and len(where) >= 2
                and not any(kfs[key_of[p]].marked for p in where)
            ):
                fits = edit is None or edit.indicator.value == "1" or edit.max_units >= 2
                self.emit(
                    "bilateral.unmarked",
                    where,
                    msg_unmarked(code, len(where), day, fits),
                    f.pfs_release,
                    f"report one line of {code} with modifier 50 and 1 unit",
                )
            if f.add_on:
                ok = bool(present.intersection(f.primaries)) if f.primaries else eligible
                if not ok:
                    message = msg_no_primary(code, f.primaries, day)
                    fix = f"add the primary procedure ({', '.join(f.primaries or ('?',))})"
                    for p in where:
                        self.emit("addon.no_primary", (p,), message, facts.catalog_release, fix)
        if facts.ptp is not None and len(by_code) > 1:
            self._ptp(day, by_code)
        quarter = self.quarter
        if quarter is not None and not (quarter[0] <= day <= quarter[1]):
            assert facts.ptp is not None
            self.emit(
                "ncci.quarter",
                ps,
                msg_quarter(facts.ptp.release, quarter[0], quarter[1], day),
                facts.ptp.release,
                "check with the NCCI tables of the quarter of the date of service",
            )

    def _ptp(self, day: date, by_code: dict[str, list[int]]) -> None:
        kfs, key_of = self.kfs, self.batch.key_of
        facts = self.facts
        ptp = facts.ptp
        assert ptp is not None
        numbers = {}
        for code, where in by_code.items():
            n = kfs[key_of[where[0]]].code.ptp_number
            if n >= 0:
                numbers[n] = code
        if len(numbers) < 2:
            return
        ids = self.batch.line_ids
        for n1, column1 in numbers.items():
            for n2 in facts.ptp_partners(n1, numbers):
                column2 = numbers[n2]
                edit = facts.ptp_edit(column1, column2, day)
                if edit is None or edit.modifier.value == "9":
                    continue
                indicator = int(edit.modifier.value)
                first_lines = by_code[column1]
                first = min(first_lines, key=ids.__getitem__)
                x = kfs[key_of[first]]
                for p in by_code[column2]:
                    y = kfs[key_of[p]]
                    if indicator == 1:
                        if any(self._bypass(kfs[key_of[q]], y) for q in first_lines):
                            continue
                        advice, fix = ptp_advice(
                            (x.em, y.em),
                            (column1, column2),
                            x.wrong_em + y.wrong_em,
                            tuple(sorted(x.sites & y.sites)),
                        )
                        message = msg_ptp(column1, column2, 1, edit.rationale, advice)
                        self.emit("ptp.modifier", (first, p), message, ptp.release, fix)
                    else:
                        message = msg_ptp(column1, column2, 0, edit.rationale)
                        self.emit("ptp.pair", (first, p), message, ptp.release, f"remove {column2}")

    @staticmethod
    def _bypass(x: _KeyFacts, y: _KeyFacts) -> bool:
        """Whether an indicator-1 edit between lines x and y is bypassed by their modifiers
        (NCCI policy manual ch. I and XI; DOMAIN.md §5c-5e)."""
        if x.bypass or y.bypass:
            return True
        return different_sites(x.sites, y.sites)

    def _global(self, m: list[int]) -> None:
        kfs, b = self.kfs, self.batch
        key_of, ids = b.key_of, b.line_ids
        release = ""
        surgeries = sorted(
            (kfs[key_of[p]].day, ids[p], p)
            for p in m
            if kfs[key_of[p]].code.global_days in _GLOBAL
            and not kfs[key_of[p]].em
            and not kfs[key_of[p]].code.add_on
        )
        for p in m:
            kf = kfs[key_of[p]]
            if kf.code.add_on:
                continue
            for d0, _, p0 in surgeries:
                if p0 == p:
                    continue
                k0 = kfs[key_of[p0]]
                if k0.provider != kf.provider:
                    continue
                days = k0.code.global_days
                assert days is not None
                delta = (kf.day - d0).days
                release = k0.code.pfs_release
                if kf.em:
                    lo, hi = GLOBAL_WINDOWS[days]
                    if lo <= delta <= hi and not (_EXITS_EM & set(kf.mods)):
                        message, fix = msg_global_em(
                            k0.code.code, kf.code.code, days, delta, kf.day
                        )
                        self.emit("global.em", (p0, p), message, release, fix, kf.day)
                        break
                elif (
                    days == GlobalDays.DAYS_90
                    and 1 <= delta <= 90
                    and not (_EXITS_PROCEDURE & set(kf.mods))
                ):
                    message, fix = msg_global_procedure(k0.code.code, kf.code.code, delta, kf.day)
                    self.emit("global.procedure", (p0, p), message, release, fix, kf.day)
                    break


def run(batch: Batch, facts: Facts, rules: Rules | None = None) -> list[Finding]:
    """The findings on ``batch``, sorted by first line, then rule (every path's engine).

    >>> from proccodes.claims.rules import Facts
    >>> lines = [ClaimLine(claim="A1", date="2026-03-02", code="6449")]
    >>> [f.rule for f in run(Batch.of_lines(lines), Facts(None, None, None))]
    ['code.malformed']
    """
    return _Run(batch, facts, configure(rules)).run()


def check(
    lines: Iterable[ClaimLine],
    *,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    catalog: Catalog | None = None,
    pfs: FeeSchedule | Sequence[FeeSchedule] | None = None,
    rules: Rules | None = None,
) -> list[Finding]:
    """The findings on ``lines``, sorted by first line, then rule.

    ``ptp`` and ``mue`` are tables from :func:`~proccodes.sources.ncci.load_ptp` and
    :func:`~proccodes.sources.ncci.load_mue` (their rules are skipped without them);
    ``catalog`` defaults to :func:`~proccodes.default_catalog`. ``pfs`` is one PFS release
    (:func:`~proccodes.sources.pfs.load_pfs`) or several: each line then gets the facts of the
    release in effect on its date instead of the catalog's. ``rules`` switches rules off
    (``{"ncci.quarter": False}``) or re-grades them (``{"code.unknown": "error"}``).

    >>> from proccodes.claims import ClaimLine, check
    >>> lines = [ClaimLine(claim="A1", date="2026-03-02", code="6449")]
    >>> [(f.rule, f.claim, f.codes, f.fix) for f in check(lines)]
    [('code.malformed', 'A1', ("'6449'",), '')]
    """
    if isinstance(lines, ClaimLine) or not isinstance(lines, Iterable):
        raise TypeError("lines must be an iterable of ClaimLine")
    items = list(lines)
    for i, line in enumerate(items):
        if not isinstance(line, ClaimLine):
            raise TypeError(f"lines[{i}] must be a ClaimLine, not {type(line).__name__}")
    severity = configure(rules)
    facts = Facts(catalog, ptp, mue, pfs)
    return _Run(Batch.of_lines(items), facts, severity).run()

"""The one rule engine: every claim rule, written once, for every path.

`check` (claim lines), `check_frame` (a DataFrame),
`check_dask` and Spark all put their input in one form, a
`Batch`: the distinct (code, modifiers, date, provider) keys of the lines, and per line
its key, claim, units and line number. `run` applies the rules: single-line rules once per
distinct key, then the rules of a claim (a claim and date: MUE per date, bilateral, add-on,
PTP; a claim and provider across dates: global periods). The findings are therefore the same
on every path by construction.
"""

from __future__ import annotations

import gc
import operator
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Literal, cast, overload

import attrs

from ..errors import ArgumentTypeError, ArgumentValueError
from ..records import Bilateral, GlobalDays, Severity
from .lines import MAX_UNITS, ClaimLine, Finding
from .pricing import PricedCheck, fee_data_of, price_lines
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
    facts_for,
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
from .select import numpy_or_none, vectorized_selector

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..fees import FeeData
    from ..sources.ncci import MueTable, PtpTable
    from ..sources.pfs import FeeSchedule

__all__ = [
    "Batch",
    "Key",
    "KeyColumns",
    "KeyTable",
    "Row",
    "Rules",
    "Selector",
    "check",
    "collector_paused",
    "finding_of",
    "run",
    "run_rows",
]

Key = tuple[str, tuple[str, ...], date, "str | None"]
"""A distinct (code as billed, modifiers, date of service, provider) of the input."""

Rules = Mapping[str, "Severity | str | bool | None"]
"""Rules switched off (``False``) or re-graded (a severity), by rule id."""

_GLOBAL = frozenset({GlobalDays.DAYS_0, GlobalDays.DAYS_10, GlobalDays.DAYS_90})
_EXITS_EM = frozenset({"24", "25", "57"})
_EXITS_PROCEDURE = frozenset({"58", "78", "79"})
_VECTOR_MIN = 2048  # lines from which check() lets numpy select the claims (when installed)


_PAUSE_LOCK = threading.Lock()
_PAUSE = [0, False]  # checks running with the collector paused; whether it was enabled


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a check runs, then restore it.

    A check allocates hundreds of thousands of small acyclic objects (keys, rows, lists of
    line numbers); with the collector on, they set off full collections that walk the whole
    heap of the caller (its DataFrames and lines) several times per check, which cost more than
    the rules. Reference counting still frees everything; the collector is switched back on
    when the last check running in the process ends (if it was on before the first began).

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    with _PAUSE_LOCK:
        if _PAUSE[0] == 0:
            _PAUSE[1] = gc.isenabled()
            gc.disable()
        _PAUSE[0] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSE[0] -= 1
            if _PAUSE[0] == 0 and _PAUSE[1]:
                gc.enable()


def _reset_pause_after_fork() -> None:
    global _PAUSE_LOCK
    _PAUSE_LOCK = threading.Lock()
    if _PAUSE[0] and _PAUSE[1]:  # forked while another thread was checking
        gc.enable()
    _PAUSE[:] = [0, False]


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_reset_pause_after_fork)


@attrs.frozen(kw_only=True)
class Batch:
    """Lines in the engine's form. ``keys`` are the distinct keys (a list, or a `KeyColumns`);
    for line ``i``:
    ``key_of[i]``, ``claim_of[i]`` (into ``claims``), ``units[i]`` and ``line_ids[i]`` (the
    number findings give it).

    >>> b = Batch.of_lines([ClaimLine(claim="A", date="2026-03-02", code="62290")])
    >>> b.keys, b.key_of, b.claims
    ([('62290', (), datetime.date(2026, 3, 2), None)], [0], ['A'])
    """

    keys: Sequence[Key]
    key_of: Sequence[int]
    claims: list[str]
    claim_of: Sequence[int]
    units: Sequence[int]
    line_ids: Sequence[int]

    @classmethod
    def of_lines(cls, lines: Sequence[ClaimLine]) -> Batch:
        """The batch of `ClaimLine` objects, numbered by position."""
        key_index: dict[Key, int] = {}
        claim_index: dict[str, int] = {}
        number = key_index.setdefault  # a new key gets the next number: len() before insertion
        key_of = [number((x.code, x.modifiers, x.date, x.provider), len(key_index)) for x in lines]
        claim_number = claim_index.setdefault
        claim_of = [claim_number(x.claim, len(claim_index)) for x in lines]
        units = [x.units for x in lines]
        return cls(
            keys=list(key_index),
            key_of=key_of,
            claims=list(claim_index),
            claim_of=claim_of,
            units=units,
            line_ids=range(len(key_of)),
        )


@attrs.frozen(kw_only=True)
class KeyColumns(Sequence[Key]):
    """The distinct keys of a batch as columns: the distinct ``codes``, ``modifiers``,
    ``days`` and ``providers``, and per key the number of each (``code_of`` ...). A sequence
    of the keys (each made on access); the engine reads the columns directly, deciding once per
    distinct code and modifiers instead of once per key.

    >>> from datetime import date
    >>> keys = KeyColumns(codes=["62290"], modifiers=[()], days=[date(2026, 3, 2)],
    ...                   providers=[None], code_of=[0], modifiers_of=[0], day_of=[0],
    ...                   provider_of=[0])
    >>> list(keys)
    [('62290', (), datetime.date(2026, 3, 2), None)]
    """

    codes: Sequence[str]
    modifiers: Sequence[tuple[str, ...]]
    days: Sequence[date]
    providers: Sequence[str | None]
    code_of: Sequence[int]
    modifiers_of: Sequence[int]
    day_of: Sequence[int]
    provider_of: Sequence[int]

    def __len__(self) -> int:
        return len(self.code_of)

    @overload
    def __getitem__(self, i: int) -> Key: ...

    @overload
    def __getitem__(self, i: slice) -> list[Key]: ...

    def __getitem__(self, i: int | slice) -> Key | list[Key]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return (
            self.codes[self.code_of[i]],
            self.modifiers[self.modifiers_of[i]],
            self.days[self.day_of[i]],
            self.providers[self.provider_of[i]],
        )


@attrs.frozen(kw_only=True)
class KeyTable:
    """What decides whether a rule can fire, for a selector. Per distinct (code, modifiers,
    PFS release) of the batch (lists indexed by that number): ``flagged`` (a single-line rule
    fires whatever the units and date), ``cap`` (units above it are a finding), ``ok`` (a valid
    code: the line takes part in claim rules), ``solo`` (the claim rules look at a claim of this
    line alone), ``canon`` (a number per canonical code), ``ptp`` (the code's PTP number, -1
    without one or without a PTP table), ``bilateral`` (bilateral indicator 1),
    ``per_date_max`` (the MUE per date, -1 if none), ``add_on``, ``primaries_known`` (an add-on
    whose primary codes are listed), ``surgery`` (a global period of 000/010/090),
    ``surgery_90`` (090), ``em``, ``start`` and ``end`` (the ordinals of the code's first and
    last day, -1 and 10**7 if open), ``bypass`` (a modifier that bypasses any indicator-1 PTP
    edit of the line), ``marked`` (50, RT or LT), ``exits_em`` (24, 25 or 57) and
    ``exits_procedure`` (58, 78 or 79). Per key: ``facts_of_key`` (that number) and ``day`` (the
    date's ordinal). ``quarter``: the ordinals of the PTP table's quarter, or None."""

    flagged: list[bool]
    cap: list[int]
    ok: list[bool]
    solo: list[bool]
    canon: list[int]
    ptp: list[int]
    bilateral: list[bool]
    per_date_max: list[int]
    add_on: list[bool]
    primaries_known: list[bool]
    surgery: list[bool]
    surgery_90: list[bool]
    em: list[bool]
    start: list[int]
    end: list[int]
    bypass: list[bool]
    marked: list[bool]
    exits_em: list[bool]
    exits_procedure: list[bool]
    facts_of_key: list[int]
    day: list[int]
    quarter: tuple[int, int] | None


Selector = Callable[
    [KeyTable], tuple[Iterable[int], Sequence[list[int]], Sequence[bool], Sequence[list[int]]]
]
"""Picks the lines and claims to look at (see `run_rows`), for each claim picked whether a PTP
edit may fire on it, and the groups (lines of one code on one date of a claim not picked) whose
own rules may fire."""


@attrs.define(slots=True)
class _LineFacts:
    """What the rules know of a (code, modifiers) as billed under one PFS release: shared by
    every key with that code and those modifiers, whatever the date and provider."""

    code: CodeFacts
    mods: tuple[str, ...]
    shown_mods: str
    shown_codes: tuple[str]  # the rows' codes and modifiers of a finding on this line alone
    shown_mods_t: tuple[str]
    singles: list[tuple[str, str, str, str]]  # rule, message, release, fix
    cap: int  # units above this are a finding
    em: bool
    bypass: bool  # a modifier that fits an indicator-1 PTP bypass on this kind of line
    wrong_em: tuple[str, ...]  # 59/X{EPSU} on an E/M line
    sites: frozenset[str]
    marked: bool  # 50, RT or LT
    sides: bool  # RT or LT
    bilateral: bool  # bilateral indicator 1 (150 %)
    per_date: bool  # an MUE per date of service
    date_cap: int  # units of one line above which the rules of its date's group may fire
    solo: bool  # the claim rules must look at a claim holding only this line
    ok: bool
    dated: bool  # the record has dates: code.inactive depends on the day
    start: date | None  # the record's dates (Procedure.is_active_on's bounds)
    end: date | None
    ptp: int  # the PTP number, -1 if none
    canon: str  # the canonical code
    add_on: bool
    surgery: bool  # a global period of 000, 010 or 090 (and not an E/M or add-on)
    exits_em: bool  # 24, 25 or 57
    exits_procedure: bool  # 58, 78 or 79


def _line_facts(raw: str, mods: tuple[str, ...], day: date, facts: Facts) -> _LineFacts:
    f = facts.code(raw, day)
    singles: list[tuple[str, str, str, str]] = []
    cat = facts.catalog_release
    ok = f.malformed is None
    record = f.record
    if not ok:
        singles.append(("code.malformed", msg_malformed(f), cat, ""))
    else:
        if record is None:
            singles.append(("code.unknown", msg_unknown(f.code, cat), cat, ""))
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
    per_date = edit is not None and edit.indicator.value != "1"
    return _LineFacts(
        code=f,
        mods=mods,
        shown_mods=" ".join(mods),
        shown_codes=(f.shown,),
        shown_mods_t=(" ".join(mods),),
        singles=singles,
        cap=cap,
        em=em,
        bypass=bool(mod_set & (EM_BYPASS if em else PROCEDURE_BYPASS)),
        wrong_em=tuple(m for m in mods if m in DISTINCT) if em else (),
        sites=mod_set & ANATOMIC_MODIFIERS,
        marked=bool(mod_set & {"50", "RT", "LT"}),
        sides=bool(side),
        bilateral=f.bilateral == Bilateral.ADJUSTMENT_150,
        per_date=per_date,
        date_cap=edit.max_units if per_date and edit is not None else MAX_UNITS * 2,
        solo=ok and (f.add_on or per_date),
        ok=ok,
        dated=ok
        and record is not None
        and (record.effective is not None or record.terminated is not None),
        start=record.effective if record is not None else None,
        end=record.terminated if record is not None else None,
        ptp=f.ptp_number if ok else -1,
        canon=f.code,
        add_on=f.add_on,
        surgery=ok and f.global_days in _GLOBAL and not em and not f.add_on,
        exits_em=bool(mod_set & _EXITS_EM),
        exits_procedure=bool(mod_set & _EXITS_PROCEDURE),
    )


class _Run:
    def __init__(self, batch: Batch, facts: Facts, severity: dict[str, Severity | None]) -> None:
        self.batch = batch
        self.facts = facts
        self.severity = severity
        self.out: list[Row] = []
        ptp = facts.ptp
        self.quarter = quarter_of(ptp.as_of) if ptp is not None else None
        keys = batch.keys
        if isinstance(keys, KeyColumns):
            self._facts_of_columns(keys)
        else:
            self._facts_of_keys(keys)
        self.kfs = [self.lfs[i] for i in self.lf_of_key]
        ids = batch.line_ids
        self.by_position = isinstance(ids, range) and ids.start == 0 and ids.step == 1
        self._messages: dict[tuple[int, int, date], str] = {}

    def _facts_of_keys(self, keys: Sequence[Key]) -> None:
        facts = self.facts
        memo = facts.memo
        lfs: list[_LineFacts] = []
        lf_of_key: list[int] = []
        local: dict[tuple[str, tuple[str, ...], int], int] = {}
        dated_pfs = bool(facts.pfs)
        release_index = facts.release_index
        get = local.get
        for raw, mods, day, _ in keys:
            rel = release_index(day) if dated_pfs else -1
            i = get((raw, mods, rel))
            if i is None:
                made = memo(("line", raw, mods, rel), partial(_line_facts, raw, mods, day, facts))
                i = local[raw, mods, rel] = len(lfs)
                lfs.append(cast(_LineFacts, made))
            lf_of_key.append(i)
        self.lfs = lfs
        self.lf_of_key = lf_of_key
        self.days = [k[2] for k in keys]
        self.providers = [k[3] for k in keys]
        self.ordinals: list[int] | None = None

    def _facts_of_columns(self, keys: KeyColumns) -> None:
        """`_facts_of_keys` for keys as columns: the facts once per distinct (code, modifiers,
        PFS release), found by their numbers (in arrays when numpy is installed)."""
        facts = self.facts
        memo = facts.memo
        days = keys.days
        dated_pfs = bool(facts.pfs)
        rel_of_day = [facts.release_index(d) + 1 if dated_pfs else 0 for d in days]
        width, depth = len(keys.modifiers), max(rel_of_day, default=0) + 1
        np = numpy_or_none()
        if np is not None:
            day_of = np.asarray(keys.day_of, dtype=np.int64)
            packed = np.asarray(keys.code_of, dtype=np.int64) * width
            packed += np.asarray(keys.modifiers_of, dtype=np.int64)
            packed *= depth
            packed += np.asarray(rel_of_day, dtype=np.int64)[day_of]
            combos, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
            combo_list: list[int] = combos.tolist()
            day_of_combo: list[int] = day_of[first].tolist()
            combo_of_key: list[int] = inverse.tolist()
            day_list: list[int] = day_of.tolist()
        else:  # pragma: no cover - KeyColumns come from the frame path, which has numpy
            number: dict[int, int] = {}
            first_day: list[int] = []
            combo_of_key = []
            for c, m, d in zip(keys.code_of, keys.modifiers_of, keys.day_of, strict=True):
                key = (c * width + m) * depth + rel_of_day[d]
                i = number.get(key)
                if i is None:
                    i = number[key] = len(first_day)
                    first_day.append(d)
                combo_of_key.append(i)
            combo_list, day_of_combo, day_list = list(number), first_day, list(keys.day_of)
        lfs: list[_LineFacts] = []
        for combo, d in zip(combo_list, day_of_combo, strict=True):
            cm, rel = divmod(combo, depth)
            c, m = divmod(cm, width)
            raw, mods = keys.codes[c], keys.modifiers[m]
            made = memo(
                ("line", raw, mods, rel - 1), partial(_line_facts, raw, mods, days[d], facts)
            )
            lfs.append(cast(_LineFacts, made))
        self.lfs = lfs
        self.lf_of_key = combo_of_key
        self.days = [days[d] for d in day_list]
        providers = keys.providers
        self.providers = [providers[p] for p in keys.provider_of]
        ordinal = [d.toordinal() for d in days]
        self.ordinals = [ordinal[d] for d in day_list]

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
        key_of = b.key_of
        if len(positions) == 1:
            p = positions[0]
            k = key_of[p]
            kf = kfs[k]
            line = ids[p]
            self.out.append(
                (
                    line,
                    rule,
                    (line,),
                    message,
                    release,
                    b.claims[b.claim_of[p]],
                    day if day is not None else self.days[k],
                    kf.shown_codes,
                    kf.shown_mods_t,
                    fix,
                    severity,
                )
            )
            return
        if self.by_position:  # line numbers are the positions
            lines = tuple(sorted(positions))
            first = lines[0]
            lfs = [kfs[key_of[p]] for p in lines]
            self.out.append(
                (
                    first,
                    rule,
                    lines,
                    message,
                    release,
                    b.claims[b.claim_of[first]],
                    day if day is not None else self.days[key_of[first]],
                    tuple([kf.shown_codes[0] for kf in lfs]),
                    tuple([kf.shown_mods for kf in lfs]),
                    fix,
                    severity,
                )
            )
            return
        pairs = sorted((ids[p], p) for p in positions)
        first = pairs[0][1]
        self.out.append(
            (
                pairs[0][0],
                rule,
                tuple(i for i, _ in pairs),
                message,
                release,
                b.claims[b.claim_of[first]],
                day if day is not None else self.days[key_of[first]],
                tuple(kfs[key_of[p]].shown_codes[0] for _, p in pairs),
                tuple(kfs[key_of[p]].shown_mods for _, p in pairs),
                fix,
                severity,
            )
        )

    # -- the rules -----------------------------------------------------------------------------
    def key_table(self) -> KeyTable:
        """What a selector needs to know of the keys (see `KeyTable`)."""
        lfs = self.lfs
        canon: dict[str, int] = {}
        quarter = self.quarter
        return KeyTable(
            flagged=[bool(k.singles) for k in lfs],
            cap=[k.cap for k in lfs],
            ok=[k.ok for k in lfs],
            solo=[k.solo for k in lfs],
            canon=[canon.setdefault(k.canon, len(canon)) for k in lfs],
            ptp=[k.ptp if self.facts.ptp is not None else -1 for k in lfs],
            bilateral=[k.bilateral for k in lfs],
            per_date_max=[k.code.mue.max_units if k.per_date and k.code.mue else -1 for k in lfs],
            add_on=[k.add_on for k in lfs],
            primaries_known=[bool(k.code.primaries) for k in lfs],
            surgery=[k.surgery for k in lfs],
            surgery_90=[k.surgery and k.code.global_days == GlobalDays.DAYS_90 for k in lfs],
            em=[k.em for k in lfs],
            start=[k.start.toordinal() if k.dated and k.start else -1 for k in lfs],
            end=[k.end.toordinal() if k.dated and k.end else 10**7 for k in lfs],
            bypass=[k.bypass for k in lfs],
            marked=[k.marked for k in lfs],
            exits_em=[k.exits_em for k in lfs],
            exits_procedure=[k.exits_procedure for k in lfs],
            facts_of_key=self.lf_of_key,
            day=self.ordinals or [d.toordinal() for d in self.days],
            quarter=None if quarter is None else (quarter[0].toordinal(), quarter[1].toordinal()),
        )

    def _per_key(self) -> tuple[list[bool], list[int], list[bool], list[bool]]:
        """flagged, cap, ok and solo per key (the line path's selection)."""
        kfs, days = self.kfs, self.days
        first, last = self.quarter if self.quarter is not None else (date.min, date.max)
        flagged: list[bool] = []
        solo: list[bool] = []
        for kf, day in zip(kfs, days, strict=True):
            inactive = kf.dated and (
                (kf.start is not None and day < kf.start) or (kf.end is not None and day > kf.end)
            )
            flagged.append(bool(kf.singles) or inactive)
            solo.append(kf.solo or (kf.ok and not (first <= day <= last)))
        return flagged, [k.cap for k in kfs], [k.ok for k in kfs], solo

    def run(self, select: Selector | None = None) -> list[Row]:
        b = self.batch
        key_of, units = b.key_of, b.units
        if select is None:
            flagged, caps, ok, solo = self._per_key()
            positions: Iterable[int] = []
            hits: list[int] = []
            members: list[list[int]] = [[] for _ in b.claims]
            for p, (k, u, c) in enumerate(zip(key_of, units, b.claim_of, strict=True)):
                if flagged[k] or u < 1 or u > caps[k]:
                    hits.append(p)
                if ok[k]:
                    members[c].append(p)
            positions = hits
            claims: Sequence[list[int]] = [
                m for m in members if len(m) > 1 or (m and solo[key_of[m[0]]])
            ]
            ptp: Sequence[bool] = [True] * len(claims)
            groups: Sequence[list[int]] = []
        else:
            positions, claims, ptp, groups = select(self.key_table())
        self._lines(positions)
        claim = self._claim
        for m, pairs in zip(claims, ptp, strict=True):
            claim(m, pairs)
        if groups:
            group, days = self._group, self.days
            for where in groups:
                group(days[key_of[where[0]]], where)
        if self.severity["data.stale"] is not None and self.facts.shipped:
            self._stale()
        self.out.sort(key=_row_order)
        return self.out

    def _stale(self) -> None:
        """data.stale: once per distinct date of service whose date falls on or after the next
        scheduled CMS update of the shipped release, on the first line with that date."""
        notice = self.facts.stale_notice
        stale = {day: text for day in set(self.days) if (text := notice(day)) is not None}
        if not stale:
            return
        days, ids = self.days, self.batch.line_ids
        first: dict[date, int] = {}
        for p, k in enumerate(self.batch.key_of):
            day = days[k]
            if day in stale:
                q = first.get(day)
                if q is None or ids[p] < ids[q]:
                    first[day] = p
        fix = "build a newer data release with `proccodes data build`"
        for day, p in first.items():
            self.emit("data.stale", (p,), stale[day], self.facts.catalog_release, fix)

    def _lines(self, positions: Iterable[int]) -> None:
        """The single-line rules of the lines at ``positions``."""
        b, kfs, days, severity = self.batch, self.kfs, self.days, self.severity
        key_of, all_units, ids, claims, claim_of = (
            b.key_of,
            b.units,
            b.line_ids,
            b.claims,
            b.claim_of,
        )
        append, emit = self.out.append, self.emit
        cat, mue_release = self.facts.catalog_release, self.facts.mue_release
        messages: dict[tuple[int, int], tuple[str, str]] = {}
        for p in positions:
            k = key_of[p]
            kf = kfs[k]
            day = days[k]
            if kf.singles:
                line = ids[p]
                lines = (line,)
                claim = claims[claim_of[p]]
                codes, mods = kf.shown_codes, kf.shown_mods_t
                for rule, message, release, fix in kf.singles:
                    graded = severity[rule]
                    if graded is not None:  # as emit() makes a row of one line
                        append(
                            (
                                line,
                                rule,
                                lines,
                                message,
                                release,
                                claim,
                                day,
                                codes,
                                mods,
                                fix,
                                graded,
                            )
                        )
            if kf.dated and (
                (kf.start is not None and day < kf.start) or (kf.end is not None and day > kf.end)
            ):  # the bounds say the code may be inactive; the record decides
                record = kf.code.record
                if record is not None and not record.is_active_on(day):
                    fix = f"report {' or '.join(record.replaced_by)}" if record.replaced_by else ""
                    emit("code.inactive", (p,), msg_inactive(record, day), cat, fix)
            units = all_units[p]
            if units < 1 or units > MAX_UNITS:
                emit("units.invalid", (p,), msg_units(units), cat, "bill 1 or more")
            elif units > kf.cap:
                edit = kf.code.mue
                assert edit is not None
                memo = (id(edit), units)  # the edit lives as long as the run
                made = messages.get(memo)
                if made is None:
                    made = messages[memo] = (
                        msg_mue_line(edit, units),
                        f"report at most {_units(edit.max_units)} on this line",
                    )
                emit("mue.units", (p,), made[0], mue_release, made[1])

    def _claim(self, m: list[int], ptp: bool) -> None:
        kfs, key_of, days = self.kfs, self.batch.key_of, self.days
        if len(m) == 1:  # one line: its date's rules only (the global rules need two lines)
            k = key_of[m[0]]
            self._day(days[k], m, [k], ptp)
            return
        keys = [key_of[p] for p in m]
        first_day = days[keys[0]]
        if len(keys) == 1:
            one_day = True
        else:
            on = [days[k] for k in keys]
            one_day = on.count(first_day) == len(on)
        if one_day:
            self._day(first_day, m, keys, ptp)
        else:
            by_day: dict[date, tuple[list[int], list[int]]] = {}
            for p, k in zip(m, keys, strict=True):
                ps, ks = by_day.setdefault(days[k], ([], []))
                ps.append(p)
                ks.append(k)
            for day, (ps, ks) in by_day.items():
                self._day(day, ps, ks, ptp)
        # the global rules need a surgery and an E/M, or a 90-day surgery and a later date
        if len(m) > 1:
            facts = [kfs[k] for k in keys]
            if any(f.surgery for f in facts) and (not one_day or any(f.em for f in facts)):
                self._global(m)

    def _day(self, day: date, ps: list[int], keys: list[int], ptp: bool) -> None:
        kfs, units = self.kfs, self.batch.units
        key_of = self.batch.key_of
        facts = self.facts
        by_code: dict[str, list[int]] = {}
        if len(ps) == 1:
            by_code[kfs[keys[0]].canon] = ps
        else:
            for p, k in zip(ps, keys, strict=True):
                code = kfs[k].canon
                where = by_code.get(code)
                if where is None:
                    by_code[code] = [p]
                else:
                    where.append(p)
        eligible = None
        group = self._group
        for code, where in by_code.items():
            kf = kfs[key_of[where[0]]]
            f = kf.code
            if len(where) >= 2 or units[where[0]] > kf.date_cap:  # _group may fire
                group(day, where)
            if kf.add_on:
                if f.primaries:
                    found = any(c in by_code for c in f.primaries)
                else:
                    if eligible is None:
                        eligible = any(not kfs[k].add_on for k in keys)
                    found = eligible
                if not found:
                    message = msg_no_primary(code, f.primaries, day)
                    fix = f"add the primary procedure ({', '.join(f.primaries or ('?',))})"
                    for p in where:
                        self.emit("addon.no_primary", (p,), message, facts.catalog_release, fix)
        if ptp and facts.ptp is not None and len(by_code) > 1:
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

    def _group(self, day: date, where: list[int]) -> None:
        """The rules of the lines of one code on one date of a claim (``where``, positions of
        valid lines with one canonical code): the MUE per date of service and bilateral.unmarked.
        `_day` calls it for each code of a date; a selector may hand it groups directly."""
        kfs, units, key_of = self.kfs, self.batch.units, self.batch.key_of
        kf = kfs[key_of[where[0]]]
        f = kf.code
        code = kf.canon
        if kf.per_date:
            edit = f.mue
            assert edit is not None
            total = units[where[0]] if len(where) == 1 else sum(units[p] for p in where)
            if total > edit.max_units:
                fix = f"report at most {_units(edit.max_units)} of {code} on this date"
                if kf.bilateral and any(kfs[key_of[p]].sides for p in where):
                    fix = (
                        f"for both sides, report one line of {code} with modifier 50 and "
                        "1 unit (bilateral indicator 1)"
                    )
                memo = (id(edit), total, day)  # the edit lives as long as the run
                message = self._messages.get(memo)
                if message is None:
                    message = self._messages[memo] = msg_mue_date(edit, total, day)
                self.emit("mue.units", where, message, self.facts.mue_release, fix)
        if len(where) >= 2 and kf.bilateral and not any(kfs[key_of[p]].marked for p in where):
            edit = f.mue
            fits = edit is None or edit.indicator.value == "1" or edit.max_units >= 2
            self.emit(
                "bilateral.unmarked",
                where,
                msg_unmarked(code, len(where), day, fits),
                f.pfs_release,
                f"report one line of {code} with modifier 50 and 1 unit",
            )

    def _ptp(self, day: date, by_code: dict[str, list[int]]) -> None:
        kfs, key_of = self.kfs, self.batch.key_of
        facts = self.facts
        ptp = facts.ptp
        assert ptp is not None
        numbers = {}
        for code, where in by_code.items():
            n = kfs[key_of[where[0]]].ptp
            if n >= 0:
                numbers[n] = code
        if len(numbers) < 2:
            return
        ids = self.batch.line_ids
        partners_of = facts.ptp_partners
        for n1, column1 in numbers.items():
            for n2 in partners_of(n1, numbers):
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
                        if any(_bypass(kfs[key_of[q]], y) for q in first_lines):
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
                        fix = f"remove {column2}"
                        self.emit("ptp.pair", (first, p), message, ptp.release, fix)

    def _global(self, m: list[int]) -> None:
        kfs, b, days, providers = self.kfs, self.batch, self.days, self.providers
        key_of, ids = b.key_of, b.line_ids
        surgeries = sorted((days[key_of[p]], ids[p], p) for p in m if kfs[key_of[p]].surgery)
        for p in m:
            k = key_of[p]
            kf = kfs[k]
            if kf.add_on:
                continue
            day, provider = days[k], providers[k]
            for d0, _, p0 in surgeries:
                k0 = key_of[p0]
                if p0 == p or providers[k0] != provider:
                    continue
                s = kfs[k0].code
                period = s.global_days
                assert period is not None
                delta = (day - d0).days
                if kf.em:
                    lo, hi = GLOBAL_WINDOWS[period]
                    if lo <= delta <= hi and not kf.exits_em:
                        message, fix = msg_global_em(s.code, kf.canon, period, delta, day)
                        self.emit("global.em", (p0, p), message, s.pfs_release, fix, day)
                        break
                elif period == GlobalDays.DAYS_90 and 1 <= delta <= 90 and not kf.exits_procedure:
                    message, fix = msg_global_procedure(s.code, kf.canon, delta, day)
                    self.emit("global.procedure", (p0, p), message, s.pfs_release, fix, day)
                    break


Row = tuple[
    int, str, tuple[int, ...], str, str, str, date, tuple[str, ...], tuple[str, ...], str, Severity
]
"""A finding as the engine keeps it: first line, rule, lines, message, release, claim, date,
codes, modifiers, fix, severity (`finding_of` makes the `Finding`)."""


_row_order = operator.itemgetter(0, 1, 2, 3)
"""The order of rows: first line, rule, lines, message (`Finding.sort_key`)."""


def finding_of(row: Row) -> Finding:
    """The `Finding` of an engine row.

    >>> from proccodes.claims.rules import Facts
    >>> lines = [ClaimLine(claim="A1", date="2025-11-03", code="6449")]
    >>> finding_of(run_rows(Batch.of_lines(lines), Facts(None, None, None))[0]).rule
    'code.malformed'
    """
    return Finding(
        rule=row[1],
        severity=row[10],
        lines=row[2],
        message=row[3],
        release=row[4],
        claim=row[5],
        date=row[6],
        codes=row[7],
        modifiers=row[8],
        fix=row[9],
    )


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


def _bypass(x: _LineFacts, y: _LineFacts) -> bool:
    """Whether an indicator-1 edit between lines x and y is bypassed by their modifiers
    (NCCI policy manual ch. I and XI; DOMAIN.md §5c-5e): a fitting NCCI-associated modifier
    on either line (25/57/24/27 on an E/M line, 59/X{EPSU}/58/78/79/91 on another), or
    anatomic modifiers naming different sites."""
    if x.bypass or y.bypass:
        return True
    return different_sites(x.sites, y.sites)


def run_rows(
    batch: Batch, facts: Facts, rules: Rules | None = None, select: Selector | None = None
) -> list[Row]:
    """The findings on ``batch`` as engine rows (`Row`), sorted by first line, then
    rule: every path's engine.

    ``select`` (the frame path's, vectorized) picks from the `KeyTable` of the batch
    the lines whose single-line rules may fire and the claims (their valid lines, in input
    order) whose claim rules may fire, says for each claim whether a PTP edit may fire on
    it, and picks in the other claims the groups (the lines of one code on one date) whose own
    rules (MUE per date, bilateral.unmarked) may fire; it may pick more than needed, never
    fewer. Without it every line and claim is looked at.

    >>> from proccodes.claims.rules import Facts
    >>> lines = [ClaimLine(claim="A1", date="2025-11-03", code="6449")]
    >>> [r[1] for r in run_rows(Batch.of_lines(lines), Facts(None, None, None))]
    ['code.malformed']
    """
    return _Run(batch, facts, configure(rules)).run(select)


def run(
    batch: Batch, facts: Facts, rules: Rules | None = None, select: Selector | None = None
) -> list[Finding]:
    """`run_rows` as `Finding` objects.

    >>> from proccodes.claims.rules import Facts
    >>> lines = [ClaimLine(claim="A1", date="2025-11-03", code="6449")]
    >>> [f.rule for f in run(Batch.of_lines(lines), Facts(None, None, None))]
    ['code.malformed']
    """
    return [finding_of(r) for r in run_rows(batch, facts, rules, select)]


@overload
def check(
    lines: Iterable[ClaimLine],
    *,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    catalog: Catalog | None = None,
    pfs: FeeSchedule | Sequence[FeeSchedule] | None = None,
    rules: Rules | None = None,
    price: Literal[False] | None = None,
    locality: str | None = None,
) -> list[Finding]: ...


@overload
def check(
    lines: Iterable[ClaimLine],
    *,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    catalog: Catalog | None = None,
    pfs: FeeSchedule | Sequence[FeeSchedule] | None = None,
    rules: Rules | None = None,
    price: Literal[True] | FeeData | FeeSchedule | str | os.PathLike[str],
    locality: str | None = None,
) -> PricedCheck: ...


def check(
    lines: Iterable[ClaimLine],
    *,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    catalog: Catalog | None = None,
    pfs: FeeSchedule | Sequence[FeeSchedule] | None = None,
    rules: Rules | None = None,
    price: bool | FeeData | FeeSchedule | str | os.PathLike[str] | None = None,
    locality: str | None = None,
) -> list[Finding] | PricedCheck:
    """The findings on ``lines``, sorted by first line, then rule.

    ``ptp`` and ``mue`` are tables from `load_ptp` and
    `load_mue` (their rules are skipped without them);
    ``catalog`` defaults to `default_catalog`. ``pfs`` is one PFS release
    (`load_pfs`) or several: each line then gets the facts of the
    release in effect on its date instead of the catalog's. ``rules`` switches rules off
    (``{"ncci.quarter": False}``) or re-grades them (``{"code.unknown": "error"}``).

    ``price`` (off by default) also prices each line and claim with `proccodes.fees`:
    True for the shipped PFS data, or a `FeeData`, a PFS release
    (``FeeSchedule``) or the path of a release zip; ``locality`` (``MAC-LL``) is then required,
    and each line's place of service picks the facility or non-facility rate. The result is a
    `PricedCheck`: the findings, a
    `LineFee` per line and each claim's total.

    >>> from proccodes.claims import ClaimLine, check
    >>> lines = [ClaimLine(claim="A1", date="2025-11-03", code="6449")]
    >>> [(f.rule, f.claim, f.codes, f.fix) for f in check(lines)]
    [('code.malformed', 'A1', ("'6449'",), '')]
    >>> lines = [ClaimLine(claim="A1", date="2025-11-03", code="64635", place_of_service="11")]
    >>> priced = check(lines, price=True, locality="01112-05")
    >>> priced.findings, priced.lines[0].allowed, priced.claims
    ([], Decimal('552.01'), {'A1': Decimal('552.01')})
    """
    if isinstance(lines, ClaimLine) or not isinstance(lines, Iterable):
        raise ArgumentTypeError("lines must be an iterable of ClaimLine")
    items = list(lines)
    for i, line in enumerate(items):
        if not isinstance(line, ClaimLine):
            raise ArgumentTypeError(f"lines[{i}] must be a ClaimLine, not {type(line).__name__}")
    severity = configure(rules)
    facts = facts_for(catalog, ptp, mue, pfs)
    fee_data = fee_data_of(price)
    if fee_data is not None and locality is None:
        raise ArgumentValueError("price needs locality= (MAC-LL, e.g. 01112-05)")
    with collector_paused():
        batch = Batch.of_lines(items)
        select: Selector | None = None
        if len(items) >= _VECTOR_MIN and numpy_or_none() is not None:
            select = vectorized_selector(batch.key_of, batch.claim_of, batch.units, facts.ptp)
        found = [finding_of(r) for r in _Run(batch, facts, severity).run(select)]
        if fee_data is None:
            return found
        fees, totals = price_lines(
            [
                (x.claim, x.date, x.provider, x.code, x.modifiers, x.units, x.place_of_service,
                 locality)
                for x in items
            ],
            fee_data,
            batch.line_ids,
        )  # fmt: skip
        return PricedCheck(findings=found, lines=fees, claims=totals)

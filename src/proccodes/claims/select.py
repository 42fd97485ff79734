"""The vectorized selector of the rule engine: which lines and claims the rules may fire on.

Needs numpy (pandas speeds it up when present). `vectorized_selector` gives the engine's
`Selector` for a batch: from the engine's
`KeyTable` it computes, in array operations, a necessary
condition of every rule (a line whose single-line rules may fire; a claim where some claim
rule may fire; in the other claims, the lines of one code on one date whose own rules may
fire) and hands only those lines, claims and groups to the engine, which decides. It never
decides a finding itself: a selector that picks too many is slower, never wrong, and the
equality tests (tests/test_claims_select.py, tests/test_claims_paths.py,
tests/test_claims_frame_engine.py) hold it to picking every line and claim with a finding.
`check_frame` always uses it; `check` when numpy is installed.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..sources.ncci import PtpTable

__all__ = ["numpy_or_none", "ptp_index", "vectorized_selector"]


def numpy_or_none() -> Any:
    """numpy, or None when it is not installed.

    >>> numpy_or_none().__name__
    'numpy'
    """
    try:
        return import_module("numpy")
    except ImportError:  # pragma: no cover - numpy is in the test environment
        return None


_TABLE_FIELDS = (
    "flagged",
    "ok",
    "canon",
    "bilateral",
    "per_date_max",
    "add_on",
    "surgery",
    "em",
    "surgery_90",
    "primaries_known",
    "bypass",
    "marked",
    "exits_em",
    "exits_procedure",
)
_MAX_JOIN = 64  # a claim and date with more codes than this is probed through the PTP index
_HASH = 0x9E3779B97F4A7C15
_BITS = 26  # 2**26 bits (8 MiB): a few % of the pairs without an edit pass the first test
_INDEXES: weakref.WeakKeyDictionary[PtpTable, tuple[Any, Any, Any]] = weakref.WeakKeyDictionary()


def ptp_index(ptp: PtpTable) -> tuple[Any, Any, Any]:
    """A PTP table's sorted pair keys as an array, a bitmap of their hashes, and its rows'
    effective and deletion ordinals and modifier indicators as arrays; built once per table
    (kept while the table lives).

    >>> from proccodes.sources.ncci import _example_files, load_ptp
    >>> keys, bits, (effective, deleted, modifier) = ptp_index(load_ptp(_example_files()[0]))
    >>> len(keys) == len(modifier)
    True
    """
    found = _INDEXES.get(ptp)
    if found is None:
        np = import_module("numpy")
        keys = np.frombuffer(ptp.keys, dtype=np.int64)
        h = (keys.astype(np.uint64) * np.uint64(_HASH)) >> np.uint64(64 - _BITS)
        flags = np.zeros(1 << _BITS, dtype=bool)
        flags[h.astype(np.int64)] = True
        rows = tuple(
            np.asarray(column, dtype=np.int64)
            for column in (ptp.effective, ptp.deleted, ptp.modifier)
        )
        found = _INDEXES[ptp] = (keys, np.packbits(flags, bitorder="little"), rows)
    return found


def vectorized_selector(
    key_of: Sequence[int], claim_of: Sequence[int], units: Sequence[int], ptp: PtpTable | None
) -> Any:
    """The engine's selector for a batch whose line ``i`` has key ``key_of[i]``, claim
    ``claim_of[i]`` and ``units[i]`` (lists or integer arrays), against the PTP table ``ptp``.

    >>> from proccodes.claims import ClaimLine
    >>> from proccodes.claims.engine import Batch, run_rows
    >>> from proccodes.claims.rules import facts_for
    >>> batch = Batch.of_lines([ClaimLine(claim="A", date="2025-11-03", code="6449")])
    >>> select = vectorized_selector(batch.key_of, batch.claim_of, batch.units, None)
    >>> [r[1] for r in run_rows(batch, facts_for(None, None, None), select=select)]
    ['code.malformed']
    """
    return _VectorSelector(key_of, claim_of, units, ptp)


def _factorize(np: Any, values: Any) -> Any:
    """Dense group numbers of an integer array (pandas' hash table when present)."""
    try:
        pd = import_module("pandas")
    except ImportError:  # pragma: no cover - pandas is in the test environment
        return np.unique(values, return_inverse=True)[1].astype(np.int64)
    return np.asarray(pd.factorize(values)[0], dtype=np.int64)


def _groups(np: Any, claim: Any, day: Any, canon: Any) -> tuple[Any, Any, Any]:
    """The (claim, date) and (claim, date, code) group numbers of lines with those claim,
    day-ordinal and code numbers, and the first line of each (claim, date, code) group.

    One stable sort of the three packed in an integer (fast when the lines of a claim come
    together, as in most files), or hashing when they could overflow it."""
    low = int(day.min())
    span = int(day.max()) - low + 1
    width = int(canon.max()) + 1
    if (int(claim.max()) + 1) * span * width >= 2**62:  # pragma: no cover - huge ranges
        g = _factorize(np, claim * span + (day - low))
        gc = _factorize(np, g * width + canon)
        first_line = np.zeros(int(gc.max()) + 1, dtype=np.int64)
        first_line[gc[::-1]] = np.arange(len(gc))[::-1]
        return g, gc, first_line
    packed = (claim * span + (day - low)) * width + canon
    order = np.argsort(packed, kind="stable")
    ordered = packed[order]
    numbers = []
    for values in (ordered // width, ordered):
        new = np.empty(len(values), dtype=bool)
        new[0] = True
        np.not_equal(values[1:], values[:-1], out=new[1:])
        number = np.empty(len(values), dtype=np.int64)
        number[order] = np.cumsum(new) - 1
        numbers.append(number)
    first_line = order[np.flatnonzero(new)]  # the stable sort puts each group's first first
    return numbers[0], numbers[1], first_line


def _runs(np: Any, positions: Any, group: Any) -> list[list[int]]:
    """``positions`` split by their ``group`` number, each run in ascending order."""
    order = np.lexsort((positions, group))
    positions, group = positions[order], group[order]
    cuts = [0, *(np.flatnonzero(np.diff(group)) + 1).tolist(), len(group)]
    ordered = positions.tolist()
    return [ordered[a:b] for a, b in itertools.pairwise(cuts)]


class _VectorSelector:
    def __init__(
        self,
        key_of: Sequence[int],
        claim_of: Sequence[int],
        units: Sequence[int],
        ptp: PtpTable | None,
    ) -> None:
        np = self.np = import_module("numpy")
        self.n = len(key_of)
        self.key_idx = np.asarray(key_of, dtype=np.int64)
        self.claim_idx = np.asarray(claim_of, dtype=np.int64)
        self.units_f = np.asarray(units, dtype=np.float64) if self.n else np.zeros(0)
        self.ptp_keys: Any = None
        self.ptp_bits: Any = None
        self.ptp_rows: Any = None
        if ptp is not None:
            self.ptp_keys, self.ptp_bits, self.ptp_rows = ptp_index(ptp)

    def __call__(self, table: Any) -> tuple[Any, list[list[int]], list[bool], list[list[int]]]:
        """The engine's `Selector`, vectorized: the lines whose
        single-line rules may fire, the claims where some claim rule may fire, and the
        (claim, date, code) groups of other claims where a rule of one group may fire (a
        necessary condition of each rule, so nothing is missed; the engine decides)."""
        np = self.np
        n = self.n
        if not n:
            return [], [], [], []
        key, claim, units = self.key_idx, self.claim_idx, self.units_f
        lf = np.asarray(table.facts_of_key, dtype=np.int64)
        day = np.asarray(table.day, dtype=np.int64)
        # per key: the facts of its (code, modifiers, release), and what its date decides
        arr = {name: np.asarray(getattr(table, name))[lf] for name in _TABLE_FIELDS}
        inactive = (day < np.asarray(table.start)[lf]) | (day > np.asarray(table.end)[lf])
        out_of_quarter = np.zeros(len(lf), dtype=bool)
        if table.quarter is not None:
            out_of_quarter = arr["ok"] & ((day < table.quarter[0]) | (day > table.quarter[1]))
        arr["out_of_quarter"] = out_of_quarter
        cap = np.asarray(table.cap, dtype=np.float64)[lf]
        line_hit = (arr["flagged"] | inactive)[key] | (units < 1) | (units > cap[key])
        positions = np.flatnonzero(line_hit).tolist()
        ok = np.flatnonzero(arr["ok"][key])
        if not len(ok):
            return positions, [], [], []
        k, c = key[ok], claim[ok]
        n_claims = int(claim.max()) + 1
        flag = np.zeros(n_claims, dtype=bool)
        # groups: (claim, date) and (claim, date, canonical code)
        day_of_line = day[k]
        canon = arr["canon"][k]
        g, gc, first_line = _groups(np, c, day_of_line, canon)
        count = np.bincount(gc)
        total = np.bincount(gc, weights=units[ok])
        gk = k[first_line]
        gclaim = c[first_line]
        per_date = arr["per_date_max"][gk]
        # bilateral.unmarked: two lines or more of a bilateral code, none with 50, RT or LT
        marked = np.bincount(gc, weights=arr["marked"][k], minlength=len(count)) > 0
        hot = (count >= 2) & arr["bilateral"][gk] & ~marked
        hot |= (per_date >= 0) & (total > per_date)
        flag[c[arr["out_of_quarter"][k]]] = True
        # an add-on: its primaries listed, or a date whose lines are all add-ons
        add_on = arr["add_on"][k]
        if add_on.any():
            n_groups = int(g.max()) + 1
            others = np.bincount(g, weights=~add_on, minlength=n_groups) > 0
            flag[c[add_on & (arr["primaries_known"][k] | ~others[g])]] = True
        # global periods: a surgery and an E/M without 24, 25 or 57, or a 90-day surgery, a
        # second date and a procedure without 58, 78 or 79
        size = np.bincount(c, minlength=n_claims)
        surgery = np.bincount(c, weights=arr["surgery"][k], minlength=n_claims) > 0
        surgery_90 = np.bincount(c, weights=arr["surgery_90"][k], minlength=n_claims) > 0
        em_k, free_k = arr["em"][k], ~add_on
        em_open = em_k & free_k & ~arr["exits_em"][k]
        procedure_open = ~em_k & free_k & ~arr["exits_procedure"][k]
        em = np.bincount(c, weights=em_open, minlength=n_claims) > 0
        procedure = np.bincount(c, weights=procedure_open, minlength=n_claims) > 0
        claim_of_group = np.zeros(int(g.max()) + 1, dtype=np.int64)
        claim_of_group[g] = c
        dates = np.bincount(claim_of_group, minlength=n_claims)
        flag |= (size >= 2) & ((surgery & em) | (surgery_90 & procedure & (dates >= 2)))
        # PTP: per (claim, date, code), whether some line has no bypassing modifier
        open_ = np.bincount(gc, weights=~arr["bypass"][k], minlength=len(count)) > 0
        day_of_group = np.asarray(table.day, dtype=np.int64)[gk]
        ptp_flag = np.zeros(n_claims, dtype=bool)
        self._ptp_pairs(
            np.asarray(table.ptp, dtype=np.int64)[lf], gk, g[first_line], gclaim, ptp_flag,
            open_, day_of_group,
        )  # fmt: skip
        flag |= ptp_flag
        # a (claim, date, code) whose own rules may fire, in a claim no other rule may fire on:
        # the engine looks at that group alone
        hot &= ~flag[gclaim]
        groups = _runs(np, ok[np.flatnonzero(hot[gc])], gc[hot[gc]]) if hot.any() else []
        # the valid lines of each flagged claim, in input order
        chosen = ok[flag[c]]
        if not len(chosen):
            return positions, [], [], groups
        order = chosen[np.argsort(claim[chosen], kind="stable")]
        starts = np.flatnonzero(np.diff(claim[order])) + 1
        cuts = [0, *starts.tolist(), len(order)]
        ordered = order.tolist()
        ptp_may_fire = ptp_flag[claim[order][cuts[:-1]]].tolist()
        claims = [ordered[a:b] for a, b in itertools.pairwise(cuts)]
        return positions, claims, ptp_may_fire, groups

    def _ptp_pairs(
        self,
        ptp_of_key: Any,
        gk: Any,
        gg: Any,
        gclaim: Any,
        flag: Any,
        open_: Any,
        day: Any,
    ) -> None:
        """Flag the claims with two codes on one date that form a pair of the PTP table whose
        edit may fire: in effect on the date, modifier indicator 0, or 1 with a line of each
        code that has no bypassing modifier (a pair with several rows is always flagged)."""
        np = self.np
        ptp = ptp_of_key[gk]
        use = np.flatnonzero(ptp >= 0)
        if len(use) < 2 or self.ptp_keys is None:
            return
        items = use[np.argsort(gg[use], kind="stable")]
        group = gg[items]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(group)) + 1])
        sizes = np.diff(np.concatenate([starts, [len(items)]]))
        big = sizes > _MAX_JOIN
        flag[gclaim[items[starts[big]]]] = True  # many codes: the engine probes the index
        joined = (sizes >= 2) & ~big  # one code on a date makes no pair
        small = np.repeat(joined, sizes)
        items, group = items[small], group[small]
        sizes = sizes[joined]
        if not len(items):
            return
        # each unordered pair of items of a group once: item r of a group of s pairs with the
        # s - 1 - r items after it; both orders are probed below
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        after = np.repeat(sizes + starts, sizes) - 1 - np.arange(len(items))
        first = np.repeat(np.arange(len(items)), after)
        second = first + 1 + np.arange(len(first)) - np.repeat(np.cumsum(after) - after, after)
        code1, code2 = ptp[items[first]], ptp[items[second]]
        keys, bits = self.ptp_keys, self.ptp_bits
        found = []
        for one, two, a, b in ((code1, code2, first, second), (code2, code1, second, first)):
            pairs = (one << 26) | two
            # a bit per hashed key first: most pairs of codes have no edit, and drop out here
            h = (pairs.astype(np.uint64) * np.uint64(_HASH)) >> np.uint64(64 - _BITS)
            h = h.astype(np.int64)
            maybe = np.flatnonzero((bits[h >> 3] >> (h & 7)) & 1)
            found.append((pairs[maybe], a[maybe], b[maybe]))
        pairs, first, second = (np.concatenate(parts) for parts in zip(*found, strict=True))
        where = np.searchsorted(keys, pairs)
        where[where >= len(keys)] = 0
        hit = np.flatnonzero(keys[where] == pairs)
        row, first, second = where[hit], items[first[hit]], items[second[hit]]
        effective, deleted, modifier = self.ptp_rows
        after = np.minimum(row + 1, len(keys) - 1)
        several = (row + 1 < len(keys)) & (keys[after] == keys[row])
        d = day[first]
        active = (effective[row] <= d) & (d <= deleted[row])
        m = modifier[row]
        fires = (m == 0) | ((m == 1) & open_[first] & open_[second])
        flag[gclaim[first[several | (active & fires)]]] = True

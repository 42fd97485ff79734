"""The claim rules on a pandas DataFrame, vectorized:
[`check_frame`][proccodes.claims.frame.check_frame].

Needs pandas and numpy (``pip install 'proccodes[frames]'``). Every fact is worked out once per
distinct value (code, modifiers, date) with the line path's own code, and joined to the lines
with array operations; the messages come from the same functions, so the findings are exactly
[`proccodes.claims.check`][proccodes.claims.check]'s.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from ..records import Bilateral, Severity
from .lines import Finding, _to_date, split_modifiers
from .rules import (
    _ALLOWS_26,
    _ALLOWS_TC,
    _BILATERAL_50,
    _NOT_PAYABLE,
    NCCI_MODIFIERS,
    RULES,
    CodeFacts,
    Facts,
    msg_bilateral,
    msg_inactive,
    msg_malformed,
    msg_mue_line,
    msg_no_primary,
    msg_not_payable,
    msg_pctc,
    msg_ptp,
    msg_unknown,
    msg_unknown_modifiers,
    msg_unmarked,
    mue_date_head,
    mue_date_tail,
)

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..sources.ncci import MueTable
from ..sources.ncci import PtpTable

__all__ = ["COLUMNS", "FINDING_COLUMNS", "check_frame", "findings_from_frame"]

COLUMNS = ("claim", "date", "code", "modifiers", "units")
"""The input columns: claim (or encounter) id, date of service, code, modifiers, units. Only the
first three are required; ``modifiers`` is text (``"59 LT"``), ``units`` defaults to 1."""

FINDING_COLUMNS = ("line", "rule", "severity", "lines", "message", "release")
"""The columns of the findings frame: the first line concerned, then a
[`Finding`][proccodes.claims.frame.Finding]'s fields."""

_ERROR, _WARNING = Severity.ERROR.value, Severity.WARNING.value
_DAY0 = date(1970, 1, 1).toordinal()


def _lib(name: str) -> Any:
    from importlib import import_module

    try:
        return import_module(name)
    except ImportError:
        raise ImportError(f"check_frame needs {name}: pip install 'proccodes[frames]'") from None


def check_frame(
    frame: Any,
    *,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    catalog: Catalog | None = None,
    columns: Mapping[str, str] | None = None,
    line_column: str | None = None,
) -> Any:
    """The findings on the lines of ``frame`` as a DataFrame (columns `FINDING_COLUMNS`),
    sorted as [`check`][proccodes.claims.check] sorts them.

    ``frame`` is a pandas DataFrame, or anything with ``to_pandas()`` (a pyarrow Table).
    ``columns`` maps our names (`COLUMNS`) to the frame's, e.g. ``{"claim": "encounter"}``.
    Lines are numbered by position from 0, or by the integers of ``line_column``.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"claim": ["A1", "A1"], "date": ["2026-03-02"] * 2,
    ...                       "code": ["6449", "62290"], "modifiers": ["", "ZZ9"]})
    >>> check_frame(frame)[["line", "rule"]].to_dict("records")
    [{'line': 0, 'rule': 'code.malformed'}, {'line': 1, 'rule': 'modifier.unknown'}]
    """
    pd, np = _lib("pandas"), _lib("numpy")
    if not isinstance(frame, pd.DataFrame):
        if hasattr(frame, "to_pandas"):
            frame = frame.to_pandas()
        else:
            raise TypeError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    names = _names(columns)
    for key in ("claim", "date", "code"):
        if names[key] not in frame.columns:
            raise ValueError(
                f"the frame has no {names[key]!r} column (the {key}); it has "
                f"{', '.join(map(str, frame.columns))}"
            )
    run = _Run(pd, np, frame, names, line_column, _facts(catalog, ptp, mue))
    return run.result()


_FACTS: dict[tuple[int, int, int], tuple[Any, Facts]] = {}
_FACTS_LOCK = threading.Lock()


def _facts(catalog: Catalog | None, ptp: PtpTable | None, mue: MueTable | None) -> Facts:
    """The per-code facts of these tables, kept for the next frame checked with the same ones
    (the partitions of one Dask worker, the batches of one service): the last four are kept,
    with the tables they belong to."""
    key = (id(catalog), id(ptp), id(mue))
    with _FACTS_LOCK:
        found = _FACTS.get(key)
    if found is not None:
        return found[1]
    facts = Facts(catalog, ptp, mue)
    with _FACTS_LOCK:
        if len(_FACTS) >= 4:
            _FACTS.pop(next(iter(_FACTS)))
        _FACTS[key] = ((catalog, ptp, mue), facts)  # the tables stay alive with their ids
    return facts


def _names(columns: Mapping[str, str] | None) -> dict[str, str]:
    names = {c: c for c in COLUMNS}
    if columns is not None:
        if not isinstance(columns, Mapping):
            raise TypeError("columns must be a mapping of our column names to the frame's")
        for key, value in columns.items():
            if key not in names:
                raise ValueError(f"unknown column name {key!r}; expected one of {COLUMNS}")
            if not isinstance(value, str):
                raise TypeError(f"columns[{key!r}] must be text")
            names[key] = value
    return names


def findings_from_frame(frame: Any) -> list[Finding]:
    """The findings frame of [`check_frame`][proccodes.claims.frame.check_frame] as
    [`Finding`][proccodes.claims.Finding] objects.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"claim": ["A1"], "date": ["2026-03-02"], "code": ["6449"]})
    >>> findings_from_frame(check_frame(frame))[0].rule
    'code.malformed'
    """
    return [
        Finding(
            rule=rule,
            severity=Severity(severity),
            lines=tuple(int(i) for i in lines),
            message=message,
            release=release,
        )
        for rule, severity, lines, message, release in zip(
            frame["rule"],
            frame["severity"],
            frame["lines"],
            frame["message"],
            frame["release"],
            strict=True,
        )
    ]


class _Run:
    """One check of one frame: the columns as arrays, per-value facts, then each rule."""

    def __init__(
        self,
        pd: Any,
        np: Any,
        frame: Any,
        names: dict[str, str],
        line_column: str | None,
        facts: Facts,
    ) -> None:
        self.pd, self.np, self.facts = pd, np, facts
        self.chunks: list[tuple[Any, ...]] = []
        n = len(frame)
        self.n = n
        if line_column is None:
            self.line_ids = np.arange(n, dtype=np.int64)
        else:
            if line_column not in frame.columns:
                raise ValueError(f"the frame has no {line_column!r} column (line_column)")
            self.line_ids = self._ints(frame[line_column], line_column, minimum=0)
        self._columns(frame, names)

    # -- reading the columns -------------------------------------------------------------------
    def _row(self, position: int) -> int:
        return int(self.line_ids[position])

    def _ints(self, column: Any, name: str, minimum: int) -> Any:
        np, pd = self.np, self.pd
        if column.dtype.kind in "iu" and (not len(column) or int(column.min()) >= minimum):
            return column.to_numpy(dtype=np.int64)  # whole numbers already, none below
        values = pd.to_numeric(column, errors="coerce")
        bad = values.isna().to_numpy() | (values.to_numpy(dtype=float, na_value=-1.0) % 1 != 0)
        as_float = values.to_numpy(dtype=float, na_value=np.nan)
        bad |= ~(as_float >= minimum)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"line {row}: {name} must be a whole number of {minimum} or more, "
                f"not {column.iloc[row]!r}"
            )
        return values.to_numpy(dtype=np.int64)

    def _factorize(
        self, column: Any, name: str, *, allow_missing: bool = False, values: bool = True
    ) -> Any:
        np, pd = self.np, self.pd
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        if not allow_missing and len(codes) and codes.min() < 0:
            row = int(np.flatnonzero(codes < 0)[0])
            raise ValueError(f"line {self._row(row)}: the {name} is missing")
        return codes, list(uniques) if values else None

    def _claim_ids(self, column: Any) -> Any:
        """A number per claim. The lines of a claim usually come together, so only the first
        line of each run of equal values is hashed; the runs of one claim share its number."""
        np, pd = self.np, self.pd
        if not len(column):
            return np.zeros(0, dtype=np.int64)
        starts_mask = column.ne(column.shift()).to_numpy(dtype=bool, na_value=True).copy()
        starts_mask[0] = True
        starts = np.flatnonzero(starts_mask)
        codes, _ = pd.factorize(column.iloc[starts], use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        if (codes < 0).any():
            row = int(starts[np.flatnonzero(codes < 0)[0]])
            raise ValueError(f"line {self._row(row)}: the claim is missing")
        return codes[np.cumsum(starts_mask) - 1]

    def _columns(self, frame: Any, names: dict[str, str]) -> None:
        np = self.np
        self.code_idx, raw_codes = self._factorize(frame[names["code"]], "code")
        for k, raw in enumerate(raw_codes):
            if not isinstance(raw, str):
                row = int(np.flatnonzero(self.code_idx == k)[0])
                raise TypeError(
                    f"line {self._row(row)}: the code must be text, not {type(raw).__name__} "
                    f"{raw!r} (read CSV files with dtype=str, so that 00100 keeps its zeros)"
                )
        self.claim_idx = self._claim_ids(frame[names["claim"]])
        date_idx, raw_dates = self._factorize(frame[names["date"]], "date of service")
        days: list[date] = []
        for k, raw in enumerate(raw_dates):
            try:
                days.append(_to_date(raw.to_pydatetime() if hasattr(raw, "to_pydatetime") else raw))
            except (TypeError, ValueError) as exc:
                row = int(np.flatnonzero(date_idx == k)[0])
                raise ValueError(f"line {self._row(row)}: {exc}") from None
        self.day_of_ordinal = {d.toordinal(): d for d in days}
        self.date_ord = np.asarray([d.toordinal() for d in days], dtype=np.int64)[date_idx]
        if names["modifiers"] in frame.columns:
            mod_idx, raw_mods = self._factorize(
                frame[names["modifiers"]], "modifiers", allow_missing=True
            )
            mods = []
            for k, raw in enumerate(raw_mods):
                try:
                    mods.append(split_modifiers(raw))
                except TypeError as exc:
                    row = int(np.flatnonzero(mod_idx == k)[0])
                    raise TypeError(f"line {self._row(row)}: {exc}") from None
            if (mod_idx < 0).any():
                mod_idx = np.where(mod_idx < 0, len(mods), mod_idx)
                mods.append(())
        else:
            mod_idx, mods = np.zeros(self.n, dtype=np.int64), [()]
        self.mod_idx, self.mods = mod_idx, mods
        if names["units"] in frame.columns:
            self.units = self._ints(frame[names["units"]], "units", minimum=0)
        else:
            self.units = np.ones(self.n, dtype=np.int64)
        self.raw_facts = [self.facts.code(raw) for raw in raw_codes]

    # -- the rules -----------------------------------------------------------------------------
    def result(self) -> Any:
        np = self.np
        raw_facts = self.raw_facts
        malformed_raw = np.asarray([f.malformed is not None for f in raw_facts], dtype=bool)
        # canonical codes: " 64493" and "64493" are one code
        canon_of: dict[str, int] = {}
        canon_facts: list[CodeFacts] = []
        raw_to_canon = np.full(len(raw_facts), -1, dtype=np.int64)
        for k, f in enumerate(raw_facts):
            if f.malformed is None:
                c = canon_of.get(f.code)
                if c is None:
                    c = canon_of[f.code] = len(canon_facts)
                    canon_facts.append(f)
                raw_to_canon[k] = c
        self.canon_facts = canon_facts
        line_malformed = malformed_raw[self.code_idx]
        rows = np.flatnonzero(line_malformed)
        self._emit(
            rows,
            "code.malformed",
            [self.code_idx[rows]],
            lambda k: msg_malformed(raw_facts[k]),
            self.facts.catalog_release,
        )
        bad = [self.facts.unknown_modifiers(m) for m in self.mods]
        rows = np.flatnonzero(np.asarray([bool(b) for b in bad], dtype=bool)[self.mod_idx])
        self._emit(
            rows,
            "modifier.unknown",
            [self.mod_idx[rows]],
            lambda k: msg_unknown_modifiers(bad[k]),
            self.facts.modifier_release,
        )
        ok = np.flatnonzero(~line_malformed)
        if len(ok) and canon_facts:
            self.ok = ok
            self.canon = raw_to_canon[self.code_idx[ok]]
            self._line_rules()
            self._group_rules()
        return self._frame()

    def _emit(
        self,
        rows: Any,
        rule: str,
        keys: list[Any],
        message: Callable[..., str],
        release: str | Callable[..., str],
        severity: str = _ERROR,
    ) -> None:
        """Single-line findings at ``rows``: one message (and release) per distinct ``keys``."""
        np = self.np
        if not len(rows):
            return
        # the keys (small whole numbers) packed into one integer, factorized by hashing
        packed = np.zeros(len(rows), dtype=np.int64)
        bases = []
        for key in keys:
            base = int(key.max()) + 1
            packed = packed * base + key
            bases.append(base)
        inverse, uniques = self.pd.factorize(packed)
        uniques = np.asarray(uniques, dtype=np.int64)
        parts = []
        for base in reversed(bases):
            uniques, part = np.divmod(uniques, base)
            parts.append(part.tolist())
        params = list(zip(*reversed(parts), strict=True))
        texts = np.empty(len(params), dtype=object)
        texts[:] = [message(*p) for p in params]
        if callable(release):
            releases = np.empty(len(params), dtype=object)
            releases[:] = [release(*p) for p in params]
            rel: Any = releases[inverse]
        else:
            rel = release
        self.chunks.append((self.line_ids[rows], rule, None, texts[inverse], severity, rel))

    def _out(
        self,
        firsts: list[int],
        rule: str | list[str],
        lines: list[tuple[int, ...]],
        messages: list[str],
        release: str | list[str],
    ) -> None:
        """Findings of several lines (or of varied rules), kept as columns."""
        np = self.np
        if firsts:
            self.chunks.append(
                (
                    np.asarray(firsts, dtype=np.int64),
                    rule,
                    _objects(np, lines),
                    _objects(np, messages),
                    _ERROR,
                    release if isinstance(release, str) else _objects(np, release),
                )
            )

    def _per_canon(self, values: list[Any], dtype: Any) -> Any:
        return self.np.asarray(values, dtype=dtype)

    def _line_rules(self) -> None:
        np, facts, cf = self.np, self.facts, self.canon_facts
        ok, canon = self.ok, self.canon
        day = self.date_ord[ok]
        known = self._per_canon([f.record is not None for f in cf], bool)
        rows = np.flatnonzero(~known[canon])
        self._emit(
            ok[rows],
            "code.unknown",
            [canon[rows]],
            lambda c: msg_unknown(cf[c].code, facts.catalog_release),
            facts.catalog_release,
            _WARNING,
        )
        first = self._per_canon(
            [f.record.effective.toordinal() if f.record and f.record.effective else 0 for f in cf],
            np.int64,
        )
        last = self._per_canon(
            [
                f.record.terminated.toordinal() if f.record and f.record.terminated else 1 << 40
                for f in cf
            ],
            np.int64,
        )
        rows = np.flatnonzero(known[canon] & ((day < first[canon]) | (day > last[canon])))
        self._emit(
            ok[rows],
            "code.inactive",
            [canon[rows], day[rows]],
            lambda c, d: msg_inactive(cf[c].record, self.day_of_ordinal[d]),  # type: ignore[arg-type]
            facts.catalog_release,
        )
        unpaid = self._per_canon([f.status in _NOT_PAYABLE for f in cf], bool)
        rows = np.flatnonzero(unpaid[canon])
        self._emit(
            ok[rows],
            "pfs.not_payable",
            [canon[rows]],
            lambda c: msg_not_payable(cf[c]),
            lambda c: cf[c].pfs_release,
            _WARNING,
        )
        mod = self.mod_idx[ok]
        has50 = np.asarray(["50" in m for m in self.mods], dtype=bool)
        no50 = self._per_canon([f.bilateral in _BILATERAL_50 for f in cf], bool)
        rows = np.flatnonzero(has50[mod] & no50[canon])
        self._emit(
            ok[rows],
            "modifier.bilateral",
            [canon[rows]],
            lambda c: msg_bilateral(cf[c]),
            lambda c: cf[c].pfs_release,
        )
        has26 = np.asarray(["26" in m for m in self.mods], dtype=bool)
        hastc = np.asarray(["TC" in m for m in self.mods], dtype=bool)
        no26 = self._per_canon(
            [f.pc_tc is not None and f.pc_tc not in _ALLOWS_26 for f in cf], bool
        )
        notc = self._per_canon(
            [f.pc_tc is not None and f.pc_tc not in _ALLOWS_TC for f in cf], bool
        )
        b26, btc = has26[mod] & no26[canon], hastc[mod] & notc[canon]
        rows = np.flatnonzero(b26 | btc)
        self._emit(
            ok[rows],
            "modifier.pctc",
            [canon[rows], b26[rows].astype(np.int64), btc[rows].astype(np.int64)],
            lambda c, x, y: msg_pctc(cf[c], tuple(m for m, on in (("26", x), ("TC", y)) if on)),
            lambda c, x, y: cf[c].pfs_release,
        )
        self.mue_max = self._per_canon(
            [f.mue.max_units if f.mue is not None else -1 for f in cf], np.int64
        )
        self.mue_mai = self._per_canon(
            [int(f.mue.indicator.value) if f.mue is not None else 0 for f in cf], np.int64
        )
        units = self.units[ok]
        rows = np.flatnonzero((self.mue_mai[canon] == 1) & (units > self.mue_max[canon]))
        self._emit(
            ok[rows],
            "mue.units",
            [canon[rows], units[rows]],
            lambda c, u: msg_mue_line(cf[c].mue, u),  # type: ignore[arg-type]
            facts.mue_release,
        )

    def _group_rules(self) -> None:
        np, pd, facts, cf = self.np, self.pd, self.facts, self.canon_facts
        ok, canon = self.ok, self.canon
        n_canon = len(cf)
        day = self.date_ord[ok]
        # (claim, date) groups: lines of one usually come together, so runs are found first
        # and only the first line of each run is hashed
        claim = self.claim_idx[ok]
        run_start = np.empty(len(ok), dtype=bool)
        run_start[0] = True
        run_start[1:] = (claim[1:] != claim[:-1]) | (day[1:] != day[:-1])
        starts_at = np.flatnonzero(run_start)
        day_rel = day[starts_at] - day.min()
        span = int(day_rel.max()) + 1
        run_group = np.asarray(pd.factorize(claim[starts_at] * span + day_rel)[0], dtype=np.int64)
        g = run_group[np.cumsum(run_start) - 1]
        # (claim, date, code) within them
        gc, gc_uniques = pd.factorize(g * n_canon + canon)
        gc_uniques = np.asarray(gc_uniques, dtype=np.int64)
        gc_g = gc_uniques // n_canon
        gc = np.asarray(gc, dtype=np.int64)
        gc_c = gc_uniques % n_canon
        n_gc = len(gc_uniques)
        first_row = np.zeros(n_gc, dtype=np.int64)
        first_row[gc[::-1]] = np.arange(len(gc))[::-1]
        gc_day = day[first_row]
        count = np.bincount(gc, minlength=n_gc)
        units = np.bincount(gc, weights=self.units[ok], minlength=n_gc).astype(np.int64)
        line_ids = self.line_ids[ok]
        if len(line_ids) < 2 or bool(np.all(line_ids[1:] > line_ids[:-1])):
            order = np.argsort(gc, kind="stable")  # lines already in order
        else:
            order = np.lexsort((line_ids, gc))
        starts = np.concatenate([[0], np.cumsum(count)])
        sorted_lines = line_ids[order]

        def lines_of(k: int) -> tuple[int, ...]:
            return tuple(sorted_lines[starts[k] : starts[k + 1]].tolist())

        mods = self.mod_idx[ok]
        ddate = self.day_of_ordinal
        # mue.units per date of service (indicators 2 and 3)
        mai, most = self.mue_mai[gc_c], self.mue_max[gc_c]
        ks = np.flatnonzero((mai >= 2) & (units > most))
        if len(ks):
            c_k, u_k, d_k = gc_c[ks], units[ks], gc_day[ks]
            head_i, head_u = pd.factorize(c_k * (int(u_k.max()) + 1) + u_k)
            head_u = np.asarray(head_u, dtype=np.int64)
            heads = _objects(
                np,
                [
                    mue_date_head(cf[c].mue, u)
                    for c, u in zip(
                        (head_u // (int(u_k.max()) + 1)).tolist(),
                        (head_u % (int(u_k.max()) + 1)).tolist(),
                        strict=True,
                    )
                ],
            )
            tail_i, tail_u = pd.factorize(c_k)
            tails = _objects(
                np,
                [mue_date_tail(cf[c].mue) for c in tail_u.tolist()],
            )
            day_i, day_u = pd.factorize(d_k)
            days = _objects(np, [ddate[d].isoformat() for d in day_u.tolist()])
            messages = heads[head_i] + days[day_i] + tails[tail_i]
            groups = _tuples(np, sorted_lines, starts, count, ks)
            self._out(
                [g[0] for g in groups], "mue.units", groups, list(messages), facts.mue_release
            )
        # bilateral.unmarked
        marker = np.asarray([bool({"50", "RT", "LT"} & set(m)) for m in self.mods], dtype=bool)
        marked = np.bincount(gc, weights=marker[mods], minlength=n_gc) > 0
        bil1 = self._per_canon([f.bilateral == Bilateral.ADJUSTMENT_150 for f in cf], bool)
        ks = np.flatnonzero(bil1[gc_c] & (count >= 2) & ~marked)
        if len(ks):
            groups = _tuples(np, sorted_lines, starts, count, ks)
            self._out(
                [g[0] for g in groups],
                "bilateral.unmarked",
                groups,
                [
                    msg_unmarked(cf[c].code, n, ddate[d])
                    for c, n, d in zip(
                        gc_c[ks].tolist(), count[ks].tolist(), gc_day[ks].tolist(), strict=True
                    )
                ],
                [cf[c].pfs_release for c in gc_c[ks].tolist()],
            )
        self._addons(g, gc_g, gc_c, gc_day, gc_uniques, n_canon, lines_of)
        if facts.ptp is not None:
            ncci = np.asarray([bool(NCCI_MODIFIERS.intersection(m)) for m in self.mods], dtype=bool)
            line_ncci = ncci[mods]
            gc_ncci = np.bincount(gc, weights=line_ncci, minlength=n_gc) > 0
            gc_min_line = sorted_lines[starts[:-1]]
            self._ptp(gc_g, gc_c, gc_day, gc_ncci, gc_min_line, line_ncci, order, starts)

    def _addons(
        self,
        g: Any,
        gc_g: Any,
        gc_c: Any,
        gc_day: Any,
        gc_uniques: Any,
        n_canon: int,
        lines_of: Callable[[int], tuple[int, ...]],
    ) -> None:
        np, cf = self.np, self.canon_facts
        add_on = self._per_canon([f.add_on for f in cf], bool)
        candidates = np.flatnonzero(add_on[gc_c])
        if not len(candidates):
            return
        canon_of = {f.code: c for c, f in enumerate(cf)}
        # groups with a line whose code is not an add-on: enough for an add-on of unknown primaries
        eligible = np.bincount(g, weights=~add_on[self.canon], minlength=int(g.max()) + 1) > 0
        present = self.pd.Index(gc_uniques)
        wanted = {
            c: [canon_of[p] for p in cf[c].primaries or () if p in canon_of]
            for c in set(gc_c[candidates].tolist())
        }
        # every (candidate, primary) key, looked up at once
        owner: list[int] = []
        keys: list[int] = []
        with_primaries = candidates[
            self._per_canon([bool(wanted.get(c)) for c in range(len(cf))], bool)[gc_c[candidates]]
        ]
        for k, c, group in zip(
            with_primaries.tolist(),
            gc_c[with_primaries].tolist(),
            gc_g[with_primaries].tolist(),
            strict=True,
        ):
            for p in wanted[c]:
                owner.append(k)
                keys.append(group * n_canon + p)
        found = np.zeros(len(gc_c), dtype=bool)
        if keys:
            hits = present.get_indexer(np.asarray(keys, dtype=np.int64)) >= 0
            found[np.asarray(owner, dtype=np.int64)[hits]] = True
        known = self._per_canon([bool(f.primaries) for f in cf], bool)[gc_c[candidates]]
        hit = np.where(known, found[candidates], eligible[gc_g[candidates]])
        firsts: list[int] = []
        messages: list[str] = []
        for k in candidates[~hit].tolist():
            f = cf[int(gc_c[k])]
            message = msg_no_primary(f.code, f.primaries, self.day_of_ordinal[int(gc_day[k])])
            lines = lines_of(k)
            firsts.extend(lines)
            messages.extend([message] * len(lines))
        self._out(
            firsts,
            "addon.no_primary",
            list(zip(firsts)),
            messages,
            self.facts.catalog_release,
        )

    def _ptp(
        self,
        gc_g: Any,
        gc_c: Any,
        gc_day: Any,
        gc_ncci: Any,
        gc_min_line: Any,
        line_ncci: Any,
        order: Any,
        starts: Any,
    ) -> None:
        np, pd, cf = self.np, self.pd, self.canon_facts
        ptp = self.facts.ptp
        assert ptp is not None
        number = self._per_canon([f.ptp_number for f in cf], np.int64)
        usable = np.flatnonzero(number[gc_c] >= 0)
        if not len(usable) or not len(ptp):
            return
        # every ordered pair of distinct codes within a claim and date (a self-join by group)
        items = usable[np.argsort(gc_g[usable], kind="stable")]
        group = gc_g[items]
        size = np.bincount(group)[group]
        start = np.concatenate([[0], np.flatnonzero(group[1:] != group[:-1]) + 1])
        start = np.repeat(start, np.diff(np.concatenate([start, [len(items)]])))
        k1 = np.repeat(items, size)
        offset = np.arange(len(k1)) - np.repeat(np.cumsum(size) - size, size)
        k2 = items[np.repeat(start, size) + offset]
        gc_number = number[gc_c]
        keys = (gc_number[k1] << 26) | gc_number[k2]
        index, first_row, rows_per_key, seen = _key_index(pd, np, ptp)
        # a bit per hashed key first: most pairs of codes have no edit, and are dropped here
        h = ((keys.astype(np.uint64) * np.uint64(_HASH)) >> np.uint64(64 - _BITS)).astype(np.int64)
        maybe = np.flatnonzero((seen[h >> 3] >> (h & 7)) & 1)
        k1, k2, keys = k1[maybe], k2[maybe], keys[maybe]
        keep = k1 != k2
        k1, k2, keys = k1[keep], k2[keep], keys[keep]
        position = index.get_indexer(keys)
        hit = np.flatnonzero(position >= 0)
        if not len(hit):
            return
        k1, k2, position = k1[hit], k2[hit], position[hit]
        lo = first_row[position]
        hi = lo + rows_per_key[position]
        # one candidate per edit row of each pair; keep the latest row in effect on the day
        spans = hi - lo
        pair_of = np.repeat(np.arange(len(k1)), spans)
        offset = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
        row = np.repeat(lo, spans) + offset
        effective = np.frombuffer(ptp.effective, dtype=np.int32)[row]
        deleted = np.frombuffer(ptp.deleted, dtype=np.int32)[row]
        on = gc_day[k1[pair_of]]
        active = (effective <= on) & (on <= deleted)
        pair_of, row = pair_of[active], row[active]
        if not len(row):
            return
        best = np.full(len(k1), -1, dtype=np.int64)
        np.maximum.at(best, pair_of, row)
        chosen = np.flatnonzero(best >= 0)
        rows = best[chosen]
        indicator = np.frombuffer(ptp.modifier, dtype=np.int8)[rows].astype(np.int64)
        live = (indicator == 0) | ((indicator == 1) & ~gc_ncci[k1[chosen]])
        chosen, rows, indicator = chosen[live], rows[live], indicator[live]
        rationale_ids = np.frombuffer(ptp.rationale_ids, dtype=np.int16)[rows].tolist()
        line_ids = self.line_ids[self.ok]
        cache: dict[tuple[int, int, int, int], str] = {}
        release = ptp.release
        firsts: list[int] = []
        rules: list[str] = []
        pairs: list[tuple[int, ...]] = []
        texts: list[str] = []
        for p, ind, rid in zip(chosen.tolist(), indicator.tolist(), rationale_ids, strict=True):
            a, b = int(k1[p]), int(k2[p])
            ca, cb = int(gc_c[a]), int(gc_c[b])
            key = (ca, cb, ind, rid)
            message = cache.get(key)
            if message is None:
                message = cache[key] = msg_ptp(cf[ca].code, cf[cb].code, ind, ptp.rationales[rid])
            rule = "ptp.pair" if ind == 0 else "ptp.modifier"
            first = int(gc_min_line[a])
            for r in order[starts[b] : starts[b + 1]].tolist():
                if ind == 1 and line_ncci[r]:
                    continue
                line = int(line_ids[r])
                lines = (first, line) if first < line else (line, first)
                firsts.append(lines[0])
                rules.append(rule)
                pairs.append(lines)
                texts.append(message)
        self._out(firsts, rules, pairs, texts, release)

    # -- the result ----------------------------------------------------------------------------
    def _frame(self) -> Any:
        np, pd = self.np, self.pd
        chunks = list(self.chunks)
        if not chunks:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDING_COLUMNS}).astype(
                {"line": "int64"}
            )
        firsts, rules, liness, messages, severities, releases = [], [], [], [], [], []
        for first, rule, lines, message, severity, release in chunks:
            n = len(first)
            firsts.append(first)
            rules.append(_objects(np, rule) if isinstance(rule, list) else _fill(np, rule, n))
            if lines is None:
                lines = _objects(np, list(zip(first.tolist())))
            liness.append(lines)
            messages.append(message)
            severities.append(
                _objects(np, severity) if isinstance(severity, list) else _fill(np, severity, n)
            )
            releases.append(release if not isinstance(release, str) else _fill(np, release, n))
        first_all = np.concatenate(firsts)
        rule_all = np.concatenate(rules)
        rank_of = {name: i for i, name in enumerate(sorted(RULES))}
        rank = np.concatenate(
            [
                np.asarray([rank_of[r] for r in rule], dtype=np.int64)
                if isinstance(rule, list)
                else np.full(len(first), rank_of[rule], dtype=np.int64)
                for first, rule, *_ in chunks
            ]
        )
        second = np.concatenate(
            [
                np.full(len(first), -1, dtype=np.int64)
                if lines is None
                else np.asarray([t[1] if len(t) > 1 else -1 for t in lines], dtype=np.int64)
                for first, _, lines, *_ in chunks
            ]
        )
        order = np.lexsort((second, rank, first_all))
        lines_all = np.concatenate(liness)
        message_all = np.concatenate(messages)
        # ties on (first line, rule, second line): ordered by lines, then message, as check()
        f_sorted, r_sorted, s_sorted = first_all[order], rank[order], second[order]
        same = (
            (f_sorted[1:] == f_sorted[:-1])
            & (r_sorted[1:] == r_sorted[:-1])
            & (s_sorted[1:] == s_sorted[:-1])
        )
        if same.any():
            order = order.copy()
            edges = np.flatnonzero(np.diff(np.concatenate([[0], same.astype(np.int8), [0]])))
            for a, b in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
                run = order[a : b + 1].tolist()
                run.sort(key=lambda i: (lines_all[i], message_all[i]))
                order[a : b + 1] = run
        return pd.DataFrame(
            {
                "line": first_all[order],
                "rule": pd.Series(rule_all[order], dtype=object),
                "severity": pd.Series(np.concatenate(severities)[order], dtype=object),
                "lines": pd.Series(lines_all[order], dtype=object),
                "message": pd.Series(message_all[order], dtype=object),
                "release": pd.Series(np.concatenate(releases)[order], dtype=object),
            }
        )


_HASH = 0x9E3779B97F4A7C15
_BITS = 26  # 2**26 bits (8 MiB): about 3 % of pairs without an edit pass the first test

_KEY_INDEXES: weakref.WeakKeyDictionary[PtpTable, tuple[Any, Any, Any, Any]] = (
    weakref.WeakKeyDictionary()
)
_KEY_LOCK = threading.Lock()


def _reset_locks_in_child() -> None:
    """After fork(): the parent's locks may be held by a thread that does not exist here."""
    global _FACTS_LOCK, _KEY_LOCK
    _FACTS_LOCK = threading.Lock()
    _KEY_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_reset_locks_in_child)


def _key_index(pd: Any, np: Any, ptp: PtpTable) -> tuple[Any, Any, Any, Any]:
    """A hash index of a PTP table's distinct pair keys, with each key's first row and row
    count, and a bitmap of hashed keys; built once per table and process (kept while the
    table lives)."""
    found = _KEY_INDEXES.get(ptp)
    if found is None:
        with _KEY_LOCK:
            found = _KEY_INDEXES.get(ptp)
            if found is None:
                keys = np.frombuffer(ptp.keys, dtype=np.int64)
                starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
                counts = np.diff(np.concatenate([starts, [len(keys)]]))
                h = (keys.astype(np.uint64) * np.uint64(_HASH)) >> np.uint64(64 - _BITS)
                flags = np.zeros(1 << _BITS, dtype=bool)
                flags[h.astype(np.int64)] = True
                seen = np.packbits(flags, bitorder="little")
                found = (pd.Index(keys[starts]), starts, counts, seen)
                _KEY_INDEXES[ptp] = found
    return found


def _tuples(np: Any, values: Any, starts: Any, count: Any, ks: Any) -> list[tuple[int, ...]]:
    """``tuple(values[starts[k] : starts[k] + count[k]])`` for each ``k`` of ``ks``, built a
    size at a time (most groups hold one to three lines)."""
    out: list[tuple[int, ...]] = [()] * len(ks)
    sizes = count[ks]
    for size in np.unique(sizes).tolist():
        where = np.flatnonzero(sizes == size)
        first = starts[ks[where]]
        columns = [values[first + j].tolist() for j in range(size)]
        for i, item in zip(where.tolist(), zip(*columns, strict=True), strict=True):
            out[i] = item
    return out


def _objects(np: Any, items: Any) -> Any:
    out = np.empty(len(items), dtype=object)
    out[:] = list(items)
    return out


def _fill(np: Any, value: str, n: int) -> Any:
    out = np.empty(n, dtype=object)
    out[:] = value
    return out

"""The claim rules on a pandas DataFrame: `check_frame`.

Needs pandas and numpy (``pip install 'proccodes[frames]'``). The columns are factorized and
each distinct value is checked once by the line path's own validation
(`proccodes.claims.lines`); the lines then go to the one rule engine
(`proccodes.claims.engine`) as a `Batch`, so the findings
are exactly `proccodes.claims.check`'s.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import ArgumentTypeError, ArgumentValueError
from ..records import Severity
from .engine import Batch, Key, KeyColumns, Row, Rules, collector_paused, run_rows
from .lines import (
    Finding,
    claim_value,
    code_value,
    date_value,
    provider_value,
    split_modifiers,
    units_value,
)
from .pricing import PricedFrame, PricingLine, fee_data_of, price_lines, priced_frames
from .rules import facts_for
from .select import vectorized_selector

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..fees import FeeData
    from ..sources.ncci import MueTable, PtpTable
    from ..sources.pfs import FeeSchedule

__all__ = [
    "COLUMNS",
    "FINDING_COLUMNS",
    "check_frame",
    "column_names",
    "findings_from_frame",
    "frames_library",
]

COLUMNS = (
    "claim",
    "date",
    "code",
    "modifiers",
    "units",
    "provider",
    "place_of_service",
    "locality",
)
"""The input columns: claim (or encounter) id, date of service, code, modifiers, units, billing
provider, place of service and locality (the last two only for ``price=``). Only the first three
are required; ``modifiers`` is text (``"59 LT"``), ``units`` defaults to 1, ``provider`` to
none."""

FINDING_COLUMNS = (
    "line",
    "rule",
    "severity",
    "lines",
    "message",
    "release",
    "claim",
    "date",
    "codes",
    "modifiers",
    "fix",
)
"""The columns of the findings frame: the first line concerned, then a `Finding`'s
fields (``date`` as YYYY-MM-DD text)."""


def frames_library(name: str) -> Any:
    """The module ``name`` (pandas, numpy, dask.dataframe) or an ImportError naming the extra.

    >>> frames_library("pandas").__name__
    'pandas'
    """
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
    pfs: FeeSchedule | Sequence[FeeSchedule] | None = None,
    columns: Mapping[str, str] | None = None,
    line_column: str | None = None,
    rules: Rules | None = None,
    price: bool | FeeData | FeeSchedule | str | os.PathLike[str] | None = None,
    locality: str | None = None,
) -> Any:
    """The findings on the lines of ``frame`` as a DataFrame (columns `FINDING_COLUMNS`),
    sorted as `check` sorts them.

    ``frame`` is a pandas DataFrame, or anything with ``to_pandas()`` (a pyarrow Table).
    ``columns`` maps our names (`COLUMNS`) to the frame's, e.g. ``{"claim": "encounter"}``.
    Lines are numbered by position from 0, or by the distinct integers of ``line_column``.
    A value that `ClaimLine` refuses is a TypeError or ValueError
    naming its line.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"claim": ["A1", "A1"], "date": ["2025-11-03"] * 2,
    ...                       "code": ["6449", "62290"], "modifiers": ["", "ZZ9"]})
    >>> check_frame(frame)[["line", "rule"]].to_dict("records")
    [{'line': 0, 'rule': 'code.malformed'}, {'line': 1, 'rule': 'modifier.unknown'}]

    ``price`` and ``locality`` price each line and claim as `check`
    does; the locality is the argument, or the ``locality`` column when the frame has one, and
    the place of service the ``place_of_service`` column. The result is then a
    `PricedFrame` (findings, lines and claims frames).

    >>> frame = pd.DataFrame({"claim": ["A1", "A1"], "date": ["2025-11-03"] * 2,
    ...                       "code": ["64635", "J3301"], "place_of_service": ["11", "11"]})
    >>> priced = check_frame(frame, price=True, locality="01112-05")
    >>> priced.lines[["line", "allowed"]].to_dict("records")
    [{'line': 0, 'allowed': 552.01}, {'line': 1, 'allowed': nan}]
    >>> priced.lines["not_priced"][1][:37], priced.claims.to_dict("records")
    ('J3301: not paid under the PFS: status', [{'claim': 'A1', 'allowed': 552.01}])
    """
    pd = frames_library("pandas")
    frames_library("numpy")
    if not isinstance(frame, pd.DataFrame):
        if hasattr(frame, "to_pandas"):
            frame = frame.to_pandas()
        else:
            raise ArgumentTypeError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    names = column_names(columns)
    facts = facts_for(catalog, ptp, mue, pfs)
    fee_data = fee_data_of(price)
    if fee_data is not None and locality is None and names["locality"] not in frame.columns:
        raise ArgumentValueError(
            "price needs locality= (MAC-LL, e.g. 01112-05) or a locality column"
        )
    with collector_paused():
        reader = _Reader(pd, frame, names, line_column, ptp)
        batch = reader.batch()
        found = _frame(pd, run_rows(batch, facts, rules, reader.select))
        if fee_data is None:
            return found
        fees, totals = price_lines(reader.pricing_lines(batch, locality), fee_data, batch.line_ids)
        lines, claims = priced_frames(pd, fees, totals)
        return PricedFrame(findings=found, lines=lines, claims=claims)


def column_names(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Our column names (`COLUMNS`) mapped to the frame's.

    >>> column_names({"claim": "encounter"})["claim"]
    'encounter'
    """
    names = {c: c for c in COLUMNS}
    if columns is not None:
        if not isinstance(columns, Mapping):
            raise ArgumentTypeError("columns must be a mapping of our column names to the frame's")
        for key, value in columns.items():
            if key not in names:
                raise ArgumentValueError(f"unknown column name {key!r}; expected one of {COLUMNS}")
            if not isinstance(value, str):
                raise ArgumentTypeError(f"columns[{key!r}] must be text")
            names[key] = value
    return names


def findings_from_frame(frame: Any) -> list[Finding]:
    """The findings frame of `check_frame` as `Finding` objects.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"claim": ["A1"], "date": ["2025-11-03"], "code": ["6449"]})
    >>> findings_from_frame(check_frame(frame))[0].rule
    'code.malformed'
    """
    n = len(frame)
    cols = set(frame.columns)

    def col(name: str, default: Any) -> list[Any]:
        return list(frame[name]) if name in cols else [default] * n

    out = []
    for rule, severity, lines, message, release, claim, day, codes, mods, fix in zip(
        frame["rule"],
        frame["severity"],
        frame["lines"],
        frame["message"],
        frame["release"],
        col("claim", ""),
        col("date", None),
        col("codes", ()),
        col("modifiers", ()),
        col("fix", ""),
        strict=True,
    ):
        out.append(
            Finding(
                rule=rule,
                severity=Severity(severity),
                lines=tuple(int(i) for i in lines),
                message=message,
                release=release,
                claim=claim,
                date=date.fromisoformat(day) if isinstance(day, str) and day else None,
                codes=tuple(codes),
                modifiers=tuple(mods),
                fix=fix,
            )
        )
    return out


def _frame(pd: Any, rows: list[Row]) -> Any:
    names = ("line", "rule", "lines", "message", "release", "claim", "date", "codes")
    columns = list(zip(*rows, strict=True)) if rows else [()] * 11
    data = {
        name: pd.Series(column, dtype="int64" if name == "line" else object)
        for name, column in zip((*names, "modifiers", "fix", "severity"), columns, strict=True)
        if name not in ("date", "severity")  # written below
    }
    value = {s: s.value for s in set(columns[10])}  # each distinct severity read once
    data["severity"] = pd.Series([value[s] for s in columns[10]], dtype=object)
    text = {d: d.isoformat() for d in set(columns[6])}  # each distinct date written once
    data["date"] = pd.Series([text[d] for d in columns[6]], dtype=object)
    return pd.DataFrame({name: data[name] for name in FINDING_COLUMNS})


class _Reader:
    """The columns of one frame in the engine's form, each distinct value checked once."""

    def __init__(
        self,
        pd: Any,
        frame: Any,
        names: dict[str, str],
        line_column: str | None,
        ptp: PtpTable | None = None,
    ):
        self.pd = pd
        self.ptp = ptp
        self._text_checks = (claim_value, self._code, self._provider)
        self.np = frames_library("numpy")
        self.frame = frame
        self.names = names
        self.n = len(frame)
        self.line_ids: Sequence[int] = range(self.n)
        self.units_array: Any = None
        if line_column is not None:
            self.line_ids = self._line_ids(self._column(line_column, "line_column"))

    def _column(self, name: str, what: str) -> Any:
        frame = self.frame
        if name not in frame.columns:
            raise ArgumentValueError(
                f"the frame has no {name!r} column (the {what}); it has "
                f"{', '.join(map(str, frame.columns))}"
            )
        column = frame[name]
        if not hasattr(column, "dtype"):
            raise ArgumentValueError(
                f"the frame has {column.shape[1]} columns named {name!r} ({what})"
            )
        return column

    def _row(self, position: int) -> int:
        return int(self.line_ids[position])

    def _where(self, codes: Any, k: int) -> int:
        return self._row(int(self.np.flatnonzero(codes == k)[0]))

    def _line_ids(self, column: Any) -> list[int]:
        ids: list[int] = []
        for i, value in enumerate(column.tolist()):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ArgumentValueError(
                    f"line {i}: line_column must hold whole numbers of 0 or more, not {value!r}"
                )
            ids.append(value)
        if len(set(ids)) != len(ids):
            seen: set[int] = set()
            for value in ids:
                if value in seen:
                    raise ArgumentValueError(
                        f"line {value}: the line number is used twice (line_column)"
                    )
                seen.add(value)
        return ids

    def _factorize(self, column: Any, name: str) -> tuple[Any, list[Any]]:
        """Codes and distinct values; unhashable values (lists) are made tuples first."""
        np, pd = self.np, self.pd
        try:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
        except TypeError:
            values = [tuple(v) if isinstance(v, list) else v for v in column.tolist()]
            try:
                codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
            except TypeError:
                for i, v in enumerate(values):
                    try:
                        hash(v)
                    except TypeError:
                        raise ArgumentTypeError(
                            f"line {self._row(i)}: the {name} must be text, not {type(v).__name__}"
                        ) from None
                raise
        values = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
        self._last_uniques = uniques
        return np.asarray(codes, dtype=np.int64), values

    def _all_text(self, column: Any, uniques: list[Any]) -> bool:
        """Whether every distinct value is text that is not blank: vectorized for a string
        column (its values are all text), else one pass."""
        pd = self.pd
        found = self._last_uniques
        if isinstance(column.dtype, pd.StringDtype) and hasattr(found, "str"):
            return not bool((found.str.strip() == "").any())
        return all(v.__class__ is str and v.strip() for v in uniques)

    def _values(
        self, column: Any, name: str, check: Callable[[Any], Any], missing: Any = ...
    ) -> tuple[Any, list[Any]]:
        codes, uniques = self._factorize(column, name)
        out: list[Any] = []
        if check in self._text_checks and self._all_text(column, uniques):
            out = uniques  # text that is not blank: each of these checks returns it unchanged
        else:
            for k, raw in enumerate(uniques):
                try:
                    out.append(check(raw))
                except (TypeError, ValueError) as exc:
                    raise type(exc)(f"line {self._where(codes, k)}: {exc}") from None
        if len(codes) and codes.min() < 0:
            if missing is ...:
                row = self._row(int(self.np.flatnonzero(codes < 0)[0]))
                raise ArgumentValueError(f"line {row}: the {name} is missing")
            codes = self.np.where(codes < 0, len(out), codes)
            out.append(missing)
        return codes, out

    def _code(self, raw: Any) -> str:
        if not isinstance(raw, str):
            raise ArgumentTypeError(
                f"the code must be text, not {type(raw).__name__} {raw!r} (read CSV files "
                "with dtype=str, so that 00100 keeps its zeros)"
            )
        return code_value(raw)

    def _date(self, raw: Any) -> date:
        if hasattr(raw, "to_pydatetime"):
            raw = raw.to_pydatetime()
        return date_value(raw)

    def _modifiers(self, raw: Any) -> tuple[str, ...]:
        if isinstance(raw, float) and raw != raw:
            return ()
        return split_modifiers(raw)

    def _provider(self, raw: Any) -> str | None:
        if isinstance(raw, float) and raw != raw:
            return None
        return provider_value(raw)

    def _units(self, column: Any) -> list[int]:
        np = self.np
        if not len(column):
            return []
        kind = column.dtype.kind
        if kind in "iuf" and column.hasnans:
            bad = int(np.flatnonzero(column.isna().to_numpy())[0])
            raise ArgumentValueError(f"line {self._row(bad)}: the units are missing")
        if kind in "iu":
            self.units_array = column.to_numpy()  # for the selector, which reads them as floats
            return list(column.tolist())  # Python ints, exact at any size
        if kind == "f":
            raise ArgumentTypeError(f"line {self._row(0)}: units must be a whole number, not float")
        if kind == "b":
            raise ArgumentTypeError(f"line {self._row(0)}: units must be a whole number, not bool")
        values = column.tolist()
        out: list[int] = []
        for i, v in enumerate(values):
            if v is None or (isinstance(v, float) and v != v) or v is self.pd.NA:
                raise ArgumentValueError(f"line {self._row(i)}: the units are missing")
            try:
                out.append(units_value(v.item() if isinstance(v, np.integer) else v))
            except TypeError as exc:
                raise ArgumentTypeError(f"line {self._row(i)}: {exc}") from None
        return out

    def pricing_lines(self, batch: Batch, locality: str | None) -> list[PricingLine]:
        """The lines of ``batch`` as `price_lines` takes them:
        the place of service and locality from their columns (text, or whole numbers for the
        place of service), else None and ``locality``."""
        names, n = self.names, self.n
        columns = self.frame.columns

        def texts(name: str, default: str | None) -> list[str | None]:
            if names[name] not in columns:
                return [default] * n
            out: list[str | None] = []
            for i, v in enumerate(self._column(names[name], name).tolist()):
                if v is None or (isinstance(v, float) and v != v):
                    out.append(default)
                elif isinstance(v, int) and not isinstance(v, bool) and name == "place_of_service":
                    out.append(f"{v:02d}")
                elif isinstance(v, str):
                    out.append(v.strip() or default)
                else:
                    raise ArgumentTypeError(
                        f"line {self._row(i)}: the {name.replace('_', ' ')} must be text, not "
                        f"{type(v).__name__}"
                    )
            return out

        places = texts("place_of_service", None)
        localities = texts("locality", locality)
        keys, claims = batch.keys, batch.claims
        return [
            (claims[c], *_key_fields(keys[k]), units, pos, loc)
            for k, c, units, pos, loc in zip(
                batch.key_of, batch.claim_of, batch.units, places, localities, strict=True
            )
        ]

    def batch(self) -> Batch:
        np, pd, names, n = self.np, self.pd, self.names, self.n
        frame = self.frame
        code_idx, codes = self._values(self._column(names["code"], "code"), "code", self._code)
        claim_idx, claims = self._values(
            self._column(names["claim"], "claim"), "claim", claim_value
        )
        date_idx, days = self._values(
            self._column(names["date"], "date"), "date of service", self._date
        )
        zeros = np.zeros(n, dtype=np.int64)
        mod_idx, mods = zeros, [()]
        if names["modifiers"] in frame.columns:
            mod_idx, mods = self._values(
                self._column(names["modifiers"], "modifiers"),
                "modifiers",
                self._modifiers,
                missing=(),
            )
        prov_idx, provs = zeros, [None]
        if names["provider"] in frame.columns:
            prov_idx, provs = self._values(
                self._column(names["provider"], "provider"), "provider", self._provider, None
            )
        units: Sequence[int] = [1] * n
        if names["units"] in frame.columns:
            units = self._units(self._column(names["units"], "units"))
        # one key per distinct (code, modifiers, date, provider): the four numbers packed in
        # one integer (successively factorized if their product could overflow), then decoded
        parts = [(code_idx, len(codes)), (mod_idx, len(mods)), (date_idx, len(days))]
        parts.append((prov_idx, len(provs)))
        widths = [max(w, 1) for _, w in parts]
        if math.prod(widths) < 2**62:
            packed = np.zeros(n, dtype=np.int64)
            for idx, width in zip((p for p, _ in parts), widths, strict=True):
                packed = packed * width + idx
            packed, uniq = pd.factorize(packed)
            rest = np.asarray(uniq, dtype=np.int64)
            columns: list[Any] = []
            for width in reversed(widths):
                rest, part = np.divmod(rest, width)
                columns.append(part.tolist())
            c_, m_, d_, p_ = reversed(columns)
        else:  # pragma: no cover - billions of distinct values
            packed, uniq = pd.factorize(code_idx)
            combos: list[tuple[int, ...]] = [(int(u),) for u in uniq]
            for idx, _ in parts[1:]:
                width = int(idx.max()) + 1 if n else 1
                packed, uniq = pd.factorize(np.asarray(packed, dtype=np.int64) * width + idx)
                combos = [(*combos[int(u) // width], int(u) % width) for u in uniq]
            c_, m_, d_, p_ = (list(column) for column in zip(*combos, strict=True))
        keys = KeyColumns(
            codes=codes,
            modifiers=mods,
            days=days,
            providers=provs,
            code_of=c_,
            modifiers_of=m_,
            day_of=d_,
            provider_of=p_,
        )
        self.key_idx = np.asarray(packed, dtype=np.int64)
        units_of = units if self.units_array is None else self.units_array
        self.select = vectorized_selector(self.key_idx, claim_idx, units_of, self.ptp)
        return Batch(
            keys=keys,
            key_of=self.key_idx.tolist() if n else [],
            claims=claims,
            claim_of=claim_idx.tolist(),
            units=units,
            line_ids=self.line_ids,
        )


def _key_fields(key: Key) -> tuple[date, str | None, str, tuple[str, ...]]:
    code, mods, day, provider = key
    return day, provider, code, mods

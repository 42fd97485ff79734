"""Medicare's allowed amounts on checked claims: ``check(..., price=...)``.

An option of `check` and `check_frame`, off by
default. Each line is priced by `proccodes.fees.price_claim` with the lines of its claim,
date of service, billing provider, locality and place of service (the multiple-procedure
ranking is per day and provider), so a line's amount is `proccodes.fees.price`'s with
its rank. The place of service is the line's; the locality an argument or, in a DataFrame, a
column. A line that cannot be priced (no place of service, a code the PFS does not price, a
date outside the release's year) has no amount and says why.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import ArgumentTypeError
from .lines import Finding

if TYPE_CHECKING:
    from ..fees import FeeData
    from ..sources.pfs import FeeSchedule

__all__ = ["LineFee", "PricedCheck", "PricedFrame", "fee_data_of", "price_lines", "priced_frames"]

PricingLine = tuple[str, date, "str | None", str, tuple[str, ...], int, "str | None", "str | None"]
"""claim, date, provider, code, modifiers, units, place of service, locality."""

_MAX_CACHED = 65_536


@attrs.frozen(kw_only=True)
class LineFee:
    """The price of one line: its ``line`` number and ``claim``, ``allowed`` (dollars, or
    None when not priced, with the reason in ``not_priced``) and the full
    `Fee` (its `arithmetic` shows each
    factor).

    >>> LineFee(line=0, claim="A1", allowed=None, not_priced="no place of service").allowed
    """

    line: int
    claim: str
    allowed: Decimal | None
    not_priced: str = ""
    fee: Any = attrs.field(default=None, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class PricedCheck:
    """What ``check(..., price=...)`` returns: the ``findings`` (as without pricing), the
    ``lines`` priced (a `LineFee` per line, in input order) and ``claims``: each
    claim's total allowed amount (the sum of its priced lines).

    >>> PricedCheck(findings=[], lines=(), claims={}).claims
    {}
    """

    findings: list[Finding]
    lines: tuple[LineFee, ...]
    claims: Mapping[str, Decimal]


@attrs.frozen(kw_only=True)
class PricedFrame:
    """What ``check_frame(..., price=...)`` returns: the ``findings`` frame (as without
    pricing), ``lines`` (a row per input line: ``line``, ``claim``, ``allowed`` in dollars, NaN
    when not priced, and ``not_priced``, the reason or "") and ``claims`` (``claim`` and its
    total ``allowed``)."""

    findings: Any
    lines: Any
    claims: Any


def priced_frames(pd: Any, fees: Sequence[LineFee], totals: Mapping[str, Decimal]) -> Any:
    """The ``lines`` and ``claims`` frames of `PricedFrame`.

    >>> import pandas as pd
    >>> lines, claims = priced_frames(pd, [LineFee(line=0, claim="A", allowed=Decimal("1.5"))],
    ...                               {"A": Decimal("1.5")})
    >>> lines["allowed"].tolist(), claims.to_dict("records")
    ([1.5], [{'claim': 'A', 'allowed': 1.5}])
    """
    lines = pd.DataFrame(
        {
            "line": pd.Series([f.line for f in fees], dtype="int64"),
            "claim": pd.Series([f.claim for f in fees], dtype=object),
            "allowed": pd.Series(
                [float("nan") if f.allowed is None else float(f.allowed) for f in fees],
                dtype="float64",
            ),
            "not_priced": pd.Series([f.not_priced for f in fees], dtype=object),
        }
    )
    claims = pd.DataFrame(
        {
            "claim": pd.Series(list(totals), dtype=object),
            "allowed": pd.Series([float(v) for v in totals.values()], dtype="float64"),
        }
    )
    return lines, claims


def fee_data_of(price: Any) -> FeeData | FeeSchedule | None:
    """The pricing data of a ``price=`` option, loaded once: None for False or None (pricing
    off), the shipped PFS data for True, a `FeeData` or
    `FeeSchedule` as given, a path through
    `load_fee_data`.

    >>> fee_data_of(False) is None, fee_data_of(True).pfs_release[:7]
    (True, 'CMS PFS')
    """
    from ..fees import FeeData, default_fee_data, load_fee_data
    from ..sources.pfs import FeeSchedule

    if price is None or price is False:
        return None
    if price is True:
        return default_fee_data()
    if isinstance(price, FeeData | FeeSchedule):
        return price
    if isinstance(price, str | os.PathLike):
        return load_fee_data(price)
    raise ArgumentTypeError(
        "price must be True, False, a FeeData, a FeeSchedule or the path of a PFS release, "
        f"not {type(price).__name__}"
    )


def price_lines(
    lines: Sequence[PricingLine], data: FeeData | FeeSchedule, line_ids: Sequence[int]
) -> tuple[tuple[LineFee, ...], dict[str, Decimal]]:
    """Price ``lines`` (see `PricingLine`), numbered ``line_ids``: a `LineFee`
    per line and each claim's total. Lines of one claim, date, provider, locality and place of
    service go to `proccodes.fees.price_claim` together; each distinct such day of lines
    is priced once.

    >>> day = date(2025, 11, 3)
    >>> fees, totals = price_lines(
    ...     [("A1", day, None, "64635", (), 1, "11", "01112-05"),
    ...      ("A1", day, None, "64493", (), 1, "11", "01112-05")], fee_data_of(True), [0, 1])
    >>> [f.allowed for f in fees], totals
    ([Decimal('552.01'), Decimal('111.44')], {'A1': Decimal('663.45')})
    """
    from ..fees import Fee, FeeError, price_claim

    groups: dict[tuple[str, date, str | None, str | None, str | None], list[int]] = {}
    for i, (claim, day, provider, _, _, _, pos, locality) in enumerate(lines):
        groups.setdefault((claim, day, provider, locality, pos), []).append(i)
    out: list[LineFee | None] = [None] * len(lines)
    totals: dict[str, Decimal] = {}
    kept: dict[object, tuple[Fee | FeeError, ...]] = {}
    for (claim, day, _, locality, pos), members in groups.items():
        totals.setdefault(claim, Decimal("0.00"))
        if pos is None or locality is None:
            why = "no place of service" if pos is None else "no locality"
            for i in members:
                out[i] = LineFee(line=line_ids[i], claim=claim, allowed=None, not_priced=why)
            continue
        items = tuple((lines[i][3], lines[i][4], lines[i][5]) for i in members)
        signature = (items, day, locality, pos)
        fees = kept.get(signature)
        if fees is None:
            if len(kept) >= _MAX_CACHED:
                kept.clear()
            fees = kept[signature] = price_claim(
                [{"code": c, "modifiers": m, "units": u} for c, m, u in items],
                locality=locality,
                pos=pos,
                on=day,
                pfs=data,
            )
        for i, fee in zip(members, fees, strict=True):
            if isinstance(fee, Fee):
                out[i] = LineFee(line=line_ids[i], claim=claim, allowed=fee.allowed, fee=fee)
                totals[claim] = totals.get(claim, Decimal(0)) + fee.allowed
            else:
                out[i] = LineFee(line=line_ids[i], claim=claim, allowed=None, not_priced=str(fee))
    return tuple(f for f in out if f is not None), totals

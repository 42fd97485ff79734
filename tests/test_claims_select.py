"""The frame path's selector is a necessary condition only: on every pair of lines built from
the codes and modifiers that its tighter tests look at (PTP rows in and out of effect,
indicators 0, 1 and 9, a pair with two rows, bypassing and anatomic modifiers, 50/RT/LT on
bilateral codes, global-period exits), the frame path finds exactly what the line path finds."""

from __future__ import annotations

import gc
import itertools
from datetime import date
from typing import Any

import pytest

from proccodes.claims import ClaimLine, Finding, check
from proccodes.claims.engine import Batch, finding_of, run_rows
from proccodes.claims.rules import facts_for

from . import claims_data
from .test_claims import _frame_check
from .test_claims_paths import generated_lines, tables

CODES = ["64493", "62290", "72148", "72131", "22526", "99213", "63047", "64494"]
MODIFIERS = ["", "59", "RT", "LT", "RT 59", "25", "24", "57", "79", "50", "XS", "58"]
DATES = [date(2017, 6, 1), date(2026, 7, 1), date(2026, 7, 20)]


def pair_claims() -> list[ClaimLine]:
    variants = list(itertools.product(CODES, MODIFIERS))
    lines: list[ClaimLine] = []
    for n, ((c1, m1), (c2, m2)) in enumerate(itertools.product(variants, repeat=2)):
        first, second = DATES[n % 3], DATES[(n // 3) % 3]
        if n % 5 == 0:
            second = first
        provider = None if n % 7 else "P1"
        for code, mods, day in ((c1, m1, first), (c2, m2, second)):
            lines.append(
                ClaimLine(claim=f"C{n}", date=day, code=code, modifiers=mods, provider=provider)
            )
    return lines


def exhaustive(lines: list[ClaimLine], **kw: Any) -> list[Finding]:
    """The engine on every line and claim, without a selector: the oracle of the selectors."""
    facts = facts_for(kw.get("catalog"), kw.get("ptp"), kw.get("mue"))
    return [finding_of(r) for r in run_rows(Batch.of_lines(lines), facts)]


def test_selector_misses_nothing_on_every_pair_of_lines() -> None:
    pytest.importorskip("pandas")
    ptp, mue = tables()
    kw = {"ptp": ptp, "mue": mue, "catalog": claims_data.catalog()}
    lines = pair_claims()
    expected = exhaustive(lines, **kw)
    rules = {f.rule for f in expected}
    assert {"ptp.pair", "ptp.modifier", "bilateral.unmarked", "global.em"} <= rules
    assert check(lines, **kw) == expected  # selected by numpy: over 2,048 lines
    assert _frame_check(lines, **kw) == expected


def test_line_path_selector_on_generated_claims() -> None:
    pytest.importorskip("numpy")
    ptp, mue = tables()
    kw = {"ptp": ptp, "mue": mue, "catalog": claims_data.catalog()}
    lines = generated_lines(5000, seed=11)
    expected = exhaustive(lines, **kw)
    assert len({f.rule for f in expected}) >= 10
    assert check(lines, **kw) == expected


def test_blank_text_in_a_string_column_names_its_line() -> None:
    pd = pytest.importorskip("pandas")
    from proccodes.claims import check_frame

    for dtype in ("string", object):
        frame = pd.DataFrame(
            {
                "claim": pd.array(["A", " "], dtype=dtype),
                "date": ["2025-11-03"] * 2,
                "code": pd.array(["64635", "64635"], dtype=dtype),
            }
        )
        with pytest.raises(ValueError, match="line 1: the claim must not be empty"):
            check_frame(frame)
        assert gc.isenabled()  # the collector paused during the check is back on


def test_the_collector_is_paused_only_while_checking() -> None:
    from proccodes.claims.engine import collector_paused

    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer check still runs
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()

"""The frame path's faster engine input (keys as columns, groups handed to the engine alone,
groups found by sorting) finds exactly what the engine finds without a selector: on lines
whose claims are scattered through the input, and on lines numbered by a column."""

from __future__ import annotations

import random
from typing import Any

import attrs
import pytest

from proccodes.claims import ClaimLine, check
from proccodes.claims.engine import Batch, KeyColumns, run_rows

from . import claims_data
from .test_claims import _frame_check
from .test_claims_paths import generated_lines, tables
from .test_claims_select import exhaustive


def kw() -> dict[str, Any]:
    ptp, mue = tables()
    return {"ptp": ptp, "mue": mue, "catalog": claims_data.catalog()}


def test_scattered_claims_give_the_oracle_findings() -> None:
    pytest.importorskip("pandas")
    lines = generated_lines(4000, seed=11)
    random.Random(3).shuffle(lines)  # a claim's lines no longer come together
    expected = exhaustive(lines, **kw())
    rules = {f.rule for f in expected}
    assert {"mue.units", "bilateral.unmarked", "ptp.modifier", "addon.no_primary"} <= rules
    assert check(lines, **kw()) == expected  # over 2,048 lines: selected by numpy
    assert _frame_check(lines, **kw()) == expected


def test_lines_numbered_by_a_column_give_the_oracle_findings() -> None:
    pytest.importorskip("pandas")
    from proccodes.claims import check_frame, findings_from_frame

    lines = generated_lines(3000, seed=12)
    frame = claims_data.frame_of(
        lines,
        provider=[x.provider for x in lines],
        n=[2 * i + 7 for i in range(len(lines))],
    )
    expected = [
        attrs.evolve(f, lines=tuple(2 * i + 7 for i in f.lines)) for f in exhaustive(lines, **kw())
    ]
    found = findings_from_frame(check_frame(frame, line_column="n", **kw()))
    assert found == expected


def test_a_group_alone_and_the_same_group_in_a_claim_agree() -> None:
    """The MUE per date and bilateral.unmarked of one code on one date, decided by the engine
    for a group the selector hands it alone, and for the same lines in a claim it hands whole
    (an add-on without its primary makes the second claim's rules look at the whole claim)."""
    pytest.importorskip("pandas")
    day = "2026-08-03"

    def claim(name: str, extra: list[ClaimLine]) -> list[ClaimLine]:
        return [
            ClaimLine(claim=name, date=day, code="64493", units=3),
            ClaimLine(claim=name, date=day, code="64493"),
            *extra,
        ]

    alone = claim("A", [])
    whole = claim("B", [ClaimLine(claim="B", date=day, code="64494")])
    filler = [ClaimLine(claim=f"F{i}", date=day, code="62290") for i in range(2100)]
    lines = alone + whole + filler
    expected = exhaustive(lines, **kw())
    group_rules = {"mue.units", "bilateral.unmarked"}

    def of(name: str) -> list[tuple[str, tuple[int, ...], str]]:
        found = [f for f in expected if f.claim == name and f.rule in group_rules]
        return [(f.rule, tuple(i - f.lines[0] for i in f.lines), f.message) for f in found]

    assert {r for r, _, _ in of("A")} == group_rules
    assert of("A") == of("B")
    assert check(lines, **kw()) == expected
    assert _frame_check(lines, **kw()) == expected


def test_keys_as_columns_are_the_keys() -> None:
    lines = generated_lines(300, seed=13)
    batch = Batch.of_lines(lines)
    keys = list(batch.keys)
    codes = sorted({k[0] for k in keys})
    mods = sorted({k[1] for k in keys})
    days = sorted({k[2] for k in keys})
    providers = sorted({k[3] for k in keys}, key=str)
    columns = KeyColumns(
        codes=codes,
        modifiers=mods,
        days=days,
        providers=providers,
        code_of=[codes.index(k[0]) for k in keys],
        modifiers_of=[mods.index(k[1]) for k in keys],
        day_of=[days.index(k[2]) for k in keys],
        provider_of=[providers.index(k[3]) for k in keys],
    )
    assert list(columns) == keys
    assert columns[1:3] == keys[1:3]
    assert len(columns) == len(keys)
    as_columns = attrs.evolve(batch, keys=columns)
    from proccodes.claims.rules import facts_for

    facts = facts_for(claims_data.catalog(), *tables())
    assert run_rows(as_columns, facts) == run_rows(batch, facts)

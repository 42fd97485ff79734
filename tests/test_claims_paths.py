"""The line, frame (and Dask) paths give the same findings; any valid lines never raise."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proccodes.claims import ClaimLine, check
from proccodes.sources.ncci import MueTable, PtpTable

from . import claims_data
from .test_claims import _frame_check

CODES = [
    "64493", "64494", "64636", "62290", "72148", "72131", "22526", "G0260", "Q9974", "J0185",
    "97110", "62287", " 64493", "64493 ", "j0185", "6449", "6229O", "", "99999", "0001U",
]  # fmt: skip
MODIFIERS = ["", "50", "RT", "LT", "26", "TC", "59", "XS", "GP", "QQ", "ZZZ", "25", "76"]
DATES = [
    date(2017, 12, 31), date(2018, 1, 1), date(2021, 12, 31), date(2026, 3, 2),
    date(2026, 7, 31), date(2026, 8, 3), date(2026, 8, 10), date(2026, 11, 2),
]  # fmt: skip
CODES += ["99213", "63047"]
MODIFIERS += ["24", "57", "79"]

_TABLES: dict[str, tuple[PtpTable, MueTable]] = {}


def tables(tmp_path_factory: pytest.TempPathFactory | None = None) -> tuple[PtpTable, MueTable]:
    if "t" not in _TABLES:
        import tempfile
        from pathlib import Path

        _TABLES["t"] = claims_data.tables(Path(tempfile.mkdtemp(prefix="claims-")))
    return _TABLES["t"]


lines_strategy = st.lists(
    st.builds(
        lambda claim, day, code, mods, units, provider: ClaimLine(
            claim=claim, date=day, code=code or "x", modifiers=mods, units=units, provider=provider
        ),
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(DATES),
        st.sampled_from(CODES).filter(lambda c: c.strip() != ""),
        st.lists(st.sampled_from(MODIFIERS), max_size=3),
        st.integers(min_value=-1, max_value=4),
        st.sampled_from([None, None, "P1", "P2"]),
    ),
    max_size=14,
)


@given(lines_strategy)
def test_any_valid_lines_give_findings_never_an_exception(lines: list[ClaimLine]) -> None:
    ptp, mue = tables()
    found = check(lines, ptp=ptp, mue=mue, catalog=claims_data.catalog())
    assert all(f.lines and max(f.lines) < len(lines) for f in found)
    assert found == sorted(found, key=lambda f: f.sort_key())


@given(lines_strategy)
def test_frame_path_equals_line_path(lines: list[ClaimLine]) -> None:
    pytest.importorskip("pandas")
    ptp, mue = tables()
    kw = {"ptp": ptp, "mue": mue, "catalog": claims_data.catalog()}
    assert _frame_check(lines, **kw) == check(lines, **kw)


def generated_lines(count: int, seed: int = 5) -> list[ClaimLine]:
    """Claims of one to six lines, a few dates each, many repeated codes."""
    rng = random.Random(seed)
    lines: list[ClaimLine] = []
    claim = 0
    while len(lines) < count:
        claim += 1
        day = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.1:
                day += timedelta(days=1)
            lines.append(
                ClaimLine(
                    claim=f"C{claim}",
                    date=day,
                    code=rng.choice(CODES[:12]),
                    modifiers=rng.sample(MODIFIERS, rng.choice((0, 0, 0, 1, 2))),
                    units=rng.choice((1, 1, 1, 2, 3, 7)),
                    provider=rng.choice((None, None, "P1")),
                )
            )
    return lines[:count]


def test_frame_path_equals_line_path_on_generated_claims() -> None:
    pytest.importorskip("pandas")
    ptp, mue = tables()
    lines = generated_lines(5000)
    kw = {"ptp": ptp, "mue": mue, "catalog": claims_data.catalog()}
    expected = check(lines, **kw)
    assert len({f.rule for f in expected}) >= 10
    assert _frame_check(lines, **kw) == expected


def test_frame_input_forms() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    from proccodes.claims import check_frame, findings_from_frame

    frame = pd.DataFrame(
        {
            "encounter": ["A", "A"],
            "dos": pd.to_datetime(["2026-03-02", "2026-03-02"]),
            "hcpcs": ["64494", "62290"],
            "line_no": [10, 4],
        }
    )
    cat = claims_data.catalog()
    names = {"claim": "encounter", "date": "dos", "code": "hcpcs"}
    found = findings_from_frame(check_frame(frame, catalog=cat, columns=names))
    assert [(f.rule, f.lines) for f in found] == [("addon.no_primary", (0,))]
    found = findings_from_frame(
        check_frame(pa.Table.from_pandas(frame), catalog=cat, columns=names, line_column="line_no")
    )
    assert [(f.rule, f.lines) for f in found] == [("addon.no_primary", (10,))]
    assert list(check_frame(frame.iloc[:0], catalog=cat, columns=names).columns) == [
        "line", "rule", "severity", "lines", "message", "release", "claim", "date", "codes",
        "modifiers", "fix",
    ]  # fmt: skip


def test_frame_bad_input() -> None:
    pd = pytest.importorskip("pandas")
    from proccodes.claims import check_frame

    good = {"claim": ["A"], "date": ["2026-03-02"], "code": ["62290"]}
    with pytest.raises(TypeError, match="DataFrame"):
        check_frame([1, 2])
    with pytest.raises(ValueError, match="no 'code' column"):
        check_frame(pd.DataFrame({"claim": ["A"], "date": ["2026-03-02"]}))
    with pytest.raises(TypeError, match="line 0: the code must be text"):
        check_frame(pd.DataFrame({**good, "code": [62290]}))
    with pytest.raises(ValueError, match="line 0: date of service must be YYYY-MM-DD"):
        check_frame(pd.DataFrame({**good, "date": ["03/02/2026"]}))
    with pytest.raises(ValueError, match="line 0: the claim is missing"):
        check_frame(pd.DataFrame({**good, "claim": [None]}))
    with pytest.raises(TypeError, match="line 0: units must be a whole number"):
        check_frame(pd.DataFrame({**good, "units": [1.5]}))
    with pytest.raises(ValueError, match="unknown column name"):
        check_frame(pd.DataFrame(good), columns={"cpt": "code"})

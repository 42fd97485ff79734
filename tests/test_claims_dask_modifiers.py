"""check_dask with a list-valued (or tuple) modifiers column gives check_frame's findings
(issue 15.15): Dask's ``from_pandas`` turns an object column into strings ("['59 LT']"); each
worker makes them lists again. Small frames on the synchronous scheduler: no cluster needed."""

from __future__ import annotations

import pytest

from proccodes.claims import check_frame, findings_from_frame

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")


def _lines(modifiers: list[object]) -> object:
    n = len(modifiers)
    codes = ["64493", "20552", "99214", "20552", "64635", "64635", "64635", "99214"]
    return pd.DataFrame(
        {
            "claim": [f"C{i // 2}" for i in range(n)],
            "date": ["2025-11-03"] * n,
            "code": codes[:n],
            "modifiers": pd.Series(modifiers, dtype=object),
            "units": [1] * n,
        }
    )


def _sorted(found: object) -> list[object]:
    return sorted(findings_from_frame(found), key=lambda f: f.sort_key())


MODIFIERS: list[object] = [
    ["RT"],
    ("RT",),
    ["59"],
    [],
    ["R T"],  # one item: an unknown modifier, not R and T
    ["59 LT"],  # one item, not 59 and LT
    None,
    ("25",),
]


@pytest.mark.parametrize("convert_string", [True, False])
def test_list_and_tuple_modifiers_on_dask_equal_check_frame(convert_string: bool) -> None:
    import dask

    from proccodes.claims import check_dask

    lines = _lines(MODIFIERS)
    expected = _sorted(check_frame(lines))
    assert any(f.rule == "modifier.unknown" and f.modifiers == ("59 LT",) for f in expected)
    with dask.config.set({"dataframe.convert-string": convert_string}):
        frame = dd.from_pandas(lines, npartitions=3)
        got = _sorted(check_dask(frame).compute(scheduler="sync"))
    assert got == expected


def test_a_modifier_that_is_not_text_is_refused_on_both_paths() -> None:
    from proccodes.claims import check_dask

    lines = _lines([[59], []])
    with pytest.raises(TypeError, match="must be text"):
        check_frame(lines)
    with pytest.raises(TypeError, match="must be text"):
        check_dask(dd.from_pandas(lines, npartitions=1)).compute(scheduler="sync")


def test_text_that_only_looks_like_a_list_stays_text() -> None:
    from proccodes.claims.cluster import restore_modifier_lists

    part = pd.DataFrame(
        {
            "modifiers": pd.Series(
                ["['59' 'LT']", "[59, LT]", "(59)", "59,LT", "[" * 300], dtype="string"
            )
        }
    )
    assert restore_modifier_lists(part, "modifiers") is part  # nothing is a list's own text
    assert restore_modifier_lists(part, "absent") is part

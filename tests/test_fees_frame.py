"""price_frame: every row equals price(), on each of its ways to number the distinct rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from proccodes.fees import FeeError, price, price_frame

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")


def _expected(row: dict[str, object]) -> Decimal | str:
    try:
        return price(
            row["code"],  # type: ignore[arg-type]
            locality=row["locality"],  # type: ignore[arg-type]
            pos=row["pos"],  # type: ignore[arg-type]
            modifiers=row["modifiers"],  # type: ignore[arg-type]
            units=row["units"],  # type: ignore[arg-type]
        ).allowed
    except FeeError as exc:
        return str(exc)


def _check(frame: object) -> None:
    out = price_frame(frame)
    for row, (_, got) in zip(frame.to_dict("records"), out.iterrows(), strict=True):  # type: ignore[attr-defined]
        want = _expected(row)
        if isinstance(want, str):
            assert got["fee_error"] == want
            assert np.isnan(got["allowed"])
        else:
            assert pd.isna(got["fee_error"])
            assert Decimal(str(got["allowed"])).quantize(Decimal("0.01")) == want


def test_the_first_reason_is_the_one_price_gives():
    # a bad POS and a bad locality and an unknown code on one row: price() names the POS first
    frame = pd.DataFrame(
        {
            "code": ["99999", "99999", "99999", "64635"],
            "locality": ["1-2", "1-2", "10112-00", "10112-00"],
            "pos": ["office", "11", "11", "11"],
            "modifiers": ["", "", "", ""],
            "units": [1, 1, 1, 0],
        }
    )
    _check(frame)
    errors = price_frame(frame)["fee_error"].tolist()
    assert "two-digit POS" in errors[0]
    assert "MAC-LL" in errors[1]
    assert "not in the PFS" in errors[2]
    assert "units" in errors[3]


def test_units_far_apart_and_many_rows_equal_price():
    rng = np.random.default_rng(5)
    n = 300
    frame = pd.DataFrame(
        {
            "code": rng.choice(["99214", "64635", "J3301", "72148", "70496"], n),
            "locality": rng.choice(["10112-00", "01112-05", "01182-18"], n),
            "pos": rng.choice(["11", "22", "10", "02"], n),
            "modifiers": rng.choice(["", "50", "26", "TC", "51", "80"], n),
            "units": rng.choice([1, 2, 10_000], n),  # a spread of units: factorized, not offset
        }
    )
    _check(frame)


def test_an_empty_frame_gives_an_empty_result():
    frame = pd.DataFrame({"code": [], "locality": [], "pos": [], "units": []})
    out = price_frame(frame.astype({"units": "int64"}))
    assert len(out) == 0
    assert list(out.columns) == ["fee_schedule_amount", "allowed", "facility", "fee_error"]


def test_combining_more_values_than_one_integer_holds():
    from proccodes.fees import _combine

    a = np.array([0, 1, 0, 1, 0], dtype=np.int64)
    b = np.array([3, 3, 3, 2, 3], dtype=np.int64)
    for widths in ((2, 4), (2**40, 2**40)):  # the second cannot be packed in 62 bits
        ids, parts = _combine(pd, np, [(a, widths[0]), (b, widths[1])], len(a))
        pairs = list(zip(parts[0].tolist(), parts[1].tolist(), strict=True))
        assert [pairs[i] for i in ids] == list(zip(a.tolist(), b.tolist(), strict=True))
        assert len(set(pairs)) == len(pairs) == 3

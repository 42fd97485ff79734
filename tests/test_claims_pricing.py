"""check(..., price=...) and check_frame(..., price=...): each line's allowed amount is
proccodes.fees.price's (ranked per claim, date and provider as fees.price_claim ranks), each
claim's total the sum of its priced lines; pricing is off by default."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from proccodes.claims import ClaimLine, check
from proccodes.fees import FeeError, price

from . import claims_data

DAY = date(2025, 11, 3)
SAMPLES = [  # code, modifiers, units, place of service, locality
    ("99214", "", 1, "11", "10112-00"),
    ("99214", "", 1, "22", "10112-00"),
    ("64635", "50", 1, "11", "01112-05"),
    ("64635", "", 1, "24", "01112-05"),
    ("64493", "RT", 2, "11", "01112-05"),
    ("72148", "26", 1, "22", "10112-00"),
    ("72148", "TC", 1, "11", "10112-00"),
    ("20552", "", 1, "11", "01112-05"),
]


def test_each_single_line_claim_equals_fees_price() -> None:
    lines = [
        ClaimLine(claim=f"C{i}", date=DAY, code=c, modifiers=m, units=u, place_of_service=pos)
        for i, (c, m, u, pos, _) in enumerate(SAMPLES)
    ]
    for line, (code, mods, units, pos, loc) in zip(lines, SAMPLES, strict=True):
        priced = check([line], price=True, locality=loc)
        expected = price(code, locality=loc, pos=pos, modifiers=mods.split(), units=units, on=DAY)
        assert priced.lines[0].allowed == expected.allowed
        assert priced.lines[0].fee == expected
        assert priced.claims == {line.claim: expected.allowed}
        assert priced.findings == check([line])


def test_a_claim_ranks_its_procedures_and_totals_them() -> None:
    lines = [
        ClaimLine(claim="A", date=DAY, code="64493", place_of_service="11"),
        ClaimLine(claim="A", date=DAY, code="64635", place_of_service="11"),
        ClaimLine(claim="A", date=DAY, code="99214", modifiers="25", place_of_service="11"),
        ClaimLine(claim="B", date=DAY, code="J3301", place_of_service="11"),
        ClaimLine(claim="B", date=DAY, code="64493"),
    ]
    priced = check(lines, price=True, locality="01112-05")
    kw = {"locality": "01112-05", "pos": "11", "on": DAY}
    first = price("64635", rank=1, **kw).allowed
    second = price("64493", rank=2, **kw).allowed
    visit = price("99214", modifiers=["25"], **kw).allowed
    assert [f.allowed for f in priced.lines] == [second, first, visit, None, None]
    assert second < price("64493", **kw).allowed  # 50 % as the second procedure
    assert priced.claims == {"A": first + second + visit, "B": Decimal("0.00")}
    with pytest.raises(FeeError) as exc:
        price("J3301", **kw)
    assert priced.lines[3].not_priced == str(exc.value)
    assert priced.lines[4].not_priced == "no place of service"


def test_frame_path_prices_as_the_line_path() -> None:
    pytest.importorskip("pandas")
    from proccodes.claims import check_frame

    lines = [
        ClaimLine(claim=f"C{i // 2}", date=DAY, code=c, modifiers=m, units=u, place_of_service=pos)
        for i, (c, m, u, pos, _) in enumerate(SAMPLES)
    ]
    frame = claims_data.frame_of(
        lines,
        place_of_service=[int(x.place_of_service or 0) for x in lines],  # read as numbers
        locality=[s[4] for s in SAMPLES],
    )
    priced = check_frame(frame, price=True)
    for i, (line, sample) in enumerate(zip(lines, SAMPLES, strict=True)):
        expected = check([line], price=True, locality=sample[4]).lines[0].allowed
        assert expected is not None
        assert priced.lines["allowed"][i] == float(expected)
    by_claim = priced.lines.groupby("claim")["allowed"].sum().round(2).to_dict()
    assert dict(zip(priced.claims["claim"], priced.claims["allowed"], strict=True)) == by_claim
    assert list(priced.findings.columns) == list(check_frame(frame).columns)


def test_pricing_is_an_option() -> None:
    pd = pytest.importorskip("pandas")
    from proccodes.claims import check_frame

    line = ClaimLine(claim="A", date=DAY, code="99214", place_of_service="11")
    assert check([line]) == []
    assert check([line], price=False) == []
    with pytest.raises(ValueError, match="locality"):
        check([line], price=True)
    with pytest.raises(TypeError, match="price must be"):
        check([line], price=3)  # type: ignore[call-overload]
    frame = pd.DataFrame({"claim": ["A"], "date": ["2025-11-03"], "code": ["99214"]})
    with pytest.raises(ValueError, match="locality"):
        check_frame(frame, price=True)
    priced = check_frame(frame, price=True, locality="10112-00")
    assert priced.lines["not_priced"].tolist() == ["no place of service"]

"""The multiple endoscopy rule (PFS multiple procedure indicator 3), worked by hand to the cent.

CMS's text, read before these tests were written:

- the release PDF (``../shared/data/cms-pfs-rvu/RVU25D/RVU25D.pdf``, field "Multiple Procedure
  (Modifier 51)", indicator 3): "Special rules for multiple endoscopic procedures apply if
  procedure is billed with another endoscopy in the same family (i.e., another endoscopy that
  has the same base procedure). The base procedure for each code with this indicator is
  identified in the Endobase field of this file. Apply the multiple endoscopy rules to a family
  before ranking the family with the other procedures performed on the same day [...]. If an
  endoscopic procedure is reported with only its base procedure, do not pay separately for the
  base procedure. Payment for the base procedure is included in the payment for the other
  endoscopy."
- IOM 100-04 ch. 12 §40.6.2 (not in ../shared; its step for indicator 3 as Codapedia,
  "Multiple endoscopic procedures", 2009, quotes it): "Pay the full value of the highest valued
  endoscopy, plus the difference between the next highest and the base endoscopy".
The family's place among the day's other procedures is read from the release PDF's "before
ranking the family with the other procedures": the family is ranked as one procedure at its
total (no CMS text stating the total was available here).

The RVUs are the literals of ../shared/data/cms-pfs-rvu/RVU25D/PPRRVU2025_Oct.csv (the shipped
release; the RVU columns only, never the description), the GPCIs those of GPCI2025 (RVU25A):
    45378 (MULT PROC 2, no ENDO BASE): work 3.26, PE non-fac 6.44, fac 1.79, MP 0.43
    45380 (MULT PROC 3, ENDO BASE 45378): work 3.56, PE 8.79 / 1.93, MP 0.47
    45385 (MULT PROC 3, ENDO BASE 45378): work 4.57, PE 8.33 / 2.38, MP 0.56
    43235 (MULT PROC 2, no ENDO BASE): work 2.09, PE 6.18 / 1.29, MP 0.27
    43239 (MULT PROC 3, ENDO BASE 43235): work 2.39, PE 8.36 / 1.42, MP 0.29
    64635 (MULT PROC 2): work 3.32, PE 9.39 / 2.16, MP 0.29
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proccodes.fees import Fee, price, price_claim
from proccodes.records import MultipleProcedure

from .conftest import SHARED

D = Decimal
PPRRVU_OCT = SHARED / "data" / "cms-pfs-rvu" / "RVU25D" / "PPRRVU2025_Oct.csv"
AL = (D("1"), D("0.869"), D("0.575"))  # GPCI2025: 10112, AL, 00
SF = (D("1.088"), D("1.419"), D("0.445"))  # GPCI2025: 01112, CA, 05
CF = D("32.3465")


def cents(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def hand(work: str, pe: str, mp: str, gpci: tuple[Decimal, ...]) -> Decimal:
    return cents((D(work) * gpci[0] + D(pe) * gpci[1] + D(mp) * gpci[2]) * CF)


def fees(lines: list[dict[str, object]], locality: str, pos: str) -> list[Fee]:
    out = price_claim(lines, locality=locality, pos=pos)
    assert all(isinstance(f, Fee) for f in out), out
    return list(out)  # type: ignore[arg-type]


@pytest.mark.skipif(not PPRRVU_OCT.exists(), reason="../shared/data absent")
def test_endo_base_column_is_parsed_as_the_file_states():
    from proccodes import get

    with PPRRVU_OCT.open(encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "HCPCS")
    top, names = rows[head - 1], rows[head]
    pairs = list(zip(top, names, strict=True))
    base_col = pairs.index(("ENDO", "BASE"))
    file_bases = {r[0]: r[base_col] for r in rows[head + 1 :] if r and not r[1]}
    for code in ("45380", "45385", "43239", "29807", "45378", "43235"):
        assert (get(code).pfs.endoscopic_base or "") == file_bases[code]
    assert get("45380").pfs.multiple_procedure == MultipleProcedure.ENDOSCOPIC


def test_colonoscopy_family_in_an_office_in_alabama():
    # 45378 (base) + 45380 + 45385 billed together, non-facility
    base = hand("3.26", "6.44", "0.43", AL)
    biopsy = hand("3.56", "8.79", "0.47", AL)
    polyp = hand("4.57", "8.33", "0.56", AL)
    assert (base, biopsy, polyp) == (D("294.47"), D("370.97"), D("392.39"))
    got = fees([{"code": "45378"}, {"code": "45380"}, {"code": "45385"}], "10112-00", "11")
    # the highest in full, the other its difference with the base, the base not paid
    assert [f.allowed for f in got] == [D("0.00"), biopsy - base, polyp]
    assert got[1].allowed == D("76.50")
    assert got[1].endoscopic_base == "45378"
    assert got[1].endoscopic_base_amount == base
    assert sum(f.allowed for f in got) == D("468.89")
    text = got[1].arithmetic()
    assert "- 294.47 fee schedule amount of the endoscopic base 45378" in text


def test_an_endoscopy_with_only_its_base_pays_the_endoscopy_alone():
    got = fees([{"code": "45380"}, {"code": "45378"}], "10112-00", "11")
    assert [f.allowed for f in got] == [D("370.97"), D("0.00")]
    assert any("not paid separately" in n for n in got[1].notes)


def test_family_ranked_as_one_procedure_with_unrelated_surgery_and_another_family():
    # San Francisco, outpatient hospital (facility PE)
    base = hand("3.26", "1.79", "0.43", SF)
    biopsy = hand("3.56", "1.93", "0.47", SF)
    polyp = hand("4.57", "2.38", "0.56", SF)
    rfa = hand("3.32", "2.16", "0.29", SF)
    egd_base = hand("2.09", "1.29", "0.27", SF)
    egd = hand("2.39", "1.42", "0.29", SF)
    assert (base, biopsy, polyp, rfa, egd_base, egd) == (
        D("203.08"),
        D("220.64"),
        D("278.13"),
        D("220.16"),
        D("136.65"),
        D("153.46"),
    )
    colon_family = polyp + (biopsy - base)  # 295.69: first of the day
    assert colon_family > rfa > egd  # the upper-GI family (43239 with its base) is third
    got = fees(
        [
            {"code": "45378"},
            {"code": "45380"},
            {"code": "45385", "modifiers": ["51"]},
            {"code": "64635"},
            {"code": "43239"},
            {"code": "43235"},
        ],
        "01112-05",
        "22",
    )
    assert [f.allowed for f in got] == [
        D("0.00"),
        D("17.56"),
        D("278.13"),
        cents(rfa * D("0.5")),  # 110.08
        cents(egd * D("0.5")),  # 76.73
        D("0.00"),
    ]
    assert got[3].allowed == D("110.08")
    assert got[4].allowed == D("76.73")


def test_family_second_of_the_day_takes_50_percent_of_each_member():
    # 64635 (376.73 in an Alabama office) above the family 43239 + 43235 (317.69)
    rfa = hand("3.32", "9.39", "0.29", AL)
    egd = hand("2.39", "8.36", "0.29", AL)
    assert (rfa, egd) == (D("376.73"), D("317.69"))
    got = fees([{"code": "43235"}, {"code": "43239"}, {"code": "64635"}], "10112-00", "11")
    assert [f.allowed for f in got] == [D("0.00"), cents(egd * D("0.5")), rfa]
    assert got[1].allowed == D("158.85")


def test_unrelated_endoscopies_are_ranked_as_indicator_2():
    # 45380 and 43239 are of different families: the usual multiple surgery rule
    got = fees([{"code": "43239"}, {"code": "45380"}], "10112-00", "11")
    assert [f.allowed for f in got] == [cents(D("317.69") * D("0.5")), D("370.97")]
    assert any("no other endoscopy of the family" in n for n in got[0].notes)


def test_the_line_api_says_the_family_rule_needs_the_claim():
    fee = price("45380", locality="10112-00", pos="11", rank=2)
    assert fee.allowed == cents(D("370.97") * D("0.5"))
    assert any("endoscopic family rule" in n for n in fee.notes)


FAMILY = ["45378", "45379", "45380", "45381", "45384", "45385", "45388"]
OTHERS = ["43235", "43239", "64635", "99214", "J3301"]


@settings(deadline=None)
@given(
    codes=st.lists(st.sampled_from(FAMILY + OTHERS), min_size=1, max_size=6),
    pos=st.sampled_from(["11", "22"]),
)
def test_a_day_never_pays_more_than_its_lines_and_the_family_rule_holds(codes, pos):
    lines = [{"code": c} for c in codes]
    got = price_claim(lines, locality="10112-00", pos=pos)
    alone = [price_claim([line], locality="10112-00", pos=pos)[0] for line in lines]
    members = [i for i, c in enumerate(codes) if c in FAMILY[1:]]
    for i, fee in enumerate(got):
        if not isinstance(fee, Fee):
            continue
        full = alone[i]
        assert isinstance(full, Fee)
        assert D("0.00") <= fee.allowed <= full.allowed
        if codes[i] == "45378" and members:
            assert fee.allowed == 0  # the base with another endoscopy of its family
    if len(members) >= 2 or (members and "45378" in codes):
        top = max(alone[i].allowed for i in members)  # type: ignore[union-attr]
        assert any(got[i].allowed in (top, cents(top * D("0.5"))) for i in members)  # type: ignore[union-attr]


def test_checked_claims_price_the_family_and_frames_agree() -> None:
    from datetime import date

    from proccodes.claims import ClaimLine, check, check_frame

    day = date(2025, 11, 3)
    codes = ["45378", "45380", "45385"]
    lines = [
        ClaimLine(claim="A", date=day, code=c, place_of_service="11", provider="P1") for c in codes
    ]
    priced = check(lines, price=True, locality="10112-00")
    assert [f.allowed for f in priced.lines] == [D("0.00"), D("76.50"), D("392.39")]
    assert priced.claims == {"A": D("468.89")}
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "claim": ["A"] * 3,
            "date": ["2025-11-03"] * 3,
            "code": codes,
            "place_of_service": ["11"] * 3,
            "provider": ["P1"] * 3,
            "locality": ["10112-00"] * 3,
        }
    )
    framed = check_frame(frame, price=True)
    assert framed.lines["allowed"].tolist() == [0.0, 76.5, 392.39]
    assert framed.claims["allowed"].tolist() == [468.89]

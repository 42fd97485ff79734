"""Multiple-procedure indicators 4, 5, 6 and 7, worked by hand to the cent.

The release PDF (../shared/data/cms-pfs-rvu/RVU25D/RVU25D.pdf, "Multiple Procedure (Modifier
51)") states, read before these tests were written:
  4: "If procedure is reported in the same session on the same day as another procedure with
     the same family indicator, rank the procedures by fee schedule amount for the TC. Pay 100%
     for the highest priced procedure, and 50% for each subsequent procedure." (and a 5 %
     reduction of the PC, without saying of which procedures: not applied);
  5: "Subject to 50% of the practice expense component for certain therapy services." (which
     units and procedures is not stated: not applied);
  6: "Subject to 25% reduction of the second highest and subsequent procedures to the TC of
     diagnostic cardiovascular services";
  7: "Subject to 20% reduction of the second highest and subsequent procedures to the TC of
     diagnostic ophthalmology services".
price_claim applies the stated TC reductions to lines billed with modifier TC (the lines of one
claim, day, provider, locality and place of service count as one session) and notes, on global
and professional lines and therapy, that the reduction is not applied.

TC rows of RVU25D (PPRRVU2025_Oct.csv; work 0 for all): PE non-facility / MP
    70450-TC 2.04 / 0.01 (MULT PROC 4, imaging family 88); 74177-TC 6.59 / 0.02 (4, 88)
    93306-TC 3.76 / 0.03 (6); 93880-TC 4.47 / 0.03 (6); 92134-TC 0.43 / 0.01 (7);
    92250-TC 0.48 / 0.01 (7). Alabama 10112-00 GPCIs 1 / 0.869 / 0.575, CF 32.3465.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from proccodes.fees import Fee, price_claim

D = Decimal
AL = (D("1"), D("0.869"), D("0.575"))
CF = D("32.3465")


def cents(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def tc(pe: str, mp: str) -> Decimal:
    return cents((D(pe) * AL[1] + D(mp) * AL[2]) * CF)


def claim(*lines: tuple[str, str]) -> list[Fee]:
    out = price_claim(
        [{"code": c, "modifiers": m} for c, m in lines], locality="10112-00", pos="11"
    )
    assert all(isinstance(f, Fee) for f in out)
    return list(out)  # type: ignore[arg-type]


def test_imaging_tc_second_procedure_at_50_percent():
    head, abdomen = tc("2.04", "0.01"), tc("6.59", "0.02")
    assert (head, abdomen) == (D("57.53"), D("185.61"))
    got = claim(("70450", "TC"), ("74177", "TC"))
    assert [f.allowed for f in got] == [cents(head * D("0.5")), abdomen]
    assert got[0].allowed == D("28.77")


def test_cardiovascular_tc_second_reduced_25_percent():
    echo, duplex = tc("3.76", "0.03"), tc("4.47", "0.03")
    assert (echo, duplex) == (D("106.25"), D("126.21"))
    got = claim(("93306", "TC"), ("93880", "TC"))
    assert [f.allowed for f in got] == [cents(echo * D("0.75")), duplex]
    assert got[0].allowed == D("79.69")


def test_ophthalmology_tc_second_reduced_20_percent():
    oct_, photo = tc("0.43", "0.01"), tc("0.48", "0.01")
    assert (oct_, photo) == (D("12.27"), D("13.68"))
    got = claim(("92134", "TC"), ("92250", "TC"))
    assert [f.allowed for f in got] == [cents(oct_ * D("0.8")), photo]
    assert got[0].allowed == D("9.82")


def test_indicators_of_different_kinds_do_not_rank_together():
    got = claim(("70450", "TC"), ("93306", "TC"), ("92134", "TC"))
    assert [f.allowed for f in got] == [D("57.53"), D("106.25"), D("12.27")]


def test_global_lines_and_therapy_are_paid_in_full_and_say_so():
    got = claim(("70450", ""), ("74177", ""), ("97110", ""), ("97140", ""))
    assert all(not f.adjustments for f in got)
    assert all(any("is not applied" in n for n in f.notes) for f in got)
    alone = claim(("70450", ""))
    assert not any("is not applied" in n for n in alone[0].notes)

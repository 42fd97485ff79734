"""Medicare fees (proccodes.fees, proccodes.sources.localities): worked by hand to the cent.

Every expected amount below is the PFS formula of the release PDF (RVU25A.pdf: "[(Work RVU *
Work GPCI) + (PE RVU * PE GPCI) + (MP RVU * MP GPCI)] * Conversion Factor") written out with
the factors as literals copied from the real CMS files in ../shared/data/cms-pfs-rvu (the
PPRRVU row of the code, the GPCI2025/GPCI2022 row of the locality, the ANES row), never
computed by the code under test. ``hand`` only does the decimal arithmetic and the rounding
to cents (half up).
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proccodes import DataError, ProcCodesError
from proccodes.cli import main
from proccodes.fees import (
    FACILITY_POS,
    FeeError,
    default_fee_data,
    is_facility,
    load_fee_data,
    price,
    price_claim,
    price_frame,
)
from proccodes.records import Bilateral, PcTc, PfsStatus
from proccodes.sources.localities import (
    load_anesthesia_factors,
    load_gpci,
    load_locality_counties,
    load_opps_caps,
)

from .conftest import SHARED

PFS_DIR = SHARED / "data" / "cms-pfs-rvu"
RVU25A = PFS_DIR / "RVU25A.zip"
RVU22A = PFS_DIR / "RVU22A.zip"
needs_shared = pytest.mark.skipif(not RVU25A.exists(), reason="../shared/data absent")
D = Decimal

# GPCI2025.csv: "10112,AL,00,ALABAMA,1,0.869,0.575" and
# "01112,CA,05,SAN FRANCISCO-OAKLAND-BERKELEY (...),1.088,1.419,0.445"
AL_2025 = (D("1"), D("0.869"), D("0.575"))
SF_2025 = (D("1.088"), D("1.419"), D("0.445"))
# GPCI2022.csv: "10112,AL,0,ALABAMA,1,0.888,0.921"
AL_2022 = (D("1"), D("0.888"), D("0.921"))
CF_2025 = D("32.3465")  # PPRRVU25_JAN "CONV FACTOR"
CF_2022 = D("34.6062")  # PPRRVU22_JAN "CONV FACTOR"


def cents(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def hand(work: str, pe: str, mp: str, gpci: tuple[Decimal, ...], cf: Decimal = CF_2025) -> Decimal:
    """The PFS formula, rounded to cents."""
    return cents((D(work) * gpci[0] + D(pe) * gpci[1] + D(mp) * gpci[2]) * cf)


@pytest.fixture(scope="module")
def jan25():
    return load_fee_data(RVU25A)


# -- the hand-worked cases ----------------------------------------------------------------------


@needs_shared
def test_domain_worked_example_99214_alabama_office(jan25):
    # DOMAIN.md §5d: (1.92 x 1.0 + 1.80 x 0.869 + 0.15 x 0.575) x 32.3465 = 115.49
    expected = hand("1.92", "1.80", "0.15", AL_2025)
    assert expected == D("115.49")
    fee = price("99214", locality="10112-00", pos="11", pfs=jan25)
    assert fee.allowed == expected
    assert (fee.work_rvu, fee.pe_rvu, fee.mp_rvu) == (D("1.92"), D("1.80"), D("0.15"))
    assert (fee.work_gpci, fee.pe_gpci, fee.mp_gpci) == AL_2025
    assert fee.conversion_factor == CF_2025
    assert not fee.facility
    # the shipped data (RVU25D RVUs, 2025 GPCIs) says the same for this code
    assert price("99214", locality="10112-00", pos="11").allowed == expected


@needs_shared
def test_99214_in_a_hospital_takes_the_facility_pe(jan25):
    # 99214 facility PE RVU 0.83
    expected = hand("1.92", "0.83", "0.15", AL_2025)
    assert expected == D("88.23")
    assert price("99214", locality="10112-00", pos="22", pfs=jan25).allowed == expected


@needs_shared
def test_64635_bilateral_150_percent_in_san_francisco(jan25):
    # 64635: work 3.32, non-facility PE 9.39, MP 0.29, bilateral indicator 1
    one_side = hand("3.32", "9.39", "0.29", SF_2025)
    assert one_side == D("552.01")
    expected = cents(one_side * D("1.5"))
    assert expected == D("828.02")
    fee = price("64635", locality="01112-05", pos="11", modifiers=["50"], pfs=jan25)
    assert fee.fee_schedule_amount == one_side
    assert fee.allowed == expected
    assert [a.rate for a in fee.adjustments] == [D("1.5")]


@needs_shared
def test_64635_in_an_asc_is_facility(jan25):
    expected = hand("3.32", "2.16", "0.29", AL_2025)  # facility PE 2.16
    assert expected == D("173.50")
    assert price("64635", locality="10112-00", pos="24", pfs=jan25).allowed == expected


@needs_shared
def test_72148_professional_and_technical_components(jan25):
    # 72148-26: 1.48 / 0.54 / 0.07; 72148-TC: 0.00 / 3.71 / 0.02; global 1.48 / 4.25 / 0.09
    pc = hand("1.48", "0.54", "0.07", AL_2025)
    tc = hand("0.00", "3.71", "0.02", AL_2025)
    glob = hand("1.48", "4.25", "0.09", AL_2025)
    assert (pc, tc, glob) == (D("64.35"), D("104.66"), D("169.01"))
    assert price("72148", locality="10112-00", pos="11", modifiers=["26"], pfs=jan25).allowed == pc
    fee_tc = price("72148", locality="10112-00", pos="11", modifiers=["TC"], pfs=jan25)
    assert fee_tc.allowed == tc
    assert fee_tc.row_modifier == "TC"
    # the OPPS amounts (PE 7.43 / 7.97 "used for OPPS") are higher: no cap
    assert price("72148", locality="10112-00", pos="11", pfs=jan25).allowed == glob


@needs_shared
def test_70496_opps_cap_matches_the_oppscap_file(jan25):
    # 70496: PFS PE 6.56, OPPS PE 6.11, MP 0.11 (OPPS MP 0.11)
    pfs_amount = hand("1.75", "6.56", "0.11", AL_2025)
    opps_amount = hand("1.75", "6.11", "0.11", AL_2025)
    assert (pfs_amount, opps_amount) == (D("243.05"), D("230.40"))
    fee = price("70496", locality="10112-00", pos="11", pfs=jan25)
    assert fee.pfs_amount == pfs_amount
    assert fee.opps_amount == opps_amount
    assert fee.allowed == min(pfs_amount, opps_amount)
    # OPPSCAP_JAN.csv: "70496,,A,10112,00,230.40,230.40"
    assert fee.allowed == D("230.40")


@needs_shared
def test_multiple_procedures_rank_by_amount_100_then_50(jan25):
    # 64635 (376.73) ranks above 64493 (work 1.52, PE 3.64, MP 0.16), both indicator 2
    first = hand("3.32", "9.39", "0.29", AL_2025)
    second = hand("1.52", "3.64", "0.16", AL_2025)
    assert (first, second) == (D("376.73"), D("154.46"))
    fees = price_claim(
        [{"code": "64493"}, {"code": "64635", "modifiers": ["51"]}],
        locality="10112-00",
        pos="11",
        pfs=jan25,
    )
    assert [f.allowed for f in fees] == [cents(second * D("0.5")), first]
    assert fees[0].allowed == D("77.23")


@needs_shared
def test_assistant_and_co_surgeon_on_22612(jan25):
    # 22612: work 23.53, facility PE 17.86, MP 6.64; assistant 2, co-surgeons 2, team 0
    full = hand("23.53", "17.86", "6.64", SF_2025)
    assert full == D("1743.44")
    at = {
        m: price("22612", locality="01112-05", pos="21", modifiers=[m], pfs=jan25).allowed
        for m in ("80", "82", "AS", "62")
    }
    assert at["80"] == at["82"] == cents(full * D("0.16")) == D("278.95")
    assert at["AS"] == cents(full * D("0.85") * D("0.16")) == D("237.11")
    assert at["62"] == cents(full * D("0.625")) == D("1089.65")
    with pytest.raises(FeeError, match="team surgery is not paid"):
        price("22612", locality="01112-05", pos="21", modifiers=["66"], pfs=jan25)


@needs_shared
def test_anesthesia_base_plus_time_units_times_the_locality_cf(jan25):
    # ANES2025.csv: "01112 ,05 ,SAN FRANCISCO-...,22.37"; 7 base and 4.5 time units are inputs
    expected = cents((D(7) + D("4.5")) * D("22.37"))
    assert expected == D("257.26")
    fee = price("00790", locality="01112-05", pos="22", base_units=7, time_units="4.5", pfs=jan25)
    assert fee.allowed == expected
    assert fee.anesthesia_cf == D("22.37")
    with pytest.raises(FeeError, match="base_units"):
        price("00790", locality="01112-05", pos="22", pfs=jan25)


@needs_shared
def test_2022_release_uses_its_own_gpcis_and_cf():
    # PPRRVU22_JAN 72148-TC: PE 3.88, MP 0.02, CF 34.6062; OPPS PE 6.76 (higher: no cap)
    expected = hand("0.00", "3.88", "0.02", AL_2022, CF_2022)
    assert expected == D("119.87")
    fee = price("72148", locality="10112-00", pos="11", modifiers=["TC"], pfs=str(RVU22A))
    assert fee.allowed == expected
    assert fee.gpci_release == "CMS GPCI 2022"


@needs_shared
def test_53_uses_the_files_own_row(jan25):
    # PPRRVU25_JAN "45378,53": work 1.63, facility PE 0.90, MP 0.22
    expected = hand("1.63", "0.90", "0.22", AL_2025)
    assert expected == D("82.11")
    assert price("45378", locality="10112-00", pos="22", modifiers=["53"], pfs=jan25).allowed == (
        expected
    )
    with pytest.raises(FeeError, match="contractor prices modifier 53"):
        price("64635", locality="10112-00", pos="11", modifiers=["53"], pfs=jan25)


@needs_shared
def test_units_multiply_the_amount(jan25):
    # 64636 (add-on): work 1.16, non-facility PE 5.72, MP 0.12
    one = hand("1.16", "5.72", "0.12", AL_2025)
    assert one == D("200.54")
    assert price("64636", locality="10112-00", pos="11", units=2, pfs=jan25).allowed == D("401.08")


# -- every published OPPS cap amount ------------------------------------------------------------


@needs_shared
def test_every_oppscap_amount_is_reproduced_to_the_cent(jan25):
    import pandas as pd

    caps = load_opps_caps(RVU25A)
    gpci = load_gpci(RVU25A)
    rows = [c for c in caps.values() if c.status == "A" and c.locality in gpci]
    assert len(rows) == 6322
    frame = pd.DataFrame(
        {
            "code": [r.code for r in rows] * 2,
            "modifiers": [r.modifier for r in rows] * 2,
            "locality": [r.locality for r in rows] * 2,
            "pos": ["11"] * len(rows) + ["22"] * len(rows),
        }
    )
    out = price_frame(frame, pfs=jan25)
    want = [float(r.non_facility) for r in rows] + [float(r.facility) for r in rows]
    assert out["fee_error"].isna().all()
    assert out["allowed"].round(2).tolist() == want
    for r in rows[::500]:  # and the line API agrees
        got = price(r.code, locality=r.locality, pos="11", modifiers=[r.modifier], pfs=jan25)
        assert got.allowed == r.non_facility


# -- what the PFS does not price -----------------------------------------------------------------


def test_status_e_says_where_medicare_pays_it():
    with pytest.raises(FeeError) as err:
        price("J3301", locality="10112-00", pos="11")
    assert "ASP" in str(err.value)
    assert "not payable" not in str(err.value)
    assert isinstance(err.value, ProcCodesError)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"code": "99999"}, "not in the PFS"),
        ({"code": "64635", "locality": "99999-99"}, "not in CMS GPCI 2025"),
        ({"code": "64635", "locality": "California"}, "not MAC-LL"),
        ({"code": "64635", "pos": "office"}, "not a two-digit POS"),
        ({"code": "99214", "modifiers": ["26"]}, "no 26 row"),
        ({"code": "72148", "modifiers": ["26", "TC"]}, "26 and TC together"),
        ({"code": "64483", "modifiers": ["80"]}, "assistant is not paid"),
        ({"code": "64635", "modifiers": ["62"]}, "co-surgeons are not paid"),
        ({"code": "64635", "modifiers": ["5$"]}, "not two letters or digits"),
        ({"code": "64635", "units": 0}, "units"),
        ({"code": "64635", "rank": 6}, "by report"),
        ({"code": "64635", "on": date(2022, 3, 1)}, "outside"),
        ({"code": "A0021"}, "status I"),
        ({"code": "0275T"}, "status R"),
    ],
)
def test_what_is_not_priced_is_a_clear_error(kwargs, match):
    args = {"locality": "10112-00", "pos": "11"} | kwargs
    code = args.pop("code")
    with pytest.raises(FeeError, match=match):
        price(code, **args)


def test_a_claim_keeps_each_lines_error_in_its_place():
    fees = price_claim(
        [{"code": "J3301"}, {"code": "64493", "modifiers": "5$"}, {"code": "64635"}],
        locality="10112-00",
        pos="11",
    )
    assert isinstance(fees[0], FeeError)
    assert isinstance(fees[1], FeeError)
    assert fees[2].allowed == D("376.73")


def test_a_date_before_the_release_is_noted_and_another_year_refused():
    fee = price("99214", locality="10112-00", pos="11", on=date(2025, 2, 3))
    assert any("before CMS PFS RVU25D" in n for n in fee.notes)
    with pytest.raises(FeeError, match="release of 2026"):
        price("99214", locality="10112-00", pos="11", on=date(2026, 1, 2))


def test_price_frame_reads_a_csv_as_pandas_types_it(tmp_path):
    import pandas as pd

    path = tmp_path / "lines.csv"
    path.write_text(
        "code,locality,pos,modifiers,units,rank\n"
        "64635,10112-00,11,,1,1\n"
        "64493,10112-00,11,,1,2\n"
        "64636,10112-00,11,,2,\n"
        "99214,10112-0,office,,1,\n"
    )
    out = price_frame(pd.read_csv(path), rank="rank")  # pos as int, blank modifiers as NaN
    assert out["allowed"].tolist()[:3] == [376.73, 77.23, 401.08]
    assert "two-digit POS" in out["fee_error"].iloc[3]


def test_price_frame_names_a_missing_column():
    import pandas as pd

    with pytest.raises(FeeError, match="no column 'locality'"):
        price_frame(pd.DataFrame({"code": ["99214"], "pos": ["11"]}))


@needs_shared
def test_fee_data_fees_and_errors_pickle(jan25):
    import pickle

    data = pickle.loads(pickle.dumps(jan25))
    assert data.gpci["10112-00"] == jan25.gpci["10112-00"]
    fee = price("99214", locality="10112-00", pos="11", pfs=data)
    assert pickle.loads(pickle.dumps(fee)) == fee
    err = pickle.loads(pickle.dumps(FeeError("x")))
    assert str(err) == "x"


def test_facility_places_of_service():
    assert {"21", "22", "19", "23", "24", "31"} <= FACILITY_POS
    assert not is_facility("11")
    assert not is_facility("12")
    assert is_facility(21)


def test_notes_say_what_was_not_applied():
    fee = price("64635", locality="10112-00", pos="11", modifiers=["51", "RT"])
    assert fee.allowed == cents(D("376.73") * D("0.5"))
    assert any("without a rank" in n for n in fee.notes)
    assert any("RT do not change" in n for n in fee.notes)


# -- loaders ------------------------------------------------------------------------------------


@needs_shared
def test_loaders_read_both_releases_with_their_years():
    for path, year, count in ((RVU25A, 2025, 109), (RVU22A, 2022, 112)):
        for load in (load_gpci, load_anesthesia_factors, load_locality_counties):
            table = load(path, strict=True)
            assert (table.year, len(table)) == (year, count)
            assert table.as_of == date(year, 1, 1)
    assert load_locality_counties(RVU22A)["02102-01"].state == "ALASKA"


def test_loader_errors_name_file_line_and_field(tmp_path):
    good = (
        "title,,,,,,\n"
        "Medicare Administrative Contractor,State,Locality Number,Locality Name,"
        "2025 PW GPCI,2025 PE GPCI,2025 MP GPCI\n"
    )
    bad_key = tmp_path / "GPCI2025.csv"
    bad_key.write_text(good + "10112,AL,0X,ALABAMA,1,0.869,0.575\n")
    with pytest.raises(DataError, match=r"line 3: locality: not a locality number"):
        load_gpci(bad_key)
    dup = tmp_path / "GPCI2025b.csv"
    dup.write_text(good + "10112,AL,0,A,1,1,1\n10112,AL,00,A,1,1,1\n")
    with pytest.raises(DataError, match="a second row for 10112-00"):
        load_gpci(dup)
    soft = tmp_path / "GPCI2025c.csv"
    soft.write_text(good + "10112,AL,00,ALABAMA,1,0.8x9,0.575\n")
    table = load_gpci(soft)
    assert table["10112-00"].pe is None
    assert "line 3: PE GPCI: not a number" in table.warnings[0]
    with pytest.raises(DataError, match="strict=True"):
        load_gpci(soft, strict=True)
    with pytest.raises(DataError, match="column header"):
        load_gpci(_write(tmp_path))
    with pytest.raises(DataError, match="over the limit"):
        load_gpci(soft, max_bytes=10)


def _write(tmp_path):
    path = tmp_path / "notgpci.csv"
    path.write_text("a,b,c\n1,2,3\n")
    return path


@pytest.mark.parametrize(
    "load", [load_gpci, load_locality_counties, load_anesthesia_factors, load_opps_caps]
)
def test_loaders_refuse_what_is_not_a_file(load, tmp_path):
    for path in (tmp_path, "/dev/zero"):
        with pytest.raises(DataError):
            load(path)


_HEADER = (
    "Medicare Administrative Contractor,State,Locality Number,Locality Name,"
    "2025 PW GPCI,2025 PE GPCI,2025 MP GPCI\n"
)


@given(st.lists(st.text(alphabet='0123456789,.-AL "\r', max_size=40), max_size=8))
def test_any_gpci_text_loads_or_is_a_data_error(rows):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "GPCI2025.csv"
        path.write_text(_HEADER + "\n".join(rows), newline="")
        try:
            table = load_gpci(path)
        except DataError as exc:
            table, error = None, exc
        if table is None:
            assert error.source == str(path)
            return
        for key, row in table.items():
            assert key == f"{row.mac}-{row.locality}"


def test_a_zip_without_the_member_is_a_data_error(tmp_path):
    path = tmp_path / "RVU25X.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "nothing")
    with pytest.raises(DataError, match="no member of the zip"):
        load_anesthesia_factors(path)


# -- properties ---------------------------------------------------------------------------------

_LOCALITIES = sorted(default_fee_data().gpci)


@functools.cache
def _codes_where(test) -> list[str]:  # type: ignore[no-untyped-def]
    from proccodes import default_catalog

    return sorted(
        code
        for code, record in default_catalog().items()
        if record.pfs is not None
        and record.pfs.status is not None
        and record.pfs.status.value in "AT"
        and test(record)
    )


def _split(record) -> bool:  # type: ignore[no-untyped-def]
    rows = {r.modifier: r.status for r in record.pfs_by_modifier}
    return record.pfs.pc_tc == PcTc.SPLIT and rows.get("26") == rows.get("TC") == PfsStatus.ACTIVE


def _bilateral(record) -> bool:  # type: ignore[no-untyped-def]
    return record.pfs.bilateral == Bilateral.ADJUSTMENT_150


@given(
    data=st.data(),
    locality=st.sampled_from(_LOCALITIES),
    pos=st.sampled_from(["11", "22"]),
)
def test_26_plus_tc_is_the_global_for_pc_tc_indicator_1(data, locality, pos):
    code = data.draw(st.sampled_from(_codes_where(_split)))
    g, p, t = (price(code, locality=locality, pos=pos, modifiers=m) for m in ((), ("26",), ("TC",)))
    # the RVUs of the two components add up to the global's (all 815 such codes in RVU25D)
    assert (p.work_rvu + t.work_rvu, p.pe_rvu + t.pe_rvu, p.mp_rvu + t.mp_rvu) == (
        g.work_rvu,
        g.pe_rvu,
        g.mp_rvu,
    )
    # so the amounts do, but for the rounding of each to cents
    assert abs(p.pfs_amount + t.pfs_amount - g.pfs_amount) <= D("0.01")


@given(data=st.data(), locality=st.sampled_from(_LOCALITIES), pos=st.sampled_from(["11", "24"]))
def test_bilateral_indicator_1_pays_150_percent(data, locality, pos):
    code = data.draw(st.sampled_from(_codes_where(_bilateral)))
    one = price(code, locality=locality, pos=pos)
    both = price(code, locality=locality, pos=pos, modifiers=["50"])
    assert both.allowed == cents(one.allowed * D("1.5"))


@given(
    code=st.sampled_from(["99214", "64635", "64493", "22612", "70496", "72148", "J3301", "64483"]),
    locality=st.sampled_from(_LOCALITIES),
    pos=st.sampled_from(["11", "21", "22", "24", "12", "99"]),
    modifiers=st.sampled_from(["", "50", "51", "26", "TC", "80", "AS", "62", "50,51", "RT"]),
    units=st.integers(1, 4),
)
def test_price_frame_equals_price(code, locality, pos, modifiers, units):
    import pandas as pd

    frame = pd.DataFrame(
        {
            "code": [code],
            "locality": [locality],
            "pos": [pos],
            "modifiers": [modifiers],
            "units": [units],
        }
    )
    row = price_frame(frame).iloc[0]
    fee: object
    try:
        fee = price(code, locality=locality, pos=pos, modifiers=modifiers, units=units)
    except FeeError as exc:
        fee = str(exc)
    if isinstance(fee, str):
        assert row["fee_error"] == fee
        return
    assert pd.isna(row["fee_error"])
    assert D(str(row["allowed"])).quantize(D("0.01")) == fee.allowed


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_fee_prints_the_arithmetic(capsys):
    assert main(["fee", "64635", "--locality", "01112-05", "--pos", "11", "--modifier", "50"]) == 0
    text = capsys.readouterr().out
    assert "3.32 RVU x 1.088 GPCI" in text
    assert "x CF 32.3465 = 552.01" in text
    assert "x 150 %" in text
    assert text.rstrip().endswith("allowed 828.02")


def test_cli_fee_json_and_errors(capsys):
    import json

    assert main(["fee", "99214", "--locality", "10112-00", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["allowed"] == "115.49"
    assert data["setting"] == "non-facility"
    assert main(["fee", "J3301", "--locality", "10112-00"]) == 2
    assert "ASP" in capsys.readouterr().err


@needs_shared
def test_cli_fee_with_a_release_zip(capsys):
    argv = ["fee", "70496", "--locality", "10112-00", "--pfs", str(RVU25A)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "RVU25A" in out
    assert "allowed 230.40" in out


def test_no_cpt_descriptor_in_the_shipped_locality_table():
    from importlib.resources import files

    text = (files("proccodes") / "data" / "fees" / "localities-2025.tsv").read_text()
    assert "GPCI 2025" in text.splitlines()[0]
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    assert all(len(row) in (1, 9) for row in reader)

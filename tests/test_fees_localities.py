"""Localities of the OPPS cap file that the GPCI file does not list (issue 17, item 7).

CMS's OPPSCAP_JAN file of RVU25A lists the six Southern California localities (17, 18, 71, 72,
73, 74) twice: under MAC 01182, as the GPCI2025, ANES2025 and 25LOCCO files do, and again under
the Northern California MAC 01112, with the same status and amounts. Those 840 repeated rows
(348 of status A) are the rows whose locality is "not in the GPCI file": nothing is lost by
pricing them under 01182.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from proccodes.fees import FeeError, load_fee_data, price
from proccodes.sources.localities import load_gpci, load_opps_caps

from .conftest import SHARED

RVU25A = SHARED / "data" / "cms-pfs-rvu" / "RVU25A.zip"
needs_shared = pytest.mark.skipif(not RVU25A.exists(), reason="../shared/data absent")
SOUTH = {"17", "18", "71", "72", "73", "74"}


@needs_shared
def test_opps_cap_rows_outside_the_gpci_file_repeat_southern_california():
    caps = load_opps_caps(RVU25A)
    gpci = load_gpci(RVU25A)
    missing = [c for c in caps.values() if c.locality not in gpci]
    assert len(missing) == 840
    assert sum(c.status == "A" for c in missing) == 348
    assert {c.locality.split("-")[0] for c in missing} == {"01112"}
    assert {c.locality.split("-")[1] for c in missing} == SOUTH
    assert {f"01182-{n}" for n in SOUTH} <= set(gpci)
    by_key = {(c.code, c.modifier, c.locality): c for c in caps.values()}
    for c in missing:
        twin = by_key[(c.code, c.modifier, "01182-" + c.locality.split("-")[1])]
        assert (twin.status, twin.facility, twin.non_facility) == (
            c.status,
            c.facility,
            c.non_facility,
        )


@needs_shared
def test_the_repeated_rows_are_priced_under_01182():
    data = load_fee_data(RVU25A)
    caps = load_opps_caps(RVU25A)
    rows = [c for c in caps.values() if c.status == "A" and c.locality.startswith("01112-")]
    rows = [c for c in rows if c.locality.split("-")[1] in SOUTH][::25]
    assert rows
    for c in rows:
        where = "01182-" + c.locality.split("-")[1]
        got = price(c.code, locality=where, pos="11", modifiers=[c.modifier], pfs=data)
        assert got.allowed == c.non_facility


def test_a_southern_california_locality_under_01112_names_the_right_mac():
    with pytest.raises(FeeError, match=r"locality 18 of that state is 01182-18"):
        price("70496", locality="01112-18", pos="11")
    assert price("70496", locality="01182-18", pos="11").allowed == Decimal("297.42")


# -- telehealth places of service (CMS Transmittal 12671; CY 2024 PFS final rule) ---------------


def test_telehealth_pos_02_is_facility_and_pos_10_non_facility():
    # 99214 in Alabama (RVU25D): work 1.92, PE non-facility 1.80 / facility 0.83, MP 0.15
    office = price("99214", locality="10112-00", pos="11")
    home = price("99214", locality="10112-00", pos="10", modifiers=["95"])
    elsewhere = price("99214", locality="10112-00", pos="02", modifiers=["95"])
    hospital = price("99214", locality="10112-00", pos="22")
    assert home.allowed == office.allowed == Decimal("115.49")
    assert elsewhere.allowed == hospital.allowed
    assert not home.facility
    assert elsewhere.facility
    assert not any("telehealth" in n for n in home.notes + elsewhere.notes)


@needs_shared
def test_telehealth_before_2024_says_the_rate_is_not_verified():
    fee = price("99214", locality="10112-00", pos="10", pfs=RVU25A.parent / "RVU22A.zip")
    assert any("not verified" in n and "2022" in n for n in fee.notes)

"""Corrections of issue 20 in the fusion, instrumentation, decompression, interspinous and disc
replacement records: each test holds a fact a record once got wrong or left out.

Facts from CMS files (the October 2025 PFS, the RBCS file) are read from ../shared; those tests
skip when the file is absent.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from proccodes.records import Billing, RequirementKind

from .conftest import DATA_DIR
from .records_review import needs_pfs, needs_rbcs, pfs_row, rbcs_added, record

FILES = [
    "fusion.json",
    "instrumentation.json",
    "cervical_fusion.json",
    "decompression.json",
    "interspinous.json",
    "disc_replacement.json",
]


def codes_in_files() -> list[str]:
    codes: list[str] = []
    for name in FILES:
        data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        codes += [p["code"] for p in data["procedures"]]
    return codes


CODES = codes_in_files()


def billing(code: str) -> Billing:
    b = record(code).billing
    assert b is not None, code
    return b


def test_the_files_hold_the_reviewed_records() -> None:
    assert {"22551", "22552", "22845", "22853", "22840", "22842"} <= set(CODES)


# 22551: its add-ons are the anterior ones (22552, 22845, 22853), not posterior 22840/22842.


def test_22551_add_ons_are_the_next_level_the_anterior_plate_and_the_cage() -> None:
    assert set(billing("22551").add_on_codes) == {"22552", "22845", "22853"}


@pytest.mark.parametrize("posterior", ["22840", "22842"])
def test_posterior_instrumentation_does_not_name_22551(posterior: str) -> None:
    assert "22551" not in billing("22551").add_on_codes
    assert "22551" not in billing(posterior).primary_codes


@needs_pfs
@pytest.mark.parametrize("add_on", ["22552", "22845", "22853"])
def test_22551_add_ons_are_zzz_add_ons_naming_22551(add_on: str) -> None:
    assert pfs_row(add_on)["global"] == "ZZZ"
    assert billing(add_on).add_on
    assert "22551" in billing(add_on).primary_codes


def test_22845_follows_the_anterior_fusions() -> None:
    b = billing("22845")
    assert b.add_on
    assert set(b.primary_codes) == {"22551", "22558"}
    assert "22845" in billing("22558").add_on_codes


# 22551/22552: Medicare hospital outpatient prior authorization since 1 July 2021.


@pytest.mark.parametrize("code", ["22551", "22552"])
def test_cervical_fusion_needs_opd_prior_authorization_from_july_2021(code: str) -> None:
    reqs = [r for r in billing(code).requirements if r.kind == RequirementKind.PRIOR_AUTHORIZATION]
    assert len(reqs) == 1, code
    req = reqs[0]
    assert req.payer == "Medicare"
    assert req.setting == "hospital outpatient department"
    assert req.effective == date(2021, 7, 1)
    assert req.ends is None
    assert not req.in_force_on(date(2021, 6, 30))
    assert req.in_force_on(date(2021, 7, 1))
    assert "cms-opd-pa" in req.sources
    source = record(code).source("cms-opd-pa")
    assert source is not None
    assert source.url is not None
    assert source.url.startswith("https://www.cms.gov/")
    regulation = record(code).source("cfr-419-83")
    assert regulation is not None
    assert "419.83" in (regulation.document or "")


# Stale notes: every code the records name is in the catalog, so no note says otherwise.

STALE = re.compile(
    r"not (in|carried in) (this|the) catalog|catalog does not carry|none of these is in"
)


@pytest.mark.parametrize("code", CODES)
def test_no_stale_not_in_this_catalog_note(code: str) -> None:
    b = billing(code)
    texts = [b.unit_note] + [n.text for n in b.notes] + [c.note for c in b.companion_codes]
    stale = [t for t in texts if STALE.search(t)]
    assert not stale, (code, stale)


# Every record has an effective date: the code's add date in CMS's RBCS file.


@needs_rbcs
@pytest.mark.parametrize("code", CODES)
def test_effective_date_is_the_rbcs_add_date(code: str) -> None:
    assert record(code).effective == rbcs_added()[code]
    assert record(code).terminated is None


def test_known_effective_dates() -> None:
    assert record("22551").effective == date(2011, 1, 1)
    assert record("22853").effective == date(2017, 1, 1)
    assert record("22867").effective == date(2017, 1, 1)


def test_mild_alternative_points_to_0275t_not_the_sham_code() -> None:
    # NCD 150.13: mild in CMS-approved studies is billed with 0275T; G0276 is the blinded arm only.
    clinical = record("22869").clinical
    assert clinical is not None
    codes = {c for alt in clinical.alternatives for c in alt.codes}
    assert "0275T" in codes
    assert "G0276" not in codes


# New records of issue 20: laminectomy in the neck and decompression during interbody fusion.


def test_63045_is_the_cervical_first_segment_with_63048_as_its_add_on() -> None:
    b = billing("63045")
    assert not b.add_on
    assert b.add_on_codes == ("63048",)
    assert set(billing("63048").primary_codes) == {"63045", "63047"}


@pytest.mark.parametrize(
    ("code", "primaries"), [("63052", {"22630", "22633"}), ("63053", {"63052"})]
)
def test_decompression_during_interbody_fusion_add_ons(code: str, primaries: set[str]) -> None:
    b = billing(code)
    assert b.add_on
    assert set(b.primary_codes) == primaries
    for primary in primaries:
        assert code in billing(primary).add_on_codes, primary
    assert record(code).effective == date(2022, 1, 1)


def test_anterior_cervical_discectomy_without_fusion_and_its_add_on() -> None:
    assert billing("63075").add_on_codes == ("63076",)
    assert billing("63076").add_on
    assert billing("63076").primary_codes == ("63075",)
    # 22551 includes the discectomy: 63075 is not its companion or add-on.
    assert "63075" not in billing("22551").add_on_codes
    assert "63075" not in {c.code for c in billing("22551").companion_codes}


def test_lateral_extracavitary_fusion_and_its_add_on() -> None:
    assert billing("22533").add_on_codes == ("22534",)
    assert billing("22534").add_on
    assert billing("22534").primary_codes == ("22533",)
    assert record("22533").effective == date(2004, 1, 1)

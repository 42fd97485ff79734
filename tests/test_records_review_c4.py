"""Corrections of issue 20 in the stimulation, conservative care, imaging, myelography and
discography records: each test holds one fact a record once got wrong or left out. Dates are
read from CMS's RBCS file in ../shared (skipped when absent); no AMA descriptor is read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import proccodes
from proccodes.records import RequirementKind

from .records_review import needs_rbcs, rbcs_added, record, requirements

DATA = Path(proccodes.__file__).parent / "data"
MY_FILES = ["stimulation", "conservative", "imaging", "myelography", "discography"]


def codes_in(name: str) -> list[str]:
    import json

    with (DATA / f"{name}.json").open(encoding="utf-8") as handle:
        return [p["code"] for p in json.load(handle)["procedures"]]


MY_CODES = [code for name in MY_FILES for code in codes_in(name)]


# -- OPD prior authorization for implanted spinal neurostimulators -------------------------


def test_63650_needs_opd_prior_authorization_from_july_2021() -> None:
    (pa,) = requirements("63650", RequirementKind.PRIOR_AUTHORIZATION)
    assert pa.payer == "Medicare"
    assert pa.setting == "hospital outpatient department"
    assert pa.effective == date(2021, 7, 1)
    assert pa.in_force_on(date(2021, 7, 1))
    assert not pa.in_force_on(date(2021, 6, 30))
    assert {"cfr-419-83", "cms-opd-pa"} <= set(pa.sources)
    source = record("63650").source("cms-opd-pa")
    assert source is not None
    assert source.url is not None
    assert source.url.startswith("https://www.cms.gov/")


@pytest.mark.parametrize("code", ["63685", "63688"])
def test_generator_codes_were_taken_off_the_opd_list(code: str) -> None:
    # CMS update of 13 May 2021: 63685 and 63688 temporarily removed; 63650 is the only code.
    assert requirements(code, RequirementKind.PRIOR_AUTHORIZATION) == []
    billing = record(code).billing
    assert billing is not None
    assert any(
        "63650" in n.text and "13 May 2021" in n.text and n.sources == ("cms-opd-pa",)
        for n in billing.notes
    )


# -- effective dates ------------------------------------------------------------------------


@pytest.mark.parametrize("code", MY_CODES)
def test_record_has_an_effective_date(code: str) -> None:
    assert record(code).effective is not None


@needs_rbcs
@pytest.mark.parametrize("code", MY_CODES)
def test_effective_date_is_cms_earliest_known_date(code: str) -> None:
    added = rbcs_added().get(code)
    if added is None:
        pytest.skip(f"{code} is not in the RBCS file")
    assert record(code).effective == added


# -- primary sources only -----------------------------------------------------------------


@pytest.mark.parametrize("code", MY_CODES)
def test_record_cites_no_rejected_host(code: str) -> None:
    from .test_sources import rejected

    bad = [s.url for s in record(code).sources if s.url and rejected(s.url)]
    assert not bad


@pytest.mark.parametrize("code", ["62302", "62303", "62304", "62305"])
def test_myelography_bundling_note_rests_on_the_pfs(code: str) -> None:
    r = record(code)
    assert r.pfs is not None
    assert r.pfs.pc_tc is not None
    assert r.pfs.pc_tc.value == "0"  # one service: no 26/TC split
    billing = r.billing
    assert billing is not None
    (note,) = [n for n in billing.notes if "reports both the lumbar injection" in n.text]
    assert note.sources == ("cms-pfs-rvu25d",)
    ids = {s.id for s in r.sources}
    assert not ids & {"chokshi2018", "myelo-coding-notes", "car-myelography", "burrows1985"}


@pytest.mark.parametrize("code", ["63650", "63655", "63663", "63685", "63688"])
def test_stimulator_records_no_longer_cite_the_policy_mirror(code: str) -> None:
    assert record(code).source("floridablue-mp328") is None


# -- new records: lumbar spine X-rays ------------------------------------------------------


@pytest.mark.parametrize("code", ["72100", "72110"])
def test_lumbar_xray_records_match_the_pfs(code: str) -> None:
    r = record(code)
    assert r.curated
    assert r.effective == date(1984, 1, 1)
    assert r.pfs is not None
    billing = r.billing
    assert billing is not None
    assert billing.bilateral is not None
    assert r.pfs.bilateral == billing.bilateral
    assert r.pfs.pc_tc is not None
    assert r.pfs.pc_tc.value == "1"
    assert not billing.add_on
    assert any("PC/TC indicator 1" in n.text for n in billing.notes)


def test_lumbar_mri_no_longer_says_xray_codes_are_missing() -> None:
    clinical = record("72148").clinical
    assert clinical is not None
    (xray,) = [a for a in clinical.alternatives if a.name == "Plain X-rays"]
    assert "does not carry" not in xray.description
    assert xray.codes == ("72100", "72110")


# -- new records: chiropractic manipulation --------------------------------------------------

CHIRO = ["98940", "98941", "98942"]


@pytest.mark.parametrize("code", CHIRO)
def test_chiropractic_needs_the_at_modifier_from_october_2004(code: str) -> None:
    (at,) = requirements(code, RequirementKind.MODIFIER)
    assert at.modifier == "AT"
    assert at.payer == "Medicare"
    assert at.effective == date(2004, 10, 1)
    assert not at.in_force_on(date(2004, 9, 30))
    assert "maintenance" in at.text
    assert set(at.sources) == {"cms-se1602", "cms-100-02-ch15"}
    manual = record(code).source("cms-100-02-ch15")
    assert manual is not None
    assert manual.url is not None
    assert manual.url.startswith("https://www.cms.gov/")


@pytest.mark.parametrize("code", CHIRO)
def test_chiropractic_records_match_the_pfs(code: str) -> None:
    r = record(code)
    assert r.effective == date(1997, 1, 1)
    assert r.pfs is not None
    billing = r.billing
    assert billing is not None
    assert billing.bilateral == r.pfs.bilateral
    assert r.pfs.global_days is not None
    assert r.pfs.global_days.value == "000"
    assert not billing.add_on
    others = {c.code for c in billing.companion_codes}
    assert set(CHIRO) - {code} <= others


def test_extraspinal_manipulation_is_not_covered_by_medicare() -> None:
    # the chiropractic records say Medicare covers spinal manipulation only; the PFS agrees
    pfs = record("98943").pfs
    assert pfs is not None
    assert pfs.status is not None
    assert pfs.status.value == "N"


# -- new records: diagnostic lumbar puncture -------------------------------------------------


@pytest.mark.parametrize(
    ("code", "effective"), [("62270", date(1984, 1, 1)), ("62328", date(2020, 1, 1))]
)
def test_lumbar_puncture_records_match_the_pfs(code: str, effective: date) -> None:
    r = record(code)
    assert r.curated
    assert r.effective == effective
    assert r.pfs is not None
    billing = r.billing
    assert billing is not None
    assert billing.bilateral == r.pfs.bilateral
    assert r.pfs.assistant is not None
    assert r.pfs.assistant.value == "1"
    assert any("assistant-at-surgery indicator 1" in n.text for n in billing.notes)


def test_guided_lumbar_puncture_includes_its_guidance() -> None:
    billing = record("62328").billing
    assert billing is not None
    assert "77003" in billing.unit_note
    assert "not reported again" in billing.unit_note
    other = record("62270").billing
    assert other is not None
    assert "62328" in other.unit_note


# -- new records: therapeutic activities and neuromuscular re-education ---------------------


@pytest.mark.parametrize(
    ("code", "effective"), [("97530", date(1985, 1, 1)), ("97112", date(1984, 1, 1))]
)
def test_timed_therapy_records_match_the_pfs(code: str, effective: date) -> None:
    r = record(code)
    assert r.curated
    assert r.effective == effective
    assert r.pfs is not None
    billing = r.billing
    assert billing is not None
    assert billing.unit_of_service.value == "per 15 minutes"
    assert billing.bilateral == r.pfs.bilateral
    assert r.pfs.pc_tc is not None
    assert r.pfs.pc_tc.value == "7"
    assert r.pfs.multiple_procedure is not None
    assert r.pfs.multiple_procedure.value == "5"
    assert any("8-minute rule" in n.text and "cms-100-04-ch5" in n.sources for n in billing.notes)


# -- new records: cervical and thoracic MRI ---------------------------------------------------

MRI_EFFECTIVE = {
    "72141": date(1987, 1, 1),
    "72146": date(1990, 1, 1),
    "72156": date(1992, 1, 1),
    "72157": date(1992, 1, 1),
}  # RBCS earliest-known dates


@pytest.mark.parametrize(
    ("code", "region"),
    [("72141", "cervical"), ("72156", "cervical"), ("72146", "thoracic"), ("72157", "thoracic")],
)
def test_neck_and_mid_back_mri_records_match_the_pfs(code: str, region: str) -> None:
    r = record(code)
    assert r.curated
    assert r.effective == MRI_EFFECTIVE[code]
    assert r.pfs is not None
    billing = r.billing
    assert billing is not None
    assert billing.body_region.value == region
    assert billing.bilateral == r.pfs.bilateral
    assert r.pfs.multiple_procedure is not None
    assert r.pfs.multiple_procedure.value == "4"
    assert any("multiple-procedure indicator 4" in n.text for n in billing.notes)


@pytest.mark.parametrize("code", ["62291", "72285", "62302", "62303"])
def test_neck_mri_alternative_points_to_the_mri_codes(code: str) -> None:
    clinical = record(code).clinical
    assert clinical is not None
    mri = [a for a in clinical.alternatives if a.name.startswith("MRI of the neck")]
    assert mri
    assert all("72141" in a.codes for a in mri)


# -- new records: neck X-rays, neck and mid-back CT --------------------------------------------


@pytest.mark.parametrize(
    ("code", "region", "multiple"),
    [
        ("72040", "cervical", "0"),
        ("72050", "cervical", "0"),
        ("72125", "cervical", "4"),
        ("72128", "thoracic", "4"),
    ],
)
def test_neck_and_mid_back_xray_and_ct_match_the_pfs(code: str, region: str, multiple: str) -> None:
    r = record(code)
    assert r.curated
    assert r.effective == date(1984, 1, 1)
    assert r.pfs is not None
    billing = r.billing
    assert billing is not None
    assert billing.body_region.value == region
    assert billing.bilateral == r.pfs.bilateral
    assert r.pfs.multiple_procedure is not None
    assert r.pfs.multiple_procedure.value == multiple
    assert any(f"multiple-procedure indicator {multiple}" in n.text for n in billing.notes)

"""Corrections of issue 20 in the ablation, augmentation, intradiscal, sacroplasty, minimal
decompression and intrathecal pump records: each test holds one fact a record once got wrong or
left out. PFS facts are read from the real October 2025 file in ../shared (skipped when absent);
the AMA descriptor column is never read."""

from __future__ import annotations

from datetime import date

import pytest

from proccodes.records import Bilateral, RequirementKind

from .conftest import SHARED
from .records_review import (
    needs_pfs,
    needs_rbcs,
    pfs_row,
    rbcs_added,
    record,
    requirements,
)

HCPCS_DIR = SHARED / "data" / "cms-hcpcs-2026-jan"

MY_FILES_CODES = [
    "64628", "64629", "64633", "64634", "64635", "64636",
    "22526", "22527", "22899", "62287", "62292", "0627T", "0628T", "0629T", "0630T",
    "22510", "22511", "22512", "22513", "22514", "22515",
    "0200T", "0201T", "62380", "G0276", "0275T", "62350", "62362",
    "62367", "62368", "62369", "62370", "95990", "95991",
]  # fmt: skip
PUMP_CARE = ["62367", "62368", "62369", "62370", "95990", "95991"]


# -- G0276 / 0275T: mild in CMS-approved studies ------------------------------------------


def test_0275t_is_the_curated_record_for_the_mild_procedure() -> None:
    r = record("0275T")
    assert r.curated
    assert r.clinical is not None
    assert "mild" in r.clinical.common_names
    assert r.source("ncd-150-13") is not None
    assert r.effective == date(2011, 7, 1)


def test_g0276_is_limited_to_the_blinded_trial_and_points_to_0275t() -> None:
    r = record("G0276")
    assert "blinded" in r.title
    billing = r.billing
    assert billing is not None
    assert "0275T" in billing.unit_note
    assert any("0275T" in n.text and "ncd-150-13" in n.sources for n in billing.notes)
    assert r.clinical is not None
    assert "blinded" in r.clinical.summary


def test_g0276_official_descriptor_says_blinded() -> None:
    long = record("G0276").descriptor("long")
    assert long is not None
    assert long.lower().startswith("blinded procedure")


@needs_pfs
def test_0275t_billing_facts_match_the_pfs() -> None:
    row = pfs_row("0275T")
    assert row == {"status": "R", "global": "YYY", "bilateral": "0"}
    billing = record("0275T").billing
    assert billing is not None
    assert billing.bilateral == Bilateral.NO_ADJUSTMENT
    assert not billing.add_on
    assert any("status R" in n.text and "cms-pfs-rvu25d" in n.sources for n in billing.notes)


@pytest.mark.parametrize("code", ["0275T", "G0276"])
def test_approved_study_claims_carry_the_nct_number_from_2014(code: str) -> None:
    (req,) = requirements(code, RequirementKind.DOCUMENTATION)
    assert "NCT" in req.text
    assert req.effective == date(2014, 1, 1)
    assert not req.in_force_on(date(2013, 12, 31))


# -- 64628/64629: KX and the level limits of the basivertebral billing article -------------


@pytest.mark.parametrize("code", ["64628", "64629"])
def test_basivertebral_ablation_needs_kx(code: str) -> None:
    (kx,) = requirements(code, RequirementKind.MODIFIER)
    assert kx.modifier == "KX"
    assert kx.payer == "Medicare"
    assert "cms-a59468" in kx.sources
    source = record(code).source("cms-a59468")
    assert source is not None
    assert source.url is not None
    assert "cms.gov/medicare-coverage-database" in source.url


@pytest.mark.parametrize("code", ["64628", "64629"])
def test_basivertebral_ablation_level_limits(code: str) -> None:
    (limit,) = requirements(code, RequirementKind.FREQUENCY_LIMIT)
    for fact in ("L3", "S1", "two vertebral bodies in one session", "four"):
        assert fact in limit.text, fact
    assert "cms-a59468" in limit.sources


# -- 64633-64636: hospital outpatient prior authorization since 1 July 2023 -----------------


@pytest.mark.parametrize("code", ["64633", "64634", "64635", "64636"])
def test_facet_ablation_needs_opd_prior_authorization_from_july_2023(code: str) -> None:
    (pa,) = requirements(code, RequirementKind.PRIOR_AUTHORIZATION)
    assert pa.setting == "hospital outpatient department"
    assert pa.effective == date(2023, 7, 1)
    assert pa.in_force_on(date(2023, 7, 1))
    assert not pa.in_force_on(date(2023, 6, 30))
    assert {"cfr-419-83", "cms-opd-pa"} <= set(pa.sources)
    cfr = record(code).source("cfr-419-83")
    assert cfr is not None
    assert cfr.document == "42 CFR 419.83(a)(3)"


# -- 62350/62362: NCD 280.14, not a regional commercial policy ------------------------------


@pytest.mark.parametrize("code", ["62350", "62362"])
def test_intrathecal_pump_cites_ncd_280_14(code: str) -> None:
    r = record(code)
    assert r.source("triples-pump") is None
    ncd = r.source("ncd-280-14")
    assert ncd is not None
    assert ncd.document == "NCD 280.14"
    billing = r.billing
    assert billing is not None
    assert any("NCD 280.14" in n.text for n in billing.notes)
    assert all(req.sources == ("ncd-280-14",) for req in billing.requirements)


# -- 22510-22515: L34228's contractor confirmed by a CMS page ---------------------------


@pytest.mark.parametrize("code", ["22510", "22511", "22512", "22513", "22514", "22515"])
def test_vertebral_augmentation_lcd_contractor_is_confirmed_by_cms(code: str) -> None:
    r = record(code)
    assert r.source("noridian-l34228") is None
    lcd = r.source("lcd-l34228")
    assert lcd is not None
    assert lcd.citation.startswith("Noridian")
    rac = r.source("cms-rac-0139")
    assert rac is not None
    assert rac.url is not None
    assert rac.url.startswith("https://www.cms.gov/")
    billing = r.billing
    assert billing is not None
    (note,) = [n for n in billing.notes if "L34228" in n.text]
    assert "Noridian" in note.text
    assert set(note.sources) == {"lcd-l34228", "cms-rac-0139"}


# -- every record of these files has an effective date -------------------------------------


@pytest.mark.parametrize("code", MY_FILES_CODES)
def test_record_has_an_effective_date(code: str) -> None:
    assert record(code).effective is not None


@pytest.mark.parametrize("code", ["22526", "22527"])
def test_idet_codes_took_effect_in_2007(code: str) -> None:
    r = record(code)
    assert r.effective == date(2007, 1, 1)
    assert not r.is_active_on(date(2006, 12, 31))
    assert r.source("premera-7-01-72") is not None


@needs_rbcs
@pytest.mark.parametrize("code", MY_FILES_CODES)
def test_effective_date_is_cms_earliest_known_date(code: str) -> None:
    added = rbcs_added().get(code)
    if added is None:
        pytest.skip(f"{code} is not in the RBCS file")
    assert record(code).effective == added


# -- new records: intrathecal pump checks, dose changes and refills -------------------------


@needs_pfs
@pytest.mark.parametrize("code", PUMP_CARE)
def test_pump_care_records_match_the_pfs(code: str) -> None:
    row = pfs_row(code)
    assert row == {"status": "A", "global": "XXX", "bilateral": "0"}
    r = record(code)
    assert r.curated
    billing = r.billing
    assert billing is not None
    assert billing.bilateral == Bilateral.NO_ADJUSTMENT
    assert not billing.add_on
    assert not billing.primary_codes


@pytest.mark.parametrize("code", PUMP_CARE)
def test_pump_care_codes_are_not_paired_with_the_other_family(code: str) -> None:
    billing = record(code).billing
    assert billing is not None
    pair = [n for n in billing.notes if "fcso-l31254-coding" in n.sources]
    assert pair, code
    assert "62367-62370" in pair[0].text
    assert "95990 or 95991" in pair[0].text
    others = {"62367", "62368", "62369", "62370"} if code.startswith("9") else {"95990", "95991"}
    assert not others & {c.code for c in billing.companion_codes}


def test_95990_is_an_incident_to_service_without_a_facility_price() -> None:
    pfs = record("95990").pfs
    assert pfs is not None
    assert pfs.pc_tc is not None
    assert pfs.pc_tc.value == "5"
    assert pfs.facility_na
    billing = record("95990").billing
    assert billing is not None
    assert any("indicator is 5" in n.text and "NA" in n.text for n in billing.notes)


def test_62362_no_longer_says_the_refill_codes_are_missing() -> None:
    billing = record("62362").billing
    assert billing is not None
    assert "not in this catalog" not in billing.unit_note
    for codes in ("62367-62370", "95990", "95991"):
        assert codes in billing.unit_note

"""Corrections of issue 20 in the epidural, catheter, facet, sympathetic, trigger point and
sacroiliac records: each test holds one fact a record once got wrong or left out.

Effective dates are read from CMS's RBCS file in ../shared (the test skips when it is absent):
the record's ``effective`` must equal the file's add date for the code.
"""

from __future__ import annotations

from datetime import date

import pytest

from proccodes.records import Bilateral, RequirementKind, UnitOfService

from .records_review import needs_rbcs, rbcs_added, record

MY_CODES = [
    *("62320 62321 62322 62323 64479 64480 64483 64484".split()),
    *("62324 62325 62326 62327 62273".split()),
    *("64490 64491 64492 64493 64494 64495".split()),
    *("64405 64510 64520 20552 20553".split()),
    *("27096 G0260 64451 64625 27278 27279 27280".split()),
    *("20610 20611 64450 64454 64624 77003 64615".split()),
]


def texts(items: object) -> list[str]:
    return [getattr(i, "text", i) for i in items]  # type: ignore[attr-defined]


@needs_rbcs
@pytest.mark.parametrize("code", MY_CODES)
def test_every_record_has_the_rbcs_effective_date(code: str) -> None:
    assert record(code).effective == rbcs_added()[code]


def test_27278_began_in_2024_not_earlier() -> None:
    r = record("27278")
    assert r.effective == date(2024, 1, 1)
    assert not r.is_active_on(date(2019, 6, 1))
    assert r.is_active_on(date(2025, 6, 1))


@pytest.mark.parametrize("code", ["64479", "64480", "64483", "64484"])
def test_diagnostic_nerve_root_blocks_carry_a_typed_kx_requirement(code: str) -> None:
    r = record(code)
    assert r.billing is not None
    kx = [q for q in r.billing.requirements if q.kind == RequirementKind.MODIFIER]
    assert len(kx) == 1
    assert kx[0].modifier == "KX"
    assert kx[0].payer == "Medicare"
    assert "diagnostic selective nerve root block" in kx[0].text
    assert kx[0].sources == ("cms-a58745",)
    source = r.source("cms-a58745")
    assert source is not None
    assert source.url is not None
    assert "cms.gov" in source.url


def test_64520_is_one_unit_per_side_per_encounter() -> None:
    billing = record("64520").billing
    assert billing is not None
    assert billing.unit_of_service == UnitOfService.PER_SESSION
    assert billing.bilateral == Bilateral.ADJUSTMENT_150
    assert "one unit" in billing.unit_note.lower()
    everything = " ".join([billing.unit_note, *texts(billing.notes)])
    assert "three units" not in everything
    assert any("cms-ncci-manual-ch8" in n.sources for n in billing.notes)
    assert record("64520").source("cms-ncci-manual-ch8") is not None


def test_64510_cites_the_ncci_unit_rule() -> None:
    billing = record("64510").billing
    assert billing is not None
    assert any("cms-ncci-manual-ch8" in n.sources for n in billing.notes)


@pytest.mark.parametrize("code", ["62324", "62325"])
def test_cervical_thoracic_catheter_names_rib_fractures_not_hips_and_knees(code: str) -> None:
    clinical = record(code).clinical
    assert clinical is not None
    joined = " ".join(texts(clinical.indications)).lower()
    assert "ribs" in joined
    assert "hip" not in joined
    assert "knee" not in joined


@pytest.mark.parametrize("code", ["62326", "62327"])
def test_lumbar_sacral_catheter_names_hips_and_knees_not_rib_fractures(code: str) -> None:
    clinical = record(code).clinical
    assert clinical is not None
    joined = " ".join(texts(clinical.indications)).lower()
    assert "hip" in joined
    assert "knee" in joined
    assert "rib" not in joined


def test_62273_says_fluoroscopic_guidance_is_reported_apart() -> None:
    r = record("62273")
    assert r.billing is not None
    assert "77003" in r.billing.unit_note
    assert any("77003" in n.text and "asa-fluoro-2007" in n.sources for n in r.billing.notes)


@pytest.mark.parametrize(
    ("code", "gone"),
    [
        ("64479", "aapc-bilateral-64483"),
        ("64483", "aapc-bilateral-64483"),
        ("64520", "beckers-sympathetic"),
        ("64510", "beckers-sympathetic"),
        ("20552", "aapc-tpi-muscles"),
        ("20553", "aapc-tpi-muscles"),
        ("27278", "ambetter-sijf"),
    ],
)
def test_secondary_coding_sites_are_gone(code: str, gone: str) -> None:
    assert record(code).source(gone) is None


@pytest.mark.parametrize(
    ("code", "sid", "pmid"),
    [("62273", "stein2014", "24641638"), ("64490", "barnsley1994", "8127332")],
)
def test_mirrored_studies_cite_pubmed(code: str, sid: str, pmid: str) -> None:
    source = record(code).source(sid)
    assert source is not None
    assert source.pmid == pmid


@pytest.mark.parametrize("code", ["64490", "64491", "64493", "64494"])
def test_facet_injections_need_opd_prior_authorization_from_july_2023(code: str) -> None:
    billing = record(code).billing
    assert billing is not None
    pa = [q for q in billing.requirements if q.kind == RequirementKind.PRIOR_AUTHORIZATION]
    assert len(pa) == 1
    assert pa[0].effective == date(2023, 7, 1)
    assert pa[0].setting == "hospital outpatient department"
    assert "cms-opd-pa" in pa[0].sources
    assert not pa[0].in_force_on(date(2023, 6, 30))
    assert pa[0].in_force_on(date(2023, 7, 1))


@pytest.mark.parametrize("code", ["20610", "20611"])
def test_large_joint_injection_is_one_unit_per_joint_and_side(code: str) -> None:
    billing = record(code).billing
    assert billing is not None
    assert billing.unit_of_service == UnitOfService.PER_JOINT
    assert billing.bilateral == Bilateral.ADJUSTMENT_150
    assert not billing.add_on
    assert any("cms-ncci-manual-ch4" in n.sources for n in billing.notes)
    other = "20611" if code == "20610" else "20610"
    assert other in {c.code for c in billing.companion_codes}


@pytest.mark.parametrize(("code", "days"), [("64454", "000"), ("64624", "010")])
def test_genicular_codes_are_one_unit_per_knee(code: str, days: str) -> None:
    r = record(code)
    assert r.billing is not None
    assert r.billing.unit_of_service == UnitOfService.PER_JOINT
    assert r.billing.bilateral == Bilateral.ADJUSTMENT_150
    assert any(f"{int(days)}-day global period" in t for t in texts(r.billing.notes))
    assert r.source("malaithong2023") is not None  # the sham-controlled trial without benefit


def test_77003_is_an_add_on_to_the_blood_patch_with_a_professional_component() -> None:
    billing = record("77003").billing
    assert billing is not None
    assert billing.add_on
    assert billing.primary_codes == ("62273",)
    patch = record("62273").billing
    assert patch is not None
    assert "77003" in patch.add_on_codes
    pfs = record("77003").pfs
    assert pfs is not None
    assert pfs.pc_tc is not None
    assert pfs.pc_tc.value == "1"
    assert "modifier 26" in billing.unit_note


def test_64450_is_one_unit_per_nerve_and_points_to_the_named_nerve_codes() -> None:
    billing = record("64450").billing
    assert billing is not None
    assert billing.bilateral == Bilateral.ADJUSTMENT_150
    assert "One unit per named nerve per encounter" in billing.unit_note
    for named in ("64454", "64451", "64405"):
        assert named in billing.unit_note
    assert any("cms-ncci-manual-ch8" in n.sources for n in billing.notes)


def test_64615_covers_both_sides_once_without_modifier_50() -> None:
    billing = record("64615").billing
    assert billing is not None
    assert billing.bilateral == Bilateral.ALREADY_BILATERAL
    assert billing.unit_of_service == UnitOfService.PER_SESSION
    assert "without modifier 50" in billing.unit_note
    assert "J0585" in {c.code for c in billing.companion_codes}

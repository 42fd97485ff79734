"""New curated records of issue 20 (item 2, companions without a record): spine X-ray, CT and MRI
studies and imaging guidance. Each test holds a billing fact of one record against CMS's own
files in ../shared: the October 2025 PFS (status, global days, bilateral indicator; never its
DESCRIPTION column) and the RBCS add date (skipped when absent)."""

from __future__ import annotations

from datetime import date

import pytest

from proccodes.records import Bilateral, UnitOfService

from .records_review import needs_pfs, needs_rbcs, pfs_row, rbcs_added, record

# code -> (effective date, body region, companion codes the record must name)
GUIDANCE = {
    "77012": (date(2007, 1, 1), "any", {"20225", "64520", "62328", "64483"}),
    "76942": (date(1984, 1, 1), "any", {"20611", "20604", "20606", "76882"}),
}
NEW = {
    "72142": (date(1990, 1, 1), "cervical", {"72141", "72156"}),
    "72147": (date(1990, 1, 1), "thoracic", {"72146", "72157"}),
    "72126": (date(1984, 1, 1), "cervical", {"72125", "72127", "62302", "62284"}),
    "72129": (date(1984, 1, 1), "thoracic", {"72128", "72130", "62303", "62284"}),
    "72052": (date(1984, 1, 1), "cervical", {"72040", "72050"}),
    "72120": (date(1984, 1, 1), "lumbar", {"72114", "72110", "72100"}),
}


@pytest.mark.parametrize("code", sorted(NEW))
def test_new_record_is_curated_with_its_region_and_companions(code: str) -> None:
    proc = record(code)
    assert proc.curated
    billing = proc.billing
    assert billing is not None
    assert billing.unit_of_service == UnitOfService.PER_STUDY
    assert billing.body_region == NEW[code][1]
    assert NEW[code][2] <= {c.code for c in billing.companion_codes}
    assert not billing.add_on


@needs_rbcs
@pytest.mark.parametrize("code", sorted(NEW))
def test_new_record_is_effective_from_the_rbcs_add_date(code: str) -> None:
    assert rbcs_added()[code] == NEW[code][0]
    assert record(code).effective == NEW[code][0]


@needs_pfs
@pytest.mark.parametrize("code", sorted(NEW))
def test_new_record_agrees_with_its_pfs_row(code: str) -> None:
    row = pfs_row(code)
    billing = record(code).billing
    assert billing is not None
    assert row["status"] == "A"
    assert row["global"] == "XXX"
    assert billing.bilateral == Bilateral(row["bilateral"])
    # the record's PFS note states these same facts and cites the PFS
    (note,) = [n for n in billing.notes if "PC/TC indicator" in n.text]
    assert note.sources == ("cms-pfs-rvu25d",)
    assert f"status {row['status']}" in note.text
    assert f"bilateral indicator {row['bilateral']}" in note.text


@pytest.mark.parametrize(("code", "combined"), [("72142", "72156"), ("72147", "72157")])
def test_contrast_only_mri_points_to_the_combined_code(code: str, combined: str) -> None:
    billing = record(code).billing
    assert billing is not None
    assert billing.unit_note is not None
    assert combined in billing.unit_note
    assert any(combined in n.text and n.sources == ("ncci-ch9",) for n in billing.notes)


@pytest.mark.parametrize(("code", "myelogram"), [("72126", "62302"), ("72129", "62303")])
def test_ct_with_contrast_is_the_code_of_a_ct_myelogram(code: str, myelogram: str) -> None:
    billing = record(code).billing
    assert billing is not None
    note = next(n for n in billing.notes if "CT myelography" in n.text)
    assert myelogram in note.text
    assert "62284" in note.text
    # the contrast agent is its own HCPCS Level II code (per mL), named by number only
    assert any("Q9967" in n.text and n.sources == ("cms-hcpcs-2019",) for n in billing.notes)


def test_72052_is_the_top_of_the_neck_x_ray_ladder() -> None:
    # 72040 (2-3 views), 72050 (4-5 views), 72052 (6 or more): each record points to the others
    billing = record("72052").billing
    assert billing is not None
    assert billing.unit_note is not None
    assert "six or more" in billing.unit_note
    assert {"72040", "72050"} <= {w.strip(",.") for w in billing.unit_note.split()}
    other = record("72050").billing
    assert other is not None
    assert "72052" in {c.code for c in other.companion_codes}


def test_72120_bending_views_only_and_the_complete_study_is_72114() -> None:
    billing = record("72120").billing
    assert billing is not None
    assert billing.unit_note is not None
    assert "72114" in billing.unit_note
    # 72110 names 72120 for bending views alone, and 72120 names it back
    other = record("72110").billing
    assert other is not None
    assert "72120" in {c.code for c in other.companion_codes}
    assert "72110" in {c.code for c in billing.companion_codes}


@pytest.mark.parametrize("code", sorted(GUIDANCE))
def test_guidance_record_is_one_unit_per_encounter_and_not_an_add_on(code: str) -> None:
    proc = record(code)
    assert proc.curated
    assert proc.effective == GUIDANCE[code][0]
    billing = proc.billing
    assert billing is not None
    assert billing.unit_of_service == UnitOfService.PER_SESSION
    assert billing.body_region == GUIDANCE[code][1]
    assert GUIDANCE[code][2] <= {c.code for c in billing.companion_codes}
    assert not billing.add_on  # global XXX in the PFS, not ZZZ
    # NCCI: one unit of any guidance code (76942, 77002, 77003, 77012, 77021) per encounter
    (ncci,) = [n for n in billing.notes if n.sources == ("ncci-ch9-guidance",)]
    assert {"76942", "77002", "77003", "77012", "77021"} <= {
        w.strip(",.") for w in ncci.text.split()
    }


@needs_rbcs
@pytest.mark.parametrize("code", sorted(GUIDANCE))
def test_guidance_record_is_effective_from_the_rbcs_add_date(code: str) -> None:
    assert rbcs_added()[code] == GUIDANCE[code][0]


@needs_pfs
@pytest.mark.parametrize("code", sorted(GUIDANCE))
def test_guidance_record_agrees_with_its_pfs_row(code: str) -> None:
    row = pfs_row(code)
    billing = record(code).billing
    assert billing is not None
    assert (row["status"], row["global"]) == ("A", "XXX")
    assert billing.bilateral == Bilateral(row["bilateral"])
    (note,) = [n for n in billing.notes if "PC/TC indicator" in n.text]
    assert "global period XXX" in note.text
    assert f"bilateral indicator {row['bilateral']}" in note.text


def test_76942_is_not_reported_with_the_joint_injections_that_include_it() -> None:
    billing = record("76942").billing
    assert billing is not None
    note = next(n for n in billing.notes if "20611" in n.text)
    assert {"20604", "20606", "20611"} <= {w.strip(",.;") for w in note.text.split()}
    # the CPT 2015 codebook (primary) carries the fact; the column gives the worked example
    assert {"ama-cpt-2015-joint-injection", "rheum-coding-2015"} <= set(note.sources)
    # the joint injection record says the guidance is part of its code
    joint = record("20611").billing
    assert joint is not None
    assert joint.unit_note is not None
    assert "Ultrasound guidance is part of this code" in joint.unit_note


@pytest.mark.parametrize(("myelogram", "ct"), [("62302", "72126"), ("62303", "72129")])
def test_myelogram_records_name_their_ct_myelogram_code(myelogram: str, ct: str) -> None:
    billing = record(myelogram).billing
    assert billing is not None
    assert ct in {c.code for c in billing.companion_codes}
    assert record(ct).curated

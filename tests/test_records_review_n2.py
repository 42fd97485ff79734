"""Issue 20 item 2: curated records for codes the family already named as companions
(62365, 64640, 98943, 27447, J3301). Each test holds a typed billing fact of one new record
against CMS's own files in ../shared (the October 2025 PFS, the RBCS file): status, global days,
bilateral indicator, add-on and effective date. No AMA descriptor is read."""

from __future__ import annotations

from datetime import date

import pytest

from proccodes.records import UnitOfService

from .conftest import SHARED
from .records_review import needs_pfs, needs_rbcs, pfs_row, rbcs_added, record


def billing_of(code: str):  # type: ignore[no-untyped-def]
    billing = record(code).billing
    assert billing is not None, code
    return billing


# -- 62365: removal of an implanted spinal drug pump ----------------------------------------


@needs_pfs
def test_62365_pfs_facts() -> None:
    row = pfs_row("62365")
    assert (row["status"], row["global"], row["bilateral"]) == ("A", "010", "0")
    billing = billing_of("62365")
    assert billing.bilateral == row["bilateral"]
    assert not billing.add_on
    assert billing.unit_of_service == "per procedure"
    assert any("10-day global" in n.text for n in billing.notes)


@needs_rbcs
def test_62365_effective_date_is_cms_add_date() -> None:
    assert record("62365").effective == rbcs_added()["62365"] == date(1996, 1, 1)


def test_62365_points_to_the_pump_it_would_be_replaced_with() -> None:
    codes = {c.code for c in billing_of("62365").companion_codes}
    assert "62362" in codes


# -- 64640: destruction of another peripheral nerve -----------------------------------------


@needs_pfs
def test_64640_pfs_facts() -> None:
    row = pfs_row("64640")
    assert (row["status"], row["global"], row["bilateral"]) == ("A", "010", "1")
    billing = billing_of("64640")
    assert billing.bilateral == row["bilateral"] == "1"
    assert not billing.add_on
    assert "modifier 50" in billing.unit_note


@needs_rbcs
def test_64640_effective_date_is_cms_add_date() -> None:
    assert record("64640").effective == rbcs_added()["64640"] == date(1984, 1, 1)


def test_64640_sends_nerves_with_own_codes_elsewhere() -> None:
    note = billing_of("64640").unit_note
    assert all(code in note for code in ("64624", "64632", "64633"))


# -- 98943: manipulation outside the spine -------------------------------------------------


@needs_pfs
def test_98943_pfs_status_n_and_the_note_says_not_covered() -> None:
    row = pfs_row("98943")
    assert (row["status"], row["global"], row["bilateral"]) == ("N", "XXX", "9")
    billing = billing_of("98943")
    assert billing.bilateral == "9"
    assert any(
        "Medicare does not cover" in n.text and n.sources == ("cms-pfs-rvu25d",)
        for n in billing.notes
    )


def test_98943_cites_the_chiropractic_benefit_limit_to_the_spine() -> None:
    billing = billing_of("98943")
    (note,) = [n for n in billing.notes if "cms-100-02-ch15" in n.sources]
    assert "not covered" in note.text
    source = record("98943").source("cms-100-02-ch15")
    assert source is not None
    assert source.url is not None
    assert source.url.startswith("https://www.cms.gov/")
    assert "section 240" in (source.document or "")


@needs_rbcs
def test_98943_effective_date_is_cms_add_date() -> None:
    assert record("98943").effective == rbcs_added()["98943"] == date(1997, 1, 1)


# -- J3301: triamcinolone acetonide, per 10 mg ----------------------------------------------

HCPCS_2026 = SHARED / "data" / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip"


def hcpcs_2026_line(code: str) -> str:
    import zipfile

    with zipfile.ZipFile(HCPCS_2026) as archive:
        (member,) = [n for n in archive.namelist() if n.endswith(".txt") and "ANWEB" in n]
        text = archive.read(member).decode("latin-1")
    return next(line for line in text.splitlines() if line.startswith(code + "0"))


@needs_pfs
def test_j3301_pfs_status_e_and_asp_note() -> None:
    row = pfs_row("J3301")
    assert (row["status"], row["global"], row["bilateral"]) == ("E", "XXX", "9")
    billing = billing_of("J3301")
    assert billing.bilateral == "9"
    assert billing.unit_of_service == UnitOfService.PER_10_MG
    assert any("status E" in n.text and "excluded" in n.text for n in billing.notes)
    assert any(
        "average sales price" in n.text and "cms-asp-policy" in n.sources for n in billing.notes
    )


@pytest.mark.skipif(not HCPCS_2026.is_file(), reason="needs ../shared: the January 2026 HCPCS file")
def test_j3301_title_descriptors_and_added_date_are_the_2026_hcpcs_file() -> None:
    line = hcpcs_2026_line("J3301")
    proc = record("J3301")
    long_text = line[11:91].strip()
    assert proc.title == long_text
    assert {d.text for d in proc.descriptors} == {long_text, line[91:119].strip()}
    # field 27, code added date (positions 269-276 of the 2026 record layout)
    added = line[268:276]
    assert added == "19910101"
    assert proc.effective == date(1991, 1, 1)


# -- 27447: total knee replacement ----------------------------------------------------------


@needs_pfs
def test_27447_pfs_facts() -> None:
    row = pfs_row("27447")
    assert (row["status"], row["global"], row["bilateral"]) == ("A", "090", "1")
    billing = billing_of("27447")
    assert billing.bilateral == "1"
    assert not billing.add_on
    assert any("90-day global" in n.text for n in billing.notes)


@needs_rbcs
def test_27447_effective_date_is_cms_add_date() -> None:
    assert record("27447").effective == rbcs_added()["27447"] == date(1984, 1, 1)


def test_27447_evidence_cites_skou_2015_with_harms() -> None:
    proc = record("27447")
    skou = proc.source("skou2015")
    assert skou is not None
    assert skou.doi == "10.1056/NEJMoa1505467"
    clinical = proc.clinical
    assert clinical is not None
    assert any("24" in e.text and "skou2015" in e.sources for e in clinical.evidence)


def test_27447_is_the_knee_replacement_the_genicular_records_point_to() -> None:
    for code in ("64454", "64624"):
        clinical = record(code).clinical
        assert clinical is not None
        assert any("27447" in alt.codes for alt in clinical.alternatives), code

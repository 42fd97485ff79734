"""Every billing fact of a curated record names a primary source, not only a coding newsletter.

A biller acts on a record's billing notes and typed payer requirements; an error there costs a
clinic money. Secondary coding pages (newsletters, coding-education sites, trade-press columns)
may add a worked example, but each billing note and each `PayerRequirement` must also cite a
source that is not on one of those sites: the CMS document (NCCI Policy Manual, PFS file, NCD,
LCD, billing article, IOM), or, for a CPT convention, the AMA CPT codebook guideline by name.
"""

from __future__ import annotations

import csv
from urllib.parse import urlsplit

import pytest

from proccodes import Procedure, default_catalog
from proccodes.records import Source

from .conftest import SHARED

# Sites of secondary coding commentary: never enough on their own for a billing fact.
SECONDARY_CODING_DOMAINS = (
    "aapc.com",
    "audioeducator.com",
    "beckersspine.com",
    "the-rheumatologist.org",
)


def is_secondary(source: Source) -> bool:
    """Whether the source is only a secondary coding page (by its URL's host)."""
    if source.doi or source.pmid or source.document:
        return False
    if not source.url:
        return False
    host = (urlsplit(source.url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in SECONDARY_CODING_DOMAINS)


def curated() -> list[Procedure]:
    return [r for r in default_catalog().values() if r.curated]


def billing_facts(record: Procedure) -> list[tuple[str, tuple[str, ...]]]:
    """(text, source ids) of each billing note and payer requirement of a record."""
    b = record.billing
    if b is None:
        return []
    facts = [(n.text, n.sources) for n in b.notes]
    facts += [(r.text, r.sources) for r in b.requirements]
    return facts


def test_is_secondary_by_host() -> None:
    aapc = Source(id="a", citation="c", url="https://www.aapc.com/codes/x")
    cms = Source(id="b", citation="c", url="https://www.cms.gov/x")
    book = Source(id="d", citation="c", document="AMA CPT 2015 Professional Edition")
    assert is_secondary(aapc)
    assert not is_secondary(cms)
    assert not is_secondary(book)


def test_every_billing_fact_cites_a_primary_source() -> None:
    offenders = []
    for record in curated():
        by_id = {s.id: s for s in record.sources}
        for text, ids in billing_facts(record):
            cited = [by_id[i] for i in ids if i in by_id]
            if any(is_secondary(s) for s in cited) and all(is_secondary(s) for s in cited):
                offenders.append(f"{record.code}: {text[:70]}")
    assert not offenders, "billing facts citing only secondary coding pages:\n" + "\n".join(
        offenders
    )


# Corrected facts, each now carried by a primary source (the id named here).
PRIMARY_FOR = [
    ("22510", "Imaging guidance", "ama-cpt-2015-vertebral-augmentation"),
    ("22513", "A bone biopsy", "ama-cpt-2015-vertebral-augmentation"),
    ("20552", "An office visit", "cms-ncci-manual-ch1"),
    ("20553", "An office visit", "cms-iom-100-04-ch12"),
    ("76942", "Since January 2015", "ama-cpt-2015-joint-injection"),
    ("72132", "Contrast given only", "ama-cpt-radiology-guidelines"),
    ("62305", "When the injection", "ama-cpt-myelography"),
    ("22614", "Count interspaces", "ama-cpt-spine-guidelines"),
    ("22840", "Instrumentation", "ama-cpt-spine-guidelines"),
    ("63047", "Before reporting", "cms-ncci-ptp"),
    ("72295", "A discogram", "ama-cpt-discography"),
]


@pytest.mark.parametrize(("code", "start", "source_id"), PRIMARY_FOR)
def test_corrected_fact_cites_primary(code: str, start: str, source_id: str) -> None:
    record = default_catalog()[code]
    facts = [ids for text, ids in billing_facts(record) if text.startswith(start)]
    assert facts, f"{code}: no billing note starting {start!r}"
    assert all(source_id in ids for ids in facts)
    assert source_id in {s.id for s in record.sources}


def test_bone_graft_notes_keep_medicare_bundling() -> None:
    # The CPT add-on convention must not read as Medicare paying 20930/20936 (PFS status B).
    for code in ("20930", "20936"):
        b = default_catalog()[code].billing
        assert b is not None
        texts = " ".join(n.text for n in b.notes)
        assert "status B" in texts
        assert "Medicare" in texts


# The CMS files behind the rewritten notes (read from ../shared; skipped when absent).
RBCS_FILE = SHARED / "data" / "cms-rbcs" / "RBCS_RY_2025.csv"
PFS_FILE = SHARED / "data" / "cms-pfs-rvu" / "RVU25D" / "PPRRVU2025_Oct.csv"


def rbcs_dates(code: str) -> tuple[str, str]:
    with RBCS_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["hcpcs_cd"] == code:
                return row["hcpcs_cd_add_dt"], row["hcpcs_cd_end_dt"]
    raise AssertionError(f"{code} not in RBCS")


def pfs_status_global(code: str) -> tuple[str, str]:
    with PFS_FILE.open(newline="", encoding="latin-1") as handle:
        for row in csv.reader(handle):
            if row and row[0] == code and not row[1]:
                return row[3], row[14]  # status, global days (never the DESCRIPTION)
    raise AssertionError(f"{code} not in the PFS")


@pytest.mark.skipif(not RBCS_FILE.is_file(), reason="needs ../shared (CMS RBCS file)")
def test_vertebroplasty_imaging_codes_ended_when_22510_22515_began() -> None:
    for old in ("72291", "72292"):
        assert rbcs_dates(old)[1] == "12/31/2014"
    for new in ("22510", "22511", "22512", "22513", "22514", "22515"):
        assert rbcs_dates(new)[0] == "01/01/2015"
        b = default_catalog()[new].billing
        assert b is not None
        (note,) = [n for n in b.notes if n.text.startswith("Imaging guidance")]
        assert "31 December 2014" in note.text
        assert "cms-rbcs-2025" in note.sources


@pytest.mark.skipif(not RBCS_FILE.is_file(), reason="needs ../shared (CMS RBCS file)")
def test_combined_fusion_codes_date_from_2012() -> None:
    for code in ("22633", "22634"):
        assert rbcs_dates(code)[0] == "01/01/2012"


@pytest.mark.skipif(not PFS_FILE.is_file(), reason="needs ../shared (CMS PFS file)")
def test_pfs_facts_behind_the_rewritten_notes() -> None:
    # Trigger point injections are minor procedures (0-day global): NCCI ch. I, section D.
    assert pfs_status_global("20552") == ("A", "000")
    assert pfs_status_global("20553") == ("A", "000")
    # Medicare bundles the allograft and local autograft codes (status B).
    assert pfs_status_global("20930")[0] == "B"
    assert pfs_status_global("20936")[0] == "B"

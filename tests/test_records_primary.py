"""Every billing fact of a curated record names a primary source, not only a coding newsletter.

A biller acts on a record's billing notes and typed payer requirements; an error there costs a
clinic money. Secondary coding pages (newsletters, coding-education sites, trade-press columns)
may add a worked example, but each billing note and each `PayerRequirement` must also cite a
source that is not on one of those sites: the CMS document (NCCI Policy Manual, PFS file, NCD,
LCD, billing article, IOM), or, for a CPT convention, the AMA CPT codebook guideline by name.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from proccodes import Procedure, default_catalog
from proccodes.records import Source

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

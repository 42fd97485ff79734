"""check_record and check_catalog: each rule, on a record broken in one place."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from proccodes import (
    Alternative,
    Catalog,
    CodeRef,
    Descriptor,
    DescriptorUse,
    Severity,
    Source,
    Statement,
    check_catalog,
    check_record,
    get,
)


def _fields(problems):
    return {(p.field, p.severity) for p in problems}


@pytest.fixture
def record():
    return get("62290")


def _clinical(record, **changes):
    return attrs.evolve(record, clinical=attrs.evolve(record.clinical, **changes))


def _billing(record, **changes):
    return attrs.evolve(record, billing=attrs.evolve(record.billing, **changes))


def test_a_complete_record_is_clean(record):
    assert check_record(record) == []


def test_empty_sections(record):
    broken = _clinical(record, risks=(), summary="", common_names=(), alternatives=())
    fields = _fields(check_record(broken))
    assert ("clinical.risks", Severity.ERROR) in fields
    assert ("clinical.summary", Severity.ERROR) in fields
    assert ("clinical.common_names", Severity.ERROR) in fields
    assert ("clinical.alternatives", Severity.ERROR) in fields


def test_empty_and_repeated_items(record):
    steps = (*record.clinical.steps, Statement(text=" "), record.clinical.steps[0])
    fields = _fields(check_record(_clinical(record, steps=steps)))
    n = len(record.clinical.steps)
    assert (f"clinical.steps[{n}]", Severity.ERROR) in fields
    assert (f"clinical.steps[{n + 1}]", Severity.ERROR) in fields


def test_duration_order(record):
    duration = attrs.evolve(record.clinical.duration, minutes_min=90, minutes_max=30)
    problems = check_record(_clinical(record, duration=duration))
    assert [p.message for p in problems] == ["minutes_min is more than minutes_max"]


def test_unknown_source_ids_and_uncited_sources(record):
    risks = (*record.clinical.risks, Statement(text="A new risk.", sources=("nobody2020",)))
    problems = check_record(_clinical(record, risks=risks))
    assert any("cites unknown source 'nobody2020'" in p.message for p in problems)
    extra = Source(id="unused", citation="A book.", document="Book 1")
    problems = check_record(attrs.evolve(record, sources=(*record.sources, extra)))
    assert [(p.message, p.severity) for p in problems] == [
        ("source 'unused' is never cited", Severity.WARNING)
    ]


def test_sources_need_identifiers_and_valid_forms(record):
    bad = (
        Source(id="a", citation="x"),
        Source(id="b", citation="y", doi="not-a-doi"),
        Source(id="c", citation="z", pmid="PMID123"),
    )
    problems = check_record(attrs.evolve(record, sources=(*record.sources, *bad)))
    messages = " | ".join(p.message for p in problems)
    assert "needs a doi, pmid, document or url" in messages
    assert "is not a DOI" in messages
    assert "is not a PubMed id" in messages
    assert check_record(attrs.evolve(record, sources=()))  # a curated record needs sources


def test_evidence_must_be_sourced(record):
    problems = check_record(_clinical(record, evidence=(Statement(text="Unsourced."),)))
    assert any(p.field == "clinical.evidence" for p in problems)


def test_promotional_wording(record):
    benefits = (Statement(text="A safe and effective, painless test."),)
    problems = check_record(_clinical(record, benefits=benefits))
    assert any("promotional wording" in p.message for p in problems)


def test_dates(record):
    broken = attrs.evolve(record, effective=date(2020, 1, 1), terminated=date(2019, 1, 1))
    assert ("terminated", Severity.ERROR) in _fields(check_record(broken))
    future = attrs.evolve(record, reviewed=date(2099, 1, 1))
    assert ("reviewed", Severity.ERROR) in _fields(check_record(future))


def test_add_on_rules(record):
    problems = check_record(_billing(record, add_on=True))
    assert ("billing.primary_codes", Severity.ERROR) in _fields(problems)
    problems = check_record(_billing(record, primary_codes=("62291",)))
    assert ("billing.add_on", Severity.ERROR) in _fields(problems)
    problems = check_record(_billing(record, add_on_codes=("62290", "bad")))
    messages = [p.message for p in problems]
    assert "points to the record itself" in messages
    assert "'bad' is not a valid canonical code" in messages


def test_no_dedicated_code_needs_the_unlisted_code(record):
    alt = Alternative(name="Annulogram", description="d", no_dedicated_code=True)
    problems = check_record(_clinical(record, alternatives=(alt,)))
    assert any("unlisted code" in p.message for p in problems)


def test_catalog_cross_references_and_add_on_symmetry(record):
    primary = _billing(record, add_on_codes=("62291",))
    add_on = attrs.evolve(
        _billing(record, add_on=True, primary_codes=("72295",), add_on_codes=()),
        code="62291",
        title="Other",
    )
    catalog = Catalog.from_records([primary, add_on])
    messages = [str(p) for p in check_catalog(catalog)]
    assert any("72295 is not in the catalog" in m for m in messages)
    assert any("62291 is not an add-on naming 62290 as primary" in m for m in messages)
    assert any("72295" in m for m in messages)


def test_shared_titles_are_flagged(record):
    twin = attrs.evolve(record, code="62291")
    catalog = Catalog.from_records([record, twin])
    assert any(p.field == "title" and p.code == "62291" for p in check_catalog(catalog))


def test_companion_codes_resolve(record):
    lonely = _billing(record, companion_codes=(CodeRef(code="72295"),))
    problems = check_catalog(Catalog.from_records([lonely]))
    assert any(p.field == "billing.companion_codes[0]" for p in problems)


def test_file_only_record_without_descriptor(record):
    bare = attrs.evolve(
        record,
        clinical=None,
        billing=None,
        sources=(),
        reviewed=None,
        descriptors=(),
        file_facts=None,
        pfs=None,
        pfs_by_modifier=(),
        rbcs=None,
    )
    assert [p.field for p in check_record(bare)] == ["clinical"]
    # an official-only record with any official data (here the PFS row) is whole
    assert check_record(attrs.evolve(bare, pfs=record.pfs)) == []


def test_official_titles_are_not_held_to_our_wording_rules(record):
    # CMS's G0159 reads "... safe and effective ...": that is the government's text, not ours.
    official = "Services of physical therapist, in establishing a safe and effective  program"
    long = Descriptor(use=DescriptorUse.LONG, text=official, source="CMS HCPCS 2019 annual file")
    filed = attrs.evolve(
        record, clinical=None, billing=None, sources=(), reviewed=None, descriptors=(long,)
    )
    first = attrs.evolve(filed, title=official)
    twin = attrs.evolve(filed, code="62291", title=official)
    assert check_catalog(Catalog.from_records([first, twin])) == []
    assert [str(p) for p in check_record(attrs.evolve(filed, title=" "))] == [
        "error 62290 title: is empty"
    ]
    curated = check_record(attrs.evolve(record, title=official))
    assert {p.field for p in curated} == {"title"}


def test_payer_requirements_are_sourced_and_consistent() -> None:
    from proccodes import get
    from proccodes.records import PayerRequirement, RequirementKind

    record = get("62290")
    assert record.billing is not None
    source = record.sources[0].id
    good = PayerRequirement(
        kind=RequirementKind.MODIFIER,
        text="Report KX when the LCD's criteria are met.",
        modifier="KX",
        sources=(source,),
    )
    bad = [
        PayerRequirement(
            kind=RequirementKind.MODIFIER, text="No modifier named.", sources=(source,)
        ),
        PayerRequirement(kind=RequirementKind.PRIOR_AUTHORIZATION, text="Unsourced."),
        PayerRequirement(
            kind=RequirementKind.PRIOR_AUTHORIZATION, text="Unknown source.", sources=("nope",)
        ),
        PayerRequirement(
            kind=RequirementKind.PRIOR_AUTHORIZATION,
            text="Ends first.",
            sources=(source,),
            effective=date(2024, 1, 1),
            ends=date(2023, 1, 1),
        ),
    ]

    def fields(req: PayerRequirement) -> list[str]:
        billing = attrs.evolve(record.billing, requirements=(req,))
        found = check_record(attrs.evolve(record, billing=billing))
        return [p.field for p in found if p.field.startswith("billing.requirements")]

    assert fields(good) == []
    assert [fields(b) for b in bad] == [
        ["billing.requirements[0].modifier"],
        ["billing.requirements[0].sources"],
        ["billing.requirements[0].sources"],
        ["billing.requirements[0].ends"],
    ]

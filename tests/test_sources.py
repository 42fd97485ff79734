"""Primary sources only: no curated record cites a mirror, an AI or content-farm site, an archive
mirror or a development server where a primary source (CMS, the NCD/LCD/article, the MAC, FDA,
PubMed/DOI, the society's own page) exists. docs/records.md names the rule."""

from __future__ import annotations

import re

import pytest

from proccodes import default_catalog

# Hosts that republish or generate what a primary source says; a record cites the original.
REJECTED_HOSTS = {
    "docslib.org": "document mirror",
    "vdocument.in": "document mirror",
    "iframe.ai": "AI-generated coding site",
    "jesse.tg": "AI-generated coding site",
    "cybercemetery.unt.edu": "archive mirror",
    "druglib.com": "drug-label mirror",
    "mirahealth.care": "marketing page",
    "mdstrategies.com": "marketing page",
    "spineopedia.com": "content site",
    "openpayer.com": "aggregator",
    "exploremyplan.com": "policy mirror",
    "myorthoevidence.com": "aggregator",
}
_DEV_SERVER = re.compile(r"(^|[.-])(dev|staging|test)([.-]|$)")

CURATED = [r for r in default_catalog().values() if r.curated]


def rejected(url: str) -> str | None:
    """Why a source URL is not acceptable, or None.

    >>> rejected("https://www.cms.gov/x"), rejected("https://docslib.org/doc/1")
    (None, 'document mirror')
    >>> rejected("https://acnpsearch.tweb-dev.unibo.it/x")
    'development server'
    """
    host = re.sub(r"^https?://", "", url).split("/")[0].lower().removeprefix("www.")
    for bad, why in REJECTED_HOSTS.items():
        if host == bad or host.endswith("." + bad):
            return why
    return "development server" if _DEV_SERVER.search(host) else None


def test_the_rule_can_fail() -> None:
    assert rejected("https://fl-policies.exploremyplan.com/p.pdf") == "policy mirror"
    assert rejected("https://pubmed.ncbi.nlm.nih.gov/1/") is None


@pytest.mark.parametrize("record", CURATED, ids=lambda r: r.code)
def test_record_cites_no_mirror_or_generated_source(record: object) -> None:
    bad = [
        f"{s.id}: {s.url} ({why})"
        for s in record.sources  # type: ignore[attr-defined]
        if s.url and (why := rejected(s.url))
    ]
    assert not bad, bad

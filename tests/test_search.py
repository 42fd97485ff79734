"""The search index: its shortcuts rank exactly as scoring every record would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proccodes import Catalog, default_catalog
from proccodes._search import SearchIndex, tokenize
from proccodes.sources.hcpcs import load_hcpcs

from .conftest import TEST_DATA

# The curated records and a CMS file's (uncurated) ones: small enough to score every record per
# example, mixed so that the curated-first rule is exercised.
CURATED = Catalog(r for r in default_catalog().values() if r.curated)
INDEX = SearchIndex(CURATED.merge(load_hcpcs(TEST_DATA / "hcpcs2019_excerpt.txt")).values())
VOCAB = INDEX._vocab


def _rank(words, i):
    """Record i's rank key, computed the plain way, one record at a time."""
    matched, score = 0, 0.0
    for expansions in words:
        best = 0.0
        for token, factor in expansions:
            w = INDEX._postings[token].get(i)
            if w is not None and w * (INDEX._idf[token] * factor) > best:
                best = w * (INDEX._idf[token] * factor)
        if best:
            matched += 1
            score += best
    return (-matched, i in INDEX._uncurated, i in INDEX._add_ons, -score, i)


def _everything_scored(words, need, exclude=()):
    """The plain way: score every record, sort, cut."""
    keys = (_rank(words, i) for i in range(len(INDEX)) if i not in exclude)
    return [key[-1] for key in sorted(k for k in keys if k[0] < 0)][:need]


def _typo(word, at):
    at %= len(word)
    return word[:at] + word[at + 1 :]


query_word = st.one_of(
    st.sampled_from(VOCAB),
    st.builds(lambda w, n: w[: max(3, len(w) - n)], st.sampled_from(VOCAB), st.integers(1, 4)),
    st.builds(_typo, st.sampled_from([w for w in VOCAB if len(w) >= 5]), st.integers(0, 20)),
)


@given(
    st.lists(query_word, min_size=1, max_size=4),
    st.integers(1, 40),
    st.sets(st.integers(0, len(INDEX) - 1), max_size=30),
)
def test_word_ranking_matches_scoring_every_record(query, need, exclude):
    words = [found for w in dict.fromkeys(tokenize(" ".join(query))) if (found := INDEX._expand(w))]
    assert INDEX._by_words(words, need, exclude) == _everything_scored(words, need, exclude)
    if words:
        assert INDEX._rank_keys(words, [0, 1]) == [_rank(words, 0), _rank(words, 1)]


@pytest.mark.parametrize("query", ["injection", "epidural steroid injection", "lumbar", "mri"])
@pytest.mark.parametrize("need", [1, 10, 1000])
def test_broad_queries_take_the_shortcuts_correctly(query, need):
    words = [INDEX._expand(w) for w in tokenize(query)]
    assert INDEX._by_words(words, need, ()) == _everything_scored(words, need)


def test_code_prefixes_find_their_codes():
    assert [p.code for p in INDEX.search("6229", limit=2)] == ["62290", "62291"]
    assert [p.code for p in INDEX.search("J26", limit=1)] == ["J2650"]
    assert INDEX.search("zzz") == []

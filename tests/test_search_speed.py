"""The search's shortcuts change no answer: the same records in the same order as before them.

``data/search_expected.tsv`` holds the answers (limit 10 and limit 3) of 410 queries recorded
from the search as it was before the speed work (commit e1a3c5c): two-word queries built as
``benchmarks/serve_load.py`` builds them, misspellings, codes and partial codes, and one to
three words of titles. If the shipped catalog's records change, record it again from the
commit before any change to the ranking, not from the code under test.

Beside the recording, the parts the shortcuts replace are checked against plain computations:
the word ranking of each query against scoring every record that has one of its words, the
lists ranked when the index is built against sorting by `_order`, and the expansions found
when the index is built against `_expand`.
"""

from __future__ import annotations

import pytest

from proccodes import default_catalog
from proccodes._search import SearchIndex, tokenize

from .conftest import TEST_DATA


def _expected() -> list[tuple[str, list[str], list[str]]]:
    rows = []
    text = (TEST_DATA / "search_expected.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        query, ten, three = line.split("\t")
        rows.append((query, ten.split(), three.split()))
    return rows


EXPECTED = _expected()


def _index() -> SearchIndex:
    catalog = default_catalog()
    catalog.search("")  # builds the catalog's index once for the session
    index = catalog._index
    assert isinstance(index, SearchIndex)
    return index


def test_the_recording_covers_each_kind_of_query():
    queries = [q for q, _, _ in EXPECTED]
    assert len(queries) >= 400
    assert sum(len(tokenize(q)) == 2 for q in queries) >= 150
    assert sum(any(c.isdigit() for c in q) for q in queries) >= 50
    assert sum(not ten for _, ten, _ in EXPECTED) < 20  # mostly queries that find records


@pytest.mark.parametrize("limit", [10, 3])
def test_answers_are_those_recorded_before_the_speed_work(limit):
    catalog = default_catalog()
    wrong = []
    for query, ten, three in EXPECTED:
        got = [p.code for p in catalog.search(query, limit=limit)]
        if got != (ten if limit == 10 else three):
            wrong.append((query, got))
    assert wrong == []


def _scored(index: SearchIndex, words, need, exclude):
    """The plain way: score every record that has one of the query's words, sort, cut."""
    postings, idf = index._postings, index._idf
    found = set().union(*(postings[t].keys() for e in words for t, _ in e)) - set(exclude)
    keys = []
    for i in found:
        matched, score = 0, 0.0
        for expansions in words:
            best = max(postings[t].get(i, 0.0) * (idf[t] * f) for t, f in expansions)
            if best:
                matched += 1
                score += best
        ended = i in index._ended
        keys.append((ended - matched, ended, i in index._add_ons, -score, i))
    return [key[-1] for key in sorted(keys)[:need]]


def test_word_ranking_is_scoring_every_record_with_a_word():
    index = _index()
    checked = 0
    for query, _, _ in EXPECTED:
        words = [e for w in dict.fromkeys(tokenize(query)) if (e := index._expansions(w))]
        if len(words) < 2 or sum(len(index._postings[t]) for e in words for t, _ in e) > 3000:
            continue
        for need, exclude in ((10, ()), (3, ()), (10, {0, 5, 12000})):
            assert index._by_words(words, need, exclude) == _scored(index, words, need, exclude)
        checked += 1
    assert checked >= 150


def test_lists_ranked_at_build_are_sorted_by_the_one_word_order():
    index = _index()
    ranked = dict(index._by_weight)
    assert len(ranked) > 1000
    for token, records in ranked.items():
        assert records == sorted(index._postings[token], key=index._order(token, 1.0)), token


def test_expansions_found_at_build_are_those_of_expand():
    index = _index()
    assert len(index._vocab_expansions) == len(index._vocab)
    for word, expansions in index._vocab_expansions.items():
        assert expansions == index._expand(word), word


def test_names_starting_a_key_are_those_a_scan_finds():
    from proccodes._search import _MAX_EXPANSIONS, name_key

    index = _index()
    names = index._name_keys
    keys = [name_key(q) for q, _, _ in EXPECTED[::2]]
    keys += [n[: len(n) - 2] for n in names[::150]] + [n + " x" for n in names[::300]]
    keys += ["lumbar ", "knee", "kne", "ab", "zzzz zzz"]
    for key in keys:
        found = [n for n in names if n.startswith(key)][:_MAX_EXPANSIONS] if len(key) >= 3 else []
        assert list(index._names_starting(key)) == [i for n in found for i in index._names[n]]

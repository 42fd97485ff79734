"""The search index: its shortcuts rank exactly as scoring every record would."""

from __future__ import annotations

import contextlib
import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proccodes import Catalog, default_catalog
from proccodes._search import (
    SearchIndex,
    _within_one_edit,
    _within_two_edits,
    sound_key,
    tokenize,
)
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
    ended = i in INDEX._ended  # an ended code counts one word fewer, and after current ones
    return (ended - matched, ended, i in INDEX._add_ons, -score, i)


def _everything_scored(words, need, exclude=()):
    """The plain way: score every record, sort, cut."""
    keys = (_rank(words, i) for i in range(len(INDEX)) if i not in exclude)
    return [key[-1] for key in sorted(k for k in keys if k[0] - k[1] < 0)][:need]


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


# -- misspellings by sound and two edits in a long word ---------------------------------------


def _osa(a, b):
    """Optimal-string-alignment distance, the textbook table."""
    d = [[i + j if not i * j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            change = d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, change)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@given(st.text("abcd", max_size=9), st.text("abcd", max_size=9))
def test_two_edits_is_the_textbook_distance(a, b):
    assert _within_two_edits(a, b) == (_osa(a, b) <= 2)
    assert _within_one_edit(a, b) == (_osa(a, b) <= 1)


@pytest.mark.parametrize(
    ("spelt", "word"),
    [
        ("fasit", "facet"),  # soft c, vowels
        ("kyfoplasty", "kyphoplasty"),  # ph
        ("kiphoplasti", "kyphoplasty"),  # y and i
        ("diskogram", "discogram"),  # hard c
        ("epidurral", "epidural"),  # a doubled letter
        ("sakroilliak", "sacroiliac"),
        ("radiofrekwency", "radiofrequency"),  # q, and w after the first letter
        ("fisical", "physical"),
        ("tracshun", "traction"),  # ti before a vowel, sh
        ("kemonucleolysis", "chemonucleolysis"),  # ch
        ("dexamethazone", "dexamethasone"),  # z
        ("surjery", "surgery"),  # soft g
        ("nee", "knee"),  # a silent first letter
        ("zylocaine", "xylocaine"),  # a first x
    ],
)
def test_words_spelt_as_they_sound_share_a_key(spelt, word):
    assert sound_key(spelt) == sound_key(word)


@pytest.mark.parametrize(
    ("one", "other"),
    [("facet", "fistula"), ("lumbar", "limb"), ("cervical", "sacral"), ("disc", "dose")],
)
def test_words_that_sound_apart_keep_apart(one, other):
    assert sound_key(one) != sound_key(other)


@given(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=60))
def test_a_sound_key_is_short_and_has_no_vowels_after_its_first_letter(word):
    key = sound_key(word)
    assert 1 <= len(key) <= 2 * len(word)
    assert not set(key[1:]) & set("aeiouyhw")


def test_a_word_found_by_sound_counts_less_than_one_edit():
    found = dict(INDEX._expand("fasit"))  # "fast" is one edit away (in this catalog or not)
    assert found["facet"] == 0.5
    assert all(factor in {0.6, 0.5} for factor in found.values())
    assert dict(INDEX._expand("vertabroplastry")) == {"vertebroplasty": 0.4}
    assert INDEX._expand("dicsograhpy") == []  # two slips in consonants: not found


def test_a_misspelt_name_ranks_as_the_name():
    def codes(query):
        return [p.code for p in INDEX.search(query)]

    assert codes("vertabroplastry") == codes("vertebroplasty")
    assert codes("kyfoplasty") == codes("kyphoplasty")
    assert codes("disc dye tesst")[:1] == ["62290"]


@given(st.text("abcdefghijklmnopqrstuvwxyz", min_size=8, max_size=40))
def test_long_unknown_words_check_a_bounded_number_of_words(word):
    found = INDEX._expand(word)
    assert len(found) <= 2 * 24 + 8 + 64
    assert all(_within_two_edits(word, t) for t, f in found if f == 0.4)


def test_a_rare_misspelling_in_official_text_does_not_hide_the_common_word():
    # CMS's 2026 text of V2624 spells "artifical"; "artifical disc" must still find the
    # artificial-disc records, and the rare word itself still finds its record.
    from proccodes import CodeKind, CodeSystem, Procedure

    def record(code: str, title: str) -> Procedure:
        return Procedure(
            code=code, system=CodeSystem.HCPCS, kind=CodeKind.HCPCS_LEVEL_II, title=title
        )

    records = [record("V2624", "Polishing of an artifical eye")]
    records += [record(f"L{8000 + i}", f"Artificial limb part {i}") for i in range(6)]
    index = SearchIndex(records)
    found = [p.code for p in index.search("artifical", limit=10)]
    assert found[0] == "V2624"
    assert {f"L{8000 + i}" for i in range(6)} <= set(found)
    # a common word is never respelt: it stands for itself alone
    assert [p.code for p in index.search("artificial", limit=10)] == [
        f"L{8000 + i}" for i in range(6)
    ]


def test_a_query_word_is_expanded_once_and_the_kept_words_are_bounded(monkeypatch):
    from proccodes import _search

    index = SearchIndex(CURATED.values())
    first = [p.code for p in index.search("vertabroplastry lumbar")]
    assert index._expansions("vertabroplastry") is index._expanded["vertabroplastry"]
    assert index._expanded["lumbar"] == index._expand("lumbar")
    assert [p.code for p in index.search("vertabroplastry lumbar")] == first
    long_word = "x" * (_search.MAX_WORD_LENGTH + 1)
    index.search(long_word)
    assert long_word not in index._expanded  # a long word is never kept
    monkeypatch.setattr(_search, "_MAX_CACHED_WORDS", len(index._expanded))
    assert index.search("kyfoplasty") == SearchIndex(CURATED.values()).search("kyfoplasty")
    assert "kyfoplasty" not in index._expanded  # full: the word is expanded, not kept


@pytest.mark.slow  # the whole catalog's index exported twice, once in a new process
def test_the_sites_index_is_byte_identical_from_one_build_to_the_next():
    """Two builds in two processes (different string hash seeds, which once reordered the
    index's words) give the same bytes: the export is in a stable order. The second process is
    this one: its seed is random, or the environment's, never the child's."""
    import hashlib
    import subprocess
    import sys

    from proccodes.site import search_data

    script = (
        "import hashlib, json; from proccodes import default_catalog;"
        " from proccodes.site import search_data;"
        " data = json.dumps(search_data(default_catalog()), separators=(',', ':'),"
        " ensure_ascii=False); print(hashlib.sha256(data.encode()).hexdigest())"
    )
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    child = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
        timeout=600,  # only to catch a hang
    ).stdout
    data = json.dumps(search_data(default_catalog()), separators=(",", ":"), ensure_ascii=False)
    assert child == hashlib.sha256(data.encode()).hexdigest() + "\n"


def test_export_holds_the_ranking_parameters_and_the_index():
    data = SearchIndex(CURATED.values()).export()
    assert data["params"]["stop"] == sorted(data["params"]["stop"])
    assert list(data["postings"]) == sorted(data["postings"])
    assert len(data["codes"]) == len(CURATED)
    i = data["codes"].index("62290")
    assert i in data["names"]["discogram"]
    assert str(i) in data["postings"]["discogram"]


def test_the_cli_notes_a_modifier_and_an_ended_code():
    from io import StringIO

    from proccodes.cli import main

    out = StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["search", "64483-RT", "x2"]) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("64483 ")
    assert lines[-1] == "note: 64483: modifier RT; 2 units"
    out = StringIO()
    with contextlib.redirect_stdout(out):
        main(["search", "J1040", "--limit", "1"])
    assert out.getvalue().splitlines()[-1] == "note: J1040: J1040 ended on 2024-03-31"

"""Regression tests of issue 8 ("Hardening"): one or more per item, each failing before the fix.

The items are numbered as in the issue; the test names start with the item's number.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import copy
import os
import pickle
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import proccodes
from proccodes import (
    Catalog,
    CodeNotActiveError,
    DataError,
    InvalidCodeError,
    ProcCodesError,
    UnknownCodeError,
    default_catalog,
    get,
    load_catalog,
)
from proccodes import catalog as catalog_module
from proccodes import fhir as pfhir

from .conftest import ROOT, SHARED, TEST_DATA

HCPCS_2019 = SHARED / "data" / "cms-hcpcs-2019" / "HCPC2019_CONTR_ANWEB.txt"
needs_2019 = pytest.mark.skipif(
    not HCPCS_2019.exists(), reason="needs ../shared (CMS files): HCPCS 2019"
)


def _catalog_json(tmp_path: Path, body: bytes, name: str = "c.json") -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def _header(rest: bytes = b"") -> bytes:
    return b'{"schema_version": 1, "release": "r", "as_of": "2026-01-01", "procedures": []' + rest


# -- 1. search is linear in the query's length ---------------------------------------------------


@contextlib.contextmanager
def _matching_work():
    """Count the calls of search's per-word matching functions (deletions, edit distances,
    phonetic keys) and the longest word handed to them: the work that grew with the square of
    a long word's length. An operation count, not a clock: a busy machine cannot fail it."""
    from unittest import mock

    from proccodes import _search

    seen = {"calls": 0, "longest": 0}

    def counted(function):
        def call(*words):
            seen["calls"] += 1
            seen["longest"] = max(seen["longest"], *(len(w) for w in words))
            return function(*words)

        return call

    with contextlib.ExitStack() as stack:
        for name in ("_deletions", "_within_one_edit", "_within_two_edits", "sound_key"):
            function = getattr(_search, name)
            stack.enter_context(mock.patch.object(_search, name, counted(function)))
        yield seen


# per query: at most MAX_QUERY_WORDS words are matched, each within a bounded vocabulary
_MAX_MATCHING_CALLS = 200_000


def _within_bounds(seen) -> None:
    from proccodes._search import MAX_WORD_LENGTH

    assert seen["longest"] <= MAX_WORD_LENGTH, seen
    assert seen["calls"] <= _MAX_MATCHING_CALLS, seen


def test_1_search_work_does_not_grow_with_a_long_word():
    # before: every deletion of the word was copied (2 s for 80,000 characters, minutes for
    # a million); now a word longer than MAX_WORD_LENGTH is matched only as itself
    for query in ("a" * 1_000_000, "discogram" + "x" * 200_000):
        with _matching_work() as seen:
            proccodes.search(query)
        _within_bounds(seen)


_LONG_QUERIES = st.builds(
    lambda words, repeat, long_word: " ".join(words) * repeat + " " + long_word,
    st.lists(st.text(st.characters(codec="utf-8"), max_size=300), min_size=1, max_size=8),
    st.integers(1, 60),
    # one long word: what made the time grow with the square of the length
    st.builds(lambda c, n: c * n, st.sampled_from("aezé9"), st.integers(20_000, 150_000)),
)


@given(query=_LONG_QUERIES)
def test_1_search_work_is_bounded_whatever_the_query(query):
    with _matching_work() as seen:
        proccodes.search(query, limit=5)
        default_catalog().search(query)
    _within_bounds(seen)


def test_1_long_words_are_not_expanded_but_still_match_exactly():
    from proccodes._search import MAX_WORD_LENGTH

    assert proccodes.search("discograhy")[0].code == "62290"  # a typo within the limit
    word = "d" * (MAX_WORD_LENGTH + 1)
    assert proccodes.search(word) == []


# -- 2. a cut or disordered HCPCS file is an error, never a partial catalog ----------------------


def _excerpt_cuts() -> list[int]:
    size = len((TEST_DATA / "hcpcs2019_excerpt.txt").read_bytes())
    return list(range(3000, size, 53))  # past the header, every 53rd byte: about 250 cuts


def test_2_a_file_cut_anywhere_but_at_a_line_end_is_an_error(tmp_path):
    from proccodes.sources.hcpcs import load_hcpcs

    data = (TEST_DATA / "hcpcs2019_excerpt.txt").read_bytes()
    path = tmp_path / "HCPC2019_cut.txt"
    loaded = []
    for cut in _excerpt_cuts():
        path.write_bytes(data[:cut])
        try:
            load_hcpcs(path)
        except DataError:
            continue
        loaded.append(cut)
    # a cut just after a line end leaves whole records: nothing in the file can tell
    assert all(data[cut - 1 : cut] in (b"\n", b"\r") for cut in loaded), loaded


@pytest.mark.slow
@needs_2019
def test_2_the_2019_file_cut_at_random_bytes_is_an_error(tmp_path):
    import random

    from proccodes.sources.hcpcs import load_hcpcs

    data = HCPCS_2019.read_bytes()
    path = tmp_path / "HCPC2019_CONTR_ANWEB.txt"
    rng = random.Random(2019)
    for cut in sorted(rng.randrange(1, len(data)) for _ in range(8)):
        if data[cut - 1 : cut] in (b"\n", b"\r"):
            continue
        path.write_bytes(data[:cut])
        with pytest.raises(DataError, match="cut short"):
            load_hcpcs(path)


def _excerpt_lines() -> list[bytes]:
    return (TEST_DATA / "hcpcs2019_excerpt.txt").read_bytes().split(b"\r\n")


def _continuations(lines: list[bytes]) -> list[int]:
    """Indexes of a run of at least two continuation lines of one code."""
    for i, line in enumerate(lines):
        if line[10:11] == b"4" and lines[i + 1][10:11] == b"4":
            return [i, i + 1]
    raise AssertionError("the excerpt has no code with two continuation lines")


@pytest.mark.parametrize("damage", ["deleted", "duplicated", "swapped"])
def test_2_a_broken_sequence_of_continuation_records_is_an_error(tmp_path, damage):
    from proccodes.sources.hcpcs import load_hcpcs

    lines = _excerpt_lines()
    i, j = _continuations(lines)
    if damage == "deleted":
        del lines[i]
        line = i + 1
    elif damage == "duplicated":
        lines.insert(i, lines[i])
        line = i + 2
    else:
        lines[i], lines[j] = lines[j], lines[i]
        line = i + 1
    path = tmp_path / "HCPC2019_damaged.txt"
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(DataError) as caught:
        load_hcpcs(path)
    assert caught.value.problems[0].startswith(f"line {line}: sequence number")
    assert caught.value.problems[0].endswith("@ sequence (6-10)")


def test_2_records_of_the_wrong_length_are_errors(tmp_path):
    from proccodes.sources.hcpcs import load_hcpcs

    lines = _excerpt_lines()
    first = next(i for i, line in enumerate(lines) if line[10:11] == b"3")
    short = [*lines]
    short[first] = short[first][:200]
    path = tmp_path / "HCPC2019_short.txt"
    path.write_bytes(b"\r\n".join(short))
    with pytest.raises(DataError, match=f"line {first + 1}: 200 characters; a first line"):
        load_hcpcs(path)
    long = [*lines]
    long[first] = long[first] + b"X" * 10
    path.write_bytes(b"\r\n".join(long))
    with pytest.raises(DataError, match=f"line {first + 1}: 330 characters; the record layout"):
        load_hcpcs(path)


# -- 3. errors and catalogs cross process boundaries ----------------------------------------------

ERRORS = [
    InvalidCodeError("62290-50", "a modifier is attached", code="62290", modifiers=("50",)),
    UnknownCodeError("62229", suggestions=("62290", "62291")),
    CodeNotActiveError(
        "Q9974",
        date(2019, 1, 1),
        effective=date(2010, 1, 1),
        terminated=date(2017, 12, 31),
        replaced_by=("J2274",),
    ),
    DataError("catalog.json", ["record 62290: missing field @ 62290.title", "second"]),
    ProcCodesError("plain"),
]


def _fields(err: BaseException) -> dict[str, object]:
    return {"type": type(err), "str": str(err), "args": err.args, **vars(err)}


@pytest.mark.parametrize("err", ERRORS, ids=lambda e: type(e).__name__)
def test_3_every_exception_round_trips_through_pickle(err):
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(err, protocol))
        assert _fields(again) == _fields(err)
    assert _fields(copy.deepcopy(err)) == _fields(err)


def _raise(index: int) -> None:
    raise ERRORS[index]


def test_3_a_worker_process_raising_each_error_reports_it():
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(_raise, i) for i in range(len(ERRORS))]
        for err, future in zip(ERRORS, futures, strict=True):
            found = future.exception(timeout=60)
            assert _fields(found) == _fields(err)


def test_3_a_multiprocessing_pool_worker_raising_each_error_reports_it():
    # The first symptom: a Pool whose worker raised an unpicklable error hung forever.
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        for i, err in enumerate(ERRORS):
            result = pool.apply_async(_raise, (i,))
            with pytest.raises(type(err)) as found:
                result.get(timeout=60)
            assert _fields(found.value) == _fields(err)


@pytest.mark.slow
def test_3_catalog_pickles_and_deep_copies():
    from proccodes.sources.hcpcs import load_hcpcs

    for original in (
        default_catalog(),
        load_hcpcs(TEST_DATA / "hcpcs2019_excerpt.txt"),
        default_catalog().merge(load_hcpcs(TEST_DATA / "hcpcs2019_excerpt.txt")),
    ):
        original.search("injection")  # an index built before pickling is rebuilt after
        for again in (pickle.loads(pickle.dumps(original)), copy.deepcopy(original)):
            assert again == original
            assert dict(again.modifiers) == dict(original.modifiers)
            assert (again.release, again.as_of, again.warnings) == (
                original.release,
                original.as_of,
                original.warnings,
            )
            assert again.search("injection") == original.search("injection")


def _count(catalog: Catalog) -> int:
    return len(catalog)


def _build() -> Catalog:
    return default_catalog().active_on(date(2024, 1, 1))


@pytest.mark.slow
def test_3_catalog_goes_to_a_worker_and_comes_back():
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(_count, default_catalog()).result(timeout=60) == len(default_catalog())
        assert pool.submit(_build).result(timeout=60) == _build()


# -- 4. what a zip unpacks to is bounded -----------------------------------------------------------


def _zip_bomb(path: Path, size: int, name: str = "HCPC2019_ANWEB.txt", lie: bool = False) -> Path:
    """A zip of one member of ``size`` bytes of blanks (it compresses a thousandfold)."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        chunk = b"A0000001003" + b" " * (1 << 20)
        for _ in range(size // len(chunk) + 1):
            member.write(chunk)
    if lie:  # claim a small size in the headers; the reader must not trust it
        data = bytearray(path.read_bytes())
        info = zipfile.ZipFile(path).getinfo(name)
        data[info.header_offset + 22 : info.header_offset + 26] = (100).to_bytes(4, "little")
        path.write_bytes(bytes(data))
    return path


@pytest.mark.slow
def test_4_a_zip_member_past_the_limit_is_refused_cheaply(tmp_path):
    from proccodes.sources.hcpcs import MAX_BYTES, load_hcpcs

    bomb = _zip_bomb(tmp_path / "bomb.zip", MAX_BYTES + (4 << 20))
    assert bomb.stat().st_size < MAX_BYTES // 200
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="over the limit of 67,108,864"):
            load_hcpcs(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * MAX_BYTES  # before: 3.2 GB for a 1 GB member, after 15-33 s


def test_4_the_limit_is_settable_and_holds_against_a_lying_header(tmp_path):
    from proccodes.sources.hcpcs import load_hcpcs

    bomb = _zip_bomb(tmp_path / "bomb.zip", 3 << 20)
    with pytest.raises(DataError, match="over the limit of 1,048,576"):
        load_hcpcs(bomb, max_bytes=1 << 20)
    small = _catalog_json(tmp_path, _header(b"}"))
    with pytest.raises(DataError, match="over the limit of 10"):
        load_catalog(small, max_bytes=10)
    from proccodes.sources._files import read_input

    liar = _zip_bomb(tmp_path / "liar.zip", 3 << 20, lie=True)
    with pytest.raises(DataError):
        read_input(liar, what="a test file", max_bytes=1 << 20)


# -- 5. only ASCII letters and digits form a code -------------------------------------------------


def test_5_long_s_is_not_an_s():
    assert not proccodes.is_valid_code("ſ9090")
    with pytest.raises(InvalidCodeError, match="position 1"):
        proccodes.validate_code("ſ9090")
    assert default_catalog().get("ſ9090") is None


@pytest.mark.slow
def test_5_no_character_outside_ascii_forms_a_code():
    # All of Unicode: normalize_code keeps every non-ASCII character as it is (only a-z fold),
    # so no code point can turn into a code character; the ones that case mapping or
    # compatibility folding would turn into ASCII letters or digits are also tried as codes.
    import unicodedata

    from proccodes import normalize_code

    risky = []
    for c in map(chr, range(0x80, 0x110000)):
        if 0xD800 <= ord(c) < 0xE000:
            continue
        if normalize_code("6229" + c) not in ("6229" + c, "6229"):  # "6229": c was stripped
            raise AssertionError(f"normalize_code changed U+{ord(c):04X}")
        folded = c.upper() + c.lower() + c.casefold() + unicodedata.normalize("NFKC", c)
        if any(ch.isascii() and ch.isalnum() for ch in folded) or c.isdigit():
            risky.append(c)
    assert "ſ" in risky
    assert "\u212a" in risky  # KELVIN SIGN, whose lower() is 'k'
    assert "\uff16" in risky  # FULLWIDTH DIGIT SIX
    assert "\u0666" in risky  # ARABIC-INDIC DIGIT SIX, which int() reads as 6
    templates = ("{}9090", "6229{}", "0627{}", "J265{}", "{}2290", "62{}90", "{0}{0}{0}{0}{0}")
    texts = [t.format(c) for c in risky for t in templates]
    assert not any(proccodes.is_valid_codes(texts))
    for text in texts[:: max(1, len(texts) // 500)]:
        with pytest.raises(InvalidCodeError):
            proccodes.validate_code(text)


# -- 6. the cache of untidy spellings is bounded by size ------------------------------------------


def test_6_alias_cache_keeps_no_huge_inputs(monkeypatch):
    catalog_module.shipped_data().reset()
    pad = " " * 100_000
    for i in range(50):
        assert get(pad + "62290" + " " * i).code == "62290"
    assert sum(map(len, catalog_module.shipped_data().aliases)) < 10_000


def test_6_verdict_cache_keeps_no_huge_inputs(monkeypatch):
    # is_valid_code remembers verdicts of untidy spellings; a padded megabyte must not be one
    import proccodes.codes as codes_module

    monkeypatch.setattr(codes_module, "_VERDICTS", {})
    pad = " " * 100_000
    for i in range(50):
        assert proccodes.is_valid_code(pad + "62290" + " " * i)
    assert proccodes.is_valid_code(" 72295")
    assert sum(map(len, codes_module._VERDICTS)) < 10_000
    assert " 72295" in codes_module._VERDICTS


# -- 7. unknown option values are errors ----------------------------------------------------------


@pytest.mark.parametrize("value", ["Error", "KEEP", "", "overwrite"])
def test_7_merge_refuses_an_unknown_on_conflict(value):
    cat = default_catalog()
    with pytest.raises(ValueError, match="on_conflict must be one of 'error', 'keep', 'replace'"):
        cat.merge(cat, on_conflict=value)
    with pytest.raises(ValueError, match="on_conflict must be one of"):
        cat.merge_report(cat, on_conflict=value)


def test_7_other_string_options_are_checked():
    with pytest.raises(ValueError, match="system must be one of 'CPT', 'HCPCS'"):
        pfhir.code_system(default_catalog(), system="bogus")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="use must be one of"):
        get("62290").descriptor("bogus")


# -- 8. every malformed JSON catalog is a DataError -----------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"schema_version": ' + b"1" * 5000 + b"}", "invalid JSON: Exceeds the limit"),
        (_header(b', "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"), "nested too deeply"),
        (_header(b', "x": ' + b'{"y": ' * 50_000 + b"1" + b"}" * 50_001), "nested too deeply"),
        (b'{"schema_version": NaN}', "NaN is not a JSON number"),
        (b'{"schema_version": 1e999999}', "expected a whole number"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"", "invalid JSON"),
    ],
)
def test_8_malformed_json_is_a_data_error(tmp_path, body, message):
    with pytest.raises(DataError, match=message):
        load_catalog(_catalog_json(tmp_path, body))


def test_8_the_cli_reports_malformed_json_in_one_line(tmp_path):
    path = _catalog_json(tmp_path, _header(b', "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"))
    result = _cli("check", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "nested too deeply" in result.stderr


# -- 9. `on` takes a date or a datetime, and nothing else -----------------------------------------


def test_9_on_accepts_date_and_datetime():
    assert get("62290", on=date(2024, 1, 1)).code == "62290"
    assert get("62290", on=datetime(2024, 1, 1, 12, 0)).code == "62290"
    assert default_catalog().lookup("62290", on=datetime(2024, 1, 1)).code == "62290"
    ended = Catalog([attrs.evolve(get("62290"), terminated=date(2017, 12, 31))])
    assert ended.lookup("62290", on=datetime(2017, 12, 31, 23, 59)).code == "62290"
    with pytest.raises(CodeNotActiveError):
        ended.lookup("62290", on=datetime(2018, 1, 1, 0, 0))
    by_date = default_catalog().active_on(date(2024, 1, 1))
    assert len(default_catalog().active_on(datetime(2024, 1, 1))) == len(by_date)


@pytest.mark.parametrize("on", ["2024-01-01", 20240101, 2024.0, True, [2024, 1, 1]])
def test_9_on_of_another_type_is_a_clear_type_error(on):
    for call in (
        lambda: get("62290", on=on),
        lambda: get(" 62290 ", on=on),
        lambda: default_catalog().lookup("62290", on=on),
        lambda: default_catalog().active_on(on),
        lambda: pfhir.lookup(default_catalog(), "62290", on=on),
        lambda: pfhir.validate_code(default_catalog(), "62290", on=on),
    ):
        with pytest.raises(TypeError, match=r"must be a datetime\.date or datetime\.datetime"):
            call()


# -- 10. every argument of the public API is checked ----------------------------------------------


@pytest.mark.parametrize("year", ["2019", 0, -5, 2019.5, True, 10_000, None])
def test_10_load_hcpcs_checks_the_year(year):
    from proccodes.sources.hcpcs import load_hcpcs

    if year is None:
        assert load_hcpcs(TEST_DATA / "hcpcs2019_excerpt.txt", year=year).release
        return
    expected = TypeError if not isinstance(year, int) or isinstance(year, bool) else ValueError
    with pytest.raises(expected, match="year"):
        load_hcpcs(TEST_DATA / "hcpcs2019_excerpt.txt", year=year)


WRONG_ARGUMENTS = [
    (TypeError, lambda: proccodes.search(None)),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.search(b"disc")),  # type: ignore[arg-type]
    (ValueError, lambda: proccodes.search("disc", limit=-1)),
    (TypeError, lambda: proccodes.search("disc", limit="5")),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.search("disc", limit=2.5)),  # type: ignore[arg-type]
    (TypeError, lambda: default_catalog().search(None)),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.is_valid_codes("62290")),
    (TypeError, lambda: proccodes.is_valid_codes(None)),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.check_record(None)),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.check_record(get("62290"), on="2024-01-01")),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.check_catalog(None)),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.check_catalog(["62290"])),  # type: ignore[arg-type]
    (TypeError, lambda: default_catalog().merge(None)),  # type: ignore[arg-type]
    (TypeError, lambda: default_catalog().merge_report({})),  # type: ignore[arg-type]
    (TypeError, lambda: default_catalog().suggest(None)),  # type: ignore[arg-type]
    (ValueError, lambda: default_catalog().suggest("62290", limit=-1)),
    (TypeError, lambda: proccodes.load_hcpcs_years("file.txt")),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.load_hcpcs_years([None])),  # type: ignore[list-item]
    (TypeError, lambda: proccodes.load_hcpcs(None)),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.load_hcpcs(TEST_DATA, strict="yes")),  # type: ignore[arg-type]
    (TypeError, lambda: load_catalog(None)),  # type: ignore[arg-type]
    (TypeError, lambda: load_catalog(b"catalog.json")),  # type: ignore[arg-type]
    (ValueError, lambda: load_catalog(TEST_DATA, max_bytes=0)),
    (TypeError, lambda: proccodes.load_cpt_descriptors(None)),  # type: ignore[arg-type]
    (TypeError, lambda: pfhir.code_system(None)),  # type: ignore[arg-type]
    (TypeError, lambda: pfhir.code_system(default_catalog(), system=None)),  # type: ignore[arg-type]
    (TypeError, lambda: pfhir.lookup(None, "62290")),  # type: ignore[arg-type]
    (TypeError, lambda: pfhir.validate_code(default_catalog(), "62290", display=5)),  # type: ignore[arg-type]
    (TypeError, lambda: Catalog(None)),  # type: ignore[arg-type]
    (TypeError, lambda: Catalog(["62290"])),  # type: ignore[list-item]
    (TypeError, lambda: Catalog([], release=None)),  # type: ignore[arg-type]
    (TypeError, lambda: Catalog([], as_of="2024-01-01")),  # type: ignore[arg-type]
    (TypeError, lambda: Catalog.from_records(None)),  # type: ignore[arg-type]
    (TypeError, lambda: proccodes.export.catalog_json(None)),  # type: ignore[attr-defined]
    (ValueError, lambda: get("62290").descriptor("nope")),
    (TypeError, lambda: get("62290").is_active_on("2024-01-01")),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("error", "call"), WRONG_ARGUMENTS)
def test_10_wrong_arguments_are_clear_errors(error, call):
    import proccodes.export  # the lambda above reads it

    with pytest.raises(error) as found:
        call()
    # not a raw error from deeper down: one of the argument errors (also a ProcCodesError); the
    # plain built-ins remain only where catalog.py still raises them (tests/test_api.py is strict)
    assert type(found.value) in (
        proccodes.ArgumentTypeError,
        proccodes.ArgumentValueError,
        TypeError,
        ValueError,
    )
    assert "must be" in str(found.value) or "expected" in str(found.value)


# -- 11. only regular files are read; errors never echo a file's content -------------------------


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_11_devices_and_fifos_are_refused_everywhere(tmp_path):
    from proccodes.cpt import load_cpt_descriptors
    from proccodes.sources.hcpcs import load_hcpcs

    fifo = tmp_path / "catalog.json"
    os.mkfifo(fifo)
    ama = tmp_path / "SHORTU.txt"
    os.mkfifo(ama)
    for call in (
        lambda: load_catalog(fifo),
        lambda: load_catalog(tmp_path),  # a folder whose *.json is a FIFO
        lambda: load_catalog("/dev/zero"),
        lambda: load_hcpcs(fifo),
        lambda: load_hcpcs("/dev/zero"),
        lambda: load_cpt_descriptors(ama),
    ):
        with pytest.raises(DataError, match="not a regular file"):
            call()
    for env in (str(fifo), "/dev/zero"):
        result = _cli("search", "disc", env={"PROCCODES_CATALOG": env})
        assert result.returncode == 2
        assert "not a regular file" in result.stderr


@pytest.mark.slow
def test_11_an_unreadable_file_is_never_echoed(tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\n" * 3)
    result = _cli("search", "disc", env={"PROCCODES_CATALOG": str(secret)})
    assert result.returncode == 2
    assert "SECRET" not in result.stderr
    assert "19000" not in result.stderr
    as_json = secret.with_suffix(".json")
    as_json.write_text("root:$6$SECRETHASH")
    result = _cli("search", "disc", "--catalog", str(as_json))
    assert result.returncode == 2
    assert "SECRET" not in result.stderr


# -- 12. fork() while another thread loads the default catalog -------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_12_a_child_forked_during_a_load_does_not_deadlock():
    # A fresh interpreter: a thread holds the loader's lock (as a load in progress does) while
    # the main thread forks; the child must load the catalog itself, not wait forever.
    script = textwrap.dedent(
        """
        import os, sys, threading, time, warnings
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads
        from proccodes import catalog
        held, release = threading.Event(), threading.Event()
        def loading():
            with catalog.shipped_data().lock, catalog._index_lock:
                held.set()
                release.wait()
        threading.Thread(target=loading, daemon=True).start()
        held.wait()
        pid = os.fork()
        if pid == 0:
            ok = len(catalog.default_catalog()) > 0 and catalog.search("disc")
            os._exit(0 if ok else 1)
        deadline = time.monotonic() + 100  # only to catch a deadlock: a load takes seconds
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                release.set()
                sys.exit(os.waitstatus_to_exitcode(status))
            time.sleep(0.05)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        sys.exit(7)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, (result.returncode, result.stderr)


# -- 13. what the CLI echoes is escaped and short; output failures are one line ------------------


def test_13_error_messages_quote_a_short_prefix_of_a_huge_input():
    huge = "6" * 1_000_000
    with pytest.raises(InvalidCodeError) as caught:
        proccodes.validate_code(huge)
    assert len(str(caught.value)) < 300
    assert caught.value.text == huge  # the field keeps the whole input
    with pytest.raises(InvalidCodeError) as caught:
        get(" " + huge)
    assert len(str(caught.value)) < 300


def test_13_the_cli_escapes_what_it_echoes():
    nasty = "\x1b[2J62290\x07\u202e"
    result = _cli("validate", nasty, "6" * 131_000)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "\\x1b[2J62290\\x07\\u202e" in result.stdout
    assert max(map(len, result.stdout.splitlines())) < 400
    unknown = _cli("show", "62290", nasty)
    assert unknown.returncode == 2
    assert "\x1b" not in unknown.stderr


def test_13_invalid_utf8_input_is_escaped_and_json_stays_utf8():
    import json

    raw = b"\xff\xfe6229O\n62290\n"
    text = subprocess.run(
        [sys.executable, "-m", "proccodes", "validate", "-"],
        input=raw,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert text.returncode == 1, text.stderr
    assert text.stdout.decode("utf-8").startswith("\\xff\\xfe6229O")
    as_json = subprocess.run(
        [sys.executable, "-m", "proccodes", "validate", "--json", "-", os.fsdecode(b"\xff")],
        input=raw,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert as_json.returncode == 1, as_json.stderr
    doc = json.loads(as_json.stdout.decode("utf-8"))  # valid UTF-8, valid JSON
    assert doc[0]["input"].encode("utf-8", "surrogateescape") == b"\xff\xfe6229O"


@pytest.mark.slow
def test_13_an_ascii_terminal_gets_escapes_not_a_traceback():
    import json

    env = {"PYTHONIOENCODING": "ascii"}
    result = _cli("validate", "é62290", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "\\xe962290" in result.stdout
    result = _cli("validate", "--json", "é62290", env=env)
    assert json.loads(result.stdout)[0]["input"] == "é62290"


def _shell(command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m proccodes {command}'],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        **kwargs,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="needs sh")
def test_13_closed_or_full_stdout_and_closed_stdin():
    from proccodes.cli import EXIT_OUTPUT

    closed = _shell("show 62290 >&-")
    assert closed.returncode == EXIT_OUTPUT
    assert closed.stderr == "proccodes: error: cannot write the output: standard output is closed\n"
    if os.path.exists("/dev/full"):
        full = _shell("show 62290 >/dev/full")
        assert full.returncode == EXIT_OUTPUT
        assert full.stderr == (
            "proccodes: error: cannot write the output: No space left on device\n"
        )
    no_stdin = _shell("validate - <&-")
    assert no_stdin.returncode == 2
    assert no_stdin.stderr == (
        "proccodes: error: cannot read codes from '-': standard input is closed\n"
    )
    # stdin closed after start-up: the read fails, still one line
    script = "import os, sys, runpy; os.close(0); sys.argv = ['proccodes', 'validate', '-']; "
    script += "runpy.run_module('proccodes', run_name='__main__')"
    late = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert late.returncode == 2
    assert late.stderr.startswith("proccodes: error: cannot read codes from '-': ")
    assert late.stderr.count("\n") == 1


@pytest.mark.slow
def test_13_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    from proccodes.cli import EXIT_OUTPUT

    codes = tmp_path / "codes.txt"
    codes.write_text("62290\n" * 200_000)  # far more output than a pipe holds
    with codes.open() as stdin:
        process = subprocess.Popen(
            [sys.executable, "-m", "proccodes", "validate", "-"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
    assert process.stdout is not None
    process.stdout.read(100)
    process.stdout.close()  # as `| head -c 100` does
    assert process.wait(timeout=60) == EXIT_OUTPUT
    assert process.stderr is not None
    with process.stderr:
        assert process.stderr.read() == b""


# -- 14. what a catalog file may hold; read-only internals ----------------------------------------

_RECORD = b'{"code": "62290", "system": "CPT", "kind": "CPT Category I", "title": "T"}'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"schema_version": 1, "schema_version": 1, "release": "r", "as_of": "2026-01-01", '
            b'"procedures": []}',
            "duplicate key 'schema_version'",
        ),
        (
            _header(b"").replace(
                b"[]", b"[" + _RECORD.replace(b'"T"}', b'"T", "title": "U"}') + b"]"
            )
            + b"}",
            "duplicate key 'title' in an object of record 62290",
        ),
        (_header(b', "modifiers": [{"code": "", "title": "x"}]}'), "modifiers[0].code"),
        (
            _header(
                b', "modifiers": [{"code": "AA", "title": "a"}, {"code": "AA", "title": "b"}]}'
            ),
            "a second modifier AA @ $.modifiers[1].code",
        ),
        (_header(b"").replace(b'"r"', b'"r\\u0000"') + b"}", "control character '\\x00'"),
        (
            _header(b"").replace(b"[]", b"[" + _RECORD.replace(b'"T"', b'"\\u001b[31mT"') + b"]")
            + b"}",
            "control character '\\x1b' at position 1 of a string; text holds none @ $.proc",
        ),
    ],
)
def test_14_catalog_json_defects_are_data_errors(tmp_path, body, message):
    import re

    with pytest.raises(DataError, match=re.escape(message)):
        load_catalog(_catalog_json(tmp_path, body))


def test_14_ama_files_with_a_duplicate_or_impossible_code_are_reported(tmp_path):
    from proccodes.cpt import load_cpt_descriptors

    (tmp_path / "SHORTU.txt").write_text("62290 FIRST\n62290 SECOND\n00000 NOTHING\n62291 OK\n")
    with pytest.raises(DataError) as caught:
        load_cpt_descriptors(tmp_path)
    assert caught.value.problems == (
        "line 2: a second row for code 62290 (the first is line 1) @ code",
        "line 3: 00000 is not a valid CPT code (no CPT section holds it) @ code",
    )


def test_14_catalog_internals_and_descriptors_are_read_only(tmp_path):
    from proccodes.cpt import load_cpt_descriptors

    cat = default_catalog()
    for name in ("_records", "_modifiers", "_release", "_index", "release", "anything"):
        with pytest.raises(AttributeError, match="read-only"):
            setattr(cat, name, {})
        with pytest.raises(AttributeError, match="read-only"):
            delattr(cat, name)
    with pytest.raises(TypeError):
        cat.modifiers["AA"] = None  # type: ignore[index]
    (tmp_path / "SHORTU.txt").write_text("62290 SOME TEXT\n")
    found = load_cpt_descriptors(tmp_path)
    with pytest.raises(TypeError):
        found.by_code["62291"] = ()  # type: ignore[index]
    assert list(found.by_code) == ["62290"]


# -- helpers ---------------------------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "proccodes", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
        **kwargs,
    )

"""Regression tests of issue 8 ("Hardening"): one or more per item, each failing before the fix.

The items are numbered as in the issue; the test names start with the item's number.
"""

from __future__ import annotations

import concurrent.futures
import copy
import os
import pickle
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import attrs
import pytest

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
needs_2019 = pytest.mark.skipif(not HCPCS_2019.exists(), reason="needs ../shared/data")


def _catalog_json(tmp_path: Path, body: bytes, name: str = "c.json") -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def _header(rest: bytes = b"") -> bytes:
    return b'{"schema_version": 1, "release": "r", "as_of": "2026-01-01", "procedures": []' + rest


# -- 1. search is linear in the query's length ---------------------------------------------------


def _seconds(call, *args, **kwargs) -> float:
    start = time.perf_counter()
    call(*args, **kwargs)
    return time.perf_counter() - start


def test_1_search_time_is_linear_in_a_long_word():
    proccodes.search("warm up")
    # before: 2 s for 80,000 characters and minutes for a million (every deletion copied)
    assert _seconds(proccodes.search, "a" * 1_000_000) < 1.0
    assert _seconds(proccodes.search, "discogram" + "x" * 200_000) < 0.5


def test_1_long_words_are_not_expanded_but_still_match_exactly():
    from proccodes._search import MAX_WORD_LENGTH

    assert proccodes.search("discograhy")[0].code == "62290"  # a typo within the limit
    word = "d" * (MAX_WORD_LENGTH + 1)
    assert proccodes.search(word) == []


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


def test_3_catalog_goes_to_a_worker_and_comes_back():
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(_count, default_catalog()).result(timeout=60) == len(default_catalog())
        assert pool.submit(_build).result(timeout=60) == _build()


# -- 5. only ASCII letters and digits form a code -------------------------------------------------


def test_5_long_s_is_not_an_s():
    assert not proccodes.is_valid_code("ſ9090")
    with pytest.raises(InvalidCodeError, match="position 1"):
        proccodes.validate_code("ſ9090")
    assert default_catalog().get("ſ9090") is None


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
    monkeypatch.setattr(catalog_module, "_aliases", {})
    pad = " " * 100_000
    for i in range(50):
        assert get(pad + "62290" + " " * i).code == "62290"
    assert sum(map(len, catalog_module._aliases)) < 10_000


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
    assert len(default_catalog().active_on(datetime(2024, 1, 1))) == len(default_catalog())


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
    (TypeError, lambda: proccodes.check_record(get("62290"), today="2024-01-01")),  # type: ignore[arg-type]
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
    import proccodes.export  # noqa: F401 - the lambda above reads it

    with pytest.raises(error) as found:
        call()
    assert type(found.value) in (TypeError, ValueError)  # not a raw error from deeper down
    assert "must be" in str(found.value) or "expected" in str(found.value)


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

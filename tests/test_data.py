"""The shipped data: strict and fast loaders agree, every code is there, and it checks clean."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from proccodes import CodeSystem, check_catalog, default_catalog, load_catalog
from proccodes._convert import parse_catalog_bytes
from proccodes._fastload import build_procedure

from .conftest import DATA_DIR, SHARED

FILES = sorted(DATA_DIR.glob("*.json"))

# The spine and back-pain family (issue 3).
EXPECTED = """
62290 62291 72295 72285 72131 72132 72148 72149 72158
22526 22527 62287 62292 0627T 0628T 0629T 0630T 22899
62320 62321 62322 62323 64479 64480 64483 64484
64490 64491 64492 64493 64494 64495 64628 64629
64633 64634 64635 64636 22510 22511 22512 22513 22514 22515
22612 22614 22630 22632 22633 22634 22558 22585 63030 63035 63047 63048
97012 97110 97140 97161 97162 97163 S9090 J2650
""".split()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_strict_and_fast_loaders_agree(path):
    strict = parse_catalog_bytes(path.read_bytes(), str(path))
    raw = json.loads(path.read_bytes())
    assert tuple(build_procedure(r) for r in raw["procedures"]) == strict.procedures


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_headers(path):
    parsed = parse_catalog_bytes(path.read_bytes(), str(path))
    curated = default_catalog().sources[0]
    assert curated.name == "proccodes curated records"
    assert parsed.release in curated.release.split(" + ")
    assert parsed.as_of <= date.today()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_files_are_formatted_for_review(path):
    # One layout keeps diffs small and reviewable; fix with
    # python -m json.tool --indent 2 --no-ensure-ascii FILE
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_the_default_catalog_is_the_data_folder_over_the_official_data():
    folder = load_catalog(DATA_DIR)
    shipped = default_catalog()
    assert set(folder) == {code for code, r in shipped.items() if r.curated}
    for code, record in folder.items():
        merged = shipped[code]
        # the curated content as written; official facts only where the file leaves them out
        assert (merged.title, merged.clinical, merged.billing, merged.sources) == (
            record.title,
            record.clinical,
            record.billing,
            record.sources,
        )
        if record.effective is not None:  # the file's own date wins
            assert merged.effective == record.effective
        else:  # left out: the official data's date, if it has one
            assert merged.effective == _official_effective(code)


def _official_effective(code: str) -> date | None:
    """The effective date the shipped official data alone gives ``code``."""
    from proccodes import catalog as catalog_module

    record = catalog_module.shipped_data().official_record(code)
    return None if record is None else record.effective


def test_every_expected_code_is_shipped():
    missing = sorted(set(EXPECTED) - set(default_catalog()))
    assert not missing
    assert len(default_catalog()) >= 60


def test_shipped_catalog_has_no_problems():
    problems = check_catalog(default_catalog())
    assert not problems, "\n".join(map(str, problems))


def test_every_curated_record_is_complete_and_reviewed():
    for record in load_catalog(DATA_DIR).values():
        assert record.clinical is not None, record.code
        assert record.billing is not None, record.code
        assert record.sources, record.code
        assert record.reviewed is not None, record.code


def test_cpt_records_carry_no_official_descriptor_text():
    for record in default_catalog().values():
        if record.system is CodeSystem.CPT:
            assert record.descriptors == (), record.code


def test_hcpcs_records_carry_their_public_descriptors():
    without = []
    for record in default_catalog().values():
        if record.system is CodeSystem.HCPCS:
            if record.file_facts is None:  # only the PFS lists it: its title is the PFS's text
                without.append(record.code)
                continue
            assert record.descriptor("long"), record.code
            assert record.descriptor("short") is not None or record.curated, record.code
    assert len(without) < 10


_WORD = re.compile(r"[a-z0-9]+")
_RUN = 7  # words in a row; shorter runs ("the center of the disc") occur by chance


def _texts(value: Any) -> Iterator[str]:
    """Every prose string of a raw record; citations quote titles and may match."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "citation":
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _runs(text: str) -> Iterator[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return (tuple(words[i : i + _RUN]) for i in range(len(words) - _RUN + 1))


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="needs ../shared (seeds)")
def test_no_record_copies_a_run_of_words_from_the_seeds():
    seeds = {}
    for path in sorted((SHARED / "seeds").glob("0*.txt")):
        for run in _runs(path.read_text(encoding="utf-8", errors="replace")):
            seeds.setdefault(run, path.name)
    copied = [
        f"{raw['code']} repeats {seeds[run]}: {' '.join(run)!r}"
        for path in FILES
        for raw in json.loads(path.read_bytes())["procedures"]
        for text in _texts(raw)
        for run in _runs(text)
        if run in seeds
    ]
    assert not copied, "\n".join(copied)

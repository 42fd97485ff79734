"""The catalog: mapping behaviour, lookups, dates, merging, and the lazy default."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date

import attrs
import pytest

import proccodes
from proccodes import (
    Catalog,
    CodeNotActiveError,
    DataError,
    InvalidCodeError,
    UnknownCodeError,
    default_catalog,
    get,
)
from proccodes import catalog as catalog_module


@pytest.fixture
def dated():
    base = get("62290")
    old = attrs.evolve(
        base,
        code="62291",
        title="An older code",
        effective=date(2000, 1, 1),
        terminated=date(2016, 12, 31),
        replaced_by=("62290",),
    )
    new = attrs.evolve(base, effective=date(2017, 1, 1))
    return Catalog.from_records([new, old], release="test", as_of=date(2026, 1, 1))


def test_catalog_is_an_ordered_immutable_mapping(dated):
    assert list(dated) == ["62290", "62291"]
    assert len(dated) == 2
    assert dated["62290"].code == "62290"
    assert dated[" 62291 "].code == "62291"
    assert "62290" in dated
    assert "62290 " in dated
    assert "99999" not in dated
    assert None not in dated
    assert ["x"] not in dated
    with pytest.raises(TypeError):
        dated["62290"] = dated["62290"]  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        dated["62290"].title = "changed"  # type: ignore[misc]


def test_get_never_raises(dated):
    assert dated.get("nonsense") is None
    assert dated.get(None, "x") == "x"
    assert dated.get(["unhashable"]) is None


def test_lookup_errors(dated):
    with pytest.raises(InvalidCodeError):
        dated.lookup("6229O")
    with pytest.raises(UnknownCodeError) as info:
        dated.lookup("62209")
    assert info.value.suggestions == ("62290",)
    assert isinstance(info.value, KeyError)
    assert "did you mean 62290" in str(info.value)
    with pytest.raises(KeyError):
        dated["62292"]


def test_dates_of_service(dated):
    assert dated.lookup("62290", on=date(2017, 1, 1)).code == "62290"
    with pytest.raises(CodeNotActiveError, match="effective only from 2017-01-01"):
        dated.lookup("62290", on=date(2016, 12, 31))
    assert dated.lookup("62291", on=date(2016, 12, 31)).code == "62291"
    with pytest.raises(CodeNotActiveError) as info:
        dated.lookup("62291", on=date(2017, 1, 1))
    assert info.value.replaced_by == ("62290",)
    assert "ended on 2016-12-31; replaced by 62290" in str(info.value)
    assert list(dated.active_on(date(2010, 6, 1))) == ["62291"]
    assert list(dated.active_on(date(2020, 6, 1))) == ["62290"]


def test_duplicates_are_refused():
    record = get("62290")
    with pytest.raises(DataError, match="duplicate record for code 62290"):
        Catalog.from_records([record, record])


def test_merge_fills_gaps_and_reports_conflicts(dated):
    # every CPT code now has an effective date (RBCS): take it away to test filling a gap
    plain = Catalog.from_records([attrs.evolve(get("62290"), effective=None)], release="plain")
    merged = plain.merge(dated)
    assert merged["62290"].effective == date(2017, 1, 1)
    assert "62291" in merged
    assert merged.release == "plain + test"
    other = Catalog.from_records([attrs.evolve(get("62290"), effective=date(1999, 1, 1))])
    with pytest.raises(DataError) as info:
        dated.merge(other)
    assert "@ 62290.effective" in info.value.problems[0]
    assert dated.merge(other, on_conflict="keep")["62290"].effective == date(2017, 1, 1)
    assert dated.merge(other, on_conflict="replace")["62290"].effective == date(1999, 1, 1)


def test_module_get_and_search():
    assert get("62290") is default_catalog()["62290"]
    assert get(" 62290") is get("62290")
    with pytest.raises(UnknownCodeError):
        get("62299")
    assert proccodes.search("discogram")[0].code == "62290"
    with pytest.raises(TypeError, match="text must be text"):
        proccodes.search(None)  # type: ignore[arg-type]
    assert proccodes.search("discogram", limit=0) == []


def test_default_catalog_loads_once_under_concurrent_first_use(monkeypatch):
    shipped = catalog_module.shipped_data()
    shipped.reset()
    before = shipped.load_count
    barrier = threading.Barrier(8)
    seen: list[Catalog] = []

    def ask():
        barrier.wait()
        seen.append(default_catalog())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8
    assert all(c is seen[0] for c in seen)
    assert shipped.load_count == before + 1


def test_default_catalog_header():
    catalog = default_catalog()
    assert catalog.release
    assert catalog.as_of is not None
    assert repr(catalog).startswith("<Catalog release=")


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_first_get_reads_only_the_file_that_holds_the_code():
    out = _python(
        "import proccodes, proccodes.catalog as c; proccodes.get('62290'); proccodes.get('97110');"
        "s = c.shipped_data(); print(s.curated_files_read, s.loaded is None)"
    )
    assert out == "['conservative.json', 'discography.json'] True"


def test_a_stale_index_costs_time_not_the_answer():
    out = _python(
        "import proccodes, proccodes.catalog as c; s = c.shipped_data();"
        "s._index = {'62290': 'imaging.json'};"
        "print(proccodes.get('62290').code, proccodes.get(' 97110 ').code, s.loaded is not None)"
    )
    assert out == "62290 97110 True"


def test_concurrent_first_gets_share_records_with_the_catalog(monkeypatch):
    catalog_module.shipped_data().reset()
    # curated codes, and official-only ones that share a data file with them ('99213', 'J1100')
    codes = ["62290", "64483", " 22630", "s9090", "62290 ", "72148", "0627T", "97110"]
    codes += ["99213", " j1100", "64999", "J1100", "62287"]
    barrier = threading.Barrier(len(codes))
    found: dict[str, proccodes.Procedure] = {}

    def ask(code: str) -> None:
        barrier.wait()
        found[code] = get(code)

    threads = [threading.Thread(target=ask, args=(c,)) for c in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    catalog = default_catalog()
    assert len(found) == len(codes)
    for code, record in found.items():
        assert record is catalog[code.strip().upper()]


def test_untidy_spellings_are_remembered_within_bounds(monkeypatch):
    shipped = catalog_module.shipped_data()
    shipped.reset()
    monkeypatch.setattr(type(shipped), "MAX_ALIASES", 2)
    for spelling in (" 62290", "62290 ", "\t62290", "62290"):
        assert get(spelling) is default_catalog()["62290"]
    assert list(shipped.aliases) == [" 62290", "62290 "]

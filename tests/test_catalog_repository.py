"""The shipped-data repository, the catalog's mapping errors and its schema-derived tables
(issue 19)."""

from __future__ import annotations

import pickle

import pytest

from proccodes import default_catalog
from proccodes.errors import InvalidCodeError, InvalidCodeKeyError, UnknownCodeError


@pytest.mark.parametrize("bad", ["6229O", "62290-50", "", "x" * 100])
def test_catalog_subscript_of_a_malformed_code_is_a_key_error(bad: str) -> None:
    catalog = default_catalog()
    with pytest.raises(KeyError) as caught:
        catalog[bad]
    assert isinstance(caught.value, InvalidCodeKeyError)
    assert isinstance(caught.value, InvalidCodeError)
    assert isinstance(caught.value, ValueError)
    again = pickle.loads(pickle.dumps(caught.value))
    assert str(again) == str(caught.value)


def test_catalog_subscript_of_an_absent_code_is_an_unknown_code_error() -> None:
    with pytest.raises(KeyError) as caught:
        default_catalog()["62209"]
    assert isinstance(caught.value, UnknownCodeError)


def test_catalog_subscript_keeps_the_modifiers_of_a_code_with_one() -> None:
    with pytest.raises(InvalidCodeKeyError) as caught:
        default_catalog()["62290-50"]
    assert caught.value.code == "62290"
    assert caught.value.modifiers == ("50",)


def test_catalog_get_default() -> None:
    catalog = default_catalog()
    assert catalog.get("6229O") is None
    assert catalog.get("6229O", "none") == "none"
    assert catalog.get(" 62290 ") is catalog["62290"]


# -- the shipped-data repository ------------------------------------------------------------


def test_reset_forgets_everything_and_the_next_load_builds_again() -> None:
    from proccodes.catalog import shipped_data

    repository = shipped_data()
    first = default_catalog()
    count = repository.load_count
    repository.reset()
    assert repository.loaded is None
    assert repository.built == {}
    again = default_catalog()
    assert again is not first
    assert repository.load_count == count + 1
    assert again == first  # the same content, built anew


def test_the_catalog_builds_records_per_data_file_on_first_access() -> None:
    from proccodes import get
    from proccodes.catalog import shipped_data

    repository = shipped_data()
    repository.reset()
    catalog = default_catalog()
    curated = len(repository.built)
    assert curated < 1_000  # the curated records (and no official-only one) so far
    codes = list(catalog)
    assert len(codes) == len(catalog) > 19_000
    assert codes == sorted(codes)
    assert ("99213" in catalog and "99999" not in catalog) or "99999" in codes
    assert len(repository.built) == curated  # iteration, len and `in` build nothing
    record = catalog["99213"]
    assert record is get("99213")
    assert len(repository.built) - curated < 2_000  # one data file's records
    assert any(code.startswith("99") and not r.curated for code, r in repository.built.items())
    values = list(catalog.values())  # the rest, once
    assert len(values) == len(catalog)
    assert len(repository.built) == len(catalog)
    assert catalog["99213"] is record


def test_a_catalog_handed_out_keeps_its_records_after_a_reset() -> None:
    from proccodes.catalog import shipped_data

    repository = shipped_data()
    repository.reset()
    catalog = default_catalog()
    repository.reset()
    record = catalog["J1100"]  # built from the catalog's own texts, not the new state
    assert record.code == "J1100"
    assert "J1100" not in repository.built
    assert pickle.loads(pickle.dumps(catalog))["J1100"] == record

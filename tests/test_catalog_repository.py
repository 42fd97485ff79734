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

"""The fast paths behind ``proccodes serve`` give exactly what the plain paths give.

`proccodes.export.record_json` builds a record's data with a function generated from the record
classes' fields instead of cattrs' generic unstructuring: the data must be equal, key order
included, for every record of the shipped catalog and for records of every shape.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from proccodes import default_catalog, export
from proccodes._convert import unstructure_procedure
from proccodes.records import DataRelease


def test_generated_plain_data_equals_the_converters_for_every_record() -> None:
    catalog = default_catalog()
    for record in catalog.values():
        fast = export._plain_procedure(record)
        slow = unstructure_procedure(record)
        assert fast == slow, record.code
        # same keys in the same order, same JSON text
        assert json.dumps(fast) == json.dumps(slow), record.code


def test_record_json_equals_its_parts() -> None:
    catalog = default_catalog()
    for code in ("62290", "99213", "J9045", "L0650", "0001A"):
        record = catalog[code]
        doc = export.record_json(record, sources=catalog.sources)
        assert {k: doc[k] for k in unstructure_procedure(record)} == unstructure_procedure(record)
        assert doc["data_releases"] == export.releases_json(catalog.sources)


def test_releases_json_follows_a_changed_list() -> None:
    sources = [DataRelease(name="A", release="1", as_of=date(2026, 1, 1))]
    assert export.releases_json(sources)[0]["name"] == "A"
    sources[0] = DataRelease(name="B", release="2")
    assert export.releases_json(sources) == [{"name": "B", "release": "2", "as_of": None}]
    frozen = tuple(sources)
    first = export.releases_json(frozen)
    first[0]["name"] = "changed by a caller"
    assert export.releases_json(frozen)[0]["name"] == "B"  # each call gets new dicts


@pytest.mark.parametrize("code", ["62290", "99213"])
def test_record_json_rejects_what_is_not_a_record(code: str) -> None:
    record = default_catalog()[code]
    with pytest.raises(TypeError):
        export.record_json(export.record_json(record))  # type: ignore[arg-type]

"""One JSON contract: ``export.record_json`` and its published schema, checked against every
record of the default catalog and against ``show --json``."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from proccodes import default_catalog, get
from proccodes.cli import main
from proccodes.export import record_json, record_json_schema, record_schema
from proccodes.records import DataRelease

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "record-json.schema.json"
WRAPPER = {"curated", "range", "notice", "data_releases"}


def _validator(schema):
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_the_schema_is_a_valid_draft_2020_12_schema_and_closed():
    schema = record_json_schema()
    _validator(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(record_schema()["properties"]) | WRAPPER
    for name, definition in schema["$defs"].items():
        assert definition["additionalProperties"] is False, name


def test_the_published_schema_file_is_current():
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert published == record_json_schema(), (
        "docs/record-json.schema.json is stale: regenerate it (docs/interoperability.md says how)"
    )


def test_every_record_of_the_default_catalog_validates():
    catalog = default_catalog()
    sources = catalog.sources
    docs = [record_json(r, sources=sources) for r in catalog.values()]
    assert len(docs) == len(catalog) > 19_000
    schema = record_json_schema()
    rs = pytest.importorskip("jsonschema_rs")  # compiled: the whole catalog in well under 1 s
    fast = rs.validator_for(schema)
    bad = [d["code"] for d in docs if not fast.is_valid(d)]
    assert bad == []
    # the reference validator agrees on every curated record and a fixed sample of the rest
    slow = _validator(schema)
    sample = [d for d in docs if d["curated"]]
    sample += random.Random(21).sample([d for d in docs if not d["curated"]], 300)
    for doc in sample:
        errors = sorted(slow.iter_errors(doc), key=lambda e: e.path)
        assert not errors, (doc["code"], errors[0].message)


def test_the_schema_rejects_what_record_json_never_writes():
    rs = pytest.importorskip("jsonschema_rs")
    validator = rs.validator_for(record_json_schema())
    doc = record_json(get("62290"))
    assert validator.is_valid(doc)
    for broken in (
        {**doc, "unexpected": 1},
        {k: v for k, v in doc.items() if k != "data_releases"},
        {**doc, "curated": "yes"},
        {**doc, "range": [{"id": "x"}]},
        {**doc, "data_releases": [{"name": "x", "release": "y", "as_of": "2026-13"}]},
    ):
        assert not validator.is_valid(broken)


def test_record_json_is_the_record_plus_the_wrapper_fields():
    record = get("99213")
    doc = record_json(record, sources=[DataRelease(name="n", release="r")])
    assert doc["curated"] is False
    assert doc["notice"].startswith("Not curated")
    assert doc["data_releases"] == [{"name": "n", "release": "r", "as_of": None}]
    assert doc["range"][0]["id"] == "evaluation-and-management"
    from proccodes._convert import unstructure_procedure

    assert {k: v for k, v in doc.items() if k not in WRAPPER} == unstructure_procedure(record)


def test_record_json_defaults_to_the_default_catalogs_releases():
    doc = record_json(get("62290"))
    names = [r["name"] for r in doc["data_releases"]]
    assert names == [s.name for s in default_catalog().sources]


def test_record_json_refuses_what_is_not_a_record():
    with pytest.raises(TypeError):
        record_json({"code": "62290"})  # type: ignore[arg-type]


def test_show_json_validates_for_every_curated_record(capsys):
    validator = _validator(record_json_schema())
    curated = [code for code, r in default_catalog().items() if r.curated]
    assert len(curated) > 50
    for code in curated:
        assert main(["show", code, "--json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        errors = list(validator.iter_errors(doc))
        assert not errors, (code, errors[0].message)
        assert doc == record_json(get(code))

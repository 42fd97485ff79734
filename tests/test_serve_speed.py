"""The fast paths behind ``proccodes serve`` give exactly what the plain paths give.

`proccodes.export.record_json` builds a record's data with a function generated from the record
classes' fields instead of cattrs' generic unstructuring: the data must be equal, key order
included, for every record of the shipped catalog and for records of every shape.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from proccodes import default_catalog, export
from proccodes._convert import unstructure_procedure
from proccodes.records import DataRelease

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "record-json.schema.json"


def test_generated_plain_data_equals_the_converters_for_every_record() -> None:
    catalog = default_catalog()
    for record in catalog.values():
        fast = export._plain_record(record)
        slow = unstructure_procedure(record)
        assert fast == slow, record.code
        # same keys in the same order, same JSON text
        assert json.dumps(fast) == json.dumps(slow), record.code


def test_generated_plain_data_equals_the_converters_for_every_modifier() -> None:
    """catalog_json writes the modifiers by the same generated functions as the records."""
    from proccodes._convert import converter

    modifiers = default_catalog().modifiers
    assert len(modifiers) > 100
    for modifier in modifiers.values():
        fast = export._plain_record(modifier)
        assert json.dumps(fast) == json.dumps(converter.unstructure(modifier)), modifier.code


def test_record_json_bytes_is_record_json_as_text_for_every_record() -> None:
    """Byte for byte what ``json_bytes(record_json(...))`` writes (the service's answer before),
    so it parses to record_json's data and validates against docs/record-json.schema.json."""
    orjson = pytest.importorskip("orjson")
    rs = pytest.importorskip("jsonschema_rs")
    catalog = default_catalog()
    sources = catalog.sources
    schema = rs.validator_for(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    bad = []
    for record in catalog.values():
        text = export.record_json_bytes(record, sources=sources)
        doc = export.record_json(record, sources=sources)
        same = text == orjson.dumps(doc) == export.json_bytes(doc)
        if not same or not schema.is_valid(json.loads(text)):
            bad.append(record.code)
    assert bad == []


def test_without_orjson_the_same_json(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = default_catalog()
    with_orjson = [export.record_json_bytes(catalog[c]) for c in ("62290", "99213", "J9045")]
    monkeypatch.setattr(export, "_orjson", None)
    without = [export.record_json_bytes(catalog[c]) for c in ("62290", "99213", "J9045")]
    assert [json.loads(t) for t in without] == [json.loads(t) for t in with_orjson]
    assert export.json_bytes("\ud800") == b'"\\ud800"'  # a lone surrogate, escaped: valid


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


# -- the service's fast path answers as its routes do ------------------------------------------


def _call(app: Any, path: str, query: bytes, origin: bool) -> tuple[int, dict[bytes, bytes], bytes]:
    import asyncio

    headers = [(b"host", b"t")] + ([(b"origin", b"https://app.example.org")] if origin else [])
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


FAST_REQUESTS = [
    ("/codes/62290", b""),
    ("/codes/99213", b"on=2026-03-02"),
    ("/codes/j9045", b""),
    ("/codes/6229O", b""),
    ("/codes/99999", b""),
    ("/codes/62290", b"on=not-a-date"),
    ("/codes/62290", b"on=1990-01-01"),
    ("/search", b"q=lumbar+epidural"),
    ("/search", b"q=knee&limit=3"),
    ("/search", b"q=knee&limit=0"),
    ("/search", b""),
    ("/search", b"q=a&q=b"),
    ("/fhir/CodeSystem/$lookup", b"code=64493"),
    ("/fhir/CodeSystem/$lookup", b"code=64493&property=addOn&property=kind"),
    ("/fhir/CodeSystem/$lookup", b"code=99999"),
    ("/fhir/CodeSystem/$lookup", b"code=62289"),
    ("/fhir/CodeSystem/$lookup", b"code=x"),
    ("/fhir/CodeSystem/$lookup", b"system=http://www.ama-assn.org/go/cpt&code=J9045"),
    ("/fhir/CodeSystem/$lookup", b"system=urn:other&code=64493"),
    ("/fhir/CodeSystem/$lookup", b"code=64493&version=nope"),
    ("/fhir/CodeSystem/$lookup", b"code=64493&date=2026-01-01"),
    ("/fhir/CodeSystem/$lookup", b""),
]


@pytest.mark.parametrize(("path", "query"), FAST_REQUESTS)
def test_the_fast_path_answers_as_the_routes_do(path: str, query: bytes) -> None:
    """A request with an Origin header to a CORS-enabled service passes the answer cache and
    the fast path and goes through the framework's routes: both answers must be the same."""
    from proccodes.serve import RELEASE_HEADER, create_app

    app = create_app(cors_origins=["https://app.example.org"])
    routed = _call(app, path, query, origin=True)
    fast = _call(app, path, query, origin=False)
    again = _call(app, path, query, origin=False)  # from the cache when 200
    assert fast[0] == routed[0] == again[0]
    assert fast[2] == routed[2] == again[2]
    for headers in (fast[1], again[1]):
        for name in (b"content-type", b"content-length", RELEASE_HEADER.lower().encode()):
            assert headers[name] == routed[1][name], name


def test_the_fast_path_takes_answers_and_leaves_errors_to_the_routes() -> None:
    from proccodes.serve.app import _fast_answer, _State

    state = _State(None)
    taken = {
        (path, query): _fast_answer(state, path, query) is not None for path, query in FAST_REQUESTS
    }
    assert taken[("/codes/62290", b"")]
    assert taken[("/search", b"q=knee&limit=3")]
    assert taken[("/fhir/CodeSystem/$lookup", b"code=64493")]
    assert taken[("/fhir/CodeSystem/$lookup", b"code=62289")]  # a 404 OperationOutcome
    assert not taken[("/codes/6229O", b"")]  # errors: the routes answer
    assert not taken[("/search", b"")]
    assert _fast_answer(state, "/codes/", b"") is None
    assert _fast_answer(state, "/codes/62290/x", b"") is None
    assert _fast_answer(state, "/ranges", b"") is None


def test_precomputed_record_texts_are_record_json_bytes_for_every_record() -> None:
    from proccodes.serve.app import RecordTexts

    catalog = default_catalog()
    texts = RecordTexts(catalog)
    assert set(texts.items) == set(catalog)
    bad = [
        code
        for code, record in catalog.items()
        if texts.get(code) != export.record_json_bytes(record, sources=catalog.sources)
    ]
    assert bad == []
    # kept compressed: well under the ~50 MB of the texts themselves
    assert sum(map(len, texts.items.values())) < 15_000_000


def test_a_precomputing_service_answers_alike() -> None:
    from proccodes.serve import create_app

    plain = create_app()
    ready = create_app(precompute=True)
    for path, query in FAST_REQUESTS:
        if path.startswith("/codes/"):
            assert _call(ready, path, query, origin=False) == _call(plain, path, query, False)


def test_precomputed_lookups_are_the_computed_answers_for_every_record() -> None:
    from proccodes import fhir
    from proccodes.serve.app import _dumps, _State

    state = _State(None)
    state.precompute()
    catalog = state.catalog()
    assert state.lookups is not None
    bad = [
        code for code in catalog if state.lookups.get(code) != _dumps(fhir.lookup(catalog, code))
    ]
    assert bad == []


def test_the_answer_cache_and_the_precomputed_lookups_last_one_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import timedelta

    from proccodes.serve import app as app_module

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.today() + timedelta(days=1)

    state = app_module._State(None)
    state.precompute()
    catalog = state.catalog()
    assert state.answers.get(catalog, "key") is None  # as the service: a get, then a put
    state.answers.put(catalog, "key", (b"t", b"body"))
    assert state.answers.get(catalog, "key") == (b"t", b"body")
    computed = []
    real_lookup = app_module.fhir.lookup
    monkeypatch.setattr(
        app_module.fhir, "lookup", lambda *a, **k: computed.append(1) or real_lookup(*a, **k)
    )
    app_module._lookup_answer(state, {"code": ["64493"]})
    assert computed == []  # today: the precomputed answer
    monkeypatch.setattr(app_module, "date", Tomorrow)
    assert state.answers.get(catalog, "key") is None  # a new day: emptied
    app_module._lookup_answer(state, {"code": ["64493"]})
    assert computed == [1]  # written for yesterday: computed again


def test_healthz_is_answered_in_front_of_the_routes_alike() -> None:
    from proccodes.serve import create_app

    app = create_app(cors_origins=["https://app.example.org"])
    routed = _call(app, "/healthz", b"", origin=True)
    fast = _call(app, "/healthz", b"", origin=False)
    assert fast == (routed[0], fast[1], routed[2]) == (200, fast[1], b'{"status":"ok"}')
    for name in (b"content-type", b"content-length"):
        assert fast[1][name] == routed[1][name]
    assert _call(app, "/healthzx", b"", origin=False)[0] == 404


def test_every_catalog_code_is_its_own_canonical_code() -> None:
    """What lets a precomputed ``$lookup`` skip validating a code written as the catalog
    writes it: validate_code gives every catalog code back unchanged, in the record's system."""
    from proccodes.codes import validate_code

    catalog = default_catalog()
    bad = [
        code
        for code, record in catalog.items()
        if (found := validate_code(code)).code != code or found.system is not record.system
    ]
    assert bad == []

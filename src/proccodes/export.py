"""JSON out: the documented JSON form of records and catalogs, and a JSON Schema generated from
the record types, so other systems can validate what proccodes writes without reading Python.

>>> from proccodes import default_catalog
>>> doc = catalog_json(default_catalog())
>>> doc["schema_version"], doc["procedures"][0]["code"]
(1, '0001A')
>>> record_schema()["$defs"]["Procedure"]["additionalProperties"]
False
>>> from proccodes import get
>>> doc = record_json(get("62290"))
>>> doc["code"], doc["curated"], [r["id"] for r in doc["range"]][:1]
('62290', True, ['surgery'])
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Any

import attrs

from ._schema import export_name, labels
from .records import DataRelease, Modifier, Procedure, Statement

__all__ = [
    "catalog_json",
    "catalog_schema",
    "json_bytes",
    "record_json",
    "record_json_bytes",
    "record_json_schema",
    "record_schema",
    "releases_json",
    "validation_json",
]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DATE = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def catalog_json(catalog: Mapping[str, Procedure]) -> dict[str, Any]:
    """A catalog as one document in the data-file format (``load_catalog`` reads it back).

    Modifiers of a catalog loaded from a CMS file are included under ``modifiers``, and its
    loader's warnings (if any) under ``warnings``.
    """
    from ._args import check_mapping_of_records
    from ._convert import SCHEMA_VERSION
    from .errors import DataError

    check_mapping_of_records("catalog", catalog)

    release = getattr(catalog, "release", "")
    as_of = getattr(catalog, "as_of", None)
    if not isinstance(as_of, date):
        raise DataError(
            "export", ["the catalog states no as-of date; a catalog file must have one @ $.as_of"]
        )
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "release": release,
        "as_of": as_of.isoformat(),
        "procedures": [_plain_record(r) for r in catalog.values()],
    }
    modifiers = getattr(catalog, "modifiers", {})
    if modifiers:
        doc["modifiers"] = [_plain_record(m) for m in modifiers.values()]
    warnings = getattr(catalog, "warnings", ())
    if warnings:
        doc["warnings"] = list(warnings)
    return doc


class _SchemaBuilder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def of(self, type_: Any) -> dict[str, Any]:
        if type_ is str:
            return {"type": "string"}
        if type_ is bool:
            return {"type": "boolean"}
        if type_ is int:
            return {"type": "integer"}
        if type_ is float:
            return {"type": "number"}
        if type_ is date:
            return dict(_DATE)
        if isinstance(type_, type) and issubclass(type_, Enum):
            return {"enum": [m.value for m in type_]}
        origin = typing.get_origin(type_)
        if origin is tuple:
            return {"type": "array", "items": self.of(typing.get_args(type_)[0])}
        if origin in (types.UnionType, typing.Union):
            options = [self.of(a) for a in typing.get_args(type_) if a is not type(None)]
            nullable = type(None) in typing.get_args(type_)
            return {"anyOf": [*options, *([{"type": "null"}] if nullable else [])]}
        if attrs.has(type_):
            name = type_.__name__
            if name not in self.defs:
                self.defs[name] = {}  # placeholder: recursion-safe
                self.defs[name] = self._class(type_)
            ref = {"$ref": f"#/$defs/{name}"}
            if type_ is Statement:  # a statement without sources may be a plain string
                return {"anyOf": [{"type": "string"}, ref]}
            return ref
        raise TypeError(f"no JSON Schema for {type_!r}")  # pragma: no cover - model is closed

    def _class(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties = {}
        required = []
        labelled = labels(cls)
        for field in attrs.fields(cls):
            schema = self.of(hints[field.name])
            if field.name in labelled:
                schema = {**schema, "description": labelled[field.name]}
            if field.default is not attrs.NOTHING:
                default = field.default
                if isinstance(default, Enum):
                    default = default.value
                if isinstance(default, tuple):
                    default = list(default)
                if default is None or isinstance(default, str | int | bool | list):
                    schema = {**schema, "default": default}
            else:
                required.append(export_name(field))
            properties[export_name(field)] = schema
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        return {
            "type": "object",
            "description": " ".join(doc.split()),
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }


def record_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of one record, ``Procedure``, with every section type."""
    builder = _SchemaBuilder()
    builder.of(Procedure)
    builder.of(Modifier)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": "https://proccodes.invalid/schema/procedure.json",
        **builder.defs["Procedure"],
        "title": "proccodes Procedure record",
        "$defs": builder.defs,
    }


def catalog_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a catalog data file (what ``catalog_json`` writes).

    >>> sorted(catalog_schema()["required"])
    ['as_of', 'procedures', 'release', 'schema_version']
    """
    from ._convert import SCHEMA_VERSION

    builder = _SchemaBuilder()
    procedure = builder.of(Procedure)
    modifier = builder.of(Modifier)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": "https://proccodes.invalid/schema/catalog.json",
        "title": "proccodes catalog file",
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "release": {"type": "string"},
            "as_of": dict(_DATE),
            "procedures": {"type": "array", "items": procedure},
            "modifiers": {"type": "array", "items": modifier},
            "warnings": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["schema_version", "release", "as_of", "procedures"],
        "additionalProperties": False,
        "$defs": builder.defs,
    }


def releases_json(sources: Sequence[DataRelease]) -> list[dict[str, Any]]:
    """Data releases as JSON: name, release and as-of date (``None`` when not stated).

    >>> from datetime import date
    >>> releases_json([DataRelease(name="CMS HCPCS Level II", release="2026", as_of=date(2026, 1, 5))])
    [{'name': 'CMS HCPCS Level II', 'release': '2026', 'as_of': '2026-01-05'}]
    """  # noqa: E501
    global _last_releases
    seen, rows = _last_releases
    if sources is not seen:
        rows = tuple((s.name, s.release, s.as_of.isoformat() if s.as_of else None) for s in sources)
        if isinstance(sources, tuple):  # immutable, and kept alive here: safe to reuse by identity
            _last_releases = (sources, rows)
    return [{"name": name, "release": release, "as_of": as_of} for name, release, as_of in rows]


_last_releases: tuple[object, tuple[tuple[str, str, str | None], ...]] = (None, ())


def record_json(
    record: Procedure, *, sources: Sequence[DataRelease] | None = None
) -> dict[str, Any]:
    """The one public JSON form of a record, as ``show --json``, the site and ``proccodes serve``
    give it: the record in the data-file form and, beside it, what describes it: ``curated``,
    its ``range`` in proccodes' range hierarchy (widest first), a ``notice`` where the record
    lacks official text or review, and the ``data_releases`` it comes from (``sources``; by
    default those of the shipped data, or of the release made the default).
    `record_json_schema` is the JSON Schema of exactly this; `record_json_bytes` is its
    compact JSON text.

    >>> from proccodes import get
    >>> found = record_json(get("99213"))
    >>> found["curated"], found["notice"][:32]
    (False, 'Not curated: official data only.')
    >>> found["data_releases"][0]["name"]
    'proccodes curated records'
    """
    return _described(_record_data(record, native=False), record, sources)


def record_json_bytes(record: Procedure, *, sources: Sequence[DataRelease] | None = None) -> bytes:
    """`record_json` as compact UTF-8 JSON text (what ``GET /codes/{code}`` of
    ``proccodes serve`` answers), made several times faster with orjson (the ``serve`` extra
    has it): the record's dates and enumerations go to orjson as they are, not converted to
    text first. The same text as ``json_bytes(record_json(record))``.

    >>> from proccodes import get
    >>> record_json_bytes(get("62290"))[:40]
    b'{"code":"62290","system":"CPT","kind":"C'
    >>> record_json_bytes(get("62290")) == json_bytes(record_json(get("62290")))
    True
    """
    orjson = _orjson_module()
    if orjson is None:
        return json_bytes(record_json(record, sources=sources))
    data = _described(_record_data(record, native=True), record, sources)
    try:
        return bytes(orjson.dumps(data))
    except TypeError:  # text orjson refuses (a lone surrogate): the standard library's way
        return json_bytes(record_json(record, sources=sources))


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON text of JSON-ready data: with orjson when installed (the ``serve``
    extra has it; several times faster), else the standard library; text that is not valid
    Unicode (a lone surrogate from a JSON escape) is written escaped, as valid JSON.

    >>> json_bytes({"code": "62290", "units": [1, 2], "note": "é"})
    b'{"code":"62290","units":[1,2],"note":"\\xc3\\xa9"}'
    >>> json_bytes("\\ud800")
    b'"\\\\ud800"'
    """
    orjson = _orjson_module()
    if orjson is not None:
        try:
            return bytes(orjson.dumps(value))
        except TypeError:  # orjson.JSONEncodeError: e.g. a lone surrogate
            pass
    import json

    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode("ascii")


_orjson: Any = False  # False: not looked for yet (importing export stays light); None: absent


def _orjson_module() -> Any:
    """orjson, imported on first use, or None when it is not installed."""
    global _orjson
    if _orjson is False:
        try:
            import orjson
        except ImportError:  # pragma: no cover - the test extra installs it
            _orjson = None
        else:
            _orjson = orjson
    return _orjson


_helpers_found: Any = None


def _helpers() -> Any:
    """What `record_json` adds beside a record needs (the notices, the range hierarchy),
    imported on first use: importing export stays light."""
    global _helpers_found
    if _helpers_found is None:
        from ._describe import NOT_CURATED, cpt_text_notice
        from .ranges import path_of

        _helpers_found = (NOT_CURATED, cpt_text_notice, path_of)
    return _helpers_found


def _record_data(record: Procedure, *, native: bool) -> dict[str, Any]:
    if type(record) is not Procedure:  # the usual case costs one comparison
        from ._args import check_type

        check_type("record", record, Procedure, "a Procedure")
    return _plain_record(record, native=native)


def _described(
    data: dict[str, Any], record: Procedure, sources: Sequence[DataRelease] | None
) -> dict[str, Any]:
    """``data`` (the record's fields) with what `record_json` adds beside them."""
    if sources is None:
        from .catalog import shipped_sources

        sources = shipped_sources()
    not_curated, cpt_text_notice, path_of = _helpers()
    data["curated"] = record.curated
    data["range"] = [
        {"id": r.id, "name": r.name, "first": r.first, "last": r.last} for r in path_of(record.code)
    ]
    notices = [] if record.curated else [not_curated]
    cpt = cpt_text_notice(record)
    if cpt is not None:
        notices.append(cpt)
    if notices:
        data["notice"] = ". ".join(notices) + "."
    data["data_releases"] = releases_json(sources)
    return data


def _plain_expr(type_: Any, value: str, hooks: dict[str, Any], depth: int, native: bool) -> str:
    """A Python expression turning ``value`` (an expression of type ``type_``) into the plain
    JSON data the package's converter (`proccodes._convert.converter`) unstructures it to.
    ``native``: leave what orjson writes alike as it is (dates, enumerations, tuples)."""
    if type_ in (str, int, float, bool):
        return value
    if type_ is date:
        return value if native else f"{value}.isoformat()"
    if isinstance(type_, type) and issubclass(type_, Enum):
        return f"{value}._value_"
    origin = typing.get_origin(type_)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(type_) if a is not type(None)]
        if len(options) != 1:  # pragma: no cover - the model has only X | None
            raise TypeError(f"no plain form for {type_!r}")
        v = f"_v{depth}"
        inner = _plain_expr(options[0], v, hooks, depth + 1, native)
        if inner == v:
            return value
        return f"(None if ({v} := {value}) is None else {inner})"
    if origin is tuple:
        item = typing.get_args(type_)[0]
        x = f"_x{depth}"
        inner = _plain_expr(item, x, hooks, depth + 1, native)
        if inner == x:
            return value if native else f"list({value})"
        if inner.endswith(f"({x})") and inner.count("(") == 1:  # a function of the item
            return f"list(map({inner[: -len(x) - 2]}, {value}))"
        return f"[{inner} for {x} in {value}]"  # pragma: no cover - the model has no such tuple
    if attrs.has(type_):
        name = f"plain_{type_.__name__}"
        if name not in hooks:
            hooks[name] = None  # placeholder: recursion-safe
            hooks[name] = _plain_function(type_, hooks, native)
        return f"{name}({value})"
    raise TypeError(f"no plain form for {type_!r}")  # pragma: no cover - model is closed


def _plain_function(cls: type, hooks: dict[str, Any], native: bool) -> Any:
    """A function generated from ``cls``'s fields (as cattrs generates its unstructure hooks,
    but with each field's conversion written inline): an instance as a dict of plain data,
    equal to what `proccodes._convert.unstructure_procedure` gives (``native``: as orjson
    writes that)."""
    hints = typing.get_type_hints(cls)
    items = [
        f"{f.name!r}: {_plain_expr(hints[f.name], f'o.{f.name}', hooks, 0, native)}"
        for f in attrs.fields(cls)
    ]
    source = f"def plain_{cls.__name__}(o):\n    return {{{', '.join(items)}}}\n"
    exec(compile(source, f"<plain {cls.__name__}>", "exec"), hooks)
    return hooks[f"plain_{cls.__name__}"]


def _plain_record(record: Any, *, native: bool = False) -> dict[str, Any]:
    """``record`` (a `Procedure`, `Modifier` or other record) as the converter
    (`proccodes._convert.converter`) unstructures it (``native``: with dates, enumerations and
    tuples left for orjson), by a function generated per class on first use (a race only
    generates it twice)."""
    key = (type(record), native)
    function = _plain_record_fns.get(key)
    if function is None:
        hooks: dict[str, Any] = {"__builtins__": {"list": list, "map": map}}
        function = _plain_record_fns[key] = _plain_function(type(record), hooks, native)
    found: dict[str, Any] = function(record)
    return found


_plain_record_fns: dict[tuple[type, bool], Any] = {}


_WRAPPER = {
    "curated": {
        "type": "boolean",
        "description": "A reviewed proccodes record; false: official CMS data only",
    },
    "range": {
        "type": "array",
        "description": "Where the code sits in proccodes' range hierarchy, widest first",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "first": {"type": "string"},
                "last": {"type": "string"},
            },
            "required": ["id", "name", "first", "last"],
            "additionalProperties": False,
        },
    },
    "notice": {
        "type": "string",
        "description": "What the record lacks, e.g. review, or where the official CPT text is",
    },
    "data_releases": {
        "type": "array",
        "description": "The data releases the record comes from",
        "items": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "release": {"type": "string"},
                "as_of": {"anyOf": [dict(_DATE), {"type": "null"}]},
            },
            "required": ["name", "release", "as_of"],
            "additionalProperties": False,
        },
    },
}


def record_json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of exactly what `record_json` returns: the record's
    fields (as `record_schema`) plus ``curated``, ``range``, ``notice`` and
    ``data_releases``. docs/record-json.schema.json is this, generated.

    >>> schema = record_json_schema()
    >>> schema["additionalProperties"], "data_releases" in schema["required"]
    (False, True)
    """
    builder = _SchemaBuilder()
    builder.of(Procedure)
    procedure = builder.defs["Procedure"]
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": "https://proccodes.invalid/schema/record-json.json",
        "title": "proccodes record JSON (record_json, show --json, proccodes serve)",
        "type": "object",
        "description": procedure["description"],
        "properties": {**procedure["properties"], **_WRAPPER},
        "required": [*procedure["required"], "curated", "range", "data_releases"],
        "additionalProperties": False,
        "$defs": builder.defs,
    }


def validation_json(
    text: str, catalog: Mapping[str, Procedure] | None = None, *, on: date | None = None
) -> dict[str, Any]:
    """What ``validate --json`` and the service's ``GET /validate`` say about ``text``: ``valid``
    and the ``reason`` when it is not (with the ``code`` and ``modifiers`` when the text was a
    code with modifiers); the ``code``, ``system``, ``kind`` and ``section`` when it is; and with
    a ``catalog``, whether it lists the code (``listed``, ``terminated``, ``replaced_by``) and,
    with a date of service ``on``, whether it was in effect that day (``in_effect``,
    ``effective``).

    >>> validation_json("6229o")["reason"]
    "found the letter 'O' at position 5 where a digit belongs; did you mean '62290'?"
    >>> validation_json("62290", {})["listed"]
    False
    """
    from .codes import validate_code
    from .errors import InvalidCodeError

    try:
        code = validate_code(text)
    except InvalidCodeError as exc:
        item: dict[str, Any] = {"input": text, "valid": False, "reason": exc.reason}
        if exc.modifiers:
            item.update(code=exc.code, modifiers=list(exc.modifiers))
        return item
    item = {
        "input": text,
        "valid": True,
        "code": code.code,
        "system": code.system.value,
        "kind": code.kind.value,
        "section": code.section.value if code.section else None,
    }
    if catalog is not None:
        record = catalog.get(code.code)
        item["listed"] = record is not None
        if record is not None:
            item["terminated"] = record.terminated.isoformat() if record.terminated else None
            item["replaced_by"] = list(record.replaced_by)
            if on is not None:
                item["in_effect"] = record.is_active_on(on)
                item["effective"] = record.effective.isoformat() if record.effective else None
    return item

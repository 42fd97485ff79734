"""JSON out: the documented JSON form of records and catalogs, and a JSON Schema generated from
the record types, so other systems can validate what proccodes writes without reading Python.

>>> from proccodes import default_catalog
>>> doc = catalog_json(default_catalog())
>>> doc["schema_version"], doc["procedures"][0]["code"]
(1, '0001A')
>>> record_schema()["$defs"]["Procedure"]["additionalProperties"]
False
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any

import attrs

from ._schema import export_name, labels
from .records import Modifier, Procedure, Statement

__all__ = ["catalog_json", "catalog_schema", "record_schema"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DATE = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def catalog_json(catalog: Mapping[str, Procedure]) -> dict[str, Any]:
    """A catalog as one document in the data-file format (``load_catalog`` reads it back).

    Modifiers of a catalog loaded from a CMS file are included under ``modifiers``, and its
    loader's warnings (if any) under ``warnings``.
    """
    from ._args import check_mapping_of_records
    from ._convert import SCHEMA_VERSION, converter
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
        "procedures": [converter.unstructure(r) for r in catalog.values()],
    }
    modifiers = getattr(catalog, "modifiers", {})
    if modifiers:
        doc["modifiers"] = [converter.unstructure(m) for m in modifiers.values()]
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

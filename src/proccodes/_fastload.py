"""Build records from the package's own, already-checked JSON without importing cattrs.

The shipped catalog is read on the first ``get``; importing cattrs and generating its per-class
code would cost more than the whole cold-start budget (docs/performance.md). The shipped data is
checked by the strict converter in the test suite (tests/test_data.py asserts both loaders give
equal records), so this loader trusts its input and only builds: it follows each attrs class's
resolved type hints once, then constructs records with plain calls. It needs no attrs: the
record classes' fields are read through `proccodes._frozen`.

Files a user passes to `proccodes.load_catalog` always go through the strict converter. Should
the shipped data hold a value the model does not (a damaged or hand-edited file, an enum value
of a newer release), the record is handed to the strict converter, which names the record and the
field in a `proccodes.DataError`: never a bare exception of the build.
"""

from __future__ import annotations

import builtins
import sys
import types
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, NoReturn

from ._frozen import is_record, record_fields
from .errors import DataError
from .records import Procedure, Statement

_Build = Callable[[Any], Any]
_builders: dict[Any, _Build] = {}  # one per type of the record model: bounded by the model


def _identity(value: Any) -> Any:
    return value


def _builder(type_: Any) -> _Build:
    found = _builders.get(type_)
    if found is None:
        found = _builders[type_] = _make_builder(type_)
    return found


def _make_builder(type_: Any) -> _Build:
    if type_ in (str, int, bool, float):
        return _identity
    if type_ is date:
        return date.fromisoformat
    if isinstance(type_, type) and issubclass(type_, Enum):
        return type_
    # the model's forms: tuple[X, ...] and X | None
    if isinstance(type_, types.GenericAlias) and type_.__origin__ is tuple:
        item = _builder(type_.__args__[0])
        if item is _identity:
            return tuple
        return lambda values: tuple(map(item, values))
    if isinstance(type_, types.UnionType) or _is_typing_union(type_):
        inner = [a for a in type_.__args__ if a is not type(None)]
        build = _builder(inner[0])
        return lambda value: None if value is None else build(value)
    if type_ is Statement:
        fields = _builder_for_class(Statement)
        return lambda value: Statement(text=value) if type(value) is str else fields(value)
    if is_record(type_):
        return _builder_for_class(type_)
    raise TypeError(f"no fast builder for {type_!r}")  # pragma: no cover - model is closed


def _is_typing_union(type_: Any) -> bool:
    """``typing.Union[...]`` or ``typing.Optional[...]`` (a resolved hint may be one)."""
    typing = sys.modules.get("typing")  # such a hint exists only once typing is imported
    return typing is not None and typing.get_origin(type_) is typing.Union


def _field_type(cls: type, field: Any) -> Any:
    """A field's type from its annotation string, without ``typing.get_type_hints``.

    The record model writes every annotation as ``X``, ``X | None`` or ``tuple[X, ...]``;
    resolving those by name avoids compiling each string (``get_type_hints`` calls ``eval``),
    which would cost more than building a data file's records. Any other form falls back to
    ``get_type_hints``.
    """
    namespace = vars(sys.modules[cls.__module__])

    def resolve(text: str) -> Any:
        if text.endswith(" | None"):
            return resolve(text[: -len(" | None")]) | None
        if text.startswith("tuple[") and text.endswith(", ...]"):
            return tuple[resolve(text[len("tuple[") : -len(", ...]")]), ...]  # type: ignore[misc]
        found = namespace.get(text, getattr(builtins, text, None))
        if not isinstance(found, type):
            raise LookupError(text)
        return found

    if not isinstance(field.type, str):
        return field.type
    try:
        return resolve(field.type)
    except LookupError:  # pragma: no cover - a form the model does not use
        import typing

        return typing.get_type_hints(cls)[field.name]


def _builder_for_class(cls: type) -> _Build:
    plan = {f.name: _builder(_field_type(cls, f)) for f in record_fields(cls)}

    def build(raw: dict[str, Any]) -> Any:
        return cls(**{name: plan[name](value) for name, value in raw.items()})

    return build


def build_procedure(raw: dict[str, Any], *, source: str = "the shipped curated data") -> Procedure:
    """One record from trusted JSON data; a value the model does not hold is a `DataError`
    naming ``source``, the record and the field.

    >>> build_procedure({"code": "S9090", "system": "HCPCS", "kind": "HCPCS Level II",
    ...                  "title": "Vertebral axial decompression"}).system
    <CodeSystem.HCPCS: 'HCPCS'>
    >>> build_procedure({"code": "S9090", "system": "HCPCS", "kind": "Level 9",
    ...                  "title": "Vertebral axial decompression"}, source="spine.json")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: spine.json: 1 problem
      record S9090: expected one of 'CPT Category I', 'CPT Category II', 'CPT Category III', 'CPT PLA', 'HCPCS Level II'; got the string 'Level 9' @ S9090.kind
    """  # noqa: E501
    build = _builder(Procedure)  # outside the try: a model the builder cannot follow is a bug
    try:
        return build(raw)  # type: ignore[no-any-return]
    except (TypeError, ValueError, LookupError, AttributeError) as exc:
        _explain(raw, source, exc)


def _explain(raw: object, source: str, exc: Exception) -> NoReturn:
    """Raise the strict converter's `DataError` for a record the fast build could not make (it
    names the record and the field path), or, should the converter accept it, one naming the
    record and what the build met."""
    from ._convert import structure_procedures  # imports cattrs: on this error path only

    structure_procedures([raw], source)
    code = raw.get("code") if isinstance(raw, dict) else None
    label = code if isinstance(code, str) and code else "#0"
    raise DataError(source, [f"record {label}: {type(exc).__name__}: {exc}"]) from exc

"""The package's one cattrs converter: strict JSON <-> records, with errors that name the field.

Strict means: unknown keys, missing fields, wrong types (a number where text belongs, text where a
list belongs, ``true`` where a number belongs) and bad values (an unknown enum value, a date that
is not ``YYYY-MM-DD``, a malformed code) are all errors. `structure_procedures` collects
every problem of every record before it raises one `DataError` naming the file,
the record and the field path, raised ``from`` the cattrs error group.

Importing this module imports cattrs; the default catalog does not need it (see
`proccodes._fastload`), so ``import proccodes`` and the first ``get`` stay fast.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from . import codes as code_module
from . import records as record_module
from .codes import classify_code, normalize_code
from .errors import DataError
from .records import (
    Modifier,
    Procedure,
    Statement,
)

__all__ = [
    "SCHEMA_VERSION",
    "CatalogFile",
    "converter",
    "make_converter",
    "parse_catalog_bytes",
    "structure_procedures",
    "unstructure_procedure",
]

SCHEMA_VERSION = 1
"""The version of the catalog JSON format this code reads and writes."""

T = TypeVar("T")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ENUMS: tuple[type[Enum], ...] = tuple(
    value
    for module in (code_module, record_module)
    for value in vars(module).values()
    if isinstance(value, type) and issubclass(value, Enum) and value.__module__ == module.__name__
)
"""Every enum of the record model (derived from the modules that define them, so a new enum
gets its strict hook with no list to keep)."""


class _Bad(ValueError):
    """A value of the wrong type or form; its message is shown as is."""


def _kind(value: object) -> str:
    """Name a JSON value's kind for a message: 'the number 3', 'a list', 'null'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _structure_str(value: object, _: type) -> str:
    if type(value) is str:
        return value
    raise _Bad(f"expected a string, got {_kind(value)}")


def _structure_int(value: object, _: type) -> int:
    if type(value) is int:
        return value
    raise _Bad(f"expected a whole number, got {_kind(value)}")


def _structure_float(value: object, _: type) -> float:
    if type(value) in (int, float) and math.isfinite(value):  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]
    raise _Bad(f"expected a finite number, got {_kind(value)}")


def _structure_bool(value: object, _: type) -> bool:
    if type(value) is bool:
        return value
    raise _Bad(f"expected true or false, got {_kind(value)}")


def _structure_date(value: object, _: type) -> date:
    if type(value) is str and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise _Bad(f"expected a real date as YYYY-MM-DD, got {value!r} ({exc})") from None
    raise _Bad(f"expected a date as YYYY-MM-DD, got {_kind(value)}")


def _enum_hook(enum_type: type[Enum]) -> Callable[[object, type], Enum]:
    by_value = {member.value: member for member in enum_type}
    allowed = ", ".join(repr(v) for v in by_value)

    def structure(value: object, _: type) -> Enum:
        if type(value) is str and value in by_value:
            return by_value[value]
        if isinstance(value, enum_type):
            return value
        raise _Bad(f"expected one of {allowed}; got {_kind(value)}")

    return structure


def _enum_value(member: Enum) -> Any:
    return member.value


def _is_tuple(type_: Any) -> bool:
    return get_origin(type_) is tuple


def make_converter() -> cattrs.Converter:
    """Build a new strict converter for the record types.

    Prefer the module's `converter`; build your own only to configure it further.

    >>> c = make_converter()
    >>> c.structure({"text": "Mild soreness", "sources": []}, Statement)
    Statement(text='Mild soreness', sources=())
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook(date, date.isoformat)
    # Class hooks also catch subclasses (the str hook would take StrEnums), so each enum of the
    # model gets its own, more specific, hook.
    for enum_type in _ENUMS:
        conv.register_structure_hook(enum_type, _enum_hook(enum_type))
        conv.register_unstructure_hook(enum_type, _enum_value)

    def tuple_hook(type_: Any) -> Callable[[object, type], tuple[Any, ...]]:
        args = get_args(type_)
        if len(args) != 2 or args[1] is not Ellipsis:  # pragma: no cover - not in the model
            raise TypeError(f"only homogeneous tuples are supported, not {type_}")
        inner = homogenous_tuple_structure_factory(type_, conv)

        def structure(value: object, t: type) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise _Bad(f"expected a list, got {_kind(value)}")
            return inner(value, t)  # type: ignore[no-any-return]

        return structure

    conv.register_structure_hook_factory(_is_tuple, tuple_hook)

    statement_from_dict = conv.get_structure_hook(Statement)

    def structure_statement(value: object, t: type) -> Statement:
        if type(value) is str:
            return Statement(text=value)
        if isinstance(value, dict):
            return statement_from_dict(value, t)  # type: ignore[no-any-return]
        raise _Bad(f"expected a string or an object with 'text', got {_kind(value)}")

    conv.register_structure_hook(Statement, structure_statement)
    return conv


converter = make_converter()
"""The package's converter. Records it makes are equal to the fast loader's."""


def _format(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, _Bad):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s): {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, AttributeError | TypeError) and "items" in str(exc):
        return "expected an object"
    if isinstance(exc, TypeError | ValueError):
        name = getattr(type_, "__name__", None) or repr(type_)
        return f"invalid value, expected {name} ({exc})"
    return f"invalid value ({type(exc).__name__}: {exc})"


def _messages(exc: BaseException, path: str) -> list[str]:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        return cattrs.transform_error(exc, path=path, format_exception=_format)
    return [f"{_format(exc, None)} @ {path}"]


@attrs.frozen(kw_only=True, slots=True)
class CatalogFile:
    """A parsed catalog file: its header and its records."""

    schema_version: int
    release: str
    as_of: date
    procedures: tuple[Procedure, ...]
    modifiers: tuple[Modifier, ...] = ()
    warnings: tuple[str, ...] = ()


def _check_codes(record: Procedure, label: str) -> list[str]:
    problems = []
    canonical = normalize_code(record.code)
    if canonical != record.code or classify_code(canonical) is None:
        problems.append(f"expected a canonical, valid code, got {record.code!r} @ {label}.code")
    else:
        found = classify_code(canonical)
        assert found is not None
        if found.system != record.system:
            problems.append(
                f"code {record.code} is {found.system.value}, not {record.system.value} "
                f"@ {label}.system"
            )
        if found.kind != record.kind:
            problems.append(
                f"code {record.code} is {found.kind.value}, not {record.kind.value} @ {label}.kind"
            )
    return problems


def structure_procedures(items: Iterable[object], source: str) -> tuple[Procedure, ...]:
    """Structure raw record objects strictly; raise one DataError listing every problem.

    >>> structure_procedures([{"code": "62290", "system": "CPT", "kind": "CPT Category I",
    ...                        "title": 5}], "demo.json")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: demo.json: 1 problem
      record 62290: expected a string, got the number 5 @ 62290.title
    """
    records: list[Procedure] = []
    problems: list[str] = []
    first_error: BaseException | None = None
    for index, item in enumerate(items):
        code = item.get("code") if isinstance(item, dict) else None
        label = code if isinstance(code, str) and code else f"#{index}"
        try:
            record = converter.structure(item, Procedure)
        except Exception as exc:
            first_error = first_error or exc
            problems.extend(f"record {label}: {m}" for m in _messages(exc, label))
            continue
        bad_codes = _check_codes(record, label)
        if bad_codes:
            problems.extend(f"record {label}: {m}" for m in bad_codes)
        else:
            records.append(record)
    if problems:
        raise DataError(source, problems) from first_error
    return tuple(records)


def parse_catalog_bytes(data: bytes, source: str) -> CatalogFile:
    """Parse one catalog JSON file strictly.

    >>> parse_catalog_bytes(b'{"schema_version": 1}', "demo.json")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: demo.json: 3 problems
      required field missing @ $.release
      required field missing @ $.as_of
      required field missing @ $.procedures
    """
    raw = _parse_json(data, source)
    if not isinstance(raw, dict):
        raise DataError(source, [f"expected a JSON object at the top, got {_kind(raw)} @ $"])
    problems: list[str] = []
    header: dict[str, Any] = {}
    for key, hook in (
        ("schema_version", _structure_int),
        ("release", _structure_str),
        ("as_of", _structure_date),
    ):
        if key not in raw:
            problems.append(f"required field missing @ $.{key}")
            continue
        try:
            header[key] = hook(raw[key], object)
        except _Bad as exc:
            problems.append(f"{exc} @ $.{key}")
    if header.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        problems.append(
            f"schema_version {header['schema_version']} is not supported; this proccodes reads "
            f"version {SCHEMA_VERSION} @ $.schema_version"
        )
    known = {"schema_version", "release", "as_of", "procedures", "modifiers", "warnings"}
    extra = sorted(set(raw) - known)
    if extra:
        problems.append(f"unknown field(s): {', '.join(extra)} @ $")
    items = raw.get("procedures")
    if "procedures" not in raw:
        problems.append("required field missing @ $.procedures")
    elif not isinstance(items, list):
        problems.append(f"expected a list, got {_kind(items)} @ $.procedures")
    procedures: tuple[Procedure, ...] = ()
    if isinstance(items, list):
        try:
            procedures = structure_procedures(items, source)
        except DataError as exc:
            raise DataError(source, [*problems, *exc.problems]) from exc.__cause__
    modifiers: tuple[Modifier, ...] = ()
    if "modifiers" in raw:
        try:
            modifiers = converter.structure(raw["modifiers"], tuple[Modifier, ...])
        except Exception as exc:  # every failure becomes a located message
            problems.extend(_messages(exc, "$.modifiers"))
        else:
            problems.extend(_check_modifiers(modifiers))
    warnings = raw.get("warnings", [])
    if not isinstance(warnings, list) or not all(type(w) is str for w in warnings):
        problems.append(f"expected a list of strings, got {_kind(warnings)} @ $.warnings")
        warnings = []
    if problems:
        raise DataError(source, problems)
    return CatalogFile(
        schema_version=header["schema_version"],
        release=header["release"],
        as_of=header["as_of"],
        procedures=procedures,
        modifiers=modifiers,
        warnings=tuple(warnings),
    )


# Text in a catalog never holds C0 control characters (other than tab and line ends) or DEL:
# a NUL or an ESC in a title would reach terminals and other programs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        code = result.get("code")
        where = f" of record {code}" if isinstance(code, str) and classify_code(code) else ""
        raise _DuplicateKey(f"duplicate key {_short(duplicate)} in an object{where}")
    return result


def _no_constant(name: str) -> Any:
    raise _DuplicateKey(f"{name} is not a JSON number")


def _short(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:37]) + "..."


def _parse_json(data: bytes, source: str) -> Any:
    """The JSON value of ``data``: every way it can fail is one `DataError`."""
    try:
        # JSON files are UTF-8 (RFC 8259); json.loads would also guess UTF-16 and UTF-32.
        text = data.decode("utf-8-sig")
        raw = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise DataError(source, [f"not UTF-8 text: {exc.reason} at byte {exc.start}"]) from exc
    except json.JSONDecodeError as exc:
        raise DataError(
            source, [f"line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"]
        ) from exc
    except _DuplicateKey as exc:
        raise DataError(source, [f"invalid JSON: {exc}"]) from exc
    except RecursionError as exc:
        raise DataError(source, ["invalid JSON: nested too deeply"]) from exc
    except ValueError as exc:  # an integer past Python's limit of digits, and the like
        raise DataError(source, [f"invalid JSON: {str(exc).split(';')[0]}"]) from exc
    _check_text(raw, source)
    return raw


def _check_text(value: Any, source: str) -> None:
    """Refuse control characters in any string (keys too), with the path of the first ones."""
    problems: list[str] = []
    stack: list[tuple[Any, str]] = [(value, "$")]
    while stack and len(problems) < 10:
        item, path = stack.pop()
        if isinstance(item, str):
            found = _CONTROL.search(item)
            if found is not None:
                problems.append(
                    f"control character {found.group()!r} at position {found.start() + 1} of "
                    f"a string; text holds none @ {path}"
                )
        elif isinstance(item, dict):
            for key, inner in item.items():
                stack.append((key, path))
                stack.append((inner, f"{path}.{key}"))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}[{i}]") for i, inner in enumerate(item))
    if problems:
        raise DataError(source, problems)


def _check_modifiers(modifiers: tuple[Modifier, ...]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for i, modifier in enumerate(modifiers):
        if re.fullmatch(r"[A-Z0-9]{2}", modifier.code) is None:
            problems.append(
                f"expected a modifier code of two letters or digits, got {_short(modifier.code)} "
                f"@ $.modifiers[{i}].code"
            )
        elif modifier.code in seen:
            problems.append(f"a second modifier {modifier.code} @ $.modifiers[{i}].code")
        seen.add(modifier.code)
    return problems


def unstructure_procedure(record: Procedure) -> dict[str, Any]:
    """A record as plain JSON-ready data (the documented JSON form).

    >>> from proccodes import get
    >>> unstructure_procedure(get("62290"))["code"]
    '62290'
    """
    return converter.unstructure(record)  # type: ignore[no-any-return]


def structure(value: Mapping[str, Any], cls: type[T]) -> T:
    """Structure ``value`` as ``cls`` with the strict converter (for tests and tools)."""
    return converter.structure(value, cls)

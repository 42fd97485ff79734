"""Frozen, slotted, keyword-only record classes that are attrs classes without importing attrs.

Importing attrs and running its class factory (it compiles each class's methods) cost more than
the rest of a cold ``proccodes.get`` (docs/performance.md), so the record classes are declared
with `frozen` and `field` here, which build the same class attrs would build for
``@attrs.frozen(kw_only=True, ...)`` with ``attrs.field(default=..., metadata=...)``: the same
``__init__`` (keyword-only, same defaults and errors), ``__slots__`` (and ``__weakref__``),
``__match_args__``, pickling, and ``attrs.exceptions.FrozenInstanceError`` on assignment. Their
``__attrs_attrs__`` is made on first use, by attrs itself (``attrs.frozen`` of the same
declaration), so ``attrs.fields``, ``attrs.has``, ``attrs.evolve``, ``attrs.asdict`` and cattrs
work on them as on any attrs class. tests/test_frozen.py checks each record class against the one
``attrs.frozen`` makes from the same source.

What the package itself needs of a record class's fields (`record_fields`, `replace`) reads
this module's `Field` objects, which carry the names attrs' ``Attribute`` has (``name``,
``default``, ``metadata``, ``type``), so those functions take attrs classes too.

>>> @frozen(kw_only=True)
... class Point:
...     x: int
...     y: int = field(default=0, metadata={"unit": "mm"})
>>> Point(x=1)
Point(x=1, y=0)
>>> replace(Point(x=1), y=2) == Point(x=1, y=2)
True
>>> [(f.name, dict(f.metadata)) for f in record_fields(Point)]
[('x', {}), ('y', {'unit': 'mm'})]
"""

from __future__ import annotations

import operator
import sys
import threading
from collections.abc import Callable
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = [
    "FIELDS",
    "NOTHING",
    "Field",
    "field",
    "field_names",
    "frozen",
    "is_record",
    "plain",
    "record_eq",
    "record_fields",
    "record_hash",
    "record_repr",
    "replace",
    "required",
]

_T = TypeVar("_T")

FIELDS = "__proccodes_fields__"
"""The class attribute that holds a record class's `Field` objects, in field order."""


class _Nothing:
    """The default of a field that has none (attrs' ``NOTHING`` once attrs is imported)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOTHING"

    def __reduce__(self) -> str:
        return "NOTHING"


NOTHING: Any = _Nothing()
"""The default of a field without one."""


class Field:
    """One field of a record class: its name, default (`NOTHING` if none), metadata (read-only)
    and type (the annotation's text), as attrs' ``Attribute`` names them."""

    __slots__ = ("default", "metadata", "name", "type")

    def __init__(self, name: str, default: Any, metadata: Any, type_: Any) -> None:
        self.name = name
        self.default = default
        self.metadata = MappingProxyType(dict(metadata or {}))
        self.type = type_

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, type={self.type!r})"


class _Declared:
    """What `field` returns in a class body: the field's default and metadata."""

    __slots__ = ("default", "metadata")

    def __init__(self, default: Any, metadata: Any) -> None:
        self.default = default
        self.metadata = metadata


def field(*, default: Any = NOTHING, metadata: dict[str, Any] | None = None) -> Any:
    """A field with a default and metadata, as ``attrs.field(default=..., metadata=...)``.

    >>> field(default=1).default
    1
    """
    return _Declared(default, metadata)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    from attrs.exceptions import FrozenInstanceError  # only on this error path

    raise FrozenInstanceError


def _frozen_delattr(self: Any, name: str) -> None:
    from attrs.exceptions import FrozenInstanceError

    raise FrozenInstanceError


_values_of: dict[type, Callable[[Any], tuple[Any, ...]]] = {}  # one per record class


def field_names(cls: type) -> tuple[str, ...]:
    """The names of the fields of the record class ``cls``, in field order.

    >>> from proccodes.records import Descriptor
    >>> field_names(Descriptor)
    ('use', 'text', 'source')
    """
    return tuple(f.name for f in record_fields(cls))


def _values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a record's field values as a tuple, in field order (C-speed)."""
    found = _values_of.get(cls)
    if found is None:
        names = field_names(cls)
        getter = operator.attrgetter(*names)
        found = getter if len(names) > 1 else (lambda obj: (getter(obj),))
        _values_of[cls] = found
    return found


def record_repr(self: Any) -> str:
    """``Name(field=value, ...)``, as attrs writes a record's repr.

    >>> from proccodes.records import CodeRef
    >>> record_repr(CodeRef(code="64483"))
    "CodeRef(code='64483', note='')"
    """
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in field_names(type(self)))
    return f"{type(self).__qualname__}({inner})"


def record_eq(self: Any, other: object) -> Any:
    """Equal when of one class with equal fields (else ``NotImplemented``), as attrs compares.

    >>> from proccodes.records import CodeRef
    >>> record_eq(CodeRef(code="64483"), CodeRef(code="64483")), record_eq(CodeRef(code="1"), 1)
    (True, NotImplemented)
    """
    cls = type(self)
    if other.__class__ is not cls:
        return NotImplemented
    values = _values(cls)
    return values(self) == values(other)


def _record_ne(self: Any, other: object) -> Any:
    """The opposite of `record_eq` (``NotImplemented`` stays)."""
    result = record_eq(self, other)
    return result if result is NotImplemented else not result


def record_hash(self: Any) -> int:
    """The hash of the class's name and the field values.

    >>> from proccodes.records import CodeRef
    >>> record_hash(CodeRef(code="64483")) == hash(CodeRef(code="64483"))
    True
    """
    cls = type(self)
    return hash((cls.__qualname__, _values(cls)(self)))


def _getstate(self: Any) -> dict[str, Any]:
    return {name: getattr(self, name) for name in field_names(type(self))}


def _setstate(self: Any, state: Any) -> None:
    set_ = object.__setattr__
    names = field_names(type(self))
    if isinstance(state, tuple):  # as attrs: a pickle written by attrs before 22.2
        for name, value in zip(names, state, strict=False):
            set_(self, name, value)
    else:
        for name in names:
            if name in state:
                set_(self, name, state[name])


def is_record(cls: Any) -> bool:
    """Whether ``cls`` is a class made by `frozen` or another attrs class (``attrs.has``).

    >>> from proccodes.records import Procedure
    >>> is_record(Procedure), is_record(int)
    (True, False)
    """
    if not isinstance(cls, type):
        return False
    if FIELDS in cls.__dict__:
        return True
    attr = sys.modules.get("attr")  # an attrs class exists only once attrs is imported
    return attr is not None and attr.has(cls) is True


def plain(field: Any) -> bool:
    """Whether ``__init__`` only sets ``field`` (a `Field` or an attrs ``Attribute``): no
    validator, converter, ``on_setattr`` hook or factory default.

    >>> from proccodes.records import Descriptor
    >>> all(plain(f) for f in record_fields(Descriptor))
    True
    """
    if isinstance(field, Field):
        return True
    attr = sys.modules["attr"]  # an Attribute: attrs is imported
    return (
        field.validator is None
        and field.converter is None
        and field.on_setattr in (None, attr.NOTHING)
        and not isinstance(field.default, attr.Factory)
    )


def record_fields(cls: type) -> tuple[Any, ...]:
    """The fields of ``cls`` in field order: a record class's `Field` objects (attrs is not
    imported), or ``attrs.fields(cls)`` for another attrs class.

    >>> from proccodes.records import Descriptor
    >>> [f.name for f in record_fields(Descriptor)]
    ['use', 'text', 'source']
    """
    found: tuple[Any, ...] | None = cls.__dict__.get(FIELDS) if isinstance(cls, type) else None
    if found is not None:
        return found
    import attrs

    return tuple(attrs.fields(cls))


def required(field: Any) -> bool:
    """Whether ``field`` (a `Field` or an attrs ``Attribute``) has no default.

    >>> from proccodes.records import Descriptor
    >>> [required(f) for f in record_fields(Descriptor)]
    [True, True, True]
    """
    default = field.default
    if default is NOTHING:
        return True
    attr = sys.modules.get("attr")  # an attrs Attribute exists only once attrs is imported
    return attr is not None and default is attr.NOTHING


def replace(record: _T, **changes: Any) -> _T:
    """A copy of ``record`` with ``changes``, as ``attrs.evolve`` makes it.

    >>> from proccodes.records import CodeRef
    >>> replace(CodeRef(code="64483"), note="first level")
    CodeRef(code='64483', note='first level')
    """
    cls = type(record)
    for f in record_fields(cls):
        if f.name not in changes:
            changes[f.name] = getattr(record, f.name)
    return cls(**changes)


_lock = threading.Lock()


class _LazyAttrs:
    """A record class's ``__attrs_attrs__``: on first read, attrs builds the fields from the
    class's declaration; they then replace this descriptor on the class."""

    __slots__ = ("owner",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        return _attrs_fields(self.owner)


def _attrs_fields(cls: type) -> Any:
    """The ``__attrs_attrs__`` of the record class ``cls``, made by attrs on first use from
    its declaration (``attrs.frozen`` itself, on a class with the same fields and flags)."""
    with _lock:
        found = cls.__dict__["__attrs_attrs__"]
        if not isinstance(found, _LazyAttrs):
            return found
        import attrs

        flags: dict[str, Any] = cls.__dict__["__proccodes_flags__"]
        these = {
            f.name: attrs.field(
                default=f.default if f.default is not NOTHING else attrs.NOTHING,
                metadata=dict(f.metadata),
                type=f.type,
            )
            for f in cls.__dict__[FIELDS]
        }
        body = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        made = attrs.frozen(these=these, kw_only=True, **flags)(type(cls.__name__, (), body))
        found = made.__dict__["__attrs_attrs__"]
        type.__setattr__(cls, "__attrs_attrs__", found)
        props = made.__dict__.get("__attrs_props__")
        if props is not None:
            type.__setattr__(cls, "__attrs_props__", props)
        return found


def _is_class_var(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


class _LazyInit:
    """A record class's ``__init__`` until it is first read (to make a record, or to inspect
    its signature): then it is compiled and replaces this descriptor on the class. A cold
    ``get`` builds official records without ``__init__``, so most classes never compile one."""

    __slots__ = ("owner",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        cls = self.owner
        init = _make_init(cls, cls.__dict__[FIELDS])
        type.__setattr__(cls, "__init__", init)
        return init if instance is None else init.__get__(instance, owner)


def _make_init(cls: type, fields: tuple[Field, ...]) -> Callable[..., None]:
    """``__init__(self, *, field, ..., field=default)``, setting each slot, as attrs writes it."""
    namespace: dict[str, Any] = {}
    parameters = []
    body = []
    for number, f in enumerate(fields):
        if f.default is NOTHING:
            parameters.append(f.name)
        else:
            namespace[f"_default{number}"] = f.default
            parameters.append(f"{f.name}=_default{number}")
        namespace[f"_set{number}"] = cls.__dict__[f.name].__set__
        body.append(f"    _set{number}(self, {f.name})")
    source = f"def __init__(self, *, {', '.join(parameters)}):\n" + "\n".join(body or ["    pass"])
    if not parameters:
        source = "def __init__(self):\n    pass"
    exec(compile(source, f"<proccodes init of {cls.__qualname__}>", "exec"), namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {"return": None, **{f.name: f.type for f in fields}}
    init.__doc__ = f"Method generated by proccodes for class {cls.__qualname__}."
    return init


def frozen(
    cls: type[_T] | None = None, *, kw_only: bool = True, repr: bool = True, eq: bool = True
) -> Any:
    """A frozen, slotted, keyword-only record class from a class body of annotated fields, as
    ``attrs.frozen(kw_only=True, repr=..., eq=...)`` makes it (without importing attrs).

    >>> @frozen(kw_only=True)
    ... class Pair:
    ...     a: int
    ...     b: int = 2
    >>> Pair(a=1).b, Pair(a=1) == Pair(a=1, b=2), Pair.__match_args__
    (2, True, ())
    """
    if not kw_only:
        raise TypeError("frozen record classes are keyword-only")

    def wrap(cls: type[_T]) -> type[_T]:
        return _build(cls, add_repr=repr, add_eq=eq)

    return wrap if cls is None else wrap(cls)


_HOOKS = ("__attrs_pre_init__", "__attrs_post_init__", "__attrs_init__", "__init__")


def _build(cls: type[_T], *, add_repr: bool, add_eq: bool) -> type[_T]:
    namespace = dict(cls.__dict__)
    hooks = [name for name in _HOOKS if name in namespace]
    if hooks:  # attrs would call or replace them: not supported here
        raise TypeError(f"{cls.__name__}: a record class cannot define {', '.join(hooks)}")
    for base in cls.__mro__[1:]:
        if FIELDS in base.__dict__:
            raise TypeError(f"{cls.__name__}: a record class cannot extend another one")
    declared: dict[str, Any] = namespace.get("__annotations__", {})
    fields: list[Field] = []
    for name, annotation in declared.items():
        if _is_class_var(annotation):
            continue
        value = namespace.pop(name, NOTHING)
        if isinstance(value, _Declared):
            fields.append(Field(name, value.default, value.metadata, annotation))
        else:
            fields.append(Field(name, value, None, annotation))
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    has_weakref = any("__weakref__" in base.__dict__ for base in cls.__mro__[1:])
    names = tuple(f.name for f in fields)
    namespace["__slots__"] = names if has_weakref else (*names, "__weakref__")
    namespace["__setattr__"] = _frozen_setattr
    namespace["__delattr__"] = _frozen_delattr
    namespace["__getstate__"] = _getstate
    namespace["__setstate__"] = _setstate
    namespace["__match_args__"] = ()
    namespace[FIELDS] = tuple(fields)
    namespace["__proccodes_flags__"] = {"repr": add_repr, "eq": add_eq}
    namespace["__attrs_attrs__"] = _LazyAttrs()
    if add_repr:
        namespace["__repr__"] = record_repr
    if add_eq:
        namespace["__eq__"] = record_eq
        namespace["__ne__"] = _record_ne
        namespace["__hash__"] = record_hash
    if sys.version_info >= (3, 13):  # as attrs: copy.replace() makes an evolved copy
        namespace["__replace__"] = replace
    namespace["__init__"] = _LazyInit()
    made: type[_T] = type.__new__(type(cls), cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    _point_cells_to(cls, made)
    return made


def _point_cells_to(old: type, new: type) -> None:
    """Point the ``__class__`` cells of the methods (zero-argument ``super()``) at the class
    made in place of ``old``, as attrs does for a slotted class."""
    for item in new.__dict__.values():
        if isinstance(item, classmethod | staticmethod):
            functions: list[Any] = [item.__func__]
        elif isinstance(item, property):
            functions = [item.fget, item.fset, item.fdel]
        else:
            functions = [item]
        for function in functions:
            for cell in getattr(function, "__closure__", None) or ():
                try:
                    match = cell.cell_contents is old
                except ValueError:  # an empty cell
                    continue
                if match:
                    cell.cell_contents = new

"""The record classes (`proccodes._frozen.frozen`) are the classes ``attrs.frozen`` makes from the
same declarations (issue 19, 7: a cold ``get`` without attrs).

The attrs twins are made here from the modules' own source, with ``frozen`` and ``field`` taken
from attrs (what a type checker sees): same fields, defaults, metadata and flags in
``attrs.fields()``, same ``__init__`` signature and errors, slots, ``__match_args__``, and the
same repr, equality and hash of every curated record and a sample of official ones; pickling,
``attrs.evolve``, ``attrs.asdict``, cattrs and ``FrozenInstanceError`` work on them.
"""

from __future__ import annotations

import copy
import inspect
import json
import pickle
import subprocess
import sys
import weakref
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import cattrs
import pytest

import proccodes
from proccodes import _convert, codes, records
from proccodes._frozen import field_names, is_record, record_fields, replace, required

SRC = Path(proccodes.__file__).parent


def _twin_module(module: ModuleType) -> dict[str, Any]:
    """``module`` run again from its source, its record classes declared by attrs itself."""
    source = (SRC / f"{module.__name__.rpartition('.')[2]}.py").read_text(encoding="utf-8")
    swapped = source.replace(
        "from ._frozen import field, frozen", "from attrs import field, frozen"
    )
    swapped = swapped.replace("from ._frozen import frozen", "from attrs import frozen")
    assert swapped != source
    namespace: dict[str, Any] = {"__name__": module.__name__, "__package__": "proccodes"}
    exec(compile(swapped, f"<attrs twin of {module.__name__}>", "exec"), namespace)
    return namespace


TWIN = _twin_module(records)
TWIN_CODES = _twin_module(codes)
RECORD_CLASSES = [getattr(records, n) for n in records.__all__ if is_record(getattr(records, n))]
PAIRS = [(cls, TWIN[cls.__name__]) for cls in RECORD_CLASSES] + [(codes.Code, TWIN_CODES["Code"])]


def _plain(value: Any) -> Any:
    """Enum classes and members by name, so the twins' own enums compare with ours."""
    if isinstance(value, type) and issubclass(value, Enum):
        return f"enum {value.__qualname__}"
    if isinstance(value, Enum):
        return f"{type(value).__qualname__}.{value.name}"
    if isinstance(value, dict | type(attrs.fields(records.Problem)[0].metadata)):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):  # e.g. a PfsColumn, which names an enum
        return (type(value).__name__, tuple(_plain(v) for v in value))
    return value


def _attribute(cls: type, a: attrs.Attribute[Any]) -> dict[str, Any]:
    slots = vars(type(a))["__slots__"]
    found = {slot: _plain(getattr(a, slot)) for slot in slots if slot != "type"}
    found["annotation"] = cls.__annotations__[a.name]  # a.type: resolved once cattrs ran
    return found


def test_every_record_class_is_made_by_frozen() -> None:
    assert len(RECORD_CLASSES) == 17
    assert all(attrs.has(cls) for cls, _ in PAIRS)


@pytest.mark.parametrize(("ours", "twin"), PAIRS, ids=lambda c: c.__name__)
def test_the_fields_are_those_attrs_makes(ours: type, twin: type) -> None:
    assert attrs.has(ours)
    ours_fields, twin_fields = attrs.fields(ours), attrs.fields(twin)
    assert [_attribute(ours, a) for a in ours_fields] == [_attribute(twin, a) for a in twin_fields]
    assert type(ours_fields).__name__ == type(twin_fields).__name__ == f"{ours.__name__}Attributes"
    assert ours_fields[0] is getattr(attrs.fields(ours), ours_fields[0].name)
    assert field_names(ours) == tuple(a.name for a in twin_fields)
    assert [
        (f.name, required(f), None if required(f) else _plain(f.default), _plain(f.metadata))
        for f in record_fields(ours)
    ] == [
        (a.name, required(a), None if required(a) else _plain(a.default), _plain(a.metadata))
        for a in twin_fields
    ]
    assert attrs.fields_dict(ours).keys() == attrs.fields_dict(twin).keys()
    if hasattr(attrs, "inspect"):  # attrs 25.4+: the build parameters, once the fields are made
        assert attrs.inspect(ours) == attrs.inspect(twin)


@pytest.mark.parametrize(("ours", "twin"), PAIRS, ids=lambda c: c.__name__)
def test_the_class_is_the_one_attrs_makes(ours: type, twin: type) -> None:
    assert vars(ours)["__slots__"] == vars(twin)["__slots__"]
    assert getattr(ours, "__match_args__", None) == getattr(twin, "__match_args__", None) == ()
    assert [b.__qualname__ for b in ours.__mro__] == [b.__qualname__ for b in twin.__mro__]
    assert (ours.__qualname__, ours.__module__, ours.__doc__) == (
        twin.__qualname__,
        twin.__module__,
        twin.__doc__,
    )
    ours_init, twin_init = inspect.signature(ours), inspect.signature(twin)
    assert str(ours_init) == str(twin_init)
    assert [(p.name, p.kind, _plain(p.default)) for p in ours_init.parameters.values()] == [
        (p.name, p.kind, _plain(p.default)) for p in twin_init.parameters.values()
    ]
    assert ours.__init__.__qualname__ == twin.__init__.__qualname__  # type: ignore[misc]
    # the same outcome of bad calls (Python writes the errors from the signature)
    for args, kwargs in (((), {}), ((), {"no_such_field": 1}), ((1,), {})):
        outcomes = []
        for cls in (ours, twin):
            try:
                made = cls(*args, **kwargs)
            except TypeError as error:
                outcomes.append(str(error))
            else:
                outcomes.append(repr(made))
        assert outcomes[0] == outcomes[1]
    # no validators or converters: attrs would run none either
    assert all(a.validator is None and a.converter is None for a in attrs.fields(twin))


def _to_twin(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_to_twin(v) for v in value)
    if isinstance(value, Enum) and type(value).__module__ == "proccodes.records":
        return TWIN[type(value).__name__](value.value)
    if is_record(type(value)):
        twin = TWIN[type(value).__name__]
        return twin(**{name: _to_twin(getattr(value, name)) for name in field_names(type(value))})
    return value


def _sample() -> list[Any]:
    catalog = proccodes.default_catalog()
    curated = [r for r in catalog.values() if r.curated]
    assert len(curated) >= 50
    official = [catalog[c] for c in ("99213", "J1100", "62291", "0001U", "A0021") if c in catalog]
    modifiers = list(catalog.modifiers.values())[:20]
    return curated + official + modifiers


SAMPLE = _sample()


def _unstructure(record: Any) -> Any:
    if isinstance(record, records.Procedure):
        return _convert.unstructure_procedure(record)
    return _convert.converter.unstructure(record)


def test_real_records_repr_compare_and_hash_as_the_attrs_twins() -> None:
    for record in SAMPLE:
        twin = _to_twin(record)
        assert repr(record) == repr(twin)
        assert hash(record) == hash(twin)
        # through JSON, as the strict loader reads a file (its values are JSON's)
        same = _convert.structure(json.loads(json.dumps(_unstructure(record))), type(record))
        assert same == record
        assert (record == same) == (twin == _to_twin(same))
        assert attrs.asdict(record) == attrs.asdict(twin)
    first, second = SAMPLE[0], SAMPLE[1]
    assert (first == second) == (_to_twin(first) == _to_twin(second)) is False
    assert (first != second) is True
    assert (first != first) is False


def test_pickle_copy_evolve_and_cattrs_round_trip() -> None:
    converter = _convert.make_converter()  # a new one: its hooks made for these classes now
    plain = cattrs.Converter()
    for value in (records.Statement(text="t", sources=("a",)), records.CodeRef(code="64483")):
        assert plain.structure(plain.unstructure(value), type(value)) == value
    for record in SAMPLE:
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            back = pickle.loads(pickle.dumps(record, protocol))
            assert back == record
            assert type(back) is type(record)
        assert copy.copy(record) == record
        assert copy.deepcopy(record) == record
        assert attrs.evolve(record) == record
        assert replace(record, code="X") == attrs.evolve(record, code="X")
        plain_data = json.loads(json.dumps(converter.unstructure(record)))
        assert converter.structure(plain_data, type(record)) == record
    assert json.loads(json.dumps(_convert.unstructure_procedure(SAMPLE[0])))["code"]


def test_records_are_frozen_slotted_and_weakly_referable() -> None:
    record = SAMPLE[0]
    twin = _to_twin(record)
    for value in (record, twin, record.billing):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            value.code = "x"
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del value.code
        assert not hasattr(value, "__dict__")
        assert weakref.ref(value)() is value
    code = proccodes.validate_code("62290")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        code.code = "x"  # type: ignore[misc]


def test_code_compares_and_prints_as_before() -> None:
    ours = codes.validate_code("62290")
    twin = TWIN_CODES["validate_code"]("62290")
    assert repr(ours) == repr(twin)
    assert str(ours) == str(twin) == "62290"
    assert ours == codes.validate_code(" 62290 ")
    assert hash(ours) == hash(codes.validate_code("62290"))
    assert ours != codes.validate_code("62291")
    assert {ours: 1}[codes.validate_code("62290")] == 1


def _cold_modules(code: str) -> list[str]:
    script = (
        "import sys, json\n"
        f"import proccodes; proccodes.get({code!r})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('attr', 'attrs', 'cattrs'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    found: list[str] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize("code", ["62290", "99213", "J1100"])
def test_a_cold_get_imports_neither_attrs_nor_cattrs(code: str) -> None:
    assert _cold_modules(code) == []


def test_attrs_is_imported_on_first_use_of_the_fields() -> None:
    script = (
        "import sys\n"
        "import proccodes\n"
        "record = proccodes.get('62290')\n"
        "assert 'attrs' not in sys.modules\n"
        "import attrs\n"
        "print(attrs.fields(type(record)).code.name, attrs.has(type(record)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["code", "True"]


def test_methods_that_call_super_see_the_class_made() -> None:
    from proccodes._frozen import field, frozen

    class Base:
        __slots__ = ()

        def describe(self) -> str:
            return "base"

    @frozen(kw_only=True)
    class Child(Base):
        name: str = field(default="n", metadata={"label": "Name"})

        def describe(self) -> str:
            return f"child of {super().describe()}"

        @property
        def kind(self) -> str:
            return type(self).__name__ + super().describe()

    assert Child().describe() == "child of base"
    assert Child().kind == "Childbase"
    assert attrs.fields(Child).name.metadata["label"] == "Name"  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot define __attrs_post_init__"):

        @frozen(kw_only=True)
        class Hooked:
            a: int

            def __attrs_post_init__(self) -> None:
                pass


def test_an_init_is_compiled_on_first_use_only() -> None:
    script = (
        "import inspect, json\n"
        "import proccodes\n"
        "from proccodes import records\n"
        "proccodes.get('99213')\n"
        "compiled = sorted(n for n in records.__all__ if type(vars(getattr(records, n)).get("
        "'__init__')).__name__ == 'function')\n"
        "signature = str(inspect.signature(records.Duration))\n"
        "made = records.Duration(minutes_min=1, minutes_max=2)\n"
        "print(json.dumps([compiled, signature, repr(made)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    compiled, signature, made = json.loads(result.stdout)
    assert "PfsFacts" not in compiled  # the shipped reader sets the slots itself
    assert "Procedure" not in compiled
    assert signature == "(*, minutes_min: 'int', minutes_max: 'int', note: 'str' = '') -> None"
    assert made == "Duration(minutes_min=1, minutes_max=2, note='')"

"""The public API is one coherent surface (issue 19, item 4): one list of public names, one date
keyword (``on=``, old names deprecated), every bad-input error a ``ProcCodesError``."""

from __future__ import annotations

import ast
import pickle
import warnings
from datetime import date
from pathlib import Path

import pytest

import proccodes
from proccodes import (
    ArgumentTypeError,
    ArgumentValueError,
    InvalidCodeError,
    InvalidCodeKeyError,
    PayerRequirement,
    ProcCodesError,
    RequirementKind,
    UnknownCodeError,
)

INIT = Path(proccodes.__file__)

# -- one list of public names ---------------------------------------------------------------------


def _type_checking_imports() -> dict[str, str]:
    """name -> module, from the ``if TYPE_CHECKING:`` block of proccodes/__init__.py."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for item in node.body:
                assert isinstance(item, ast.ImportFrom), ast.dump(item)
                assert item.level == 1, "import from the package's own modules"
                for alias in item.names:
                    # `name as name`: an explicit re-export for type checkers
                    assert alias.asname == alias.name, alias.name
                    found[alias.name] = item.module or ""
    return found


def test_type_checking_imports_match_the_one_list():
    imported = _type_checking_imports()
    expected = {name: module for module, names in proccodes._HOME.items() for name in names}
    expected.update(dict.fromkeys(proccodes._SUBMODULES, ""))  # `from . import fees as fees`
    assert imported == expected


def test_all_is_derived_from_the_one_list():
    names = [name for names in proccodes._HOME.values() for name in names]
    assert len(names) == len(set(names)), "a name listed under two modules"
    assert proccodes.__all__ == sorted([*names, *proccodes._SUBMODULES, "__version__"])


def test_every_name_comes_from_the_module_the_list_says():
    import importlib

    for module, names in proccodes._HOME.items():
        home = importlib.import_module(f"proccodes.{module}")
        for name in names:
            assert getattr(proccodes, name) is getattr(home, name), name


@pytest.mark.parametrize(
    "name",
    [
        "PtpTable",
        "PtpEdit",
        "MueTable",
        "MueEdit",
        "CptDescriptors",
        "PfsFacts",
        "RbcsClass",
        "PayerRequirement",
        "RequirementKind",
        "PfsStatus",
        "GlobalDays",
        "classify_code",
        "ArgumentTypeError",
        "ArgumentValueError",
        "InvalidCodeKeyError",
        "fees",
        "release",
        "claims",
        "export",
    ],
)
def test_public_types_and_entry_points_are_exported(name):
    assert name in proccodes.__all__
    assert getattr(proccodes, name) is not None


def test_public_record_types_of_records_are_all_exported():
    from proccodes import records

    assert set(records.__all__) <= set(proccodes.__all__)


# -- errors ---------------------------------------------------------------------------------------


def test_argument_errors_are_proccodes_errors_and_builtins():
    assert issubclass(ArgumentTypeError, ProcCodesError)
    assert issubclass(ArgumentTypeError, TypeError)
    assert issubclass(ArgumentValueError, ProcCodesError)
    assert issubclass(ArgumentValueError, ValueError)
    for err in (ArgumentTypeError("x must be y"), ArgumentValueError("x must be y")):
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is type(err)
        assert str(again) == str(err)


def test_a_bad_code_as_a_key_is_a_key_error():
    err = InvalidCodeKeyError("6229O", "found the letter 'O'", code="6229O")
    assert isinstance(err, KeyError)
    assert isinstance(err, ValueError)
    assert isinstance(err, InvalidCodeError)
    assert isinstance(err, ProcCodesError)
    assert str(err) == "'6229O' is not a valid code: found the letter 'O'"  # no KeyError quotes
    again = pickle.loads(pickle.dumps(err))
    assert (type(again), again.text, again.reason, again.code) == (
        InvalidCodeKeyError,
        "6229O",
        "found the letter 'O'",
        "6229O",
    )
    assert issubclass(UnknownCodeError, KeyError)


def _bad_calls():
    from proccodes import fhir, release
    from proccodes.sources import ncci

    get = proccodes.get
    return [
        lambda: proccodes.search(None),
        lambda: proccodes.search("disc", limit=-1),
        lambda: proccodes.is_valid_codes("62290"),
        lambda: proccodes.check_record(None),
        lambda: proccodes.check_record(get("62290"), on="2024-01-01"),
        lambda: proccodes.check_catalog(None),
        lambda: proccodes.load_hcpcs(None),
        lambda: proccodes.load_hcpcs_years("file.txt"),
        lambda: proccodes.load_cpt_descriptors(None),
        lambda: proccodes.load_ptp(None),
        lambda: proccodes.load_ptp([]),
        lambda: proccodes.load_mue(None),
        lambda: proccodes.load_pfs(None),
        lambda: proccodes.load_rbcs(None),
        lambda: proccodes.release_stale_on("2026-01-01"),
        lambda: release.load_release(None),
        lambda: fhir.lookup(None, "62290"),
        lambda: get("62290").is_active_on("2024-01-01"),
        lambda: get("62290").descriptor("nope"),
        lambda: ncci.load_ptp("x.txt", strict="yes"),
    ]


@pytest.mark.parametrize("call", _bad_calls())
def test_bad_arguments_are_proccodes_errors(call):
    with pytest.raises(ProcCodesError) as found:
        call()
    assert isinstance(found.value, TypeError | ValueError)
    assert "must" in str(found.value) or "needs" in str(found.value)


# -- one date keyword: on= ------------------------------------------------------------------------


def _ptp_file(folder: Path) -> Path:
    path = folder / "ccipra-v322r0-f1.txt"
    header = "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale"
    rows = [
        "0001U\t0029U\t\t20180701\t20260630\t1\tMisuse of Column Two code with Column One code",
        "0001U\t0030U\t\t20180701\t*\t1\tMisuse of Column Two code with Column One code",
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _renamed_calls(tmp_path):
    """(what, a call taking the date keyword(s) as a dict, the old keyword)"""
    record = proccodes.get("62290")
    requirement = PayerRequirement(
        kind=RequirementKind.PRIOR_AUTHORIZATION, text="PA", effective=date(2023, 7, 1)
    )
    table = proccodes.load_ptp(_ptp_file(tmp_path))
    edit = table.edits("0001U", "0029U")[0]
    small = {"62290": record}
    return [
        ("check_record", lambda kw: proccodes.check_record(record, **kw), "today"),
        ("check_catalog", lambda kw: proccodes.check_catalog(small, **kw), "today"),
        ("release_stale_on", lambda kw: proccodes.release_stale_on(**kw), "day"),
        ("Procedure.is_active_on", lambda kw: record.is_active_on(**kw), "day"),
        ("PayerRequirement.in_force_on", lambda kw: requirement.in_force_on(**kw), "day"),
        ("PtpEdit.is_active_on", lambda kw: edit.is_active_on(**kw), "day"),
        ("PtpTable.edit_on", lambda kw: table.edit_on("0001U", "0030U", **kw), "day"),
    ]


NAMES = [
    "check_record",
    "check_catalog",
    "release_stale_on",
    "Procedure.is_active_on",
    "PayerRequirement.in_force_on",
    "PtpEdit.is_active_on",
    "PtpTable.edit_on",
]


@pytest.mark.parametrize("which", NAMES)
def test_on_is_the_date_keyword_and_the_old_name_is_a_deprecated_alias(which, tmp_path):
    [(_what, call, old)] = [c for c in _renamed_calls(tmp_path) if c[0] == which]
    day = date(2026, 7, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # on= itself never warns
        expected = call({"on": day})
    with pytest.warns(DeprecationWarning, match=rf"the keyword {old}= is deprecated; use on="):
        assert call({old: day}) == expected


@pytest.mark.parametrize("which", NAMES)
def test_passing_both_the_old_and_the_new_keyword_is_an_error(which, tmp_path):
    [(_what, call, old)] = [c for c in _renamed_calls(tmp_path) if c[0] == which]
    day = date(2026, 1, 1)
    with pytest.raises(ArgumentTypeError, match=f"both on= and its deprecated name {old}="):
        call({"on": day, old: day})


def test_the_public_api_uses_no_other_date_keyword():
    # Outside claims/ and catalog.py (rewritten elsewhere), no public function or method of the
    # package takes `day`, `today` or `date` as the name of a date parameter.
    import inspect

    offenders = []
    for name in proccodes.__all__:
        value = getattr(proccodes, name)
        members = [value]
        if inspect.isclass(value):
            members += [m for k, m in vars(value).items() if not k.startswith("_")]
        for member in members:
            if not callable(member):
                continue
            try:
                parameters = inspect.signature(member).parameters
            except (TypeError, ValueError):
                continue
            for parameter in parameters:
                if parameter in {"day", "today", "date"}:
                    offenders.append(f"{name}.{getattr(member, '__name__', '')}({parameter}=)")
    # Catalog.active_on(day) is catalog.py's: the one left to rename when that module is rewritten
    assert [o for o in offenders if not o.startswith("Catalog.")] == []


LOADERS = [
    "load_catalog",
    "load_hcpcs",
    "load_hcpcs_years",
    "load_pfs",
    "load_rbcs",
    "load_ptp",
    "load_mue",
    "load_cpt_descriptors",
]


@pytest.mark.parametrize("name", LOADERS)
def test_every_loader_takes_max_bytes_and_strict(name):
    import inspect

    parameters = inspect.signature(getattr(proccodes, name)).parameters
    missing = [p for p in ("max_bytes", "strict") if p not in parameters]
    assert not missing, f"{name}() takes no {', '.join(missing)}= (DESIGN.md §2: every loader does)"
    for p in ("max_bytes", "strict"):
        assert parameters[p].kind is inspect.Parameter.KEYWORD_ONLY, (name, p)

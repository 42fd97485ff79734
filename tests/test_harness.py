"""A hypothesis harness over the whole public API and every CLI command (issue 8, acceptance).

Every public function and command gets arbitrary text, bytes, numbers, None, dates, containers
and huge strings in each argument. The answer must be a result or a documented error
(`proccodes.ProcCodesError`, or `TypeError` / `ValueError` for a wrong
argument; argparse's exit 2 for bad command-line syntax): never another exception or unbounded
memory. No clock decides a result here (a busy machine made a 5 s bound fail): inputs are bounded
in size, and the time of the slow calls is measured in benchmarks/worst_inputs.py. The "quick"
profile (the default, tests/conftest.py) keeps the whole harness within CI's budget;
``HYPOTHESIS_PROFILE=deep`` runs many more examples.
"""

from __future__ import annotations

import contextlib
import io
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import proccodes
from proccodes import Catalog, ProcCodesError, default_catalog, fhir
from proccodes.cli import main, render
from proccodes.cpt import load_cpt_descriptors
from proccodes.export import catalog_json

from .conftest import TEST_DATA, costly

# A failing example's repr can be huge; hypothesis warns about that, which is not a failure.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

DOCUMENTED = (ProcCodesError, TypeError, ValueError)


def _slow_marked(names: list[str], slow: set[str]) -> list[Any]:
    """The parameters, those in ``slow`` marked slow (left out of ``-m "not slow"``)."""
    return [pytest.param(n, marks=pytest.mark.slow) if n in slow else n for n in names]


HUGE = 200_000

_text = st.text(max_size=40)
_code_like = st.sampled_from(
    ["62290", " 62290 ", "j2650", "6229O", "62290-50", "ſ9090", "\x1b[31m62290", "00000", ""]
)
_huge = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["a", "6", " ", "\x00", "é", "\udcff", "ab ", "62290 "]),
    st.integers(HUGE // 2, HUGE),
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    _code_like,
    st.binary(max_size=40),
    _huge,
    st.dates(),
    st.datetimes(),
    st.lists(_code_like, max_size=3),
    st.tuples(_text),
    st.dictionaries(_text, _text, max_size=2),
    st.just(object()),
    st.just(Path("tests/data/hcpcs2019_excerpt.txt")),
    st.just(Path("/dev/null")),
    st.just("."),
)


def _catalog() -> Catalog:
    return default_catalog()


def _excerpt() -> Catalog:
    from proccodes.sources.hcpcs import load_hcpcs

    return load_hcpcs(TEST_DATA / "hcpcs2019_excerpt.txt")


def _assert_complete(value: object) -> None:
    from proccodes.testing import assert_complete

    with contextlib.suppress(AssertionError):  # its documented way to report problems
        assert_complete(value)  # type: ignore[arg-type]


# Each target takes one junk value and calls the API with it in one argument position.
TARGETS: dict[str, Callable[[Any], object]] = {
    "normalize_code": proccodes.normalize_code,
    "validate_code": proccodes.validate_code,
    "is_valid_codes": proccodes.is_valid_codes,
    "get": proccodes.get,
    "get on": lambda x: proccodes.get("62290", on=x),
    "search": proccodes.search,
    "search limit": lambda x: proccodes.search("disc", limit=x),
    "Catalog.get": lambda x: _catalog().get(x),
    "Catalog[]": lambda x: _catalog()[x],
    "Catalog in": lambda x: x in _catalog(),
    "Catalog.lookup": lambda x: _catalog().lookup(x),
    "Catalog.lookup on": lambda x: _catalog().lookup("62290", on=x),
    "Catalog.suggest": lambda x: _catalog().suggest(x),
    "Catalog.suggest limit": lambda x: _catalog().suggest("62209", limit=x),
    "Catalog.search": lambda x: _catalog().search(x),
    "Catalog.search limit": lambda x: _catalog().search("disc", limit=x),
    "Catalog.active_on": lambda x: _catalog().active_on(x),
    "Catalog.merge": lambda x: _catalog().merge(x),
    "Catalog.merge on_conflict": lambda x: _catalog().merge(_catalog(), on_conflict=x),
    "Catalog.merge_report": lambda x: _catalog().merge_report(x),
    "Catalog()": Catalog,
    "Catalog release": lambda x: Catalog([], release=x),
    "Catalog as_of": lambda x: Catalog([], as_of=x),
    "Catalog modifiers": lambda x: Catalog([], modifiers=x),
    "Catalog warnings": lambda x: Catalog([], warnings=x),
    "Catalog.from_records": Catalog.from_records,
    "check_record": proccodes.check_record,
    "check_record on": lambda x: proccodes.check_record(proccodes.get("62290"), on=x),
    "check_catalog": proccodes.check_catalog,
    "check_catalog on": lambda x: proccodes.check_catalog(_excerpt(), on=x),
    "descriptor": lambda x: proccodes.get("62290").descriptor(x),
    "is_active_on": lambda x: proccodes.get("62290").is_active_on(x),
    "load_catalog": proccodes.load_catalog,
    "load_catalog max_bytes": lambda x: proccodes.load_catalog("src/proccodes/data", max_bytes=x),
    "load_hcpcs": proccodes.load_hcpcs,
    "load_hcpcs year": lambda x: proccodes.load_hcpcs(TEST_DATA / "hcpcs2019_excerpt.txt", year=x),
    "load_hcpcs strict": lambda x: proccodes.load_hcpcs(TEST_DATA, strict=x),
    "load_hcpcs_years": proccodes.load_hcpcs_years,
    "load_cpt_descriptors": load_cpt_descriptors,
    "fhir.code_system": fhir.code_system,
    "fhir.code_system system": lambda x: fhir.code_system(_catalog(), system=x),
    "fhir.lookup": lambda x: fhir.lookup(_catalog(), x),
    "fhir.lookup on": lambda x: fhir.lookup(_catalog(), "62290", on=x),
    "fhir.validate_code": lambda x: fhir.validate_code(_catalog(), x),
    "fhir.validate_code display": lambda x: fhir.validate_code(_catalog(), "62290", display=x),
    "catalog_json": catalog_json,
    "render": render,
    "assert_complete": _assert_complete,
}


def _call(target: Callable[[Any], object], value: object) -> None:
    with contextlib.suppress(*DOCUMENTED):
        target(value)


@pytest.mark.parametrize(
    "name", _slow_marked(sorted(TARGETS), {"Catalog.search", "Catalog.suggest"})
)
def test_every_public_function_answers_junk_with_a_result_or_a_documented_error(name):
    target = TARGETS[name]

    @given(value=junk)
    def run(value: object) -> None:
        _call(target, value)

    run()


@given(value=junk)
def test_is_valid_code_never_raises(value):
    assert proccodes.is_valid_code(value) in (True, False)


def _official(kind: str) -> Callable[[Path], object]:
    return lambda path: _load_official(kind, path)


@settings(max_examples=15)
@given(data=st.binary(max_size=2000) | st.binary(max_size=40).map(lambda b: b * 2000))
def test_every_loader_answers_junk_bytes_with_a_catalog_or_a_data_error(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("junk")
    for name, load in (
        ("catalog.json", proccodes.load_catalog),
        ("HCPC2019_JUNK.txt", proccodes.load_hcpcs),
        ("SHORTU.txt", load_cpt_descriptors),
        ("junk.zip", proccodes.load_hcpcs),
        ("ccipra-v322r0-f1.txt", _official("ptp")),
        ("MCR_MUE_PractitionerServices_Eff_07-01-2026.csv", _official("mue")),
        ("PPRRVU2025_Oct.csv", _official("pfs")),
        ("RBCS_RY_2025.csv", _official("rbcs")),
        ("parts.zip", _official("ptp")),
    ):
        path = folder / name
        path.write_bytes((b"PK\x03\x04" + data) if name.endswith(".zip") else data)
        with contextlib.suppress(ProcCodesError):
            load(path)


# -- the command line ---------------------------------------------------------------------------

_arg = st.one_of(
    _text.filter(lambda t: "\x00" not in t),
    _code_like,
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "6", "é", "\udcff"]), st.integers(1, HUGE)),
    st.sampled_from(["-", "--json", "--limit", "0", "-1", "--on", "2024-13-01", "--year", "--"]),
    st.sampled_from(["tests/data/hcpcs2019_excerpt.txt", "src/proccodes/data", "/dev/null", "."]),
)
COMMANDS = ["show", "search", "validate", "check", "hcpcs", "export"]


def _run_cli(argv: list[str]) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, --version, a usage error
            code = exc.code if isinstance(exc.code, int) else 2
    assert "Traceback" not in err.getvalue()
    return code


@pytest.mark.parametrize("command", _slow_marked(COMMANDS, {"export", "check", "search"}))
def test_every_command_answers_junk_with_a_documented_exit_code(command, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("62290\n\x1b\n"))

    @costly(25)  # each example is a whole command, some of them over the whole catalog
    @given(args=st.lists(_arg, max_size=4), catalog=st.none() | _arg)
    def run(args: list[str], catalog: str | None) -> None:
        argv = [command, *args] + (["--catalog", catalog] if catalog is not None else [])
        assert _run_cli(argv) in (0, 1, 2, 3)

    run()


@pytest.mark.slow
def test_memory_stays_bounded_for_huge_inputs():
    # A few calls with a 1 MB input: the peak memory is a small multiple of the input.
    huge = "62290 " * 200_000
    checks: list[Callable[[], object]] = [
        lambda: proccodes.search(huge),
        lambda: proccodes.is_valid_code(huge),
        lambda: proccodes.get(huge),
        lambda: _run_cli(["validate", huge]),
        lambda: _run_cli(["search", huge]),
    ]
    proccodes.search("warm up")
    for check in checks:
        tracemalloc.start()
        try:
            with contextlib.suppress(*DOCUMENTED):
                check()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 40 * len(huge), peak


def test_dates_and_datetimes_are_the_only_days():
    assert proccodes.get("62290", on=datetime(2024, 1, 1, 23, 59)).code == "62290"
    assert proccodes.get("62290", on=date(2024, 1, 1)).code == "62290"


# -- the official-file loaders: one changed character never loses a record silently ------------

_EXCERPTS = {
    "ccipra-v322r0-f1.txt": "ptp",
    "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv": "mue",
    "PPRRVU2025_Oct.csv": "pfs",
    "RBCS_RY_2025.csv": "rbcs",
}


def _load_official(kind: str, path: Path) -> set[Any]:
    """The keys a loader read from ``path``."""
    from proccodes.sources.ncci import load_mue, load_ptp
    from proccodes.sources.pfs import load_pfs
    from proccodes.sources.rbcs import load_rbcs

    if kind == "ptp":
        return {(e.column1, e.column2, e.effective) for e in load_ptp(path)}
    if kind == "mue":
        return set(load_mue(path))
    if kind == "pfs":
        fs = load_pfs(path)
        return set(fs) | {
            (c, r.modifier) for c in fs.codes_with_modifier_rows for r in fs.modifier_rows(c)
        }
    return set(load_rbcs(path))


def _excerpt_bytes(name: str) -> bytes:
    from .conftest import SHARED

    if name.startswith("ccipra"):
        return (SHARED / "data/cms-ncci-samples/ccipra-v322r0-f1.excerpt.txt").read_bytes()
    if name.startswith("MCR_MUE"):
        return (
            SHARED / "data/cms-ncci-samples/MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
        ).read_bytes()
    if name.startswith("PPRRVU"):
        return (TEST_DATA / "pfs_excerpt.csv").read_bytes()
    return (TEST_DATA / "RBCS_RY_2025_excerpt.csv").read_bytes()


@settings(max_examples=40)
@given(
    name=st.sampled_from(sorted(_EXCERPTS)),
    at=st.floats(0, 1),
    change=st.sampled_from(['"', "\t", ",", "\n", "\r", " ", "", "x", "9"]),
)
def test_one_changed_character_loses_no_record_silently(tmp_path_factory, name, at, change):
    """Insert a character into, or delete one from, a real excerpt: the loader raises a
    DataError, or every record of the original is still there (a warning may say what is off)."""
    kind = _EXCERPTS[name]
    folder = tmp_path_factory.mktemp("mutated")
    original = _excerpt_bytes(name)
    path = folder / name
    path.write_bytes(original)
    keys = _load_official(kind, path)
    i = int(at * len(original))
    path.write_bytes(original[:i] + change.encode() + original[i + (0 if change else 1) :])
    try:
        found = _load_official(kind, path)
    except ProcCodesError:
        return
    assert keys <= found, sorted(map(str, keys - found))[:5]

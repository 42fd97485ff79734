"""Issue 19, item 4: every bad-argument error is a `ProcCodesError` that is still the built-in
exception it always was (``except TypeError`` / ``except ValueError`` keep working), module by
module; and a shipped curated record with a value the model does not hold is a `DataError`
naming the file, the record and the field, never a bare exception of the fast build."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from proccodes import ranges
from proccodes._fastload import build_procedure
from proccodes._repository import ShippedData
from proccodes._resources import read_data
from proccodes.catalog import (
    Catalog,
    _shipped_catalog,
    get,
    load_catalog,
    official_shard_text,
    record_on,
    use_data,
)
from proccodes.claims import check, cluster, lines, pricing, report
from proccodes.errors import (
    ArgumentTypeError,
    ArgumentValueError,
    DataError,
    ProcCodesError,
)

Case = tuple[str, Callable[[], Any], type[Exception], str]


def _raises(call: Callable[[], Any], builtin: type[Exception], words: str) -> None:
    with pytest.raises(ProcCodesError) as caught:
        call()
    err = caught.value
    assert isinstance(err, builtin), (type(err), builtin)
    expected = ArgumentTypeError if builtin is TypeError else ArgumentValueError
    assert isinstance(err, expected)
    assert words in str(err)  # the message is kept


CATALOG: list[Case] = [
    ("records", lambda: Catalog(5), TypeError, "records must be an iterable of Procedure"),
    ("records text", lambda: Catalog("62290"), TypeError, "records must be an iterable"),
    ("modifiers", lambda: Catalog([], modifiers=5), TypeError, "modifiers must be an iterable"),
    ("warnings", lambda: Catalog([], warnings="x"), TypeError, "warnings must be an iterable"),
    ("path", lambda: load_catalog(5), TypeError, "path must be a str or os.PathLike"),
    ("use_data", lambda: use_data(5), TypeError, "folder must be a str or os.PathLike"),
    ("record_on", lambda: record_on("62290", date(2020, 1, 1)), TypeError, "record must be a"),
    ("record_on day", lambda: record_on(get("M1009"), "2020-01-01"), TypeError, "on must be a"),
    ("shard", lambda: official_shard_text(["99.tsv"]), TypeError, "name must be text"),
]


@pytest.mark.parametrize(("name", "call", "builtin", "words"), CATALOG, ids=[c[0] for c in CATALOG])
def test_catalog_bad_arguments(
    name: str, call: Callable[[], Any], builtin: type[Exception], words: str
) -> None:
    _raises(call, builtin, words)


RANGES: list[Case] = [
    ("range_of", lambda: ranges.range_of(62290), TypeError, "range_of() takes a code as text"),
    ("letter_group", lambda: ranges.letter_group(None), TypeError, "letter_group() takes a code"),
    ("level", lambda: ranges.ranges("planet"), ValueError, "level must be one of"),
    ("system type", lambda: ranges.ranges(system=1), TypeError, "system must be 'CPT'"),
    ("system", lambda: ranges.ranges(system="ICD"), ValueError, "system must be 'CPT'"),
    ("get_range type", lambda: ranges.get_range(7), TypeError, "range id must be text"),
    ("get_range id", lambda: ranges.get_range("no-such-range"), ValueError, "unknown range id"),
    ("codes_in", lambda: ranges.codes_in("surgery", 5), TypeError, "catalog must be a Catalog"),
    ("title_for", lambda: ranges.title_for(62290), TypeError, "title_for() takes a code"),
    ("title_for rbcs", lambda: ranges.title_for("62290", 5), TypeError, "rbcs must be"),
    ("title_for HCPCS", lambda: ranges.title_for("S9090"), ValueError, "builds titles for CPT"),
]


@pytest.mark.parametrize(("name", "call", "builtin", "words"), RANGES, ids=[c[0] for c in RANGES])
def test_ranges_bad_arguments(
    name: str, call: Callable[[], Any], builtin: type[Exception], words: str
) -> None:
    _raises(call, builtin, words)


def _line(**changes: Any) -> lines.ClaimLine:
    values: dict[str, Any] = {"claim": "A1", "date": date(2026, 3, 2), "code": "62290"}
    return lines.ClaimLine(**{**values, **changes})


CLAIMS: list[Case] = [
    ("claim type", lambda: _line(claim=5), TypeError, "the claim must be text"),
    ("claim empty", lambda: _line(claim=" "), ValueError, "the claim must not be empty"),
    ("code type", lambda: lines.code_value(62290), TypeError, "the code must be text"),
    ("provider", lambda: lines.provider_value(""), ValueError, "the provider must not be empty"),
    ("date text", lambda: _line(date="20260302"), ValueError, "must be YYYY-MM-DD"),
    ("date week", lambda: lines.date_value("2026-W10-1"), ValueError, "must be YYYY-MM-DD"),
    ("date type", lambda: lines.date_value(20260302), TypeError, "must be a date or YYYY-MM-DD"),
    ("units", lambda: _line(units=2.0), TypeError, "units must be a whole number"),
    ("units bool", lambda: lines.units_value(True), TypeError, "units must be a whole number"),
    ("modifier", lambda: _line(modifiers=[50]), TypeError, "each modifier must be text"),
    ("modifiers", lambda: lines.split_modifiers(50), TypeError, "modifiers must be text"),
    ("pos", lambda: _line(place_of_service=11), TypeError, "place of service must be text"),
    ("columns", lambda: report.parse_columns("claim"), ValueError, "NAME=HEADER pairs"),
    ("columns type", lambda: report.parse_columns(None), TypeError, "columns must be text"),
    ("column name", lambda: report.parse_columns("planet=x"), ValueError, "unknown column"),
    ("price", lambda: pricing.fee_data_of(5), TypeError, "price must be True, False"),
    ("ptp paths", lambda: cluster.References(ptp=5), TypeError, "expected a path or paths"),
    ("ptp path", lambda: cluster.References(ptp=["a", 5]), TypeError, "expected a path,"),
    ("mue path", lambda: cluster.References(mue=5), TypeError, "expected a path or paths"),
    ("check lines", lambda: check(5), TypeError, "lines must be an iterable of ClaimLine"),
    ("check line", lambda: check([5]), TypeError, "lines[0] must be a ClaimLine"),
    ("check price", lambda: check([_line()], price=True), ValueError, "price needs locality="),
    ("rules type", lambda: check([_line()], rules=5), TypeError, "rules must be a mapping"),
    ("rule name", lambda: check([_line()], rules={"planet": False}), ValueError, "unknown rule"),
    ("catalog", lambda: check([_line()], catalog=5), TypeError, "catalog must be a Catalog"),
    ("ptp", lambda: check([_line()], ptp=5), TypeError, "ptp must be a PtpTable"),
    ("mue", lambda: check([_line()], mue=5), TypeError, "mue must be a MueTable"),
    ("pfs", lambda: check([_line()], pfs=5), TypeError, "pfs must be a FeeSchedule"),
]


@pytest.mark.parametrize(("name", "call", "builtin", "words"), CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claims_bad_arguments(
    name: str, call: Callable[[], Any], builtin: type[Exception], words: str
) -> None:
    _raises(call, builtin, words)


FRAMES: list[Case] = [
    ("frame type", lambda: _check_frame([]), TypeError, "frame must be a pandas DataFrame"),
    ("frame price", lambda: _check_frame(_frame(), price=True), ValueError, "price needs"),
    ("columns type", lambda: _check_frame(_frame(), columns=5), TypeError, "must be a mapping"),
    ("column name", lambda: _check_frame(_frame(), columns={"planet": "x"}), ValueError, "unknown"),
    ("units float", lambda: _check_frame(_frame(units=[1.5])), TypeError, "whole number"),
    ("units gone", lambda: _check_frame(_frame(units=[None])), ValueError, "units are missing"),
]


def _frame(**columns: Any) -> Any:
    pd = pytest.importorskip("pandas")
    data = {"claim": ["c1"], "date": ["2026-03-02"], "code": ["62290"], **columns}
    return pd.DataFrame(data)


def _check_frame(frame: Any, **kwargs: Any) -> Any:
    pytest.importorskip("pandas")
    from proccodes.claims import check_frame

    return check_frame(frame, **kwargs)


@pytest.mark.parametrize(("name", "call", "builtin", "words"), FRAMES, ids=[c[0] for c in FRAMES])
def test_check_frame_bad_arguments(
    name: str, call: Callable[[], Any], builtin: type[Exception], words: str
) -> None:
    _raises(call, builtin, words)


def test_check_dask_takes_a_dask_frame_only() -> None:
    if importlib.util.find_spec("dask") is None:
        pytest.skip("dask is not installed (the dask extra)")
    _raises(lambda: cluster.check_dask([]), TypeError, "frame must be a Dask DataFrame")


def test_a_bad_row_of_a_claim_file_is_still_a_malformed_row(tmp_path: Any) -> None:
    """The row checks behind read_claim_file stay internal: each bad row is reported by line."""
    path = tmp_path / "claims.csv"
    path.write_text("claim,date,code,units\nA1,2026-03-02,62290,two\nA2,20260302,62290,1\n")
    read = report.read_claim_file(path, max_malformed=10)
    assert read.lines == []
    assert [n for n, _ in read.malformed] == [2, 3]
    assert "units must be a whole number" in read.malformed[0][1]
    assert "date of service must be YYYY-MM-DD" in read.malformed[1][1]


# -- the shipped curated data, built without cattrs --------------------------------------------

RAW = {
    "code": "62290",
    "system": "CPT",
    "kind": "CPT Category I",
    "title": "Discography, lumbar",
    "billing": {"unit_of_service": "per fortnight", "body_region": "lumbar"},
}


def test_an_unknown_enum_value_is_a_data_error_naming_record_and_field() -> None:
    with pytest.raises(DataError) as caught:
        build_procedure(RAW, source="discography.json")
    err = caught.value
    assert err.source == "discography.json"
    (problem,) = err.problems
    assert problem.startswith("record 62290: ")
    assert "'per fortnight'" in problem
    assert problem.endswith("@ 62290.billing.unit_of_service")


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("system", "ICD", "62290.system"),
        ("effective", "2026-13-01", "62290.effective"),
        ("sources", 5, "62290.sources"),
        ("clinical", "plain words", "62290.clinical"),
    ],
)
def test_any_bad_value_is_a_data_error_naming_its_field(field: str, value: Any, path: str) -> None:
    raw = {**RAW, "billing": {"unit_of_service": "per procedure", "body_region": "lumbar"}}
    raw[field] = value
    with pytest.raises(DataError) as caught:
        build_procedure(raw)
    assert caught.value.source == "the shipped curated data"
    assert any(p.startswith("record 62290: ") and p.endswith(path) for p in caught.value.problems)


def test_the_repository_names_the_data_file() -> None:
    """Through the shipped-data repository: a hand-edited data file with an enum value the
    model does not hold (same length, so the index still matches) names the file."""
    name, old, new = "ablation.json", b'"per session"', b'"per sitting"'

    def read(file: str) -> bytes:
        data = read_data(file)
        return data.replace(old, new, 1) if file == name else data

    assert old in read_data(name)
    repository = ShippedData(_shipped_catalog, read=read)
    with pytest.raises(DataError) as caught:
        repository.record("64628")
    assert caught.value.source == name
    assert any(
        p.startswith("record 64628: ") and p.endswith("@ 64628.billing.unit_of_service")
        for p in caught.value.problems
    )


def test_a_fee_schedule_lookup_of_a_code_it_lacks_names_the_release() -> None:
    """`FeeSchedule[code]` is a public mapping: a code it lacks is an UnknownCodeError (a
    KeyError) that names the release, not a bare KeyError('99999'); it pickles with its table."""
    import pickle
    from pathlib import Path

    from proccodes.errors import UnknownCodeError
    from proccodes.sources.pfs import load_pfs

    schedule = load_pfs(Path(__file__).parent / "data" / "pfs_excerpt.csv")
    with pytest.raises(UnknownCodeError) as caught:
        schedule["99999"]
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == f"code '99999' is not in the fee schedule {schedule.release}"
    again = pickle.loads(pickle.dumps(caught.value))
    assert (again.code, again.where) == ("99999", caught.value.where)

"""The strict converter, the fast loader, and the errors a malformed data file gives."""

from __future__ import annotations

import json

import pytest
from hypothesis import given

from proccodes import DataError, Procedure, load_catalog
from proccodes._convert import converter, parse_catalog_bytes, unstructure_procedure
from proccodes._fastload import build_procedure
from proccodes.testing import procedures

from .conftest import DATA_DIR


@pytest.mark.slow
@given(procedures())
def test_structure_unstructure_round_trip(record):
    raw = unstructure_procedure(record)
    assert converter.structure(json.loads(json.dumps(raw)), Procedure) == record


@given(procedures(clinical=False))
def test_file_only_records_round_trip(record):
    assert converter.structure(unstructure_procedure(record), Procedure) == record


@given(procedures())
def test_fast_loader_builds_what_the_strict_converter_builds(record):
    raw = json.loads(json.dumps(unstructure_procedure(record)))
    assert build_procedure(raw) == converter.structure(raw, Procedure)


def _record(**changes):
    raw = json.loads((DATA_DIR / "discography.json").read_text())["procedures"][0]
    raw = json.loads(json.dumps(raw))
    for path, value in changes.items():
        target = raw
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = keys[-1]
        if value is KeyError:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return raw


def _write(tmp_path, procedures, name="bad.json", **header):
    doc = {"schema_version": 1, "release": "test", "as_of": "2026-01-01", **header}
    doc["procedures"] = procedures
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def _problems(path):
    with pytest.raises(DataError) as info:
        load_catalog(path)
    assert info.value.source == str(path)
    assert str(path) in str(info.value)
    return info.value.problems


def test_bad_json_names_file_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": 1,\n "release": }')
    (problem,) = _problems(path)
    assert problem.startswith("line 2 column")
    assert "invalid JSON" in problem


def test_unknown_key_names_record_and_field(tmp_path):
    path = _write(tmp_path, [_record(**{"clinical.colour": "blue"})])
    (problem,) = _problems(path)
    assert problem == "record 62290: unknown field(s): colour @ 62290.clinical"


def test_missing_field(tmp_path):
    path = _write(tmp_path, [_record(title=KeyError)])
    assert _problems(path) == ("record 62290: required field missing @ 62290.title",)


def test_wrong_type(tmp_path):
    path = _write(tmp_path, [_record(**{"clinical.risks.2": 3})])
    (problem,) = _problems(path)
    assert "expected a string or an object with 'text', got the number 3" in problem
    assert problem.endswith("@ 62290.clinical.risks[2]")


def test_text_where_a_list_belongs_is_not_split_into_letters(tmp_path):
    path = _write(tmp_path, [_record(**{"clinical.common_names": "discogram"})])
    (problem,) = _problems(path)
    assert "expected a list, got the string 'discogram'" in problem
    assert problem.endswith("@ 62290.clinical.common_names")


def test_bad_date(tmp_path):
    path = _write(tmp_path, [_record(reviewed="2026-02-30")])
    (problem,) = _problems(path)
    assert "expected a real date as YYYY-MM-DD, got '2026-02-30'" in problem
    assert problem.endswith("@ 62290.reviewed")


def test_bad_enum_value_lists_the_allowed_ones(tmp_path):
    path = _write(tmp_path, [_record(**{"billing.body_region": "lumbr"})])
    (problem,) = _problems(path)
    assert "'lumbar'" in problem
    assert "got the string 'lumbr'" in problem
    assert problem.endswith("@ 62290.billing.body_region")


def test_boolean_is_not_a_number(tmp_path):
    path = _write(tmp_path, [_record(**{"clinical.duration.minutes_min": True})])
    (problem,) = _problems(path)
    assert "expected a whole number, got the boolean true" in problem


def test_malformed_code(tmp_path):
    path = _write(tmp_path, [_record(code="6229O")])
    (problem,) = _problems(path)
    assert problem.startswith("record 6229O:")
    assert problem.endswith("@ 6229O.code")


def test_code_of_another_kind(tmp_path):
    path = _write(tmp_path, [_record(code="J2650")])
    problems = _problems(path)
    assert any("@ J2650.system" in p for p in problems)


def test_every_problem_of_every_record_is_reported(tmp_path):
    first = _record(title=5, reviewed="yesterday")
    second = _record(code="62291", **{"clinical.summary": None})
    path = _write(tmp_path, [first, second])
    problems = _problems(path)
    assert len(problems) == 3
    assert any("@ 62290.title" in p for p in problems)
    assert any("@ 62290.reviewed" in p for p in problems)
    assert any("@ 62291.clinical.summary" in p for p in problems)


def test_record_without_code_is_named_by_position(tmp_path):
    path = _write(tmp_path, [_record(code=KeyError)])
    (problem,) = _problems(path)
    assert problem == "record #0: required field missing @ #0.code"


def test_header_problems(tmp_path):
    path = _write(tmp_path, [], schema_version=99, as_of="soon", extra=1)
    problems = _problems(path)
    assert any("schema_version 99 is not supported" in p for p in problems)
    assert any("@ $.as_of" in p for p in problems)
    assert any("unknown field(s): extra @ $" in p for p in problems)


def test_duplicate_codes_across_files(tmp_path):
    _write(tmp_path, [_record()], name="a.json")
    _write(tmp_path, [_record()], name="b.json")
    (problem,) = _problems(tmp_path)
    assert "record 62290: also in" in problem


def test_not_an_object_and_not_utf8(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[]")
    assert "expected a JSON object" in _problems(path)[0]
    path.write_bytes(b'{"release": "\xff"}')
    assert "not UTF-8" in _problems(path)[0]


def test_missing_path_and_empty_folder(tmp_path):
    assert _problems(tmp_path / "nope.json") == ("no such file or folder",)
    assert "no *.json" in _problems(tmp_path)[0]


def test_data_error_is_raised_from_the_cattrs_error(tmp_path):
    path = _write(tmp_path, [_record(title=5)])
    with pytest.raises(DataError) as info:
        load_catalog(path)
    assert info.value.__cause__ is not None


def test_parse_catalog_bytes_reads_the_header():
    parsed = parse_catalog_bytes((DATA_DIR / "discography.json").read_bytes(), "d.json")
    assert parsed.schema_version == 1
    assert parsed.procedures[0].code == "62290"


def test_strict_loader_makes_the_enums_the_fast_loader_makes() -> None:
    """Every enum of the model is structured to its member by the strict converter (a
    PayerRequirement's kind was left a plain str, equal to the fast loader's member but hashed
    differently), so equal records from the two loaders hash alike."""
    from enum import Enum
    from pathlib import Path

    import proccodes
    from proccodes._convert import parse_catalog_bytes

    path = Path(proccodes.__file__).parent / "data" / "ablation.json"
    strict = parse_catalog_bytes(path.read_bytes(), str(path)).procedures
    checked = 0
    for record in strict:
        for requirement in record.billing.requirements:
            assert isinstance(requirement.kind, Enum), requirement.kind
            checked += 1
        shipped = proccodes.get(record.code).billing.requirements
        assert record.billing.requirements == shipped
        assert hash(record.billing.requirements) == hash(shipped)
    assert checked > 0

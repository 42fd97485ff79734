"""Code syntax: normalize, validate, classify, and the never-raising checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proccodes import (
    Code,
    CodeKind,
    CodeSystem,
    CptSection,
    InvalidCodeError,
    ProcCodesError,
    is_valid_code,
    is_valid_codes,
    normalize_code,
    validate_code,
)
from proccodes.testing import codes, invalid_codes


@pytest.mark.parametrize(
    ("text", "code", "system", "kind", "section"),
    [
        ("62290", "62290", CodeSystem.CPT, CodeKind.CPT_CATEGORY_I, CptSection.SURGERY),
        (" 72295\u00a0", "72295", CodeSystem.CPT, CodeKind.CPT_CATEGORY_I, CptSection.RADIOLOGY),
        ("00100", "00100", CodeSystem.CPT, CodeKind.CPT_CATEGORY_I, CptSection.ANESTHESIA),
        ("99100", "99100", CodeSystem.CPT, CodeKind.CPT_CATEGORY_I, CptSection.ANESTHESIA),
        (
            "99213",
            "99213",
            CodeSystem.CPT,
            CodeKind.CPT_CATEGORY_I,
            CptSection.EVALUATION_AND_MANAGEMENT,
        ),
        ("97110", "97110", CodeSystem.CPT, CodeKind.CPT_CATEGORY_I, CptSection.MEDICINE),
        (
            "80048",
            "80048",
            CodeSystem.CPT,
            CodeKind.CPT_CATEGORY_I,
            CptSection.PATHOLOGY_AND_LABORATORY,
        ),
        ("0001a", "0001A", CodeSystem.CPT, CodeKind.CPT_CATEGORY_I, CptSection.MEDICINE),
        ("3008f", "3008F", CodeSystem.CPT, CodeKind.CPT_CATEGORY_II, None),
        ("0627t", "0627T", CodeSystem.CPT, CodeKind.CPT_CATEGORY_III, None),
        ("0001U", "0001U", CodeSystem.CPT, CodeKind.CPT_PLA, None),
        ("s9090", "S9090", CodeSystem.HCPCS, CodeKind.HCPCS_LEVEL_II, None),
        ("\ufeffJ2650\u200b", "J2650", CodeSystem.HCPCS, CodeKind.HCPCS_LEVEL_II, None),
    ],
)
def test_validate_code_classifies(text, code, system, kind, section):
    assert validate_code(text) == Code(code=code, system=system, kind=kind, section=section)
    assert is_valid_code(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("6229", "has 4 characters"),
        ("622900", "has 6 characters"),
        ("6229O", "letter 'O' at position 5 where a digit belongs; did you mean '62290'"),
        ("O627T", "letter 'O' at position 1 where a digit belongs; did you mean '0627T'"),
        ("62290.0", "spreadsheet"),
        ("M54.5", "ICD-10"),
        ("62#90", "found '#' at position 3"),
        ("D1110", "dental"),
        ("I1234", "does not use the letter 'I'"),
        ("N1234", "does not use the letter 'N'"),
        ("W1234", "local (Level III)"),
        ("Z9999", "local (Level III)"),
        ("J26A0", "found 'A' at position 4"),
        ("6A290", "letter 'A' at position 2"),
        ("0627X", "'X' is none of these"),
        ("99999", "no CPT Category I section covers 99999"),
        ("05000", "no CPT Category I section covers 05000"),
    ],
)
def test_invalid_codes_say_why(text, reason):
    with pytest.raises(InvalidCodeError) as info:
        validate_code(text)
    assert reason in info.value.reason
    assert repr(text) in str(info.value)
    assert not is_valid_code(text)


@pytest.mark.parametrize(
    ("text", "code", "modifiers"),
    [
        ("62290-50", "62290", ("50",)),
        ("64483 RT", "64483", ("RT",)),
        ("64483-rt-59", "64483", ("RT", "59")),
        ("97110 GP", "97110", ("GP",)),
    ],
)
def test_attached_modifiers_are_reported_not_dropped(text, code, modifiers):
    with pytest.raises(InvalidCodeError) as info:
        validate_code(text)
    assert info.value.code == code
    assert info.value.modifiers == modifiers
    assert "attached" in info.value.reason
    assert all(m in info.value.reason for m in modifiers)


def test_modifier_on_an_invalid_code_reports_both():
    with pytest.raises(InvalidCodeError) as info:
        validate_code("6229O-50")
    assert info.value.modifiers == ("50",)
    assert "itself is not valid" in info.value.reason


@pytest.mark.parametrize("obj", [None, 62290, 62290.0, b"62290", ["62290"], object(), True])
def test_non_text_is_invalid_with_a_reason(obj):
    assert is_valid_code(obj) is False
    with pytest.raises(InvalidCodeError, match="expected text"):
        validate_code(obj)


def test_invalid_code_error_is_a_value_error_and_a_proccodes_error():
    with pytest.raises(ValueError, match="'bad' is not a valid code"):
        validate_code("bad")
    with pytest.raises(ProcCodesError):
        validate_code("bad")


def test_normalize_code_guesses_nothing_else():
    assert normalize_code("\t62290 \n") == "62290"
    assert normalize_code("62290-50") == "62290-50"
    assert normalize_code("100") == "100"


def test_is_valid_codes_matches_one_by_one():
    column = ["62290", " 62290", "6229O", None, "J2650", "J2650", ["x"], "d1110"]
    assert is_valid_codes(column) == [is_valid_code(c) for c in column]
    assert is_valid_codes(iter(["62290", "x"])) == [True, False]
    assert is_valid_codes([]) == []


@given(st.from_type(object))
def test_is_valid_code_never_raises_for_any_object(obj):
    assert isinstance(is_valid_code(obj), bool)


@given(st.text())
def test_is_valid_code_agrees_with_validate_code(text):
    try:
        validate_code(text)
    except InvalidCodeError as exc:
        reason = exc.reason
    else:
        reason = ""
    assert is_valid_code(text) is (reason == "")


@given(codes(), st.sampled_from(["", " ", "\u00a0", "\t", "\u200b"]), st.booleans())
def test_validate_code_is_canonical_and_idempotent(code, pad, lower):
    noisy = pad + (code.lower() if lower else code) + pad
    found = validate_code(noisy)
    assert found.code == code
    assert validate_code(found.code) == found
    assert str(found) == code


@given(invalid_codes())
def test_invalid_codes_are_rejected(text):
    assert not is_valid_code(text)
    with pytest.raises(InvalidCodeError):
        validate_code(text)


@given(st.lists(st.one_of(codes(), invalid_codes(), st.none(), st.integers()), max_size=40))
def test_bulk_and_single_agree(column):
    assert is_valid_codes(column) == [is_valid_code(c) for c in column]

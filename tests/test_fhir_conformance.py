"""FHIR R4 conformance of proccodes.fhir: the out parameters of ``$lookup`` and
``$validate-code`` as their operation definitions lay them out, the definitions' examples, and
every resource validated with fhir.resources (R4B models)."""

from __future__ import annotations

from datetime import date

import pytest

from proccodes import default_catalog, get
from proccodes import fhir as pfhir

pytest.importorskip("fhir.resources.R4B")
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.terminologycapabilities import TerminologyCapabilities
from fhir.resources.R4B.valueset import ValueSet

# The out parameters of CodeSystem-lookup (hl7.org/fhir/R4/codesystem-operation-lookup.html):
# name -> (min, max, the value[x] keys or parts allowed)
LOOKUP_OUT = {
    "name": (1, 1, {"valueString"}),
    "version": (0, 1, {"valueString"}),
    "display": (1, 1, {"valueString"}),
    "designation": (0, None, {"part"}),
    "property": (0, None, {"part"}),
}
DESIGNATION_PARTS = {
    "language": (0, 1, {"valueCode"}),
    "use": (0, 1, {"valueCoding"}),
    "value": (1, 1, {"valueString"}),
}
PROPERTY_VALUE = {
    "valueCode",
    "valueCoding",
    "valueString",
    "valueInteger",
    "valueBoolean",
    "valueDateTime",
    "valueDecimal",
}
PROPERTY_PARTS = {
    "code": (1, 1, {"valueCode"}),
    "value": (0, 1, PROPERTY_VALUE),
    "description": (0, 1, {"valueString"}),
}
# The out parameters of CodeSystem-validate-code (.../codesystem-operation-validate-code.html)
VALIDATE_OUT = {
    "result": (1, 1, {"valueBoolean"}),
    "message": (0, 1, {"valueString"}),
    "display": (0, 1, {"valueString"}),
}


def _conforms(parameters, table):
    counts = dict.fromkeys(table, 0)
    for p in parameters:
        assert p["name"] in table, f"{p['name']} is not an out parameter of the operation"
        counts[p["name"]] += 1
        keys = set(p) - {"name"}
        assert len(keys) == 1, p
        assert keys <= table[p["name"]][2], p
    for name, (low, high, _) in table.items():
        assert counts[name] >= low, f"{name} is required"
        assert high is None or counts[name] <= high, f"{name} at most {high}"


def _check_lookup(answer):
    Parameters.model_validate(answer)
    _conforms(answer["parameter"], LOOKUP_OUT)
    for p in answer["parameter"]:
        if p["name"] == "property":
            _conforms(p["part"], PROPERTY_PARTS)
            assert [q["name"] for q in p["part"]][:2] == ["code", "value"]
        elif p["name"] == "designation":
            _conforms(p["part"], DESIGNATION_PARTS)


@pytest.mark.parametrize("code", ["62290", "64493", "99213", "A0425", "J2650", "0001F"])
def test_lookup_follows_the_operation_definition(code):
    answer = pfhir.lookup(default_catalog(), code)
    _check_lookup(answer)
    values = {
        p["part"][0]["valueCode"]: p["part"][1]
        for p in answer["parameter"]
        if p["name"] == "property"
    }
    assert set(values["inactive"]) == {"name", "valueBoolean"}
    assert set(values["kind"]) == {"name", "valueString"}


def test_lookup_property_input_limits_the_properties():
    answer = pfhir.lookup(default_catalog(), "62290", properties=["addOn", "kind"])
    _check_lookup(answer)
    codes = [p["part"][0]["valueCode"] for p in answer["parameter"] if p["name"] == "property"]
    assert codes == ["kind", "addOn"]


def test_lookup_designations_follow_the_definition():
    record = get("A0425")  # HCPCS Level II: public-domain descriptors, each a designation
    assert record.descriptors
    answer = pfhir.lookup(default_catalog(), "A0425")
    _check_lookup(answer)
    designations = [p for p in answer["parameter"] if p["name"] == "designation"]
    assert [d["part"][-1] for d in designations] == [
        {"name": "value", "valueString": d.text} for d in record.descriptors
    ]


def test_lookup_of_a_missing_code_is_an_operation_outcome():
    outcome = pfhir.lookup(default_catalog(), "62299")
    OperationOutcome.model_validate(outcome)
    assert outcome["issue"][0]["code"] == "not-found"


# The R4 operation definition's example: GET .../$validate-code?code=1963-8&display=test answers
# result false, message 'The display "test" is incorrect', and the code's display.
def test_validate_code_wrong_display_as_the_definitions_example():
    record = get("62290")
    answer = pfhir.validate_code(default_catalog(), "62290", display="test")
    Parameters.model_validate(answer)
    _conforms(answer["parameter"], VALIDATE_OUT)
    by_name = {p["name"]: p for p in answer["parameter"]}
    assert [p["name"] for p in answer["parameter"]] == ["result", "message", "display"]
    assert by_name["result"]["valueBoolean"] is False
    assert by_name["message"]["valueString"].startswith('The display "test" is incorrect')
    assert by_name["display"]["valueString"] == record.title


def test_validate_code_right_display_is_true_without_message():
    record = get("A0425")
    for display in pfhir.displays_of(record):
        answer = pfhir.validate_code(default_catalog(), "A0425", display=display)
        _conforms(answer["parameter"], VALIDATE_OUT)
        assert answer["parameter"][0]["valueBoolean"] is True
        assert "message" not in [p["name"] for p in answer["parameter"]]


@pytest.mark.parametrize("code", ["62299", "6229O", "", "A04250"])
def test_validate_code_false_always_carries_a_message(code):
    answer = pfhir.validate_code(default_catalog(), code)
    Parameters.model_validate(answer)
    _conforms(answer["parameter"], VALIDATE_OUT)
    names = [p["name"] for p in answer["parameter"]]
    assert answer["parameter"][0]["valueBoolean"] is False
    assert "message" in names


def test_expand_validates_and_pages():
    catalog = default_catalog()
    url = pfhir.VALUE_SET_BASE + "range/62320-62327"
    whole = pfhir.expand(catalog, url)
    ValueSet.model_validate(whole)
    total = whole["expansion"]["total"]
    assert total == len(whole["expansion"]["contains"]) >= 8
    page = pfhir.expand(catalog, url, offset=2, count=3)
    ValueSet.model_validate(page)
    assert page["expansion"]["contains"] == whole["expansion"]["contains"][2:5]
    assert page["expansion"]["total"] == total


def test_expand_by_rbcs_class_and_curated_family():
    from proccodes.catalog import curated_families

    catalog = default_catalog()
    rbcs = get("62290").rbcs
    assert rbcs is not None
    by_class = pfhir.expand(catalog, pfhir.VALUE_SET_BASE + f"rbcs/{rbcs.id}", count=10_000)
    ValueSet.model_validate(by_class)
    codes = {c["code"] for c in by_class["expansion"]["contains"]}
    assert "62290" in codes
    assert all(catalog[c].rbcs.id == rbcs.id for c in codes)
    family, members = next(iter(curated_families().items()))
    curated = pfhir.expand(catalog, pfhir.VALUE_SET_BASE + f"curated/{family}")
    ValueSet.model_validate(curated)
    assert [c["code"] for c in curated["expansion"]["contains"]] == list(members)


def test_expand_filters_and_refuses_unknown_value_sets():
    catalog = default_catalog()
    url = pfhir.VALUE_SET_BASE + "range/62320-62327"
    only = pfhir.expand(catalog, url, text_filter="62323")
    assert [c["code"] for c in only["expansion"]["contains"]] == ["62323"]
    for unknown in ("http://example.org/vs", pfhir.VALUE_SET_BASE + "range/nope"):
        outcome = pfhir.expand(catalog, unknown)
        OperationOutcome.model_validate(outcome)
    with pytest.raises(ValueError, match="count"):
        pfhir.expand(catalog, url, count=-1)


def test_terminology_capabilities_validates_and_names_the_release():
    catalog = default_catalog()
    resource = pfhir.terminology_capabilities(
        catalog, software_version="1.0", data_release="test release"
    )
    model = TerminologyCapabilities.model_validate(resource)
    assert model.kind == "instance"
    assert "test release" in resource["description"]
    assert [v["code"] for c in resource["codeSystem"] for v in c["version"]] == [
        catalog.release
    ] * 2


def test_validate_code_on_a_date_and_with_a_display_together():
    # the date is checked first: a terminated code is false whatever the display
    import attrs

    from proccodes import Catalog

    old = attrs.evolve(get("62290"), terminated=date(2016, 12, 31), replaced_by=("62291",))
    catalog = Catalog.from_records([old], release="t")
    answer = pfhir.validate_code(catalog, "62290", on=date(2017, 1, 1), display=old.title)
    assert answer["parameter"][0]["valueBoolean"] is False
    assert "replaced by 62291" in answer["parameter"][1]["valueString"]

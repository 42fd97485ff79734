"""FHIR, JSON Schema and the licensed CPT overlay, checked with third-party validators."""

from __future__ import annotations

import functools
import json
from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from proccodes import Catalog, CodeSystem, DataError, default_catalog, get, load_catalog
from proccodes import fhir as pfhir
from proccodes._convert import unstructure_procedure
from proccodes.cpt import load_cpt_descriptors
from proccodes.export import catalog_json, catalog_schema, record_schema
from proccodes.testing import procedures

from .conftest import DATA_DIR, costly

jsonschema = pytest.importorskip("jsonschema")
R4B = pytest.importorskip("fhir.resources.R4B")
from fhir.resources.R4B.codesystem import CodeSystem as FhirCodeSystem  # noqa: E402
from fhir.resources.R4B.operationoutcome import OperationOutcome  # noqa: E402
from fhir.resources.R4B.parameters import Parameters  # noqa: E402


def _validator(schema):
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# -- JSON Schema --------------------------------------------------------------------------------


def test_every_shipped_file_validates_against_the_catalog_schema():
    validator = _validator(catalog_schema())
    for path in sorted(DATA_DIR.glob("*.json")):
        errors = sorted(validator.iter_errors(json.loads(path.read_text())), key=str)
        assert not errors, f"{path.name}: {errors[0].message} at {list(errors[0].path)}"


@pytest.mark.slow
def test_every_curated_and_a_sample_of_official_records_validate_against_the_record_schema():
    # Every curated record, and every 25th official one (all 19,000 take most of a minute).
    validator = _validator(record_schema())
    for i, record in enumerate(default_catalog().values()):
        if record.curated or i % 25 == 0:
            validator.validate(json.loads(json.dumps(unstructure_procedure(record))))


@functools.cache
def _record_validator():
    return _validator(record_schema())  # checked and compiled once, not once per example


@pytest.mark.slow
@given(procedures() | procedures(clinical=False))
def test_generated_records_validate(record):
    _record_validator().validate(json.loads(json.dumps(unstructure_procedure(record))))


def test_schema_rejects_what_the_loader_rejects():
    validator = _validator(record_schema())
    raw = unstructure_procedure(get("62290"))
    for broken in (
        {**raw, "colour": "blue"},
        {**raw, "title": 5},
        {**raw, "reviewed": "22/11/2026"},
        {**raw, "billing": {**raw["billing"], "body_region": "lumbr"}},
    ):
        assert not validator.is_valid(broken)


@pytest.mark.slow
def test_catalog_json_round_trips_through_load_catalog(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(catalog_json(default_catalog())))
    assert load_catalog(path) == default_catalog()


def test_catalog_json_needs_an_as_of_date():
    with pytest.raises(DataError, match="as-of"):
        catalog_json(Catalog.from_records([get("62290")]))


# -- FHIR ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_cpt_code_system_validates_with_a_fhir_library():
    resource = pfhir.code_system(default_catalog(), system=CodeSystem.CPT)
    model = FhirCodeSystem.model_validate(resource)
    assert model.content == "fragment"
    assert model.url == "http://www.ama-assn.org/go/cpt"
    assert len(model.concept) == resource["count"] > 0
    concept = next(c for c in model.concept if c.code == "62290")
    assert concept.display == get("62290").title  # no AMA text without an overlay


@pytest.mark.slow
def test_hcpcs_code_system_validates():
    resource = pfhir.code_system(default_catalog(), system=CodeSystem.HCPCS)
    model = FhirCodeSystem.model_validate(resource)
    assert model.url == "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
    assert model.content == "complete"


def test_lookup_and_validate_code_answers_validate():
    catalog = default_catalog()
    answer = Parameters.model_validate(pfhir.lookup(catalog, "62290"))
    names = [p.name for p in answer.parameter]
    assert names[:3] == ["name", "version", "display"]
    assert "property" in names
    missing = OperationOutcome.model_validate(pfhir.lookup(catalog, "62299"))
    assert missing.issue[0].code == "not-found"
    ok = Parameters.model_validate(pfhir.validate_code(catalog, "62290"))
    assert ok.parameter[0].valueBoolean is True
    bad = Parameters.model_validate(pfhir.validate_code(catalog, "6229O"))
    assert bad.parameter[0].valueBoolean is False
    assert bad.parameter[1].name == "message"


def test_validate_code_honours_the_date_of_service():
    old = attrs.evolve(get("62290"), terminated=date(2016, 12, 31), replaced_by=("62291",))
    catalog = Catalog.from_records([old], release="test")
    before = pfhir.validate_code(catalog, "62290", on=date(2016, 6, 1))
    after = pfhir.validate_code(catalog, "62290", on=date(2017, 6, 1))
    Parameters.model_validate(after)
    assert before["parameter"][0]["valueBoolean"] is True
    assert after["parameter"][0]["valueBoolean"] is False
    assert "replaced by 62291" in after["parameter"][1]["valueString"]


# -- the licensed CPT overlay, with synthetic files in the AMA's formats -------------------------

HEADER = "Synthetic test file in the layout of a licensed data file.\nNot AMA text.\n\n"


def _write_ama_files(folder, codes):
    def text(code, use):
        return f"SYNTHETIC {use.upper()} DESCRIPTOR FOR {code}"

    (folder / "SHORTU.txt").write_text(
        HEADER + "".join(f"{c} {text(c, 'short')}\n" for c in codes), encoding="utf-8"
    )
    (folder / "MEDU.txt").write_text(
        "".join(f"{c} {text(c, 'medium')}\n" for c in codes), encoding="cp1252"
    )
    (folder / "LONGULT.txt").write_bytes(
        (HEADER + "".join(f"{c}\t{text(c, 'long')} \u00e9\n" for c in codes)).encode("cp1252")
    )
    (folder / "ConsumerDescriptor.txt").write_text(
        "Concept Id\tCPT Code\tConsumer Friendly Descriptor\n"
        + "".join(f"{1000 + i}\t{c}\t{text(c, 'consumer')}\n" for i, c in enumerate(codes))
    )
    (folder / "ClinicianDescriptor.txt").write_text(
        "Concept Id\tCPT Code\tClinician Descriptor Id\tClinician Descriptor\n"
        + "".join(
            f"{1000 + i}\t{c}\t{2000 + 2 * i + k}\t{text(c, 'clinician')} {k}\n"
            for i, c in enumerate(codes)
            for k in range(2)
        )
    )


# The curated records and a few hundred official-only CPT codes: the overlay of the whole default
# catalog for each example would only make the test slow.
SAMPLE = Catalog(
    r for r in default_catalog().values() if r.code[0].isdigit() and (r.curated or r.code < "01")
)


@pytest.mark.slow
@costly(20)  # each example writes, reads and overlays four files and validates a CodeSystem
@given(st.sets(st.sampled_from(sorted(SAMPLE)), min_size=1))
def test_overlay_round_trip(tmp_path_factory, codes):
    folder = tmp_path_factory.mktemp("ama")
    codes = sorted(codes)
    _write_ama_files(folder, [*codes, "62299"])
    overlay = load_cpt_descriptors(folder).overlay(SAMPLE)
    assert overlay.unmatched == ("62299",)
    assert sorted(overlay.matched) == codes
    for code in codes:
        record = overlay.catalog[code]
        assert record.descriptor("short") == f"SYNTHETIC SHORT DESCRIPTOR FOR {code}"
        assert record.descriptor("medium") == f"SYNTHETIC MEDIUM DESCRIPTOR FOR {code}"
        assert record.descriptor("long") == f"SYNTHETIC LONG DESCRIPTOR FOR {code} \u00e9"
        assert record.descriptor("consumer") == f"SYNTHETIC CONSUMER DESCRIPTOR FOR {code}"
        clinician = [d.text for d in record.descriptors if d.use.value == "clinician"]
        assert len(clinician) == 2
    fhir_cs = pfhir.code_system(overlay.catalog, system=CodeSystem.CPT)
    FhirCodeSystem.model_validate(fhir_cs)
    shown = {c["code"]: c["display"] for c in fhir_cs["concept"]}
    assert shown[codes[0]].startswith("SYNTHETIC LONG")
    assert default_catalog()[codes[0]].descriptors == ()  # the default stays untouched


def test_overlay_file_errors(tmp_path):
    bad = tmp_path / "SHORTU.txt"
    bad.write_text("header\n\n62290 TEXT\nnot a code line\n")
    with pytest.raises(DataError, match="line 4"):
        load_cpt_descriptors(bad)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(DataError, match="not a known AMA descriptor file"):
        load_cpt_descriptors(tmp_path / "notes.txt")
    tab = tmp_path / "sub"
    tab.mkdir()
    (tab / "ConsumerDescriptor.txt").write_text("no header here\n")
    with pytest.raises(DataError, match="CPT Code"):
        load_cpt_descriptors(tab)
    with pytest.raises(DataError, match="no such file"):
        load_cpt_descriptors(tmp_path / "missing")

"""The shipped official data: every listed code resolves, lazily, with its history and the PFS
facts that check the curated records."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import attrs
import pytest

import proccodes
from proccodes import CodeNotActiveError, default_catalog, get
from proccodes._official import FOLDER, MANIFEST
from proccodes.checks import check_record, pfs_problems
from proccodes.records import (
    Bilateral,
    Descriptor,
    GlobalDays,
    PfsFacts,
    PfsStatus,
    Procedure,
    Statement,
    YearSeen,
)

from .conftest import DATA_DIR, ROOT, SHARED

OFFICIAL = DATA_DIR / FOLDER


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout.strip()


# -- what ships -------------------------------------------------------------------------------


def test_every_code_of_the_official_data_is_a_record():
    catalog = default_catalog()
    assert len(catalog) > 19_000
    shipped = set()
    for shard in sorted(OFFICIAL.glob("*.tsv")):
        if shard.name not in (MANIFEST, "modifiers.tsv"):
            shipped.update(line[:5] for line in shard.read_text("utf-8").splitlines())
    assert shipped <= set(catalog)
    assert len(catalog.modifiers) > 300
    assert not any(code.startswith("D") for code in catalog)  # CDT codes are the ADA's


def test_the_catalog_names_its_sources():
    catalog = default_catalog()
    names = [s.name for s in catalog.sources]
    assert names == [
        "proccodes curated records",
        "CMS HCPCS Level II",
        "CMS Medicare Physician Fee Schedule",
        "CMS Restructured BETOS Classification System",
    ]
    assert all(s.release and s.as_of for s in catalog.sources)
    assert "January 2026" in catalog.release
    assert proccodes.catalog.shipped_sources() == catalog.sources


def test_an_uncurated_cpt_code_says_so_and_carries_no_ama_text():
    record = get("99213")
    assert record.curated is False
    assert record.clinical is None
    assert record.descriptors == ()
    assert record.title
    assert record.rbcs is not None
    assert record.rbcs.family == "Office E&M - Established"
    assert record.pfs is not None
    assert record.pfs.status is PfsStatus.ACTIVE


def test_a_level_ii_code_has_cms_texts_dates_and_facts():
    record = get("J1100")
    assert record.title == "Injection, dexamethasone sodium phosphate, 1 mg"
    assert record.descriptor("short") == "Dexamethasone sodium phos"
    assert record.effective == date(1982, 1, 1)
    assert record.file_facts is not None
    assert record.file_facts.year == 2026
    assert record.rbcs is not None
    assert [h.year for h in record.history] == [2019, 2020, 2026]


def test_a_curated_record_has_the_official_facts_under_it():
    record = get("64635")
    assert record.curated
    assert record.title == "Lower-back facet nerve radiofrequency ablation, first joint"
    assert record.pfs is not None
    assert record.pfs.global_days is GlobalDays.DAYS_10
    assert record.pfs.bilateral is Bilateral.ADJUSTMENT_150
    assert record.billing is not None
    assert record.billing.bilateral is record.pfs.bilateral
    assert record.rbcs is not None
    assert get("J2650").descriptor("long") is not None  # a curated Level II code: CMS's texts


def test_identical_facts_are_one_object():
    catalog = default_catalog()
    first, second = catalog["J1000"].file_facts, catalog["J1050"].file_facts
    assert first is not None
    assert second is not None
    families = {id(r.rbcs) for r in catalog.values() if r.rbcs is not None}
    assert len(families) < 1000  # one RbcsClass per class, not per code


def _fields_of(value):
    """Every field of every record inside ``value`` (AttributeError on a slot left unset)."""
    if attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            yield from _fields_of(getattr(value, a.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _fields_of(item)
    else:
        yield value


@pytest.mark.slow
def test_the_reader_builds_what_the_record_constructors_build(monkeypatch):
    # the reader sets the records' slots itself (_official._setters); a reader whose makers
    # call the classes' own constructors, by the makers' parameter names, must read every
    # shipped line to an equal record (the build step also checks each line reads back as
    # the record the CMS loaders made)
    from proccodes import _official

    manifest = _official.Manifest((OFFICIAL / MANIFEST).read_text("utf-8"))
    fast = _official.Reader(manifest)
    lines = [
        line
        for shard in manifest.shards
        for line in (OFFICIAL / shard).read_text("utf-8").splitlines()
    ]
    modifier_lines = (OFFICIAL / _official.MODIFIERS).read_text("utf-8").splitlines()
    built = [fast.procedure(line) for line in lines]
    built_modifiers = [fast.modifier(line) for line in modifier_lines]
    for maker, cls in (
        ("_procedure", Procedure),
        ("_pfs_facts", PfsFacts),
        ("_year_seen", YearSeen),
        ("_descriptor", Descriptor),
    ):
        names = list(inspect.signature(getattr(_official, maker)).parameters)

        def keyword(*values, cls=cls, names=names):
            return cls(**dict(zip(names, values, strict=True)))

        monkeypatch.setattr(_official, maker, keyword)
    plain = _official.Reader(manifest)
    assert len(built) > 19_000
    for line, record in zip(lines, built, strict=True):
        list(_fields_of(record))
        expected = plain.procedure(line)
        assert type(record) is Procedure
        assert record == expected, record.code
        assert [type(v) for v in _fields_of(record)] == [type(v) for v in _fields_of(expected)]
    for line, modifier in zip(modifier_lines, built_modifiers, strict=True):
        assert modifier == plain.modifier(line)
    assert sum(1 for r in built if r.pfs is not None) > 10_000
    assert sum(1 for r in built if r.history) > 5_000


def test_the_load_pauses_the_garbage_collector_and_restores_it(monkeypatch):
    import gc

    import proccodes.catalog as catalog_module

    seen = []
    loaded = default_catalog()

    def load():
        seen.append(gc.isenabled())
        return loaded

    shipped = catalog_module.shipped_data()
    shipped.reset()
    monkeypatch.setattr(type(shipped), "_load", lambda self: load())
    assert gc.isenabled()
    assert catalog_module.default_catalog() is loaded
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        shipped.reset()
        assert catalog_module.default_catalog() is loaded
        assert not gc.isenabled()  # paused by the caller: left paused
    finally:
        gc.enable()


# -- reading only what a code needs -----------------------------------------------------------


def test_a_cold_get_of_an_uncurated_code_reads_one_official_file():
    out = _python(
        "import proccodes, proccodes.catalog as c; r = proccodes.get('99213');"
        "s = c.shipped_data();"
        "print(s.official_files_kept, s.curated_files_read, s.loaded is None, len(s.built))"
    )
    assert out == "['99.tsv'] [] True 1"


def test_a_cold_get_of_a_curated_code_reads_its_file_and_its_codes_official_lines():
    out = _python(
        "import proccodes, proccodes.catalog as c; r = proccodes.get('62290');"
        "s = c.shipped_data(); print(s.curated_files_read, s.loaded is None, r.pfs is not None,"
        " r.curated)"
    )
    assert out == "['discography.json'] True True True"


def test_get_and_the_catalog_hand_out_the_same_objects():
    out = _python(
        "import proccodes; a = proccodes.get('99213'); b = proccodes.get(' j1100 ');"
        "c = proccodes.default_catalog();"
        "print(a is c['99213'], b is c['J1100'], proccodes.get('64635') is c['64635'])"
    )
    assert out == "True True True"


def test_an_unknown_code_is_still_unknown():
    with pytest.raises(proccodes.UnknownCodeError):
        get("62299")


# -- history ----------------------------------------------------------------------------------


def test_a_terminated_and_replaced_code_keeps_its_history():
    record = get("C9752")  # basivertebral nerve ablation: CPT 64628 replaced it in 2022
    assert [h.year for h in record.history] == [2019, 2020, 2026]
    assert record.first_seen == 2019
    assert record.last_seen == 2026
    assert record.terminated == date(2021, 12, 31)
    assert record.replaced_by == ("64628",)
    assert get("C9752", on=date(2021, 6, 1)) is record
    with pytest.raises(CodeNotActiveError) as caught:
        get("C9752", on=date(2022, 1, 1))
    assert caught.value.replaced_by == ("64628",)


def test_a_reused_code_answers_with_the_meaning_in_effect_that_day():
    today = get("M1009")
    assert today.title.startswith("Discharge/discontinuation of the episode of care")
    then = get("M1009", on=date(2019, 6, 1))
    assert then.title == "Patient treatment and final evaluation complete"
    assert then.descriptor("long") == then.title
    assert then.pfs is None
    assert then.file_facts is None
    assert get("M1009", on=date(2020, 6, 1)) is today
    assert default_catalog().lookup("M1009", on=date(2019, 6, 1)).title == then.title


def test_a_changed_descriptor_is_in_the_history():
    record = get("M1009")
    descriptors = {h.year: h.descriptor for h in record.history}
    assert descriptors[2019] == "Patient treatment and final evaluation complete"
    assert descriptors[2026] == record.descriptor("long")


# -- curated facts checked against the PFS ----------------------------------------------------


def _billing(record, **changes):
    return attrs.evolve(record, billing=attrs.evolve(record.billing, **changes))


def _pfs(record, **changes):
    return attrs.evolve(record, pfs=attrs.evolve(record.pfs, **changes))


def _fields(record):
    return [(p.field, p.severity.value) for p in pfs_problems(record)]


def test_the_shipped_curated_records_agree_with_the_pfs_on_typed_facts():
    problems = [
        p
        for r in default_catalog().values()
        if r.curated
        for p in pfs_problems(r)
        if p.field != "billing.notes"  # the status rule: see the lead's report
    ]
    assert problems == []


def test_add_on_must_match_global_days_zzz():
    primary, add_on = get("64635"), get("64636")
    found = _fields(_billing(primary, add_on=True, primary_codes=("64633",)))
    assert ("billing.add_on", "error") in found  # and a warning: its indicator reduces it
    assert ("billing.add_on", "error") in _fields(_pfs(add_on, global_days=GlobalDays.DAYS_10))


def test_bilateral_must_be_stated_and_match():
    record = get("64635")
    assert _fields(_billing(record, bilateral=Bilateral.ALREADY_BILATERAL)) == [
        ("billing.bilateral", "error")
    ]
    assert _fields(_billing(record, bilateral=None)) == [("billing.bilateral", "error")]


def test_modifier_50_text_must_fit_the_bilateral_indicator():
    record = get("63047")  # PFS bilateral 2: its note says the code is reported without 50
    assert _fields(record) == []
    told = Statement(text="Both sides are reported with modifier 50.")
    assert _fields(_billing(record, notes=(*record.billing.notes, told))) == [
        (f"billing.notes[{len(record.billing.notes)}]", "error")
    ]


def test_modifier_51_text_must_fit_the_multiple_procedure_indicator():
    record = get("64491")  # an add-on: multiple-procedure indicator 0
    assert _fields(record) == []
    told = Statement(text="Report it with modifier 51.")
    assert _fields(_billing(record, notes=(told,))) == [("billing.notes[0]", "error")]


def test_a_non_payable_status_must_be_stated_in_a_billing_note():
    record = get("64635")
    bundled = _pfs(record, status=PfsStatus.NOT_COVERED)
    assert _fields(bundled) == [("billing.notes", "error")]
    said = Statement(text="Medicare does not cover it; the fee schedule lists status N.")
    assert _fields(_billing(bundled, notes=(said,))) == []
    assert [p.field for p in check_record(bundled)] == ["billing.notes"]


# -- the command line -------------------------------------------------------------------------


def _show(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "proccodes", "show", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_show_an_uncurated_cpt_code():
    out = _show("99213")
    assert "Not curated: official data only" in out
    assert "load_cpt_descriptors" in out
    assert "Office E&M - Established" in out
    assert "Range: Evaluation and management (99201-99499) > Visits" in out
    assert "Medicare Physician Fee Schedule" in out
    assert "CMS HCPCS Level II January 2026" in " ".join(out.split())


def test_show_a_level_ii_code():
    out = _show("J1100")
    assert "J1100  Injection, dexamethasone sodium phosphate, 1 mg" in out
    assert "Dexamethasone sodium phos" in out
    assert "In effect since 1982-01-01" in out
    assert "From the CMS file" in out


def test_show_a_curated_code_with_its_pfs_facts():
    out = " ".join(_show("64635").split())
    assert "Global period: 010, 10 days" in out
    assert "Bilateral: 1, both sides: one line with modifier 50" in out
    assert "Not curated" not in out


def test_show_json_says_what_the_record_is():
    found = json.loads(_show("99213", "--json"))
    assert found["curated"] is False
    assert found["notice"].startswith("Not curated: official data only.")
    assert found["pfs"]["status"] == "A"
    assert [d["name"] for d in found["data_releases"]][1] == "CMS HCPCS Level II"
    assert found["range"][-1]["name"] == "Office and outpatient visits"


# -- reproducible, packaged -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="needs ../shared (CMS files)")
def test_the_packaged_data_is_what_the_build_step_writes(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_data.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    built = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    shipped = {p.name: p.read_bytes() for p in OFFICIAL.iterdir() if p.suffix == ".tsv"}
    assert sorted(built) == sorted(shipped)
    stale = [name for name in built if built[name] != shipped[name]]
    assert not stale, f"run python tools/build_data.py: {stale[:5]} differ"


def test_no_data_file_is_over_3_mb():
    assert max(p.stat().st_size for p in (ROOT / "src").rglob("*") if p.is_file()) < 3e6


@pytest.mark.slow
def test_the_wheel_holds_the_data(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"the wheel does not build: {result.stderr.strip()[-500:]}"
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.stat().st_size < 5e6
    names = set(zipfile.ZipFile(wheel).namelist())
    assert f"proccodes/data/{FOLDER}/{MANIFEST}" in names
    assert "proccodes/data/official/99.tsv" in names
    assert "proccodes/data/index.txt" in names
    shards = {p.name for p in OFFICIAL.glob("*.tsv")}
    assert {n.rsplit("/", 1)[1] for n in names if "/official/" in n} == shards


def test_the_build_step_is_documented():
    text = (ROOT / "docs" / "data.md").read_text("utf-8")
    assert "tools/build_data.py" in text
    assert Path(ROOT / "tools" / "build_data.py").is_file()


def test_records_repr_and_compare_as_attrs_would():
    # the record classes share one __repr__, __eq__ and __hash__ (cheaper to create at
    # import); they must behave exactly as the ones attrs would generate
    for record in (get("J1100"), get("64635"), get("64635").pfs, get("99213").rbcs):
        cls = type(record)
        fields = attrs.fields(cls)
        twin = attrs.make_class(cls.__name__, {a.name: attrs.field() for a in fields})
        assert repr(record) == repr(twin(**{a.name: getattr(record, a.name) for a in fields}))
        copy = attrs.evolve(record)
        assert copy == record
        assert copy is not record
        assert hash(copy) == hash(record)
        assert not copy != record  # noqa: SIM202
        changed = attrs.evolve(record, **{fields[0].name: "other"})
        assert changed != record
        assert record != twin(**{a.name: getattr(record, a.name) for a in fields})
        assert record.__eq__(1) is NotImplemented
    statement = Statement(text="x")
    assert {statement, Statement(text="x")} == {statement}

"""The CMS HCPCS Level II loader: the real 2019 file (an excerpt, and the whole file when it is
there), other spellings of the same file, merging, dates, several years, a hypothesis round trip
through the record layout, and corrupted input."""

from __future__ import annotations

import io
import json
import textwrap
import zipfile
from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proccodes import (
    Catalog,
    CodeNotActiveError,
    DataError,
    Descriptor,
    DescriptorUse,
    HcpcsFacts,
    Modifier,
    Procedure,
    YearSeen,
    default_catalog,
    load_catalog,
    load_hcpcs,
    load_hcpcs_years,
)
from proccodes.codes import CodeKind, CodeSystem, is_valid_code

from .conftest import DATA_DIR, SHARED, TEST_DATA, cli
from .test_cli import run

EXCERPT = TEST_DATA / "hcpcs2019_excerpt.txt"
FULL_2019 = SHARED / "data" / "cms-hcpcs-2019" / "HCPC2019_CONTR_ANWEB.txt"
SOURCE = "CMS HCPCS Level II 2019 file hcpcs2019_excerpt.txt"


@pytest.fixture(scope="module")
def excerpt() -> Catalog:
    return load_hcpcs(EXCERPT)


def excerpt_lines() -> list[bytes]:
    return EXCERPT.read_bytes().split(b"\r\n")[:-1]


def write(folder: Path, lines: list[bytes], name: str = "hcpcs2019_excerpt.txt") -> Path:
    path = folder / name
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


def line_of(lines: list[bytes], code: str, record_id: bytes = b"3") -> int:
    """The index of the line with this code (modifiers: two characters) and record id."""
    key = code.rjust(5).encode()
    return next(i for i, line in enumerate(lines) if line[:5] == key and line[10:11] == record_id)


def put(line: bytes, column: int, value: bytes) -> bytes:
    """The line with ``value`` written at 1-based ``column``."""
    line = line.ljust(column - 1 + len(value))
    return line[: column - 1] + value + line[column - 1 + len(value) :]


# -- the committed excerpt of the real 2019 file --------------------------------------------------


def test_excerpt_counts_and_header(excerpt):
    assert len(excerpt) == 10
    assert sorted(excerpt.modifiers) == ["AA", "AM", "V8", "V9"]
    assert excerpt.release == "CMS HCPCS 2019"
    assert excerpt.as_of == date(2019, 1, 1)
    assert EXCERPT.read_bytes().startswith(b"***Disclaimers\t")
    assert b"\xa0" in EXCERPT.read_bytes()  # the header's cp1252 bytes are kept


def test_s9090(excerpt):
    record = excerpt["S9090"]
    assert record.system is CodeSystem.HCPCS
    assert record.kind is CodeKind.HCPCS_LEVEL_II
    assert record.title == "Vertebral axial decompression, per session"
    assert record.descriptors == (
        Descriptor(use=DescriptorUse.SHORT, text="Vertebral axial decompressio", source=SOURCE),
        Descriptor(
            use=DescriptorUse.LONG, text="Vertebral axial decompression, per session", source=SOURCE
        ),
    )
    assert record.effective == date(2000, 1, 1)
    assert record.terminated is None
    assert record.action == "N"
    assert record.billing is None
    assert record.clinical is None
    assert record.file_facts == HcpcsFacts(
        year=2019,
        pricing_indicators=("00",),
        multiple_pricing_indicator="9",
        coverage="I",
        processing_note="0088",
        betos="Z2",
        type_of_service=("9",),
        anesthesia_base_units=0,
        action_effective=date(2000, 1, 1),
    )
    assert record.history == (
        YearSeen(year=2019, descriptor="Vertebral axial decompression, per session", action="N"),
    )


def test_j2650(excerpt):
    record = excerpt["J2650"]
    assert record.title == "Injection, prednisolone acetate, up to 1 ml"
    assert record.descriptor("short") == "Prednisolone acetate inj"
    assert record.effective == date(1982, 1, 1)
    facts = record.file_facts
    assert facts.pricing_indicators == ("51",)
    assert facts.coverage == "D"
    assert facts.multiple_pricing_indicator == "A"
    assert facts.carrier_manual_refs == ("2049",)
    assert facts.betos == "O1E"
    assert facts.type_of_service == ("1", "P")
    assert facts.action_effective == date(1997, 1, 1)


def test_g0260_two_line_description(excerpt):
    record = excerpt["G0260"]
    assert record.title == (
        "Injection procedure for sacroiliac joint; provision of anesthetic, steroid and/or "
        "other therapeutic agent, with or without arthrography"
    )
    assert record.descriptor("long") == record.title
    assert record.descriptor("short") == "Inj for sacroiliac jt anesth"
    assert record.file_facts.asc_group == "YY"
    assert record.file_facts.asc_group_effective == date(2003, 1, 1)
    assert record.file_facts.processing_note == "0107"
    assert record.file_facts.type_of_service == ("F",)
    assert record.file_facts.action_effective == date(2004, 10, 1)


def test_g8891_right_trimmed_continuation(excerpt):
    lines = excerpt_lines()
    assert min(len(line) for line in lines[8:]) < 320  # the real file's short line is in it
    record = excerpt["G8891"]
    assert record.title == (
        "Documentation of medical reason(s) for most recent ldl-c not under control (e.g., "
        "patients with palliative goals for whom treatment of hypertension with standard "
        "treatment goals is not clinically appropriate)"
    )
    assert record.terminated == date(2014, 12, 31)
    assert record.replaced_by == ()


def test_long_descriptions_of_many_lines(excerpt):
    lines = excerpt_lines()
    assert sum(line[:5] == b"G0503" for line in lines) == 17
    title = excerpt["G0503"].title
    assert title.startswith("Subsequent psychiatric collaborative care management, first 60")
    assert len(title) > 16 * 70
    assert excerpt["C9753"].title.endswith(
        "lumbar/sacrum (list separately in addition to code for primary procedure)"
    )


def test_q9974_terminated_with_its_replacement(excerpt):
    record = excerpt["Q9974"]
    assert record.title == (
        "Injection, morphine sulfate, preservative-free for epidural or intrathecal use, 10 mg"
    )
    assert record.effective == date(2014, 7, 1)
    assert record.terminated == date(2014, 12, 31)
    assert record.replaced_by == ("J2274",)
    assert record.file_facts.cross_references == ("J2274",)
    assert record.file_facts.coverage_manual_refs == ("60-14",)
    assert record.file_facts.action_effective == date(2015, 1, 1)
    assert record.history[0].terminated == date(2014, 12, 31)
    assert "J2274" in excerpt


def test_codes_added_in_2019(excerpt):
    for code in ("C9752", "C9753"):
        record = excerpt[code]
        assert record.effective == date(2019, 1, 1)
        assert record.action == "A"
        assert record.file_facts.betos == "P5B"
        assert record.file_facts.statute == "1833(T)"  # the file mixes 1833(t) and 1833(T)
    assert excerpt["C9752"].file_facts.asc_group == "YY"


def test_cross_references_that_are_not_codes_stay_facts(excerpt):
    record = excerpt["P7001"]
    assert record.file_facts.cross_references == ("CPT",)
    assert record.replaced_by == ()
    assert record.file_facts.lab_certifications == ("110",)
    assert excerpt.modifiers["AM"].file_facts.cross_references == ("QM",)


def test_modifiers(excerpt):
    aa = excerpt.modifiers["AA"]
    assert isinstance(aa, Modifier)
    assert aa.title == "Anesthesia services performed personally by anesthesiologist"
    assert aa.descriptor("short") == "Anesthesia perf by anesgst"
    assert aa.effective == date(1984, 1, 1)
    assert aa.terminated is None
    assert aa.file_facts.coverage == "D"
    assert aa.file_facts.carrier_manual_refs == ("3350.5",)
    assert aa.file_facts.pricing_indicators == ()
    assert aa.file_facts.anesthesia_base_units is None
    v8 = excerpt.modifiers["V8"]
    assert v8.title == "Infection present"
    assert (v8.effective, v8.terminated) == (date(2010, 1, 1), date(2012, 3, 31))
    assert v8.first_seen == v8.last_seen == 2019


# -- dates of service ------------------------------------------------------------------------


def test_a_terminated_code_names_its_replacement(excerpt):
    assert excerpt.lookup("Q9974", on=date(2014, 12, 31)).code == "Q9974"
    with pytest.raises(CodeNotActiveError) as caught:
        excerpt.lookup("q9974", on=date(2015, 1, 1))
    assert caught.value.replaced_by == ("J2274",)
    assert str(caught.value) == (
        "code Q9974 was not in effect on 2015-01-01: ended on 2014-12-31; replaced by J2274"
    )
    with pytest.raises(CodeNotActiveError, match="effective only from 2019-01-01"):
        excerpt.lookup("C9752", on=date(2018, 12, 31))


def test_active_on_honours_the_file_dates(excerpt):
    on_2019 = excerpt.active_on(date(2019, 1, 1))
    assert "C9752" in on_2019
    assert "Q9974" not in on_2019
    assert "G8891" not in on_2019
    assert "S9090" in on_2019
    assert "V8" not in on_2019.modifiers
    assert "AA" in on_2019.modifiers
    on_2014 = excerpt.active_on(date(2014, 12, 31))
    assert {"Q9974", "G8891"} <= set(on_2014)
    assert "C9752" not in on_2014


# -- merging with the curated catalog ---------------------------------------------------------


# The curated records alone, as the data folder holds them (the default catalog has the newer
# official data under them): what a CMS file is merged with in these tests.
CURATED = load_catalog(DATA_DIR)


def test_merge_keeps_curated_details_and_adds_the_file(excerpt):
    curated = CURATED
    merged = curated.merge(excerpt)
    assert set(merged) == set(curated) | set(excerpt)
    s9090 = merged["S9090"]
    assert s9090.clinical == curated["S9090"].clinical
    assert s9090.billing == curated["S9090"].billing
    assert s9090.title == curated["S9090"].title
    assert s9090.sources == curated["S9090"].sources
    assert s9090.file_facts == excerpt["S9090"].file_facts
    assert s9090.history == excerpt["S9090"].history
    assert s9090.action == "N"
    assert s9090.descriptor("short") == "Vertebral axial decompressio"
    assert merged["J2650"].file_facts.pricing_indicators == ("51",)
    assert merged["J2650"].clinical is not None
    assert merged["Q9974"] == excerpt["Q9974"]
    assert merged.modifiers == excerpt.modifiers
    assert merged.release == f"{curated.release} + CMS HCPCS 2019"
    with pytest.raises(CodeNotActiveError, match="replaced by J2274"):
        merged.lookup("Q9974", on=date(2019, 6, 1))


def test_a_conflict_with_the_curated_catalog_is_reported(tmp_path):
    lines = excerpt_lines()
    i = line_of(lines, "S9090")
    lines[i] = put(lines[i], 92, b"Vertebral axial decompr. X".ljust(28))
    changed = load_hcpcs(write(tmp_path, lines))
    with pytest.raises(DataError) as caught:
        CURATED.merge(changed)
    assert len(caught.value.problems) == 1
    assert "S9090" in caught.value.problems[0]
    assert "@ S9090.descriptors" in caught.value.problems[0]
    merged, conflicts = CURATED.merge_report(changed, on_conflict="keep")
    assert conflicts == list(caught.value.problems)
    assert merged["S9090"].descriptor("short") == "Vertebral axial decompressio"
    replaced = CURATED.merge(changed, on_conflict="replace")
    assert replaced["S9090"].descriptor("short") == "Vertebral axial decompr. X"


def test_a_conflicting_file_fact_names_its_field(tmp_path, excerpt):
    lines = excerpt_lines()
    i = line_of(lines, "J2650")
    lines[i] = put(lines[i], 230, b"I")
    changed = load_hcpcs(write(tmp_path, lines))
    _, conflicts = excerpt.merge_report(changed)
    assert conflicts == ["record J2650: 'D' here but 'I' in the other @ J2650.file_facts.coverage"]


# -- several years ----------------------------------------------------------------------------


def make_2018(folder: Path) -> Path:
    """A 2018 file made from the excerpt: C9752/C9753 not yet there, Q9974 still in effect,
    S9090 worded differently, and a code (A9999) that 2019 no longer lists."""
    lines = [line for line in excerpt_lines() if line[:5] not in (b"C9752", b"C9753")]
    i = line_of(lines, "S9090")
    lines[i] = put(lines[i], 12, b"Vertebral axial decompression".ljust(80))
    i = line_of(lines, "Q9974")
    lines[i] = put(lines[i], 277, b"20140701        ")  # no termination yet
    extra = put(lines[i], 1, b"A9999")
    lines.insert(i + 2, extra)
    lines.insert(i + 3, b"A9999002004" + b"10 mg")
    return write(folder, lines, "hcpcs2018_excerpt.txt")


def test_several_years_give_one_catalog_with_history(tmp_path):
    older = make_2018(tmp_path)
    catalog = load_hcpcs_years([EXCERPT, older])
    s9090 = catalog["S9090"]
    assert (s9090.first_seen, s9090.last_seen) == (2018, 2019)
    assert [h.descriptor for h in s9090.history] == [
        "Vertebral axial decompression",
        "Vertebral axial decompression, per session",
    ]
    assert s9090.title == "Vertebral axial decompression, per session"
    assert s9090.file_facts.year == 2019
    q9974 = catalog["Q9974"]
    assert [h.terminated for h in q9974.history] == [None, date(2014, 12, 31)]
    assert q9974.terminated == date(2014, 12, 31)
    assert catalog["C9752"].first_seen == 2019
    assert catalog["A9999"].last_seen == 2018
    assert catalog.modifiers["AA"].history[0].year == 2018
    assert catalog.release == "CMS HCPCS 2018 + CMS HCPCS 2019"
    # The order of the files does not matter, nor does merging by hand.
    assert load_hcpcs_years([older, EXCERPT]) == catalog
    by_hand = load_hcpcs(EXCERPT).merge(load_hcpcs(older))
    assert dict(by_hand) == dict(catalog)
    # And the curated catalog on top keeps its details, with the history of both years.
    merged = CURATED.merge(catalog)
    assert merged["S9090"].clinical is not None
    assert [h.year for h in merged["S9090"].history] == [2018, 2019]


def test_two_files_of_one_year_are_refused(tmp_path):
    copy = tmp_path / "HCPC2019_copy.txt"
    copy.write_bytes(EXCERPT.read_bytes())
    with pytest.raises(DataError, match="a second file for 2019"):
        load_hcpcs_years([EXCERPT, copy])
    with pytest.raises(DataError, match="no files given"):
        load_hcpcs_years([])


# -- the year ---------------------------------------------------------------------------------


def test_the_year_comes_from_the_name_then_the_dates_or_the_argument(tmp_path, excerpt):
    unnamed = tmp_path / "codes.txt"
    unnamed.write_bytes(EXCERPT.read_bytes())
    from_dates = load_hcpcs(unnamed)
    assert from_dates.release == "CMS HCPCS 2019"  # the latest added or action date
    lines = excerpt_lines()
    i = line_of(lines, "S9090")
    lines[i] = put(lines[i], 277, b"20210401")
    assert load_hcpcs(write(tmp_path, lines, "codes.txt")).release == "CMS HCPCS 2021"
    given_year = load_hcpcs(EXCERPT, year=2020)
    assert given_year.release == "CMS HCPCS 2020"
    assert given_year["S9090"].file_facts.year == 2020
    assert given_year["S9090"].history[0].year == 2020
    assert given_year["S9090"].descriptors[0].source == (
        "CMS HCPCS Level II 2020 file hcpcs2019_excerpt.txt"
    )


# -- the same file, spelt differently ---------------------------------------------------------


def test_lf_line_ends_no_header_trimmed_lines_and_a_byte_order_mark(tmp_path, excerpt):
    lines = excerpt_lines()
    lf = tmp_path / "lf" / "hcpcs2019_excerpt.txt"
    lf.parent.mkdir()
    lf.write_bytes(b"\n".join(lines) + b"\n")
    assert load_hcpcs(lf) == excerpt
    bare = write(tmp_path, [line.rstrip() for line in lines[8:]])
    assert load_hcpcs(bare) == excerpt
    bom = tmp_path / "bom" / "hcpcs2019_excerpt.txt"
    bom.parent.mkdir()
    bom.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines[8:]))
    assert load_hcpcs(bom) == excerpt


def test_cp1252_bytes_in_header_and_records(tmp_path):
    lines = excerpt_lines()
    lines.insert(0, b"\x93Quoted\x94 disclaimer \x96 \x80")
    i = line_of(lines, "S9090")
    lines[i] = put(lines[i], 12, b"Vertebral axial decompression \x96 per session".ljust(80))
    catalog = load_hcpcs(write(tmp_path, lines))
    assert catalog["S9090"].title == "Vertebral axial decompression \u2013 per session"


def test_the_published_zip(tmp_path, excerpt):
    archive = tmp_path / "2019-alpha-numeric-hcpcs-file.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("HCPC2019_README.txt", "CENTERS FOR MEDICARE & MEDICAID SERVICES\r\n")
        z.writestr("proc_notes_2019.txt", "PROCESSING NOTES\r\n0001--DELETED\r\n")
        z.writestr("hcpcs2019_excerpt.txt", EXCERPT.read_bytes())
        z.writestr("HCPC2019_CONTR_ANWEB.xlsx", b"PK\x03\x04 not this one")
    assert load_hcpcs(archive) == excerpt
    assert load_hcpcs(str(archive)) == excerpt


# -- corrupted input: DataError naming the file, line and field, never another exception --------


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(DataError) as caught:
        load_hcpcs(path)
    assert caught.value.source.startswith(str(path))
    return caught.value.problems


def test_an_empty_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert problems_of(empty) == (
        "line 1: the file is empty; expected the CMS HCPCS Level II file",
    )
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"\r\n  \r\n")
    assert "empty" in problems_of(blank)[0]


def test_a_file_that_is_not_hcpcs(tmp_path):
    catalog_json = tmp_path / "catalog.json"
    catalog_json.write_text('{"schema_version": 1}\n')
    (problem,) = problems_of(catalog_json)
    assert problem.startswith("line 1 is not an HCPCS record")
    assert "schema_version" not in problem  # the file's content is never echoed
    assert "is this the CMS HCPCS Level II file?" in problem


def test_a_missing_file_and_a_folder(tmp_path):
    assert problems_of(tmp_path / "nope.txt")[0].startswith("cannot read: No such file")
    assert "is a folder" in problems_of(tmp_path)[0]


def test_truncated_lines(tmp_path):
    lines = excerpt_lines()
    i = line_of(lines, "S9090")
    lines[i] = lines[i][:150]
    lines.append(b"S90")
    problems = problems_of(write(tmp_path, lines))
    assert problems == (
        f"line {i + 1}: 150 characters; a first line (record id 3 or 7) has 320, its fields "
        "reaching the action code at 293 (is the line cut short?) @ record length",
        f"line {len(lines)}: 'S90' is too short for a record (truncated?)",
    )


def test_wrong_record_ids(tmp_path):
    lines = excerpt_lines()
    g0260 = line_of(lines, "G0260", b"4")
    lines[g0260] = put(lines[g0260], 11, b"8")
    s9090 = line_of(lines, "S9090")
    lines[s9090] = put(lines[s9090], 11, b"5")
    aa = line_of(lines, "AA", b"7")
    lines[aa] = put(lines[aa], 11, b"4")
    problems = problems_of(write(tmp_path, lines))
    assert len(problems) == 3
    assert problems[0].startswith(f"line {aa + 1}: record id 4 continues the description of")
    assert problems[1].startswith(f"line {g0260 + 1}: record id 8 continues the description")
    assert "'G0260' (record id 3) @ record id (11)" in problems[1]
    assert problems[2] == (
        f"line {s9090 + 1}: 'S9090001005' has record id '5' at position 11; expected 3, 4, 7 "
        "or 8 @ record id (11)"
    )


def test_non_numeric_and_impossible_dates(tmp_path):
    lines = excerpt_lines()
    s9090, j2650, g0260 = (line_of(lines, c) for c in ("S9090", "J2650", "G0260"))
    lines[s9090] = put(lines[s9090], 269, b"2000O101")
    lines[j2650] = put(lines[j2650], 285, b"20191301")
    lines[g0260] = put(lines[g0260], 233, b"2003-1-1")
    # a non-key field: the record is kept with that field empty, and a warning names it
    path = write(tmp_path, lines)
    catalog = load_hcpcs(path)
    assert catalog.warnings == (
        f"{path}: line {g0260 + 1}: ASC group effective date (233-240): not a date as YYYYMMDD "
        "(found '2003-1-1')",
        f"{path}: line {j2650 + 1}: termination date (285-292): not a date as YYYYMMDD (found "
        "'20191301')",
        f"{path}: line {s9090 + 1}: added date (269-276): not a date as YYYYMMDD (found "
        "'2000O101')",
    )
    assert catalog["G0260"].file_facts.asc_group_effective is None
    assert catalog["J2650"].terminated is None
    assert catalog["S9090"].effective is None
    assert catalog["J2650"].title == load_hcpcs(EXCERPT)["J2650"].title
    # strict=True: every warning is an error
    with pytest.raises(DataError) as caught:
        load_hcpcs(path, strict=True)
    assert caught.value.problems == (
        f"line {g0260 + 1}: ASC group effective date (233-240): not a date as YYYYMMDD (found "
        "'2003-1-1'); strict=True makes this an error",
        f"line {j2650 + 1}: termination date (285-292): not a date as YYYYMMDD (found "
        "'20191301'); strict=True makes this an error",
        f"line {s9090 + 1}: added date (269-276): not a date as YYYYMMDD (found '2000O101'); "
        "strict=True makes this an error",
    )


def test_bad_codes_fields_and_duplicates(tmp_path):
    lines = excerpt_lines()
    j2274, j2650, q9974 = (line_of(lines, c) for c in ("J2274", "J2650", "Q9974"))
    lines[j2274] = put(lines[j2274], 1, b"D0120")  # dental: the ADA's, not HCPCS Level II
    lines[j2650] = put(lines[j2650], 266, b"1.5")
    lines[q9974] = put(lines[q9974], 293, b"Z")
    p7001 = line_of(lines, "P7001")
    lines[p7001] = put(lines[p7001], 1, b"99213")
    lines.insert(0, b"   ")
    lines.append(lines[line_of(lines, "S9090")] + b" " * 30 + b"extra")
    problems = problems_of(write(tmp_path, lines))
    joined = "\n".join(problems)
    assert f"line {j2274 + 2}: 'D0120' is not a valid code: " in joined
    assert "@ code (1-5)" in joined
    assert "1.5" not in joined
    assert "action code" not in joined
    assert f"line {p7001 + 2}: 99213 is a CPT Category I code, not HCPCS Level II" in joined
    assert f"line {len(lines)}: 355 characters; the record layout has 320" in joined
    assert f"line {len(lines)}: a second record for code S9090 (the first is on line" in joined


def test_non_key_fields_are_warnings(tmp_path):
    lines = excerpt_lines()
    j2650, q9974, g0260 = (line_of(lines, c) for c in ("J2650", "Q9974", "G0260"))
    lines[j2650] = put(lines[j2650], 266, b"1.5")
    lines[q9974] = put(lines[q9974], 293, b"Z")
    lines[g0260] = put(lines[g0260], 120, b"5X")  # a stray letter in a pricing indicator
    lines[g0260] = put(lines[g0260], 230, b"\x01")  # a control character in the coverage code
    path = write(tmp_path, lines)
    catalog = load_hcpcs(path)
    assert catalog.warnings == (
        f"{path}: line {g0260 + 1}: pricing indicators (120-127): not a value this field takes "
        "(found '5X')",
        f"{path}: line {g0260 + 1}: coverage code (230): not a value this field takes (found "
        "'\\x01')",
        f"{path}: line {j2650 + 1}: anesthesia base units (266-268): not a number (found '1.5')",
        f"{path}: line {q9974 + 1}: action code (293): not an action code (one of A, B, C, D, F, "
        "N, P, R, S, T) (found 'Z')",
    )
    whole = load_hcpcs(EXCERPT)
    assert catalog["J2650"].file_facts.anesthesia_base_units is None
    assert catalog["Q9974"].action is None
    assert catalog["G0260"].file_facts.pricing_indicators == ()
    assert catalog["G0260"].file_facts.coverage is None
    assert catalog["G0260"].title == whole["G0260"].title
    assert len(catalog) == len(whole)
    assert len(problems_of_strict(path)) == 4
    # merging concatenates the warnings; pickling keeps them
    import pickle

    merged = catalog.merge(whole, on_conflict="keep")
    assert merged.warnings == catalog.warnings
    assert whole.merge(catalog, on_conflict="keep").warnings == catalog.warnings
    assert pickle.loads(pickle.dumps(merged)).warnings == catalog.warnings


def problems_of_strict(path: Path) -> tuple[str, ...]:
    with pytest.raises(DataError) as caught:
        load_hcpcs(path, strict=True)
    return caught.value.problems


def test_binary_junk_and_control_characters(tmp_path):
    lines = excerpt_lines()
    i = line_of(lines, "S9090")
    lines[i] = put(lines[i], 20, b"\x00\x01")
    j = line_of(lines, "J2650")
    lines[j] = put(lines[j], 30, b"\x81")  # no character in cp1252
    problems = problems_of(write(tmp_path, lines))
    assert problems == (
        f"line {j + 1}: a byte that is not cp1252 text at position 30",
        f"line {i + 1}: control character '\\x00' at position 20; records hold text only",
    )
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 40)
    assert "is not an HCPCS record" in problems_of(junk)[0]


def test_damaged_and_empty_zips(tmp_path):
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert problems_of(damaged)[0].startswith("not a readable zip file: BadZipFile")
    readme_only = tmp_path / "readme.zip"
    with zipfile.ZipFile(readme_only, "w") as z:
        z.writestr("README.txt", "nothing here\r\n")
    assert problems_of(readme_only) == (
        "no member of the zip is the CMS HCPCS Level II records file (it holds README.txt)",
    )
    truncated = tmp_path / "truncated.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("hcpcs2019_excerpt.txt", EXCERPT.read_bytes())
    truncated.write_bytes(buffer.getvalue()[:2000])
    assert problems_of(truncated)[0].startswith("not a readable zip file")


def test_a_damaged_first_record_is_not_taken_for_a_header(tmp_path):
    lines = excerpt_lines()
    aa = line_of(lines, "AA", b"7")
    lines[aa] = put(lines[aa], 1, b"  *AA")
    (problem,) = problems_of(write(tmp_path, lines))
    assert problem == (
        f"line {aa + 1}: '  *AA001007': code '  *AA' has characters no code has @ code (1-5)"
    )


def test_problems_are_capped(tmp_path):
    lines = excerpt_lines()
    i = line_of(lines, "S9090")
    lines += [lines[i]] * 70
    problems = problems_of(write(tmp_path, lines))
    assert len(problems) == 51
    assert problems[0] == (
        f"line {len(lines) - 69}: a second record for code S9090 (the first is on line {i + 1}) "
        "@ code (1-5)"
    )
    assert problems[-1] == "... and 20 more problems"


@given(st.binary(max_size=3000))
def test_any_bytes_give_a_catalog_or_a_data_error(data):
    assert_loads_or_data_error(data)


_EXCERPT_BYTES = EXCERPT.read_bytes()


@given(
    st.lists(
        st.tuples(st.integers(0, len(_EXCERPT_BYTES) - 1), st.binary(min_size=1, max_size=8)),
        min_size=1,
        max_size=5,
    )
)
def test_damaged_copies_of_the_real_file_give_a_catalog_or_a_data_error(edits):
    data = bytearray(_EXCERPT_BYTES)
    for at, junk in edits:
        data[at : at + len(junk)] = junk
    assert_loads_or_data_error(bytes(data))


def assert_loads_or_data_error(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hcpcs2019.txt"
        path.write_bytes(data)
        problems: tuple[str, ...] = ()
        try:
            catalog = load_hcpcs(path)
        except DataError as exc:
            problems = exc.problems
        else:
            assert isinstance(catalog, Catalog)
            return
    assert problems
    assert all(p.startswith(("line ", "... and ")) or "zip" in p for p in problems)


# -- round trip: a generated record, written in the record layout, parses back equal ----------

_WORD = st.text(
    st.characters(codec="cp1252", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
)
_TOKEN = st.text(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-()"), min_size=1)
_ALNUM = st.text(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1)
_DAY = st.dates(date(1980, 1, 1), date(2039, 12, 31))
_HCPCS = st.builds(
    lambda letter, number: f"{letter}{number:04d}",
    st.sampled_from("ABCEGHJKLMPQRSTUV"),
    st.integers(0, 9999),
)


@st.composite
def raw_entries(draw: st.DrawFn) -> dict:
    procedure = draw(st.booleans())
    return {
        "procedure": procedure,
        "code": draw(_HCPCS)
        if procedure
        else draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=2, max_size=2)),
        "long": " ".join(draw(st.lists(_WORD, min_size=1, max_size=25))),
        "short": " ".join(draw(st.lists(_WORD, max_size=6))).strip()[:28].strip(),
        "pricing": tuple(draw(st.lists(st.text("0123456789", min_size=2, max_size=2), max_size=4))),
        "multiple": draw(st.none() | st.sampled_from("9ABCDEFG")),
        "cim": tuple(draw(st.lists(_TOKEN.map(lambda t: t[:6]), max_size=3))),
        "mcm": tuple(draw(st.lists(_TOKEN.map(lambda t: t[:8]), max_size=3))),
        "statute": draw(st.none() | _TOKEN.map(lambda t: t[:10])),
        "lab": tuple(draw(st.lists(st.text("0123456789", min_size=3, max_size=3), max_size=8))),
        "xref": tuple(
            draw(st.lists(_HCPCS | st.sampled_from(["CPT", "QM", "99406", "0159T"]), max_size=5))
        ),
        "coverage": draw(st.none() | st.sampled_from("CDIMS")),
        "asc": draw(st.none() | st.just("YY")),
        "asc_date": draw(st.none() | _DAY),
        "note": draw(st.none() | st.text("0123456789", min_size=4, max_size=4)),
        "betos": draw(st.none() | _ALNUM.map(lambda t: t[:3])),
        "tos": tuple(
            draw(st.lists(st.sampled_from("0123456789ABDEFGJKLMNPQRSTUVWYZ"), max_size=5))
        ),
        "units": draw(st.none() | st.integers(0, 999)),
        "added": draw(st.none() | _DAY),
        "action_effective": draw(st.none() | _DAY),
        "terminated": draw(st.none() | _DAY),
        "action": draw(st.sampled_from("ABCDFNPRST")),
    }


def render(entry: dict) -> list[str]:
    """The entry's lines in the CMS record layout (320 characters, blanks where empty)."""

    def cells(values: tuple[str, ...], width: int, count: int) -> str:
        return "".join(v.ljust(width) for v in values).ljust(width * count)

    def day(value: date | None) -> str:
        return value.strftime("%Y%m%d") if value else " " * 8

    code = entry["code"] if entry["procedure"] else "   " + entry["code"]
    first_id, more_id = ("3", "4") if entry["procedure"] else ("7", "8")
    parts = textwrap.wrap(entry["long"], 80, break_long_words=False, break_on_hyphens=False)
    fields = (
        entry["short"].ljust(28)
        + cells(entry["pricing"], 2, 4)
        + (entry["multiple"] or " ")
        + cells(entry["cim"], 6, 3)
        + cells(entry["mcm"], 8, 3)
        + (entry["statute"] or "").ljust(10)
        + cells(entry["lab"], 3, 8)
        + cells(entry["xref"], 5, 5)
        + (entry["coverage"] or " ")
        + (entry["asc"] or "  ")
        + day(entry["asc_date"])
        + " " * 12
        + (entry["note"] or "").ljust(4)
        + (entry["betos"] or "").ljust(3)
        + " "
        + cells(entry["tos"], 1, 5)
        + ("" if entry["units"] is None else str(entry["units"])).rjust(3)
        + day(entry["added"])
        + day(entry["action_effective"])
        + day(entry["terminated"])
        + entry["action"]
    )
    lines = [f"{code}00100{first_id}{parts[0].ljust(80)}{fields}".ljust(320)]
    lines += [f"{code}{n * 100:05d}{more_id}{part}" for n, part in enumerate(parts[1:], 2)]
    return lines


def expected(entry: dict, source: str) -> Procedure | Modifier:
    descriptors = (Descriptor(use=DescriptorUse.LONG, text=entry["long"], source=source),)
    if entry["short"]:
        short = Descriptor(use=DescriptorUse.SHORT, text=entry["short"], source=source)
        descriptors = (short, *descriptors)
    facts = HcpcsFacts(
        year=2019,
        pricing_indicators=entry["pricing"],
        multiple_pricing_indicator=entry["multiple"],
        coverage=entry["coverage"],
        coverage_manual_refs=entry["cim"],
        carrier_manual_refs=entry["mcm"],
        statute=entry["statute"],
        lab_certifications=entry["lab"],
        cross_references=entry["xref"],
        asc_group=entry["asc"],
        asc_group_effective=entry["asc_date"],
        processing_note=entry["note"],
        betos=entry["betos"],
        type_of_service=entry["tos"],
        anesthesia_base_units=entry["units"],
        action_effective=entry["action_effective"],
    )
    common = {
        "code": entry["code"],
        "title": entry["long"],
        "descriptors": descriptors,
        "effective": entry["added"],
        "terminated": entry["terminated"],
        "action": entry["action"],
        "file_facts": facts,
        "history": (
            YearSeen(
                year=2019,
                descriptor=entry["long"],
                action=entry["action"],
                terminated=entry["terminated"],
            ),
        ),
    }
    if not entry["procedure"]:
        return Modifier(**common)
    return Procedure(
        system=CodeSystem.HCPCS,
        kind=CodeKind.HCPCS_LEVEL_II,
        replaced_by=tuple(c for c in entry["xref"] if is_valid_code(c)),
        **common,
    )


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    entries=st.lists(
        raw_entries(), min_size=1, max_size=4, unique_by=lambda e: (e["procedure"], e["code"])
    ),
    header=st.sampled_from([[], ["***Disclaimers\t\t\t"], ["HCPCS 2019", "", "\xa0\t"]]),
    end=st.sampled_from(["\r\n", "\n"]),
    trim=st.booleans(),
)
def test_round_trip_through_the_record_layout(tmp_path, entries, header, end, trim):
    lines = [line for entry in entries for line in render(entry)]
    if trim:
        lines = [line.rstrip() for line in lines]
    path = tmp_path / "HCPC2019_round_trip.txt"
    path.write_bytes(end.join([*header, *lines, ""]).encode("cp1252"))
    catalog = load_hcpcs(path)
    source = "CMS HCPCS Level II 2019 file HCPC2019_round_trip.txt"
    want = [expected(e, source) for e in entries]
    assert dict(catalog) == {r.code: r for r in want if isinstance(r, Procedure)}
    assert dict(catalog.modifiers) == {r.code: r for r in want if isinstance(r, Modifier)}


# -- the whole 2019 file, when ../shared has it -----------------------------------------------

needs_full_file = pytest.mark.skipif(
    not FULL_2019.exists(), reason="needs ../shared (CMS files): HCPCS 2019"
)


@pytest.fixture(scope="module")
def full() -> Catalog:
    return load_hcpcs(FULL_2019)


@needs_full_file
def test_full_2019_file_counts(full):
    assert len(full) == 6440
    assert len(full.modifiers) == 360
    everything = [*full.values(), *full.modifiers.values()]
    assert sum(r.terminated is not None for r in full.values()) == 506
    assert sum(r.terminated is not None for r in full.modifiers.values()) == 9
    assert sum(bool(r.file_facts.cross_references) for r in everything) == 152
    actions = {a: sum(r.action == a for r in everything) for a in "ABCDFNPS"}
    assert actions == {"A": 228, "B": 1, "C": 94, "D": 49, "F": 1, "N": 6372, "P": 47, "S": 8}
    assert full.release == "CMS HCPCS 2019"
    assert full.as_of == date(2019, 1, 1)
    # On every terminated entry, the action takes effect the day after the termination.
    for r in everything:
        if r.terminated is not None:
            assert (r.file_facts.action_effective - r.terminated).days == 1, r.code


@needs_full_file
def test_full_2019_file_agrees_with_the_excerpt(full, excerpt):
    def same_source(record):
        return attrs.evolve(
            record, descriptors=tuple(attrs.evolve(d, source="x") for d in record.descriptors)
        )

    for code, record in excerpt.items():
        assert same_source(full[code]) == same_source(record)
    for code, modifier in excerpt.modifiers.items():
        assert same_source(full.modifiers[code]) == same_source(modifier)
    assert full["Q9974"].replaced_by == ("J2274",)


@needs_full_file
def test_full_2019_file_merges_with_the_curated_catalog(full):
    merged, conflicts = CURATED.merge_report(full)
    assert conflicts == []
    assert merged["S9090"].clinical is not None
    assert merged["S9090"].file_facts.coverage == "I"


# -- the command line ---------------------------------------------------------------------------
# `hcpcs` runs as a user runs it (a new process); the other commands over a loaded file run in
# this process (cli); tests/test_cli.py runs each of them end to end.


def test_cli_hcpcs_summary():
    result = run("hcpcs", str(EXCERPT))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "CMS HCPCS Level II 2019\n"
        "  procedures     10  (3 terminated, 2 added)\n"
        "  modifiers       4  (2 terminated, 0 added)\n"
        "0 warnings (non-key fields left empty)\n"
    )


def test_cli_hcpcs_several_years(tmp_path):
    result = run("hcpcs", str(EXCERPT), str(make_2018(tmp_path)))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "CMS HCPCS Level II 2018"
    assert lines[3] == "CMS HCPCS Level II 2019"
    assert lines[-2] == "2018-2019 combined: 11 procedures, 4 modifiers; 1 not listed in 2019"
    assert lines[-1] == "0 warnings (non-key fields left empty)"


def test_cli_hcpcs_json_exports_the_records():
    result = run("hcpcs", str(EXCERPT), "--json", "--year", "2019")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["release"] == "CMS HCPCS 2019"
    assert len(doc["procedures"]) == 10
    assert [m["code"] for m in doc["modifiers"]] == ["AA", "AM", "V8", "V9"]
    q9974 = next(p for p in doc["procedures"] if p["code"] == "Q9974")
    assert q9974["replaced_by"] == ["J2274"]
    assert q9974["terminated"] == "2014-12-31"
    assert q9974["file_facts"]["cross_references"] == ["J2274"]


def test_cli_hcpcs_counts_and_shows_warnings(tmp_path):
    lines = excerpt_lines()
    for code in ("J2650", "Q9974", "S9090", "G0260", "J2274", "P7001"):
        i = line_of(lines, code)
        lines[i] = put(lines[i], 269, b"2019O101")
    path = write(tmp_path, lines)
    result = run("hcpcs", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("6 warnings (non-key fields left empty)\n")
    shown = result.stderr.splitlines()
    assert len(shown) == 6  # five warnings, then how many more
    assert shown[0].startswith(f"proccodes: warning: {path}: line ")
    assert "added date (269-276): not a date as YYYYMMDD (found '2019O101')" in shown[0]
    assert shown[-1] == "proccodes: warning: ... and 1 more (all of them are in --json)"
    as_json = run("hcpcs", str(path), "--json")
    assert len(json.loads(as_json.stdout)["warnings"]) == 6
    strict = run("hcpcs", str(path), "--strict")
    assert strict.returncode == 2
    assert strict.stderr.count("strict=True makes this an error") == 6


def test_cli_hcpcs_bad_input(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("not a code file\n")
    result = run("hcpcs", str(junk))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"proccodes: error: {junk}: line 1 is not an HCPCS record")
    assert "not a code file" not in result.stderr
    both = run("hcpcs", str(EXCERPT), str(junk), "--year", "2019")
    assert both.returncode == 2
    assert "--year goes with one FILE" in both.stderr


@pytest.mark.slow
def test_cli_show_with_a_loaded_file():
    result = cli("show", "S9090", "--catalog", str(EXCERPT))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("S9090  Motorized spinal decompression session")
    assert "From the CMS file" in result.stdout
    assert "coverage: I" in result.stdout
    terminated = cli("show", "Q9974", "--catalog", str(EXCERPT), "--on", "2015-01-01")
    assert terminated.returncode == 1  # the date check failed (docs/cli.md)
    assert terminated.stderr == (
        "proccodes: error: code Q9974 was not in effect on 2015-01-01: ended on 2014-12-31; "
        "replaced by J2274\n"
    )


@pytest.mark.slow
def test_cli_environment_variable(tmp_path):
    # a file of a year newer than the shipped data's (the year is read from the name)
    newer = tmp_path / "HCPC2027_ANWEB.txt"
    newer.write_bytes(EXCERPT.read_bytes())
    env = {"PROCCODES_CATALOG": str(newer)}
    shown = cli("show", "G0260", env=env)
    assert shown.returncode == 0, shown.stderr
    # G0260 is a curated record: its title stays, and the file's facts come from the variable
    assert shown.stdout.startswith("G0260  Sacroiliac (SI) joint injection")
    assert "From the CMS file\n  - year: 2027" in shown.stdout
    found = cli("search", "morphine", "epidural", "--json", "--limit", "2", env=env)
    # J2274 first; Q9974 (ended 2014) ranks after current codes since issue 16
    assert json.loads(found.stdout)[0]["code"] == "J2274"


@pytest.mark.slow
def test_cli_conflicts_are_warnings_and_the_shipped_value_stays(tmp_path):
    lines = excerpt_lines()
    i = line_of(lines, "S9090")
    lines[i] = put(lines[i], 92, b"Vertebral axial decompr. X".ljust(28))
    # named for the shipped data's year, so that its values meet the shipped ones as equals
    changed = write(tmp_path, lines, name="HCPC2026_changed.txt")
    result = cli("show", "S9090", "--catalog", str(changed))
    assert result.returncode == 0
    warnings = result.stderr.splitlines()
    assert all(w.startswith(f"proccodes: warning: {changed}: record ") for w in warnings)
    assert (
        f"proccodes: warning: {changed}: record S9090: short descriptor 'Vertebral axial "
        "decompressio' here but 'Vertebral axial decompr. X' in the other @ S9090.descriptors "
        "(kept the value already in the catalog)"
    ) in warnings
    shown = " ".join(result.stdout.split())
    assert "Vertebral axial decompressio" in shown
    assert "decompr. X" not in shown


@pytest.mark.slow
def test_cli_validate_with_a_loaded_file():
    result = cli("validate", "--catalog", str(EXCERPT), "Q9974", "J2650", "A9998", "6229O")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:3] == [
        "Q9974  valid    HCPCS Level II; ended on 2014-12-31, replaced by J2274",
        "J2650  valid    HCPCS Level II; in the catalog",
        "A9998  valid    HCPCS Level II; not in the catalog",
    ]
    doc = json.loads(cli("validate", "--json", "--catalog", str(EXCERPT), "Q9974").stdout)
    assert doc[0]["listed"] is True
    assert doc[0]["terminated"] == "2014-12-31"
    assert doc[0]["replaced_by"] == ["J2274"]
    plain = json.loads(cli("validate", "--json", "Q9974").stdout)
    assert "listed" not in plain[0]


def test_cli_check_with_a_loaded_file():
    result = cli("check", "--catalog", str(EXCERPT))
    count = len(set(default_catalog()) | set(load_hcpcs(EXCERPT)))
    # Q9974 and J2274 share CMS's descriptor: official wording is not held to our rules
    assert result.stdout == f"the shipped catalog with {EXCERPT}: {count} records, 0 problems\n"
    assert result.returncode == 0

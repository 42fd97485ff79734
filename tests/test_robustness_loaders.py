"""Issue 15, the loader items: no silent drops, no hangs, no blow-ups in the official-file
loaders (PTP, MUE, PFS, RBCS, the AMA overlay) and the CSV reading of ``proccodes claims``.

Each test is named for its item and fails on the code before the fix. No wall clock decides a
test: work is bounded by input size or structure, and a hang is caught by a subprocess with a
generous timeout.
"""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from proccodes import DataError
from proccodes.sources import ncci
from proccodes.sources._files import (
    MAX_LINE,
    MAX_MEMBERS,
    CsvReader,
    Findings,
    check_archive,
    read_members,
)
from proccodes.sources.ncci import load_mue, load_ptp
from proccodes.sources.pfs import load_pfs
from proccodes.sources.rbcs import load_rbcs

from .conftest import ROOT, TEST_DATA

PTP_HEADER = (
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t\r\n"
    "Column1/Column2 Edits\t\t\t\t\t\t\r\n"
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n"
    "\t\t\t\t*=no data\t1=allowed\t\r\n"
    "\t\t\t\t\t9=not applicable\t\r\n"
)
PTP_ROWS = [
    "0001A\t36591\t\t20220101\t20231231\t0\tCPT Manual or CMS manual coding instruction",
    "0001U\t0029U\t\t20180701\t20260630\t1\tMisuse of Column Two code with Column One code",
    "0001U\t0030U\t\t20180701\t*\t1\tMisuse of Column Two code with Column One code",
]
MUE_HEAD = (
    '"CPT codes copyright AMA.\r\n\r\nAll rights reserved.",,,\r\n'
    '"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,'
    "MUE Rationale\r\n"
)
MUE_ROWS = [
    "0001U,1,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction",
    "0009U,2,3 Date of Service Edit: Clinical,Nature of Analyte",
    "0010U,3,1 Line Edit,Nature of Analyte",
]
PFS_EXCERPT = TEST_DATA / "pfs_excerpt.csv"
RBCS_EXCERPT = TEST_DATA / "RBCS_RY_2025_excerpt.csv"


@pytest.fixture(params=[True, False], ids=["arrow", "python"])
def both_paths(request, monkeypatch):
    """PTP tests run on the pyarrow path and on the pure-Python one."""
    if request.param and not ncci._has_arrow():
        pytest.skip("pyarrow not installed")
    monkeypatch.setattr(ncci, "_ARROW", request.param)


def _ptp(tmp_path: Path, rows: list[str], header: str = PTP_HEADER) -> Path:
    path = tmp_path / "ccipra-v322r0-f1.txt"
    path.write_bytes((header + "".join(r + "\r\n" for r in rows)).encode())
    return path


def _mue(tmp_path: Path, rows: list[str], head: str = MUE_HEAD) -> Path:
    path = tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
    path.write_bytes((head + "".join(r + "\r\n" for r in rows)).encode())
    return path


def _problems(excinfo: pytest.ExceptionInfo[DataError]) -> str:
    return "\n".join(excinfo.value.problems)


# -- 1: a header is recognised by its content; no damaged row vanishes -------------------------


@pytest.mark.parametrize(
    "damaged",
    [
        "001A\t36591\t\t20220101\t20231231\t0\tx",  # a 4-character code
        "0001a\t36591\t\t20220101\t20231231\t0\tx",  # lower case
        "0001A\t36591\t\t2022-01-01\t20231231\t0\tx",  # an ISO date
    ],
)
def test_1_a_damaged_leading_ptp_row_is_an_error_naming_its_line(tmp_path, both_paths, damaged):
    path = _ptp(tmp_path, [damaged, *PTP_ROWS])
    with pytest.raises(DataError, match="line 7"):
        load_ptp(path)


def test_1_a_leading_ptp_row_with_a_space_is_read_not_dropped(tmp_path, both_paths):
    path = _ptp(tmp_path, [" 0001B\t36591\t\t20220101\t20231231\t0\tx", *PTP_ROWS])
    assert len(load_ptp(path)) == 4


def test_1_a_ptp_file_of_iso_dates_or_lower_case_codes_is_an_error(tmp_path, both_paths):
    iso = [r.replace("20220101", "2022-01-01").replace("20180701", "2018-07-01") for r in PTP_ROWS]
    with pytest.raises(DataError, match="effective date"):
        load_ptp(_ptp(tmp_path, iso))
    lower = [r.lower() for r in PTP_ROWS]
    with pytest.raises(DataError, match="column 1"):
        load_ptp(_ptp(tmp_path, lower))


def test_1_a_short_title_line_is_not_a_row_but_a_short_code_is(tmp_path, both_paths):
    assert len(load_ptp(_ptp(tmp_path, PTP_ROWS, header="Edits\r\n" + PTP_HEADER))) == 3
    with pytest.raises(DataError, match="line 1: expected 7 tab-separated fields"):
        load_ptp(_ptp(tmp_path, PTP_ROWS, header="001A\t\t\r\n" + PTP_HEADER))


def test_1_a_ptp_file_that_ends_after_its_header_is_an_error(tmp_path, both_paths):
    with pytest.raises(DataError, match="no edits"):
        load_ptp(_ptp(tmp_path, []))


def test_1_a_pfs_file_with_a_header_and_no_records_is_an_error(tmp_path):
    lines = PFS_EXCERPT.read_text().splitlines(keepends=True)
    header_end = next(i for i, line in enumerate(lines) if line.startswith("HCPCS,")) + 1
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text("".join(lines[:header_end]))
    with pytest.raises(DataError, match="no records"):
        load_pfs(path)


def test_1_an_mue_or_rbcs_file_with_a_header_and_no_rows_is_an_error(tmp_path):
    with pytest.raises(DataError, match="no rows"):
        load_mue(_mue(tmp_path, []))
    path = tmp_path / "RBCS_RY_2025.csv"
    path.write_text(RBCS_EXCERPT.read_text().splitlines(keepends=True)[0])
    with pytest.raises(DataError, match="no rows"):
        load_rbcs(path)


def test_1_a_data_row_above_the_mue_header_is_an_error(tmp_path):
    head = "0002U,1,2 Date of Service Edit: Policy,x\r\n" + MUE_HEAD
    with pytest.raises(DataError, match="line 1: a row above the header"):
        load_mue(_mue(tmp_path, MUE_ROWS, head=head))


# -- 2: a field that spans lines is an error in every CSV reader -------------------------------


def test_2_a_stray_quote_in_an_mue_row_is_an_error_naming_the_line(tmp_path):
    rows = [MUE_ROWS[0], '0009U,2,3 Date of Service Edit: Clinical,"Nature of Analyte', MUE_ROWS[2]]
    with pytest.raises(DataError) as excinfo:
        load_mue(_mue(tmp_path, rows))
    assert "line 7: a quoted field does not end on its line" in _problems(excinfo)


def test_2_a_stray_quote_in_an_rbcs_row_is_an_error_naming_the_line(tmp_path):
    lines = RBCS_EXCERPT.read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace(",N,", ',"N,', 1)
    path = tmp_path / "RBCS_RY_2025.csv"
    path.write_text("".join(lines))
    with pytest.raises(DataError) as excinfo:
        load_rbcs(path)
    assert "line 4: a quoted field does not end on its line" in _problems(excinfo)


def test_2_a_stray_quote_in_a_claims_file_is_an_error_naming_the_line(tmp_path):
    from proccodes.claims.report import read_claims

    path = tmp_path / "claims.csv"
    path.write_text(
        'claim,date,code,modifiers\nA,2026-03-02,62290,"50\nA,2026-03-02,99213,\n'
        "B,2026-03-02,99214,\n"
    )
    with pytest.raises(DataError) as excinfo:
        read_claims(path)
    assert "line 2: a quoted field does not end on its line" in _problems(excinfo)


def test_2_a_stray_quote_in_a_pfs_record_is_an_error_naming_the_line(tmp_path):
    lines = PFS_EXCERPT.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("HCPCS,")) + 1
    lines[at] = lines[at].replace(",R,", ',"R,', 1)
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text("".join(lines))
    with pytest.raises(DataError, match=f"line {at + 1}: a quoted field does not end"):
        load_pfs(path)


def test_2_a_quote_in_a_ptp_rationale_keeps_every_row(tmp_path, both_paths):
    rows = [PTP_ROWS[0].replace("CPT Manual", '"CPT Manual'), *PTP_ROWS[1:]]
    assert len(load_ptp(_ptp(tmp_path, rows))) == 3


def test_2_the_shared_reader_goes_on_after_the_damaged_line():
    findings = Findings("t.csv")
    reader = CsvReader(
        'a,b\n1,"x\n2,y\n3,"z"" w"\n4,5" long\n', findings, is_header=lambda c: c == ["a", "b"]
    )
    assert list(reader.rows()) == [(3, ["2", "y"]), (4, ["3", 'z" w']), (5, ["4", '5" long'])]
    assert findings.has_errors


# -- 4: a FIFO named *.xlsx does not block ------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_4_load_mue_on_a_fifo_named_xlsx_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.xlsx"
    os.mkfifo(fifo)
    code = textwrap.dedent(
        f"""
        from proccodes import DataError
        from proccodes.sources.ncci import load_mue
        try:
            load_mue({str(fifo)!r})
        except DataError as exc:
            print("refused:", "not a regular file" in str(exc))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.stdout.strip() == "refused: True", done.stderr


# -- 5: title and header parsing in linear time; a bound on line length ----------------------


def test_5_a_huge_pfs_title_of_repeated_years_is_read_in_linear_time(tmp_path):
    # 400 KB of years: the old title pattern (two greedy .*) took two minutes on 80 KB
    lines = PFS_EXCERPT.read_text().splitlines(keepends=True)
    lines[0] = ",," + "2025 " * 80_000 + "October Release" + lines[0][lines[0].index(",,,") :]
    path = tmp_path / "x.csv"
    path.write_text("".join(lines))
    code = f"from proccodes.sources.pfs import load_pfs; print(load_pfs({str(path)!r}).release)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.stdout.strip() == "CMS PFS RVU25D", done.stderr


def test_5_the_title_reader_is_linear_in_its_words():
    from proccodes.sources import pfs

    assert pfs._title("2024 " * 50_000 + "January " * 3 + "RELEASE") == (2024, 1)
    assert pfs._title("October 2025 RELEASE") is None  # the year comes first
    assert pfs._title("2025 RELEASED in October") is None


def test_5_a_cell_over_csvs_field_limit_reads_as_any_other(tmp_path):
    big = "y" * 300_000  # csv refuses a field over 128 KiB; a line may hold 1 MiB
    rows = [MUE_ROWS[0], f'0009U,2,3 Date of Service Edit: Clinical,"{big}"', MUE_ROWS[2]]
    assert load_mue(_mue(tmp_path, rows))["0009U"].rationale == big
    lines = PFS_EXCERPT.read_text().splitlines(keepends=True)
    lines[0] = '"' + big + '"' + lines[0]
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text("".join(lines))
    assert len(load_pfs(path)) == len(load_pfs(PFS_EXCERPT))


@pytest.mark.parametrize("loader", ["pfs", "mue", "rbcs"])
def test_5_a_line_over_the_limit_is_an_error_naming_it(tmp_path, loader):
    long = "x" * (MAX_LINE + 1)
    if loader == "pfs":
        path = tmp_path / "PPRRVU2025_Oct.csv"
        path.write_text(PFS_EXCERPT.read_text() + long + "\n")
        load = load_pfs
    elif loader == "mue":
        path = _mue(tmp_path, [MUE_ROWS[0], long])
        load = load_mue  # type: ignore[assignment]
    else:
        path = tmp_path / "RBCS_RY_2025.csv"
        path.write_text(RBCS_EXCERPT.read_text() + long + "\n")
        load = load_rbcs  # type: ignore[assignment]
    with pytest.raises(DataError, match=f"longer than {MAX_LINE:,} characters"):
        load(path)


# -- 6: zips are opened once, read member by member, bounded in total and in members ----------


def test_6_a_zip_of_many_parts_is_opened_once(tmp_path, monkeypatch, both_paths):
    path = tmp_path / "ccipra-v322r0.zip"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(60):
            z.writestr(f"ccipra-v322r0-f{i:02d}.txt", PTP_HEADER + PTP_ROWS[i % 3] + "\r\n")
    opened = []
    real = zipfile.ZipFile

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            opened.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(zipfile, "ZipFile", Counting)
    table = load_ptp(path)
    assert len(opened) == 1
    assert len(table) == 3  # 60 parts, each row 20 times: repeats kept once
    assert any("57 rows repeat" in w for w in table.warnings)


def test_6_members_are_read_one_at_a_time(tmp_path):
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name in ("a.txt", "b.txt"):
            z.writestr(name, name)
    members = read_members(path, what="parts", pick=lambda n, _: True)
    assert next(members).data == b"a.txt"  # the second is not read yet
    assert next(members).data == b"b.txt"


def test_6_a_zip_whose_members_inflate_past_the_total_is_refused(tmp_path):
    path = tmp_path / "ccipra-v322r0.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(6):
            z.writestr(f"part{i}.txt", PTP_HEADER + (PTP_ROWS[0] + "\r\n") * 4_000)
    with pytest.raises(DataError, match="inflate to more than 1,600,000 bytes in all"):
        load_ptp(path, max_bytes=400_000)


def test_6_a_zip_of_too_many_members_is_refused_before_reading(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(MAX_MEMBERS + 1):
            z.writestr(f"m{i}.txt", "")
    with pytest.raises(DataError, match=f"over the limit of {MAX_MEMBERS:,}"):
        load_ptp(path)


def test_6_load_mue_reads_only_the_member_it_uses(tmp_path):
    path = tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.zip"
    body = MUE_HEAD + "".join(r + "\r\n" for r in MUE_ROWS)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("a.csv", body)
        z.writestr("b.csv", "DAMAGED" * 100)
    raw = bytearray(path.read_bytes())
    at = raw.index(b"DAMAGED")
    raw[at : at + 7] = b"XXXXXXX"  # b.csv now fails its CRC check if it is ever read
    path.write_bytes(bytes(raw))
    assert len(load_mue(path)) == 3


# -- 7: a spreadsheet's parts are bounded before openpyxl reads them ---------------------------


def test_7_an_xlsx_decompression_bomb_is_refused_before_openpyxl(tmp_path, monkeypatch):
    path = tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * 3_000_000 + b"</sst>")

    def no_openpyxl(name):
        raise AssertionError(f"{name} was imported: the bomb reached it")

    monkeypatch.setattr(ncci, "_lib", no_openpyxl)
    with pytest.raises(DataError, match=r"xl/sharedStrings\.xml"):
        load_mue(path, max_bytes=1_000_000)


def test_7_check_archive_bounds_the_total_and_the_parts(tmp_path):
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(5):
            z.writestr(f"xl/part{i}.xml", b" " * 700)
    check_archive(buffer.getvalue(), "b.xlsx", max_bytes=1000)  # 3,500 bytes in all: fits
    with pytest.raises(DataError, match="in all"):
        check_archive(buffer.getvalue(), "b.xlsx", max_bytes=800)  # each fits; 3,500 > 3,200


# -- 8: a PFS CSV cut inside its last record ----------------------------------------------------


@pytest.mark.parametrize("cut", [1, 2, 5])
def test_8_a_pfs_csv_cut_inside_its_last_record_is_an_error(tmp_path, cut):
    text = PFS_EXCERPT.read_text().rstrip("\r\n")  # no line end after the last record
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text(text[:-cut])
    with pytest.raises(DataError, match="ends inside this record"):
        load_pfs(path)


def test_8_a_whole_pfs_csv_still_loads(tmp_path):
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text(PFS_EXCERPT.read_text())
    assert len(load_pfs(path)) == len(load_pfs(PFS_EXCERPT))


# -- 12: clear DataErrors, never a raw ValueError ----------------------------------------------


def test_12_released_12_31_9999_is_a_warning_not_a_crash(tmp_path):
    text = PFS_EXCERPT.read_text().replace("RELEASED 09/11/2025", "RELEASED 12/31/9999")
    text = text.replace("October Release", "")
    path = tmp_path / "x.csv"
    path.write_text(text)
    fs = load_pfs(path)
    assert fs.released is None
    assert fs.as_of is None
    assert any("RELEASED" in w for w in fs.warnings)


def test_12_a_ptp_name_of_an_impossible_version_is_a_data_error(tmp_path):
    path = tmp_path / "ccipra-v99990r0-f1.txt"
    path.write_bytes((PTP_HEADER + PTP_ROWS[0] + "\r\n").encode())
    with pytest.raises(DataError, match=r"version 9999\.0"):
        load_ptp(path)


@pytest.mark.parametrize("units", ["\u00b2", "9" * 5000, "1" + "0" * 10])
def test_12_mue_units_that_are_not_a_sane_number_are_a_data_error(tmp_path, units):
    with pytest.raises(DataError, match="line 6: MUE value"):
        load_mue(_mue(tmp_path, [f"0001U,{units},1 Line Edit,x"]))


# -- 13: an RVU of 400 digits is a warning, never inf ------------------------------------------


def test_13_an_rvu_of_400_digits_is_a_warning_not_infinity(tmp_path):
    row = "0275T,,(CPT descriptor omitted),R,,"
    text = PFS_EXCERPT.read_text().replace(row + "0.00,", row + "9" * 400 + ",", 1)
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text(text)
    fs = load_pfs(path)
    assert fs["0275T"].work_rvu is None
    assert any("WORK RVU" in w for w in fs.warnings)
    with pytest.raises(DataError):
        load_pfs(path, strict=True)


def test_13_pfs_json_of_a_400_digit_rvu_is_json_without_infinity(tmp_path):
    import json

    from .test_cli import run

    row = "0275T,,(CPT descriptor omitted),R,,"
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text(PFS_EXCERPT.read_text().replace(row + "0.00,", row + "9" * 400 + ",", 1))
    result = run("pfs", str(path), "--json")
    assert "Infinity" not in result.stdout
    (release,) = json.loads(result.stdout)
    assert release["codes"]["0275T"].get("work_rvu") is None


# -- 19: identical PTP rows ----------------------------------------------------------------------


def test_19_identical_ptp_rows_load_once_with_a_warning_and_one_slot(tmp_path, both_paths):
    path = _ptp(tmp_path, [PTP_ROWS[0]] * 20_000 + PTP_ROWS[1:])
    table = load_ptp(path)
    assert len(table) == 3
    assert any("19,999 rows repeat an earlier row" in w for w in table.warnings)
    # one slot per distinct pair: rows of one pair never form a probe cluster
    assert sum(1 for s in table.slots if s >= 0) == 3
    assert table.edit_on("0001A", "36591", table.as_of.replace(year=2023)) is not None
    with pytest.raises(DataError, match="strict=True"):
        load_ptp(path, strict=True)


def test_19_many_rows_of_one_pair_are_all_found(tmp_path, both_paths):
    rows = [f"0001A\t36591\t\t2022{m:02d}01\t*\t0\tx" for m in range(1, 13)]
    table = load_ptp(_ptp(tmp_path, rows))
    assert len(table.edits("0001A", "36591")) == 12
    assert ("0001A", "36591") in table
    assert ("0001A", "36592") not in table


# -- 20: the AMA descriptor files ------------------------------------------------------------------


def test_20_damaged_code_lines_before_the_first_good_one_are_reported(tmp_path):
    from proccodes import load_cpt_descriptors

    path = tmp_path / "SHORTU.txt"
    path.write_text("Copyright 2025 AMA.\n2025 American Medical Association\n9921 BAD\n99213 OK\n")
    with pytest.raises(DataError) as excinfo:
        load_cpt_descriptors(path)
    assert _problems(excinfo) == "line 3: expected a code, then its descriptor"


def test_20_the_problem_list_is_capped(tmp_path):
    from proccodes import load_cpt_descriptors

    path = tmp_path / "SHORTU.txt"
    path.write_text("99213 OK\n" + "xx bad\n" * 500)
    with pytest.raises(DataError) as excinfo:
        load_cpt_descriptors(path)
    problems = excinfo.value.problems
    assert len(problems) == 51
    assert problems[-1] == "... and 450 more problems"


# -- 21: MUE codes, units and indicators ---------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("\u017f9090,1,1 Line Edit,x", "HCPCS/CPT code"),  # long s: not an S
        ("0001U,\u0663,1 Line Edit,x", "MUE value"),  # Arabic-Indic three
        ("0001U,1,1.5,x", "adjudication indicator"),
        ("0001U,1,12 Line Edit,x", "adjudication indicator"),
    ],
)
def test_21_mue_fields_are_checked_strictly(tmp_path, row, field):
    with pytest.raises(DataError, match=f"line 6: {field}"):
        load_mue(_mue(tmp_path, [row]))


def test_21_mue_indicator_alone_or_with_its_words_is_read(tmp_path):
    table = load_mue(_mue(tmp_path, ["0001U,1,1,x", "0002U,4,3 Date of Service Edit: Clinical,y"]))
    assert table["0001U"].indicator.value == "1"
    assert table["0002U"].max_units == 4


# -- 22: a renamed PFS indicator column -----------------------------------------------------------


def test_22_a_renamed_pfs_indicator_column_is_a_warning(tmp_path):
    lines = PFS_EXCERPT.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("HCPCS,"))
    lines[at] = lines[at].replace(",SURG,", ",SURGERY,", 1)  # BILAT SURG -> BILAT SURGERY
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text("".join(lines))
    fs = load_pfs(path)
    assert any("BILAT SURG" in w and "renamed" in w for w in fs.warnings)
    with pytest.raises(DataError, match="renamed"):
        load_pfs(path, strict=True)


# -- 23: duplicate header columns ----------------------------------------------------------------


def test_23_duplicate_header_columns_are_errors(tmp_path):
    head = MUE_HEAD.replace("MUE Rationale", "MUE Values")
    with pytest.raises(DataError, match="two columns are MUE Values"):
        load_mue(_mue(tmp_path, [r + ",9" for r in MUE_ROWS], head=head))
    lines = RBCS_EXCERPT.read_text().splitlines(keepends=True)
    lines[0] = lines[0].replace("rbcs_cat,", "rbcs_id,", 1)
    path = tmp_path / "RBCS_RY_2025.csv"
    path.write_text("".join(lines))
    with pytest.raises(DataError, match="two columns are rbcs_id"):
        load_rbcs(path)


def test_23_a_claims_file_naming_a_column_twice_is_an_error(tmp_path):
    from proccodes.claims.report import read_claims

    path = tmp_path / "claims.csv"
    path.write_text("claim,date,code,code\nA,2026-03-02,62290,99213\n")
    with pytest.raises(DataError, match="names code twice"):
        read_claims(path)


# -- 24: CptDescriptors picklable and deep-copyable ----------------------------------------------


@pytest.mark.parametrize(
    "load",
    [load_ptp, load_mue, load_pfs, load_rbcs, "hcpcs", "cpt"],
    ids=lambda f: getattr(f, "__name__", str(f)),
)
def test_every_loader_takes_max_bytes_and_strict(tmp_path, load):
    import proccodes

    if load == "hcpcs":
        load = proccodes.load_hcpcs
    elif load == "cpt":
        load = proccodes.load_cpt_descriptors
    path = tmp_path / "SHORTU.txt"
    path.write_text("x" * 100)
    with pytest.raises(DataError, match="over the limit of 10"):
        load(path, max_bytes=10, strict=True)


def test_24_cpt_descriptors_pickle_and_deep_copy(tmp_path):
    from proccodes import load_cpt_descriptors

    path = tmp_path / "SHORTU.txt"
    path.write_text("99213 SOME TEXT\n")
    found = load_cpt_descriptors(path)
    for copied in (pickle.loads(pickle.dumps(found)), copy.deepcopy(found), copy.copy(found)):
        assert copied == found or dict(copied.by_code) == dict(found.by_code)
        assert copied.files == found.files
        with pytest.raises(TypeError):
            copied.by_code["99213"] = ()  # type: ignore[index]


def test_19_repeats_apart_in_a_sorted_file_are_found(tmp_path, both_paths):
    a = "0001A\t36591\t\t20220101\t20231231\t0\tx"
    b = "0001A\t36591\t\t20220101\t*\t0\tx"
    table = load_ptp(_ptp(tmp_path, [a, b, a, *PTP_ROWS[1:]]))
    assert len(table) == 4
    assert any("1 row repeats an earlier row" in w for w in table.warnings)
    assert len(table.edits("0001A", "36591")) == 2

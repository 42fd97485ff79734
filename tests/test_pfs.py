"""The PFS relative value file loader: real releases, generated files, defects and damage."""

from __future__ import annotations

import csv
import io
import pickle
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proccodes import DataError, FeeSchedule, load_pfs
from proccodes.records import (
    AssistantSurgery,
    Bilateral,
    CoSurgeons,
    GlobalDays,
    MultipleProcedure,
    PcTc,
    PfsFacts,
    PfsStatus,
    Supervision,
    TeamSurgeons,
)

from .conftest import SHARED, TEST_DATA

PFS_DIR = SHARED / "data" / "cms-pfs-rvu"
RVU25D_CSV = PFS_DIR / "RVU25D" / "PPRRVU2025_Oct.csv"
RVU25D_TXT = PFS_DIR / "RVU25D" / "PPRRVU2025_Oct.txt"
RELEASES = {
    "RVU22A": (PFS_DIR / "RVU22A.zip", date(2022, 1, 1)),
    "RVU25A": (PFS_DIR / "RVU25A.zip", date(2025, 1, 1)),
    "RVU25D": (RVU25D_CSV, date(2025, 10, 1)),
}
EXCERPT = TEST_DATA / "pfs_excerpt.csv"
needs_shared = pytest.mark.skipif(
    not PFS_DIR.exists(), reason="needs ../shared (CMS files): cms-pfs-rvu"
)

# The official header block of the CSV (title, copyright and RELEASED lines, then the column
# header over five lines), from the excerpt; generated files reuse it.
HEADER_LINES = EXCERPT.read_text(encoding="ascii").splitlines()[:10]
COLUMNS = 31
# A row as the October 2025 file writes 64635 (description left out), by column index.
TEMPLATE = next(
    row for row in csv.reader(EXCERPT.read_text(encoding="ascii").splitlines()) if row[0] == "64635"
)


def _row(code: str, modifier: str = "", **cells: str) -> list[str]:
    row = [code, modifier, "Generated row", *TEMPLATE[3:]]
    index = {
        "status": 3,
        "not_used": 4,
        "work": 5,
        "pctc": 13,
        "glob": 14,
        "mult": 18,
        "bilat": 19,
        "asst": 20,
        "endo": 23,
        "conv": 24,
        "sup": 25,
        "family": 27,
    }
    for name, value in cells.items():
        row[index[name]] = value
    return row


def _write(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    text = "\r\n".join(header if header is not None else HEADER_LINES) + "\r\n"
    for row in rows:
        writer.writerow(row)
    path.write_text(text + out.getvalue(), encoding="cp1252")
    return path


# -- the real releases ---------------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("release", sorted(RELEASES))
def test_real_release_facts(release):
    path, as_of = RELEASES[release]
    fs = load_pfs(path)
    assert fs.release == f"CMS PFS {release}"
    assert fs.as_of == as_of
    assert fs.warnings == ()
    assert fs.warning_count == 0
    assert len(fs) > 14_000
    facts = fs["64635"]
    assert facts.status is PfsStatus.ACTIVE
    assert facts.global_days is GlobalDays.DAYS_10
    assert facts.bilateral is Bilateral.ADJUSTMENT_150
    assert (facts.preoperative_share, facts.intraoperative_share) == (0.10, 0.80)
    assert fs["64636"].global_days is GlobalDays.ADD_ON
    assert fs["22526"].status is PfsStatus.NOT_COVERED
    assert fs["22527"].status is PfsStatus.NOT_COVERED
    assert fs["22526"].not_used_for_medicare_payment
    assert fs["62290"].global_days is GlobalDays.DAYS_0
    assert fs["62290"].bilateral is Bilateral.NO_ADJUSTMENT
    assert fs["G0260"].status is PfsStatus.EXCLUDED
    assert fs["S9090"].status is PfsStatus.NOT_VALID
    assert fs["20930"].status is PfsStatus.BUNDLED
    assert fs["62380"].status is PfsStatus.CARRIER_PRICED
    assert fs["0275T"].status is PfsStatus.RESTRICTED
    mri = fs["72148"]
    assert mri.pc_tc is PcTc.SPLIT
    assert mri.multiple_procedure is MultipleProcedure.DIAGNOSTIC_IMAGING
    rows = fs.modifier_rows("72148")
    assert [r.modifier for r in rows] == ["26", "TC"]
    professional, technical = rows
    assert professional.work_rvu == mri.work_rvu
    assert technical.work_rvu == 0
    assert technical.facility_na
    assert not professional.facility_na
    assert professional.non_facility_total + technical.non_facility_total == pytest.approx(
        mri.non_facility_total, abs=0.02
    )
    assert all(r.release == fs.label for r in (mri, *rows))
    # Dental codes stay out; Level II descriptions are CMS text, CPT descriptions never kept.
    assert fs.dental_codes_left_out > 700
    assert not any(code.startswith("D") for code in fs)
    assert fs.level2_descriptions["S9090"].startswith("Vertebral axial")
    assert all(code[0].isalpha() for code in fs.level2_descriptions)
    assert "64635" not in fs.level2_descriptions


@pytest.mark.slow
@needs_shared
def test_every_release_and_format_agrees(tmp_path):
    csv_fs, txt_fs = load_pfs(RVU25D_CSV), load_pfs(RVU25D_TXT)
    assert dict(csv_fs.items()) == dict(txt_fs.items())
    assert csv_fs.codes_with_modifier_rows == txt_fs.codes_with_modifier_rows
    for code in csv_fs.codes_with_modifier_rows:
        assert csv_fs.modifier_rows(code) == txt_fs.modifier_rows(code)
    assert dict(csv_fs.level2_descriptions) == dict(txt_fs.level2_descriptions)
    assert (csv_fs.release, csv_fs.as_of) == (txt_fs.release, txt_fs.as_of)
    # The zip is read through its CSV; its TXT, taken out, gives the same facts.
    with zipfile.ZipFile(RELEASES["RVU25A"][0]) as archive:
        txt = tmp_path / "PPRRVU25_JAN.txt"
        txt.write_bytes(archive.read("PPRRVU25_JAN.txt"))
    zipped, from_txt = load_pfs(RELEASES["RVU25A"][0]), load_pfs(txt)
    assert (zipped.warning_count, zipped.warnings) == (0, ())  # the zip's other files ignored
    assert dict(zipped.items()) == dict(from_txt.items())
    assert zipped.as_of == from_txt.as_of == date(2025, 1, 1)


@needs_shared
def test_records_are_shared_and_the_result_pickles():
    fs = load_pfs(RVU25D_CSV)
    values = list(fs.values())
    assert len({id(v) for v in values}) < len(values) * 0.6  # equal rows share one object
    assert fs["99213"] is fs["99213"]
    again = pickle.loads(pickle.dumps(fs))
    assert isinstance(again, FeeSchedule)
    assert dict(again.items()) == dict(fs.items())
    assert again.modifier_rows("72148") == fs.modifier_rows("72148")
    assert (again.label, again.as_of, again.released) == (fs.label, fs.as_of, fs.released)
    assert fs.released == date(2025, 9, 11)


def test_the_excerpt():
    fs = load_pfs(EXCERPT)
    assert fs.label == "CMS PFS RVU25D (October 2025)"
    assert fs["43239"].endoscopic_base == "43235"
    assert fs["43239"].multiple_procedure is MultipleProcedure.ENDOSCOPIC
    assert fs["93000"].supervision is Supervision.GENERAL
    assert fs["93010"].pc_tc is PcTc.PROFESSIONAL_ONLY
    assert fs["64493"].assistant is AssistantSurgery.PAID
    assert fs["62380"].co_surgeons is CoSurgeons.PERMITTED
    assert fs["62380"].team_surgeons is TeamSurgeons.NOT_PERMITTED
    assert fs["72148"].imaging_family == "88"
    assert fs["72148"].opps_non_facility_pe_rvu == 7.97
    assert [r.modifier for r in fs.modifier_rows("45378")] == ["53"]
    assert fs.modifier_row_count == 3
    assert "D0120" not in fs
    assert fs.dental_codes_left_out == 1
    assert list(fs) == sorted(fs)
    assert set(fs.level2_descriptions) == {"G0260", "J1100", "S9090"}


def test_fee_schedule_is_an_immutable_mapping():
    fs = load_pfs(EXCERPT)
    with pytest.raises(AttributeError):
        fs.release = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del fs.as_of  # type: ignore[misc]
    with pytest.raises(TypeError):
        fs.level2_descriptions["G0260"] = "x"  # type: ignore[index]
    with pytest.raises(KeyError):
        fs["99999"]
    assert fs.get("99999") is None
    assert "99999" not in fs
    assert 62290 not in fs
    assert "20 codes, 0 warnings" in repr(fs)
    made = FeeSchedule({"62290": fs["62290"]}, release="mine")
    assert made["62290"] is fs["62290"]
    assert made.label == "mine"
    assert pickle.loads(pickle.dumps(made))["62290"] == fs["62290"]


def test_arguments_are_checked(tmp_path):
    with pytest.raises(TypeError):
        load_pfs(EXCERPT, strict="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        load_pfs(42)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="cannot read"):
        load_pfs(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="empty"):
        load_pfs(empty)


# -- defects in non-key fields: warnings -----------------------------------------------------------


def test_defects_in_fields_are_warnings_naming_file_line_field_value(tmp_path):
    path = _write(
        tmp_path / "PPRRVU2025_Oct.csv",
        [
            _row("62290"),
            _row("64635", status="Q"),  # line 12
            _row("64636", bilat="1x"),  # line 13
            _row("64493", work="3..2", glob="10"),  # line 14
            _row("G0260", not_used="*", endo="6229O", sup="6a"),  # line 15
        ],
    )
    fs = load_pfs(path)
    assert fs.warning_count == 7
    text = "\n".join(fs.warnings)
    for line, field, value in [
        (12, "STATUS CODE", "'Q'"),
        (13, "BILAT SURG", "'1x'"),
        (14, "WORK RVU", "'3..2'"),
        (14, "GLOB DAYS", "'10'"),
        (15, "NOT USED FOR MEDICARE PAYMENT", "'*'"),
        (15, "ENDO BASE", "'6229O'"),
        (15, "PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES", "'6a'"),
    ]:
        assert f"{path}: line {line}: {field}: " in text
        assert value in text
    # The records are kept, the bad field empty, the others read.
    assert fs["64635"].status is None
    assert fs["64635"].bilateral is Bilateral.ADJUSTMENT_150
    assert fs["64636"].bilateral is None
    assert fs["64636"].status is PfsStatus.ACTIVE
    assert fs["64493"].work_rvu is None
    assert fs["64493"].global_days is None
    assert fs["64493"].non_facility_pe_rvu == 9.39
    assert fs["G0260"].endoscopic_base is None
    assert fs["G0260"].supervision is None
    assert fs["G0260"].not_used_for_medicare_payment is False
    assert fs["62290"] == load_pfs(path)["62290"]
    with pytest.raises(DataError) as caught:
        load_pfs(path, strict=True)
    assert len(caught.value.problems) == 7
    assert "line 12: STATUS CODE" in caught.value.problems[0]
    assert "strict=True" in caught.value.problems[0]


def test_the_same_defect_on_many_lines_is_reported_on_each(tmp_path):
    path = _write(tmp_path / "f.csv", [_row(f"6{n:04d}", status="?") for n in range(60)])
    fs = load_pfs(path)
    assert fs.warning_count == 60
    assert len(fs.warnings) == 51
    assert "and 10 more warnings" in fs.warnings[-1]
    assert "line 11:" in fs.warnings[0]
    assert "line 12:" in fs.warnings[1]


# -- structural damage: DataError ------------------------------------------------------------------


def _error(path: Path) -> str:
    with pytest.raises(DataError) as caught:
        load_pfs(path)
    assert caught.value.source == str(path)
    return "\n".join(caught.value.problems)


def test_a_header_without_an_hcpcs_column(tmp_path):
    header = [line.replace("HCPCS,MOD", "CODE,MOD", 1) for line in HEADER_LINES]
    message = _error(_write(tmp_path / "f.csv", [_row("62290")], header))
    assert "line 10: the header has no HCPCS column" in message


def test_a_truncated_record(tmp_path):
    path = _write(tmp_path / "f.csv", [_row("62290"), _row("64635")[:12], _row("64636")[:2]])
    message = _error(path)
    assert "line 12: 12 cells; the header has 31 (a truncated record?)" in message
    assert "line 13: 2 cells; the header has 31" in message


def test_an_unreadable_code_or_modifier(tmp_path):
    path = _write(
        tmp_path / "f.csv", [_row("6229O"), _row("62290"), _row("72148", "2"), _row("", "26")]
    )
    message = _error(path)
    assert "line 11: HCPCS '6229O' is not a code" in message
    assert "line 13: MOD '2' is not a modifier" in message
    assert "line 14: the HCPCS code is blank" in message


def test_a_second_row_for_one_code(tmp_path):
    path = _write(
        tmp_path / "f.csv",
        [_row("62290"), _row("72148", "26"), _row("62290"), _row("72148", "26")],
    )
    message = _error(path)
    assert "line 13: a second row for 62290 (the first is on line 11)" in message
    assert "line 14: a second row for 72148 with modifier 26 (the first is on line 12)" in message


def test_too_many_cells_or_an_open_quote(tmp_path):
    path = _write(tmp_path / "f.csv", [[*_row("62290"), "x"], _row("64635")])
    assert "line 11: 32 cells; the header has 31 (an unquoted comma" in _error(path)
    text = path.read_text().replace("64635,,Generated row", '64635,,"Generated row')
    path.write_text(text)
    assert "a quoted field does not end on its line" in _error(path)


def test_not_a_pfs_file(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b,c\n1,2,3\n")
    assert "is this the CMS PFS relative value file" in _error(path)


@needs_shared
def test_a_truncated_txt_record(tmp_path):
    lines = RVU25D_TXT.read_text(encoding="ascii").splitlines()[:40]
    lines[20] = lines[20][:100]
    lines[25] = lines[25][:62] + "," + lines[25][63:]
    path = tmp_path / "PPRRVU2025_Oct.txt"
    path.write_text("\r\n".join(lines) + "\r\n")
    message = _error(path)
    assert "line 21: 100 characters; a record of the fixed-width layout has 171" in message
    assert "line 26: not a record of the fixed-width layout" in message


# -- layout changes between releases ---------------------------------------------------------------


def _shuffled(order: list[int], insert_at: int | None = None) -> str:
    rows = list(csv.reader(io.StringIO(EXCERPT.read_text(encoding="ascii"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(rows):
        cells = [row[i] for i in order]
        if insert_at is not None:
            extra = "NEW COLUMN" if number == 9 else ("" if number < 10 else f"v{number}")
            cells.insert(insert_at, extra)
        writer.writerow(cells)
    return out.getvalue()


def test_columns_are_found_by_name_in_any_order(tmp_path):
    expected = load_pfs(EXCERPT)
    reversed_order = list(range(COLUMNS))[::-1]
    rotated = list(range(5, COLUMNS)) + list(range(5))
    for name, order in [("reversed", reversed_order), ("rotated", rotated)]:
        path = tmp_path / f"PPRRVU2025_Oct_{name}.csv"
        path.write_text(_shuffled(order))
        fs = load_pfs(path)
        assert dict(fs.items()) == dict(expected.items()), name
        assert fs.modifier_rows("72148") == expected.modifier_rows("72148")
        assert dict(fs.level2_descriptions) == dict(expected.level2_descriptions)
        assert fs.warnings == ()
        assert fs.unknown_columns == ()


def test_an_unknown_column_is_kept_and_shifts_nothing(tmp_path):
    expected = load_pfs(EXCERPT)
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text(_shuffled(list(range(COLUMNS)), insert_at=8))
    fs = load_pfs(path)
    assert fs.unknown_columns == ("NEW COLUMN",)
    assert fs.warnings == ()
    for code in expected:
        got = fs[code]
        assert got.extra
        assert got.extra[0].startswith("NEW COLUMN=v")
        assert got == PfsFacts(**{**_fields(expected[code]), "extra": got.extra})


def test_a_missing_column_is_reported_and_left_empty(tmp_path):
    keep = [i for i in range(COLUMNS) if i != 23]  # no ENDO BASE
    path = tmp_path / "PPRRVU2025_Oct.csv"
    path.write_text(_shuffled(keep))
    fs = load_pfs(path)
    assert fs.missing_columns == ("ENDO BASE",)
    assert fs["43239"].endoscopic_base is None
    assert fs["43239"].work_rvu == 2.39


def _fields(facts: PfsFacts) -> dict[str, object]:
    import attrs

    return attrs.asdict(facts, recurse=False)


# -- the release and the day it takes effect -----------------------------------------------------


def test_release_from_the_title_line_the_names_or_the_released_date(tmp_path):
    title_less = [line for line in HEADER_LINES if "National" not in line]
    plain = [HEADER_LINES[-1]]  # one header line, nothing else
    row = [_row("62290")]
    assert load_pfs(_write(tmp_path / "x.csv", row)).label == "CMS PFS RVU25D (October 2025)"
    by_name = load_pfs(_write(tmp_path / "PPRRVU2024_Jul.csv", row, plain))
    assert (by_name.release, by_name.as_of) == ("CMS PFS RVU24C", date(2024, 7, 1))
    assert load_pfs(_write(tmp_path / "PPRRVU23_APR.csv", row, plain)).release == "CMS PFS RVU23B"
    folder = tmp_path / "RVU21A"
    folder.mkdir()
    assert load_pfs(_write(folder / "data.csv", row, plain)).as_of == date(2021, 1, 1)
    by_date = load_pfs(_write(tmp_path / "y.csv", row, title_less))
    assert by_date.released == date(2025, 9, 11)
    assert (by_date.release, by_date.as_of) == ("CMS PFS RVU25D", date(2025, 10, 1))
    unknown = load_pfs(_write(tmp_path / "z.csv", row, plain))
    assert (unknown.release, unknown.as_of) == ("CMS PFS", None)
    assert unknown["62290"].release == "CMS PFS (release not stated)"


def test_a_zip_is_read_through_its_csv(tmp_path):
    csv_text = EXCERPT.read_text(encoding="ascii")
    other = csv_text.replace("32.3465", "33.4009")
    path = tmp_path / "RVU26A.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("RVU26A.pdf", b"%PDF")
        archive.writestr("PPRRVU2026_Jan_QPP.csv", other)
        archive.writestr("PPRRVU2026_Jan_nonQPP.csv", csv_text)
        archive.writestr("GPCI2026.csv", "x,y\n")
    fs = load_pfs(path)
    assert fs["62290"].conversion_factor == 32.3465  # the non-QPP file
    assert (fs.warning_count, fs.warnings) == (0, ())  # the QPP file, PDF and GPCI ignored
    # The title line says October 2025: the file's own words win over the zip's name.
    assert fs.release == "CMS PFS RVU25D"
    empty = tmp_path / "RVU26B.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("RVU26B.pdf", b"%PDF")
    with pytest.raises(DataError, match="no member of the zip"):
        load_pfs(empty)


def test_cp1252_text_and_the_dos_end_of_file_mark(tmp_path):
    path = _write(tmp_path / "f.csv", [_row("L8699"), _row("62290")])
    data = path.read_bytes().replace(b"Generated row", b"Prosth implant \xe9l\x96ment", 1)
    path.write_bytes(data + b"\x1a\r\n,,,,\r\n")
    fs = load_pfs(path)
    assert fs.level2_descriptions["L8699"] == "Prosth implant \u00e9l\u2013ment"
    assert len(fs) == 2
    assert fs.warnings == ()


# -- generated files: a round trip ---------------------------------------------------------------

_CPT = st.from_regex(r"[0-9]{4}[0-9FT]", fullmatch=True)
_LEVEL2 = st.from_regex(r"[ABCEGHJKLMPQRSTUV][0-9]{4}", fullmatch=True)
_RVU = st.integers(0, 99_999).map(lambda n: f"{n / 100:.2f}")


def _enum(kind: type) -> st.SearchStrategy[str]:
    return st.sampled_from(["", *(m.value for m in kind)])


_FACTS = st.fixed_dictionaries(
    {
        3: _enum(PfsStatus),
        4: st.sampled_from(["", "+"]),
        5: _RVU,
        6: _RVU,
        7: st.sampled_from(["", "NA"]),
        8: _RVU,
        10: _RVU,
        13: _enum(PcTc),
        14: _enum(GlobalDays),
        15: st.sampled_from(["0.00", "0.10", "0.80", "1.00"]),
        18: _enum(MultipleProcedure),
        19: _enum(Bilateral),
        20: _enum(AssistantSurgery),
        21: _enum(CoSurgeons),
        22: _enum(TeamSurgeons),
        23: st.one_of(st.just(""), _CPT),
        24: st.sampled_from(["32.3465", "34.6062"]),
        25: _enum(Supervision),
        27: st.sampled_from(["88", "99"]),
    }
)


@pytest.mark.slow
@given(
    st.lists(
        st.tuples(st.one_of(_CPT, _LEVEL2), st.sampled_from(["", "26", "TC"]), _FACTS),
        min_size=1,  # a file with a header and no records is an error (issue 15, item 1)
        max_size=25,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_round_trip_of_generated_rows(tmp_path_factory, rows):
    written = []
    for code, modifier, cells in rows:
        row = _row(code, modifier)
        for index, value in cells.items():
            row[index] = value
        written.append(row)
    path = _write(tmp_path_factory.mktemp("pfs") / "PPRRVU2025_Oct.csv", written)
    fs = load_pfs(path, strict=True)
    names = {
        3: ("status", PfsStatus),
        13: ("pc_tc", PcTc),
        14: ("global_days", GlobalDays),
        18: ("multiple_procedure", MultipleProcedure),
        19: ("bilateral", Bilateral),
        20: ("assistant", AssistantSurgery),
        21: ("co_surgeons", CoSurgeons),
        22: ("team_surgeons", TeamSurgeons),
        25: ("supervision", Supervision),
    }
    for code, modifier, cells in rows:
        found = fs[code] if not modifier else fs.modifier_rows(code)
        facts = (
            found
            if isinstance(found, PfsFacts)
            else next(r for r in found if r.modifier == modifier)
        )
        assert facts.modifier == modifier
        for index, (name, kind) in names.items():
            assert getattr(facts, name) == (kind(cells[index]) if cells[index] else None)
        assert facts.not_used_for_medicare_payment == (cells[4] == "+")
        assert facts.non_facility_na == (cells[7] == "NA")
        assert facts.work_rvu == float(cells[5])
        assert facts.non_facility_pe_rvu == float(cells[6])
        assert facts.facility_pe_rvu == float(cells[8])
        assert facts.malpractice_rvu == float(cells[10])
        assert facts.preoperative_share == float(cells[15])
        assert facts.endoscopic_base == (cells[23] or None)
        assert facts.conversion_factor == float(cells[24])
        assert facts.imaging_family == cells[27]
    own = {code for code, modifier, _ in rows if not modifier}
    assert set(fs) == own
    assert set(fs.level2_descriptions) == {c for c in own if c[0].isalpha()}


# -- fuzzing: any input gives a result or a DataError ------------------------------------------


def _load_or_error(path: Path) -> None:
    try:
        fs = load_pfs(path)
    except DataError as exc:  # fuzzing: any DataError is fine if it says where and what
        assert exc.source == str(path)  # noqa: PT017
        assert exc.problems != ("unreadable",)  # noqa: PT017 - a DataError without problems
        assert all(isinstance(p, str) and p.strip() for p in exc.problems)  # noqa: PT017
        return
    for code in fs:  # every record can be typed
        assert isinstance(fs[code], PfsFacts)
        fs.modifier_rows(code)
    assert len(fs.warnings) <= 51


@given(st.binary(max_size=2000))
def test_any_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "PPRRVU2025_Oct.csv"
    path.write_bytes(data)
    _load_or_error(path)


_EXCERPT_TEXT = EXCERPT.read_text(encoding="ascii")


@pytest.mark.slow
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_EXCERPT_TEXT) - 1),
            st.integers(0, 40),
            st.text(alphabet=',"\r\n \x00\x1a+.-ANZ09\u00e9', max_size=5),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_damaged_excerpts(tmp_path_factory, edits):
    text = _EXCERPT_TEXT
    for start, length, insert in edits:
        text = text[:start] + insert + text[start + length :]
    path = tmp_path_factory.mktemp("fuzz") / "PPRRVU2025_Oct.csv"
    path.write_text(text, encoding="utf-8")
    _load_or_error(path)
    if RVU25D_TXT.exists():
        lines = RVU25D_TXT.read_text(encoding="ascii").splitlines()[:30]
        txt = "\n".join(lines)
        for start, length, insert in edits:
            at = start % len(txt)
            txt = txt[:at] + insert + txt[at + length :]
        fixed = path.with_suffix(".txt")
        fixed.write_text(txt, encoding="utf-8")
        _load_or_error(fixed)

"""NCCI loaders: the real CMS excerpts, generated files in the same layouts, defects."""

from __future__ import annotations

import pickle
import random
import zipfile
from datetime import date
from pathlib import Path

import pytest

from proccodes import DataError
from proccodes.sources import ncci
from proccodes.sources.ncci import MueIndicator, PtpModifier, load_mue, load_ptp

from .conftest import SHARED
from .ncci_gen import PTP_HEADER, code_universe, ptp_rows, write_mue, write_ptp

SAMPLES = SHARED / "data" / "cms-ncci-samples"
PTP_SAMPLE = SAMPLES / "ccipra-v322r0-f1.excerpt.txt"
MUE_SAMPLE = SAMPLES / "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
needs_shared = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="needs ../shared (CMS files): NCCI samples"
)


@pytest.fixture(params=[True, False], ids=["pyarrow", "pure-python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param:
        pytest.importorskip("pyarrow")
    monkeypatch.setattr(ncci, "_ARROW", request.param)
    return bool(request.param)


@needs_shared
def test_real_ptp_excerpt(reader: bool) -> None:
    table = load_ptp(PTP_SAMPLE)
    assert len(table) == 44
    assert table.release == "CMS NCCI PTP practitioner v32.2r0"
    assert table.as_of == date(2026, 7, 1)
    assert table.setting == "practitioner"
    assert table.warnings == ()
    (edit,) = table.edits("0001A", "36591")
    assert edit.modifier is PtpModifier.NOT_ALLOWED
    assert (edit.effective, edit.deleted) == (date(2022, 1, 1), date(2023, 12, 31))
    assert edit.rationale == "CPT Manual or CMS manual coding instruction"
    assert table.edits("0001U", "0030U")[0].deleted is None
    assert table.edit_on("0001U", "0030U", date(2018, 6, 30)) is None
    assert table.edit_on("0001A", "90473", date(2022, 1, 1)).modifier is PtpModifier.NOT_APPLICABLE
    assert ("0001A", "36591") in table
    assert ("36591", "0001A") not in table
    assert table.edits("0001A", "nope!") == ()


@needs_shared
def test_real_mue_excerpt() -> None:
    table = load_mue(MUE_SAMPLE)
    assert len(table) == 44
    assert table.release == "CMS NCCI MUE practitioner, effective 2026-07-01"
    assert table.as_of == date(2026, 7, 1)
    edit = table["0009U"]
    assert (edit.max_units, edit.indicator) == (2, MueIndicator.DATE_CLINICAL)
    assert edit.rationale == "Nature of Analyte"
    assert edit.appealable
    assert not table["0001U"].appealable
    assert table.get("62290") is None


@pytest.mark.slow
def test_full_size_generated_ptp(tmp_path: Path) -> None:
    """About two million pairs in four parts, as a quarter's practitioner table."""
    paths = write_ptp(tmp_path, 2_000_000, parts=4, zipped=False)
    table = load_ptp(paths)
    assert len(table) == 2_000_000
    lines = ptp_rows(2_000_000)
    for row in random.Random(3).sample(lines, 300):
        c1, c2, prior, start, end, modifier, rationale = row.split("\t")
        edits = table.edits(c1, c2)
        assert len(edits) == 1
        e = edits[0]
        assert e.effective.strftime("%Y%m%d") == start
        assert (e.deleted.strftime("%Y%m%d") if e.deleted else "*") == end
        assert (e.modifier.value, e.prior_to_1996, e.rationale) == (
            modifier,
            prior == "*",
            rationale,
        )


@pytest.mark.slow
def test_zipped_parts_and_both_readers_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    paths = write_ptp(tmp_path, 20_000, parts=3, zipped=True)
    fast = load_ptp(paths)
    monkeypatch.setattr(ncci, "_ARROW", False)
    slow = load_ptp(paths)
    for field in ("keys", "effective", "deleted", "modifier", "prior_to_1996", "rationale_ids"):
        assert getattr(fast, field) == getattr(slow, field), field
    assert fast.rationales == slow.rationales
    assert list(fast)[:50] == list(slow)[:50]
    assert len(fast) == 20_000
    assert all(fast.edits(e.column1, e.column2) for e in list(slow)[::997])


def test_zip_of_several_members(tmp_path: Path, reader: bool) -> None:
    rows = ptp_rows(3000)
    path = tmp_path / "ccioph-v321r0.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ccioph-v321r0-f1.txt", PTP_HEADER + "\r\n".join(rows[:1500]) + "\r\n")
        archive.writestr("ccioph-v321r0-f2.txt", PTP_HEADER + "\n".join(rows[1500:]) + "\n")
        archive.writestr("readme.pdf", b"%PDF-1.4")
    table = load_ptp(path)
    assert len(table) == 3000
    assert table.release == "CMS NCCI PTP outpatient hospital v32.1r0"
    assert table.as_of == date(2026, 4, 1)


def test_pickles(tmp_path: Path) -> None:
    table = load_ptp(write_ptp(tmp_path, 5000, parts=1, zipped=False))
    again = pickle.loads(pickle.dumps(table))
    assert list(again) == list(table)
    e = next(iter(table))
    assert again.edits(e.column1, e.column2) == table.edits(e.column1, e.column2)
    mue = load_mue(write_mue(tmp_path / "m.csv", code_universe(100)))
    assert pickle.loads(pickle.dumps(mue)).edits == mue.edits


def _part(tmp_path: Path, body: str, name: str = "ccipra-v322r0-f1.txt") -> Path:
    path = tmp_path / name
    path.write_bytes((PTP_HEADER + body).encode("cp1252"))
    return path


GOOD = "62290\t72295\t\t20200101\t*\t1\tMutually exclusive procedures\r\n"


def test_non_key_defect_is_a_warning(tmp_path: Path, reader: bool) -> None:
    path = _part(tmp_path, GOOD + "62291\t72285\t?\t20200101\t*\t0\tCaf\xe9 rationale\r\n")
    table = load_ptp(path)
    assert len(table) == 2
    (warning,) = table.warnings
    assert "line 8: in existence prior to 1996: expected '*' or nothing (found '?')" in warning
    assert table.edits("62291", "72285")[0].rationale == "Caf\xe9 rationale"
    with pytest.raises(DataError, match=r"line 8: .*strict=True"):
        load_ptp(path, strict=True)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("62.90\t72295\t\t20200101\t*\t1\tx\r\n", r"line 8: column 1: not a code"),
        ("62290\t72295\t\t20201301\t*\t1\tx\r\n", r"line 8: effective date: not a date"),
        ("62290\t72295\t\t20200101\t2020\t1\tx\r\n", r"line 8: deletion date"),
        ("62290\t72295\t\t20200101\t*\t5\tx\r\n", r"line 8: modifier indicator: expected 0, 1"),
        ("62290\t72295\t20200101\r\n", r"line 8: expected 7 tab-separated fields, found 3"),
    ],
)
def test_key_defects_are_errors(tmp_path: Path, reader: bool, row: str, message: str) -> None:
    path = _part(tmp_path, GOOD + row + GOOD.replace("62290", "62287"))
    with pytest.raises(DataError, match=message) as info:
        load_ptp(path)
    assert str(path) in str(info.value)


def test_blank_line_keeps_line_numbers(tmp_path: Path, reader: bool) -> None:
    path = _part(tmp_path, GOOD + "\r\n" + "62291\t72285\t?\t20200101\t*\t0\tx\r\n")
    table = load_ptp(path)
    assert len(table) == 2
    assert "line 9" in table.warnings[0]


def test_not_a_ptp_file(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("hello\nworld\n")
    with pytest.raises(DataError, match="not a CMS NCCI PTP file"):
        load_ptp(path)
    path.write_text("")
    with pytest.raises(DataError, match="empty"):
        load_ptp(path)


def test_parts_of_different_tables(tmp_path: Path) -> None:
    a = _part(tmp_path, GOOD, "ccipra-v322r0-f1.txt")
    b = _part(tmp_path, GOOD, "ccioph-v322r0-f1.txt")
    with pytest.raises(DataError, match="different PTP tables"):
        load_ptp([a, b])


def test_bad_arguments() -> None:
    with pytest.raises(TypeError):
        load_ptp(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        load_ptp([])
    with pytest.raises(TypeError):
        load_mue(None)  # type: ignore[arg-type]


def test_generated_mue_and_defects(tmp_path: Path) -> None:
    codes = code_universe(15_000)
    table = load_mue(write_mue(tmp_path / "MCR_MUE_DMESupplierServices_Eff_01-01-2026.csv", codes))
    assert len(table) == 15_000
    assert table.setting == "DME supplier"
    assert all(table[c].max_units >= 1 for c in codes[:100])
    bad = tmp_path / "bad.csv"
    text = (tmp_path / "MCR_MUE_DMESupplierServices_Eff_01-01-2026.csv").read_text("cp1252")
    bad.write_text(text.replace(f"{codes[3]},", f"{codes[3]},x", 1), "cp1252")
    with pytest.raises(DataError, match=r"bad.csv: 1 problem\n  line \d+: MUE value"):
        load_mue(bad)
    dup = tmp_path / "dup.csv"
    dup.write_text(text + text.splitlines()[-1] + "\n", "cp1252")
    assert "listed again" in load_mue(dup).warnings[0]
    with pytest.raises(DataError, match="no header row"):
        load_mue(write_mue_plain(tmp_path / "plain.csv"))


def write_mue_plain(path: Path) -> Path:
    path.write_text("a,b,c\n1,2,3\n")
    return path


def test_mue_in_a_zip_and_as_a_spreadsheet(tmp_path: Path) -> None:
    csv_path = write_mue(tmp_path / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", ["62290"])
    archive = tmp_path / "mue.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(csv_path, csv_path.name)
    assert load_mue(archive)["62290"].max_units >= 1
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CPT codes copyright AMA.\n\nAll rights reserved."])
    sheet.append(
        [
            "HCPCS/\nCPT Code",
            "Practitioner Services MUE Values",
            "MUE Adjudication Indicator",
            "MUE Rationale",
        ]
    )
    sheet.append(["62290", 4, "3 Date of Service Edit: Clinical", "Anatomic Consideration"])
    sheet.append(["J2650", 10.0, "2 Date of Service Edit: Policy", None])
    sheet_path = tmp_path / "MCR_MUE_PractitionerServices_Eff_04-01-2026.xlsx"
    book.save(sheet_path)
    table = load_mue(sheet_path)
    assert table["62290"].max_units == 4
    assert table["J2650"].indicator is MueIndicator.DATE_POLICY
    assert table.as_of == date(2026, 4, 1)

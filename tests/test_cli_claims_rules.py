"""`proccodes claims` after issue 17.8: malformed rows are findings, column mapping, US dates,
options that cannot swallow the input file, rules switched off or re-graded, fields in JSON/CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from proccodes.cli import main

from . import claims_data


@pytest.fixture
def tables(tmp_path: Path) -> dict[str, str]:
    ptp, mue = claims_data.write_tables(tmp_path)
    return {"ptp": str(ptp), "mue": str(mue)}


def _json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    """The findings printed, without data.stale (the shipped release's notice on 2026 dates,
    tested in tests/test_claims_stale.py)."""
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return [f for f in found if f["rule"] != "data.stale"]


def test_bad_rows_are_findings_and_the_rest_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim,date,code,units\n"
        "A,2026-03-02,62290,1\n"
        "A,08/01/2026,62290,1\n"
        "B,2026-03-02,62290,1.0\n"
        "C,2026-03-02,6229,1\n"
    )
    assert main(["claims", str(path), "--json"]) == 1
    found = _json(capsys)
    got = [(f["rule"], f["lines"]) for f in found]
    assert got == [
        ("line.malformed", [3]),
        ("line.malformed", [4]),
        ("code.malformed", [5]),
    ]
    assert "YYYY-MM-DD" in str(found[0]["message"])
    assert "units must be a whole number" in str(found[1]["message"])


def test_malformed_rows_beyond_the_limit_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("claim,date,code\n" + "A,bad,62290\n" * 7 + "A,2026-03-02,6229\n")
    assert main(["claims", str(path), "--json", "--max-malformed", "3"]) == 1
    found = _json(capsys)
    rules = [f["rule"] for f in found]
    assert rules.count("line.malformed") == 4
    assert any("4 more rows are not claim lines" in str(f["message"]) for f in found)
    assert rules[-1] == "code.malformed"


def test_columns_and_us_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "export.csv"
    path.write_text("CLAIM_ID,DOS,HCPCS\nA,03/02/2026,6229\n")
    args = ["claims", str(path), "--columns", "claim=CLAIM_ID,date=DOS,code=HCPCS"]
    assert main([*args, "--date-format", "%m/%d/%Y", "--json"]) == 1
    (f,) = _json(capsys)
    assert (f["rule"], f["claim"], f["date"], f["codes"]) == (
        "code.malformed",
        "A",
        "2026-03-02",
        ["'6229'"],
    )
    assert main([*args[:2], "--json"]) == 2
    assert "the header has no claim, date, code column" in capsys.readouterr().err
    assert main([*args[:2], "--columns", "cpt=X"]) == 2
    assert "unknown column 'cpt'" in capsys.readouterr().err


def test_ptp_option_does_not_swallow_the_file(
    tables: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("claim,date,code\nA,2026-08-03,64493\nA,2026-08-03,62290\n")
    assert main(["claims", "--ptp", tables["ptp"], str(path), "--json"]) == 1
    assert [f["rule"] for f in _json(capsys)] == ["ptp.pair"]
    pattern = str(Path(tables["ptp"]).parent / "ccipra-*.txt")
    assert main(["claims", str(path), "--ptp", pattern, "--json"]) == 1
    assert [f["rule"] for f in _json(capsys)] == ["ptp.pair"]


def test_rule_and_no_rule(
    tables: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("claim,date,code\nA,2026-03-02,64493\nA,2026-03-02,62290\n")
    base = ["claims", str(path), "--ptp", tables["ptp"], "--json"]
    assert main(base) == 1
    assert [f["rule"] for f in _json(capsys)] == ["ncci.quarter", "ptp.pair"]
    assert main([*base, "--no-rule", "ptp.pair", "--rule", "ncci.quarter=info"]) == 0
    (f,) = _json(capsys)
    assert (f["rule"], f["severity"]) == ("ncci.quarter", "info")
    assert main([*base, "--no-rule", "no.such"]) == 2
    assert "unknown rule" in capsys.readouterr().err


def test_csv_output_carries_the_fields(
    tables: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("claim,date,code,modifiers\nA,2026-08-03,64493,RT\nA,2026-08-03,72148,RT\n")
    assert main(["claims", str(path), "--ptp", tables["ptp"], "--csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    (row,) = [r for r in rows if r["rule"] == "ptp.modifier"]
    assert (row["claim"], row["date"], row["codes"], row["modifiers"], row["lines"]) == (
        "A",
        "2026-08-03",
        "64493|72148",
        "RT|RT",
        "2 3",
    )
    assert row["fix"].startswith("append XS")

"""The `proccodes claims` command: summary, JSON, CSV, exit codes, progress bar."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from proccodes.cli import main

from . import claims_data

CLAIMS = (
    "claim,date,code,modifiers,units\n"
    "A1,2026-03-02,64493,,1\n"
    "A1,2026-03-02,62290,,1\n"
    "A1,2026-03-02,72148,,3\n"
    "B7,2026-03-02,64494,RT,1\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    ptp, mue = claims_data.write_tables(tmp_path)
    claims = tmp_path / "claims.csv"
    claims.write_text(CLAIMS)
    return {"claims": str(claims), "ptp": str(ptp), "mue": str(mue)}


def test_summary_and_exit_1(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["claims", files["claims"], "--ptp", files["ptp"], "--mue", files["mue"]])
    out = capsys.readouterr().out
    assert code == 1
    assert "claims.csv: 4 lines, 2 claims;" in out
    assert "Findings by rule:" in out
    assert "ptp.pair" in out
    assert "mue.units" in out
    assert "Worst lines:" in out
    assert "line 4:" in out  # 72148 on the file's line 4: PTP and MUE


def test_json_and_csv(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    args = ["claims", files["claims"], "--ptp", files["ptp"], "--mue", files["mue"]]
    assert main([*args, "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    pair = next(f for f in found if f["rule"] == "ptp.pair")
    assert pair["lines"] == [2, 3]  # file line numbers: 64493 on line 2, 62290 on line 3
    assert pair["release"] == "CMS NCCI PTP practitioner v32.2r0"
    assert main([*args, "--csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["rule"] for r in rows} == {f["rule"] for f in found}
    assert next(r for r in rows if r["rule"] == "ptp.pair")["lines"] == "2 3"


def test_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("claim,date,code\nA,2026-03-02,62290\n")
    assert main(["claims", str(path), "--no-rule", "data.stale"]) == 0
    assert "0 findings" in capsys.readouterr().out
    assert main(["claims", str(path)]) == 0  # data.stale is an info finding
    assert "data.stale" in capsys.readouterr().out


def test_bad_file_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("claim,code\nA,62290\n")
    assert main(["claims", str(path)]) == 2
    assert "line 1: the header has no date column" in capsys.readouterr().err
    assert main(["claims", str(tmp_path / "none.csv")]) == 2


def test_progress_bar_after_a_second(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from proccodes import _progress
    from proccodes.claims import report

    monkeypatch.setattr(_progress, "DELAY", 0.0)  # as if the work had taken over a second
    monkeypatch.setattr(report, "BATCH", 1)
    assert main(["claims", files["claims"], "--json"]) == 1
    err = capsys.readouterr().err
    assert "lines" in err
    assert "4/4" in err  # tqdm's bar with the `progress` extra, else "[###...] 4/4 lines"
    assert err.endswith("\n")


def test_no_progress_bar_when_quick(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["claims", files["claims"]])
    assert capsys.readouterr().err == ""

"""The command line as a user runs it: the installed `proccodes` script, in a new process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA_DIR, cli

_SCRIPT = Path(sys.executable).with_name("proccodes")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [shutil.which("proccodes") or "proccodes"]


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [*COMMAND, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_show_reads_well_in_80_columns():
    result = run("show", "62290")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "62290  Lumbar discography (disc injection for a discogram)"
    assert max(len(line) for line in lines) <= 80
    for heading in ("Summary", "Risks", "Alternatives", "Billing", "Sources"):
        assert heading in lines
    assert "registered trademark of the American Medical Association" in result.stdout
    assert result.stderr == ""


def test_show_json_is_the_documented_record_form():
    result = run("show", "62290", "--json")
    assert result.returncode == 0
    record = json.loads(result.stdout)
    assert record["code"] == "62290"
    assert record["system"] == "CPT"
    assert record["billing"]["unit_of_service"] == "per level"
    assert set(record) >= {"title", "clinical", "sources", "reviewed", "effective"}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("62299", "code '62299' is not in the catalog"),
        ("6229O", "did you mean '62290'"),
        ("62290-50", "modifier 50 is attached"),
    ],
)
def test_show_bad_codes_exit_2_with_one_line(code, message):
    result = run("show", code)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("proccodes: error: ")
    assert message in result.stderr


@pytest.mark.slow
def test_search():
    result = run("search", "disc", "dye", "test")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("62290  ")
    # the same command in this process (a new one loads the catalog again):
    nothing = cli("search", "zzqqxx")
    assert nothing.returncode == 1
    assert nothing.stdout == ""
    found = json.loads(cli("search", "discogram", "--json", "--limit", "1").stdout)
    assert found == [{"code": "62290", "title": found[0]["title"], "kind": "CPT Category I"}]


def test_validate_lines_and_exit_codes():
    ok = run("validate", "62290", "J2650")
    assert ok.returncode == 0
    assert ok.stdout.splitlines()[0].split()[:2] == ["62290", "valid"]
    bad = run("validate", "62290", "D1110")
    assert bad.returncode == 1
    assert "dental" in bad.stdout.splitlines()[1]
    piped = run("validate", "-", "--json", stdin="62290\n64483 RT\n")
    rows = json.loads(piped.stdout)
    assert [r["valid"] for r in rows] == [True, False]
    assert rows[1]["modifiers"] == ["RT"]
    assert rows[1]["code"] == "64483"


@pytest.mark.slow
def test_check_shipped_catalog_is_clean():
    result = run("check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 problems")


def test_check_reports_problems_and_data_errors(tmp_path):
    doc = json.loads((DATA_DIR / "discography.json").read_text())
    doc["procedures"] = doc["procedures"][:1]
    doc["procedures"][0]["clinical"]["risks"] = []
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc))
    result = run("check", str(path))
    assert result.returncode == 1
    assert "error 62290 clinical.risks: is empty" in result.stdout
    doc["procedures"][0]["title"] = 5
    path.write_text(json.dumps(doc))
    broken = run("check", str(path))
    assert broken.returncode == 2
    assert f"proccodes: error: {path}: record 62290: expected a string" in broken.stderr


@pytest.mark.slow
def test_extra_catalog_by_option_and_environment(tmp_path):
    doc = json.loads((DATA_DIR / "discography.json").read_text())
    record = doc["procedures"][0]
    record.update(code="0999T", kind="CPT Category III", title="A test-only record")
    doc["procedures"] = [record]
    path = tmp_path / "extra.json"
    path.write_text(json.dumps(doc))
    assert run("show", "0999T", "--catalog", str(path)).stdout.startswith("0999T  A test-only")
    by_env = run("show", "0999T", env={"PROCCODES_CATALOG": str(path)})
    assert by_env.stdout.startswith("0999T  A test-only")


@pytest.mark.parametrize(
    "args", [(), ("search", "x", "--limit", "0"), ("show",), ("show", "62290", "--on", "soon")]
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""


def test_python_dash_m_and_version():
    result = subprocess.run(
        [sys.executable, "-m", "proccodes", "validate", "62290"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    version = run("--version")
    assert version.stdout.startswith("proccodes ")


@pytest.mark.slow
def test_show_on_a_date_the_code_was_not_in_effect_exits_1(tmp_path):
    doc = json.loads((DATA_DIR / "discography.json").read_text())
    record = doc["procedures"][0]
    record.update(code="0999T", kind="CPT Category III", title="A test-only record")
    record.update(effective="2020-01-01", terminated="2021-12-31", replaced_by=["62290"])
    doc["procedures"] = [record]
    path = tmp_path / "dated.json"
    path.write_text(json.dumps(doc))
    inside = run("show", "0999T", "--catalog", str(path), "--on", "2021-06-01")
    assert inside.returncode == 0
    after = run("show", "0999T", "--catalog", str(path), "--on", "2022-01-01")
    assert after.returncode == 1
    assert after.stderr == (
        "proccodes: error: code 0999T was not in effect on 2022-01-01: ended on 2021-12-31;"
        " replaced by 62290\n"
    )
    assert run("show", "0999X", "--on", "2022-01-01").returncode == 2

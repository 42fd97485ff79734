"""``proccodes pfs`` as a user runs it: the installed script, in a new process."""

from __future__ import annotations

import json
import zipfile

import pytest

from .conftest import SHARED, TEST_DATA
from .test_cli import run

EXCERPT = TEST_DATA / "pfs_excerpt.csv"
RVU25A = SHARED / "data" / "cms-pfs-rvu" / "RVU25A.zip"


def test_summary():
    result = run("pfs", str(EXCERPT))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "CMS PFS RVU25D (October 2025): effective 2025-10-01, released 2025-09-11"
    text = result.stdout
    assert "codes                20" in text
    assert "status A           12  active" in text
    assert "modifier rows         3  (26 1, TC 1, 53 1)" in text
    assert "D codes left out      1" in text
    assert "warnings              0" in text
    assert result.stderr == ""


def test_json_has_the_facts_and_never_a_cpt_description():
    result = run("pfs", str(EXCERPT), "--json")
    assert result.returncode == 0, result.stderr
    (release,) = json.loads(result.stdout)
    assert release["release"] == "CMS PFS RVU25D"
    assert release["as_of"] == "2025-10-01"
    facts = release["codes"]["64635"]
    assert facts["status"] == "A"
    assert facts["global_days"] == "010"
    assert facts["bilateral"] == "1"
    assert "description" not in json.dumps(release["codes"]).lower()
    assert [r["modifier"] for r in release["codes"]["72148"]["modifier_rows"]] == ["26", "TC"]
    assert release["level2_descriptions"]["S9090"].startswith("Vertebral axial")
    assert set(release["level2_descriptions"]) == {"G0260", "J1100", "S9090"}
    assert "D0120" not in release["codes"]


def test_warnings_are_counted_and_strict_fails(tmp_path):
    bad = tmp_path / "PPRRVU2025_Oct.csv"
    bad.write_text(EXCERPT.read_text().replace("64635,,(CPT descriptor omitted),A,", "64635,,x,Q,"))
    result = run("pfs", str(bad))
    assert result.returncode == 0
    assert "warnings              1" in result.stdout
    assert result.stderr.startswith("proccodes: warning: ")
    assert "STATUS CODE" in result.stderr
    assert "'Q'" in result.stderr
    strict = run("pfs", str(bad), "--strict")
    assert strict.returncode == 2
    assert strict.stdout == ""
    assert strict.stderr.startswith("proccodes: error: ")
    assert "STATUS CODE" in strict.stderr


def test_damage_and_usage_errors_exit_2(tmp_path):
    damaged = tmp_path / "PPRRVU2025_Oct.csv"
    damaged.write_text(EXCERPT.read_text().replace("64635,,", "6463X,,"))
    result = run("pfs", str(damaged))
    assert result.returncode == 2
    assert "HCPCS '6463X' is not a code" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert run("pfs", str(tmp_path / "missing.csv")).returncode == 2
    assert run("pfs").returncode == 2


@pytest.mark.skipif(not RVU25A.exists(), reason="needs ../shared (CMS files): cms-pfs-rvu")
def test_several_files_and_the_zip(tmp_path):
    result = run("pfs", str(RVU25A), str(EXCERPT))
    assert result.returncode == 0, result.stderr
    assert "CMS PFS RVU25A (January 2025): effective 2025-01-01" in result.stdout
    assert "CMS PFS RVU25D (October 2025)" in result.stdout
    with zipfile.ZipFile(RVU25A) as archive:
        names = archive.namelist()
    assert "PPRRVU25_JAN.csv" in names

"""Facts the curated records state in typed fields, checked against their sources.

Regression tests for the corrections of issue 10: each holds a billing fact that a record once got
wrong. Where the fact comes from the Medicare Physician Fee Schedule, the test reads the real
October 2025 relative value file from ../shared and skips when it is absent.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache

import pytest

from proccodes import Procedure, default_catalog
from proccodes.records import Bilateral, Billing, UnitOfService

from .conftest import SHARED

PFS_FILE = SHARED / "data" / "cms-pfs-rvu" / "RVU25D" / "PPRRVU2025_Oct.csv"
needs_pfs = pytest.mark.skipif(not PFS_FILE.is_file(), reason="needs ../shared (CMS files): RVU25D")
PFS_SOURCE = "cms-pfs-rvu25d"
NOT_PAID_AS_USUAL = set("NBIEXPRC")  # non-covered, bundled, invalid, excluded, carrier-priced...


@cache
def pfs_rows() -> dict[str, dict[str, str]]:
    """The code's own row (no modifier) of the PFS file, by HCPCS code: the columns used here."""
    rows: dict[str, dict[str, str]] = {}
    with PFS_FILE.open(newline="", encoding="latin-1") as handle:
        reader = csv.reader(handle)
        for row in reader:
            if row and row[0] == "HCPCS":
                header = row
                break
        for row in reader:
            if len(row) < len(header) or row[1]:
                continue
            # Only status and indicator columns are kept: never the DESCRIPTION (AMA text).
            rows[row[0]] = {
                "status": row[3],
                "global": row[14],
                "bilateral": row[19],
            }
    return rows


def curated() -> list[Procedure]:
    return [r for r in default_catalog().values() if r.curated]


def record(code: str) -> Procedure:
    return default_catalog()[code]


def billing(code: str) -> Billing:
    b = record(code).billing
    assert b is not None, code
    return b


def note_texts(code: str) -> list[str]:
    return [n.text for n in billing(code).notes]


@needs_pfs
def test_the_pfs_file_is_read_by_its_header() -> None:
    rows = pfs_rows()
    assert rows["64635"] == {"status": "A", "global": "010", "bilateral": "1"}
    assert rows["22527"]["status"] == "N"


@needs_pfs
@pytest.mark.parametrize("code", sorted(r.code for r in curated()))
def test_curated_billing_agrees_with_the_pfs(code: str) -> None:
    row = pfs_rows().get(code)
    if row is None:
        pytest.skip(f"{code} is not in the PFS file")
    b = billing(code)
    assert b.bilateral == Bilateral(row["bilateral"]), f"{code}: PFS bilateral {row['bilateral']}"
    assert b.add_on == (row["global"] == "ZZZ"), f"{code}: add_on vs PFS global {row['global']}"
    if row["status"] in NOT_PAID_AS_USUAL:
        cited = [n for n in b.notes if PFS_SOURCE in n.sources]
        assert cited, f"{code}: PFS status {row['status']} needs a billing note citing the PFS"
        assert any(f"status {row['status']}" in n.text for n in cited), code


@pytest.mark.parametrize("code", ["64633", "64634", "64635", "64636"])
def test_bilateral_facet_ablation_is_one_line_with_modifier_50(code: str) -> None:
    b = billing(code)
    assert b.bilateral == Bilateral.ADJUSTMENT_150
    assert "modifier 50" in b.unit_note
    assert "are two joints" not in b.unit_note
    assert not any("are two joints" in t for t in note_texts(code))


def test_22527_is_one_unit_per_session_and_not_covered() -> None:
    b = billing("22527")
    assert b.unit_of_service == UnitOfService.PER_SESSION
    assert any("status N" in t for t in note_texts("22527"))
    assert any("status N" in t for t in note_texts("22526"))


def test_22632_follows_any_of_its_three_primaries_and_they_list_it() -> None:
    assert set(billing("22632").primary_codes) == {"22612", "22630", "22633"}
    for primary in ("22612", "22630", "22633"):
        assert "22632" in billing(primary).add_on_codes, primary


@pytest.mark.parametrize(
    ("code", "primaries"), [("64492", {"64490", "64491"}), ("64495", {"64493", "64494"})]
)
def test_third_level_facet_add_ons_name_both_earlier_levels(code: str, primaries: set[str]) -> None:
    assert set(billing(code).primary_codes) == primaries
    for primary in primaries:
        assert code in billing(primary).add_on_codes, primary
    assert any("any Medicare contractor" in t for t in note_texts(code))


def test_j2650_is_counted_per_millilitre() -> None:
    assert billing("J2650").unit_of_service == UnitOfService.PER_ML
    assert UnitOfService.PER_ML.value == "per 1 mL"


def test_63035_takes_modifier_50_under_medicare() -> None:
    assert billing("63035").bilateral == Bilateral.ADJUSTMENT_150
    assert billing("63030").bilateral == Bilateral.ADJUSTMENT_150
    assert "modifier 50" in billing("63035").unit_note


@pytest.mark.parametrize(
    ("code", "day"),
    [
        ("64628", date(2022, 1, 1)),
        ("64629", date(2022, 1, 1)),
        ("62320", date(2017, 1, 1)),
        ("62321", date(2017, 1, 1)),
        ("62322", date(2017, 1, 1)),
        ("62323", date(2017, 1, 1)),
    ],
)
def test_known_effective_dates(code: str, day: date) -> None:
    assert record(code).effective == day


@pytest.mark.parametrize("code", ["64628", "64629"])
def test_basivertebral_ablation_is_found_by_its_brand_name(code: str) -> None:
    clinical = record(code).clinical
    assert clinical is not None
    assert "Intracept" in clinical.common_names


@pytest.mark.parametrize(
    "code", ["62320", "62321", "62322", "62323", "64479", "64480", "64483", "64484"]
)
def test_epidural_records_state_the_lcd_exemptions_and_the_2025_guideline(code: str) -> None:
    r = record(code)
    assert r.source("busse2025") is not None
    clinical = r.clinical
    assert clinical is not None
    texts = [s.text for s in clinical.indications] + note_texts(code)
    if code.startswith("6232"):
        joined = " ".join(texts)
        assert "herpes zoster" in joined
        assert "acute pain right after an operation" in joined


def test_sourced_citations_carry_their_identifiers() -> None:
    wanted = {
        "fischgrund2019": "10.14444/6015",
        "zeidman1995": "10.1097/00006123-199509000-00007",
        "busse2025": "10.1136/bmj-2024-079970",
        "ross1990": "10.2214/ajr.155.4.2119123",
    }
    seen: dict[str, str | None] = {}
    for r in curated():
        for s in r.sources:
            if s.id in wanted:
                seen[s.id] = s.doi
                assert s.doi == wanted[s.id], (r.code, s.id)
    assert set(seen) == set(wanted)

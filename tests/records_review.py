"""Helpers the record-review tests share (tests/test_records_review_*.py): the curated record of
a code, its typed payer requirements, and CMS's own facts read from ../shared as oracles (the
RBCS add date of each code; status, global days and bilateral indicator of the October 2025
PFS, never its DESCRIPTION column)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from functools import cache

import pytest

from proccodes import Procedure, default_catalog
from proccodes.records import PayerRequirement, RequirementKind

from .conftest import SHARED

PFS_FILE = SHARED / "data" / "cms-pfs-rvu" / "RVU25D" / "PPRRVU2025_Oct.csv"
RBCS_FILE = SHARED / "data" / "cms-rbcs" / "RBCS_RY_2025.csv"
needs_pfs = pytest.mark.skipif(
    not PFS_FILE.is_file(), reason="needs ../shared (CMS files): the RVU25D PFS file"
)
needs_rbcs = pytest.mark.skipif(
    not RBCS_FILE.is_file(), reason="needs ../shared (CMS files): the RBCS file"
)


def record(code: str) -> Procedure:
    """The default catalog's record of ``code``."""
    return default_catalog()[code]


def requirements(code: str, kind: RequirementKind) -> list[PayerRequirement]:
    """The typed payer requirements of ``code``'s record of one ``kind``."""
    billing = record(code).billing
    assert billing is not None, code
    return [r for r in billing.requirements if r.kind == kind]


@cache
def rbcs_added() -> dict[str, date]:
    """Each code's add date in CMS's RBCS file (every row of a code states the same one)."""
    with RBCS_FILE.open(newline="", encoding="latin-1") as handle:
        return {
            row["hcpcs_cd"]: datetime.strptime(row["hcpcs_cd_add_dt"], "%m/%d/%Y").date()
            for row in csv.DictReader(handle)
        }


@cache
def pfs_row(code: str) -> dict[str, str]:
    """Status, global days and bilateral indicator of ``code``'s own row in RVU25D."""
    with PFS_FILE.open(newline="", encoding="latin-1") as handle:
        reader = csv.reader(handle)
        for row in reader:
            if row and row[0] == "HCPCS":
                break
        for row in reader:
            if row and row[0] == code and not row[1]:
                return {"status": row[3], "global": row[14], "bilateral": row[19]}
    raise KeyError(code)

"""A small catalog, PTP table and MUE table for the claim-rule tests (invented values)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from proccodes import Catalog
from proccodes.claims import ClaimLine
from proccodes.codes import CodeKind, CodeSystem
from proccodes.records import (
    Bilateral,
    Billing,
    BodyRegion,
    GlobalDays,
    Modifier,
    PcTc,
    PfsFacts,
    PfsStatus,
    Procedure,
    UnitOfService,
)
from proccodes.sources.ncci import MueTable, PtpTable, load_mue, load_ptp

from .ncci_gen import MUE_HEADER, MUE_NOTICE, PTP_HEADER

PFS = "CMS PFS RVU26A (test)"


def _record(
    code: str,
    *,
    status: PfsStatus = PfsStatus.ACTIVE,
    global_days: GlobalDays = GlobalDays.DAYS_0,
    bilateral: Bilateral = Bilateral.NOT_APPLICABLE,
    pc_tc: PcTc = PcTc.PHYSICIAN_SERVICE,
    primaries: tuple[str, ...] = (),
    effective: date | None = date(2010, 1, 1),
    terminated: date | None = None,
    replaced_by: tuple[str, ...] = (),
    pfs: bool = True,
) -> Procedure:
    kind = CodeKind.HCPCS_LEVEL_II if code[0].isalpha() else CodeKind.CPT_CATEGORY_I
    system = CodeSystem.HCPCS if code[0].isalpha() else CodeSystem.CPT
    billing = None
    if primaries:
        billing = Billing(
            unit_of_service=UnitOfService.PER_LEVEL,
            body_region=BodyRegion.SPINE,
            add_on=True,
            primary_codes=primaries,
        )
    return Procedure(
        code=code,
        system=system,
        kind=kind,
        title=f"test record {code}",
        effective=effective,
        terminated=terminated,
        replaced_by=replaced_by,
        billing=billing,
        pfs=PfsFacts(
            release=PFS,
            status=status,
            global_days=global_days,
            bilateral=bilateral,
            pc_tc=pc_tc,
        )
        if pfs
        else None,
    )


def catalog(*, modifiers: bool = True) -> Catalog:
    records = [
        _record("64493", global_days=GlobalDays.DAYS_10, bilateral=Bilateral.ADJUSTMENT_150),
        _record(
            "64494",
            global_days=GlobalDays.ADD_ON,
            bilateral=Bilateral.ADJUSTMENT_150,
            primaries=("64493",),
        ),
        _record("64636", global_days=GlobalDays.ADD_ON),  # add-on, primaries not known
        _record("62290", bilateral=Bilateral.NO_ADJUSTMENT),
        _record(
            "72148",
            global_days=GlobalDays.NOT_APPLICABLE,
            pc_tc=PcTc.SPLIT,
            bilateral=Bilateral.EACH_SIDE_100,
        ),
        _record("72131", pc_tc=PcTc.PROFESSIONAL_ONLY),
        _record("22526", status=PfsStatus.NOT_COVERED),
        _record("G0260", status=PfsStatus.EXCLUDED),
        _record("Q9974", terminated=date(2017, 12, 31), replaced_by=("J0185",)),
        _record("J0185", effective=date(2018, 1, 1)),
        _record("97110", pfs=False),
    ]
    mods = [Modifier(code=m, title=f"modifier {m}") for m in ("RT", "LT", "XS", "TC", "GP")]
    return Catalog(records, release="test catalog 2026", modifiers=mods if modifiers else ())


PTP_ROWS = (
    "64493\t62290\t\t20200101\t*\t0\tMutually exclusive procedures",
    "64493\t72148\t\t20200101\t*\t1\tStandards of medical/surgical practice",
    "64493\t22526\t\t20200101\t20200101\t9\tMutually exclusive procedures",
    "62290\t72148\t\t20150101\t20211231\t0\tCPT Manual or CMS manual coding instruction",
    "62290\t72148\t\t20220101\t*\t1\tCPT Manual or CMS manual coding instruction",
    "72148\t72131\t\t20200101\t*\t0\tMisuse of Column Two code with Column One code",
)
MUE_ROWS = (
    "64493,1,2 Date of Service Edit: Policy,Anatomic Consideration",
    "64494,2,3 Date of Service Edit: Clinical,Clinical: Data",
    "72148,1,1 Line Edit,Nature of Service/Procedure",
    "97110,6,3 Date of Service Edit: Clinical,Clinical: Data",
)


def write_tables(folder: Path) -> tuple[Path, Path]:
    ptp = folder / "ccipra-v322r0-f1.txt"
    ptp.write_bytes((PTP_HEADER + "".join(r + "\r\n" for r in PTP_ROWS)).encode())
    mue = folder / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
    mue.write_bytes((MUE_NOTICE + MUE_HEADER + "".join(r + "\r\n" for r in MUE_ROWS)).encode())
    return ptp, mue


def tables(folder: Path) -> tuple[PtpTable, MueTable]:
    ptp, mue = write_tables(folder)
    return load_ptp(ptp), load_mue(mue)


def frame_of(lines: Sequence[ClaimLine], **extra: Sequence[Any]) -> Any:
    """The claim lines as the DataFrame check_frame reads (claim, date, code, modifiers as
    text, units), plus ``extra`` columns; needs pandas."""
    import pandas as pd

    columns: dict[str, Sequence[Any]] = {
        "claim": [x.claim for x in lines],
        "date": [x.date.isoformat() for x in lines],
        "code": [x.code for x in lines],
        "modifiers": [" ".join(x.modifiers) for x in lines],
        "units": [x.units for x in lines],
    }
    return pd.DataFrame({**columns, **extra})

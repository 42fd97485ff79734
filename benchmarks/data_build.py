"""`proccodes data build` of a full release, and loading a built release against the shipped one.

    python benchmarks/data_build.py            # 3 builds, 5 cold loads of each kind

Measures, in one run:

- a full build (HCPCS 2019, 2020 and January 2026; PFS RVU25D with RVU22A and RVU25A as
  history; RBCS 2025): ``proccodes data build`` in a fresh process, as a user runs it, and the
  same build in-process; target (DESIGN.md section 6) <= 15 s. The reference a user would
  otherwise run: pandas reading the same files untyped (read_fwf of the HCPCS files, read_csv
  of the PFS and RBCS files), which gives no records, dates or checks;
- loading: a cold ``get`` of an official-only code and a full ``default_catalog()``, each in a
  fresh process, from the shipped data and from a built release (``PROCCODES_DATA``); the two
  should be the same (ratio about 1.0).

Needs ../shared/data. Not part of the test run; figures on a shared machine are noisy.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "tools"))

from build_data import HCPCS_FILES, PFS_FILE, PFS_HISTORY, RBCS_FILE  # noqa: E402

ARGS = [
    *(a for p in HCPCS_FILES for a in ("--hcpcs", str(SHARED.parent / p))),
    "--pfs",
    str(SHARED.parent / PFS_FILE),
    *(a for p in PFS_HISTORY for a in ("--pfs-history", str(SHARED.parent / p))),
    "--rbcs",
    str(SHARED.parent / RBCS_FILE),
]


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def pandas_reading() -> float:
    import pandas as pd

    start = time.perf_counter()
    for p in HCPCS_FILES:
        path = SHARED.parent / p
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                name = next(n for n in z.namelist() if "ANWEB" in n and n.endswith(".txt"))
                data = z.read(name)
        else:
            data = path.read_bytes()
        pd.read_fwf(io.BytesIO(data), widths=[5, 5, 1, 80, 28], header=None, encoding="cp1252")
    for p in (PFS_FILE, *PFS_HISTORY):
        path = SHARED.parent / p
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                name = next(n for n in z.namelist() if n.upper().endswith(".CSV") and "PPRRVU" in n)
                data = z.read(name)
        else:
            data = path.read_bytes()
        pd.read_csv(io.BytesIO(data), skiprows=9, encoding="cp1252", low_memory=False)
    pd.read_csv(SHARED.parent / RBCS_FILE, low_memory=False)
    return time.perf_counter() - start


def main() -> int:
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "release"
        builds = [
            timed([python, "-m", "proccodes", "data", "build", "--out", str(out), *ARGS])
            for _ in range(3)
        ]
        sys.path.insert(0, str(ROOT / "src"))
        from proccodes.release import build_files

        start = time.perf_counter()
        build_files(
            hcpcs=[SHARED.parent / p for p in HCPCS_FILES],
            pfs=SHARED.parent / PFS_FILE,
            rbcs=SHARED.parent / RBCS_FILE,
            pfs_history=[SHARED.parent / p for p in PFS_HISTORY],
        )
        in_process = time.perf_counter() - start
        reference = min(pandas_reading() for _ in range(2))
        print(
            f"data build, full release, CLI (median of 3): {statistics.median(builds):.2f} s "
            f"(target <= 15 s)"
        )
        print(f"build_files in-process: {in_process:.2f} s")
        print(
            f"pandas reading the same files untyped: {reference:.2f} s "
            f"(build / pandas = {statistics.median(builds) / reference:.2f})"
        )
        env = {"PROCCODES_DATA": str(out)}
        for label, code in (
            ("cold get('99213')", "import proccodes; proccodes.get('99213')"),
            ("full default_catalog()", "import proccodes; proccodes.default_catalog()"),
        ):
            shipped = statistics.median(timed([python, "-c", code]) for _ in range(5))
            built = statistics.median(timed([python, "-c", code], env) for _ in range(5))
            print(
                f"{label}: shipped {shipped * 1000:.0f} ms, built release "
                f"{built * 1000:.0f} ms (ratio {built / shipped:.2f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The loader cases of issue 15, timed against what a user would otherwise run (pandas), in one run.

    pip install -e '.[frames]' pandas
    python benchmarks/loaders_hardening.py

Each figure is the median of a few runs; machines here are noisy, so compare the two columns of
one row, not figures across runs. Not collected by pytest.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from proccodes.sources import ncci  # noqa: E402
from proccodes.sources._files import read_members  # noqa: E402
from proccodes.sources.pfs import load_pfs  # noqa: E402
from proccodes.sources.rbcs import load_rbcs  # noqa: E402

HEADER = "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
ROW = "0001A\t36591\t\t20220101\t20231231\t0\tCPT Manual or CMS manual coding instruction\r\n"


def median(call: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import pandas as pd

    folder = Path(tempfile.mkdtemp(prefix="proccodes-bench-"))
    rows: list[tuple[str, float, str, float]] = []

    ptp = folder / "ccipra-v322r0-f1.txt"
    ptp.write_text(HEADER + ROW * 1_000_000)
    ncci.load_ptp(ptp)  # imports
    rows.append(
        (
            "load_ptp, 1,000,000 identical rows",
            median(lambda: ncci.load_ptp(ptp)),
            "pandas.read_csv(sep='\\t') of it",
            median(lambda: pd.read_csv(ptp, sep="\t", header=None, skiprows=1, dtype=str)),
        )
    )

    many = folder / "many.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(900):
            z.writestr(f"part{i:04d}.txt", "x\t" * 500)

    def every_member_by_hand() -> None:
        with zipfile.ZipFile(many) as z:
            for name in z.namelist():
                z.read(name)

    rows.append(
        (
            "read_members, a zip of 900 members",
            median(lambda: sum(1 for _ in read_members(many, what="x", pick=lambda n, h: True))),
            "zipfile: read every member",
            median(every_member_by_hand),
        )
    )

    lines = (ROOT / "tests/data/pfs_excerpt.csv").read_text().splitlines(keepends=True)
    lines[0] = ",," + "2025 " * 16_000 + "October Release" + lines[0][lines[0].index(",,,") :]
    title = folder / "title.csv"
    title.write_text("".join(lines))
    rows.append(
        (
            "load_pfs, an 80 KB title of years",
            median(lambda: load_pfs(title)),
            "pandas.read_csv of it",
            median(lambda: pd.read_csv(title, header=None, dtype=str)),
        )
    )

    rbcs = ROOT.parent / "shared/data/cms-rbcs/RBCS_RY_2025.csv"
    if rbcs.exists():
        rows.append(
            (
                "load_rbcs, the 2025 file",
                median(lambda: load_rbcs(rbcs)),
                "pandas.read_csv of it",
                median(lambda: pd.read_csv(rbcs, dtype=str)),
            )
        )

    out = io.StringIO()
    out.write("| case | proccodes | reference | reference time |\n| --- | --- | --- | --- |\n")
    for case, ours, reference, theirs in rows:
        out.write(f"| {case} | {ours:.2f} s | {reference} | {theirs:.2f} s |\n")
    print(out.getvalue(), end="")


if __name__ == "__main__":
    main()

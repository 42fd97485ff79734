"""Fee pricing of many claim lines: :func:`proccodes.fees.price_frame` against ``read_csv``.

    pip install -e '.[frames]'
    python benchmarks/fees.py              # 1,000,000 lines
    python benchmarks/fees.py 200000       # fewer

Writes a CSV of N generated lines (code, locality, pos, modifiers, units: paid PFS codes,
every 2025 locality, office and hospital places of service, no modifier, 26, TC, 50, 51, 80),
then times, best of 3 in one run (wall clock, and CPU time of the process):
``pandas.read_csv`` of the file (what a user runs anyway) and
``price_frame`` of the frame it read (the shipped PFS and 2025 GPCIs, loaded before timing).
Target (issue 17): pricing <= 1 x read_csv. Also prices 200 lines with :func:`price` one by one
to show the line API's rate. Not part of the test run.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402

from proccodes.fees import default_fee_data, price, price_frame  # noqa: E402

CODES = [
    "99213", "99214", "99215", "64635", "64636", "64493", "64494", "64483", "64484", "62323",
    "20552", "72148", "72131", "70496", "22612", "63047", "J3301", "97110", "97140", "27447",
]  # fmt: skip
MODIFIERS = ["", "", "", "", "26", "TC", "50", "51", "80", "RT"]


def lines(n: int, seed: int = 17) -> pd.DataFrame:
    rng = random.Random(seed)
    localities = sorted(default_fee_data().gpci)
    return pd.DataFrame(
        {
            "claim": [f"C{i // 4:07d}" for i in range(n)],
            "code": [rng.choice(CODES) for _ in range(n)],
            "locality": [rng.choice(localities) for _ in range(n)],
            "pos": [rng.choice(("11", "11", "22", "24")) for _ in range(n)],
            "modifiers": [rng.choice(MODIFIERS) for _ in range(n)],
            "units": [rng.choice((1, 1, 1, 2)) for _ in range(n)],
        }
    )


def best(fn, repeat: int = 3, clock=time.perf_counter) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    default_fee_data()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lines.csv"
        lines(n).to_csv(path, index=False)
        dtype = {"pos": str, "modifiers": str}
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=False)
        price_frame(frame.head(1000))  # warm the catalog rows the codes need
        read = best(lambda: pd.read_csv(path, dtype=dtype, keep_default_na=False))
        priced = best(lambda: price_frame(frame))
        # CPU time of this process too: less disturbed by other work on a shared machine
        cpu = time.process_time
        read_cpu = best(lambda: pd.read_csv(path, dtype=dtype, keep_default_na=False), clock=cpu)
        priced_cpu = best(lambda: price_frame(frame), clock=cpu)
    out = price_frame(frame)
    sample = frame.head(200).to_dict("records")
    start = time.perf_counter()
    for row in sample:
        try:
            price(row["code"], locality=row["locality"], pos=row["pos"],
                  modifiers=row["modifiers"], units=row["units"])  # fmt: skip
        except Exception:
            continue
    one = (time.perf_counter() - start) / len(sample)
    print(f"lines                 {n:>12,}")
    print(f"read_csv              {read:>12.3f} s")
    print(f"price_frame           {priced:>12.3f} s  ({priced / read:.2f} x read_csv)")
    ratio = priced_cpu / read_cpu
    print(f"  CPU time            {priced_cpu:>12.3f} s  ({ratio:.2f} x read_csv's)")
    unpriced = int(out["fee_error"].notna().sum())
    print(f"priced / not priced   {n - unpriced:>12,} / {unpriced:,}")
    print(f"price() one line      {one * 1e6:>12.0f} us  ({1 / one:,.0f} lines/s)")


if __name__ == "__main__":
    main()

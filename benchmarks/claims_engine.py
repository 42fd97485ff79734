"""The claim rule engine against pandas, in one run: ``python benchmarks/claims_engine.py [LINES]``.

``python benchmarks/claims_engine.py LINES REPEAT`` sets the runs per figure (default 3).
Generates a full-size PTP quarter (about 2,000,000 pairs), an MUE row per code, a catalog with
PFS facts and LINES claim lines (default 1,000,000) as benchmarks/run.py does, then measures,
interleaved (median of REPEAT), with the dates in the PTP table's quarter (July-September 2026):

- ``check_frame`` of the lines against ``pandas.read_csv`` of the same file (target <= 2 x);
- ``check`` of the same lines as ClaimLine objects, in lines per second (target >= 200,000);
- the same in CPU seconds of the process (less sensitive to other work on a shared machine).

Not part of the test run; figures on a shared machine are noisy.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPEAT = 3
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def main(lines: int) -> None:
    import pandas as pd
    from tests.ncci_gen import write_claims

    from proccodes.claims import ClaimLine, check, check_frame
    from proccodes.sources.ncci import load_mue, load_ptp
    from run import (  # type: ignore[import-not-found]
        _interleaved_medians,
        _ncci_files,
        _pfs_catalog,
        _plausible_modifiers,
    )

    folder = Path(tempfile.mkdtemp(prefix="proccodes-claims-bench-"))
    ptp_paths, mue_path, universe = _ncci_files(folder)
    ptp, mue = load_ptp(ptp_paths), load_mue(mue_path)
    catalog = _pfs_catalog(universe)
    claims = write_claims(
        folder / "claims.csv",
        lines,
        universe,
        modifiers=_plausible_modifiers(catalog),
        quarter=3,  # the generated tables are v32.2, July-September 2026
    )

    def read() -> object:
        return pd.read_csv(claims, dtype={"code": str, "modifiers": str})

    frame = pd.read_csv(claims, dtype={"code": str, "modifiers": str})
    kw = {"ptp": ptp, "mue": mue, "catalog": catalog}
    found = check_frame(frame, **kw)
    times = _interleaved_medians(
        {"check_frame": lambda: check_frame(frame, **kw), "read": read}, REPEAT
    )
    items = [
        ClaimLine(claim=c, date=d, code=k, modifiers=m if isinstance(m, str) else "", units=u)
        for c, d, k, m, u in zip(
            frame["claim"], frame["date"], frame["code"], frame["modifiers"], frame["units"],
            strict=True,
        )
    ]  # fmt: skip
    check(items, **kw)
    spent, cpu = [], []
    for _ in range(REPEAT):
        start, start_cpu = time.perf_counter(), time.process_time()
        check(items, **kw)
        spent.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    best = sorted(spent)[len(spent) // 2]
    cpu_check = sorted(cpu)[len(cpu) // 2]
    # CPU seconds of this process as well, interleaved: on a shared machine other work
    # stretches the wall clock of the single-threaded check more than that of read_csv
    cpu_times: dict[str, list[float]] = {"check_frame": [], "read": []}
    for _ in range(REPEAT):
        for name, run in (("check_frame", lambda: check_frame(frame, **kw)), ("read", read)):
            start_cpu = time.process_time()
            run()
            cpu_times[name].append(time.process_time() - start_cpu)
    cpu_frame, cpu_read = (sorted(v)[len(v) // 2] for v in cpu_times.values())
    rules = found["rule"].value_counts().to_dict()
    print(f"{lines:,} lines, {frame['claim'].nunique():,} claims, {len(found):,} findings")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(rules.items())))
    ratio = times["check_frame"] / times["read"]
    print(
        f"check_frame {times['check_frame']:.2f} s; read_csv {times['read']:.2f} s; "
        f"ratio {ratio:.2f} (target <= 2)"
    )
    print(f"check {best:.2f} s: {lines / best:,.0f} lines/s (target >= 200,000)")
    print(
        f"CPU time: check_frame {cpu_frame:.2f} s; read_csv {cpu_read:.2f} s; ratio "
        f"{cpu_frame / cpu_read:.2f}; check {lines / cpu_check:,.0f} lines per CPU second"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2:
        REPEAT = int(sys.argv[2])
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)

"""Search speed and quality on the full default catalog.

Standalone: ``python benchmarks/search_quality.py``.

Measures, in one run: the median CPU time (time.process_time: what the search costs, not what
other processes on a shared machine take) of ``proccodes.search`` over the queries of the
search-quality test set and of the two held-out sets (each query's median of several runs),
against what a user would otherwise run (a linear scan of the titles for every query word); the
index build on the first search; and the top-3 share of each set. Figures are noisy on a shared
machine: report them as measured.
"""

from __future__ import annotations

import statistics
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import test_search_quality as quality  # noqa: E402

from proccodes import Catalog, Procedure, default_catalog  # noqa: E402


def _median_seconds(stmt, number: int, repeat: int = 5) -> float:
    return (
        statistics.median(
            timeit.Timer(stmt, timer=time.process_time).repeat(repeat=repeat, number=number)
        )
        / number
    )


def main() -> None:
    catalog = default_catalog()
    start = time.perf_counter()
    Catalog.from_records(catalog.values()).search("warm up")
    build = time.perf_counter() - start
    catalog.search("warm up")
    sets = {
        "quality set": list(quality.ALL_QUERIES),
        **{path.stem: [q for q, _, _ in quality._read_held_out(path)] for path in quality.HELD_OUT},
    }
    records = list(catalog.values())

    def linear(query: str) -> list[Procedure]:
        words = query.lower().split()
        return [r for r in records if all(w in r.title.lower() for w in words)][:10]

    print(
        f"default catalog: {len(catalog):,} records; index built on first search in {build:.2f} s"
    )
    for name, queries in sets.items():
        per_query = [_median_seconds(lambda q=q: catalog.search(q), 50) for q in queries]
        sample = queries[:: max(1, len(queries) // 40)]
        scan = [_median_seconds(lambda q=q: linear(q), 2, repeat=3) for q in sample]
        print(
            f"{name} ({len(queries)} queries): search median"
            f" {statistics.median(per_query) * 1e6:.1f} µs"
            f" (slowest {max(per_query) * 1e6:.0f} µs); linear title scan median"
            f" {statistics.median(scan) * 1e6:.0f} µs ({len(sample)} queries)"
        )
    cases = [(q, codes) for _, q, codes, _ in quality.ALL_CASES]
    hits = sum(
        bool(set(codes) & {p.code for p in catalog.search(q, limit=3)}) for q, codes in cases
    )
    print(f"quality set: {hits / len(cases):.1%} top-3 of {len(cases)}")
    for path in quality.HELD_OUT:
        held = quality._read_held_out(path)
        hits = sum(bool(set(c) & {p.code for p in catalog.search(q, limit=3)}) for q, c, _ in held)
        print(f"{path.name}: {hits / len(held):.1%} top-3 of {len(held)}")


if __name__ == "__main__":
    main()

"""Time of the worst inputs the tests feed (their bounds are operation counts, not clocks).

    python benchmarks/worst_inputs.py

The tests check that search's matching work does not grow with a long word
(tests/test_robustness.py) and that every public function answers junk
(tests/test_harness.py); a busy machine must not fail them, so no clock decides them. This
script reports the times those tests used to bound (search of a 1,000,000-character word:
1 s; of a 200,000-character query: 0.5 s; an export of the default catalog: 5 s), next to
what a plain Python baseline costs on the same machine, so a reader sees the scale. Not part
of the test run.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import proccodes  # noqa: E402
from proccodes import default_catalog  # noqa: E402
from proccodes.export import catalog_json  # noqa: E402


def seconds(call: Callable[[], object], repeat: int = 3) -> float:
    """The median wall-clock time of ``call`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    proccodes.search("warm up")  # loads the catalog and its index once
    long_word = "a" * 1_000_000
    long_query = "discogram" + "x" * 200_000
    rows: list[tuple[str, Callable[[], object]]] = [
        ("search, a 1,000,000-character word (was bounded at 1 s)",
         lambda: proccodes.search(long_word)),
        ("  baseline: str.lower() of the same text", long_word.lower),
        ("search, a 200,009-character query (was bounded at 0.5 s)",
         lambda: proccodes.search(long_query)),
        ("export of the default catalog (was bounded at 5 s)",
         lambda: catalog_json(default_catalog())),
    ]  # fmt: skip
    for label, call in rows:
        print(f"{label:<62} {seconds(call):8.3f} s")


if __name__ == "__main__":
    main()

"""Measure every figure of DESIGN.md §6 against its in-run reference; write docs/performance.md.

    pip install -e . pycountry pandas
    python benchmarks/run.py            # prints the table and rewrites docs/performance.md
    python benchmarks/run.py --only load_ptp check_frame   # those figures, printed only

Machines here are noisy, so each figure is a median over repeated runs and is compared with a
reference measured in the same run, on the same machine, a moment apart. Not part of the test
run: nothing here is collected by pytest.
"""

from __future__ import annotations

import gc
import json
import platform
import random
import statistics
import subprocess
import sys
import time
import timeit
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import attrs

import proccodes
from proccodes import Catalog, Procedure, default_catalog, get, is_valid_code, is_valid_codes

ROOT = Path(__file__).resolve().parent.parent
SHARED_2019 = ROOT.parent / "shared" / "data" / "cms-hcpcs-2019" / "HCPC2019_CONTR_ANWEB.txt"
SHARED_PFS = ROOT.parent / "shared" / "data" / "cms-pfs-rvu" / "RVU25D" / "PPRRVU2025_Oct.csv"
SHARED_2026 = (
    ROOT.parent
    / "shared"
    / "data"
    / "cms-hcpcs-2026-jan"
    / "january-2026-alpha-numeric-hcpcs-file.zip"
)
Row = dict[str, Any]


def _median_seconds(stmt: Callable[[], object], number: int, repeat: int = 7) -> float:
    timer = timeit.Timer(stmt)
    return statistics.median(timer.repeat(repeat=repeat, number=number)) / number


def _process_seconds(*codes: str, runs: int = 21) -> list[float]:
    """The median wall time of ``python -c CODE`` for each of ``codes``, their runs interleaved
    (a, b, a, b, ...) so that a slow spell of the machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in codes]
    for _ in range(runs):
        for code, kept in zip(codes, times, strict=True):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            kept.append(time.perf_counter() - start)
    return [statistics.median(kept) for kept in times]


def _row(
    figure: str, ours: str, reference: str, ratio: float, target: str, met: bool | None
) -> Row:
    return {
        "figure": figure,
        "ours": ours,
        "reference": reference,
        "ratio": round(ratio, 2),
        "target": target,
        "met": met,
    }


def bench_import() -> Row:
    bare, ours, attrs_ = _process_seconds("pass", "import proccodes", "import attrs")
    ours, attrs_ = ours - bare, attrs_ - bare
    ratio = ours / attrs_
    return _row(
        "`import proccodes`, over bare `python -c pass`",
        f"{ours * 1e3:.1f} ms",
        f"`import attrs` {attrs_ * 1e3:.1f} ms",
        ratio,
        "≤ 1.2 × attrs",
        ratio <= 1.2,
    )


COLD_CODES = {"curated": "62290", "official-only CPT": "99213", "Level II": "J1100"}


def _compile_package() -> None:
    """Byte-compile the package as an install does: pycountry's modules are compiled in
    site-packages, and an editable checkout run with PYTHONDONTWRITEBYTECODE never is."""
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "proccodes"), quiet=1)


def bench_cold_get() -> list[Row]:
    _compile_package()
    ours_codes = [f"import proccodes; proccodes.get({c!r})" for c in COLD_CODES.values()]
    try:
        import pycountry  # noqa: F401
    except ImportError:
        times = _process_seconds(*ours_codes)
        return [
            _row(
                f"cold first `get`, {kind} ({code}), whole process",
                f"{t * 1e3:.1f} ms",
                "pycountry not installed",
                float("nan"),
                "≤ 0.8 × pycountry",
                False,
            )
            for (kind, code), t in zip(COLD_CODES.items(), times, strict=True)
        ]
    *ours, ref = _process_seconds(
        *ours_codes, "import pycountry; pycountry.countries.get(alpha_2='DE')"
    )
    rows = []
    for (kind, code), t in zip(COLD_CODES.items(), ours, strict=True):
        ratio = t / ref
        rows.append(
            _row(
                f"cold `python -c \"import proccodes; proccodes.get('{code}')\"`, {kind}",
                f"{t * 1e3:.1f} ms",
                f"pycountry first `countries.get` {ref * 1e3:.1f} ms",
                ratio,
                "≤ 0.8 × pycountry",
                ratio <= 0.8,
            )
        )
    return rows


def bench_warm_get() -> list[Row]:
    get("62290")
    get("99213")
    canonical = _median_seconds(lambda: get("62290"), 200_000)
    official = _median_seconds(lambda: get("99213"), 200_000)
    untidy = _median_seconds(lambda: get(" 62290 "), 200_000)
    records = dict(default_catalog().items())  # a plain dict, as the reference
    reference = _median_seconds(lambda: records.get(" 62290 ".strip().upper()), 200_000)
    rows = []
    for label, value in (
        ("canonical input", canonical),
        ("official-only code '99213'", official),
        ("untidy input ' 62290 '", untidy),
    ):
        rows.append(
            _row(
                f"warm `get`, {label}",
                f"{value * 1e9:.0f} ns",
                f"normalize + dict {reference * 1e9:.0f} ns",
                value / reference,
                "≤ 300 ns",
                value <= 300e-9,
            )
        )
    return rows


def _claim_column(size: int, distinct: int = 2000) -> list[str]:
    rng = random.Random(62290)
    pool = [f"{rng.randint(10004, 69990)}" for _ in range(distinct // 2)]
    pool += [f"{rng.choice('AEGJLQ')}{rng.randint(0, 9999):04d}" for _ in range(distinct // 4)]
    pool += [f"{rng.randint(0, 9999):04d}{rng.choice('FTU')}" for _ in range(distinct // 8)]
    pool += ["6229O", "62290-50", "D1110", "", "62290.0"] * (distinct // 40)
    # claim files are full of untidy spellings of valid codes: padded, lower-case
    pool += [rng.choice((" {}", "{} ", "{}\t")).format(c) for c in pool[: distinct // 8]]
    pool += [c.lower() for c in pool[: distinct // 8] if not c.isdigit()]
    return [rng.choice(pool) for _ in range(size)]


def bench_is_valid_code() -> Row:
    import re

    column = _claim_column(100_000)
    regex = re.compile(r"[0-9]{5}|[0-9]{4}[AFMTU]|[A-V][0-9]{4}").fullmatch

    def ours() -> None:
        for code in column:
            is_valid_code(code)

    def reference() -> None:
        for code in column:
            regex(code)

    ours_rate = len(column) / _median_seconds(ours, 1, repeat=9)
    ref_rate = len(column) / _median_seconds(reference, 1, repeat=9)
    return _row(
        "`is_valid_code` per call (claim-like mix, with untidy spellings)",
        f"{ours_rate / 1e6:.2f} M codes/s",
        f"compiled regex alone {ref_rate / 1e6:.2f} M/s",
        ours_rate / ref_rate,
        "≥ 2 M codes/s",
        ours_rate >= 2e6,
    )


def bench_bulk() -> Row:
    column = _claim_column(1_000_000)
    known = frozenset(column[:1000])
    ours_rate = len(column) / _median_seconds(lambda: is_valid_codes(column), 1, repeat=5)
    ref_rate = len(column) / _median_seconds(lambda: [c in known for c in column], 1, repeat=5)
    return _row(
        "`is_valid_codes`, 1,000,000 claim codes (2,000 distinct)",
        f"{ours_rate / 1e6:.1f} M codes/s",
        f"frozenset membership {ref_rate / 1e6:.1f} M/s",
        ours_rate / ref_rate,
        "≥ 10 M codes/s",
        ours_rate >= 10e6,
    )


def ten_thousand_records() -> list[Procedure]:
    """10,000 records: the curated ones, the real 2019 HCPCS texts when available, and copies
    of both under unused codes (texts repeat, which makes posting lists longer, not shorter)."""
    base: list[Procedure] = list(default_catalog().values())
    if SHARED_2019.exists():
        try:
            from proccodes.sources.hcpcs import load_hcpcs

            base += list(load_hcpcs(SHARED_2019).values())
        except ImportError:  # pragma: no cover - before the HCPCS loader existed
            pass
    records: list[Procedure] = []
    n = 0
    while len(records) < 10_000:
        for record in base:
            if len(records) >= 10_000:
                break
            code = f"{n:04d}U"  # PLA-shaped codes no curated or HCPCS record uses
            n += 1
            records.append(
                attrs.evolve(
                    record,
                    code=code,
                    kind=proccodes.CodeKind.CPT_PLA,
                    system=proccodes.CodeSystem.CPT,
                )
            )
    return records


QUERIES = [
    "discogram",
    "lumbar discography",
    "disc dye test",
    "discograhy",
    "epidural steroid injection",
    "ESI",
    "radiofrequency ablation",
    "nerve burning",
    "kyphoplasty",
    "TLIF",
    "traction table",
    "prednisolone",
    "wheelchair",
    "blood glucose test strips",
    "ambulance",
    "injection",
    "oxygen concentrator",
    "vertebral axial decompression",
    "physical therapy evaluation",
    "mri",
]


def bench_search() -> Row:
    catalog = default_catalog()
    start = time.perf_counter()
    catalog.search("warm up")  # builds the index once
    build = time.perf_counter() - start
    per_query = [_median_seconds(lambda q=q: catalog.search(q), 200, repeat=5) for q in QUERIES]
    median = statistics.median(per_query)
    records = list(catalog.values())

    def linear(query: str) -> list[Procedure]:
        words = query.lower().split()
        return [r for r in records if all(w in r.title.lower() for w in words)][:10]

    linear_median = statistics.median(
        _median_seconds(lambda q=q: linear(q), 5, repeat=3) for q in QUERIES
    )
    return _row(
        f"`search`, full default catalog ({len(catalog):,} records), median of "
        f"{len(QUERIES)} queries (index built on first search in {build:.2f} s)",
        f"{median * 1e6:.1f} µs",
        f"linear title scan {linear_median * 1e6:.0f} µs",
        median / linear_median,
        "≤ 50 µs",
        median <= 50e-6,
    )


def _fresh_default() -> None:
    """Forget the default catalog and every record built, as in a new process."""
    from proccodes.catalog import shipped_data

    shipped_data().reset()


def _quality_queries() -> list[str]:
    """The queries of the search-quality test set (tests/test_search_quality.py), which need
    pytest to import; without it, this file's own :data:`QUERIES`."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests import test_search_quality as quality
    except ImportError:
        return QUERIES
    finally:
        sys.path.remove(str(ROOT))
    return list(quality.ALL_QUERIES)


def bench_search_quality() -> list[Row]:
    """The search median over the quality set's queries, on the default catalog and on the
    default catalog merged with the whole 2026 HCPCS Level II file; with the index build time
    (paid once per catalog, on its first search) as context."""
    queries = _quality_queries()
    catalogs: list[tuple[str, Catalog]] = [("default catalog", default_catalog())]
    shipped = {s.name for s in default_catalog().sources}
    if SHARED_2026.exists() and "CMS HCPCS Level II" not in shipped:  # else it ships already
        from proccodes.sources.hcpcs import load_hcpcs

        catalogs.append(("default + HCPCS 2026", default_catalog().merge(load_hcpcs(SHARED_2026))))
    rows = []
    for label, catalog in catalogs:
        records = list(catalog.values())
        start = time.perf_counter()
        Catalog.from_records(records).search("warm up")
        build = time.perf_counter() - start
        search = catalog.search
        search("warm up")
        per_query = [_median_seconds(lambda q=q, s=search: s(q), 100, repeat=5) for q in queries]
        median = statistics.median(per_query)
        rows.append(
            _row(
                f"`search`, {label} ({len(catalog):,} records), "
                f"median of {len(queries)} quality-set queries",
                f"{median * 1e6:.1f} µs (slowest {max(per_query) * 1e6:.0f} µs)",
                f"index build on first search {build * 1e3:.0f} ms",
                float("nan"),
                "≤ 50 µs",
                median <= 50e-6,
            )
        )
    return rows


def bench_memory() -> Row:
    from proccodes._convert import unstructure_procedure

    dumped = [json.dumps(unstructure_procedure(r)) for r in default_catalog().values()]
    count = len(dumped)
    _fresh_default()
    gc.collect()

    def held(build: Callable[[], object]) -> int:
        gc.collect()
        tracemalloc.start()
        kept = build()
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del kept
        return size

    def every_record_built() -> Catalog:
        catalog = default_catalog()
        for _ in catalog.values():  # the records are built per data file on first access
            pass
        return catalog

    ours = held(every_record_built)
    dicts = held(lambda: [json.loads(d) for d in dumped])
    return _row(
        f"memory of the full default catalog ({count:,} records)",
        f"{ours / 2**20:.1f} MiB",
        f"the same content as plain dicts (from JSON) {dicts / 2**20:.1f} MiB",
        ours / dicts,
        "≤ 1.0 × dicts",
        ours <= dicts,
    )


SHARED = ROOT.parent / "shared" / "data"
PFS_CSV = SHARED / "cms-pfs-rvu" / "RVU25D" / "PPRRVU2025_Oct.csv"
HCPCS_2026 = SHARED / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip"


def bench_full_load() -> list[Row]:
    figure = (
        "full `default_catalog()` load (every code known; records built per data file on "
        "first access)"
    )
    figure_all = "`default_catalog()` with every shipped record built (`list(catalog.values())`)"
    target = "≤ 0.5 × read_csv + read_fwf"

    def ours() -> object:
        return default_catalog()

    def ours_all() -> object:
        catalog = default_catalog()
        return catalog, list(catalog.values())

    # the previous run's catalog is forgotten (and its 80,000 objects freed) off the clock
    fresh = {"ours": _fresh_default, "all": _fresh_default}
    try:
        import pandas as pd
    except ImportError:
        ours_time = _interleaved_medians({"ours": ours}, 9, fresh)["ours"]
        missing = "pandas not installed"
        return [_row(figure, f"{ours_time * 1e3:.0f} ms", missing, float("nan"), target, False)]
    if not PFS_CSV.exists() or not HCPCS_2026.exists():
        return [_row(figure, "-", "no CMS files in ../shared", float("nan"), target, False)]
    import io
    import re
    import zipfile

    with zipfile.ZipFile(HCPCS_2026) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".txt") and "ANWEB" in n)
        fwf = archive.read(member)
    record = re.compile(r"[ A-Z0-9]{5}[0-9]{5}[3478]").match
    lines = fwf.decode("cp1252").splitlines()
    header = next(i for i, line in enumerate(lines) if record(line))

    def read_csv() -> object:
        return pd.read_csv(PFS_CSV, skiprows=9, dtype=str, encoding="latin-1")

    def read_fwf() -> object:
        return pd.read_fwf(
            io.BytesIO(fwf),
            colspecs=HCPCS_LAYOUT,
            header=None,
            dtype=str,
            encoding="cp1252",
            skiprows=header,
        )

    times = _interleaved_medians(
        {"ours": ours, "all": ours_all, "csv": read_csv, "fwf": read_fwf}, repeat=9, setup=fresh
    )
    reference = times["csv"] + times["fwf"]
    described = (
        f"`read_csv` PPRRVU2025_Oct.csv {times['csv'] * 1e3:.0f} ms + `read_fwf` HCPCS "
        f"January 2026, all layout fields {times['fwf'] * 1e3:.0f} ms"
    )
    ratio = times["ours"] / reference
    ratio_all = times["all"] / reference
    return [
        _row(figure, f"{times['ours'] * 1e3:.0f} ms", described, ratio, target, ratio <= 0.5),
        _row(
            figure_all,
            f"{times['all'] * 1e3:.0f} ms",
            described,
            ratio_all,
            "context",
            None,
        ),
    ]


def bench_wheel() -> Row:
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", folder],
            check=True,
            capture_output=True,
        )
        (wheel,) = Path(folder).glob("*.whl")
        size = wheel.stat().st_size
        with zipfile.ZipFile(wheel) as archive:
            largest = max(i.file_size for i in archive.infolist())
    return _row(
        "wheel size (largest file inside, unpacked)",
        f"{size / 1e6:.2f} MB ({largest / 1e6:.2f} MB)",
        "5 MB (3 MB per file)",
        size / 5e6,
        "≤ 5 MB, no file over 3 MB",
        size <= 5e6 and largest <= 3e6,
    )


# The 2019 record layout (HCPCS2019_recordlayout.txt), every field as 0-based [start, end):
# repeating fields one column per occurrence, as a reader of the layout would set up read_fwf.
HCPCS_LAYOUT = [
    (0, 5), (5, 10), (10, 11), (11, 91), (91, 119),
    *((119 + 2 * i, 121 + 2 * i) for i in range(4)), (127, 128),
    *((128 + 6 * i, 134 + 6 * i) for i in range(3)),
    *((146 + 8 * i, 154 + 8 * i) for i in range(3)), (170, 180),
    *((180 + 3 * i, 183 + 3 * i) for i in range(8)),
    *((204 + 5 * i, 209 + 5 * i) for i in range(5)),
    (229, 230), (230, 232), (232, 240), (240, 243), (243, 244), (244, 252), (252, 256),
    (256, 259), (259, 260), *((260 + i, 261 + i) for i in range(5)), (265, 268),
    (268, 276), (276, 284), (284, 292), (292, 293), (293, 320),
]  # fmt: skip


def _interleaved_medians(
    runs: dict[str, Callable[[], object]],
    repeat: int,
    setup: dict[str, Callable[[], object]] | None = None,
) -> dict[str, float]:
    """Median seconds of each, run in turns so that a noisy moment hits all alike. A result is
    freed after its clock stops: taking 30,000 records apart is not part of loading them.
    ``setup[name]``, if given, runs before each run of ``name``, off the clock."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()  # warm up: imports, caches, the file in the page cache
    for _ in range(repeat):
        for name, run in runs.items():
            if setup is not None and name in setup:
                setup[name]()
            gc.collect()
            start = time.perf_counter()
            result = run()
            times[name].append(time.perf_counter() - start)
            del result
    return {name: statistics.median(values) for name, values in times.items()}


def bench_load_hcpcs() -> list[Row]:
    figure = "`load_hcpcs`, full 2019 file (6,440 codes, 360 modifiers), typed records"
    target = "≤ 1.0 × read_fwf"
    if not SHARED_2019.exists():
        return [_row(figure, "-", "no 2019 file in ../shared", float("nan"), target, False)]
    import re

    from proccodes.sources.hcpcs import load_hcpcs

    try:
        import pandas as pd
    except ImportError:
        ours = _interleaved_medians({"ours": lambda: load_hcpcs(SHARED_2019)}, 9)["ours"]
        missing = "pandas not installed"
        return [_row(figure, f"{ours * 1e3:.1f} ms", missing, float("nan"), target, False)]
    text = SHARED_2019.read_bytes().decode("cp1252")
    record = re.compile(r"[ A-Z0-9]{5}[0-9]{5}[3478]").match
    header = next(i for i, line in enumerate(text.splitlines()) if record(line))

    def read_fwf(colspecs: list[tuple[int, int]]) -> Callable[[], object]:
        return lambda: pd.read_fwf(
            SHARED_2019,
            colspecs=colspecs,
            header=None,
            dtype=str,
            encoding="cp1252",
            skiprows=header,
        )

    def slicing_loop() -> list[tuple[str, ...]]:
        lines = SHARED_2019.read_bytes().decode("cp1252").splitlines()[header:]
        return [tuple(line[a:b] for a, b in HCPCS_LAYOUT) for line in lines]

    times = _interleaved_medians(
        {
            "ours": lambda: load_hcpcs(SHARED_2019),
            "layout": read_fwf(HCPCS_LAYOUT),
            "five": read_fwf(HCPCS_LAYOUT[:5]),
            "loop": slicing_loop,
        },
        repeat=9,
    )
    ours = times["ours"]
    ratio = ours / times["layout"]
    return [
        _row(
            figure,
            f"{ours * 1e3:.1f} ms",
            f"`pandas.read_fwf`, all {len(HCPCS_LAYOUT)} layout fields, untyped "
            f"{times['layout'] * 1e3:.1f} ms",
            ratio,
            target,
            ratio <= 1.0,
        ),
        _row(
            "the same load, for context",
            f"{ours * 1e3:.1f} ms",
            f"`read_fwf` of 5 columns (code to short description) {times['five'] * 1e3:.1f} ms; "
            f"a plain slicing loop, all fields {times['loop'] * 1e3:.1f} ms",
            ours / times["five"],
            "none (context)",
            None,
        ),
    ]


def bench_load_pfs() -> list[Row]:
    figure = "`load_pfs`, October 2025 PPRRVU CSV (19,090 rows), every record checked"
    target = "≤ 1.0 × read_csv"
    if not SHARED_PFS.exists():
        return [_row(figure, "-", "no RVU25D file in ../shared", float("nan"), target, False)]
    from proccodes.sources.pfs import load_pfs

    try:
        import pandas as pd
    except ImportError:
        ours = _interleaved_medians({"ours": lambda: load_pfs(SHARED_PFS)}, 9)["ours"]
        missing = "pandas not installed"
        return [_row(figure, f"{ours * 1e3:.1f} ms", missing, float("nan"), target, False)]
    header = next(
        i
        for i, line in enumerate(SHARED_PFS.read_text(encoding="cp1252").splitlines())
        if line.startswith("HCPCS,")
    )

    def typed() -> object:
        # every record typed (PfsFacts built), as a user iterating the whole release does
        fs = load_pfs(SHARED_PFS)
        return [list(fs.values()), [fs.modifier_rows(c) for c in fs.codes_with_modifier_rows]]

    times = _interleaved_medians(
        {
            "ours": lambda: load_pfs(SHARED_PFS),
            "typed": lambda: list(typed()),
            "read_csv": lambda: pd.read_csv(SHARED_PFS, encoding="cp1252"),
            "str": lambda: pd.read_csv(
                SHARED_PFS, skiprows=header, dtype=str, keep_default_na=False, encoding="cp1252"
            ),
        },
        repeat=9,
    )
    ours = times["ours"]
    ratio = ours / times["read_csv"]
    return [
        _row(
            figure,
            f"{ours * 1e3:.1f} ms",
            f"`pandas.read_csv` of the file, default options {times['read_csv'] * 1e3:.1f} ms",
            ratio,
            target,
            ratio <= 1.0,
        ),
        _row(
            "the same load, every record then typed (all PfsFacts built), for context",
            f"{times['typed'] * 1e3:.1f} ms",
            "`read_csv` from the column header, all columns as strings "
            f"{times['str'] * 1e3:.1f} ms",
            times["typed"] / times["read_csv"],
            "none (context)",
            None,
        ),
    ]


def _ncci_files(folder: Path) -> tuple[list[Path], Path, list[str]]:
    """A full-size generated quarter: ~2,000,000 PTP pairs in four parts, an MUE row per code."""
    sys.path.insert(0, str(ROOT))
    from tests.ncci_gen import code_universe, write_mue, write_ptp

    universe = code_universe(20000)
    ptp = write_ptp(folder, 2_000_000, parts=4, zipped=False)
    mue = write_mue(folder / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv", universe)
    return ptp, mue, universe


def bench_load_ptp() -> list[Row]:
    import tempfile

    import pandas as pd

    from proccodes.sources.ncci import load_ptp

    folder = Path(tempfile.mkdtemp(prefix="proccodes-bench-"))
    paths, _, _ = _ncci_files(folder)

    def read_csv() -> object:
        # pandas' default reading (types inferred); with dtype=str it takes about three times
        # as long, so the default is the harder reference
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DtypeWarning: column 1 mixes numbers and text
            return pd.concat(
                [
                    pd.read_csv(p, sep="\t", skiprows=6, header=None, encoding="cp1252")
                    for p in paths
                ]
            )

    times = _interleaved_medians({"ours": lambda: load_ptp(paths), "pandas": read_csv}, 7)
    gc.collect()
    tracemalloc.start()
    table = load_ptp(paths)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    frame = read_csv()
    frame_bytes = int(frame.memory_usage(deep=True).sum())  # type: ignore[attr-defined]
    ratio = times["ours"] / times["pandas"]
    pairs = len(table)
    return [
        _row(
            f"`load_ptp`, {pairs:,} generated PTP pairs in 4 parts (125 MB), typed and indexed",
            f"{times['ours']:.2f} s",
            f"`pandas.read_csv` of the same parts (default types) {times['pandas']:.2f} s",
            ratio,
            "≤ 1.0 × read_csv",
            ratio <= 1.0,
        ),
        _row(
            "memory of that PTP table",
            f"{held / 2**20:.1f} MiB ({held / pairs:.0f} B a pair)",
            f"the read_csv DataFrame, deep {frame_bytes / 2**20:.1f} MiB",
            held / frame_bytes,
            "≤ 0.5 × DataFrame",
            held <= 0.5 * frame_bytes,
        ),
    ]


def _pfs_catalog(universe: list[str]) -> Catalog:
    from proccodes.records import Bilateral as B
    from proccodes.records import GlobalDays as G
    from proccodes.records import PcTc as P
    from proccodes.records import PfsStatus as S

    global STATUS_MIX, GLOBAL_MIX, BILATERAL_MIX, PCTC_MIX
    STATUS_MIX = [S.ACTIVE] * 40 + [S.BUNDLED, S.NOT_COVERED, S.EXCLUDED, S.CARRIER_PRICED]
    GLOBAL_MIX = [G.DAYS_0, G.DAYS_10, G.DAYS_90] + [G.NOT_APPLICABLE] * 6 + [G.ADD_ON]
    BILATERAL_MIX = (
        [B.NO_ADJUSTMENT] * 12 + [B.ADJUSTMENT_150] * 3 + [B.EACH_SIDE_100] + [B.NOT_APPLICABLE] * 5
    )
    PCTC_MIX = [P.PHYSICIAN_SERVICE] * 14 + [P.SPLIT] * 4 + [P.NOT_APPLICABLE] * 3
    return _catalog_of(universe)


STATUS_MIX: list[Any] = []
GLOBAL_MIX: list[Any] = []
BILATERAL_MIX: list[Any] = []
PCTC_MIX: list[Any] = []


def _catalog_of(universe: list[str]) -> Catalog:
    """A catalog of the generated codes with PFS facts (invented, in realistic proportions)."""
    from proccodes.codes import CodeKind, CodeSystem
    from proccodes.records import PfsFacts

    rng = random.Random(7)
    records = []
    for code in universe:
        hcpcs = code[0].isalpha()
        records.append(
            Procedure(
                code=code,
                system=CodeSystem.HCPCS if hcpcs else CodeSystem.CPT,
                kind=CodeKind.HCPCS_LEVEL_II
                if hcpcs
                else CodeKind.CPT_CATEGORY_III
                if code.endswith("T")
                else CodeKind.CPT_CATEGORY_I,
                title=f"generated {code}",
                effective=date(2000, 1, 1),
                pfs=PfsFacts(
                    release="generated PFS",
                    status=rng.choice(STATUS_MIX),
                    global_days=rng.choice(GLOBAL_MIX),
                    bilateral=rng.choice(BILATERAL_MIX),
                    pc_tc=rng.choice(PCTC_MIX),
                ),
            )
        )
    return Catalog(records, release="generated catalog")


def _plausible_modifiers(catalog: Catalog) -> Callable[[str, random.Random], str]:
    """Modifiers as billers mostly report them: 26 or TC on codes with a PC/TC split, 50 or
    RT/LT on bilateral ones, 59/XS now and then; one line in fifty gets a random one anyway."""
    from proccodes.records import Bilateral, PcTc

    mix = ("26", "TC", "59", "XS", "RT", "LT", "50", "25", "GP", "76")

    def choose(code: str, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.02:
            return rng.choice(mix)
        pfs = catalog[code].pfs
        if pfs is not None and pfs.pc_tc is PcTc.SPLIT and roll < 0.5:
            return rng.choice(("26", "TC"))
        if pfs is not None and pfs.bilateral is Bilateral.ADJUSTMENT_150 and roll < 0.3:
            return rng.choice(("50", "RT", "LT"))
        return rng.choice(("59", "XS")) if roll > 0.95 else ""

    return choose


def bench_check_frame() -> list[Row]:
    import tempfile

    import pandas as pd

    from proccodes.claims import check_frame
    from proccodes.sources.ncci import load_mue, load_ptp

    sys.path.insert(0, str(ROOT))
    from tests.ncci_gen import write_claims

    folder = Path(tempfile.mkdtemp(prefix="proccodes-bench-"))
    ptp_paths, mue_path, universe = _ncci_files(folder)
    ptp, mue = load_ptp(ptp_paths), load_mue(mue_path)
    catalog = _pfs_catalog(universe)
    claims = write_claims(
        folder / "claims.csv",
        1_000_000,
        universe,
        modifiers=_plausible_modifiers(catalog),
        quarter=3,  # the generated tables are v32.2, July-September 2026
    )

    def read() -> Any:
        return pd.read_csv(claims, dtype={"code": str, "modifiers": str})

    frame = read()
    found = check_frame(frame, ptp=ptp, mue=mue, catalog=catalog)
    times = _interleaved_medians(
        {"ours": lambda: check_frame(frame, ptp=ptp, mue=mue, catalog=catalog), "read": read}, 5
    )
    ratio = times["ours"] / times["read"]
    rules = found["rule"].value_counts().to_dict()
    return [
        _row(
            f"`check_frame`, 1,000,000 generated lines ({frame['claim'].nunique():,} "
            f"encounters), all rules, full-size PTP and MUE tables; {len(found):,} findings "
            f"({', '.join(f'{k} {v:,}' for k, v in sorted(rules.items()))})",
            f"{times['ours']:.2f} s",
            f"`pandas.read_csv` of those lines {times['read']:.2f} s",
            ratio,
            "≤ 2 × read_csv",
            ratio <= 2.0,
        )
    ]


def _met(met: bool | None) -> str:
    return "-" if met is None else "yes" if met else "**no**"


BENCHMARKS: dict[str, Callable[[], Row | list[Row]]] = {
    "import": bench_import,
    "cold_get": bench_cold_get,
    "warm_get": bench_warm_get,
    "is_valid_code": bench_is_valid_code,
    "bulk": bench_bulk,
    "search": bench_search,
    "search_quality": bench_search_quality,
    "memory": bench_memory,
    "full_load": bench_full_load,
    "wheel": bench_wheel,
    "load_hcpcs": bench_load_hcpcs,
    "load_pfs": bench_load_pfs,
    "load_ptp": bench_load_ptp,
    "check_frame": bench_check_frame,
}


def _in_own_process(name: str) -> list[Row]:
    """One benchmark's rows, measured in a fresh interpreter: what one figure allocates (a
    million-code column, a 10,000-record catalog) does not weigh on the next one's timing."""
    result = subprocess.run(
        [sys.executable, __file__, "--one", name], capture_output=True, text=True, check=True
    )
    rows: list[Row] = json.loads(result.stdout)
    return rows


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        found = BENCHMARKS[sys.argv[2]]()
        print(json.dumps(found if isinstance(found, list) else [found]))
        return
    only = sys.argv[2:] if sys.argv[1:2] == ["--only"] else None  # print these; write nothing
    rows = [row for name in (only or BENCHMARKS) for row in _in_own_process(name)]
    table = [
        "| figure | proccodes | in-run reference | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        table.append(
            f"| {r['figure']} | {r['ours']} | {r['reference']} | {r['ratio']} | "
            f"{r['target']} | {_met(r['met'])} |"
        )
    print("\n".join(table))
    if only:
        return
    doc = ROOT / "docs" / "performance.md"
    # what follows KEPT in the page (the figures of the standalone benchmarks, each measured
    # by its own script) is carried over as it is
    kept = doc.read_text(encoding="utf-8").partition(KEPT)[2] if doc.exists() else ""
    doc.write_text(
        "# Performance\n\n"
        "Each figure of DESIGN.md §6, measured by `python benchmarks/run.py` (after\n"
        "`pip install -e . pycountry pandas`), as a median over repeated runs next to a reference\n"
        "measured in the same run; each figure runs in a fresh interpreter of its own. Machines\n"
        "here are noisy: compare ratios, not absolute times;\n"
        "between runs minutes apart, absolute figures here have varied by up to 2x (a compiled\n"
        "regex alone measured 5.1 and 2.3 M calls/s), so a target in absolute units can flip.\n"
        "Benchmarks are not part of the test run.\n\n"
        "The `load_hcpcs` reference is `pandas.read_fwf` reading every field of the record\n"
        "layout, as the loader does (50 columns, strings); the context row adds `read_fwf` of\n"
        "only the first five columns and a plain Python loop slicing every field, neither of them\n"
        "building records. Since the HCPCS loader exists, the 10,000 records of the search and\n"
        "memory figures include the real 2019 HCPCS texts (see `ten_thousand_records`), so those\n"
        "rows differ from runs before 2026-11-23.\n"
        "\n"
        "Since 2026-12-01 the default catalog holds every code of the shipped official data\n"
        "(about 19,500 records): the cold-get, warm-get, memory and full-load rows measure it.\n"
        "The full load pauses the garbage collector while it builds its objects; the first\n"
        "collections afterwards still walk them (about 60-100 ms more on the first search's\n"
        "index build), so load plus first search gained less than the load row alone shows.\n"
        "The NCCI rows (`load_ptp`, `check_frame`) use full-size files generated in CMS's\n"
        "layouts (tests/ncci_gen.py), since the real quarterly files are not in ../shared.\n"
        "\n"
        f"Measured {date.today().isoformat()} on {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{proccodes.__version__}, catalog release {default_catalog().release}.\n\n"
        + "\n".join(table)
        + "\n"
        + (f"\n{KEPT}{kept}" if kept else "")
    )
    print(f"\nwrote {doc.relative_to(ROOT)}")


KEPT = "<!-- standalone benchmarks: kept as they are by benchmarks/run.py -->"


if __name__ == "__main__":
    main()

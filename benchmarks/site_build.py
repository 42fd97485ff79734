"""The static site at full scale: build time, size, and in-page search time.

    pip install -e '.[site]' playwright      # Chromium from Debian: apt-get install chromium
    python benchmarks/site_build.py                # the default catalog (about 19,500 codes)
    python benchmarks/site_build.py --stand-in     # the older full-scale stand-in

The default catalog holds every CMS HCPCS Level II and fee-schedule code. The stand-in, from
before it did: the curated records, the real 2026 HCPCS Level II release, and one uncurated
record for every other CPT-shaped code CMS's RBCS file classifies (title: our own range-level
words, never an AMA descriptor; the RBCS class attached). Targets (DESIGN.md §6):
build <= 30 s; a search in the page <= 50 ms, median over the search-quality set.
Not part of the test run.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from proccodes import Catalog, CodeKind, CodeSystem, Procedure, default_catalog  # noqa: E402
from proccodes.records import RbcsClass  # noqa: E402
from proccodes.site import build_site, range_of  # noqa: E402


def full_scale_catalog() -> Catalog:
    from proccodes import load_hcpcs

    catalog = default_catalog()
    hcpcs = load_hcpcs(SHARED / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip")
    catalog = catalog.merge(hcpcs, on_conflict="keep")
    extra: dict[str, Procedure] = {}
    with (SHARED / "cms-rbcs" / "RBCS_RY_2025.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["hcpcs_cd"]
            if row["rbcs_latest_assignment"] != "1" or code in extra:
                continue
            if code in catalog or not (code[:4].isdigit() and len(code) == 5):
                continue
            kind = CodeKind.CPT_CATEGORY_III if code.endswith("T") else CodeKind.CPT_CATEGORY_I
            if code[4].isalpha() and not code.endswith("T"):
                continue  # PLA, Category II and vaccine codes: leave them out of the stand-in
            extra[code] = Procedure(
                code=code,
                system=CodeSystem.CPT,
                kind=kind,
                title=f"{row['rbcs_family_desc']} (code in range {range_of(code)[1]})",
                rbcs=RbcsClass(
                    id=row["rbcs_id"],
                    category=row["rbcs_cat_desc"],
                    subcategory=row["rbcs_subcat_desc"],
                    family=row["rbcs_family_desc"],
                    major=row["rbcs_major_ind"] == "Y",
                ),
            )
    return catalog.merge(Catalog.from_records(extra.values()), on_conflict="keep")


def in_page_search_ms(outdir: Path, catalog: Catalog) -> tuple[float, float, float]:
    """Median ms per query of the quality set, typed into the index page; the page's load
    time (index parsed and ready); the share of queries whose top 3 agree with the library."""
    from playwright.sync_api import sync_playwright
    from tests.test_search_quality import CASES

    queries = [q for q, _, _ in CASES]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        start = time.perf_counter()
        page.goto((outdir / "index.html").resolve().as_uri())
        page.evaluate("window.proccodesSearch('warm up', 1)")
        load = (time.perf_counter() - start) * 1000
        times = page.evaluate(
            """qs => qs.map(q => {
                const input = document.getElementById('q');
                const t0 = performance.now();
                input.value = q;
                input.dispatchEvent(new Event('input'));
                document.getElementById('results').getBoundingClientRect();
                return performance.now() - t0;
            })""",
            queries,
        )
        found = page.evaluate("qs => qs.map(q => window.proccodesSearch(q, 3))", queries)
        browser.close()
    library = [[r.code for r in catalog.search(q, limit=3)] for q in queries]
    agree = [f == lib for f, lib in zip(found, library, strict=True)]
    for q, f, lib in zip(queries, found, library, strict=True):
        if f != lib:
            print(f"  differs: {q!r}: site {f}, library {lib}")
    return statistics.median(times), load, sum(agree) / len(agree)


def main() -> None:
    catalog = full_scale_catalog() if "--stand-in" in sys.argv else default_catalog()
    curated = sum(r.curated for r in catalog.values())
    print(f"catalog: {len(catalog)} codes, {curated} curated")
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(3):
            start = time.perf_counter()
            summary = build_site(Path(tmp) / "site", catalog)
            seconds.append(time.perf_counter() - start)
            print(f"  build {run + 1}: {seconds[-1]:.2f} s")
        print(
            f"build: median {statistics.median(seconds):.2f} s (target <= 30 s); "
            f"{summary.pages} pages, {summary.files} files, {summary.bytes / 1e6:.1f} MB; "
            f"search index {summary.search_index_bytes / 1e6:.2f} MB"
        )
        try:
            median, load, agree = in_page_search_ms(Path(tmp) / "site", catalog)
        except Exception as exc:  # no browser here: report the rest
            print(f"in-page search: not measured ({exc.__class__.__name__}: {exc})")
        else:
            print(
                f"in-page search: median {median:.2f} ms per query (target <= 50 ms); "
                f"index page ready in {load:.0f} ms; top 3 agree with the library on {agree:.0%}"
            )


if __name__ == "__main__":
    main()

"""The static site in a real browser: headless Chromium driven by Playwright.

A reader's path: open the index, type a misspelled query, see the right record first, open
it, find every section heading, follow an alternative's link; no console error and no request
outside the site, served over HTTP and opened from disk. The site's search agrees with
:func:`proccodes.search` on the search-quality set and answers fast. Screenshots at phone and
desktop widths go to ``site-screenshots/`` (or ``$PROCCODES_SCREENSHOTS``) for a person to look
at.

Chromium is Debian's ``chromium`` package (``/usr/bin/chromium``, or ``$PROCCODES_CHROMIUM``);
Playwright drives it, never downloads a browser. Without a browser the tests skip, except in CI
(``CI`` set), where they fail: CI installs Chromium, so its absence is a broken CI.
"""

from __future__ import annotations

import functools
import os
import shutil
import statistics
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from proccodes import search

from .conftest import ROOT
from .test_search_quality import ALL_QUERIES, CASES
from .test_site import SECTIONS

pytestmark = pytest.mark.slow  # a browser, and a site build

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SEARCH_BUDGET_MS = 50.0


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI installs it (see .ci/run)")
    pytest.skip(reason)


def _chromium() -> str:
    path = os.environ.get("PROCCODES_CHROMIUM") or shutil.which("chromium")
    path = path or shutil.which("chromium-browser") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _unavailable("no Chromium (Debian: apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def site(default_site: tuple[Path, str]) -> Path:
    """The default catalog's site, built once per session (conftest's ``default_site``)."""
    return default_site[0]


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser():
    """Chromium, each context a fresh profile (Playwright's own temporary user-data-dir)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    executable = _chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=LAUNCH_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """A page whose requests outside ``allowed`` are refused and recorded, and whose console
    errors and uncaught exceptions are recorded."""

    def __init__(
        self, browser, allowed: str, viewport: dict[str, int] = DESKTOP, *, javascript=True
    ) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.allowed = allowed

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{message.type}: {message.text}")

    def check(self) -> None:
        assert self.outside == [], "requests outside the site"
        assert self.errors == [], "console errors"
        self.context.close()


def _wait_for_index(page) -> None:
    """The search script loads its index itself, after the page: wait until it has."""
    page.wait_for_function("window.PROCCODES_INDEX !== undefined")


def _screenshot_dir() -> Path:
    folder = Path(os.environ.get("PROCCODES_SCREENSHOTS") or ROOT / "site-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _reader_journey(watch: Watch, base: str, shots: Path | None, width: str) -> None:
    page = watch.page
    page.goto(base + "index.html")
    assert page.locator("h1").inner_text() == "Procedure codes in plain words"
    page.locator("#q").click()
    page.keyboard.type("discograhy")
    first = page.locator("#results li a").first
    first.wait_for()
    assert first.inner_text().startswith("62290")
    if shots:
        page.screenshot(path=str(shots / f"index-search-{width}.png"), full_page=False)
    first.click()
    page.wait_for_url("**/codes/62290.html")
    headings = page.locator("main h2:not(.toc-title)").all_inner_texts()
    assert headings == SECTIONS
    if shots:
        page.screenshot(path=str(shots / f"record-62290-top-{width}.png"))
        page.screenshot(path=str(shots / f"record-62290-{width}.png"), full_page=True)
    alternative = page.locator("#alternatives + ul a", has_text="72148")
    alternative.click()
    page.wait_for_url("**/codes/72148.html")
    assert page.locator("h1").inner_text().startswith("72148")


def test_a_reader_finds_a_record_with_a_typo_and_follows_an_alternative(browser, server):
    shots = _screenshot_dir()
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        watch = Watch(browser, server, viewport)
        _reader_journey(watch, server, shots, width)
        watch.check()
    print(f"screenshots: {shots}")


def test_the_site_works_opened_from_disk(browser, site):
    base = site.resolve().as_uri() + "/"
    watch = Watch(browser, base)
    _reader_journey(watch, base, None, "file")
    # the header's search box of a record page hands its query to the index page
    page = watch.page
    page.locator("#q-top").fill("kyphoplasy")
    page.keyboard.press("Enter")
    page.locator("#results li a").first.wait_for()
    assert page.locator("#results li a").first.inner_text()[:5] in {"22513", "22514", "22515"}
    watch.check()


def test_keyboard_reaches_the_content_and_the_results(browser, server):
    watch = Watch(browser, server)
    page = watch.page
    page.goto(server + "codes/62290.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(server + "index.html")
    page.locator("#q").fill("lumbar MRI")
    page.keyboard.press("Enter")  # submitting moves focus to the first result
    assert page.evaluate("document.activeElement.closest('#results') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/codes/*.html")
    watch.check()


def test_pages_read_without_javascript(browser, server):
    watch = Watch(browser, server, javascript=False)
    page = watch.page
    page.goto(server + "index.html")
    assert page.locator("noscript").count() == 1
    page.locator("#families ~ ul a", has_text="62290").first.click()
    page.wait_for_url("**/codes/62290.html")
    assert page.locator("main h2:not(.toc-title)").all_inner_texts() == SECTIONS
    page.locator(".crumbs a").nth(1).click()
    page.wait_for_url("**/ranges/62290-62292.html#62290")
    assert page.locator('section[id="62290"]').count() == 1
    watch.check()


def test_the_sites_search_agrees_with_the_library_and_is_fast(browser, server):
    """Top 3 of the site and of proccodes.search agree on >= 90 % of the quality set; the
    median time from a keystroke's input event to the rendered results is <= 50 ms."""
    watch = Watch(browser, server)
    page = watch.page
    page.goto(server + "index.html")
    _wait_for_index(page)
    queries = [q for q, _, _ in CASES]
    found = page.evaluate("qs => qs.map(q => window.proccodesSearch(q, 3))", queries)
    agree = [f == [p.code for p in search(q, limit=3)] for q, f in zip(queries, found, strict=True)]
    share = sum(agree) / len(agree)
    assert share >= 0.9, [q for q, ok in zip(queries, agree, strict=True) if not ok]
    times = page.evaluate(
        """qs => qs.map(q => {
            const input = document.getElementById('q');
            const t0 = performance.now();
            input.value = q;
            input.dispatchEvent(new Event('input'));
            document.getElementById('results').getBoundingClientRect();  // layout included
            return performance.now() - t0;
        })""",
        queries,
    )
    median = statistics.median(times)
    print(f"site search: top-3 agreement {share:.0%}, median {median:.2f} ms per query")
    assert median <= SEARCH_BUDGET_MS
    watch.check()


def test_the_port_ranks_every_query_as_the_library_does(browser, server):
    """Beyond the quality set: each curated record's names, its title's first words, and the
    same with a typo, compared in full (top 10). The port is exact, so every query agrees
    unless _search.py's rules change without search.js."""
    import attrs

    from proccodes import Catalog, default_catalog

    # The site indexes records of official data only by code, title, RBCS family and range
    # (search_data leaves their CMS descriptors out): the port is compared with the library's
    # search over the catalog as the site indexes it.
    as_indexed = Catalog(
        r if r.curated else attrs.evolve(r, descriptors=(), billing=None)
        for r in default_catalog().values()
    )
    queries: list[str] = []
    for record in default_catalog().values():
        if not record.curated:
            continue
        names = [record.title, *(record.clinical.common_names if record.clinical else ())]
        for name in names:
            words = name.split()
            queries += [name, " ".join(words[:2]), name[:4], name.replace("a", "e", 1)]
    queries = list(dict.fromkeys(q for q in queries if q.strip()))
    watch = Watch(browser, server)
    page = watch.page
    page.goto(server + "index.html")
    _wait_for_index(page)
    found = page.evaluate("qs => qs.map(q => window.proccodesSearch(q, 10))", queries)
    differ = [
        (q, f, lib)
        for q, f in zip(queries, found, strict=True)
        if f != (lib := [p.code for p in as_indexed.search(q, limit=10)])
    ]
    assert len(queries) > 500
    assert differ == []
    watch.check()


# -- site search (issue 20.6) -------------------------------------------------------------------


def _as_indexed():
    """The catalog as the site indexes it (see test_the_port_ranks_every_query_as_the_library)."""
    import attrs

    from proccodes import Catalog, default_catalog

    return Catalog(
        r if r.curated else attrs.evolve(r, descriptors=(), billing=None)
        for r in default_catalog().values()
    )


def test_the_port_ranks_the_quality_set_and_typed_codes_as_the_library_does(browser, server):
    """Every query of the search-quality set (codes with modifiers, units, partial and ended
    codes, doses, brand names...) ranks the same top 10 on the site as in the library."""
    queries = [*ALL_QUERIES, "6449", "J10", "64483-RT-LT", "99 213", "j1040", "kenalog 10-mg"]
    watch = Watch(browser, server)
    page = watch.page
    page.goto(server + "index.html")
    _wait_for_index(page)
    found = page.evaluate("qs => qs.map(q => window.proccodesSearch(q, 10))", queries)
    as_indexed = _as_indexed()
    differ = [
        (q, f, lib)
        for q, f in zip(queries, found, strict=True)
        if f != (lib := [p.code for p in as_indexed.search(q, limit=10)])
    ]
    assert differ == []
    watch.check()


def test_a_query_typed_before_the_index_loads_runs_when_it_loads(browser, server):
    watch = Watch(browser, server)
    page = watch.page
    held: list = []
    page.route("**/assets/search-index.js", lambda route: held.append(route))
    page.goto(server + "index.html", wait_until="domcontentloaded")
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    page.locator("#q").fill("discogram")
    status = page.locator("#search-status")
    assert status.inner_text() == "Loading search..."
    assert page.locator("#results li").count() == 0
    assert len(held) == 1  # the index was asked for and is held back until now
    for route in held:
        route.continue_()
    page.locator("#results li a").first.wait_for()
    assert page.locator("#results li a").first.inner_text().startswith("62290")
    assert "match" in status.inner_text()
    watch.check()


def test_back_restores_the_search(browser, server):
    watch = Watch(browser, server)
    page = watch.page
    page.goto(server + "index.html")
    _wait_for_index(page)
    page.locator("#q").fill("kyphoplasty")
    page.wait_for_url("**/index.html?q=kyphoplasty")
    page.locator("#results li a").first.click()
    page.wait_for_url("**/codes/*.html")
    page.go_back()
    page.wait_for_url("**/index.html?q=kyphoplasty")
    page.locator("#results li a").first.wait_for()
    assert page.locator("#q").input_value() == "kyphoplasty"
    assert page.locator("#results li a").first.inner_text()[:5] in {"22513", "22514", "22515"}
    watch.check()


def test_only_the_status_line_is_a_live_region(browser, server):
    watch = Watch(browser, server)
    page = watch.page
    page.goto(server + "index.html")
    live = page.evaluate(
        "Array.from(document.querySelectorAll('[aria-live], [role=status], [role=alert]'))"
        ".map(e => e.id)"
    )
    assert live == ["search-status"]
    watch.check()


@pytest.mark.parametrize(
    ("query", "first", "note"),
    [
        ("64483-RT", "64483", "modifier RT"),
        ("64635 50", "64635", "modifier 50"),
        ("64483rt", "64483", "modifier RT"),
        ("cpt 97110 x4", "97110", "4 units"),
        ("6449", "64490", ""),
    ],
)
def test_codes_with_modifiers_and_partial_codes_behave_as_in_the_library(
    browser, server, query, first, note
):
    watch = Watch(browser, server)
    page = watch.page
    page.goto(server + "index.html")
    _wait_for_index(page)
    page.locator("#q").fill(query)
    page.locator("#results li a").first.wait_for()
    shown = [t[:5] for t in page.locator("#results li a").all_inner_texts()]
    assert shown[0] == first
    assert shown == [p.code for p in _as_indexed().search(query, limit=20)]
    assert note in page.locator("#search-status").inner_text()
    watch.check()


def test_the_typo_tables_are_built_in_short_steps(browser, server):
    """The one-edit and phonetic tables are built in the background as many short tasks (the
    work is chunked), and a misspelling still finds its record. Long tasks at 4x CPU slowdown
    (Chromium's CDP, PerformanceObserver 'longtask') are printed, not asserted."""
    watch = Watch(browser, server)
    page = watch.page
    page.add_init_script(
        "window.__longTasks = [];"
        "new PerformanceObserver(l => l.getEntries().forEach(e => window.__longTasks.push("
        "[e.startTime, e.duration]))).observe({type: 'longtask', buffered: true});"
    )
    cdp = watch.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(server + "index.html")
    _wait_for_index(page)
    loaded = page.evaluate("performance.now()")
    page.wait_for_function("window.proccodesSearchTablesReady === true", timeout=120_000)
    steps = page.evaluate("window.proccodesSearchSteps")
    assert steps > 10  # chunked: many tasks, not one
    tasks = page.evaluate("window.__longTasks")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    after = [round(d) for start, d in tasks if start >= loaded]
    print(
        f"\nsite search at 4x CPU slowdown: typo tables in {steps} steps; long tasks after the"
        f" index loaded: {after or 'none'} ms; all long tasks: {[round(d) for _, d in tasks]} ms"
    )
    assert page.evaluate("window.proccodesSearch('dicsogram', 1)") == ["62290"]
    watch.check()


def test_range_pages_over_200_kb_are_split_and_the_search_links_to_the_part(browser, server, site):
    from proccodes.site import RANGE_PAGE_LIMIT

    pages = list((site / "ranges").glob("*.html"))
    assert max(p.stat().st_size for p in pages) <= RANGE_PAGE_LIMIT
    parts = [p for p in pages if "-part" in p.name]
    assert parts
    watch = Watch(browser, server)
    page = watch.page
    page.goto(server + "index.html")
    _wait_for_index(page)
    page.locator("#q").fill("J7325")  # a code in a later part of J0000-J7499
    link = page.locator("#results li a").first
    link.wait_for()
    href = link.get_attribute("href")
    assert "-part" in href
    assert href.endswith("#J7325")
    link.click()
    page.wait_for_url("**/ranges/*-part*.html#J7325")
    assert page.locator('section[id="J7325"]').count() == 1
    watch.check()


# -- reflow and accessibility (issue 20, site acceptance) ---------------------------------------

NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow: 320 CSS px, no sideways scrolling

# Checks of axe-core's rules that matter here, in the page itself, cheap enough for every page:
# colour contrast of text (WCAG AA: 4.5:1, 3:1 for large text), links in text underlined,
# landmarks (one main, a banner, a content-info; no text outside them), heading order (one h1,
# no level skipped), and a label for every form field. Returns what fails, as strings.
OWN_CHECKS = """() => {
  const fails = [];
  const lum = rgb => {
    const c = rgb.map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const parse = s => { const m = s.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const visible = el => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.visually-hidden');
  const texts = Array.from(document.querySelectorAll('body *')).filter(el =>
    Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()) && visible(el));
  for (const el of texts) {
    const style = getComputedStyle(el);
    const fg = parse(style.color).slice(0, 3), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if ((hi + 0.05) / (lo + 0.05) < need - 0.005)
      fails.push('contrast: ' + el.tagName + ' ' + el.textContent.trim().slice(0, 30));
  }
  for (const a of document.querySelectorAll('main p a, main li a, main dd a, footer p a')) {
    if (a.closest('nav, .cite, ol.results, ul.codes')) continue;
    if (!getComputedStyle(a).textDecorationLine.includes('underline'))
      fails.push('link not underlined: ' + a.textContent);
  }
  if (document.querySelectorAll('main').length !== 1) fails.push('landmarks: one main');
  if (!document.querySelector('body > header')) fails.push('landmarks: no banner');
  if (!document.querySelector('body > footer')) fails.push('landmarks: no content-info');
  for (const el of texts) {
    if (!el.closest('main, header, footer, nav, .skip'))
      fails.push('text outside landmarks: ' + el.tagName);
  }
  const levels = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .map(h => Number(h.tagName[1]));
  if (levels.filter(l => l === 1).length !== 1 || levels[0] !== 1)
    fails.push('headings: one h1, first');
  levels.forEach((l, i) => {
    if (i && l > levels[i - 1] + 1) fails.push('heading order: h' + levels[i - 1] + ' then h' + l);
  });
  for (const field of document.querySelectorAll('input, select, textarea')) {
    if (field.type === 'hidden') continue;
    if (!field.labels.length && !field.getAttribute('aria-label'))
      fails.push('no label: ' + field.id);
  }
  return fails;
}"""


def _record_pages(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "codes").glob("*.html"))


def test_every_record_page_reflows_at_320_px_and_passes_the_accessibility_checks(
    browser, server, site
):
    """One page object visits every record page at 320 px: nothing scrolls sideways, and the
    page's own checks of axe-core's rules (contrast, link underline, landmarks, heading order,
    labels) find nothing."""
    names = _record_pages(site)
    assert len(names) >= 100
    watch = Watch(browser, server, NARROW)
    page = watch.page
    wide: dict[str, list[str]] = {}
    failing: dict[str, list[str]] = {}
    for name in names:
        page.goto(f"{server}codes/{name}")
        sizes = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if sizes[0] > sizes[1]:
            wide[name] = page.evaluate(
                "Array.from(document.querySelectorAll('main *')).filter(e =>"
                " e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)"
                ".slice(0, 3).map(e => e.tagName + '.' + e.className)"
            )
        found = page.evaluate(OWN_CHECKS)
        if found:
            failing[name] = found
    assert wide == {}, "record pages that scroll sideways at 320 px"
    assert failing == {}
    watch.check()


def test_the_other_pages_reflow_at_320_px_and_pass_the_accessibility_checks(browser, server, site):
    names = ["index.html", "how-to-read.html", "ranges.html", "families.html"]
    names += [f"ranges/{sorted(p.name for p in (site / 'ranges').glob('*.html'))[0]}"]
    names += [f"families/{sorted(p.name for p in (site / 'families').glob('*.html'))[0]}"]
    watch = Watch(browser, server, NARROW)
    page = watch.page
    for name in names:
        page.goto(server + name)
        sizes = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert sizes[0] <= sizes[1], name
        assert page.evaluate(OWN_CHECKS) == [], name
    watch.check()


@pytest.fixture(scope="module")
def axe_core(tmp_path_factory) -> str:
    """axe-core's script: ``$PROCCODES_AXE_JS``, else installed from the npm registry into a
    temporary folder (nothing is vendored). Skips when npm or the registry is unavailable: the
    page's own checks above cover the same rules."""
    import subprocess

    given = os.environ.get("PROCCODES_AXE_JS")
    if given:
        return Path(given).read_text(encoding="utf-8")
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("no npm to install axe-core (the own accessibility checks still run)")
    folder = tmp_path_factory.mktemp("axe")
    try:
        subprocess.run(
            [
                npm,
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(folder),
                "axe-core@4",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"axe-core could not be installed from the npm registry: {exc}")
    return (folder / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def test_axe_core_finds_no_violations(browser, server, site, axe_core):
    """axe-core (WCAG 2.x A and AA rules and best practices) on each kind of page, at phone and
    desktop widths: no violation."""
    records = _record_pages(site)
    names = ["index.html", "how-to-read.html", "ranges.html", "families.html"]
    names += [f"codes/{n}" for n in records[:: max(1, len(records) // 8)]]
    names += ["codes/64633.html", "codes/J2650.html", "ranges/62290-62292.html"]
    names += [f"families/{sorted(p.name for p in (site / 'families').glob('*.html'))[0]}"]
    found: dict[str, list] = {}
    for viewport in (NARROW, DESKTOP):
        watch = Watch(browser, server, viewport)
        page = watch.page
        for name in names:
            page.goto(server + name)
            page.add_script_tag(content=axe_core)
            violations = page.evaluate(
                "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                ".map(v => [v.id, v.nodes.length, v.nodes[0].target]))"
            )
            if violations:
                found[f"{viewport['width']}px {name}"] = violations
        watch.check()
    assert found == {}


# -- the documentation site (issue 20.7) --------------------------------------------------------


def test_the_docs_search_works_opened_from_disk(browser, tmp_path):
    """The MkDocs site built strictly, opened from file://: its search finds an API entry, and
    no request leaves the folder (the offline plugin's Worker shim is the docs' own)."""
    import subprocess
    import sys

    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    out = tmp_path / "docs"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    base = out.resolve().as_uri() + "/"
    watch = Watch(browser, base)
    page = watch.page
    page.goto(base + "index.html")
    page.locator("input.md-search__input").fill("check_catalog")
    page.locator(".md-search-result__item").first.wait_for()
    assert page.locator(".md-search-result__item").count() >= 1
    assert "api.html" in page.locator(".md-search-result__item a").first.get_attribute("href")
    watch.check()

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
from proccodes.site import build_site

from .conftest import ROOT
from .test_search_quality import CASES
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
def site(tmp_path_factory) -> Path:
    pytest.importorskip("jinja2")
    out = tmp_path_factory.mktemp("site")
    build_site(out)
    return out


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
    found = page.evaluate("qs => qs.map(q => window.proccodesSearch(q, 10))", queries)
    differ = [
        (q, f, lib)
        for q, f in zip(queries, found, strict=True)
        if f != (lib := [p.code for p in as_indexed.search(q, limit=10)])
    ]
    assert len(queries) > 500
    assert differ == []
    watch.check()

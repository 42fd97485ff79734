"""The static site, read as files: every page, every link, the search index, the CLI.

The browser checks (search in the page, navigation, screenshots) are in test_site_browser.py.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from proccodes import default_catalog, load_hcpcs
from proccodes.cli import main
from proccodes.site import MARKER, build_site, range_of, search_data

from .conftest import ROOT, SHARED, TEST_DATA, cli

pytest.importorskip("jinja2")

SECTIONS = [
    "At a glance",
    "Also called",
    "What it is for",
    "How to prepare",
    "What happens",
    "How long it takes",
    "Where it is done",
    "Who does it",
    "Risks",
    "Benefits",
    "Recovery",
    "Alternatives",
    "What it feels like",
    "Evidence",
    "Billing",
    "Sources",
    "About this record",
]


class _Page(HTMLParser):
    """The ids, links, headings, scripts and language of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.sources: list[str] = []
        self.h2: list[str] = []
        self.h1 = 0
        self.lang: str | None = None
        self._in: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        source = a.get("src") or a.get("href")
        if tag in ("script", "link", "img") and source and source != "data:,":
            self.sources.append(source)  # (the empty icon stops a request for /favicon.ico)
        if tag == "h1":
            self.h1 += 1
        if tag == "h2" and "toc-title" not in (a.get("class") or ""):
            self._in, self._text = "h2", []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._in == "h2":
            self.h2.append("".join(self._text).strip())
            self._in = None


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def mixed_catalog():
    """The shipped records and a real excerpt of CMS's HCPCS file: curated and uncurated."""
    return default_catalog().merge(
        load_hcpcs(TEST_DATA / "hcpcs2019_excerpt.txt"), on_conflict="keep"
    )


@pytest.fixture(scope="module")
def site_run(tmp_path_factory):
    """``proccodes site OUT --catalog EXCERPT`` (in this process), the site of ``mixed_catalog``:
    the folder, the summary build_site returned, and what the command printed."""
    import proccodes.site

    out = tmp_path_factory.mktemp("site") / "out"
    summaries = []

    def recording(*args, **kwargs):
        summaries.append(build_site(*args, **kwargs))
        return summaries[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(proccodes.site, "build_site", recording)
        result = cli("site", str(out), "--catalog", str(TEST_DATA / "hcpcs2019_excerpt.txt"))
    assert result.returncode == 0, result.stderr
    (summary,) = summaries
    return out, summary, result.stdout


@pytest.fixture(scope="module")
def site(site_run):
    return site_run[:2]


@pytest.fixture(scope="module")
def parsed(site) -> dict[Path, _Page]:
    """Every HTML page of ``site``, parsed once (by its resolved path) for the tests that read
    them all."""
    return {path.resolve(): _parse(path) for path in site[0].rglob("*.html")}


@pytest.mark.slow
def test_summary_counts_what_was_written(site, mixed_catalog):
    out, summary = site
    curated = sum(r.curated for r in mixed_catalog.values())
    assert summary.curated == curated == len(list((out / "codes").glob("*.html")))
    assert summary.uncurated == len(mixed_catalog) - curated > 0
    files = [p for p in out.rglob("*") if p.is_file() and p.name != MARKER]
    assert summary.files == len(files)
    assert summary.bytes == sum(p.stat().st_size for p in files)
    assert summary.search_index_bytes == (out / "assets" / "search-index.js").stat().st_size


@pytest.mark.slow
def test_every_page_is_html_in_english_with_one_h1(parsed):
    assert len(parsed) > 100
    for path, page in parsed.items():
        assert page.lang == "en", path
        assert page.h1 == 1, path
        assert len(page.ids) == len(set(page.ids)), f"{path}: duplicate ids"


@pytest.mark.slow
def test_every_link_inside_the_site_resolves(parsed, mixed_catalog):
    """Every relative link reaches a file of the site, and its anchor an id on that page."""
    ids = {path: set(page.ids) for path, page in parsed.items()}
    hosts = {"doi.org", "pubmed.ncbi.nlm.nih.gov"} | {
        urlsplit(src.url).netloc for r in mixed_catalog.values() for src in r.sources if src.url
    }
    checked = 0
    for path, page in parsed.items():
        for link in page.links + page.sources:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):  # a source's address, never fetched
                assert parts.netloc in hosts, link
                continue
            assert not parts.scheme, f"{path}: {link}"
            assert not parts.netloc, f"{path}: {link}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path.resolve()
            assert target.is_file(), f"{path}: {link}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target], f"{path}: {link}"
            checked += 1
    assert checked > 1000


@pytest.mark.slow
def test_no_page_loads_anything_from_outside_the_site(site, parsed):
    out, _ = site
    assert len(parsed) > 100
    for path, page in parsed.items():
        for src in page.sources:
            assert not urlsplit(src).scheme, f"{path}: {src}"
            assert not src.startswith("//"), f"{path}: {src}"
    for name in ("style.css", "search.js"):
        text = (out / "assets" / name).read_text(encoding="utf-8")
        pattern = r"(?<![.\w])url\(|@import|\bfetch\(|XMLHttpRequest|\bimport\s*\(|https?:|//cdn"
        assert not re.search(pattern, text), name


@pytest.mark.slow
def test_a_curated_page_has_every_section_in_reading_order(site):
    out, _ = site
    page = _parse(out / "codes" / "62290.html")
    assert page.h2 == SECTIONS
    text = (out / "codes" / "62290.html").read_text(encoding="utf-8")
    assert 'href="https://doi.org/10.1097/BRS.0b013e3181ab5432"' in text
    reviewed = default_catalog()["62290"].reviewed
    assert f"Content last reviewed {reviewed.isoformat()}." in text
    assert "CPT® is a registered trademark" in text
    # alternatives and companion codes link to their pages
    assert '<a href="../codes/72148.html">72148</a>' in text
    assert '<a href="../codes/22899.html">22899</a>' in text
    assert "no code of its own" in text


@pytest.mark.slow
def test_an_uncurated_code_has_a_stable_anchor_saying_it_is_not_curated(site, mixed_catalog):
    out, _ = site
    code = next(c for c, r in mixed_catalog.items() if not r.curated)
    key, _ = range_of(code)
    text = (out / "ranges" / f"{key}.html").read_text(encoding="utf-8")
    entry = text[text.index(f'<section id="{code}"') :]
    entry = entry[: entry.index("</section>")]
    assert "Not curated" in entry
    assert mixed_catalog[code].title in entry.replace("&#39;", "'").replace("&amp;", "&")
    # and the search index points there
    data = search_data(mixed_catalog)
    assert data["ranges"][data["where"][data["codes"].index(code)]] == key


def _entries(out: Path) -> dict[str, tuple[str, str]]:
    """Each code on a range page: (the page's name, the code's entry)."""
    found: dict[str, tuple[str, str]] = {}
    entry = re.compile(r'<section id="([A-Z0-9]+)" class="entry"[^>]*>(.*?)</section>', re.S)
    for path in (out / "ranges").glob("*.html"):
        for m in entry.finditer(path.read_text(encoding="utf-8")):
            assert m[1] not in found, f"{m[1]} on two pages"
            found[m[1]] = (path.stem, m[2])
    return found


@pytest.mark.slow
def test_every_code_is_on_the_page_of_its_range_saying_whether_it_is_curated(site, mixed_catalog):
    """The whole default catalog (and an HCPCS excerpt): each code has an anchor on the page
    named by its narrowest range of proccodes.ranges, a URL that depends on the code alone;
    every code that is not curated says so there."""
    from proccodes.ranges import range_of as narrowest

    out, _ = site
    entries = _entries(out)
    assert entries.keys() == set(mixed_catalog)
    assert len(entries) > 19_000
    for code, record in mixed_catalog.items():
        page, entry = entries[code]
        node = narrowest(code)
        assert node is not None
        assert page == node.id or page.startswith(f"{node.id}-part"), code  # a long range: parts
        assert ("Not curated" in entry) is (not record.curated), code
        if record.curated:
            assert f'href="../codes/{code}.html"' in entry


@pytest.mark.slow
def test_the_ranges_page_follows_the_range_hierarchy(site):
    from proccodes.ranges import get_range

    out, _ = site
    text = (out / "ranges.html").read_text(encoding="utf-8")
    surgery = text.index(f"<h2>{get_range('surgery').label}</h2>")
    nervous = text.index(f"<h3>{get_range('surgery-nervous').label}</h3>")
    page = text.index('href="ranges/62290-62292.html"')
    assert surgery < nervous < page
    linked = set(re.findall(r'href="ranges/([^"]+)\.html"', text))
    # a long range's later parts (ID-part2...) are linked from its first part
    assert linked == {p.stem for p in (out / "ranges").glob("*.html") if "-part" not in p.stem}


@pytest.mark.slow
def test_every_classified_code_is_listed_under_its_rbcs_class(site, mixed_catalog):
    out, _ = site
    listed: dict[str, str] = {}
    for path in (out / "families").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for code in re.findall(r'<a href="[^"]+"><span class="code">([A-Z0-9]+)</span>', text):
            listed[code] = path.stem
    classified = {c: r.rbcs.id for c, r in mixed_catalog.items() if r.rbcs is not None}
    assert listed == classified
    assert len(classified) > 10_000
    index = (out / "families.html").read_text(encoding="utf-8")
    assert set(re.findall(r'href="families/([^"]+)\.html"', index)) == set(classified.values())


@pytest.mark.slow
def test_fee_schedule_facts_read_in_words_on_curated_and_other_codes(site, mixed_catalog):
    from proccodes._describe import pfs_lines

    out, _ = site
    record = (out / "codes" / "62290.html").read_text(encoding="utf-8")
    assert (
        '<th scope="row">Global period</th><td>000, 0 days: same-day care after the procedure'
        " is included" in record
    )
    assert '<th scope="row">Bilateral</th><td>0, no bilateral payment adjustment' in record
    entries = _entries(out)
    shown = 0
    for code, r in mixed_catalog.items():
        if r.curated or r.pfs is None:
            continue
        entry = html.unescape(entries[code][1])
        for line in pfs_lines(r.pfs):
            what, meaning = line.split(": ", 1)
            assert f"<dt>{what}</dt><dd>{meaning}</dd>" in entry, code
        shown += 1
    assert shown > 5_000
    visit = entries["99213"][1]
    assert "<dt>Status</dt><dd>A, paid separately under the fee schedule" in visit
    assert "<dt>Global period</dt><dd>XXX, no global period applies</dd>" in visit


@pytest.mark.slow
def test_a_curated_hcpcs_page_shows_the_public_official_texts(site):
    out, _ = site
    text = (out / "codes" / "J2650.html").read_text(encoding="utf-8")
    assert "Official HCPCS texts" in text
    assert "From the CMS HCPCS file" in text
    assert "CPT® is a registered trademark" not in text.split("<footer")[0]
    # the HCPCS facts carry their schema labels, not the capitalised field names
    assert "<dt>BETOS</dt>" in text
    assert "<dt>Betos</dt>" not in text


def test_text_from_a_catalog_is_escaped(tmp_path):
    import attrs

    record = default_catalog()["62290"]
    hostile = attrs.evolve(
        record,
        title="<script>alert(1)</script>",
        sources=(attrs.evolve(record.sources[0], url="javascript:alert(1)"),),
    )
    from proccodes import Catalog

    build_site(tmp_path, Catalog.from_records([hostile]))
    text = (tmp_path / "codes" / "62290.html").read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert 'href="javascript:' not in text


@pytest.mark.slow
def test_the_search_index_is_the_librarys(mixed_catalog):
    data = search_data(default_catalog())
    assert data["codes"] == sorted(default_catalog())
    assert set(data["postings"]) >= {"discogram", "lumbar", "epidural"}
    assert "lumbar discogram" in data["names"]
    assert "lumbar discography disc injection for a discogram" not in data["names"]  # a title
    with pytest.raises(TypeError, match="catalog must be a Catalog"):
        search_data({})  # type: ignore[arg-type]


def test_contrast_of_the_style_sheet_meets_wcag_aa():
    css = (ROOT / "src" / "proccodes" / "site" / "static" / "style.css").read_text("utf-8")
    colours = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", css))

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def ratio(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    for name in ("text", "muted", "link", "visited", "warn"):
        for background in ("#ffffff", colours["tint"], "#fff8e1"):
            assert ratio(colours[name], background) >= 4.5, (name, background)
    assert ratio("#ffffff", colours["accent"]) >= 4.5  # button text


def test_build_refuses_a_folder_that_is_not_a_site(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty"):
        build_site(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(ValueError, match="not a folder"):
        build_site(tmp_path / "notes.txt")
    with pytest.raises(TypeError, match="outdir must be a path"):
        build_site(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="catalog must be a Catalog"):
        build_site(tmp_path / "new", catalog={})  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_rebuild_replaces_the_earlier_site(tmp_path, site):
    earlier = tmp_path / "site"
    shutil.copytree(site[0], earlier)  # an earlier build, its marker file included
    (earlier / "codes" / "99999.html").write_text("stale", encoding="utf-8")
    build_site(earlier)
    assert not (earlier / "codes" / "99999.html").exists()
    assert (earlier / "codes" / "62290.html").is_file()


@pytest.mark.slow
def test_cli_writes_the_site(site_run):
    """The ``site_run`` fixture is ``proccodes site OUT --catalog EXCERPT`` (the site without
    --catalog, conftest's ``default_site``, is the browser tests')."""
    out, _, printed = site_run
    assert printed.startswith("wrote ")
    curated = sum(r.curated for r in default_catalog().values())
    assert f"{curated} curated records" in printed
    assert (out / "index.html").is_file()


@pytest.mark.slow
def test_cli_takes_a_users_catalog(site_run, mixed_catalog):
    """The ``site_run`` fixture is ``proccodes site OUT --catalog EXCERPT``."""
    out, summary, printed = site_run
    assert "0 other codes" not in printed
    assert f"{summary.uncurated} other codes" in printed
    assert summary.curated + summary.uncurated == len(mixed_catalog)  # the file's codes added
    assert (out / "ranges" / "hcpcs-C.html").is_file()  # its C97xx codes


def test_cli_says_how_to_fix_a_bad_folder(tmp_path, capsys):
    (tmp_path / "x").write_text("", encoding="utf-8")
    assert main(["site", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not a folder" in err


def test_cli_without_jinja2_says_which_extra_to_install(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "jinja2", None)
    assert main(["site", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == "proccodes: error: the site needs Jinja2: pip install 'proccodes[site]'\n"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="needs ../shared (CMS files)")
def test_a_whole_hcpcs_release_builds(tmp_path):
    """The 2026 HCPCS release (about 8,600 codes): every code is on its range's page."""
    release = load_hcpcs(
        SHARED / "data" / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip"
    )
    catalog = default_catalog().merge(release, on_conflict="keep")
    summary = build_site(tmp_path, catalog)
    assert summary.uncurated + summary.curated == len(catalog)
    listed = set()
    for path in (tmp_path / "ranges").glob("*.html"):
        listed.update(re.findall(r'<section id="([A-Z0-9]+)"', path.read_text(encoding="utf-8")))
    assert listed == set(catalog)
    data = json.loads(
        (tmp_path / "assets" / "search-index.js")
        .read_text(encoding="utf-8")
        .removeprefix("window.PROCCODES_INDEX = ")
        .removesuffix(";\n")
    )
    assert len(data["codes"]) == len(catalog)


def test_the_docs_site_lists_every_page_and_builds_strictly():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^strict: true$", config, re.MULTILINE)
    listed = set(re.findall(r"^  - [^:]+: ([\w-]+\.md)$", config, re.MULTILINE))
    assert listed == {p.name for p in (ROOT / "docs").glob("*.md")}
    assert "::: proccodes.site" in (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def test_fee_schedule_facts_and_the_rbcs_class_show_on_the_record(tmp_path):
    import attrs

    from proccodes import Catalog
    from proccodes.records import GlobalDays, PfsFacts, PfsStatus, RbcsClass

    pfs = PfsFacts(
        release="CMS PFS RVU25D (October 2025)",
        status=PfsStatus.ACTIVE,
        global_days=GlobalDays.DAYS_0,
        work_rvu=1.5,
        facility_total=2.25,
    )
    rbcs = RbcsClass(id="PM007O", category="Procedure", subcategory="Musculoskeletal", family="F")
    record = attrs.evolve(
        default_catalog()["62290"],
        pfs=pfs,
        pfs_by_modifier=(attrs.evolve(pfs, modifier="26", facility_total=1.75),),
        rbcs=rbcs,
    )
    build_site(tmp_path, Catalog.from_records([record], release="test"))
    text = (tmp_path / "codes" / "62290.html").read_text(encoding="utf-8")
    assert "<caption>CMS PFS RVU25D (October 2025)</caption>" in text
    assert '<th scope="row">Global period</th><td>000, 0 days: same-day care' in text
    assert '<th scope="row">Work RVU</th><td>1.5</td>' in text
    assert (
        '<th scope="row">Total RVU with modifier 26</th><td>not stated non-facility, 1.75 facility'
        in text
    )
    assert "Procedure › Musculoskeletal › F (PM007O)" in text
    assert "Medicare fee-schedule facts: CMS PFS RVU25D (October 2025)." in text


# -- the record page (issue 20.5) ---------------------------------------------------------------


def _glance(text: str) -> str:
    return text.split('<section class="glance"', 1)[1].split("</section>", 1)[0]


def test_the_code_comes_first_in_the_title_and_a_not_medical_advice_line_is_near_the_top(site):
    out, _ = site
    for record in default_catalog().values():
        if not record.curated:
            continue
        text = (out / "codes" / f"{record.code}.html").read_text(encoding="utf-8")
        title = html.unescape(re.search(r"<title>(.*?)</title>", text).group(1))
        assert title.startswith(f"{record.code} {record.title}"), record.code
        top = text.split('<p class="lead">', 1)[0]
        assert "not medical advice" in top, record.code


def test_an_at_a_glance_box_under_the_summary_serves_patients_and_coders(site):
    out, _ = site
    for record in default_catalog().values():
        if not record.curated:
            continue
        text = (out / "codes" / f"{record.code}.html").read_text(encoding="utf-8")
        assert text.index('<p class="lead">') < text.index('<section class="glance"'), record.code
        assert text.index('<section class="glance"') < text.index('<nav class="toc"')
        box = _glance(text)
        c, b, pfs = record.clinical, record.billing, record.pfs
        assert "<h3>For patients</h3>" in box
        assert "<h3>For coders</h3>" in box
        assert f"Usually {c.duration.minutes_min}" in box
        for title, present in (
            ("What happens", c.steps),
            ("Recovery", c.recovery),
            ("Main risks", c.risks),
            ("Unit", b),
            ("Companions", b and b.companion_codes),
        ):
            assert (f"<dt>{title}</dt>" in box) == bool(present), (record.code, title)
        if b is not None:
            assert b.unit_of_service.value in box
            linked = [*(b.primary_codes if b.add_on else b.add_on_codes)]
            for code in linked + [ref.code for ref in b.companion_codes]:
                assert code in box, (record.code, code)
            for req in b.requirements:
                assert f"<dt>{req.kind.value.capitalize()}</dt>" in box, record.code
                if req.effective:
                    assert req.effective.isoformat() in box
        if pfs is not None and pfs.global_days is not None:
            assert f"<dt>Global days</dt><dd>{pfs.global_days.value}, " in box, record.code
        if pfs is not None and pfs.multiple_procedure is not None:
            assert f"<dt>Multiple procedures</dt><dd>{pfs.multiple_procedure.value}, " in box
        if pfs is not None and pfs.bilateral is not None:
            assert f"<dt>Bilateral</dt><dd>{pfs.bilateral.value}, " in box
        if pfs is not None and pfs.non_facility_total is not None:
            assert f"<dt>Total RVUs</dt><dd>{pfs.non_facility_total:g} non-facility" in box


def test_prior_authorization_is_at_a_glance(site):
    out, _ = site
    text = (out / "codes" / "64633.html").read_text(encoding="utf-8")
    box = _glance(text)
    assert "<dt>Prior authorization</dt><dd>Medicare, hospital outpatient department, from" in box
    assert 'id="requirements"' in text


def test_the_medicare_facts_are_shown_once_in_one_table(site):
    out, _ = site
    for record in default_catalog().values():
        if not record.curated or record.pfs is None:
            continue
        text = (out / "codes" / f"{record.code}.html").read_text(encoding="utf-8")
        body = text.split('<section class="glance"', 1)[1].split("</section>", 1)[1]
        assert body.count('<table class="pfs">') == 1, record.code
        assert 'class="facts-list pfs-words"' not in body
        if record.pfs.status is not None:
            assert body.count(f">{record.pfs.status.value}, ") == 1, record.code
        if record.pfs.work_rvu is not None:
            assert body.count("Work RVU") == 1, record.code


def test_family_headings_are_words_ordered_head_to_foot(site):
    out, _ = site
    text = (out / "index.html").read_text(encoding="utf-8")
    part = text.split('id="families"', 1)[1].split('id="all-codes"', 1)[0]
    headings = [html.unescape(h) for h in re.findall(r"<h3>(.*?)</h3>", part)]
    files = {p.stem for p in (ROOT / "src" / "proccodes" / "data").glob("*.json")}
    assert len(headings) >= len(files) - 1
    for heading in headings:
        assert "_" not in heading, heading
        assert ".json" not in heading, heading
        assert heading not in files, heading
    # head and neck first, then the spine, the lower back, the sacrum, elsewhere, therapy
    order = [
        "Botulinum toxin injections for migraine",
        "Neck fusion",
        "Spinal fusion",
        "Treatments inside the disc",
        "Sacroiliac joint",
        "Joint injections",
        "Conservative care and drugs",
    ]
    places = [headings.index(h) for h in order]
    assert places == sorted(places)


# -- the documentation site (issue 20.7) --------------------------------------------------------


def test_docstrings_use_mkdocstrings_cross_references_not_sphinx_roles():
    role = re.compile(r":(func|class|meth|attr|mod|data|exc|obj):`")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "src" / "proccodes").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if role.search(line)
    ]
    assert found == []


def test_the_api_reference_shows_typed_signatures_and_google_style_sections():
    import inspect

    import proccodes
    import proccodes.site

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for option in (
        "docstring_style: google",
        "show_signature_annotations: true",
        "separate_signature: true",
        "signature_crossrefs: true",
        "  - offline",
    ):
        assert option in config, option
    public = [getattr(proccodes, n) for n in proccodes.__all__]
    public += [proccodes.site.build_site, proccodes.site.search_data, proccodes.site.range_of]
    public += [
        getattr(proccodes.Catalog, name)
        for name in ("get", "lookup", "suggest", "active_on", "merge", "merge_report", "search")
    ]
    public += [proccodes.Catalog.from_records.__func__]
    for function in (f for f in public if inspect.isfunction(f)):
        doc = inspect.getdoc(function) or ""
        assert "\nReturns:\n" in doc, function.__name__
        parameters = [p for p in inspect.signature(function).parameters if p not in ("self", "cls")]
        if parameters:
            assert "\nArgs:\n" in doc, function.__name__
            for name in parameters:
                assert f"\n    {name}: " in doc, (function.__name__, name)


def test_the_docs_home_page_gives_the_install_command():
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme.split("```sh\n", 1)[1].splitlines()[0]
    assert "pip install" in install
    assert install in home


def test_the_docs_theme_colours_meet_wcag_aa_and_links_are_underlined():
    css = (ROOT / "docs" / "extra.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--(md-[a-z-]+):\s*(#[0-9a-f]{6})", css))

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def ratio(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    tokens = [name for name in colours if name.startswith("md-code-hl-")]
    assert len(tokens) >= 10
    for name in [*tokens, "md-code-fg-color", "md-typeset-a-color"]:
        for background in ("#ffffff", colours["md-code-bg-color"]):
            assert ratio(colours[name], background) >= 4.5, (name, background)
    assert ratio(colours["md-footer-fg-color--lighter"], "#171717") >= 4.5
    assert re.search(r"\.md-typeset a \{[^}]*text-decoration: underline", css)

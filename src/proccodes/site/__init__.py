"""A static reference site of a catalog: a page per curated record, every code reachable.

[`build_site`][proccodes.site.build_site] writes plain HTML and CSS (Jinja2 templates, from the
``proccodes[site]``
extra) that read on a phone, on a desktop and on paper, and a search box that works offline
from the files alone, opened from disk or served by any static host.

The site's layout, relative to its folder (every URL below is stable from one build to the
next):

========================  ===============================================================
``index.html``            the search box, curated records by family, links to the rest
``how-to-read.html``      how to read a record: each section, curated or not, the sources
``ranges.html``           every range page, under its section and subsection
``families.html``         every RBCS class (CMS's category, subcategory and family)
``codes/CODE.html``       a curated record, its sections in reading order
``ranges/ID.html#CODE``   every code of one range; an uncurated code has its anchor here
                          (a range over 200 KB is split: ``ID-part2.html``...)
``families/ID.html``      every code of one RBCS class, linked to its record or anchor
``assets/``               the style sheet, the search script and its index
========================  ===============================================================

A range page is a leaf of [`proccodes.ranges`][proccodes.ranges] (a CPT range, a Level II range or
letter
group: [`range_of`][proccodes.site.range_of]), its file named by the range's id, so a code's URL
depends only on the
code and the shipped range table, not on what else the catalog holds. Each not-curated code
says so on its anchor, with its official texts, its Medicare fee-schedule facts in words and
its RBCS class.

The search script ranks as [`proccodes.search`][proccodes.search] does (the same index, the same
rules,
ported to JavaScript). Curated records are indexed as the library indexes them; a record
that is not curated is indexed without its official descriptors (by its code, title, RBCS
family and range names), which keeps the index small.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from .._schema import labels
from ..catalog import Catalog, default_catalog
from ..errors import ArgumentTypeError, ArgumentValueError, DataError
from ..records import HcpcsFacts, PfsFacts, Procedure, Statement

__all__ = ["SiteSummary", "build_site", "range_of", "search_data"]

MARKER = ".proccodes-site"
TRADEMARK = (
    "CPT® is a registered trademark of the American Medical Association. CPT codes appear here "
    "without the AMA's descriptors; titles and text are proccodes' own words."
)
EXTRA_HINT = "the site needs Jinja2: pip install 'proccodes[site]'"

# The shipped curated data files (the record families): each family's heading in words and
# its place in the body, head to foot (a file not listed here gets its name in words and the
# place of its records' most common body region).
_FAMILY_NAMES = {
    "chemodenervation": ("Botulinum toxin injections for migraine", 0),
    "sympathetic": ("Head, neck and sympathetic nerve blocks", 0),
    "cervical_fusion": ("Neck fusion", 1),
    "disc_replacement": ("Artificial disc replacement", 1),
    "myelography": ("Myelography", 2),
    "epidural": ("Epidural and nerve-root injections", 2),
    "epidural_catheter": ("Epidural catheters and blood patches", 2),
    "facet": ("Facet joints and their nerves", 2),
    "ablation": ("Nerve ablation", 2),
    "discography": ("Discography", 2),
    "augmentation": ("Vertebral augmentation", 2),
    "decompression": ("Decompression surgery", 2),
    "fusion": ("Spinal fusion", 2),
    "instrumentation": ("Spinal implants and bone grafts", 2),
    "stimulation": ("Spinal cord and nerve stimulation", 2),
    "intrathecal_pump": ("Spinal drug pumps", 2),
    "imaging_guidance": ("Imaging guidance for injections", 2),
    "decompression_minimal": ("Minimally invasive lower-back decompression", 3),
    "interspinous": ("Interspinous spacers", 3),
    "intradiscal": ("Treatments inside the disc", 3),
    "imaging": ("Imaging", 3),
    "sacroiliac": ("Sacroiliac joint", 4),
    "sacroplasty": ("Sacroplasty", 4),
    "joint_injection": ("Joint injections", 5),
    "knee_replacement": ("Knee replacement", 5),
    "peripheral_nerve": ("Peripheral nerve blocks and ablation", 5),
    "trigger_point": ("Trigger point injections", 5),
    "conservative": ("Conservative care and drugs", 6),
}
# A body region's place, head to foot, for a family the table above does not list.
_REGION_PLACE = {
    "cervical": 1,
    "cervical or thoracic": 2,
    "thoracic": 2,
    "thoracic or lumbar": 2,
    "spine": 2,
    "lumbar": 3,
    "lumbar or sacral": 3,
    "sacral": 4,
    "any": 5,
    "not applicable": 5,
}


@attrs.frozen(kw_only=True)
class SiteSummary:
    """What [`build_site`][proccodes.site.build_site] wrote: counts, sizes and how long it took."""

    outdir: Path
    curated: int
    uncurated: int
    pages: int
    files: int
    bytes: int
    search_index_bytes: int
    seconds: float


def range_of(code: str) -> tuple[str, str]:
    """The page a code is listed on: a stable key (its file name) and the page's title.

    The key is the id of the narrowest range of [`proccodes.ranges`][proccodes.ranges] that holds
    the code
    (a CPT range, a Level II range or letter group), the title that range's label. A code no
    range holds (a user's catalog may have any text) groups by its first three characters.

    >>> range_of("62290")[0]
    '62290-62292'
    >>> range_of("J2650")[0], range_of("G0260")[0]
    ('J0000-J7499', 'hcpcs-G')
    >>> range_of("ABCDE")
    ('ABC', 'Other codes ABC')

    Args:
        code: the code, as text.

    Returns:
        The page's key (its file name without ``.html``) and its title.
    """
    from ..ranges import range_of as narrowest

    node = narrowest(code)
    if node is not None:
        return node.id, node.label
    return code[:3], f"Other codes {code[:3]}"


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def _digits(number: int) -> str:
    """A number as base-32 digits, most significant first: the last from ``_DIGITS[:32]``,
    the others from ``_DIGITS[32:]``, so numbers follow each other without separators.

    >>> _digits(1), _digits(31), _digits(32), _digits(1000)
    ('1', 'v', 'x0', '_8')
    """
    out = [_DIGITS[number % 32]]
    number //= 32
    while number:
        out.append(_DIGITS[32 + number % 32])
        number //= 32
    return "".join(reversed(out))


def search_data(catalog: Catalog, *, pages: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The search index the site's script reads: the library's index, in compact JSON form.

    Curated records are indexed as [`proccodes.search`][proccodes.search] indexes them; the others
    by code
    and title only (their official descriptors are left out to keep the file small). Record
    ``i`` is the ``i``-th code in code order. Compact forms, which ``search.js`` expands:

    - ``titles`` lists each distinct title once; ``title[i]`` is record ``i``'s;
    - ``where[i]`` is ``-1`` for a curated record (its own page), else its range in ``ranges``;
    - ``postings[token]`` is ``[idf, text]``, the text the numbers record, weight, record,
      weight... in `_digits` form, each record number after the first a difference from
      the one before, each weight a place in ``weights`` (the most common first);
    - ``names`` holds only what the titles do not say: a title's words make a name of its
      record by themselves;
    - ``params`` are the ranking's constants, ``ended`` and ``successors`` the ended codes
      and what replaces them, all from `proccodes._search.SearchIndex.export`, so
      that the script and the library cannot drift.

    ``pages`` maps a code to the range page it is listed on when that is not its range's own
    (a range page over [`RANGE_PAGE_LIMIT`][proccodes.site.RANGE_PAGE_LIMIT] bytes is split:
    ``ID-part2``...); ``ranges``
    then lists those pages.

    >>> from proccodes import default_catalog
    >>> data = search_data(default_catalog())
    >>> [data["codes"][i] for i in data["names"]["discogram"]]
    ['62290', '62291']

    Args:
        catalog: the records to index.
        pages: each code listed on a part of a split range page, to that page's name.

    Returns:
        The index, ready for ``json.dumps``.

    Raises:
        TypeError: ``catalog`` is not a Catalog.
    """
    if not isinstance(catalog, Catalog):
        raise ArgumentTypeError(f"catalog must be a Catalog, not {type(catalog).__name__}")
    from .._search import SearchIndex, name_key, tokenize

    records = [
        r if r.curated else attrs.evolve(r, descriptors=(), billing=None) for r in catalog.values()
    ]
    exported = SearchIndex(records).export()
    ordered = [catalog[code] for code in exported["codes"]]
    # weights by how often they occur, so the common ones take one digit
    uses = Counter(w for found in exported["postings"].values() for w in found.values())
    weights = {w: n for n, (w, _) in enumerate(sorted(uses.items(), key=lambda x: (-x[1], x[0])))}
    postings: dict[str, list[float | str]] = {}
    for token, found in exported["postings"].items():
        digits: list[str] = []
        last = 0
        for i, weight in sorted((int(i), w) for i, w in found.items()):
            digits += (_digits(i - last), _digits(weights[weight]))
            last = i
        postings[token] = [exported["idf"][token], "".join(digits)]
    by_title = [name_key(r.title) if tokenize(r.title) else "" for r in ordered]
    names: dict[str, list[int]] = {}
    for name, ids in exported["names"].items():
        rest = [i for i in ids if by_title[i] != name]
        if rest:
            names[name] = rest
    titles: dict[str, int] = {}
    ranges: dict[str, int] = {}
    return {
        "params": exported["params"],
        "codes": exported["codes"],
        "title": [titles.setdefault(r.title, len(titles)) for r in ordered],
        "titles": list(titles),
        "where": [
            -1
            if r.curated
            else ranges.setdefault((pages or {}).get(r.code) or range_of(r.code)[0], len(ranges))
            for r in ordered
        ],
        "ranges": list(ranges),
        "addons": exported["add_ons"],
        "ended": exported["ended"],
        "successors": exported["successors"],
        "weights": list(weights),
        "postings": postings,
        "names": names,
    }


def build_site(outdir: str | os.PathLike[str], catalog: Catalog | None = None) -> SiteSummary:
    """Write the static site of ``catalog`` (default: the shipped one) into ``outdir``.

    ``outdir`` is created if needed; it must be empty or hold an earlier build (which is
    replaced). Needs the ``proccodes[site]`` extra (Jinja2).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     summary = build_site(tmp)
    ...     page = (summary.outdir / "codes" / "62290.html").read_text(encoding="utf-8")
    >>> summary.curated > 0, "<h2 id=\\"alternatives\\">Alternatives</h2>" in page
    (True, True)

    Args:
        outdir: the folder to write; new, empty, or an earlier build.
        catalog: the records to publish; default, the shipped catalog.

    Returns:
        What was written: counts, sizes and the time it took.

    Raises:
        ModuleNotFoundError: Jinja2 is not installed (``pip install 'proccodes[site]'``).
        TypeError: ``outdir`` is not a path or ``catalog`` not a Catalog.
        ValueError: ``outdir`` is a file, or a folder that is not empty and holds no earlier
            build.
    """

    started = time.perf_counter()
    if not isinstance(outdir, str | os.PathLike):
        raise ArgumentTypeError(f"outdir must be a path, not {type(outdir).__name__}")
    if catalog is None:
        catalog = default_catalog()
    elif not isinstance(catalog, Catalog):
        raise ArgumentTypeError(f"catalog must be a Catalog, not {type(catalog).__name__}")
    try:
        import jinja2
    except ImportError:
        raise ModuleNotFoundError(EXTRA_HINT, name="jinja2") from None
    out = Path(outdir)
    site = _Site(catalog)
    families = site.rbcs_families()
    _check_page_names(site, families)  # before anything is removed or written
    _prepare(out)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("proccodes.site", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        trademark=TRADEMARK,
        release=catalog.release,
        as_of=catalog.as_of,
        label=_label,
        money=_number,
    )
    env.filters["thousands"] = "{:,}".format
    written = _Writer(out)
    for name in ("style.css", "search.js"):
        written.write(
            f"assets/{name}", resources.files(__name__).joinpath("static", name).read_text("utf-8")
        )
    range_pages = _range_pages(env.get_template("range.html"), site)
    data = json.dumps(
        search_data(catalog, pages=site.page_of), separators=(",", ":"), ensure_ascii=False
    )
    index_text = f"window.PROCCODES_INDEX = {data};\n"
    written.write("assets/search-index.js", index_text)

    record_page = env.get_template("record.html")
    for record in site.curated:
        written.page(
            f"codes/{record.code}.html",
            record_page.render(
                root="../", r=record, s=site, page_title=f"{record.code} {record.title}"
            ),
        )
    for name, text in range_pages:
        written.page(name, text)
    family_page = env.get_template("family.html")
    for category, classes in families:
        for class_id, title, records in classes:
            written.page(
                f"families/{class_id}.html",
                family_page.render(
                    root="../",
                    class_id=class_id,
                    records=records,
                    s=site,
                    page_title=f"{category} › {title}",
                ),
            )
    for name, title in (
        ("index", "Procedure codes in plain words"),
        ("how-to-read", "How to read a record"),
        ("ranges", "All codes by range"),
        ("families", "All codes by RBCS family"),
    ):
        written.page(
            f"{name}.html",
            env.get_template(f"{name}.html").render(
                root="", s=site, page_title=title, families=families
            ),
        )
    return SiteSummary(
        outdir=out,
        curated=len(site.curated),
        uncurated=len(catalog) - len(site.curated),
        pages=written.pages,
        files=written.files,
        bytes=written.bytes,
        search_index_bytes=len(index_text.encode("utf-8")),
        seconds=time.perf_counter() - started,
    )


RANGE_PAGE_LIMIT = 200_000
"""A range page larger than this (in bytes) is split: ``ID.html``, ``ID-part2.html``..."""


def _range_pages(template: Any, site: _Site) -> list[tuple[str, str]]:
    """Every range page's file name and text; a range over
    [`RANGE_PAGE_LIMIT`][proccodes.site.RANGE_PAGE_LIMIT] bytes is
    split into as few parts of consecutive codes as keep each under it (the first keeps the
    range's own name). Fills ``site.page_of`` for the codes of later parts."""
    from ..ranges import path_of

    written: list[tuple[str, str]] = []
    for key, (title, records) in site.ranges.items():
        path = path_of(records[0].code)
        count = 1
        while True:
            size = -(-len(records) // count)
            chunks = [records[at : at + size] for at in range(0, len(records), size)]
            names = [key] + [f"{key}-part{n}" for n in range(2, len(chunks) + 1)]
            for name, chunk in zip(names, chunks, strict=True):
                for record in chunk:
                    if name != key:
                        site.page_of[record.code] = name
                    else:
                        site.page_of.pop(record.code, None)
            parts = [
                (name, f"{chunk[0].code}-{chunk[-1].code}")
                for name, chunk in zip(names, chunks, strict=True)
            ]
            texts = [
                template.render(
                    root="../",
                    key=name,
                    records=chunk,
                    s=site,
                    page_title=title if len(chunks) == 1 else f"{title} ({label})",
                    path=path,
                    parts=parts if len(chunks) > 1 else [],
                )
                for (name, label), chunk in zip(parts, chunks, strict=True)
            ]
            if len(chunks) == len(records) or all(
                len(t.encode("utf-8")) <= RANGE_PAGE_LIMIT for t in texts
            ):
                break
            largest = max(len(t.encode("utf-8")) for t in texts)
            count = max(count + 1, count * largest // RANGE_PAGE_LIMIT)
        written += [(f"ranges/{name}.html", text) for name, text in zip(names, texts, strict=True)]
    return written


def _prepare(out: Path) -> None:
    """Make ``out`` ready: new, empty, or an earlier build (whose files are removed)."""
    if out.exists() and not out.is_dir():
        raise ArgumentValueError(f"{out}: exists and is not a folder; give a new or empty folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ArgumentValueError(
                f"{out}: the folder is not empty and holds no earlier proccodes site; "
                "give a new or empty folder"
            )
        for sub in _SUBFOLDERS:
            folder = out / sub
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                folder.unlink()  # the link only: never what it points to
            elif folder.is_dir():
                shutil.rmtree(folder)
    for sub in _SUBFOLDERS:
        (out / sub).mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("a site written by `proccodes site`; rebuilt in place\n", "utf-8")


_SUBFOLDERS = ("codes", "ranges", "families", "assets")
# A page's file name comes from an identifier of the catalog (a code, a range or RBCS id): a
# user's catalog may hold any text there, so only these spellings name a file.
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:[.][A-Za-z0-9_-]+)*")


def _name_problem(identifier: object) -> str | None:
    """Why ``identifier`` cannot name a file of the site (a path, a parent folder, an absolute
    path, a control character, too long), or None when it can.

    >>> _name_problem("PM007O") is None, _name_problem("62290-62292") is None
    (True, True)
    >>> _name_problem("../../owned")
    "'../../owned' cannot name a page of the site: expected letters, digits, '-', '_' and single dots (no path, no '..'), at most 64 characters"
    """  # noqa: E501
    if isinstance(identifier, str) and len(identifier) <= 64 and _FILE_NAME.fullmatch(identifier):
        return None
    shown = repr(identifier[:60] if isinstance(identifier, str) else identifier)
    return (
        f"{shown} cannot name a page of the site: expected letters, digits, '-', '_' and single "
        "dots (no path, no '..'), at most 64 characters"
    )


def _check_page_names(
    site: _Site, families: list[tuple[str, list[tuple[str, str, list[Procedure]]]]]
) -> None:
    """DataError naming every record whose code, range or RBCS class cannot name a page."""
    problems = []
    for record in site.curated:
        problem = _name_problem(record.code)
        if problem:
            problems.append(f"record {record.code[:60]!r}: code {problem} @ code")
    for key, (_, records) in site.ranges.items():
        problem = _name_problem(key)
        if problem:
            problems.append(f"record {records[0].code}: range {problem}")
    for _, classes in families:
        for class_id, _, records in classes:
            problem = _name_problem(class_id)
            if problem:
                code = records[0].code
                problems.append(f"record {code}: RBCS class {problem} @ {code}.rbcs.id")
    if problems:
        raise DataError("catalog", problems)


def _inside(out: Path, name: str, root: Path | None = None) -> Path:
    """``out / name``, checked to stay inside ``out`` (resolved: ``root``) after any symbolic
    link; a link in place of the file is refused too."""
    target = out / name
    root = out.resolve() if root is None else root
    if not target.parent.resolve().is_relative_to(root) or target.is_symlink():
        raise ArgumentValueError(f"{name!r}: would be written outside the site folder {out}")
    return target


class _Writer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.root = out.resolve()
        self.pages = self.files = self.bytes = 0

    def write(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        _inside(self.out, name, self.root).write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def page(self, name: str, text: str) -> None:
        self.write(name, text)
        self.pages += 1


class _Site:
    """What every template needs to know about the catalog: links, families, ranges."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.curated = [r for r in catalog.values() if r.curated]
        ranges: dict[str, tuple[str, list[Procedure]]] = {}
        for record in catalog.values():
            key, label = range_of(record.code)
            ranges.setdefault(key, (label, []))[1].append(record)
        self.ranges = ranges
        # code -> its range page when not its range's own (a large range is split in parts)
        self.page_of: dict[str, str] = {}
        self.range_kinds = {
            key: sorted({r.kind.value for r in records}) for key, (_, records) in ranges.items()
        }

    sections = (
        ("also-called", "Also called"),
        ("purpose", "What it is for"),
        ("preparation", "How to prepare"),
        ("steps", "What happens"),
        ("duration", "How long it takes"),
        ("settings", "Where it is done"),
        ("personnel", "Who does it"),
        ("risks", "Risks"),
        ("benefits", "Benefits"),
        ("recovery", "Recovery"),
        ("alternatives", "Alternatives"),
        ("experience", "What it feels like"),
        ("evidence", "Evidence"),
        ("billing", "Billing"),
        ("sources", "Sources"),
        ("about", "About this record"),
    )

    def range_url(self, code: str) -> str:
        return f"ranges/{self.page_of.get(code) or range_of(code)[0]}.html#{code}"

    def range_title(self, code: str) -> str:
        return range_of(code)[1]

    @staticmethod
    def status(record: Procedure) -> str:
        since = record.effective.isoformat() if record.effective else None
        if record.terminated is not None:
            return f"ended on {record.terminated.isoformat()}" + (
                f" (in effect since {since})" if since else ""
            )
        return f"in effect since {since}" if since else "in effect (start date not stated)"

    @staticmethod
    def web_url(url: str | None) -> bool:
        """Only web addresses become links (a user's catalog could hold any text)."""
        return bool(url) and str(url).lower().startswith(("https://", "http://"))

    @staticmethod
    def file_rows(record: Procedure) -> list[tuple[str, str]]:
        facts = record.file_facts
        if facts is None:
            return []
        rows = []
        for name, label in _HCPCS_FIELDS.items():
            value = getattr(facts, name)
            if value in (None, (), ""):
                continue
            text = ", ".join(value) if isinstance(value, tuple) else _label(value)
            rows.append((label, text))
        return rows

    def url(self, code: str) -> str | None:
        """The URL of a code's page or anchor, relative to the site root; None if absent."""
        record = self.catalog.get(code)
        if record is None:
            return None
        if record.curated:
            return f"codes/{record.code}.html"
        return self.range_url(record.code)

    def families(self) -> list[tuple[str, list[Procedure]]]:
        """Curated records by family (the shipped data file, else the RBCS family), each
        family's heading in words, the families ordered by body region, head to foot."""
        from ..catalog import curated_index

        shipped = curated_index()
        groups: dict[str, list[Procedure]] = defaultdict(list)
        places: dict[str, int] = {}
        for record in self.curated:
            name = shipped.get(record.code, "").removesuffix(".json")
            rbcs = getattr(record, "rbcs", None)
            if name in _FAMILY_NAMES:
                family, places[family] = _FAMILY_NAMES[name]
            elif name:
                family = name.replace("_", " ").replace("-", " ").strip().capitalize()
            elif rbcs is not None:
                family = rbcs.family
            else:
                family = "Other curated records"
            groups[family].append(record)
        for family, records in groups.items():
            if family not in places:
                regions = Counter(
                    _REGION_PLACE.get(r.billing.body_region.value, 6) if r.billing else 6
                    for r in records
                )
                places[family] = min(regions, key=lambda place: (-regions[place], place))
        return sorted(groups.items(), key=lambda item: (places[item[0]], item[0]))

    def range_tree(self) -> list[tuple[str, list[tuple[str, list[tuple[str, str, int, int]]]]]]:
        """The range pages under the hierarchy of [`proccodes.ranges`][proccodes.ranges]: (section
        name,
        [(subsection name or "", [(key, title, curated, all)])]), in code order."""
        from ..ranges import get_range, path_of, ranges

        order = {node.id: n for n, node in enumerate(ranges())}
        tree: dict[str, dict[str, list[tuple[str, str, int, int]]]] = {}
        for key, (title, records) in self.ranges.items():
            path = path_of(records[0].code)
            section = path[0].id if path else ""
            sub = path[1].id if len(path) > 2 else ""
            curated = sum(r.curated for r in records)
            tree.setdefault(section, {}).setdefault(sub, []).append(
                (key, title, curated, len(records))
            )

        def place(node_id: str) -> int:
            return order.get(node_id, len(order))

        def name(node_id: str) -> str:
            return get_range(node_id).label if node_id else ""

        return [
            (
                name(section) or "Other codes",
                [
                    (name(sub), sorted(pages, key=lambda p: (place(p[0]), p[0])))
                    for sub, pages in sorted(subs.items(), key=lambda s: place(s[0]))
                ],
            )
            for section, subs in sorted(
                tree.items(), key=lambda s: place(s[0]) if s[0] else 1 << 30
            )
        ]

    def rbcs_families(self) -> list[tuple[str, list[tuple[str, str, list[Procedure]]]]]:
        """The catalog's codes by CMS's RBCS class: (category, [(id, "subcategory › family",
        records)]), in order; the page of a class is ``families/ID.html``."""
        classes: dict[str, tuple[Any, list[Procedure]]] = {}
        for record in self.catalog.values():
            rbcs = getattr(record, "rbcs", None)
            if rbcs is not None:
                classes.setdefault(rbcs.id, (rbcs, []))[1].append(record)
        groups: dict[str, list[tuple[str, str, list[Procedure]]]] = defaultdict(list)
        for class_id, (rbcs, records) in classes.items():
            family = "no family" if rbcs.family == "No RBCS Family" else rbcs.family
            groups[rbcs.category].append((class_id, f"{rbcs.subcategory} › {family}", records))
        return [(c, sorted(g, key=lambda x: (x[1], x[0]))) for c, g in sorted(groups.items())]

    def pfs_words(self, pfs: PfsFacts) -> list[tuple[str, str]]:
        """The PFS facts of one row in plain words: (what, meaning), as ``proccodes show``
        says them."""
        from .._describe import pfs_lines

        return [(what, meaning) for what, _, meaning in (x.partition(": ") for x in pfs_lines(pfs))]

    @staticmethod
    def sentence(text: str) -> str:
        """The first sentence of a text (it ends at . ! or ? before a capital letter)."""
        return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]

    @staticmethod
    def pfs_fact(record: Procedure, name: str) -> str:
        """One PFS fact of a record in words ('' when the record has no PFS row or fact)."""
        pfs = getattr(record, "pfs", None)
        value = getattr(pfs, name, None) if pfs is not None else None
        return "" if value is None else _pfs_words(name, value)

    def numbers(self, record: Procedure) -> dict[str, int]:
        """Each source id of a record to its number in the record's list of sources."""
        return {s.id: n for n, s in enumerate(record.sources, 1)}

    def cites(self, record: Procedure, statement: Statement | Iterable[str]) -> list[int]:
        ids = statement.sources if isinstance(statement, Statement) else statement
        numbers = self.numbers(record)
        return [numbers[i] for i in ids if i in numbers]

    def pfs_rows(self, record: Procedure) -> list[tuple[str, str]]:
        return _pfs_rows(record)

    def data_releases(self, record: Procedure) -> list[str]:
        found: dict[str, None] = {}
        if self.catalog.release:
            as_of = self.catalog.as_of
            found[
                f"Catalog release {self.catalog.release}"
                + (f", as of {as_of.isoformat()}" if as_of else "")
            ] = None
        for d in record.descriptors:
            found[f"Official texts: {d.source}"] = None
        pfs = getattr(record, "pfs", None)
        if pfs is not None:
            found[f"Medicare fee-schedule facts: {pfs.release}"] = None
        return list(found)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _label(value: Any) -> str:
    """An enum's meaning in words, with CMS's own code: ``days 90 (090)``."""
    if isinstance(value, Enum):
        words = value.name.replace("_", " ").lower()
        return f"{words} ({value.value})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# The PFS facts a page shows, with their labels: from the fields' metadata (records.PfsFacts).
_PFS_FIELDS: Mapping[str, str] = labels(PfsFacts)
_HCPCS_FIELDS: Mapping[str, str] = labels(HcpcsFacts)
"""The HCPCS file facts a record page shows, with their labels (``BETOS``, ``ASC group``)."""


def _pfs_words(name: str, value: Any) -> str:
    """One PFS fact in words, with CMS's code first where it has one: ``010, 10 days: ...``
    (the words ``proccodes show`` uses)."""
    from .._describe import ASSISTANT, BILATERAL, GLOBAL_DAYS, MULTIPLE, PC_TC, STATUS, SURGEONS

    if isinstance(value, float):
        return _number(value)
    tables: dict[str, Mapping[Any, str]] = {
        "status": STATUS,
        "global_days": GLOBAL_DAYS,
        "bilateral": BILATERAL,
        "multiple_procedure": MULTIPLE,
        "pc_tc": PC_TC,
        "assistant": ASSISTANT,
    }
    words = tables.get(name, {})
    if value in words:
        return f"{value.value}, {words[value]}"
    if name in ("co_surgeons", "team_surgeons") and isinstance(value, Enum):
        return f"{value.value}, {SURGEONS.get(str(value.value), _label(value))}"
    return _label(value)


def _pfs_rows(record: Procedure) -> list[tuple[str, str]]:
    """A record's Medicare fee-schedule facts, one (title, value in words) row each."""
    pfs = getattr(record, "pfs", None)
    if pfs is None:
        return []
    rows = []
    for name, title in _PFS_FIELDS.items():
        value = getattr(pfs, name, None)
        if value is None:
            continue
        rows.append((title, _pfs_words(name, value)))
    return rows

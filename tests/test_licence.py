"""Licence proof: nothing proccodes ships is an AMA CPT short descriptor.

The CMS Physician Fee Schedule relative value files (PPRRVU) carry, in their DESCRIPTION column,
the AMA's CPT short descriptor of every CPT-shaped code (five digits, or four digits and A, F,
M, T or U). CMS may distribute them under its agreement with the AMA; proccodes may not. This
test reads those descriptors from every PFS file in ../shared (each zip's PPRRVU CSV and TXT,
and the loose ones), independently of the loader, into a set of normalized texts (case folded,
all white space removed), and fails if any string proccodes ships equals one of them:

- every file under src/proccodes/data, now and whatever is added later (the official data
  another step builds lands there too): every string value and key of a JSON file, every line
  and table cell of any other text file;
- README.md and every file under docs/ (lines, table cells, quoted spans), the generated
  catalog page and index included;
- what ``proccodes show CODE`` and ``proccodes show CODE --json`` print for every code of the
  shipped catalog.

The one exemption, and why it is precise: some CPT short descriptors are ordinary phrases that
CMS also uses, word for word, as the descriptor of a HCPCS Level II code ("Diagnostic
colonoscopy", "Tobacco non-user", "Hospice care supervision"...). Level II texts are CMS's,
public domain, and ship legitimately. So a string equal to an AMA descriptor is allowed only
where it is the CMS Level II descriptor (short or long, as the official CMS HCPCS files in
../shared state it) *of the Level II code it is attached to*: in JSON, of the record whose
``code`` encloses it; in CLI output, of the code shown. In docs and the README, where no code
encloses a line, it must be the CMS descriptor of some Level II code. A CPT record never gets the
exemption. One more source of CMS's own words ships beside the codes: the names of CMS's RBCS
categories, subcategories and families (public domain, from CMS's RBCS file), which the
official data gives every code CMS classifies. A few are one common word that is also a CPT
short descriptor ("Cystourethroscopy"); a string equal to such a name is allowed as that name.
Without ../shared the proof cannot run and the tests skip.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from .conftest import DATA_DIR, ROOT, SHARED

PFS_DIR = SHARED / "data" / "cms-pfs-rvu"
HCPCS_FILES = [
    SHARED / "data" / "cms-hcpcs-2019" / "HCPC2019_CONTR_ANWEB.txt",
    SHARED / "data" / "cms-hcpcs-2020" / "2020-Alpha-Numeric-HCPCS-File.zip",
    SHARED / "data" / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip",
]
pytestmark = pytest.mark.skipif(
    not PFS_DIR.exists(), reason="needs ../shared (CMS files): cms-pfs-rvu"
)

_CPT_SHAPE = re.compile(r"[0-9]{4}[0-9AFMTU]").fullmatch
_LEVEL2_SHAPE = re.compile(r"[A-Z][0-9]{4}").fullmatch
_CODE_SHAPE = re.compile(r"[0-9]{4}[0-9AFMTU]|[A-Z][0-9]{4}").fullmatch
_QUOTED = re.compile(r"\"([^\"]+)\"|`([^`]+)`|'([^']+)'|\*([^*]+)\*")


def normalized(text: str) -> str:
    return "".join(text.split()).casefold()


# -- the AMA descriptors -----------------------------------------------------------------------


def _pfs_files() -> Iterator[tuple[str, str]]:
    """(name, text) of every PPRRVU CSV and TXT in ../shared, in zips or loose."""
    for path in sorted(PFS_DIR.rglob("*")):
        name = path.name.upper()
        if name.endswith(".ZIP"):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    upper = member.upper()
                    if upper.startswith("PPRRVU") and upper.endswith((".CSV", ".TXT")):
                        yield f"{path.name}:{member}", archive.read(member).decode("cp1252")
        elif name.startswith("PPRRVU") and name.endswith((".CSV", ".TXT")):
            yield path.name, path.read_bytes().decode("cp1252")


def _descriptors(name: str, text: str) -> Iterator[tuple[str, str]]:
    """(code, descriptor) of every CPT-shaped row of one PPRRVU file."""
    if name.upper().endswith(".TXT"):
        for line in text.splitlines():  # HCPCS 1-5, DESCRIPTION 8-57 (the release PDF)
            if not line.startswith("HDR") and _CPT_SHAPE(line[:5]):
                yield line[:5], line[7:57]
        return
    code = description = None
    for row in csv.reader(io.StringIO(text)):
        if code is None or description is None:
            cells = [c.strip().upper() for c in row]
            if "HCPCS" in cells and "DESCRIPTION" in cells:
                code, description = cells.index("HCPCS"), cells.index("DESCRIPTION")
            continue
        if len(row) > description and _CPT_SHAPE(row[code].strip()):
            yield row[code].strip(), row[description]


@cache
def ama_descriptors_by_code() -> dict[str, tuple[str, ...]]:
    """Each CPT-shaped code's AMA short descriptors in the PFS files of ../shared, newest last."""
    found: dict[str, dict[str, None]] = {}
    files = 0
    for name, text in _pfs_files():  # oldest release first
        files += 1
        for code, descriptor in _descriptors(name, text):
            if descriptor.strip():
                texts = found.setdefault(code, {})
                texts.pop(descriptor.strip(), None)
                texts[descriptor.strip()] = None
    assert files >= 6, "expected the PPRRVU CSV and TXT of RVU22A, RVU25A and RVU25D"
    return {code: tuple(texts) for code, texts in found.items()}


@cache
def ama_descriptors() -> frozenset[str]:
    found = {normalized(d) for texts in ama_descriptors_by_code().values() for d in texts}
    found.discard("")
    assert len(found) > 9000
    return frozenset(found)


@cache
def cms_level2() -> dict[str, frozenset[str]]:
    """Each Level II code's CMS descriptors (short, long), normalized, from the official files."""
    from proccodes import load_hcpcs, load_pfs

    texts: dict[str, set[str]] = {}
    for path in HCPCS_FILES:
        if path.exists():
            for record in load_hcpcs(path).values():
                texts.setdefault(record.code, set()).update(
                    normalized(d.text) for d in record.descriptors
                )
    for path in sorted(PFS_DIR.rglob("*")):
        suffix = path.suffix.lower()
        if suffix == ".zip" or (suffix == ".csv" and path.name.upper().startswith("PPRRVU")):
            for code, text in load_pfs(path).level2_descriptions.items():
                texts.setdefault(code, set()).add(normalized(text))
    return {code: frozenset(found) for code, found in texts.items()}


RBCS_FILE = SHARED / "data" / "cms-rbcs" / "RBCS_RY_2025.csv"


@cache
def cms_rbcs_names() -> frozenset[str]:
    """CMS's RBCS category, subcategory and family names, normalized, read from the file."""
    found: set[str] = set()
    if RBCS_FILE.exists():
        with RBCS_FILE.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                row = {k.lower(): v for k, v in row.items()}
                for column in ("rbcs_cat_desc", "rbcs_subcat_desc", "rbcs_family_desc"):
                    found.add(normalized(row[column]))
    return frozenset(found)


@cache
def cms_level2_any() -> frozenset[str]:
    return frozenset(t for found in cms_level2().values() for t in found)


def violation(text: str, code: str | None) -> bool:
    """Whether ``text`` is an AMA descriptor that the exemption does not cover."""
    key = normalized(text)
    if key not in ama_descriptors():
        return False
    if key in cms_rbcs_names():
        return False  # CMS's RBCS name (see the module doc)
    if code is None:
        return key not in cms_level2_any()
    if _LEVEL2_SHAPE(code) is None:
        return True  # a CPT code: no exemption
    return key not in cms_level2().get(code, frozenset())


# -- what proccodes ships --------------------------------------------------------------------------


def _json_strings(value: object, code: str | None = None) -> Iterator[tuple[str, str | None]]:
    """Every string in a JSON value (keys too), with the code of the nearest enclosing record."""
    if isinstance(value, str):
        yield value, code
    elif isinstance(value, dict):
        found = value.get("code")
        if isinstance(found, str):
            code = found
        for key, item in value.items():
            yield str(key), code
            # a mapping keyed by code ({"G0105": ...}) encloses that code's strings
            inner = key if isinstance(key, str) and _CODE_SHAPE(key) else code
            yield from _json_strings(item, inner)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, code)


def _text_strings(text: str) -> Iterator[str]:
    """Lines, their table cells and fields, and quoted spans."""
    for line in text.splitlines():
        yield line
        for separator in ("|", "\t", ";"):
            if separator in line:
                yield from line.split(separator)
        for match in _QUOTED.finditer(line):
            yield next(g for g in match.groups() if g)
        if line.count(" ") and re.match(r"\s*[-*]?\s*[0-9A-Z]{5}\b", line):
            yield line.split(maxsplit=1)[-1]  # "62290 title", "- 62290 title"


def _file_strings(path: Path) -> Iterator[tuple[str, str | None]]:
    data = path.read_bytes()
    if path.suffix == ".json":
        yield from _json_strings(json.loads(data))
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # not text: no descriptor to find
    for found in _text_strings(text):
        yield found, None


def _shipped_files() -> list[Path]:
    files = [p for p in DATA_DIR.rglob("*") if p.is_file()]
    files += [p for p in (ROOT / "docs").rglob("*") if p.is_file()]
    files.append(ROOT / "README.md")
    return sorted(files)


@pytest.mark.slow
def test_the_proof_has_its_inputs():
    ama = ama_descriptors()
    assert normalized("Mri lumbar spine w/o dye") in ama  # 72148, as the three releases print it
    assert cms_level2()["S9090"]
    # CMS and the AMA do share some phrases: the exemption is needed, and it is narrow.
    shared = sorted(ama & cms_level2_any())
    assert shared
    text = shared[0]
    owner = next(c for c, texts in sorted(cms_level2().items()) if text in texts)
    other = next(c for c, texts in sorted(cms_level2().items()) if text not in texts)
    assert not violation(text, owner)  # the Level II code's own CMS text
    assert violation(text, other)  # not on another Level II code's record
    assert violation(text, "62290")  # never on a CPT record
    assert not violation(text, None)  # in prose: it is some Level II code's CMS text
    assert violation("MRI  LUMBAR spine w/o DYE", None)


def test_no_shipped_file_holds_an_ama_descriptor():
    files = _shipped_files()
    assert any(p.suffix == ".json" for p in files)
    found = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in files
        for text, code in _file_strings(path)
        if violation(text, code)
    ]
    assert not found, "AMA CPT descriptors shipped:\n" + "\n".join(found[:20])


@pytest.mark.slow
def test_no_show_output_holds_an_ama_descriptor():
    from proccodes import default_catalog
    from proccodes.cli import render
    from proccodes.export import record_json

    catalog = default_catalog()
    found = []
    for code, record in catalog.items():
        for line in _text_strings(render(record, sources=catalog.sources)):
            if violation(line, code):
                found.append(f"show {code}: {line!r}")
        for text, enclosing in _json_strings(record_json(record, sources=catalog.sources)):
            if violation(text, enclosing or code):
                found.append(f"show {code} --json: {text!r}")
    assert not found, "AMA CPT descriptors in CLI output:\n" + "\n".join(found[:20])


def test_show_is_what_the_proof_reads(capsys):
    """The proof renders records as ``proccodes show`` does; check that it is the same text."""
    from proccodes import default_catalog
    from proccodes.cli import main, render
    from proccodes.export import record_json

    catalog = default_catalog()
    for code in [*list(catalog)[:3], "99213", "J1100", "64635"]:
        assert main(["show", code]) == 0
        assert capsys.readouterr().out == render(catalog[code], sources=catalog.sources)
        assert main(["show", code, "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == json.loads(
            json.dumps(record_json(catalog[code], sources=catalog.sources))
        )


def test_the_proof_catches_a_descriptor(tmp_path):
    """A file that quotes one is caught: the test can fail."""
    descriptor = "Mri Lumbar Spine W/O Dye"
    record = {"code": "72148", "title": descriptor}
    hits = [t for t, c in _json_strings({"procedures": [record]}) if violation(t, c)]
    assert hits == [descriptor]
    assert [t for t, c in _json_strings({"72148": {"short": descriptor}}) if violation(t, c)]
    page = f"| 72148 | {descriptor.upper()} |\n"
    assert any(violation(t, None) for t in _text_strings(page))

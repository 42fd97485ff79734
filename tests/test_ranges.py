"""The CPT range hierarchy and the Level II letter groups: well-formed, complete, ours, fast."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import threading
import zipfile
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import proccodes
from proccodes import ranges as R
from proccodes.codes import CodeSystem, validate_code
from proccodes.errors import DataError, InvalidCodeError
from proccodes.records import RbcsClass

from .conftest import DATA_DIR, SHARED

PFS = SHARED / "data" / "cms-pfs-rvu"
PFS_OCT = PFS / "RVU25D" / "PPRRVU2025_Oct.csv"
PFS_ZIPS = (PFS / "RVU22A.zip", PFS / "RVU25A.zip")
RBCS = SHARED / "data" / "cms-rbcs" / "RBCS_RY_2025.csv"
HCPCS_2026 = SHARED / "data" / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip"
CPT_SHAPE = re.compile(r"[0-9]{5}|[0-9]{4}[FTUAM]")
LEAF_LEVEL = "range"


def _pfs_rows(text: str) -> dict[str, str]:
    """CPT-shaped code -> its DESCRIPTION (AMA text: read to compare, never to print)."""
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        if row and row[0].strip() == "HCPCS":
            header = [h.strip() for h in row]
            break
    else:  # pragma: no cover - a file without its header
        raise AssertionError("no HCPCS header row")
    code_at, description_at = header.index("HCPCS"), header.index("DESCRIPTION")
    found: dict[str, str] = {}
    for row in reader:
        if len(row) > description_at and CPT_SHAPE.fullmatch(row[code_at].strip()):
            found.setdefault(row[code_at].strip(), row[description_at].strip())
    return found


def _pfs_files() -> dict[str, dict[str, str]]:
    files: dict[str, dict[str, str]] = {}
    if PFS_OCT.is_file():
        files[PFS_OCT.name] = _pfs_rows(PFS_OCT.read_text(encoding="cp1252"))
    for path in PFS_ZIPS:
        if path.is_file():
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if re.fullmatch(r"PPRRVU[^/]*\.csv", member, re.IGNORECASE):
                        text = archive.read(member).decode("cp1252")
                        files[f"{path.name}/{member}"] = _pfs_rows(text)
    return files


class _Rows(dict):  # type: ignore[type-arg]
    """File name -> {code: descriptor}; its repr hides the AMA text from failure reports."""

    def __repr__(self) -> str:
        return f"<CPT rows of {len(self)} PFS files>"


_PFS_CACHE = _Rows()


@pytest.fixture(scope="module")
def pfs() -> _Rows:
    if not _PFS_CACHE:
        _PFS_CACHE.update({name: _Rows(rows) for name, rows in _pfs_files().items()})
    if not _PFS_CACHE:
        pytest.skip("needs ../shared (CMS files): cms-pfs-rvu")
    return _PFS_CACHE


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


# -- the hierarchy is well-formed --------------------------------------------------------------


def test_ids_are_unique_and_every_parent_exists():
    nodes = R.ranges()
    ids = [n.id for n in nodes]
    assert len(ids) == len(set(ids))
    by_id = {n.id: n for n in nodes}
    for node in nodes:
        if node.parent is None:
            assert node.level == "section"
        else:
            parent = by_id[node.parent]
            assert R.LEVELS.index(parent.level) < R.LEVELS.index(node.level)
            assert node.system is parent.system


def test_cpt_is_three_levels_deep_and_level_ii_two():
    for leaf in R.ranges(LEAF_LEVEL, system="CPT"):
        assert [n.level for n in R.path_of(leaf.first)] == list(R.LEVELS)
    for leaf in R.ranges(LEAF_LEVEL, system="HCPCS"):
        assert [n.level for n in R.path_of(leaf.first)] == ["section", "range"]


def test_names_are_set_and_unique_within_their_parent():
    seen = Counter((n.parent, _fold(n.name)) for n in R.ranges())
    assert [key for key, count in seen.items() if count > 1] == []
    for node in R.ranges():
        assert node.name.strip() == node.name
        assert node.name
        assert not re.search(r"\b[0-9]{4}[0-9A-Z]\b", node.name)  # labels add the bounds
    for node in R.ranges():
        if node.level != LEAF_LEVEL:
            assert node.description, node.id


def test_leaf_ranges_do_not_overlap():
    leaves = sorted(R.ranges(LEAF_LEVEL), key=lambda n: R._key(n.first) or 0)
    for before, after in itertools.pairwise(leaves):
        assert (R._key(before.last) or 0) < (R._key(after.first) or 0), (before.id, after.id)


def test_every_range_has_bounds_of_one_kind_in_order():
    for node in R.ranges():
        first, last = R._key(node.first), R._key(node.last)
        assert first is not None, node.id
        assert last is not None, node.id
        assert first <= last, node.id
        if node.level == LEAF_LEVEL:
            assert first // R._BLOCK == last // R._BLOCK, node.id
            assert node.spans == ((node.first, node.last),)
        for a, b in node.spans:
            assert (R._key(a) or 0) <= (R._key(b) or 0), node.id
            assert (R._key(a) or 0) // R._BLOCK == (R._key(b) or 0) // R._BLOCK, node.id


def test_every_child_lies_within_its_parent_and_spans_do_not_overlap():
    for node in R.ranges():
        spans = node.spans
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert (R._key(end) or 0) < (R._key(start) or 0), node.id
        for child in R.children(node.id):
            for a, b in child.spans:
                assert a in node, (child.id, node.id)
                assert b in node, (child.id, node.id)
    for level in R.LEVELS:
        keys = sorted(
            ((R._key(a) or 0, R._key(b) or 0) for n in R.ranges(level) for a, b in n.spans)
        )
        for (_, end), (start, _) in itertools.pairwise(keys):
            assert end < start, level


def test_section_bounds_agree_with_the_section_of_codes_module():
    """The numeric sections cover what proccodes.codes calls each Category I section."""
    for leaf in R.ranges(LEAF_LEVEL, system="CPT"):
        for code in (leaf.first, leaf.last):
            found = validate_code(code)
            if found.section is not None:
                assert _fold(R.path_of(code)[0].name) == _fold(found.section.value), code


def test_the_granularity_is_finer_where_the_project_goes_deep():
    leaves = R.ranges(LEAF_LEVEL, system="CPT")
    assert 150 <= len(leaves) <= 450
    spine = [n for n in leaves if "62000" <= n.first <= "64999" and n.first.isdigit()]
    assert len(spine) >= 40


# -- no AMA text --------------------------------------------------------------------------------


@pytest.mark.slow
def test_no_name_or_description_equals_a_cpt_short_descriptor(pfs):
    descriptors = {_fold(d) for rows in pfs.values() for d in rows.values() if d}
    assert len(descriptors) > 5000
    texts = [n.name for n in R.ranges()] + [n.description for n in R.ranges() if n.description]
    assert [t for t in texts if _fold(t) in descriptors] == []


def test_the_data_file_contains_no_cpt_short_descriptor(pfs):
    raw = (DATA_DIR / "navigation" / "ranges.json").read_text(encoding="utf-8")
    strings = set(re.findall(r'"((?:[^"\\]|\\.)*)"', raw))
    descriptors = {_fold(d) for rows in pfs.values() for d in rows.values() if len(d) > 3}
    assert [s for s in strings if _fold(s) in descriptors] == []


def test_titles_never_equal_a_cpt_short_descriptor(pfs):
    rows = pfs.get(PFS_OCT.name) or next(iter(pfs.values()))
    for code, descriptor in rows.items():
        assert _fold(R.title_for(code)) != _fold(descriptor), code


# -- every CPT code of the CMS files has exactly one leaf -----------------------------------------


@pytest.mark.slow
def test_every_cpt_code_of_the_pfs_files_falls_in_exactly_one_leaf(pfs):
    leaves = [(R._key(n.first), R._key(n.last), n) for n in R.ranges(LEAF_LEVEL, system="CPT")]
    codes: set[str] = set()
    for name, rows in pfs.items():
        assert len(rows) > 8000, name
        codes.update(rows)
    for code in codes:
        key = R._key(code)
        holders = [leaf for first, last, leaf in leaves if first <= key <= last]  # type: ignore[operator]
        assert len(holders) == 1, (code, [h.id for h in holders])
        assert R.range_of(code) is holders[0]


def test_every_level_ii_code_of_the_2026_file_has_its_letter_group():
    if not HCPCS_2026.is_file():
        pytest.skip("needs ../shared (CMS files): HCPCS 2026")
    with zipfile.ZipFile(HCPCS_2026) as archive:
        member = next(m for m in archive.namelist() if m.upper().endswith(".TXT") and "ANWEB" in m)
        text = archive.read(member).decode("cp1252")
    codes = {
        line[:5]
        for line in text.splitlines()
        if len(line) > 11 and line[10] == "3" and re.fullmatch(r"[A-Z][0-9]{4}", line[:5])
    }
    assert len(codes) > 8000
    for code in codes:
        group = R.letter_group(code)
        assert group is not None, code
        assert group.id == f"hcpcs-{code[0]}", code
        node = R.range_of(code)
        assert node is not None
        assert node.system is CodeSystem.HCPCS
        assert R.path_of(code)[0] is group


# -- spot checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "leaf", "section", "subsection"),
    [
        ("62290", "62290-62292", "surgery", "surgery-nervous"),
        ("62323", "62320-62327", "surgery", "surgery-nervous"),
        ("64635", "64633-64636", "surgery", "surgery-nervous"),
        ("64483", "64479-64484", "surgery", "surgery-nervous"),
        ("64493", "64490-64495", "surgery", "surgery-nervous"),
        ("63030", "63020-63044", "surgery", "surgery-nervous"),
        ("99213", "99202-99215", "evaluation-and-management", "em-visits"),
        ("22630", "22630-22634", "surgery", "surgery-musculoskeletal"),
        ("22551", "22548-22552", "surgery", "surgery-musculoskeletal"),
        ("27096", "27096-27096", "surgery", "surgery-musculoskeletal"),
        ("72148", "72148-72149", "radiology", "radiology-diagnostic"),
        ("77003", "77001-77003", "radiology", "radiology-guidance"),
        ("97110", "97110-97139", "medicine", "medicine-physical"),
        ("97012", "97010-97028", "medicine", "medicine-physical"),
        ("98940", "98940-98943", "medicine", "medicine-manual"),
        ("01937", "01937-01942", "anesthesia", "anesthesia-other"),
        ("99100", "99100-99140", "anesthesia", "anesthesia-circumstances"),
        ("0627T", "0627T-0630T", "category-iii", "category-iii-spine"),
        ("0275T", "0274T-0275T", "category-iii", "category-iii-spine"),
        ("0216T", "0213T-0218T", "category-iii", "category-iii-spine"),
        ("64625", "64620-64625", "surgery", "surgery-nervous"),
        ("64628", "64628-64629", "surgery", "surgery-nervous"),
        ("27279", "27278-27280", "surgery", "surgery-musculoskeletal"),
        ("63047", "63045-63048", "surgery", "surgery-nervous"),
        ("0042T", "0001T-0162T", "category-iii", "category-iii-other"),
        ("3008F", "3006F-3776F", "category-ii", "category-ii-measures"),
        ("0001U", "0001U-0499U", "pla", "pla-all"),
        ("0001A", "0001A-0999A", "medicine", "medicine-immunization"),
        ("0004M", "0001M-0999M", "pathology-and-laboratory", "lab-genetic"),
    ],
)
def test_spot_checks(code, leaf, section, subsection):
    assert [n.id for n in R.path_of(code)] == [section, subsection, leaf]
    assert R.range_of(code) is R.get_range(leaf)
    assert code in R.get_range(leaf)
    assert code in R.get_range(section)
    assert R.letter_group(code) is None


def test_level_ii_spot_checks():
    assert R.range_of("J9045").id == "J9000-J9999"
    assert R.range_of("J2650").id == "J0000-J7499"
    assert R.range_of("L0650").id == "L0100-L0999"
    assert R.range_of("E0720").id == "E0720-E0770"
    assert R.range_of("S9090") is R.letter_group("S9090") == R.get_range("hcpcs-S")
    assert R.letter_group("U0003").name == "COVID-19 laboratory tests"
    letters = [n.id[-1] for n in R.ranges("section", system="HCPCS")]
    assert letters == list("ABCEGHJKLMPQRSTUV")  # D (dental) is the ADA's and not shipped
    assert R.letter_group("D0120") is None


def test_a_new_code_between_ranges_finds_the_subsection_around_it():
    # 62330 is not a code today; it lies between two ranges of the nervous-system subsection.
    assert R.range_of("62330").id == "surgery-nervous"
    assert [n.id for n in R.path_of("62330")] == ["surgery", "surgery-nervous"]
    assert R.range_of("05000") is None  # no section holds it
    assert R.range_of("99095") is None  # between Medicine's special services and anesthesia


def test_children_are_in_code_order_and_codes_in_uses_the_catalog():
    sections = [n.id for n in R.ranges("section", system="CPT")]
    assert sections[:3] == ["evaluation-and-management", "anesthesia", "surgery"]
    subsections = R.children("surgery-nervous")
    keys = [R._key(n.first) for n in subsections]
    assert keys == sorted(keys)
    assert R.children("62320-62327") == ()
    assert proccodes.codes_in("62290-62292") == ["62290", "62291", "62292"]
    catalog = {"62323": 1, "62290": 2, "99213": 3, "J2650": 4}
    assert R.codes_in("surgery", catalog) == ["62290", "62323"]
    assert R.codes_in("hcpcs-J", catalog) == ["J2650"]
    assert R.codes_in("anesthesia", {"99100": 0, "00600": 0, "99151": 0}) == ["00600", "99100"]
    assert set(proccodes.codes_in("surgery-nervous")) <= set(proccodes.default_catalog())


def test_medicine_and_anesthesia_interleave_in_the_99000s():
    medicine = R.get_range("medicine")
    assert len(medicine.spans) == 4  # and the A codes
    assert "99100" not in medicine
    assert "99151" in medicine
    assert "99213" not in medicine
    assert "99100" in R.get_range("anesthesia")


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 62290, b"62290", ["62290"]])
def test_non_text_codes_are_type_errors(bad):
    for function in (R.range_of, R.path_of, R.letter_group, R.title_for):
        with pytest.raises(TypeError, match="text"):
            function(bad)
    assert bad not in R.get_range("surgery")


def test_bad_arguments_name_what_is_allowed():
    with pytest.raises(ValueError, match="section, subsection, range"):
        R.ranges("leaf")
    with pytest.raises(ValueError, match="'CPT', 'HCPCS'"):
        R.ranges(system="ICD")
    with pytest.raises(TypeError):
        R.ranges(system=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown range id 'spine'"):
        R.children("spine")
    with pytest.raises(TypeError):
        R.get_range(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mapping"):
        R.codes_in("surgery", ["62290"])  # type: ignore[arg-type]
    with pytest.raises(InvalidCodeError):
        R.title_for("6229O")
    with pytest.raises(ValueError, match="CPT codes"):
        R.title_for("J2650")
    with pytest.raises(TypeError, match="RbcsClass"):
        R.title_for("62290", "Nerve Block")  # type: ignore[arg-type]


def test_text_that_is_no_code_gives_none():
    for text in ("", "6229", "622900", "hello", "6229O", "62290-50", "D0120", "0001X", "W1234"):
        assert R.range_of(text) is None
        assert R.letter_group(text) is None
    assert R.range_of(" 62323\u00a0").id == "62320-62327"  # normalized like every code input


_CODE_CHARS = "0123456789AFMTUJLEGSVXO -\u00a0\u0661"


@given(st.one_of(st.text(min_size=5, max_size=5), st.text(_CODE_CHARS, min_size=0, max_size=7)))
def test_any_text_gives_a_range_or_none(text):
    found = R.range_of(text)
    assert found is None or isinstance(found, R.CodeRange)
    assert isinstance(R.path_of(text), tuple)
    group = R.letter_group(text)
    assert group is None or group.system is CodeSystem.HCPCS


_SHAPED = st.one_of(
    st.integers(0, 99999).map(lambda n: f"{n:05d}"),
    st.tuples(st.integers(0, 9999), st.sampled_from("AMFTU")).map(lambda t: f"{t[0]:04d}{t[1]}"),
    st.tuples(st.sampled_from("ABCDEGHIJKLMNPQRSTUVWXYZ"), st.integers(0, 9999)).map(
        lambda t: f"{t[0]}{t[1]:04d}"
    ),
)


def _linear_range_of(code: str) -> R.CodeRange | None:
    holders = [n for n in R.ranges() if code in n]
    if not holders:
        return None
    return max(holders, key=lambda n: R.LEVELS.index(n.level))


@given(_SHAPED)
def test_range_of_agrees_with_a_linear_scan(code):
    assert R.range_of(code) is _linear_range_of(code)


@pytest.mark.slow
def test_range_of_agrees_with_a_linear_scan_at_every_bound():
    for node in R.ranges():
        for a, b in node.spans:
            for key in (R._key(a) or 0, R._key(b) or 0):
                for probe in (key - 1, key, key + 1):
                    code = _code_of(probe)
                    if code is not None:
                        assert R.range_of(code) is _linear_range_of(code), code


def _code_of(key: int) -> str | None:
    block, number = divmod(key, R._BLOCK)
    if block == 0 and number >= 0:
        return f"{number:05d}"
    if block >= R._LEVEL2_BLOCK0 and number < 10000:
        return f"{chr(65 + block - R._LEVEL2_BLOCK0)}{number:04d}"
    suffixes = {b: s for s, b in R._CPT_SUFFIX_BLOCK.items()}
    if block in suffixes and number < 10000:
        return f"{number:04d}{suffixes[block]}"
    return None


# -- titles ---------------------------------------------------------------------------------------


def test_title_rule():
    family = RbcsClass(
        id="PM007O",
        category="Procedure",
        subcategory="Musculoskeletal",
        family="Arthrodesis - Spine",
    )
    assert R.title_for("22630", family) == (
        "Arthrodesis, spine — Lumbar spine fusion through the disc space (posterior interbody)"
    )
    assert R.title_for("22612", family) == (
        "Arthrodesis, spine — Lumbar spine fusion from the back (posterolateral) (22612-22614)"
    )
    none = RbcsClass(id="OO000N", category="Other", subcategory="Other", family="No RBCS Family")
    assert R.title_for("72148", none) == R.title_for("72148") == "Low back spine MRI (72148-72149)"
    assert R.title_for(" 0627t ") == "Injections into the disc with imaging (0627T-0630T)"
    assert R.title_for("62330") == "Nervous system (61000-64999)"
    assert R.title_for("99095") == "CPT Category I code"  # a valid number no range holds


def test_titles_of_every_rbcs_cpt_code_are_short_and_ours():
    if not RBCS.is_file():
        pytest.skip("needs ../shared (CMS files): RBCS")
    with RBCS.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["rbcs_latest_assignment"] == "1"]
    lengths = []
    for row in rows:
        code = row["hcpcs_cd"]
        if not CPT_SHAPE.fullmatch(code) or not proccodes.is_valid_code(code):
            continue
        rbcs = RbcsClass(
            id=row["rbcs_id"],
            category=row["rbcs_cat_desc"],
            subcategory=row["rbcs_subcat_desc"],
            family=row["rbcs_family_desc"],
        )
        title = R.title_for(code, rbcs)
        assert title
        assert "No RBCS" not in title
        lengths.append(len(title))
    assert len(lengths) > 9000
    assert max(lengths) <= R.TITLE_LENGTH


# -- loading --------------------------------------------------------------------------------------


def test_the_data_loads_once_under_concurrent_first_use(monkeypatch):
    monkeypatch.setattr(R, "_table", None)
    calls = []
    real = R._build

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(R, "_build", counting)
    barrier = threading.Barrier(8)
    found = []

    def worker():
        barrier.wait()
        found.append(R.range_of("62323"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len({id(node) for node in found}) == 1


def test_importing_proccodes_loads_no_range_data():
    import subprocess
    import sys

    code = (
        "import sys, proccodes; proccodes.__all__; "
        "assert 'proccodes.ranges' not in sys.modules; "
        "proccodes.range_of('62290'); assert 'cattrs' not in sys.modules; "
        "assert isinstance(proccodes.ranges.ranges('section'), tuple)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_header_states_release_and_date():
    raw = json.loads((DATA_DIR / "navigation" / "ranges.json").read_text(encoding="utf-8"))
    assert raw["schema_version"] == 1
    assert raw["release"]
    assert raw["as_of"]


def _valid_doc() -> dict:
    return json.loads((DATA_DIR / "navigation" / "ranges.json").read_text(encoding="utf-8"))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_FIELDS = st.sampled_from(["cpt", "level2", "subsections", "ranges", "first", "last", "name", "id"])


@given(
    st.dictionaries(_FIELDS, _JSON, max_size=4),
    st.lists(st.dictionaries(_FIELDS, _JSON, max_size=5), max_size=3),
)
def test_any_damage_gives_problems_never_a_crash(extra, sections):
    doc = {"schema_version": 1, "release": "r", "as_of": "2025-10-01", "level2": [], **extra}
    doc["cpt"] = extra.get("cpt", sections)
    nodes, problems = R._parse(doc)
    assert isinstance(problems, list)
    assert all(isinstance(p, str) for p in problems)
    if not problems:
        assert all(isinstance(n, R.CodeRange) for n in nodes)


def test_ranges_are_immutable_and_pickle():
    import pickle

    node = R.get_range("62320-62327")
    assert pickle.loads(pickle.dumps(node)) == node
    with pytest.raises(AttributeError):
        node.name = "changed"  # type: ignore[misc]
    assert hash(node) == hash(R.get_range("62320-62327"))


def test_damaged_data_is_a_data_error_naming_every_problem(monkeypatch):
    doc = _valid_doc()
    nervous = doc["cpt"][2]["subsections"][-3]
    assert nervous["id"] == "surgery-nervous"
    nervous["ranges"].append({"first": "62321", "last": "62322", "name": "Overlapping"})
    nervous["ranges"].append({"first": "62400", "last": "0001T", "name": "Two kinds"})
    nervous["ranges"].append({"first": "62990", "last": "62999", "name": ""})
    doc["level2"][0]["letter"] = "AB"
    _, problems = R._parse(doc)
    text = "\n".join(problems)
    assert "range 62321-62322 overlaps" in text
    assert "'62400'-'0001T' are not a range of one kind" in text
    assert "expected non-empty text @ $.cpt[2].subsections" in text
    assert "letter 'AB'" in text
    assert R._parse([])[1] == ["expected an object at the top"]
    same = {"id": "x", "name": "X", "subsections": [{"id": "x", "name": "Y", "ranges": []}]}
    assert "duplicate id 'x'" in R._parse({**_valid_doc(), "cpt": [same]})[1]
    assert "unsupported schema_version 2" in R._parse({**_valid_doc(), "schema_version": 2})[1][0]

    monkeypatch.setattr(R, "_table", None)
    monkeypatch.setattr("proccodes.ranges.read_data", lambda name: json.dumps(doc).encode())
    with pytest.raises(DataError, match="overlaps") as info:
        R.range_of("62290")
    assert info.value.source == R.DATA_NAME
    assert len(info.value.problems) >= 4
    monkeypatch.setattr("proccodes.ranges.read_data", lambda name: b"{not json")
    with pytest.raises(DataError, match="cannot read"):
        R.get_range("surgery")


def test_the_data_reads_from_a_zipped_package(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    package = ROOT / "src" / "proccodes"
    archive = tmp_path / "proccodes.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                out.write(path, path.relative_to(package.parent).as_posix())
    code = (
        "import proccodes, sys; assert proccodes.__file__.startswith(sys.argv[1]); "
        "print(proccodes.range_of('62323').id, proccodes.letter_group('J2650').id)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(archive)],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(archive), "PATH": ""},
    )
    assert result.stdout.split() == ["62320-62327", "hcpcs-J"], result.stderr

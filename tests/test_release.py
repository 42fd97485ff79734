"""Data releases (issue 18) and every code CMS classifies resolving with dates (issue 16.3).

The CMS files in ../shared are the oracle: the PFS and HCPCS files are read here independently
of the loaders (csv and fixed-width slicing) to check what ``data diff`` reports. The AMA
descriptors those files hold are read as an oracle only, never asserted or printed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import proccodes
from proccodes import default_catalog, get
from proccodes.catalog import use_data
from proccodes.errors import CodeNotActiveError, DataError
from proccodes.release import (
    Change,
    build_files,
    diff,
    info,
    load_release,
    load_titles,
    next_update,
    read_manifest_files,
    release_stale_on,
    write_files,
)
from proccodes.sources.rbcs import load_rbcs

from .conftest import DATA_DIR, ROOT, SHARED

DATA = SHARED / "data"
PFS_DIR = DATA / "cms-pfs-rvu"
RVU25A = PFS_DIR / "RVU25A.zip"
RVU25D = PFS_DIR / "RVU25D" / "PPRRVU2025_Oct.csv"
HCPCS_2019 = DATA / "cms-hcpcs-2019" / "HCPC2019_CONTR_ANWEB.txt"
HCPCS_2020 = DATA / "cms-hcpcs-2020" / "2020-Alpha-Numeric-HCPCS-File.zip"
HCPCS_2026 = DATA / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip"
RBCS = DATA / "cms-rbcs" / "RBCS_RY_2025.csv"
TESTDATA = ROOT / "tests" / "data"
EXCERPT = {
    "hcpcs": [TESTDATA / "hcpcs2019_excerpt.txt"],
    "pfs": TESTDATA / "pfs_excerpt.csv",
    "rbcs": TESTDATA / "RBCS_RY_2025_excerpt.csv",
}
needs_shared = pytest.mark.skipif(not RVU25A.is_file(), reason="needs ../shared/data")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "proccodes", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


@pytest.fixture(autouse=True)
def _shipped_data_after():
    yield
    use_data(None)


# -- A. our titles -------------------------------------------------------------------------------


def test_titles_file_is_read_and_checked():
    shipped = (DATA_DIR / "titles.tsv").read_text("utf-8")
    titles = load_titles(shipped)
    assert titles, "the shipped titles.tsv holds titles"
    for code, title in list(titles.items())[:50]:
        record = get(code)
        if not record.curated:
            assert record.title == title
    bad = "99213\tok\n9921\tshort code\n99214\t" + "x" * 91 + "\n99213\tagain\n99215\ta\tb\n"
    with pytest.raises(DataError) as found:
        load_titles(bad, "t.tsv")
    problems = found.value.problems
    assert any(p.startswith("line 2:") and "not a CPT code" in p for p in problems)
    assert any(p.startswith("line 3:") and "91 characters" in p for p in problems)
    assert any(p.startswith("line 4:") and "twice" in p for p in problems)
    assert any(p.startswith("line 5:") and "tab" in p for p in problems)


def test_few_codes_keep_the_range_label_and_few_share_a_title():
    """Issue 16's bars: at most 1 % of non-curated CPT codes carry a range-label title (a code
    titles.tsv lacks), at most 2 % share their title with another code."""
    from collections import Counter

    from proccodes import default_catalog
    from proccodes.ranges import title_for

    records = [r for r in default_catalog().values() if r.system.value == "CPT" and not r.curated]
    labelled = [r.code for r in records if r.title == title_for(r.code, r.rbcs)]
    counts = Counter(r.title for r in records)
    shared = [r.code for r in records if counts[r.title] > 1]
    assert len(records) > 10_000
    assert len(labelled) <= 0.01 * len(records), labelled[:20]
    assert len(shared) <= 0.02 * len(records), shared[:20]


# -- B. every code CMS classifies resolves, with dates --------------------------------------------


def test_the_acceptance_codes_resolve_with_dates():
    assert get("0001U").effective == date(2017, 2, 1)
    assert get("0001U").rbcs is not None
    vaccine = get("0001A")
    assert (vaccine.effective, vaccine.terminated) == (date(2020, 12, 11), date(2023, 10, 31))
    ended = get("62311")
    assert ended.terminated == date(2016, 12, 31)
    with pytest.raises(CodeNotActiveError, match="2016-12-31"):
        get("62311", on=date(2024, 1, 1))
    lab = get("86153")  # the PFS lists it with modifier 26 only
    assert lab.effective is not None
    assert lab.pfs_by_modifier


@needs_shared
def test_every_non_dental_rbcs_code_is_in_the_catalog_with_class_and_dates():
    rbcs = load_rbcs(RBCS)
    catalog = default_catalog()
    missing = [c for c in rbcs if c not in catalog]
    assert not missing, missing[:20]
    for code in rbcs:
        record = catalog[code]
        added, ended = rbcs.dates(code)
        if record.curated:
            continue
        assert record.rbcs == rbcs[code], code
        if record.system is proccodes.CodeSystem.CPT:
            assert record.effective == added, code
            # RBCS's end date; a code RBCS leaves open that a later PFS release we hold no
            # longer lists ended at the latest the day before that release
            assert record.terminated == ended or (ended is None and record.pfs is None), code


def test_every_cpt_code_has_an_effective_date():
    undated = [
        c
        for c, r in default_catalog().items()
        if r.system is proccodes.CodeSystem.CPT and r.effective is None
    ]
    assert not undated, undated[:20]


@needs_shared
def test_codes_of_older_pfs_releases_resolve_as_ended():
    from proccodes.sources.pfs import load_pfs

    current = load_pfs(RVU25D)
    listed_now = set(current) | set(current.codes_with_modifier_rows)
    catalog = default_catalog()
    for path in (PFS_DIR / "RVU22A.zip", RVU25A):
        old = load_pfs(path)
        for code in set(old) | set(old.codes_with_modifier_rows):
            if code[0] == "D" or code in listed_now:
                continue
            assert code in catalog, code
            record = catalog[code]
            if record.file_facts is None or record.system is proccodes.CodeSystem.CPT:
                assert record.terminated is not None, code


def test_validate_on_says_ended_instead_of_a_neighbour():
    result = run("validate", "--on", "2024-01-01", "62311", "0001A", "64635")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "ended on 2016-12-31" in lines[0]
    assert "ended on 2023-10-31" in lines[1]
    assert "62321" not in result.stdout
    assert "ended" not in lines[2]


# -- C. build, use, info -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def release_25a(tmp_path_factory):
    if not RVU25A.is_file():
        pytest.skip("needs ../shared/data")
    out = tmp_path_factory.mktemp("rel") / "rvu25a"
    result = run(
        "data",
        "build",
        "--out",
        str(out),
        "--hcpcs",
        str(HCPCS_2026),
        "--pfs",
        str(RVU25A),
        "--rbcs",
        str(RBCS),
    )
    assert result.returncode == 0, result.stderr
    assert "RVU25A" in result.stdout
    return out


def _raw_pfs(path: Path) -> dict[tuple[str, str], list[str]]:
    """(code, modifier) -> the CSV row, read without the loader."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            name = next(
                n
                for n in archive.namelist()
                if n.upper().startswith("PPRRVU") and n.upper().endswith(".CSV")
            )
            text = archive.read(name).decode("cp1252")
    else:
        text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text)))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "HCPCS")
    return {
        (r[0], r[1]): r
        for r in rows[start + 1 :]
        if len(r) > 20 and len(r[0]) == 5 and r[0].isalnum()
    }


def test_a_built_release_becomes_the_default(release_25a):
    raw = _raw_pfs(RVU25A)[("64635", "")]
    env = {"PROCCODES_DATA": str(release_25a)}
    shown = json.loads(run("show", "64635", "--json", env=env).stdout)
    assert "RVU25A" in shown["pfs"]["release"]
    assert shown["pfs"]["work_rvu"] == float(raw[5])
    assert shown["pfs"]["non_facility_total"] == float(raw[11])
    releases = [d["release"] for d in shown["data_releases"]]
    assert any("RVU25A" in r for r in releases)
    # the same through --data, and data info names the files with their checksums
    by_option = json.loads(run("--data", str(release_25a), "show", "64635", "--json").stdout)
    assert by_option["pfs"] == shown["pfs"]
    described = json.loads(run("data", "info", "--json", env=env).stdout)
    assert described["folder"] == os.path.realpath(release_25a)
    (pfs_file,) = [f for f in described["files"] if f["kind"] == "pfs"]
    import hashlib

    assert pfs_file["name"] == "RVU25A.zip"
    assert pfs_file["sha256"] == hashlib.sha256(RVU25A.read_bytes()).hexdigest()
    assert pfs_file["size"] == RVU25A.stat().st_size
    assert pfs_file["as_of"] == "2025-01-01"
    # the shipped data is RVU25D: without the variable, show says so
    shipped = json.loads(run("show", "64635", "--json").stdout)
    assert "RVU25D" in shipped["pfs"]["release"]


def test_use_data_in_process(release_25a):
    use_data(release_25a)
    assert "RVU25A" in get("64635").pfs.release
    assert "RVU25A" in default_catalog()["99213"].pfs.release
    from proccodes.release import fee_schedule

    assert "RVU25A" in fee_schedule().label
    assert info().folder == os.path.realpath(release_25a)
    from proccodes.release import companion_file

    found = companion_file("GPCI")
    assert found is not None
    assert found[0] == "GPCI2025.csv"
    with zipfile.ZipFile(RVU25A) as archive:
        raw = archive.read("GPCI2025.csv").decode("cp1252").replace("\r\n", "\n")
    assert found[1] == raw
    use_data(None)
    assert companion_file("GPCI") is None
    assert "RVU25D" in get("64635").pfs.release
    with pytest.raises(DataError, match=r"no manifest\.tsv"):
        use_data(ROOT / "docs")


def test_claims_use_the_release_in_use(release_25a, tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text("claim,date,code,modifiers,units\nc1,2025-03-01,0001F,,1\n")
    built = run("claims", str(claims), "--json", env={"PROCCODES_DATA": str(release_25a)})
    shipped = run("claims", str(claims), "--json")
    (finding,) = json.loads(built.stdout)
    assert finding["rule"] == "pfs.not_payable"
    assert finding["release"] == "CMS PFS RVU25A (January 2025)"
    assert json.loads(shipped.stdout)[0]["release"] == "CMS PFS RVU25D (October 2025)"


def test_fees_use_the_release_in_use(release_25a):
    """Issue 18's acceptance: with a release built from RVU25A the default, `fee` reports
    RVU25A's facts (and the shipped RVU25D again once the choice is undone)."""
    from proccodes.fees import price

    raw = _raw_pfs(RVU25A)[("64635", "")]
    env = {"PROCCODES_DATA": str(release_25a)}
    shown = json.loads(run("fee", "64635", "--locality", "01112-05", "--json", env=env).stdout)
    assert "RVU25A" in json.dumps(shown)
    use_data(release_25a)
    try:
        fee = price("64635", locality="01112-05", pos="11", on=date(2025, 3, 3))
        assert "RVU25A" in fee.to_dict()["pfs_release"]
        assert "RVU25A" in fee.arithmetic()
        assert float(fee.to_dict()["work_rvu"]) == float(raw[5])
    finally:
        use_data(None)
    fee = price("64635", locality="01112-05", pos="11", on=date(2025, 11, 3))
    assert "RVU25D" in fee.to_dict()["pfs_release"]


def test_a_built_release_ships_no_ama_text(release_25a):
    # the licence proof of tests/test_licence.py, over a release a user builds from RVU25A
    # (whose DESCRIPTION column holds the AMA's short descriptors of CPT codes)
    from .test_licence import violation

    found = []
    for path in sorted(release_25a.iterdir()):
        for line in path.read_text("utf-8").splitlines():
            cells = line.split("\t")
            code = cells[0] if len(cells[0]) == 5 else None
            for cell in cells:
                for text in {cell, *cell.replace("~", "|").split("|")}:
                    if text and violation(text, code):
                        found.append(f"{path.name}: {code} {text!r}")
    assert not found, f"{len(found)} AMA descriptors in a built release: {found[:5]}"


def test_building_twice_gives_identical_bytes():
    first = build_files(**EXCERPT)
    second = build_files(**EXCERPT)
    assert first == second
    assert "file\tpfs\tpfs_excerpt.csv\t" in first["manifest.tsv"]


def test_a_pfs_of_an_unknown_layout_names_the_missing_columns(tmp_path):
    rows = list(csv.reader(io.StringIO(EXCERPT["pfs"].read_text("cp1252"))))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "HCPCS")
    cut = [r[:5] + r[6:] if i >= start else r for i, r in enumerate(rows)]
    bad = tmp_path / "PPRRVU_bad.csv"
    with open(bad, "w", newline="", encoding="cp1252") as stream:
        csv.writer(stream).writerows(cut)
    with pytest.raises(DataError, match=r"missing the columns WORK RVU"):
        build_files(**{**EXCERPT, "pfs": bad})


# -- safe builds -----------------------------------------------------------------------------


def _variant(files: dict[str, str], mark: str) -> dict[str, str]:
    """The release with every record's title marked and the manifest saying which mark."""
    out = {}
    for name, text in files.items():
        if name == "manifest.tsv":
            out[name] = text + f"# mark {mark}\n"
        elif name == "modifiers.tsv":
            out[name] = text
        else:
            lines = []
            for line in text.splitlines():
                f = line.split("\t")
                f[1] = f"{mark}:{f[1] or f[3]}"
                lines.append("\t".join(f))
            out[name] = "\n".join(lines) + "\n"
    return out


def _mark_of(folder: Path) -> str:
    """The one mark of a release, read as a reader would; fails on a mix."""
    real = os.path.realpath(folder)
    manifest = Path(real, "manifest.tsv").read_text("utf-8")
    mark = manifest.rsplit("# mark ", 1)[1].strip()
    catalog = load_release(real)
    marks = {r.title.split(":", 1)[0] for r in catalog.values()}
    assert marks == {mark}, f"a mix: manifest {mark}, records {marks}"
    return mark


def test_a_killed_build_leaves_the_previous_release(tmp_path):
    files = build_files(**EXCERPT)
    folder = tmp_path / "release"
    write_files(_variant(files, "A"), folder)
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from proccodes import release
        files = release.build_files(hcpcs={[str(p) for p in EXCERPT["hcpcs"]]!r},
                                    pfs={str(EXCERPT["pfs"])!r}, rbcs={str(EXCERPT["rbcs"])!r})
        real_fsync = os.fsync
        def fsync(fd):
            real_fsync(fd)
            print("writing", flush=True)
            time.sleep(600)  # killed here, after the first file of the new release
        os.fsync = fsync
        release.write_files(files, {str(folder)!r})
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "writing"
            child.send_signal(signal.SIGKILL)
        finally:
            child.wait(timeout=120)
    assert _mark_of(folder) == "A"
    result = run("data", "info", env={"PROCCODES_DATA": str(folder)})
    assert result.returncode == 0, result.stderr
    # the next build succeeds and cleans the half-written folder away
    write_files(_variant(files, "B"), folder)
    assert _mark_of(folder) == "B"


def test_readers_see_old_or_new_never_a_mix_during_rebuilds(tmp_path):
    files = build_files(**EXCERPT)
    folder = tmp_path / "release"
    write_files(_variant(files, "A"), folder)
    script = textwrap.dedent(
        f"""
        import json, sys
        from proccodes import release
        variants = json.load(open({str(tmp_path / "variants.json")!r}))
        for i in range(40):
            release.write_files(variants[i % 2], {str(folder)!r})
        """
    )
    (tmp_path / "variants.json").write_text(
        json.dumps([_variant(files, "B"), _variant(files, "A")])
    )
    writer = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    seen = set()
    try:
        for _ in range(400):
            seen.add(_mark_of(folder))
            if writer.poll() is not None:
                break
    finally:
        writer.wait(timeout=300)
    assert writer.returncode == 0
    assert seen <= {"A", "B"}
    assert _mark_of(folder) == "A"


def test_a_folder_that_is_no_release_is_not_replaced(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(DataError, match="not a data release"):
        write_files({"manifest.tsv": "#\n"}, tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"


# -- diff --------------------------------------------------------------------------------------


@needs_shared
def test_pfs_diff_matches_the_raw_files():
    old, new = _raw_pfs(RVU25A), _raw_pfs(RVU25D)
    changes = diff(RVU25A, RVU25D)
    assert all(isinstance(c, Change) for c in changes)
    by_key = {(c.kind, c.code, c.field): c for c in changes}
    old_codes = {c for c, _ in old if c[0] != "D"}
    new_codes = {c for c, _ in new if c[0] != "D"}
    assert {c.code for c in changes if c.kind == "added"} == new_codes - old_codes
    assert {c.code for c in changes if c.kind == "ended"} == old_codes - new_codes
    work_changed = sorted(
        c
        for (c, m), row in new.items()
        if not m and (c, "") in old and c[0] != "D" and float(old[(c, "")][5]) != float(row[5])
    )
    status_changed = sorted(
        c
        for (c, m), row in new.items()
        if not m and (c, "") in old and c[0] != "D" and old[(c, "")][3] != row[3]
    )
    assert work_changed or status_changed, "RVU25A and RVU25D differ"
    for code in work_changed[:25]:
        change = by_key[("pfs", code, "work_rvu")]
        assert float(change.old) == float(old[(code, "")][5])
        assert float(change.new) == float(new[(code, "")][5])
    for code in status_changed[:25]:
        change = by_key[("pfs", code, "status")]
        assert (change.old, change.new) == (old[(code, "")][3], new[(code, "")][3])
    same = [
        c
        for (c, m) in new
        if not m
        and (c, "") in old
        and old[(c, "")][5:14] == new[(c, "")][5:14]
        and old[(c, "")][3] == new[(c, "")][3]
    ]
    for code in same[::500]:
        assert ("pfs", code, "work_rvu") not in by_key
        assert ("pfs", code, "status") not in by_key


def _raw_hcpcs(path: Path) -> dict[str, str]:
    """code -> short descriptor of each procedure record (record id 3), read by position."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if "ANWEB" in n and n.endswith(".txt"))
            text = archive.read(name).decode("cp1252")
    else:
        text = path.read_bytes().decode("cp1252")
    found = {}
    for line in text.splitlines():
        if len(line) > 100 and line[10:11] == "3" and line[:5].isalnum():
            found[line[:5]] = " ".join(line[91:119].split())
    return found


@needs_shared
def test_hcpcs_diff_matches_the_raw_files():
    old, new = _raw_hcpcs(HCPCS_2019), _raw_hcpcs(HCPCS_2020)
    changes = diff(HCPCS_2019, HCPCS_2020)
    added = {c.code for c in changes if c.kind == "added"}
    assert added == set(new) - set(old)
    gone = {c.code for c in changes if c.kind == "ended" and c.field == "not listed"}
    assert gone == set(old) - set(new)
    short = {c.code: c for c in changes if c.kind == "descriptor" and c.field == "short"}
    differ = sorted(c for c in set(old) & set(new) if old[c] != new[c])
    assert differ
    for code in differ[:40]:
        assert " ".join(short[code].old.split()) == old[code]
        assert " ".join(short[code].new.split()) == new[code]
    assert set(short) == set(differ)


def test_diff_cli_text_json_csv(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    files = build_files(**EXCERPT)
    write_files(files, a)
    changed = dict(files)
    (name,) = [n for n in files if n.startswith("62")]
    lines = changed[name].splitlines()
    lines.pop(0)
    changed[name] = "\n".join(lines) + "\n"
    write_files(changed, b)
    gone = files[name].splitlines()[0].split("\t")[0]
    text = run("data", "diff", str(a), str(b))
    assert text.returncode == 0, text.stderr
    assert f"ended {gone} not listed" in text.stdout
    as_json = json.loads(run("data", "diff", str(a), str(b), "--json").stdout)
    assert as_json == [{"kind": "ended", "code": gone, "field": "not listed", "old": "", "new": ""}]
    as_csv = run("data", "diff", str(a), str(b), "--csv").stdout.splitlines()
    assert as_csv == ["kind,code,field,old,new", f"ended,{gone},not listed,,"]
    mixed = run("data", "diff", str(a), str(EXCERPT["pfs"]))
    assert mixed.returncode == 2
    assert "cannot compare" in mixed.stderr


NCCI = DATA / "cms-ncci-samples"


@needs_shared
def test_ncci_diff_uses_the_loaders(tmp_path):
    mue_path = NCCI / "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
    ptp_path = NCCI / "ccipra-v322r0-f1.excerpt.txt"
    from proccodes.sources.ncci import load_mue

    assert diff(mue_path, mue_path) == []
    table = load_mue(mue_path)
    code = next(iter(table))
    text = mue_path.read_bytes().decode("cp1252")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(code + ","))
    cells = next(csv.reader([lines[at]]))
    cells[1] = str(int(cells[1]) + 1)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    lines[at] = buffer.getvalue() + ("\r" if lines[at].endswith("\r") else "")
    edited = tmp_path / "MCR_MUE_new.csv"
    edited.write_bytes("\n".join(lines).encode("cp1252"))
    (change,) = diff(mue_path, edited)
    assert (change.kind, change.code, change.field) == ("mue", code, "max_units")
    assert int(change.new) == table[code].max_units + 1
    assert diff(ptp_path, ptp_path) == []
    ptp_lines = ptp_path.read_bytes().decode("cp1252").split("\n")
    data = [i for i, line in enumerate(ptp_lines) if line[:1].isdigit() or line[:1].isupper()]
    data = [i for i in data if "\t" in ptp_lines[i] and ptp_lines[i].split("\t")[3].isdigit()]
    removed = ptp_lines.pop(data[0])
    fewer = tmp_path / "ccipra-new.txt"
    fewer.write_bytes("\n".join(ptp_lines).encode("cp1252"))
    pair = "+".join(removed.split("\t")[:2])
    assert [(c.kind, c.code) for c in diff(ptp_path, fewer)] == [("ptp-deleted", pair)]


# -- stale data ------------------------------------------------------------------------------


def test_stale_data_is_said_out_loud():
    assert next_update(date(2025, 10, 1)) == date(2026, 1, 1)
    assert release_stale_on(date(2025, 12, 31)) is None
    notice = release_stale_on(date(2026, 1, 1))
    assert notice is not None
    assert "RVU25D" in notice
    assert "2026-01-01" in notice
    result = run("validate", "--on", "2026-07-01", "64635")
    assert "out of date" in result.stderr
    assert result.returncode == 0


def test_the_cms_sources_list_names_the_shipped_files_with_their_checksums():
    import tomllib

    listed = tomllib.loads((ROOT / "tools" / "cms_sources.toml").read_text("utf-8"))
    shipped = {
        (f["file"], f["size"], f["sha256"])
        for kind in ("hcpcs", "pfs", "rbcs")
        for f in listed[kind]["shipped"]
    }
    manifest = (DATA_DIR / "official" / "manifest.tsv").read_text("utf-8")
    recorded = {(f.name, f.size, f.sha256) for f in read_manifest_files(manifest)}
    assert shipped == recorded
    for kind in listed.values():
        assert "cms.gov/" in kind["page"]
    assert (ROOT / "docs" / "maintaining.md").is_file()


# -- quarterly history -------------------------------------------------------------------------


def _quarterly_files(tmp_path: Path) -> tuple[Path, Path, str, str, str]:
    """The January 2026 records file, and an April file made from it in which one code has
    new words from 2026-04-01 (action C), as CMS's April file would state a change."""
    with zipfile.ZipFile(HCPCS_2026) as archive:
        name = next(n for n in archive.namelist() if "ANWEB" in n and n.endswith(".txt"))
        text = archive.read(name).decode("cp1252")
    lines = text.split("\n")
    at = next(
        i
        for i, line in enumerate(lines)
        if line.startswith("J1100") and line[10] == "3" and not lines[i + 1].startswith("J1100")
    )
    line = lines[at]
    old = " ".join(line[11:91].split())
    new = "Injection, dexamethasone sodium phosphate, 1 mg (april wording)"
    changed = line[:11] + new.ljust(80) + line[91:276] + "20260401" + line[284:292] + "C"
    changed += line[293:]
    january = tmp_path / "HCPC2026_JAN_ANWEB.txt"
    april = tmp_path / "HCPC2026_APR_ANWEB.txt"
    january.write_bytes(text.encode("cp1252"))
    lines[at] = changed
    april.write_bytes("\n".join(lines).encode("cp1252"))
    return january, april, "J1100", old, new


@pytest.mark.slow  # two whole HCPCS releases read
@needs_shared
def test_quarterly_files_merge_and_get_on_picks_the_meaning_of_that_day(tmp_path):
    from proccodes.sources.hcpcs import load_hcpcs_years

    january, april, code, old, new = _quarterly_files(tmp_path)
    merged = load_hcpcs_years([january, april])
    record = merged[code]
    assert [(h.year, h.quarter) for h in record.history] == [(2026, 1), (2026, 2)]
    assert record.descriptor("long") == new
    with pytest.raises(DataError, match="a second file for 2026"):
        load_hcpcs_years([january, january])
    folder = tmp_path / "release"
    files = build_files(hcpcs=[january, april], pfs=EXCERPT["pfs"], rbcs=EXCERPT["rbcs"])
    write_files(files, folder)
    assert "source\tCMS HCPCS Level II\tApril 2026\t" in files["manifest.tsv"]
    use_data(folder)
    assert get(code, on=date(2026, 2, 1)).title == old
    assert get(code, on=date(2026, 5, 1)).title == new
    assert get(code).title == new


def test_a_build_never_replaces_the_package_data():
    with pytest.raises(DataError, match=r"tools/build_data\.py"):
        write_files({"manifest.tsv": "#\n"}, DATA_DIR / "official")
    assert (DATA_DIR / "official").is_dir()
    assert not (DATA_DIR / "official").is_symlink()


def test_show_on_a_day_after_the_next_cms_update_warns():
    later = run("show", "64635", "--on", "2026-05-01")
    assert later.returncode == 0
    assert "may be out of date for 2026-05-01" in later.stderr
    assert "RVU25D" in later.stderr
    assert run("show", "64635", "--on", "2025-11-01").stderr == ""


@given(st.text(alphabet=st.sampled_from("0123456789FTU\t\n#x "), max_size=200))
def test_any_titles_text_gives_titles_or_a_data_error(text):
    problems: tuple[str, ...] = ()
    titles: dict[str, str] = {}
    try:
        titles = load_titles(text)
    except DataError as exc:
        problems = tuple(exc.problems)
    assert all(p.startswith("line ") for p in problems)
    assert all(len(t) <= 90 and "\t" not in t for t in titles.values())


def test_a_data_variable_that_names_no_release_is_a_clear_error():
    result = run("show", "64635", env={"PROCCODES_DATA": str(ROOT / "docs")})
    assert result.returncode == 2
    assert "not a data release folder (no manifest.tsv)" in result.stderr
    assert "Traceback" not in result.stderr


def test_diff_names_a_code_used_again(tmp_path):
    files = build_files(**EXCERPT)
    (name,) = [n for n in files if n.startswith("62")]
    first = files[name].splitlines()[0].split("\t")
    code = first[0]

    def with_dates(effective: str, terminated: str) -> dict[str, str]:
        lines = files[name].splitlines()
        cells = lines[0].split("\t")
        cells[5], cells[6] = effective, terminated
        lines[0] = "\t".join(cells)
        return {**files, name: "\n".join(lines) + "\n"}

    write_files(with_dates("2000-01-01", "2016-12-31"), tmp_path / "ended")
    write_files(with_dates("2000-01-01", ""), tmp_path / "open")
    write_files(with_dates("2027-01-01", ""), tmp_path / "again")
    assert [(c.kind, c.code, c.field) for c in diff(tmp_path / "ended", tmp_path / "open")] == [
        ("reused", code, "terminated")
    ]
    (change,) = diff(tmp_path / "open", tmp_path / "again")
    assert (change.kind, change.field, change.new) == ("reused", "effective", "2027-01-01")
    (change,) = diff(tmp_path / "open", tmp_path / "ended")
    assert (change.kind, change.new) == ("ended", "2016-12-31")

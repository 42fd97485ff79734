"""Issue 15, the items that are neither loaders nor claim rules: the site stays in its folder
(3, 27), echoed text is safe for a terminal (18), the CPT modifiers (9), locks after fork (10),
the CLI's numeric arguments (12) and the search limit's message (28).

Each test failed on the code before the fix (main 23c6bc1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date

import attrs
import pytest

from proccodes import Catalog, DataError, default_catalog
from proccodes.cli import main

from .conftest import ROOT, SHARED

# -- 3, 27: the site writes inside OUTDIR only -------------------------------------------------


def _with_rbcs_id(class_id: str, code: str = "62290") -> Catalog:
    record = default_catalog()["62290"]
    assert record.rbcs is not None
    hostile = attrs.evolve(record, code=code, rbcs=attrs.evolve(record.rbcs, id=class_id))
    return Catalog.from_records([hostile], release="test", as_of=date(2026, 1, 1))


@pytest.mark.parametrize("class_id", ["../../owned", "../owned", "a/b", "..", ".hidden", ""])
def test_an_rbcs_id_that_is_a_path_is_refused_before_anything_is_written(tmp_path, class_id):
    pytest.importorskip("jinja2")
    from proccodes.site import build_site

    out = tmp_path / "a" / "b" / "site"
    with pytest.raises(DataError, match="cannot name a page of the site") as exc:
        build_site(out, _with_rbcs_id(class_id))
    assert exc.value.problems[0].endswith("@ 62290.rbcs.id")  # the record and the field
    assert not (tmp_path / "a" / "owned.html").exists()
    assert not (tmp_path / "a" / "b" / "owned.html").exists()
    assert not out.exists()  # checked before the folder is made


def test_an_absolute_rbcs_id_is_a_clear_error_not_file_not_found(tmp_path):
    pytest.importorskip("jinja2")
    from proccodes.site import build_site

    target = tmp_path / "elsewhere" / "owned"
    with pytest.raises(DataError, match=r"RBCS class .* cannot name a page"):
        build_site(tmp_path / "site", _with_rbcs_id(str(target)))
    assert not target.with_suffix(".html").exists()


def test_the_cli_refuses_a_catalog_whose_rbcs_id_is_a_path(tmp_path, capsys):
    pytest.importorskip("jinja2")
    from proccodes.export import catalog_json

    path = tmp_path / "user.json"
    user = _with_rbcs_id("../../owned", code="62299")  # a code the shipped catalog lacks
    path.write_text(json.dumps(catalog_json(user)), encoding="utf-8")
    out = tmp_path / "x" / "y" / "site"
    assert main(["site", str(out), "--catalog", str(path)]) == 2
    assert "cannot name a page of the site" in capsys.readouterr().err
    assert not (tmp_path / "x" / "owned.html").exists()


def test_a_symlinked_assets_folder_is_replaced_and_its_target_kept(tmp_path):
    pytest.importorskip("jinja2")
    from proccodes.site import build_site

    one = _with_rbcs_id("PM007O")
    out = tmp_path / "site"
    build_site(out, one)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine", encoding="utf-8")
    import shutil

    shutil.rmtree(out / "assets")
    (out / "assets").symlink_to(precious, target_is_directory=True)
    build_site(out, one)  # rebuilt in place: rmtree on the link used to raise OSError
    assert not (out / "assets").is_symlink()
    assert (out / "assets" / "style.css").is_file()
    assert (precious / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in precious.iterdir()) == ["keep.txt"]


def test_a_symlinked_page_file_is_not_written_through(tmp_path):
    """A link planted inside a subfolder between two builds would send a page elsewhere."""
    pytest.importorskip("jinja2")
    from proccodes.site import _inside

    (tmp_path / "codes").mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    (tmp_path / "codes" / "62290.html").symlink_to(victim)
    with pytest.raises(ValueError, match="outside the site folder"):
        _inside(tmp_path, "codes/62290.html")


# -- 18: echoed text is made safe -------------------------------------------------------------

ESC = "\x1b]0;owned\x07\x1b[2J"


def _no_terminal_controls(text: str) -> None:
    for char in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert char not in text, repr(text)


@pytest.mark.parametrize("form", [[], ["--csv"], ["--json"]])
def test_claims_output_escapes_a_file_name_and_ptp_rationale(tmp_path, capsys, form):
    from .ncci_gen import PTP_HEADER  # the layout of CMS's PTP files

    name = tmp_path / f"claims{ESC}.csv"
    name.write_text("claim,date,code\nA,2026-03-02,64490\nA,2026-03-02,64493\n", encoding="utf-8")
    ptp = tmp_path / "ccipra-v321r0-f1.txt"
    row = f"64490\t64493\t\t20250101\t*\t0\tMisuse{ESC}\u202e\x9b1m\r\n"
    ptp.write_text(PTP_HEADER + row, encoding="utf-8")
    main(["claims", str(name), "--ptp", str(ptp), *form])
    out = capsys.readouterr().out
    _no_terminal_controls(out)
    if form == ["--json"]:
        json.loads(out)  # still valid JSON
    if not form:
        assert "\\x1b]0;owned" in out  # the name, escaped, is still there


@pytest.mark.slow
def test_site_output_escapes_the_folder_name(tmp_path, capsys):
    pytest.importorskip("jinja2")
    from proccodes.export import catalog_json

    path = tmp_path / "user.json"
    path.write_text(json.dumps(catalog_json(_with_rbcs_id("PM007O"))), encoding="utf-8")
    assert main(["site", str(tmp_path / f"out{ESC}"), "--catalog", str(path)]) == 0
    out = capsys.readouterr().out
    _no_terminal_controls(out)
    assert "out\\x1b]0;owned" in out


# -- 9: CPT Category II modifiers -------------------------------------------------------------


@pytest.mark.parametrize("modifier", ["1P", "2P", "3P", "8P"])
def test_cpt_category_ii_performance_modifiers_are_known(modifier):
    from proccodes.claims import ClaimLine, check

    found = check([ClaimLine(claim="A", date="2026-03-02", code="3008F", modifiers=modifier)])
    assert [f.rule for f in found if f.rule == "modifier.unknown"] == []


def test_a_made_up_modifier_is_still_unknown():
    from proccodes.claims import ClaimLine, check

    found = check([ClaimLine(claim="A", date="2026-03-02", code="62290", modifiers="9P")])
    assert "modifier.unknown" in {f.rule for f in found}


def test_the_cpt_modifier_list_has_numbers_and_own_titles_only():
    from proccodes.modifiers import CPT_MODIFIER_TITLES, is_cpt_modifier

    assert {"1P", "2P", "3P", "8P", "25", "26", "50", "59", "33"} <= CPT_MODIFIER_TITLES.keys()
    assert all(len(m) == 2 and m.isalnum() and m == m.upper() for m in CPT_MODIFIER_TITLES)
    assert all(0 < len(title) <= 70 for title in CPT_MODIFIER_TITLES.values())
    assert is_cpt_modifier("1p")
    assert is_cpt_modifier("59")
    assert not is_cpt_modifier("LT")


HCPCS_FILES = (
    SHARED / "data" / "cms-hcpcs-2019" / "HCPC2019_CONTR_ANWEB.txt",
    SHARED / "data" / "cms-hcpcs-2020" / "2020-Alpha-Numeric-HCPCS-File.zip",
    SHARED / "data" / "cms-hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip",
)
PFS_ZIPS = tuple(SHARED / "data" / "cms-pfs-rvu" / f"RVU{r}.zip" for r in ("22A", "25A"))


@pytest.mark.skipif(
    not all(p.is_file() for p in (*HCPCS_FILES, *PFS_ZIPS)), reason="needs ../shared (CMS files)"
)
def test_the_cpt_modifiers_agree_with_cms_modifier_lists():
    """CMS's HCPCS files list the Level II modifiers (with their public texts); the PFS files
    use modifiers in their MOD column. The CPT list is what neither HCPCS file lists except
    P1-P6 (in both), and covers every PFS modifier that is not Level II."""
    import csv
    import io
    import zipfile

    from proccodes import load_hcpcs
    from proccodes.modifiers import CPT_MODIFIER_TITLES

    level2: dict[str, str] = {}
    for path in HCPCS_FILES:
        for code, modifier in load_hcpcs(path).modifiers.items():
            level2.setdefault(code, modifier.title)
    assert len(level2) > 300
    assert CPT_MODIFIER_TITLES.keys() & level2.keys() == {f"P{n}" for n in range(1, 7)}
    assert all(not m.isdigit() and not m.endswith("P") for m in level2 if m[0].isdigit())
    pfs_modifiers: set[str] = set()
    for path in PFS_ZIPS:
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.upper().startswith("PPRRVU"))
            text = archive.read(name).decode("cp1252")
        pfs_modifiers |= {
            row[1] for row in csv.reader(io.StringIO(text)) if len(row) > 1 and len(row[0]) == 5
        } - {"", "MOD"}
    assert {"26", "53", "TC"} <= pfs_modifiers
    assert pfs_modifiers <= CPT_MODIFIER_TITLES.keys() | level2.keys()
    assert "TC" in level2
    assert "TC" not in CPT_MODIFIER_TITLES
    # our titles are our own words, not a copy of CMS's text for the shared P1-P6
    for code in CPT_MODIFIER_TITLES.keys() & level2.keys():
        assert CPT_MODIFIER_TITLES[code].lower() != level2[code].lower(), code


# -- 10: locks are reset after fork -----------------------------------------------------------

_FORK_WHILE_HELD = """
import os, sys, threading
import {module} as m
lock = {lock}
holder_has_it, release = threading.Event(), threading.Event()
def hold():
    with lock:
        holder_has_it.set()
        release.wait(30)
t = threading.Thread(target=hold)
t.start()
holder_has_it.wait(30)
pid = os.fork()
if pid == 0:
    got = {lock}.acquire(timeout=20)   # the child's lock: reset at fork, so free
    os._exit(0 if got else 3)
release.set()
t.join()
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
@pytest.mark.parametrize(
    ("module", "lock"),
    [
        ("proccodes.claims.cluster", "m._LOCK"),
        ("proccodes.claims.rules", "m._KEPT_LOCK"),
        ("proccodes.ranges", "m._lock"),
    ],
)
def test_a_fork_while_a_lock_is_held_leaves_the_child_a_free_lock(module, lock):
    pytest.importorskip(module)
    code = textwrap.dedent(_FORK_WHILE_HELD.format(module=module, lock=lock))
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,  # only to catch a hang, not a speed bound
        check=False,
    )
    assert done.returncode == 0, done.stderr


# -- 12 (CLI parts), 28: numeric arguments ----------------------------------------------------


def test_hcpcs_year_3000_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "HCPC2026_JAN_ANWEB.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["hcpcs", str(path), "--year", "3000"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "--year" in err
    assert "1983 to 2100" in err


def test_search_limit_of_twenty_digits_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["search", "discogram", "--limit", "99999999999999999999"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "--limit" in err


def test_search_limit_too_large_names_the_allowed_values():
    from proccodes import search

    with pytest.raises(ValueError, match=r"limit") as exc:
        search("discogram", limit=2**63)
    assert "maxsize" not in str(exc.value)
    assert f"{2**63 - 1:,}" in str(exc.value) or str(2**63 - 1) in str(exc.value)


def test_show_search_and_check_escape_a_catalogs_own_text(tmp_path, capsys):
    """Not only paths: a user catalog's titles reach show, search and check output."""
    from proccodes.export import catalog_json

    record = default_catalog()["62290"]
    # the catalog loader refuses C0 controls (ESC) in text; C1 controls and bidi ones pass it
    hostile = attrs.evolve(record, code="62299", title="Discogram zzhostile\x9b2J\u202e")
    user = Catalog.from_records([hostile], release="test", as_of=date(2026, 1, 1))
    path = tmp_path / "user.json"
    path.write_text(json.dumps(catalog_json(user)), encoding="utf-8")
    main(["show", "62299", "--catalog", str(path)])
    main(["search", "zzhostile", "--catalog", str(path)])
    main(["check", str(path)])
    out = capsys.readouterr().out
    _no_terminal_controls(out)
    assert out.count("zzhostile\\x9b2J\\u202e") >= 2  # shown, escaped, by show and search

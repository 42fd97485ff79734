"""The RBCS classification loader: the real file, generated defects and damage."""

from __future__ import annotations

import pickle
import zipfile
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proccodes import DataError, Rbcs, load_rbcs
from proccodes.records import RbcsClass

from .conftest import SHARED, TEST_DATA

RBCS_FILE = SHARED / "data" / "cms-rbcs" / "RBCS_RY_2025.csv"
EXCERPT = TEST_DATA / "RBCS_RY_2025_excerpt.csv"
needs_shared = pytest.mark.skipif(
    not RBCS_FILE.exists(), reason="needs ../shared (CMS files): cms-rbcs"
)
HEADER = EXCERPT.read_text().splitlines()[0]


def _row(
    code: str = "64493",
    rid: str = "PM007O",
    major: str = "O",
    added: str = "01/01/2010",
    ended: str = "12/31/9999",
    latest: str = "1",
    family: str = "Nerve Block Injection - Back",
) -> str:
    return (
        f'{code},{rid},P,Procedure,PM,Musculoskeletal,007,"{family}",{major},{added},{ended},'
        f"{latest},2020,01/01/2014,12/31/9999,0,0"
    )


def _write(tmp_path, *rows: str, header: str = HEADER):
    path = tmp_path / "RBCS_RY_2025.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


@needs_shared
def test_the_real_file():
    rbcs = load_rbcs(RBCS_FILE)
    assert rbcs.release == "CMS RBCS RY2025"
    assert rbcs.as_of == date(2024, 12, 31)
    assert rbcs.warnings == ()
    assert len(rbcs) + rbcs.dental_codes_left_out == 16_618  # one current class per code
    assert not any(code.startswith("D") for code in rbcs)
    nerve_block = rbcs["64493"]
    assert nerve_block == RbcsClass(
        id="PM007O",
        category="Procedure",
        subcategory="Musculoskeletal",
        family="Nerve Block Injection - Back",
        major=False,
    )
    assert rbcs["99213"].family == "Office E&M - Established"
    assert rbcs["99213"].major is None  # not a procedure
    assert rbcs["20930"].major is True
    assert rbcs["J1100"].subcategory == "Injections and Infusions (nononcologic)"
    assert rbcs["0001U"].id == "TM014N"  # the latest of its two rows
    assert "S9090" not in rbcs
    # Codes of one class share one object: a few hundred objects for 16,525 codes.
    assert len({id(c) for c in rbcs.values()}) < 400
    again = pickle.loads(pickle.dumps(rbcs))
    assert isinstance(again, Rbcs)
    assert dict(again.items()) == dict(rbcs.items())
    assert (again.release, again.as_of) == (rbcs.release, rbcs.as_of)


def test_the_excerpt_and_the_mapping():
    rbcs = load_rbcs(EXCERPT)
    assert list(rbcs) == sorted(rbcs)
    assert rbcs["64493"].family == "Nerve Block Injection - Back"
    assert rbcs.get("S9090") is None
    with pytest.raises(AttributeError):
        rbcs.release = "x"  # type: ignore[misc]
    assert "warnings" in repr(rbcs)
    with pytest.raises(TypeError):
        load_rbcs(EXCERPT, strict=1)  # type: ignore[arg-type]


def test_headers_in_cms_mixed_case_and_a_zip(tmp_path):
    header = HEADER.replace("hcpcs_cd,rbcs_id", "HCPCS_Cd,RBCS_ID").replace(
        "rbcs_family_desc", "RBCS_Family_Desc"
    )
    rbcs = load_rbcs(_write(tmp_path, _row(), header=header))
    assert rbcs["64493"].family == "Nerve Block Injection - Back"
    path = tmp_path / "rbcs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.txt", "about")
        archive.writestr("RBCS_RY_2025.csv", EXCERPT.read_text())
    assert load_rbcs(path).release == "CMS RBCS RY2025"


def test_defects_are_warnings(tmp_path):
    path = _write(
        tmp_path,
        _row("64493", added="1/1/201"),
        _row("64494", major="X"),
        _row("64495", major="M"),
        _row("64490", family=""),
    )
    rbcs = load_rbcs(path)
    assert rbcs.warning_count == 4
    text = "\n".join(rbcs.warnings)
    assert f"{path}: line 2: hcpcs_cd_add_dt: not a date as MM/DD/YYYY (found '1/1/201')" in text
    assert "line 3: rbcs_major_ind: not M, O or N (found 'X')" in text
    assert "line 4: rbcs_major_ind: the class id PM007O says O (found 'M')" in text
    assert "line 5: rbcs_family_desc: blank" in text
    assert rbcs["64494"].major is False  # from the class id
    assert rbcs["64490"].family == ""
    with pytest.raises(DataError) as caught:
        load_rbcs(path, strict=True)
    assert len(caught.value.problems) == 4


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((_row("6449X"),), "line 2: hcpcs_cd '6449X' is not a code"),
        ((_row(rid="PM07O"),), "line 2: rbcs_id 'PM07O' is not a class id"),
        ((_row(latest="2"),), "line 2: rbcs_latest_assignment '2' is not 0 or 1"),
        ((_row(), _row()), "line 3: a second current class for 64493"),
        ((_row()[:40],), "line 2: 6 cells; the header has 17"),
    ],
)
def test_structural_damage(tmp_path, rows, message):
    with pytest.raises(DataError) as caught:
        load_rbcs(_write(tmp_path, *rows))
    assert message in "\n".join(caught.value.problems)


def test_not_an_rbcs_file(tmp_path):
    with pytest.raises(DataError, match="no header with the columns hcpcs_cd"):
        load_rbcs(_write(tmp_path, "1,2,3", header="a,b,c"))


def test_a_code_with_only_earlier_classes_is_a_warning(tmp_path):
    rbcs = load_rbcs(_write(tmp_path, _row(latest="0"), _row("64494")))
    assert "64493" not in rbcs
    assert "line 2: rbcs_latest_assignment: 64493 has no current class" in rbcs.warnings[0]


def _says_where_and_what(exc: DataError, path) -> None:
    """A DataError names the file and says what is wrong (not the bare "unreadable" that a
    DataError without problems gets)."""
    assert exc.source == str(path)
    assert exc.problems != ("unreadable",)
    assert all(isinstance(p, str) and p.strip() for p in exc.problems)


@given(st.binary(max_size=1500))
def test_any_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "RBCS_RY_2025.csv"
    path.write_bytes(data)
    try:
        rbcs = load_rbcs(path)
    except DataError as exc:  # fuzzing: any DataError is fine if it says where and what
        _says_where_and_what(exc, path)
    else:
        assert all(isinstance(c, RbcsClass) for c in rbcs.values())


@given(st.text(alphabet=',"\n 019/MONPAZ', max_size=300))
def test_any_rows(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fuzz") / "RBCS_RY_2025.csv"
    path.write_text(HEADER + "\n" + rows)
    try:
        load_rbcs(path)
    except DataError as exc:  # fuzzing: any DataError is fine if it says where and what
        _says_where_and_what(exc, path)

"""The index of the curated data (data/index.txt) is required and checked (issue 19, 5).

Without it, or with one that no longer matches the data files, the first ``get("62290")``
returned the official-only record (``curated`` False) until something loaded the whole
catalog: a silent wrong answer. Now both are a :class:`proccodes.DataError`.
"""

from __future__ import annotations

import pytest

import proccodes
from proccodes import DataError
from proccodes import catalog as catalog_module
from proccodes._resources import read_data


@pytest.fixture
def fresh(monkeypatch):
    """The shipped catalog as in a new process: nothing read yet (and again afterwards)."""
    shipped = catalog_module.shipped_data()
    shipped.reset()
    yield monkeypatch
    monkeypatch.undo()
    shipped.reset()


def _index_text() -> str:
    return read_data(catalog_module.INDEX_NAME).decode("utf-8")


def _serve_index(monkeypatch, text: str | None) -> None:
    """Make the package's index read as ``text`` (None: missing)."""
    real = read_data

    def read(name: str) -> bytes:
        if name == catalog_module.INDEX_NAME:
            if text is None:
                raise FileNotFoundError(2, "No such file or directory")
            return text.encode("utf-8")
        return real(name)

    monkeypatch.setattr(catalog_module.shipped_data(), "read", read)


def test_the_shipped_index_matches_the_data_files(fresh):
    assert proccodes.get("62290").curated


def test_a_missing_index_is_a_data_error_not_the_official_only_record(fresh):
    _serve_index(fresh, None)
    with pytest.raises(DataError, match=r"index\.txt") as exc:
        proccodes.get("62290")
    assert "reinstall" in str(exc.value)


def test_an_index_without_a_code_of_a_data_file_is_detected(fresh):
    """A code added to a data file after the index was written (its line missing)."""
    text = _index_text()
    stale = "".join(line for line in text.splitlines(True) if not line.startswith("62290 "))
    assert stale != text
    _serve_index(fresh, stale)
    with pytest.raises(DataError, match="stale") as exc:
        proccodes.get("62290")
    assert "discography.json: the index lists 3 of its 4 codes" in str(exc.value)


def test_a_data_file_changed_since_the_index_was_written_is_detected(fresh):
    lines = _index_text().splitlines(True)
    at = next(i for i, line in enumerate(lines) if line.startswith("# file discography.json "))
    _, _, name, size, count, codes = lines[at].split()
    lines[at] = f"# file {name} {int(size) - 100} {count} {codes}\n"
    _serve_index(fresh, "".join(lines))
    with pytest.raises(DataError, match=r"discography.json: .* bytes, the index says"):
        proccodes.get("62290")


def test_a_data_file_the_index_does_not_describe_is_detected(fresh):
    text = "".join(
        line for line in _index_text().splitlines(True) if "sacroplasty.json" not in line
    )
    _serve_index(fresh, text)
    with pytest.raises(DataError, match=r"sacroplasty.json: a data file the index does not"):
        proccodes.get("62290")


def test_an_index_written_before_it_described_its_files_is_stale(fresh):
    """The index format of 0.1.0 (code lines only) cannot be checked: it is stale."""
    text = "".join(line for line in _index_text().splitlines(True) if not line.startswith("#"))
    _serve_index(fresh, text)
    with pytest.raises(DataError, match="stale"):
        proccodes.get("62290")


def test_a_file_with_crlf_line_ends_still_matches():
    size, lines = 100, 7
    for actual in (size, size + lines):
        assert (
            catalog_module.index_problems(
                {}, {"a.json": (size, lines, 0)}, ["a.json"], lambda n, a=actual: a
            )
            == []
        )

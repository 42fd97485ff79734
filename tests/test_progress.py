"""The progress bar of ``proccodes claims``: tqdm from the ``progress`` extra, else plain text."""

from __future__ import annotations

import io
import sys

import pytest

from proccodes import _progress
from proccodes._progress import TextBar, progress_bar
from proccodes.claims import ClaimLine
from proccodes.claims.report import check_file


def test_text_bar_draws_nothing_before_the_delay():
    out = io.StringIO()
    bar = TextBar(10, out, delay=3600.0)
    bar.update(5)
    bar.close()
    assert out.getvalue() == ""


def test_text_bar_draws_progress_and_a_full_final_bar():
    out = io.StringIO()
    bar = TextBar(10_000, out, delay=0.0)
    bar.update(4_000)
    bar.close()
    frames = out.getvalue().split("\r")[1:]
    assert frames[0] == "[############..................] 4,000/10,000 lines"
    assert frames[-1] == "[##############################] 10,000/10,000 lines\n"


def test_without_tqdm_the_text_bar_is_used(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # `import tqdm` now raises ImportError
    assert isinstance(progress_bar(3, io.StringIO()), TextBar)
    with pytest.raises(ImportError):
        progress_bar(3, io.StringIO(), use_tqdm=True)


def test_with_tqdm_its_bar_is_used():
    tqdm = pytest.importorskip("tqdm")  # in the `progress` extra (and so in `test`)
    out = io.StringIO()
    bar = progress_bar(10, out, delay=0.0)
    assert isinstance(bar, tqdm.tqdm)
    bar.update(10)
    bar.close()
    assert "10/10" in out.getvalue()


def test_check_file_draws_the_bar_after_the_delay(monkeypatch):
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    lines = [ClaimLine(claim=str(i), date="2026-03-02", code="62290") for i in range(3)]
    out = io.StringIO()
    quiet = check_file(lines)
    assert check_file(lines, progress=out) == quiet  # the same findings
    assert "3/3" in out.getvalue()
    assert out.getvalue().endswith("\n")


def test_check_file_draws_nothing_for_quick_work():
    lines = [ClaimLine(claim="A", date="2026-03-02", code="62290")]
    out = io.StringIO()
    check_file(lines, progress=out)
    assert out.getvalue() == ""

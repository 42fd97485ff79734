"""data.stale (issue 18 item 5): a date of service on or after the next scheduled CMS update of
the shipped data release gets one info finding per distinct date, naming the release."""

from __future__ import annotations

from datetime import date

import pytest

from proccodes.claims import ClaimLine, check
from proccodes.records import Severity
from proccodes.release import release_stale_on

from . import claims_data
from .test_claims import _frame_check

OLD, NEW, LATER = date(2025, 11, 3), date(2026, 8, 3), date(2026, 9, 1)


def lines() -> list[ClaimLine]:
    return [
        ClaimLine(claim="A", date=OLD, code="62290"),
        ClaimLine(claim="A", date=NEW, code="62290"),
        ClaimLine(claim="B", date=NEW, code="64493"),
        ClaimLine(claim="B", date=LATER, code="64493"),
        ClaimLine(claim="C", date=NEW, code="6449"),
    ]


def test_once_per_stale_date_on_its_first_line() -> None:
    assert release_stale_on(OLD) is None
    assert release_stale_on(NEW) is not None
    assert release_stale_on(LATER) is not None
    found = [f for f in check(lines()) if f.rule == "data.stale"]
    assert [(f.lines, f.date, f.claim) for f in found] == [((1,), NEW, "A"), ((3,), LATER, "B")]
    for f in found:
        assert f.severity is Severity.INFO
        assert f.message == release_stale_on(f.date)
        assert "CMS" in f.message
        assert f.date.isoformat() in f.message
        assert f.fix


def test_frame_path_and_rules() -> None:
    pytest.importorskip("pandas")
    assert _frame_check(lines()) == check(lines())
    assert all(f.rule != "data.stale" for f in check(lines(), rules={"data.stale": False}))
    regraded = check(lines(), rules={"data.stale": "warning"})
    assert {f.severity for f in regraded if f.rule == "data.stale"} == {Severity.WARNING}


def test_a_catalog_of_ones_own_says_nothing() -> None:
    found = check(lines(), catalog=claims_data.catalog())
    assert all(f.rule != "data.stale" for f in found)


def test_first_line_by_line_number() -> None:
    pd = pytest.importorskip("pandas")
    from proccodes.claims import check_frame

    frame = pd.DataFrame(
        {"claim": ["A", "B"], "date": [NEW.isoformat()] * 2, "code": ["62290", "64493"]}
    )
    frame["n"] = [9, 4]
    found = check_frame(frame, line_column="n")
    assert found[found["rule"] == "data.stale"]["lines"].tolist() == [(4,)]


def test_the_cli_batches_give_one_notice_per_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from proccodes.claims import report

    monkeypatch.setattr(report, "BATCH", 1)  # a batch per claim
    assert report.check_file(lines()) == check(lines())

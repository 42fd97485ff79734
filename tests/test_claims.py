"""Claim-line rules: one claim that triggers each rule and one that does not, on every path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from proccodes import Severity
from proccodes.claims import RULES, ClaimLine, Finding, check
from proccodes.sources.ncci import MueTable, PtpTable

from . import claims_data

Spec = tuple[str, str, str, str, int]  # claim, date, code, modifiers, units
Run = Callable[..., list[Finding]]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[PtpTable, MueTable]:
    return claims_data.tables(tmp_path_factory.mktemp("ncci"))


def _lines(specs: list[Spec]) -> list[ClaimLine]:
    return [
        ClaimLine(claim=c, date=d, code=code, modifiers=m, units=u) for c, d, code, m, u in specs
    ]


def _frame_check(lines: list[ClaimLine], **kw: Any) -> list[Finding]:
    pytest.importorskip("pandas")
    from proccodes.claims import check_frame, findings_from_frame

    frame = claims_data.frame_of(lines)
    if any(x.provider is not None for x in lines):
        frame["provider"] = [x.provider for x in lines]
    return findings_from_frame(check_frame(frame, **kw))


@pytest.fixture(params=["lines", "frame"])
def run(request: pytest.FixtureRequest, tables: tuple[PtpTable, MueTable]) -> Run:
    ptp, mue = tables
    cat = claims_data.catalog()

    def go(specs: list[Spec], **kw: Any) -> list[Finding]:
        # the test PTP table is for 2026 Q3; ncci.quarter has its own tests (test_claims_rules)
        kw = {"ptp": ptp, "mue": mue, "catalog": cat, "rules": {"ncci.quarter": False}, **kw}
        lines = _lines(specs)
        if request.param == "lines":
            return check(lines, **kw)
        return _frame_check(lines, **kw)

    return go


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


D = "2026-03-02"


def test_every_rule_is_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "claims.md").read_text()
    for rule in RULES:
        assert f"`{rule}`" in doc, rule


def test_clean_claim(run: Run) -> None:
    assert run([("A", D, "64493", "", 1), ("A", D, "64494", "", 1)]) == []


def test_code_malformed(run: Run) -> None:
    (f,) = run([("A", D, "6449", "", 1)])
    assert (f.rule, f.severity, f.lines) == ("code.malformed", Severity.ERROR, (0,))
    assert f.message.startswith("'6449' is not a valid procedure code: ")
    assert run([("A", D, " 64493 ", "", 1)]) == []


def test_code_unknown(run: Run) -> None:
    (f,) = run([("A", D, "62287", "", 1)])
    assert (f.rule, f.severity) == ("code.unknown", Severity.WARNING)
    assert f.release == "test catalog 2026"
    assert "62287 is not in the catalog" in f.message


def test_code_inactive_names_the_replacement(run: Run) -> None:
    (f,) = run([("A", "2018-02-01", "Q9974", "", 1)])
    assert f.rule == "code.inactive"
    assert f.message == (
        "Q9974 was not in effect on 2018-02-01: it ended on 2017-12-31; report J0185 instead"
    )
    assert run([("A", "2017-12-31", "Q9974", "", 1)]) == []
    (g,) = run([("A", "2017-12-31", "J0185", "", 1)])
    assert g.message == "J0185 was not in effect on 2017-12-31: it took effect on 2018-01-01"


def test_addon_without_primary(run: Run) -> None:
    found = run([("A", D, "64494", "", 1), ("A", D, "64494", "RT", 1), ("B", D, "64493", "", 1)])
    assert rules(found) == ["addon.no_primary", "addon.no_primary"]
    assert found[0].lines == (0,)
    assert "without one of its primary codes 64493 on the claim" in found[0].message
    # the primary on another date of the same claim does not count
    assert rules(run([("A", D, "64494", "", 1), ("A", "2026-03-03", "64493", "", 1)])) == [
        "addon.no_primary"
    ]


def test_addon_with_unknown_primaries_needs_any_primary(run: Run) -> None:
    (f,) = run([("A", D, "64636", "", 1)])
    assert f.rule == "addon.no_primary"
    assert "a primary procedure (its primary codes are not known here)" in f.message
    assert run([("A", D, "64636", "", 1), ("A", D, "62290", "", 1)]) == []


def test_modifier_50_not_allowed(run: Run) -> None:
    (f,) = run([("A", D, "62290", "50", 1)])
    assert f.rule == "modifier.bilateral"
    assert "bilateral indicator is 0" in f.message
    assert f.release == claims_data.PFS
    assert run([("A", D, "64493", "50", 1)]) == []


def test_bilateral_twice_without_modifier(run: Run) -> None:
    (f,) = run([("A", D, "64493", "", 1), ("A", D, "64493", "", 1)], mue=None)
    assert (f.rule, f.lines) == ("bilateral.unmarked", (0, 1))
    assert run([("A", D, "64493", "RT", 1), ("A", D, "64493", "LT", 1)], mue=None) == []
    assert run([("A", D, "64493", "", 1), ("B", D, "64493", "", 1)], mue=None) == []


def test_unknown_modifier(run: Run) -> None:
    (f,) = run([("A", D, "62290", "QQ 59 ZZZ", 1)])
    assert f.rule == "modifier.unknown"
    assert f.message == "modifiers 'QQ', 'ZZZ' are not known CPT or HCPCS Level II modifiers"
    assert run([("A", D, "62290", "59 XS", 1)]) == []


def test_unlisted_modifiers_pass_without_a_modifier_list(run: Run) -> None:
    cat = claims_data.catalog(modifiers=False)
    assert rules(run([("A", D, "62290", "QQ ZZZ", 1)], catalog=cat)) == ["modifier.unknown"]
    assert "'ZZZ' is not" in run([("A", D, "62290", "QQ ZZZ", 1)], catalog=cat)[0].message


def test_pctc_split_not_allowed(run: Run) -> None:
    (f,) = run([("A", D, "62290", "26", 1)])
    assert f.rule == "modifier.pctc"
    assert "modifier 26 does not apply to 62290: its PC/TC indicator is 0" in f.message
    (g,) = run([("A", D, "72131", "TC 26", 1)])
    assert g.message.startswith(
        "modifiers 26 and TC do not apply to 72131: its PC/TC indicator is 2"
    )
    assert run([("A", D, "72148", "26", 1)]) == []
    assert run([("A", D, "72148", "TC", 1)]) == []


def test_pfs_status_not_payable(run: Run) -> None:
    (f,) = run([("A", D, "22526", "", 1)])
    assert (f.rule, f.severity) == ("pfs.not_payable", Severity.WARNING)
    assert "Medicare does not pay 22526" in f.message
    assert "status N" in f.message
    assert run([("A", D, "64493", "", 1)]) == []
    # status E (no pricing indicator in the test catalog): paid outside the PFS, info only
    (g,) = run([("A", D, "G0260", "", 1)])
    assert (g.rule, g.severity) == ("pfs.paid_elsewhere", Severity.INFO)


def test_mue_per_line(run: Run) -> None:
    (f,) = run([("A", D, "72148", "", 2)])
    assert (f.rule, f.lines) == ("mue.units", (0,))
    assert "per line (adjudication indicator 1)" in f.message
    assert "can be appealed" in f.message
    assert f.release == "CMS NCCI MUE practitioner, effective 2026-07-01"
    assert run([("A", D, "72148", "", 1), ("A", D, "72148", "", 1)]) == []


def test_mue_per_date(run: Run) -> None:
    (f,) = run([("A", D, "97110", "GP", 4), ("A", D, "97110", "GP", 3)])
    assert (f.rule, f.lines) == ("mue.units", (0, 1))
    assert f.message.startswith("7 units of 97110 on 2026-03-02 exceed its MUE of 6")
    assert "can be appealed with documentation" in f.message
    assert run([("A", D, "97110", "GP", 4), ("A", "2026-03-03", "97110", "GP", 3)]) == []
    found = run([("A", D, "64493", "RT", 1), ("A", D, "64493", "LT", 1)], catalog=None)
    (g,) = [f for f in found if f.rule != "data.stale"]  # the shipped data: see test_stale
    assert "cannot be overturned on appeal" in g.message


def test_ptp_indicator_0(run: Run) -> None:
    (f,) = run([("A", D, "64493", "", 1), ("A", D, "62290", "59", 1)])
    assert (f.rule, f.lines) == ("ptp.pair", (0, 1))
    assert f.message.startswith("62290 is not paid with 64493 on the same date")
    assert f.release == "CMS NCCI PTP practitioner v32.2r0"
    assert run([("A", D, "64493", "", 1), ("A", "2026-03-03", "62290", "", 1)]) == []


def test_ptp_indicator_1(run: Run) -> None:
    (f,) = run([("A", D, "72148", "", 1), ("A", D, "64493", "", 1)])
    assert (f.rule, f.lines) == ("ptp.modifier", (0, 1))
    assert run([("A", D, "72148", "XS", 1), ("A", D, "64493", "", 1)]) == []
    assert run([("A", D, "72148", "RT", 1), ("A", D, "64493", "LT", 1)]) == []
    # one side modifier on one line names no different site (NCCI policy manual ch. I)
    assert rules(run([("A", D, "72148", "", 1), ("A", D, "64493", "LT", 1)])) == ["ptp.modifier"]


def test_ptp_dates_and_indicator_9(run: Run) -> None:
    # 62290/72148: indicator 0 through 2021, then 1
    (f,) = run([("A", "2021-06-01", "62290", "", 1), ("A", "2021-06-01", "72148", "XS", 1)])
    assert f.rule == "ptp.pair"
    assert run([("A", D, "62290", "", 1), ("A", D, "72148", "XS", 1)]) == []
    assert run([("A", "2019-12-31", "64493", "", 1), ("A", "2019-12-31", "62290", "", 1)]) == []
    assert rules(
        run([("A", "2020-01-01", "64493", "", 1), ("A", "2020-01-01", "22526", "", 1)])
    ) == ["pfs.not_payable"]


def test_without_tables_the_ncci_rules_are_skipped(run: Run) -> None:
    specs = [("A", D, "64493", "", 1), ("A", D, "62290", "", 1), ("A", D, "72148", "", 5)]
    assert run(specs, ptp=None, mue=None) == []


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="ClaimLine"):
        check(["62290"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="iterable"):
        check(ClaimLine(claim="A", date=date(2026, 1, 1), code="62290"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="PtpTable"):
        check([], ptp="file.txt")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Catalog"):
        check([], catalog={})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        ClaimLine(claim="A", date="03/02/2026", code="62290")
    with pytest.raises(TypeError, match="units"):
        ClaimLine(claim="A", date=D, code="62290", units="2")  # type: ignore[arg-type]
    assert ClaimLine(claim="A", date=D, code="62290", units=-1).units == -1  # units.invalid
    with pytest.raises(TypeError, match="code"):
        ClaimLine(claim="A", date=D, code=62290)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="claim"):
        ClaimLine(claim=" ", date=D, code="62290")


def test_default_catalog_end_to_end() -> None:
    """The shipped catalog: an add-on without its primary is found whatever PFS facts exist."""
    import proccodes

    if "64494" not in proccodes.default_catalog():
        pytest.skip("the default catalog does not list 64494")
    found = check([ClaimLine(claim="A", date=D, code="64494")])
    assert "addon.no_primary" in rules(found)
    # with its primary on the same claim and date, the add-on is not flagged
    both = [ClaimLine(claim="A", date=D, code="64493"), ClaimLine(claim="A", date=D, code="64494")]
    assert "addon.no_primary" not in rules(check(both))


def test_importing_claims_loads_no_optional_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, proccodes.claims, proccodes.sources.ncci;"
        "from proccodes.claims import check, ClaimLine;"
        "heavy = {'pandas', 'numpy', 'pyarrow', 'dask', 'cattrs'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

"""Issue 17's scenarios, and the claim-path items of issues 15 and 19: each test failed on the
code before the one rule engine. Every rule test runs on the line and the frame path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from proccodes import Catalog, Severity
from proccodes.claims import ClaimLine, Finding, check
from proccodes.records import Bilateral, GlobalDays, PfsFacts, PfsStatus
from proccodes.sources.ncci import MueTable, PtpTable, load_mue, load_ptp

from . import claims_data
from .ncci_gen import MUE_HEADER, MUE_NOTICE, PTP_HEADER
from .test_claims import _frame_check

D = "2026-08-03"  # inside the test PTP table's quarter (v32.2: 2026-07-01 to 2026-09-30)

PTP_ROWS = (
    "64493\t99213\t\t20200101\t*\t1\tStandards of medical/surgical practice",
    "64493\t20552\t\t20200101\t*\t1\tMutually exclusive procedures",
    "64483\t62323\t\t20200101\t*\t1\tMutually exclusive procedures",
    "64493\t62290\t\t20200101\t*\t0\tMutually exclusive procedures",
)
MUE_ROWS = (
    "64483,1,2 Date of Service Edit: Policy,Anatomic Consideration",
    "64493,2,2 Date of Service Edit: Policy,Anatomic Consideration",
)


def _catalog() -> Catalog:
    r = claims_data._record
    records = [
        r("64493", global_days=GlobalDays.DAYS_10, bilateral=Bilateral.ADJUSTMENT_150),
        r("64483", global_days=GlobalDays.DAYS_0, bilateral=Bilateral.ADJUSTMENT_150),
        r("64635", global_days=GlobalDays.DAYS_10, bilateral=Bilateral.ADJUSTMENT_150),
        r("63047", global_days=GlobalDays.DAYS_90),
        r("22612", global_days=GlobalDays.DAYS_90),
        r("62323", global_days=GlobalDays.DAYS_0),
        r("62290", global_days=GlobalDays.DAYS_0),
        r("20552", global_days=GlobalDays.DAYS_0),
        r("99213", global_days=GlobalDays.NOT_APPLICABLE),
        r("J3301", global_days=GlobalDays.NOT_APPLICABLE, status=PfsStatus.EXCLUDED),
        r("80053", global_days=GlobalDays.NOT_APPLICABLE, status=PfsStatus.STATUTORY_EXCLUSION),
        r("20930", global_days=GlobalDays.NOT_APPLICABLE, status=PfsStatus.BUNDLED),
    ]
    return Catalog(records, release="rules test catalog")


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[PtpTable, MueTable]:
    folder = tmp_path_factory.mktemp("ncci-rules")
    ptp = folder / "ccipra-v322r0-f1.txt"
    ptp.write_bytes((PTP_HEADER + "".join(x + "\r\n" for x in PTP_ROWS)).encode())
    mue = folder / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
    mue.write_bytes((MUE_NOTICE + MUE_HEADER + "".join(x + "\r\n" for x in MUE_ROWS)).encode())
    return load_ptp(ptp), load_mue(mue)


Run = Callable[..., list[Finding]]


@pytest.fixture(params=["lines", "frame"])
def run(request: pytest.FixtureRequest, tables: tuple[PtpTable, MueTable]) -> Run:
    ptp, mue = tables
    cat = _catalog()

    def go(specs: list[tuple[Any, ...]], **kw: Any) -> list[Finding]:
        lines = [
            ClaimLine(
                claim="A",
                date=s[0],
                code=s[1],
                modifiers=s[2] if len(s) > 2 else "",
                units=s[3] if len(s) > 3 else 1,
                provider=s[4] if len(s) > 4 else None,
            )
            for s in specs
        ]
        kw = {"ptp": ptp, "mue": mue, "catalog": cat, **kw}
        if request.param == "lines":
            return check(lines, **kw)
        return _frame_check(lines, **kw)

    return go


def rules(found: list[Finding]) -> list[str]:
    return [f.rule for f in found]


# -- 17.1: modifiers by CMS's rules --------------------------------------------------------------


def test_59_on_an_em_does_not_bypass_and_the_message_names_25(run: Run) -> None:
    # (64493 has a 10-day global in the test catalog: global.em says 25 as well)
    (f,) = [x for x in run([(D, "64493"), (D, "99213", "59")]) if x.rule != "global.em"]
    assert f.rule == "ptp.modifier"
    assert "59 may not be used on an E/M service" in f.message
    assert "modifier 25 on the E/M line (99213)" in f.message
    assert f.fix.startswith("append 25 to 99213")
    assert run([(D, "64493"), (D, "99213", "25")]) == []
    assert "ptp.modifier" in rules(run([(D, "64493"), (D, "99213", "XS")]))


def test_same_side_on_both_lines_does_not_bypass(run: Run) -> None:
    (f,) = run([(D, "64493", "RT"), (D, "20552", "RT")])
    assert f.rule == "ptp.modifier"
    assert "RT on both lines names the same site" in f.message
    assert run([(D, "64493", "RT"), (D, "20552", "LT")]) == []
    # one line marked, the other not: no different site is named
    assert rules(run([(D, "64483", "RT"), (D, "62323")])) == ["ptp.modifier"]
    assert run([(D, "64483", "RT"), (D, "62323", "XS")]) == []


def test_procedure_modifiers_still_bypass(run: Run) -> None:
    assert run([(D, "64493"), (D, "20552", "59")]) == []
    assert run([(D, "64493", "XS"), (D, "20552")]) == []
    assert rules(run([(D, "64493", "59"), (D, "62290", "59")])) == ["ptp.pair"]


# -- 17.2: bilateral advice that agrees with the MUE ---------------------------------------------


def test_bilateral_advice_agrees_with_the_mue(run: Run) -> None:
    # 64483: MUE 1 per date (indicator 2): RT and LT lines are denied, so advise 50, not RT/LT
    (f,) = run([(D, "64483", "RT"), (D, "64483", "LT")])
    assert f.rule == "mue.units"
    assert "cannot be overturned" in f.message
    assert "modifier 50 and 1 unit" in f.fix
    found = run([(D, "64483"), (D, "64483")])
    unmarked = [g for g in found if g.rule == "bilateral.unmarked"]
    assert unmarked
    assert "RT" not in unmarked[0].message.split(": ", 1)[1]
    # 64493: MUE 2 per date, so one line per side fits and is advised too
    found = run([(D, "64493"), (D, "64493")])
    (g,) = [x for x in found if x.rule == "bilateral.unmarked"]
    assert "or one line with RT and one with LT" in g.message
    assert run([(D, "64483", "50")]) == []


# -- 17.2: new rules -----------------------------------------------------------------------------


def test_global_em_in_a_10_day_global(run: Run) -> None:
    (f,) = run([("2026-08-03", "64635"), ("2026-08-10", "99213")])
    assert (f.rule, f.lines, f.date) == ("global.em", (0, 1), date(2026, 8, 10))
    assert "24" in f.fix
    assert run([("2026-08-03", "64635"), ("2026-08-10", "99213", "24")]) == []
    assert run([("2026-08-03", "64635"), ("2026-08-14", "99213")]) == []  # day 11: outside
    assert rules(run([("2026-08-03", "64635"), ("2026-08-13", "99213")])) == ["global.em"]
    # the same day: 25
    (g,) = run([(D, "64635"), (D, "99213")])
    assert g.rule == "global.em"
    assert "append 25" in g.fix
    assert run([(D, "64635"), (D, "99213", "25")]) == []


def test_global_em_needs_the_same_provider(run: Run) -> None:
    specs = [("2026-08-03", "64635", "", 1, "P1"), ("2026-08-10", "99213", "", 1, "P2")]
    assert run(specs) == []
    specs = [("2026-08-03", "64635", "", 1, "P1"), ("2026-08-10", "99213", "", 1, "P1")]
    assert rules(run(specs)) == ["global.em"]


def test_global_90_days(run: Run) -> None:
    (f,) = run([("2026-07-01", "63047"), ("2026-08-15", "22612")])
    assert f.rule == "global.procedure"
    assert run([("2026-07-01", "63047"), ("2026-08-15", "22612", "79")]) == []
    assert run([("2026-07-01", "63047"), ("2026-09-30", "22612")]) == []  # day 91
    off = {"ncci.quarter": False}
    (g,) = run([("2026-07-01", "63047"), ("2026-06-30", "99213")], rules=off)  # the day before
    assert g.rule == "global.em"
    assert "append 57" in g.fix
    assert run([("2026-07-01", "63047"), ("2026-06-30", "99213", "57")], rules=off) == []


def test_units_at_or_below_zero(run: Run) -> None:
    assert rules(run([(D, "62290", "", 0)])) == ["units.invalid"]
    assert rules(run([(D, "62290", "", -2)])) == ["units.invalid"]


def test_50_with_a_side_on_one_line(run: Run) -> None:
    (f,) = run([(D, "64483", "50 RT")])
    assert f.rule == "modifier.bilateral_side"
    assert f.fix == "remove RT"


def test_ncci_table_outside_its_quarter(run: Run) -> None:
    (f,) = run([("2026-03-02", "62290")])
    assert (f.rule, f.severity) == ("ncci.quarter", Severity.WARNING)
    assert "2026-07-01 to 2026-09-30" in f.message
    assert run([(D, "62290")]) == []


# -- 17.3: status words ---------------------------------------------------------------------------


def test_status_e_and_x_are_paid_elsewhere_never_not_payable(run: Run) -> None:
    (f,) = run([(D, "J3301")])
    assert (f.rule, f.severity) == ("pfs.paid_elsewhere", Severity.INFO)
    assert "not payable" not in f.message
    assert "does not pay" not in f.message
    (g,) = run([(D, "80053")])
    assert "clinical laboratory" in g.message
    (h,) = run([(D, "20930")])
    assert h.rule == "pfs.not_payable"
    assert "status B: bundled" in h.message


def test_shipped_drug_codes_say_asp() -> None:
    import proccodes

    cat = proccodes.default_catalog()
    for code in ("J3301", "J1100"):
        record = cat.get(code)
        if record is None or record.pfs is None or record.file_facts is None:
            pytest.skip(f"the default catalog has no PFS and HCPCS facts for {code}")
        line = ClaimLine(claim="A", date="2026-03-02", code=code)
        (f,) = check([line], rules={"data.stale": False})
        assert f.rule == "pfs.paid_elsewhere"
        assert f.severity is Severity.INFO
        assert "ASP drug pricing" in f.message


# -- 17.4: structured, configurable findings -----------------------------------------------------


def test_findings_carry_fields(run: Run) -> None:
    (f,) = run([(D, "64493", "RT"), (D, "20552", "RT")])
    assert f.claim == "A"
    assert f.date == date(2026, 8, 3)
    assert f.codes == ("64493", "20552")
    assert f.modifiers == ("RT", "RT")
    assert f.fix


def test_rules_switched_off_and_regraded(run: Run) -> None:
    specs = [("2026-03-02", "62290", "", 0)]
    assert rules(run(specs, rules={"ncci.quarter": False})) == ["units.invalid"]
    (f,) = run(specs, rules={"ncci.quarter": "error", "units.invalid": None})
    assert (f.rule, f.severity) == ("ncci.quarter", Severity.ERROR)
    with pytest.raises(ValueError, match="unknown rule"):
        run(specs, rules={"no.such": False})
    with pytest.raises(ValueError, match="must be error, warning, info"):
        run(specs, rules={"ncci.quarter": "loud"})


# -- 17.6: PFS by date of service ----------------------------------------------------------------


def test_pfs_release_in_effect_on_each_date(run: Run) -> None:
    from proccodes.sources.pfs import FeeSchedule

    def release(name: str, day: date, status: PfsStatus) -> FeeSchedule:
        facts = PfsFacts(release=name, status=status, global_days=GlobalDays.DAYS_0)
        return FeeSchedule({"62290": facts}, release=name, as_of=day)

    old = release("RVU26A", date(2026, 1, 1), PfsStatus.ACTIVE)
    new = release("RVU26C", date(2026, 7, 1), PfsStatus.NOT_COVERED)
    found = run([("2026-06-30", "62290"), ("2026-07-01", "62290")], pfs=[new, old],
                rules={"ncci.quarter": False})  # fmt: skip
    assert [(f.rule, f.lines, f.release) for f in found] == [("pfs.not_payable", (1,), "RVU26C")]


# -- issue 15 items on every path ----------------------------------------------------------------


def test_units_beyond_the_bound_and_at_int64_scale(run: Run) -> None:
    assert rules(run([(D, "62290", "", 10**9 + 1)])) == ["units.invalid"]
    assert run([(D, "62290", "", 10**9)]) == []
    found = run([(D, "64493", "", 2**62), (D, "64493", "50", 2**62)])
    (f,) = [x for x in found if x.rule == "mue.units"]
    assert f.message.startswith(f"{2**63} units of 64493")  # an exact sum, not wrapped


def test_frame_units_uint64_and_bad_units_name_the_line() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    from proccodes.claims import check_frame

    cat = _catalog()
    base = {"claim": ["A", "A"], "date": [D, D], "code": ["62290", "62323"]}
    frame = pd.DataFrame({**base, "units": np.array([2**63, 1], dtype=np.uint64)})
    found = check_frame(frame, catalog=cat)
    assert found["rule"].tolist() == ["units.invalid"]
    assert str(2**63) in found["message"][0]
    for bad, kind in (([True, 1], TypeError), ([2.0, 1.0], TypeError), (["2", "1"], TypeError)):
        with pytest.raises(kind, match="line 0: units must be a whole number"):
            check_frame(pd.DataFrame({**base, "units": bad}), catalog=cat)
    with pytest.raises(ValueError, match="line 1: the units are missing"):
        check_frame(pd.DataFrame({**base, "units": pd.array([1, None], dtype="Int64")}))


def test_frame_hostile_columns_name_the_line() -> None:
    pd = pytest.importorskip("pandas")
    from proccodes.claims import check_frame

    cat = _catalog()
    base = {"claim": ["A", "A"], "date": [D, D], "code": ["64493", "99213"]}
    # a modifiers column of lists is read as the line path reads lists
    found = check_frame(pd.DataFrame({**base, "modifiers": [[], ["25"]]}), catalog=cat)
    assert found["rule"].tolist() == []
    with pytest.raises(TypeError, match="line 1: the claim must be text"):
        check_frame(pd.DataFrame({**base, "claim": ["A", ["x"]]}), catalog=cat)
    with pytest.raises(TypeError, match="line 0: the claim must be text"):
        check_frame(pd.DataFrame({**base, "claim": [1, 1]}), catalog=cat)
    with pytest.raises(ValueError, match="line 0: the claim must not be empty"):
        check_frame(pd.DataFrame({**base, "claim": ["", ""]}), catalog=cat)
    two = pd.DataFrame([["A", D, "62290", "62290"]], columns=["claim", "date", "code", "code"])
    with pytest.raises(ValueError, match="2 columns named 'code'"):
        check_frame(two, catalog=cat)
    with pytest.raises(ValueError, match="line 1: the date of service is missing"):
        check_frame(pd.DataFrame({**base, "date": pd.to_datetime([D, None])}), catalog=cat)
    with pytest.raises(ValueError, match="used twice"):
        check_frame(pd.DataFrame({**base, "n": [3, 3]}), catalog=cat, line_column="n")


def test_claim_line_dates_are_strict() -> None:
    for bad in ("20260302", "2026-W10-1", "2026-3-2", "2026-03-02T00:00"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            ClaimLine(claim="A", date=bad, code="62290")
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="missing"):
        ClaimLine(claim="A", date=pd.NaT, code="62290")
    assert ClaimLine(claim="A", date=pd.Timestamp(D), code="62290").date == date(2026, 8, 3)


def test_one_encounter_with_many_codes_probes_the_index(tables: tuple[PtpTable, MueTable]) -> None:
    """D distinct codes on one date: the PTP edits looked up are the pairs the table has,
    not D x D (before: 64 million look-ups for D = 8,000)."""
    from proccodes.claims.rules import Facts

    ptp, mue = tables
    codes = [f"{n:05d}" for n in range(10000, 18000)] + ["64493", "62290", "99213"]
    lines = [ClaimLine(claim="A", date=D, code=c) for c in codes]
    facts = Facts(_catalog(), ptp, mue)
    calls = []
    original = facts.ptp_edit

    def counted(a: str, b: str, day: date) -> Any:
        calls.append((a, b))
        return original(a, b, day)

    facts.ptp_edit = counted  # type: ignore[method-assign]
    from proccodes.claims.engine import Batch, run

    found = run(Batch.of_lines(lines), facts, {"code.unknown": False})
    assert sorted(calls) == [("64493", "62290"), ("64493", "99213")]
    assert sorted(r for r in rules(found) if r.startswith("ptp")) == ["ptp.modifier", "ptp.pair"]


def test_caches_are_bounded() -> None:
    from proccodes.claims import rules as claim_rules

    facts = claim_rules.Facts(_catalog(), None, None)
    limit = claim_rules.MAX_CACHED_CODES
    for i in range(limit + 10):
        facts.code(f"Z{i:09d}")
    assert len(facts._codes) <= limit
    for _ in range(claim_rules.MAX_KEPT_FACTS + 3):
        claim_rules.facts_for(Catalog([], release="x"), None, None)
    assert len(claim_rules._KEPT) <= claim_rules.MAX_KEPT_FACTS


def test_loaded_references_are_bounded(tmp_path: Path) -> None:
    from proccodes.claims import cluster

    _ptp, mue = claims_data.write_tables(tmp_path)
    for i in range(cluster.MAX_LOADED + 2):
        copy = tmp_path / f"MCR_MUE_PractitionerServices_Eff_07-01-20{26 + i}.csv"
        copy.write_bytes(mue.read_bytes())
        cluster.load_references(cluster.References(mue=copy))
    assert len(cluster._LOADED) <= cluster.MAX_LOADED


def test_messages_quote_a_bounded_code(run: Run) -> None:
    (f,) = run([(D, "9" * (1 << 20))])
    assert f.rule == "code.malformed"
    assert len(f.message) < 300
    assert "(1048576 characters)" in f.message

"""Claim files for the command line: read a CSV of claim lines, check it in batches with a
progress bar, and write the findings for a person, as JSON or as CSV.

The CSV has a header row naming the columns ``claim``, ``date`` (YYYY-MM-DD, or another
format given), ``code`` and, optionally, ``modifiers`` (``"59 LT"``), ``units`` (default 1),
``place_of_service`` and ``provider`` (other header names are mapped with ``columns``). In
everything this module writes, a line is the file's line number (the header is line 1).
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

import attrs

from .._args import check_type
from .._progress import progress_bar
from ..errors import ArgumentValueError, DataError
from ..records import Severity
from ..sources._files import CsvReader, Findings, read_input
from .engine import check
from .lines import ClaimLine, Finding

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..sources.ncci import MueTable, PtpTable
    from ..sources.pfs import FeeSchedule
    from .engine import Rules

__all__ = [
    "COLUMN_NAMES",
    "ClaimFile",
    "check_file",
    "malformed_findings",
    "parse_columns",
    "read_claim_file",
    "read_claims",
    "write_csv",
    "write_json",
    "write_summary",
]

BATCH = 20_000
"""Lines per batch: the progress bar moves once per batch (whole claims only)."""


@attrs.frozen(kw_only=True)
class ClaimFile:
    """A claim file as read: the good ``lines`` and each one's file line number (``numbers``),
    and the rows that are not claim lines (``malformed``: file line number and reason, at most
    ``max_malformed`` of them; ``malformed_count`` counts them all)."""

    lines: list[ClaimLine]
    numbers: list[int]
    malformed: list[tuple[int, str]]
    malformed_count: int


CSV_COLUMNS = (
    "rule",
    "severity",
    "lines",
    "claim",
    "date",
    "codes",
    "modifiers",
    "message",
    "fix",
    "release",
)
"""The columns of `write_csv`."""

COLUMN_NAMES = ("claim", "date", "code", "modifiers", "units", "place_of_service", "provider")
"""The columns a claim file may have (only the first three are required)."""


def parse_columns(text: str) -> dict[str, str]:
    """A ``--columns`` value, ``claim=CLAIM_ID,date=DOS``, as our name -> the file's header.

    >>> parse_columns("claim=CLAIM_ID, date=DOS")
    {'claim': 'claim_id', 'date': 'dos'}
    """
    check_type("columns", text, str, "text (str)")
    out: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        ours, sep, theirs = part.partition("=")
        ours = ours.strip().lower()
        if not sep or not theirs.strip():
            raise ArgumentValueError(f"--columns takes NAME=HEADER pairs, not {part.strip()!r}")
        if ours not in COLUMN_NAMES:
            raise ArgumentValueError(
                f"unknown column {ours!r}; the columns are {', '.join(COLUMN_NAMES)}"
            )
        out[ours] = theirs.strip().lower()
    return out


def read_claim_file(
    path: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
    max_malformed: int = 100,
) -> ClaimFile:
    """The claim lines of a CSV file; a row that is not a claim line is kept as a reason, and
    the rest of the file is still read. ``columns`` maps our column names to the file's
    headers; ``date_format`` (``"%m/%d/%Y"``) reads dates that are not YYYY-MM-DD.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "claims.csv"
    >>> _ = path.write_text("ID,DOS,code\\nA1,03/02/2026,62290\\nA1,2026-03-02,62290\\n")
    >>> read = read_claim_file(path, columns={"claim": "id", "date": "dos"},
    ...                        date_format="%m/%d/%Y")
    >>> read.lines[0].date, read.malformed
    (datetime.date(2026, 3, 2), [(3, "date of service must be %m/%d/%Y, not '2026-03-02'")])
    """
    data = read_input(path, what="a CSV file of claim lines").data
    source = os.fspath(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    # one record per line: a stray quote is an error naming its line, never a field that
    # swallows the lines after it
    findings = Findings(source)
    reader = CsvReader(text, findings, is_header=lambda cells: True, header_rows=1)
    header = reader.header
    if header is None:
        findings.raise_if_errors()
        raise DataError(source, ["the file is empty; expected a header row"])
    names = [h.strip().lower() for h in header]
    wanted = {c: c for c in COLUMN_NAMES}
    wanted.update({k: v.lower() for k, v in (columns or {}).items()})
    missing = [f"{wanted[c]}" for c in ("claim", "date", "code") if wanted[c] not in names]
    if missing:
        raise DataError(
            source,
            [
                f"line 1: the header has no {', '.join(missing)} column; expected claim, date, "
                "code and optionally modifiers, units, place_of_service, provider (map other "
                "names with --columns claim=HEADER,...)"
            ],
        )
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise DataError(
            source, [f"line 1: the header names {', '.join(twice)} twice; which one is meant?"]
        )
    where = {ours: names.index(theirs) for ours, theirs in wanted.items() if theirs in names}
    lines: list[ClaimLine] = []
    numbers: list[int] = []
    malformed: list[tuple[int, str]] = []
    count = 0

    def bad(number: int, reason: str) -> None:
        nonlocal count
        count += 1
        if len(malformed) < max_malformed:
            malformed.append((number, bounded_reason(reason)))

    # a line the CSV reader cannot split (a stray quote) is a malformed row like any other
    reader.findings = _Malformed(source, bad)
    for number, row in reader.rows():
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in where.items()}
        try:
            lines.append(_line(cells, date_format))
            numbers.append(number)
        except (TypeError, ValueError) as exc:
            bad(number, str(exc))
    malformed.sort()
    return ClaimFile(lines=lines, numbers=numbers, malformed=malformed, malformed_count=count)


class _Malformed(Findings):
    """The reader's findings about a row, handed to the claim file's list of malformed rows."""

    __slots__ = ("_bad",)

    def __init__(self, source: str, bad: Callable[[int, str], None]) -> None:
        super().__init__(source)
        self._bad = bad

    def error(self, line: int | str, message: str) -> None:
        self._bad(line if isinstance(line, int) else 0, message)


def bounded_reason(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters.

    >>> bounded_reason("x" * 300)[-20:]
    'xxxxxxxx... (cut)'
    """
    return text if len(text) <= limit else text[: limit - 8] + "... (cut)"


def _line(cells: dict[str, str], date_format: str | None) -> ClaimLine:
    units = cells.get("units", "") or "1"
    if not (units.isascii() and units.lstrip("-").isdigit()) or len(units) > 30:
        raise ValueError(f"units must be a whole number, not {units[:30]!r}")
    day: object = cells["date"]
    if date_format is not None:
        try:
            day = datetime.strptime(cells["date"], date_format).date()
        except ValueError:
            raise ValueError(
                f"date of service must be {date_format}, not {cells['date'][:40]!r}"
            ) from None
    return ClaimLine(
        claim=cells["claim"],
        date=day,
        code=cells["code"],
        modifiers=cells.get("modifiers", ""),
        units=int(units),
        place_of_service=cells.get("place_of_service") or None,
        provider=cells.get("provider") or None,
    )


def read_claims(path: str | os.PathLike[str]) -> tuple[list[ClaimLine], list[int]]:
    """The claim lines of a CSV file, and the file line number of each; any row that is not a
    claim line is a `DataError` (the first 50 named, then "and N more").

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "claims.csv"
    >>> _ = path.write_text("claim,date,code,modifiers\\nA1,2026-03-02,62290,50\\n")
    >>> lines, numbers = read_claims(path)
    >>> lines[0].modifiers, numbers
    (('50',), [2])
    """
    read = read_claim_file(path, max_malformed=50)
    if read.malformed:
        problems = [f"line {n}: {why}" for n, why in read.malformed]
        if read.malformed_count > len(problems):
            problems.append(f"and {read.malformed_count - len(problems):,} more")
        raise DataError(os.fspath(path), problems)
    return read.lines, read.numbers


def malformed_findings(read: ClaimFile) -> tuple[list[Finding], list[int]]:
    """``line.malformed`` findings for the rows of ``read`` that are not claim lines, with
    positions after its lines, and the file line numbers of those positions.

    >>> read = ClaimFile(lines=[], numbers=[], malformed=[(2, "bad")], malformed_count=3)
    >>> found, numbers = malformed_findings(read)
    >>> [f.message for f in found], numbers
    (['bad', '2 more rows are not claim lines (not listed)'], [2, 2])
    """
    found: list[Finding] = []
    numbers: list[int] = []
    start = len(read.lines)
    for number, why in read.malformed:
        found.append(
            Finding(
                rule="line.malformed",
                severity=Severity.ERROR,
                lines=(start + len(numbers),),
                message=why,
                release="proccodes claims file",
                fix="correct the row",
            )
        )
        numbers.append(number)
    rest = read.malformed_count - len(read.malformed)
    if rest > 0:
        found.append(
            Finding(
                rule="line.malformed",
                severity=Severity.ERROR,
                lines=(start + len(numbers),),
                message=f"{rest:,} more rows are not claim lines (not listed)",
                release="proccodes claims file",
            )
        )
        numbers.append(read.malformed[-1][0] if read.malformed else 1)
    return found, numbers


def check_file(
    lines: Sequence[ClaimLine],
    *,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    catalog: Catalog | None = None,
    pfs: FeeSchedule | Sequence[FeeSchedule] | None = None,
    rules: Rules | None = None,
    progress: TextIO | None = None,
) -> list[Finding]:
    """`check` in batches of whole claims, with a progress bar on
    ``progress`` once the work has taken more than a second (tqdm's where the ``progress`` extra
    is installed); the same findings, same order.

    >>> check_file([ClaimLine(claim="A", date="2026-03-02", code="6449")])[0].rule
    'code.malformed'
    """
    by_claim: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        by_claim[line.claim].append(i)
    found: list[Finding] = []
    bar = progress_bar(len(lines), progress) if progress is not None else None
    batch: list[int] = []
    claims = list(by_claim.values())
    for k, members in enumerate(claims):
        batch.extend(members)
        if len(batch) < BATCH and k < len(claims) - 1:
            continue
        result = check(
            [lines[i] for i in batch], ptp=ptp, mue=mue, catalog=catalog, pfs=pfs, rules=rules
        )
        found.extend(
            attrs.evolve(f, lines=tuple(sorted(batch[i] for i in f.lines))) for f in result
        )
        if bar is not None:
            bar.update(len(batch))
        batch = []
    if bar is not None:
        bar.close()
    # data.stale is once per date over the whole input: each batch gave its own first line
    stale: dict[object, Finding] = {}
    kept = []
    for f in found:
        if f.rule != "data.stale":
            kept.append(f)
        elif f.date not in stale or f.lines < stale[f.date].lines:
            stale[f.date] = f
    found = kept + list(stale.values())
    found.sort(key=Finding.sort_key)
    return found


def _numbered(finding: Finding, numbers: Sequence[int]) -> list[int]:
    return [numbers[i] for i in finding.lines]


def write_summary(
    found: Sequence[Finding],
    numbers: Sequence[int],
    out: TextIO,
    *,
    source: str,
    claims: int,
    lines: int | None = None,
) -> None:
    """A summary for a person: totals, findings by rule, then the worst lines (info findings
    are counted, not listed among the worst lines).

    >>> import sys
    >>> found = check_file([ClaimLine(claim="A", date="2025-11-03", code="6449")])
    >>> write_summary(found, [2], sys.stdout, source="c.csv", claims=1)  # doctest: +ELLIPSIS
    c.csv: 1 lines, 1 claims; 1 findings (1 errors, 0 warnings, 0 info)
    <BLANKLINE>
    Findings by rule:
      code.malformed       error            1
    <BLANKLINE>
    Worst lines:
      line 2: 1 errors, 0 warnings
        error code.malformed: '6449' is not a valid procedure code: ...
    """
    errors = sum(f.severity is Severity.ERROR for f in found)
    infos = sum(f.severity is Severity.INFO for f in found)
    out.write(
        f"{source}: {len(numbers) if lines is None else lines:,} lines, {claims:,} claims; "
        f"{len(found):,} findings "
        f"({errors:,} errors, {len(found) - errors - infos:,} warnings, {infos:,} info)\n"
    )
    if not found:
        return
    by_rule = Counter((f.rule, f.severity.value) for f in found)
    out.write("\nFindings by rule:\n")
    for (rule, severity), count in sorted(by_rule.items(), key=lambda x: (-x[1], x[0])):
        out.write(f"  {rule:<24} {severity:<8} {count:>9,}\n")
    per_line: dict[int, list[Finding]] = defaultdict(list)
    for f in found:
        if f.severity is Severity.INFO:
            continue
        for i in f.lines:
            per_line[i].append(f)

    def weight(i: int) -> tuple[int, int, int]:
        items = per_line[i]
        return (-sum(f.severity is Severity.ERROR for f in items), -len(items), i)

    worst = sorted(per_line, key=weight)[:10]
    if not worst:
        return
    out.write("\nWorst lines:\n")
    for i in worst:
        items = per_line[i]
        n_err = sum(f.severity is Severity.ERROR for f in items)
        out.write(f"  line {numbers[i]}: {n_err} errors, {len(items) - n_err} warnings\n")
        for f in items:
            out.write(f"    {f.severity.value} {f.rule}: {f.message}\n")
            if f.fix:
                out.write(f"      fix: {f.fix}\n")


def write_json(found: Sequence[Finding], numbers: Sequence[int], out: TextIO) -> None:
    """The findings as a JSON array; ``lines`` are file line numbers.

    >>> import io
    >>> out = io.StringIO()
    >>> write_json(check_file([ClaimLine(claim="A", date="2026-03-02", code="6449")]), [2], out)
    >>> json.loads(out.getvalue())[0]["lines"]
    [2]
    """
    json.dump(
        [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "lines": _numbered(f, numbers),
                "claim": f.claim,
                "date": f.date.isoformat() if f.date else None,
                "codes": list(f.codes),
                "modifiers": list(f.modifiers),
                "message": f.message,
                "fix": f.fix,
                "release": f.release,
            }
            for f in found
        ],
        out,
        indent=2,
        ensure_ascii=False,
    )
    out.write("\n")


def write_csv(found: Sequence[Finding], numbers: Sequence[int], out: TextIO) -> None:
    """The findings as CSV: rule, severity, lines, claim, date, codes, modifiers (several
    lines' values separated by ``|``; lines by spaces), message, fix, release.

    >>> import sys
    >>> found = check_file([ClaimLine(claim="A", date="2026-03-02", code="6449")])
    >>> write_csv(found, [2], sys.stdout)  # doctest: +ELLIPSIS
    rule,severity,lines,claim,date,codes,modifiers,message,fix,release
    code.malformed,error,2,A,2026-03-02,'6449',,"'6449' is not a valid procedure code: ...
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in found:
        lines = " ".join(map(str, _numbered(f, numbers)))
        writer.writerow(
            [
                f.rule,
                f.severity.value,
                lines,
                f.claim,
                f.date.isoformat() if f.date else "",
                "|".join(f.codes),
                "|".join(f.modifiers),
                f.message,
                f.fix,
                f.release,
            ]
        )

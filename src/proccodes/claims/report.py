"""Claim files for the command line: read a CSV of claim lines, check it in batches with a
progress bar, and write the findings for a person, as JSON or as CSV.

The CSV has a header row naming the columns ``claim``, ``date`` (YYYY-MM-DD), ``code`` and,
optionally, ``modifiers`` (``"59 LT"``), ``units`` (default 1) and ``place_of_service``. In
everything this module writes, a line is the file's line number (the header is line 1).
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from .._progress import progress_bar
from ..errors import DataError
from ..records import Severity
from .lines import ClaimLine, Finding
from .rules import check

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..sources.ncci import MueTable, PtpTable

__all__ = ["check_file", "read_claims", "write_csv", "write_json", "write_summary"]

BATCH = 20_000
"""Lines per batch: the progress bar moves once per batch (whole claims only)."""


def read_claims(path: str | os.PathLike[str]) -> tuple[list[ClaimLine], list[int]]:
    """The claim lines of a CSV file, and the file line number of each.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "claims.csv"
    >>> _ = path.write_text("claim,date,code,modifiers\\nA1,2026-03-02,62290,50\\n")
    >>> lines, numbers = read_claims(path)
    >>> lines[0].modifiers, numbers
    (('50',), [2])
    """
    from ..sources._files import CsvReader, Findings, read_input

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
    missing = [c for c in ("claim", "date", "code") if c not in names]
    if missing:
        raise DataError(
            source,
            [
                f"line 1: the header has no {', '.join(missing)} column; expected claim, date, "
                "code and optionally modifiers, units, place_of_service"
            ],
        )
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise DataError(
            source, [f"line 1: the header names {', '.join(twice)} twice; which one is meant?"]
        )
    where = {name: names.index(name) for name in names}
    lines: list[ClaimLine] = []
    numbers: list[int] = []
    for number, row in reader.rows():
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in where.items()}
        try:
            units = cells.get("units", "") or "1"
            if not units.isdigit():
                raise ValueError(f"units must be a whole number, not {units!r}")
            lines.append(
                ClaimLine(
                    claim=cells["claim"],
                    date=cells["date"],
                    code=cells["code"],
                    modifiers=cells.get("modifiers", ""),
                    units=int(units),
                    place_of_service=cells.get("place_of_service") or None,
                )
            )
            numbers.append(number)
        except (TypeError, ValueError) as exc:
            findings.error(number, str(exc))
    findings.raise_if_errors()
    return lines, numbers


def check_file(
    lines: Sequence[ClaimLine],
    *,
    ptp: PtpTable | None = None,
    mue: MueTable | None = None,
    catalog: Catalog | None = None,
    progress: TextIO | None = None,
) -> list[Finding]:
    """:func:`~proccodes.claims.check` in batches of whole claims, with a progress bar on
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
        result = check([lines[i] for i in batch], ptp=ptp, mue=mue, catalog=catalog)
        found.extend(
            Finding(
                rule=f.rule,
                severity=f.severity,
                lines=tuple(sorted(batch[i] for i in f.lines)),
                message=f.message,
                release=f.release,
            )
            for f in result
        )
        if bar is not None:
            bar.update(len(batch))
        batch = []
    if bar is not None:
        bar.close()
    found.sort(key=Finding.sort_key)
    return found


def _numbered(finding: Finding, numbers: Sequence[int]) -> list[int]:
    return [numbers[i] for i in finding.lines]


def write_summary(
    found: Sequence[Finding], numbers: Sequence[int], out: TextIO, *, source: str, claims: int
) -> None:
    """A summary for a person: totals, findings by rule, then the worst lines.

    >>> import sys
    >>> found = check_file([ClaimLine(claim="A", date="2026-03-02", code="6449")])
    >>> write_summary(found, [2], sys.stdout, source="c.csv", claims=1)  # doctest: +ELLIPSIS
    c.csv: 1 lines, 1 claims; 1 findings (1 errors, 0 warnings)
    <BLANKLINE>
    Findings by rule:
      code.malformed       error            1
    <BLANKLINE>
    Worst lines:
      line 2: 1 errors, 0 warnings
        error code.malformed: '6449' is not a valid procedure code: ...
    """
    errors = sum(f.severity is Severity.ERROR for f in found)
    out.write(
        f"{source}: {len(numbers):,} lines, {claims:,} claims; {len(found):,} findings "
        f"({errors:,} errors, {len(found) - errors:,} warnings)\n"
    )
    if not found:
        return
    by_rule = Counter((f.rule, f.severity.value) for f in found)
    out.write("\nFindings by rule:\n")
    for (rule, severity), count in sorted(by_rule.items(), key=lambda x: (-x[1], x[0])):
        out.write(f"  {rule:<20} {severity:<8} {count:>9,}\n")
    per_line: dict[int, list[Finding]] = defaultdict(list)
    for f in found:
        for i in f.lines:
            per_line[i].append(f)

    def weight(i: int) -> tuple[int, int, int]:
        items = per_line[i]
        return (-sum(f.severity is Severity.ERROR for f in items), -len(items), i)

    worst = sorted(per_line, key=weight)[:10]
    out.write("\nWorst lines:\n")
    for i in worst:
        items = per_line[i]
        n_err = sum(f.severity is Severity.ERROR for f in items)
        out.write(f"  line {numbers[i]}: {n_err} errors, {len(items) - n_err} warnings\n")
        for f in items:
            out.write(f"    {f.severity.value} {f.rule}: {f.message}\n")


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
                "message": f.message,
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
    """The findings as CSV (rule, severity, lines separated by spaces, message, release).

    >>> import sys
    >>> found = check_file([ClaimLine(claim="A", date="2026-03-02", code="6449")])
    >>> write_csv(found, [2], sys.stdout)  # doctest: +ELLIPSIS
    rule,severity,lines,message,release
    code.malformed,error,2,"'6449' is not a valid procedure code: ...
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rule", "severity", "lines", "message", "release"])
    for f in found:
        lines = " ".join(map(str, _numbered(f, numbers)))
        writer.writerow([f.rule, f.severity.value, lines, f.message, f.release])

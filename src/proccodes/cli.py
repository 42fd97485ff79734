"""The ``proccodes`` command: show, search, validate, check, hcpcs and pfs, for people and scripts.

Exit codes: 0 success; 1 the thing checked failed (an invalid code, problems found, no search
match); 2 a usage or input error (bad arguments, an unknown code, an unreadable file, a closed
stdin); 3 the output could not be written (stdout closed or full; a reader that went away, as in
``proccodes ... | head``, ends the command quietly with this code). Errors are one line each on
stderr. ``--json`` output is documented in docs/cli.md and stable.

What the command echoes (inputs, paths, messages) has control characters, ESC, line separators
and bytes that were not UTF-8 escaped (``\x1b``), and long inputs shortened; ``--json`` is valid
UTF-8 JSON whatever the input; with an output encoding that cannot show a character (say
``PYTHONIOENCODING=ascii``) the character is written as an escape, never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import functools
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TextIO, cast

from .catalog import Catalog, default_catalog, load_catalog
from .checks import check_catalog
from .errors import CodeNotActiveError, DataError, ProcCodesError, quote
from .records import DataRelease, Modifier, PayerRequirement, Procedure, Statement

__all__ = ["main"]

WIDTH = 80
CATALOG_ENV = "PROCCODES_CATALOG"
TRADEMARK = (
    "CPT is a registered trademark of the American Medical Association. Titles and text here "
    "are proccodes' own words, not AMA descriptors."
)


EXIT_OUTPUT = 3
"""The exit code when the output cannot be written: stdout closed, full, or a broken pipe."""


class _UsageError(Exception):
    """Bad input on the command line: exit 2 with the message."""


class _OutputError(Exception):
    """Writing to stdout failed; ``cause`` is the OSError."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(cause)
        self.cause = cause


class _Output:
    """stdout for the commands: a failed write or flush becomes one `_OutputError`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        # JSON is UTF-8 unless the stream cannot encode it: then escaped ASCII, still valid JSON
        try:
            self.utf8 = codecs.lookup(stream.encoding or "ascii").name == "utf-8"
        except (LookupError, AttributeError, TypeError):
            self.utf8 = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _OutputError(exc) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _OutputError(exc) from exc


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse echoes unrecognized arguments as they are: escape them
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {_printable(message)}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    >>> main(["validate", "62290", "6229O"])
    62290  valid    CPT Category I, Surgery
    6229O  invalid  found the letter 'O' at position 5 where a digit belongs; did you mean '62290'?
    1
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    stream = sys.stdout
    if stream is None:  # started with stdout closed (`proccodes ... >&-`)
        _error("cannot write the output: standard output is closed")
        return EXIT_OUTPUT
    restore = _tolerant_streams()
    out = _Output(stream)
    try:
        if args.data:
            from .catalog import use_data

            use_data(args.data)
        code: int = args.run(args, cast(TextIO, out))
        out.flush()
        return code
    except _OutputError as exc:
        return _output_failed(exc.cause, stream)
    except _UsageError as exc:
        _error(str(exc))
    except DataError as exc:
        for problem in exc.problems:
            _error(f"{exc.source}: {problem}")
    except CodeNotActiveError as exc:  # the date check the user asked for failed
        _error(str(exc))
        return 1
    except ProcCodesError as exc:
        _error(str(exc))
    finally:
        restore()
    return 2


def _tolerant_streams() -> Callable[[], None]:
    """Let stdout write what its encoding cannot (as escapes) and stdin read bytes that are not
    text (as surrogates, escaped when echoed); return what puts the streams back."""
    undo: list[Callable[[], None]] = []
    for stream, errors in ((sys.stdout, "backslashreplace"), (sys.stdin, "surrogateescape")):
        reconfigure = getattr(stream, "reconfigure", None)
        before = getattr(stream, "errors", None)
        if reconfigure is None or before is None:
            continue
        try:
            reconfigure(errors=errors)
        except (ValueError, OSError):  # pragma: no cover - a stream already in use
            continue
        undo.append(functools.partial(reconfigure, errors=before))

    def restore() -> None:
        for step in undo:
            with contextlib.suppress(ValueError, OSError):
                step()

    return restore


def _output_failed(exc: OSError, stream: TextIO) -> int:
    """A write to stdout failed: say so in one line (not for a reader that went away, as in
    ``| head``), and point stdout at devnull so the interpreter's last flush is quiet (the
    recipe in the Python docs, "Note on SIGPIPE")."""
    if stream is sys.__stdout__:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # pragma: no cover - no file descriptor
            pass
    if not isinstance(exc, BrokenPipeError):
        _error(f"cannot write the output: {exc.strerror or type(exc).__name__}")
    return EXIT_OUTPUT


# Echoed text: C0 and C1 controls (ESC among them), DEL, line and paragraph separators, bidi
# controls and lone surrogates (bytes that were not UTF-8, from argv or stdin) are escaped.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SHOWN = 60  # characters of a long input that the text output shows


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def _printable(text: str) -> str:
    r"""``text`` with what a terminal would act on, or cannot show, escaped.

    >>> _printable("62290\x1b[31m\udcff")
    '62290\\x1b[31m\\xff'
    """
    return _UNSAFE.sub(_escape, text)


def _printable_lines(text: str) -> str:
    r"""``text`` made safe as `_printable` makes it, its line ends kept.

    >>> _printable_lines("a\x1b[2J\nb\u202e\n")
    'a\\x1b[2J\nb\\u202e\n'
    """
    return "\n".join(_printable(line) for line in text.split("\n"))


def _json_safe(text: str) -> str:
    r"""JSON text with the characters a terminal would act on written as JSON escapes (JSON
    itself escapes only C0 controls inside strings; C1 controls, line separators and bidi
    controls stay raw, as do lone surrogates). Still valid JSON, with the same value.

    >>> _json_safe('["a\u009b1m\u202e"]')
    '["a\\u009b1m\\u202e"]'
    """
    return _UNSAFE.sub(
        lambda m: m.group() if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text
    )


class _SafeOutput:
    """A text stream whose written text passes through ``escape`` (whole lines at a time)."""

    def __init__(self, out: TextIO, escape: Callable[[str], str]) -> None:
        self._out = out
        self._escape = escape
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        head, sep, self._pending = self._pending.rpartition("\n")
        if sep:
            self._out.write(self._escape(head + sep))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._out.write(self._escape(self._pending))
            self._pending = ""
        self._out.flush()


def _shown(text: str) -> str:
    """An input as the text output shows it: escaped, and shortened when long."""
    if len(text) > _SHOWN:
        text = text[:_SHOWN] + f"... ({len(text):,} characters)"
    return _printable(text)


def _error(message: str) -> None:
    print(f"proccodes: error: {_printable(message)}", file=sys.stderr)


def _warn(message: str) -> None:
    print(f"proccodes: warning: {_printable(message)}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="proccodes",
        description="Reference records for CPT and HCPCS Level II procedure codes.",
        epilog=TRADEMARK,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--data",
        metavar="FOLDER",
        help="use this data release (built by `proccodes data build`) instead of the shipped "
        "one; default $PROCCODES_DATA",
    )
    parser.set_defaults(command=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace, TextIO], int], help_: str) -> Any:
        sub = commands.add_parser(name, help=help_, description=help_)
        sub.set_defaults(command=name, run=run)
        return sub

    catalog_help = (
        "also use this catalog: a proccodes JSON file or folder, or a CMS HCPCS file; "
        f"default ${CATALOG_ENV}"
    )
    show = command("show", _show, "show the record of a code")
    show.add_argument("code", metavar="CODE")
    show.add_argument(
        "--on",
        type=_date_arg,
        metavar="YYYY-MM-DD",
        help="fail unless the code was in effect on this date of service",
    )
    show.add_argument("--json", action="store_true", help="print the record as JSON")
    show.add_argument("--catalog", metavar="FILE", action="append", help=catalog_help)

    search = command("search", _search, "search records by words, names or codes")
    search.add_argument("text", nargs="+", metavar="TEXT")
    search.add_argument(
        "--limit",
        type=_positive_int,
        default=10,
        metavar="N",
        help="at most N results (default 10)",
    )
    search.add_argument("--json", action="store_true", help="print results as JSON")
    search.add_argument("--catalog", metavar="FILE", action="append", help=catalog_help)

    validate = command("validate", _validate, "check that codes are well formed")
    validate.add_argument("codes", nargs="+", metavar="CODE", help="codes; '-' reads stdin")
    validate.add_argument("--json", action="store_true", help="print results as JSON")
    validate.add_argument(
        "--catalog",
        metavar="FILE",
        action="append",
        help=catalog_help + "; then also say whether the catalog lists each code",
    )
    validate.add_argument(
        "--on",
        type=_date_arg,
        metavar="YYYY-MM-DD",
        help="also say whether each code was in effect on this date of service (exit 1 if not)",
    )

    export = command("export", _export, "write the catalog as JSON, FHIR or JSON Schema")
    export.add_argument(
        "--format",
        choices=("json", "fhir", "schema"),
        default="json",
        help="json: the data-file form; fhir: a FHIR R4 CodeSystem; "
        "schema: the JSON Schema of the data-file form",
    )
    export.add_argument(
        "--system",
        choices=("CPT", "HCPCS"),
        default=None,
        help="with --format fhir: which code system (default: CPT, or HCPCS "
        "when the catalog holds only HCPCS codes)",
    )
    export.add_argument("--catalog", metavar="FILE", action="append", help=catalog_help)

    check = command("check", _check, "check a catalog for completeness and integrity")
    check.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="a catalog JSON file or folder (default: the shipped catalog)",
    )
    check.add_argument("--json", action="store_true", help="print problems as JSON")
    check.add_argument("--catalog", metavar="FILE", action="append", help=catalog_help)

    hcpcs = command(
        "hcpcs", _hcpcs, "summarize or export official CMS HCPCS Level II files (any year)"
    )
    hcpcs.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="the CMS fixed-width file, or the zip CMS publishes; several years combine",
    )
    hcpcs.add_argument(
        "--year",
        type=_year_arg,
        metavar="YEAR",
        help="the year of the file (default: from its name, else its latest date); one FILE only",
    )
    hcpcs.add_argument(
        "--json",
        action="store_true",
        help="print the records (procedures and modifiers) as JSON, in the data-file form",
    )
    hcpcs.add_argument(
        "--strict",
        action="store_true",
        help="a defect in a non-key field is an error, not a warning",
    )

    site = command("site", _site, "write the catalog as a static web site (needs proccodes[site])")
    site.add_argument("outdir", metavar="OUTDIR", help="a new or empty folder, or an earlier site")
    site.add_argument("--catalog", metavar="FILE", action="append", help=catalog_help)
    pfs = command(
        "pfs",
        _pfs,
        "summarize or export CMS Physician Fee Schedule relative value files (any release)",
    )
    pfs.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="the PPRRVU file: the CSV, the fixed-width TXT, or the zip CMS publishes (RVU25D.zip)",
    )
    pfs.add_argument(
        "--json",
        action="store_true",
        help="print each release's facts as JSON (never the CPT descriptions)",
    )
    pfs.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 2) on any defect in a field, instead of warning",
    )
    claims = command(
        "claims", _claims, "check the lines of a CSV claim file (PFS, NCCI PTP and MUE rules)"
    )
    claims.add_argument(
        "file",
        metavar="FILE.csv",
        help="columns claim, date (YYYY-MM-DD), code, and optionally modifiers, units",
    )
    claims.add_argument(
        "--ptp",
        action="append",
        metavar="PATH",
        help="a part of the CMS NCCI PTP table (text file or CMS's zip); repeat for each part, "
        "or give a quoted pattern such as 'ccipra-v322r0-f*.zip'",
    )
    claims.add_argument("--mue", metavar="PATH", help="the CMS MUE table (CSV, zip or .xlsx)")
    claims.add_argument(
        "--pfs",
        action="append",
        metavar="PATH",
        help="a PFS release (RVU zip or CSV); repeat for several: each line gets the release "
        "in effect on its date",
    )
    claims.add_argument(
        "--columns",
        metavar="NAME=HEADER,...",
        help="map our column names to the file's, e.g. claim=CLAIM_ID,date=DOS,code=HCPCS",
    )
    claims.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="the dates' format when not YYYY-MM-DD, e.g. %%m/%%d/%%Y",
    )
    claims.add_argument(
        "--rule",
        action="append",
        metavar="ID=SEVERITY",
        help="re-grade a rule (error, warning or info), e.g. code.unknown=error; repeatable",
    )
    claims.add_argument(
        "--no-rule", action="append", metavar="ID", help="switch a rule off; repeatable"
    )
    claims.add_argument(
        "--max-malformed",
        type=int,
        default=100,
        metavar="N",
        help="list at most N malformed rows as line.malformed findings (default 100); the rest "
        "of the file is checked all the same",
    )
    claims_out = claims.add_mutually_exclusive_group()
    claims_out.add_argument("--json", action="store_true", help="print the findings as JSON")
    claims_out.add_argument("--csv", action="store_true", help="print the findings as CSV")
    claims.add_argument("--catalog", metavar="FILE", action="append", help=catalog_help)
    _fee_parser(command("fee", _fee, "what Medicare pays for a code in a locality (PFS)"))
    _data_commands(command)
    _serve_parser(command("serve", _serve, "serve the catalog over HTTP: REST and FHIR R4"))
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("proccodes")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date as YYYY-MM-DD, got {quote(text)}"
        ) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value <= sys.maxsize:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {sys.maxsize}, got {_shown(text)}"
        )
    return value


def _year_arg(text: str) -> int:
    from .sources.hcpcs import YEARS

    first, last = YEARS
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not first <= value <= last:
        raise argparse.ArgumentTypeError(
            f"expected a year from {first} to {last}, got {_shown(text)}"
        )
    return value


def _catalog(extra: Sequence[str] | None, base: Catalog | None = None) -> Catalog:
    """The default catalog (or ``base``), overlaid with --catalog files (or the environment
    variable's).

    A record both state differently keeps the value it had before the file; each such conflict
    is one warning line on stderr, never resolved in silence.
    """
    catalog = default_catalog() if base is None else base
    for path in _extra_paths(extra):
        loaded = _load_any(path)
        count = _warning_count(loaded.warnings)
        if count:
            _warn(
                f"{path}: {count} warning{'s' if count != 1 else ''}: malformed non-key "
                f"fields, left empty (`proccodes hcpcs {path}` lists them)"
            )
        catalog, conflicts = catalog.merge_report(loaded, on_conflict="keep")
        for conflict in conflicts:
            _warn(f"{path}: {conflict} (kept the value already in the catalog)")
    return catalog


def _extra_paths(extra: Sequence[str] | None) -> list[str]:
    paths = list(extra or [])
    if not paths and os.environ.get(CATALOG_ENV):
        paths = [p for p in os.environ[CATALOG_ENV].split(os.pathsep) if p]
    return paths


def _load_any(path: str) -> Catalog:
    """A proccodes JSON catalog (file or folder) or, for anything else, a CMS HCPCS file."""
    from .sources._files import path_kind

    p = Path(path)
    if p.suffix.lower() == ".json" or path_kind(p) == "folder":
        return load_catalog(p)
    try:
        from .sources.hcpcs import load_hcpcs
    except ImportError:  # pragma: no cover - the HCPCS loader ships with the package
        raise _UsageError(f"{path}: not a JSON catalog") from None
    return load_hcpcs(p)


def _dump(data: Any, out: TextIO) -> None:
    # Lone surrogates (input bytes that were not UTF-8) cannot be encoded as UTF-8: JSON's
    # \udcxx escapes say the same thing in valid UTF-8, so they are written escaped.
    utf8 = getattr(out, "utf8", True)
    text = json.dumps(data, indent=2, ensure_ascii=not utf8)
    if utf8 and _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    out.write(text + "\n")


_SURROGATE = re.compile("[\ud800-\udfff]")


# -- show ---------------------------------------------------------------------------------------


def _show(args: argparse.Namespace, out: TextIO) -> int:
    sources: Sequence[DataRelease]
    if args.on is not None:
        from .release import release_stale_on

        notice = release_stale_on(args.on)
        if notice:
            _warn(notice)
    if _extra_paths(args.catalog):
        catalog = _catalog(args.catalog)
        record = catalog.lookup(args.code, on=args.on)
        sources = catalog.sources or [DataRelease(name="catalog", release=catalog.release)]
    else:  # the shipped data: read only what the code needs
        from .catalog import get, shipped_sources

        record = get(args.code, on=args.on)
        sources = shipped_sources()
    if args.json:
        from .export import record_json

        _dump(record_json(record, sources=sources), out)
    else:
        out.write(_printable_lines(render(record, sources=sources)))  # a catalog's own text
    return 0


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [first or indent]


def _cite(statement: Statement) -> str:
    if not statement.sources:
        return statement.text
    return f"{statement.text} [{', '.join(statement.sources)}]"


def _requirement_line(req: PayerRequirement) -> str:
    head = f"{req.payer}, {req.kind.value}" + (f" ({req.modifier})" if req.modifier else "")
    head += f", {req.setting}" if req.setting else ""
    head += f", from {req.effective.isoformat()}" if req.effective else ""
    head += f" to {req.ends.isoformat()}" if req.ends else ""
    return _cite(Statement(text=f"{head}: {req.text}", sources=req.sources))


def render(record: Procedure, *, release: str = "", sources: Sequence[DataRelease] = ()) -> str:
    """The record as text for an 80-column terminal; ``sources`` (or ``release``) name the data.

    >>> from proccodes import get
    >>> print(render(get("62290")).splitlines()[0])
    62290  Lumbar discography (disc injection for a discogram)
    """
    from ._args import check_type

    check_type("record", record, Procedure, "a Procedure")
    check_type("release", release, str, "text (str)")
    lines: list[str] = [*_wrap(f"{record.code}  {record.title}", "       ", "")]
    facts = [record.kind.value]
    billing = record.billing
    if billing is not None:
        facts += [billing.body_region.value, billing.unit_of_service.value]
        if billing.add_on:
            facts.append("add-on")
    lines += _wrap(" | ".join(facts), "")
    lines.append(_status(record))
    from ._describe import HCPCS_FACT_FIELDS, NOT_CURATED, cpt_text_notice, pfs_lines, rbcs_line

    if not record.curated:
        what = (
            "The title is ours, written from what the code covers, not the AMA's descriptor"
            if record.system.value == "CPT"
            else "The title is CMS's long descriptor"
        )
        lines += _wrap(f"{NOT_CURATED}. {what}; no clinical details.", "")
    for d in record.descriptors:
        lines += _wrap(f"{d.use.value} descriptor ({d.source}): {d.text}", "    ", "  ")
    notice = cpt_text_notice(record)
    if notice is not None:
        lines += _wrap(notice + ".", "")
    path = _range_path(record.code)
    if path:
        lines += _wrap(f"Range: {path}", "  ", "")

    def section(title: str, items: Iterable[str], bullet: bool = True) -> None:
        items = list(items)
        if not items:
            return
        lines.append("")
        lines.append(title)
        for item in items:
            lines.extend(_wrap(item, "    ", "  - ") if bullet else _wrap(item))

    clinical = record.clinical
    if clinical is not None:
        section("Also called", [", ".join(clinical.common_names)], bullet=False)
        section("Summary", [clinical.summary], bullet=False)
        section("Purpose", [clinical.purpose], bullet=False)
        section("Indications", map(_cite, clinical.indications))
        section("Preparation", map(_cite, clinical.preparation))
        section("Steps", map(_cite, clinical.steps))
        length = clinical.duration
        span = f"{length.minutes_min}-{length.minutes_max} minutes" + (
            f". {length.note}" if length.note else ""
        )
        section("Duration", [span], bullet=False)
        section("Settings", clinical.settings)
        section("Personnel", clinical.personnel)
        section("Risks", map(_cite, clinical.risks))
        section("Benefits", map(_cite, clinical.benefits))
        section("Recovery", map(_cite, clinical.recovery))
        section(
            "Alternatives",
            [
                f"{a.name}"
                + (f" ({', '.join(a.codes)})" if a.codes else "")
                + (" [no dedicated code]" if a.no_dedicated_code else "")
                + f": {a.description}"
                + (f" [{', '.join(a.sources)}]" if a.sources else "")
                for a in clinical.alternatives
            ],
        )
        section("Patient experience", map(_cite, clinical.patient_experience))
        section("Evidence", map(_cite, clinical.evidence))
    if billing is not None:
        items = [
            f"Unit: {billing.unit_of_service.value}"
            + (f". {billing.unit_note}" if billing.unit_note else "")
        ]
        if billing.add_on:
            items.append("Add-on code, reported with: " + ", ".join(billing.primary_codes))
        if billing.add_on_codes:
            items.append("Add-on codes: " + ", ".join(billing.add_on_codes))
        items += [
            f"With {c.code}: {c.note}" if c.note else f"With {c.code}"
            for c in billing.companion_codes
        ]
        items += map(_cite, billing.notes)
        items += map(_requirement_line, billing.requirements)
        section("Billing", items)
    facts_ = record.file_facts
    if facts_ is not None:
        shown = [
            f"{name.replace('_', ' ')}: {', '.join(v) if isinstance(v, tuple) else v}"
            for name in HCPCS_FACT_FIELDS
            if (v := getattr(facts_, name)) not in (None, (), "")
        ]
        section("From the CMS file", shown)
    pfs = record.pfs
    if pfs is not None:
        items = pfs_lines(pfs)
        if record.pfs_by_modifier:
            items.append(
                "Rows for modifiers: " + ", ".join(r.modifier for r in record.pfs_by_modifier)
            )
        section(f"Medicare Physician Fee Schedule ({pfs.release})", items)
    if record.rbcs is not None:
        section("CMS RBCS class", [rbcs_line(record.rbcs)], bullet=False)
    else:
        section("CMS RBCS class", ["CMS gives no RBCS class for this code."], bullet=False)
    if record.history:
        section("In the CMS HCPCS files", _history_lines(record))
    section(
        "Sources",
        [
            f"[{s.id}] {s.citation}" + (f" {s.identifier}" if s.identifier else "")
            for s in record.sources
        ],
    )
    lines.append("")
    tail = []
    if record.reviewed is not None:
        tail.append(f"Reviewed {record.reviewed.isoformat()}")
    if sources:
        tail.append(
            "Data: "
            + "; ".join(
                " ".join(filter(None, (s.name, s.release)))
                + (f" (as of {s.as_of.isoformat()})" if s.as_of else "")
                for s in sources
            )
        )
    elif release:
        tail.append(f"data release {release}")
    if tail:
        lines += _wrap(". ".join(tail) + ".", "")
    if record.system.value == "CPT":
        lines += _wrap(TRADEMARK, "")
    return "\n".join(lines) + "\n"


def _range_path(code: str) -> str:
    """Where the code sits in proccodes' range hierarchy, widest first, in our words."""
    from .ranges import path_of

    return " > ".join(
        f"{r.name} ({r.first}-{r.last})" if r.first != r.last else f"{r.name} ({r.first})"
        for r in path_of(code)
    )


def _history_lines(record: Procedure) -> list[str]:
    long = record.descriptor("long")
    years = ", ".join(str(h.year) for h in record.history)
    if all(h.descriptor == long for h in record.history):
        return [f"Listed in {years}, with today's descriptor"]
    lines = [f"Listed in {years}"]
    for h in record.history:
        if h.descriptor != long:
            lines.append(f"{h.year} descriptor: {h.descriptor}")
    return lines


def _status(record: Procedure) -> str:
    if record.effective is None and record.terminated is None:
        return "In effect: dates not stated in this catalog"
    since = f"since {record.effective.isoformat()}" if record.effective else "start not stated"
    if record.terminated is None:
        return f"In effect {since}"
    status = f"Ended on {record.terminated.isoformat()} (in effect {since})"
    if record.replaced_by:
        status += "; replaced by " + ", ".join(record.replaced_by)
    return status


# -- search -------------------------------------------------------------------------------------


def _search(args: argparse.Namespace, out: TextIO) -> int:
    catalog = _catalog(args.catalog)
    results = catalog.search(" ".join(args.text), limit=args.limit)
    if args.json:
        _dump([{"code": r.code, "title": r.title, "kind": r.kind.value} for r in results], out)
    else:
        for record in results:
            line = f"{record.code:<7}{_printable(record.title)}"
            out.write("\n".join(_wrap(line, " " * 7, "")) + "\n")
        out.write(_search_note(" ".join(args.text), results))
    return 0 if results else 1


def _search_note(text: str, results: Sequence[Procedure]) -> str:
    """What a code typed as coders type it notes besides the code (modifiers, units), and that
    an ended code has ended: a line for the terminal, or nothing."""
    from ._search import read_code_query

    typed = read_code_query(text)
    if typed is None or typed.partial:
        return ""
    notes = []
    if typed.modifiers:
        notes.append(
            ("modifiers " if len(typed.modifiers) > 1 else "modifier ") + ", ".join(typed.modifiers)
        )
    if typed.units is not None:
        notes.append(f"{typed.units} unit{'s' if typed.units != 1 else ''}")
    first = results[0] if results else None
    if first is not None and first.code == typed.code and first.terminated is not None:
        notes.append(f"{first.code} ended on {first.terminated.isoformat()}")
    return f"note: {typed.code}: {'; '.join(notes)}\n" if notes else ""


# -- validate -----------------------------------------------------------------------------------


def _codes_from(args: Iterable[str]) -> Iterable[str]:
    for arg in args:
        if arg == "-":
            if sys.stdin is None:
                raise _UsageError("cannot read codes from '-': standard input is closed")
            try:
                yield from (line.rstrip("\r\n") for line in sys.stdin)
            except (OSError, ValueError) as exc:  # a closed or unreadable stdin
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                raise _UsageError(f"cannot read codes from '-': {why}") from exc
        else:
            yield arg


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    paths = _extra_paths(args.catalog)
    catalog = _catalog(paths) if paths else None
    if args.on is not None:
        from .release import release_stale_on

        catalog = catalog or default_catalog()
        notice = release_stale_on(args.on)
        if notice:
            _warn(notice)
    from .export import validation_json

    results = [validation_json(text, catalog, on=args.on) for text in _codes_from(args.codes)]
    if args.json:
        _dump(results, out)
    else:
        shown = [_shown(r["input"]) for r in results]
        width = min(max(map(len, shown), default=0), 12)
        for text, r in zip(shown, results, strict=True):
            if r["valid"]:
                detail = r["kind"] + (f", {r['section']}" if r["section"] else "")
                if "listed" in r:
                    detail += "; " + _listing(r)
                out.write(f"{text:<{width}}  valid    {detail}\n")
            else:
                out.write(f"{text:<{width}}  invalid  {_printable(r['reason'])}\n")
    ok = all(r["valid"] and r.get("in_effect", True) for r in results)
    if args.on is not None:
        ok = ok and all(r.get("listed", True) for r in results)
    return 0 if ok else 1


def _listing(result: dict[str, Any]) -> str:
    if not result["listed"]:
        return "not in the catalog"
    if result.get("in_effect") is False and result["terminated"] is None:
        return f"not yet in effect (effective {result['effective']})"
    if result.get("in_effect") is False:
        replaced = result["replaced_by"]
        return f"ended on {result['terminated']}" + (
            f", replaced by {', '.join(replaced)}" if replaced else ""
        )
    if result["terminated"] is None:
        return "in the catalog"
    replaced = result["replaced_by"]
    return f"ended on {result['terminated']}" + (
        f", replaced by {', '.join(replaced)}" if replaced else ""
    )


# -- export -------------------------------------------------------------------------------------


def _export(args: argparse.Namespace, out: TextIO) -> int:
    from . import export, fhir
    from .codes import CodeSystem

    if args.format == "schema":
        _dump(export.catalog_schema(), out)
        return 0
    catalog = _catalog(args.catalog)
    if args.format == "json":
        _dump_listing(export.catalog_json(catalog), out)
        return 0
    if args.system is not None:
        system = CodeSystem(args.system)
    elif any(r.system is CodeSystem.CPT for r in catalog.values()):
        system = CodeSystem.CPT
    else:
        system = CodeSystem.HCPCS
    _dump_listing(fhir.code_system(catalog, system=system), out)
    return 0


def _dump_listing(data: dict[str, Any], out: TextIO) -> None:
    """A large document as JSON: its keys indented, each item of a list one compact line.

    The whole catalog is some 19,500 records; ``json.dumps`` with ``indent`` runs the
    pure-Python encoder and takes seconds where the compact one takes a fraction.
    """
    utf8 = getattr(out, "utf8", True)

    def encode(value: Any) -> str:
        text = json.dumps(value, ensure_ascii=not utf8)
        if utf8 and _SURROGATE.search(text):
            text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        return text

    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(encode(item) for item in value)
            parts.append(f"  {encode(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {encode(key)}: {encode(value)}")
    out.write("{\n" + ",\n".join(parts) + "\n}\n")


# -- check --------------------------------------------------------------------------------------


def _check(args: argparse.Namespace, out: TextIO) -> int:
    if args.path is None:
        catalog, name = default_catalog(), "the shipped catalog"
    else:
        catalog, name = _load_any(args.path), args.path
    extra = _extra_paths(args.catalog)
    if extra:
        catalog = _catalog(extra, catalog)
        name += " with " + ", ".join(extra)
    problems = check_catalog(catalog)
    if args.json:
        _dump(
            [
                {
                    "code": p.code,
                    "field": p.field,
                    "message": p.message,
                    "severity": p.severity.value,
                }
                for p in problems
            ],
            out,
        )
    else:
        for p in problems:
            out.write(_printable(str(p)) + "\n")
        count = len(problems)
        plural = "s" if count != 1 else ""
        out.write(f"{_printable(name)}: {len(catalog)} records, {count} problem{plural}\n")
    return 1 if problems else 0


# -- hcpcs --------------------------------------------------------------------------------------


def _hcpcs(args: argparse.Namespace, out: TextIO) -> int:
    from .sources.hcpcs import load_hcpcs, load_hcpcs_years

    if args.year is not None and len(args.files) > 1:
        raise _UsageError("--year goes with one FILE; several files take theirs from their names")
    if len(args.files) == 1:
        catalog = load_hcpcs(args.files[0], year=args.year, strict=args.strict)
    else:
        catalog = load_hcpcs_years(args.files, strict=args.strict)
    warnings = catalog.warnings
    if args.json:
        from .export import catalog_json

        _dump(catalog_json(catalog), out)  # the warnings are in it, under "warnings"
        return 0
    _show_warnings(warnings, "all of them are in --json")
    procedures, modifiers = list(catalog.values()), list(catalog.modifiers.values())
    everything: list[Procedure | Modifier] = [*procedures, *modifiers]
    years = sorted({h.year for r in everything for h in r.history})
    for year in years:
        out.write(f"CMS HCPCS Level II {year}\n")
        kinds: tuple[tuple[str, Sequence[Procedure | Modifier]], ...] = (
            ("procedures", procedures),
            ("modifiers", modifiers),
        )
        for label, records in kinds:
            listed = [h for r in records for h in r.history if h.year == year]
            terminated = sum(h.terminated is not None for h in listed)
            added = sum(h.action == "A" for h in listed)
            out.write(f"  {label:<11}{len(listed):>6}  ({terminated} terminated, {added} added)\n")
    if len(years) > 1:
        gone = sum(r.last_seen != years[-1] for r in everything)
        out.write(
            f"{years[0]}-{years[-1]} combined: {len(procedures)} procedures, "
            f"{len(modifiers)} modifiers; {gone} not listed in {years[-1]}\n"
        )
    count = _warning_count(warnings)
    out.write(f"{count} warning{'s' if count != 1 else ''} (non-key fields left empty)\n")
    return 0


# -- site ---------------------------------------------------------------------------------------


def _site(args: argparse.Namespace, out: TextIO) -> int:
    try:
        from .site import build_site

        summary = build_site(args.outdir, _catalog(args.catalog))
    except ModuleNotFoundError as exc:
        if exc.name not in (None, "jinja2", "markupsafe"):
            raise  # pragma: no cover - not the optional extra
        raise _UsageError("the site needs Jinja2: pip install 'proccodes[site]'") from None
    except (ValueError, OSError) as exc:
        raise _UsageError(str(exc)) from None
    out.write(
        f"wrote {summary.pages} pages ({summary.curated} curated records, {summary.uncurated} "
        f"other codes; {summary.bytes / 1e6:.1f} MB) in {summary.seconds:.1f} s; "
        f"open {_printable(str(summary.outdir / 'index.html'))}\n"
    )
    return 0


# -- pfs ----------------------------------------------------------------------------------------


def _pfs(args: argparse.Namespace, out: TextIO) -> int:
    from .sources.pfs import load_pfs

    loaded = [(path, load_pfs(path, strict=args.strict)) for path in args.files]
    for _, fs in loaded:
        _show_warnings(fs.warnings, "all of them are in --json")
    if args.json:
        _dump([_pfs_json(fs) for _, fs in loaded], out)
        return 0
    for path, fs in loaded:
        out.write(_printable_lines(_pfs_summary(path, fs)))
    return 0


def _pfs_summary(path: str, fs: Any) -> str:
    from collections import Counter

    from .records import PfsStatus

    as_of = fs.as_of.isoformat() if fs.as_of else "not stated"
    released = f", released {fs.released.isoformat()}" if fs.released else ""
    statuses = Counter(fs[c].status for c in fs)
    modifiers = Counter(
        r.modifier for c in fs.codes_with_modifier_rows for r in fs.modifier_rows(c)
    )
    lines = [
        f"{fs.label}: effective {as_of}{released}",
        f"  file              {path}",
        f"  codes            {len(fs):>6}",
    ]
    for status, count in sorted(statuses.items(), key=lambda s: (-s[1], str(s[0]))):
        name = status.name.lower().replace("_", " ") if isinstance(status, PfsStatus) else "none"
        code = status.value if isinstance(status, PfsStatus) else "-"
        lines.append(f"    status {code}       {count:>6}  {name}")
    order = {"26": 0, "TC": 1, "53": 2}
    by_modifier = ", ".join(
        f"{m} {n}" for m, n in sorted(modifiers.items(), key=lambda m: (order.get(m[0], 9), m))
    )
    lines += [
        f"  modifier rows    {sum(modifiers.values()):>6}  ({by_modifier or 'none'})",
        f"  D codes left out {fs.dental_codes_left_out:>6}  (dental, the ADA's CDT: not loaded)",
        f"  warnings         {fs.warning_count:>6}",
    ]
    if fs.unknown_columns:
        lines.append(f"  columns kept as extra: {', '.join(fs.unknown_columns)}")
    if fs.missing_columns:
        lines.append(f"  columns not in the file: {', '.join(fs.missing_columns)}")
    return "\n".join(lines) + "\n"


def _pfs_json(fs: Any) -> dict[str, Any]:
    import attrs

    def facts(row: Any) -> dict[str, Any]:
        return attrs.asdict(
            row,
            recurse=False,
            filter=lambda a, v: a.name != "release" and v != a.default,
            value_serializer=lambda _i, _a, v: list(v) if isinstance(v, tuple) else v,
        )

    codes: dict[str, Any] = {}
    for code in sorted({*fs, *fs.codes_with_modifier_rows}):
        entry: dict[str, Any] = facts(fs[code]) if code in fs else {}
        extra = [facts(r) for r in fs.modifier_rows(code)]
        if extra:
            entry["modifier_rows"] = extra
        codes[code] = entry
    return {
        "release": fs.release,
        "label": fs.label,
        "as_of": fs.as_of.isoformat() if fs.as_of else None,
        "released": fs.released.isoformat() if fs.released else None,
        "warnings": list(fs.warnings),
        "warning_count": fs.warning_count,
        "dental_codes_left_out": fs.dental_codes_left_out,
        "unknown_columns": list(fs.unknown_columns),
        "missing_columns": list(fs.missing_columns),
        "codes": codes,
        "level2_descriptions": dict(fs.level2_descriptions),
    }


_WARNINGS_SHOWN = 5


def _show_warnings(warnings: Sequence[str], where_the_rest_are: str) -> None:
    """The first few of a loaded file's warnings on stderr, and how many more there are."""
    for warning in warnings[:_WARNINGS_SHOWN]:
        _warn(warning)
    if len(warnings) > _WARNINGS_SHOWN:
        _warn(f"... and {len(warnings) - _WARNINGS_SHOWN} more ({where_the_rest_are})")


def _warning_count(warnings: Sequence[str]) -> int:
    """How many warnings there were: a file's long list ends with a line counting the rest."""
    count = 0
    for warning in warnings:
        found = re.search(r": \.\.\. and ([0-9]+) more warnings$", warning)
        count += 1 if found is None else int(found.group(1))
    return count


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


# -- claims -------------------------------------------------------------------------------------


def _ptp_paths(values: list[str]) -> list[str]:
    """The --ptp values, each a path or a quoted glob pattern (expanded here, sorted)."""
    import glob

    paths: list[str] = []
    for value in values:
        if glob.has_magic(value):
            found = sorted(glob.glob(value))
            if not found:
                raise _UsageError(f"--ptp {value!r}: no file matches")
            paths.extend(found)
        else:
            paths.append(value)
    return paths


def _claims(args: argparse.Namespace, out: TextIO) -> int:
    """Check a claim file; exit 1 when any finding is an error. Lines are file line numbers."""
    from .claims import report
    from .claims.rules import configure
    from .records import Severity
    from .sources.ncci import load_mue, load_ptp
    from .sources.pfs import load_pfs

    rules: dict[str, str | bool] = {}
    for item in args.rule or ():
        rule, sep, severity = item.partition("=")
        if not sep:
            raise _UsageError(f"--rule takes ID=SEVERITY, not {item!r}")
        rules[rule.strip()] = severity.strip()
    for rule in args.no_rule or ():
        rules[rule.strip()] = False
    try:  # unknown rule ids, severities and columns fail here, before any file is read
        configure(rules)
        columns = report.parse_columns(args.columns) if args.columns else None
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    if args.max_malformed < 0:
        raise _UsageError("--max-malformed must be 0 or more")
    read = report.read_claim_file(
        args.file,
        columns=columns,
        date_format=args.date_format,
        max_malformed=args.max_malformed,
    )
    lines, numbers = read.lines, list(read.numbers)
    ptp = load_ptp(_ptp_paths(args.ptp)) if args.ptp else None
    mue = load_mue(args.mue) if args.mue else None
    for table in (ptp, mue):
        if table is not None:
            _show_warnings(table.warnings, "the loaded table's .warnings lists them")
    pfs = [load_pfs(path) for path in args.pfs] if args.pfs else None
    catalog = _catalog(args.catalog)
    found = report.check_file(
        lines, ptp=ptp, mue=mue, catalog=catalog, pfs=pfs, rules=rules, progress=sys.stderr
    )
    bad, bad_numbers = report.malformed_findings(read)
    numbers.extend(bad_numbers)
    found = sorted(found + bad, key=lambda f: (numbers[f.lines[0]], f.rule, f.message))
    # file names and table texts (a PTP rationale) are echoed: made safe for a terminal
    safe = _SafeOutput(out, _json_safe if args.json else _printable_lines)
    if args.json:
        report.write_json(found, numbers, cast(TextIO, safe))
    elif args.csv:
        report.write_csv(found, numbers, cast(TextIO, safe))
    else:
        claims = len({line.claim for line in lines})
        report.write_summary(
            found,
            numbers,
            cast(TextIO, safe),
            source=args.file,
            claims=claims,
            lines=len(read.lines),
        )
    safe.flush()
    return 1 if any(f.severity is Severity.ERROR for f in found) else 0


# -- fee ----------------------------------------------------------------------------------------


def _fee_parser(fee: argparse.ArgumentParser) -> None:
    fee.add_argument("code", metavar="CODE")
    fee.add_argument(
        "--locality",
        required=True,
        metavar="MAC-LL",
        help="the Medicare locality: contractor and locality number, e.g. 01112-05",
    )
    fee.add_argument(
        "--pos", default="11", metavar="POS", help="place of service (default 11, an office)"
    )
    fee.add_argument(
        "--modifier",
        action="append",
        default=[],
        metavar="MOD",
        help="a modifier (26, TC, 50, 51, 53, 62, 66, 80, 81, 82, AS); repeat for more",
    )
    fee.add_argument("--units", type=_positive_int, default=1, metavar="N")
    fee.add_argument(
        "--rank",
        type=_positive_int,
        metavar="N",
        help="the line's place in the day's multiple-procedure ranking (1 = highest)",
    )
    fee.add_argument("--on", type=_date_arg, metavar="YYYY-MM-DD", help="the date of service")
    fee.add_argument("--base-units", metavar="N", help="anesthesia: the code's base units")
    fee.add_argument("--time-units", metavar="N", help="anesthesia: minutes / 15")
    fee.add_argument(
        "--pfs",
        metavar="PATH",
        help="a PFS release zip (RVU25A.zip) or PPRRVU file; default: the shipped release "
        "with the shipped GPCIs of its year",
    )
    fee.add_argument("--json", action="store_true", help="print the fee and its factors as JSON")


def _fee(args: argparse.Namespace, out: TextIO) -> int:
    from .fees import price

    fee = price(
        args.code,
        locality=args.locality,
        pos=args.pos,
        modifiers=args.modifier,
        units=args.units,
        rank=args.rank,
        on=args.on,
        base_units=args.base_units,
        time_units=args.time_units,
        pfs=args.pfs,
    )
    if args.json:
        _dump(fee.to_dict(), out)
    else:
        out.write("".join(_printable(line) + "\n" for line in fee.arithmetic().splitlines()))
    return 0


# -- data ---------------------------------------------------------------------------------------


def _data_commands(command: Callable[..., Any]) -> None:
    """``proccodes data build / info / diff``."""
    data = command("data", _data_help, "build, inspect and compare data releases")
    subs = data.add_subparsers(title="data commands", metavar="ACTION")
    build = subs.add_parser(
        "build",
        help="build a data release folder from CMS's files",
        description="build a data release folder from CMS's files, as CMS publishes them",
    )
    build.set_defaults(run=_data_build)
    build.add_argument("--out", required=True, metavar="FOLDER", help="the release folder")
    build.add_argument(
        "--hcpcs",
        required=True,
        action="append",
        metavar="FILE",
        help="a HCPCS Level II file (the zip or its text file); repeat for history, oldest "
        "first, the current one last",
    )
    build.add_argument(
        "--pfs", required=True, metavar="FILE", help="the PFS RVU zip or PPRRVU file"
    )
    build.add_argument(
        "--pfs-history",
        action="append",
        default=[],
        metavar="FILE",
        help="an earlier PFS release (dates CPT codes, ends the ones it alone lists); repeatable",
    )
    build.add_argument("--rbcs", required=True, metavar="FILE", help="the RBCS csv (or its zip)")
    info = subs.add_parser("info", help="which data release is in use, from which files")
    info.set_defaults(run=_data_info)
    info.add_argument("--json", action="store_true", help="print as JSON")
    diff = subs.add_parser(
        "diff",
        help="what changed between two releases or two CMS files of one kind",
        description="what changed between two built releases, or two CMS files of one kind "
        "(HCPCS, PFS, NCCI MUE or PTP)",
    )
    diff.set_defaults(run=_data_diff)
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    shape = diff.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print the changes as JSON")
    shape.add_argument("--csv", action="store_true", help="print the changes as CSV")


def _data_help(args: argparse.Namespace, out: TextIO) -> int:
    raise _UsageError("say which: proccodes data build, data info or data diff")


def _data_build(args: argparse.Namespace, out: TextIO) -> int:
    import time

    from .release import build, info

    started = time.perf_counter()
    folder = build(
        args.out, hcpcs=args.hcpcs, pfs=args.pfs, rbcs=args.rbcs, pfs_history=args.pfs_history
    )
    from .catalog import use_data

    use_data(folder)
    found = info()
    size = sum(p.stat().st_size for p in folder.iterdir())
    out.write(
        f"built {folder}: {found.codes:,} codes, {size / 1e6:.1f} MB, "
        f"in {time.perf_counter() - started:.1f} s\n"
    )
    for source in found.sources[1:]:
        out.write(f"  {source}\n")
    out.write(f"use it: PROCCODES_DATA={folder} or proccodes --data {folder} ...\n")
    return 0


def _data_info(args: argparse.Namespace, out: TextIO) -> int:
    from .release import info

    found = info()
    if args.json:
        _dump(
            {
                "folder": found.folder,
                "codes": found.codes,
                "sources": [
                    {
                        "name": s.name,
                        "release": s.release,
                        "as_of": s.as_of.isoformat() if s.as_of else None,
                        "file": s.file,
                    }
                    for s in found.sources
                ],
                "files": [
                    {
                        "kind": f.kind,
                        "name": f.name,
                        "size": f.size,
                        "sha256": f.sha256,
                        "release": f.release,
                        "as_of": f.as_of.isoformat() if f.as_of else None,
                    }
                    for f in found.files
                ],
            },
            out,
        )
        return 0
    where = found.folder or "the data shipped with proccodes"
    out.write(f"Data release: {_printable(where)} ({found.codes:,} codes)\n")
    for source in found.sources:
        out.write(f"  {_printable(str(source))}\n")
    if found.files:
        out.write("Built from:\n")
    for f in found.files:
        day = f.as_of.isoformat() if f.as_of else "no date"
        out.write(
            f"  {f.kind:<13} {_printable(f.name)}  {f.size:,} bytes  sha256 {f.sha256[:16]}...  "
            f"{_printable(f.release)} ({day})\n"
        )
    return 0


def _data_diff(args: argparse.Namespace, out: TextIO) -> int:
    import csv
    from collections import Counter

    from .release import diff

    changes = diff(args.old, args.new)
    if args.json:
        _dump([c.as_dict() for c in changes], out)
    elif args.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kind", "code", "field", "old", "new"])
        for c in changes:
            writer.writerow([c.kind, c.code, c.field, c.old, c.new])
    else:
        counts = Counter(c.kind for c in changes)
        summary = ", ".join(f"{n:,} {kind}" for kind, n in sorted(counts.items())) or "none"
        out.write(f"{_printable(args.old)} -> {_printable(args.new)}: {summary}\n")
        for c in changes:
            out.write(_printable(str(c)) + "\n")
    return 0


# -- serve --------------------------------------------------------------------------------------


def _serve_parser(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--data", metavar="FOLDER", help="serve this data release (from `proccodes data build`)"
    )
    serve.add_argument(
        "--cors-origin",
        metavar="ORIGIN",
        action="append",
        default=[],
        help="allow browser calls from this origin (repeatable; default none)",
    )


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    """``proccodes serve``: see `proccodes.serve` and docs/service.md."""
    if not 0 <= args.port <= 65535:
        raise _UsageError(f"--port must be 0-65535, not {args.port}")
    if args.data:
        import proccodes

        use_data = getattr(proccodes, "use_data", None)
        if use_data is None:  # pragma: no cover - present once data releases are merged
            raise _UsageError("--data needs data releases (proccodes.use_data), not in this build")
        use_data(args.data)
    from .serve import ServeError, run

    try:
        return run(host=args.host, port=args.port, cors_origins=args.cors_origin)
    except ServeError as exc:
        raise _UsageError(str(exc)) from None

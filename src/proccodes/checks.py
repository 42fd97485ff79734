"""Completeness and integrity checks for records and catalogs.

[`check_record`][proccodes.checks.check_record] looks at one record alone;
[`check_catalog`][proccodes.checks.check_catalog] checks every record and
then what only the whole catalog can show: that every code a record points to exists, and that
add-on codes and their primary codes name each other. Both return a list of
[`Problem`][proccodes.Problem] and never raise for a record; an empty list means clean.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator, Mapping
from datetime import date

from ._args import renamed_keyword
from .codes import classify_code
from .records import (
    Alternative,
    Bilateral,
    ClinicalDetails,
    GlobalDays,
    MultipleProcedure,
    PfsStatus,
    Problem,
    Procedure,
    RequirementKind,
    Severity,
    Source,
    Statement,
)

__all__ = ["check_catalog", "check_record", "pfs_problems"]

_DOI = re.compile(r"10\.[0-9]{4,9}/\S+")
_PMID = re.compile(r"[0-9]{1,9}")
# Words that promise rather than describe; a record states findings, with their sources.
_PROMOTIONAL = re.compile(
    r"\b(safe and effective|life[- ]changing|gold standard|painless|miracle|breakthrough|"
    r"guarantee[ds]?|revolutionary|cutting[- ]edge|state[- ]of[- ]the[- ]art|cure[sd]?\b|"
    r"best (?:option|treatment)|100 ?%)",
    re.IGNORECASE,
)
_LIST_SECTIONS = (
    "indications",
    "preparation",
    "steps",
    "risks",
    "benefits",
    "recovery",
    "patient_experience",
)


@renamed_keyword("today", "on")
def check_record(procedure: Procedure, *, on: date | None = None) -> list[Problem]:
    """Problems in one record: missing sections, empty or repeated items, unresolved source
    ids, sources without an identifier, impossible dates, inconsistent add-on facts, and
    promotional wording.

    A record from an official file only (no clinical details) is checked for what it has; the
    rules of wording apply to text proccodes writes, not to a CMS descriptor used as a title.

    >>> from proccodes import get
    >>> check_record(get("62290"))
    []
    >>> import attrs
    >>> broken = attrs.evolve(get("62290"), title=" ")
    >>> [str(p) for p in check_record(broken)]
    ['error 62290 title: is empty']

    Args:
        procedure: the record to check.
        on: the day the date rules are checked against; default, today.

    Returns:
        Every problem found; empty when the record is clean.

    Raises:
        TypeError: ``procedure`` is not a record, or ``on`` not a date.
    """
    from ._args import as_day, check_type

    check_type("procedure", procedure, Procedure, "a Procedure")
    return list(_record_problems(procedure, date.today() if on is None else as_day(on, "on")))


@renamed_keyword("today", "on")
def check_catalog(catalog: Mapping[str, Procedure], *, on: date | None = None) -> list[Problem]:
    """Problems in every record, plus cross-references that do not resolve and add-on codes
    and primary codes that do not name each other.

    >>> from proccodes import default_catalog
    >>> check_catalog(default_catalog())
    []

    Args:
        catalog: the records, keyed by code (a [`Catalog`][proccodes.Catalog] or any mapping).
        on: the day the date rules are checked against; default, today.

    Returns:
        Every problem found; empty when the catalog is clean.

    Raises:
        TypeError: ``catalog`` is not a mapping of records, or ``on`` not a date.
    """
    from ._args import as_day, check_mapping_of_records, check_type

    check_mapping_of_records("catalog", catalog)
    day = date.today() if on is None else as_day(on, "on")
    for record in catalog.values():
        check_type("each record", record, Procedure, "a Procedure")
    problems: list[Problem] = []
    for key, record in catalog.items():
        if key != record.code:
            problems.append(_error(key, "code", f"filed under {key!r} but is {record.code!r}"))
        problems.extend(_record_problems(record, day))
        problems.extend(_reference_problems(record, catalog))
    problems.extend(_title_problems(r for r in catalog.values() if r.clinical is not None))
    return problems


def _error(code: str, field: str, message: str) -> Problem:
    return Problem(code=code, field=field, message=message, severity=Severity.ERROR)


def _warning(code: str, field: str, message: str) -> Problem:
    return Problem(code=code, field=field, message=message, severity=Severity.WARNING)


def _text_problems(code: str, field: str, text: str) -> Iterator[Problem]:
    if not text.strip():
        yield _error(code, field, "is empty")
        return
    if text != text.strip() or "  " in text:
        yield _warning(code, field, "has stray white space")
    found = _PROMOTIONAL.search(text)
    if found:
        yield _error(code, field, f"promotional wording {found.group(0)!r}; state findings")


def _record_problems(record: Procedure, today: date) -> Iterator[Problem]:
    code = record.code
    found = classify_code(code)
    if found is None:
        yield _error(code, "code", "is not a valid canonical code")
    else:
        if found.system != record.system:
            yield _error(code, "system", f"code is {found.system.value}")
        if found.kind != record.kind:
            yield _error(code, "kind", f"code is {found.kind.value}")
    if record.clinical is not None:
        yield from _text_problems(code, "title", record.title)
    elif not record.title.strip():  # an official file's descriptor: its wording is not ours
        yield _error(code, "title", "is empty")
    if record.effective and record.terminated and record.terminated < record.effective:
        yield _error(code, "terminated", "is before effective")
    if record.reviewed is not None and record.reviewed > today:
        yield _error(code, "reviewed", f"{record.reviewed} is in the future")
    for i, replacement in enumerate(record.replaced_by):
        if classify_code(replacement) is None:
            yield _error(code, f"replaced_by[{i}]", f"{replacement!r} is not a valid code")
    yield from _billing_problems(record)
    source_ids = [s.id for s in record.sources]
    yield from _source_problems(code, record.sources)
    if record.clinical is not None:
        if not record.sources:
            yield _error(code, "sources", "a curated record needs at least one source")
        if record.reviewed is None:
            yield _error(code, "reviewed", "a curated record needs the date it was reviewed")
        cited = yield from _clinical_problems(code, record.clinical, frozenset(source_ids))
        cited |= {s for n in (record.billing.notes if record.billing else ()) for s in n.sources}
        requirements = record.billing.requirements if record.billing else ()
        cited |= {s for r in requirements for s in r.sources}
        for sid in source_ids:
            if sid not in cited:
                yield _warning(code, "sources", f"source {sid!r} is never cited")
    elif not (record.descriptors or record.pfs or record.file_facts or record.rbcs):
        yield _error(code, "clinical", "no clinical details and no official data")
    if record.clinical is not None and record.billing is not None and record.pfs is not None:
        yield from pfs_problems(record)


# PFS status codes under which Medicare does not pay the code as such, and the words a billing
# note must use (with "Medicare") to say so; docs/records.md states the rule.
_STATUS_WORDS: dict[PfsStatus, tuple[str, ...]] = {
    PfsStatus.NOT_COVERED: ("not cover", "non-covered", "noncovered"),
    PfsStatus.BUNDLED: ("bundled", "not paid separately", "no separate payment"),
    PfsStatus.BUNDLED_OR_EXCLUDED: (
        "bundled",
        "excluded",
        "not paid separately",
        "no separate payment",
    ),
    PfsStatus.NOT_VALID: ("not valid", "not payable", "not recognized", "does not recognize"),
    PfsStatus.NOT_VALID_GRACE: (
        "not valid",
        "not payable",
        "not recognized",
        "does not recognize",
    ),
    PfsStatus.EXCLUDED: ("excluded", "outside the physician fee schedule", "not cover"),
    PfsStatus.STATUTORY_EXCLUSION: ("excluded", "not cover", "non-covered", "statut"),
    PfsStatus.MEASUREMENT: ("no payment", "not paid", "measurement"),
    PfsStatus.RESTRICTED: ("restricted",),
    PfsStatus.DELETED: ("deleted",),
    PfsStatus.DELETED_NO_GRACE: ("deleted", "discontinued"),
    PfsStatus.DELETED_MODIFIER: ("deleted",),
}
_MODIFIER_50 = re.compile(r"\bmodifiers? 50\b|-50\b", re.IGNORECASE)
_MODIFIER_51 = re.compile(r"\bmodifiers? 51\b|-51\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(not|no|never|without|inappropriate)\b|n't\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")


def _tells_to_report(modifier: re.Pattern[str], text: str) -> bool:
    """Whether a sentence of ``text`` names the modifier without a negation: "report with
    modifier 50" does, "reported once without modifier 50" does not."""
    return any(
        modifier.search(sentence) and not _NEGATION.search(sentence)
        for sentence in _SENTENCE_END.split(text)
    )


def pfs_problems(record: Procedure) -> Iterator[Problem]:
    """Where a curated record's billing facts disagree with the code's own PFS row.

    The rules (docs/records.md, "Checked against the PFS"):

    1. ``billing.add_on`` is true exactly when the PFS global period is ``ZZZ``;
    2. ``billing.bilateral`` is stated and equals the PFS bilateral indicator;
    3. a sentence of the unit note or a billing note that names modifier 50 without a negation
       (not, no, never, without, inappropriate) needs a PFS bilateral indicator that allows
       the modifier: not 2 (already bilateral) nor 9 (not applicable);
    4. the same for modifier 51 and the multiple-procedure indicator: it needs 2 or 3 (a
       reduction applies); and a payable add-on's indicator is 0 (a warning: CMS's data);
    5. under a PFS status that makes Medicare not pay the code as such (B, D, E, F, G, H, I,
       M, N, P, R, X), a billing note names Medicare and says so in the status's words
       ("not covered", "bundled", "not valid", "excluded", ...).

    >>> from proccodes import get
    >>> list(pfs_problems(get("64635")))
    []
    """
    code, billing, pfs = record.code, record.billing, record.pfs
    if billing is None or pfs is None:
        return
    if pfs.global_days is not None:
        is_add_on = pfs.global_days is GlobalDays.ADD_ON
        if billing.add_on and not is_add_on:
            yield _error(
                code,
                "billing.add_on",
                f"is true but the PFS global period is {pfs.global_days.value}, not ZZZ "
                f"({pfs.release})",
            )
        elif is_add_on and not billing.add_on:
            yield _error(
                code,
                "billing.add_on",
                f"is false but the PFS global period is ZZZ, an add-on ({pfs.release})",
            )
    if pfs.bilateral is not None:
        if billing.bilateral is None:
            yield _error(
                code,
                "billing.bilateral",
                f"is not stated; the PFS bilateral indicator is {pfs.bilateral.value} "
                f"({pfs.release})",
            )
        elif billing.bilateral is not pfs.bilateral:
            yield _error(
                code,
                "billing.bilateral",
                f"is {billing.bilateral.value} but the PFS bilateral indicator is "
                f"{pfs.bilateral.value} ({pfs.release})",
            )
    texts = [("billing.unit_note", billing.unit_note)]
    texts += [(f"billing.notes[{i}]", n.text) for i, n in enumerate(billing.notes)]
    if pfs.bilateral in (Bilateral.ALREADY_BILATERAL, Bilateral.NOT_APPLICABLE):
        for field, text in texts:
            if _tells_to_report(_MODIFIER_50, text):
                yield _error(
                    code,
                    field,
                    f"mentions modifier 50 but the PFS bilateral indicator is "
                    f"{pfs.bilateral.value} ({pfs.release})",
                )
    reduced = (MultipleProcedure.STANDARD, MultipleProcedure.ENDOSCOPIC)
    if pfs.multiple_procedure is not None and pfs.multiple_procedure not in reduced:
        for field, text in texts:
            if _tells_to_report(_MODIFIER_51, text):
                yield _error(
                    code,
                    field,
                    f"mentions modifier 51 but the PFS multiple-procedure indicator is "
                    f"{pfs.multiple_procedure.value} ({pfs.release})",
                )
    if (
        billing.add_on
        and pfs.status is PfsStatus.ACTIVE
        and pfs.multiple_procedure is not None
        and pfs.multiple_procedure is not MultipleProcedure.NO_REDUCTION
    ):
        yield _warning(
            code,
            "billing.add_on",
            f"an add-on, but the PFS multiple-procedure indicator is "
            f"{pfs.multiple_procedure.value}, not 0 ({pfs.release})",
        )
    words = _STATUS_WORDS.get(pfs.status) if pfs.status is not None else None
    if words is not None and pfs.status is not None:
        said = any(
            "medicare" in text.lower() and any(w in text.lower() for w in words)
            for text in (n.text for n in billing.notes)
        )
        if not said:
            yield _error(
                code,
                "billing.notes",
                f"the PFS status is {pfs.status.value} ({pfs.release}); a billing note must "
                f"say that Medicare treats the code so (with words such as {words[0]!r})",
            )


def _billing_problems(record: Procedure) -> Iterator[Problem]:
    code, billing = record.code, record.billing
    if billing is None:
        if record.clinical is not None:
            yield _error(code, "billing", "a curated record needs its billing facts")
        return
    if billing.add_on and not billing.primary_codes:
        yield _error(code, "billing.primary_codes", "an add-on code must name its primary codes")
    if not billing.add_on and billing.primary_codes:
        yield _error(code, "billing.add_on", "names primary codes but is not marked as an add-on")
    lists = {
        "billing.primary_codes": billing.primary_codes,
        "billing.add_on_codes": billing.add_on_codes,
        "billing.companion_codes": tuple(c.code for c in billing.companion_codes),
    }
    for field, codes in lists.items():
        yield from _code_list_problems(code, field, codes)
    for i, note in enumerate(billing.notes):
        yield from _text_problems(code, f"billing.notes[{i}]", note.text)
    source_ids = {s.id for s in record.sources}
    for i, req in enumerate(billing.requirements):
        field = f"billing.requirements[{i}]"
        yield from _text_problems(code, field, req.text)
        if not req.sources:
            yield _error(code, f"{field}.sources", "a payer requirement needs its source")
        for sid in req.sources:
            if sid not in source_ids:
                yield _error(code, f"{field}.sources", f"cites unknown source {sid!r}")
        if (req.kind is RequirementKind.MODIFIER) != bool(req.modifier):
            yield _error(code, f"{field}.modifier", "only a modifier requirement names a modifier")
        if req.effective and req.ends and req.ends < req.effective:
            yield _error(code, f"{field}.ends", "ends before it takes effect")


def _code_list_problems(code: str, field: str, codes: Iterable[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, other in enumerate(codes):
        if classify_code(other) is None:
            yield _error(code, f"{field}[{i}]", f"{other!r} is not a valid canonical code")
        if other == code:
            yield _error(code, f"{field}[{i}]", "points to the record itself")
        if other in seen:
            yield _error(code, f"{field}[{i}]", f"{other} is listed twice")
        seen.add(other)


def _source_problems(code: str, sources: tuple[Source, ...]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, source in enumerate(sources):
        field = f"sources[{i}]"
        if not source.id.strip():
            yield _error(code, f"{field}.id", "is empty")
        elif source.id in seen:
            yield _error(code, f"{field}.id", f"{source.id!r} is used twice")
        seen.add(source.id)
        if not source.citation.strip():
            yield _error(code, f"{field}.citation", "is empty")
        if source.identifier is None:
            yield _error(code, field, "needs a doi, pmid, document or url")
        if source.doi is not None and not _DOI.fullmatch(source.doi):
            yield _error(code, f"{field}.doi", f"{source.doi!r} is not a DOI (10.xxxx/...)")
        if source.pmid is not None and not _PMID.fullmatch(source.pmid):
            yield _error(code, f"{field}.pmid", f"{source.pmid!r} is not a PubMed id")


def _statements(
    code: str, field: str, items: tuple[Statement, ...], source_ids: frozenset[str]
) -> Iterator[Problem]:
    if not items:
        yield _error(code, field, "is empty")
    seen: set[str] = set()
    for i, item in enumerate(items):
        yield from _text_problems(code, f"{field}[{i}]", item.text)
        key = " ".join(item.text.lower().split())
        if key in seen:
            yield _error(code, f"{field}[{i}]", "repeats an earlier item")
        seen.add(key)
        for sid in item.sources:
            if sid not in source_ids:
                yield _error(code, f"{field}[{i}].sources", f"cites unknown source {sid!r}")


def _clinical_problems(
    code: str, clinical: ClinicalDetails, source_ids: frozenset[str]
) -> Generator[Problem, None, set[str]]:
    """Problems of the clinical section; returns the ids of the sources it cites."""
    prefix = "clinical."
    for field in ("summary", "purpose"):
        yield from _text_problems(code, prefix + field, getattr(clinical, field))
    for field in ("common_names", "settings", "personnel"):
        values: tuple[str, ...] = getattr(clinical, field)
        if not values:
            yield _error(code, prefix + field, "is empty")
        seen: set[str] = set()
        for i, value in enumerate(values):
            yield from _text_problems(code, f"{prefix}{field}[{i}]", value)
            if value.lower() in seen:
                yield _error(code, f"{prefix}{field}[{i}]", "repeats an earlier item")
            seen.add(value.lower())
    for field in _LIST_SECTIONS:
        yield from _statements(code, prefix + field, getattr(clinical, field), source_ids)
    if clinical.evidence:
        yield from _statements(code, prefix + "evidence", clinical.evidence, source_ids)
    if not any(s.sources for s in clinical.evidence):
        yield _error(code, prefix + "evidence", "needs at least one sourced statement")
    duration = clinical.duration
    if duration.minutes_min <= 0:
        yield _error(code, prefix + "duration.minutes_min", "must be positive")
    if duration.minutes_min > duration.minutes_max:
        yield _error(code, prefix + "duration", "minutes_min is more than minutes_max")
    yield from _alternative_problems(code, clinical.alternatives, source_ids)
    cited = {sid for alt in clinical.alternatives for sid in alt.sources}
    for field in (*_LIST_SECTIONS, "evidence"):
        cited.update(sid for item in getattr(clinical, field) for sid in item.sources)
    return cited


def _alternative_problems(
    code: str, alternatives: tuple[Alternative, ...], source_ids: frozenset[str]
) -> Iterator[Problem]:
    field = "clinical.alternatives"
    if not alternatives:
        yield _error(code, field, "is empty")
    names: set[str] = set()
    for i, alt in enumerate(alternatives):
        at = f"{field}[{i}]"
        yield from _text_problems(code, f"{at}.name", alt.name)
        yield from _text_problems(code, f"{at}.description", alt.description)
        if alt.name.lower() in names:
            yield _error(code, f"{at}.name", "repeats an earlier alternative")
        names.add(alt.name.lower())
        yield from _code_list_problems(code, f"{at}.codes", alt.codes)
        if alt.no_dedicated_code and not alt.codes:
            yield _error(code, f"{at}.codes", "name the unlisted code that would report it")
        for sid in alt.sources:
            if sid not in source_ids:
                yield _error(code, f"{at}.sources", f"cites unknown source {sid!r}")


def _reference_problems(record: Procedure, catalog: Mapping[str, Procedure]) -> Iterator[Problem]:
    code = record.code
    billing = record.billing
    refs: list[tuple[str, str]] = []
    if billing is not None:
        refs += [(f"billing.primary_codes[{i}]", c) for i, c in enumerate(billing.primary_codes)]
        refs += [(f"billing.add_on_codes[{i}]", c) for i, c in enumerate(billing.add_on_codes)]
        refs += [
            (f"billing.companion_codes[{i}]", c.code) for i, c in enumerate(billing.companion_codes)
        ]
    if record.clinical is not None:
        for i, alt in enumerate(record.clinical.alternatives):
            refs += [(f"clinical.alternatives[{i}].codes[{j}]", c) for j, c in enumerate(alt.codes)]
    for field, other in refs:
        if other not in catalog:
            yield _error(code, field, f"{other} is not in the catalog")
    if billing is None:
        return
    for primary in billing.primary_codes:
        target = catalog.get(primary)
        if target is not None and (
            target.billing is None or code not in target.billing.add_on_codes
        ):
            yield _error(code, "billing.primary_codes", f"{primary} does not list {code} as add-on")
    for add_on in billing.add_on_codes:
        target = catalog.get(add_on)
        if target is not None and (
            target.billing is None
            or not target.billing.add_on
            or code not in target.billing.primary_codes
        ):
            yield _error(
                code, "billing.add_on_codes", f"{add_on} is not an add-on naming {code} as primary"
            )


def _title_problems(records: Iterable[Procedure]) -> Iterator[Problem]:
    by_title: dict[str, str] = {}
    for record in records:
        key = record.title.strip().lower()
        if key in by_title:
            yield _warning(
                record.code, "title", f"same title as {by_title[key]}; titles tell codes apart"
            )
        else:
            by_title[key] = record.code

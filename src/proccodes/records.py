"""The record model: frozen, slotted, keyword-only attrs classes.

A :class:`Procedure` is one code's record. Collections are tuples and sections are small frozen
classes of their own, so a record handed out by a catalog can never be changed by its caller.
This module does no I/O; :mod:`proccodes._convert` turns JSON into these types and back.

>>> from datetime import date
>>> p = Procedure(code="S9090", system=CodeSystem.HCPCS, kind=CodeKind.HCPCS_LEVEL_II,
...               title="Vertebral axial decompression", effective=date(2000, 1, 1))
>>> p.is_active_on(date(2019, 6, 1))
True
>>> p.title = "changed"  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
attrs.exceptions.FrozenInstanceError: can't set attribute
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import attrs

from .codes import CodeKind, CodeSystem

__all__ = [
    "Alternative",
    "Billing",
    "BodyRegion",
    "ClinicalDetails",
    "CodeRef",
    "Descriptor",
    "DescriptorUse",
    "Duration",
    "HcpcsFacts",
    "Modifier",
    "Problem",
    "Procedure",
    "Severity",
    "Source",
    "Statement",
    "UnitOfService",
    "YearSeen",
]


class UnitOfService(StrEnum):
    """What one billed unit of a code stands for."""

    PER_PROCEDURE = "per procedure"
    PER_SESSION = "per session"
    PER_LEVEL = "per level"
    PER_INTERSPACE = "per interspace"
    PER_SEGMENT = "per segment"
    PER_VERTEBRAL_BODY = "per vertebral body"
    PER_JOINT = "per joint"
    PER_STUDY = "per study"
    PER_EVALUATION = "per evaluation"
    PER_15_MINUTES = "per 15 minutes"
    PER_DOSE = "per dose"
    PER_ITEM = "per item"


class BodyRegion(StrEnum):
    """The part of the body a code is about, as billing distinguishes it."""

    CERVICAL = "cervical"
    THORACIC = "thoracic"
    CERVICAL_THORACIC = "cervical or thoracic"
    LUMBAR = "lumbar"
    LUMBOSACRAL = "lumbar or sacral"
    THORACOLUMBAR = "thoracic or lumbar"
    SACRAL = "sacral"
    SPINE = "spine"
    ANY = "any"
    NOT_APPLICABLE = "not applicable"


class DescriptorUse(StrEnum):
    """Which official text a descriptor is (HCPCS short and long; CPT's from a licensed file)."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"
    CONSUMER = "consumer"
    CLINICIAN = "clinician"


class Severity(StrEnum):
    """How serious a :class:`Problem` is: an error fails a check, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True)
class Descriptor:
    """An official descriptor text and where it came from (a CMS file, a licensed AMA file)."""

    use: DescriptorUse
    text: str
    source: str


@attrs.frozen(kw_only=True)
class Source:
    """A work a record relies on: a citation and at least one identifier to find it by."""

    id: str
    citation: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    document: str | None = None

    @property
    def identifier(self) -> str | None:
        """The strongest identifier: DOI, then PMID, then official document, then URL.

        >>> Source(id="x", citation="c", pmid="19707182").identifier
        'PMID:19707182'
        """
        if self.doi:
            return f"doi:{self.doi}"
        if self.pmid:
            return f"PMID:{self.pmid}"
        return self.document or self.url


@attrs.frozen(kw_only=True)
class Statement:
    """One statement of a record, with the ids of the sources that support it (if any).

    In JSON a statement without sources may be written as a plain string.
    """

    text: str
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class CodeRef:
    """A code that goes with this one, and why."""

    code: str
    note: str = ""


@attrs.frozen(kw_only=True)
class Duration:
    """How long the procedure usually takes, in minutes."""

    minutes_min: int
    minutes_max: int
    note: str = ""


@attrs.frozen(kw_only=True)
class Alternative:
    """Another way to reach the same goal, and the codes that report it.

    ``no_dedicated_code`` marks a procedure that has no code of its own; ``codes`` then names the
    unlisted-procedure code it would be reported under.
    """

    name: str
    description: str
    codes: tuple[str, ...] = ()
    no_dedicated_code: bool = False
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ClinicalDetails:
    """What the procedure is, for a patient, in plain words. Curated records only."""

    common_names: tuple[str, ...]
    summary: str
    purpose: str
    indications: tuple[Statement, ...]
    preparation: tuple[Statement, ...]
    steps: tuple[Statement, ...]
    duration: Duration
    settings: tuple[str, ...]
    personnel: tuple[str, ...]
    risks: tuple[Statement, ...]
    benefits: tuple[Statement, ...]
    recovery: tuple[Statement, ...]
    alternatives: tuple[Alternative, ...]
    patient_experience: tuple[Statement, ...]
    evidence: tuple[Statement, ...] = ()


@attrs.frozen(kw_only=True)
class Billing:
    """How the code is reported: unit, add-on status, companion codes, body region."""

    unit_of_service: UnitOfService
    body_region: BodyRegion
    unit_note: str = ""
    add_on: bool = False
    primary_codes: tuple[str, ...] = ()
    add_on_codes: tuple[str, ...] = ()
    companion_codes: tuple[CodeRef, ...] = ()
    notes: tuple[Statement, ...] = ()


@attrs.frozen(kw_only=True)
class HcpcsFacts:
    """What the CMS HCPCS Level II file states about a code, beyond its texts and dates."""

    year: int | None = None
    pricing_indicators: tuple[str, ...] = ()
    multiple_pricing_indicator: str | None = None
    coverage: str | None = None
    coverage_manual_refs: tuple[str, ...] = ()
    carrier_manual_refs: tuple[str, ...] = ()
    statute: str | None = None
    lab_certifications: tuple[str, ...] = ()
    cross_references: tuple[str, ...] = ()
    asc_group: str | None = None
    asc_group_effective: date | None = None
    processing_note: str | None = None
    betos: str | None = None
    type_of_service: tuple[str, ...] = ()
    anesthesia_base_units: int | None = None
    action_effective: date | None = None


@attrs.frozen(kw_only=True)
class YearSeen:
    """How one year's official file listed a code: its long descriptor and status that year."""

    year: int
    descriptor: str = ""
    action: str | None = None
    terminated: date | None = None


class _Listed:
    """What a procedure and a modifier share: days in effect, official texts, years listed.

    A plain slotted base: attrs makes the fields in each record class; these methods only read
    them.
    """

    __slots__ = ()
    effective: date | None
    terminated: date | None
    descriptors: tuple[Descriptor, ...]
    history: tuple[YearSeen, ...]

    @property
    def first_seen(self) -> int | None:
        """The first year of an official file that listed this code, if files were loaded."""
        return min((h.year for h in self.history), default=None)

    @property
    def last_seen(self) -> int | None:
        """The last year of an official file that listed this code, if files were loaded."""
        return max((h.year for h in self.history), default=None)

    def is_active_on(self, day: date) -> bool:
        """Whether the code was in effect on ``day`` (effective and termination inclusive).

        >>> from datetime import date
        >>> p = Procedure(code="Q9974", system=CodeSystem.HCPCS, kind=CodeKind.HCPCS_LEVEL_II,
        ...               title="t", terminated=date(2017, 12, 31))
        >>> p.is_active_on(date(2017, 12, 31)), p.is_active_on(date(2018, 1, 1))
        (True, False)
        """
        if self.effective is not None and day < self.effective:
            return False
        return self.terminated is None or day <= self.terminated

    def descriptor(self, use: DescriptorUse | str) -> str | None:
        """The official descriptor text of one use (``"short"``, ``"long"``...), if present.

        >>> m = Modifier(code="AA", title="t", descriptors=(Descriptor(use=DescriptorUse.SHORT,
        ...     text="Anesthesia perf by anesgst", source="CMS HCPCS 2019"),))
        >>> m.descriptor("short"), m.descriptor("long")
        ('Anesthesia perf by anesgst', None)
        """
        for d in self.descriptors:
            if d.use == use:
                return d.text
        return None


@attrs.frozen(kw_only=True)
class Procedure(_Listed):
    """One procedure code's record.

    ``clinical`` is present on curated records and ``None`` on records that come only from an
    official file; ``billing`` likewise. ``effective`` and ``terminated`` bound the days the code
    is in effect (both inclusive); ``None`` means not known to be bounded on that side.
    """

    code: str
    system: CodeSystem
    kind: CodeKind
    title: str
    descriptors: tuple[Descriptor, ...] = ()
    effective: date | None = None
    terminated: date | None = None
    action: str | None = None
    replaced_by: tuple[str, ...] = ()
    billing: Billing | None = None
    clinical: ClinicalDetails | None = None
    file_facts: HcpcsFacts | None = None
    history: tuple[YearSeen, ...] = ()
    sources: tuple[Source, ...] = ()
    reviewed: date | None = None

    def source(self, source_id: str) -> Source | None:
        """The source with this id, if the record has it."""
        for s in self.sources:
            if s.id == source_id:
                return s
        return None


@attrs.frozen(kw_only=True)
class Modifier(_Listed):
    """A HCPCS Level II (or CPT) modifier as an official file lists it, e.g. ``AA`` or ``RT``."""

    code: str
    title: str
    descriptors: tuple[Descriptor, ...] = ()
    effective: date | None = None
    terminated: date | None = None
    action: str | None = None
    file_facts: HcpcsFacts | None = None
    history: tuple[YearSeen, ...] = ()


@attrs.frozen(kw_only=True)
class Problem:
    """One finding of :func:`~proccodes.check_record` or :func:`~proccodes.check_catalog`.

    >>> str(Problem(code="62290", field="clinical.risks", message="is empty"))
    'error 62290 clinical.risks: is empty'
    """

    code: str
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.severity.value} {self.code} {self.field}: {self.message}"

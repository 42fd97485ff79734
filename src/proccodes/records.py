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
    "AssistantSurgery",
    "Bilateral",
    "Billing",
    "BodyRegion",
    "ClinicalDetails",
    "CoSurgeons",
    "CodeRef",
    "Descriptor",
    "DescriptorUse",
    "Duration",
    "GlobalDays",
    "HcpcsFacts",
    "Modifier",
    "MultipleProcedure",
    "PcTc",
    "PfsFacts",
    "PfsStatus",
    "Problem",
    "Procedure",
    "RbcsClass",
    "Severity",
    "Source",
    "Statement",
    "Supervision",
    "TeamSurgeons",
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
    PER_ML = "per 1 mL"
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


# -- Medicare Physician Fee Schedule indicators (values are CMS's codes in the PPRRVU file; the
# names say what they mean, from the release's PDF; proccodes.sources.pfs reads them) ----------


class PfsStatus(StrEnum):
    """The PFS status code: whether and how Medicare pays for the code under the fee schedule."""

    ACTIVE = "A"  # paid separately under the fee schedule, if covered
    BUNDLED = "B"  # payment always bundled into another service; never paid separately
    CARRIER_PRICED = "C"  # the Medicare contractor sets the payment
    DELETED = "D"  # deleted, with a 90-day grace period
    EXCLUDED = "E"  # excluded from the fee schedule by regulation
    DELETED_NO_GRACE = "F"  # deleted or discontinued, no grace period
    NOT_VALID_GRACE = "G"  # not valid for Medicare; another code is used, with a grace period
    DELETED_MODIFIER = "H"  # the modifier combination was deleted
    NOT_VALID = "I"  # not valid for Medicare; another code is used
    ANESTHESIA = "J"  # anesthesia service, paid under the anesthesia fee schedule
    MEASUREMENT = "M"  # a quality-measurement code, no payment
    NOT_COVERED = "N"  # not covered by Medicare
    BUNDLED_OR_EXCLUDED = "P"  # bundled or excluded: no separate payment under the fee schedule
    RESTRICTED = "R"  # restricted coverage; carrier priced when covered
    INJECTION = "T"  # paid only when no other service is billed on the same day
    STATUTORY_EXCLUSION = "X"  # excluded from the fee schedule by statute


class GlobalDays(StrEnum):
    """The PFS global surgery period of a code."""

    DAYS_0 = "000"  # same-day postoperative care is included
    DAYS_10 = "010"  # care for 10 days after is included
    DAYS_90 = "090"  # major surgery: the day before and 90 days after are included
    MATERNITY = "MMM"  # maternity care, global concept does not apply as usual
    NOT_APPLICABLE = "XXX"  # the global concept does not apply
    CARRIER = "YYY"  # the contractor sets the global period
    ADD_ON = "ZZZ"  # an add-on: within the global period of another service


class PcTc(StrEnum):
    """The PFS professional/technical component indicator (modifiers 26 and TC)."""

    PHYSICIAN_SERVICE = "0"  # no split: 26 and TC do not apply
    SPLIT = "1"  # diagnostic test with a professional (26) and a technical (TC) component
    PROFESSIONAL_ONLY = "2"  # a professional-component-only code
    TECHNICAL_ONLY = "3"  # a technical-component-only code
    GLOBAL_TEST_ONLY = "4"  # global test only; its components have codes of their own
    INCIDENT_TO = "5"  # incident-to service: 26 and TC do not apply
    LAB_PHYSICIAN = "6"  # laboratory physician interpretation
    PHYSICAL_THERAPY = "7"  # private-practice therapist's service
    PHYSICIAN_INTERPRETATION = "8"  # physician interpretation code
    NOT_APPLICABLE = "9"  # the concept does not apply


class MultipleProcedure(StrEnum):
    """The PFS multiple-procedure indicator (modifier 51 payment rules)."""

    NO_REDUCTION = "0"  # no multiple-procedure reduction
    STANDARD = "2"  # standard reduction: 100 % for the highest, 50 % for the others
    ENDOSCOPIC = "3"  # special rules for an endoscopic family
    DIAGNOSTIC_IMAGING = "4"  # reduction of the technical and professional parts of imaging
    THERAPY = "5"  # reduction of the practice expense of therapy services
    CARDIOVASCULAR = "6"  # reduction of diagnostic cardiovascular services
    OPHTHALMOLOGY = "7"  # reduction of diagnostic ophthalmology services
    NOT_APPLICABLE = "9"  # the concept does not apply


class Bilateral(StrEnum):
    """The PFS bilateral-surgery indicator (modifier 50, or RT and LT)."""

    NO_ADJUSTMENT = "0"  # 150 % adjustment does not apply (anatomy, or a unilateral code)
    ADJUSTMENT_150 = "1"  # both sides: one line with 50 (or RT+LT, or 2 units), paid at 150 %
    ALREADY_BILATERAL = "2"  # the code's values already cover both sides
    EACH_SIDE_100 = "3"  # each side paid at 100 % (mostly radiology)
    NOT_APPLICABLE = "9"  # the concept does not apply


class AssistantSurgery(StrEnum):
    """The PFS assistant-at-surgery indicator (modifiers 80, 81, 82, AS)."""

    WITH_DOCUMENTATION = "0"  # paid only with documentation of medical necessity
    NEVER_PAID = "1"  # assistant at surgery may not be paid
    PAID = "2"  # assistant at surgery may be paid
    NOT_APPLICABLE = "9"  # the concept does not apply


class CoSurgeons(StrEnum):
    """The PFS co-surgeons indicator (modifier 62)."""

    NOT_PERMITTED = "0"
    WITH_DOCUMENTATION = "1"
    PERMITTED = "2"
    NOT_APPLICABLE = "9"


class TeamSurgeons(StrEnum):
    """The PFS team-surgeons indicator (modifier 66)."""

    NOT_PERMITTED = "0"
    WITH_DOCUMENTATION = "1"
    PERMITTED = "2"
    NOT_APPLICABLE = "9"


class Supervision(StrEnum):
    """The PFS physician-supervision level of a diagnostic procedure."""

    GENERAL = "01"
    DIRECT = "02"
    PERSONAL = "03"
    PSYCHOLOGIST_OR_GENERAL = "04"  # by a qualified psychologist or under general supervision
    AUDIOLOGIST_OR_GENERAL = "05"  # by a qualified audiologist or under general supervision
    TECHNICIAN_CERTIFIED_OR_GENERAL = "06"  # certified technician, else general supervision
    NOT_APPLICABLE = "09"  # the concept does not apply
    PERSONAL_IN_HOSPITAL_21 = "21"  # see the release's PDF
    PERSONAL_IN_HOSPITAL_22 = "22"  # see the release's PDF
    TECHNICIAN_CERTIFIED_OR_DIRECT = "66"
    TECHNICIAN_CERTIFIED_OR_DIRECT_6A = "6A"
    TECHNICIAN_CERTIFIED_OR_DIRECT_77 = "77"
    TECHNICIAN_CERTIFIED_OR_DIRECT_7A = "7A"


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
    """How the code is reported: unit, add-on status, companion codes, body region.

    ``bilateral`` states how work on both sides is reported, in the terms of the PFS bilateral
    indicator; where the PFS lists the code, :func:`~proccodes.check_catalog` compares the two.
    """

    unit_of_service: UnitOfService
    body_region: BodyRegion
    unit_note: str = ""
    add_on: bool = False
    primary_codes: tuple[str, ...] = ()
    add_on_codes: tuple[str, ...] = ()
    companion_codes: tuple[CodeRef, ...] = ()
    notes: tuple[Statement, ...] = ()
    bilateral: Bilateral | None = None


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
class PfsFacts:
    """What one row of the Medicare PFS relative value file states about a code.

    ``modifier`` is empty for the code's own row and ``26``, ``TC`` or ``53`` for a row the file
    gives per modifier. RVUs are as the file prints them (``None`` where it leaves them blank);
    ``release`` names the file, e.g. ``CMS PFS RVU25D (October 2025)``.
    """

    release: str
    modifier: str = ""
    status: PfsStatus | None = None
    global_days: GlobalDays | None = None
    pc_tc: PcTc | None = None
    multiple_procedure: MultipleProcedure | None = None
    bilateral: Bilateral | None = None
    assistant: AssistantSurgery | None = None
    co_surgeons: CoSurgeons | None = None
    team_surgeons: TeamSurgeons | None = None
    supervision: Supervision | None = None
    endoscopic_base: str | None = None
    preoperative_share: float | None = None
    intraoperative_share: float | None = None
    postoperative_share: float | None = None
    work_rvu: float | None = None
    non_facility_pe_rvu: float | None = None
    facility_pe_rvu: float | None = None
    malpractice_rvu: float | None = None
    non_facility_total: float | None = None
    facility_total: float | None = None
    conversion_factor: float | None = None
    not_used_for_medicare_payment: bool = False
    extra: tuple[str, ...] = ()  # columns this loader does not know, each "HEADER=value"


@attrs.frozen(kw_only=True)
class RbcsClass:
    """CMS's Restructured BETOS classification of a code (public domain CMS data).

    >>> RbcsClass(id="PM007O", category="Procedure", subcategory="Musculoskeletal",
    ...           family="Nerve Block Injection - Back", major=False).family
    'Nerve Block Injection - Back'
    """

    id: str
    category: str
    subcategory: str
    family: str
    major: bool | None = None


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

        ``day`` is a :class:`~datetime.date` or a :class:`~datetime.datetime` (its date counts);
        anything else is a :class:`TypeError`.
        """
        if type(day) is not date:
            from ._args import as_day

            day = as_day(day, "day")
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
        from ._args import check_choice

        check_choice("use", use, tuple(DescriptorUse))  # an absent use, or no use at all?
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
    pfs: PfsFacts | None = None
    pfs_by_modifier: tuple[PfsFacts, ...] = ()
    rbcs: RbcsClass | None = None
    history: tuple[YearSeen, ...] = ()
    sources: tuple[Source, ...] = ()
    reviewed: date | None = None

    @property
    def curated(self) -> bool:
        """Whether this is a curated record (our reviewed text), not only official data."""
        return self.clinical is not None

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

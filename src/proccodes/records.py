"""The record model: frozen, slotted, keyword-only attrs classes.

The classes are declared with `proccodes._frozen.frozen`, which makes the class
``attrs.frozen`` would make without importing attrs (a cold ``get`` does not need it); attrs
builds their ``attrs.fields()`` on first use, so every attrs and cattrs function takes them.

A [`Procedure`][proccodes.records.Procedure] is one code's record. Collections are tuples and
sections are small frozen
classes of their own, so a record handed out by a catalog can never be changed by its caller.
This module does no I/O; `proccodes._convert` turns JSON into these types and back.

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
from typing import TYPE_CHECKING

from ._args import as_day, renamed_keyword
from ._frozen import record_eq, record_hash, record_repr
from ._schema import field_meta
from .codes import CodeKind, CodeSystem

if TYPE_CHECKING:  # type checkers see the attrs classes these are (tests/test_frozen.py)
    from attrs import field, frozen

    from .ranges import CodeRange
else:
    from ._frozen import field, frozen

__all__ = [
    "Alternative",
    "AssistantSurgery",
    "Bilateral",
    "Billing",
    "BodyRegion",
    "ClinicalDetails",
    "CoSurgeons",
    "CodeRef",
    "DataRelease",
    "Descriptor",
    "DescriptorUse",
    "Duration",
    "GlobalDays",
    "HcpcsFacts",
    "Modifier",
    "MultipleProcedure",
    "PayerRequirement",
    "PcTc",
    "PfsFacts",
    "PfsStatus",
    "Problem",
    "Procedure",
    "RbcsClass",
    "RequirementKind",
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
    PER_10_MG = "per 10 mg"
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
    """How serious a [`Problem`][proccodes.records.Problem] is: an error fails a check, a warning
    does not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # for a person to know (e.g. where Medicare pays a code from); never a defect


class RequirementKind(StrEnum):
    """What a payer requires before it pays a code: see
    [`PayerRequirement`][proccodes.records.PayerRequirement]."""

    PRIOR_AUTHORIZATION = "prior authorization"
    MODIFIER = "modifier"
    FREQUENCY_LIMIT = "frequency limit"
    DOCUMENTATION = "documentation"


# -- Medicare Physician Fee Schedule indicators (values are CMS's codes in the PPRRVU file; the
# names say what they mean, from the release's PDF; proccodes.sources.pfs reads them) ----------


class PfsStatus(StrEnum):
    """The PFS status code: whether the code is in the fee schedule and how Medicare pays it.

    Only the RVUs of codes with status A, R or T are used for Medicare payment (release PDF,
    Attachment A).
    """

    ACTIVE = "A"  # paid separately under the fee schedule, if covered; has RVUs
    BUNDLED = "B"  # always bundled into payment for other services; RVUs shown are not used
    CARRIER_PRICED = "C"  # the contractor (A/B MAC) sets RVUs and payment, case by case
    DELETED = "D"  # deleted at the start of the year (no longer used: no grace period since 2006)
    EXCLUDED = "E"  # excluded from the fee schedule by regulation; no RVUs
    DELETED_NO_GRACE = "F"  # deleted or discontinued, no 90-day grace period (no longer used)
    NOT_VALID_GRACE = "G"  # not valid for Medicare, another code is used; 90-day grace period
    DELETED_MODIFIER = "H"  # the code's 26 or TC component was deleted (no longer used)
    NOT_VALID = "I"  # not valid for Medicare: another code reports the service; no grace period
    ANESTHESIA = "J"  # anesthesia service: no RVUs here (the anesthesia fee schedule pays it)
    MEASUREMENT = "M"  # a measurement code, for reporting only; no payment
    NOT_COVERED = "N"  # not covered by Medicare (RVUs may be shown, not used for payment)
    BUNDLED_OR_EXCLUDED = "P"  # no RVUs, no separate payment: bundled if incident to a service,
    # else excluded and paid under another provision (e.g. supplies)
    RESTRICTED = "R"  # restricted coverage: special instructions; if covered, contractor priced
    INJECTION = "T"  # injection: paid only if no other PFS service is billed that day by the
    # same provider, else bundled into it
    STATUTORY_EXCLUSION = "X"  # not a "physician service" by statute (ambulance, clinical lab)


class GlobalDays(StrEnum):
    """The PFS global surgery period of a code: the days of care its payment includes."""

    DAYS_0 = "000"  # endoscopic or minor procedure: pre- and postoperative care that day only
    DAYS_10 = "010"  # minor procedure: that day and a 10-day postoperative period
    DAYS_90 = "090"  # major surgery: a 1-day preoperative and a 90-day postoperative period
    MATERNITY = "MMM"  # maternity care: the usual global period does not apply
    NOT_APPLICABLE = "XXX"  # the global concept does not apply
    CARRIER = "YYY"  # the contractor decides whether it applies and sets the period
    ADD_ON = "ZZZ"  # related to another service: always within that service's global period


class PcTc(StrEnum):
    """The PFS professional/technical component indicator (modifiers 26 and TC)."""

    PHYSICIAN_SERVICE = "0"  # a physician service: no split, 26 and TC cannot be used
    SPLIT = "1"  # a diagnostic test with a professional (26) and a technical (TC) component
    PROFESSIONAL_ONLY = "2"  # stand-alone professional component; 26 and TC cannot be used
    TECHNICAL_ONLY = "3"  # stand-alone technical component; 26 and TC cannot be used
    GLOBAL_TEST_ONLY = "4"  # global test only: its components have codes of their own
    INCIDENT_TO = "5"  # incident-to service by auxiliary personnel; 26 and TC cannot be used
    LAB_PHYSICIAN = "6"  # laboratory physician interpretation; TC cannot be used
    PHYSICAL_THERAPY = "7"  # therapy not paid to an independent therapist for hospital patients
    PHYSICIAN_INTERPRETATION = "8"  # interpretation of an abnormal smear for an inpatient (85060)
    NOT_APPLICABLE = "9"  # the concept does not apply


class MultipleProcedure(StrEnum):
    """The PFS multiple-procedure indicator (modifier 51 payment rules)."""

    NO_REDUCTION = "0"  # no multiple-procedure rules: each paid at its fee schedule amount
    STANDARD_BEFORE_1995 = "1"  # the pre-1995 rules: 100, 50, 25, 25, 25 %, then by report
    STANDARD = "2"  # standard rules: 100 % for the highest, 50 % for each other, then by report
    ENDOSCOPIC = "3"  # special rules within an endoscopic family (see endoscopic_base)
    DIAGNOSTIC_IMAGING = "4"  # imaging in one family, same session: TC 50 %, PC 5 % reductions
    THERAPY = "5"  # 50 % reduction of the practice expense of certain therapy services
    CARDIOVASCULAR = "6"  # 25 % reduction of the TC of the second and later cardiovascular tests
    OPHTHALMOLOGY = "7"  # 20 % reduction of the TC of the second and later ophthalmology tests
    NOT_APPLICABLE = "9"  # the concept does not apply


class Bilateral(StrEnum):
    """The PFS bilateral-surgery indicator (modifier 50, or RT and LT)."""

    NO_ADJUSTMENT = "0"  # 150 % adjustment does not apply (anatomy, or a unilateral code with a
    # bilateral code of its own): both sides together are paid at most 100 %
    ADJUSTMENT_150 = "1"  # both sides (modifier 50, or RT and LT, or 2 units): paid at 150 %
    ALREADY_BILATERAL = "2"  # the RVUs already cover both sides: both sides paid at 100 %
    EACH_SIDE_100 = "3"  # each side paid at 100 % (mostly radiology and other diagnostic tests)
    NOT_APPLICABLE = "9"  # the concept does not apply


class AssistantSurgery(StrEnum):
    """The PFS assistant-at-surgery indicator (modifiers 80, 81, 82, AS)."""

    WITH_DOCUMENTATION = "0"  # paid only with documentation of medical necessity
    NEVER_PAID = "1"  # statutory restriction: an assistant at surgery may not be paid
    PAID = "2"  # no restriction: an assistant at surgery may be paid
    NOT_APPLICABLE = "9"  # the concept does not apply


class CoSurgeons(StrEnum):
    """The PFS co-surgeons indicator (modifier 62: two surgeons of different specialties)."""

    NOT_PERMITTED = "0"  # co-surgeons not permitted
    WITH_DOCUMENTATION = "1"  # may be paid with documentation that two surgeons were needed
    PERMITTED = "2"  # permitted, no documentation if the two-specialty requirement is met
    NOT_APPLICABLE = "9"  # the concept does not apply


class TeamSurgeons(StrEnum):
    """The PFS team-surgeons indicator (modifier 66)."""

    NOT_PERMITTED = "0"  # team surgeons not permitted
    WITH_DOCUMENTATION = "1"  # may be paid with documentation that a team was needed; by report
    PERMITTED = "2"  # permitted; paid by report
    NOT_APPLICABLE = "9"  # the concept does not apply


class Supervision(StrEnum):
    """The physician supervision a diagnostic procedure needs (PFS, for post-payment review).

    PT is a physical therapist; ABPTS the American Board of Physical Therapy Specialties.
    """

    GENERAL = "01"  # under the general supervision of a physician
    DIRECT = "02"  # under the direct supervision of a physician
    PERSONAL = "03"  # under the personal supervision of a physician (imaging by a registered
    # radiologist assistant or radiology practitioner assistant: direct supervision)
    PSYCHOLOGIST_OR_GENERAL = "04"  # no supervision when done by a qualified or clinical
    # psychologist; otherwise general supervision
    AUDIOLOGIST_OR_GENERAL = "05"  # no supervision when done by a qualified audiologist;
    # otherwise general supervision
    PHYSICIAN_OR_ELECTROPHYSIOLOGY_PT = "06"  # by a physician or an ABPTS-certified PT who is a
    # qualified electrophysiological clinical specialist
    NOT_APPLICABLE = "09"  # the concept does not apply
    CERTIFIED_TECHNICIAN_GENERAL_ELSE_DIRECT = "21"  # a certified technician under general
    # supervision; otherwise direct supervision
    TECHNICIAN_REAL_TIME_CONTACT = "22"  # a technician with on-line real-time contact with a
    # physician
    PHYSICIAN_OR_CERTIFIED_PT = "66"  # by a physician or a PT with ABPTS certification and
    # certification in this procedure
    PHYSICIAN_OR_CERTIFIED_PT_SUPERVISING = "6A"  # as 66; the certified PT may also supervise
    # another PT, but only the certified PT bills
    CERTIFIED_PT_OR_SUPERVISED = "77"  # a PT with ABPTS certification, a PT without it under a
    # physician's direct supervision, or a certified technician under general supervision
    CERTIFIED_PT_OR_SUPERVISED_SUPERVISING = "7A"  # as 77; the certified PT may also supervise
    # another PT, but only the certified PT bills


class _Record:
    """What every record class shares: ``repr``, ``==`` and ``hash`` over the fields, as attrs
    writes them (``Name(field=value, ...)``; equal when of one class with equal fields).

    One shared implementation (`proccodes._frozen`) costs nothing at import and compares as
    fast as per-class methods (``operator.attrgetter`` reads the fields in C).
    """

    __slots__ = ()
    __repr__ = record_repr
    __eq__ = record_eq
    __hash__ = record_hash


@frozen(kw_only=True, repr=False, eq=False)
class Descriptor(_Record):
    """An official descriptor text and where it came from (a CMS file, a licensed AMA file)."""

    use: DescriptorUse
    text: str
    source: str


@frozen(kw_only=True, repr=False, eq=False)
class Source(_Record):
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


@frozen(kw_only=True, repr=False, eq=False)
class Statement(_Record):
    """One statement of a record, with the ids of the sources that support it (if any).

    In JSON a statement without sources may be written as a plain string.
    """

    text: str
    sources: tuple[str, ...] = ()


@frozen(kw_only=True, repr=False, eq=False)
class CodeRef(_Record):
    """A code that goes with this one, and why."""

    code: str
    note: str = ""


@frozen(kw_only=True, repr=False, eq=False)
class Duration(_Record):
    """How long the procedure usually takes, in minutes."""

    minutes_min: int
    minutes_max: int
    note: str = ""


@frozen(kw_only=True, repr=False, eq=False)
class Alternative(_Record):
    """Another way to reach the same goal, and the codes that report it.

    ``no_dedicated_code`` marks a procedure that has no code of its own; ``codes`` then names the
    unlisted-procedure code it would be reported under.
    """

    name: str
    description: str
    codes: tuple[str, ...] = ()
    no_dedicated_code: bool = False
    sources: tuple[str, ...] = ()


@frozen(kw_only=True, repr=False, eq=False)
class ClinicalDetails(_Record):
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


@frozen(kw_only=True, repr=False, eq=False)
class PayerRequirement(_Record):
    """A payer's condition for paying a code, typed, dated and sourced.

    ``kind`` says what sort of condition it is; ``modifier`` names the modifier a
    `RequirementKind.MODIFIER` requirement asks for (``"KX"``); ``payer`` whose rule it
    is (``"Medicare"``), ``setting`` where it applies (``"hospital outpatient department"``),
    ``effective`` and ``ends`` the dates it is in force (``None``: not stated, or open), and
    ``sources`` the ids of the record's sources that state it (the NCD, LCD, billing article
    or CMS page).

    >>> r = PayerRequirement(kind=RequirementKind.MODIFIER, text="KX on diagnostic blocks",
    ...                      modifier="KX", payer="Medicare", sources=("a1",))
    >>> r.in_force_on(date(2026, 1, 1)), r.modifier
    (True, 'KX')
    """

    kind: RequirementKind
    text: str
    payer: str = "Medicare"
    modifier: str = ""
    setting: str = ""
    effective: date | None = None
    ends: date | None = None
    sources: tuple[str, ...] = ()

    @renamed_keyword("day", "on")
    def in_force_on(self, on: date) -> bool:
        """Whether the requirement applies on the day ``on`` (open dates count as in force).

        >>> PayerRequirement(kind=RequirementKind.PRIOR_AUTHORIZATION, text="PA",
        ...                  effective=date(2023, 7, 1)).in_force_on(date(2023, 6, 30))
        False
        """
        if self.effective is not None and on < self.effective:
            return False
        return self.ends is None or on <= self.ends


@frozen(kw_only=True, repr=False, eq=False)
class Billing(_Record):
    """How the code is reported: unit, add-on status, companion codes, body region.

    ``bilateral`` states how work on both sides is reported, in the terms of the PFS bilateral
    indicator; where the PFS lists the code, [`check_catalog`][proccodes.check_catalog] compares the
    two.
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
    requirements: tuple[PayerRequirement, ...] = ()


@frozen(kw_only=True, repr=False, eq=False)
class HcpcsFacts(_Record):
    """What the CMS HCPCS Level II file states about a code, beyond its texts and dates.

    The fields with a label are the ones ``proccodes show`` and the site print, in field order
    (`proccodes._describe.HCPCS_FACT_FIELDS`).
    """

    year: int | None = field(default=None, metadata=field_meta(label="Year", codec="int"))
    pricing_indicators: tuple[str, ...] = field(
        default=(), metadata=field_meta(label="Pricing indicators", codec="texts")
    )
    multiple_pricing_indicator: str | None = field(
        default=None, metadata=field_meta(label="Multiple pricing indicator", codec="text")
    )
    coverage: str | None = field(default=None, metadata=field_meta(label="Coverage", codec="text"))
    coverage_manual_refs: tuple[str, ...] = field(default=(), metadata=field_meta(codec="texts"))
    carrier_manual_refs: tuple[str, ...] = field(default=(), metadata=field_meta(codec="texts"))
    statute: str | None = field(default=None, metadata=field_meta(label="Statute", codec="text"))
    lab_certifications: tuple[str, ...] = field(default=(), metadata=field_meta(codec="texts"))
    cross_references: tuple[str, ...] = field(
        default=(), metadata=field_meta(label="Cross references", codec="texts")
    )
    asc_group: str | None = field(
        default=None, metadata=field_meta(label="ASC group", codec="text")
    )
    asc_group_effective: date | None = field(default=None, metadata=field_meta(codec="day"))
    processing_note: str | None = field(
        default=None, metadata=field_meta(label="Processing note", codec="text")
    )
    betos: str | None = field(default=None, metadata=field_meta(label="BETOS", codec="text"))
    type_of_service: tuple[str, ...] = field(
        default=(), metadata=field_meta(label="Type of service", codec="texts")
    )
    anesthesia_base_units: int | None = field(
        default=None, metadata=field_meta(label="Anesthesia base units", codec="int")
    )
    action_effective: date | None = field(
        default=None, metadata=field_meta(label="Action effective", codec="day")
    )


@frozen(kw_only=True, repr=False, eq=False)
class PfsFacts(_Record):
    """What one row of the Medicare PFS relative value file states about a code.

    ``modifier`` is empty for the code's own row and ``26``, ``TC`` or ``53`` for a row the file
    gives per modifier. RVUs are as the file prints them (``None`` where it leaves them blank, or
    where a value was not valid: the loader warned of it); ``release`` names the file, e.g.
    ``CMS PFS RVU25D (October 2025)``. The shares of the global package are fractions (0.10 is
    10 %). docs/data.md explains every field; [`proccodes.sources.pfs`][proccodes.sources.pfs] maps
    them to the
    file's columns.
    """

    release: str
    modifier: str = field(
        default="",
        metadata=field_meta(codec="plain", pfs=("MOD", "MODIFIER"), txt=(6, 7), cell="key"),
    )
    status: PfsStatus | None = field(
        default=None,
        metadata=field_meta(
            label="Status", codec=PfsStatus, pfs=("STATUS CODE", "STATUS"), txt=(58, 58)
        ),
    )
    global_days: GlobalDays | None = field(
        default=None,
        metadata=field_meta(
            label="Global period",
            codec=GlobalDays,
            pfs=("GLOB DAYS", "GLOBAL DAYS", "GLOBAL SURGERY"),
            txt=(104, 106),
        ),
    )
    pc_tc: PcTc | None = field(
        default=None,
        metadata=field_meta(
            label="Components",
            codec=PcTc,
            pfs=("PCTC IND", "PCTC INDICATOR", "PC/TC INDICATOR"),
            txt=(103, 103),
        ),
    )
    multiple_procedure: MultipleProcedure | None = field(
        default=None,
        metadata=field_meta(
            label="Multiple procedures",
            codec=MultipleProcedure,
            pfs=("MULT PROC", "MULTIPLE PROCEDURE"),
            txt=(116, 116),
        ),
    )
    bilateral: Bilateral | None = field(
        default=None,
        metadata=field_meta(
            label="Bilateral",
            codec=Bilateral,
            pfs=("BILAT SURG", "BILATERAL SURGERY"),
            txt=(117, 117),
        ),
    )
    assistant: AssistantSurgery | None = field(
        default=None,
        metadata=field_meta(
            label="Assistant at surgery",
            codec=AssistantSurgery,
            pfs=("ASST SURG", "ASSISTANT AT SURGERY"),
            txt=(118, 118),
        ),
    )
    co_surgeons: CoSurgeons | None = field(
        default=None,
        metadata=field_meta(
            label="Co-surgeons", codec=CoSurgeons, pfs=("CO- SURG", "CO-SURGEONS"), txt=(119, 119)
        ),
    )
    team_surgeons: TeamSurgeons | None = field(
        default=None,
        metadata=field_meta(
            label="Team surgeons",
            codec=TeamSurgeons,
            pfs=("TEAM SURG", "TEAM SURGERY"),
            txt=(120, 120),
        ),
    )
    supervision: Supervision | None = field(
        default=None,
        metadata=field_meta(
            label="Physician supervision",
            codec=Supervision,
            pfs=(
                "PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES",
                "PHYSICIAN SUPERVISION",
                "SUPERVISION",
            ),
            txt=(142, 143),
        ),
    )
    endoscopic_base: str | None = field(
        default=None,
        metadata=field_meta(
            codec="text", pfs=("ENDO BASE", "ENDOSCOPIC BASE CODE"), txt=(128, 132), cell="code"
        ),
    )
    preoperative_share: float | None = field(
        default=None,
        metadata=field_meta(
            codec="float", pfs=("PRE OP", "PREOPERATIVE PERCENTAGE"), txt=(107, 109)
        ),
    )
    intraoperative_share: float | None = field(
        default=None,
        metadata=field_meta(
            codec="float", pfs=("INTRA OP", "INTRAOPERATIVE PERCENTAGE"), txt=(110, 112)
        ),
    )
    postoperative_share: float | None = field(
        default=None,
        metadata=field_meta(
            codec="float", pfs=("POST OP", "POSTOPERATIVE PERCENTAGE"), txt=(113, 115)
        ),
    )
    work_rvu: float | None = field(
        default=None,
        metadata=field_meta(label="Work RVU", codec="float", pfs=("WORK RVU",), txt=(60, 65)),
    )
    non_facility_pe_rvu: float | None = field(
        default=None,
        metadata=field_meta(
            label="Practice expense RVU, non-facility",
            codec="float",
            pfs=("NON-FAC PE RVU", "NON-FACILITY PE RVU", "NON-FACILITY PRACTICE EXPENSE RVU"),
            txt=(67, 72),
        ),
    )
    facility_pe_rvu: float | None = field(
        default=None,
        metadata=field_meta(
            label="Practice expense RVU, facility",
            codec="float",
            pfs=("FACILITY PE RVU", "FACILITY PRACTICE EXPENSE RVU"),
            txt=(76, 81),
        ),
    )
    malpractice_rvu: float | None = field(
        default=None,
        metadata=field_meta(
            label="Malpractice RVU", codec="float", pfs=("MP RVU", "MALPRACTICE RVU"), txt=(85, 89)
        ),
    )
    non_facility_total: float | None = field(
        default=None,
        metadata=field_meta(
            label="Total RVU, non-facility",
            codec="float",
            pfs=("NON-FACILITY TOTAL", "TOTAL NON-FACILITY RVUS"),
            txt=(91, 96),
        ),
    )
    facility_total: float | None = field(
        default=None,
        metadata=field_meta(
            label="Total RVU, facility",
            codec="float",
            pfs=("FACILITY TOTAL", "TOTAL FACILITY RVUS"),
            txt=(97, 102),
        ),
    )
    conversion_factor: float | None = field(
        default=None,
        metadata=field_meta(
            label="Conversion factor",
            codec="float",
            pfs=("CONV FACTOR", "CONVERSION FACTOR"),
            txt=(133, 140),
        ),
    )
    not_used_for_medicare_payment: bool = field(
        default=False,
        metadata=field_meta(
            codec="flag", pfs=("NOT USED FOR MEDICARE PAYMENT",), txt=(59, 59), cell="flag"
        ),
    )
    # "NA": rarely or never done outside a facility
    non_facility_na: bool = field(
        default=False,
        metadata=field_meta(
            codec="flag",
            pfs=("NON-FAC NA INDICATOR", "NON-FACILITY NA INDICATOR"),
            txt=(73, 74),
            cell="na",
        ),
    )
    # "NA": rarely or never done in a facility
    facility_na: bool = field(
        default=False,
        metadata=field_meta(codec="flag", pfs=("FACILITY NA INDICATOR",), txt=(82, 83), cell="na"),
    )
    # "88": the multiple imaging reductions apply; "99": not
    imaging_family: str | None = field(
        default=None,
        metadata=field_meta(
            codec="text",
            pfs=("DIAGNOSTIC IMAGING FAMILY INDICATOR", "DIAGNOSTIC IMAGING FAMILY"),
            txt=(146, 147),
            cell="family",
        ),
    )
    # the PE RVU of the OPPS imaging cap
    opps_non_facility_pe_rvu: float | None = field(
        default=None,
        metadata=field_meta(
            codec="float", pfs=("NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT",), txt=(152, 157)
        ),
    )
    opps_facility_pe_rvu: float | None = field(
        default=None,
        metadata=field_meta(
            codec="float", pfs=("FACILITY PE USED FOR OPPS PAYMENT AMOUNT",), txt=(159, 164)
        ),
    )
    opps_malpractice_rvu: float | None = field(
        default=None,
        metadata=field_meta(
            codec="float", pfs=("MP USED FOR OPPS PAYMENT AMOUNT",), txt=(165, 171)
        ),
    )
    # columns this loader does not know, each "HEADER=value"
    extra: tuple[str, ...] = field(default=(), metadata=field_meta(codec="texts"))


@frozen(kw_only=True, repr=False, eq=False)
class RbcsClass(_Record):
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


@frozen(kw_only=True, repr=False, eq=False)
class DataRelease(_Record):
    """One data source a catalog was built from: its name, release and as-of date.

    >>> DataRelease(name="CMS HCPCS Level II", release="January 2026", as_of=date(2026, 1, 12))
    DataRelease(name='CMS HCPCS Level II', release='January 2026', as_of=datetime.date(2026, 1, 12), file='')
    """  # noqa: E501

    name: str
    release: str
    as_of: date | None = None
    file: str = ""

    def __str__(self) -> str:
        when = f", as of {self.as_of.isoformat()}" if self.as_of is not None else ""
        return " ".join(filter(None, (self.name, self.release))) + when


@frozen(kw_only=True, repr=False, eq=False)
class YearSeen(_Record):
    """How one year's official file listed a code: its long descriptor and status that year.

    ``quarter`` is the quarter of the year's file (1: the January file, 2: April, 3: July,
    4: October); a code listed by several quarterly files of one year has one entry each.

    >>> YearSeen(year=2026, quarter=2).starts
    datetime.date(2026, 4, 1)
    """

    year: int
    descriptor: str = ""
    action: str | None = None
    terminated: date | None = None
    quarter: int = 1

    @property
    def starts(self) -> date:
        """The first day of the file's quarter: when its text took effect."""
        return date(self.year, 3 * self.quarter - 2, 1)


class _Listed(_Record):
    """What a procedure and a modifier share: days in effect, official texts, years listed.

    A plain slotted base: `proccodes._frozen.frozen` makes the fields in each record class;
    these methods only read them.
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

    @renamed_keyword("day", "on")
    def is_active_on(self, on: date) -> bool:
        """Whether the code was in effect on the day ``on`` (effective and termination inclusive).

        >>> from datetime import date
        >>> p = Procedure(code="Q9974", system=CodeSystem.HCPCS, kind=CodeKind.HCPCS_LEVEL_II,
        ...               title="t", terminated=date(2017, 12, 31))
        >>> p.is_active_on(date(2017, 12, 31)), p.is_active_on(date(2018, 1, 1))
        (True, False)

        ``on`` is a `date` or a `datetime` (its date counts);
        anything else is a `TypeError`.
        """
        day = on if type(on) is date else as_day(on, "on")
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


@frozen(kw_only=True, repr=False, eq=False)
class Procedure(_Listed):
    """One procedure code's record.

    ``clinical`` is present on curated records and ``None`` on records that come only from an
    official file; ``billing`` likewise. ``effective`` and ``terminated`` bound the days the code
    is in effect (both inclusive); ``None`` means not known to be bounded on that side.
    """

    code: str = field(metadata=field_meta(official=True))
    system: CodeSystem = field(metadata=field_meta(official=True))
    kind: CodeKind = field(metadata=field_meta(official=True))
    title: str = field(metadata=field_meta(official=True))
    descriptors: tuple[Descriptor, ...] = field(
        default=(), metadata=field_meta(official=True, file=True)
    )
    effective: date | None = field(default=None, metadata=field_meta(official=True, file=True))
    terminated: date | None = field(default=None, metadata=field_meta(official=True, file=True))
    action: str | None = field(default=None, metadata=field_meta(official=True, file=True))
    replaced_by: tuple[str, ...] = field(default=(), metadata=field_meta(official=True, file=True))
    billing: Billing | None = None
    clinical: ClinicalDetails | None = None
    file_facts: HcpcsFacts | None = field(
        default=None, metadata=field_meta(official=True, file=True)
    )
    pfs: PfsFacts | None = field(default=None, metadata=field_meta(official=True))
    pfs_by_modifier: tuple[PfsFacts, ...] = field(default=(), metadata=field_meta(official=True))
    rbcs: RbcsClass | None = field(default=None, metadata=field_meta(official=True))
    history: tuple[YearSeen, ...] = field(default=(), metadata=field_meta(official=True))
    sources: tuple[Source, ...] = ()
    reviewed: date | None = None

    @property
    def curated(self) -> bool:
        """Whether this is a curated record (our reviewed text), not only official data."""
        return self.clinical is not None

    @property
    def range(self) -> CodeRange | None:
        """The smallest range of proccodes' code hierarchy that holds this code (a CPT range,
        a Level II letter group's range), or ``None``; see [`proccodes.ranges`][proccodes.ranges].

        >>> from proccodes import get
        >>> get("99213").range.name
        'Office and outpatient visits'
        """
        from .ranges import range_of

        return range_of(self.code)

    def source(self, source_id: str) -> Source | None:
        """The source with this id, if the record has it."""
        for s in self.sources:
            if s.id == source_id:
                return s
        return None


@frozen(kw_only=True, repr=False, eq=False)
class Modifier(_Listed):
    """A HCPCS Level II (or CPT) modifier as an official file lists it, e.g. ``AA`` or ``RT``."""

    code: str = field(metadata=field_meta(official=True))
    title: str = field(metadata=field_meta(official=True))
    descriptors: tuple[Descriptor, ...] = field(
        default=(), metadata=field_meta(official=True, file=True)
    )
    effective: date | None = field(default=None, metadata=field_meta(official=True, file=True))
    terminated: date | None = field(default=None, metadata=field_meta(official=True, file=True))
    action: str | None = field(default=None, metadata=field_meta(official=True, file=True))
    file_facts: HcpcsFacts | None = field(
        default=None, metadata=field_meta(official=True, file=True)
    )
    history: tuple[YearSeen, ...] = field(default=(), metadata=field_meta(official=True))


@frozen(kw_only=True, repr=False, eq=False)
class Problem(_Record):
    """One finding of [`check_record`][proccodes.check_record] or
    [`check_catalog`][proccodes.check_catalog].

    >>> str(Problem(code="62290", field="clinical.risks", message="is empty"))
    'error 62290 clinical.risks: is empty'
    """

    code: str
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.severity.value} {self.code} {self.field}: {self.message}"

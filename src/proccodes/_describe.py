"""Plain words for what official data states: PFS indicators, RBCS classes, provenance.

One place for the sentences that ``proccodes show``, the JSON and the FHIR output use, so the
three say the same thing. The meanings of the PFS indicators are CMS's, from the release's PDF
(RVU25D.pdf), in our words.
"""

from __future__ import annotations

from ._schema import labels
from .codes import CodeSystem
from .records import (
    AssistantSurgery,
    Bilateral,
    CoSurgeons,
    GlobalDays,
    HcpcsFacts,
    MultipleProcedure,
    PcTc,
    PfsFacts,
    PfsStatus,
    Procedure,
    RbcsClass,
    TeamSurgeons,
)

__all__ = ["HCPCS_FACT_FIELDS", "NOT_CURATED", "cpt_text_notice", "pfs_lines", "rbcs_line"]

HCPCS_FACT_FIELDS = tuple(labels(HcpcsFacts))
"""The fields of `HcpcsFacts` that ``show`` and the site print, in order: those with a label."""

NOT_CURATED = "Not curated: official data only"

STATUS = {
    PfsStatus.ACTIVE: "paid separately under the fee schedule (if covered)",
    PfsStatus.BUNDLED: "bundled: never paid separately, payment is included in another service",
    PfsStatus.CARRIER_PRICED: "priced by the Medicare contractor",
    PfsStatus.DELETED: "deleted (with a 90-day grace period)",
    PfsStatus.EXCLUDED: "excluded from the fee schedule by regulation",
    PfsStatus.DELETED_NO_GRACE: "deleted or discontinued (no grace period)",
    PfsStatus.NOT_VALID_GRACE: "not valid for Medicare: another code is reported (grace period)",
    PfsStatus.DELETED_MODIFIER: "the modifier combination was deleted",
    PfsStatus.NOT_VALID: "not valid for Medicare: another code is reported",
    PfsStatus.ANESTHESIA: "anesthesia service, paid under the anesthesia fee schedule",
    PfsStatus.MEASUREMENT: "a quality-measurement code: no payment",
    PfsStatus.NOT_COVERED: "not covered by Medicare",
    PfsStatus.BUNDLED_OR_EXCLUDED: "bundled or excluded: no separate payment",
    PfsStatus.RESTRICTED: "restricted coverage; priced by the contractor when covered",
    PfsStatus.INJECTION: "paid only when no other service is billed the same day",
    PfsStatus.STATUTORY_EXCLUSION: "excluded from the fee schedule by statute",
}
GLOBAL_DAYS = {
    GlobalDays.DAYS_0: "0 days: same-day care after the procedure is included",
    GlobalDays.DAYS_10: "10 days: care for 10 days after the procedure is included",
    GlobalDays.DAYS_90: "90 days: the day before and 90 days after are included (major surgery)",
    GlobalDays.MATERNITY: "maternity care: the usual global rules do not apply",
    GlobalDays.NOT_APPLICABLE: "no global period applies",
    GlobalDays.CARRIER: "set by the Medicare contractor",
    GlobalDays.ADD_ON: "add-on code: falls within the global period of its primary procedure",
}
BILATERAL = {
    Bilateral.NO_ADJUSTMENT: "no bilateral payment adjustment (a second side is not paid at 150 %)",
    Bilateral.ADJUSTMENT_150: (
        "both sides: one line with modifier 50 (or RT and LT), paid at 150 % of one side"
    ),
    Bilateral.ALREADY_BILATERAL: "the code already covers both sides: do not add modifier 50",
    Bilateral.EACH_SIDE_100: "each side is paid at 100 %",
    Bilateral.NOT_APPLICABLE: "the bilateral concept does not apply",
}
PC_TC = {
    PcTc.PHYSICIAN_SERVICE: "physician service: modifiers 26 and TC do not apply",
    PcTc.SPLIT: "has a professional (26) and a technical (TC) component",
    PcTc.PROFESSIONAL_ONLY: "professional component only",
    PcTc.TECHNICAL_ONLY: "technical component only",
    PcTc.GLOBAL_TEST_ONLY: "global test only: its components have codes of their own",
    PcTc.INCIDENT_TO: "incident-to service: modifiers 26 and TC do not apply",
    PcTc.LAB_PHYSICIAN: "laboratory physician interpretation",
    PcTc.PHYSICAL_THERAPY: "private-practice therapist's service",
    PcTc.PHYSICIAN_INTERPRETATION: "physician interpretation code",
    PcTc.NOT_APPLICABLE: "the component concept does not apply",
}
MULTIPLE = {
    MultipleProcedure.NO_REDUCTION: "no multiple-procedure reduction",
    MultipleProcedure.STANDARD: "standard reduction: 100 % for the highest, 50 % for the others",
    MultipleProcedure.ENDOSCOPIC: "special rules for an endoscopic family",
    MultipleProcedure.DIAGNOSTIC_IMAGING: "diagnostic imaging reduction",
    MultipleProcedure.THERAPY: "therapy practice-expense reduction",
    MultipleProcedure.CARDIOVASCULAR: "diagnostic cardiovascular reduction",
    MultipleProcedure.OPHTHALMOLOGY: "diagnostic ophthalmology reduction",
    MultipleProcedure.NOT_APPLICABLE: "the multiple-procedure concept does not apply",
}
ASSISTANT = {
    AssistantSurgery.WITH_DOCUMENTATION: "paid with documentation of medical necessity",
    AssistantSurgery.NEVER_PAID: "not paid",
    AssistantSurgery.PAID: "may be paid",
    AssistantSurgery.NOT_APPLICABLE: "does not apply",
}
SURGEONS = {
    "0": "not permitted",
    "1": "permitted with documentation",
    "2": "permitted",
    "9": "does not apply",
}


def _rvu(value: float | None) -> str:
    return "not stated" if value is None else f"{value:g}"


def pfs_lines(pfs: PfsFacts) -> list[str]:
    """The PFS facts of one row as lines of plain words.

    >>> from proccodes import get
    >>> pfs_lines(get("64635").pfs)[1]
    'Global period: 010, 10 days: care for 10 days after the procedure is included'
    """
    lines = []
    if pfs.status is not None:
        lines.append(f"Status: {pfs.status.value}, {STATUS[pfs.status]}")
    if pfs.global_days is not None:
        lines.append(f"Global period: {pfs.global_days.value}, {GLOBAL_DAYS[pfs.global_days]}")
    if pfs.bilateral is not None:
        lines.append(f"Bilateral: {pfs.bilateral.value}, {BILATERAL[pfs.bilateral]}")
    if pfs.multiple_procedure is not None:
        mult = pfs.multiple_procedure
        lines.append(f"Multiple procedures: {mult.value}, {MULTIPLE[mult]}")
    if pfs.pc_tc is not None:
        lines.append(f"Components: {pfs.pc_tc.value}, {PC_TC[pfs.pc_tc]}")
    people = []
    if pfs.assistant is not None:
        people.append(f"assistant at surgery {ASSISTANT[pfs.assistant]}")
    for label, value in (("co-surgeons", pfs.co_surgeons), ("team", pfs.team_surgeons)):
        if isinstance(value, CoSurgeons | TeamSurgeons):
            people.append(f"{label} {SURGEONS[value.value]}")
    if people:
        lines.append("Surgeons: " + "; ".join(people))
    if pfs.work_rvu is not None or pfs.non_facility_total is not None:
        lines.append(
            f"RVUs: work {_rvu(pfs.work_rvu)}, total {_rvu(pfs.non_facility_total)} "
            f"(non-facility), {_rvu(pfs.facility_total)} (facility)"
        )
    return lines


def rbcs_line(rbcs: RbcsClass) -> str:
    """CMS's RBCS class in one line.

    >>> from proccodes import get
    >>> rbcs_line(get("99213").rbcs)
    'E&M > Office/Outpatient Services > Office E&M - Established (RBCS EV001N)'
    """
    major = ", a major procedure" if rbcs.major else ""
    return f"{rbcs.category} > {rbcs.subcategory} > {rbcs.family} (RBCS {rbcs.id}{major})"


def cpt_text_notice(record: Procedure) -> str | None:
    """Where the official text of a CPT code is, when the record does not carry it.

    >>> from proccodes import get
    >>> cpt_text_notice(get("99213")).split(";")[0]
    'The official CPT descriptor is the AMA’s licensed text and is not shipped'
    """
    if record.system is not CodeSystem.CPT or record.descriptors:
        return None
    return (
        "The official CPT descriptor is the AMA’s licensed text and is not shipped; overlay it"
        " from your licensed AMA file with proccodes.load_cpt_descriptors"
        " (docs/interoperability.md)"
    )

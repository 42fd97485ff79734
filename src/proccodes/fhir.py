"""FHIR R4 out: a catalog as a ``CodeSystem`` resource, and ``$lookup`` / ``$validate-code``
answers as ``Parameters`` resources, all as plain JSON-ready dicts (no FHIR library needed).

CPT concepts use the system ``http://www.ama-assn.org/go/cpt`` with ``content`` ``fragment``:
proccodes holds a part of the code system and none of its official text. A concept's ``display``
is the AMA long descriptor when the user overlaid licensed descriptors
([`proccodes.cpt`][proccodes.cpt]), else proccodes' own title. HCPCS Level II concepts use
``http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets``, whose texts are public domain.

>>> from proccodes import default_catalog
>>> cs = code_system(default_catalog(), system=CodeSystem.CPT)
>>> cs["resourceType"], cs["url"], cs["content"]
('CodeSystem', 'http://www.ama-assn.org/go/cpt', 'fragment')
>>> answer = validate_code(default_catalog(), "62290")
>>> answer["parameter"][0]
{'name': 'result', 'valueBoolean': True}
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ._args import as_day, check_choice, check_int, check_mapping_of_records, check_type
from .codes import CodeSystem, is_valid_code, normalize_code
from .errors import InvalidCodeError, quote
from .records import DescriptorUse, Procedure

__all__ = [
    "SYSTEM_URI",
    "VALUE_SET_BASE",
    "code_system",
    "displays_of",
    "expand",
    "lookup",
    "operation_outcome",
    "terminology_capabilities",
    "validate_code",
    "value_set_codes",
]

SYSTEM_URI = {
    CodeSystem.CPT: "http://www.ama-assn.org/go/cpt",
    CodeSystem.HCPCS: "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
}
_OID = {CodeSystem.CPT: "2.16.840.1.113883.6.12", CodeSystem.HCPCS: "2.16.840.1.113883.6.285"}
_NAME = {CodeSystem.CPT: "CPT", CodeSystem.HCPCS: "HCPCSLevelII"}
_TITLE = {
    CodeSystem.CPT: "Current Procedural Terminology (fragment: code numbers with proccodes text)",
    CodeSystem.HCPCS: "HCPCS Level II",
}
_COPYRIGHT = {
    CodeSystem.CPT: (
        "CPT is a registered trademark of the American Medical Association. This resource "
        "carries no AMA descriptor text unless the user overlaid it from a licensed file."
    ),
    CodeSystem.HCPCS: "HCPCS Level II is a public-domain work of CMS.",
}
# HL7's CPT importer names designation uses like this.
_DESIGNATION_USE = {
    DescriptorUse.LONG: "long",
    DescriptorUse.MEDIUM: "med",
    DescriptorUse.SHORT: "short",
    DescriptorUse.CONSUMER: "consumer",
    DescriptorUse.CLINICIAN: "clinician",
}
_PROPERTIES = [
    ("status", "code", "active or retired"),
    ("inactive", "boolean", "True when the code has been terminated"),
    ("effectiveDate", "dateTime", "The date the code took effect"),
    ("retirementDate", "dateTime", "The last date the code was in effect"),
    ("kind", "string", "CPT Category I, II, III, PLA, or HCPCS Level II"),
    ("addOn", "boolean", "An add-on code, reported only with a primary code"),
    ("primaryCode", "code", "A primary code an add-on code is reported with"),
    ("unitOfService", "string", "What one billed unit stands for"),
    ("bodyRegion", "string", "The body region billing distinguishes"),
    ("replacedBy", "code", "The code that replaced a terminated one"),
    ("curated", "boolean", "A reviewed proccodes record; false: official CMS data only"),
    ("notice", "string", "What the record lacks, e.g. where the official CPT text is"),
    ("pfsStatus", "code", "Medicare Physician Fee Schedule status indicator"),
    ("globalDays", "code", "PFS global surgery period (000, 010, 090, XXX, YYY, ZZZ, MMM)"),
    ("bilateral", "code", "PFS bilateral surgery indicator (0, 1, 2, 3, 9)"),
    ("pcTc", "code", "PFS professional/technical component indicator"),
    ("rbcsId", "code", "CMS Restructured BETOS Classification System class id"),
    ("rbcsFamily", "string", "CMS RBCS family name"),
    ("range", "string", "Where the code sits in proccodes' range hierarchy (our words)"),
]


def _display(record: Procedure) -> str:
    return record.descriptor(DescriptorUse.LONG) or record.title


def _properties(record: Procedure, on: date | None = None) -> list[dict[str, Any]]:
    props: list[dict[str, Any]] = []
    retired = record.terminated is not None and (on or date.today()) > record.terminated
    props.append({"code": "status", "valueCode": "retired" if retired else "active"})
    props.append({"code": "inactive", "valueBoolean": retired})
    if record.effective is not None:
        props.append({"code": "effectiveDate", "valueDateTime": record.effective.isoformat()})
    if record.terminated is not None:
        props.append({"code": "retirementDate", "valueDateTime": record.terminated.isoformat()})
    props.append({"code": "kind", "valueString": record.kind.value})
    billing = record.billing
    if billing is not None:
        props.append({"code": "addOn", "valueBoolean": billing.add_on})
        props += [{"code": "primaryCode", "valueCode": c} for c in billing.primary_codes]
        props.append({"code": "unitOfService", "valueString": billing.unit_of_service.value})
        props.append({"code": "bodyRegion", "valueString": billing.body_region.value})
    props += [{"code": "replacedBy", "valueCode": c} for c in record.replaced_by]
    props.append({"code": "curated", "valueBoolean": record.curated})
    from ._describe import NOT_CURATED, cpt_text_notice

    notices = [] if record.curated else [NOT_CURATED]
    cpt = cpt_text_notice(record)
    if cpt is not None:
        notices.append(cpt)
    if notices:
        props.append({"code": "notice", "valueString": ". ".join(notices) + "."})
    pfs = record.pfs
    if pfs is not None:
        for code, value in (
            ("pfsStatus", pfs.status),
            ("globalDays", pfs.global_days),
            ("bilateral", pfs.bilateral),
            ("pcTc", pfs.pc_tc),
        ):
            if value is not None:
                props.append({"code": code, "valueCode": value.value})
    if record.rbcs is not None:
        props.append({"code": "rbcsId", "valueCode": record.rbcs.id})
        props.append({"code": "rbcsFamily", "valueString": record.rbcs.family})
    from .ranges import path_of

    path = " > ".join(r.name for r in path_of(record.code))
    if path:
        props.append({"code": "range", "valueString": path})
    return props


def _concept(record: Procedure) -> dict[str, Any]:
    concept: dict[str, Any] = {"code": record.code, "display": _display(record)}
    designations = [
        {"use": {"code": _DESIGNATION_USE[d.use]}, "value": d.text} for d in record.descriptors
    ]
    if designations:
        concept["designation"] = designations
    concept["property"] = _properties(record)
    return concept


def code_system(
    catalog: Mapping[str, Procedure], *, system: CodeSystem = CodeSystem.CPT
) -> dict[str, Any]:
    """The catalog's codes of one system as a FHIR R4 ``CodeSystem`` resource (a dict).

    ``system`` is [`CodeSystem`][proccodes.CodeSystem] ``CPT`` or ``HCPCS`` (or its value as text).
    """
    check_mapping_of_records("catalog", catalog)
    system = CodeSystem(check_choice("system", system, tuple(CodeSystem)))
    release = getattr(catalog, "release", "") or "unversioned"
    as_of = getattr(catalog, "as_of", None)
    records = [r for r in catalog.values() if r.system == system]
    resource: dict[str, Any] = {
        "resourceType": "CodeSystem",
        "url": SYSTEM_URI[system],
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:oid:{_OID[system]}"}],
        "version": release,
        "name": _NAME[system],
        "title": _TITLE[system],
        "status": "active",
        "experimental": False,
        "publisher": "proccodes (not the code system's owner)",
        "copyright": _COPYRIGHT[system],
        "caseSensitive": True,
        "content": "fragment" if system is CodeSystem.CPT else "complete",
        "count": len(records),
        "property": [
            {"code": code, "type": type_, "description": description}
            for code, type_, description in _PROPERTIES
        ],
        "concept": [_concept(r) for r in records],
    }
    if isinstance(as_of, date):
        resource["date"] = as_of.isoformat()
    return resource


def _system_of(code: str) -> CodeSystem | None:
    if not is_valid_code(code):
        return None
    return CodeSystem.HCPCS if code[0].isalpha() else CodeSystem.CPT


def lookup(
    catalog: Mapping[str, Procedure],
    code: str,
    *,
    on: date | None = None,
    properties: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A ``$lookup`` answer (``Parameters``) for ``code``, or an ``OperationOutcome`` when the
    code is malformed or not in the catalog (servers answer that with HTTP 404).

    As the R4 ``CodeSystem-lookup`` operation definition says: ``name``, ``version``,
    ``display``, a ``designation`` (parts ``use``, ``value``) per official descriptor, and a
    ``property`` per fact with parts ``code`` and ``value`` (``value[x]``). ``properties``
    limits the properties to those codes (the operation's ``property`` input).

    >>> from proccodes import default_catalog
    >>> answer = lookup(default_catalog(), "62290", properties=["addOn"])
    >>> [p["name"] for p in answer["parameter"]][:3]
    ['name', 'version', 'display']
    >>> answer["parameter"][-1]["part"]
    [{'name': 'code', 'valueCode': 'addOn'}, {'name': 'value', 'valueBoolean': False}]
    >>> lookup(default_catalog(), "99999")["resourceType"]
    'OperationOutcome'
    """
    check_mapping_of_records("catalog", catalog)
    if on is not None:
        on = as_day(on)
    record = _find(catalog, code)
    if isinstance(record, str):
        return {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "not-found", "diagnostics": record}],
        }
    parameters: list[dict[str, Any]] = [
        {"name": "name", "valueString": _NAME[record.system]},
        {"name": "version", "valueString": getattr(catalog, "release", "") or "unversioned"},
        {"name": "display", "valueString": _display(record)},
    ]
    for d in record.descriptors:
        parameters.append(
            {
                "name": "designation",
                "part": [
                    {"name": "use", "valueCoding": {"code": _DESIGNATION_USE[d.use]}},
                    {"name": "value", "valueString": d.text},
                ],
            }
        )
    wanted = None if properties is None else set(properties)
    for prop in _properties(record, on):
        if wanted is not None and prop["code"] not in wanted:
            continue
        _, value_key = prop  # each property is {"code": ..., "value<Type>": ...}
        # R4 CodeSystem-lookup: a property is parts "code" and "value" (value[x])
        parameters.append(
            {
                "name": "property",
                "part": [
                    {"name": "code", "valueCode": prop["code"]},
                    {"name": "value", value_key: prop[value_key]},
                ],
            }
        )
    return {"resourceType": "Parameters", "parameter": parameters}


def _find(catalog: Mapping[str, Procedure], code: str) -> Procedure | str:
    try:
        canonical = normalize_code(code)
    except InvalidCodeError as exc:
        return str(exc)
    if _system_of(canonical) is None:
        return f"{quote(code)} is not a valid CPT or HCPCS Level II code"
    record = catalog.get(canonical)
    if record is None:
        return f"code {canonical} is not in this code system version"
    return record


def displays_of(record: Procedure) -> frozenset[str]:
    """The displays ``$validate-code`` accepts for a record: its title and its descriptors.

    >>> from proccodes import get
    >>> get("62290").title in displays_of(get("62290"))
    True
    """
    return frozenset((record.title, *(d.text for d in record.descriptors)))


def validate_code(
    catalog: Mapping[str, Procedure],
    code: str,
    *,
    on: date | None = None,
    display: str | None = None,
) -> dict[str, Any]:
    """A ``$validate-code`` answer (``Parameters``): ``result``, ``message`` when false or when
    there is a warning, and ``display``. With ``on``, a code not in effect that day is false;
    with ``display``, a display that is not one of the code's (`displays_of`) is false,
    with a message naming the code's display (R4: ``result`` is true only when "the concept
    details supplied are valid").

    >>> from datetime import date
    >>> from proccodes import default_catalog
    >>> answer = validate_code(default_catalog(), "99999")
    >>> answer["parameter"][0]["valueBoolean"], answer["parameter"][1]["name"]
    (False, 'message')
    """
    check_mapping_of_records("catalog", catalog)
    if on is not None:
        on = as_day(on)
    if display is not None:
        check_type("display", display, str, "text (str) or None")
    record = _find(catalog, code)
    if isinstance(record, str):
        return {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "result", "valueBoolean": False},
                {"name": "message", "valueString": record},
            ],
        }
    result = True
    message = None
    if on is not None and not record.is_active_on(on):
        result = False
        message = f"code {record.code} was not in effect on {on.isoformat()}"
        if record.replaced_by:
            message += "; replaced by " + ", ".join(record.replaced_by)
    elif display is not None and display not in displays_of(record):
        # R4: ``result`` is "True if the concept details supplied are valid"; a display that
        # is not one of the code's is a detail that is not valid, so the answer is false.
        result = False
        shown = json.dumps(display[:200], ensure_ascii=False)
        message = f"The display {shown} is incorrect for code {record.code}"
    parameters: list[dict[str, Any]] = [{"name": "result", "valueBoolean": result}]
    if message is not None:
        parameters.append({"name": "message", "valueString": message})
    parameters.append({"name": "display", "valueString": _display(record)})
    return {"resourceType": "Parameters", "parameter": parameters}


VALUE_SET_BASE = "https://proccodes.invalid/fhir/ValueSet/"
"""Canonical URLs of the value sets `expand` knows: ``range/ID`` (a node of
`proccodes.ranges`), ``rbcs/ID`` (a CMS RBCS class: category, subcategory and family) and
``curated/NAME`` (a family of curated records, one shipped data file)."""


def operation_outcome(message: str, code: str = "not-found") -> dict[str, Any]:
    """An ``OperationOutcome`` with one error ``issue`` (``code`` from the FHIR issue-type codes).

    >>> operation_outcome("no such code")["issue"][0]["code"]
    'not-found'
    """
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }


def value_set_codes(catalog: Mapping[str, Procedure], url: str) -> tuple[str, list[str]] | None:
    """The title and codes of the value set at ``url`` (see `VALUE_SET_BASE`), in code
    order, or ``None`` when proccodes knows no such value set.

    >>> from proccodes import default_catalog
    >>> title, codes = value_set_codes(default_catalog(), VALUE_SET_BASE + "range/62320-62327")
    >>> codes[:2]
    ['62320', '62321']
    """
    check_mapping_of_records("catalog", catalog)
    check_type("url", url, str, "text (str)")
    if not url.startswith(VALUE_SET_BASE):
        return None
    kind, _, key = url.removeprefix(VALUE_SET_BASE).partition("/")
    if kind == "range":
        from .ranges import codes_in, get_range

        try:
            node = get_range(key)
        except ValueError:
            return None
        return f"Codes in {node.label}", codes_in(node.id, catalog)
    if kind == "rbcs":
        codes = [c for c, r in catalog.items() if r.rbcs is not None and r.rbcs.id == key]
        if not codes:
            return None
        rbcs = catalog[codes[0]].rbcs
        assert rbcs is not None
        return f"RBCS {key}: {rbcs.subcategory}, {rbcs.family}", sorted(codes)
    if kind == "curated":
        from .catalog import curated_families

        family = curated_families().get(key)
        if family is None:
            return None
        return f"Curated records: {key}", [c for c in family if c in catalog]
    return None


def expand(
    catalog: Mapping[str, Procedure],
    url: str,
    *,
    text_filter: str | None = None,
    offset: int = 0,
    count: int = 1000,
) -> dict[str, Any]:
    """A ``ValueSet/$expand`` answer: the ``ValueSet`` at ``url`` with its ``expansion``
    (``count`` codes from ``offset``, those whose code or display holds ``text_filter``, case
    ignored), or an ``OperationOutcome`` when proccodes knows no value set at ``url``.

    >>> from proccodes import default_catalog
    >>> vs = expand(default_catalog(), VALUE_SET_BASE + "range/62320-62327", count=2)
    >>> vs["expansion"]["total"] > 2, [c["code"] for c in vs["expansion"]["contains"]]
    (True, ['62320', '62321'])
    """
    check_int("offset", offset, minimum=0)
    check_int("count", count, minimum=0)
    found = value_set_codes(catalog, url)
    if found is None:
        return operation_outcome(f"no value set {quote(url)} here; see {VALUE_SET_BASE}")
    title, codes = found
    records = [catalog[c] for c in codes]
    if text_filter:
        needle = text_filter.casefold()
        records = [
            r for r in records if needle in r.code.casefold() or needle in _display(r).casefold()
        ]
    today = date.today()
    contains = []
    for r in records[offset : offset + count]:
        item: dict[str, Any] = {
            "system": SYSTEM_URI[r.system],
            "code": r.code,
            "display": _display(r),
        }
        if r.terminated is not None and today > r.terminated:
            item["inactive"] = True
        contains.append(item)
    from datetime import UTC, datetime

    release = getattr(catalog, "release", "") or "unversioned"
    return {
        "resourceType": "ValueSet",
        "url": url,
        "version": release,
        "name": "".join(ch for ch in title.title() if ch.isalnum())[:200] or "ValueSet",
        "title": title,
        "status": "active",
        "expansion": {
            "identifier": f"{url}?version={release}&offset={offset}&count={count}",
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "total": len(records),
            "offset": offset,
            "contains": contains,
        },
    }


def terminology_capabilities(
    catalog: Mapping[str, Procedure], *, software_version: str = "", data_release: str = ""
) -> dict[str, Any]:
    """The ``TerminologyCapabilities`` resource of a server of ``catalog`` (``GET /metadata``):
    its code systems and their versions, with the data release it serves in the description.

    >>> from proccodes import default_catalog
    >>> tc = terminology_capabilities(default_catalog())
    >>> [c["uri"] for c in tc["codeSystem"]]
    ['http://www.ama-assn.org/go/cpt', 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets']
    """
    check_mapping_of_records("catalog", catalog)
    from datetime import UTC, datetime

    release = getattr(catalog, "release", "") or "unversioned"
    as_of = getattr(catalog, "as_of", None)
    described = data_release or release
    return {
        "resourceType": "TerminologyCapabilities",
        "status": "active",
        "date": (
            as_of.isoformat()
            if isinstance(as_of, date)
            else datetime.now(UTC).isoformat(timespec="seconds")
        ),
        "kind": "instance",
        "publisher": "proccodes (not the code systems' owner)",
        "description": f"proccodes terminology service; data release: {described}",
        "software": {"name": "proccodes", "version": software_version or "unknown"},
        "implementation": {"description": f"proccodes serve; data release: {described}"},
        "codeSystem": [
            {
                "uri": SYSTEM_URI[system],
                "version": [
                    {
                        "code": release,
                        "isDefault": True,
                        "property": [code for code, _, _ in _PROPERTIES],
                    }
                ],
            }
            for system in (CodeSystem.CPT, CodeSystem.HCPCS)
        ],
        "expansion": {"hierarchical": False, "paging": True, "textFilter": "code or display"},
        "validateCode": {"translations": False},
    }

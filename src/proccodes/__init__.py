"""proccodes: typed, immutable, sourced reference records for CPT and HCPCS Level II codes.

Importing the package loads nothing: each public name is imported from its module on first use
(PEP 562), and the default catalog loads on the first lookup.

>>> import proccodes
>>> proccodes.get("62290").title
'Lumbar discography (disc injection for a discogram)'
>>> proccodes.is_valid_code("6229O")
False
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import ranges
    from .catalog import Catalog, default_catalog, get, load_catalog, search, use_data
    from .checks import check_catalog, check_record
    from .codes import (
        Code,
        CodeKind,
        CodeSystem,
        CptSection,
        is_valid_code,
        is_valid_codes,
        normalize_code,
        validate_code,
    )
    from .cpt import load_cpt_descriptors
    from .errors import (
        CodeNotActiveError,
        DataError,
        InvalidCodeError,
        ProcCodesError,
        UnknownCodeError,
    )
    from .ranges import (
        CodeRange,
        children,
        codes_in,
        get_range,
        letter_group,
        path_of,
        range_of,
        title_for,
    )
    from .records import (
        Alternative,
        Billing,
        BodyRegion,
        ClinicalDetails,
        CodeRef,
        DataRelease,
        Descriptor,
        DescriptorUse,
        Duration,
        HcpcsFacts,
        Modifier,
        Problem,
        Procedure,
        Severity,
        Source,
        Statement,
        UnitOfService,
        YearSeen,
    )
    from .release import release_stale_on
    from .sources.hcpcs import load_hcpcs, load_hcpcs_years
    from .sources.ncci import load_mue, load_ptp
    from .sources.pfs import FeeSchedule, load_pfs
    from .sources.rbcs import Rbcs, load_rbcs

__all__ = [
    "Alternative",
    "Billing",
    "BodyRegion",
    "Catalog",
    "ClinicalDetails",
    "Code",
    "CodeKind",
    "CodeNotActiveError",
    "CodeRange",
    "CodeRef",
    "CodeSystem",
    "CptSection",
    "DataError",
    "DataRelease",
    "Descriptor",
    "DescriptorUse",
    "Duration",
    "FeeSchedule",
    "HcpcsFacts",
    "InvalidCodeError",
    "Modifier",
    "Problem",
    "ProcCodesError",
    "Procedure",
    "Rbcs",
    "Severity",
    "Source",
    "Statement",
    "UnitOfService",
    "UnknownCodeError",
    "YearSeen",
    "__version__",
    "check_catalog",
    "check_record",
    "children",
    "codes_in",
    "default_catalog",
    "get",
    "get_range",
    "is_valid_code",
    "is_valid_codes",
    "letter_group",
    "load_catalog",
    "load_cpt_descriptors",
    "load_hcpcs",
    "load_hcpcs_years",
    "load_mue",
    "load_pfs",
    "load_ptp",
    "load_rbcs",
    "normalize_code",
    "path_of",
    "range_of",
    "ranges",
    "release_stale_on",
    "search",
    "title_for",
    "use_data",
    "validate_code",
]

# Which private module defines each public name.
_HOME = {
    **dict.fromkeys(
        ["Catalog", "default_catalog", "get", "load_catalog", "search", "use_data"], "catalog"
    ),
    "release_stale_on": "release",
    **dict.fromkeys(["check_catalog", "check_record"], "checks"),
    "load_cpt_descriptors": "cpt",
    **dict.fromkeys(
        [
            "CodeRange",
            "children",
            "codes_in",
            "get_range",
            "letter_group",
            "path_of",
            "range_of",
            "title_for",
        ],
        "ranges",
    ),
    **dict.fromkeys(["load_hcpcs", "load_hcpcs_years"], "sources.hcpcs"),
    **dict.fromkeys(["FeeSchedule", "load_pfs"], "sources.pfs"),
    **dict.fromkeys(["Rbcs", "load_rbcs"], "sources.rbcs"),
    **dict.fromkeys(["load_mue", "load_ptp"], "sources.ncci"),
    **dict.fromkeys(
        [
            "Code",
            "CodeKind",
            "CodeSystem",
            "CptSection",
            "is_valid_code",
            "is_valid_codes",
            "normalize_code",
            "validate_code",
        ],
        "codes",
    ),
    **dict.fromkeys(
        [
            "CodeNotActiveError",
            "DataError",
            "InvalidCodeError",
            "ProcCodesError",
            "UnknownCodeError",
        ],
        "errors",
    ),
    **dict.fromkeys(
        [
            "Alternative",
            "Billing",
            "BodyRegion",
            "ClinicalDetails",
            "CodeRef",
            "DataRelease",
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
        ],
        "records",
    ),
}


# Public submodules, imported on first use: proccodes.ranges (its ranges() lists the hierarchy;
# a function of that name here would be replaced by the module as soon as it is imported).
_SUBMODULES = frozenset({"ranges", "release"})


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    home = _HOME.get(name)
    if home is not None:
        value = getattr(import_module(f".{home}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name == "__version__":
        from importlib.metadata import version

        globals()["__version__"] = v = version("proccodes")
        return v
    raise AttributeError(f"module 'proccodes' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

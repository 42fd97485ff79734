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

# The one list of public names: which module defines each. ``__all__`` is derived from it; the
# TYPE_CHECKING imports below say the same for type checkers (which cannot run code), and
# tests/test_api.py checks that they match it name for name.
_HOME: dict[str, tuple[str, ...]] = {
    "catalog": (
        "Catalog",
        "codes_in",
        "default_catalog",
        "get",
        "load_catalog",
        "search",
        "use_data",
    ),
    "checks": (
        "check_catalog",
        "check_record",
    ),
    "codes": (
        "Code",
        "CodeKind",
        "CodeSystem",
        "CptSection",
        "classify_code",
        "is_valid_code",
        "is_valid_codes",
        "normalize_code",
        "validate_code",
    ),
    "cpt": (
        "CptDescriptors",
        "load_cpt_descriptors",
    ),
    "errors": (
        "ArgumentTypeError",
        "ArgumentValueError",
        "CodeNotActiveError",
        "DataError",
        "InvalidCodeError",
        "InvalidCodeKeyError",
        "ProcCodesError",
        "UnknownCodeError",
    ),
    "ranges": (
        "CodeRange",
        "children",
        "get_range",
        "letter_group",
        "path_of",
        "range_of",
        "title_for",
    ),
    "records": (
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
    ),
    "release": ("release_stale_on",),
    "sources.hcpcs": (
        "load_hcpcs",
        "load_hcpcs_years",
    ),
    "sources.ncci": (
        "MueEdit",
        "MueTable",
        "PtpEdit",
        "PtpTable",
        "load_mue",
        "load_ptp",
    ),
    "sources.pfs": (
        "FeeSchedule",
        "load_pfs",
    ),
    "sources.rbcs": (
        "Rbcs",
        "load_rbcs",
    ),
}

# Public submodules, imported on first use: proccodes.ranges (its ranges() lists the hierarchy;
# a function of that name here would be replaced by the module as soon as it is imported).
_SUBMODULES = frozenset({"claims", "export", "fees", "ranges", "release"})

__all__ = sorted(
    [name for names in _HOME.values() for name in names] + [*_SUBMODULES, "__version__"]
)

_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}

if TYPE_CHECKING:  # ``name as name``: an explicit re-export, whatever a checker makes of __all__
    from . import claims as claims
    from . import export as export
    from . import fees as fees
    from . import ranges as ranges
    from . import release as release
    from .catalog import Catalog as Catalog
    from .catalog import codes_in as codes_in
    from .catalog import default_catalog as default_catalog
    from .catalog import get as get
    from .catalog import load_catalog as load_catalog
    from .catalog import search as search
    from .catalog import use_data as use_data
    from .checks import check_catalog as check_catalog
    from .checks import check_record as check_record
    from .codes import Code as Code
    from .codes import CodeKind as CodeKind
    from .codes import CodeSystem as CodeSystem
    from .codes import CptSection as CptSection
    from .codes import classify_code as classify_code
    from .codes import is_valid_code as is_valid_code
    from .codes import is_valid_codes as is_valid_codes
    from .codes import normalize_code as normalize_code
    from .codes import validate_code as validate_code
    from .cpt import CptDescriptors as CptDescriptors
    from .cpt import load_cpt_descriptors as load_cpt_descriptors
    from .errors import ArgumentTypeError as ArgumentTypeError
    from .errors import ArgumentValueError as ArgumentValueError
    from .errors import CodeNotActiveError as CodeNotActiveError
    from .errors import DataError as DataError
    from .errors import InvalidCodeError as InvalidCodeError
    from .errors import InvalidCodeKeyError as InvalidCodeKeyError
    from .errors import ProcCodesError as ProcCodesError
    from .errors import UnknownCodeError as UnknownCodeError
    from .ranges import CodeRange as CodeRange
    from .ranges import children as children
    from .ranges import get_range as get_range
    from .ranges import letter_group as letter_group
    from .ranges import path_of as path_of
    from .ranges import range_of as range_of
    from .ranges import title_for as title_for
    from .records import Alternative as Alternative
    from .records import AssistantSurgery as AssistantSurgery
    from .records import Bilateral as Bilateral
    from .records import Billing as Billing
    from .records import BodyRegion as BodyRegion
    from .records import ClinicalDetails as ClinicalDetails
    from .records import CodeRef as CodeRef
    from .records import CoSurgeons as CoSurgeons
    from .records import DataRelease as DataRelease
    from .records import Descriptor as Descriptor
    from .records import DescriptorUse as DescriptorUse
    from .records import Duration as Duration
    from .records import GlobalDays as GlobalDays
    from .records import HcpcsFacts as HcpcsFacts
    from .records import Modifier as Modifier
    from .records import MultipleProcedure as MultipleProcedure
    from .records import PayerRequirement as PayerRequirement
    from .records import PcTc as PcTc
    from .records import PfsFacts as PfsFacts
    from .records import PfsStatus as PfsStatus
    from .records import Problem as Problem
    from .records import Procedure as Procedure
    from .records import RbcsClass as RbcsClass
    from .records import RequirementKind as RequirementKind
    from .records import Severity as Severity
    from .records import Source as Source
    from .records import Statement as Statement
    from .records import Supervision as Supervision
    from .records import TeamSurgeons as TeamSurgeons
    from .records import UnitOfService as UnitOfService
    from .records import YearSeen as YearSeen
    from .release import release_stale_on as release_stale_on
    from .sources.hcpcs import load_hcpcs as load_hcpcs
    from .sources.hcpcs import load_hcpcs_years as load_hcpcs_years
    from .sources.ncci import MueEdit as MueEdit
    from .sources.ncci import MueTable as MueTable
    from .sources.ncci import PtpEdit as PtpEdit
    from .sources.ncci import PtpTable as PtpTable
    from .sources.ncci import load_mue as load_mue
    from .sources.ncci import load_ptp as load_ptp
    from .sources.pfs import FeeSchedule as FeeSchedule
    from .sources.pfs import load_pfs as load_pfs
    from .sources.rbcs import Rbcs as Rbcs
    from .sources.rbcs import load_rbcs as load_rbcs


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    home = _MODULE_OF.get(name)
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

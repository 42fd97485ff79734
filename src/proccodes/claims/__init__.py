"""Claim-line checks for billing tools: one claim, a DataFrame, or a cluster, same findings.

`check` takes `ClaimLine` objects; `check_frame` a pandas DataFrame
(``pip install 'proccodes[frames]'``); `check_dask` a Dask DataFrame
(``proccodes[dask]``). All run one rule engine (`proccodes.claims.engine`) and return
the same findings: a rule id, a severity, the lines, the claim, date, codes and modifiers, a
message, a suggested fix and the data release (docs/claims.md lists every rule, with an example
and its CMS source).

>>> from proccodes.claims import ClaimLine, check
>>> check([ClaimLine(claim="A1", date="2025-11-03", code="62290", modifiers="ZZ9")])[0].rule
'modifier.unknown'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cluster import check_dask, spark_function
    from .engine import check
    from .frame import check_frame, findings_from_frame
    from .lines import MAX_UNITS, ClaimLine, Finding, split_modifiers
    from .rules import CPT_MODIFIERS, NCCI_MODIFIERS, RULES, SEVERITY

__all__ = [
    "CPT_MODIFIERS",
    "MAX_UNITS",
    "NCCI_MODIFIERS",
    "RULES",
    "SEVERITY",
    "ClaimLine",
    "Finding",
    "check",
    "check_dask",
    "check_frame",
    "findings_from_frame",
    "spark_function",
    "split_modifiers",
]

_HOME = {
    "ClaimLine": "lines",
    "Finding": "lines",
    "split_modifiers": "lines",
    "MAX_UNITS": "lines",
    "CPT_MODIFIERS": "rules",
    "NCCI_MODIFIERS": "rules",
    "RULES": "rules",
    "SEVERITY": "rules",
    "check": "engine",
    "check_frame": "frame",
    "findings_from_frame": "frame",
    "check_dask": "cluster",
    "spark_function": "cluster",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'proccodes.claims' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

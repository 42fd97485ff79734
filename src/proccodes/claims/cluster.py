"""The claim rules past one machine: Dask ([`check_dask`][proccodes.claims.cluster.check_dask]) and
Spark ([`spark_function`][proccodes.claims.cluster.spark_function]).

Both partition the lines by claim, so that every line of an encounter is in one partition, and
run [`check_frame`][proccodes.claims.check_frame] on each partition. The reference data (PTP and MUE
tables, the catalog) travel as file paths in a small `References` value; each worker
process loads them on first use and keeps them
([`load_references`][proccodes.claims.cluster.load_references]), so a task carries a
few bytes, not the tables. The paths must therefore be readable on every worker (a shared file
system, or the same files copied to each machine).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import ArgumentTypeError
from .engine import Rules
from .frame import FINDING_COLUMNS, check_frame, column_names, frames_library

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..sources.ncci import MueTable, PtpTable

__all__ = [
    "SPARK_SCHEMA",
    "References",
    "check_dask",
    "check_partition",
    "load_references",
    "restore_modifier_lists",
    "spark_function",
]

SPARK_SCHEMA = (
    "line long, rule string, severity string, lines array<long>, message string, release string, "
    "claim string, date string, codes array<string>, modifiers array<string>, fix string"
)
"""The Spark schema of the findings that
[`spark_function`][proccodes.claims.cluster.spark_function] returns."""

LINE = "__proccodes_line"


def _paths(
    value: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None,
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | os.PathLike):
        return (os.path.abspath(os.fspath(value)),)
    if not isinstance(value, Iterable):
        raise ArgumentTypeError(f"expected a path or paths, not {type(value).__name__}")
    out = []
    for item in value:
        if not isinstance(item, str | os.PathLike):
            raise ArgumentTypeError(f"expected a path, not {type(item).__name__}")
        out.append(os.path.abspath(os.fspath(item)))
    return tuple(out)


def _path(value: str | os.PathLike[str] | None) -> str | None:
    return None if value is None else _paths(value)[0]


@attrs.frozen(kw_only=True)
class References:
    """Where a worker finds the reference data: PTP parts, an MUE file, a catalog (a proccodes
    JSON file or folder; ``None``: the default catalog). Paths are made absolute.

    >>> References(mue="mue.csv").mue.endswith("mue.csv")
    True
    """

    ptp: tuple[str, ...] = attrs.field(default=(), converter=_paths)
    mue: str | None = attrs.field(default=None, converter=_path)
    catalog: str | None = attrs.field(default=None, converter=_path)


_LOADED: dict[References, tuple[PtpTable | None, MueTable | None, Catalog | None]] = {}
_LOCK = threading.Lock()
MAX_LOADED = 4
"""Sets of reference tables a worker process keeps loaded (the oldest is dropped first)."""


def reset_after_fork() -> None:
    """Forget the loaded tables and renew the lock (a child process after ``fork``).

    >>> reset_after_fork()"""
    global _LOCK
    _LOADED.clear()
    _LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=reset_after_fork)


def load_references(
    refs: References,
) -> tuple[PtpTable | None, MueTable | None, Catalog | None]:
    """The tables ``refs`` names, loaded once per process and kept (later calls are a look-up).

    >>> load_references(References())
    (None, None, None)
    """
    found = _LOADED.get(refs)
    if found is None:
        with _LOCK:
            found = _LOADED.get(refs)
            if found is None:
                from ..catalog import load_catalog
                from ..sources.ncci import load_mue, load_ptp

                found = (
                    load_ptp(refs.ptp) if refs.ptp else None,
                    load_mue(refs.mue) if refs.mue else None,
                    load_catalog(refs.catalog) if refs.catalog else None,
                )
                while len(_LOADED) >= MAX_LOADED:
                    _LOADED.pop(next(iter(_LOADED)))
                _LOADED[refs] = found
    return found


def check_partition(
    frame: Any,
    refs: References,
    columns: Mapping[str, str] | None = None,
    line_column: str | None = None,
    rules: Rules | None = None,
) -> Any:
    """[`check_frame`][proccodes.claims.check_frame] on one partition, with the worker's tables.

    The partition must hold every line of each of its claims. ``rules`` as for
    `check`.

    >>> import pandas as pd
    >>> part = pd.DataFrame({"claim": ["A"], "date": ["2025-11-03"], "code": ["6449"]})
    >>> check_partition(part, References())["rule"].tolist()
    ['code.malformed']
    """
    ptp, mue, catalog = load_references(refs)
    frame = restore_modifier_lists(frame, column_names(columns)["modifiers"])
    return check_frame(
        frame,
        ptp=ptp,
        mue=mue,
        catalog=catalog,
        columns=columns,
        line_column=line_column,
        rules=rules,
    )


_MAX_REPR = 256  # a modifier list's text is short; longer text is left as text


def restore_modifier_lists(frame: Any, column: str) -> Any:
    """``frame`` with the list (or tuple) modifiers that a string column holds as their Python
    text (``"['59', 'LT']"``) made lists again, so that each item is one modifier exactly as
    [`check_frame`][proccodes.claims.check_frame] reads a list column. Dask's
    ``from_pandas`` turns an object column into strings (its ``dataframe.convert-string``
    setting); this undoes it on the worker. Only a string-typed column is changed, and only text
    that is exactly the text of a list or tuple (``str(value) == text``): other text, such as
    ``"59 LT"``, stays text.

    >>> import pandas as pd
    >>> part = pd.DataFrame({"modifiers": pd.Series(["['59 LT']", "59 LT", None], dtype="string")})
    >>> restore_modifier_lists(part, "modifiers")["modifiers"].tolist()
    [['59 LT'], '59 LT', None]
    """
    import ast

    pd = frames_library("pandas")
    if column not in frame.columns:
        return frame
    series = frame[column]
    if not pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
        return frame
    seen: dict[str, Any] = {}
    changed = False
    values: list[Any] = []
    for value in series.tolist():
        if isinstance(value, str) and value[:1] in ("[", "(") and len(value) <= _MAX_REPR:
            if value not in seen:
                try:
                    parsed = ast.literal_eval(value)
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                    parsed = None
                ok = isinstance(parsed, list | tuple) and str(parsed) == value
                seen[value] = parsed if ok else value
            restored = seen[value]
            changed = changed or restored is not value
            values.append(restored)
        elif value is None or value is pd.NA or (isinstance(value, float) and value != value):
            values.append(None)
        else:
            values.append(value)
    if not changed:
        return frame
    out = frame.copy()
    out[column] = pd.Series(values, index=frame.index, dtype=object)
    return out


def check_dask(
    frame: Any,
    *,
    ptp: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    mue: str | os.PathLike[str] | None = None,
    catalog: str | os.PathLike[str] | None = None,
    columns: Mapping[str, str] | None = None,
    line_column: str | None = None,
    rules: Rules | None = None,
) -> Any:
    """The findings on a Dask DataFrame of claim lines, as a lazy Dask DataFrame.

    The lines are shuffled by claim (every line of a claim in one partition), then each
    partition is checked where it lies. ``ptp``, ``mue`` and ``catalog`` are file paths that
    every worker can read (see `References`). Lines are numbered by their position in
    ``frame`` from 0, as [`check_frame`][proccodes.claims.check_frame] numbers them, or by the
    integers
    of ``line_column``. The partitions come back in no set order: ``.compute()``, then
    ``.sort_values(["line", "rule"])`` or
    [`findings_from_frame`][proccodes.claims.findings_from_frame] and
    sort.

    >>> import pandas as pd, dask.dataframe as dd
    >>> lines = pd.DataFrame({"claim": ["A", "B"], "date": ["2025-11-03"] * 2,
    ...                       "code": ["62290", "6229"]})
    >>> found = check_dask(dd.from_pandas(lines, npartitions=2)).compute(scheduler="sync")
    >>> found[["line", "rule"]].to_dict("records")
    [{'line': 1, 'rule': 'code.malformed'}]
    """
    pd = frames_library("pandas")
    dd = frames_library("dask.dataframe")
    if not isinstance(frame, dd.DataFrame):
        raise ArgumentTypeError(f"frame must be a Dask DataFrame, not {type(frame).__name__}")
    names = column_names(columns)
    refs = References(ptp=ptp, mue=mue, catalog=catalog)
    if line_column is None:
        lengths = frame.map_partitions(len).compute()
        starts = [0]
        for length in list(lengths)[:-1]:
            starts.append(starts[-1] + int(length))
        frame = frame.map_partitions(_number, starts, meta=_with_line(frame._meta))
        line_column = LINE
    shuffled = frame.shuffle(on=names["claim"])
    meta = check_frame(
        pd.DataFrame(
            {
                names["claim"]: pd.Series([], dtype=object),
                names["date"]: pd.Series([], dtype=object),
                names["code"]: pd.Series([], dtype=object),
                line_column: pd.Series([], dtype="int64"),
            }
        ),
        columns=columns,
        line_column=line_column,
    )
    return shuffled.map_partitions(
        check_partition,
        refs,
        dict(names),
        line_column,
        dict(rules) if rules is not None else None,
        meta=meta,
        align_dataframes=False,
    )


def _with_line(meta: Any) -> Any:
    out = meta.copy()
    out[LINE] = out.index.to_series().astype("int64") if len(out) else []
    return out.astype({LINE: "int64"})


def _number(frame: Any, starts: list[int], partition_info: Any = None) -> Any:
    np = frames_library("numpy")
    number = partition_info["number"] if partition_info else 0
    out = frame.copy()
    out[LINE] = np.arange(len(frame), dtype=np.int64) + starts[number]
    return out


def spark_function(
    *,
    ptp: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    mue: str | os.PathLike[str] | None = None,
    catalog: str | os.PathLike[str] | None = None,
    columns: Mapping[str, str] | None = None,
    line_column: str = "line",
    rules: Rules | None = None,
) -> Any:
    """A function for Spark's ``groupBy(claim).applyInPandas(function, SPARK_SCHEMA)``.

    Spark has no row positions, so the lines need a number column (``line_column``). Each
    executor loads the tables once, as with Dask.

    >>> run = spark_function(mue="mue.csv")
    >>> callable(run)
    True
    """
    refs = References(ptp=ptp, mue=mue, catalog=catalog)
    names = dict(column_names(columns))

    def run(frame: Any) -> Any:
        found = check_partition(frame, refs, names, line_column, rules)
        for name in ("lines", "codes", "modifiers"):
            found[name] = found[name].map(list)
        return found[list(FINDING_COLUMNS)]

    return run

"""Checks of public arguments: one wording for every function that takes an option.

A wrong type is an `ArgumentTypeError` (a `TypeError`), a wrong
value an `ArgumentValueError` (a `ValueError`) naming what is
allowed. These run on the slow paths only (after a fast look-up missed), never before one.

>>> check_choice("on_conflict", "Error", ("error", "keep", "replace"))
Traceback (most recent call last):
...
proccodes.errors.ArgumentValueError: on_conflict must be one of 'error', 'keep', 'replace', not 'Error'
"""  # noqa: E501

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar

from .errors import ArgumentTypeError, ArgumentValueError, quote

_T = TypeVar("_T")
_P = ParamSpec("_P")
_R = TypeVar("_R")


def type_name(value: object) -> str:
    """The name of ``value``'s type for a message (``None`` for None)."""
    return "None" if value is None else type(value).__name__


def check_choice(name: str, value: object, allowed: Iterable[_T]) -> _T:
    """``value`` if it is one of ``allowed`` (compared by equality), else a clear error.

    >>> check_choice("system", "CPT", ("CPT", "HCPCS"))
    'CPT'
    """
    options = tuple(allowed)
    for option in options:
        if type(value) is type(option) and value == option:
            return option
    for option in options:  # a StrEnum member also matches its value, and the reverse
        if isinstance(value, str) and isinstance(option, str) and value == option:
            return option
    shown = ", ".join(repr(str(o)) if isinstance(o, str) else repr(o) for o in options)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ArgumentTypeError(f"{name} must be one of {shown}, not {type_name(value)}")
    raise ArgumentValueError(f"{name} must be one of {shown}, not {quote(value)}")


def check_int(
    name: str, value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """``value`` if it is a whole number (not a bool) within the bounds, else a clear error.

    >>> check_int("limit", -1, minimum=1)
    Traceback (most recent call last):
    ...
    proccodes.errors.ArgumentValueError: limit must be at least 1, not -1
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"{name} must be a whole number (int), not {type_name(value)}")
    if minimum is not None and value < minimum:
        raise ArgumentValueError(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ArgumentValueError(f"{name} must be at most {maximum}, not {value}")
    return value


def check_type(name: str, value: _T, expected: type | tuple[type, ...], what: str) -> _T:
    """``value`` if it is an instance of ``expected``; else a TypeError saying ``what`` it must be.

    >>> check_type("text", None, str, "text (str)")
    Traceback (most recent call last):
    ...
    proccodes.errors.ArgumentTypeError: text must be text (str), not None
    """
    if not isinstance(value, expected):
        raise ArgumentTypeError(f"{name} must be {what}, not {type_name(value)}")
    return value


def as_day(value: object, name: str = "on") -> date:
    """A date from a `date` or a `datetime` (its date).

    >>> as_day(datetime(2024, 1, 1, 12, 30))
    datetime.date(2024, 1, 1)
    >>> as_day("2024-01-01")
    Traceback (most recent call last):
    ...
    proccodes.errors.ArgumentTypeError: on must be a datetime.date or datetime.datetime, not str (parse text with date.fromisoformat('2024-01-01'))
    """  # noqa: E501
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):  # a subclass of date
        return date(value.year, value.month, value.day)
    hint = ""
    if isinstance(value, str):
        hint = f" (parse text with date.fromisoformat({quote(value)}))"
    raise ArgumentTypeError(
        f"{name} must be a datetime.date or datetime.datetime, not {type_name(value)}{hint}"
    )


def check_mapping_of_records(name: str, value: Any) -> Any:
    """``value`` if it is a mapping of codes to `Procedure` (a
    `Catalog`, or a dict of records).

    >>> check_mapping_of_records("catalog", {})
    {}
    >>> check_mapping_of_records("catalog", {"62290": "a title"})
    Traceback (most recent call last):
    ...
    proccodes.errors.ArgumentTypeError: catalog must map codes to Procedure records, not to str
    """
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(
            f"{name} must be a Catalog or a mapping of codes to records, not {type_name(value)}"
        )
    if type(value).__name__ != "Catalog":  # a Catalog holds only records; check anything else
        # This module sits below records (records imports it), so it does not import records:
        # while proccodes.records is not loaded, no value can be a Procedure.
        records = sys.modules.get(f"{__package__}.records")
        procedure = getattr(records, "Procedure", None)
        for record in value.values():
            if procedure is None or not isinstance(record, procedure):
                raise ArgumentTypeError(
                    f"{name} must map codes to Procedure records, not to {type_name(record)}"
                )
    return value


def renamed_keyword(old: str, new: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Accept ``old=`` as a deprecated alias of the keyword ``new=`` for one release.

    Passing ``old=`` warns with a `DeprecationWarning` and passes the value on as
    ``new=``; passing both is an `ArgumentTypeError`.

    >>> @renamed_keyword("day", "on")
    ... def when(*, on: date) -> date:
    ...     return on
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     when(day=date(2026, 1, 2))
    datetime.date(2026, 1, 2)
    >>> print(caught[0].message)
    when(): the keyword day= is deprecated; use on=
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        where = function.__name__  # not the qualname: a base class name may be private

        @functools.wraps(function)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if kwargs and old in kwargs:
                if new in kwargs:
                    raise ArgumentTypeError(
                        f"{where}() got both {new}= and its deprecated name {old}=; pass {new}="
                    )
                warnings.warn(
                    f"{where}(): the keyword {old}= is deprecated; use {new}=",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper

    return decorate

"""Claim lines in, findings out: the two record types of `proccodes.claims`, and the one
validation of a line's values that every path (lines, DataFrame, Dask, Spark) shares."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs

from ..errors import ArgumentTypeError, ArgumentValueError
from ..records import Severity

__all__ = [
    "MAX_UNITS",
    "ClaimLine",
    "Finding",
    "bounded",
    "claim_value",
    "code_value",
    "date_value",
    "provider_value",
    "split_modifiers",
    "units_value",
]

_SPLIT = re.compile(r"[^0-9A-Za-z]+")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)

MAX_UNITS = 10**9
"""Units above this on one line are a ``units.invalid`` finding (no claim bills a billion)."""

MAX_QUOTED = 24
"""The most characters of a raw value that a message quotes (the rest is counted)."""


def bounded(value: str) -> str:
    """``value`` quoted for a message, cut to `MAX_QUOTED` characters.

    >>> bounded("6449"), bounded("9" * 30)
    ("'6449'", "'999999999999999999999999'... (30 characters)")
    """
    if len(value) <= MAX_QUOTED:
        return repr(value)
    return f"{value[:MAX_QUOTED]!r}... ({len(value)} characters)"


def _text_value(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"the {name} must be text, not {type(value).__name__}")
    if not value.strip():
        raise ArgumentValueError(f"the {name} must not be empty")
    return value


def claim_value(value: object) -> str:
    """A claim (or encounter) id, checked: non-empty text.

    >>> claim_value("A1")
    'A1'
    """
    return _text_value("claim", value)


def code_value(value: object) -> str:
    """A code as billed, checked only to be non-empty text (the rules judge the rest).

    >>> code_value(" 62290")
    ' 62290'
    """
    return _text_value("code", value)


def provider_value(value: object) -> str | None:
    """A billing provider id (text) or ``None``.

    >>> provider_value("1234567893"), provider_value(None)
    ('1234567893', None)
    """
    if value is None:
        return None
    return _text_value("provider", value)


def date_value(value: object) -> date:
    """A date of service: a ``date`` (a ``datetime`` gives its day) or strict ``YYYY-MM-DD``
    text; ``20260302``, ``2026-W10-1`` and a missing value (``NaT``) are refused.

    >>> date_value("2026-03-02"), date_value(datetime(2026, 3, 2, 10))
    (datetime.date(2026, 3, 2), datetime.date(2026, 3, 2))
    """
    if isinstance(value, datetime):
        try:
            return date(value.year, value.month, value.day)  # NaT has no year: TypeError
        except (TypeError, ValueError):
            raise ArgumentValueError("the date of service is missing") from None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if not _ISO_DAY.match(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            raise ArgumentValueError(
                f"date of service must be YYYY-MM-DD, not {bounded(value)}"
            ) from None
    raise ArgumentTypeError(
        f"date of service must be a date or YYYY-MM-DD text, not {type(value).__name__}"
    )


def units_value(value: object) -> int:
    """Units: a whole number (``int``, not ``bool``, text or ``2.0``); any value, the rules
    judge its size (``units.invalid``).

    >>> units_value(2), units_value(0)
    (2, 0)
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"units must be a whole number, not {type(value).__name__}")
    return int(value)


def split_modifiers(value: object) -> tuple[str, ...]:
    """Modifiers as a tuple of canonical two-character codes, in the order given.

    Text is split at anything that is not a letter or digit (``"59 LT"``, ``"59,LT"``,
    ``"59-LT"``); a list or tuple gives one modifier per item.

    >>> split_modifiers("59 lt"), split_modifiers(["26"]), split_modifiers(None)
    (('59', 'LT'), ('26',), ())
    """
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(m.upper() for m in _SPLIT.split(value) if m)
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray | dict):
        items = list(value)
        for item in items:
            if not isinstance(item, str):
                raise ArgumentTypeError(f"each modifier must be text, not {type(item).__name__}")
        return tuple(m.strip().upper() for m in items if m.strip())
    raise ArgumentTypeError(f"modifiers must be text or a list of text, not {type(value).__name__}")


def _check(convert: Any) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        convert(value)

    return check


def _pos(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ArgumentTypeError(
            f"place of service must be text or None, not {type(value).__name__}"
        )


@attrs.frozen(kw_only=True)
class ClaimLine:
    """One line of a claim: the claim (or encounter) it belongs to, the date of service, the code
    as billed (checked, not trusted), its modifiers, units, and optionally place of service and
    billing provider (the global-period rules compare lines of one provider).

    >>> line = ClaimLine(claim="A1", date="2026-03-02", code="64493", modifiers="50")
    >>> line.date, line.modifiers, line.units, line.provider
    (datetime.date(2026, 3, 2), ('50',), 1, None)
    """

    claim: str = attrs.field(validator=_check(claim_value))
    date: date = attrs.field(converter=date_value)
    code: str = attrs.field(validator=_check(code_value))
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=split_modifiers)
    units: int = attrs.field(default=1, validator=_check(units_value))
    place_of_service: str | None = attrs.field(default=None, validator=_pos)
    provider: str | None = attrs.field(default=None, validator=_check(provider_value))


@attrs.frozen(kw_only=True)
class Finding:
    """What a check found: a stable ``rule`` id (see docs/claims.md), its ``severity``, the
    ``lines`` concerned (0-based positions in the input, ascending), a ``message`` for a biller
    and the data ``release`` the rule rests on; as fields: the ``claim``, the ``date`` of
    service, the ``codes`` and ``modifiers`` of the lines (in the order of ``lines``;
    modifiers space-separated), and a suggested ``fix`` ("" when none fits).

    >>> str(Finding(rule="mue.units", severity=Severity.ERROR, lines=(0,), message="m",
    ...             release="CMS NCCI MUE practitioner"))
    'error mue.units line 0: m [CMS NCCI MUE practitioner]'
    """

    rule: str
    severity: Severity
    lines: tuple[int, ...]
    message: str
    release: str
    claim: str = ""
    date: date | None = None
    codes: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    fix: str = ""

    def __str__(self) -> str:
        where = ", ".join(map(str, self.lines))
        plural = "s" if len(self.lines) > 1 else ""
        head = f"{self.severity.value} {self.rule} line{plural} {where}"
        return f"{head}: {self.message} [{self.release}]"

    def sort_key(self) -> tuple[int, str, tuple[int, ...], str]:
        """The order findings are returned in: by first line, rule, lines, message.

        >>> Finding(rule="r", severity=Severity.ERROR, lines=(3, 7), message="m",
        ...         release="x").sort_key()
        (3, 'r', (3, 7), 'm')
        """
        return (self.lines[0] if self.lines else -1, self.rule, self.lines, self.message)

"""Claim lines in, findings out: the two record types of [`proccodes.claims`][proccodes.claims]."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs

from ..records import Severity

__all__ = ["ClaimLine", "Finding"]

_SPLIT = re.compile(r"[^0-9A-Za-z]+")


def _text(name: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be text, not {type(value).__name__}")
        if not value.strip():
            raise ValueError(f"{name} must not be empty")

    return check


def _to_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"date of service must be YYYY-MM-DD, not {value!r}") from None
    raise TypeError(
        f"date of service must be a date or YYYY-MM-DD text, not {type(value).__name__}"
    )


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
    if isinstance(value, Iterable):
        items = list(value)
        for item in items:
            if not isinstance(item, str):
                raise TypeError(f"each modifier must be text, not {type(item).__name__}")
        return tuple(m.strip().upper() for m in items if m.strip())
    raise TypeError(f"modifiers must be text or a list of text, not {type(value).__name__}")


def _units(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"units must be a whole number, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"units must be 0 or more, not {value}")


def _pos(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"place of service must be text or None, not {type(value).__name__}")


@attrs.frozen(kw_only=True)
class ClaimLine:
    """One line of a claim: the claim (or encounter) it belongs to, the date of service, the code
    as billed (checked, not trusted), its modifiers, units and, optionally, place of service.

    >>> line = ClaimLine(claim="A1", date="2026-03-02", code="64493", modifiers="50")
    >>> line.date, line.modifiers, line.units
    (datetime.date(2026, 3, 2), ('50',), 1)
    """

    claim: str = attrs.field(validator=_text("claim"))
    date: date = attrs.field(converter=_to_date)
    code: str = attrs.field(validator=_text("code"))
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=split_modifiers)
    units: int = attrs.field(default=1, validator=_units)
    place_of_service: str | None = attrs.field(default=None, validator=_pos)


@attrs.frozen(kw_only=True)
class Finding:
    """What a check found: a stable ``rule`` id (see docs/claims.md), its ``severity``, the
    ``lines`` concerned (0-based positions in the input, ascending), a ``message`` for a biller
    and the data ``release`` the rule rests on.

    >>> str(Finding(rule="mue.units", severity=Severity.ERROR, lines=(0,), message="m",
    ...             release="CMS NCCI MUE practitioner"))
    'error mue.units line 0: m [CMS NCCI MUE practitioner]'
    """

    rule: str
    severity: Severity
    lines: tuple[int, ...]
    message: str
    release: str

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

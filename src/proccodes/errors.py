"""The exceptions proccodes raises on bad input, and nothing else.

Every class has a message that names the input and says what would be valid. All derive from
`ProcCodesError`, so ``except proccodes.ProcCodesError`` catches everything the API raises
on bad input; `InvalidCodeError` is also a `ValueError` and
`UnknownCodeError` also a `KeyError`; a malformed code used as a mapping key is an
`InvalidCodeKeyError` (both a `ValueError` and a `KeyError`); a bad argument
is an `ArgumentTypeError` (also a `TypeError`) or an `ArgumentValueError`
(also a `ValueError`). So code written against the built-in exceptions keeps working.

Every exception survives pickling with its fields (``pickle.loads(pickle.dumps(err))`` gives an
equal message and equal attributes), so it can cross a process boundary: a worker of
`multiprocessing` or `concurrent.futures` that raises one is reported, not hung.
Messages quote at most a short prefix of a huge input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

__all__ = [
    "ArgumentTypeError",
    "ArgumentValueError",
    "CodeNotActiveError",
    "DataError",
    "InvalidCodeError",
    "InvalidCodeKeyError",
    "ProcCodesError",
    "UnknownCodeError",
    "quote",
]


class ProcCodesError(Exception):
    """Base class of every error proccodes raises on bad input."""

    # The fields each subclass is rebuilt from: (positional names, keyword names).
    _FIELDS: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle as (class, self.args) by default; these take other constructor
        # arguments than their message, so they say how to rebuild themselves.
        positional, keywords = self._FIELDS
        if not positional and not keywords:
            return tuple(super().__reduce__())
        return (
            _rebuild,
            (
                type(self),
                tuple(getattr(self, name) for name in positional),
                {name: getattr(self, name) for name in keywords},
            ),
            dict(self.__dict__),  # e.g. __notes__; the fields are set again, to equal values
        )


def _rebuild(
    cls: type[ProcCodesError], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> ProcCodesError:
    return cls(*args, **kwargs)


QUOTE_LIMIT = 60
"""How many characters of an input an error message quotes; the rest is elided."""


def quote(value: object) -> str:
    """``repr(value)``, cut to a short prefix when the input is huge: how a message names input.

    >>> quote("62290")
    "'62290'"
    >>> quote("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (100 long)"
    """
    if isinstance(value, str | bytes) and len(value) > QUOTE_LIMIT:
        return repr(value[:QUOTE_LIMIT])[:-1] + f"...{repr(value)[-1]} ({len(value):,} long)"
    text = repr(value)
    return text if len(text) <= 2 * QUOTE_LIMIT else text[: 2 * QUOTE_LIMIT] + "..."


class ArgumentTypeError(ProcCodesError, TypeError):
    """An argument of the wrong type: a `TypeError` that is also a
    `ProcCodesError`, so ``except TypeError`` and ``except ProcCodesError`` both catch it.

    >>> err = ArgumentTypeError("limit must be a whole number (int), not str")
    >>> isinstance(err, TypeError), isinstance(err, ProcCodesError)
    (True, True)
    """


class ArgumentValueError(ProcCodesError, ValueError):
    """An argument of the right type but a value that is not allowed: a `ValueError`
    that is also a `ProcCodesError`.

    >>> err = ArgumentValueError("limit must be at least 1, not 0")
    >>> isinstance(err, ValueError), isinstance(err, ProcCodesError)
    (True, True)
    """


class InvalidCodeError(ProcCodesError, ValueError):
    """The text is not a well-formed CPT or HCPCS Level II code.

    ``reason`` says what is wrong and what would be valid. Where a modifier was attached
    (``62290-50``), ``code`` is the code part and ``modifiers`` the modifiers, so that a caller
    can report them instead of losing them.

    >>> err = InvalidCodeError("62290-50", "a modifier is attached", code="62290",
    ...                        modifiers=("50",))
    >>> str(err)
    "'62290-50' is not a valid code: a modifier is attached"
    >>> err.modifiers
    ('50',)
    """

    _FIELDS = (("text", "reason"), ("code", "modifiers"))

    def __init__(
        self,
        text: object,
        reason: str,
        *,
        code: str | None = None,
        modifiers: Sequence[str] = (),
    ) -> None:
        self.text = text
        self.reason = reason
        self.code = code
        self.modifiers = tuple(modifiers)
        super().__init__(f"{quote(text)} is not a valid code: {reason}")

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidCodeKeyError(InvalidCodeError, KeyError):
    """A malformed code used as a mapping key (``catalog["6229O"]``): an
    `InvalidCodeError` (so also a `ValueError`) that is also a `KeyError`,
    as the `Mapping` protocol expects of a missing key.

    >>> err = InvalidCodeKeyError("6229O", "'O' is a letter; did you mean the digit 0?")
    >>> isinstance(err, KeyError), isinstance(err, ValueError), isinstance(err, InvalidCodeError)
    (True, True, True)
    >>> str(err)
    "'6229O' is not a valid code: 'O' is a letter; did you mean the digit 0?"
    """


class UnknownCodeError(ProcCodesError, KeyError):
    """A well-formed code that the catalog (or another table keyed by code) does not hold.

    ``suggestions`` lists codes the catalog does hold that are close to it; ``where`` names
    the table when it is not the catalog.

    >>> str(UnknownCodeError("62229", suggestions=("62290", "62291")))
    "code '62229' is not in the catalog; did you mean 62290 or 62291?"
    >>> str(UnknownCodeError("99999", where="the fee schedule RVU25D"))
    "code '99999' is not in the fee schedule RVU25D"
    """

    _FIELDS = (("code",), ("suggestions", "where"))

    def __init__(
        self, code: str, *, suggestions: Iterable[str] = (), where: str = "the catalog"
    ) -> None:
        self.code = code
        self.suggestions = tuple(suggestions)
        self.where = where
        message = f"code {quote(code)} is not in {where}"
        if self.suggestions:
            message += "; did you mean " + _or_list(self.suggestions) + "?"
        super().__init__(message)

    def __str__(self) -> str:
        # KeyError's own __str__ would wrap the message in quotes.
        return str(self.args[0])


class CodeNotActiveError(ProcCodesError):
    """The code exists but was not in effect on the date asked about.

    >>> err = CodeNotActiveError("Q9974", date(2019, 1, 1), terminated=date(2017, 12, 31),
    ...                          replaced_by=("J2274",))
    >>> str(err)
    'code Q9974 was not in effect on 2019-01-01: ended on 2017-12-31; replaced by J2274'
    """

    _FIELDS = (("code", "on"), ("effective", "terminated", "replaced_by"))

    def __init__(
        self,
        code: str,
        on: date,
        *,
        effective: date | None = None,
        terminated: date | None = None,
        replaced_by: Iterable[str] = (),
    ) -> None:
        self.code = code
        self.on = on
        self.effective = effective
        self.terminated = terminated
        self.replaced_by = tuple(replaced_by)
        if effective is not None and on < effective:
            why = f"effective only from {effective.isoformat()}"
        elif terminated is not None:
            why = f"ended on {terminated.isoformat()}"
        else:
            why = "no date range covers it"
        message = f"code {code} was not in effect on {on.isoformat()}: {why}"
        if self.replaced_by:
            message += "; replaced by " + _or_list(self.replaced_by, "and")
        super().__init__(message)


class DataError(ProcCodesError):
    """A data file could not be read: every problem found, each naming where it is.

    ``source`` names the file; ``problems`` holds one line per problem, each naming the line or
    record and the field path, e.g. ``record 62290: expected a list @ 62290.clinical.risks``.

    >>> err = DataError("catalog.json", ["record 62290: missing field @ 62290.title"])
    >>> print(err)
    catalog.json: 1 problem
      record 62290: missing field @ 62290.title
    """

    _FIELDS = (("source", "problems"), ())

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.source = source
        self.problems = tuple(problems) or ("unreadable",)
        count = len(self.problems)
        head = f"{source}: {count} problem{'s' if count != 1 else ''}"
        super().__init__(head + "".join(f"\n  {p}" for p in self.problems))


def _or_list(items: Sequence[str], word: str = "or") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]

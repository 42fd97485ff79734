"""Code syntax: normalize, validate and classify CPT and HCPCS Level II codes.

Pure functions over text: nothing here knows which codes exist, only which are well formed.

- [`normalize_code`][proccodes.codes.normalize_code] strips surrounding white space (non-breaking
too) and upper-cases the
  ASCII letters a-z (only those: ``"ſ".upper()`` is ``"S"``, and ``"ſ9090"`` is not a code).
- [`validate_code`][proccodes.codes.validate_code] returns the canonical
[`Code`][proccodes.codes.Code] or raises
  [`InvalidCodeError`][proccodes.InvalidCodeError] with a specific reason.
- [`is_valid_code`][proccodes.codes.is_valid_code] never raises;
[`is_valid_codes`][proccodes.codes.is_valid_codes] does a whole column at once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from enum import StrEnum

from .errors import ArgumentTypeError, InvalidCodeError

TYPE_CHECKING = False  # (typing is not imported for it: a cold get does not need typing)
if TYPE_CHECKING:  # type checkers see the attrs class Code is (tests/test_frozen.py)
    from attrs import frozen
else:
    from ._frozen import frozen

__all__ = [
    "Code",
    "CodeKind",
    "CodeSystem",
    "CptSection",
    "classify_code",
    "is_valid_code",
    "is_valid_codes",
    "normalize_code",
    "validate_code",
]


class CodeSystem(StrEnum):
    """The code system a code belongs to."""

    CPT = "CPT"
    HCPCS = "HCPCS"


class CodeKind(StrEnum):
    """The kind of code within its system, told apart by its shape."""

    CPT_CATEGORY_I = "CPT Category I"
    CPT_CATEGORY_II = "CPT Category II"
    CPT_CATEGORY_III = "CPT Category III"
    CPT_PLA = "CPT PLA"
    HCPCS_LEVEL_II = "HCPCS Level II"


class CptSection(StrEnum):
    """The section of the CPT Category I code set that a code's number falls in."""

    EVALUATION_AND_MANAGEMENT = "Evaluation and Management"
    ANESTHESIA = "Anesthesia"
    SURGERY = "Surgery"
    RADIOLOGY = "Radiology"
    PATHOLOGY_AND_LABORATORY = "Pathology and Laboratory"
    MEDICINE = "Medicine"


@frozen(kw_only=True)
class Code:
    """A well-formed code in canonical form, with its system, kind and (Category I) section.

    >>> validate_code("62290")
    Code(code='62290', system=<CodeSystem.CPT: 'CPT'>, kind=<CodeKind.CPT_CATEGORY_I: 'CPT Category I'>, section=<CptSection.SURGERY: 'Surgery'>)
    >>> str(validate_code("j2650"))
    'J2650'
    """  # noqa: E501

    code: str
    system: CodeSystem
    kind: CodeKind
    section: CptSection | None = None

    def __str__(self) -> str:
        return self.code


# Category I number ranges by section, the union over the years the code set has had them
# (E/M began at 99201 until 2021; Surgery at 10021 before 2019). 99100-99140 are anesthesia
# add-ons listed inside the Medicine block, so they take precedence over it.
SECTION_RANGES: tuple[tuple[int, int, CptSection], ...] = (
    (100, 1999, CptSection.ANESTHESIA),
    (10004, 69990, CptSection.SURGERY),
    (70010, 79999, CptSection.RADIOLOGY),
    (80047, 89398, CptSection.PATHOLOGY_AND_LABORATORY),
    (90281, 99099, CptSection.MEDICINE),
    (99100, 99140, CptSection.ANESTHESIA),
    (99141, 99199, CptSection.MEDICINE),
    (99201, 99499, CptSection.EVALUATION_AND_MANAGEMENT),
    (99500, 99607, CptSection.MEDICINE),
)
"""Category I number ranges ``(first, last, section)`` by section, the union over the years."""
_RANGE_STARTS = tuple(start for start, _, _ in SECTION_RANGES)
# One byte per five-digit number: 1 where a Category I section covers it.
_CAT1_NUMBERS = bytearray(100_000)
for _start, _end, _ in SECTION_RANGES:
    _CAT1_NUMBERS[_start : _end + 1] = b"\x01" * (_end - _start + 1)
del _start, _end


def _section_of(number: int) -> CptSection | None:
    i = bisect_right(_RANGE_STARTS, number) - 1
    if i >= 0:
        start, end, section = SECTION_RANGES[i]
        if start <= number <= end:
            return section
    return None


# Canonical shapes. [0-9] rather than \d, which also matches non-ASCII digits.
# HCPCS Level II: a letter CMS uses (not D, the ADA's; not I, N, O or W-Z), then four digits.
# The one definition: the CMS file loader (hcpcs.py) checks its records against it too.
HCPCS_SHAPE = "[ABCEGHJKLMPQRSTUV][0-9]{4}"
"""The regular expression of a HCPCS Level II code's shape (the CMS file loader uses it too)."""
_Match = Callable[[str], "re.Match[str] | None"]


def _compiled_on_first_use(name: str, pattern: str) -> _Match:
    """The ``fullmatch`` of ``pattern``, compiled on its first call, when it takes this
    function's place as the module's ``name`` (a cold ``get`` compiles no pattern)."""

    def first_call(text: str) -> re.Match[str] | None:
        match = globals()[name] = re.compile(pattern).fullmatch
        return match(text)

    return first_call


_SHAPE_MATCH = _compiled_on_first_use(
    "_SHAPE_MATCH",
    r"(?P<cat1>[0-9]{5})|(?P<cat1x>[0-9]{4}[AM])|(?P<cat2>[0-9]{4}F)|(?P<cat3>[0-9]{4}T)"
    rf"|(?P<pla>[0-9]{{4}}U)|(?P<hcpcs>{HCPCS_SHAPE})",
)
_OTHER_SHAPES = _compiled_on_first_use("_OTHER_SHAPES", rf"[0-9]{{4}}[AFMTU]|{HCPCS_SHAPE}")
_KIND_OF_GROUP = {
    "cat1": (CodeSystem.CPT, CodeKind.CPT_CATEGORY_I),
    "cat1x": (CodeSystem.CPT, CodeKind.CPT_CATEGORY_I),
    "cat2": (CodeSystem.CPT, CodeKind.CPT_CATEGORY_II),
    "cat3": (CodeSystem.CPT, CodeKind.CPT_CATEGORY_III),
    "pla": (CodeSystem.CPT, CodeKind.CPT_PLA),
    "hcpcs": (CodeSystem.HCPCS, CodeKind.HCPCS_LEVEL_II),
}
# Only the error path needs these (re caches compiled patterns, so they compile once, when used):
# a code, then one or more two-character modifiers after a hyphen or white space;
_WITH_MODIFIERS = r"([A-Z0-9]{5})((?:(?:\s*-\s*|\s+)[A-Z0-9]{2})+)"
_MODIFIER = r"[A-Z0-9]{2}"
# and an ICD-10-CM diagnosis code, which users paste into procedure columns.
_ICD10 = r"[A-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}"
# Zero-width characters that copy-and-paste leaves around codes; str.strip() keeps them.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Case folding of ASCII letters only: str.upper() also maps non-ASCII letters into A-Z
# ('ſ' -> 'S', 'ı' -> 'I', 'ﬀ' -> 'FF'), which would make them pass for code characters.
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalize_code(text: str) -> str:
    """Strip surrounding white space (also non-breaking and zero-width) and upper-case.

    Nothing else is guessed: dots, modifiers and missing zeros are left for
    [`validate_code`][proccodes.codes.validate_code] to report.

    >>> normalize_code(" 62290\\u00a0")
    '62290'
    >>> normalize_code("j2650")
    'J2650'
    >>> normalize_code("ſ9090")  # only ASCII letters are upper-cased
    'ſ9090'

    Args:
        text: the code as typed.

    Returns:
        The text stripped and upper-cased.

    Raises:
        InvalidCodeError: ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise InvalidCodeError(text, _not_text(text))
    stripped = text.strip().strip(_INVISIBLE).strip()
    if stripped.isascii():
        return stripped.upper()
    return stripped.translate(_ASCII_UPPER)


def validate_code(text: str) -> Code:
    """Return the canonical [`Code`][proccodes.codes.Code] for ``text`` or raise [`InvalidCodeError`][proccodes.codes.InvalidCodeError].

    The error's ``reason`` says what is wrong: empty input, the wrong length, a character no code
    has, a letter O where a zero belongs, a letter HCPCS does not use, a dental (CDT) code, a
    modifier attached, a number outside every CPT section.

    >>> validate_code(" 0627t ").kind
    <CodeKind.CPT_CATEGORY_III: 'CPT Category III'>
    >>> validate_code("6229O")
    Traceback (most recent call last):
    ...
    proccodes.errors.InvalidCodeError: '6229O' is not a valid code: found the letter 'O' at position 5 where a digit belongs; did you mean '62290'?
    >>> validate_code("62290-50").modifiers
    Traceback (most recent call last):
    ...
    proccodes.errors.InvalidCodeError: '62290-50' is not a valid code: modifier 50 is attached; pass the code '62290' and report the modifier separately

    Args:
        text: the code as typed.

    Returns:
        The code, its system and kind.

    Raises:
        InvalidCodeError: ``text`` is not a well-formed code; its ``reason`` says why.
    """  # noqa: E501
    code = normalize_code(text)
    found = classify_code(code)
    if found is None:
        raise _invalid(text, code)
    return found


def is_valid_code(obj: object) -> bool:
    """Tell whether ``obj`` is text that [`validate_code`][proccodes.codes.validate_code] accepts;
    never raises.

    >>> [is_valid_code(x) for x in ("62290", " s9090 ", "6229O", None, 62290)]
    [True, True, False, False, False]

    Args:
        obj: anything.

    Returns:
        Whether ``obj`` is the text of a well-formed code.
    """
    if type(obj) is str:
        verdict = _VERDICTS.get(obj)
        if verdict is not None:  # claim files repeat their spellings: ' 72295', '0627t'
            return verdict
        verdict = _is_valid_text(obj)
        if len(obj) <= MAX_CACHED_TEXT and len(_VERDICTS) < _MAX_VERDICTS:
            _VERDICTS[obj] = verdict
        return verdict
    if not isinstance(obj, str):
        return False
    return classify_code(normalize_code(obj)) is not None


# Verdicts of texts seen before, bounded in count and in each text's length (a padded megabyte
# is never kept): a dict read costs less than normalizing the text again.
_VERDICTS: dict[str, bool] = {}
_MAX_VERDICTS = 1 << 16
MAX_CACHED_TEXT = 32
"""The longest untidy spelling a cache keeps (here and in [`proccodes.get`][proccodes.get])."""


def _is_valid_text(text: str) -> bool:
    if len(text) == 5:  # the common case, canonical text: no allocation
        if text.isdigit() and text.isascii():
            return _CAT1_NUMBERS[int(text)] == 1
        if _OTHER_SHAPES(text) is not None:
            return True
    return classify_code(normalize_code(text)) is not None


def is_valid_codes(codes: Iterable[object]) -> list[bool]:
    """[`is_valid_code`][proccodes.codes.is_valid_code] for a whole column at once, one bool per
    item, in order.

    Each distinct value is checked once, so a claim file's column of a few thousand distinct
    codes over millions of lines costs little more than a dictionary look-up per line.

    >>> is_valid_codes(["62290", "62290", "6229O", None, "J2650"])
    [True, True, False, False, True]

    ``codes`` is a column (list, tuple, any iterable); one string is refused with a
    `TypeError` rather than checked a character at a time.

    Args:
        codes: the values to check (a list, a pandas column...).

    Returns:
        One bool per value, in order.

    Raises:
        TypeError: ``codes`` is not iterable, or is one string.
    """
    if type(codes) is list or type(codes) is tuple:
        items: list[object] | tuple[object, ...] = codes
    elif isinstance(codes, str | bytes | bytearray) or not isinstance(codes, Iterable):
        hint = "; wrap one code in a list: is_valid_codes([code])" if isinstance(codes, str) else ""
        raise ArgumentTypeError(
            f"codes must be an iterable of codes (a list or a column), not "
            f"{'None' if codes is None else type(codes).__name__}{hint}"
        )
    else:
        items = list(codes)
    try:
        verdicts = {value: is_valid_code(value) for value in set(items)}
    except TypeError:  # an unhashable item: check one by one
        return [is_valid_code(value) for value in items]
    return list(map(verdicts.__getitem__, items))


def classify_code(code: str) -> Code | None:
    """The `Code` for canonical text (already normalized), or None if it is not a code.

    The quiet form of `validate_code` for callers that hold normalized text and want no
    exception: it neither normalizes nor explains.

    Args:
        code: canonical code text (upper case, no white space).

    Returns:
        The code with its system, kind and CPT section, or None if ``code`` is not a code.

    >>> classify_code("62290").kind
    <CodeKind.CPT_CATEGORY_I: 'CPT Category I'>
    >>> classify_code("6229O") is None, classify_code(" 62290") is None
    (True, True)
    """
    m = _SHAPE_MATCH(code)
    if m is None:
        return None
    group = m.lastgroup
    assert group is not None
    system, kind = _KIND_OF_GROUP[group]
    section: CptSection | None = None
    if group == "cat1":
        section = _section_of(int(code))
        if section is None:
            return None
    elif group == "cat1x":
        section = CptSection.MEDICINE if code[4] == "A" else CptSection.PATHOLOGY_AND_LABORATORY
    return Code(code=code, system=system, kind=kind, section=section)


def _not_text(obj: object) -> str:
    if isinstance(obj, bool) or obj is None:
        return f"expected text, got {obj!r}"
    if isinstance(obj, int | float):
        return (
            f"expected text, got the number {obj!r}; codes are text, and a number loses leading "
            "zeros (write '00100', not 100)"
        )
    return f"expected text, got {type(obj).__name__}"


def _invalid(text: object, code: str) -> InvalidCodeError:
    """Build the most specific error for a normalized code that did not classify."""
    if not code:
        return InvalidCodeError(
            text, "empty; a code has five characters, such as '62290' or 'J2650'"
        )
    m = re.fullmatch(_WITH_MODIFIERS, code)
    if m is not None:
        base = m.group(1)
        modifiers = tuple(re.findall(_MODIFIER, m.group(2)))
        named = ", ".join(modifiers)
        word = "modifier" if len(modifiers) == 1 else "modifiers"
        verb = "is" if len(modifiers) == 1 else "are"
        if classify_code(base) is not None:
            reason = (
                f"{word} {named} {verb} attached; pass the code {base!r} and report the "
                f"{word} separately"
            )
        else:
            reason = f"{word} {named} {verb} attached, and {base!r} itself is not valid: " + (
                _reason(base)
            )
        return InvalidCodeError(text, reason, code=base, modifiers=modifiers)
    return InvalidCodeError(text, _reason(code))


def _reason(code: str) -> str:
    """Why a normalized, non-empty code without modifiers is not valid."""
    if "." in code:
        if re.fullmatch(r"[0-9]+\.0*", code):
            return (
                "contains a dot; codes have none, and this looks like a number a spreadsheet "
                f"turned into a decimal (the code part is {code.split('.')[0]!r})"
            )
        if re.fullmatch(_ICD10, code):
            return "contains a dot; this looks like an ICD-10 diagnosis code, not a procedure code"
        return "contains a dot; CPT and HCPCS codes have none"
    for position, char in enumerate(code, 1):
        if not ("A" <= char <= "Z" or "0" <= char <= "9"):
            return (
                f"found {char!r} at position {position}; codes have only the letters A-Z and "
                "the digits 0-9"
            )
    if len(code) != 5:
        reason = f"has {len(code)} characters; codes have five, such as '62290' or 'J2650'"
        if code.isdigit() and len(code) < 5 and classify_code(code.zfill(5)) is not None:
            reason += (
                f" (if a spreadsheet dropped leading zeros, the code may be {code.zfill(5)!r})"
            )
        return reason
    if "O" in code:
        candidate = code.replace("O", "0")
        if classify_code(candidate) is not None:
            return (
                f"found the letter 'O' at position {code.index('O') + 1} where a digit belongs; "
                f"did you mean {candidate!r}?"
            )
    first, last = code[0], code[4]
    if first.isalpha():
        if first == "D":
            return "D codes are dental (the ADA's CDT code set), which proccodes does not support"
        if first in "INO":
            return f"HCPCS Level II does not use the letter {first!r} as a first character"
        if first in "WXYZ":
            return (
                f"codes starting with {first!r} were local (Level III) codes, eliminated after "
                "2003; HCPCS Level II uses A-C, E, G, H, J-M, P-V"
            )
        for position in range(2, 6):
            if not code[position - 1].isdigit():
                return (
                    f"found {code[position - 1]!r} at position {position}; after its letter a "
                    "HCPCS Level II code has four digits"
                )
    for position in range(1, 5):
        if not code[position - 1].isdigit():
            return (
                f"found the letter {code[position - 1]!r} at position {position} where a digit "
                "belongs; CPT codes start with four digits"
            )
    if last.isalpha():
        return (
            f"a CPT code ending in a letter ends in F (Category II), T (Category III), U (PLA), "
            f"or A or M (Category I); {last!r} is none of these"
        )
    return (
        f"no CPT Category I section covers {code} (the sections span 00100-01999, "
        "10004-69990, 70010-79999, 80047-89398 and 90281-99607)"
    )

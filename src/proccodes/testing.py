"""Helpers for test suites: hypothesis strategies for codes and records, and completeness asserts.

Importing this module does not import hypothesis; each strategy function imports it when called,
so [`assert_complete`][proccodes.testing.assert_complete] works in a test suite without hypothesis
installed.

>>> from proccodes import get
>>> assert_complete(get("62290"))
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from .codes import CodeKind

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from .records import Procedure

__all__ = ["assert_complete", "codes", "invalid_codes", "procedures"]

_HCPCS_LETTERS = "ABCEGHJKLMPQRSTUV"


def _st() -> Any:
    try:
        from hypothesis import strategies
    except ImportError as exc:  # pragma: no cover - tested in a subprocess without hypothesis
        raise ImportError(
            "proccodes.testing strategies need hypothesis: pip install hypothesis"
        ) from exc
    return strategies


def codes(kind: CodeKind | None = None) -> SearchStrategy[str]:
    """Valid codes in canonical form, of one kind or of every kind.

    >>> from hypothesis import find
    >>> find(codes(CodeKind.CPT_CATEGORY_III), lambda code: True)
    '0000T'
    """
    st = _st()
    digits4 = st.integers(0, 9999).map(lambda n: f"{n:04d}")
    from .codes import SECTION_RANGES

    cat1 = st.sampled_from(SECTION_RANGES).flatmap(
        lambda r: st.integers(r[0], r[1]).map(lambda n: f"{n:05d}")
    )
    by_kind = {
        CodeKind.CPT_CATEGORY_I: cat1
        | digits4.map(lambda d: d + "A")
        | digits4.map(lambda d: d + "M"),
        CodeKind.CPT_CATEGORY_II: digits4.map(lambda d: d + "F"),
        CodeKind.CPT_CATEGORY_III: digits4.map(lambda d: d + "T"),
        CodeKind.CPT_PLA: digits4.map(lambda d: d + "U"),
        CodeKind.HCPCS_LEVEL_II: st.tuples(st.sampled_from(_HCPCS_LETTERS), digits4).map("".join),
    }
    if kind is not None:
        return by_kind[kind]  # type: ignore[no-any-return]
    return st.one_of(*by_kind.values())  # type: ignore[no-any-return]


def invalid_codes() -> SearchStrategy[str]:
    """Text that is not a valid code: typical mistakes and arbitrary text.

    >>> from hypothesis import find
    >>> find(invalid_codes(), lambda text: text.startswith("D"))
    'D0000'
    """
    st = _st()
    from .codes import is_valid_code

    mistakes = st.one_of(
        codes().map(lambda c: c[:4]),  # too short
        codes().map(lambda c: c + "0"),  # too long
        codes().map(lambda c: c + "-50"),  # modifier attached
        codes().map(lambda c: c + ".0"),  # spreadsheet decimal
        st.integers(0, 9999).map(lambda n: f"D{n:04d}"),  # dental
        st.integers(0, 9999).map(lambda n: f"{'INOWXYZ'[n % 7]}{n:04d}"),  # unused letters
    )
    return (mistakes | st.text(max_size=12)).filter(lambda t: not is_valid_code(t))  # type: ignore[no-any-return]


def procedures(*, clinical: bool = True) -> SearchStrategy[Procedure]:
    """Generated [`Procedure`][proccodes.Procedure] records, consistent enough to round-trip.

    Codes, kinds and systems agree; text is arbitrary; with ``clinical=False`` records look like
    those loaded from an official file.

    >>> from hypothesis import find
    >>> find(procedures(clinical=False), lambda p: True).clinical is None
    True
    """
    st = _st()
    from .codes import validate_code
    from .records import (
        Alternative,
        Billing,
        BodyRegion,
        ClinicalDetails,
        CodeRef,
        Descriptor,
        DescriptorUse,
        Duration,
        HcpcsFacts,
        PayerRequirement,
        Procedure,
        RequirementKind,
        Source,
        Statement,
        UnitOfService,
        YearSeen,
    )

    text = st.text(min_size=1, max_size=30)
    short = st.text(max_size=12)
    days = st.dates(date(1980, 1, 1), date(2040, 12, 31))
    ids = st.sampled_from(["a", "b", "c"])
    code_list = st.lists(codes(), max_size=3).map(tuple)

    def tuples(strategy: Any, max_size: int = 3) -> Any:
        return st.lists(strategy, max_size=max_size).map(tuple)

    statements = st.builds(Statement, text=text, sources=tuples(ids))
    billing = st.builds(
        Billing,
        unit_of_service=st.sampled_from(UnitOfService),
        body_region=st.sampled_from(BodyRegion),
        unit_note=short,
        add_on=st.booleans(),
        primary_codes=code_list,
        add_on_codes=code_list,
        companion_codes=tuples(st.builds(CodeRef, code=codes(), note=short)),
        notes=tuples(statements),
        requirements=tuples(
            st.builds(
                PayerRequirement,
                kind=st.just(RequirementKind.PRIOR_AUTHORIZATION),
                text=text,
                sources=tuples(ids),
            )
        ),
    )
    details = st.builds(
        ClinicalDetails,
        common_names=tuples(text),
        summary=text,
        purpose=text,
        indications=tuples(statements),
        preparation=tuples(statements),
        steps=tuples(statements),
        duration=st.builds(
            Duration, minutes_min=st.integers(1, 600), minutes_max=st.integers(1, 600), note=short
        ),
        settings=tuples(text),
        personnel=tuples(text),
        risks=tuples(statements),
        benefits=tuples(statements),
        recovery=tuples(statements),
        alternatives=tuples(
            st.builds(
                Alternative,
                name=text,
                description=text,
                codes=code_list,
                no_dedicated_code=st.booleans(),
                sources=tuples(ids),
            )
        ),
        patient_experience=tuples(statements),
        evidence=tuples(statements),
    )
    facts = st.builds(
        HcpcsFacts,
        year=st.none() | st.integers(1990, 2040),
        pricing_indicators=tuples(st.sampled_from(["00", "11", "51", "99"])),
        coverage=st.none() | st.sampled_from("CDIMS"),
        processing_note=st.none() | st.just("0088"),
        betos=st.none() | st.just("O1E"),
        type_of_service=tuples(st.sampled_from("1P9")),
        cross_references=code_list,
        anesthesia_base_units=st.none() | st.integers(0, 30),
        action_effective=st.none() | days,
    )
    sources = st.lists(
        st.builds(Source, id=ids, citation=text, doi=st.none() | st.just("10.1000/x")),
        max_size=3,
        unique_by=lambda s: s.id,
    ).map(tuple)

    def build(code: str, **kw: Any) -> Procedure:
        found = validate_code(code)
        return Procedure(code=found.code, system=found.system, kind=found.kind, **kw)

    return st.builds(  # type: ignore[no-any-return]
        build,
        code=codes(),
        title=text,
        descriptors=tuples(
            st.builds(Descriptor, use=st.sampled_from(DescriptorUse), text=text, source=short)
        ),
        effective=st.none() | days,
        terminated=st.none() | days,
        action=st.none() | st.sampled_from("ABCDNPS"),
        replaced_by=code_list,
        billing=(billing if clinical else st.none()),
        clinical=(details if clinical else st.none()),
        file_facts=st.none() | facts,
        history=tuples(st.builds(YearSeen, year=st.integers(1990, 2040), descriptor=short)),
        sources=sources,
        reviewed=st.none() | days,
    )


def assert_complete(subject: Procedure | Mapping[str, Procedure]) -> None:
    """Fail with a readable list of problems unless the record or catalog checks clean.

    Works as a plain ``assert`` in any test framework: raises `AssertionError`.

    >>> import attrs
    >>> from proccodes import get
    >>> assert_complete(attrs.evolve(get("62290"), title=""))
    Traceback (most recent call last):
    ...
    AssertionError: 1 problem:
      error 62290 title: is empty
    """
    from .checks import check_catalog, check_record

    problems = check_catalog(subject) if isinstance(subject, Mapping) else check_record(subject)
    if problems:
        count = len(problems)
        lines = "".join(f"\n  {p}" for p in problems)
        raise AssertionError(f"{count} problem{'s' if count != 1 else ''}:{lines}")

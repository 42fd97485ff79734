"""Our own titles for CPT codes: licence-clean, distinct, and saying what sets each code apart.

The AMA's CPT short descriptors in ../shared's PFS files serve here as an oracle of meaning only
(never shipped): from each descriptor the test derives what distinguishes the code from its
neighbours (with or without contrast, each additional unit, one side or both, the number of
views, minutes, new or established patient) and checks that our title says the same. The
issue's bars: no title equals a descriptor; at most 1 % of titles share a run of five words with
one; at most 1 % of discriminators are missed, each listed in the output.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from .conftest import DATA_DIR
from .test_licence import PFS_DIR, ama_descriptors_by_code, normalized

TITLES = DATA_DIR / "titles.tsv"
needs_shared = pytest.mark.skipif(
    not PFS_DIR.exists(), reason="needs ../shared (CMS PFS files, the oracle of meaning)"
)


@cache
def titles() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in TITLES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, title = line.split("\t")
            found[code] = title
    return found


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def derive(descriptor: str) -> dict[str, str]:
    """What sets a code apart, read from its short descriptor (oracle of meaning)."""
    s = descriptor.lower()
    found: dict[str, str] = {}
    if re.search(r"w/o ?& ?w/? ?(dye|dy\b|contrast|contr\b|cntrst)|w/o&w", s):
        found["contrast"] = "without and with"
    elif re.search(r"w/o ?(dye|dy\b|contrast|contr\b|cntrst)", s):
        found["contrast"] = "without"
    elif re.search(r"w/ ?(dye|dy\b|contrast|contr\b|cntrst)", s):
        found["contrast"] = "with"
    if re.search(r"\b(each|ea) addl\b|\baddl\b", s):
        found["add-on"] = "each additional"
    if re.search(r"\bbilat", s):
        found["side"] = "both"
    elif re.search(r"\bunilat", s):
        found["side"] = "one"
    if m := re.search(r"(\d+) ?\+? ?views?\b|(\d+)views\b", s):
        found["views"] = m.group(1) or m.group(2)
    if m := re.search(r"(\d+) ?min\b", s):
        found["minutes"] = m.group(1)
    visit = re.search(r"office|o/p|off/op|home|nursing|\bnf\b|\bdom\b", s)
    if visit and re.search(r"\bnew\b", s):
        found["patient"] = "new"
    elif visit and re.search(r"\best\b|\bestab", s):
        found["patient"] = "established"
    return found


_NUMBER_WORDS = {"1": "single|one", "2": "two", "3": "three", "4": "four"}


def says(title: str, key: str, want: str) -> bool:
    """Whether ``title`` states the discriminator ``key`` = ``want``."""
    t = title.lower()
    both = re.search(r"without and (then )?with|before and after|with and without", t)
    if key == "contrast":
        if want == "without and with":
            return bool(both)
        if want == "without":
            return "without" in t and not both
        return ("contrast" in t or "dye" in t) and "without" not in t
    if key == "add-on":
        return bool(re.search(r"additional|add-on|each added", t))
    if key == "side":
        if want == "both":
            return bool(re.search(r"both|bilateral", t))
        return bool(re.search(r"one side|unilateral|single side|\bone\b", t))
    if key in ("views", "minutes"):
        words = _NUMBER_WORDS.get(want)
        return bool(re.search(rf"\b{want}\b", t) or (words and re.search(rf"\b({words})\b", t)))
    return want in t


@needs_shared
def test_no_title_is_or_contains_ama_text() -> None:
    by_code = ama_descriptors_by_code()
    exact = {normalized(d) for texts in by_code.values() for d in texts}
    runs = {
        tuple(w[i : i + 5])
        for texts in by_code.values()
        for d in texts
        for w in [_words(d)]
        for i in range(len(w) - 4)
    }
    equal = [c for c, t in titles().items() if normalized(t) in exact]
    shared = [
        c
        for c, t in titles().items()
        for w in [_words(t)]
        if any(tuple(w[i : i + 5]) in runs for i in range(len(w) - 4))
    ]
    assert equal == []
    assert len(shared) <= 0.01 * len(titles()), shared


@needs_shared
def test_titles_say_what_sets_the_code_apart() -> None:
    by_code = ama_descriptors_by_code()
    checked = 0
    missed: list[str] = []
    for code, title in sorted(titles().items()):
        for descriptor in by_code.get(code, ())[-1:]:  # the newest release's
            for key, want in derive(descriptor).items():
                checked += 1
                if not says(title, key, want):
                    missed.append(f"{code}: should say {key} = {want}: {title!r}")
    print(f"{len(missed)} of {checked} discriminators not stated:", *missed, sep="\n  ")
    assert checked > 300
    assert len(missed) <= 0.01 * checked, "\n".join(missed)


def test_titles_file_is_well_formed() -> None:
    found = titles()
    assert len(found) > 10_000
    for code, title in found.items():
        assert re.fullmatch(r"[0-9]{4}[0-9AFMTU]", code), code
        assert 0 < len(title) <= 90, (code, title)
        assert title == title.strip(), (code, title)
        assert title[0].isupper() or title[0].isdigit(), (code, title)
    shared = [t for t, n in Counter(found.values()).items() if n > 1]
    assert len(shared) <= 0.02 * len(found), shared[:50]


def test_evaluation_and_management_visits_differ_by_type_and_level() -> None:
    found = titles()
    visits = [*(f"9920{n}" for n in range(2, 6)), *(f"9921{n}" for n in range(1, 6))]
    assert len({found[c] for c in visits}) == len(visits)
    for code in visits:
        title = found[code].lower()
        assert ("new" in title) == code.startswith("9920"), title
        assert ("established" in title) == code.startswith("9921"), title
        assert f"level {code[-1]}" in title, title


@pytest.mark.parametrize(
    ("descriptor", "title", "expected"),
    [
        ("Ct head/brain w/o dye", "CT of the head or brain without contrast", True),
        ("Ct head/brain w/o dye", "CT of the head or brain with contrast", False),
        ("Ct head/brain w/o & w/dye", "CT of the head without and then with contrast", True),
        ("X-ray exam chest 2 views", "Chest X-ray, two views", True),
        ("X-ray exam chest 2 views", "Chest X-ray, three views", False),
        ("Office o/p est mod 30 min", "Office visit, established patient, 30 minutes", True),
        ("Office o/p est mod 30 min", "Office visit, new patient, 30 minutes", False),
        ("Inj foramen epidural l/s ea addl", "Lumbar foraminal injection, first level", False),
    ],
)
def test_the_discriminator_check_can_fail(descriptor: str, title: str, expected: bool) -> None:
    assert all(says(title, k, v) for k, v in derive(descriptor).items()) is expected

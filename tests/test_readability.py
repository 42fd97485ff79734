"""Plain language: every patient-facing section of a curated record reads at US grade 8 or below.

The formula lives in tools/readability.py (one copy, also used to report grades by hand); this
test loads it from there and checks it on sentences whose grade was worked out by hand.
"""

from __future__ import annotations

import importlib.util
import statistics
from types import ModuleType

import pytest

from proccodes import default_catalog

from .conftest import ROOT


def _load_readability() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readability", ROOT / "tools" / "readability.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


readability = _load_readability()
CURATED = sorted(code for code, record in default_catalog().items() if record.curated)


def test_syllable_rule_on_known_words() -> None:
    counts = {w: readability.syllables(w) for w in ["the", "therapy", "injection", "recommended"]}
    assert counts == {"the": 1, "therapy": 3, "injection": 3, "recommended": 4}


def test_grade_of_known_sentences() -> None:
    # 6 words, 1 sentence, 6 syllables: 0.39 * 6 + 11.8 * 1 - 15.59
    assert readability.grade(["The cat sat on the mat."]) == pytest.approx(-1.45)
    # 5 words, 1 sentence, 3 + 3 + 1 + 1 + 4 = 12 syllables: 0.39 * 5 + 11.8 * 12 / 5 - 15.59
    hard = "Injection therapy is not recommended."
    assert readability.grade([hard]) == pytest.approx(14.68)
    # together: 11 words, 2 sentences, 18 syllables
    together = readability.grade(["The cat sat on the mat.", hard])
    assert together == pytest.approx(0.39 * 11 / 2 + 11.8 * 18 / 11 - 15.59)


def test_a_record_without_clinical_text_has_grade_zero() -> None:
    assert readability.grade(readability.patient_texts(object())) == 0.0


def test_every_curated_record_is_counted() -> None:
    assert len(CURATED) >= 64


def test_sentences_end_only_at_full_stops() -> None:
    assert readability.sentences("Pain may last a day; rest helps: walk slowly. Call us!") == [
        "Pain may last a day; rest helps: walk slowly",
        "Call us",
    ]


def test_every_patient_facing_section_is_scored() -> None:
    record = default_catalog()["62290"]
    sections = readability.patient_sections(record)
    assert set(sections) == {
        "summary",
        "purpose",
        "indications",
        "preparation",
        "steps",
        "risks",
        "benefits",
        "recovery",
        "alternatives",
        "patient_experience",
    }
    assert all(sections.values())


@pytest.mark.parametrize("code", CURATED)
def test_patient_text_reads_at_grade_8_or_below(code: str) -> None:
    record = default_catalog()[code]
    sections = readability.patient_sections(record)
    assert sections, f"{code} has no patient-facing text"
    over = {
        name: round(g, 1)
        for name, texts in sections.items()
        if (g := readability.grade(texts)) > readability.LIMIT
    }
    assert not over, (
        f"{code}: sections above grade {readability.LIMIT}: {over}; "
        f"run python tools/readability.py {code} for its hardest sentences"
    )


def test_median_record_reads_at_grade_7_or_below() -> None:
    grades = [readability.grade(readability.patient_texts(default_catalog()[c])) for c in CURATED]
    assert statistics.median(grades) <= 7.0

"""Flesch-Kincaid grade level of the patient-facing text of curated records.

The patient-facing sections are every section a patient reads: summary, purpose, indications,
preparation, steps, risks, benefits, recovery, alternatives and patient experience.
Health-literacy guidance asks for US school grade 8 or below; tests/test_readability.py fails a
record any of whose sections reads above it, and a catalog whose median record is above grade 7.
Sentences end at '.', '!' or '?' (and a line end) only: a clause after ';' or ':' is part of its
sentence, as the standard formula counts it. The formula is the standard one,

    grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59,

with syllables counted by a rule of thumb (vowel groups, a silent final e, a few endings), so that
the measure works offline and gives the same figure everywhere.

Run ``python tools/readability.py`` for every curated record's grade, worst first, or
``python tools/readability.py 62290`` for one record's sentences, hardest first.
"""

from __future__ import annotations

import re
import statistics
import sys
from collections.abc import Iterable

LIMIT = 8.0

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|[0-9]+(?:[.,][0-9]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_TWO_VOWELS = re.compile(r"i[ao](?!n$)|ea$|ua").findall


def syllables(word: str) -> int:
    """Syllables of one word, by rule of thumb (a number counts as one word of two syllables).

    >>> [syllables(w) for w in ["disc", "needle", "injection", "the", "area", "x"]]
    [1, 2, 3, 1, 3, 1]
    """
    w = word.lower().replace("’", "'")
    if w[:1].isdigit():
        return 2
    w = re.sub(r"'s$", "", w)
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUP.findall(w))
    if count > 1 and w.endswith("e") and not w.endswith("le"):
        count -= 1  # a silent final e: "spine", "cause"
    elif count > 1 and w.endswith("ed") and not w.endswith(("ted", "ded")):
        count -= 1  # "moved"
    elif count > 1 and w.endswith("es") and not w.endswith(("ses", "zes", "ces", "ges", "xes")):
        count -= 1  # "lines"
    count += len(_TWO_VOWELS(w))  # "radiation", "period", "area": two syllables in one group
    return max(count, 1)


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, ended by '.', '!' or '?' (';' and ':' do not end one).

    >>> sentences("It is quick. You lie still; it may sting.")
    ['It is quick', 'You lie still; it may sting']
    """
    parts = (p.strip() for p in _SENTENCE_END.split(text))
    return [p for p in parts if _WORD.search(p)]


def grade(texts: Iterable[str]) -> float:
    """The Flesch-Kincaid grade of the texts taken together.

    >>> round(grade(["The doctor puts a thin needle in your back. It takes ten minutes."]), 1)
    1.5
    """
    n_sentences = n_words = n_syllables = 0
    for text in texts:
        for sentence in sentences(text):
            words = _WORD.findall(sentence)
            n_sentences += 1
            n_words += len(words)
            n_syllables += sum(syllables(w) for w in words)
    if not n_words:
        return 0.0
    return 0.39 * n_words / n_sentences + 11.8 * n_syllables / n_words - 15.59


SECTIONS = (
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
)


def patient_sections(record: object) -> dict[str, list[str]]:
    """The patient-facing text of a curated record, by section (empty without clinical details).

    An alternative is read as its name and description.
    """
    clinical = getattr(record, "clinical", None)
    if clinical is None:
        return {}
    found: dict[str, list[str]] = {}
    for section in SECTIONS:
        value = getattr(clinical, section)
        if isinstance(value, str):
            found[section] = [value]
        elif section == "alternatives":
            found[section] = [f"{a.name}. {a.description}" for a in value]
        else:
            found[section] = [item.text for item in value]
    return found


def patient_texts(record: object) -> list[str]:
    """All the patient-facing text of a curated record, every section together."""
    return [text for texts in patient_sections(record).values() for text in texts]


def main(argv: list[str]) -> int:
    import proccodes

    catalog = proccodes.default_catalog()
    if argv:
        for code in argv:
            sections = patient_sections(catalog[code])
            print(f"{code}: grade {grade(patient_texts(catalog[code])):.1f}")
            for name, texts in sections.items():
                print(f"  {name}: {grade(texts):.1f}")
            scored = sorted(
                ((grade([s]), s) for ts in sections.values() for t in ts for s in sentences(t)),
                reverse=True,
            )
            for g, s in scored[:15]:
                print(f"  {g:5.1f}  {s}")
        return 0
    grades: dict[str, float] = {}
    for code, record in catalog.items():
        if record.curated:
            sections = patient_sections(record)
            worst = max(sections, key=lambda name: grade(sections[name]))
            grades[code] = grade(patient_texts(record))
            g = grade(sections[worst])
            flag = f"  {worst} at {g:.1f}, over {LIMIT}" if g > LIMIT else ""
            print(f"{code}  {grades[code]:5.1f}{flag}")
    if grades:
        print(f"median {statistics.median(grades.values()):.1f} over {len(grades)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

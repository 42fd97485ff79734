"""Ranked, typo-tolerant search over a catalog's records.

Ranking, best first:

1. the query is a code in the catalog, typed as coders type it (`read_code_query`: any
   case, a ``CPT`` or ``HCPCS`` prefix, spaces or dots inside, modifiers such as ``"64483-RT"``,
   ``"64635 50"`` or ``"64483rt"``, a unit count ``"x4"``); if the code has ended, the codes
   that replace it (``replaced_by``, where a CMS file states it) come next;
2. the query is a whole name of a current record (title, a common name, a descriptor, or one
   of the shipped synonyms: `synonyms`, such as ``"ekg"`` or the brand ``"kenalog"``);
3. a name of a current record starts with the query, or a code does (``"6229"``);
4. word overlap: more of the query's words found beats fewer (an ended code counts one word
   fewer, and after a current code that matches as many); then the weight of the words found
   (rare words weigh more; a word in a title or common name more than one in the summary; a
   shorter name more than a longer one; in a name with a comma, a word after the first comma
   less than one before it, since CMS names the item first: ``"Walker, folding"`` is a walker,
   ``"Seat attachment, walker"`` is not, while in ``"Injection, ketorolac"`` the drug is);
5. within that, a word found as a prefix, or only through a misspelling (below), counts for
   less than the word itself: a prefix 0.7, one edit 0.6, the same sound 0.5, two edits 0.4;
6. an add-on code (``64484``, each further level; a curated record says so, or the fee
   schedule's global period is ZZZ) comes after the primary codes that match as many words, so
   a general query leads to the procedure, then to its add-ons.

A partial code (three or four characters that start a code: ``"6449"``, ``"J10"``) lists the
codes that start so in code order, current primary codes first, then add-ons, then ended codes.
A dose counts however it is typed (``"10mg"``, ``"10 mg"``, ``"10-mg"``); ``with`` and
``without`` are stop words except before contrast or dye (``"CT head without contrast"``,
``"w/o contrast"``).

A misspelt query whose every misspelling stands for one index word reaches tiers 2 and 3 as its
spelling would (``"vertabroplastry"`` is the common name ``"vertebroplasty"``). Ties break by
code, so results are stable. The index is built once per catalog on first search.

Misspellings. A query word of four letters or more that is neither an index word nor the start
of one stands for (the phonetic steps only for a word of letters alone):

- the index words one edit away (an insertion, deletion, substitution or swap of neighbours:
  ``"discograhy"``), found through the index's one-letter deletions;
- the index words with the same phonetic key (`sound_key`: ``ph`` is ``f``; ``c``, ``k``,
  ``q``, ``ch`` one sound; soft ``c`` and ``z`` are ``s``; ``sh`` and ``ti`` before a vowel
  one sound; doubled letters count once; vowels after the first letter do not count), so
  ``"fasit"`` finds ``"facet"``, ``"kyfoplasty"`` ``"kyphoplasty"``, ``"injekshun"``
  ``"injection"``; a key of fewer than three letters is not used (``"cane"``), and a key keeps
  its `_MAX_SOUNDALIKES` most common words;
- for a word of `LONG_WORD` letters or more that found nothing above: the index words at
  most two edits away whose phonetic keys are at most one edit apart (``"vertabroplastry"``
  finds ``"vertebroplasty"``). Two slips that both change consonants (``"dicsograhpy"``) are
  not found.

Each step is a few dictionary lookups per letter of the word; none grows with the catalog, and
at most `_MAX_TWO_TYPO_CHECKS` words are checked for two edits. The one-edit table is
built with the index, the phonetic one on the first misspelt word.

Limits, so that the time of a search grows at most linearly with the query's length: a word
longer than `MAX_WORD_LENGTH` characters is matched only as itself (no prefix or typo
expansion: no name has a word that long), and only the first `MAX_QUERY_WORDS` distinct
words of a query count.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence, Set
from itertools import chain, filterfalse, islice, repeat
from operator import add, mul, neg, sub
from typing import Any

import attrs

from .codes import CodeSystem, normalize_code
from .records import BodyRegion, GlobalDays, Procedure

__all__ = [
    "CodeQuery",
    "SearchIndex",
    "name_key",
    "read_code_query",
    "sound_key",
    "synonyms",
    "tokenize",
]

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "it", "of"}
    | {"on", "or", "the", "to", "with", "without"}
)
# Everyday words for the regions billing names, so "neck" finds cervical codes.
_REGION_WORDS: dict[BodyRegion, str] = {
    BodyRegion.CERVICAL: "cervical neck",
    BodyRegion.THORACIC: "thoracic mid upper back",
    BodyRegion.CERVICAL_THORACIC: "cervical thoracic neck mid upper back",
    BodyRegion.LUMBAR: "lumbar low lower back",
    BodyRegion.LUMBOSACRAL: "lumbar sacral lumbosacral low lower back",
    BodyRegion.THORACOLUMBAR: "thoracic lumbar thoracolumbar back",
    BodyRegion.SACRAL: "sacral sacrum",
    BodyRegion.SPINE: "spine spinal back",
}

_NAME_WEIGHT = 3.0
_DESCRIPTOR_WEIGHT = 2.0
_REGION_WEIGHT = 1.0
_TEXT_WEIGHT = 0.5
_AFTER_COMMA = 0.8
# Heads that name a kind of code, not the item: in "Injection, ketorolac tromethamine, per 15 mg"
# the drug is the item.
_CATEGORY_HEADS = frozenset({"injection"})
_PREFIX_FACTOR = 0.7
_TYPO_FACTOR = 0.6
_SOUND_FACTOR = 0.5
_TWO_TYPO_FACTOR = 0.4
_MAX_EXPANSIONS = 24
_SCAN_UP_TO = 64  # up to this many, a word's records are all scored, not merged best first
_PRESORTED = 8  # an index word of this many records or more is ranked when the index is built
_MAX_SOUNDALIKES = 8  # index words kept per phonetic key, the most common first
_MAX_TWO_TYPO_CHECKS = 64  # candidates checked for two edits, per query word
LONG_WORD = 8
_RARE_WORD = 2  # an index word in at most this many records may be a misspelling itself
_COMMON_FACTOR = 5  # ... and then a respelling counts if at least this many times as common
"""A query word this long or longer is also matched within two edits (see the module doc)."""
MAX_WORD_LENGTH = 40
"""A longer query word is matched only exactly: no typo or prefix expansion."""
MAX_QUERY_WORDS = 32
_MAX_CACHED_WORDS = 16384  # query words whose expansions an index keeps (each a short list)
"""How many distinct words of a query count; the rest are ignored."""


def _stem(word: str) -> str:
    # Plural s only: "discs" -> "disc", "injections" -> "injection"; not "stenosis", "bypass".
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_STEMS: dict[str, str] = {}  # word -> its stem, for the words of the index (bounded below)

# A dose typed without a space ("10mg") or with a hyphen ("10-mg") is the number and the unit.
DOSE_UNITS = ("mg", "mcg", "ml", "gm", "g", "cc", "meq", "unit", "units", "iu", "mmol")
"""Units that a number written against them ("10mg") is split from."""
_DOSE = re.compile(r"([0-9])(" + "|".join(DOSE_UNITS) + r")(?![a-z])")
# "with" and "without" are stop words, except before contrast or dye (within three words):
# "MRI lumbar with and without contrast" differs from "... without contrast".
CONTRAST_WORDS = frozenset({"contrast", "dye"})
"""The words that make a "with" or "without" up to `CONTRAST_REACH` words before count."""
CONTRAST_REACH = 3
_WITH = frozenset({"with", "without"})
_W_SHORT = {"w": "with", "wo": "without"}  # "w/o contrast", "w contrast", "wo contrast"
_STOP_OR_SHORT = _STOP | _W_SHORT.keys()
_WITH_OR_SHORT = _WITH | _W_SHORT.keys()


def tokenize(text: str) -> list[str]:
    """Lower-cased, singular words of ``text``, without stop words.

    A number written against a unit is two words (``"10mg"`` is ``"10 mg"``); ``with`` and
    ``without`` count only before contrast or dye.

    >>> tokenize("Injections of the Lumbar discs (L4-L5)")
    ['injection', 'lumbar', 'disc', 'l4', 'l5']
    >>> tokenize("Kenalog 10mg"), tokenize("CT head w/o contrast")
    (['kenalog', '10', 'mg'], ['ct', 'head', 'without', 'contrast'])
    """
    stems = _STEMS
    lower = text.lower()
    if _DOSE.search(lower):
        lower = _DOSE.sub(r"\1 \2", lower)
    words = _WORD.findall(lower)
    found = []
    for n, word in enumerate(words):
        if word in _STOP_OR_SHORT:
            if word not in _WITH_OR_SHORT:
                continue
            if word == "w" and words[n + 1 : n + 2] == ["o"]:
                word = "without"
            else:
                word = _W_SHORT.get(word, word)
            if CONTRAST_WORDS.isdisjoint(words[n + 1 : n + 1 + CONTRAST_REACH]):
                continue
        elif word == "o" and n and words[n - 1] == "w":
            continue
        stem = stems.get(word)
        if stem is None:
            stem = _stem(word)
            if len(stems) < 200_000:
                stems[word] = stem
        found.append(stem)
    return found


# The phonetic key: sounds spelt several ways become one letter, then doubled letters and the
# vowels after the first letter go. Uppercase letters are the key's own sounds (X is "sh").
_SOFT_C = re.compile(r"s?c(?=[eiy])")  # cell, science, cyst: s
_SOFT_G = re.compile(r"g(?=[eiy])")  # surgery, gel: j
_SH = re.compile(r"ti(?=[aou])|sh")  # injection, lotion, shot: sh
_SPELLINGS = (
    ("sch", "sk"),
    ("ph", "f"),
    ("ch", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("c", "k"),
    ("dg", "j"),
)
_SILENT_START = ("kn", "gn", "pn", "ps", "wr")  # knee, gnathic, pneumo, psoas, wrist
_RUN = re.compile(r"(.)\1+")
_VOWELS = str.maketrans("", "", "aeiouyhw")


def sound_key(word: str) -> str:
    """The phonetic key of a lower-case word: what is left of how it sounds.

    ``ph`` is ``f``; ``c``, ``k``, ``q`` and ``ch`` are one sound, soft ``c`` (before e, i, y)
    and ``z`` are ``s``, soft ``g`` is ``j``, ``sh`` and ``ti`` before a, o or u are one
    sound, ``x`` is ``ks``; a silent first letter (``kn``, ``ps``, ``wr``...) goes; a doubled
    letter counts once; vowels (and h, w, y) after the first letter are dropped, and a first
    vowel is ``a``. Words that differ only in those ways share a key.

    >>> sound_key("kyphoplasty"), sound_key("kifoplasti")
    ('kfplst', 'kfplst')
    >>> sound_key("facet") == sound_key("fasit")
    True
    """
    if not word:
        return ""
    if word[:2] in _SILENT_START:
        word = word[1:]
    elif word[:1] == "x":
        word = "s" + word[1:]
    word = _SH.sub("X", _SOFT_G.sub("j", _SOFT_C.sub("s", word)))
    for spelling, sound in _SPELLINGS:
        word = word.replace(spelling, sound)
    word = _RUN.sub(r"\1", word)
    head = "a" if word[:1] in "aeiouy" else word[:1]
    return head + word[1:].translate(_VOWELS)


def _within_two_edits(a: str, b: str) -> bool:
    """Optimal-string-alignment distance <= 2: past their common start, the first letters
    differ, so one edit is there (a substitution, a deletion from either word, or a swap of
    neighbours) and the rest is within one edit."""
    if abs(len(a) - len(b)) > 2:
        return False
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    a, b = a[i:], b[i:]
    if not a or not b:
        return len(a) + len(b) <= 2
    return (
        _within_one_edit(a[1:], b[1:])
        or _within_one_edit(a[1:], b)
        or _within_one_edit(a, b[1:])
        or (a[1:2] == b[:1] and b[1:2] == a[:1] and _within_one_edit(a[2:], b[2:]))
    )


def _split_name(text: str) -> tuple[set[str], set[str]]:
    """The words of a name before its first comma, and those only after it: CMS names the item
    first ("Walker, folding" is a walker, "Seat attachment, walker" is not), unless what comes
    first is a category ("Injection, ketorolac tromethamine, per 15 mg"): then no split."""
    head, comma, rest = text.partition(",")
    if not comma or head.strip().lower() in _CATEGORY_HEADS:
        return set(tokenize(text)), set()
    tokens = set(tokenize(head))
    return tokens, set(tokenize(rest)).difference(tokens)


def name_key(text: str) -> str:
    """The form in which a name is looked up: its lower-case words, one space apart.

    >>> name_key("SI-joint  Injection")
    'si joint injection'
    """
    return " ".join(_WORD.findall(text.lower()))


_name_key = name_key


def _within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance <= 1: one insertion, deletion, substitution or swap."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) <= 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _is_add_on(record: Procedure) -> bool:
    """An add-on code: so its curated record says, or its fee schedule's global period is ZZZ."""
    if record.billing is not None:
        return record.billing.add_on
    return record.pfs is not None and record.pfs.global_days is GlobalDays.ADD_ON


def _deletions(word: str) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


SYNONYMS_FILE = "synonyms.tsv"
"""The shipped synonyms, in the package's ``data`` folder (see `synonyms`)."""


@attrs.frozen
class Synonym:
    """One line of the synonyms file: ``phrases`` (lay words, abbreviations, brand names) that
    name ``codes`` (kind ``"codes"``), or every record whose title holds all the words of
    ``words`` (kind ``"words"``: a brand name and its generic drug, as HCPCS Level II names it;
    kind ``"brand"`` is the same for a drug's brand name)."""

    kind: str
    phrases: tuple[str, ...]
    codes: tuple[str, ...] = ()
    words: str = ""
    line: int = 0


_SYNONYM_KINDS = ("codes", "words", "brand")
_SYNONYMS: list[tuple[Synonym, ...]] = []


def synonyms() -> tuple[Synonym, ...]:
    """The shipped synonyms: our own words for codes and drugs, read once, on first use.

    Each line of ``data/synonyms.tsv`` is ``kind<TAB>phrase|phrase...<TAB>target``: kind
    ``codes`` with the codes the phrases name, kind ``words`` or ``brand`` with the words a
    record's title must hold. A malformed line is a `DataError`
    naming the file, the line and the field.

    >>> ecg = next(s for s in synonyms() if "ekg" in s.phrases)
    >>> ecg.kind, "93000" in ecg.codes
    ('codes', True)
    >>> next(s.words for s in synonyms() if "kenalog" in s.phrases)
    'triamcinolone acetonide'
    """
    if not _SYNONYMS:
        from importlib import resources

        text = resources.files("proccodes").joinpath("data", SYNONYMS_FILE).read_text("utf-8")
        _SYNONYMS[:] = [parse_synonyms(text, SYNONYMS_FILE)]
    return _SYNONYMS[0]


def parse_synonyms(text: str, source: str = SYNONYMS_FILE) -> tuple[Synonym, ...]:
    r"""The synonyms of a file's ``text`` (the format of `synonyms`).

    >>> parse_synonyms("codes\tekg|ecg\t93000 93005\n")[0].codes
    ('93000', '93005')
    >>> parse_synonyms("code\tekg\t93000\n", "s.tsv")
    Traceback (most recent call last):
    ...
    proccodes.errors.DataError: s.tsv: 1 problem
      line 1: field kind: 'code' is not one of codes, words, brand
    """
    from .errors import DataError

    found: list[Synonym] = []
    problems: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            problems.append(
                f"line {n}: expected 3 fields (kind, phrases, target), got {len(fields)}"
            )
            continue
        kind, phrases_text, target = (f.strip() for f in fields)
        phrases = tuple(p.strip().lower() for p in phrases_text.split("|"))
        if kind not in _SYNONYM_KINDS:
            problems.append(f"line {n}: field kind: {kind!r} is not one of codes, words, brand")
        elif not all(tokenize(p) for p in phrases):
            problems.append(f"line {n}: field phrases: an empty phrase in {phrases_text!r}")
        elif not tokenize(target):
            problems.append(f"line {n}: field target: empty")
        elif kind == "codes":
            codes = tuple(target.upper().split())
            bad = [c for c in codes if not _CODE.fullmatch(c)]
            if bad:
                problems.append(f"line {n}: field target: not a code: {', '.join(bad)}")
            else:
                found.append(Synonym(kind, phrases, codes=codes, line=n))
        else:
            found.append(Synonym(kind, phrases, words=target.lower(), line=n))
    if problems:
        raise DataError(source, problems)
    return tuple(found)


_CODE = re.compile(r"[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4}")
_DIGIT = re.compile(r"[0-9]")
_CODE_START = re.compile(r"[0-9]{3,4}|[A-Z][0-9]{2,3}")
_QUERY_PREFIX = re.compile(r"(?:(?:CPT|HCPCS)(?:\s*CODE)?|CODE)\b\s*[:#]?\s*")
_QUERY_SEPARATORS = " .-"
_UNITS = re.compile(r"X\s*([0-9]{1,3})|([0-9]{1,3})\s*UNITS?")
_MODIFIERS = re.compile(r"(?:[\s,-]*([A-Z0-9]{2})(?![A-Z0-9]))*")


@attrs.frozen
class CodeQuery:
    """A query that is a code as coders type it: the code, the modifiers noted, a unit count,
    and whether it is the start of a code only (``"6449"``)."""

    code: str
    modifiers: tuple[str, ...] = ()
    units: int | None = None
    partial: bool = False


def read_code_query(text: str) -> CodeQuery | None:
    """``text`` read as a code typed the way coders type it, or ``None`` if it is not one.

    Accepted: any case, a ``CPT`` or ``HCPCS`` prefix, spaces or dots inside the code, a
    trailing dot, modifiers after a hyphen, a space or nothing (``"64483-RT"``, ``"64635 50"``,
    ``"64483rt"``) and a unit count (``"x4"``, ``"4 units"``). Three or four characters that
    start a code are a partial code.

    >>> read_code_query("64483rt")
    CodeQuery(code='64483', modifiers=('RT',), units=None, partial=False)
    >>> read_code_query("CPT 99 213-25 x2")
    CodeQuery(code='99213', modifiers=('25',), units=2, partial=False)
    >>> read_code_query("6449").partial, read_code_query("lipid panel")
    (True, None)
    """
    if not isinstance(text, str):
        return None
    rest = normalize_code(text).rstrip(".")
    if len(rest) > 64:
        return None
    prefix = _QUERY_PREFIX.match(rest)
    if prefix is not None:
        rest = rest[prefix.end() :]
    code = ""
    at = 0
    # the code's characters, with separators between them
    while at < len(rest) and len(code) < 5:
        char = rest[at]
        if char.isascii() and char.isalnum():
            code += char
        elif char not in _QUERY_SEPARATORS or not code:
            break
        at += 1
    rest = rest[at:]
    if len(code) < 5:
        if not rest.strip() and _CODE_START.fullmatch(code):
            return CodeQuery(code, partial=True)
        return None
    if not _CODE.fullmatch(code):
        return None
    units = None
    found = _UNITS.search(rest)
    if found is not None:
        units = int(found.group(1) or found.group(2))
        rest = rest[: found.start()] + rest[found.end() :]
    modifiers = _MODIFIERS.fullmatch(rest.rstrip(" ,-"))
    if modifiers is None:
        return None
    return CodeQuery(code, tuple(re.findall(r"[A-Z0-9]{2}", rest)), units)


class SearchIndex:
    """A token index over records, built once; `search` answers in microseconds.

    Building it also ranks each word's records and finds what each index word stands for
    (itself, the words it starts, its respellings), so that a word's first query costs no more
    than the next: about 1.2 s and 53 MB for the shipped catalog.

    >>> import proccodes
    >>> from proccodes.catalog import curated_index
    >>> index = SearchIndex(proccodes.get(code) for code in curated_index())  # curated only
    >>> [p.code for p in index.search("disc dye test", limit=1)]
    ['62290']
    """

    __slots__ = (
        "_add_ons",
        "_by_weight",
        "_code_list",
        "_codes",
        "_deletes",
        "_ended",
        "_expanded",
        "_group",
        "_idf",
        "_name_heads",
        "_name_ids",
        "_name_keys",
        "_names",
        "_postings",
        "_records",
        "_sounds",
        "_successors",
        "_vocab",
        "_vocab_expansions",
    )

    def __init__(self, records: Iterable[Procedure]) -> None:
        self._records: list[Procedure] = sorted(records, key=lambda r: r.code)
        self._code_list = [r.code for r in self._records]
        self._codes: dict[str, int] = {c: i for i, c in enumerate(self._code_list)}
        self._add_ons = frozenset(i for i, r in enumerate(self._records) if _is_add_on(r))
        # ended codes rank as if they matched one word fewer (and after current ones)
        self._ended = frozenset(i for i, r in enumerate(self._records) if r.terminated)
        # (has ended, is an add-on) as one small number, ordered as the pair is
        self._group = [
            (i in self._ended) * 2 + (i in self._add_ons) for i in range(len(self._records))
        ]
        self._successors = {
            i: tuple(self._codes[c] for c in r.replaced_by if c in self._codes)
            for i, r in enumerate(self._records)
            if r.replaced_by
        }
        names: dict[str, set[int]] = {}
        postings: dict[str, dict[int, float]] = {}
        # Texts repeat (a range's name, an RBCS family, a title that is also a descriptor):
        # each distinct text is split into words once.
        split_of: dict[tuple[str, bool], tuple[set[str], set[str]]] = {}
        keys_of: dict[str, str] = {}
        for i, record in enumerate(self._records):
            weights: dict[str, float] = {}
            for text, weight in self._weighted_texts(record):
                is_name = weight >= _DESCRIPTOR_WEIGHT
                split = split_of.get((text, is_name))
                if split is None:
                    split = split_of[text, is_name] = (
                        _split_name(text) if is_name else (set(tokenize(text)), set())
                    )
                tokens, tail = split
                if not tokens and not tail:
                    continue
                if is_name:
                    key = keys_of.get(text)
                    if key is None:
                        key = keys_of[text] = _name_key(text)
                    names.setdefault(key, set()).add(i)
                    # a word of a short name says more than the same word in a long one; the
                    # part of a name before its first comma names the item on its own
                    after = weight * _AFTER_COMMA / (1.0 + 0.1 * (len(tokens) + len(tail)))
                    for token in tail:
                        if after > weights.get(token, 0.0):
                            weights[token] = after
                    weight /= 1.0 + 0.1 * len(tokens)
                for token in tokens:
                    if weight > weights.get(token, 0.0):
                        weights[token] = weight
            for token, weight in weights.items():
                postings.setdefault(token, {})[i] = weight
        self._add_synonyms(names, postings)
        total = max(len(self._records), 1)
        self._idf = {t: math.log(1.0 + total / len(p)) for t, p in postings.items()}
        self._postings = postings
        self._names = {name: tuple(sorted(ids)) for name, ids in names.items() if name}
        self._name_keys = sorted(self._names)  # for prefixes: bisect over plain strings
        self._name_ids = [self._names[name] for name in self._name_keys]
        # a name's first word -> where the names of that first word lie in _name_keys (one
        # stretch: a space sorts before any letter or digit)
        heads: dict[str, tuple[int, int]] = {}
        for at, name in enumerate(self._name_keys):
            head = name.partition(" ")[0]
            heads[head] = (heads.get(head, (at, at))[0], at + 1)
        self._name_heads = heads
        # token -> its records best first, made on a token's first single-word query
        self._by_weight: dict[str, list[int]] = {}
        self._vocab = sorted(postings)
        deletes: dict[str, list[str]] = {}
        for token in self._vocab:
            if len(token) >= 4 and not token.isdigit():
                for d in _deletions(token):
                    deletes.setdefault(d, []).append(token)
        self._deletes = deletes
        # query word -> what _expand gives, kept for the next query holding the word: the same
        # words recur ("injection", "lumbar"), and a misspelt one costs dozens of lookups
        self._expanded: dict[str, list[tuple[str, float]]] = {}
        # the phonetic index, made on the first misspelt word: (key -> words, deletions -> keys)
        self._sounds: tuple[dict[str, tuple[str, ...]], dict[str, list[str]]] | None = None
        # the records of every word but the rarest, best first, sorted now (some 0.05-0.1 s in
        # all) rather than by the first query holding the word (up to ms for a common word,
        # holding a server up); the lists share the records' numbers: 8 bytes a posting
        self._rank_all()
        # each index word's expansions, found now (some 0.05-0.1 s) rather than on a word's
        # first query: the words of a query are mostly index words
        self._vocab_expansions = self._expand_vocab()

    def _rank_all(self) -> None:
        """Sort the records of every index word of `_PRESORTED` records or more as `_ranked`
        does: by `_order`'s key (has ended, is an add-on, -scaled weight, record), here by
        stable sorts with plain keys, the last column first."""
        by_group = self._group.__getitem__
        by_weight, idf = self._by_weight, self._idf
        for token, found in self._postings.items():
            if len(found) < _PRESORTED:
                continue
            ids = sorted(found)
            # the weights as `_order` scales them (the scaling may make two equal)
            scaled = list(map(mul, map(found.__getitem__, ids), repeat(idf[token] * 1.0)))
            order = sorted(range(len(ids)), key=scaled.__getitem__, reverse=True)
            ranked = list(map(ids.__getitem__, order))
            ranked.sort(key=by_group)
            by_weight[token] = ranked

    def _expand_vocab(self) -> dict[str, list[tuple[str, float]]]:
        """`_expand` of each index word (but an over-long one): for most, the word and the
        index words that start with it, found in one pass over the sorted words."""
        vocab, postings = self._vocab, self._postings
        found: dict[str, list[tuple[str, float]]] = {}
        for at, word in enumerate(vocab):
            if len(word) > MAX_WORD_LENGTH:
                continue
            expansions = [(word, 1.0)]
            if len(word) >= 4:
                for token in vocab[at + 1 : at + _MAX_EXPANSIONS]:
                    if not token.startswith(word):
                        break
                    expansions.append((token, _PREFIX_FACTOR))
                rare = len(expansions) == 1 and len(postings[word]) <= _RARE_WORD
                if rare and not word.isdigit():  # it may be respelt: some 10 us a word
                    expansions = self._expand(word)
            found[word] = expansions
        return found

    def _add_synonyms(
        self, names: dict[str, set[int]], postings: dict[str, dict[int, float]]
    ) -> None:
        """Give each record the shipped synonyms that name it (`synonyms`), as names:
        a phrase of kind ``codes`` names its codes; one of kind ``words`` or ``brand`` names
        every Level II record (the drug billed with a J, Q or C code, not a CPT test of its blood
        level) whose title holds all the target's words (only those whose title holds
        the phrase itself, if any do: CMS names some brands, "(inflectra)")."""
        for synonym in synonyms():
            if synonym.kind == "codes":
                ids = [self._codes[c] for c in synonym.codes if c in self._codes]
            else:
                wanted = set(tokenize(synonym.words))
                found = [postings.get(t, {}).keys() for t in wanted]
                if not all(found):
                    continue
                smallest = min(found, key=len)
                ids = [
                    i
                    for i in sorted(smallest)
                    if all(i in f for f in found)
                    and self._records[i].system is CodeSystem.HCPCS  # the drug, not its lab test
                    and wanted.issubset(tokenize(self._records[i].title))
                ]
            for phrase in synonym.phrases:
                tokens = set(tokenize(phrase))
                named = ids
                if synonym.kind != "codes":
                    tokens = {t for t in tokens if not t.isdigit()} or tokens  # "dhe 45"
                    # a brand that CMS's own texts name ("(inflectra)") names those codes only
                    own = [i for i in ids if tokens.issubset(tokenize(self._records[i].title))]
                    named = own or ids
                weight = _NAME_WEIGHT / (1.0 + 0.1 * len(tokens))
                key = _name_key(phrase)
                for i in named:
                    names.setdefault(key, set()).add(i)
                    for token in tokens:
                        found_in = postings.setdefault(token, {})
                        if weight > found_in.get(i, 0.0):
                            found_in[i] = weight

    @staticmethod
    def _sound_index(
        postings: dict[str, dict[int, float]], vocab: list[str]
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, list[str]]]:
        """Phonetic key -> the index words with that key (at most `_MAX_SOUNDALIKES`,
        the most common when there are more), and a key of a long enough word with one letter
        deleted -> the keys it comes from."""
        alike: dict[str, list[str]] = {}
        for token in vocab:  # in sorted order: the same tables from one run to the next
            if len(token) >= 4 and token.isalpha():
                alike.setdefault(sound_key(token), []).append(token)
        sounds = {
            key: tuple(
                tokens
                if len(tokens) <= _MAX_SOUNDALIKES
                else sorted(tokens, key=lambda t: (-len(postings[t]), t))[:_MAX_SOUNDALIKES]
            )
            for key, tokens in alike.items()
            if len(key) >= 3
        }
        deletes: dict[str, list[str]] = {}
        for key, tokens in sounds.items():
            # a word two edits from a long query word has at least LONG_WORD - 2 letters
            if len(key) >= 4 and any(len(t) >= LONG_WORD - 2 for t in tokens):
                for d in dict.fromkeys(_deletions(key)):
                    deletes.setdefault(d, []).append(key)
        return sounds, deletes

    @staticmethod
    def _weighted_texts(record: Procedure) -> Iterator[tuple[str, float]]:
        from .ranges import path_of

        yield record.title, _NAME_WEIGHT
        clinical = record.clinical
        if clinical is not None:
            for name in clinical.common_names:
                yield name, _NAME_WEIGHT
        for descriptor in record.descriptors:
            yield descriptor.text, _DESCRIPTOR_WEIGHT
        billing = record.billing
        if billing is not None:
            region = billing.body_region
            yield _REGION_WORDS.get(region, region.value), _REGION_WEIGHT
        if record.rbcs is not None:  # CMS's family name: "Office E&M - Established"
            yield record.rbcs.family, _REGION_WEIGHT
        if not record.curated:  # the names of its ranges: "Office and outpatient visits"
            for code_range in path_of(record.code):
                yield code_range.name, _TEXT_WEIGHT
        if clinical is not None:
            yield clinical.summary, _TEXT_WEIGHT
            yield clinical.purpose, _TEXT_WEIGHT

    def __len__(self) -> int:
        return len(self._records)

    def export(self) -> dict[str, Any]:
        """The index and its ranking parameters as plain JSON-ready data, for another
        implementation of the same ranking (the static site's ``search.js`` reads it, so the
        two cannot drift). Everything is in a stable order: the same catalog gives the same
        data, from one run to the next.

        ``codes[i]`` is record ``i`` (code order); ``postings[token]`` maps a record number
        (as text) to the word's weight in it and ``idf[token]`` is the word's rarity;
        ``names[name]`` lists the records of a whole name; ``add_ons`` and ``ended`` list
        record numbers; ``successors`` maps an ended record to the records that replace it;
        ``params`` holds the rules' constants (stop words, factors, limits, dose units,
        contrast words, tiers).

        >>> import proccodes
        >>> from proccodes.catalog import curated_index
        >>> data = SearchIndex(proccodes.get(code) for code in curated_index()).export()
        >>> data["params"]["prefix_factor"], data["codes"][data["names"]["discogram"][0]]
        (0.7, '62290')
        """
        return {
            "params": {
                "stop": sorted(_STOP),
                "with_words": sorted(_WITH),
                "with_short": dict(sorted(_W_SHORT.items())),
                "contrast_words": sorted(CONTRAST_WORDS),
                "contrast_reach": CONTRAST_REACH,
                "dose_units": list(DOSE_UNITS),
                "prefix_factor": _PREFIX_FACTOR,
                "typo_factor": _TYPO_FACTOR,
                "sound_factor": _SOUND_FACTOR,
                "two_typo_factor": _TWO_TYPO_FACTOR,
                "max_expansions": _MAX_EXPANSIONS,
                "max_soundalikes": _MAX_SOUNDALIKES,
                "max_two_typo_checks": _MAX_TWO_TYPO_CHECKS,
                "long_word": LONG_WORD,
                "rare_word": _RARE_WORD,
                "common_factor": _COMMON_FACTOR,
                "max_word_length": MAX_WORD_LENGTH,
                "max_query_words": MAX_QUERY_WORDS,
                "tiers": {"code": 4, "successor": 3.5, "name": 3, "prefix": 2},
            },
            "codes": list(self._code_list),
            "titles": [r.title for r in self._records],
            "add_ons": sorted(self._add_ons),
            "ended": sorted(self._ended),
            "successors": {str(i): list(s) for i, s in sorted(self._successors.items()) if s},
            "idf": {t: self._idf[t] for t in self._vocab},
            "postings": {
                t: {str(i): w for i, w in sorted(self._postings[t].items())} for t in self._vocab
            },
            "names": {name: list(self._names[name]) for name in self._name_keys},
        }

    def search(self, text: str, *, limit: int = 10) -> list[Procedure]:
        """Up to ``limit`` records for ``text``, best first; ``[]`` when nothing matches.

        >>> import proccodes
        >>> from proccodes.catalog import curated_index
        >>> index = SearchIndex(proccodes.get(code) for code in curated_index())
        >>> [p.code for p in index.search("62290")]
        ['62290']
        """
        if not isinstance(text, str) or not isinstance(limit, int) or limit <= 0:
            return []
        key = _name_key(text)
        if not key:
            return []
        # every code has a digit: a text without one is words only (the common case, fast)
        has_digit = _DIGIT.search(text) is not None
        typed = read_code_query(text) if has_digit else None
        if typed is not None and typed.partial:  # the codes that start so, in code order
            return [self._records[i] for i in self._code_listing(typed.code, limit)]
        # tiers above word overlap: 4 the code itself, 3.5 its successors if it ended, 3 a
        # whole name, 2 a name or code prefix (built lowest tier first, so that a higher tier
        # overwrites a lower one)
        starting = self._names_starting(key)
        tiers: dict[int, float] = dict.fromkeys(self._current(starting), 2) if starting else {}
        # without an ASCII digit the text is no code nor a code's start: each has one
        code = "" if not has_digit else normalize_code(text) if typed is None else typed.code
        # only text shaped like the start of a code can be one ('622', 'J26', '0627')
        if len(code) >= 3 and (code[1:].isdigit() or code[:-1].isdigit()):
            tiers.update(dict.fromkeys(self._codes_starting(code), 2))
        names = self._names.get(key)
        if names is not None:
            tiers.update(dict.fromkeys(self._current(names), 3))
        exact = self._codes.get(code) if code else None
        if exact is not None:
            tiers.update(dict.fromkeys(self._successors.get(exact, ()), 3.5))
            tiers[exact] = 4
        # a code with modifiers or units is the code (and its successors), not words
        distinct = islice(dict.fromkeys(tokenize(text) if typed is None else ()), MAX_QUERY_WORDS)
        expanded = {w: self._expansions(w) for w in distinct}
        words = [found for found in expanded.values() if found]
        misspelt = any(found[0][1] < _PREFIX_FACTOR for found in words)
        spelt = self._respelt(key, expanded) if misspelt else None
        if spelt is not None:  # a misspelt name reaches the tier its spelling would
            tiers.update(
                (i, 2) for i in self._current(self._names_starting(spelt)) if i not in tiers
            )
            tiers.update((i, 3) for i in self._current(self._names.get(spelt, ())) if tiers[i] < 3)
        ranked: list[int] = []
        if tiers:
            order = list(tiers)
            keys = self._rank_keys(words, order, lead=[-tiers[i] for i in order])
            ranked = [key[-1] for key in sorted(keys)]
        if len(ranked) < limit:  # the best of the rest by words, as many as are wanted
            ranked += self._by_words(words, limit - len(ranked), tiers.keys())
        records = self._records
        return [records[i] for i in ranked[:limit]]

    @staticmethod
    def _respelt(key: str, expanded: dict[str, list[tuple[str, float]]]) -> str | None:
        """``key`` (a query's words) with each misspelt word replaced by the one index word it
        stands for; ``None`` if no word is misspelt or a misspelling stands for several."""
        spelt = []
        for word in key.split():
            found = expanded.get(_stem(word)) if word not in _STOP else None
            if found and found[0][1] < _PREFIX_FACTOR:  # typos only, no exact word or prefix
                best = max(factor for _, factor in found)
                tops = [token for token, factor in found if factor == best]
                if len(tops) > 1:
                    return None
                word = tops[0]
            spelt.append(word)
        respelt = " ".join(spelt)
        return respelt if respelt != key else None

    def _rank_keys(
        self,
        words: list[list[tuple[str, float]]],
        candidates: list[int],
        lead: list[float] | None = None,
    ) -> list[tuple[Any, ...]]:
        """Each candidate's sort key by the query's words: (-words matched, has ended, is an
        add-on, -score, record), after ``lead`` (a column to sort by first) if given; smaller
        is better. A word's score is its best expansion's weight; an ended code counts one word
        fewer.

        Computed a column at a time with ``map`` and ``zip``, not a record at a time.
        """
        postings, idf = self._postings, self._idf
        matched: Iterable[int]
        score: Iterable[float]
        if len(words) == 1 and len(words[0]) == 1:  # the common case, in fewer passes
            token, factor = words[0][0]
            weight = idf[token] * factor
            score = list(
                map(mul, map(postings[token].get, candidates, repeat(0.0)), repeat(weight))
            )
            matched = map(bool, score)
        else:
            matched = [0] * len(candidates)
            score = [0.0] * len(candidates)
            for expansions in words:
                columns = [
                    list(
                        map(mul, map(postings[t].get, candidates, repeat(0.0)), repeat(idf[t] * f))
                    )
                    for t, f in expansions
                ]
                best = columns[0] if len(columns) == 1 else list(map(max, *columns))
                score = list(map(add, score, best))
                matched = list(map(add, matched, map(bool, best)))
        ended = self._ended
        if ended:
            matched = map(sub, map(ended.__contains__, candidates), matched)
        else:
            matched = map(neg, matched)
        key_columns = (
            matched,
            map(ended.__contains__, candidates),
            map(self._add_ons.__contains__, candidates),
            map(neg, score),
            candidates,
        )
        if lead is not None:
            return list(zip(lead, *key_columns, strict=True))
        return list(zip(*key_columns, strict=True))

    def _by_words(
        self, words: list[list[tuple[str, float]]], need: int, exclude: Collection[int]
    ) -> list[int]:
        """The ``need`` best records by word overlap, in rank order, leaving out ``exclude``.

        The work depends on how many records could rank, not on how many match: one word's
        records come best first from lists sorted once per index word; for several words, the
        records matching the most words are found with set and counting operations, and only
        they are scored.
        """
        if not words:
            return []
        if len(words) == 1:
            return list(islice(filterfalse(exclude.__contains__, self._best_first(words[0])), need))
        postings = self._postings
        if len(words) == 2:
            both = self._in_both(words)
            if all(map(exclude.__contains__, both)):  # the common case: no record has both
                return self._by_either(words, need, exclude)
        matches = [
            postings[e[0][0]].keys()
            if len(e) == 1
            else set().union(*(postings[t].keys() for t, _ in e))
            for e in words
        ]
        candidates = self._candidates(words, matches, need, exclude)
        keys = self._rank_keys(words, list(candidates))
        # the same as nsmallest (keys are unique: each ends with its record), which walks the
        # keys in Python: sorting a few dozen in C is faster
        best = sorted(keys)[:need] if len(keys) <= 6 * need else heapq.nsmallest(need, keys)
        return [key[-1] for key in best]

    def _in_both(self, words: list[list[tuple[str, float]]]) -> Set[int]:
        """The records holding both of two query words (some index word each stands for):
        the smaller word's records (all its index words') probed in each of the other's
        index words, so a common word's records are never gathered."""
        postings = self._postings
        first, second = ([postings[t].keys() for t, _ in e] for e in words)
        if len(first) == 1 and len(second) == 1:
            return first[0] & second[0]
        if sum(map(len, first)) > sum(map(len, second)):
            first, second = second, first
        small = first[0] if len(first) == 1 else set().union(*first)
        if len(second) == 1:
            return small & second[0]
        return set().union(*(small & other for other in second))

    def _by_either(
        self, words: list[list[tuple[str, float]]], need: int, exclude: Collection[int]
    ) -> list[int]:
        """`_by_words` for two words that no record (outside ``exclude``) has both of: the same
        candidates as `_candidates` takes, each ranked by the one word it has, with the same key
        as `_rank_keys` gives it (its score is that word's alone), without the other word's
        columns."""
        # a record's key here is (group, -score, record): its one word matched, the first
        # columns of `_rank_keys`'s key (one word fewer if ended, has ended, is an add-on)
        # order records as the group does
        postings, idf, group = self._postings, self._idf, self._group
        taken = set(exclude).__contains__ if exclude else None
        keys: list[tuple[int, float, int]] = []
        for expansions in words:
            if len(expansions) == 1:
                token, factor = expansions[0]
                ranked = self._ranked(token)
                ids = (
                    ranked[:need]
                    if taken is None
                    else list(islice(filterfalse(taken, ranked), need))
                )
                found, weight = postings[token], idf[token] * factor
                keys += [(group[i], -(found[i] * weight), i) for i in ids]
                continue
            records = [postings[t].keys() for t, _ in expansions]
            # ``_candidates`` scans a word's records when they are few (no more than the
            # largest of its index words' records are)
            if (
                max(map(len, records)) <= _SCAN_UP_TO
                and len(union := set().union(*records)) <= _SCAN_UP_TO
            ):
                ids = list(union if taken is None else filterfalse(taken, union))
                columns = [
                    list(map(mul, map(postings[t].get, ids, repeat(0.0)), repeat(idf[t] * f)))
                    for t, f in expansions
                ]
                keys += zip(
                    map(group.__getitem__, ids), map(neg, map(max, *columns)), ids, strict=True
                )
            else:  # the merged lists' keys: a record's first is its best word's
                merged = self._merged_keys(expansions)
                if taken is not None:
                    merged = (key for key in merged if not taken(key[3]))
                keys += [(group[key[3]], key[2], key[3]) for key in islice(merged, need)]
        best = sorted(keys)[:need] if len(keys) <= 6 * need else heapq.nsmallest(need, keys)
        return [key[-1] for key in best]

    def _candidates(
        self,
        words: list[list[tuple[str, float]]],
        matches: Sequence[Set[int]],
        need: int,
        exclude: Collection[int],
    ) -> set[int]:
        """The records that can be among the ``need`` best of a query of several words.

        Records matching more words rank first, so: those matching every word; if too few,
        those matching the most words down to the group that fills ``need``, all of which are
        scored. A record matching two words or more lies in some word's records other than the
        largest one's, so the largest set is only ever probed, never walked.
        """
        largest = max(matches, key=len)
        smaller = [m for m in matches if m is not largest]
        smallest: Set[int] = min(matches, key=len)
        full = set(smallest)
        for other in matches:
            full = set(filter(other.__contains__, full))
        full.difference_update(exclude)
        ended = self._ended
        if len(full) >= need and len(full) - len(ended.intersection(full)) >= need:
            return full
        if len(matches) == 2:  # matching two words is matching both: ``full`` (in some order)
            more = [(2, i) for i in full]
        else:
            counts = Counter(chain.from_iterable(smaller))
            counts.update(list(filter(largest.__contains__, counts)))
            for i in exclude:
                counts.pop(i, None)
            more = [(n, i) for i, n in counts.items() if n > 1]
        ranking = more
        if ended.isdisjoint(i for _, i in more) is False:  # an ended code counts one word fewer
            ranking = [(n - (i in ended), i) for n, i in more]
            ranking = [(n, i) for n, i in ranking if n > 1]
        if len(ranking) >= need:
            floor = sorted(ranking, reverse=True)[need - 1][0]
            return {i for n, i in ranking if n >= floor}
        # the rest match one word each (as ranked) and rank by that word alone: the best of
        # them lead that word's records, best first
        candidates = {i for _, i in more}
        taken = candidates.union(exclude).__contains__  # the others match one word alone

        for expansions, found in zip(words, matches, strict=True):
            if len(expansions) > 1 and len(found) <= _SCAN_UP_TO:
                candidates.update(filterfalse(taken, found))  # cheaper than merging a few lists
            else:
                candidates.update(islice(filterfalse(taken, self._best_first(expansions)), need))
        return candidates

    def _order(self, token: str, factor: float) -> Callable[[int], tuple[bool, bool, float, int]]:
        """A record's sort key among those holding ``token``, as a one-word query ranks them
        when ``token`` counts ``factor`` (smaller is better)."""
        weight, add_ons, found = self._idf[token] * factor, self._add_ons, self._postings[token]
        ended = self._ended
        return lambda i: (i in ended, i in add_ons, -(found[i] * weight), i)

    def _ranked(self, token: str) -> list[int]:
        """The records holding ``token``, best first as a one-word query ranks them; sorted on
        the token's first use and kept (a race only sorts it twice)."""
        ranked = self._by_weight.get(token)
        if ranked is None:
            ranked = self._by_weight[token] = sorted(
                self._postings[token], key=self._order(token, 1.0)
            )
        return ranked

    def _best_first(self, expansions: list[tuple[str, float]]) -> Iterable[int]:
        """The records holding any index word a query word stands for, each once, best first
        as that word alone ranks them: one index word's sorted list, or several merged lazily
        (a factor scales a list's keys alike, so each stays sorted)."""
        if len(expansions) == 1:
            return self._ranked(expansions[0][0])
        return self._merged(expansions)

    def _merged(self, expansions: list[tuple[str, float]]) -> Iterator[int]:
        """Several index words' sorted lists merged, each record once, at its best place."""
        return (key[3] for key in self._merged_keys(expansions))

    def _merged_keys(
        self, expansions: list[tuple[str, float]]
    ) -> Iterator[tuple[bool, bool, float, int]]:
        """`_merged`'s records with their keys (`_order`'s, at each record's best place)."""
        seen: set[int] = set()
        streams = (map(self._order(t, f), self._ranked(t)) for t, f in expansions)
        for key in heapq.merge(*streams):
            i = key[3]
            if i not in seen:
                seen.add(i)
                yield key

    def _current(self, found: Iterable[int]) -> Iterable[int]:
        """``found`` less the ended codes: those rank by their words, after current ones."""
        return filterfalse(self._ended.__contains__, found) if self._ended else found

    def _code_listing(self, start: str, limit: int) -> list[int]:
        """The first ``limit`` codes that start with ``start``: current primary codes in code
        order, then current add-on codes, then ended codes."""
        codes = self._code_list
        at = bisect_left(codes, start)
        end = bisect_left(codes, start + "~", at)  # "~" sorts after every code character
        add_ons, ended = self._add_ons, self._ended
        return sorted(range(at, end), key=lambda i: (i in ended, i in add_ons, i))[:limit]

    def _names_starting(self, key: str) -> Iterable[int]:
        if len(key) < 3:
            return ()
        keys = self._name_keys
        head, space, _ = key.partition(" ")
        if space:  # a name that starts so has the same first word
            stretch = self._name_heads.get(head)
            if stretch is None:  # the common case: none has
                return ()
            at = bisect_left(keys, key, *stretch)
        else:
            at = bisect_left(keys, key)
        if at == len(keys) or not keys[at].startswith(key):
            return ()
        stop = at
        for name in keys[at : at + _MAX_EXPANSIONS]:
            if not name.startswith(key):
                break
            stop += 1
        return chain.from_iterable(self._name_ids[at:stop])

    def _codes_starting(self, code: str) -> Iterator[int]:
        codes = self._code_list
        at = bisect_left(codes, code)
        for i in range(at, min(at + _MAX_EXPANSIONS, len(codes))):
            if not codes[i].startswith(code):
                break
            yield i

    def _expansions(self, word: str) -> list[tuple[str, float]]:
        """`_expand`, kept for the next query (up to `_MAX_CACHED_WORDS` words of at
        most `MAX_WORD_LENGTH` letters; a race only expands a word twice). The list is
        shared: callers only read it."""
        found = self._expanded.get(word)
        if found is None:
            found = self._vocab_expansions.get(word)
            if found is None:
                found = self._expand(word)
            if len(self._expanded) < _MAX_CACHED_WORDS and len(word) <= MAX_WORD_LENGTH:
                self._expanded[word] = found
        return found

    def _expand(self, word: str) -> list[tuple[str, float]]:
        """The index words a query word stands for, each with how much a match counts."""
        if len(word) > MAX_WORD_LENGTH:  # its deletions alone would cost its length squared
            return [(word, 1.0)] if word in self._postings else []
        exact = self._postings.get(word)
        if exact is not None:
            found = [(word, 1.0)]
            if len(word) < 4:
                return found
        else:
            found = []
        if len(word) >= 3:
            vocab = self._vocab
            at = bisect_left(vocab, word)
            for token in vocab[at : at + _MAX_EXPANSIONS]:
                if not token.startswith(word):
                    break
                if token != word:
                    found.append((token, _PREFIX_FACTOR))
        # A word found as it is is not respelt, unless it is rare and nothing starts with it:
        # official texts have misspellings of their own ("artifical"), which must not hide
        # the common word a user meant.
        rare = exact is not None and len(exact) <= _RARE_WORD and len(found) == 1
        if (not found or rare) and len(word) >= 4 and not word.isdigit():
            deletes = self._deletes
            candidates = set(deletes.get(word, ()))
            for d in _deletions(word):
                if d in self._postings:
                    candidates.add(d)
                candidates.update(deletes.get(d, ()))
            candidates.discard(word)
            least = 1 if exact is None else _COMMON_FACTOR * len(exact)
            found.extend(
                (token, _TYPO_FACTOR)
                for token in sorted(candidates)
                if len(self._postings[token]) >= least and _within_one_edit(word, token)
            )
            if word.isalpha() and exact is None:
                found += self._sounding_like(word, {token for token, _ in found})
        return found

    def _sounding_like(self, word: str, known: Set[str]) -> list[tuple[str, float]]:
        """The index words that sound like ``word`` (same phonetic key), less those ``known``
        (and, when a word one edit away is known or a sound-alike is within two edits, only
        those within two edits: "morfine" is "morphine", not "marfan"); for a long word that
        has none, those within two edits whose keys are one edit apart."""
        key = sound_key(word)
        if len(key) < 3:
            return []
        if self._sounds is None:  # one assignment: a race only builds it twice
            self._sounds = self._sound_index(self._postings, self._vocab)
        sounds, sound_deletes = self._sounds
        found = [(t, _SOUND_FACTOR) for t in sounds.get(key, ()) if t not in known]
        near = [(t, f) for t, f in found if _within_two_edits(word, t)]
        if known or near:  # a near spelling was found: a far sound-alike is a coincidence
            found = near
        if found or known or len(word) < LONG_WORD:
            return found
        # keys one edit from this one: a deletion of either key is the other or a deletion of it
        keys = dict.fromkeys(sound_deletes.get(key, ()))
        for d in _deletions(key):
            if d in sounds:
                keys[d] = None
            keys.update(dict.fromkeys(sound_deletes.get(d, ())))
        tokens = chain.from_iterable(map(sounds.__getitem__, keys))
        checked = islice(dict.fromkeys(tokens), _MAX_TWO_TYPO_CHECKS)
        return [(t, _TWO_TYPO_FACTOR) for t in sorted(checked) if _within_two_edits(word, t)]

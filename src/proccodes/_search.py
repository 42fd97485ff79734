"""Ranked, typo-tolerant search over a catalog's records.

Ranking, best first:

1. the query is a code in the catalog (any spelling :func:`~proccodes.normalize_code` accepts);
2. the query is a whole name of the record (title, a common name, a descriptor);
3. a name starts with the query, or a code does (``"6229"``);
4. word overlap: more of the query's words found beats fewer; then the weight of the words found
   (rare words weigh more; a word in a title or common name more than one in the summary; a
   shorter name more than a longer one);
5. within that, a word found only within one typo (``"discograhy"``) or as a prefix counts for
   less than the word itself;
6. an add-on code (``64484``, each further level) comes after the primary codes that match as
   many words, so a general query leads to the procedure, then to its add-ons.

Ties break by code, so results are stable. The index is built once per catalog on first search.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from .codes import normalize_code
from .records import BodyRegion, Procedure

__all__ = ["SearchIndex", "tokenize"]

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
_PREFIX_FACTOR = 0.7
_TYPO_FACTOR = 0.6
_MAX_EXPANSIONS = 24


def _stem(word: str) -> str:
    # Plural s only: "discs" -> "disc", "injections" -> "injection"; not "stenosis", "bypass".
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, singular words of ``text``, without stop words.

    >>> tokenize("Injections of the Lumbar discs (L4-L5)")
    ['injection', 'lumbar', 'disc', 'l4', 'l5']
    """
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


def _name_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


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


def _deletions(word: str) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


class SearchIndex:
    """A token index over records, built once; :meth:`search` answers in microseconds.

    >>> from proccodes import default_catalog
    >>> index = SearchIndex(default_catalog().values())
    >>> [p.code for p in index.search("disc dye test", limit=1)]
    ['62290']
    """

    __slots__ = (
        "_add_ons",
        "_code_list",
        "_codes",
        "_deletes",
        "_idf",
        "_names",
        "_postings",
        "_records",
        "_vocab",
    )

    def __init__(self, records: Iterable[Procedure]) -> None:
        self._records: list[Procedure] = sorted(records, key=lambda r: r.code)
        self._code_list = [r.code for r in self._records]
        self._codes: dict[str, int] = {c: i for i, c in enumerate(self._code_list)}
        self._add_ons = frozenset(
            i for i, r in enumerate(self._records) if r.billing is not None and r.billing.add_on
        )
        names: dict[str, set[int]] = {}
        postings: dict[str, dict[int, float]] = {}
        for i, record in enumerate(self._records):
            weights: dict[str, float] = {}
            for text, weight in self._weighted_texts(record):
                tokens = set(tokenize(text))
                if not tokens:
                    continue
                is_name = weight >= _DESCRIPTOR_WEIGHT
                if is_name:
                    names.setdefault(_name_key(text), set()).add(i)
                    # a word of a short name says more than the same word in a long one
                    weight /= 1.0 + 0.1 * len(tokens)
                for token in tokens:
                    if weight > weights.get(token, 0.0):
                        weights[token] = weight
            for token, weight in weights.items():
                postings.setdefault(token, {})[i] = weight
        total = max(len(self._records), 1)
        self._idf = {t: math.log(1.0 + total / len(p)) for t, p in postings.items()}
        self._postings = postings
        self._names = sorted((name, tuple(sorted(ids))) for name, ids in names.items() if name)
        self._vocab = sorted(postings)
        deletes: dict[str, list[str]] = {}
        for token in self._vocab:
            if len(token) >= 4 and not token.isdigit():
                for d in _deletions(token):
                    deletes.setdefault(d, []).append(token)
        self._deletes = deletes

    @staticmethod
    def _weighted_texts(record: Procedure) -> Iterator[tuple[str, float]]:
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
        if clinical is not None:
            yield clinical.summary, _TEXT_WEIGHT
            yield clinical.purpose, _TEXT_WEIGHT

    def __len__(self) -> int:
        return len(self._records)

    def search(self, text: str, *, limit: int = 10) -> list[Procedure]:
        """Up to ``limit`` records for ``text``, best first; ``[]`` when nothing matches.

        >>> from proccodes import default_catalog
        >>> [p.code for p in SearchIndex(default_catalog().values()).search("62290")]
        ['62290']
        """
        if not isinstance(text, str) or not isinstance(limit, int) or limit <= 0:
            return []
        key = _name_key(text)
        if not key:
            return []
        # rank key per record: (tier, words matched, score); higher is better
        ranks: dict[int, tuple[int, int, float]] = {}
        code = normalize_code(text)
        exact = self._codes.get(code)
        if exact is not None:
            ranks[exact] = (4, 0, 0.0)
        for i in self._names_equal(key):
            ranks.setdefault(i, (3, 0, 0.0))
        for i in self._names_starting(key):
            ranks.setdefault(i, (2, 0, 0.0))
        if len(code) >= 3 and code.isalnum():
            for i in self._codes_starting(code):
                ranks.setdefault(i, (2, 0, 0.0))
        for i, (matched, score) in self._word_scores(tokenize(text)).items():
            old = ranks.get(i)
            if old is None:
                ranks[i] = (1, matched, score)
            else:
                ranks[i] = (old[0], matched, score)
        if not ranks:
            return []
        records, add_ons = self._records, self._add_ons
        best = sorted(
            ranks, key=lambda i: (-ranks[i][0], -ranks[i][1], i in add_ons, -ranks[i][2], i)
        )
        return [records[i] for i in best[:limit]]

    def _names_equal(self, key: str) -> tuple[int, ...]:
        names = self._names
        at = bisect_left(names, (key,))
        if at < len(names) and names[at][0] == key:
            return names[at][1]
        return ()

    def _names_starting(self, key: str) -> Iterator[int]:
        if len(key) < 3:
            return
        names = self._names
        at = bisect_left(names, (key,))
        for name, ids in names[at : at + _MAX_EXPANSIONS]:
            if not name.startswith(key):
                break
            yield from ids

    def _codes_starting(self, code: str) -> Iterator[int]:
        codes = self._code_list
        at = bisect_left(codes, code)
        for i in range(at, min(at + _MAX_EXPANSIONS, len(codes))):
            if not codes[i].startswith(code):
                break
            yield i

    def _expand(self, word: str) -> list[tuple[str, float]]:
        """The index words a query word stands for, each with how much a match counts."""
        if word in self._postings:
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
        if not found and len(word) >= 4 and not word.isdigit():
            deletes = self._deletes
            candidates = set(deletes.get(word, ()))
            if word in self._postings:
                candidates.add(word)
            for d in _deletions(word):
                if d in self._postings:
                    candidates.add(d)
                candidates.update(deletes.get(d, ()))
            found.extend(
                (token, _TYPO_FACTOR)
                for token in sorted(candidates)
                if _within_one_edit(word, token)
            )
        return found

    def _word_scores(self, words: list[str]) -> dict[int, tuple[int, float]]:
        totals: dict[int, tuple[int, float]] = {}
        postings, idf = self._postings, self._idf
        for word in dict.fromkeys(words):
            best: dict[int, float] = {}
            for token, factor in self._expand(word):
                weight = idf[token] * factor
                for i, w in postings[token].items():
                    s = w * weight
                    if s > best.get(i, 0.0):
                        best[i] = s
            for i, s in best.items():
                matched, score = totals.get(i, (0, 0.0))
                totals[i] = (matched + 1, score + s)
        return totals

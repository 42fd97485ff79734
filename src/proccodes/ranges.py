"""Navigation: the CPT range hierarchy and the HCPCS Level II letter groups, in our own words.

CPT codes are grouped three levels deep: a *section* (Surgery), a *subsection* (Nervous system)
and a *range* (Epidural and intrathecal spine injections, 62320-62327), the leaf every CPT code
falls in. HCPCS Level II codes are grouped by their first letter (J: drugs given other than by
mouth), and some letters into ranges (J9000-J9999: chemotherapy drugs). The names are the
project's own plain-language words, never the AMA's headings or descriptors; the data is the
hand-written, reviewed file ``data/navigation/ranges.json``, read once, lazily, on first use.

A range is ``[first, last]`` by code number within one kind of code: 5 digits (Category I), or 4
digits and a letter (A, M: Category I; F: Category II; T: Category III; U: PLA), or a letter and 4
digits (Level II). A section's or subsection's ``first`` and ``last`` are those of its lowest and
highest range; ``spans`` lists the runs of codes (each of one kind) it holds, because CPT's
sections interleave in the 99000s (anesthesia add-ons 99100-99140 and visits 99202-99499 sit among
Medicine's numbers) and Medicine and Pathology also hold the A and M codes of Category I.

>>> range_of("62323").label
'Epidural and intrathecal spine injections (62320-62327)'
>>> [r.name for r in path_of("62323")]
['Surgery', 'Nervous system', 'Epidural and intrathecal spine injections']
>>> letter_group("J2650").name
'Drugs given other than by mouth'
"""

from __future__ import annotations

import json
import os
import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Final

import attrs

from ._resources import read_data
from .codes import CodeSystem, normalize_code, validate_code
from .errors import ArgumentTypeError, ArgumentValueError, DataError

if TYPE_CHECKING:  # ranges sit below the records: the type is for annotations only
    from .records import RbcsClass

__all__ = [
    "LEVELS",
    "CodeRange",
    "children",
    "codes_in",
    "get_range",
    "letter_group",
    "path_of",
    "range_of",
    "ranges",
    "title_for",
]

LEVELS: Final = ("section", "subsection", "range")
DATA_NAME: Final = os.path.join("navigation", "ranges.json")
TITLE_LENGTH: Final = 90  # the length title_for aims to stay within
_NO_FAMILY = "No RBCS Family"  # what RBCS writes for a code it classifies in no family

# A code's sort key: its kind's block times 100,000 plus its number, so one sorted table holds
# every kind and bisect finds a code's range. Category I five-digit codes are block 0.
_BLOCK = 100_000
_CPT_SUFFIX_BLOCK = {"A": 1, "M": 2, "F": 3, "T": 4, "U": 5}
_LEVEL2_BLOCK0 = 10  # Level II letter X is block 10 + (ord(X) - ord("A"))


def _key(code: str) -> int | None:
    """The sort key of a canonical code's shape, or None when it has no code's shape."""
    if len(code) != 5 or not code.isascii():
        return None
    if code.isdigit():  # the common case first
        return int(code)
    first = code[0]
    if "A" <= first <= "Z":
        if code[1:].isdigit():
            return (_LEVEL2_BLOCK0 + ord(first) - 65) * _BLOCK + int(code[1:])
        return None
    if not code[:4].isdigit():
        return None
    block = _CPT_SUFFIX_BLOCK.get(code[4])
    return None if block is None else block * _BLOCK + int(code[:4])


@attrs.frozen(kw_only=True, slots=True)
class CodeRange:
    """One node of the hierarchy: a section, subsection or range of codes, named in our words.

    >>> r = get_range("62320-62327")
    >>> r.level, r.parent, r.first, r.last, r.system
    ('range', 'surgery-nervous', '62320', '62327', <CodeSystem.CPT: 'CPT'>)
    >>> "62323" in r, "62290" in r
    (True, False)
    """

    id: str
    name: str
    level: str
    first: str
    last: str
    system: CodeSystem
    parent: str | None = None
    description: str = ""
    spans: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """The name with the bounds (one code when first and last are the same), as titles show it.

        >>> get_range("97110-97139").label, get_range("97140-97140").label
        ('Therapeutic exercise and movement training (97110-97139)', 'Hands-on (manual) therapy (97140)')
        """  # noqa: E501
        bounds = self.first if self.first == self.last else f"{self.first}-{self.last}"
        return f"{self.name} ({bounds})"

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        key = _key(normalize_code(code))
        return key is not None and any(a <= key <= b for a, b in _span_keys(self))


def _span_keys(node: CodeRange) -> list[tuple[int, int]]:
    """The node's spans as key intervals (its bounds were checked when the data was read)."""
    return [(_key(a) or 0, _key(b) or 0) for a, b in node.spans]


class _Table:
    """Everything read from the data file, built once; immutable after construction."""

    __slots__ = ("as_of", "by_id", "children", "ends", "nodes", "release", "starts", "targets")

    def __init__(self, nodes: list[CodeRange], release: str, as_of: date | None) -> None:
        self.release = release
        self.as_of = as_of
        self.nodes = tuple(nodes)
        self.by_id = {n.id: n for n in nodes}
        kids: dict[str | None, list[CodeRange]] = {}
        for node in nodes:
            kids.setdefault(node.parent, []).append(node)
        self.children = {k: tuple(v) for k, v in kids.items()}
        segments = _segments(self.nodes, self.by_id)
        self.starts = [start for start, _, _ in segments]
        self.ends = [end for _, end, _ in segments]
        self.targets = [node for _, _, node in segments]


_table: _Table | None = None
_lock = threading.Lock()


def _reset_lock_in_child() -> None:
    """After fork(): the parent's lock may be held by a thread that does not exist here."""
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_reset_lock_in_child)


def _load() -> _Table:
    table = _table
    if table is None:
        with _lock:
            table = _table
            if table is None:
                table = _build()
    return table


def _build() -> _Table:
    global _table
    try:
        raw = json.loads(read_data(DATA_NAME))
    except (OSError, ValueError) as err:
        raise DataError(DATA_NAME, [f"cannot read the range data: {err}"]) from err
    nodes, problems = _parse(raw)
    if problems:
        raise DataError(DATA_NAME, problems)
    as_of = raw.get("as_of")
    _table = _Table(nodes, str(raw.get("release", "")), date.fromisoformat(as_of))
    return _table


def _parse(raw: Any) -> tuple[list[CodeRange], list[str]]:
    """Nodes in document order (depth first) and every problem found, each naming its place."""
    problems: list[str] = []
    nodes: list[CodeRange] = []
    if not isinstance(raw, dict):
        return [], ["expected an object at the top"]
    for field in ("schema_version", "release", "as_of", "cpt", "level2"):
        if field not in raw:
            problems.append(f"missing field @ $.{field}")
    if raw.get("schema_version") != 1:
        problems.append(f"unsupported schema_version {raw.get('schema_version')!r} (expected 1)")
    try:
        date.fromisoformat(raw.get("as_of", ""))
    except (TypeError, ValueError):
        problems.append(f"as_of {raw.get('as_of')!r} is not a date YYYY-MM-DD @ $.as_of")
    if problems:
        return [], problems

    def text(obj: Any, field: str, where: str, *, required: bool = True) -> str:
        value = obj.get(field, "") if isinstance(obj, dict) else None
        if not isinstance(value, str) or (required and not value.strip()):
            problems.append(f"expected non-empty text @ {where}.{field}")
            return ""
        return value

    def leaves(items: Any, parent: str, system: CodeSystem, where: str) -> list[CodeRange]:
        found: list[CodeRange] = []
        for i, item in enumerate(items if isinstance(items, list) else ()):
            at = f"{where}.ranges[{i}]"
            first, last = text(item, "first", at), text(item, "last", at)
            name = text(item, "name", at)
            kf, kl = _key(first), _key(last)
            if kf is None or kl is None or kf // _BLOCK != kl // _BLOCK or kf > kl:
                problems.append(f"bounds {first!r}-{last!r} are not a range of one kind @ {at}")
                continue
            node = CodeRange(
                id=f"{first}-{last}",
                name=name,
                level="range",
                first=first,
                last=last,
                system=system,
                parent=parent,
                description=text(item, "description", at, required=False),
                spans=((first, last),),
            )
            found.append(node)
        if not found:
            problems.append(f"expected a non-empty list of ranges @ {where}.ranges")
        return found

    cpt = raw["cpt"] if isinstance(raw["cpt"], list) else []
    for s, section in enumerate(cpt):
        at = f"$.cpt[{s}]"
        sid = text(section, "id", at)
        head = {"id": sid, "name": text(section, "name", at), "level": "section", "parent": None}
        head["description"] = text(section, "description", at, required=False)
        subs = section.get("subsections") if isinstance(section, dict) else None
        below: list[tuple[dict[str, Any], list[CodeRange]]] = []
        for b, sub in enumerate(subs if isinstance(subs, list) else ()):
            where = f"{at}.subsections[{b}]"
            bid = text(sub, "id", where)
            mid = {"id": bid, "name": text(sub, "name", where), "level": "subsection"}
            mid |= {"parent": sid, "description": text(sub, "description", where, required=False)}
            items = sub.get("ranges") if isinstance(sub, dict) else None
            below.append((mid, leaves(items, bid, CodeSystem.CPT, where)))
        if not below:
            problems.append(f"expected a non-empty list of subsections @ {at}.subsections")
        all_leaves = [leaf for _, group in below for leaf in group]
        nodes.append(_inner(head, all_leaves, CodeSystem.CPT))
        for mid, group in below:
            nodes.append(_inner(mid, group, CodeSystem.CPT))
            nodes.extend(group)

    level2 = raw["level2"] if isinstance(raw["level2"], list) else []
    for g, group in enumerate(level2):
        at = f"$.level2[{g}]"
        letter = text(group, "letter", at)
        if len(letter) != 1 or not "A" <= letter <= "Z":
            problems.append(f"letter {letter!r} is not one capital letter @ {at}.letter")
            continue
        gid = f"hcpcs-{letter}"
        subs = group.get("ranges") if isinstance(group, dict) else None
        found = leaves(subs, gid, CodeSystem.HCPCS, at) if subs else []
        for leaf in found:
            if leaf.first[0] != letter or leaf.last[0] != letter:
                problems.append(f"range {leaf.id} is outside letter {letter} @ {at}")
        nodes.append(
            CodeRange(
                id=gid,
                name=text(group, "name", at),
                level="section",
                first=f"{letter}0000",
                last=f"{letter}9999",
                system=CodeSystem.HCPCS,
                description=text(group, "description", at, required=False),
                spans=((f"{letter}0000", f"{letter}9999"),),
            )
        )
        nodes.extend(found)
    problems.extend(_check(nodes))
    return (nodes if problems else _with_spans(nodes)), problems


def _inner(head: dict[str, Any], leaves: list[CodeRange], system: CodeSystem) -> CodeRange:
    """A section or subsection, bounded by its lowest and highest range (spans: _with_spans)."""
    first = min(leaves, key=lambda r: _key(r.first) or 0).first if leaves else "00000"
    last = max(leaves, key=lambda r: _key(r.last) or 0).last if leaves else "00000"
    return CodeRange(system=system, first=first, last=last, **head)


def _check(nodes: list[CodeRange]) -> list[str]:
    """Ids unique, names unique within their parent, leaves of one system not overlapping."""
    problems: list[str] = []
    seen: set[str] = set()
    names: set[tuple[str | None, str]] = set()
    for node in nodes:
        if node.id in seen:
            problems.append(f"duplicate id {node.id!r}")
        seen.add(node.id)
        if (node.parent, node.name.casefold()) in names:
            problems.append(f"duplicate name {node.name!r} under {node.parent or 'the top'}")
        names.add((node.parent, node.name.casefold()))
    leaves = sorted((n for n in nodes if n.level == "range"), key=lambda n: _key(n.first) or 0)
    for before, after in pairwise(leaves):
        if (_key(after.first) or 0) <= (_key(before.last) or 0):
            problems.append(f"range {after.id} overlaps range {before.id}")
    return problems


def _with_spans(nodes: list[CodeRange]) -> list[CodeRange]:
    """The nodes with the spans of each section and subsection: the runs of consecutive CPT
    ranges (in code order) that it holds."""
    by_id = {n.id: n for n in nodes}
    leaves = sorted(
        (n for n in nodes if n.level == "range" and n.system is CodeSystem.CPT),
        key=lambda n: _key(n.first) or 0,
    )
    runs: dict[str, list[list[str]]] = {}
    previous: set[str] = set()
    block = -1
    for leaf in leaves:
        chain = {a.id for a in _ancestors(leaf, by_id)}
        if (_key(leaf.first) or 0) // _BLOCK != block:  # a run never crosses kinds of code
            previous, block = set(), (_key(leaf.first) or 0) // _BLOCK
        for node_id in chain:
            held = runs.setdefault(node_id, [])
            if node_id in previous:
                held[-1][1] = leaf.last
            else:
                held.append([leaf.first, leaf.last])
        previous = chain
    return [
        attrs.evolve(n, spans=tuple((a, b) for a, b in runs[n.id]))
        if n.id in runs and n.level != "range"
        else n
        for n in nodes
    ]


def _segments(
    nodes: tuple[CodeRange, ...], by_id: Mapping[str, CodeRange]
) -> list[tuple[int, int, CodeRange]]:
    """Disjoint key intervals, each with the narrowest node that holds it, in key order.

    A CPT leaf holds its own codes; a gap between two leaves of one subsection belongs to the
    subsection (a new code there still finds its place), and so on up to the section. A Level II
    letter holds every code of its letter that none of its ranges holds.
    """
    cpt = sorted(
        (n for n in nodes if n.level == "range" and n.system is CodeSystem.CPT),
        key=lambda n: _key(n.first) or 0,
    )
    segments: list[tuple[int, int, CodeRange]] = []
    previous: list[CodeRange] = []  # the previous leaf's ancestors, nearest first
    low = -1  # the key after the previous leaf's last
    for leaf in cpt:
        start, end = _key(leaf.first) or 0, _key(leaf.last) or 0
        chain = _ancestors(leaf, by_id)
        ids = {a.id for a in chain}
        shared = [a for a in previous if a.id in ids]
        high = start - 1
        if shared and low <= high and low // _BLOCK == high // _BLOCK:
            segments.append((low, high, shared[0]))
        segments.append((start, end, leaf))
        previous, low = chain, end + 1
    for group in (n for n in nodes if n.system is CodeSystem.HCPCS and n.level == "section"):
        cursor = _key(group.first) or 0
        for leaf in sorted(
            (n for n in nodes if n.parent == group.id), key=lambda n: _key(n.first) or 0
        ):
            start, end = _key(leaf.first) or 0, _key(leaf.last) or 0
            if cursor < start:
                segments.append((cursor, start - 1, group))
            segments.append((start, end, leaf))
            cursor = end + 1
        if cursor <= (_key(group.last) or 0):
            segments.append((cursor, _key(group.last) or 0, group))
    segments.sort(key=lambda s: s[0])
    return segments


def _ancestors(node: CodeRange, by_id: Mapping[str, CodeRange]) -> list[CodeRange]:
    """The node's parent, grandparent... (nearest first); not the node itself."""
    found: list[CodeRange] = []
    parent = node.parent
    while parent is not None and len(found) < len(LEVELS):  # ids are checked unique: no cycle
        up = by_id[parent]
        found.append(up)
        parent = up.parent
    return found


def _code_text(code: object, function: str) -> str:
    if not isinstance(code, str):
        raise ArgumentTypeError(
            f"{function}() takes a code as text (str), not {type(code).__name__}"
        )
    return normalize_code(code)


# -- the public functions ---------------------------------------------------------------------


def range_of(code: str) -> CodeRange | None:
    """The narrowest range that holds ``code``, or None; never raises for text.

    For a CPT code, the leaf range; for a Level II code, its letter's range or the letter group
    itself. A well-formed code between two ranges gets the subsection (or section) around it;
    text that is not a code's shape gets None. Found by bisection, O(log n).

    >>> range_of("64635").name
    'Facet joint nerve destruction (radiofrequency ablation)'
    >>> range_of(" j9045 ").id
    'J9000-J9999'
    >>> range_of("62290").level, range_of("hello") is None
    ('range', True)

    Args:
        code: the code, as text.

    Returns:
        The narrowest range holding the code, or None.

    Raises:
        TypeError: ``code`` is not a str.
    """
    if not isinstance(code, str):
        raise ArgumentTypeError(f"range_of() takes a code as text (str), not {type(code).__name__}")
    key = _key(code)  # not None only for canonical text, so normalizing can wait
    if key is None:
        key = _key(normalize_code(code))
        if key is None:
            return None
    table = _table or _load()
    i = bisect_right(table.starts, key) - 1
    if i >= 0 and key <= table.ends[i]:
        return table.targets[i]
    return None


def path_of(code: str) -> tuple[CodeRange, ...]:
    """The chain from the top to [`range_of`][proccodes.ranges.range_of] ``code``: section,
    subsection, range.

    Empty when no range holds the code; shorter for Level II (letter group, range).

    >>> [r.id for r in path_of("99213")]
    ['evaluation-and-management', 'em-visits', '99202-99215']
    >>> [r.name for r in path_of("L0650")]
    ['Orthotics and prosthetics', 'Spinal braces for the neck, back and trunk']

    Args:
        code: the code, as text.

    Returns:
        The ranges from the top down; empty when no range holds the code.
    """
    node = range_of(code)
    if node is None:
        return ()
    table = _table or _load()
    return (*reversed(_ancestors(node, table.by_id)), node)


def ranges(level: str | None = None, *, system: str | None = None) -> tuple[CodeRange, ...]:
    """Every node of the hierarchy, in order (each section, then its subsections and ranges).

    ``level`` keeps one level ("section", "subsection" or "range"); ``system`` one code system
    ("CPT" or "HCPCS", Level II letter groups being sections of HCPCS).

    >>> [r.name for r in ranges("section", system="CPT")][:3]
    ['Evaluation and management', 'Anesthesia', 'Surgery']
    >>> len(ranges("range", system="CPT")) > 150
    True
    """
    if level is not None and level not in LEVELS:
        raise ArgumentValueError(f"level must be one of {', '.join(LEVELS)} or None, not {level!r}")
    if system is not None:
        if not isinstance(system, str):
            raise ArgumentTypeError(
                f"system must be 'CPT', 'HCPCS' or None, not {type(system).__name__}"
            )
        if system.upper() not in ("CPT", "HCPCS"):
            raise ArgumentValueError(f"system must be 'CPT', 'HCPCS' or None, not {system!r}")
        system = system.upper()
    return tuple(
        n
        for n in (_table or _load()).nodes
        if (level is None or n.level == level) and (system is None or n.system == system)
    )


def get_range(range_id: str) -> CodeRange:
    """The node with this id: a section or subsection id, or a range's "first-last".

    >>> get_range("surgery-nervous").name
    'Nervous system'
    >>> get_range("hcpcs-J").description.startswith("Drugs")
    True

    Args:
        range_id: a section or subsection id (``"surgery"``), a range (``"62320-62327"``) or a
            letter group (``"hcpcs-J"``).

    Returns:
        The range.

    Raises:
        TypeError: ``range_id`` is not a str.
        ValueError: no range has this id.
    """
    if not isinstance(range_id, str):
        raise ArgumentTypeError(f"range id must be text (str), not {type(range_id).__name__}")
    table = _table or _load()
    node = table.by_id.get(range_id.strip())
    if node is None:
        raise ArgumentValueError(
            f"unknown range id {range_id!r}; ids are section and subsection ids such as "
            "'surgery' or 'surgery-nervous', ranges such as '62320-62327', letter groups such "
            "as 'hcpcs-J' (proccodes.ranges() lists them all)"
        )
    return node


def children(range_id: str) -> tuple[CodeRange, ...]:
    """The nodes one level below ``range_id``, in code order; empty for a leaf range.

    >>> [r.name for r in children("surgery")][:2]
    ['General and skin', 'Breast']
    >>> children("62320-62327")
    ()

    Args:
        range_id: the id of a section, subsection or range.

    Returns:
        The ranges one level below, in code order.

    Raises:
        TypeError: ``range_id`` is not a str.
        ValueError: no range has this id.
    """
    node = get_range(range_id)
    return (_table or _load()).children.get(node.id, ())


def codes_in(range_id: str, catalog: Mapping[str, object]) -> list[str]:
    """The codes of ``catalog`` that ``range_id`` holds, in code order
    ([`proccodes.codes_in`][proccodes.codes_in] looks through the default catalog).

    >>> codes_in("62290-62292", {"62291": None, "99213": None})
    ['62291']

    Args:
        range_id: the id of a section, subsection or range.
        catalog: the codes to look through (a catalog, or any mapping keyed by code).

    Returns:
        The codes of the range, in code order.

    Raises:
        TypeError: ``range_id`` is not a str, or ``catalog`` not a mapping.
        ValueError: no range has this id.
    """
    node = get_range(range_id)
    if not isinstance(catalog, Mapping):
        raise ArgumentTypeError(
            f"catalog must be a Catalog (a mapping of codes), not {type(catalog)}"
        )
    spans = _span_keys(node)
    found: list[tuple[int, str]] = []
    for code in _codes(catalog):
        key = _key(code)
        if key is not None and any(a <= key <= b for a, b in spans):
            found.append((key, code))
    return [code for _, code in sorted(found)]


def _codes(catalog: Mapping[str, object]) -> Iterable[str]:
    return (code for code in catalog if isinstance(code, str))


def letter_group(code: str) -> CodeRange | None:
    """The Level II letter group of ``code`` (A transport and supplies ... V vision and
    hearing), or None for a CPT code or text that is not a code.

    >>> letter_group("E0720").name
    'Durable medical equipment'
    >>> letter_group("62290") is None
    True

    Args:
        code: the code, as text.

    Returns:
        The letter group, or None.
    """
    text = _code_text(code, "letter_group")
    if _key(text) is None or not text[:1].isalpha():
        return None
    return (_table or _load()).by_id.get(f"hcpcs-{text[0]}")


def title_for(code: str, rbcs: RbcsClass | None = None) -> str:
    """A plain-language title for a CPT code that has no curated record; never AMA text.

    The rule: ``"<RBCS family> — <range name> (<first>-<last>)"`` (see [`CodeRange.label`][proccodes.ranges.CodeRange.label]), the family being CMS's own
    (public-domain) family name in sentence case with " - " read as ", ", and the range being the
    narrowest of our ranges that holds the code. Without an RBCS class (or with RBCS's "No RBCS
    Family") the title is the range label alone. When the whole passes about 90 characters, the bounds go first, then the family.

    >>> from proccodes.records import RbcsClass
    >>> fam = RbcsClass(id="PM007O", category="Procedure", subcategory="Musculoskeletal",
    ...                 family="Nerve Block Injection - Back")
    >>> title_for("62323", fam)
    'Nerve block injection, back — Epidural and intrathecal spine injections (62320-62327)'
    >>> title_for("0275T")
    'Spinal canal decompression through the skin (0274T-0275T)'
    >>> title_for("J2650")
    Traceback (most recent call last):
    ...
    proccodes.errors.ArgumentValueError: title_for() builds titles for CPT codes; 'J2650' is a HCPCS Level II code, whose CMS descriptor may be shown as it is

    Args:
        code: a CPT code, as text.
        rbcs: the code's RBCS class, if known.

    Returns:
        The title, in proccodes' words.

    Raises:
        InvalidCodeError: ``code`` is not a well-formed code.
        TypeError: ``code`` is not a str, or ``rbcs`` not an RbcsClass.
        ValueError: ``code`` is a HCPCS Level II code.
    """  # noqa: E501
    if not isinstance(code, str):
        raise ArgumentTypeError(
            f"title_for() takes a code as text (str), not {type(code).__name__}"
        )
    if rbcs is not None and not all(
        isinstance(getattr(rbcs, name, None), str) for name in ("id", "category", "family")
    ):
        raise ArgumentTypeError(f"rbcs must be an RbcsClass or None, not {type(rbcs).__name__}")
    found = validate_code(code)
    if found.system is not CodeSystem.CPT:
        raise ArgumentValueError(
            f"title_for() builds titles for CPT codes; {found.code!r} is a HCPCS Level II code, "
            "whose CMS descriptor may be shown as it is"
        )
    node = range_of(found.code)
    place = node.label if node is not None else f"{found.kind} code"
    family = ""
    if rbcs is not None and rbcs.family.strip() and rbcs.family.strip() != _NO_FAMILY:
        family = _sentence_case(rbcs.family)
    if not family:
        return place
    title = f"{family} — {place}"
    if len(title) <= TITLE_LENGTH or node is None:
        return title
    title = f"{family} — {node.name}"
    return title if len(title) <= TITLE_LENGTH else place


def _sentence_case(text: str) -> str:
    """CMS's Title Case family name as a phrase: "Nerve Block Injection - Back" becomes
    "Nerve block injection, back"; acronyms (A-V, CT/CTA, E&M, COVID-19) keep their capitals.

    >>> _sentence_case("X-ray - Lower Extremity"), _sentence_case("A-V Fistula Creation")
    ('X-ray, lower extremity', 'A-V fistula creation')
    """
    out = []
    for i, word in enumerate(" ".join(text.replace(" - ", ", ").split()).split(" ")):
        if not _is_acronym(word):
            word = "-".join(p if _is_acronym(p) else p.lower() for p in word.split("-"))
        out.append(word[:1].upper() + word[1:] if i == 0 else word)
    return " ".join(out)


def _is_acronym(word: str) -> bool:
    if any(c.isdigit() for c in word):
        return True
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)

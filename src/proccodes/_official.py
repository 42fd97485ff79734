"""The shipped official data: CMS's HCPCS Level II codes and modifiers, PFS facts and RBCS classes.

``tools/build_data.py`` writes it from the official files into ``data/official/``; nobody edits
it by hand. The files are plain text, so a new release shows as a readable diff:

- ``manifest.tsv``: the sources (name, release, as-of date, file), the code files, the
  descriptor sources, the PFS releases and the RBCS classes, tab-separated, first column the
  line's kind;
- ``XX.tsv``: the codes whose first two characters are ``XX``, one line per code, so the first
  ``get`` of a code reads one small file and builds one record;
- ``modifiers.tsv``: the HCPCS Level II modifiers, the same way.

A code's line holds these tab-separated columns (empty means none):

====  =============================================================================
 0    code
 1    our title (CPT codes without a curated record: range and RBCS family words);
      empty for Level II, whose title is CMS's long descriptor
 2    CMS short descriptor, 3 CMS long descriptor, 4 index of the descriptors' source
 5    effective date, 6 termination date (ISO), 7 action code, 8 replacement codes
 9    HCPCS file facts (``|``-separated, see ``_HCPCS``)
10    PFS row of the code itself (``|``-separated, see ``_PFS``); 11 its release index
12    PFS rows per modifier (``;``-separated rows)
13    RBCS class: its index in the manifest's ``rbcs`` lines
14+   history: one column per file, ``year|action|terminated|long descriptor`` (``=`` for
      the descriptor when it is the current long descriptor; the year ``2026Q2`` for a
      quarterly file after January's)
====  =============================================================================

Tuples inside a field are ``~``-separated. The build step checks that every record written
reads back equal, so a separator inside a value cannot pass unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator
from datetime import date
from enum import Enum
from typing import Any

from ._frozen import plain, record_fields, required
from ._resources import OFFICIAL_FOLDER, RELEASE_MANIFEST
from ._schema import codecs, official_fields
from .codes import CodeKind, CodeSystem
from .records import (
    Descriptor,
    DescriptorUse,
    HcpcsFacts,
    Modifier,
    PfsFacts,
    Procedure,
    RbcsClass,
    YearSeen,
)

__all__ = [
    "FOLDER",
    "MANIFEST",
    "MODIFIERS",
    "Manifest",
    "Reader",
    "check_codec",
    "encode",
    "shard_name",
]

FOLDER = OFFICIAL_FOLDER
MANIFEST = RELEASE_MANIFEST
MODIFIERS = "modifiers.tsv"
SEP, LIST = "|", "~"

_Decode = Callable[[str], Any]
_Encode = Callable[[Any], str]


def shard_name(code: str) -> str:
    """The data file that holds a canonical code's official line.

    >>> shard_name("99213"), shard_name("J1100")
    ('99.tsv', 'J1.tsv')
    """
    return code[:2] + ".tsv"


# -- field codecs ----------------------------------------------------------------------------
# Each codec is (encode, decode); decode("") gives the field's empty value.


def _text(value: str | None) -> str:
    return value or ""


def _optional_text(text: str) -> str | None:
    return text or None


def _plain_text(text: str) -> str:
    return text


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _parse_day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _number(value: float | int | None) -> str:
    return "" if value is None else repr(value)


_floats: dict[str, float] = {}  # one float object per distinct text: RVUs repeat a lot
_MAX_FLOATS = 65_536  # the cache's bound: a PFS release has some 10,000 distinct numbers


def _parse_float(text: str) -> float | None:
    if not text:
        return None
    found = _floats.get(text)
    if found is None:
        found = float(text)
        if len(_floats) < _MAX_FLOATS:
            _floats[text] = found
    return found


def _parse_int(text: str) -> int | None:
    return int(text) if text else None


def _texts(values: tuple[str, ...]) -> str:
    return LIST.join(values)


def _parse_texts(text: str) -> tuple[str, ...]:
    return tuple(text.split(LIST)) if text else ()


def _flag(value: bool) -> str:
    return "1" if value else ""


def _parse_flag(text: str) -> bool:
    return text == "1"


def _enum_value(value: Enum | None) -> str:
    return "" if value is None else str(value.value)


def _enum(cls: type[Enum]) -> _Decode:
    members = cls._value2member_map_

    def parse(text: str) -> Any:
        return members[text] if text else None

    return parse


_TEXT = (_text, _optional_text)
_PLAIN = (_text, _plain_text)
_DAY = (_day, _parse_day)
_FLOAT = (_number, _parse_float)
_INT = (_number, _parse_int)
_TEXTS = (_texts, _parse_texts)
_FLAG = (_flag, _parse_flag)

_CODECS: dict[str, tuple[_Encode, _Decode]] = {
    "text": _TEXT,
    "plain": _PLAIN,
    "day": _DAY,
    "float": _FLOAT,
    "int": _INT,
    "texts": _TEXTS,
    "flag": _FLAG,
}

Table = tuple[tuple[str, tuple[_Encode, _Decode]], ...]


def codec_table(cls: type) -> Table:
    """(field, (encode, decode)) of each field of ``cls`` the format writes, in column order:
    derived from the fields' metadata (`proccodes._schema.codecs`).

    >>> [name for name, _ in codec_table(HcpcsFacts)][:3]
    ['year', 'pricing_indicators', 'multiple_pricing_indicator']
    """
    return tuple(
        (name, _CODECS[codec] if isinstance(codec, str) else (_enum_value, _enum(codec)))
        for name, codec in codecs(cls)
    )


# HcpcsFacts and PfsFacts (without ``release``), field by field, in file order.
_HCPCS = codec_table(HcpcsFacts)
_PFS = codec_table(PfsFacts)


def check_codec() -> None:
    """The format writes every field of the fact classes but ``release`` (a new field needs a
    codec in its metadata).

    >>> check_codec()
    """
    for cls, table in ((HcpcsFacts, _HCPCS), (PfsFacts, _PFS)):
        fields = {f.name for f in record_fields(cls)} - {"release"}
        named = {name for name, _ in table}
        if fields != named:
            raise TypeError(f"_official does not encode {cls.__name__} {sorted(fields ^ named)}")


def _encode_fields(obj: Any, table: tuple[tuple[str, tuple[_Encode, _Decode]], ...]) -> str:
    return SEP.join(codec[0](getattr(obj, name)) for name, codec in table)


# -- the manifest ------------------------------------------------------------------------------


class Manifest:
    """What ``manifest.tsv`` states: the sources and the small shared tables.

    ``sources`` holds ``(name, release, as_of, file)`` per official source, in file order.
    """

    __slots__ = ("descriptor_sources", "pfs_releases", "rbcs", "shards", "sources")

    def __init__(self, text: str) -> None:
        self.sources: list[tuple[str, str, date, str]] = []
        self.descriptor_sources: list[str] = []
        self.pfs_releases: list[str] = []
        self.shards: list[str] = []
        self.rbcs = _RbcsTable()
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            kind, _, rest = line.partition("\t")
            fields = rest.split("\t")
            if kind == "source":
                name, release, as_of, file = fields
                self.sources.append((name, release, date.fromisoformat(as_of), file))
            elif kind == "descriptors":
                self.descriptor_sources.append(fields[0])
            elif kind == "shards":
                self.shards.extend(fields)
            elif kind == "pfs":
                self.pfs_releases.append(fields[0])
            elif kind == "rbcs":
                self.rbcs.rows.append(fields)


_MAJOR = {"Y": True, "N": False, "": None}


class _RbcsTable:
    """The manifest's RBCS classes by index, each built on first use: a first ``get`` needs
    one of some 270."""

    __slots__ = ("built", "rows")

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.built: dict[int, RbcsClass] = {}

    def __getitem__(self, index: int) -> RbcsClass:
        found = self.built.get(index)
        if found is None:
            rbcs_id, category, subcategory, family, is_major = self.rows[index]
            found = self.built[index] = RbcsClass(
                id=rbcs_id,
                category=category,
                subcategory=subcategory,
                family=family,
                major=_MAJOR[is_major],
            )
        return found

    def __len__(self) -> int:
        return len(self.rows)


# -- building records ------------------------------------------------------------------------
#
# The record classes are plain frozen classes (proccodes._frozen): no validators, converters or
# defaults made by factories, so their __init__ only sets each slot (through object.__setattr__, by
# name). The reader builds some 80,000 objects from trusted shipped data, so it sets the slots
# itself, through each slot's descriptor, without keyword arguments: the same record, in half the
# time. The makers and the row readers are generated from the fields (record_fields) and their
# metadata (proccodes._schema), so a new field is read and set without a line here; maker() refuses
# a class it cannot build that way, and tests/test_official.py checks every shipped line builds a
# record equal to the one the class's own constructor makes from the same values.

_new = object.__new__


def maker(cls: type, names: tuple[str, ...] | None = None) -> Callable[..., Any]:
    """A function that builds a ``cls`` from the values of ``names`` (default: every field, in
    field order), positionally, setting the other fields to their defaults: generated from
    the fields of ``cls``, it sets each slot through its descriptor.

    >>> make = maker(Descriptor)
    >>> make(DescriptorUse.LONG, "Text", "CMS") == Descriptor(
    ...     use=DescriptorUse.LONG, text="Text", source="CMS")
    True
    """
    fields = record_fields(cls)
    given = tuple(f.name for f in fields) if names is None else names
    known = {a.name for a in fields}
    settable = all(plain(a) and (a.name in given or not required(a)) for a in fields)
    clash = {"record", "_new", "_cls"} & known
    if set(given) - known or len(set(given)) != len(given) or not settable or clash:
        raise TypeError(f"cannot build {cls.__name__} from {given}")
    slots = vars(cls)
    namespace: dict[str, Any] = {"_new": _new, "_cls": cls}
    body = ["    record = _new(_cls)"]
    for number, field in enumerate(fields):
        namespace[f"_set{number}"] = slots[field.name].__set__
        if field.name in given:
            value = field.name
        else:
            namespace[f"_default{number}"] = field.default
            value = f"_default{number}"
        body.append(f"    _set{number}(record, {value})")
    source = f"def make_{cls.__name__}({', '.join(given)}):\n" + "\n".join(body)
    source += "\n    return record\n"
    exec(compile(source, f"<proccodes maker of {cls.__name__}>", "exec"), namespace)
    made: Callable[..., Any] = namespace[f"make_{cls.__name__}"]
    return made


_DECODE_EXPRESSIONS = {
    "text": "v[{i}] or None",
    "plain": "v[{i}]",
    "day": "d[v[{i}]]",
    "float": "f[v[{i}]]",
    "int": "(int(v[{i}]) if v[{i}] else None)",
    "texts": f"(tuple(v[{{i}}].split({LIST!r})) if v[{{i}}] else ())",
    "flag": "_FLAGS[v[{i}]]",
}


def row_reader(cls: type, make: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    """A function ``read(text, f, d, *leading)`` that builds a ``cls`` from the format's
    ``|``-separated columns of its codec fields (`codec_table`), generated from
    the fields of ``cls``: ``f`` and ``d`` turn texts into floats and dates (shared objects),
    ``leading`` are the values of the fields without a codec, and the record is made by the
    function ``make`` names in ``namespace`` (looked up on each call).

    >>> read = row_reader(HcpcsFacts, "_hcpcs_facts", globals())
    >>> read("2026|||||||||||||||", {"": None}, {"": None}).year
    2026
    """
    columns = dict(codecs(cls))
    arguments: list[str] = []
    leading = 0
    for field in record_fields(cls):
        codec = columns.get(field.name)
        if codec is None:
            arguments.append(f"leading[{leading}]")
            leading += 1
            continue
        i = len(arguments) - leading
        if isinstance(codec, str):
            arguments.append(_DECODE_EXPRESSIONS[codec].format(i=i))
        else:
            table = f"_{cls.__name__}_{field.name}"
            namespace[table] = _members(codec)
            arguments.append(f"{table}[v[{i}]]")
    namespace.setdefault("_FLAGS", _FLAGS)
    name = f"_read_{cls.__name__}"
    source = (
        f"def {name}(text, f, d, *leading):\n"
        f"    v = text.split({SEP!r})\n"
        f"    return {make}({', '.join(arguments)})\n"
    )
    exec(compile(source, f"<proccodes reader of {cls.__name__}>", "exec"), namespace)
    read: Callable[..., Any] = namespace.pop(name)
    return read


# -- reading lines -----------------------------------------------------------------------------


def _parse_year(text: str) -> tuple[int, int]:
    """A history column's year: ``2026`` (the January file) or ``2026Q2`` (a later quarter)."""
    year, _, quarter = text.partition("Q")
    return int(year), int(quarter) if quarter else 1


def _year_text(seen: YearSeen) -> str:
    return str(seen.year) if seen.quarter == 1 else f"{seen.year}Q{seen.quarter}"


class _Table(dict[str, Any]):
    """Text -> value, each value made once, on first sight: dates, numbers and enum members
    repeat across thousands of lines, and a dict subscript is the cheapest way to turn them."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[str], Any], known: dict[str, Any]) -> None:
        super().__init__(known)
        self._make = make

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._make(key)
        return value


def _members(cls: type[Enum]) -> dict[str, Any]:
    return {"": None, **cls._value2member_map_}


class Reader:
    """Turns lines of the shipped official files into records, sharing repeated parts.

    Its tables of shared parts (file facts, PFS rows, dates, numbers, years) grow with the data
    it reads and no further: at most one entry per distinct text of one data release, and a
    reader lives as long as the repository state it belongs to (`ShippedData.reset
    <proccodes._repository.ShippedData.reset>` drops it).

    Identical file facts, PFS rows and RBCS classes become one object each, and repeated texts
    and numbers one object each, which keeps the full catalog smaller than the same content as
    plain dicts. A line is read with dict subscripts and one maker call per object (see
    "building records" above): the full catalog is some 80,000 objects, so the PFS and HCPCS
    columns are read by functions generated from the fields' metadata (`row_reader`), in
    the order of ``_PFS`` and ``_HCPCS`` (the build step reads every line back and compares).
    """

    __slots__ = (
        "_days",
        "_facts",
        "_floats",
        "_long",
        "_manifest",
        "_pfs",
        "_short",
        "_years",
    )

    def __init__(self, manifest: Manifest) -> None:
        self._manifest = manifest
        self._facts: dict[str, HcpcsFacts] = {}
        self._pfs: dict[str, PfsFacts] = {}
        self._days = _Table(date.fromisoformat, {"": None})
        self._floats = _Table(float, {"": None})
        self._years = _Table(_parse_year, {})
        sources = manifest.descriptor_sources
        self._short = [Descriptor(use=DescriptorUse.SHORT, text="", source=s) for s in sources]
        self._long = [Descriptor(use=DescriptorUse.LONG, text="", source=s) for s in sources]

    def _file_facts(self, text: str) -> HcpcsFacts:
        found = self._facts.get(text)
        if found is None:
            found = self._facts[text] = _read_hcpcs(text, self._floats, self._days)
        return found

    def _pfs_row(self, text: str, release: str) -> PfsFacts:
        key = release + text
        found = self._pfs.get(key)
        if found is not None:
            return found
        made: PfsFacts = _read_pfs(text, self._floats, self._days, release)
        self._pfs[key] = made
        return made

    def _descriptors(self, short: str, long: str, source: str) -> tuple[Descriptor, ...]:
        if not source:
            return ()
        index = int(source)
        if short and long:
            return (
                _descriptor(_SHORT, short, self._short[index].source),
                _descriptor(_LONG, long, self._long[index].source),
            )
        if long:
            return (_descriptor(_LONG, long, self._long[index].source),)
        return (_descriptor(_SHORT, short, self._short[index].source),)

    def _history(self, columns: list[str], long: str) -> tuple[YearSeen, ...]:
        years, days = self._years, self._days
        seen = []
        for column in columns:
            year, action, terminated, descriptor = column.split(SEP, 3)
            number, quarter = years[year]
            seen.append(
                _year_seen(
                    number,
                    long if descriptor == "=" else descriptor,
                    action or None,
                    days[terminated],
                    quarter,
                )
            )
        return tuple(seen)

    def procedure(self, line: str) -> Procedure:
        """One code's record from its line."""
        return next(self.procedures((line,)))

    def procedures(self, lines: Iterable[str], skip: Container[str] = ()) -> Iterator[Procedure]:
        """The record of each line, but of the codes in ``skip`` (read as it goes, so it may
        grow meanwhile). The full catalog is 19,500 lines: what the loop needs is bound once."""
        days, years = self._days, self._years
        releases = self._manifest.pfs_releases
        rbcs = self._manifest.rbcs
        pfs_row, file_facts = self._pfs_row, self._file_facts
        short_sources = [d.source for d in self._short]
        long_sources = [d.source for d in self._long]
        short_use, long_use = _SHORT, _LONG
        procedure, year_seen, descriptor = _procedure, _year_seen, _descriptor
        hcpcs_kind, cpt_kinds, cpt_category_i = _HCPCS_KIND, _CPT_KINDS, _CPT_CATEGORY_I
        for line in lines:
            f = line.split("\t")
            code = f[0]
            if code in skip:
                continue
            if code[0] > "9":
                system, kind = hcpcs_kind
            else:
                system, kind = cpt_kinds.get(code[4], cpt_category_i)
            long = f[3]
            history: tuple[YearSeen, ...] = ()
            if len(f) > 14:
                seen = []
                for column in f[14:]:
                    year, action, terminated, text = column.split(SEP, 3)
                    number, quarter = years[year]
                    seen.append(
                        year_seen(
                            number,
                            long if text == "=" else text,
                            action or None,
                            days[terminated],
                            quarter,
                        )
                    )
                history = tuple(seen)
            descriptors: tuple[Descriptor, ...] = ()
            if f[4]:
                index = int(f[4])
                short = f[2]
                if short and long:
                    descriptors = (
                        descriptor(short_use, short, short_sources[index]),
                        descriptor(long_use, long, long_sources[index]),
                    )
                elif long:
                    descriptors = (descriptor(long_use, long, long_sources[index]),)
                else:
                    descriptors = (descriptor(short_use, short, short_sources[index]),)
            pfs = None
            rows: tuple[PfsFacts, ...] = ()
            if f[10] or f[12]:
                release = releases[int(f[11])]
                if f[10]:
                    pfs = pfs_row(f[10], release)
                if f[12]:
                    rows = tuple([pfs_row(r, release) for r in f[12].split(";")])
            yield procedure(
                code,
                system,
                kind,
                f[1] or long,
                descriptors,
                days[f[5]],
                days[f[6]],
                f[7] or None,
                tuple(f[8].split(LIST)) if f[8] else (),
                file_facts(f[9]) if f[9] else None,
                pfs,
                rows,
                rbcs[int(f[13])] if f[13] else None,
                history,
            )

    def modifier(self, line: str) -> Modifier:
        """One modifier's record from its line (the same columns; no PFS or RBCS)."""
        f = line.split("\t")
        days = self._days
        return Modifier(
            code=f[0],
            title=f[1] or f[3],
            descriptors=self._descriptors(f[2], f[3], f[4]) if f[4] else (),
            effective=days[f[5]],
            terminated=days[f[6]],
            action=f[7] or None,
            file_facts=self._file_facts(f[9]) if f[9] else None,
            history=self._history(f[14:], f[3]) if len(f) > 14 else (),
        )


_SHORT, _LONG = DescriptorUse.SHORT, DescriptorUse.LONG
_HCPCS_KIND = (CodeSystem.HCPCS, CodeKind.HCPCS_LEVEL_II)
_CPT_CATEGORY_I = (CodeSystem.CPT, CodeKind.CPT_CATEGORY_I)
_CPT_KINDS = {
    "F": (CodeSystem.CPT, CodeKind.CPT_CATEGORY_II),
    "T": (CodeSystem.CPT, CodeKind.CPT_CATEGORY_III),
    "U": (CodeSystem.CPT, CodeKind.CPT_PLA),
}
_FLAGS = {"": False, "1": True}
_procedure = maker(Procedure, official_fields(Procedure))


class _OnFirstCall:
    """A generated function made on its first call, which then takes this stand-in's place in
    the module's globals (where the row readers and `Reader` look it up on each call): a cold
    ``get`` compiles only what its line needs (a CPT code has no HCPCS file facts, descriptors
    or history). Two threads making it at once make equal functions; either is kept."""

    __slots__ = ("_made", "_make", "_name")

    def __init__(self, name: str, make: Callable[[], Callable[..., Any]]) -> None:
        self._name = name
        self._make = make
        self._made: Callable[..., Any] | None = None

    def __call__(self, *args: Any) -> Any:
        made = self._made
        if made is None:
            made = self._made = self._make()
            names = globals()
            if names.get(self._name) is self:  # not replaced meanwhile (a test's stand-in)
                names[self._name] = made
        return made(*args)


_year_seen: Callable[..., Any] = _OnFirstCall("_year_seen", lambda: maker(YearSeen))
_descriptor: Callable[..., Any] = _OnFirstCall("_descriptor", lambda: maker(Descriptor))
_pfs_facts: Callable[..., Any] = _OnFirstCall("_pfs_facts", lambda: maker(PfsFacts))
_hcpcs_facts: Callable[..., Any] = _OnFirstCall("_hcpcs_facts", lambda: maker(HcpcsFacts))
_read_pfs: Callable[..., Any] = _OnFirstCall(
    "_read_pfs", lambda: row_reader(PfsFacts, "_pfs_facts", globals())
)
_read_hcpcs: Callable[..., Any] = _OnFirstCall(
    "_read_hcpcs", lambda: row_reader(HcpcsFacts, "_hcpcs_facts", globals())
)


# -- writing lines (tools/build_data.py) -------------------------------------------------------


def _encode_row(row: PfsFacts, memo: dict[Any, Any]) -> str:
    """One PFS row's text; rows are shared objects, each encoded once per build."""
    key = ("pfs", id(row))
    found = memo.get(key)
    if found is None or found[0] is not row:
        found = memo[key] = (row, _encode_fields(row, _PFS))
    text: str = found[1]
    return text


def encode(
    record: Procedure | Modifier,
    *,
    title: str,
    descriptor_sources: list[str],
    pfs_releases: list[str],
    rbcs_classes: list[RbcsClass],
    memo: dict[Any, Any] | None = None,
) -> str:
    """The line of one record (the inverse of `Reader.procedure` / `Reader.modifier`).

    ``title`` is the title to write (empty: the long descriptor is the title). New descriptor
    sources, PFS releases and RBCS classes are appended to the lists given (CMS gives one RBCS
    id different family names on different codes, so a class is its whole text, not its id).
    ``memo``, one dict kept over the lines of one build, remembers the positions in those
    lists and the encoded PFS rows (shared objects), so a full build does not search them.
    """
    if memo is None:
        memo = {}
    short = record.descriptor(DescriptorUse.SHORT) or ""
    long = record.descriptor(DescriptorUse.LONG) or ""
    sources = {d.source for d in record.descriptors}
    if len(sources) > 1:
        raise ValueError(f"{record.code}: descriptors from several sources {sorted(sources)}")
    source = ""
    if sources:
        (name,) = sources
        if name not in descriptor_sources:
            descriptor_sources.append(name)
        source = str(descriptor_sources.index(name))
    pfs = pfs_rows = pfs_release = rbcs = ""
    replaced_by = ""
    if isinstance(record, Procedure):
        replaced_by = _texts(record.replaced_by)
        rows = [r for r in (record.pfs, *record.pfs_by_modifier) if r is not None]
        releases = {r.release for r in rows}
        if len(releases) > 1:
            raise ValueError(f"{record.code}: PFS rows of several releases {sorted(releases)}")
        if releases:
            (name,) = releases
            if name not in pfs_releases:
                pfs_releases.append(name)
            pfs_release = str(pfs_releases.index(name))
        if record.pfs is not None:
            pfs = _encode_row(record.pfs, memo)
        pfs_rows = ";".join(_encode_row(r, memo) for r in record.pfs_by_modifier)
        if record.rbcs is not None:
            key = ("rbcs", id(record.rbcs))
            found = memo.get(key)
            if found is None or found[0] is not record.rbcs:
                if record.rbcs not in rbcs_classes:
                    rbcs_classes.append(record.rbcs)
                found = memo[key] = (record.rbcs, str(rbcs_classes.index(record.rbcs)))
            rbcs = found[1]
    facts = _encode_fields(record.file_facts, _HCPCS) if record.file_facts is not None else ""
    history = [
        SEP.join(
            (
                _year_text(h),
                h.action or "",
                _day(h.terminated),
                "=" if h.descriptor == long and long else h.descriptor,
            )
        )
        for h in record.history
    ]
    columns = [
        record.code,
        title,
        short,
        long,
        source,
        _day(record.effective),
        _day(record.terminated),
        record.action or "",
        replaced_by,
        facts,
        pfs,
        pfs_release,
        pfs_rows,
        rbcs,
        *history,
    ]
    for column in columns:
        if "\t" in column or "\n" in column or "\r" in column:
            raise ValueError(f"{record.code}: a tab or line break in {column!r}")
    return "\t".join(columns)

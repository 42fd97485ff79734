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

import attrs

from ._resources import OFFICIAL_FOLDER, RELEASE_MANIFEST
from .codes import CodeKind, CodeSystem
from .records import (
    AssistantSurgery,
    Bilateral,
    CoSurgeons,
    Descriptor,
    DescriptorUse,
    GlobalDays,
    HcpcsFacts,
    Modifier,
    MultipleProcedure,
    PcTc,
    PfsFacts,
    PfsStatus,
    Procedure,
    RbcsClass,
    Supervision,
    TeamSurgeons,
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


def _parse_float(text: str) -> float | None:
    if not text:
        return None
    found = _floats.get(text)
    if found is None:
        found = _floats[text] = float(text)
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

# HcpcsFacts and PfsFacts (without ``release``), field by field, in file order.
_HCPCS: tuple[tuple[str, tuple[_Encode, _Decode]], ...] = (
    ("year", _INT),
    ("pricing_indicators", _TEXTS),
    ("multiple_pricing_indicator", _TEXT),
    ("coverage", _TEXT),
    ("coverage_manual_refs", _TEXTS),
    ("carrier_manual_refs", _TEXTS),
    ("statute", _TEXT),
    ("lab_certifications", _TEXTS),
    ("cross_references", _TEXTS),
    ("asc_group", _TEXT),
    ("asc_group_effective", _DAY),
    ("processing_note", _TEXT),
    ("betos", _TEXT),
    ("type_of_service", _TEXTS),
    ("anesthesia_base_units", _INT),
    ("action_effective", _DAY),
)
_PFS: tuple[tuple[str, tuple[_Encode, _Decode]], ...] = (
    ("modifier", _PLAIN),
    ("status", (_enum_value, _enum(PfsStatus))),
    ("global_days", (_enum_value, _enum(GlobalDays))),
    ("pc_tc", (_enum_value, _enum(PcTc))),
    ("multiple_procedure", (_enum_value, _enum(MultipleProcedure))),
    ("bilateral", (_enum_value, _enum(Bilateral))),
    ("assistant", (_enum_value, _enum(AssistantSurgery))),
    ("co_surgeons", (_enum_value, _enum(CoSurgeons))),
    ("team_surgeons", (_enum_value, _enum(TeamSurgeons))),
    ("supervision", (_enum_value, _enum(Supervision))),
    ("endoscopic_base", _TEXT),
    ("preoperative_share", _FLOAT),
    ("intraoperative_share", _FLOAT),
    ("postoperative_share", _FLOAT),
    ("work_rvu", _FLOAT),
    ("non_facility_pe_rvu", _FLOAT),
    ("facility_pe_rvu", _FLOAT),
    ("malpractice_rvu", _FLOAT),
    ("non_facility_total", _FLOAT),
    ("facility_total", _FLOAT),
    ("conversion_factor", _FLOAT),
    ("not_used_for_medicare_payment", _FLAG),
    ("non_facility_na", _FLAG),
    ("facility_na", _FLAG),
    ("imaging_family", _TEXT),
    ("opps_non_facility_pe_rvu", _FLOAT),
    ("opps_facility_pe_rvu", _FLOAT),
    ("opps_malpractice_rvu", _FLOAT),
    ("extra", _TEXTS),
)
_HCPCS_NAMES = tuple(name for name, _ in _HCPCS)
_HCPCS_DECODE = tuple(codec[1] for _, codec in _HCPCS)
_PFS_NAMES = tuple(name for name, _ in _PFS)
_PFS_DECODE = tuple(codec[1] for _, codec in _PFS)


def check_codec() -> None:
    """The format names every field of the fact classes (a new field must be added to it).

    >>> check_codec()
    """
    for cls, table in ((HcpcsFacts, _HCPCS), (PfsFacts, _PFS)):
        fields = {f.name for f in attrs.fields(cls)} - {"release"}
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
# The record classes are plain frozen attrs classes: no validators, converters or defaults made
# by factories, so their __init__ only sets each slot (through object.__setattr__, by name). The
# reader builds some 80,000 objects from trusted shipped data, so it sets the slots itself,
# through each slot's descriptor, without keyword arguments: the same record, in half the time.
# _setters refuses a class whose fields are not exactly the ones given (a new field cannot be
# left unset), and tests/test_official.py checks every shipped line builds a record equal to
# the one the class's own constructor makes from the same values.

_new = object.__new__


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of ``cls``'s fields, in the order of ``names`` (all of its fields)."""
    fields = attrs.fields(cls)
    wrong = {a.name for a in fields} ^ set(names)
    plain = all(
        a.validator is None and a.converter is None and a.on_setattr in (None, attrs.NOTHING)
        for a in fields
    )
    if wrong or not plain or len(names) != len(fields):  # pragma: no cover - a changed model
        raise TypeError(f"cannot build {cls.__name__} from {names}: the class changed")
    slots = vars(cls)
    return tuple(slots[name].__set__ for name in names)


def _year_seen_maker() -> Callable[[int, str, str | None, date | None, int], YearSeen]:
    set_year, set_descriptor, set_action, set_terminated, set_quarter = _setters(
        YearSeen, ("year", "descriptor", "action", "terminated", "quarter")
    )

    def year_seen(
        year: int, descriptor: str, action: str | None, terminated: date | None, quarter: int
    ) -> Any:
        record = _new(YearSeen)
        set_year(record, year)
        set_descriptor(record, descriptor)
        set_action(record, action)
        set_terminated(record, terminated)
        set_quarter(record, quarter)
        return record

    return year_seen


def _descriptor_maker() -> Callable[[DescriptorUse, str, str], Descriptor]:
    set_use, set_text, set_source = _setters(Descriptor, ("use", "text", "source"))

    def descriptor(use: DescriptorUse, text: str, source: str) -> Any:
        record = _new(Descriptor)
        set_use(record, use)
        set_text(record, text)
        set_source(record, source)
        return record

    return descriptor


_PROCEDURE_FIELDS = (
    "code",
    "system",
    "kind",
    "title",
    "descriptors",
    "effective",
    "terminated",
    "action",
    "replaced_by",
    "file_facts",
    "pfs",
    "pfs_by_modifier",
    "rbcs",
    "history",
    "billing",
    "clinical",
    "sources",
    "reviewed",
)


def _procedure_maker() -> Callable[..., Procedure]:
    (
        set_code,
        set_system,
        set_kind,
        set_title,
        set_descriptors,
        set_effective,
        set_terminated,
        set_action,
        set_replaced_by,
        set_file_facts,
        set_pfs,
        set_pfs_by_modifier,
        set_rbcs,
        set_history,
        set_billing,
        set_clinical,
        set_sources,
        set_reviewed,
    ) = _setters(Procedure, _PROCEDURE_FIELDS)

    def procedure(
        code: str,
        system: CodeSystem,
        kind: CodeKind,
        title: str,
        descriptors: tuple[Descriptor, ...],
        effective: date | None,
        terminated: date | None,
        action: str | None,
        replaced_by: tuple[str, ...],
        file_facts: HcpcsFacts | None,
        pfs: PfsFacts | None,
        pfs_by_modifier: tuple[PfsFacts, ...],
        rbcs: RbcsClass | None,
        history: tuple[YearSeen, ...],
    ) -> Any:
        """An official record (no billing, clinical details, sources or review date)."""
        record = _new(Procedure)
        set_code(record, code)
        set_system(record, system)
        set_kind(record, kind)
        set_title(record, title)
        set_descriptors(record, descriptors)
        set_effective(record, effective)
        set_terminated(record, terminated)
        set_action(record, action)
        set_replaced_by(record, replaced_by)
        set_file_facts(record, file_facts)
        set_pfs(record, pfs)
        set_pfs_by_modifier(record, pfs_by_modifier)
        set_rbcs(record, rbcs)
        set_history(record, history)
        set_billing(record, None)
        set_clinical(record, None)
        set_sources(record, ())
        set_reviewed(record, None)
        return record

    return procedure


def _pfs_facts_maker() -> Callable[..., PfsFacts]:
    (
        set_release,
        set_modifier,
        set_status,
        set_global_days,
        set_pc_tc,
        set_multiple_procedure,
        set_bilateral,
        set_assistant,
        set_co_surgeons,
        set_team_surgeons,
        set_supervision,
        set_endoscopic_base,
        set_preoperative_share,
        set_intraoperative_share,
        set_postoperative_share,
        set_work_rvu,
        set_non_facility_pe_rvu,
        set_facility_pe_rvu,
        set_malpractice_rvu,
        set_non_facility_total,
        set_facility_total,
        set_conversion_factor,
        set_not_used_for_medicare_payment,
        set_non_facility_na,
        set_facility_na,
        set_imaging_family,
        set_opps_non_facility_pe_rvu,
        set_opps_facility_pe_rvu,
        set_opps_malpractice_rvu,
        set_extra,
    ) = _setters(PfsFacts, ("release", *_PFS_NAMES))

    def pfs_facts(
        release: Any,
        modifier: Any,
        status: Any,
        global_days: Any,
        pc_tc: Any,
        multiple_procedure: Any,
        bilateral: Any,
        assistant: Any,
        co_surgeons: Any,
        team_surgeons: Any,
        supervision: Any,
        endoscopic_base: Any,
        preoperative_share: Any,
        intraoperative_share: Any,
        postoperative_share: Any,
        work_rvu: Any,
        non_facility_pe_rvu: Any,
        facility_pe_rvu: Any,
        malpractice_rvu: Any,
        non_facility_total: Any,
        facility_total: Any,
        conversion_factor: Any,
        not_used_for_medicare_payment: Any,
        non_facility_na: Any,
        facility_na: Any,
        imaging_family: Any,
        opps_non_facility_pe_rvu: Any,
        opps_facility_pe_rvu: Any,
        opps_malpractice_rvu: Any,
        extra: Any,
    ) -> Any:
        record = _new(PfsFacts)
        set_release(record, release)
        set_modifier(record, modifier)
        set_status(record, status)
        set_global_days(record, global_days)
        set_pc_tc(record, pc_tc)
        set_multiple_procedure(record, multiple_procedure)
        set_bilateral(record, bilateral)
        set_assistant(record, assistant)
        set_co_surgeons(record, co_surgeons)
        set_team_surgeons(record, team_surgeons)
        set_supervision(record, supervision)
        set_endoscopic_base(record, endoscopic_base)
        set_preoperative_share(record, preoperative_share)
        set_intraoperative_share(record, intraoperative_share)
        set_postoperative_share(record, postoperative_share)
        set_work_rvu(record, work_rvu)
        set_non_facility_pe_rvu(record, non_facility_pe_rvu)
        set_facility_pe_rvu(record, facility_pe_rvu)
        set_malpractice_rvu(record, malpractice_rvu)
        set_non_facility_total(record, non_facility_total)
        set_facility_total(record, facility_total)
        set_conversion_factor(record, conversion_factor)
        set_not_used_for_medicare_payment(record, not_used_for_medicare_payment)
        set_non_facility_na(record, non_facility_na)
        set_facility_na(record, facility_na)
        set_imaging_family(record, imaging_family)
        set_opps_non_facility_pe_rvu(record, opps_non_facility_pe_rvu)
        set_opps_facility_pe_rvu(record, opps_facility_pe_rvu)
        set_opps_malpractice_rvu(record, opps_malpractice_rvu)
        set_extra(record, extra)
        return record

    return pfs_facts


_year_seen = _year_seen_maker()
_descriptor = _descriptor_maker()
_procedure = _procedure_maker()
_pfs_facts = _pfs_facts_maker()


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

    Identical file facts, PFS rows and RBCS classes become one object each, and repeated texts
    and numbers one object each, which keeps the full catalog smaller than the same content as
    plain dicts. A line is read with dict subscripts and one maker call per object (see
    "building records" above): the full catalog is some 80,000 objects, so the reading is
    written out by hand, in the order of ``_PFS`` (the build step reads every line back and
    compares, so the two cannot differ).
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
            values = [decode(v) for decode, v in zip(_HCPCS_DECODE, text.split(SEP), strict=True)]
            found = self._facts[text] = HcpcsFacts(**dict(zip(_HCPCS_NAMES, values, strict=True)))
        return found

    def _pfs_row(self, text: str, release: str) -> PfsFacts:
        key = release + text
        found = self._pfs.get(key)
        if found is not None:
            return found
        v = text.split(SEP)
        f = self._floats
        flag = _FLAGS
        found = self._pfs[key] = _pfs_facts(
            release,
            v[0],
            _STATUS[v[1]],
            _GLOBAL[v[2]],
            _PC_TC[v[3]],
            _MULTIPLE[v[4]],
            _BILATERAL[v[5]],
            _ASSISTANT[v[6]],
            _CO[v[7]],
            _TEAM[v[8]],
            _SUPERVISION[v[9]],
            v[10] or None,
            f[v[11]],
            f[v[12]],
            f[v[13]],
            f[v[14]],
            f[v[15]],
            f[v[16]],
            f[v[17]],
            f[v[18]],
            f[v[19]],
            f[v[20]],
            flag[v[21]],
            flag[v[22]],
            flag[v[23]],
            v[24] or None,
            f[v[25]],
            f[v[26]],
            f[v[27]],
            tuple(v[28].split(LIST)) if v[28] else (),
        )
        return found

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
_STATUS = _members(PfsStatus)
_GLOBAL = _members(GlobalDays)
_PC_TC = _members(PcTc)
_MULTIPLE = _members(MultipleProcedure)
_BILATERAL = _members(Bilateral)
_ASSISTANT = _members(AssistantSurgery)
_CO = _members(CoSurgeons)
_TEAM = _members(TeamSurgeons)
_SUPERVISION = _members(Supervision)
_FLAGS = {"": False, "1": True}


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
    """The line of one record (the inverse of :meth:`Reader.procedure` / :meth:`Reader.modifier`).

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

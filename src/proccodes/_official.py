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
14+   history: one column per year, ``year|action|terminated|long descriptor`` (``=`` for
      the descriptor when it is the current long descriptor)
====  =============================================================================

Tuples inside a field are ``~``-separated. The build step checks that every record written
reads back equal, so a separator inside a value cannot pass unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

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

__all__ = ["FOLDER", "MANIFEST", "MODIFIERS", "Manifest", "Reader", "shard_name"]

FOLDER = "official"
MANIFEST = "manifest.tsv"
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
    ("extra", _TEXTS),
)
_HCPCS_NAMES = tuple(name for name, _ in _HCPCS)
_HCPCS_DECODE = tuple(codec[1] for _, codec in _HCPCS)
_PFS_NAMES = tuple(name for name, _ in _PFS)
_PFS_DECODE = tuple(codec[1] for _, codec in _PFS)


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
        self.rbcs: list[RbcsClass] = []
        major = {"Y": True, "N": False, "": None}
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
                rbcs_id, category, subcategory, family, is_major = fields
                self.rbcs.append(
                    RbcsClass(
                        id=rbcs_id,
                        category=category,
                        subcategory=subcategory,
                        family=family,
                        major=major[is_major],
                    )
                )


# -- reading lines -----------------------------------------------------------------------------


def _kind_of(code: str) -> tuple[CodeSystem, CodeKind]:
    last = code[4]
    if code[0].isalpha():
        return CodeSystem.HCPCS, CodeKind.HCPCS_LEVEL_II
    if last == "F":
        return CodeSystem.CPT, CodeKind.CPT_CATEGORY_II
    if last == "T":
        return CodeSystem.CPT, CodeKind.CPT_CATEGORY_III
    if last == "U":
        return CodeSystem.CPT, CodeKind.CPT_PLA
    return CodeSystem.CPT, CodeKind.CPT_CATEGORY_I


class Reader:
    """Turns lines of the shipped official files into records, sharing repeated parts.

    Identical file facts, PFS rows and RBCS classes become one object each, and repeated texts
    one string, which keeps the full catalog smaller than the same content as plain dicts.
    """

    __slots__ = ("_facts", "_long", "_manifest", "_pfs", "_short")

    def __init__(self, manifest: Manifest) -> None:
        self._manifest = manifest
        self._facts: dict[str, HcpcsFacts] = {}
        self._pfs: dict[str, PfsFacts] = {}
        sources = manifest.descriptor_sources
        self._short = [Descriptor(use=DescriptorUse.SHORT, text="", source=s) for s in sources]
        self._long = [Descriptor(use=DescriptorUse.LONG, text="", source=s) for s in sources]

    def _file_facts(self, text: str) -> HcpcsFacts | None:
        if not text:
            return None
        found = self._facts.get(text)
        if found is None:
            values = [decode(v) for decode, v in zip(_HCPCS_DECODE, text.split(SEP), strict=True)]
            found = self._facts[text] = HcpcsFacts(**dict(zip(_HCPCS_NAMES, values, strict=True)))
        return found

    def _pfs_row(self, text: str, release: str) -> PfsFacts:
        key = release + SEP + text
        found = self._pfs.get(key)
        if found is None:
            values = [decode(v) for decode, v in zip(_PFS_DECODE, text.split(SEP), strict=True)]
            found = self._pfs[key] = PfsFacts(
                release=release, **dict(zip(_PFS_NAMES, values, strict=True))
            )
        return found

    def _descriptors(self, short: str, long: str, source: str) -> tuple[Descriptor, ...]:
        if not long and not short:
            return ()
        index = int(source)
        found: list[Descriptor] = []
        if short:
            found.append(_with_text(self._short[index], short))
        if long:
            found.append(_with_text(self._long[index], long))
        return tuple(found)

    @staticmethod
    def _history(columns: list[str], long: str) -> tuple[YearSeen, ...]:
        seen = []
        for column in columns:
            year, action, terminated, descriptor = column.split(SEP, 3)
            seen.append(
                YearSeen(
                    year=int(year),
                    descriptor=long if descriptor == "=" else descriptor,
                    action=action or None,
                    terminated=_parse_day(terminated),
                )
            )
        return tuple(seen)

    def procedure(self, line: str) -> Procedure:
        """One code's record from its line."""
        f = line.split("\t")
        code = f[0]
        system, kind = _kind_of(code)
        release = self._manifest.pfs_releases[int(f[11])] if f[11] else ""
        return Procedure(
            code=code,
            system=system,
            kind=kind,
            title=f[1] or f[3],
            descriptors=self._descriptors(f[2], f[3], f[4]),
            effective=_parse_day(f[5]),
            terminated=_parse_day(f[6]),
            action=f[7] or None,
            replaced_by=_parse_texts(f[8]),
            file_facts=self._file_facts(f[9]),
            pfs=self._pfs_row(f[10], release) if f[10] else None,
            pfs_by_modifier=tuple(self._pfs_row(r, release) for r in f[12].split(";"))
            if f[12]
            else (),
            rbcs=self._manifest.rbcs[int(f[13])] if f[13] else None,
            history=self._history(f[14:], f[3]),
        )

    def modifier(self, line: str) -> Modifier:
        """One modifier's record from its line (the same columns; no PFS or RBCS)."""
        f = line.split("\t")
        return Modifier(
            code=f[0],
            title=f[1] or f[3],
            descriptors=self._descriptors(f[2], f[3], f[4]),
            effective=_parse_day(f[5]),
            terminated=_parse_day(f[6]),
            action=f[7] or None,
            file_facts=self._file_facts(f[9]),
            history=self._history(f[14:], f[3]),
        )


def _with_text(template: Descriptor, text: str) -> Descriptor:
    return Descriptor(use=template.use, text=text, source=template.source)


# -- writing lines (tools/build_data.py) -------------------------------------------------------


def encode(
    record: Procedure | Modifier,
    *,
    title: str,
    descriptor_sources: list[str],
    pfs_releases: list[str],
    rbcs_classes: list[RbcsClass],
) -> str:
    """The line of one record (the inverse of :meth:`Reader.procedure` / :meth:`Reader.modifier`).

    ``title`` is the title to write (empty: the long descriptor is the title). New descriptor
    sources, PFS releases and RBCS classes are appended to the lists given (CMS gives one RBCS
    id different family names on different codes, so a class is its whole text, not its id).
    """
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
            pfs = _encode_fields(record.pfs, _PFS)
        pfs_rows = ";".join(_encode_fields(r, _PFS) for r in record.pfs_by_modifier)
        if record.rbcs is not None:
            if record.rbcs not in rbcs_classes:
                rbcs_classes.append(record.rbcs)
            rbcs = str(rbcs_classes.index(record.rbcs))
    facts = _encode_fields(record.file_facts, _HCPCS) if record.file_facts is not None else ""
    history = [
        SEP.join(
            (
                str(h.year),
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

"""One schema, many views (issue 19, 2): every table that lists record fields is derived from
the fields' metadata, so a new field is one line in records.py. A copy of ``PfsFacts``' schema
with one more field shows that each derived table picks it up."""

from __future__ import annotations

import inspect
import itertools
from typing import Any

import attrs
import pytest

from proccodes import _describe, _fastload, _merge, _official, records
from proccodes._schema import (
    PfsColumn,
    codecs,
    field_meta,
    file_fields,
    labels,
    official_fields,
    pfs_columns,
)
from proccodes.errors import ArgumentTypeError, ArgumentValueError, ProcCodesError
from proccodes.export import _SchemaBuilder
from proccodes.records import HcpcsFacts, Modifier, PfsFacts, PfsStatus, Procedure
from proccodes.sources import pfs
from proccodes.sources._files import Findings

from .conftest import NEEDS_SHARED, SHARED, TEST_DATA


def _copy_with_a_field(cls: type, name: str, annotation: str, meta: dict[str, Any]) -> type:
    """A new attrs class with ``cls``'s fields (types, defaults, metadata) and one more field,
    written out from ``attrs.fields(cls)``, not subclassed."""
    namespace: dict[str, Any] = {**vars(records), "attrs": attrs}
    lines = [
        "@attrs.frozen(kw_only=True, repr=False, eq=False)",
        f"class {cls.__name__}Copy(_Record):",
        "    __module__ = 'proccodes.records'",
    ]
    for number, field in enumerate(attrs.fields(cls)):
        namespace[f"_meta{number}"] = dict(field.metadata)
        namespace[f"_default{number}"] = field.default
        default = "" if field.default is attrs.NOTHING else f"default=_default{number}, "
        # the annotation as written (field.type is the resolved class once cattrs resolved it)
        annotation_text = cls.__annotations__.get(field.name, field.type)
        if not isinstance(annotation_text, str):
            namespace[f"_type{number}"] = annotation_text
            annotation_text = f"_type{number}"
        lines.append(
            f"    {field.name}: {annotation_text} = attrs.field({default}metadata=_meta{number})"
        )
    namespace["_extra"] = meta
    lines.append(f"    {name}: {annotation} = attrs.field(default=None, metadata=_extra)")
    exec("\n".join(lines), namespace)
    made: type = namespace[f"{cls.__name__}Copy"]
    return made


# a column CMS might add: its CSV names and its TXT positions after the last column (171)
NEW = field_meta(
    label="Anesthesia RVU", codec="float", pfs=("ANES RVU", "ANESTHESIA RVU"), txt=(172, 177)
)
COPY = _copy_with_a_field(PfsFacts, "anesthesia_rvu", "float | None", NEW)


def test_the_shipped_tables_equal_their_derivation() -> None:
    assert [n for n, _ in _official._HCPCS] == [n for n, _ in codecs(HcpcsFacts)]
    assert [n for n, _ in _official._PFS] == [n for n, _ in codecs(PfsFacts)]
    assert [n for n, _ in codecs(PfsFacts)] == [f.name for f in attrs.fields(PfsFacts)][1:]
    assert list(inspect.signature(_official._procedure).parameters) == list(
        official_fields(Procedure)
    )
    assert {
        Procedure: file_fields(Procedure),
        Modifier: file_fields(Modifier),
    } == _merge._FILE_FIELDS
    assert file_fields(Procedure) == {
        "descriptors", "effective", "terminated", "action", "replaced_by", "file_facts"
    }  # fmt: skip
    from proccodes import site

    assert labels(PfsFacts) == site._PFS_FIELDS
    assert list(site._PFS_FIELDS)[:2] == ["status", "global_days"]
    assert _official.check_codec() is None
    # what show and the site print of an HCPCS file's facts: the labelled fields
    assert tuple(labels(HcpcsFacts)) == _describe.HCPCS_FACT_FIELDS
    assert _describe.HCPCS_FACT_FIELDS[0] == "year"
    # the PFS file's columns: every field's column from its metadata, plus the three that are
    # not a field, in the file's order (the TXT positions of the release PDF)
    table = pfs._TABLE.fields
    assert [f[0] for f in table] == [
        "code", "modifier", "description", "status", "not_used_for_medicare_payment",
        "work_rvu", "non_facility_pe_rvu", "non_facility_na", "facility_pe_rvu", "facility_na",
        "malpractice_rvu", "non_facility_total", "facility_total", "pc_tc", "global_days",
        "preoperative_share", "intraoperative_share", "postoperative_share",
        "multiple_procedure", "bilateral", "assistant", "co_surgeons", "team_surgeons",
        "endoscopic_base", "conversion_factor", "supervision", "calculation_flag",
        "imaging_family", "opps_non_facility_pe_rvu", "opps_facility_pe_rvu",
        "opps_malpractice_rvu",
    ]  # fmt: skip
    from_fields = {name: (c.headers, c.txt) for name, c in pfs_columns(PfsFacts)}
    assert {f[0]: (f[2], f[3]) for f in table if f[0] in from_fields} == from_fields
    assert set(from_fields) == {f.name for f in attrs.fields(PfsFacts)} - {"release", "extra"}
    assert pfs._TABLE.txt_record == 171
    ends = [f[3] for f in table]
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ends))  # no overlap


def test_a_new_field_reaches_every_derived_table() -> None:
    # labels (the site's PFS table)
    assert labels(COPY) == {**labels(PfsFacts), "anesthesia_rvu": "Anesthesia RVU"}
    # the shipped format's codecs: one more column, last
    table = _official.codec_table(COPY)
    assert [n for n, _ in table] == [*(n for n, _ in _official._PFS), "anesthesia_rvu"]
    # the maker and the row reader of the fast path
    make = _official.maker(COPY)
    assert list(inspect.signature(make).parameters)[-1] == "anesthesia_rvu"
    row = COPY(release="r", status=PfsStatus.ACTIVE, work_rvu=1.5, anesthesia_rvu=2.25)
    text = _official._encode_fields(row, table)
    namespace: dict[str, Any] = {"_make_copy": make}
    read = _official.row_reader(COPY, "_make_copy", namespace)
    back = read(text, {"": None, "1.5": 1.5, "2.25": 2.25}, {"": None}, "r")
    assert back == row
    assert back.anesthesia_rvu == 2.25
    # the JSON builder of the shipped curated data
    built = _fastload._builder(COPY)({"release": "r", "anesthesia_rvu": 3.0})
    assert built == COPY(release="r", anesthesia_rvu=3.0)
    # the export schema, with the label as the description
    builder = _SchemaBuilder()
    builder.of(COPY)
    schema = builder.defs["PfsFactsCopy"]["properties"]["anesthesia_rvu"]
    assert schema["description"] == "Anesthesia RVU"
    assert {"type": "number"} in schema["anyOf"]
    # a merge that finds two PFS rows differ names the new field
    differences = _merge._differences("record", "X", "pfs", row, COPY(release="r", work_rvu=1.5))
    assert any(d.endswith("@ X.pfs.anesthesia_rvu") for d in differences)


def _with_the_new_column(text: str) -> str:
    """The excerpt CSV with the new column appended: its name on the header's last line, 2.25
    (or the record's own value) on each record."""
    out = []
    for number, line in enumerate(text.splitlines()):
        if line.startswith("HCPCS,"):
            out.append(line + ",ANES RVU")
        elif line[:5].isalnum() and not line.startswith(","):
            out.append(line + (",x" if line.startswith("62290,") else ",2.25"))
        else:
            out.append(line + ",")
        assert number < 100
    return "\n".join(out) + "\n"


def test_a_new_field_is_read_from_the_pfs_file() -> None:
    """A field with PFS metadata is a column of the loader's table: the CSV's column of that
    name is read into it (and warned of by that name), with no second list to edit."""
    table = pfs._Table(COPY)
    assert table.fields[-1] == ("anesthesia_rvu", pfs._Kind.NUMBER, NEW["pfs"].headers, (172, 177))
    assert table.txt_record == 177
    assert list(table.fields[:-1]) == list(pfs._TABLE.fields)
    text = _with_the_new_column((TEST_DATA / "pfs_excerpt.csv").read_text(encoding="ascii"))

    read = pfs._Parser(text, Findings("x.csv"), ["RVU25D"], table).parse()
    assert read.unknown_columns == ()
    assert read.missing_columns == ()
    assert read["64635"].anesthesia_rvu == 2.25
    assert read.modifier_rows("72148")[0].anesthesia_rvu == 2.25
    assert read["62290"].anesthesia_rvu is None  # "x": not a number, warned of by its name
    assert read.warnings == (
        "x.csv: line 19: ANES RVU: not a number (at most nine digits either side of the point)"
        " (found 'x')",
    )
    # the shipped table does not know the column: kept aside, as any unknown column
    shipped = pfs._Parser(text, Findings("x.csv"), ["RVU25D"]).parse()
    assert shipped.unknown_columns == ("ANES RVU",)
    assert shipped["64635"].extra == ("ANES RVU=2.25",)


def test_a_new_field_is_read_from_the_pfs_txt() -> None:
    txt = SHARED / "data" / "cms-pfs-rvu" / "RVU25D" / "PPRRVU2025_Oct.txt"
    if not txt.exists():
        pytest.skip(f"{NEEDS_SHARED}: the RVU25D TXT")
    lines = list(txt.read_text(encoding="ascii").splitlines()[:60])
    text = "\n".join(line + "  2.25" if len(line) == 171 else line for line in lines) + "\n"
    read = pfs._Parser(text, Findings("x.txt"), ["RVU25D"], pfs._Table(COPY)).parse()
    assert read.warnings == ()
    assert {read[c].anesthesia_rvu for c in read} == {2.25}
    shipped = pfs._Parser("\n".join(lines) + "\n", Findings("x.txt"), ["RVU25D"]).parse()
    code = next(iter(shipped))
    assert shipped[code] == PfsFacts(
        **{n: getattr(read[code], n) for n in attrs.fields_dict(PfsFacts)}
    )


def test_the_pfs_module_doc_names_every_column() -> None:
    """The loader's module doc is the field table of its format: it names each field's column."""
    doc = pfs.__doc__ or ""
    for name, column in pfs_columns(PfsFacts):
        assert f"``{name}``" in doc, name
        assert column.headers[0] in doc, name


def test_pfs_metadata_is_checked() -> None:
    for bad, error in [
        ({"pfs": "WORK RVU", "txt": (1, 2)}, ArgumentTypeError),  # a str, not a tuple of them
        ({"pfs": ("A",), "txt": None}, ArgumentValueError),  # no TXT positions
        ({"pfs": ("A",), "txt": (5, 4)}, ArgumentValueError),
        ({"pfs": ("A",), "txt": (1, 2), "codec": "text"}, ArgumentValueError),  # kind unknown
        ({"codec": "decimal"}, ArgumentValueError),
    ]:
        with pytest.raises(error) as caught:
            field_meta(**bad)
        assert isinstance(caught.value, ProcCodesError)
    made = field_meta(codec=PfsStatus, pfs=("STATUS",), txt=(58, 58))["pfs"]
    assert made == PfsColumn(("STATUS",), (58, 58), PfsStatus)
    assert field_meta(codec="flag", pfs=("NA",), txt=(1, 2), cell="na")["pfs"].cell == "na"


def test_a_file_field_reaches_the_merge() -> None:
    meta = field_meta(official=True, file=True)
    copy = _copy_with_a_field(Procedure, "file_note", "str | None", meta)
    assert "file_note" in file_fields(copy)
    assert official_fields(copy)[-1] == "file_note"
    assert "file_note" in inspect.signature(_official.maker(copy, official_fields(copy))).parameters

"""One schema, many views (issue 19, 2): every table that lists record fields is derived from
the fields' metadata, so a new field is one line in records.py. A copy of ``PfsFacts``' schema
with one more field shows that each derived table picks it up."""

from __future__ import annotations

import inspect
from typing import Any

import attrs

from proccodes import _fastload, _merge, _official, records
from proccodes._schema import codecs, field_meta, file_fields, labels, official_fields
from proccodes.export import _SchemaBuilder
from proccodes.records import HcpcsFacts, Modifier, PfsFacts, PfsStatus, Procedure


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


NEW = field_meta(label="Anesthesia RVU", codec="float")
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


def test_a_file_field_reaches_the_merge() -> None:
    meta = field_meta(official=True, file=True)
    copy = _copy_with_a_field(Procedure, "file_note", "str | None", meta)
    assert "file_note" in file_fields(copy)
    assert official_fields(copy)[-1] == "file_note"
    assert "file_note" in inspect.signature(_official.maker(copy, official_fields(copy))).parameters

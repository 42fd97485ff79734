"""Write docs/catalog.md from the shipped data, so the list of codes cannot drift.

    python tools/gen_catalog_doc.py          # rewrite docs/catalog.md
    python tools/gen_catalog_doc.py --check  # exit 1 if docs/catalog.md is out of date

tests/test_docs.py runs the check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from proccodes import default_catalog

DOC = Path(__file__).resolve().parent.parent / "docs" / "catalog.md"


def render() -> str:
    """The page's text for the current default catalog."""
    catalog = default_catalog()
    as_of = catalog.as_of.isoformat() if catalog.as_of else "not stated"
    lines = [
        "# The shipped catalog",
        "",
        "Generated from `src/proccodes/data/` by `python tools/gen_catalog_doc.py`; do not edit.",
        "",
        f"- Data release: **{catalog.release}**, content as of **{as_of}**.",
        f"- {len(catalog)} records. Titles are proccodes' own words, not AMA descriptors.",
        "",
        "| code | kind | title | unit | region | add-on to | in effect | reviewed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for record in catalog.values():
        billing = record.billing
        unit = billing.unit_of_service.value if billing else ""
        region = billing.body_region.value if billing else ""
        primaries = ", ".join(billing.primary_codes) if billing and billing.add_on else ""
        if record.effective and record.terminated:
            span = f"{record.effective} to {record.terminated}"
        elif record.effective:
            span = f"since {record.effective}"
        elif record.terminated:
            span = f"until {record.terminated}"
        else:
            span = "not stated"
        reviewed = record.reviewed.isoformat() if record.reviewed else ""
        title = record.title.replace("|", "\\|")
        lines.append(
            f"| {record.code} | {record.kind.value} | {title} | {unit} | {region} | "
            f"{primaries} | {span} | {reviewed} |"
        )
    lines += [
        "",
        "CPT is a registered trademark of the American Medical Association.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run python tools/gen_catalog_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

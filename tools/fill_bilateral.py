"""Fill ``billing.bilateral`` of curated records from the shipped PFS facts, where missing.

    python tools/fill_bilateral.py

The curated files are hand-written; this only inserts the one typed line the PFS states
(``"bilateral": "1"`` after ``"body_region"``) in records that lack it, leaving every other
byte as it is, so a reviewer sees one line per record. ``check_catalog`` then keeps the two in
agreement (docs/records.md, "Checked against the PFS").
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import proccodes

DATA = Path(__file__).resolve().parent.parent / "src" / "proccodes" / "data"
_CODE = re.compile(r'^      "code": "([0-9A-Z]{5})",$')
_REGION = re.compile(r'^(        )"body_region": "[^"]*",$')


def fill(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    code = None
    added = 0
    for i, line in enumerate(lines):
        out.append(line)
        found = _CODE.match(line)
        if found:
            code = found.group(1)
        region = _REGION.match(line)
        if region and code is not None:
            following = lines[i + 1 : i + 12]
            pfs = proccodes.get(code).pfs
            if pfs is not None and pfs.bilateral is not None:
                if not any('"bilateral"' in other for other in following):
                    out.append(f'{region.group(1)}"bilateral": "{pfs.bilateral.value}",')
                    added += 1
    path.write_text("\n".join(out), encoding="utf-8")
    return added


def main() -> int:
    total = sum(fill(path) for path in sorted(DATA.glob("*.json")))
    print(f"added {total} bilateral indicators", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

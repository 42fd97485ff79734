"""Write the package's official data (src/proccodes/data/official/) from CMS's files.

    python tools/build_data.py                 # from ../shared/data into the package
    python tools/build_data.py --out DIR       # somewhere else (the test compares the bytes)
    python tools/build_data.py --shared PATH   # the folder that holds data/cms-*

A thin call of ``proccodes data build`` (:func:`proccodes.release.build_files`), the one path
that builds a data release: the HCPCS Level II files of 2019, 2020 and January 2026 (each code's
history across the three), the October 2025 PFS relative value file with the January 2022 and
January 2025 releases for dates, and CMS's RBCS 2025 classification. The files and their
checksums are listed in tools/cms_sources.toml; docs/maintaining.md walks through a new release.
The output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from proccodes import _official
from proccodes.release import build_files

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "proccodes" / "data" / _official.FOLDER
SHARED = ROOT.parent / "shared"

# The official files, oldest first; the shipped release's sources (see tools/cms_sources.toml).
HCPCS_FILES = (
    "data/cms-hcpcs-2019/HCPC2019_CONTR_ANWEB.txt",
    "data/cms-hcpcs-2020/2020-Alpha-Numeric-HCPCS-File.zip",
    "data/cms-hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip",
)
PFS_FILE = "data/cms-pfs-rvu/RVU25D/PPRRVU2025_Oct.csv"
PFS_HISTORY = ("data/cms-pfs-rvu/RVU22A.zip", "data/cms-pfs-rvu/RVU25A.zip")
RBCS_FILE = "data/cms-rbcs/RBCS_RY_2025.csv"


def build(shared: Path) -> dict[str, str]:
    """The files to write, by name, with their text."""
    return build_files(
        hcpcs=[shared / p for p in HCPCS_FILES],
        pfs=shared / PFS_FILE,
        rbcs=shared / RBCS_FILE,
        pfs_history=[shared / p for p in PFS_HISTORY],
    )


def write(files: dict[str, str], out: Path) -> None:
    """Replace the folder's files with ``files`` (stale shards removed). The package's folder
    is in git, so it is written in place; a user's release goes through write_files."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.tsv"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (out / name).write_bytes(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    files = build(args.shared)
    write(files, args.out)
    total = sum(len(t.encode()) for t in files.values())
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB, to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

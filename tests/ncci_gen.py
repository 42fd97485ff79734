"""Generated NCCI files in CMS's exact layouts, for tests and benchmarks (not CMS data).

The layouts are those of the real excerpts in ``../shared/data/cms-ncci-samples``: the PTP files
are tab-separated with six header lines and CRLF line ends, split into parts and zipped; the MUE
file is a CSV that opens with a quoted, multi-line AMA notice. Codes are valid in shape and drawn
at random; the edits between them are invented and say nothing about real billing.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from pathlib import Path

PTP_HEADER = (
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t\r\n"
    "Column1/Column2 Edits\t\t\t\t\t\t\r\n"
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n"
    "\t\t\t\t*=no data\t1=allowed\t\r\n"
    "\t\t\t\t\t9=not applicable\t\r\n"
)
RATIONALES = (
    "CPT Manual or CMS manual coding instruction",
    "Mutually exclusive procedures",
    "Misuse of Column Two code with Column One code",
    "Standards of medical/surgical practice",
    "CPT Procedure Code Definition",
    "HCPCS Procedure Code Definition",
    "More extensive procedure",
    "NCCI policy",
)
MUE_NOTICE = (
    '"Current Procedural Terminology (CPT) codes, descriptions and other data only are '
    "copyright 2025 American Medical Association. All rights reserved. \r\n\r\n"
    "CPT\u00ae is a registered trademark of the American Medical Association.\r\n\r\n"
    'Applicable FARS/DFARS Restrictions Apply to Government Use. ",,,\r\n'
)
MUE_HEADER = (
    '"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,'
    "MUE Rationale\r\n"
)
MUE_INDICATORS = (
    "1 Line Edit",
    "2 Date of Service Edit: Policy",
    "3 Date of Service Edit: Clinical",
)
MUE_RATIONALES = (
    "Code Descriptor / CPT Instruction",
    "Nature of Analyte",
    "Nature of Service/Procedure",
    "Anatomic Consideration",
    "Clinical: Data",
)


def code_universe(size: int, seed: int = 11) -> list[str]:
    """``size`` distinct codes of valid shapes (CPT Category I, III, HCPCS), sorted."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < size:
        roll = rng.random()
        if roll < 0.75:
            found.add(f"{rng.randint(10004, 99499):05d}")
        elif roll < 0.85:
            found.add(f"{rng.randint(1, 999):04d}T")
        else:
            found.add(f"{rng.choice('ABCEGHJKLMPQRSTV')}{rng.randint(0, 9999):04d}")
    return sorted(found)


def ptp_rows(pairs: int, seed: int = 11, universe: list[str] | None = None) -> list[str]:
    """``pairs`` PTP rows (without line ends), sorted by column 1 then column 2."""
    rng = random.Random(seed)
    codes = universe or code_universe(max(200, min(20000, pairs // 100)), seed)
    per_code, rest = divmod(pairs, len(codes))
    rows: list[str] = []
    for i, first in enumerate(codes):
        want = per_code + (1 if i < rest else 0)
        partners = sorted(rng.sample(codes, min(want + 1, len(codes))))
        partners = [c for c in partners if c != first][:want]
        for second in partners:
            start = rng.choice((19960101, 20020101, 20100401, 20180701, 20220101, 20250101))
            roll = rng.random()
            if roll < 0.6:
                end, modifier = "*", rng.choice("0111")
            elif roll < 0.9:
                end, modifier = str(rng.choice((20201231, 20231231, 20251231))), rng.choice("01")
            else:
                end, modifier = str(start), "9"
            prior = "*" if start == 19960101 else ""
            rows.append(
                f"{first}\t{second}\t{prior}\t{start}\t{end}\t{modifier}\t{rng.choice(RATIONALES)}"
            )
    return rows


def write_ptp(
    folder: Path,
    pairs: int,
    *,
    parts: int = 4,
    zipped: bool = True,
    seed: int = 11,
    name: str = "ccipra-v322r0",
) -> list[Path]:
    """Write a PTP table of ``pairs`` rows in ``parts`` files (each a zip of one .txt, as CMS
    publishes them, or plain .txt); return the paths."""
    rows = ptp_rows(pairs, seed)
    size = -(-len(rows) // parts)
    paths: list[Path] = []
    for part in range(parts):
        chunk = rows[part * size : (part + 1) * size]
        text = (PTP_HEADER + "".join(r + "\r\n" for r in chunk)).encode("cp1252")
        member = f"{name}-f{part + 1}.txt"
        if zipped:
            path = folder / f"{name}-f{part + 1}.zip"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(member, text)
        else:
            path = folder / member
            path.write_bytes(text)
        paths.append(path)
    return paths


def mue_rows(codes: list[str], seed: int = 11) -> list[str]:
    """One MUE row per code: code, unit maximum, adjudication indicator, rationale."""
    rng = random.Random(seed)
    return [
        f"{code},{rng.choice((1, 1, 1, 2, 3, 4, 6, 10, 99))},{rng.choice(MUE_INDICATORS)},"
        f"{rng.choice(MUE_RATIONALES)}"
        for code in codes
    ]


def write_mue(path: Path, codes: list[str], *, seed: int = 11) -> Path:
    """Write a practitioner MUE CSV for ``codes`` in CMS's layout; return the path."""
    text = MUE_NOTICE + MUE_HEADER + "".join(r + "\r\n" for r in mue_rows(codes, seed))
    path.write_bytes(text.encode("cp1252"))
    return path


MODIFIER_MIX = ("",) * 24 + ("26", "TC", "59", "XS", "RT", "LT", "50", "25", "GP", "76")


def write_claims(
    path: Path,
    lines: int,
    codes: list[str],
    *,
    seed: int = 11,
    modifiers: Callable[[str, random.Random], str] | None = None,
    quarter: int | None = None,
) -> Path:
    """A CSV of ``lines`` claim lines in encounters of one to six lines (most of two to four),
    codes drawn with a few popular ones repeated often, mostly one unit. ``modifiers(code, rng)``
    chooses a line's modifiers (default: a random mix, blank three times in four). Dates fall in
    2026, or in its ``quarter`` (1-4) when given: a quarter's claims are checked with that
    quarter's NCCI tables."""
    rng = random.Random(seed)
    if modifiers is None:

        def modifiers(code: str, rng: random.Random) -> str:
            return rng.choice(MODIFIER_MIX)

    popular = codes[:: max(1, len(codes) // 3000)][:3000]
    weights = [1.0 / (1 + i) ** 0.8 for i in range(len(popular))]
    drawn = rng.choices(popular, weights, k=lines)
    out = ["claim,date,code,modifiers,units"]
    i = claim = 0
    while i < lines:
        claim += 1
        month = rng.randint(1, 12)
        if quarter is not None:
            month = 3 * (quarter - 1) + 1 + (month - 1) % 3
        day = f"2026-{month:02d}-{rng.randint(1, 28):02d}"
        for _ in range(min(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)), lines - i)):
            units = rng.choice((1,) * 14 + (2, 3))
            code = drawn[i]
            out.append(f"E{claim:07d},{day},{code},{modifiers(code, rng)},{units}")
            i += 1
    path.write_text("\n".join(out) + "\n")
    return path

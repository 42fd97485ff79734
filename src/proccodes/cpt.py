"""Official CPT descriptors from the AMA data files a licensee receives, overlaid on a catalog.

proccodes ships no AMA text. A user with a CPT license points
[`load_cpt_descriptors`][proccodes.cpt.load_cpt_descriptors] at the
files of their release, and overlays the descriptors on a catalog; records gain official
descriptors (``Descriptor`` with use short, medium, long, consumer or clinician), and every code in
the files that the catalog lacks is reported, not dropped.

Files are recognized by name, as the AMA names them:

=====================================  =============================================  ===========
file                                   layout                                         use
=====================================  =============================================  ===========
``SHORTU.txt``                         code, a space, the descriptor                  short
``MEDU.txt``                           code, a space, the descriptor                  medium
``LONGULT.txt`` (``LONGUT``, ...)      code, a tab or a space, the descriptor         long
``ConsumerDescriptor.txt``             tab-separated, header row (concept, code, text) consumer
``ClinicianDescriptor.txt``            tab-separated, header row (concept, code, id,   clinician
                                       text); several rows per code
=====================================  =============================================  ===========

A copyright header before the first code line is skipped. Files are read as UTF-8, falling back to
cp1252 (the AMA's own loader does the same), through the safe reader every loader uses (regular
files only, at most ``max_bytes`` each). A code that is not a valid CPT code (``00000``), a code
listed twice in one file (other than the clinician file, which has several rows per code) and
control characters in a descriptor are errors, all reported together in one
[`DataError`][proccodes.DataError].
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from ._args import check_int, check_type, type_name
from .catalog import Catalog
from .codes import is_valid_code
from .errors import ArgumentTypeError, DataError
from .records import Descriptor, DescriptorUse

if TYPE_CHECKING:
    from .sources._files import Findings

__all__ = ["CptDescriptors", "Overlay", "load_cpt_descriptors"]

_CODE_LINE = re.compile(r"([0-9]{4}[0-9AFMTU])(?:\t| +)(\S.*)")
_CODE = re.compile(r"[0-9]{4}[0-9AFMTU]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A line that starts like a code line (three to seven letters or digits, the first a digit,
# then a tab or spaces and text) but is not one; a year ("2025 American Medical ...") is not.
_DAMAGED_CODE_LINE = re.compile(r"\s*(?!(?:19|20)[0-9]{2} )[0-9][0-9A-Za-z]{2,6}(?:\t| +)\S").match


def _use_of(name: str) -> DescriptorUse | None:
    upper = name.upper()
    if upper.startswith("SHORTU"):
        return DescriptorUse.SHORT
    if upper.startswith("MEDU"):
        return DescriptorUse.MEDIUM
    if upper.startswith("LONGU"):
        return DescriptorUse.LONG
    if upper.startswith("CONSUMERDESCRIPTOR"):
        return DescriptorUse.CONSUMER
    if upper.startswith("CLINICIANDESCRIPTOR"):
        return DescriptorUse.CLINICIAN
    return None


@attrs.frozen(kw_only=True)
class Overlay:
    """The result of overlaying descriptors: the new catalog and what did not match."""

    catalog: Catalog
    matched: tuple[str, ...]
    unmatched: tuple[str, ...]


def _read_only(value: Mapping[str, tuple[Descriptor, ...]]) -> Mapping[str, tuple[Descriptor, ...]]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class CptDescriptors:
    """Official descriptors by code, read from licensed AMA files; ``by_code`` is read-only."""

    by_code: Mapping[str, tuple[Descriptor, ...]] = attrs.field(converter=_read_only)
    files: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.by_code)

    def __reduce__(self) -> tuple[Any, ...]:
        # the read-only view cannot be pickled itself: rebuilt from a plain dict
        return (_restore, (dict(self.by_code), self.files))

    def overlay(self, catalog: Catalog) -> Overlay:
        """The catalog with these descriptors added to its records.

        A record's descriptors of the same use are replaced by the file's; codes in the files
        but not in the catalog are listed in ``unmatched``.
        """
        check_type("catalog", catalog, Catalog, "a Catalog")
        records = []
        matched = []
        for code, record in catalog.items():
            found = self.by_code.get(code)
            if found is None:
                records.append(record)
                continue
            uses = {d.use for d in found}
            kept = tuple(d for d in record.descriptors if d.use not in uses)
            records.append(attrs.evolve(record, descriptors=kept + found))
            matched.append(code)
        unmatched = tuple(sorted(set(self.by_code) - set(catalog)))
        new = Catalog(
            records,
            release=catalog.release,
            as_of=catalog.as_of,
            modifiers=catalog.modifiers.values(),
            warnings=catalog.warnings,
        )
        return Overlay(catalog=new, matched=tuple(matched), unmatched=unmatched)


def _restore(by_code: dict[str, tuple[Descriptor, ...]], files: tuple[str, ...]) -> CptDescriptors:
    return CptDescriptors(by_code=by_code, files=files)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _rows(path: Path, text: str, use: DescriptorUse) -> Iterator[tuple[str, str]]:
    from .sources._files import Findings, long_line, split_lines, too_long

    lines = split_lines(text)
    problems = Findings(str(path))  # capped: the first 50, then "and N more"
    too_long_at = long_line(lines)
    if too_long_at is not None:
        problems.error(too_long_at, too_long())
        problems.raise_if_errors()
    if use in (DescriptorUse.CONSUMER, DescriptorUse.CLINICIAN):
        yield from _tab_rows(path, lines, use, problems)
        return
    started = False
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        m = _CODE_LINE.fullmatch(line.rstrip())
        if m is None:
            # before the first code line: a copyright header, but a line that starts like a
            # code line (digits, then text) is a damaged one, never skipped silently
            if line.strip() and (started or _DAMAGED_CODE_LINE(line)):
                problems.error(number, "expected a code, then its descriptor")
            continue
        started = True
        code = m.group(1)
        problem = _code_problem(code, number, seen, once=True) or _text_problem(m.group(2))
        if problem:
            problems.error(number, problem)
            continue
        yield code, " ".join(m.group(2).split())
    if not started:
        problems.error("the file", "no code lines found (is this an AMA descriptor file?)")
    problems.raise_if_errors()


def _tab_rows(
    path: Path, lines: list[str], use: DescriptorUse, problems: Findings
) -> Iterator[tuple[str, str]]:
    header_at = next(
        (i for i, line in enumerate(lines) if "cpt code" in line.lower() and "\t" in line), None
    )
    if header_at is None:
        raise DataError(str(path), ["no header row with a 'CPT Code' column"])
    header = [h.strip().lower() for h in lines[header_at].split("\t")]
    code_col = header.index(next(h for h in header if "cpt code" in h))
    text_col = len(header) - 1
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[header_at + 1 :], header_at + 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            problems.error(number, f"expected {len(header)} tab-separated columns")
            continue
        code = cells[code_col].strip()
        if not _CODE.fullmatch(code):
            problems.error(number, f"{code[:20]!r} is not a CPT code @ {header[code_col]}")
            continue
        once = use is not DescriptorUse.CLINICIAN
        problem = _code_problem(code, number, seen, once=once) or _text_problem(cells[text_col])
        if problem:
            problems.error(number, problem)
            continue
        yield code, " ".join(cells[text_col].split())
    problems.raise_if_errors()


def _code_problem(code: str, number: int, seen: dict[str, int], *, once: bool) -> str | None:
    if not is_valid_code(code):
        return f"{code} is not a valid CPT code (no CPT section holds it) @ code"
    first = seen.setdefault(code, number)
    if once and first != number:
        return f"a second row for code {code} (the first is line {first}) @ code"
    return None


def _text_problem(text: str) -> str | None:
    found = _CONTROL.search(text)
    if found is None:
        return None
    return f"control character {found.group()!r} in the descriptor @ descriptor"


def load_cpt_descriptors(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, strict: bool = False
) -> CptDescriptors:
    """Read AMA CPT descriptor files: one file, or a folder holding several.

    ``max_bytes`` bounds each file (default 256 MiB); a line longer than 1 MiB is an error.
    ``strict`` is taken as by every loader; these files have no non-key field, so every problem
    found is an error already, whatever it says.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "SHORTU.txt").write_text("Licensed text follows.\\n\\n99499 SOME TEXT\\n")
    >>> found = load_cpt_descriptors(folder)
    >>> found.by_code["99499"][0].use.value, len(found)
    ('short', 1)

    Args:
        path: one AMA descriptor file, or a folder holding several.
        max_bytes: the largest file read; default 256 MiB.
        strict: accepted as by every loader; every problem here is an error already.

    Returns:
        The descriptors by code, to overlay on a catalog.

    Raises:
        DataError: the file cannot be read, is not a known AMA descriptor file, or the folder
            holds none.
        TypeError: ``path`` is not a path, or ``strict`` not a bool.
        ValueError: ``max_bytes`` is below 1.
    """
    from .sources._files import path_kind, read_input

    if not isinstance(path, str | os.PathLike) or not isinstance(os.fspath(path), str):
        raise ArgumentTypeError(f"path must be a str or os.PathLike, not {type_name(path)}")
    if max_bytes is not None:
        check_int("max_bytes", max_bytes, minimum=1)
    check_type("strict", strict, bool, "True or False")
    path = Path(path)
    kind = path_kind(path)
    if kind == "folder":
        try:
            files = sorted(p for p in path.iterdir() if _use_of(p.name) is not None)
        except OSError as exc:
            raise DataError(str(path), [f"cannot list the folder: {exc.strerror}"]) from exc
        if not files:
            raise DataError(str(path), ["no AMA descriptor files (SHORTU, MEDU, LONGULT ...)"])
    elif kind == "other":
        if _use_of(path.name) is None:
            raise DataError(str(path), ["not a known AMA descriptor file name"])
        files = [path]
    else:
        raise DataError(str(path), ["no such file or folder"])
    found: dict[str, list[Descriptor]] = {}
    for file in files:
        use = _use_of(file.name)
        assert use is not None
        text = _decode(
            read_input(file, what="an AMA CPT descriptor file", max_bytes=max_bytes).data
        )
        source = f"AMA CPT {file.name}"
        for code, descriptor in _rows(file, text, use):
            found.setdefault(code, []).append(Descriptor(use=use, text=descriptor, source=source))
    return CptDescriptors(
        by_code={code: tuple(ds) for code, ds in sorted(found.items())},
        files=tuple(str(f) for f in files),
    )

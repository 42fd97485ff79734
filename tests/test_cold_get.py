"""What a cold first `get` does, counted rather than timed: which modules it imports and which
generated readers and patterns it makes (each on first use), in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

_REPORT = (
    "import json\n"
    "import proccodes\n"
    "from proccodes import _official, codes\n"
    "record = proccodes.get({code!r})\n"
    "made = sorted(n for n in ('_year_seen', '_descriptor', '_pfs_facts', '_hcpcs_facts',\n"
    "                          '_read_pfs', '_read_hcpcs')\n"
    "              if type(getattr(_official, n)).__name__ == 'function')\n"
    "patterns = sorted(n for n in ('_SHAPE_MATCH', '_OTHER_SHAPES')\n"
    "                  if type(getattr(codes, n)).__name__ != 'function')\n"
    "print(json.dumps({{'made': made, 'patterns': patterns, 'code': record.code}}))\n"
)


def _cold(code: str) -> dict[str, Any]:
    script = _REPORT.format(code=code)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _cold_json_imported(code: str) -> bool:
    script = (
        "import sys\n"
        "before = 'json' in sys.modules\n"
        f"import proccodes; proccodes.get({code!r})\n"
        "print(before or 'json' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip() == "True"


@pytest.mark.parametrize("code", ["99213", "J1100"])
def test_a_cold_get_of_an_official_only_code_imports_no_json(code: str) -> None:
    assert not _cold_json_imported(code)


def test_a_cold_get_of_a_cpt_code_makes_no_hcpcs_reader_and_no_pattern() -> None:
    found = _cold("99213")
    assert found["code"] == "99213"
    assert found["made"] == ["_pfs_facts", "_read_pfs"]  # a CPT line: PFS rows only
    assert found["patterns"] == []  # get() normalizes; it needs no pattern


def test_a_cold_get_of_a_level_ii_code_makes_what_its_line_needs() -> None:
    found = _cold("J1100")
    assert found["code"] == "J1100"
    assert {"_descriptor", "_hcpcs_facts", "_read_hcpcs"} <= set(found["made"])


def test_readers_made_on_first_use_read_what_the_class_constructors_build() -> None:
    # in this process the makers may already be made; either way a row read from a line
    # equals the one the class's own constructor makes from the same values
    import attrs

    from proccodes import get
    from proccodes.catalog import shipped_data

    for code in ("99213", "J1100", "62290"):
        official = shipped_data().official_record(code)
        assert official is not None
        assert official.code == code
        assert get(code).code == code
        if official.pfs is not None:
            row = official.pfs
            fields = attrs.fields(type(row))
            assert row == type(row)(**{f.name: getattr(row, f.name) for f in fields})

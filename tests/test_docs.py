"""The documentation agrees with the code: README set-up commands, CI, generated pages."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def _readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("```sh")
    end = lines.index("```", start)
    return lines[start + 1 : end]


def test_readme_opens_with_the_two_commands():
    install, tests = _readme_commands()
    assert install.endswith("proccodes show 62290")
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
    for check in ("ruff check", "ruff format --check", "mypy --strict src"):
        assert check in ci


def test_catalog_page_and_index_are_generated_from_the_data():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "regenerate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_readme_carries_the_trademark_notice():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CPT® is a registered trademark of the American Medical Association" in readme

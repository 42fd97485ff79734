"""Shared test set-up: hypothesis profiles and paths.

The default profile ("quick") keeps the suite fast enough for CI on two cores; run the deep one
with ``HYPOTHESIS_PROFILE=deep pytest``.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "quick", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "quick")
settings.load_profile(PROFILE)


def costly(examples: int) -> settings:
    """Settings for a property whose every example is costly (a CLI run over a whole catalog,
    files written and read): ``examples`` in the quick profile, the profile's own count in any
    other (``HYPOTHESIS_PROFILE=deep`` still runs it deep)."""
    return settings(max_examples=examples) if PROFILE == "quick" else settings()


ROOT = Path(__file__).resolve().parent.parent
# The CMS files and seeds beside the repository; PROCCODES_SHARED points elsewhere (a folder that
# does not exist shows what a clone without them runs: those tests skip, saying so).
SHARED = Path(os.environ.get("PROCCODES_SHARED") or ROOT.parent / "shared")
NEEDS_SHARED = "needs ../shared"  # how every skip for want of ../shared begins
DATA_DIR = ROOT / "src" / "proccodes" / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"


# Doctests that build the whole site (seconds each): left out of the fast subset, -m "not slow".
SLOW_DOCTESTS = {"site.md", "proccodes.site.build_site", "proccodes.site.search_data"}
# Fixtures that build a whole site or a data release (seconds each): a test using one is slow.
SLOW_FIXTURES = {"default_site", "site_run", "release_25a"}


@pytest.fixture(scope="session")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The site of the default catalog, written once per session by ``proccodes site`` (the
    command run in-process): its folder and what the command printed. Tests only read it; a
    test that changes a site copies it first. (Each build is seconds: the site tests and the
    browser tests share this one.)"""
    pytest.importorskip("jinja2")
    from proccodes.cli import main

    out = tmp_path_factory.mktemp("default-site") / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["site", str(out)])
    assert code == 0, printed.getvalue()
    return out, printed.getvalue()


def cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``proccodes ARGS`` run in this process (``proccodes.cli.main``), answered as
    ``subprocess.run`` answers: exit code, standard output and error. For tests of what a
    command says; tests/test_cli.py runs each command as a user does, in a new process (a new
    process loads the whole catalog again: seconds a run)."""
    from proccodes.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_stdin, saved_env = sys.stdin, dict(os.environ)
    sys.stdin = io.StringIO(stdin or "")
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, --version, a usage error
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["proccodes", *args], code, out.getvalue(), err.getvalue())


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Mark slow the slow doctests and the tests using a slow fixture (any other test function
    carries its own marker)."""
    for item in items:
        doctest = type(item).__name__ == "DoctestItem"
        if (doctest and item.name in SLOW_DOCTESTS) or SLOW_FIXTURES.intersection(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line counting the tests skipped for want of ../shared, and how to run them."""
    skipped = terminalreporter.stats.get("skipped", [])
    wanting = 0
    for report in skipped:
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        wanting += NEEDS_SHARED in str(reason)
    if wanting:
        terminalreporter.write_line(
            f"{wanting} tests skipped: they need ../shared (the CMS files and seeds beside the "
            f"repository, {SHARED}); without it the rest of the suite still runs"
        )

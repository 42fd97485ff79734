"""Package metadata, typing marker, public API surface, and what importing costs."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata, resources

import pytest

import proccodes


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )


def test_version_comes_from_metadata():
    assert proccodes.__version__ == metadata.version("proccodes")


def test_metadata():
    meta = metadata.metadata("proccodes")
    assert meta["Requires-Python"] == ">=3.11"
    assert "Typing :: Typed" in meta.get_all("Classifier")
    requires = " ".join(metadata.requires("proccodes") or [])
    assert "attrs" in requires
    assert "cattrs" in requires


def test_py_typed_and_data_ship():
    files = resources.files("proccodes")
    assert files.joinpath("py.typed").is_file()
    assert any(e.name.endswith(".json") for e in files.joinpath("data").iterdir())
    assert files.joinpath("data", "index.txt").is_file()


def test_every_public_name_resolves_and_is_documented():
    for name in proccodes.__all__:
        value = getattr(proccodes, name)
        if callable(value):
            assert value.__doc__, name
    assert sorted(proccodes.__all__) == proccodes.__all__
    assert set(proccodes.__all__) <= set(dir(proccodes))


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="nothing_here"):
        proccodes.nothing_here  # noqa: B018


def test_import_loads_no_data_and_no_cattrs():
    result = _python(
        "import sys, proccodes\n"
        "assert 'cattrs' not in sys.modules\n"
        "assert 'proccodes.catalog' not in sys.modules\n"
        "print('ok')"
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_first_get_does_not_import_cattrs():
    result = _python(
        "import sys, proccodes\n"
        "proccodes.get('62290')\n"
        "assert 'cattrs' not in sys.modules, 'cattrs imported'\n"
        "print('ok')"
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_testing_module_imports_without_hypothesis():
    result = _python(
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "import proccodes.testing as t\n"
        "t.assert_complete(__import__('proccodes').get('62290'))\n"
        "try:\n"
        "    t.codes()\n"
        "except ImportError as exc:\n"
        "    print('needs hypothesis' if 'hypothesis' in str(exc) else exc)\n"
    )
    assert result.stdout.strip() == "needs hypothesis", result.stderr

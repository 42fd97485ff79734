"""A smoke test of the lowest declared runtime dependencies (pyproject's attrs and cattrs floors).

.ci/run installs exactly those versions into a venv of their own and runs this file with the
source tree on the path; it exercises what the package uses of each library: the attrs records,
cattrs' converter with its tuple hooks and detailed validation (``cattrs.cols``,
``transform_error``), an export and a round trip. Seconds, not minutes.

    PYTHONPATH=src python tools/floor_smoke.py
"""

from __future__ import annotations

import json
import tempfile
from importlib.metadata import version
from pathlib import Path

import proccodes
from proccodes import DataError, default_catalog, load_catalog
from proccodes.export import catalog_json


def main() -> None:
    data = Path(proccodes.__file__).parent / "data"
    catalog = load_catalog(data)  # the strict loader: cattrs' converter
    assert len(catalog) > 100, len(catalog)
    assert default_catalog()["62290"].curated  # the fast loader and the official data
    document = catalog_json(catalog)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        assert dict(load_catalog(path)) == dict(catalog)  # a round trip
        bad = dict(document, procedures=[dict(document["procedures"][0], title=5)])
        path.write_text(json.dumps(bad), encoding="utf-8")
        problem = ""
        try:
            load_catalog(path)
        except DataError as exc:  # detailed validation names the field
            problem = str(exc)
        assert "title" in problem, f"a number for a title: {problem or 'loaded'}"
    versions = f"attrs {version('attrs')}, cattrs {version('cattrs')}"
    print(f"floors ok: {versions}; {len(catalog)} records")


if __name__ == "__main__":
    main()

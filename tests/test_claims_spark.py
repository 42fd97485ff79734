"""The Spark path (:func:`proccodes.claims.spark_function`) without Spark, and with it.

Spark calls the function once per claim group with a pandas frame (``applyInPandas``), so the
function itself is tested here on pandas alone, group by group, against the line path. The run
on a real local Spark session (tests/test_claims_dask.py) needs the ``spark`` extra, which the
``test`` extra leaves out (pyspark 4.3.0 is a 456 MB download, and it needs Java).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from proccodes.claims import findings_from_frame

from .test_claims_dask import _expected, _frame, reference_files  # noqa: F401 (a fixture)
from .test_claims_paths import generated_lines

pd = pytest.importorskip("pandas")


def _spark_types(schema: str) -> dict[str, str]:
    return dict(field.strip().split(" ", 1) for field in schema.split(","))


def test_the_spark_function_per_claim_group_equals_the_line_path(
    reference_files: tuple[Path, Path, Path],  # noqa: F811
) -> None:
    from proccodes.claims import spark_function
    from proccodes.claims.cluster import SPARK_SCHEMA

    lines = generated_lines(300, seed=5)
    expected = _expected(reference_files, lines)
    assert expected, "the generated lines have findings to compare"
    ptp, mue, catalog = reference_files
    frame = _frame(lines)
    frame["line"] = range(len(frame))
    run = spark_function(ptp=ptp, mue=mue, catalog=catalog)
    parts = [run(group.reset_index(drop=True)) for _, group in frame.groupby("claim", sort=False)]
    types = _spark_types(SPARK_SCHEMA)
    for part in parts:  # what Spark would check against the schema
        assert list(part.columns) == list(types)
        assert all(isinstance(lines, list) for lines in part["lines"])
        assert all(isinstance(number, int) for lines in part["lines"] for number in lines)
    found = pd.concat([p for p in parts if len(p)], ignore_index=True)
    got = sorted(findings_from_frame(found), key=lambda f: f.sort_key())
    assert got == expected


def test_the_spark_extra_is_declared_and_left_out_of_the_test_extra() -> None:
    import tomllib

    from .conftest import ROOT

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert any(dep.startswith("pyspark") for dep in extras["spark"])
    assert not any("spark" in dep for dep in extras["test"])

"""The Dask path on a LocalCluster of two worker processes, and the Spark path if installed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from proccodes.claims import check, findings_from_frame
from proccodes.export import catalog_json

from . import claims_data
from .test_claims_paths import generated_lines

pd = pytest.importorskip("pandas")
pytestmark = pytest.mark.slow  # a Dask cluster of worker processes, a Spark session


def _frame(lines: list) -> object:  # type: ignore[type-arg]
    return claims_data.frame_of(lines)


@pytest.fixture(scope="module")
def reference_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("refs")
    ptp, mue = claims_data.write_tables(folder)
    cat = claims_data.catalog()
    catalog_path = folder / "catalog.json"
    doc = catalog_json(_dated(cat))
    catalog_path.write_text(json.dumps(doc))
    return ptp, mue, catalog_path


def _dated(cat):  # type: ignore[no-untyped-def]
    from proccodes import Catalog

    return Catalog(
        cat.values(), release=cat.release, as_of=date(2026, 1, 1), modifiers=cat.modifiers.values()
    )


def _expected(refs: tuple[Path, Path, Path], lines: list) -> list:  # type: ignore[type-arg]
    from proccodes import load_catalog
    from proccodes.sources.ncci import load_mue, load_ptp

    ptp, mue, catalog = refs
    return check(lines, ptp=load_ptp(ptp), mue=load_mue(mue), catalog=load_catalog(catalog))


def test_dask_local_cluster_equals_line_path(reference_files: tuple[Path, Path, Path]) -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    from proccodes.claims import check_dask

    lines = generated_lines(3000, seed=9)
    expected = _expected(reference_files, lines)
    assert len({f.rule for f in expected}) >= 8
    ptp, mue, catalog = reference_files
    frame = dd.from_pandas(_frame(lines), npartitions=4)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        found = check_dask(frame, ptp=ptp, mue=mue, catalog=catalog).compute()
        loaded = client.run(
            lambda: len(__import__("proccodes.claims.cluster").claims.cluster._LOADED)
        )
    assert sorted(loaded.values()) == [1, 1]  # each worker loaded the tables once
    got = sorted(findings_from_frame(found), key=lambda f: f.sort_key())
    assert got == expected


def test_dask_rejects_a_pandas_frame() -> None:
    pytest.importorskip("dask.dataframe")
    from proccodes.claims import check_dask

    with pytest.raises(TypeError, match="Dask DataFrame"):
        check_dask(_frame(generated_lines(3)))


@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support:FutureWarning")
def test_spark_apply_in_pandas(
    reference_files: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyspark", reason="needs pyspark: pip install 'proccodes[spark]'")
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")  # loopback only
    from pyspark.sql import SparkSession

    from proccodes.claims import spark_function
    from proccodes.claims.cluster import SPARK_SCHEMA

    lines = generated_lines(500, seed=3)
    expected = _expected(reference_files, lines)
    ptp, mue, catalog = reference_files
    frame = _frame(lines)
    frame["line"] = range(len(frame))
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    try:
        run = spark_function(ptp=ptp, mue=mue, catalog=catalog)
        rows = (
            spark.createDataFrame(frame).groupBy("claim").applyInPandas(run, SPARK_SCHEMA)
        ).collect()  # not toPandas(): pyspark 4.3's conversion fails with pandas 3
        found = pd.DataFrame([r.asDict() for r in rows])
    finally:
        spark.stop()
    got = sorted(findings_from_frame(found), key=lambda f: f.sort_key())
    assert got == expected

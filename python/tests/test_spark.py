"""PySpark on local[2] over the generated 1M-row table (read from Parquet): every hash equals
the npm package's for the same row, and the reject codes too."""

from __future__ import annotations

import pyarrow as pa
import pytest

from conftest import PHONE_OPTIONS
from crosscheck import assert_same_hashes, assert_same_reasons

pyspark = pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("tikhash-tests")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "3g")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_hashes_equal_the_npm_package(spark, table):
    from pyspark.sql import functions as F

    from tikhash.spark import hash_column, reject_reason

    df = spark.read.parquet(str(table["parquet"]))
    out = (
        df.select(
            "id",
            hash_column("email", "email").alias("email_hash"),
            hash_column("phone", F.col("phone"), **PHONE_OPTIONS).alias("phone_hash"),
            reject_reason("email", "email").alias("email_reason"),
            reject_reason("phone", "phone", **PHONE_OPTIONS).alias("phone_reason"),
        )
        .toArrow()
        .sort_by("id")
    )
    assert out["id"].to_pylist()[:3] == [0, 1, 2] and len(out) == len(table["arrow"])
    assert_same_hashes(out["email_hash"], table["email"], "spark email")
    assert_same_hashes(out["phone_hash"], table["phone"], "spark phone")
    assert_same_reasons(out["email_reason"], table["email"], "spark email")
    assert_same_reasons(out["phone_reason"], table["phone"], "spark phone")


def test_spark_bad_options_fail_on_the_driver(spark):
    import tikhash
    from tikhash.spark import hash_column

    with pytest.raises(tikhash.OptionsError):
        hash_column("email", "email", algorithm="md5")
    with pytest.raises(TypeError):
        hash_column("email", "email", defaultCountry="US")


def test_spark_before_4_1_uses_a_pandas_udf(spark, monkeypatch):
    """Spark < 4.1 has no arrow_udf: the pandas UDF path gives the same hashes."""
    from pyspark.sql import functions as F

    import tikhash
    from tikhash.spark import hash_column, reject_reason

    monkeypatch.delattr(F, "arrow_udf")
    df = spark.createDataFrame([("(201) 555-0123",), (None,), ("call me",)], "phone string")
    got = df.select(hash_column("phone", "phone", default_country="US"), reject_reason("phone", "phone")).collect()
    assert [tuple(r) for r in got] == [
        (tikhash.hash("phone", "+12015550123"), "phone_needs_country"),
        (None, None),
        (None, "invalid_phone"),
    ]


def test_spark_sql_expression_input(spark):
    from pyspark.sql import functions as F

    import tikhash
    from tikhash.spark import hash_column

    df = spark.createDataFrame([(" A@B.co ",), (None,), ("x",)], "raw string")
    got = [r[0] for r in df.select(hash_column("email", F.lower(F.col("raw")))).collect()]
    assert got == [tikhash.hash("email", "a@b.co"), None, None]
    assert pa is not None

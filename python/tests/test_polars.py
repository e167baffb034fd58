"""Polars: `hash_expr` over the generated table equals the npm package's hashes."""

from __future__ import annotations

import pytest

from conftest import PHONE_OPTIONS
from crosscheck import assert_same_hashes

pl = pytest.importorskip("polars")


def test_polars_hashes_equal_the_npm_package(table):
    from tikhash.polars import hash_expr

    df = pl.read_parquet(table["parquet"])
    out = df.select(
        hash_expr("email", "email").alias("e"),
        hash_expr("phone", pl.col("phone"), **PHONE_OPTIONS).alias("p"),
    )
    assert_same_hashes(out["e"].to_arrow(), table["email"], "polars email")
    assert_same_hashes(out["p"].to_arrow(), table["phone"], "polars phone")


def test_polars_lazy_and_bad_options():
    import tikhash
    from tikhash.polars import hash_expr

    lazy = pl.LazyFrame({"email": [" A@B.co ", None, "x"]}).with_columns(h=hash_expr("email", "email"))
    assert lazy.collect()["h"].to_list() == [tikhash.hash("email", "a@b.co"), None, None]
    with pytest.raises(tikhash.OptionsError):
        hash_expr("email", "email", profile="nope")

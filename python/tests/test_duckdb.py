"""DuckDB: SQL `tikhash_hash(kind, value [, default_country])` over the generated table equals
the npm package's hashes."""

from __future__ import annotations

import pytest

from conftest import PHONE_OPTIONS
from crosscheck import assert_same_hashes

duckdb = pytest.importorskip("duckdb")


@pytest.fixture()
def con():
    import tikhash.duckdb

    connection = duckdb.connect()
    tikhash.duckdb.register(connection)
    yield connection
    connection.close()


def test_duckdb_hashes_equal_the_npm_package(con, table):
    con.execute(f"CREATE TABLE customers AS SELECT * FROM read_parquet('{table['parquet']}')")
    out = con.sql(
        "SELECT id, tikhash_hash('email', email) AS e, tikhash_hash('phone', phone, $cc) AS p "
        "FROM customers ORDER BY id",
        params={"cc": PHONE_OPTIONS["default_country"]},
    ).to_arrow_table()
    assert_same_hashes(out["e"], table["email"], "duckdb email")
    assert_same_hashes(out["p"], table["phone"], "duckdb phone")


def test_duckdb_kind_and_country_may_vary_by_row(con):
    import tikhash

    rows = con.execute(
        "SELECT tikhash_hash(k, v, c) FROM (VALUES ('email', ' A@B.co ', NULL), "
        "('phone', '020 7183 8750', 'GB'), ('phone', '(201) 555-0123', 'US'), "
        "('phone', '020 7183 8750', NULL), (NULL, 'a@b.co', NULL), ('email', NULL, NULL)) t(k, v, c)"
    ).fetchall()
    assert [r[0] for r in rows] == [
        tikhash.hash("email", "a@b.co"),
        tikhash.hash("phone", "+442071838750"),
        tikhash.hash("phone", "+12015550123"),
        None,  # phone_needs_country: rejected, so null
        None,
        None,
    ]


def test_duckdb_bad_kind_is_an_error(con):
    with pytest.raises(duckdb.Error, match="unknown identifier kind"):
        con.execute("SELECT tikhash_hash('fax', 'a@b.co')").fetchall()

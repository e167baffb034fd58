"""DuckDB: ``register(connection)`` creates the SQL function
``tikhash_hash(kind, value [, default_country])``, an Arrow UDF over
:func:`tikhash.hash_array`: null where the value is null or rejected.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from . import _hash_array

__all__ = ["register"]


def _hash_rows(kinds: pa.Array, values: pa.Array, countries: pa.Array) -> pa.Array:
    """Hashes ``values`` with each row's kind and country: one batch call per distinct
    (kind, country) pair, which is one call in the usual case of constant arguments."""
    kinds, values, countries = (
        a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in (kinds, values, countries)
    )
    distinct_kinds, distinct_countries = pc.unique(kinds).to_pylist(), pc.unique(countries).to_pylist()
    if len(distinct_kinds) == 1 and len(distinct_countries) == 1:
        return _hash_group(distinct_kinds[0], distinct_countries[0], values)
    out: list[Any] = [None] * len(values)
    for kind in distinct_kinds:
        for country in distinct_countries:
            mask = pc.and_(_equal_or_both_null(kinds, kind), _equal_or_both_null(countries, country))
            rows = pc.indices_nonzero(mask)
            if len(rows) == 0:
                continue
            hashes = _hash_group(kind, country, values.take(rows)).to_pylist()
            for row, digest in zip(rows.to_pylist(), hashes):
                out[row] = digest
    return pa.array(out, type=pa.string())


def _equal_or_both_null(array: pa.Array, scalar: Any) -> pa.Array:
    if scalar is None:
        return pc.is_null(array)
    return pc.fill_null(pc.equal(array, pa.scalar(scalar, type=pa.string())), False)


def _hash_group(kind: str | None, country: str | None, values: pa.Array) -> pa.Array:
    if kind is None:
        return pa.nulls(len(values), pa.string())
    return _hash_array(kind, values, default_country=country)[0]


def register(connection: duckdb.DuckDBPyConnection, name: str = "tikhash_hash") -> None:
    """Creates the SQL functions ``name(kind, value)`` and ``name(kind, value,
    default_country)`` on ``connection``.

    DuckDB's Python UDFs have neither optional arguments nor overloads, so the Arrow UDF is
    registered as ``_name_arrow(kind, value, default_country)`` and ``name`` is a temporary
    macro with both arities over it (connection-scoped, like the UDF)."""

    def hash_rows(kinds: pa.Array, values: pa.Array, countries: pa.Array) -> pa.Array:
        return _hash_rows(kinds, values, countries)

    udf = f"_{name}_arrow"
    connection.create_function(
        udf, hash_rows, [str, str, str], str, type="arrow", null_handling="special", side_effects=False
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP MACRO {name}(kind, value) AS {udf}(kind, value, NULL::VARCHAR), "
        f"(kind, value, default_country) AS {udf}(kind, value, default_country)"
    )

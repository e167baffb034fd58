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


def _hash_rows(kinds: pa.Array, values: pa.Array, countries: pa.Array | None) -> pa.Array:
    """Hashes ``values`` row by row kind (and country): one batch call per distinct pair,
    which is one call in the usual case of constant arguments."""
    kinds = kinds.combine_chunks() if isinstance(kinds, pa.ChunkedArray) else kinds
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if countries is not None and isinstance(countries, pa.ChunkedArray):
        countries = countries.combine_chunks()
    groups = pa.StructArray.from_arrays(
        [kinds, countries if countries is not None else pa.nulls(len(values), pa.string())],
        names=["kind", "country"],
    )
    distinct = pc.unique(groups).to_pylist()
    if len(distinct) == 1:
        return _hash_group(distinct[0], values)
    out: list[Any] = [None] * len(values)
    for group in distinct:
        mask = pc.and_(
            _equal_or_both_null(kinds, group["kind"]),
            _equal_or_both_null(groups.field("country"), group["country"]),
        )
        rows = pc.indices_nonzero(mask).to_pylist()
        hashes = _hash_group(group, values.take(pa.array(rows, type=pa.int64()))).to_pylist()
        for row, digest in zip(rows, hashes):
            out[row] = digest
    return pa.array(out, type=pa.string())


def _equal_or_both_null(array: pa.Array, scalar: Any) -> pa.Array:
    if scalar is None:
        return pc.is_null(array)
    return pc.fill_null(pc.equal(array, pa.scalar(scalar, type=pa.string())), False)


def _hash_group(group: dict[str, Any], values: pa.Array) -> pa.Array:
    if group["kind"] is None:
        return pa.nulls(len(values), pa.string())
    return _hash_array(group["kind"], values, default_country=group["country"])[0]


def register(connection: duckdb.DuckDBPyConnection, name: str = "tikhash_hash") -> None:
    """Creates ``name(kind, value)`` and ``name(kind, value, default_country)`` on
    ``connection`` (DuckDB has no optional arguments for Python UDFs: the 3-argument form is
    created as ``name`` too when DuckDB allows overloads, and always as ``name || '_cc'``)."""

    def two(kinds: pa.Array, values: pa.Array) -> pa.Array:
        return _hash_rows(kinds, values, None)

    def three(kinds: pa.Array, values: pa.Array, countries: pa.Array) -> pa.Array:
        return _hash_rows(kinds, values, countries)

    common = dict(type="arrow", null_handling="special", side_effects=False)
    connection.create_function(name, two, [str, str], str, **common)
    connection.create_function(f"{name}_cc", three, [str, str, str], str, **common)

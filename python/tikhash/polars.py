"""Polars: ``hash_expr(kind, expr, **options)`` is an expression of hashes (null where the
value is null or rejected), one :func:`tikhash.hash_array` call per batch via ``map_batches``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from . import _check_call, _hash_array

__all__ = ["hash_expr"]


def hash_expr(kind: str, expr: pl.Expr | str, **options: Any) -> pl.Expr:
    """``pl.col("email").pipe(...)``-style: ``df.with_columns(hash_expr("email", "email"))``."""
    _check_call(kind, options)
    expr = pl.col(expr) if isinstance(expr, str) else expr

    def hash_series(series: pl.Series) -> pl.Series:
        hashes, _ = _hash_array(kind, series.to_arrow(), **options)
        return pl.Series(series.name, hashes, dtype=pl.String)

    return expr.map_batches(hash_series, return_dtype=pl.String, is_elementwise=True)

"""PySpark: ``hash_column(kind, column, **options)`` returns a ``Column`` of hashes.

An Arrow UDF over :func:`tikhash.hash_array`: ``arrow_udf`` on Spark 4.1 and later (Arrow
batches in and out, no pandas), a pandas UDF on older Spark. Rejected and null rows are null;
:func:`reject_reason` gives the reason code of each rejected row.
"""

# No `from __future__ import annotations`: pandas_udf reads the real type hints of the
# function it wraps (pd.Series -> pd.Series) to pick its UDF type.
from typing import Any

import pyarrow as pa
from pyspark.sql import Column
from pyspark.sql import functions as F

from . import _check_call, _hash_array

__all__ = ["hash_column", "reject_reason"]


def _column(column: Column | str) -> Column:
    return F.col(column) if isinstance(column, str) else column


def _reasons(length: int, rejected: list[tuple[int, str]]) -> pa.Array:
    codes: list[str | None] = [None] * length
    for row, code in rejected:
        codes[row] = code
    return pa.array(codes, type=pa.string())


def _udf(function: Any) -> Any:
    """Wraps ``pa.Array -> pa.Array`` as the fastest Arrow UDF this Spark has."""
    if hasattr(F, "arrow_udf"):  # Spark >= 4.1
        return F.arrow_udf(function, "string")
    import pandas as pd

    def on_pandas(series: pd.Series) -> pd.Series:
        return function(pa.array(series, type=pa.string())).to_pandas()

    return F.pandas_udf(on_pandas, "string")


def hash_column(kind: str, column: Column | str, **options: Any) -> Column:
    """The hash of every row of ``column`` (a ``Column`` or a column name), null where the
    value is null or rejected. Options as for :func:`tikhash.hash`; checked here, on the
    driver, so a typo fails before the job starts."""
    _check_call(kind, options)

    def hash_batch(values: pa.Array) -> pa.Array:
        return _hash_array(kind, values, **options)[0]

    return _udf(hash_batch)(_column(column))


def reject_reason(kind: str, column: Column | str, **options: Any) -> Column:
    """The reason code (``invalid_email``, ...) of every rejected row, null elsewhere."""
    _check_call(kind, options)

    def reasons(values: pa.Array) -> pa.Array:
        return _reasons(len(values), _hash_array(kind, values, **options)[1])

    return _udf(reasons)(_column(column))

"""Compares a column of hashes (and reject codes) from an adapter with the npm package's."""

from __future__ import annotations

import pyarrow as pa


def assert_same_hashes(got, npm: dict, label: str) -> None:
    got = got.combine_chunks() if isinstance(got, pa.ChunkedArray) else got
    want = pa.array(npm["hashes"], type=pa.string())
    got = got.cast(pa.string())
    assert len(got) == len(want), f"{label}: {len(got)} rows, npm has {len(want)}"
    if not got.equals(want):
        g, w = got.to_pylist(), want.to_pylist()
        bad = [i for i in range(len(w)) if g[i] != w[i]]
        raise AssertionError(f"{label}: {len(bad)} rows differ from npm, first at row {bad[0]}: {g[bad[0]]} != {w[bad[0]]}")
    nulls = got.null_count
    assert 0 < len(npm["rejected"]) <= nulls < len(got), f"{label}: the table should have some bad rows"


def assert_same_reasons(reasons, npm: dict, label: str) -> None:
    reasons = reasons.combine_chunks() if isinstance(reasons, pa.ChunkedArray) else reasons
    got = [(row, code) for row, code in enumerate(reasons.to_pylist()) if code is not None]
    assert got == npm["rejected"], f"{label}: reject codes differ from npm"

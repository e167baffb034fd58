"""tikhash: normalize and hash customer identifiers for TikTok Ads, bit for bit as the tikhash
npm package does in the browser (the same Rust crate, compiled as a Python extension).

>>> import tikhash
>>> tikhash.hash("email", " ALICE_abc@gmail.com ")
'848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f'

Adapters: :mod:`tikhash.spark`, :mod:`tikhash.duckdb`, :mod:`tikhash.polars`.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from ._core import (
    OptionsError,
    RejectedError,
    TikhashError,
    __version__,
    hash,
    normalize,
    reject_codes,
)
from ._core import hash_array as _hash_array

__all__ = [
    "KINDS",
    "OptionsError",
    "RejectedError",
    "TikhashError",
    "__version__",
    "hash",
    "hash_array",
    "normalize",
    "reject_codes",
]

#: The identifier kinds (``aaid`` is accepted as another name for ``gaid``).
KINDS = ("email", "phone", "idfa", "gaid", "external_id")


def hash_array(kind: str, array: Any, **options: Any) -> tuple[Any, list[tuple[int, str]]]:
    """Hashes a whole column in one call, with the GIL released.

    ``array`` is anything Arrow (a ``pyarrow`` ``Array`` or ``ChunkedArray`` of ``string``,
    ``large_string`` or ``string_view``; any object with ``__arrow_c_array__`` or
    ``__arrow_c_stream__``, such as a Polars Series), or a plain list of ``str``/``None``.

    Returns ``(hashes, rejected)``: ``hashes`` is a ``pyarrow`` array of lowercase hex (a
    ``ChunkedArray`` for chunked input), null where the input was null or the value was
    rejected; ``rejected`` lists ``(row, code)`` for every rejected (non-null) row.
    """
    if isinstance(array, (list, tuple)):
        try:
            array = pa.array(array, type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # pyarrow's message may quote a value: say only what was expected.
            raise TypeError("tikhash: hash_array needs str or None in every row") from None
    return _hash_array(kind, array, **options)


def _check_call(kind: str, options: dict[str, Any]) -> None:
    """Raises now (on the driver, at query build time) for a bad kind or bad options."""
    _hash_array(kind, pa.array([], type=pa.string()), **options)

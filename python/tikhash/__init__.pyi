from typing import Any, Literal

import pyarrow as pa

Kind = Literal["email", "phone", "idfa", "gaid", "aaid", "external_id"]
Profile = Literal["events", "partner_audience", "customer_file"]

__version__: str
KINDS: tuple[str, ...]

class TikhashError(ValueError):
    code: str

class RejectedError(TikhashError): ...
class OptionsError(TikhashError): ...

def normalize(
    kind: Kind,
    value: str,
    *,
    profile: Profile | None = ...,
    default_country: str | None = ...,
    phone_format: Literal["e164", "digits"] | None = ...,
    algorithm: Literal["sha256", "md5"] | None = ...,
    strip_email_dots: bool | None = ...,
    lowercase: bool | None = ...,
) -> str: ...
def hash(
    kind: Kind,
    value: str,
    *,
    profile: Profile | None = ...,
    default_country: str | None = ...,
    phone_format: Literal["e164", "digits"] | None = ...,
    algorithm: Literal["sha256", "md5"] | None = ...,
    strip_email_dots: bool | None = ...,
    lowercase: bool | None = ...,
) -> str: ...
def hash_array(
    kind: Kind, array: Any, **options: Any
) -> tuple[pa.Array | pa.ChunkedArray, list[tuple[int, str]]]: ...
def reject_codes() -> list[str]: ...

# Shared by the adapters (tikhash.spark, tikhash.duckdb, tikhash.polars).
def _hash_array(kind: Kind, array: Any, **options: Any) -> tuple[Any, list[tuple[int, str]]]: ...
def _check_call(kind: str, options: dict[str, Any]) -> None: ...

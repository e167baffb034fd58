"""Properties over arbitrary Unicode: the only exception is the documented RejectedError, null
in gives null out, every hash is 64 (or 32) lowercase hex, and the batch agrees with the
one-value path."""

from __future__ import annotations

import re

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import tikhash

KINDS = st.sampled_from(list(tikhash.KINDS))
COUNTRIES = st.sampled_from([None, "US", "GB", "FR", "IN", "BR"])
HEX64 = re.compile(r"[0-9a-f]{64}")
HEX32 = re.compile(r"[0-9a-f]{32}")
# Text as identifiers arrive: any Unicode, plus the characters the rules care about.
TEXT = st.text() | st.text(alphabet="@.+-()0123456789 \t\u00a0\ufeffAbcÉé_xX", max_size=40)


@settings(max_examples=400, deadline=None)
@given(kind=KINDS, value=TEXT, country=COUNTRIES)
def test_any_text_hashes_or_is_rejected_with_a_known_code(kind, value, country):
    try:
        digest = tikhash.hash(kind, value, default_country=country)
    except tikhash.RejectedError as err:
        assert err.code in tikhash.reject_codes()
        return
    assert HEX64.fullmatch(digest)
    # Normalizing is idempotent and hashing the normalized text gives the same digest.
    normalized = tikhash.normalize(kind, value, default_country=country)
    assert tikhash.normalize(kind, normalized, default_country=country) == normalized
    assert tikhash.hash(kind, normalized, default_country=country) == digest


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(["idfa", "gaid"]), value=TEXT | st.uuids().map(str))
def test_md5_is_32_lowercase_hex(kind, value):
    try:
        assert HEX32.fullmatch(tikhash.hash(kind, value, algorithm="md5"))
    except tikhash.RejectedError as err:
        assert err.code in tikhash.reject_codes()


@settings(max_examples=200, deadline=None)
@given(kind=KINDS, values=st.lists(st.none() | TEXT, max_size=30), country=COUNTRIES)
def test_batch_is_null_in_null_out_and_agrees_with_hash(kind, values, country):
    hashes, rejected = tikhash.hash_array(kind, pa.array(values, type=pa.string()), default_country=country)
    assert len(hashes) == len(values)
    codes = dict(rejected)
    for row, (value, digest) in enumerate(zip(values, hashes.to_pylist())):
        if value is None:
            assert digest is None and row not in codes
            continue
        try:
            expected = tikhash.hash(kind, value, default_country=country)
        except tikhash.RejectedError as err:
            assert digest is None and codes[row] == err.code
        else:
            assert digest == expected and row not in codes

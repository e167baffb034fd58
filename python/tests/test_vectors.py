"""tests/vectors/identifiers.json and phone.json give in Python exactly what they give in Rust
(tests/vectors.rs, tests/phone_vectors.rs), wasm and JS (tests/js/vectors.test.mjs)."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pytest

import tikhash
from conftest import camel  # noqa: F401  (the JSON's camelCase keys are mapped back below)


def snake(options: dict | None) -> dict:
    names = {"profile": "profile", "defaultCountry": "default_country",
             "phoneFormat": "phone_format", "algorithm": "algorithm",
             "stripEmailDots": "strip_email_dots", "lowercase": "lowercase"}
    return {names[k]: v for k, v in (options or {}).items()}


def leaks(message: str, value: str) -> bool:
    return bool(value.strip()) and value.strip() in message


def test_the_vector_files_are_all_there(identifier_vectors, phone_vectors):
    assert len(identifier_vectors) >= 50
    assert len(phone_vectors) >= 45 * 5


def test_identifier_vectors(identifier_vectors):
    failures = []
    for v in identifier_vectors:
        options = snake(v.get("options"))
        label = f"{v['kind']} {v['input']!r} ({v['source']})"
        if v.get("reject"):
            with pytest.raises(tikhash.RejectedError) as err:
                tikhash.normalize(v["kind"], v["input"], **options)
            with pytest.raises(tikhash.RejectedError) as hash_err:
                tikhash.hash(v["kind"], v["input"], **options)
            for e in (err.value, hash_err.value):
                if e.code != v["reject"] or leaks(str(e), v["input"]):
                    failures.append(f"{label}: {e.code} {e}")
            hashes, rejected = tikhash.hash_array(v["kind"], ["a@b.co", v["input"]], **options)
            if hashes[1].as_py() is not None or rejected[-1] != (1, v["reject"]):
                failures.append(f"{label}: batch {rejected}")
            continue
        algorithm = options.get("algorithm", "sha256")
        expected = v["md5"] if algorithm == "md5" else v["sha256"]
        normalized = tikhash.normalize(v["kind"], v["input"], **options)
        digest = tikhash.hash(v["kind"], v["input"], **options)
        hashes, rejected = tikhash.hash_array(v["kind"], [v["input"]], **options)
        if normalized != v["normalized"] or digest != expected:
            failures.append(f"{label}: {normalized!r} {digest}")
        if hashes.to_pylist() != [expected] or rejected:
            failures.append(f"{label}: batch {hashes.to_pylist()} {rejected}")
        # Independent check: hashlib over the normalized text, unless the input was a digest.
        if normalized != expected and hashlib.new(algorithm, normalized.encode()).hexdigest() != digest:
            failures.append(f"{label}: hashlib disagrees")
    assert not failures, "\n".join(failures)


def test_md5_digests_match_where_published(identifier_vectors):
    for v in identifier_vectors:
        if v.get("md5") and not v.get("reject"):
            assert tikhash.hash(v["kind"], v["input"], algorithm="md5") == v["md5"], v["input"]


def test_phone_vectors(phone_vectors):
    failures = []
    for case in phone_vectors:
        options = {"default_country": case["defaultCountry"]}
        label = f"{case['input']!r} with {case['defaultCountry']} ({case['source']})"
        try:
            got = tikhash.normalize("phone", case["input"], **options)
        except tikhash.RejectedError as e:
            got = e.code
        want = case["e164"] if case["e164"] is not None else case["reject"]
        if got != want:
            failures.append(f"{label}: got {got}, want {want}")
    assert not failures, f"{len(failures)} of {len(phone_vectors)}:\n" + "\n".join(failures)


def test_phone_vectors_through_hash_array(phone_vectors):
    """The batch path agrees with the one-value path on every phone vector."""
    by_country: dict = {}
    for case in phone_vectors:
        by_country.setdefault(case["defaultCountry"], []).append(case)
    for country, cases in by_country.items():
        hashes, rejected = tikhash.hash_array(
            "phone", pa.array([c["input"] for c in cases]), default_country=country)
        codes = dict(rejected)
        for row, case in enumerate(cases):
            if case["e164"] is not None:
                expected = hashlib.sha256(case["e164"].encode()).hexdigest()
                assert hashes[row].as_py() == expected, case
            else:
                assert hashes[row].as_py() is None and codes[row] == case["reject"], case


def test_reject_codes_list_every_code_the_vectors_use(identifier_vectors):
    codes = tikhash.reject_codes()
    assert set(codes) >= {v["reject"] for v in identifier_vectors if v.get("reject")}

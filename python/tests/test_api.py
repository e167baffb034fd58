"""The Python surface: errors (ValueError subclasses with `code`, TypeError for wrong types,
never the value in a message), Arrow types in and out, chunks, nulls, the GIL released."""

from __future__ import annotations

import sys
import threading
import time

import pyarrow as pa
import pytest

import tikhash

SECRET = "jane.secret@example.com"
ALICE = "848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f"


def test_readme_example():
    assert tikhash.hash("email", " ALICE_abc@gmail.com ") == ALICE
    assert tikhash.normalize("phone", "020 7183 8750", default_country="GB") == "+442071838750"
    assert tikhash.normalize("email", "Test.User+tag@Testing.com", profile="customer_file") == "test.user@testing.com"
    assert tikhash.normalize("email", "t.e.st@x.com", strip_email_dots=True) == "test@x.com"
    assert tikhash.normalize("external_id", " User_123 ", lowercase=True) == "user_123"
    assert tikhash.normalize("phone", "+44 20 7183 8750", phone_format="digits") == "442071838750"
    assert len(tikhash.hash("idfa", "7A3CBEA0-BDF5-11E4-8DFC-AA07A5B093DB", algorithm="md5")) == 32


def test_a_rejected_value_raises_with_its_code_and_never_the_value():
    with pytest.raises(tikhash.RejectedError) as err:
        tikhash.hash("email", "jane.secret@nodot")
    assert err.value.code == "invalid_email"
    assert isinstance(err.value, ValueError) and isinstance(err.value, tikhash.TikhashError)
    assert "jane.secret" not in str(err.value) and "jane.secret" not in repr(err.value)
    with pytest.raises(tikhash.RejectedError) as err:
        tikhash.normalize("phone", "020 7183 8750")
    assert err.value.code == "phone_needs_country"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: tikhash.hash("fax", SECRET), "unknown_kind"),
        (lambda: tikhash.hash("email", SECRET, algorithm="md5"), "md5_not_allowed"),
        (lambda: tikhash.hash("email", SECRET, algorithm="sha1"), "unknown_algorithm"),
        (lambda: tikhash.hash("phone", SECRET, default_country="XX"), "unknown_country"),
        (lambda: tikhash.hash("email", SECRET, profile="audience"), "unknown_profile"),
        (lambda: tikhash.hash("phone", SECRET, phone_format="national"), "unknown_phone_format"),
        (lambda: tikhash.hash_array("fax", [SECRET]), "unknown_kind"),
    ],
)
def test_bad_options_raise_options_error(call, code):
    with pytest.raises(tikhash.OptionsError) as err:
        call()
    assert err.value.code == code and isinstance(err.value, ValueError)
    assert SECRET not in str(err.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: tikhash.hash("email", 42),
        lambda: tikhash.hash("email", SECRET.encode()),
        lambda: tikhash.hash(7, SECRET),
        lambda: tikhash.hash("email", SECRET, profile=7),
        lambda: tikhash.hash("email", SECRET, strip_email_dots="yes"),
        lambda: tikhash.hash("email", SECRET, defaultCountry="GB"),  # camelCase is the JS name
        lambda: tikhash.hash("email", "\ud800" + SECRET),  # not Unicode: no UTF-8 to hash
        lambda: tikhash.hash_array("email", pa.array([1, 2])),
        lambda: tikhash.hash_array("email", [SECRET, 3]),
        lambda: tikhash.hash_array("email", 12),
    ],
)
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError) as err:
        call()
    assert SECRET not in str(err.value)


def test_none_options_mean_the_defaults():
    assert tikhash.hash("email", "a@b.co", profile=None, default_country=None) == tikhash.hash("email", "a@b.co")
    assert tikhash.hash("phone", "+12015550123", default_country="") == tikhash.hash("phone", "+12015550123")


@pytest.mark.parametrize("type_", [pa.string(), pa.large_string(), pa.string_view()])
def test_hash_array_takes_every_string_type(type_):
    values = ["a@b.co", None, "bad", " C@D.com ", ""]
    hashes, rejected = tikhash.hash_array("email", pa.array(values, type=type_))
    assert isinstance(hashes, pa.Array)
    assert hashes.type == (pa.large_string() if type_ == pa.large_string() else pa.string())
    assert hashes.to_pylist() == [tikhash.hash("email", "a@b.co"), None, None, tikhash.hash("email", "c@d.com"), None]
    assert rejected == [(2, "invalid_email"), (4, "empty")]
    hashes.validate(full=True)


def test_hash_array_numbers_rows_across_chunks():
    chunked = pa.chunked_array([["a@b.co", "bad"], [], [None, "worse", "c@d.co"]])
    hashes, rejected = tikhash.hash_array("email", chunked)
    assert isinstance(hashes, pa.ChunkedArray) and len(hashes) == 5
    assert rejected == [(1, "invalid_email"), (3, "invalid_email")]
    assert hashes.to_pylist()[4] == tikhash.hash("email", "c@d.co")


def test_hash_array_null_and_empty_columns():
    assert tikhash.hash_array("email", pa.array([None, None]))[0].to_pylist() == [None, None]
    hashes, rejected = tikhash.hash_array("email", pa.array([], type=pa.string()))
    assert len(hashes) == 0 and rejected == []


def test_hash_array_md5_width():
    hashes, _ = tikhash.hash_array("gaid", ["5F3A2B18-9C4D-4E7F-B8E2-17D3A1E69B25"], algorithm="md5")
    assert len(hashes[0].as_py()) == 32


def test_hash_array_takes_any_arrow_c_stream_object():
    """An object that only speaks the Arrow PyCapsule stream protocol (as Polars does)."""
    class Stream:
        def __init__(self, chunked):
            self.chunked = chunked

        def __arrow_c_stream__(self, requested_schema=None):
            return self.chunked.__arrow_c_stream__(requested_schema)

    hashes, rejected = tikhash.hash_array("email", Stream(pa.chunked_array([["a@b.co", "x"]])))
    assert hashes.to_pylist()[0] == tikhash.hash("email", "a@b.co") and rejected == [(1, "invalid_email")]


def test_hash_array_releases_the_gil():
    """Another Python thread keeps running while a big batch hashes: with the GIL held it
    would get at most one switch interval (5 ms) of the call."""
    column = pa.array([f"user{i}@example.com" for i in range(1_000_000)])
    count = 0
    done = threading.Event()

    def spin():
        nonlocal count
        while not done.is_set():
            count += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        time.sleep(0.05)
        before, start = count, time.perf_counter()
        tikhash.hash_array("email", column)
        during, elapsed = count - before, time.perf_counter() - start
        time.sleep(elapsed)  # the spinner alone, as long as the call took
        alone = count - before - during
    finally:
        done.set()
        spinner.join()
    assert elapsed > 0.02, "the batch was too quick to tell"
    # Held GIL: `during` is at most a switch interval's worth, ~5 ms of `alone`'s elapsed.
    interval_share = sys.getswitchinterval() / elapsed
    assert during > max(4 * interval_share, 0.1) * alone, (during, alone, elapsed)

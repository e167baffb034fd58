//! One identifier at a time: `normalize` and `hash`, raising `RejectedError` with the reason.

use crate::errors;
use crate::options::{self, PyOptions};
use pyo3::prelude::*;
use pyo3::types::PyString;
use tikhash::Reject;

/// `value` as `&str`; anything but a `str` is a `TypeError` naming only its type, and so is a
/// `str` with lone surrogates (not Unicode text, so it has no UTF-8 to hash).
fn value_str<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
    value
        .cast::<PyString>()
        .map_err(|_| errors::wrong_type("value", "a str", value))?
        .to_str()
        .map_err(|_| errors::wrong_type("value", "a str of valid Unicode", value))
}

/// The exact text TikTok hashes (or the lowercased digest for pre-hashed input).
#[pyfunction]
#[pyo3(signature = (kind, value, *, profile=None, default_country=None, phone_format=None, algorithm=None, strip_email_dots=None, lowercase=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn normalize<'py>(
    kind: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
    profile: Option<Bound<'py, PyAny>>,
    default_country: Option<Bound<'py, PyAny>>,
    phone_format: Option<Bound<'py, PyAny>>,
    algorithm: Option<Bound<'py, PyAny>>,
    strip_email_dots: Option<Bound<'py, PyAny>>,
    lowercase: Option<Bound<'py, PyAny>>,
) -> PyResult<String> {
    let py = kind.py();
    let given = PyOptions {
        profile,
        default_country,
        phone_format,
        algorithm,
        strip_email_dots,
        lowercase,
    };
    let (kind, options) = options::parse(kind, &given)?;
    let value = value_str(value)?;
    tikhash::normalize(kind, value, &options)
        .map(|n| n.as_str().to_owned())
        .map_err(|reason| errors::rejected(py, reason))
}

/// Normalizes, then hashes: lowercase hex, 64 characters (32 for MD5).
#[pyfunction]
#[pyo3(signature = (kind, value, *, profile=None, default_country=None, phone_format=None, algorithm=None, strip_email_dots=None, lowercase=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn hash<'py>(
    kind: &Bound<'py, PyAny>,
    value: &Bound<'py, PyAny>,
    profile: Option<Bound<'py, PyAny>>,
    default_country: Option<Bound<'py, PyAny>>,
    phone_format: Option<Bound<'py, PyAny>>,
    algorithm: Option<Bound<'py, PyAny>>,
    strip_email_dots: Option<Bound<'py, PyAny>>,
    lowercase: Option<Bound<'py, PyAny>>,
) -> PyResult<String> {
    let py = kind.py();
    let given = PyOptions {
        profile,
        default_country,
        phone_format,
        algorithm,
        strip_email_dots,
        lowercase,
    };
    let (kind, options) = options::parse(kind, &given)?;
    let value = value_str(value)?;
    tikhash::hash(kind, value, &options)
        .map(|d| d.as_str().to_owned())
        .map_err(|err| errors::hash(py, err))
}

/// Every reason code a value can be rejected with, in the crate's order.
#[pyfunction]
pub(crate) fn reject_codes() -> Vec<&'static str> {
    Reject::ALL.iter().map(|r| r.code()).collect()
}

//! The exceptions Python sees: `ValueError` subclasses with a `code` attribute holding the crate's
//! reason code, and `TypeError` for a value or an option of the wrong type. No message ever holds
//! the identifier.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use tikhash::hash::HashError;
use tikhash::{OptionsError as CrateOptionsError, Reject};

pyo3::create_exception!(
    tikhash,
    TikhashError,
    PyValueError,
    "Base of tikhash's errors: a ValueError whose `code` attribute is the stable reason code."
);
pyo3::create_exception!(
    tikhash,
    RejectedError,
    TikhashError,
    "One identifier could not be used; `code` says why (`invalid_email`, `phone_needs_country`, ...)."
);
pyo3::create_exception!(
    tikhash,
    OptionsError,
    TikhashError,
    "The call is wrong, not the value: an unknown kind, profile, country, phone format or algorithm."
);

/// Registers the exception classes on the module.
pub(crate) fn add_to(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("TikhashError", py.get_type::<TikhashError>())?;
    m.add("RejectedError", py.get_type::<RejectedError>())?;
    m.add("OptionsError", py.get_type::<OptionsError>())?;
    Ok(())
}

/// An exception of class `T` with `message` and a `code` attribute.
fn with_code<T: pyo3::PyTypeInfo>(py: Python<'_>, message: String, code: &str) -> PyErr {
    let made = py
        .get_type::<T>()
        .call1((message,))
        .and_then(|err| err.setattr("code", code).map(|()| err));
    match made {
        Ok(err) => PyErr::from_value(err),
        Err(failed) => failed,
    }
}

/// A rejected identifier as a `RejectedError`.
pub(crate) fn rejected(py: Python<'_>, reason: Reject) -> PyErr {
    with_code::<RejectedError>(
        py,
        format!("tikhash: {reason} ({})", reason.code()),
        reason.code(),
    )
}

/// A wrong call as an `OptionsError`, or a `TypeError` (also with `code`) for a wrong type.
pub(crate) fn options(py: Python<'_>, err: CrateOptionsError) -> PyErr {
    let message = format!("tikhash: {err}");
    if matches!(err, CrateOptionsError::WrongType(_)) {
        with_code::<PyTypeError>(py, message, err.code())
    } else {
        with_code::<OptionsError>(py, message, err.code())
    }
}

/// Either failure of the crate's `hash`.
pub(crate) fn hash(py: Python<'_>, err: HashError) -> PyErr {
    match err {
        HashError::Rejected(reason) => rejected(py, reason),
        HashError::Options(err) => options(py, err),
    }
}

/// A `TypeError` for an argument of the wrong type, naming the argument and the type only.
pub(crate) fn wrong_type(what: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let type_name = got
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned());
    with_code::<PyTypeError>(
        got.py(),
        format!("tikhash: {what} must be {expected}, not {type_name}"),
        "wrong_type",
    )
}

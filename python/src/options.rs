//! Python keyword arguments to the crate's [`Kind`] and [`Options`]: the JS options in
//! snake_case (`profile`, `default_country`, `phone_format`, `algorithm`, `strip_email_dots`,
//! `lowercase`). `None` means the default, as `undefined` does in JS.

use crate::errors;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyString};
use tikhash::{Kind, Options, OptionsError};

/// The options as they arrive from Python, still unchecked.
#[derive(Default)]
pub(crate) struct PyOptions<'py> {
    /// `events`, `partner_audience` or `customer_file`.
    pub(crate) profile: Option<Bound<'py, PyAny>>,
    /// An ISO 3166-1 alpha-2 code; `""` counts as none, as in JS.
    pub(crate) default_country: Option<Bound<'py, PyAny>>,
    /// `e164` or `digits`.
    pub(crate) phone_format: Option<Bound<'py, PyAny>>,
    /// `sha256` or `md5`.
    pub(crate) algorithm: Option<Bound<'py, PyAny>>,
    /// Remove dots from an email's local part.
    pub(crate) strip_email_dots: Option<Bound<'py, PyAny>>,
    /// Lowercase external ids.
    pub(crate) lowercase: Option<Bound<'py, PyAny>>,
}

/// `value` as a string option, `None` when absent or `None`; another type is `WrongType`.
fn opt_str(
    value: &Option<Bound<'_, PyAny>>,
    name: &'static str,
) -> Result<Option<String>, OptionsError> {
    match value {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => v
            .cast::<PyString>()
            .ok()
            .and_then(|s| s.to_str().ok().map(str::to_owned))
            .map(Some)
            .ok_or(OptionsError::WrongType(name)),
    }
}

/// `value` as a boolean option (a real `bool`, not any truthy object).
fn opt_bool(
    value: &Option<Bound<'_, PyAny>>,
    name: &'static str,
) -> Result<Option<bool>, OptionsError> {
    match value {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => v
            .cast::<PyBool>()
            .map(|b| Some(b.is_true()))
            .map_err(|_| OptionsError::WrongType(name)),
    }
}

impl PyOptions<'_> {
    /// The crate's options; a wrong type is `WrongType`, a bad value the crate's own error.
    /// (Unknown names never get here: the keyword-only signature refuses them.)
    fn to_options(&self) -> Result<Options, OptionsError> {
        let mut o = Options::default();
        if let Some(p) = opt_str(&self.profile, "profile")? {
            o.profile = p.parse()?;
        }
        if let Some(c) = opt_str(&self.default_country, "default_country")? {
            if !c.is_empty() {
                o.default_country = Some(c.parse()?);
            }
        }
        if let Some(f) = opt_str(&self.phone_format, "phone_format")? {
            o.phone_format = f.parse()?;
        }
        if let Some(a) = opt_str(&self.algorithm, "algorithm")? {
            o.algorithm = a.parse()?;
        }
        if let Some(b) = opt_bool(&self.strip_email_dots, "strip_email_dots")? {
            o.strip_email_dots = b;
        }
        if let Some(b) = opt_bool(&self.lowercase, "lowercase")? {
            o.lowercase = b;
        }
        Ok(o)
    }
}

/// The kind and the options of one call, checked against each other (MD5 only for IDFA/GAID).
pub(crate) fn parse(kind: &Bound<'_, PyAny>, options: &PyOptions<'_>) -> PyResult<(Kind, Options)> {
    let py = kind.py();
    let kind_name = kind
        .cast::<PyString>()
        .map_err(|_| errors::wrong_type("kind", "a str", kind))?;
    let kind: Kind = kind_name
        .to_str()?
        .parse()
        .map_err(|e| errors::options(py, e))?;
    let options = options.to_options().map_err(|e| errors::options(py, e))?;
    options
        .check_for(kind)
        .map_err(|e| errors::options(py, e))?;
    Ok((kind, options))
}

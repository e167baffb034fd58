//! The wasm-bindgen layer: converts JS values to the crate's types and back, nothing else.
//!
//! Errors become JS errors with a `code` property holding the reason code: a `RangeError` for a
//! bad value, a `TypeError` for a value of the wrong type. Messages never contain an identifier.

// The exports are reached from JS, which the unreachable_pub lint cannot see.
#![allow(unreachable_pub)]

mod csv;
mod identifiers;
mod payload;

use crate::error::{OptionsError, Reject};
use crate::options::{Kind, Options};
use js_sys::{JsString, Reflect};
use wasm_bindgen::prelude::*;

/// A `RangeError` (or `TypeError` when `type_error`) with `code` set.
pub(crate) fn js_error(message: &str, code: &str, type_error: bool) -> JsValue {
    let err: JsValue = if type_error {
        js_sys::TypeError::new(message).into()
    } else {
        js_sys::RangeError::new(message).into()
    };
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err
}

impl From<Reject> for JsValue {
    fn from(r: Reject) -> JsValue {
        js_error(&format!("tikhash: {r} ({})", r.code()), r.code(), false)
    }
}

impl From<OptionsError> for JsValue {
    fn from(e: OptionsError) -> JsValue {
        js_error(
            &format!("tikhash: {e}"),
            e.code(),
            matches!(e, OptionsError::WrongType(_)),
        )
    }
}

/// Reads `obj[key]` as an optional string; a value of another type is a `TypeError`.
pub(crate) fn opt_string(obj: &JsValue, key: &'static str) -> Result<Option<String>, OptionsError> {
    let v = Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_ref::<JsString>()
        .map(|s| Some(String::from(s)))
        .ok_or(OptionsError::WrongType(key))
}

/// Reads `obj[key]` as an optional boolean.
pub(crate) fn opt_bool(obj: &JsValue, key: &'static str) -> Result<Option<bool>, OptionsError> {
    let v = Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or(OptionsError::WrongType(key))
}

/// The JS `options` object (camelCase keys) as [`Options`]; `undefined` gives the defaults.
pub(crate) fn options_from_js(js: &JsValue) -> Result<Options, OptionsError> {
    let mut o = Options::default();
    if js.is_undefined() || js.is_null() {
        return Ok(o);
    }
    if !js.is_object() {
        return Err(OptionsError::WrongType("options"));
    }
    if let Some(p) = opt_string(js, "profile")? {
        o.profile = p.parse()?;
    }
    if let Some(c) = opt_string(js, "defaultCountry")? {
        if !c.is_empty() {
            o.default_country = Some(c.parse()?);
        }
    }
    if let Some(f) = opt_string(js, "phoneFormat")? {
        o.phone_format = f.parse()?;
    }
    if let Some(a) = opt_string(js, "algorithm")? {
        o.algorithm = a.parse()?;
    }
    if let Some(b) = opt_bool(js, "stripEmailDots")? {
        o.strip_email_dots = b;
    }
    if let Some(b) = opt_bool(js, "lowercase")? {
        o.lowercase = b;
    }
    Ok(o)
}

/// The identifier kind named by a JS string.
pub(crate) fn kind_from_js(kind: &str) -> Result<Kind, OptionsError> {
    kind.parse()
}

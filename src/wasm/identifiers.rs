//! `normalize`, `hash` and the batch entry points behind the JS `hashBatch`.

use super::{kind_from_js, options_from_js};
use crate::batch::hash_batch_hex_into;
use crate::error::{Reject, Rejection};
use crate::normalize;
use js_sys::{Array, JsString, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

/// Normalizes one identifier; throws a `RangeError` whose `code` is the reason.
#[wasm_bindgen(js_name = normalize)]
pub fn normalize_js(kind: &str, value: &str, options: JsValue) -> Result<String, JsValue> {
    let kind = kind_from_js(kind)?;
    let options = options_from_js(&options)?;
    options.check_for(kind)?;
    Ok(normalize::normalize(kind, value, &options)?
        .as_str()
        .to_owned())
}

/// Normalizes and hashes one identifier: lowercase hex.
#[wasm_bindgen(js_name = hash)]
pub fn hash_js(kind: &str, value: &str, options: JsValue) -> Result<String, JsValue> {
    let kind = kind_from_js(kind)?;
    let options = options_from_js(&options)?;
    options.check_for(kind)?;
    let mut buf = String::new();
    Ok(
        crate::hash::hash_with_buffer(kind, value, &options, &mut buf)?
            .as_str()
            .to_owned(),
    )
}

/// The reason codes, indexed as in the packed batch result.
#[wasm_bindgen(js_name = rejectCodes)]
pub fn reject_codes() -> Array {
    Reject::ALL
        .iter()
        .map(|r| JsValue::from_str(r.code()))
        .collect()
}

fn packed(out: Vec<u8>, rejected: &[Rejection]) -> Array {
    let hex = String::from_utf8(out).unwrap_or_default();
    let rows: Vec<u32> = rejected.iter().map(|r| r.row as u32).collect();
    let codes: Vec<u8> = rejected
        .iter()
        .map(|r| Reject::ALL.iter().position(|x| *x == r.reason).unwrap_or(0) as u8)
        .collect();
    Array::of3(
        &JsValue::from_str(&hex),
        &Uint32Array::from(rows.as_slice()),
        &Uint8Array::from(codes.as_slice()),
    )
}

/// Batch over `count` values joined with `\n` (one crossing for the whole list). Returns
/// `[hex, rejectedRows, rejectedReasonIndexes]`, or `undefined` when a value itself contains
/// `\n` (the split does not give `count` rows): the caller then uses `hashBatchArray`.
#[wasm_bindgen(js_name = hashBatchJoined)]
pub fn hash_batch_joined(
    kind: &str,
    joined: &str,
    count: u32,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let kind = kind_from_js(kind)?;
    let options = options_from_js(&options)?;
    let count = count as usize;
    if count == 0 {
        return Ok(packed(Vec::new(), &[]).into());
    }
    if joined.bytes().filter(|&b| b == b'\n').count() != count - 1 {
        return Ok(JsValue::UNDEFINED);
    }
    let mut out = Vec::with_capacity(count * options.algorithm.hex_len());
    let mut rejected = Vec::new();
    hash_batch_hex_into(kind, joined.split('\n'), &options, &mut out, &mut rejected)?;
    Ok(packed(out, &rejected).into())
}

/// The same result as `hashBatchJoined` from an array of strings (slower: one string
/// conversion per element). Non-string elements are rejected as `empty`.
#[wasm_bindgen(js_name = hashBatchArray)]
pub fn hash_batch_array(kind: &str, values: Array, options: JsValue) -> Result<JsValue, JsValue> {
    let kind = kind_from_js(kind)?;
    let options = options_from_js(&options)?;
    let strings: Vec<String> = values
        .iter()
        .map(|v| {
            v.dyn_ref::<JsString>()
                .map(String::from)
                .unwrap_or_default()
        })
        .collect();
    let mut out = Vec::with_capacity(strings.len() * options.algorithm.hex_len());
    let mut rejected = Vec::new();
    hash_batch_hex_into(
        kind,
        strings.iter().map(String::as_str),
        &options,
        &mut out,
        &mut rejected,
    )?;
    Ok(packed(out, &rejected).into())
}

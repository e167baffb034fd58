//! `normalize`, `hash` and the batch entry point behind the JS `hashBatch`/`hashBatchPacked`.

use super::{kind_from_js, options_from_js};
use crate::batch::hash_batch_hex_into;
use crate::error::Reject;
use crate::hash::parse_hex;
use crate::normalize;
use js_sys::Array;
use std::cell::RefCell;
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

/// What JS and the batch exchange through wasm memory, kept between calls so that a batch of a
/// million rows does not allocate its 100 MB anew each time: JS writes the rows' UTF-8 into
/// `input` and their end offsets into `ends` (no separator, so any value may hold `\n`), and
/// the batch writes fixed-width hex into `out`, which JS decodes once.
#[derive(Default)]
struct Scratch {
    input: Vec<u8>,
    ends: Vec<u32>,
    out: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// The module's memory, for JS to write rows into and read hex from.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Makes room for `bytes` bytes of rows and `rows` row ends, keeping what was already written,
/// and returns `[inputPtr, endsPtr]`. Any later call may move them (and grow the memory).
#[wasm_bindgen(js_name = batchReserve)]
pub fn batch_reserve(bytes: u32, rows: u32) -> Vec<u32> {
    SCRATCH.with_borrow_mut(|s| {
        if s.input.len() < bytes as usize {
            s.input.resize(bytes as usize, 0);
        }
        if s.ends.len() < rows as usize {
            s.ends.resize(rows as usize, 0);
        }
        vec![s.input.as_ptr() as u32, s.ends.as_ptr() as u32]
    })
}

/// Hashes the `rows` rows JS wrote after `batchReserve` (row `r` is the UTF-8 in
/// `input[ends[r - 1]..ends[r]]`). Returns `[hexPtr, width, rejectedCount, row, reason, …]`:
/// `rows × width` bytes of hex at `hexPtr` (a rejected row is `-`s), valid until the next call,
/// then each rejected row with its index into `rejectCodes()`.
#[wasm_bindgen(js_name = hashBatchScratch)]
pub fn hash_batch_scratch(kind: &str, rows: u32, options: JsValue) -> Result<Vec<u32>, JsValue> {
    let kind = kind_from_js(kind)?;
    let options = options_from_js(&options)?;
    SCRATCH.with_borrow_mut(|s| {
        let Scratch { input, ends, out } = s;
        let (text, ends) = scratch_rows(input, ends, rows)?;
        let width = options.algorithm.hex_len();
        out.clear();
        out.reserve(ends.len() * width);
        let mut rejected = Vec::new();
        let mut start = 0;
        let values = ends.iter().map(|&end| {
            let row = text.get(start..end as usize).unwrap_or_default();
            start = end as usize;
            row
        });
        hash_batch_hex_into(kind, values, &options, out, &mut rejected)?;
        let mut result = Vec::with_capacity(3 + 2 * rejected.len());
        result.extend([out.as_ptr() as u32, width as u32, rejected.len() as u32]);
        for r in &rejected {
            result.extend([r.row as u32, reason_index(r.reason)]);
        }
        Ok(result)
    })
}

/// The text and row ends JS wrote, checked: UTF-8, rows in order, each on a char boundary.
fn scratch_rows<'a>(
    input: &'a [u8],
    ends: &'a [u32],
    rows: u32,
) -> Result<(&'a str, &'a [u32]), JsValue> {
    let ends = ends.get(..rows as usize).ok_or_else(bad_scratch)?;
    let total = ends.last().map_or(0, |&e| e as usize);
    let text = input
        .get(..total)
        .and_then(|b| std::str::from_utf8(b).ok())
        .ok_or_else(bad_scratch)?;
    let mut start = 0;
    for &end in ends {
        let end = end as usize;
        if end < start || !text.is_char_boundary(end) {
            return Err(bad_scratch());
        }
        start = end;
    }
    Ok((text, ends))
}

/// Packs the `rows` hex digests JS wrote after `batchReserve` into `width`-byte digests (the
/// JS `hexToDigests`; a Mirror of millions converts every member, so this runs in wasm).
/// Throws a `RangeError` (`invalid_digest`) naming the first row that is not `2 × width` hex
/// digits, never its value.
#[wasm_bindgen(js_name = digestsFromScratch)]
pub fn digests_from_scratch(rows: u32, width: u32) -> Result<Vec<u8>, JsValue> {
    SCRATCH.with_borrow(|s| {
        // Bytes, not text: anything but hex digits is refused by parse_hex anyway.
        let ends = s.ends.get(..rows as usize).ok_or_else(bad_scratch)?;
        let width = width as usize;
        if !matches!(width, 16 | 32) {
            return Err(super::js_error(
                "tikhash: digests are 32 (SHA-256) or 16 (MD5) bytes",
                "invalid_digest",
                false,
            ));
        }
        let mut packed = vec![0; ends.len() * width];
        let mut start = 0;
        for (row, (&end, slot)) in ends.iter().zip(packed.chunks_exact_mut(width)).enumerate() {
            let hex = s.input.get(start..end as usize).ok_or_else(bad_scratch)?;
            start = end as usize;
            if !parse_hex(hex, slot) {
                return Err(super::js_error(
                    &format!("tikhash: digest {row} is not a {width}-byte digest"),
                    "invalid_digest",
                    false,
                ));
            }
        }
        Ok(packed)
    })
}

fn bad_scratch() -> JsValue {
    super::js_error(
        "tikhash: the batch buffer was not filled correctly",
        "wrong_type",
        true,
    )
}

fn reason_index(reason: Reject) -> u32 {
    Reject::ALL.iter().position(|x| *x == reason).unwrap_or(0) as u32
}

//! The payload builders (src/payload/) for JS. Inputs arrive as one JSON string (the JS
//! wrapper does `JSON.stringify`) and bodies leave as one (`JSON.parse`): one crossing each way
//! and no serde-wasm-bindgen in the binary. File bytes and digest lists cross as `Uint8Array`s.

use super::{js_error, options_from_js};
use crate::payload::{self, Digests, PayloadError};
use js_sys::{Array, Uint32Array, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

impl From<PayloadError> for JsValue {
    fn from(e: PayloadError) -> JsValue {
        js_error(&format!("tikhash: {e}"), e.code(), e.is_type_error())
    }
}

fn parse<I: DeserializeOwned>(json: &str) -> Result<I, PayloadError> {
    serde_json::from_str(json).map_err(|e| PayloadError::from_json(&e))
}

fn to_json<O: Serialize>(out: &O) -> Result<String, JsValue> {
    serde_json::to_string(out)
        .map_err(|_| js_error("tikhash: cannot encode the result", "internal", false))
}

/// `/segment/audience/` create request.
#[wasm_bindgen(js_name = buildSegmentAudienceJson)]
pub fn build_segment_audience(input: &str) -> Result<String, JsValue> {
    to_json(&payload::build_segment_audience(&parse(input)?)?)
}

/// `/segment/mapping/` requests and rejects.
#[wasm_bindgen(js_name = buildSegmentMappingJson)]
pub fn build_segment_mapping(input: &str, options: JsValue) -> Result<String, JsValue> {
    let options = options_from_js(&options)?;
    to_json(&payload::build_segment_mapping(&parse(input)?, &options)?)
}

/// `[metaJson, bytes]` of a customer file.
#[wasm_bindgen(js_name = buildCustomerFileJson)]
pub fn build_customer_file(input: &str, options: JsValue) -> Result<Array, JsValue> {
    let options = options_from_js(&options)?;
    let file = payload::build_customer_file(&parse(input)?, &options)?;
    Ok(Array::of2(
        &JsValue::from_str(&to_json(&file)?),
        &Uint8Array::from(file.bytes.as_slice()),
    ))
}

/// `/dmp/custom_audience/create/` request.
#[wasm_bindgen(js_name = buildCustomAudienceCreateJson)]
pub fn build_custom_audience_create(input: &str) -> Result<String, JsValue> {
    to_json(&payload::build_custom_audience_create(&parse(input)?)?)
}

/// `/dmp/custom_audience/update/` request.
#[wasm_bindgen(js_name = buildCustomAudienceUpdateJson)]
pub fn build_custom_audience_update(input: &str) -> Result<String, JsValue> {
    to_json(&payload::build_custom_audience_update(&parse(input)?)?)
}

/// `/event/track/` requests and rejects.
#[wasm_bindgen(js_name = buildEventBatchesJson)]
pub fn build_event_batches(input: &str, options: JsValue) -> Result<String, JsValue> {
    let options = options_from_js(&options)?;
    to_json(&payload::build_event_batches(&parse(input)?, &options)?)
}

/// Two digest lists filled in chunks (so a 320 MB `Uint8Array` never needs a second whole
/// copy in wasm memory), then diffed or planned once.
#[wasm_bindgen(js_name = DigestPair)]
pub struct DigestPair {
    previous: Digests,
    current: Digests,
    /// With `pushCurrentHex`: the row of each current digest, and the rows read so far.
    current_rows: Vec<u32>,
    hex_rows: usize,
}

#[wasm_bindgen(js_class = DigestPair)]
impl DigestPair {
    /// Empty lists of `width`-byte digests (32 for SHA-256, 16 for MD5).
    #[wasm_bindgen(constructor)]
    pub fn new(width: usize) -> Result<DigestPair, JsValue> {
        Ok(DigestPair {
            previous: Digests::with_width(width)?,
            current: Digests::with_width(width)?,
            current_rows: Vec::new(),
            hex_rows: 0,
        })
    }

    /// Appends packed digests to the previous (acknowledged) set.
    #[wasm_bindgen(js_name = pushPrevious)]
    pub fn push_previous(&mut self, packed: &[u8]) -> Result<(), JsValue> {
        Ok(self.previous.extend_packed(packed)?)
    }

    /// Appends packed digests to the current set.
    #[wasm_bindgen(js_name = pushCurrent)]
    pub fn push_current(&mut self, packed: &[u8]) -> Result<(), JsValue> {
        Ok(self.current.extend_packed(packed)?)
    }

    /// Appends rows in the `hashBatchPacked` layout (ASCII hex, `-`s for a row without a
    /// hash) to the current set, numbering them on from the rows pushed before.
    #[wasm_bindgen(js_name = pushCurrentHex)]
    pub fn push_current_hex(&mut self, hex: &[u8]) -> Result<(), JsValue> {
        let first = self.hex_rows;
        self.current
            .extend_packed_hex(hex, first, &mut self.current_rows)?;
        self.hex_rows = first + hex.len() / (2 * self.current.width());
        Ok(())
    }

    /// `[addedRows, remove]` after `pushCurrentHex`: the rows (ascending) whose digest is not
    /// in previous, and previous − current packed and sorted; frees the pair.
    #[wasm_bindgen(js_name = diffRows)]
    pub fn diff_rows(self) -> Result<Array, JsValue> {
        if self.current_rows.len() != self.current.len() {
            return Err(js_error(
                "tikhash: diffRows needs the current rows from pushCurrentHex only",
                "wrong_type",
                true,
            ));
        }
        let d = payload::mirror_rows(self.previous, &self.current)?;
        drop(self.current);
        let rows: Vec<u32> = d.added.iter().map(|&at| self.current_rows[at]).collect();
        Ok(Array::of2(
            &Uint32Array::from(rows.as_slice()),
            &Uint8Array::from(d.remove.as_packed()),
        ))
    }

    /// `[add, remove]`, packed and sorted; frees the pair.
    pub fn diff(self) -> Result<Array, JsValue> {
        let d = payload::mirror_diff(self.previous, self.current)?;
        let add = Uint8Array::from(d.add.as_packed());
        drop(d.add);
        Ok(Array::of2(&add, &Uint8Array::from(d.remove.as_packed())))
    }

    /// `[planJson, ...fileBytes]`: the bytes of every step's files, in order; frees the pair.
    #[wasm_bindgen(js_name = planCustomerFile)]
    pub fn plan_customer_file(self, input: &str) -> Result<Array, JsValue> {
        let input = parse(input)?;
        let plan = payload::plan_customer_file_mirror(self.previous, self.current, &input)?;
        let out = Array::of1(&JsValue::from_str(&to_json(&plan)?));
        for file in plan.steps.iter().flat_map(|s| &s.files) {
            out.push(&Uint8Array::from(file.bytes.as_slice()));
        }
        Ok(out)
    }
}

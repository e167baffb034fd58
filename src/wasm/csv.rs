//! The CSV pipeline (src/csv/) for JS: file bytes in, packed hex per hashed column and
//! `(row, column, reason)` triplets out; no JS string per field. The JS `hashCsv` drives the
//! reading, the pieces and the workers; every rule is here.

use super::{js_error, options_from_js};
use crate::csv::{
    detect_encoding, read_head, read_rows, CsvPlan, Encoding, FileError, HashedColumn, Reason,
    RecordReader, RowHasher,
};
use crate::options::Kind;
use js_sys::{Array, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;

impl From<FileError> for JsValue {
    fn from(e: FileError) -> JsValue {
        // No format!: its machinery costs the wasm's size budget.
        js_error(&(String::from("tikhash: ") + e.message()), e.code(), false)
    }
}

fn bad_plan() -> JsValue {
    js_error("tikhash: the CSV plan is not valid", "wrong_type", true)
}

/// The encoding from a file's first bytes (`whole` when they are the entire file): 0 UTF-8,
/// 1 UTF-8 with BOM, 2 UTF-16LE, 3 UTF-16BE; throws a `RangeError` saying how to re-save
/// anything else.
#[wasm_bindgen(js_name = csvDetectEncoding)]
pub fn csv_detect_encoding(head: &[u8], whole: bool) -> Result<u32, JsValue> {
    Ok(match detect_encoding(head, whole)? {
        Encoding::Utf8 { bom: false } => 0,
        Encoding::Utf8 { bom: true } => 1,
        Encoding::Utf16Le => 2,
        Encoding::Utf16Be => 3,
    })
}

/// Every reason code of the CSV reject triplets, indexed as they are.
#[wasm_bindgen(js_name = csvReasonCodes)]
pub fn csv_reason_codes() -> Array {
    Reason::codes().map(JsValue::from_str).collect()
}

fn strings(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// The head of the UTF-8 text (after the BOM): `[delimiter (a byte), sepLine, dataStart,
/// header, sample]`, `sample` as `[row, problem | null, cells]` each. Cells stay on the
/// device: the page shows them in its preview. (Arrays, not objects: fewer bytes of glue in
/// the wasm.)
#[wasm_bindgen(js_name = csvReadHead)]
pub fn csv_read_head(text: &[u8], eof: bool, sample_rows: u32) -> Result<Array, JsValue> {
    let head = read_head(text, eof, sample_rows as usize)?;
    let sample: Array = head
        .sample
        .iter()
        .map(|s| {
            let problem = s
                .problem
                .map_or(JsValue::NULL, |p| JsValue::from_str(p.code()));
            JsValue::from(Array::of3(
                &JsValue::from_f64(s.row as f64),
                &problem,
                &strings(&s.cells),
            ))
        })
        .collect();
    Ok(Array::of5(
        &JsValue::from_f64(f64::from(head.delimiter)),
        &JsValue::from_bool(head.sep_line),
        &JsValue::from_f64(head.data_start as f64),
        &strings(&head.header),
        &sample,
    ))
}

/// Reads and hashes the rows of `bytes`: fields separated by the byte `delimiter`; field
/// `indexes[i]` hashed as kind `kinds[i]` (an index into email, phone, idfa, gaid,
/// external_id) with `options` (as for `hashBatch`); fields `text` returned as text; the raw
/// text of rejected rows with `row_text`. `bytes` start at a record start (or are read as if
/// they did: a speculative piece); `eof`: the file ends with them; `align` ≥ 0: stop at a row
/// boundary exactly there, else read on to the end (see src/csv/chunk.rs).
///
/// Returns `[rows, trailingEmpty, consumed, aligned, rejects, rowText, hex…, text…]`:
/// `rejects` a `Uint32Array` of `[row, column, reason, …]` (`column` indexes the hashed
/// columns, 0xFFFFFFFF for the whole row; `reason` indexes `csvReasonCodes()`), `rowText`
/// `[[row, text], …]`, one `Uint8Array` of fixed-width hex per hashed column (`-`s where there
/// is no hash), then `[bytes, ends]` per text column.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = csvParse)]
pub fn csv_parse(
    delimiter: u8,
    indexes: Vec<u32>,
    kinds: Vec<u32>,
    text: Vec<u32>,
    row_text: bool,
    options: JsValue,
    bytes: &[u8],
    eof: bool,
    align: i32,
) -> Result<Array, JsValue> {
    let options = options_from_js(&options)?;
    if indexes.len() != kinds.len() {
        return Err(bad_plan());
    }
    let mut hashed = Vec::with_capacity(kinds.len());
    for (&index, &kind) in indexes.iter().zip(&kinds) {
        let kind = *Kind::ALL.get(kind as usize).ok_or_else(bad_plan)?;
        hashed.push(HashedColumn::new(index as usize, kind, options));
    }
    let plan = CsvPlan {
        hashed,
        text: text.into_iter().map(|t| t as usize).collect(),
        row_text,
    };
    // No `plan.check()`: HashedColumn::new keeps MD5 to the ad ids, the only misfit.
    let mut sink = RowHasher::new(&plan);
    let align = usize::try_from(align).ok();
    let parsed = read_rows(
        &mut RecordReader::new(delimiter),
        bytes,
        eof,
        align,
        &mut sink,
    );
    let rows = sink.finish();
    let mut rejects = Vec::with_capacity(3 * rows.rejects.len());
    for r in &rows.rejects {
        rejects.extend([
            r.row as u32,
            r.column.map_or(u32::MAX, |c| c as u32),
            r.reason.index() as u32,
        ]);
    }
    let row_text: Array = rows
        .row_text
        .iter()
        .map(|(row, text)| {
            JsValue::from(Array::of2(
                &JsValue::from_f64(*row as f64),
                &JsValue::from_str(text),
            ))
        })
        .collect();
    let out = Array::new();
    for v in [
        JsValue::from_f64(rows.rows as f64),
        JsValue::from_f64(rows.trailing_empty as f64),
        JsValue::from_f64(parsed.consumed as f64),
        JsValue::from_bool(parsed.aligned),
        Uint32Array::from(rejects.as_slice()).into(),
        row_text.into(),
    ] {
        out.push(&v);
    }
    for hex in &rows.hex {
        out.push(&Uint8Array::from(hex.as_slice()));
    }
    for t in &rows.text {
        out.push(&Array::of2(
            &Uint8Array::from(t.bytes.as_slice()),
            &Uint32Array::from(t.ends.as_slice()),
        ));
    }
    Ok(out)
}

//! `hash_array`: an Arrow string column in, an Arrow string column of hex digests out, through
//! the crate's batch path (`tikhash::batch::hash_batch_hex_into`), with the GIL released.
//!
//! Null in, null out; a rejected value becomes null too and is reported as `(row, code)`. Rows
//! are counted across the chunks of a chunked array. The output's offsets match the input's
//! (`large_string` in, `large_string` out; `string` and `string_view` in, `string` out).

use crate::errors;
use crate::options::{self, PyOptions};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, GenericStringArray, OffsetSizeTrait};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::{PyArray, PyChunkedArray};
use std::sync::Arc;
use tikhash::batch::hash_batch_hex_into;
use tikhash::{Kind, Options, OptionsError, Rejection};

/// Why a column could not be hashed (never a value's fault: those are rejected rows).
#[derive(Debug, thiserror::Error)]
enum ColumnError {
    /// The column holds something other than text.
    #[error(
        "tikhash: hash_array needs a string column (string, large_string or string_view), not {0}"
    )]
    NotText(DataType),
    /// A single `string` array too long for 32-bit offsets once hashed.
    #[error("tikhash: {rows} rows of hashes do not fit one string array; pass a chunked array or a large_string array")]
    TooManyRows {
        /// How many rows the array had.
        rows: usize,
    },
    /// The options do not fit the kind (checked before, so only if the two checks drift apart).
    #[error("tikhash: {0}")]
    Options(#[from] OptionsError),
    /// Arrow refused the array built from the digests (a bug if it ever happens).
    #[error("tikhash: could not build the output array: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}

impl From<ColumnError> for PyErr {
    fn from(err: ColumnError) -> PyErr {
        match err {
            ColumnError::NotText(_) => PyTypeError::new_err(err.to_string()),
            _ => PyValueError::new_err(err.to_string()),
        }
    }
}

/// `(row, code)` for every rejected row, as Python receives them.
type RejectedRows = Vec<(usize, &'static str)>;

/// Most rows one `string` output array can hold: 32-bit offsets over 64 hex bytes a row.
const MAX_ROWS_PER_STRING_ARRAY: usize = i32::MAX as usize / 64;

/// Hashes every row of an Arrow string array or chunked array (anything with
/// `__arrow_c_array__` or `__arrow_c_stream__`). Returns `(hashes, rejected)`: a
/// `pyarrow.Array` (or `ChunkedArray` for a chunked input) and a list of `(row, code)`.
#[pyfunction]
#[pyo3(signature = (kind, array, *, profile=None, default_country=None, phone_format=None, algorithm=None, strip_email_dots=None, lowercase=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn hash_array<'py>(
    kind: &Bound<'py, PyAny>,
    array: &Bound<'py, PyAny>,
    profile: Option<Bound<'py, PyAny>>,
    default_country: Option<Bound<'py, PyAny>>,
    phone_format: Option<Bound<'py, PyAny>>,
    algorithm: Option<Bound<'py, PyAny>>,
    strip_email_dots: Option<Bound<'py, PyAny>>,
    lowercase: Option<Bound<'py, PyAny>>,
) -> PyResult<(Py<PyAny>, RejectedRows)> {
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
    let input: AnyArray = array.extract().map_err(|_| {
        errors::wrong_type(
            "array",
            "an Arrow array or chunked array (with __arrow_c_array__ or __arrow_c_stream__)",
            array,
        )
    })?;
    let single = matches!(input, AnyArray::Array(_));
    let (chunks, field) = input.into_chunked_array()?.into_inner();
    let (out_chunks, rejected) = py.detach(|| hash_chunks(kind, &options, &chunks, single))?;
    let out_type = output_type(field.data_type());
    let out_field = Arc::new(Field::new(field.name(), out_type.clone(), true));
    let rejected = rejected
        .into_iter()
        .map(|r| (r.row, r.reason.code()))
        .collect();
    let hashes = if single {
        let array = match out_chunks.into_iter().next() {
            Some(array) => array,
            None => empty_output(&out_type),
        };
        PyArray::try_new(array, out_field)
            .map_err(ColumnError::from)?
            .to_pyarrow(py)?
            .unbind()
    } else {
        PyChunkedArray::try_new(out_chunks, out_field)?
            .into_pyarrow(py)?
            .unbind()
    };
    Ok((hashes, rejected))
}

/// `large_string` for `large_string` input, `string` for everything else.
fn output_type(input: &DataType) -> DataType {
    match input {
        DataType::LargeUtf8 => DataType::LargeUtf8,
        _ => DataType::Utf8,
    }
}

/// An empty array of the output type.
fn empty_output(data_type: &DataType) -> ArrayRef {
    arrow_array::new_empty_array(data_type)
}

/// Hashes every chunk, numbering rows across chunks; no Python object is touched.
fn hash_chunks(
    kind: Kind,
    options: &Options,
    chunks: &[ArrayRef],
    single: bool,
) -> Result<(Vec<ArrayRef>, Vec<Rejection>), ColumnError> {
    let mut out = Vec::with_capacity(chunks.len());
    let mut rejected = Vec::new();
    let mut first_row = 0;
    for chunk in chunks {
        // 64-bit offsets hold any chunk; 32-bit ones are kept in range by slicing (zero-copy),
        // which only a chunked result can carry.
        let max_rows = match chunk.data_type() {
            DataType::LargeUtf8 => usize::MAX,
            _ => MAX_ROWS_PER_STRING_ARRAY,
        };
        if single && chunk.len() > max_rows {
            return Err(ColumnError::TooManyRows { rows: chunk.len() });
        }
        if chunk.is_empty() {
            out.push(hash_chunk(
                kind,
                options,
                chunk.as_ref(),
                first_row,
                &mut rejected,
            )?);
        }
        for at in (0..chunk.len()).step_by(max_rows) {
            let part = chunk.slice(at, (chunk.len() - at).min(max_rows));
            out.push(hash_chunk(
                kind,
                options,
                part.as_ref(),
                first_row + at,
                &mut rejected,
            )?);
        }
        first_row += chunk.len();
    }
    Ok((out, rejected))
}

/// Hashes one array of text; rows in `rejected` are numbered from `first_row`.
fn hash_chunk(
    kind: Kind,
    options: &Options,
    chunk: &dyn Array,
    first_row: usize,
    rejected: &mut Vec<Rejection>,
) -> Result<ArrayRef, ColumnError> {
    match chunk.data_type() {
        DataType::Utf8 => {
            let a = chunk.as_string::<i32>();
            let rows = (0..a.len()).map(|i| if a.is_null(i) { "" } else { a.value(i) });
            build::<i32>(kind, options, rows, a.nulls(), first_row, rejected)
        }
        DataType::LargeUtf8 => {
            let a = chunk.as_string::<i64>();
            let rows = (0..a.len()).map(|i| if a.is_null(i) { "" } else { a.value(i) });
            build::<i64>(kind, options, rows, a.nulls(), first_row, rejected)
        }
        DataType::Utf8View => {
            let a = chunk.as_string_view();
            let rows = (0..a.len()).map(|i| if a.is_null(i) { "" } else { a.value(i) });
            build::<i32>(kind, options, rows, a.nulls(), first_row, rejected)
        }
        DataType::Null => Ok(arrow_array::new_null_array(&DataType::Utf8, chunk.len())),
        other => Err(ColumnError::NotText(other.clone())),
    }
}

/// Runs the crate's batch over `rows` and wraps the fixed-width hex as a string array: null
/// where the input was null or the value was rejected, those rows taking no bytes.
fn build<'a, O: OffsetSizeTrait>(
    kind: Kind,
    options: &Options,
    rows: impl ExactSizeIterator<Item = &'a str>,
    input_nulls: Option<&NullBuffer>,
    first_row: usize,
    rejected: &mut Vec<Rejection>,
) -> Result<ArrayRef, ColumnError> {
    let len = rows.len();
    let width = options.algorithm.hex_len();
    let mut hex = Vec::with_capacity(len * width);
    let mut chunk_rejected = Vec::new();
    hash_batch_hex_into(kind, rows, options, &mut hex, &mut chunk_rejected)?;
    let is_input_null = |row: usize| input_nulls.is_some_and(|n| n.is_null(row));
    // A null row was passed as "" and came back `empty`: null in, null out, not a reject.
    chunk_rejected.retain(|r| !is_input_null(r.row));
    let mut valid = vec![true; len];
    if let Some(nulls) = input_nulls {
        for row in nulls.iter().enumerate().filter(|(_, v)| !v).map(|(i, _)| i) {
            valid[row] = false;
        }
    }
    for r in &chunk_rejected {
        valid[r.row] = false;
    }
    let any_null = valid.iter().any(|v| !v);
    let mut offsets = Vec::with_capacity(len + 1);
    offsets.push(O::usize_as(0));
    if any_null {
        // Close up the gaps the null rows left in the hex, so that they take no bytes.
        let mut end = 0;
        for (row, &is_valid) in valid.iter().enumerate() {
            if is_valid {
                hex.copy_within(row * width..(row + 1) * width, end);
                end += width;
            }
            offsets.push(O::usize_as(end));
        }
        hex.truncate(end);
    } else {
        offsets.extend((1..=len).map(|row| O::usize_as(row * width)));
    }
    let nulls = any_null.then(|| NullBuffer::from(valid));
    let array = GenericStringArray::<O>::try_new(
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Buffer::from_vec(hex),
        nulls,
    )?;
    rejected.extend(chunk_rejected.into_iter().map(|r| Rejection {
        row: first_row + r.row,
        reason: r.reason,
    }));
    Ok(Arc::new(array))
}

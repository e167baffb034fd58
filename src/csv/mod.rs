//! CSV files in, hashes out: decoding ([`decode`]), the `sep=` line and delimiter
//! ([`dialect`]), records with `csv-core` ([`records`]), spreadsheet rows and the header
//! ([`head`]), pieces read in parallel without cutting a record ([`chunk`]) and the hashing of
//! the mapped columns ([`hasher`]).
//!
//! Row numbers are the rows a person sees when the file is opened in a spreadsheet: the header
//! is row 1 (a `sep=` line before it is not a row), the first record row 2, a record with a
//! quoted newline is one row, an empty line is a row. Empty rows at the very end are dropped.

pub mod chunk;
pub mod decode;
pub mod dialect;
pub mod error;
pub mod hasher;
pub mod head;
pub mod records;

pub use chunk::{read_chunked, read_rows, Row, RowSink};
pub use decode::{detect_encoding, Encoding, Utf16Decoder};
pub use error::{FileError, RowProblem};
pub use hasher::{CsvPlan, HashedColumn, HashedRows, Reason, RowHasher, RowReject};
pub use head::{read_head, Head, SampleRow};
pub use records::{RecordReader, Step, MAX_RECORD_BYTES};

use crate::error::OptionsError;
use crate::options::{Kind, Options};
use std::borrow::Cow;
use thiserror::Error;

/// Why [`hash_csv`] hashed nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CsvError {
    /// The file cannot be read as CSV text.
    #[error(transparent)]
    File(#[from] FileError),
    /// A column asked for is not in the header (its position in the request is given, never
    /// a value from the file).
    #[error("column {0} of the request is not in the file's header")]
    UnknownColumn(usize),
    /// The options do not fit a column's kind.
    #[error(transparent)]
    Options(#[from] OptionsError),
}

/// A whole file, hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedFile {
    /// What the file's first bytes said.
    pub encoding: Encoding,
    /// Header, delimiter, first rows.
    pub head: Head,
    /// The plan the rows were hashed with (columns resolved to indexes).
    pub plan: CsvPlan,
    /// Every data row; `rows.rejects[i].row + 2` is the spreadsheet row.
    pub rows: HashedRows,
}

/// The file as UTF-8 text without its byte order mark.
pub fn decode_file(bytes: &[u8]) -> Result<(Encoding, Cow<'_, [u8]>), FileError> {
    let head = &bytes[..bytes.len().min(decode::SNIFF_BYTES)];
    let encoding = detect_encoding(head, head.len() == bytes.len())?;
    let body = &bytes[encoding.bom_len()..];
    match encoding {
        Encoding::Utf8 { .. } => Ok((encoding, Cow::Borrowed(body))),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let mut d = Utf16Decoder::new(encoding);
            let mut out = Vec::with_capacity(body.len());
            d.decode(body, &mut out)?;
            d.finish()?;
            Ok((encoding, Cow::Owned(out)))
        }
    }
}

/// Reads and hashes a whole file in one thread: `columns` names header columns and their
/// kinds, `text` header columns returned as text. The same rows as the package's `hashCsv`
/// with any number of workers.
pub fn hash_csv(
    bytes: &[u8],
    columns: &[(&str, Kind)],
    options: &Options,
    text: &[&str],
) -> Result<HashedFile, CsvError> {
    let (encoding, utf8) = decode_file(bytes)?;
    let head = read_head(&utf8, true, 10)?;
    let find = |name: &str, i: usize| {
        head.header
            .iter()
            .position(|h| h == name)
            .ok_or(CsvError::UnknownColumn(i))
    };
    let mut plan = CsvPlan {
        row_text: true,
        ..CsvPlan::default()
    };
    for (i, &(name, kind)) in columns.iter().enumerate() {
        plan.hashed
            .push(HashedColumn::new(find(name, i)?, kind, *options));
    }
    for (i, name) in text.iter().enumerate() {
        plan.text.push(find(name, columns.len() + i)?);
    }
    plan.check()?;
    let mut sink = RowHasher::new(&plan);
    let data = &utf8[head.data_start..];
    read_rows(
        &mut RecordReader::new(head.delimiter),
        data,
        true,
        None,
        &mut sink,
    );
    let mut rows = sink.finish();
    rows.drop_trailing_empty(&plan);
    Ok(HashedFile {
        encoding,
        head,
        plan,
        rows,
    })
}

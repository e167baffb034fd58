//! Why a file, or one of its rows, could not be read.

use thiserror::Error;

/// The file as a whole cannot be read as text: nothing is hashed. The message says what the
/// file seems to be and how to save it as CSV; it never quotes the file's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{}", self.message())]
#[non_exhaustive]
pub enum FileError {
    /// A ZIP container (`.xlsx`, `.ods`, `.numbers`): a workbook, not a CSV.
    Workbook,
    /// An OLE2 container: the old Excel `.xls` format.
    LegacyWorkbook,
    /// A UTF-32 byte order mark: an encoding spreadsheets do not write and this reader does not take.
    Utf32,
    /// NUL bytes without a byte order mark: UTF-16 without a BOM, or not text at all.
    NotText,
    /// Not valid UTF-8 and no byte order mark saying otherwise: probably a legacy code page
    /// such as Windows-1252 (Excel's plain "CSV" on Windows).
    NotUtf8,
    /// A UTF-16 file whose length is odd or that holds an unpaired surrogate.
    BadUtf16,
    /// No header line: the file is empty or holds only blank lines.
    Empty,
    /// The header line cannot be read: a quote in it is never closed, or it is longer than
    /// the part of the file read for it.
    NoHeader,
}

impl FileError {
    /// What is wrong and how to re-save the file, in one sentence.
    pub const fn message(self) -> &'static str {
        match self {
            FileError::Workbook => {
                "the file is a workbook (.xlsx, .ods, .numbers), not CSV: save it as CSV UTF-8"
            }
            FileError::LegacyWorkbook => {
                "the file is an Excel .xls workbook, not CSV: save it as CSV UTF-8"
            }
            FileError::Utf32 => "the file is UTF-32 text: save it as CSV UTF-8",
            FileError::NotText => {
                "the file is not text, or UTF-16 without a byte order mark: save it as CSV UTF-8"
            }
            FileError::NotUtf8 => "the file is not UTF-8 (Windows-1252?): save it as CSV UTF-8",
            FileError::BadUtf16 => "the file's UTF-16 text is damaged",
            FileError::Empty => "the file is empty: it needs a header line",
            FileError::NoHeader => {
                "the header line (row 1) cannot be read: a quote in it is not closed"
            }
        }
    }

    /// The stable reason code carried by the JS error.
    pub const fn code(self) -> &'static str {
        match self {
            FileError::Workbook => "workbook_not_csv",
            FileError::LegacyWorkbook => "workbook_not_csv",
            FileError::Utf32 => "unsupported_encoding",
            FileError::NotText => "not_text",
            FileError::NotUtf8 => "not_utf8",
            FileError::BadUtf16 => "bad_utf16",
            FileError::Empty => "empty_file",
            FileError::NoHeader => "no_header",
        }
    }
}

/// Why one row (or one cell of it) of a file was not used. Reported with the row's spreadsheet
/// number; never with its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum RowProblem {
    /// A quoted field is never closed (by the end of the file, or within [`super::MAX_RECORD_BYTES`]):
    /// the row is skipped and reading goes on at the next line.
    #[error("a quoted field is never closed")]
    UnterminatedQuote,
    /// Text follows a closing quote (`"Bob"x,`): the row's fields cannot be trusted.
    #[error("text follows a closing quote")]
    TextAfterQuote,
    /// The row is longer than [`super::MAX_RECORD_BYTES`] without a quote to explain it.
    #[error("the row is too long")]
    RowTooLong,
    /// A mapped cell holds bytes that are not UTF-8.
    #[error("the cell is not UTF-8 text")]
    InvalidUtf8,
    /// The row has content but none of its hashed columns gave a hash.
    #[error("no usable identifier in the row")]
    NoIdentifier,
}

impl RowProblem {
    /// Every problem, in the order of their indexes after [`crate::Reject::ALL`] in the packed
    /// reject lists.
    pub const ALL: [RowProblem; 5] = [
        RowProblem::UnterminatedQuote,
        RowProblem::TextAfterQuote,
        RowProblem::RowTooLong,
        RowProblem::InvalidUtf8,
        RowProblem::NoIdentifier,
    ];

    /// The stable, snake_case reason code.
    pub const fn code(self) -> &'static str {
        match self {
            RowProblem::UnterminatedQuote => "unterminated_quote",
            RowProblem::TextAfterQuote => "text_after_quote",
            RowProblem::RowTooLong => "row_too_long",
            RowProblem::InvalidUtf8 => "invalid_utf8",
            RowProblem::NoIdentifier => "no_identifier",
        }
    }
}

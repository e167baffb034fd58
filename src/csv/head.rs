//! The start of a file: the `sep=` line, the delimiter, the header (row 1) and the first rows
//! for a preview, read with the same reader as the rest so the preview shows the same rows.

use super::chunk::{read_rows, Row, RowSink};
use super::dialect::{sep_line, sniff_delimiter};
use super::error::{FileError, RowProblem};
use super::records::{display_text, RecordReader, Step};

/// What the first bytes of a file say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The field separator.
    pub delimiter: u8,
    /// The file starts with a `sep=` line (not a row).
    pub sep_line: bool,
    /// The header's names, trimmed; an empty one is `Column N`, a repeated one `Name (2)`.
    pub header: Vec<String>,
    /// Offset of the first data row in the UTF-8 text (after the BOM).
    pub data_start: usize,
    /// The first data rows, row 2 first.
    pub sample: Vec<SampleRow>,
}

/// One row of the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleRow {
    /// Spreadsheet row number (header = 1).
    pub row: usize,
    /// The cells as text (invalid UTF-8 replaced); empty for a blank or malformed row.
    pub cells: Vec<String>,
    /// Why the row cannot be read, if it cannot.
    pub problem: Option<RowProblem>,
}

struct Sample {
    rows: Vec<SampleRow>,
    max: usize,
}

impl RowSink for Sample {
    fn row(&mut self, row: Row<'_>) {
        if self.rows.len() >= self.max {
            return;
        }
        let number = self.rows.len() + 2;
        self.rows.push(match row {
            Row::Record { reader, .. } => SampleRow {
                row: number,
                cells: (0..reader.len())
                    .map(|i| display_text(reader.field(i)))
                    .collect(),
                problem: None,
            },
            Row::Blank => SampleRow {
                row: number,
                cells: Vec::new(),
                problem: None,
            },
            Row::Malformed { problem, .. } => SampleRow {
                row: number,
                cells: Vec::new(),
                problem: Some(problem),
            },
        });
    }
}

/// Reads the head of `text` (UTF-8 after any BOM; `eof` when it is the whole file): up to
/// `sample_rows` data rows after the header. Blank lines before the header are skipped.
pub fn read_head(text: &[u8], eof: bool, sample_rows: usize) -> Result<Head, FileError> {
    let (sep, mut pos) = match sep_line(text) {
        Some((d, len)) => (Some(d), len),
        None => (None, 0),
    };
    while pos < text.len() && (text[pos] == b'\n' || text[pos] == b'\r') {
        pos += 1;
    }
    let delimiter = sep.unwrap_or_else(|| sniff_delimiter(&text[pos..], eof));
    let mut reader = RecordReader::new(delimiter);
    let names: Vec<String> = match reader.read(&text[pos..], eof) {
        Step::Record { len } => {
            pos += len;
            (0..reader.len())
                .map(|i| display_text(reader.field(i)).trim().to_owned())
                .collect()
        }
        Step::Malformed { .. } | Step::Incomplete => return Err(FileError::NoHeader),
        Step::Blank { .. } | Step::End => return Err(FileError::Empty),
    };
    let mut header: Vec<String> = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        let base = if name.is_empty() {
            format!("Column {}", i + 1)
        } else {
            name
        };
        let mut unique = base.clone();
        let mut n = 2;
        while header.contains(&unique) {
            unique = format!("{base} ({n})");
            n += 1;
        }
        header.push(unique);
    }
    let mut sample = Sample {
        rows: Vec::new(),
        max: sample_rows,
    };
    let window = &text[pos..];
    read_rows(&mut reader, window, eof, None, &mut sample);
    Ok(Head {
        delimiter,
        sep_line: sep.is_some(),
        header,
        data_start: pos,
        sample: sample.rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sep_line_then_header_is_row_one() {
        let h = read_head(
            b"sep=;\r\nE-mail;Phone\r\nann@example.com;+44 20 7183 8750\r\n",
            true,
            5,
        )
        .unwrap();
        assert_eq!(h.delimiter, b';');
        assert!(h.sep_line);
        assert_eq!(h.header, ["E-mail", "Phone"]);
        assert_eq!(h.data_start, 21);
        assert_eq!(h.sample[0].row, 2);
        assert_eq!(h.sample[0].cells, ["ann@example.com", "+44 20 7183 8750"]);
    }

    #[test]
    fn names_are_unique_and_never_empty() {
        let h = read_head(b"Email,,Email, Phone \n", true, 5).unwrap();
        assert_eq!(h.header, ["Email", "Column 2", "Email (2)", "Phone"]);
    }

    #[test]
    fn an_empty_file_has_no_header() {
        assert_eq!(read_head(b"\n\n", true, 5), Err(FileError::Empty));
        assert_eq!(read_head(b"", true, 5), Err(FileError::Empty));
    }
}

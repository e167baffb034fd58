//! One record at a time, with `csv-core` doing the splitting: blank lines, CRLF/CR/LF, quoted
//! fields with `""` escapes and newlines inside them, and malformed quoting reported instead of
//! silently swallowing the rest of the file.
//!
//! Every call starts at a record start and reads exactly one row, so a parse that starts at
//! any record start gives the same rows as one that arrived there from the file's start: the
//! property the chunked reader ([`super::chunk`]) relies on.

use super::error::RowProblem;
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

/// The longest row read, in field bytes. A spreadsheet cell holds at most 32,767 characters;
/// a row longer than this is a quote left open (or not a CSV), and bounding it keeps a stray
/// quote from turning the rest of a 60 MB file into one field.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// What [`RecordReader::read`] found at the start of its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A record of `len` raw bytes (its line terminator included); read its fields with
    /// [`RecordReader::field`].
    Record {
        /// Raw bytes of the record, terminator included.
        len: usize,
    },
    /// An empty line (`len` is its terminator: 1, or 2 for CRLF). It is still a row.
    Blank {
        /// Bytes of the line terminator.
        len: usize,
    },
    /// A row that cannot be read; `len` bytes are skipped (the row's first line when a quote
    /// is left open, the whole record otherwise). It is still a row.
    Malformed {
        /// What is wrong with it.
        problem: RowProblem,
        /// Bytes to skip.
        len: usize,
    },
    /// The input ends inside the record (or just after a CR that a LF may follow): more bytes
    /// are needed, or pass `eof`.
    Incomplete,
    /// No input left at the end of the file.
    End,
}

/// Reads records from byte slices that each start at a record start.
pub struct RecordReader {
    delimiter: u8,
    core: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    spans: Vec<(usize, usize)>,
}

impl std::fmt::Debug for RecordReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordReader")
            .field("delimiter", &self.delimiter)
            .field("fields", &self.spans.len())
            .finish()
    }
}

/// A csv-core reader at a record start (not inlined: its DFA builder is large, and the wasm
/// has a size budget). It has read one throw-away record first: csv-core
/// strips a UTF-8 byte order mark from its first input only, and the file's BOM is the
/// decoder's business, so a record that happens to start with EF BB BF keeps it.
#[inline(never)]
fn fresh_core(delimiter: u8) -> Reader {
    let mut core = ReaderBuilder::new().delimiter(delimiter).build();
    let (mut out, mut ends) = ([0u8; 4], [0usize; 4]);
    let _ = read_into(&mut core, b"x\n", &mut out, &mut ends);
    core
}

/// csv-core's `read_record`, called from this one place: it is `inline(always)` and large.
#[inline(never)]
fn read_into(
    core: &mut Reader,
    input: &[u8],
    out: &mut [u8],
    ends: &mut [usize],
) -> (ReadRecordResult, usize, usize, usize) {
    core.read_record(input, out, ends)
}

impl RecordReader {
    /// A reader for fields separated by `delimiter`.
    pub fn new(delimiter: u8) -> RecordReader {
        RecordReader {
            delimiter,
            core: fresh_core(delimiter),
            out: vec![0; 4096],
            ends: vec![0; 64],
            spans: Vec::with_capacity(64),
        }
    }

    /// The field separator.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Reads the row at the start of `input` (which must be a record start). `eof` says that
    /// no bytes follow `input`. (Not inlined: three callers, one copy in the wasm.)
    #[inline(never)]
    pub fn read(&mut self, input: &[u8], eof: bool) -> Step {
        self.spans.clear();
        let Some(&first) = input.first() else {
            return if eof { Step::End } else { Step::Incomplete };
        };
        if first == b'\n' {
            return Step::Blank { len: 1 };
        }
        if first == b'\r' {
            return match input.get(1) {
                Some(&b'\n') => Step::Blank { len: 2 },
                Some(_) => Step::Blank { len: 1 },
                None if eof => Step::Blank { len: 1 },
                None => Step::Incomplete,
            };
        }
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let (res, i, o, e) = self.core_read(&input[nin..], nout, nend);
            nin += i;
            nout += o;
            nend += e;
            match res {
                ReadRecordResult::Record => break,
                ReadRecordResult::OutputFull if self.out.len() >= MAX_RECORD_BYTES => {
                    let problem = if input[..nin].iter().any(|&b| b == b'\n' || b == b'\r') {
                        RowProblem::UnterminatedQuote
                    } else {
                        RowProblem::RowTooLong
                    };
                    return self.malformed(input, eof, problem);
                }
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::InputEmpty if !eof => {
                    self.core = fresh_core(self.delimiter);
                    return Step::Incomplete;
                }
                ReadRecordResult::InputEmpty | ReadRecordResult::End => {
                    // The file ends inside the record. A newline ends it, unless a quote is
                    // still open (then csv-core takes the newline as field text).
                    if self.out.len() < nout + 2 {
                        self.out.resize(nout + 2, 0);
                    }
                    if self.ends.len() < nend + 2 {
                        self.ends.resize(nend + 2, 0);
                    }
                    let (res, _, o, e) = self.core_read(b"\n", nout, nend);
                    if res != ReadRecordResult::Record {
                        return self.malformed(input, eof, RowProblem::UnterminatedQuote);
                    }
                    nout += o;
                    nend += e;
                    break;
                }
            }
        }
        let _ = nout;
        // csv-core ends a record at the CR of a CRLF; the LF belongs to the same row.
        if input[nin - 1] == b'\r' {
            match input.get(nin) {
                Some(&b'\n') => nin += 1,
                Some(_) => {}
                None if eof => {}
                None => {
                    self.core = fresh_core(self.delimiter);
                    return Step::Incomplete;
                }
            }
        }
        let mut start = 0;
        for &end in &self.ends[..nend] {
            self.spans.push((start, end));
            start = end;
        }
        let raw = &input[..nin];
        if raw.contains(&b'"') {
            if let Err(problem) = check_quotes(raw, self.delimiter, &mut self.spans) {
                self.spans.clear();
                return Step::Malformed { problem, len: nin };
            }
        }
        Step::Record { len: nin }
    }

    /// csv-core's `read_record` into the buffers from `nout`/`nend` on: one call site, as it
    /// is `inline(always)` and large.
    #[inline(never)]
    fn core_read(
        &mut self,
        input: &[u8],
        nout: usize,
        nend: usize,
    ) -> (ReadRecordResult, usize, usize, usize) {
        read_into(
            &mut self.core,
            input,
            &mut self.out[nout..],
            &mut self.ends[nend..],
        )
    }

    /// A row that cannot be read: skip its first line, and start over at the next one.
    fn malformed(&mut self, input: &[u8], eof: bool, problem: RowProblem) -> Step {
        self.core = fresh_core(self.delimiter);
        self.spans.clear();
        match input.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(p) if input[p] == b'\r' => match input.get(p + 1) {
                Some(&b'\n') => Step::Malformed {
                    problem,
                    len: p + 2,
                },
                None if !eof => Step::Incomplete,
                _ => Step::Malformed {
                    problem,
                    len: p + 1,
                },
            },
            Some(p) => Step::Malformed {
                problem,
                len: p + 1,
            },
            None if eof => Step::Malformed {
                problem,
                len: input.len(),
            },
            None => Step::Incomplete,
        }
    }

    /// Number of fields of the last record read.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when the last step was not a record with fields.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i` of the last record read, unescaped; empty when the row is shorter.
    pub fn field(&self, i: usize) -> &[u8] {
        self.spans.get(i).map_or(&[][..], |&(s, e)| &self.out[s..e])
    }

    /// True when every field of the last record is empty or white space.
    pub fn is_blank(&self) -> bool {
        self.spans.iter().all(|&(s, e)| {
            self.out[s..e]
                .iter()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        })
    }
}

/// Bytes of a field as text: as they are when they are UTF-8, else with every non-ASCII byte
/// shown as U+FFFD (coarser than `String::from_utf8_lossy`, whose machinery is large in the
/// wasm; only shown to people, never hashed). Not inlined: three callers.
#[inline(never)]
pub fn display_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes
            .iter()
            .map(|&b| if b < 0x80 { char::from(b) } else { '\u{FFFD}' })
            .collect(),
    }
}

/// Walks a raw record that holds a quote: text after a closing quote is malformed, except
/// spaces (and tabs, unless tab separates fields) before the next delimiter, which are
/// dropped from the field (`"Bob" ,` is `Bob`), as Excel and papaparse read it.
fn check_quotes(raw: &[u8], delimiter: u8, spans: &mut [(usize, usize)]) -> Result<(), RowProblem> {
    let n = raw.len();
    let is_term = |b: u8| b == b'\n' || b == b'\r';
    let (mut i, mut field) = (0, 0);
    while i < n {
        if raw[i] == b'"' {
            i += 1;
            loop {
                match raw[i..].iter().position(|&b| b == b'"') {
                    None => return Err(RowProblem::UnterminatedQuote),
                    Some(q) if raw.get(i + q + 1) == Some(&b'"') => i += q + 2,
                    Some(q) => {
                        i += q + 1;
                        break;
                    }
                }
            }
            let ws = i;
            while i < n && (raw[i] == b' ' || (raw[i] == b'\t' && delimiter != b'\t')) {
                i += 1;
            }
            if i < n && raw[i] != delimiter && !is_term(raw[i]) {
                return Err(RowProblem::TextAfterQuote);
            }
            if let Some(span) = spans.get_mut(field) {
                span.1 -= (i - ws).min(span.1 - span.0);
            }
        } else {
            while i < n && raw[i] != delimiter && !is_term(raw[i]) {
                i += 1;
            }
        }
        if i < n && raw[i] == delimiter {
            i += 1;
            field += 1;
            continue;
        }
        break;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of `text` as fields (blank: `[]`, malformed: its code).
    fn rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        let mut r = RecordReader::new(delimiter);
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut out = Vec::new();
        loop {
            match r.read(&bytes[pos..], true) {
                Step::Record { len } => {
                    out.push(
                        (0..r.len())
                            .map(|i| String::from_utf8_lossy(r.field(i)).into_owned())
                            .collect(),
                    );
                    pos += len;
                }
                Step::Blank { len } => {
                    out.push(vec![]);
                    pos += len;
                }
                Step::Malformed { problem, len } => {
                    out.push(vec![format!("!{}", problem.code())]);
                    pos += len;
                }
                Step::Incomplete => panic!("incomplete at eof"),
                Step::End => return out,
            }
        }
    }

    fn v(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn line_ends_of_every_kind_are_one_row_each() {
        let want = v(&[&["a", "b"], &["c", "d"], &["e", "f"]]);
        assert_eq!(rows("a,b\r\nc,d\r\ne,f\r\n", b','), want);
        assert_eq!(rows("a,b\nc,d\ne,f", b','), want);
        // Excel "CSV (Macintosh)": lone CRs
        assert_eq!(rows("a,b\rc,d\re,f\r", b','), want);
    }

    #[test]
    fn quoted_newlines_and_escapes_stay_in_one_row() {
        assert_eq!(
            rows(
                "name,note\n\"Ann\",\"line 1\r\nline 2\"\n\"Bo \"\"B\"\"\",x\n",
                b','
            ),
            v(&[
                &["name", "note"],
                &["Ann", "line 1\r\nline 2"],
                &["Bo \"B\"", "x"]
            ])
        );
    }

    #[test]
    fn blank_lines_are_rows() {
        assert_eq!(
            rows("a\n\nb\r\n\r\nc\n", b','),
            v(&[&["a"], &[], &["b"], &[], &["c"]])
        );
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_text() {
        assert_eq!(rows("h,5'10\",x\n", b','), v(&[&["h", "5'10\"", "x"]]));
    }

    #[test]
    fn spaces_after_a_closing_quote_are_dropped() {
        assert_eq!(rows("\"Bob\" ,\"Al\"\t\n", b','), v(&[&["Bob", "Al"]]));
    }

    #[test]
    fn text_after_a_closing_quote_is_reported_and_the_row_skipped() {
        assert_eq!(
            rows("a,b\n\"Bob\"x,1\nc,d\n", b','),
            v(&[&["a", "b"], &["!text_after_quote"], &["c", "d"]])
        );
    }

    #[test]
    fn an_unterminated_quote_does_not_swallow_the_file() {
        assert_eq!(
            rows("a,b\n\"open,1\nc,d\ne,f\n", b','),
            v(&[
                &["a", "b"],
                &["!unterminated_quote"],
                &["c", "d"],
                &["e", "f"]
            ])
        );
    }

    #[test]
    fn a_record_that_starts_with_bom_bytes_keeps_them() {
        assert_eq!(rows("a\n\u{feff}b\n", b','), v(&[&["a"], &["\u{feff}b"]]));
    }

    #[test]
    fn ragged_rows_read_as_they_are() {
        assert_eq!(
            rows("a;b;c\n1\n1;2;3;4\n", b';'),
            v(&[&["a", "b", "c"], &["1"], &["1", "2", "3", "4"]])
        );
    }

    #[test]
    fn a_cr_at_the_end_of_a_piece_waits_for_the_next_byte() {
        let mut r = RecordReader::new(b',');
        assert_eq!(r.read(b"a,b\r", false), Step::Incomplete);
        assert_eq!(r.read(b"a,b\r\n", false), Step::Record { len: 5 });
        assert_eq!(r.read(b"\r", false), Step::Incomplete);
        assert_eq!(r.read(b"a,\"b", false), Step::Incomplete);
        assert_eq!(
            r.read(b"a,\"b", true),
            Step::Malformed {
                problem: RowProblem::UnterminatedQuote,
                len: 4
            }
        );
    }
}

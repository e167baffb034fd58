//! The sink that hashes: only the mapped columns of each row are normalized and hashed, into
//! one fixed-width hex buffer per column (the `hashBatchPacked` layout), with `(row, column,
//! reason)` rejects.

use super::chunk::{Row, RowSink};
use super::error::RowProblem;
use super::records::{display_text, RecordReader};
use crate::batch::USE_LANES;
use crate::error::{OptionsError, Reject};
use crate::hash::lanes::{SingleBlockQueue, MAX_SINGLE_BLOCK};
use crate::hash::{digest, write_hex, HexDigest};
use crate::normalize::{normalize_into, Outcome};
use crate::options::{Algorithm, Kind, Options};

/// One column to hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashedColumn {
    /// Field index in the row (0 = the first column).
    pub index: usize,
    /// What the column holds.
    pub kind: Kind,
    /// How to normalize and hash it.
    pub options: Options,
}

impl HashedColumn {
    /// A column, its options fitted to its kind: the algorithm is SHA-256 unless the kind is
    /// an ad id (one `algorithm: 'md5'` for a file means its IDFA/GAID columns).
    pub fn new(index: usize, kind: Kind, options: Options) -> HashedColumn {
        let mut options = options;
        if !kind.is_maid() {
            options.algorithm = Algorithm::Sha256;
        }
        HashedColumn {
            index,
            kind,
            options,
        }
    }

    /// Hex characters per row.
    pub fn width(&self) -> usize {
        self.options.algorithm.hex_len()
    }
}

/// What to take out of each row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvPlan {
    /// The columns to normalize and hash.
    pub hashed: Vec<HashedColumn>,
    /// Columns returned as text (event names, times…: not personal identifiers).
    pub text: Vec<usize>,
    /// Keep the raw text of every rejected row (for a download made on the device).
    pub row_text: bool,
}

impl CsvPlan {
    /// Refuses options that do not fit a column's kind.
    pub fn check(&self) -> Result<(), OptionsError> {
        self.hashed
            .iter()
            .try_for_each(|c| c.options.check_for(c.kind))
    }
}

/// Why a row or a cell was not used: a value's [`Reject`] or a row's [`RowProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The cell's value was rejected by its kind's rules.
    Value(Reject),
    /// The row (or the cell's text) could not be read.
    Row(RowProblem),
}

impl Reason {
    /// The stable reason code.
    pub const fn code(self) -> &'static str {
        match self {
            Reason::Value(r) => r.code(),
            Reason::Row(p) => p.code(),
        }
    }

    /// Index in [`Reason::codes`] (how packed reject lists name reasons).
    pub fn index(self) -> usize {
        match self {
            Reason::Value(r) => Reject::ALL.iter().position(|x| *x == r).unwrap_or(0),
            Reason::Row(p) => {
                Reject::ALL.len() + RowProblem::ALL.iter().position(|x| *x == p).unwrap_or(0)
            }
        }
    }

    /// Every code, in index order.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        Reject::ALL
            .iter()
            .map(|r| r.code())
            .chain(RowProblem::ALL.iter().map(|p| p.code()))
    }
}

/// One reject: where and why, never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowReject {
    /// Row index within this piece (0 = its first row).
    pub row: usize,
    /// Index into [`CsvPlan::hashed`] of the cell's column; `None` for the whole row.
    pub column: Option<usize>,
    /// Why.
    pub reason: Reason,
}

/// A text column's values: their raw bytes (UTF-8 unless the file holds invalid bytes; decode
/// lossily) and the end offset of each row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextColumn {
    /// The values, concatenated.
    pub bytes: Vec<u8>,
    /// End offset in `bytes` of each row's value.
    pub ends: Vec<u32>,
}

/// The rows of one piece, hashed. Concatenating pieces in order concatenates everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HashedRows {
    /// Rows read (blank lines included: they are spreadsheet rows).
    pub rows: usize,
    /// Rows at the end with no content at all (dropped from the end of a file).
    pub trailing_empty: usize,
    /// Per hashed column, `width` hex characters a row (`-`s when there is no hash).
    pub hex: Vec<Vec<u8>>,
    /// Rejects in row order (then column order; a row's own problem first).
    pub rejects: Vec<RowReject>,
    /// Per text column.
    pub text: Vec<TextColumn>,
    /// With [`CsvPlan::row_text`]: each rejected row's index and raw text (no line
    /// terminator; see [`super::records::display_text`]).
    pub row_text: Vec<(usize, String)>,
}

/// The [`RowSink`] that hashes. Each cell is normalized as its row arrives; in wasm its text
/// then waits in its column's four-lane queue (as in `hashBatch`) and its hex slot is filled
/// when four are hashed together, or by [`RowHasher::finish`].
pub struct RowHasher<'p> {
    plan: &'p CsvPlan,
    out: HashedRows,
    buf: String,
    /// One per hashed column: the texts waiting for their digests, tagged with the offset
    /// of their slot in that column's hex.
    queues: Vec<SingleBlockQueue<usize>>,
}

impl<'p> RowHasher<'p> {
    /// An empty sink for `plan`.
    pub fn new(plan: &'p CsvPlan) -> RowHasher<'p> {
        RowHasher {
            plan,
            out: HashedRows {
                hex: vec![Vec::new(); plan.hashed.len()],
                text: vec![TextColumn::default(); plan.text.len()],
                ..HashedRows::default()
            },
            buf: String::new(),
            queues: plan
                .hashed
                .iter()
                .map(|col| SingleBlockQueue::new(col.options.algorithm))
                .collect(),
        }
    }

    /// The piece's rows, every queued digest written.
    pub fn finish(mut self) -> HashedRows {
        let columns = self.queues.iter_mut().zip(&mut self.out.hex);
        for ((queue, hex), col) in columns.zip(&self.plan.hashed) {
            let width = col.width();
            queue.flush(|at, d| write_hex(d, &mut hex[at..at + width]));
        }
        self.out
    }

    fn empty_row(&mut self) {
        for (hex, col) in self.out.hex.iter_mut().zip(&self.plan.hashed) {
            hex.resize(hex.len() + col.width(), b'-');
        }
        for t in &mut self.out.text {
            t.ends.push(t.bytes.len() as u32);
        }
    }

    fn record(&mut self, r: usize, reader: &RecordReader) -> bool {
        let mut hashed_any = false;
        let mut rejected = false;
        for (c, col) in self.plan.hashed.iter().enumerate() {
            let hex = &mut self.out.hex[c];
            let at = hex.len();
            let width = col.width();
            hex.resize(at + width, b'-');
            let reason = match std::str::from_utf8(reader.field(col.index)) {
                Ok(value) => match normalize_into(col.kind, value, &col.options, &mut self.buf) {
                    Ok(outcome) => {
                        let text = self.buf.as_bytes();
                        match outcome {
                            Outcome::PreHashed => hex[at..].copy_from_slice(
                                HexDigest::from_lower_hex(&self.buf).as_str().as_bytes(),
                            ),
                            Outcome::Text if USE_LANES && text.len() <= MAX_SINGLE_BLOCK => {
                                self.queues[c]
                                    .push(text, at, |at, d| write_hex(d, &mut hex[at..at + width]));
                            }
                            Outcome::Text => hex[at..].copy_from_slice(
                                digest(col.options.algorithm, text).as_str().as_bytes(),
                            ),
                        }
                        hashed_any = true;
                        continue;
                    }
                    Err(Reject::Empty) => continue,
                    Err(reject) => Reason::Value(reject),
                },
                Err(_) => Reason::Row(RowProblem::InvalidUtf8),
            };
            rejected = true;
            self.out.rejects.push(RowReject {
                row: r,
                column: Some(c),
                reason,
            });
        }
        for (t, &index) in self.out.text.iter_mut().zip(&self.plan.text) {
            // raw: a reader decodes it (invalid bytes become U+FFFD there)
            t.bytes.extend_from_slice(reader.field(index));
            t.ends.push(t.bytes.len() as u32);
        }
        if !hashed_any && !self.plan.hashed.is_empty() {
            rejected = true;
            self.out.rejects.push(RowReject {
                row: r,
                column: None,
                reason: Reason::Row(RowProblem::NoIdentifier),
            });
        }
        rejected
    }
}

fn line_text(raw: &[u8]) -> String {
    let mut end = raw.len();
    while end > 0 && (raw[end - 1] == b'\n' || raw[end - 1] == b'\r') {
        end -= 1;
    }
    display_text(&raw[..end])
}

impl RowSink for RowHasher<'_> {
    fn row(&mut self, row: Row<'_>) {
        let r = self.out.rows;
        self.out.rows += 1;
        match row {
            Row::Blank => {
                self.empty_row();
                self.out.trailing_empty += 1;
            }
            Row::Record { reader, .. } if reader.is_blank() => {
                self.empty_row();
                self.out.trailing_empty += 1;
            }
            Row::Malformed { problem, raw } => {
                self.empty_row();
                self.out.trailing_empty = 0;
                self.out.rejects.push(RowReject {
                    row: r,
                    column: None,
                    reason: Reason::Row(problem),
                });
                if self.plan.row_text {
                    self.out.row_text.push((r, line_text(raw)));
                }
            }
            Row::Record { reader, raw } => {
                self.out.trailing_empty = 0;
                if self.record(r, reader) && self.plan.row_text {
                    self.out.row_text.push((r, line_text(raw)));
                }
            }
        }
    }
}

impl HashedRows {
    /// Appends the rows of the next piece.
    pub fn append(&mut self, next: HashedRows) {
        let offset = self.rows;
        if self.hex.is_empty() {
            self.hex = vec![Vec::new(); next.hex.len()];
            self.text = vec![TextColumn::default(); next.text.len()];
        }
        for (mine, theirs) in self.hex.iter_mut().zip(next.hex) {
            mine.extend_from_slice(&theirs);
        }
        for (mine, theirs) in self.text.iter_mut().zip(next.text) {
            let base = mine.bytes.len() as u32;
            mine.bytes.extend_from_slice(&theirs.bytes);
            mine.ends.extend(theirs.ends.iter().map(|e| e + base));
        }
        self.rejects
            .extend(next.rejects.into_iter().map(|r| RowReject {
                row: r.row + offset,
                ..r
            }));
        self.row_text
            .extend(next.row_text.into_iter().map(|(r, t)| (r + offset, t)));
        self.trailing_empty = if next.trailing_empty == next.rows {
            self.trailing_empty + next.rows
        } else {
            next.trailing_empty
        };
        self.rows += next.rows;
    }

    /// Drops the rows with no content at the end of the file (a trailing blank line, Excel's
    /// `,,,` lines of formatted but empty cells): they are not data.
    pub fn drop_trailing_empty(&mut self, plan: &CsvPlan) {
        let keep = self.rows - self.trailing_empty;
        for (hex, col) in self.hex.iter_mut().zip(&plan.hashed) {
            hex.truncate(keep * col.width());
        }
        for t in &mut self.text {
            t.ends.truncate(keep);
            let end = t.ends.last().map_or(0, |&e| e as usize);
            t.bytes.truncate(end);
        }
        self.rejects.retain(|r| r.row < keep);
        self.row_text.retain(|r| r.0 < keep);
        self.rows = keep;
        self.trailing_empty = 0;
    }
}

//! Reading a file in pieces without ever cutting a record, so that workers can parse pieces
//! in parallel and still give exactly the rows of one parse.
//!
//! Each piece is parsed *speculatively* from its first byte, as if a record started there
//! (the caller cuts after a line end, which usually is one), and stops at its last complete
//! record; the bytes after it are the piece's *tail*. Pieces are then merged in order: the
//! previous piece's tail, which starts at a known record start, is parsed on into the next
//! piece ([`read_rows`] with `align`). When that parse reaches a record boundary exactly at
//! the next piece's first byte, the speculation was right and the piece's rows are kept;
//! otherwise (the cut fell inside a quoted newline, or between CR and LF) the known-good parse
//! simply goes on through the whole piece and the speculative rows are dropped. Every row
//! kept was therefore read from a known record start, and [`super::records`] reads a row from
//! its start alone: the same rows as one parse, for any cuts (tests/csv_chunks.rs).

use super::error::RowProblem;
use super::records::{RecordReader, Step};

/// One row, as a [`RowSink`] receives it.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    /// A record: its fields are in the reader; `raw` is its text, terminator included.
    Record {
        /// The reader holding the fields.
        reader: &'a RecordReader,
        /// The record's raw bytes.
        raw: &'a [u8],
    },
    /// An empty line.
    Blank,
    /// A row that cannot be read, and why.
    Malformed {
        /// What is wrong.
        problem: RowProblem,
        /// The bytes skipped.
        raw: &'a [u8],
    },
}

/// Where rows go: one call per spreadsheet row, in order.
pub trait RowSink {
    /// The next row.
    fn row(&mut self, row: Row<'_>);
}

/// Where [`read_rows`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    /// Bytes of complete rows read; the rest is the tail.
    pub consumed: usize,
    /// Rows given to the sink.
    pub rows: usize,
    /// With `align`: a row boundary fell exactly there, and reading stopped at it.
    pub aligned: bool,
}

/// Reads rows from `bytes` (which starts at a record start) into `sink` until the bytes end
/// (`eof`: the file ends with them) or, with `align`, until a row boundary at or past
/// `align`: exactly there is `aligned` and stops; past it reading goes on to the end.
pub fn read_rows(
    reader: &mut RecordReader,
    bytes: &[u8],
    eof: bool,
    align: Option<usize>,
    sink: &mut impl RowSink,
) -> Parsed {
    let (mut pos, mut rows) = (0, 0);
    let mut align = align;
    loop {
        if let Some(a) = align {
            if pos == a {
                return Parsed {
                    consumed: pos,
                    rows,
                    aligned: true,
                };
            }
            if pos > a {
                align = None;
            }
        }
        let rest = &bytes[pos..];
        let len = match reader.read(rest, eof) {
            Step::Record { len } => {
                sink.row(Row::Record {
                    reader,
                    raw: &rest[..len],
                });
                len
            }
            Step::Blank { len } => {
                sink.row(Row::Blank);
                len
            }
            Step::Malformed { problem, len } => {
                sink.row(Row::Malformed {
                    problem,
                    raw: &rest[..len],
                });
                len
            }
            Step::Incomplete | Step::End => break,
        };
        pos += len;
        rows += 1;
    }
    Parsed {
        consumed: pos,
        rows,
        aligned: false,
    }
}

/// The merge of [`read_chunked`]: the sinks in row order.
#[derive(Debug)]
pub struct ChunkedRows<S> {
    /// Seam and piece sinks, in row order; concatenated they hold every row once.
    pub parts: Vec<S>,
    /// Pieces whose speculative parse was dropped and read again from a known record start.
    pub reparsed: usize,
}

/// Reads `pieces` (consecutive slices of one file, the first at a record start, the last
/// ending the file) the way the JS pool does: each speculatively on its own, then merged
/// through the tails. Any cuts give the rows of one [`read_rows`] over the whole.
pub fn read_chunked<S: RowSink>(
    delimiter: u8,
    pieces: &[&[u8]],
    mut new_sink: impl FnMut() -> S,
) -> ChunkedRows<S> {
    let last = pieces.len().saturating_sub(1);
    // What each worker does, independently of the others.
    let speculative: Vec<(S, Parsed)> = pieces
        .iter()
        .enumerate()
        .map(|(k, piece)| {
            let mut sink = new_sink();
            let parsed = read_rows(
                &mut RecordReader::new(delimiter),
                piece,
                k == last,
                None,
                &mut sink,
            );
            (sink, parsed)
        })
        .collect();
    let mut merged = ChunkedRows {
        parts: Vec::new(),
        reparsed: 0,
    };
    let mut carry: Vec<u8> = Vec::new();
    for (k, (sink, parsed)) in speculative.into_iter().enumerate() {
        let (seam, next) = merge_step(delimiter, &carry, pieces[k], k == last, &mut new_sink);
        merged.parts.push(seam);
        carry = match next {
            Merge::Kept => {
                merged.parts.push(sink);
                pieces[k][parsed.consumed..].to_vec()
            }
            Merge::Reparsed(tail) => {
                merged.reparsed += 1;
                tail
            }
        };
    }
    merged
}

/// What [`merge_step`] did with the piece's speculative rows.
#[derive(Debug, PartialEq, Eq)]
pub enum Merge {
    /// They are right: keep them; the piece's own tail is the next carry.
    Kept,
    /// They are dropped: the seam sink read the whole piece; this is the next carry.
    Reparsed(Vec<u8>),
}

/// One merge step: the previous tail `carry` (at a known record start) read on into `piece`.
/// Returns the sink of the rows read, and whether the piece's speculative rows follow them.
pub fn merge_step<S: RowSink>(
    delimiter: u8,
    carry: &[u8],
    piece: &[u8],
    eof: bool,
    new_sink: &mut impl FnMut() -> S,
) -> (S, Merge) {
    let mut seam = new_sink();
    let mut reader = RecordReader::new(delimiter);
    if carry.is_empty() {
        return (seam, Merge::Kept);
    }
    let mut buf = Vec::with_capacity(carry.len() + piece.len());
    buf.extend_from_slice(carry);
    buf.extend_from_slice(piece);
    let parsed = read_rows(&mut reader, &buf, eof, Some(carry.len()), &mut seam);
    if parsed.aligned {
        (seam, Merge::Kept)
    } else {
        (seam, Merge::Reparsed(buf[parsed.consumed..].to_vec()))
    }
}

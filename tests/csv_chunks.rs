//! Reading a CSV in pieces gives exactly the rows of one parse: any file, any cuts (the pool's
//! chunking, src/csv/chunk.rs), for the records themselves and for the hashed output.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tikhash::csv::{
    read_chunked, read_rows, CsvPlan, HashedColumn, HashedRows, RecordReader, Row, RowHasher,
    RowSink,
};
use tikhash::{Kind, Options};

/// Every row as text: fields, `blank`, or the problem's code.
#[derive(Default, Debug)]
struct Rows(Vec<String>);

impl RowSink for Rows {
    fn row(&mut self, row: Row<'_>) {
        self.0.push(match row {
            Row::Record { reader, raw } => {
                let fields: Vec<String> = (0..reader.len())
                    .map(|i| format!("{:?}", reader.field(i)))
                    .collect();
                format!("{} <{}>", fields.join("|"), raw.len())
            }
            Row::Blank => "blank".into(),
            Row::Malformed { problem, raw } => format!("!{} <{}>", problem.code(), raw.len()),
        });
    }
}

fn one_parse(delimiter: u8, bytes: &[u8]) -> Vec<String> {
    let mut rows = Rows::default();
    read_rows(
        &mut RecordReader::new(delimiter),
        bytes,
        true,
        None,
        &mut rows,
    );
    rows.0
}

fn pieces(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut at = 0;
    for c in cuts {
        out.push(bytes[at..c].to_vec());
        at = c;
    }
    out.push(bytes[at..].to_vec());
    out
}

/// Files made of the bytes that matter to a CSV reader, plus text and an email or a phone.
fn file() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        4 => Just(&b","[..]),
        3 => Just(&b"\""[..]),
        3 => Just(&b"\n"[..]),
        2 => Just(&b"\r"[..]),
        2 => Just(&b"\r\n"[..]),
        1 => Just(&b";"[..]),
        1 => Just(&b" "[..]),
        1 => Just(&b"\"\""[..]),
        3 => Just(&b"ann@example.com"[..]),
        3 => Just(&b"+44 20 7183 8750"[..]),
        2 => Just(&b"x"[..]),
        1 => Just(&b"\xC3\xA9"[..]),
        1 => Just(&b"\xFF"[..]),
    ];
    proptest::collection::vec(token, 0..120).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn pieces_give_the_rows_of_one_parse(
        bytes in file(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let parts = pieces(&bytes, &cuts);
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let merged = read_chunked(b',', &refs, Rows::default);
        let chunked: Vec<String> = merged.parts.into_iter().flat_map(|r| r.0).collect();
        prop_assert_eq!(chunked, one_parse(b',', &bytes));
    }

}

proptest! {
    // Tiny pieces mean a thousand merges a case: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn chunks_of_any_size_give_the_rows_of_one_parse(bytes in file(), size in 1usize..40) {
        let refs: Vec<&[u8]> = if bytes.is_empty() { vec![&bytes[..]] } else { bytes.chunks(size).collect() };
        let merged = read_chunked(b',', &refs, Rows::default);
        let chunked: Vec<String> = merged.parts.into_iter().flat_map(|r| r.0).collect();
        prop_assert_eq!(chunked, one_parse(b',', &bytes));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn hashed_pieces_equal_one_hashed_parse(
        bytes in file(),
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        let options = Options { default_country: Some("GB".parse().unwrap()), ..Options::default() };
        let plan = CsvPlan {
            hashed: vec![
                HashedColumn::new(0, Kind::Email, options),
                HashedColumn::new(1, Kind::Phone, options),
            ],
            text: vec![2],
            row_text: true,
        };
        let mut one = RowHasher::new(&plan);
        read_rows(&mut RecordReader::new(b','), &bytes, true, None, &mut one);
        let mut one = one.finish();
        one.drop_trailing_empty(&plan);

        let parts = pieces(&bytes, &cuts);
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let merged = read_chunked(b',', &refs, || RowHasher::new(&plan));
        let mut all = HashedRows::default();
        for part in merged.parts {
            all.append(part.finish());
        }
        all.drop_trailing_empty(&plan);
        prop_assert_eq!(all, one);
    }
}

/// A quoted newline right at a cut: the speculation fails, the piece is read again, and the
/// rows still match.
#[test]
fn a_cut_inside_a_quoted_newline_is_read_again() {
    let bytes = b"a,\"one\ntwo\",b\nc,d\n";
    let cut = 7; // just after the quoted newline
    let refs: Vec<&[u8]> = vec![&bytes[..cut], &bytes[cut..]];
    let merged = read_chunked(b',', &refs, Rows::default);
    assert_eq!(merged.reparsed, 1);
    let chunked: Vec<String> = merged.parts.into_iter().flat_map(|r| r.0).collect();
    assert_eq!(chunked, one_parse(b',', bytes));
    assert_eq!(chunked.len(), 2);
}

/// A stray quote inside an unquoted field (`5'10"`) before a quoted newline, over a cut: no
/// invented row (issue 9).
#[test]
fn a_stray_quote_before_a_quoted_newline_invents_no_row() {
    let mut bytes = Vec::new();
    for i in 0..50 {
        bytes.extend_from_slice(format!("p{i}@example.com,5'10\",\"street\n{i}\"\n").as_bytes());
    }
    let one = one_parse(b',', &bytes);
    assert_eq!(one.len(), 50);
    for size in [7, 64, 100, 333] {
        let refs: Vec<&[u8]> = bytes.chunks(size).collect();
        let merged = read_chunked(b',', &refs, Rows::default);
        let chunked: Vec<String> = merged.parts.into_iter().flat_map(|r| r.0).collect();
        assert_eq!(chunked, one, "chunks of {size}");
    }
}

//! The export fixtures (tests/fixtures/exports/, made by make.py there) read natively: rows,
//! rejects with their spreadsheet row numbers, and the errors of files that are not CSV text.
//! tests/js/csv.test.mjs runs the same files through the package, in wasm, in pieces.

use serde_json::Value;
use std::path::Path;
use tikhash::csv::{hash_csv, CsvError};
use tikhash::{hash, Kind, Options};

fn fixtures() -> (std::path::PathBuf, serde_json::Map<String, Value>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports");
    let json = std::fs::read_to_string(dir.join("expected.json")).unwrap();
    let Value::Object(map) = serde_json::from_str(&json).unwrap() else {
        panic!("expected.json is an object")
    };
    (dir, map)
}

#[test]
fn every_fixture_gives_its_rows_and_rejects() {
    let (dir, map) = fixtures();
    assert!(map.len() >= 15, "the fixture list is there");
    for (name, want) in &map {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let mut options = Options::default();
        if let Some(c) = want["defaultCountry"].as_str() {
            options.default_country = Some(c.parse().unwrap());
        }
        let columns: Vec<(&str, Kind)> = want["columns"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(h, k)| (h.as_str(), k.as_str().unwrap().parse().unwrap()))
                    .collect()
            })
            .unwrap_or_default();
        let result = hash_csv(&bytes, &columns, &options, &[]);
        if let Some(code) = want["error"].as_str() {
            match result {
                Err(CsvError::File(e)) => assert_eq!(e.code(), code, "{name}"),
                other => panic!("{name}: expected {code}, got {other:?}"),
            }
            continue;
        }
        let file = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            file.rows.rows as u64,
            want["rows"].as_u64().unwrap(),
            "{name}: rows"
        );
        let got: Vec<Value> = file
            .rows
            .rejects
            .iter()
            .map(|r| {
                serde_json::json!({
                    "row": r.row + 2,
                    "column": r.column.map(|c| columns[c].0),
                    "code": r.reason.code(),
                })
            })
            .collect();
        assert_eq!(Value::Array(got), want["rejected"], "{name}: rejects");
    }
}

/// Row numbers checked against the files themselves: the cell of each data row (row r is
/// the r-th spreadsheet row) hashes to the slot `r - 2` of its column.
#[test]
fn row_numbers_point_at_the_right_cells() {
    let (dir, _) = fixtures();
    let bytes = std::fs::read(dir.join("blank-lines.csv")).unwrap();
    let file = hash_csv(&bytes, &[("email", Kind::Email)], &Options::default(), &[]).unwrap();
    let hex = &file.rows.hex[0];
    let at = |row: usize| std::str::from_utf8(&hex[(row - 2) * 64..(row - 1) * 64]).unwrap();
    let o = Options::default();
    // rows as a spreadsheet numbers them: ann 2, blank 3, bob 4, blank 5 and 6, cat 7
    assert_eq!(
        at(2),
        hash(Kind::Email, "ann@example.com", &o).unwrap().as_str()
    );
    assert_eq!(at(3), "-".repeat(64));
    assert_eq!(
        at(4),
        hash(Kind::Email, "bob@example.com", &o).unwrap().as_str()
    );
    assert_eq!(
        at(7),
        hash(Kind::Email, "cat@example.com", &o).unwrap().as_str()
    );

    let bytes = std::fs::read(dir.join("excel-utf8-bom.csv")).unwrap();
    let file = hash_csv(&bytes, &[("E-mail Address", Kind::Email)], &o, &["Name"]).unwrap();
    assert_eq!(
        file.head.header[0], "E-mail Address",
        "the BOM is not part of the header"
    );
    assert_eq!(file.rows.rejects[0].row + 2, 4);
    let names = &file.rows.text[0];
    let start = names.ends[1] as usize;
    assert_eq!(
        &names.bytes[start..names.ends[2] as usize],
        "Zoë".as_bytes(),
        "row 4 is Zoë's"
    );
    assert_eq!(
        file.rows.row_text[0],
        (2, "not an email,020 7946 0003,Zoë".to_string())
    );
}

#[test]
fn utf16_and_cr_files_read_as_their_utf8_twins() {
    let (dir, _) = fixtures();
    let o = Options::default();
    let cols = [("Email", Kind::Email), ("Phone", Kind::Phone)];
    let utf16 = hash_csv(
        &std::fs::read(dir.join("excel-unicode-text.txt")).unwrap(),
        &cols,
        &o,
        &[],
    )
    .unwrap();
    assert_eq!(utf16.head.delimiter, b'\t');
    assert_eq!(
        &utf16.rows.hex[0][..64],
        hash(Kind::Email, "ann@example.com", &o)
            .unwrap()
            .as_str()
            .as_bytes()
    );
    let cr = hash_csv(
        &std::fs::read(dir.join("excel-mac-cr.csv")).unwrap(),
        &cols,
        &o,
        &[],
    )
    .unwrap();
    assert_eq!(cr.rows.rows, 3);
    assert_eq!(
        &cr.rows.hex[1][128..],
        hash(Kind::Phone, "+44 20 7946 0003", &o)
            .unwrap()
            .as_str()
            .as_bytes()
    );
}

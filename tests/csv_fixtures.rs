//! The export fixtures (tests/fixtures/exports/, made by make.py there) read natively: rows,
//! rejects with their spreadsheet row numbers, and the errors of files that are not CSV text.
//! The same tests run in wasm (`wasm-pack test --node` / `--headless --chrome`: the files are
//! compiled in), and tests/js/csv.test.mjs runs the files through the package, in pieces.

use serde_json::Value;
use tikhash::csv::{hash_csv, CsvError};
use tikhash::{hash, Kind, Options};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A fixture's bytes (compiled in, so the wasm tests have them too).
fn read(name: &str) -> &'static [u8] {
    match name {
        "blank-lines.csv" => include_bytes!("fixtures/exports/blank-lines.csv"),
        "excel-mac-cr.csv" => include_bytes!("fixtures/exports/excel-mac-cr.csv"),
        "excel-unicode-text.txt" => include_bytes!("fixtures/exports/excel-unicode-text.txt"),
        "excel-utf8-bom.csv" => include_bytes!("fixtures/exports/excel-utf8-bom.csv"),
        "google-sheets.csv" => include_bytes!("fixtures/exports/google-sheets.csv"),
        "hubspot.csv" => include_bytes!("fixtures/exports/hubspot.csv"),
        "libreoffice.csv" => include_bytes!("fixtures/exports/libreoffice.csv"),
        "maids.csv" => include_bytes!("fixtures/exports/maids.csv"),
        "member-number.csv" => include_bytes!("fixtures/exports/member-number.csv"),
        "numbers.csv" => include_bytes!("fixtures/exports/numbers.csv"),
        "quote-spacing.csv" => include_bytes!("fixtures/exports/quote-spacing.csv"),
        "ragged.csv" => include_bytes!("fixtures/exports/ragged.csv"),
        "salesforce.csv" => include_bytes!("fixtures/exports/salesforce.csv"),
        "sep-line.csv" => include_bytes!("fixtures/exports/sep-line.csv"),
        "shopify-customers.csv" => include_bytes!("fixtures/exports/shopify-customers.csv"),
        "stray-quote-multiline.csv" => include_bytes!("fixtures/exports/stray-quote-multiline.csv"),
        "unnamed-columns.csv" => include_bytes!("fixtures/exports/unnamed-columns.csv"),
        "unterminated-quote.csv" => include_bytes!("fixtures/exports/unterminated-quote.csv"),
        "windows-1252.csv" => include_bytes!("fixtures/exports/windows-1252.csv"),
        "workbook-renamed.csv" => include_bytes!("fixtures/exports/workbook-renamed.csv"),
        _ => panic!("{name} is not in tests/csv_fixtures.rs: add it beside expected.json's list"),
    }
}

fn fixtures() -> serde_json::Map<String, Value> {
    let json = include_str!("fixtures/exports/expected.json");
    let Value::Object(map) = serde_json::from_str(json).unwrap() else {
        panic!("expected.json is an object")
    };
    map
}

#[test]
fn every_fixture_gives_its_rows_and_rejects() {
    let map = fixtures();
    assert!(map.len() >= 15, "the fixture list is there");
    for (name, want) in &map {
        let bytes = read(name);
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
        let result = hash_csv(bytes, &columns, &options, &[]);
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
    let bytes = read("blank-lines.csv");
    let file = hash_csv(bytes, &[("email", Kind::Email)], &Options::default(), &[]).unwrap();
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

    let bytes = read("excel-utf8-bom.csv");
    let file = hash_csv(bytes, &[("E-mail Address", Kind::Email)], &o, &["Name"]).unwrap();
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
    let o = Options::default();
    let cols = [("Email", Kind::Email), ("Phone", Kind::Phone)];
    let utf16 = hash_csv(read("excel-unicode-text.txt"), &cols, &o, &[]).unwrap();
    assert_eq!(utf16.head.delimiter, b'\t');
    assert_eq!(
        &utf16.rows.hex[0][..64],
        hash(Kind::Email, "ann@example.com", &o)
            .unwrap()
            .as_str()
            .as_bytes()
    );
    let cr = hash_csv(read("excel-mac-cr.csv"), &cols, &o, &[]).unwrap();
    assert_eq!(cr.rows.rows, 3);
    assert_eq!(
        &cr.rows.hex[1][128..],
        hash(Kind::Phone, "+44 20 7946 0003", &o)
            .unwrap()
            .as_str()
            .as_bytes()
    );
}

#![cfg(not(target_arch = "wasm32"))]
//! Property tests of the payload builders (native only: proptest does not build for wasm32).
//! - every `/segment/mapping/` row is as long as `id_schema` and each slot holds a digest of
//!   that column's type (the digest of that row's value);
//! - no request is over its limit and every row is either sent or reported;
//! - applying a diff to previous gives current;
//! - nothing raw lands in a body, a reject or a warning.

use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use tikhash::payload::{self, Digests, EventsInput, MirrorPlanInput, SegmentMappingInput};
use tikhash::{hash, Algorithm, Kind, Options, Profile};

/// Raw values that are never hex, so finding one inside a body can only mean a leak.
fn email() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        1 => Just(Some("   ".to_owned())),
        1 => "[a-z]{1,6}".prop_map(|s| Some(format!("{s}@@x"))),
        6 => "[a-z]{2,8}[.][a-z]{1,4}".prop_map(|s| Some(format!("{s}@mail.example"))),
    ]
}

fn phone() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        1 => "[a-z]{3}".prop_map(|s| Some(format!("+{s}zz"))),
        4 => "[1-9][0-9]{9,11}".prop_map(|s| Some(format!("+{s}"))),
    ]
}

fn maid() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some("zz-not-a-maid".to_owned())),
        3 => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".prop_map(|s| Some(s.to_uppercase())),
    ]
}

fn raw_strings(cols: &[Vec<Option<String>>]) -> Vec<String> {
    cols.iter()
        .flatten()
        .flatten()
        .map(|s| s.trim().to_owned())
        .filter(|s| s.len() > 3)
        .collect()
}

fn assert_no_raw(text: &str, raw: &[String]) {
    for r in raw {
        // MAIDs are hex with hyphens; their digests never contain a hyphen.
        assert!(!text.contains(r.as_str()), "a raw value leaked");
        assert!(!text.contains(&r.to_lowercase()), "a raw value leaked");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn segment_rows_line_up_with_id_schema(
        rows in proptest::collection::vec((email(), phone(), maid(), maid()), 0..60),
        use_cols in (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        max_rows in 1usize..20,
        md5 in any::<bool>(),
    ) {
        let all: [Vec<Option<String>>; 4] = [
            rows.iter().map(|r| r.0.clone()).collect(),
            rows.iter().map(|r| r.1.clone()).collect(),
            rows.iter().map(|r| r.2.clone()).collect(),
            rows.iter().map(|r| r.3.clone()).collect(),
        ];
        let kinds = [Kind::Email, Kind::Phone, Kind::Idfa, Kind::Gaid];
        let names = ["email", "phone", "idfa", "gaid"];
        let used = [use_cols.0, use_cols.1, use_cols.2, use_cols.3];
        let mut columns = serde_json::Map::new();
        for i in 0..4 {
            if used[i] {
                columns.insert(names[i].into(), json!(all[i]));
            }
        }
        let input: SegmentMappingInput = serde_json::from_value(json!({
            "advertiserIds": ["7012345678901234567"], "audienceIds": ["42"],
            "action": "add", "columns": columns, "maxRows": max_rows,
        })).unwrap();
        let options = Options { algorithm: if md5 { Algorithm::Md5 } else { Algorithm::Sha256 }, ..Options::default() };
        let result = payload::build_segment_mapping(&input, &options);
        if !used.iter().any(|u| *u) {
            prop_assert_eq!(result.unwrap_err().code(), "no_columns");
            return Ok(());
        }
        let result = result.unwrap();
        let present: Vec<usize> = (0..4).filter(|&i| used[i]).collect();
        let mut sent_rows = Vec::new();
        let no_id: BTreeSet<usize> = result.rejected.iter().filter(|r| r.column.is_none()).map(|r| r.row).collect();
        for body in &result.requests {
            prop_assert!(body.batch_data.len() <= max_rows && !body.batch_data.is_empty());
            prop_assert_eq!(body.id_schema.len(), present.len());
            for row in &body.batch_data {
                prop_assert_eq!(row.len(), body.id_schema.len());
            }
            sent_rows.extend(body.batch_data.iter().cloned());
        }
        prop_assert_eq!(sent_rows.len() + no_id.len(), rows.len());
        // Each slot holds exactly the digest of that row's value of that column's type.
        let sent_indexes: Vec<usize> = (0..rows.len()).filter(|r| !no_id.contains(r)).collect();
        for (row, slots) in sent_indexes.iter().zip(&sent_rows) {
            for (slot, &col) in slots.iter().zip(&present) {
                let o = Options {
                    profile: Profile::PartnerAudience,
                    algorithm: if kinds[col].is_maid() { options.algorithm } else { Algorithm::Sha256 },
                    ..Options::default()
                };
                let want = all[col][*row].as_deref().and_then(|v| hash(kinds[col], v, &o).ok());
                let got = serde_json::to_value(slot).unwrap();
                match want {
                    Some(h) => {
                        prop_assert_eq!(got["id"].as_str(), Some(h.as_str()));
                        prop_assert_eq!(&got["audience_ids"], &json!(["42"]));
                    }
                    None => prop_assert_eq!(got, json!({})),
                }
            }
        }
        let text = serde_json::to_string(&result).unwrap();
        assert_no_raw(&text, &raw_strings(&all));
    }

    #[test]
    fn event_requests_stay_within_the_limit(
        n in 0usize..120,
        max in 1usize..40,
        dup_every in 2usize..9,
    ) {
        let now = 1_704_800_000i64;
        let events: Vec<Value> = (0..n).map(|i| json!({
            "event": if i % 11 == 3 { "NotStandard" } else { "Purchase" },
            "eventTime": now - (i as i64) * 3600 * 24,
            "eventId": format!("id-{}", if i % dup_every == 0 { 0 } else { i }),
            "email": format!("person{i}@mail.example"),
            "properties": { "value": i, "currency": "EUR" },
        })).collect();
        let input: EventsInput = serde_json::from_value(json!({
            "eventSource": "offline", "eventSourceId": "123", "now": now,
            "maxEvents": max, "events": events,
        })).unwrap();
        let r = payload::build_event_batches(&input, &Options::default()).unwrap();
        let mut ids = BTreeSet::new();
        let mut sent = 0;
        for body in &r.requests {
            prop_assert!(!body.data.is_empty() && body.data.len() <= max);
            for e in &body.data {
                prop_assert!(ids.insert(e.event_id.clone()), "an event_id was sent twice");
                prop_assert!(now - e.event_time <= 28 * 86_400);
                let user = e.user.as_ref().expect("an offline event has identifiers");
                prop_assert_eq!(user.email.len(), 1);
                prop_assert_eq!(user.email[0].len(), 64);
            }
            sent += body.data.len();
        }
        let not_sent = r.rejected.iter().filter(|x| x.column.is_none()).count();
        prop_assert_eq!(sent + not_sent, n);
        let text = serde_json::to_string(&r).unwrap();
        prop_assert!(!text.contains("@mail.example"));
    }

    #[test]
    fn applying_the_diff_to_previous_gives_current(
        prev in proptest::collection::vec(0u8..40, 0..80),
        cur in proptest::collection::vec(0u8..40, 0..80),
    ) {
        let digest = |b: u8| { let mut a = [0u8; 32]; a[0] = b % 4; a[31] = b; a };
        let p: Vec<[u8; 32]> = prev.iter().map(|&b| digest(b)).collect();
        let c: Vec<[u8; 32]> = cur.iter().map(|&b| digest(b)).collect();
        let diff = payload::mirror_diff(Digests::Sha256(p.clone()), Digests::Sha256(c.clone())).unwrap();
        let (Digests::Sha256(add), Digests::Sha256(remove)) = (diff.add, diff.remove) else { unreachable!() };
        let pset: BTreeSet<_> = p.into_iter().collect();
        let cset: BTreeSet<_> = c.into_iter().collect();
        let mut applied = pset.clone();
        for r in &remove { prop_assert!(applied.remove(r), "removed something not there"); }
        for a in &add { prop_assert!(applied.insert(*a), "added something already there"); }
        prop_assert_eq!(&applied, &cset);
        prop_assert!(add.windows(2).all(|w| w[0] < w[1]), "add is sorted and unique");
        prop_assert!(remove.windows(2).all(|w| w[0] < w[1]), "remove is sorted and unique");
    }

    #[test]
    fn row_mirror_sends_exactly_the_rows_with_a_new_digest(
        prev in proptest::collection::vec(0u8..40, 0..80),
        rows in proptest::collection::vec(proptest::option::of(0u8..40), 0..120),
        md5 in any::<bool>(),
    ) {
        // Digests that share their first 8 bytes (a[0] only varies), so ties past the prefix count.
        let digest = |b: u8| { let mut a = [0u8; 32]; a[0] = b % 3; a[15] = b; a };
        let width = if md5 { 16 } else { 32 };
        let mut previous = Digests::with_width(width).unwrap();
        for &b in &prev { previous.extend_packed(&digest(b)[..width]).unwrap(); }
        // The rows as hashBatchPacked hex, `-`s where a row has no hash, upper case on odd rows.
        let mut hex = Vec::new();
        for (r, cell) in rows.iter().enumerate() {
            match cell {
                Some(b) => {
                    let h: String = digest(*b)[..width].iter().map(|x| format!("{x:02x}")).collect();
                    hex.extend(if r % 2 == 1 { h.to_uppercase() } else { h }.bytes());
                }
                None => hex.extend(std::iter::repeat_n(b'-', 2 * width)),
            }
        }
        let mut current = Digests::with_width(width).unwrap();
        let mut row_of = Vec::new();
        // pushed in two pieces, numbered on
        let cut = (rows.len() / 2) * 2 * width;
        current.extend_packed_hex(&hex[..cut], 0, &mut row_of).unwrap();
        current.extend_packed_hex(&hex[cut..], rows.len() / 2, &mut row_of).unwrap();
        let diff = payload::mirror_rows(previous, &current).unwrap();
        let sent: Vec<usize> = diff.added.iter().map(|&at| row_of[at] as usize).collect();
        let pset: BTreeSet<u8> = prev.iter().copied().collect();
        let expected: Vec<usize> = rows.iter().enumerate().filter(|(_, c)| matches!(c, Some(b) if !pset.contains(b))).map(|(r, _)| r).collect();
        prop_assert_eq!(sent, expected);
        let cset: BTreeSet<u8> = rows.iter().flatten().copied().collect();
        let mut gone: Vec<Vec<u8>> = pset.difference(&cset).map(|&b| digest(b)[..width].to_vec()).collect();
        gone.sort();
        let removed: Vec<Vec<u8>> = diff.remove.as_packed().chunks(width).map(<[u8]>::to_vec).collect();
        prop_assert_eq!(removed, gone);
    }

    #[test]
    fn mirror_plan_files_carry_exactly_the_diff(
        prev in proptest::collection::vec(0u16..3000, 0..2500),
        cur in proptest::collection::vec(0u16..3000, 0..2500),
        last in proptest::option::of(0i64..200_000),
    ) {
        let digest = |b: u16| { let mut a = [0u8; 32]; a[..2].copy_from_slice(&b.to_be_bytes()); a };
        let now = 200_000;
        let input = MirrorPlanInput {
            calculate_type: "PHONE_SHA256".into(), last_replace_at: last, now,
            ..MirrorPlanInput::default()
        };
        let p = Digests::Sha256(prev.iter().map(|&b| digest(b)).collect());
        let c = Digests::Sha256(cur.iter().map(|&b| digest(b)).collect());
        let plan = payload::plan_customer_file_mirror(p, c, &input).unwrap();
        let pset: BTreeSet<_> = prev.iter().copied().collect();
        let cset: BTreeSet<_> = cur.iter().copied().collect();
        let file_set = |f: &payload::customer_file::CustomerFile| -> BTreeSet<u16> {
            String::from_utf8(f.bytes.clone()).unwrap().lines()
                .map(|l| u16::from_str_radix(&l[..4], 16).unwrap()).collect()
        };
        let mut applied = pset.clone();
        for step in &plan.steps {
            for f in &step.files {
                prop_assert_eq!(f.bytes.len(), f.lines * 65);
                let s = file_set(f);
                match step.action {
                    payload::UpdateAction::Replace => { prop_assert!(last.map_or(true, |t| now - t >= 86_400)); applied = s; }
                    payload::UpdateAction::Append => applied.extend(s),
                    payload::UpdateAction::Remove => applied.retain(|x| !s.contains(x)),
                }
            }
        }
        prop_assert_eq!(applied, cset.clone());
        prop_assert_eq!(plan.resulting_size, cset.len());
        prop_assert_eq!(plan.warnings.iter().any(|w| w.code == "audience_below_minimum"),
            cset.len() < 1000 && !plan.steps.is_empty());
    }
}

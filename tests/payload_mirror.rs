//! mirrorDiff, the customer-file Mirror plan and the call errors of the payload builders.
//! Runs natively and in wasm.

use tikhash::payload::mirror::{REPLACE_REJECTED_MESSAGE, REPLACE_WORKAROUNDS};
use tikhash::payload::{
    self, CustomerFileInput, Digests, EventsInput, MirrorPlanInput, PayloadError,
    SegmentMappingInput, UpdateAction,
};
use tikhash::{Algorithm, Options};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const DAY: i64 = 86_400;
const NOW: i64 = 1_704_800_000;

/// SHA-256 digest number `i` (distinct, unsorted order).
fn d(i: u32) -> [u8; 32] {
    let mut a = [0u8; 32];
    a[..4].copy_from_slice(&(i.wrapping_mul(2_654_435_761)).to_be_bytes());
    a[31] = i as u8;
    a
}

fn set(ids: impl IntoIterator<Item = u32>) -> Digests {
    Digests::Sha256(ids.into_iter().map(d).collect())
}

fn sorted(ids: impl IntoIterator<Item = u32>) -> Vec<[u8; 32]> {
    let mut v: Vec<_> = ids.into_iter().map(d).collect();
    v.sort();
    v
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn hex(v: &[[u8; 32]]) -> Vec<String> {
    Digests::Sha256(v.to_vec())
        .to_hex()
        .iter()
        .map(|h| h.as_str().to_owned())
        .collect()
}

#[test]
fn diff_adds_the_new_and_removes_the_gone_ignoring_repeats() {
    let prev = set([1, 2, 3, 3, 4]);
    let cur = set([3, 4, 5, 6, 6, 1]);
    let diff = payload::mirror_diff(prev, cur).unwrap();
    assert_eq!(diff.add, Digests::Sha256(sorted([5, 6])));
    assert_eq!(diff.remove, Digests::Sha256(sorted([2])));
}

#[test]
fn diff_of_md5_and_hex_input() {
    let mut prev = Digests::with_width(16).unwrap();
    prev.extend_hex([
        "e0325b8b05ba7d9db78391834c48cec0",
        "EA9122B13F1E95A66C691889F9D55215",
    ])
    .unwrap();
    let mut cur = Digests::with_width(16).unwrap();
    cur.extend_hex(["ea9122b13f1e95a66c691889f9d55215"])
        .unwrap();
    let diff = payload::mirror_diff(prev, cur).unwrap();
    assert!(diff.add.is_empty());
    assert_eq!(
        diff.remove.to_hex()[0].as_str(),
        "e0325b8b05ba7d9db78391834c48cec0"
    );
}

#[test]
fn diff_refuses_bad_digests() {
    let mut p = Digests::with_width(32).unwrap();
    assert_eq!(
        p.extend_packed(&[0; 33]).unwrap_err().code(),
        "invalid_digest"
    );
    assert_eq!(p.extend_hex(["abc"]).unwrap_err().code(), "invalid_digest");
    assert_eq!(
        Digests::with_width(20).unwrap_err().code(),
        "invalid_digest"
    );
    let err = payload::mirror_diff(set([1]), Digests::Md5(vec![[0; 16]])).unwrap_err();
    assert_eq!(err, PayloadError::DigestWidthMismatch);
}

#[test]
fn row_mirror_finds_the_rows_whose_digest_is_new() {
    // rows 0..5 hold digests 3, 5, 1, 5, 6; the audience holds 1..=4
    let current = set([3, 5, 1, 5, 6]);
    let diff = payload::mirror_rows(set([4, 1, 2, 3]), &current).unwrap();
    assert_eq!(diff.added, vec![1, 3, 4]);
    assert_eq!(diff.remove, Digests::Sha256(sorted([2, 4])));
    // a new audience: every row, nothing to remove
    let diff = payload::mirror_rows(set([]), &current).unwrap();
    assert_eq!(diff.added, vec![0, 1, 2, 3, 4]);
    assert!(diff.remove.is_empty());
    assert_eq!(
        payload::mirror_rows(Digests::Md5(vec![[1; 16]]), &current),
        Err(PayloadError::DigestWidthMismatch)
    );
}

#[test]
fn packed_hex_rows_skip_the_empty_and_name_the_bad() {
    let hex = hex(&[d(7), d(8)]);
    let dashes = "-".repeat(64);
    let text = format!("{}{dashes}{}", hex[0], hex[1].to_uppercase());
    let mut list = Digests::with_width(32).unwrap();
    let mut rows = Vec::new();
    list.extend_packed_hex(text.as_bytes(), 10, &mut rows)
        .unwrap();
    assert_eq!(list, Digests::Sha256(vec![d(7), d(8)]));
    assert_eq!(rows, vec![10, 12]);
    // a half-empty slot, a non-hex digit, a cut-off row: each named by its row
    for (bad, row) in [
        (format!("{}-{}", hex[0], &hex[1][1..]), 1),
        (format!("{dashes}{}g", &hex[0][..63]), 1),
        (format!("{}{}", hex[0], &hex[1][..40]), 1),
    ] {
        let err = list
            .extend_packed_hex(bad.as_bytes(), 0, &mut rows)
            .unwrap_err();
        assert_eq!(err, PayloadError::InvalidDigest(row, 32));
    }
}

fn plan_input(strategy: &str, last_replace_at: Option<i64>) -> MirrorPlanInput {
    MirrorPlanInput {
        calculate_type: "EMAIL_SHA256".into(),
        last_replace_at,
        now: NOW,
        strategy: Some(strategy.into()),
        ..MirrorPlanInput::default()
    }
}

#[test]
fn plan_append_remove_when_little_changed() {
    let plan =
        payload::plan_customer_file_mirror(set(0..1500), set(10..1510), &plan_input("auto", None))
            .unwrap();
    assert_eq!(plan.strategy, "append_remove");
    assert_eq!((plan.add, plan.remove, plan.resulting_size), (10, 10, 1500));
    assert!(plan.refusal.is_none() && plan.warnings.is_empty());
    assert_eq!(plan.steps.len(), 2);
    assert_eq!(plan.steps[0].action, UpdateAction::Append, "APPEND first");
    assert_eq!(plan.steps[1].action, UpdateAction::Remove);
    let append = &plan.steps[0].files[0];
    assert_eq!(lines(&append.bytes), hex(&sorted(1500..1510)));
    assert_eq!(lines(&plan.steps[1].files[0].bytes), hex(&sorted(0..10)));
    assert_eq!(append.file_name, "mirror-append.txt");
    assert_eq!(append.calculate_type.as_str(), "EMAIL_SHA256");
    assert_eq!(
        append.file_signature,
        tikhash::hash::digest(Algorithm::Md5, &append.bytes).as_str()
    );
}

#[test]
fn plan_replace_when_most_changed_and_allowed() {
    let cur = 5000..7000;
    let input = plan_input("auto", Some(NOW - DAY));
    let plan = payload::plan_customer_file_mirror(set(0..3000), set(cur.clone()), &input).unwrap();
    assert_eq!(plan.strategy, "replace");
    assert_eq!(plan.steps.len(), 1);
    assert_eq!(plan.steps[0].action, UpdateAction::Replace);
    assert_eq!(lines(&plan.steps[0].files[0].bytes), hex(&sorted(cur)));
}

#[test]
fn plan_refuses_a_replace_within_24_hours() {
    let input = plan_input("replace", Some(NOW - DAY + 1));
    let plan = payload::plan_customer_file_mirror(set(0..3000), set(1..3001), &input).unwrap();
    assert_eq!(plan.strategy, "none");
    assert!(plan.steps.is_empty());
    let r = plan.refusal.expect("refused");
    assert_eq!(r.code, "replace_too_soon");
    assert_eq!(
        r.message,
        "This replace operation is rejected as there is an existing unfinished replace operation for this audience. Please wait until the current operation completes on this audience before re trying. Recommend no more than one replace operation per day."
    );
    assert_eq!(r.message, REPLACE_REJECTED_MESSAGE);
    assert_eq!(r.workarounds, REPLACE_WORKAROUNDS);
    assert!(r.workarounds[0].contains("Partner Audience"));
    assert!(r.workarounds[1].contains("48 hours"));
    assert!(r.workarounds[2].contains("Update or Create"));
    assert_eq!(r.retry_after, NOW + 1);
}

#[test]
fn plan_replace_exactly_24_hours_later_is_allowed() {
    let input = plan_input("replace", Some(NOW - DAY));
    let plan = payload::plan_customer_file_mirror(set(0..3000), set(1..3001), &input).unwrap();
    assert_eq!(plan.strategy, "replace");
    assert!(plan.refusal.is_none());
}

#[test]
fn plan_auto_falls_back_to_append_remove_within_24_hours() {
    let input = plan_input("auto", Some(NOW - 3600));
    let plan = payload::plan_customer_file_mirror(set(0..3000), set(5000..7000), &input).unwrap();
    assert_eq!(plan.strategy, "append_remove");
    assert_eq!(plan.warnings[0].code, "replace_deferred");
    assert!(plan.refusal.is_none());
}

#[test]
fn plan_warns_below_1000_members() {
    let plan =
        payload::plan_customer_file_mirror(set(0..1000), set(0..999), &plan_input("auto", None))
            .unwrap();
    assert_eq!(plan.resulting_size, 999);
    assert_eq!(plan.warnings[0].code, "audience_below_minimum");
    assert!(plan.warnings[0].message.contains("999"));
}

#[test]
fn plan_with_nothing_changed_does_nothing() {
    let plan =
        payload::plan_customer_file_mirror(set(0..2000), set(0..2000), &plan_input("auto", None))
            .unwrap();
    assert_eq!(plan.strategy, "none");
    assert!(plan.steps.is_empty());
}

#[test]
fn plan_splits_big_steps_into_files() {
    let mut input = plan_input("append_remove", None);
    input.max_file_bytes = Some(65 * 1000);
    let plan = payload::plan_customer_file_mirror(set(0..1000), set(0..3500), &input).unwrap();
    let files = &plan.steps[0].files;
    assert_eq!(files.len(), 3);
    assert_eq!(
        files.iter().map(|f| f.lines).collect::<Vec<_>>(),
        [1000, 1000, 500]
    );
    assert_eq!(files[2].file_name, "mirror-append-3.txt");
    assert!(files.iter().all(|f| f.bytes.len() <= 65_000));
}

#[test]
fn plan_refuses_wrong_inputs() {
    let mut input = plan_input("sometimes", None);
    let e = payload::plan_customer_file_mirror(set([1]), set([2]), &input).unwrap_err();
    assert_eq!(e.code(), "invalid_strategy");
    input.strategy = None;
    input.calculate_type = "IDFA_MD5".into();
    let e = payload::plan_customer_file_mirror(set([1]), set([2]), &input).unwrap_err();
    assert_eq!(
        e.code(),
        "invalid_calculate_type",
        "SHA-256 digests are not an MD5 file"
    );
}

fn mapping(columns: serde_json::Value) -> Result<payload::SegmentMapping, PayloadError> {
    let input: SegmentMappingInput = serde_json::from_value(serde_json::json!({
        "advertiserIds": ["7012345678901234567"], "audienceIds": ["1"], "columns": columns
    }))
    .unwrap();
    payload::build_segment_mapping(&input, &Options::default())
}

#[test]
fn call_errors_have_codes() {
    assert_eq!(
        mapping(serde_json::json!({})).unwrap_err().code(),
        "no_columns"
    );
    let e = mapping(serde_json::json!({"email": ["a@b.co"], "phone": []})).unwrap_err();
    assert_eq!(e.code(), "column_length_mismatch");
    let mut input: SegmentMappingInput = serde_json::from_value(serde_json::json!({
        "advertiserIds": ["adv-1"], "audienceIds": ["1"], "columns": {"email": []}
    }))
    .unwrap();
    let o = Options::default();
    assert_eq!(
        payload::build_segment_mapping(&input, &o)
            .unwrap_err()
            .code(),
        "invalid_id"
    );
    input.advertiser_ids = vec!["1".into()];
    input.max_rows = Some(10_001);
    assert_eq!(
        payload::build_segment_mapping(&input, &o)
            .unwrap_err()
            .code(),
        "invalid_limit"
    );
    input.max_rows = None;
    input.action = Some("remove".into());
    assert_eq!(
        payload::build_segment_mapping(&input, &o)
            .unwrap_err()
            .code(),
        "invalid_action"
    );

    let events = |source: &str, max: usize| EventsInput {
        event_source: source.into(),
        event_source_id: "C1".into(),
        max_events: Some(max),
        ..EventsInput::default()
    };
    let e = payload::build_event_batches(&events("app", 10), &o).unwrap_err();
    assert_eq!(e.code(), "invalid_event_source");
    let e = payload::build_event_batches(&events("web", 1001), &o).unwrap_err();
    assert_eq!(e.code(), "invalid_limit");

    let file = |kind: &str, name: Option<&str>| CustomerFileInput {
        kind: Some(kind.into()),
        values: Some(vec!["a@b.co".into()]),
        file_name: name.map(str::to_owned),
        advertiser_id: Some("7012345678901234567".into()),
        ..CustomerFileInput::default()
    };
    let no_advertiser = CustomerFileInput {
        advertiser_id: None,
        ..file("email", None)
    };
    let e = payload::build_customer_file(&no_advertiser, &o).unwrap_err();
    assert_eq!(e.code(), "missing_field");
    let e = payload::build_customer_file(&file("external_id", None), &o).unwrap_err();
    assert_eq!(e.code(), "kind_not_allowed");
    let e = payload::build_customer_file(&file("email", Some("list.xlsx")), &o).unwrap_err();
    assert_eq!(e.code(), "invalid_file_name");
    let e = payload::build_customer_file(&file("email", Some("../x.csv")), &o).unwrap_err();
    assert_eq!(e.code(), "invalid_file_name");
    let md5 = Options {
        algorithm: Algorithm::Md5,
        ..o
    };
    let e = payload::build_customer_file(&file("email", None), &md5).unwrap_err();
    assert_eq!(e.code(), "md5_not_allowed");
}

#[test]
fn a_missing_update_action_is_an_error_never_a_default() {
    let input: payload::CustomAudienceUpdateInput = serde_json::from_value(serde_json::json!({
        "advertiserId": "1", "customAudienceId": "2", "filePaths": ["p"]
    }))
    .unwrap();
    let e = payload::build_custom_audience_update(&input).unwrap_err();
    assert_eq!(e.code(), "missing_action");
    assert!(e.to_string().contains("REPLACE"));
}

#[test]
fn json_shape_errors_never_quote_the_value() {
    let raw = "secret.person@example.com";
    let json = format!(
        r#"{{"advertiserIds": ["1"], "audienceIds": ["1"], "columns": {{"email": "{raw}"}}}}"#
    );
    let e = serde_json::from_str::<SegmentMappingInput>(&json).unwrap_err();
    assert!(e.to_string().contains(raw), "serde itself quotes it…");
    let ours = PayloadError::from_json(&e);
    assert_eq!(ours.code(), "wrong_type");
    assert!(!ours.to_string().contains(raw), "…ours does not");
}

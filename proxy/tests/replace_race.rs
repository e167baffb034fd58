//! Two proxy processes on one ledger file (two apps here, each with its own connections)
//! cannot both REPLACE an audience: the second is refused while the first is with TikTok,
//! forwarding nothing; a REPLACE TikTok did not acknowledge gives the slot back.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;

const UPDATE: &str = "/open_api/v1.3/dmp/custom_audience/update/";

fn replace(file: &str) -> serde_json::Value {
    json!({"advertiser_id": ADV, "custom_audience_id": "555", "action": "REPLACE", "file_paths": [file]})
}

#[tokio::test]
async fn a_second_process_cannot_replace_while_the_first_is_with_tiktok() {
    let (fake, addr) = start_fake().await;
    let a = build(upstream_config(addr));
    let b = build_with_db(
        upstream_config(addr),
        tempfile::tempdir().unwrap(),
        a.db.clone(),
    );

    // A's REPLACE hangs at TikTok (until its retries run out: a 504).
    fake.always(Behave::Hang);
    let router = a.router.clone();
    let first = tokio::spawn(async move { post_json(&router, UPDATE, &replace("f1")).await });
    for _ in 0..100 {
        if !fake.seen().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(fake.seen().len(), 1, "A's REPLACE reached TikTok");
    // Meanwhile B's REPLACE of the same audience: refused by the ledger, not forwarded.
    let r = post_json(&b.router, UPDATE, &replace("f2")).await;
    assert_eq!((r.status.as_u16(), r.code()), (409, 94091), "{}", r.text());
    assert!(r.json()["data"]["retry_after"].is_i64());
    let forwarded_while_a_was_out = fake.seen().len();
    let first = first.await.unwrap();
    *fake.default.lock().unwrap() = None;
    assert_eq!(first.status.as_u16(), 504, "{}", first.text());
    assert!(
        fake.seen()
            .iter()
            .all(|s| !String::from_utf8_lossy(&s.body).contains("f2")),
        "B's REPLACE was forwarded"
    );
    assert!(forwarded_while_a_was_out >= 1);

    // A's REPLACE failed, so the slot is free again: B's goes through, and is recorded.
    fake.then(ok_envelope(json!({})));
    let r = post_json(&b.router, UPDATE, &replace("f2")).await;
    assert_eq!(r.code(), 0, "{}", r.text());
    let last = ledger_counts(&a.router, "555").await["last_replace_at"].clone();
    assert!(last.is_i64(), "{last}");
    // And now the 24 h rule holds in the other process too.
    let r = post_json(&a.router, UPDATE, &replace("f3")).await;
    assert_eq!(r.code(), 94091);
}

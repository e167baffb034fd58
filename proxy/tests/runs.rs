//! The run history as scripts use it (issue 11): a failed run keeps TikTok's own message and
//! GET /tikhash/runs returns it; an `exclusive` open (the CLI's lock) is refused with 409 94094
//! while another run of the audience is open; and a ledger written before the column existed
//! (schema 5) migrates, keeping its runs.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tikhash_proxy::connect::runs::INTERRUPTED_AFTER_SECS;
use tikhash_proxy::ledger::SCHEMA_VERSION;
use tikhash_proxy::Ledger;

#[tokio::test]
async fn a_failed_run_keeps_tiktoks_message() {
    let t = build(sandbox_config());
    let open = json!({"action": "open", "object": "partner", "behaviour": "mirror",
        "advertiser_id": ADV, "audience_id": "123"});
    let id = post_json(&t.router, "/tikhash/runs", &open).await.json()["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let close = json!({"action": "close", "id": id, "result": "failed", "error_status": 400,
        "error_code": 40002, "error_message": "TikTok refused a parameter in the request.",
        "tiktok_message": "audience_ids: Not a valid audience."});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &close).await.code(),
        0
    );
    let runs = get(&t.router, "/tikhash/runs").await.json();
    let run = &runs["data"]["runs"][0];
    assert_eq!(run["tiktok_message"], "audience_ids: Not a valid audience.");
    assert_eq!(
        run["error_message"],
        "TikTok refused a parameter in the request."
    );
    // the same free-text checks as error_message: no raw identifier, at most 500 characters
    let id2 = post_json(&t.router, "/tikhash/runs", &open).await.json()["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let leak = json!({"action": "close", "id": id2, "result": "failed",
        "tiktok_message": "no member alice@example.com"});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &leak).await.code(),
        94223
    );
    let long = json!({"action": "close", "id": id2, "result": "failed",
        "tiktok_message": "x".repeat(501)});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &long).await.code(),
        94222
    );
}

#[tokio::test]
async fn an_exclusive_open_is_refused_while_the_audience_is_synced() {
    let t = build(sandbox_config());
    let open = json!({"action": "open", "object": "partner", "behaviour": "mirror",
        "advertiser_id": ADV, "audience_id": "77", "exclusive": true});
    let first = post_json(&t.router, "/tikhash/runs", &open).await;
    assert_eq!(first.code(), 0, "{}", first.text());
    let first_id = first.json()["data"]["id"].as_str().unwrap().to_string();
    let second = post_json(&t.router, "/tikhash/runs", &open).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(second.code(), 94094);
    assert_eq!(second.json()["data"]["run_id"], first_id.as_str());
    assert_eq!(
        second.json()["data"]["released_after_secs"],
        INTERRUPTED_AFTER_SECS
    );
    // `exclusive` belongs to the open only
    let bad = json!({"action": "update", "id": first_id, "exclusive": true});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &bad).await.code(),
        94222
    );
    // closing releases the audience
    let close = json!({"action": "close", "id": first_id, "result": "ok"});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &close).await.code(),
        0
    );
    assert_eq!(post_json(&t.router, "/tikhash/runs", &open).await.code(), 0);
    // and a run that stopped updating (a killed script) releases it after a while
    t.state.clock().advance(INTERRUPTED_AFTER_SECS + 1);
    assert_eq!(post_json(&t.router, "/tikhash/runs", &open).await.code(), 0);
}

#[test]
fn a_schema_5_ledger_gains_the_column_and_keeps_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v5.db");
    {
        // Made by this binary, then taken back to schema 5: as a proxy before this change left it.
        let l = Ledger::open(&db).unwrap();
        drop(l);
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "ALTER TABLE runs DROP COLUMN tiktok_message;
             PRAGMA user_version = 5;
             INSERT INTO runs (id, who, started_at, updated_at, finished_at, object, behaviour,
                advertiser_id, result, error_message)
             VALUES ('00000000000000000000000000000001', 'ann', 10, 20, 20, 'partner', 'mirror',
                '7', 'failed', 'The request failed.');",
        )
        .unwrap();
    }
    let l = Ledger::open(&db).unwrap();
    assert_eq!(l.schema_version().unwrap(), SCHEMA_VERSION);
    let runs = tikhash_proxy::connect::runs::newest(&l, 10, 30).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].error_message.as_deref(),
        Some("The request failed.")
    );
    assert_eq!(runs[0].tiktok_message, None);
}

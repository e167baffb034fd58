//! The sandbox on its own (no guard in front): it refuses what TikTok's definitions refuse
//! (T-SDK `yml_files/dmp_custom_audience_{create,update,file_upload,list}.yml`), issues
//! file paths of TikTok's 16-character form and filters list by `custom_audience_ids`.

use super::Sandbox;
use crate::config::Clock;
use crate::guard::upload::rebuild;
use crate::guard::UploadForm;
use crate::upstream::Outbound;
use axum::http::Method;
use bytes::Bytes;
use serde_json::{json, Value};
use tikhash::schema::custom_audience::UploadFields;

const ADV: &str = "7012345678901234567";

fn post(endpoint: &'static str, body: &Value) -> Outbound {
    Outbound {
        method: Method::POST,
        endpoint,
        query: None,
        content_type: Some("application/json".into()),
        body: Bytes::from(serde_json::to_vec(body).unwrap()),
        idempotent: false,
    }
}

fn list(query: &str) -> Outbound {
    Outbound {
        method: Method::GET,
        endpoint: "dmp/custom_audience/list/",
        query: Some(query.into()),
        content_type: None,
        body: Bytes::new(),
        idempotent: true,
    }
}

async fn send(sb: &Sandbox, out: &Outbound) -> (i64, String, Value) {
    let r = sb.send(out).await;
    (r.code, r.message, r.data)
}

/// Uploads `n` distinct email digests; the `file_path` TikTok's sandbox returned.
async fn upload(sb: &Sandbox, seed: u32, n: u32) -> String {
    let mut file = Vec::new();
    for i in 0..n {
        let d = tikhash::hash::digest(tikhash::Algorithm::Sha256, format!("{seed}-{i}").as_bytes());
        file.extend_from_slice(d.as_str().as_bytes());
        file.push(b'\n');
    }
    let sig = tikhash::hash::digest(tikhash::Algorithm::Md5, &file);
    let fields = UploadFields::parse(ADV, "EMAIL_SHA256", sig.as_str(), "a.txt").unwrap();
    let (ct, body) = rebuild(&UploadForm {
        fields,
        name_part: Some("name"),
        file,
    });
    let out = Outbound {
        method: Method::POST,
        endpoint: "dmp/custom_audience/file/upload/",
        query: None,
        content_type: Some(ct),
        body,
        idempotent: false,
    };
    let (code, msg, data) = send(sb, &out).await;
    assert_eq!(code, 0, "{msg}");
    data["file_path"].as_str().unwrap().to_string()
}

fn sandbox() -> Sandbox {
    Sandbox::new(1_000, 3, Clock::with_offset(0))
}

#[tokio::test]
async fn file_paths_are_sixteen_characters_and_unique() {
    let sb = sandbox();
    let a = upload(&sb, 1, 3).await;
    let b = upload(&sb, 2, 3).await;
    assert_eq!(a.chars().count(), 16, "{a}");
    assert_eq!(b.chars().count(), 16, "{b}");
    assert_ne!(a, b);
}

#[tokio::test]
async fn create_refuses_what_the_create_definition_refuses() {
    let sb = sandbox();
    let p = upload(&sb, 1, 3).await;
    let base = json!({"advertiser_id": ADV, "custom_audience_name": "vip",
                      "calculate_type": "EMAIL_SHA256", "file_paths": [p]});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let many: Vec<String> = (0..501).map(|i| format!("{i:016x}")).collect();
    for (body, field) in [
        (
            with("calculate_type", json!("MAID_SHA256")),
            "calculate_type",
        ),
        (with("calculate_type", json!("MAID_MD5")), "calculate_type"),
        (
            with("calculate_type", json!("email_sha256")),
            "calculate_type",
        ),
        (with("file_paths", json!(many)), "file_paths"),
        (with("file_paths", json!([])), "file_paths"),
        (
            with("file_paths", json!(["sandbox/7012345678901234567/1.txt"])),
            "file_paths[0]",
        ),
        (with("retention_in_days", json!(366)), "retention_in_days"),
        (with("retention_in_days", json!(0)), "retention_in_days"),
        (
            with("audience_sub_type", json!("normal")),
            "audience_sub_type",
        ),
        (
            with("audience_enhancement", json!("yes")),
            "audience_enhancement",
        ),
        (
            with("custom_audience_name", json!("n".repeat(129))),
            "custom_audience_name",
        ),
        (with("unknown", json!(1)), "unknown"),
    ] {
        let (code, msg, _) = send(&sb, &post("dmp/custom_audience/create/", &body)).await;
        assert_eq!(code, 40002, "{body}");
        assert!(msg.starts_with(field), "{field}: {msg}");
    }
    // A 16-character path nobody uploaded is not a file of this advertiser.
    let (code, _, _) = send(
        &sb,
        &post(
            "dmp/custom_audience/create/",
            &with("file_paths", json!(["0000000000000000"])),
        ),
    )
    .await;
    assert_eq!(code, 40002);
    let ok = with("audience_sub_type", json!("REACH_FREQUENCY"));
    let ok = {
        let mut b = ok;
        b["retention_in_days"] = json!(30);
        b["audience_enhancement"] = json!(true);
        b
    };
    let (code, msg, data) = send(&sb, &post("dmp/custom_audience/create/", &ok)).await;
    assert_eq!(code, 0, "{msg}");
    let id = data["custom_audience_id"].as_str().unwrap().to_string();
    let (_, _, l) = send(&sb, &list(&format!("advertiser_id={ADV}"))).await;
    let a = &l["list"][0];
    assert_eq!(a["audience_id"], id.as_str());
    assert_eq!(a["audience_sub_type"], "REACH_FREQUENCY");
    assert_eq!(a["audience_enhancement"], true);
    assert_eq!(a["retention_in_days"], 30);
}

#[tokio::test]
async fn update_needs_only_the_ids_and_refuses_the_rest_tiktok_refuses() {
    let sb = sandbox();
    let p = upload(&sb, 1, 3).await;
    let create = json!({"advertiser_id": ADV, "custom_audience_name": "vip",
                        "calculate_type": "EMAIL_SHA256", "file_paths": [p]});
    let (_, _, data) = send(&sb, &post("dmp/custom_audience/create/", &create)).await;
    let id = data["custom_audience_id"].as_str().unwrap().to_string();
    let update = |extra: Value| {
        let mut b = json!({"advertiser_id": ADV, "custom_audience_id": id});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        post("dmp/custom_audience/update/", &b)
    };
    for (extra, field) in [
        (json!({}), "file_paths"),
        (json!({"audience_sub_type": "NORMAL"}), "audience_sub_type"),
        (
            json!({"action": "APPEND", "custom_audience_name": "x"}),
            "action",
        ),
        (json!({"action": "append", "file_paths": [p]}), "action"),
        (
            json!({"custom_audience_name": "n".repeat(129)}),
            "custom_audience_name",
        ),
    ] {
        let (code, msg, _) = send(&sb, &update(extra.clone())).await;
        assert_eq!(code, 40002, "{extra}");
        assert!(msg.starts_with(field), "{field}: {msg}");
    }
    let (code, msg, _) = send(&sb, &update(json!({"custom_audience_name": "vip 2"}))).await;
    assert_eq!(code, 0, "{msg}");
    // The sub type change stands alone: TikTok ignores the other changes of that update.
    let (code, msg, _) = send(
        &sb,
        &update(json!({"audience_sub_type": "REACH_FREQUENCY", "custom_audience_name": "ignored"})),
    )
    .await;
    assert_eq!(code, 0, "{msg}");
    let (code, _, _) = send(&sb, &update(json!({"audience_enhancement": true}))).await;
    assert_eq!(code, 0);
    let (_, _, l) = send(&sb, &list(&format!("advertiser_id={ADV}"))).await;
    let a = &l["list"][0];
    assert_eq!(a["name"], "vip 2");
    assert_eq!(a["audience_sub_type"], "REACH_FREQUENCY");
    assert_eq!(a["audience_enhancement"], true);
}

#[tokio::test]
async fn list_filters_by_custom_audience_ids() {
    let sb = sandbox();
    let mut ids = Vec::new();
    for seed in 0..3 {
        let p = upload(&sb, seed, 3).await;
        let create = json!({"advertiser_id": ADV, "custom_audience_name": format!("a{seed}"),
                            "calculate_type": "EMAIL_SHA256", "file_paths": [p]});
        let (_, _, data) = send(&sb, &post("dmp/custom_audience/create/", &create)).await;
        ids.push(data["custom_audience_id"].as_str().unwrap().to_string());
    }
    let q = |ids: &Value| {
        let enc: String = url_encode(&ids.to_string());
        list(&format!("advertiser_id={ADV}&custom_audience_ids={enc}"))
    };
    let (code, msg, l) = send(&sb, &q(&json!([ids[0], ids[2]]))).await;
    assert_eq!(code, 0, "{msg}");
    let got: Vec<&str> = l["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["audience_id"].as_str().unwrap())
        .collect();
    assert_eq!(got, vec![ids[0].as_str(), ids[2].as_str()]);
    assert_eq!(l["page_info"]["total_number"], 2);
    let (_, _, all) = send(&sb, &list(&format!("advertiser_id={ADV}"))).await;
    assert_eq!(all["list"].as_array().unwrap().len(), 3);
    let too_many: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
    for bad in [json!([]), json!(too_many), json!([1]), json!(["x"])] {
        let (code, msg, _) = send(&sb, &q(&bad)).await;
        assert_eq!(code, 40002, "{bad}");
        assert!(msg.starts_with("custom_audience_ids"), "{msg}");
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

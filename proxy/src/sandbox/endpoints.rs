//! One function per simulated TikTok endpoint (tiktok-api.md §2).

use super::{param_error, Custom, Refusal, Sandbox, Segment, UploadedFile, World};
use crate::error::{AppError, REPLACE_REJECTED_MESSAGE};
use crate::guard::query::Query;
use crate::guard::{self, FileAction, MappingAction, MappingPlan, UploadForm};
use crate::upstream::Outbound;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use tikhash::payload::events::OFFLINE_STANDARD_EVENTS;
use tikhash::payload::UpdateAction;
use tikhash::schema::custom_audience::{
    AudienceSubType, CustomAudienceCreateRequest, CustomAudienceUpdateRequest,
};
use tikhash::Algorithm;

/// The guard's findings in TikTok's words (the sandbox allows every advertiser).
fn from_guard(e: AppError) -> Refusal {
    match e {
        AppError::NotAHash { field, .. } => param_error(format!("{field}: Not a valid hash")),
        AppError::BadField { field, reason } => param_error(format!("{field}: {reason}")),
        other => param_error(format!("Parameter error: {other}")),
    }
}

/// A body parsed into TikTok's definitions (src/schema/), refused as TikTok refuses it.
fn typed<T: serde::de::DeserializeOwned + tikhash::schema::Validate>(
    out: &Outbound,
) -> Result<T, Refusal> {
    tikhash::schema::parse_strict(&out.body)
        .map_err(|e| param_error(format!("{}: {}", e.field, e.reason.describe())))
}

fn body(out: &Outbound) -> Result<Map<String, Value>, Refusal> {
    guard::parse_object(&out.body).map_err(|_| param_error("Parameter error: invalid JSON"))
}

fn str_field<'a>(o: &'a Map<String, Value>, k: &str) -> Result<&'a str, Refusal> {
    o.get(k)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| param_error(format!("{k}: Missing data for required field.")))
}

pub(super) fn dispatch(
    sb: &Sandbox,
    w: &mut World,
    out: &Outbound,
    upload: Option<Result<UploadForm, AppError>>,
) -> Result<Value, Refusal> {
    let now = sb.clock.now();
    match out.endpoint {
        "segment/audience/" => segment_audience(w, &body(out)?),
        "segment/mapping/" => segment_mapping(w, out),
        "dmp/custom_audience/file/upload/" => match upload {
            Some(Ok(form)) => file_upload(w, form),
            Some(Err(e)) => Err(from_guard(e)),
            None => Err(param_error("file: Missing data for required field.")),
        },
        "dmp/custom_audience/create/" => create(w, typed(out)?, now),
        "dmp/custom_audience/update/" => update(sb, w, typed(out)?, now),
        "event/track/" => track(w, &body(out)?, &out.body),
        "dmp/custom_audience/list/" => list(w, out.query.as_deref().unwrap_or_default()),
        "dmp/custom_audience/get/" => get(w, out.query.as_deref().unwrap_or_default()),
        // connect: the simulated OAuth endpoints.
        "oauth2/access_token/" => super::oauth::access_token(w, &body(out)?),
        "oauth2/advertiser/get/" => {
            super::oauth::advertisers(out.query.as_deref().unwrap_or_default())
        }
        "oauth2/revoke_token/" => super::oauth::revoke(w, &body(out)?),
        _ => Err((40404, "Not found".to_string())),
    }
}

fn new_id(w: &mut World) -> String {
    w.next_id += 1;
    w.next_id.to_string()
}

fn segment_audience(w: &mut World, o: &Map<String, Value>) -> Result<Value, Refusal> {
    let adv = str_field(o, "advertiser_id")?.to_string();
    let action = o.get("action").and_then(Value::as_str).unwrap_or("create");
    match action {
        "create" => {
            let mut name = str_field(o, "custom_audience_name")?.to_string();
            if name.chars().count() > 70 {
                name = name.chars().take(67).collect::<String>() + "...";
            }
            let id = new_id(w);
            w.segments.insert(
                id.clone(),
                Segment {
                    advertiser_id: adv,
                    name,
                    members: BTreeSet::new(),
                },
            );
            Ok(json!({ "audience_id": id }))
        }
        "delete" => {
            let id = str_field(o, "delete_audience_id")?;
            match w.segments.get(id) {
                Some(s) if s.advertiser_id == adv => {
                    w.segments.remove(id);
                    Ok(json!({}))
                }
                _ => Err(param_error("Parameter error: invalid audience ID")),
            }
        }
        _ => Err(param_error("action: Must be one of: create, delete.")),
    }
}

fn segment_mapping(w: &mut World, out: &Outbound) -> Result<Value, Refusal> {
    let body = guard::json::parse(&out.body).map_err(from_guard)?;
    let plan = MappingPlan::of(&body);
    for aud in plan.audiences() {
        match w.segments.get(&aud) {
            Some(s) if plan.advertiser_ids.contains(&s.advertiser_id) => {}
            _ => return Err(param_error("Parameter error: invalid audience ID")),
        }
    }
    for cell in &plan.cells {
        for aud in &cell.audience_ids {
            if let Some(s) = w.segments.get_mut(aud) {
                let key = (cell.id_type, cell.digest.clone());
                match plan.action {
                    MappingAction::Add => s.members.insert(key),
                    MappingAction::Delete => s.members.remove(&key),
                };
            }
        }
    }
    Ok(json!({}))
}

fn file_upload(w: &mut World, form: UploadForm) -> Result<Value, Refusal> {
    let n = &form.fields.file_name;
    if !(n.ends_with(".csv") || n.ends_with(".txt")) {
        return Err(param_error("file: The file name must end in .csv or .txt."));
    }
    let md5 = tikhash::hash::digest(Algorithm::Md5, &form.file);
    if form.fields.file_signature.as_str() != md5.as_str() {
        return Err(param_error(
            "file_signature: does not match the MD5 of the file.",
        ));
    }
    let digests = guard::check_file_lines(form.fields.calculate_type, &form.file)
        .map_err(from_guard)?
        .digests()
        .to_vec();
    if digests.is_empty() {
        return Err(param_error("file: The file holds no ids."));
    }
    w.next_file += 1;
    // TikTok issues 16-character paths (T-SDK create yml: file_paths items are 16 long);
    // a multiplication by an odd constant is a bijection, so paths never repeat.
    let file_path = format!("{:016x}", w.next_file.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    w.files.insert(
        file_path.clone(),
        UploadedFile {
            advertiser_id: form.fields.advertiser_id.to_string(),
            calculate_type: form.fields.calculate_type.as_str(),
            digests,
        },
    );
    Ok(json!({ "file_path": file_path }))
}

/// Checks the files exist, belong to `adv` and have `calculate_type`; returns their digests.
fn files_for<'a>(
    w: &'a World,
    adv: &str,
    calculate_type: &str,
    paths: &[&str],
) -> Result<Vec<&'a Vec<u8>>, Refusal> {
    let mut out = Vec::new();
    for p in paths {
        let f = w
            .files
            .get(*p)
            .filter(|f| f.advertiser_id == adv)
            .ok_or_else(|| param_error("file_paths: invalid file path"))?;
        if f.calculate_type != calculate_type {
            return Err(param_error(
                "file_paths: every file must have the audience's calculate_type",
            ));
        }
        out.extend(f.digests.iter());
    }
    Ok(out)
}

fn create(w: &mut World, body: CustomAudienceCreateRequest, now: i64) -> Result<Value, Refusal> {
    // The schema has refused what create's definition refuses: MAID_*, a path that is not
    // 16 characters, 0 or more than 500 paths, a name over 128, retention outside 1–365.
    let adv = body.advertiser_id.to_string();
    let ct = body.calculate_type.as_str();
    let paths: Vec<&str> = body.file_paths.iter().map(|p| p.as_str()).collect();
    let members: BTreeSet<Vec<u8>> = files_for(w, &adv, ct, &paths)?
        .into_iter()
        .cloned()
        .collect();
    let id = new_id(w);
    w.customs.insert(
        id.clone(),
        Custom {
            advertiser_id: adv,
            name: body.custom_audience_name,
            calculate_type: ct,
            members,
            last_replace_at: None,
            created_at: now,
            sub_type: body
                .audience_sub_type
                .unwrap_or(AudienceSubType::NORMAL)
                .as_str(),
            enhancement: body.audience_enhancement.unwrap_or(false),
            retention_in_days: body.retention_in_days,
        },
    );
    Ok(json!({ "custom_audience_id": id }))
}

fn update(
    sb: &Sandbox,
    w: &mut World,
    body: CustomAudienceUpdateRequest,
    now: i64,
) -> Result<Value, Refusal> {
    let adv = body.advertiser_id.to_string();
    let id = body.custom_audience_id.to_string();
    let (ct, last_replace) = match w.customs.get(&id) {
        Some(a) if a.advertiser_id == adv => (a.calculate_type, a.last_replace_at),
        _ => return Err(param_error("Parameter error: invalid audience ID")),
    };
    if let Some(sub_type) = body.audience_sub_type {
        // "If you update this field, changes to other data fields will be ignored."
        if let Some(a) = w.customs.get_mut(&id) {
            a.sub_type = sub_type.as_str();
        }
        return Ok(json!({}));
    }
    let action = match body.effective_action() {
        UpdateAction::Append => FileAction::Append,
        UpdateAction::Remove => FileAction::Remove,
        UpdateAction::Replace => FileAction::Replace,
    };
    let paths: Vec<&str> = body.file_paths().iter().map(|p| p.as_str()).collect();
    if !paths.is_empty() && action == FileAction::Replace {
        if let Some(t) = last_replace {
            if now - t < 24 * 3600 {
                return Err(param_error(REPLACE_REJECTED_MESSAGE));
            }
        }
    }
    let digests: Vec<Vec<u8>> = files_for(w, &adv, ct, &paths)?
        .into_iter()
        .cloned()
        .collect();
    let Some(a) = w.customs.get_mut(&id) else {
        return Err(param_error("Parameter error: invalid audience ID"));
    };
    if !paths.is_empty() {
        let mut next = match action {
            FileAction::Replace => BTreeSet::new(),
            _ => a.members.clone(),
        };
        for d in digests {
            match action {
                FileAction::Remove => {
                    next.remove(&d);
                }
                _ => {
                    next.insert(d);
                }
            }
        }
        if (next.len() as u64) < sb.min_audience {
            return Err(param_error(format!(
                "APPEND, REMOVE and REPLACE operations will fail if the audience size is less than {} after the operation.",
                sb.min_audience
            )));
        }
        a.members = next;
        if action == FileAction::Replace {
            a.last_replace_at = Some(now);
        }
    }
    if let Some(n) = body.custom_audience_name {
        a.name = n;
    }
    if let Some(e) = body.audience_enhancement {
        a.enhancement = e;
    }
    Ok(json!({}))
}

fn track(w: &mut World, o: &Map<String, Value>, bytes: &[u8]) -> Result<Value, Refusal> {
    let source = str_field(o, "event_source")?;
    if !["web", "app", "offline", "crm"].contains(&source) {
        return Err(param_error(
            "event_source: Must be one of: web, app, offline, crm.",
        ));
    }
    str_field(o, "event_source_id")?;
    let events = match o.get("data") {
        Some(Value::Array(a)) => a,
        _ => return Err(param_error("data: Missing data for required field.")),
    };
    if events.is_empty() || events.len() > 1000 {
        return Err(param_error("data: Length must be between 1 and 1000."));
    }
    for (i, ev) in events.iter().enumerate() {
        let name = ev
            .get("event")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                param_error(format!("data.{i}.event: Missing data for required field."))
            })?;
        // The same list the payload builder holds offline events to, so the two never disagree.
        if source == "offline" && !OFFLINE_STANDARD_EVENTS.contains(&name) {
            return Err(param_error(format!(
                "data.{i}.event: offline events must be standard events."
            )));
        }
        if !ev.get("event_time").is_some_and(Value::is_i64) {
            return Err(param_error(format!(
                "data.{i}.event_time: Not a valid integer."
            )));
        }
    }
    guard::check_track(bytes).map_err(from_guard)?;
    w.events += events.len() as u64;
    Ok(json!({}))
}

/// The query's parameters, as TikTok reads them (the proxy sends each once).
fn query(q: &str) -> Result<Query, Refusal> {
    Query::parse(
        q,
        &["advertiser_id", "page", "page_size", "custom_audience_ids"],
    )
    .map_err(from_guard)
}

fn num_param(q: &Query, k: &str, default: u64) -> Result<u64, Refusal> {
    match q.get(k) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| param_error(format!("{k}: Not a valid integer."))),
    }
}

fn details_custom(id: &str, a: &Custom) -> Value {
    json!({
        "audience_id": id,
        "name": a.name,
        "audience_type": "Customer File",
        "calculate_type": a.calculate_type,
        "cover_num": a.members.len(),
        "create_time": a.created_at,
        "is_valid": a.members.len() >= 1000,
        "audience_sub_type": a.sub_type,
        "audience_enhancement": a.enhancement,
        "retention_in_days": a.retention_in_days,
    })
}

fn details_segment(id: &str, s: &Segment) -> Value {
    json!({
        "audience_id": id,
        "name": s.name,
        "audience_type": "Partner Audience",
        "cover_num": s.members.len(),
        "is_valid": true,
    })
}

fn list(w: &World, q: &str) -> Result<Value, Refusal> {
    let q = &query(q)?;
    let adv = q
        .get("advertiser_id")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| param_error("advertiser_id: Missing data for required field."))?;
    let page = num_param(q, "page", 1)?.max(1);
    let page_size = num_param(q, "page_size", 10)?;
    if !(1..=100).contains(&page_size) {
        return Err(param_error("page_size: Must be between 1 and 100."));
    }
    // list yml: `custom_audience_ids`, 1–100 ids, optional; only those audiences are listed.
    let only: Option<Vec<String>> = match q.get("custom_audience_ids") {
        None => None,
        Some(v) => Some(audience_ids(v)?),
    };
    let wanted = |id: &String| only.as_ref().is_none_or(|ids| ids.contains(id));
    let mut all: Vec<(String, Value)> = w
        .customs
        .iter()
        .filter(|(id, a)| a.advertiser_id == adv && wanted(id))
        .map(|(id, a)| (id.clone(), details_custom(id, a)))
        .chain(
            w.segments
                .iter()
                .filter(|(id, s)| s.advertiser_id == adv && wanted(id))
                .map(|(id, s)| (id.clone(), details_segment(id, s))),
        )
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let total = all.len() as u64;
    let list: Vec<Value> = all
        .into_iter()
        .skip(((page - 1) * page_size) as usize)
        .take(page_size as usize)
        .map(|(_, v)| v)
        .collect();
    Ok(json!({
        "list": list,
        "page_info": {
            "page": page, "page_size": page_size,
            "total_number": total, "total_page": total.div_ceil(page_size),
        }
    }))
}

/// `custom_audience_ids`: a JSON list of 1–100 ids, each a string of digits (list and get
/// yml: "Length range is [1, 100]", items int64 ids sent as strings).
fn audience_ids(v: &str) -> Result<Vec<String>, Refusal> {
    serde_json::from_str::<Vec<String>>(v)
        .ok()
        .filter(|ids| {
            (1..=100).contains(&ids.len())
                && ids
                    .iter()
                    .all(|id| tikhash::schema::TikTokId::parse(id).is_some())
        })
        .ok_or_else(|| param_error("custom_audience_ids: Not a valid list."))
}

fn get(w: &World, q: &str) -> Result<Value, Refusal> {
    let q = &query(q)?;
    let adv = q
        .get("advertiser_id")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| param_error("advertiser_id: Missing data for required field."))?;
    let ids = audience_ids(q.get("custom_audience_ids").unwrap_or_default())?;
    let mut list = Vec::new();
    for id in &ids {
        let details = match (w.customs.get(id), w.segments.get(id)) {
            (Some(a), _) if a.advertiser_id == adv => details_custom(id, a),
            (_, Some(s)) if s.advertiser_id == adv => details_segment(id, s),
            _ => return Err(param_error("Parameter error: invalid audience ID")),
        };
        list.push(json!({ "audience_details": details }));
    }
    Ok(json!({ "list": list }))
}

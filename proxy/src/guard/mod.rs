//! The PII guard: nothing that is not a hash gets past the proxy, and nothing is forwarded
//! that the guard did not read.
//!
//! Each TikTok endpoint's body is parsed into the crate's strict type
//! ([`tikhash::schema`]: duplicate keys refused at any depth, unknown fields refused,
//! identifier fields are digest types), its advertisers are checked against the allow-list,
//! and what is forwarded is the re-serialization of that checked value ([`json::forwardable`],
//! which also refuses any string that looks like a raw email or phone, [`pii`]). Uploads are
//! rebuilt as a fresh multipart body from the checked parts ([`upload`]); GET queries are
//! written again from the checked parameters ([`query`]). A refusal names the field and row
//! (`batch_data[3][1].id`, `data[0].user.email`, `file line 7`) and never the value.
//!
//! Each check returns a [`Checked`]: the request to forward and what the ledger does once
//! TikTok answers `code: 0`.

pub mod json;
pub mod pii;
pub mod query;
pub mod upload;

use crate::config::Config;
use crate::error::AppError;
use crate::upstream::Outbound;
use axum::http::Method;
use bytes::Bytes;
use query::Query;
use serde_json::{Map, Value};
pub use tikhash::payload::MappingAction;
use tikhash::schema::custom_audience::{
    CustomAudienceCreateRequest, CustomAudienceUpdateRequest, UpdateAction,
};
use tikhash::schema::events::TrackRequest;
use tikhash::schema::segment::{MappingCell, SegmentAudienceRequest, SegmentMappingRequest};
use tikhash::schema::{CalculateType, SegmentIdType, TikTokId};
use tikhash::Algorithm;
pub use upload::{check_file_lines, parse_upload, FileDigests, UploadForm};

/// The digest algorithm an id type name implies (`*_MD5` is MD5, everything else SHA-256).
pub fn algorithm_of(id_type: &str) -> Algorithm {
    if id_type.ends_with("_MD5") {
        Algorithm::Md5
    } else {
        Algorithm::Sha256
    }
}

/// The ledger's name for an id type named in either API (`id_schema` or `calculate_type`),
/// exactly as TikTok spells it.
pub fn ledger_id_type(name: &str) -> Option<&'static str> {
    SegmentIdType::from_name(name)
        .map(SegmentIdType::as_str)
        .or_else(|| {
            CalculateType::from_name(name)
                .filter(|t| t.algorithm().is_some())
                .map(CalculateType::as_str)
        })
}

/// Parses a JSON object body leniently (the sandbox reads already-checked bodies with it).
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, AppError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(AppError::MalformedJson),
    }
}

/// Checks an advertiser id against the connected account's advertisers and
/// `TIKHASH_ADVERTISER_IDS` (403 otherwise; 409 when an account must be connected first).
pub fn allow_advertiser(config: &Config, field: &str, id: &str) -> Result<(), AppError> {
    // connect: the allowed set comes from the connection too (`Config::advertiser_allowed`).
    if config.needs_connection() {
        return Err(AppError::NotConnected);
    }
    if config.advertiser_allowed(id) {
        Ok(())
    } else {
        Err(AppError::AdvertiserNotAllowed {
            field: field.to_string(),
        })
    }
}

/// `dmp/custom_audience/update/` `action`, as the ledger applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    /// Add the files' members.
    Append,
    /// Remove the files' members.
    Remove,
    /// Make the files' members the whole audience (TikTok's default when `action` is absent).
    Replace,
}

impl FileAction {
    /// TikTok's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            FileAction::Append => "APPEND",
            FileAction::Remove => "REMOVE",
            FileAction::Replace => "REPLACE",
        }
    }
}

impl From<UpdateAction> for FileAction {
    fn from(a: UpdateAction) -> FileAction {
        match a {
            UpdateAction::Append => FileAction::Append,
            UpdateAction::Remove => FileAction::Remove,
            UpdateAction::Replace => FileAction::Replace,
        }
    }
}

/// One checked identifier of a `segment/mapping/` body.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Its `id_schema` name.
    pub id_type: &'static str,
    /// Its digest bytes.
    pub digest: Vec<u8>,
    /// The audiences it is added to or removed from.
    pub audience_ids: Vec<String>,
}

/// What an acknowledged `segment/mapping/` does to the ledger.
#[derive(Debug, Clone)]
pub struct MappingPlan {
    /// `advertiser_ids`.
    pub advertiser_ids: Vec<String>,
    /// `action`.
    pub action: MappingAction,
    /// Every identifier present, row by row.
    pub cells: Vec<Cell>,
    /// Number of rows in `batch_data`.
    pub rows: usize,
}

impl MappingPlan {
    /// The plan of a checked body.
    pub fn of(body: &SegmentMappingRequest) -> MappingPlan {
        let mut cells = Vec::new();
        for row in &body.batch_data {
            for (cell, t) in row.iter().zip(&body.id_schema) {
                if let MappingCell::Id { id, audience_ids } = cell {
                    cells.push(Cell {
                        id_type: t.as_str(),
                        digest: id.to_bytes(),
                        audience_ids: audience_ids.iter().map(|a| a.to_string()).collect(),
                    });
                }
            }
        }
        MappingPlan {
            advertiser_ids: body.advertiser_ids.iter().map(|a| a.to_string()).collect(),
            action: body.action(),
            cells,
            rows: body.batch_data.len(),
        }
    }

    /// Every audience the body touches, sorted and without repeats.
    pub fn audiences(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .cells
            .iter()
            .flat_map(|c| c.audience_ids.iter().cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// What an acknowledged `dmp/custom_audience/update/` (or create) does to the ledger.
#[derive(Debug, Clone)]
pub struct UpdatePlan {
    /// `advertiser_id`.
    pub advertiser_id: String,
    /// `custom_audience_id` (for a create: filled in from TikTok's answer).
    pub audience_id: String,
    /// The action as TikTok applies it.
    pub action: FileAction,
    /// `file_paths` (empty for a rename).
    pub file_paths: Vec<String>,
}

/// What the ledger does with TikTok's `code: 0`.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Nothing (events, reads, Partner Audience create/delete).
    None,
    /// Apply the added or removed members.
    Mapping(MappingPlan),
    /// Remember the file's digests under the `file_path` TikTok returns.
    Upload {
        /// The advertiser.
        advertiser_id: String,
        /// The file's type.
        calculate_type: &'static str,
        /// The digests (empty for a `MULTIPLE_TYPES` file, which the ledger does not track).
        digests: Vec<Vec<u8>>,
    },
    /// Apply the files to the audience TikTok creates (as APPEND).
    Create {
        /// The advertiser.
        advertiser_id: String,
        /// The files.
        file_paths: Vec<String>,
    },
    /// Apply the files to the audience; a REPLACE is first held to the 24 h rule.
    Update(UpdatePlan),
}

/// A checked request: what to forward, what to lock, what the ledger does after.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The request to forward (the proxy's own bytes).
    pub out: Outbound,
    /// (advertiser, audience) pairs held from the REPLACE check to the ledger write.
    pub locks: Vec<(String, String)>,
    /// Rows, events or digests, for the log and the audit record.
    pub count: usize,
    /// The advertiser the request is for (the first one, for the audit record).
    pub advertiser_id: Option<String>,
    /// The audience the request is for, when there is one.
    pub audience_id: Option<String>,
    /// What the ledger does on `code: 0`.
    pub effect: Effect,
}

fn post(endpoint: &'static str, body: Bytes, idempotent: bool) -> Outbound {
    Outbound {
        method: Method::POST,
        endpoint,
        query: None,
        content_type: Some("application/json".to_string()),
        body,
        idempotent,
    }
}

fn allow(config: &Config, field: &str, id: &TikTokId) -> Result<(), AppError> {
    allow_advertiser(config, field, id.as_str())
}

/// `POST segment/audience/`.
pub fn check_segment_audience(config: &Config, bytes: &[u8]) -> Result<Checked, AppError> {
    let body: SegmentAudienceRequest = json::parse(bytes)?;
    allow(config, "advertiser_id", &body.advertiser_id)?;
    let deleting = body.is_delete();
    Ok(Checked {
        // A create that timed out may have created the audience: never retried blindly.
        out: post("segment/audience/", json::forwardable(&body)?, deleting),
        locks: Vec::new(),
        count: 1,
        advertiser_id: Some(body.advertiser_id.to_string()),
        audience_id: body.delete_audience_id.as_ref().map(TikTokId::to_string),
        effect: Effect::None,
    })
}

/// `POST segment/mapping/`.
pub fn check_mapping(config: &Config, bytes: &[u8]) -> Result<Checked, AppError> {
    let body: SegmentMappingRequest = json::parse(bytes)?;
    for (i, a) in body.advertiser_ids.iter().enumerate() {
        allow(config, &format!("advertiser_ids[{i}]"), a)?;
    }
    let plan = MappingPlan::of(&body);
    let audiences = plan.audiences();
    let locks = plan
        .advertiser_ids
        .iter()
        .flat_map(|a| audiences.iter().map(move |b| (a.clone(), b.clone())))
        .collect();
    Ok(Checked {
        out: post("segment/mapping/", json::forwardable(&body)?, true),
        locks,
        count: plan.rows,
        advertiser_id: plan.advertiser_ids.first().cloned(),
        audience_id: (audiences.len() == 1).then(|| audiences[0].clone()),
        effect: Effect::Mapping(plan),
    })
}

/// `POST dmp/custom_audience/file/upload/` (multipart).
pub async fn check_upload(
    config: &Config,
    content_type: &str,
    bytes: Bytes,
) -> Result<Checked, AppError> {
    let form = parse_upload(content_type, bytes).await?;
    allow(config, "advertiser_id", &form.fields.advertiser_id)?;
    let digests = upload::check_upload_file(&form)?;
    let (ct, body) = upload::rebuild(&form);
    let count = digests.count();
    let advertiser_id = form.fields.advertiser_id.to_string();
    Ok(Checked {
        out: Outbound {
            content_type: Some(ct),
            ..post("dmp/custom_audience/file/upload/", body, true)
        },
        locks: Vec::new(),
        count,
        advertiser_id: Some(advertiser_id.clone()),
        audience_id: None,
        effect: Effect::Upload {
            advertiser_id,
            calculate_type: form.fields.calculate_type.as_str(),
            digests: match digests {
                FileDigests::One(d) => d,
                FileDigests::Multiple { .. } => Vec::new(),
            },
        },
    })
}

/// `POST dmp/custom_audience/create/`.
pub fn check_create(config: &Config, bytes: &[u8]) -> Result<Checked, AppError> {
    let body: CustomAudienceCreateRequest = json::parse(bytes)?;
    allow(config, "advertiser_id", &body.advertiser_id)?;
    let file_paths: Vec<String> = body.file_paths.iter().map(|p| p.as_str().into()).collect();
    Ok(Checked {
        out: post(
            "dmp/custom_audience/create/",
            json::forwardable(&body)?,
            false,
        ),
        locks: Vec::new(),
        count: file_paths.len(),
        advertiser_id: Some(body.advertiser_id.to_string()),
        audience_id: None,
        effect: Effect::Create {
            advertiser_id: body.advertiser_id.to_string(),
            file_paths,
        },
    })
}

/// `POST dmp/custom_audience/update/`.
pub fn check_update(config: &Config, bytes: &[u8]) -> Result<Checked, AppError> {
    let body: CustomAudienceUpdateRequest = json::parse(bytes)?;
    allow(config, "advertiser_id", &body.advertiser_id)?;
    let plan = UpdatePlan {
        advertiser_id: body.advertiser_id.to_string(),
        audience_id: body.custom_audience_id.to_string(),
        action: body.effective_action().into(),
        file_paths: body
            .file_paths()
            .iter()
            .map(|p| p.as_str().into())
            .collect(),
    };
    Ok(Checked {
        out: post(
            "dmp/custom_audience/update/",
            json::forwardable(&body)?,
            true,
        ),
        locks: vec![(plan.advertiser_id.clone(), plan.audience_id.clone())],
        count: plan.file_paths.len(),
        advertiser_id: Some(plan.advertiser_id.clone()),
        audience_id: Some(plan.audience_id.clone()),
        effect: Effect::Update(plan),
    })
}

/// `POST event/track/`.
pub fn check_track(bytes: &[u8]) -> Result<Checked, AppError> {
    let body: TrackRequest = json::parse(bytes)?;
    Ok(Checked {
        // Events carry event_id, so TikTok deduplicates a re-send: safe to retry.
        out: post("event/track/", json::forwardable(&body)?, true),
        locks: Vec::new(),
        count: body.data.len(),
        advertiser_id: None,
        audience_id: None,
        effect: Effect::None,
    })
}

fn get(endpoint: &'static str, query: String) -> Outbound {
    Outbound {
        method: Method::GET,
        endpoint,
        query: Some(query),
        content_type: None,
        body: Bytes::new(),
        idempotent: true,
    }
}

/// `GET dmp/custom_audience/list/?advertiser_id=…&page=…&page_size=…&custom_audience_ids=…`.
pub fn check_list(config: &Config, raw: &str) -> Result<Checked, AppError> {
    let q = Query::parse(
        raw,
        &["advertiser_id", "page", "page_size", "custom_audience_ids"],
    )?;
    let adv = q.id("advertiser_id")?;
    allow(config, "advertiser_id", &adv)?;
    let mut pairs = vec![("advertiser_id", adv.to_string())];
    if let Some(p) = q.number("page", 1..=1_000_000)? {
        pairs.push(("page", p.to_string()));
    }
    if let Some(p) = q.number("page_size", 1..=100)? {
        pairs.push(("page_size", p.to_string()));
    }
    if let Some(ids) = q.id_list("custom_audience_ids")? {
        pairs.push(("custom_audience_ids", ids_json(&ids)));
    }
    Ok(read_only(
        get("dmp/custom_audience/list/", query::encode(&pairs)),
        adv,
    ))
}

/// `GET dmp/custom_audience/get/?advertiser_id=…&custom_audience_ids=["…"]`.
pub fn check_get(config: &Config, raw: &str) -> Result<Checked, AppError> {
    let q = Query::parse(raw, &["advertiser_id", "custom_audience_ids"])?;
    let adv = q.id("advertiser_id")?;
    allow(config, "advertiser_id", &adv)?;
    let ids = q
        .id_list("custom_audience_ids")?
        .ok_or_else(|| AppError::BadField {
            field: "custom_audience_ids".into(),
            reason: "is required",
        })?;
    let pairs = [
        ("advertiser_id", adv.to_string()),
        ("custom_audience_ids", ids_json(&ids)),
    ];
    Ok(read_only(
        get("dmp/custom_audience/get/", query::encode(&pairs)),
        adv,
    ))
}

fn ids_json(ids: &[TikTokId]) -> String {
    serde_json::to_string(ids).unwrap_or_default()
}

fn read_only(out: Outbound, advertiser: TikTokId) -> Checked {
    Checked {
        out,
        locks: Vec::new(),
        count: 0,
        advertiser_id: Some(advertiser.to_string()),
        audience_id: None,
        effect: Effect::None,
    }
}

//! Partner Audience ("audience segment", Streaming API): tiktok-api.md §2.1.
//!
//! - `/segment/audience/` creates the audience. TikTok cuts names over 70 characters to 67 +
//!   "..."; we do the same before sending, so the name the user sees is the name TikTok keeps,
//!   and say so in a warning.
//! - `/segment/mapping/` adds (`add`: Update or Create) or removes (`delete`: Mirror removals)
//!   members. `id_schema` lists the identifier columns given, always in the fixed order
//!   EMAIL_SHA256, PHONE_SHA256, IDFA_*, AAID_* (GAID is `AAID_*` here, §2.1), and every row is
//!   positional against it with `{}` for a missing identifier, so a row can never be read
//!   against the wrong type (RudderStack's bug, §7.2).
//!
//! Decisions: a column that is given stays in `id_schema` even where a request has no value
//! for it (the schema is then the same in every request of a sync). A null, absent or
//! white-space-only cell is simply missing and is not reported; a non-empty cell that cannot be
//! used is reported `{row, column, code}` and its slot becomes `{}`; a row left with no usable
//! identifier is not sent and is reported `{row, code: "no_identifier"}`. Duplicate rows are
//! sent as they are (TikTok's `add` and `delete` are idempotent). `options.algorithm` applies
//! to the IDFA and GAID columns only; email and phone are always SHA-256. The profile is always
//! `partner_audience`, whatever `options.profile` says.

use super::input::{AudienceColumns, Cell};
use super::limits::{MAX_SEGMENT_ROWS, SEGMENT_NAME_MAX};
use super::{check_numeric_id, check_numeric_ids, PayloadError, Request, RowReject, Warning};
use crate::options::{Algorithm, Kind, Options, Profile};
use crate::schema::SegmentIdType;
use serde::{Deserialize, Serialize};

/// `/segment/audience/` path.
pub const SEGMENT_AUDIENCE_PATH: &str = "/segment/audience/";
/// `/segment/mapping/` path.
pub const SEGMENT_MAPPING_PATH: &str = "/segment/mapping/";

/// What `buildSegmentAudience` takes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SegmentAudienceInput {
    /// The advertiser that owns the audience.
    pub advertiser_id: String,
    /// The audience name; over 70 characters it is cut to 67 + "..." (with a warning).
    pub name: String,
}

/// The `/segment/audience/` create body (§2.1). `id_type` is not sent: Segment removed it in
/// Aug 2024.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentAudienceBody {
    /// The advertiser id.
    pub advertiser_id: String,
    /// Always `create`.
    pub action: &'static str,
    /// The name, already cut the way TikTok cuts it.
    pub custom_audience_name: String,
}

/// The create request and what was changed on the way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentAudience {
    /// `POST /segment/audience/` with its body.
    #[serde(flatten)]
    pub request: Request<SegmentAudienceBody>,
    /// `name_truncated` when the name was cut.
    pub warnings: Vec<Warning>,
}

/// Builds the `/segment/audience/` create body.
pub fn build_segment_audience(
    input: &SegmentAudienceInput,
) -> Result<SegmentAudience, PayloadError> {
    check_numeric_id("advertiserId", &input.advertiser_id)?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(PayloadError::EmptyName);
    }
    let mut warnings = Vec::new();
    // TikTok counts characters, not bytes (§2.1: "cut to 67 characters plus ...").
    let name = if name.chars().count() > SEGMENT_NAME_MAX {
        warnings.push(Warning::new(
            "name_truncated",
            format!(
                "TikTok cuts Partner Audience names over {SEGMENT_NAME_MAX} characters to 67 \
                 characters + \"...\"; the name was cut the same way"
            ),
        ));
        let mut cut: String = name.chars().take(SEGMENT_NAME_MAX - 3).collect();
        cut.push_str("...");
        cut
    } else {
        name.to_owned()
    };
    Ok(SegmentAudience {
        request: Request {
            path: SEGMENT_AUDIENCE_PATH,
            body: SegmentAudienceBody {
                advertiser_id: input.advertiser_id.clone(),
                action: "create",
                custom_audience_name: name,
            },
        },
        warnings,
    })
}

/// `add` (Update or Create) or `delete` (Mirror removals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MappingAction {
    /// Add members.
    #[default]
    Add,
    /// Remove members.
    Delete,
}

impl std::str::FromStr for MappingAction {
    type Err = PayloadError;
    fn from_str(s: &str) -> Result<Self, PayloadError> {
        // TikTok accepts lowercase only in its examples; uppercase input is forgiven.
        match s.to_ascii_lowercase().as_str() {
            "add" => Ok(MappingAction::Add),
            "delete" => Ok(MappingAction::Delete),
            _ => Err(PayloadError::InvalidAction("add, delete")),
        }
    }
}

/// What `buildSegmentMapping` takes (`options` travel separately).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SegmentMappingInput {
    /// `advertiser_ids`: all in the same Business Center (§2.1).
    pub advertiser_ids: Vec<String>,
    /// The audiences every identifier is mapped to.
    pub audience_ids: Vec<String>,
    /// `add` (default) or `delete`.
    #[serde(default)]
    pub action: Option<String>,
    /// The identifier columns.
    pub columns: AudienceColumns,
    /// Rows per request, 1–10,000 (default 10,000).
    #[serde(default)]
    pub max_rows: Option<usize>,
}

/// One slot of a row: `{id, audience_ids}`, or `{}` when that identifier is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MappingCell {
    /// The identifier's digest and the audiences it goes to.
    Id {
        /// Lowercase hex digest.
        id: String,
        /// The audience ids.
        audience_ids: Vec<String>,
    },
    /// `{}`: no such identifier in this row.
    Empty {},
}

/// The `/segment/mapping/` body (§2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentMappingBody {
    /// The advertiser ids.
    pub advertiser_ids: Vec<String>,
    /// `add` or `delete`.
    pub action: MappingAction,
    /// The identifier types, one per row position.
    pub id_schema: Vec<&'static str>,
    /// The rows, each as long as `id_schema`.
    pub batch_data: Vec<Vec<MappingCell>>,
}

/// The requests and the rows or cells that were left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentMapping {
    /// `/segment/mapping/`: where every body goes.
    pub path: &'static str,
    /// The bodies to POST, at most `maxRows` rows each.
    pub requests: Vec<SegmentMappingBody>,
    /// Rows not sent (`no_identifier`) and cells left out (`{row, column, code}`).
    pub rejected: Vec<RowReject>,
}

/// TikTok's `id_schema` name for a column kind (§2.1: GAID is `AAID_*`). Audience columns
/// hold email, phone, IDFA and GAID only (`AudienceColumns`), so there is always one.
fn schema_name(kind: Kind, algorithm: Algorithm) -> &'static str {
    SegmentIdType::for_kind(kind, algorithm).map_or("", SegmentIdType::as_str)
}

/// Builds the `/segment/mapping/` requests.
pub fn build_segment_mapping(
    input: &SegmentMappingInput,
    options: &Options,
) -> Result<SegmentMapping, PayloadError> {
    check_numeric_ids("advertiserIds", &input.advertiser_ids)?;
    check_numeric_ids("audienceIds", &input.audience_ids)?;
    let action: MappingAction = match &input.action {
        Some(a) => a.parse()?,
        None => MappingAction::Add,
    };
    let max_rows = input.max_rows.unwrap_or(MAX_SEGMENT_ROWS);
    if max_rows == 0 || max_rows > MAX_SEGMENT_ROWS {
        return Err(PayloadError::InvalidLimit("maxRows", MAX_SEGMENT_ROWS));
    }
    let c = &input.columns;
    // The fixed order of id_schema (see the module docs).
    let columns: Vec<(Kind, &[Cell])> = [
        (Kind::Email, &c.email),
        (Kind::Phone, &c.phone),
        (Kind::Idfa, &c.idfa),
        (Kind::Gaid, &c.gaid),
    ]
    .into_iter()
    .filter_map(|(k, col)| col.as_deref().map(|v| (k, v)))
    .collect();
    let Some(&(_, first)) = columns.first() else {
        return Err(PayloadError::NoColumns);
    };
    let rows = first.len();
    if columns.iter().any(|(_, col)| col.len() != rows) {
        return Err(PayloadError::ColumnLengthMismatch);
    }
    let per_kind: Vec<(Kind, Options)> = columns
        .iter()
        .map(|&(kind, _)| {
            let mut o = Options {
                profile: Profile::PartnerAudience,
                ..*options
            };
            if !kind.is_maid() {
                o.algorithm = Algorithm::Sha256;
            }
            (kind, o)
        })
        .collect();
    let id_schema: Vec<&'static str> = per_kind
        .iter()
        .map(|(k, o)| schema_name(*k, o.algorithm))
        .collect();

    let mut requests = Vec::new();
    let mut rejected = Vec::new();
    let mut batch: Vec<Vec<MappingCell>> = Vec::new();
    let mut buf = String::new();
    let flush = |batch: &mut Vec<Vec<MappingCell>>, requests: &mut Vec<SegmentMappingBody>| {
        if !batch.is_empty() {
            requests.push(SegmentMappingBody {
                advertiser_ids: input.advertiser_ids.clone(),
                action,
                id_schema: id_schema.clone(),
                batch_data: std::mem::take(batch),
            });
        }
    };
    for row in 0..rows {
        let mut cells = Vec::with_capacity(columns.len());
        let mut usable = 0;
        for ((kind, col), (_, opts)) in columns.iter().zip(&per_kind) {
            match col[row].hash(*kind, opts, &mut buf) {
                Ok(Some(d)) => {
                    usable += 1;
                    cells.push(MappingCell::Id {
                        id: d.as_str().to_owned(),
                        audience_ids: input.audience_ids.clone(),
                    });
                }
                Ok(None) => cells.push(MappingCell::Empty {}),
                Err(code) => {
                    rejected.push(RowReject::cell(row, kind.as_str(), code));
                    cells.push(MappingCell::Empty {});
                }
            }
        }
        if usable == 0 {
            rejected.push(RowReject::row(row, "no_identifier"));
            continue;
        }
        batch.push(cells);
        if batch.len() == max_rows {
            flush(&mut batch, &mut requests);
        }
    }
    flush(&mut batch, &mut requests);
    Ok(SegmentMapping {
        path: SEGMENT_MAPPING_PATH,
        requests,
        rejected,
    })
}

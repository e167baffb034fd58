//! Partner Audience bodies (tiktok-api.md §2.1): `/segment/audience/` and `/segment/mapping/`.

use super::fields::{check_text, TikTokId, WireDigest};
use super::id_type::SegmentIdType;
use super::strict::Reason;
use super::{SchemaError, Validate};
use crate::payload::limits::{MAX_SEGMENT_ROWS, SEGMENT_NAME_MAX};
pub use crate::payload::MappingAction;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// `/segment/audience/` `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentAudienceAction {
    /// Create an audience named `custom_audience_name`.
    Create,
    /// Delete `delete_audience_id`.
    Delete,
}

/// `POST /segment/audience/`: create (default) or delete a Partner Audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentAudienceRequest {
    /// The advertiser that owns the audience.
    pub advertiser_id: TikTokId,
    /// `create` when absent (TikTok's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<SegmentAudienceAction>,
    /// Required to create; 1–70 characters (longer names TikTok cuts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_audience_name: Option<String>,
    /// Required to delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_audience_id: Option<TikTokId>,
}

impl SegmentAudienceRequest {
    /// True for a delete.
    pub fn is_delete(&self) -> bool {
        self.action == Some(SegmentAudienceAction::Delete)
    }
}

impl Validate for SegmentAudienceRequest {
    fn validate(&self) -> Result<(), SchemaError> {
        if self.is_delete() {
            if self.delete_audience_id.is_none() {
                return Err(SchemaError::new("delete_audience_id", Reason::MissingField));
            }
            if self.custom_audience_name.is_some() {
                return Err(SchemaError::new(
                    "custom_audience_name",
                    Reason::Combination,
                ));
            }
        } else {
            match &self.custom_audience_name {
                None => {
                    return Err(SchemaError::new(
                        "custom_audience_name",
                        Reason::MissingField,
                    ))
                }
                Some(n) if !check_text(n, SEGMENT_NAME_MAX) => {
                    return Err(SchemaError::new("custom_audience_name", Reason::BadText))
                }
                Some(_) => {}
            }
            if self.delete_audience_id.is_some() {
                return Err(SchemaError::new("delete_audience_id", Reason::Combination));
            }
        }
        Ok(())
    }
}

/// One slot of a `batch_data` row: `{id, audience_ids}`, or `{}` for a missing identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingCell {
    /// The identifier's digest and the audiences it is added to or removed from.
    Id {
        /// The digest, of the length its `id_schema` type says.
        id: WireDigest,
        /// 1 or more audiences.
        audience_ids: Vec<TikTokId>,
    },
    /// `{}`.
    Empty,
}

/// The wire form of a cell: both fields or neither.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CellFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<WireDigest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audience_ids: Option<Vec<TikTokId>>,
}

impl Serialize for MappingCell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MappingCell::Id { id, audience_ids } => CellFields {
                id: Some(*id),
                audience_ids: Some(audience_ids.clone()),
            }
            .serialize(s),
            MappingCell::Empty => CellFields {
                id: None,
                audience_ids: None,
            }
            .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for MappingCell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match CellFields::deserialize(d)? {
            CellFields {
                id: None,
                audience_ids: None,
            } => Ok(MappingCell::Empty),
            CellFields {
                id: Some(id),
                audience_ids: Some(audience_ids),
            } if !audience_ids.is_empty() => Ok(MappingCell::Id { id, audience_ids }),
            _ => Err(de::Error::custom(Reason::Combination.marker())),
        }
    }
}

/// `POST /segment/mapping/`: add or remove members of Partner Audiences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentMappingRequest {
    /// All in one Business Center.
    pub advertiser_ids: Vec<TikTokId>,
    /// `add` when absent (TikTok's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<MappingAction>,
    /// Each type once; row slot *j* holds a value of `id_schema[j]`.
    pub id_schema: Vec<SegmentIdType>,
    /// 1–10,000 rows, each as long as `id_schema`.
    pub batch_data: Vec<Vec<MappingCell>>,
}

impl SegmentMappingRequest {
    /// The action, `add` when absent.
    pub fn action(&self) -> MappingAction {
        self.action.unwrap_or_default()
    }
}

impl Validate for SegmentMappingRequest {
    fn validate(&self) -> Result<(), SchemaError> {
        if self.advertiser_ids.is_empty() {
            return Err(SchemaError::new("advertiser_ids", Reason::BadCount));
        }
        if self.id_schema.is_empty() || self.id_schema.len() > SegmentIdType::ALL.len() {
            return Err(SchemaError::new("id_schema", Reason::BadCount));
        }
        for (j, t) in self.id_schema.iter().enumerate() {
            if self.id_schema[..j].contains(t) {
                return Err(SchemaError::new(
                    format!("id_schema[{j}]"),
                    Reason::Repeated,
                ));
            }
        }
        if self.batch_data.is_empty() || self.batch_data.len() > MAX_SEGMENT_ROWS {
            return Err(SchemaError::new("batch_data", Reason::BadCount));
        }
        for (i, row) in self.batch_data.iter().enumerate() {
            if row.len() != self.id_schema.len() {
                return Err(SchemaError::new(
                    format!("batch_data[{i}]"),
                    Reason::RowLength,
                ));
            }
            for (j, cell) in row.iter().enumerate() {
                if let MappingCell::Id { id, .. } = cell {
                    if id.algorithm() != self.id_schema[j].algorithm() {
                        return Err(SchemaError::new(
                            format!("batch_data[{i}][{j}].id"),
                            Reason::DigestTypeMismatch,
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

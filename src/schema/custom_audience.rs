//! Customer File Audience bodies (tiktok-api.md §2.2): `/dmp/custom_audience/create/`,
//! `/update/`, and the text fields of the multipart `/file/upload/`.

use super::fields::{check_text, TikTokId, WireDigest};
use super::id_type::CalculateType;
use super::strict::Reason;
use super::{SchemaError, Validate};
use crate::options::Algorithm;
use crate::payload::limits::CUSTOM_AUDIENCE_NAME_MAX;
pub use crate::payload::UpdateAction;
use serde::{Deserialize, Serialize};

/// Most `file_paths` in one create or update (T-SDK: 1–500).
pub const MAX_FILE_PATHS: usize = 500;
/// Longest `file_path` accepted. TikTok issues short ones (issue 10 says 16 characters; the
/// exact form is not verified, so the guard only bounds it).
pub const MAX_FILE_PATH_LEN: usize = 256;

/// `audience_sub_type` (§2.2 create).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[allow(non_camel_case_types)]
pub enum AudienceSubType {
    /// TikTok's default.
    NORMAL,
    /// Usable for Reach & Frequency campaigns.
    REACH_FREQUENCY,
}

/// A `file_path` TikTok returned from an upload: 1–256 characters, no control characters.
/// (Its exact form is TikTok's to choose; the guard's free-text scan still applies to it.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct FilePath(String);

impl FilePath {
    /// Parses a `file_path`.
    pub fn parse(s: &str) -> Option<FilePath> {
        check_text(s, MAX_FILE_PATH_LEN).then(|| FilePath(s.to_owned()))
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FilePath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::fields::deserialize_str_with(d, Reason::BadText, FilePath::parse)
    }
}

fn check_paths(paths: &[FilePath], required: bool) -> Result<(), SchemaError> {
    if (required && paths.is_empty()) || paths.len() > MAX_FILE_PATHS {
        return Err(SchemaError::new("file_paths", Reason::BadCount));
    }
    for (i, p) in paths.iter().enumerate() {
        if paths[..i].contains(p) {
            return Err(SchemaError::new(
                format!("file_paths[{i}]"),
                Reason::Repeated,
            ));
        }
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), SchemaError> {
    if check_text(name, CUSTOM_AUDIENCE_NAME_MAX) {
        Ok(())
    } else {
        Err(SchemaError::new("custom_audience_name", Reason::BadText))
    }
}

/// `POST /dmp/custom_audience/create/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAudienceCreateRequest {
    /// The advertiser that uploaded the files.
    pub advertiser_id: TikTokId,
    /// 1–128 characters.
    pub custom_audience_name: String,
    /// The files' type; not `MAID_*` (upload only).
    pub calculate_type: CalculateType,
    /// 1–500 uploaded files.
    pub file_paths: Vec<FilePath>,
    /// 1–365 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<u16>,
    /// `NORMAL` or `REACH_FREQUENCY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience_sub_type: Option<AudienceSubType>,
}

impl Validate for CustomAudienceCreateRequest {
    fn validate(&self) -> Result<(), SchemaError> {
        check_name(&self.custom_audience_name)?;
        if !self.calculate_type.allowed_in_create() {
            return Err(SchemaError::new("calculate_type", Reason::NotInEnum));
        }
        check_paths(&self.file_paths, true)?;
        if self
            .retention_in_days
            .is_some_and(|d| !(1..=365).contains(&d))
        {
            return Err(SchemaError::new("retention_in_days", Reason::OutOfRange));
        }
        Ok(())
    }
}

/// `POST /dmp/custom_audience/update/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAudienceUpdateRequest {
    /// The advertiser.
    pub advertiser_id: TikTokId,
    /// The audience.
    pub custom_audience_id: TikTokId,
    /// What the files do; TikTok takes a missing action as `REPLACE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<UpdateAction>,
    /// 0–500 uploaded files (none for a rename).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_paths: Option<Vec<FilePath>>,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_audience_name: Option<String>,
}

impl CustomAudienceUpdateRequest {
    /// The action as TikTok applies it (`REPLACE` when absent, §2.2).
    pub fn effective_action(&self) -> UpdateAction {
        self.action.unwrap_or(UpdateAction::Replace)
    }

    /// The files, none for a rename.
    pub fn file_paths(&self) -> &[FilePath] {
        self.file_paths.as_deref().unwrap_or_default()
    }
}

impl Validate for CustomAudienceUpdateRequest {
    fn validate(&self) -> Result<(), SchemaError> {
        check_paths(self.file_paths(), false)?;
        if let Some(n) = &self.custom_audience_name {
            check_name(n)?;
        }
        // TikTok: "You must send either a new name or file_paths."
        if self.file_paths().is_empty() && self.custom_audience_name.is_none() {
            return Err(SchemaError::new("file_paths", Reason::Combination));
        }
        Ok(())
    }
}

/// The text fields of `POST /dmp/custom_audience/file/upload/` (multipart), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFields {
    /// Required (T-SDK upload yml).
    pub advertiser_id: TikTokId,
    /// What the file holds.
    pub calculate_type: CalculateType,
    /// MD5 of the file's bytes.
    pub file_signature: WireDigest,
    /// The file's name: ends in `.csv` or `.txt`, no path.
    pub file_name: String,
}

impl UploadFields {
    /// Checks the upload's text fields; `file_name` is the file part's name.
    pub fn parse(
        advertiser_id: &str,
        calculate_type: &str,
        file_signature: &str,
        file_name: &str,
    ) -> Result<UploadFields, SchemaError> {
        let advertiser_id = TikTokId::parse(advertiser_id)
            .ok_or_else(|| SchemaError::new("advertiser_id", Reason::NotATikTokId))?;
        let calculate_type = CalculateType::from_name(calculate_type)
            .ok_or_else(|| SchemaError::new("calculate_type", Reason::NotInEnum))?;
        let file_signature = WireDigest::parse(file_signature)
            .filter(|d| d.algorithm() == Algorithm::Md5)
            .ok_or_else(|| SchemaError::new("file_signature", Reason::NotADigest))?;
        let lower = file_name.to_ascii_lowercase();
        let name_ok = check_text(file_name, 255)
            && (lower.ends_with(".csv") || lower.ends_with(".txt"))
            && !file_name.contains(['/', '\\', '"']);
        if !name_ok {
            return Err(SchemaError::new("file_name", Reason::BadText));
        }
        Ok(UploadFields {
            advertiser_id,
            calculate_type,
            file_signature,
            file_name: file_name.to_owned(),
        })
    }
}

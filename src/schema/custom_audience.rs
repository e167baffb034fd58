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

/// Most `file_paths` in one create (T-SDK `dmp_custom_audience_create.yml` l.165–166: 1–500).
/// Update's yml gives no count; the same bound is kept there, since an update carries the
/// same uploads.
pub const MAX_FILE_PATHS: usize = 500;
/// The length of a `file_path` TikTok issues, which create takes and nothing else
/// (T-SDK `dmp_custom_audience_create.yml` l.159–160: `minLength: 16`, `maxLength: 16`).
pub const FILE_PATH_LEN: usize = 16;
/// Longest `file_path` accepted by update, whose yml sets no length (l.151–155).
pub const MAX_FILE_PATH_LEN: usize = 256;

/// `audience_sub_type`: create's enum `AudienceSubType` (T-SDK
/// `dmp_custom_audience_create.yml` l.54–83, default `NORMAL`). Update takes only
/// `REACH_FREQUENCY` (update yml l.91–105: "you can only convert … from NORMAL to
/// REACH_FREQUENCY").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[allow(non_camel_case_types)]
pub enum AudienceSubType {
    /// TikTok's default: usable in non-R&F ads.
    NORMAL,
    /// Usable only in Reach & Frequency ads.
    REACH_FREQUENCY,
}

impl AudienceSubType {
    /// TikTok's key.
    pub const fn as_str(self) -> &'static str {
        match self {
            AudienceSubType::NORMAL => "NORMAL",
            AudienceSubType::REACH_FREQUENCY => "REACH_FREQUENCY",
        }
    }

    /// The sub type named exactly `name`.
    pub fn from_name(name: &str) -> Option<AudienceSubType> {
        [AudienceSubType::NORMAL, AudienceSubType::REACH_FREQUENCY]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

/// A `file_path` in an update: 1–256 characters, no control characters (update's yml gives
/// no form; create's paths are [`IssuedFilePath`]s).
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

/// A `file_path` as TikTok issues it and create takes it: exactly 16 characters
/// ([`FILE_PATH_LEN`]), no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct IssuedFilePath(String);

impl IssuedFilePath {
    /// Parses a 16-character `file_path`.
    pub fn parse(s: &str) -> Option<IssuedFilePath> {
        (check_text(s, FILE_PATH_LEN) && s.chars().count() == FILE_PATH_LEN)
            .then(|| IssuedFilePath(s.to_owned()))
    }

    /// True for a path of the form TikTok issues.
    pub fn is_issued_form(s: &str) -> bool {
        IssuedFilePath::parse(s).is_some()
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for IssuedFilePath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::fields::deserialize_str_with(d, Reason::BadText, IssuedFilePath::parse)
    }
}

/// `context_info` of update (T-SDK update yml l.106–123) and upload (upload yml l.210–226,
/// the SDK model `dmpcustom_audiencefileupload_context_info.py`). TikTok's gateway fills it
/// from its own request context (`$.context.*`, update yml l.271–272, upload yml l.238–241),
/// never from the caller's body, so it is accepted when well formed and not forwarded.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextInfo {
    /// int64 (both yml files).
    #[serde(default)]
    pub core_user_id: Option<u64>,
    /// Upload only (upload yml l.211–214).
    #[serde(default)]
    pub app_id: Option<u64>,
    /// Upload only (upload yml l.219–222).
    #[serde(default)]
    pub developer_id: Option<u64>,
}

impl Validate for ContextInfo {
    fn validate(&self) -> Result<(), SchemaError> {
        Ok(())
    }
}

impl ContextInfo {
    /// Parses the upload's `context_info` part (JSON text), strictly.
    pub fn parse_part(text: &str) -> Result<ContextInfo, SchemaError> {
        super::parse_strict::<ContextInfo>(text.as_bytes()).map_err(|e| {
            let field = if e.field == "body" {
                "context_info".to_owned()
            } else {
                format!("context_info.{}", e.field)
            };
            SchemaError::new(field, e.reason)
        })
    }
}

fn check_count(len: usize, required: bool) -> Result<(), SchemaError> {
    if (required && len == 0) || len > MAX_FILE_PATHS {
        return Err(SchemaError::new("file_paths", Reason::BadCount));
    }
    Ok(())
}

fn check_repeats<P: PartialEq>(paths: &[P]) -> Result<(), SchemaError> {
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

fn check_paths(paths: &[FilePath], required: bool) -> Result<(), SchemaError> {
    check_count(paths.len(), required)?;
    check_repeats(paths)
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
    /// 1–500 uploaded files, each path of the 16-character form TikTok issues.
    pub file_paths: Vec<IssuedFilePath>,
    /// 1–365 days (create yml l.173–194, an integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<u16>,
    /// `NORMAL` or `REACH_FREQUENCY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience_sub_type: Option<AudienceSubType>,
    /// A boolean (create yml l.45–53, default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience_enhancement: Option<bool>,
}

impl Validate for CustomAudienceCreateRequest {
    fn validate(&self) -> Result<(), SchemaError> {
        check_name(&self.custom_audience_name)?;
        if !self.calculate_type.allowed_in_create() {
            return Err(SchemaError::new("calculate_type", Reason::NotInEnum));
        }
        check_count(self.file_paths.len(), true)?;
        check_repeats(&self.file_paths)?;
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
    /// A new name, 1–128 characters (update yml l.134–142).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_audience_name: Option<String>,
    /// Only `REACH_FREQUENCY` (update yml l.91–105); TikTok then ignores the other changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience_sub_type: Option<AudienceSubType>,
    /// A boolean (update yml l.83–90).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience_enhancement: Option<bool>,
    /// Accepted when well formed, never forwarded: see [`ContextInfo`].
    #[serde(default, skip_serializing)]
    pub context_info: Option<ContextInfo>,
}

impl CustomAudienceUpdateRequest {
    /// The action as TikTok applies it (`REPLACE` when absent, §2.2). Meaningful only with
    /// `file_paths` (update yml l.36: "valid when file_paths is passed").
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
        if self.audience_sub_type == Some(AudienceSubType::NORMAL) {
            // "You can only convert audience sub type from NORMAL to REACH_FREQUENCY".
            return Err(SchemaError::new("audience_sub_type", Reason::NotInEnum));
        }
        // `action` "is valid when file_paths is passed" (update yml l.36): an action with no
        // files would be read by nobody, so it is refused rather than forwarded.
        if self.action.is_some() && self.file_paths().is_empty() {
            return Err(SchemaError::new("action", Reason::Combination));
        }
        // Only the two ids are required (update yml l.162–164), but a body must change
        // something: TikTok's name field says "You must pass in either this field or
        // file_paths" (l.135–136), and a sub type or enhancement change stands alone.
        if self.file_paths().is_empty()
            && self.custom_audience_name.is_none()
            && self.audience_sub_type.is_none()
            && self.audience_enhancement.is_none()
        {
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

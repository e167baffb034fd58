//! Customer File Audience: tiktok-api.md §2.2.
//!
//! The upload file, decided here where TikTok leaves it open (§9):
//! - one identifier type per file, one lowercase hex digest per line; `MULTIPLE_TYPES` (built
//!   from `columns`) is a CSV with a header row (`EMAIL_SHA256`, `PHONE_SHA256`,
//!   `MAID_SHA256`/`MAID_MD5` for IDFA and GAID, the help centre's names), an empty field for a
//!   missing identifier;
//! - a single-type file has no header unless `header: true` asks for one (open-source callers
//!   do both; whether the API needs it is UNVERIFIED);
//! - every line ends with `\n`, the last one too, and there is never an empty line: a file of
//!   n digests is exactly n × 65 bytes (SHA-256), which keeps `file_signature` reproducible;
//! - repeats are removed (first occurrence kept, input order otherwise) and counted;
//! - `file_signature` is the MD5 of exactly these bytes; the file name ends in `.txt` (or
//!   `.csv` for `MULTIPLE_TYPES`); the default name carries the signature so two different
//!   files never share a name.
//!
//! The profile is always `customer_file` (strips `+tag` from emails, §5.1), whatever
//! `options.profile` says; pass `phoneFormat: "digits"` for TikTok's newest phone advice (§5.2).
//!
//! `/create/` refuses names over 128 characters; an `/update/` with files always carries an explicit `action`,
//! because TikTok treats a missing one as REPLACE (§2.2).

use super::input::{AudienceColumns, Cell};
use super::limits::{CUSTOM_AUDIENCE_NAME_MAX, FILE_PATHS_RECOMMENDED_MAX, MAX_FILE_BYTES};
use super::{check_numeric_id, PayloadError, Request, RowReject, Warning};
use crate::hash::digest;
use crate::options::{Algorithm, Kind, Options, Profile};
use crate::schema::custom_audience::{AudienceSubType, IssuedFilePath, MAX_FILE_PATHS};
pub use crate::schema::CalculateType;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// `/dmp/custom_audience/file/upload/` path (multipart).
pub const UPLOAD_PATH: &str = "/dmp/custom_audience/file/upload/";
/// `/dmp/custom_audience/create/` path.
pub const CREATE_PATH: &str = "/dmp/custom_audience/create/";
/// `/dmp/custom_audience/update/` path.
pub const UPDATE_PATH: &str = "/dmp/custom_audience/update/";

/// The calculate type of a one-type file of `kind` hashed with `algorithm`.
pub(crate) fn calculate_type_for(
    kind: Kind,
    algorithm: Algorithm,
) -> Result<CalculateType, PayloadError> {
    Ok(match (kind, algorithm) {
        (Kind::Email, Algorithm::Sha256) => CalculateType::EMAIL_SHA256,
        (Kind::Phone, Algorithm::Sha256) => CalculateType::PHONE_SHA256,
        (Kind::Idfa, Algorithm::Sha256) => CalculateType::IDFA_SHA256,
        (Kind::Idfa, Algorithm::Md5) => CalculateType::IDFA_MD5,
        (Kind::Gaid, Algorithm::Sha256) => CalculateType::GAID_SHA256,
        (Kind::Gaid, Algorithm::Md5) => CalculateType::GAID_MD5,
        (Kind::ExternalId, _) => return Err(PayloadError::KindNotAllowed),
        (_, Algorithm::Md5) => {
            return Err(crate::error::OptionsError::Md5NotAllowed.into());
        }
    })
}

fn parse_calculate_type(s: &str) -> Result<CalculateType, PayloadError> {
    CalculateType::from_name(s).ok_or(PayloadError::InvalidCalculateType)
}

/// What `buildCustomerFile` takes: `kind` + `values` for a one-type file, or `columns` for a
/// `MULTIPLE_TYPES` file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerFileInput {
    /// `email`, `phone`, `idfa` or `gaid`.
    #[serde(default)]
    pub kind: Option<String>,
    /// The values, raw or pre-hashed.
    #[serde(default)]
    pub values: Option<Vec<Cell>>,
    /// Several identifier types in one CSV (`MULTIPLE_TYPES`, always with a header row).
    #[serde(default)]
    pub columns: Option<AudienceColumns>,
    /// Put the type's name on a first line of a one-type file (default false).
    #[serde(default)]
    pub header: bool,
    /// The file name (must end in `.csv` or `.txt`); default derived from the type and the
    /// signature.
    #[serde(default)]
    pub file_name: Option<String>,
    /// Fills `advertiser_id` in the upload form fields.
    #[serde(default)]
    pub advertiser_id: Option<String>,
}

/// The multipart form fields of `/dmp/custom_audience/file/upload/` besides `file` (§2.2).
///
/// The file's name goes in `name`, not `file_name`: TikTok's upload yml defines `name`
/// (T-SDK `dmp_custom_audience_file_upload.yml` l.127–133) and its gateway reads
/// `$.http.body.name` (l.227–229, l.244); the generated Python SDK's `file_name`
/// (`audience_api.py` l.622, l.662–663) is read by no rule of that yml, so TikTok would
/// ignore it. The proxy's guard and sandbox refuse a `file_name` part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadFields {
    /// Required by TikTok (upload yml l.134–135); always set by `buildCustomerFile`, absent
    /// only in Mirror plans' files, whose caller adds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advertiser_id: Option<String>,
    /// The file's type.
    pub calculate_type: CalculateType,
    /// MD5 hex of the file bytes.
    pub file_signature: String,
    /// The file name (TikTok's `name` part).
    #[serde(rename = "name")]
    pub file_name: String,
}

/// A file ready to upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerFile {
    /// The exact bytes to upload (crosses to JS as a `Uint8Array`, not in the JSON).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Ends in `.txt` or `.csv`.
    pub file_name: String,
    /// MD5 hex of `bytes`: TikTok's `file_signature`.
    pub file_signature: String,
    /// TikTok's `calculate_type` for the file.
    pub calculate_type: CalculateType,
    /// Identifier lines in the file (the header not counted).
    pub lines: usize,
    /// Repeated identifiers (or rows) left out.
    pub duplicates: usize,
    /// Rows not in the file and cells left out, with their codes.
    pub rejected: Vec<RowReject>,
    /// `empty_file`, `file_too_large`…
    pub warnings: Vec<Warning>,
    /// `POST /dmp/custom_audience/file/upload/` and its form fields (the file goes in `file`).
    pub upload: Request<UploadFields>,
}

/// A file name TikTok takes: a plain name ending in `.csv` or `.txt` (§2.2 upload).
fn check_file_name(name: &str) -> Result<(), PayloadError> {
    let stem = name
        .strip_suffix(".csv")
        .or_else(|| name.strip_suffix(".txt"))
        .ok_or(PayloadError::InvalidFileName)?;
    check_file_stem(stem)
}

pub(crate) fn check_file_stem(stem: &str) -> Result<(), PayloadError> {
    if stem.is_empty()
        || stem.len() > 200
        || stem
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(PayloadError::InvalidFileName);
    }
    Ok(())
}

fn finish(
    bytes: Vec<u8>,
    calculate_type: CalculateType,
    file_name: Option<String>,
    advertiser_id: Option<String>,
    lines: usize,
    duplicates: usize,
    rejected: Vec<RowReject>,
) -> Result<CustomerFile, PayloadError> {
    let file_signature = digest(Algorithm::Md5, &bytes).as_str().to_owned();
    let ext = if calculate_type == CalculateType::MULTIPLE_TYPES {
        "csv"
    } else {
        "txt"
    };
    let file_name = match file_name {
        Some(n) => {
            check_file_name(&n)?;
            n
        }
        None => format!(
            "{}-{}.{ext}",
            calculate_type.as_str().to_ascii_lowercase(),
            &file_signature[..12]
        ),
    };
    let mut warnings = Vec::new();
    if lines == 0 {
        warnings.push(Warning::new(
            "empty_file",
            "No usable identifier: the file is empty and should not be uploaded",
        ));
    }
    if bytes.len() > MAX_FILE_BYTES {
        warnings.push(Warning::new(
            "file_too_large",
            format!(
                "The file is {} bytes; TikTok takes files up to {MAX_FILE_BYTES} bytes: split the \
                 values into several files",
                bytes.len()
            ),
        ));
    }
    Ok(CustomerFile {
        upload: Request {
            path: UPLOAD_PATH,
            body: UploadFields {
                advertiser_id,
                calculate_type,
                file_signature: file_signature.clone(),
                file_name: file_name.clone(),
            },
        },
        bytes,
        file_name,
        file_signature,
        calculate_type,
        lines,
        duplicates,
        rejected,
        warnings,
    })
}

/// A one-type file from digests already sorted and free of repeats (the Mirror plan's files).
pub(crate) fn file_from_digests(
    packed: &[u8],
    width: usize,
    calculate_type: CalculateType,
    file_name: String,
) -> CustomerFile {
    let mut bytes = Vec::new();
    super::digest::write_hex_lines(packed, width, &mut bytes);
    let lines = packed.len() / width;
    // The name is built by the caller from a checked stem, so this cannot fail.
    finish(
        bytes,
        calculate_type,
        Some(file_name),
        None,
        lines,
        0,
        Vec::new(),
    )
    .unwrap_or_else(|_| unreachable!("file names of Mirror plans are built from a checked stem"))
}

/// Builds a customer file: normalizes and hashes the values, removes repeats, and computes
/// the signature.
pub fn build_customer_file(
    input: &CustomerFileInput,
    options: &Options,
) -> Result<CustomerFile, PayloadError> {
    // TikTok requires advertiser_id on the upload (upload yml l.134–135).
    match input.advertiser_id.as_deref() {
        None | Some("") => return Err(PayloadError::Missing("advertiserId")),
        Some(id) => check_numeric_id("advertiserId", id)?,
    }
    let options = Options {
        profile: Profile::CustomerFile,
        ..*options
    };
    match (&input.kind, &input.values, &input.columns) {
        (Some(kind), Some(values), None) => single_type(input, kind, values, &options),
        (None, None, Some(columns)) => multiple_types(input, columns, &options),
        (None, _, None) => Err(PayloadError::Missing("kind")),
        (Some(_), None, None) => Err(PayloadError::Missing("values")),
        // Both shapes at once: ambiguous.
        _ => Err(PayloadError::Missing("either kind + values or columns")),
    }
}

fn single_type(
    input: &CustomerFileInput,
    kind: &str,
    values: &[Cell],
    options: &Options,
) -> Result<CustomerFile, PayloadError> {
    let kind: Kind = kind.parse()?;
    let calculate_type = calculate_type_for(kind, options.algorithm)?;
    options.check_for(kind)?;
    let width = options.algorithm.hex_len();
    let mut bytes = Vec::with_capacity((values.len() + 1) * (width + 1));
    if input.header {
        bytes.extend_from_slice(calculate_type.as_str().as_bytes());
        bytes.push(b'\n');
    }
    let mut seen: HashSet<Vec<u8>> = HashSet::with_capacity(values.len());
    let (mut lines, mut duplicates) = (0, 0);
    let mut rejected = Vec::new();
    let mut buf = String::new();
    for (row, cell) in values.iter().enumerate() {
        match cell.hash(kind, options, &mut buf) {
            Ok(Some(d)) => {
                if seen.insert(d.as_str().as_bytes().to_vec()) {
                    bytes.extend_from_slice(d.as_str().as_bytes());
                    bytes.push(b'\n');
                    lines += 1;
                } else {
                    duplicates += 1;
                }
            }
            // One value per row here, so a missing one is a row not sent.
            Ok(None) => rejected.push(RowReject::row(row, "empty")),
            Err(code) => rejected.push(RowReject::row(row, code)),
        }
    }
    finish(
        bytes,
        calculate_type,
        input.file_name.clone(),
        input.advertiser_id.clone(),
        lines,
        duplicates,
        rejected,
    )
}

fn multiple_types(
    input: &CustomerFileInput,
    columns: &AudienceColumns,
    options: &Options,
) -> Result<CustomerFile, PayloadError> {
    let maid_header = match options.algorithm {
        Algorithm::Sha256 => "MAID_SHA256",
        Algorithm::Md5 => "MAID_MD5",
    };
    let cols: Vec<(Kind, &'static str, &[Cell])> = [
        (Kind::Email, "EMAIL_SHA256", &columns.email),
        (Kind::Phone, "PHONE_SHA256", &columns.phone),
        (Kind::Idfa, maid_header, &columns.idfa),
        (Kind::Gaid, maid_header, &columns.gaid),
    ]
    .into_iter()
    .filter_map(|(k, h, c)| c.as_deref().map(|c| (k, h, c)))
    .collect();
    let Some(&(_, _, first)) = cols.first() else {
        return Err(PayloadError::NoColumns);
    };
    let rows = first.len();
    if cols.iter().any(|(_, _, c)| c.len() != rows) {
        return Err(PayloadError::ColumnLengthMismatch);
    }
    let header: Vec<&str> = cols.iter().map(|(_, h, _)| *h).collect();
    let mut bytes = header.join(",").into_bytes();
    bytes.push(b'\n');
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let (mut lines, mut duplicates) = (0, 0);
    let mut rejected = Vec::new();
    let mut buf = String::new();
    let mut line = Vec::new();
    for row in 0..rows {
        line.clear();
        let mut usable = 0;
        for (i, (kind, _, col)) in cols.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            let mut o = *options;
            if !kind.is_maid() {
                o.algorithm = Algorithm::Sha256;
            }
            match col[row].hash(*kind, &o, &mut buf) {
                Ok(Some(d)) => {
                    usable += 1;
                    line.extend_from_slice(d.as_str().as_bytes());
                }
                Ok(None) => {}
                Err(code) => rejected.push(RowReject::cell(row, kind.as_str(), code)),
            }
        }
        if usable == 0 {
            rejected.push(RowReject::row(row, "no_identifier"));
        } else if seen.insert(line.clone()) {
            bytes.extend_from_slice(&line);
            bytes.push(b'\n');
            lines += 1;
        } else {
            duplicates += 1;
        }
    }
    finish(
        bytes,
        CalculateType::MULTIPLE_TYPES,
        input.file_name.clone(),
        input.advertiser_id.clone(),
        lines,
        duplicates,
        rejected,
    )
}

/// What `buildCustomAudienceCreate` takes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomAudienceCreateInput {
    /// The advertiser that uploaded the files (only it can use their paths, §2.2).
    pub advertiser_id: String,
    /// 1–128 characters.
    pub name: String,
    /// The files' `calculate_type` (all files must share it).
    pub calculate_type: String,
    /// `file_path`s returned by the uploads.
    pub file_paths: Vec<String>,
    /// 1–365; TikTok's default is 365 days after the last use.
    #[serde(default)]
    pub retention_in_days: Option<u32>,
    /// `NORMAL` (TikTok's default) or `REACH_FREQUENCY`.
    #[serde(default)]
    pub audience_sub_type: Option<String>,
    /// TikTok's `audience_enhancement` (a boolean, default false).
    #[serde(default)]
    pub audience_enhancement: Option<bool>,
}

/// The `/dmp/custom_audience/create/` body (§2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomAudienceCreateBody {
    /// The advertiser id.
    pub advertiser_id: String,
    /// The audience name.
    pub custom_audience_name: String,
    /// The files' type.
    pub calculate_type: CalculateType,
    /// The uploaded files.
    pub file_paths: Vec<String>,
    /// Only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<u32>,
    /// Only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience_sub_type: Option<&'static str>,
    /// Only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience_enhancement: Option<bool>,
}

/// A create or update request and its warnings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Built<B> {
    /// The request.
    #[serde(flatten)]
    pub request: Request<B>,
    /// `file_paths_over_recommended`…
    pub warnings: Vec<Warning>,
}

fn check_file_paths(paths: &[String], warnings: &mut Vec<Warning>) -> Result<(), PayloadError> {
    if paths.is_empty() || paths.iter().any(|p| p.trim().is_empty()) {
        return Err(PayloadError::Missing("filePaths"));
    }
    if paths.len() > MAX_FILE_PATHS {
        return Err(PayloadError::TooManyFilePaths(MAX_FILE_PATHS));
    }
    // A placeholder is fine in a preview; TikTok's own paths are 16 characters (create yml).
    if !paths.iter().all(|p| IssuedFilePath::is_issued_form(p)) {
        warnings.push(Warning::new(
            "file_path_not_issued_form",
            "A file_path is not the 16-character form TikTok's upload returns",
        ));
    }
    if paths.len() > FILE_PATHS_RECOMMENDED_MAX {
        warnings.push(Warning::new(
            "file_paths_over_recommended",
            "TikTok recommends fewer than 50 file_paths per request",
        ));
    }
    Ok(())
}

/// Builds the `/dmp/custom_audience/create/` body.
pub fn build_custom_audience_create(
    input: &CustomAudienceCreateInput,
) -> Result<Built<CustomAudienceCreateBody>, PayloadError> {
    check_numeric_id("advertiserId", &input.advertiser_id)?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(PayloadError::EmptyName);
    }
    if name.chars().count() > CUSTOM_AUDIENCE_NAME_MAX {
        return Err(PayloadError::NameTooLong(CUSTOM_AUDIENCE_NAME_MAX));
    }
    let calculate_type = parse_calculate_type(&input.calculate_type)?;
    // MAID_* exist only in the upload's enum, not in create's (§2.2, T-SDK create yml).
    if !calculate_type.allowed_in_create() {
        return Err(PayloadError::InvalidCalculateType);
    }
    let mut warnings = Vec::new();
    check_file_paths(&input.file_paths, &mut warnings)?;
    if input
        .retention_in_days
        .is_some_and(|d| !(1..=365).contains(&d))
    {
        return Err(PayloadError::InvalidRetention);
    }
    let audience_sub_type = match input.audience_sub_type.as_deref() {
        None => None,
        Some(t) => Some(
            AudienceSubType::from_name(t)
                .ok_or(PayloadError::InvalidSubType)?
                .as_str(),
        ),
    };
    Ok(Built {
        request: Request {
            path: CREATE_PATH,
            body: CustomAudienceCreateBody {
                advertiser_id: input.advertiser_id.clone(),
                custom_audience_name: name.to_owned(),
                calculate_type,
                file_paths: input.file_paths.clone(),
                retention_in_days: input.retention_in_days,
                audience_sub_type,
                audience_enhancement: input.audience_enhancement,
            },
        },
        warnings,
    })
}

/// `APPEND`, `REMOVE` or `REPLACE` (§2.2; there is no `DELETE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum UpdateAction {
    /// Adds only data not already in the audience.
    Append,
    /// Removes only matching data.
    Remove,
    /// Replaces everything (about once per 24 h).
    Replace,
}

impl std::str::FromStr for UpdateAction {
    type Err = PayloadError;
    fn from_str(s: &str) -> Result<Self, PayloadError> {
        match s.to_ascii_uppercase().as_str() {
            "APPEND" => Ok(UpdateAction::Append),
            "REMOVE" => Ok(UpdateAction::Remove),
            "REPLACE" => Ok(UpdateAction::Replace),
            _ => Err(PayloadError::InvalidAction("APPEND, REMOVE, REPLACE")),
        }
    }
}

/// What `buildCustomAudienceUpdate` takes: files with their action, a new name, a sub type
/// or an enhancement switch, or several of these (T-SDK update yml: only the two ids are
/// required).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomAudienceUpdateInput {
    /// The advertiser id.
    pub advertiser_id: String,
    /// The audience to update.
    pub custom_audience_id: String,
    /// `APPEND`, `REMOVE` or `REPLACE`, required with `filePaths`. Never defaulted, since
    /// TikTok's default is REPLACE (§2.2, §8.2).
    #[serde(default)]
    pub action: Option<String>,
    /// `file_path`s returned by the uploads, of the audience's hash type (1–500).
    #[serde(default)]
    pub file_paths: Option<Vec<String>>,
    /// A new name, 1–128 characters.
    #[serde(default)]
    pub name: Option<String>,
    /// Only `REACH_FREQUENCY`: TikTok converts NORMAL to REACH_FREQUENCY, never back, and
    /// ignores the other changes of that update (update yml).
    #[serde(default)]
    pub audience_sub_type: Option<String>,
    /// TikTok's `audience_enhancement`.
    #[serde(default)]
    pub audience_enhancement: Option<bool>,
}

/// The `/dmp/custom_audience/update/` body (§2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomAudienceUpdateBody {
    /// The advertiser id.
    pub advertiser_id: String,
    /// The audience id.
    pub custom_audience_id: String,
    /// Present exactly when `file_paths` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<UpdateAction>,
    /// The uploaded files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_paths: Option<Vec<String>>,
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_audience_name: Option<String>,
    /// Only `REACH_FREQUENCY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience_sub_type: Option<&'static str>,
    /// Only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience_enhancement: Option<bool>,
}

/// Builds the `/dmp/custom_audience/update/` body; files without an `action` are an error.
pub fn build_custom_audience_update(
    input: &CustomAudienceUpdateInput,
) -> Result<Built<CustomAudienceUpdateBody>, PayloadError> {
    check_numeric_id("advertiserId", &input.advertiser_id)?;
    check_numeric_id("customAudienceId", &input.custom_audience_id)?;
    let mut warnings = Vec::new();
    let (action, file_paths) = match &input.file_paths {
        None => {
            // An action with no files is read by nobody (update yml: "valid when
            // file_paths is passed").
            if input.action.as_deref().is_some_and(|a| !a.is_empty()) {
                return Err(PayloadError::Missing("filePaths"));
            }
            (None, None)
        }
        Some(paths) => {
            let action: UpdateAction = match input.action.as_deref() {
                None | Some("") => return Err(PayloadError::MissingAction),
                Some(a) => a.parse()?,
            };
            check_file_paths(paths, &mut warnings)?;
            (Some(action), Some(paths.clone()))
        }
    };
    let custom_audience_name = match &input.name {
        None => None,
        Some(n) => {
            let n = n.trim();
            if n.is_empty() {
                return Err(PayloadError::EmptyName);
            }
            if n.chars().count() > CUSTOM_AUDIENCE_NAME_MAX {
                return Err(PayloadError::NameTooLong(CUSTOM_AUDIENCE_NAME_MAX));
            }
            Some(n.to_owned())
        }
    };
    let audience_sub_type = match input.audience_sub_type.as_deref() {
        None => None,
        Some("REACH_FREQUENCY") => Some("REACH_FREQUENCY"),
        Some(_) => return Err(PayloadError::InvalidSubType),
    };
    if file_paths.is_none()
        && custom_audience_name.is_none()
        && audience_sub_type.is_none()
        && input.audience_enhancement.is_none()
    {
        return Err(PayloadError::NothingToUpdate);
    }
    Ok(Built {
        request: Request {
            path: UPDATE_PATH,
            body: CustomAudienceUpdateBody {
                advertiser_id: input.advertiser_id.clone(),
                custom_audience_id: input.custom_audience_id.clone(),
                action,
                file_paths,
                custom_audience_name,
                audience_sub_type,
                audience_enhancement: input.audience_enhancement,
            },
        },
        warnings,
    })
}

//! The PII guard: nothing that is not a hash gets past the proxy.
//!
//! Every identifier field must be lowercase hex of the length its `id_schema` or
//! `calculate_type` says (64 for SHA-256, 32 for MD5), checked with the crate's own
//! [`tikhash::normalize::prehashed::is_lower_hex_of_len`]. A refusal names the field and
//! row (`batch_data[3][1].id`, `data[0].user.email`, `file line 7`) and never the value.
//! Each check also returns what the ledger needs once TikTok says `code: 0`.

use crate::config::Config;
use crate::error::AppError;
use serde_json::{Map, Value};
use tikhash::normalize::prehashed::is_lower_hex_of_len;
use tikhash::{Algorithm, HexDigest};

/// Identifier types of the segment API's `id_schema` (tiktok-api.md §2.1).
pub const SEGMENT_ID_TYPES: [&str; 6] = [
    "EMAIL_SHA256",
    "PHONE_SHA256",
    "IDFA_SHA256",
    "IDFA_MD5",
    "AAID_SHA256",
    "AAID_MD5",
];

/// Customer-file `calculate_type` values the guard can check (tiktok-api.md §2.2).
/// `MULTIPLE_TYPES` is left out: its lines cannot be checked one by one.
pub const FILE_ID_TYPES: [&str; 10] = [
    "EMAIL_SHA256",
    "PHONE_SHA256",
    "IDFA_SHA256",
    "IDFA_MD5",
    "GAID_SHA256",
    "GAID_MD5",
    "MAID_SHA256",
    "MAID_MD5",
    "FIRST_SHA256",
    "FIRST_MD5",
];

/// The digest algorithm a type name implies (`*_MD5` is MD5, everything else SHA-256).
pub fn algorithm_of(id_type: &str) -> Algorithm {
    if id_type.ends_with("_MD5") {
        Algorithm::Md5
    } else {
        Algorithm::Sha256
    }
}

fn describe(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::Md5 => "MD5 (32 characters)",
        Algorithm::Sha256 => "SHA-256 (64 characters)",
    }
}

/// Looks `name` up case-insensitively in `list` and returns the canonical name.
pub fn canonical(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|t| t.eq_ignore_ascii_case(name))
}

/// The ledger's type for an identifier type name in either API, if known.
pub fn ledger_id_type(name: &str) -> Option<&'static str> {
    canonical(&SEGMENT_ID_TYPES, name).or_else(|| canonical(&FILE_ID_TYPES, name))
}

fn bad(field: impl Into<String>, reason: &'static str) -> AppError {
    AppError::BadField {
        field: field.into(),
        reason,
    }
}

/// Parses a JSON object body (400 if it is not one).
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, AppError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(AppError::MalformedJson),
    }
}

fn string_field<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a str, AppError> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::Number(_)) => Err(bad(key, "must be a string (ids exceed 2^53)")),
        None | Some(Value::Null) => Err(bad(key, "is required")),
        _ => Err(bad(key, "must be a non-empty string")),
    }
}

/// Checks an advertiser id against `TIKHASH_ADVERTISER_IDS` (403 otherwise).
pub fn allow_advertiser(config: &Config, field: &str, id: &str) -> Result<(), AppError> {
    if config.advertiser_allowed(id) {
        Ok(())
    } else {
        Err(AppError::AdvertiserNotAllowed {
            field: field.to_string(),
        })
    }
}

fn advertiser_id(config: &Config, obj: &Map<String, Value>) -> Result<String, AppError> {
    let id = string_field(obj, "advertiser_id")?;
    allow_advertiser(config, "advertiser_id", id)?;
    Ok(id.to_string())
}

fn hash_bytes(
    field: impl FnOnce() -> String,
    v: &str,
    alg: Algorithm,
) -> Result<Vec<u8>, AppError> {
    if is_lower_hex_of_len(v, alg.hex_len()) {
        if let Some(d) = HexDigest::parse(v) {
            return Ok(d.to_bytes());
        }
    }
    Err(AppError::NotAHash {
        field: field(),
        what: describe(alg),
    })
}

/// `POST segment/audience/`: only the advertiser needs checking (no identifiers).
pub fn check_segment_audience(
    config: &Config,
    obj: &Map<String, Value>,
) -> Result<String, AppError> {
    advertiser_id(config, obj)
}

/// `segment/mapping/` `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappingAction {
    /// Add members (TikTok's default).
    Add,
    /// Remove members.
    Delete,
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

/// A checked `segment/mapping/` body.
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

/// `POST segment/mapping/`: `id_schema` names, row alignment and every `batch_data[i][j].id`.
pub fn check_mapping(config: &Config, obj: &Map<String, Value>) -> Result<MappingPlan, AppError> {
    let ids = match obj.get("advertiser_ids") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        _ => {
            return Err(bad(
                "advertiser_ids",
                "must be a non-empty array of strings",
            ))
        }
    };
    let mut advertiser_ids = Vec::with_capacity(ids.len());
    for (i, v) in ids.iter().enumerate() {
        let field = format!("advertiser_ids[{i}]");
        let Value::String(s) = v else {
            return Err(bad(field, "must be a string"));
        };
        allow_advertiser(config, &field, s)?;
        advertiser_ids.push(s.clone());
    }
    let action = match obj.get("action") {
        None | Some(Value::Null) => MappingAction::Add,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("add") => MappingAction::Add,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("delete") => MappingAction::Delete,
        _ => return Err(bad("action", "must be \"add\" or \"delete\"")),
    };
    let schema = match obj.get("id_schema") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        _ => {
            return Err(bad(
                "id_schema",
                "must be a non-empty array of id type names",
            ))
        }
    };
    let mut types: Vec<&'static str> = Vec::with_capacity(schema.len());
    for (j, v) in schema.iter().enumerate() {
        let t = v
            .as_str()
            .and_then(|s| canonical(&SEGMENT_ID_TYPES, s))
            .ok_or_else(|| {
                bad(
                    format!("id_schema[{j}]"),
                    "must be one of EMAIL_SHA256, PHONE_SHA256, IDFA_SHA256, IDFA_MD5, AAID_SHA256, AAID_MD5",
                )
            })?;
        if types.contains(&t) {
            return Err(bad(format!("id_schema[{j}]"), "repeats an id type"));
        }
        types.push(t);
    }
    let rows = match obj.get("batch_data") {
        Some(Value::Array(a)) => a,
        _ => return Err(bad("batch_data", "must be an array of rows")),
    };
    let mut cells = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Value::Array(row) = row else {
            return Err(bad(format!("batch_data[{i}]"), "must be an array"));
        };
        if row.len() != types.len() {
            return Err(bad(
                format!("batch_data[{i}]"),
                "must have one element per id_schema entry (rows are positional)",
            ));
        }
        for (j, cell) in row.iter().enumerate() {
            let Value::Object(cell) = cell else {
                return Err(bad(format!("batch_data[{i}][{j}]"), "must be an object"));
            };
            if cell.is_empty() {
                continue;
            }
            for key in cell.keys() {
                if key != "id" && key != "audience_ids" {
                    return Err(bad(
                        format!("batch_data[{i}][{j}]"),
                        "may hold only id and audience_ids",
                    ));
                }
            }
            let alg = algorithm_of(types[j]);
            let id = match cell.get("id") {
                Some(Value::String(s)) => s,
                Some(_) => {
                    return Err(AppError::NotAHash {
                        field: format!("batch_data[{i}][{j}].id"),
                        what: describe(alg),
                    })
                }
                None => return Err(bad(format!("batch_data[{i}][{j}].id"), "is required")),
            };
            let digest = hash_bytes(|| format!("batch_data[{i}][{j}].id"), id, alg)?;
            let audience_ids = match cell.get("audience_ids") {
                Some(Value::Array(a)) if !a.is_empty() => a
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        bad(
                            format!("batch_data[{i}][{j}].audience_ids"),
                            "must hold strings",
                        )
                    })?,
                _ => {
                    return Err(bad(
                        format!("batch_data[{i}][{j}].audience_ids"),
                        "must be a non-empty array of audience ids",
                    ))
                }
            };
            cells.push(Cell {
                id_type: types[j],
                digest,
                audience_ids,
            });
        }
    }
    Ok(MappingPlan {
        advertiser_ids,
        action,
        cells,
        rows: rows.len(),
    })
}

/// `user` fields that carry an identifier and must be SHA-256 hex (a string or an array).
const HASHED_USER_FIELDS: [&str; 5] = ["email", "phone", "external_id", "idfa", "gaid"];
/// `user` fields TikTok takes unhashed (tiktok-api.md §2.3). Anything else is refused.
const PLAIN_USER_FIELDS: [&str; 7] = [
    "ttclid",
    "ttp",
    "ip",
    "user_agent",
    "locale",
    "att_status",
    "lead_id",
];

/// `POST event/track/`: every `data[i].user` identifier must be SHA-256 hex; `ip`,
/// `user_agent`, `ttclid`, `ttp`, `locale`, `att_status` pass as they are; any other `user`
/// field is refused. Returns the number of events.
pub fn check_track(obj: &Map<String, Value>) -> Result<usize, AppError> {
    if obj.contains_key("user") {
        return Err(bad(
            "user",
            "belongs inside each event (data[i].user), not at the top level",
        ));
    }
    let events = match obj.get("data") {
        Some(Value::Array(a)) => a,
        _ => return Err(bad("data", "must be an array of events")),
    };
    for (i, ev) in events.iter().enumerate() {
        let Value::Object(ev) = ev else {
            return Err(bad(format!("data[{i}]"), "must be an object"));
        };
        let user = match ev.get("user") {
            None | Some(Value::Null) => continue,
            Some(Value::Object(u)) => u,
            Some(_) => return Err(bad(format!("data[{i}].user"), "must be an object")),
        };
        for (key, v) in user {
            if HASHED_USER_FIELDS.contains(&key.as_str()) {
                let alg = Algorithm::Sha256;
                match v {
                    Value::Null => {}
                    Value::String(s) => {
                        hash_bytes(|| format!("data[{i}].user.{key}"), s, alg)?;
                    }
                    Value::Array(a) => {
                        for (k, x) in a.iter().enumerate() {
                            let field = || format!("data[{i}].user.{key}[{k}]");
                            match x {
                                Value::String(s) => {
                                    hash_bytes(field, s, alg)?;
                                }
                                _ => {
                                    return Err(AppError::NotAHash {
                                        field: field(),
                                        what: describe(alg),
                                    })
                                }
                            }
                        }
                    }
                    _ => {
                        return Err(AppError::NotAHash {
                            field: format!("data[{i}].user.{key}"),
                            what: describe(alg),
                        })
                    }
                }
            } else if !PLAIN_USER_FIELDS.contains(&key.as_str()) {
                return Err(bad(
                    format!("data[{i}].user"),
                    "holds a field the proxy does not forward (allowed: email, phone, external_id, idfa, gaid as SHA-256; ttclid, ttp, ip, user_agent, locale, att_status, lead_id)",
                ));
            }
        }
    }
    Ok(events.len())
}

/// The fields of a customer-file upload (`multipart/form-data`).
#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    /// `advertiser_id`.
    pub advertiser_id: String,
    /// `calculate_type`, canonical name.
    pub calculate_type: &'static str,
    /// `file_signature` (MD5 hex of the file, as the client sent it).
    pub file_signature: String,
    /// The file part's name (`file_name` field, or the part's filename).
    pub file_name: Option<String>,
    /// The file's bytes.
    pub file: Vec<u8>,
}

/// Parses a customer-file upload body without changing it (the original bytes are what
/// gets forwarded).
pub async fn parse_upload(content_type: &str, body: bytes::Bytes) -> Result<UploadForm, AppError> {
    let boundary =
        multer::parse_boundary(content_type).map_err(|_| AppError::UnsupportedMediaType {
            expected: "multipart/form-data with a boundary",
        })?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut advertiser_id = None;
    let mut calculate_type = None;
    let mut file_signature = None;
    let mut file_name = None;
    let mut part_file_name = None;
    let mut file = None;
    let malformed = |_| bad("multipart body", "could not be parsed");
    while let Some(field) = mp.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                part_file_name = field.file_name().map(str::to_string);
                file = Some(field.bytes().await.map_err(malformed)?.to_vec());
            }
            "advertiser_id" | "calculate_type" | "file_signature" | "file_name" | "name" => {
                let text = field.text().await.map_err(malformed)?;
                match name.as_str() {
                    "advertiser_id" => advertiser_id = Some(text),
                    "calculate_type" => calculate_type = Some(text),
                    "file_signature" => file_signature = Some(text),
                    _ => file_name = Some(text),
                }
            }
            _ => {
                return Err(bad(
                    "multipart body",
                    "holds a field TikTok's upload does not take",
                ))
            }
        }
    }
    let advertiser_id = advertiser_id.ok_or_else(|| bad("advertiser_id", "is required"))?;
    let calculate_type = calculate_type
        .as_deref()
        .and_then(|c| canonical(&FILE_ID_TYPES, c.trim()))
        .ok_or_else(|| {
            bad(
                "calculate_type",
                "must be a single-type calculate_type (EMAIL_SHA256, PHONE_SHA256, IDFA_SHA256, IDFA_MD5, GAID_SHA256, GAID_MD5, MAID_SHA256, MAID_MD5, FIRST_SHA256, FIRST_MD5)",
            )
        })?;
    Ok(UploadForm {
        advertiser_id,
        calculate_type,
        file_signature: file_signature.ok_or_else(|| bad("file_signature", "is required"))?,
        file_name: file_name.or(part_file_name),
        file: file.ok_or_else(|| bad("file", "is required"))?,
    })
}

/// Checks every line of a customer file: an optional header line naming an id type, then
/// one lowercase hex digest per line (blank lines and a final newline are fine). Returns
/// the digests' bytes. Refusals name the 1-based line number.
pub fn check_file_lines(
    calculate_type: &'static str,
    file: &[u8],
) -> Result<Vec<Vec<u8>>, AppError> {
    let alg = algorithm_of(calculate_type);
    let text = std::str::from_utf8(file).map_err(|_| AppError::NotAHash {
        field: "file".into(),
        what: describe(alg),
    })?;
    let mut out = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if n == 0 && ledger_id_type(line.trim()).is_some() {
            continue; // a header row such as EMAIL_SHA256
        }
        out.push(hash_bytes(|| format!("file line {}", n + 1), line, alg)?);
    }
    Ok(out)
}

/// `POST file/upload/` as a whole: the advertiser and every line of the file.
pub fn check_upload(config: &Config, form: &UploadForm) -> Result<Vec<Vec<u8>>, AppError> {
    allow_advertiser(config, "advertiser_id", &form.advertiser_id)?;
    check_file_lines(form.calculate_type, &form.file)
}

fn file_paths(obj: &Map<String, Value>, required: bool) -> Result<Vec<String>, AppError> {
    match obj.get("file_paths") {
        None | Some(Value::Null) if !required => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("file_paths", "must hold strings")),
        _ => Err(bad("file_paths", "must be an array of file_path strings")),
    }
}

/// A checked `dmp/custom_audience/create/` body.
#[derive(Debug, Clone)]
pub struct CreatePlan {
    /// `advertiser_id`.
    pub advertiser_id: String,
    /// `file_paths`.
    pub file_paths: Vec<String>,
}

/// `POST dmp/custom_audience/create/`: the advertiser and the shape of `file_paths`.
pub fn check_create(config: &Config, obj: &Map<String, Value>) -> Result<CreatePlan, AppError> {
    Ok(CreatePlan {
        advertiser_id: advertiser_id(config, obj)?,
        file_paths: file_paths(obj, true)?,
    })
}

/// `dmp/custom_audience/update/` `action`.
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

/// A checked `dmp/custom_audience/update/` body.
#[derive(Debug, Clone)]
pub struct UpdatePlan {
    /// `advertiser_id`.
    pub advertiser_id: String,
    /// `custom_audience_id`.
    pub audience_id: String,
    /// `action` (REPLACE when absent, as TikTok does).
    pub action: FileAction,
    /// `file_paths` (may be empty for a rename).
    pub file_paths: Vec<String>,
}

/// `POST dmp/custom_audience/update/`.
pub fn check_update(config: &Config, obj: &Map<String, Value>) -> Result<UpdatePlan, AppError> {
    let advertiser_id = advertiser_id(config, obj)?;
    let audience_id = string_field(obj, "custom_audience_id")?.to_string();
    let action = match obj.get("action") {
        None | Some(Value::Null) => FileAction::Replace,
        Some(Value::String(s)) => match s.to_ascii_uppercase().as_str() {
            "APPEND" => FileAction::Append,
            "REMOVE" => FileAction::Remove,
            "REPLACE" => FileAction::Replace,
            _ => return Err(bad("action", "must be APPEND, REMOVE or REPLACE")),
        },
        _ => return Err(bad("action", "must be APPEND, REMOVE or REPLACE")),
    };
    Ok(UpdatePlan {
        advertiser_id,
        audience_id,
        action,
        file_paths: file_paths(obj, false)?,
    })
}

/// The value of query parameter `key`, percent-decoded (`+` is a space).
pub fn query_param(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| percent_decode(v))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// `GET dmp/custom_audience/list/` and `get/`: the `advertiser_id` query parameter.
pub fn check_query_advertiser(config: &Config, query: &str) -> Result<String, AppError> {
    let id = query_param(query, "advertiser_id")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| bad("advertiser_id", "is required"))?;
    allow_advertiser(config, "advertiser_id", &id)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const H: &str = "848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f";

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn mapping_names_the_cell() {
        let c = Config::sandbox();
        let body = obj(
            json!({"advertiser_ids":["1"],"id_schema":["EMAIL_SHA256","IDFA_MD5"],
            "batch_data":[[{"id":H,"audience_ids":["9"]},{}],[{},{"id":H,"audience_ids":["9"]}]]}),
        );
        let e = check_mapping(&c, &body).unwrap_err();
        assert!(e.to_string().starts_with("batch_data[1][1].id"), "{e}");
        let ok = obj(json!({"advertiser_ids":["1"],"id_schema":["email_sha256"],
            "batch_data":[[{"id":H,"audience_ids":["9"]}],[{}]]}));
        let p = check_mapping(&c, &ok).unwrap();
        assert_eq!((p.cells.len(), p.rows, p.cells[0].digest.len()), (1, 2, 32));
    }

    #[test]
    fn file_lines_allow_a_header_only_first() {
        let f = format!("EMAIL_SHA256\r\n{H}\r\n\n{H}\n");
        assert_eq!(
            check_file_lines("EMAIL_SHA256", f.as_bytes())
                .unwrap()
                .len(),
            2
        );
        let f = format!("{H}\nEMAIL_SHA256\n");
        let e = check_file_lines("EMAIL_SHA256", f.as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("file line 2"));
    }
}

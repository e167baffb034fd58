//! The customer-file upload (`multipart/form-data`, tiktok-api.md §2.2): read strictly, every
//! line checked, and rebuilt as a fresh multipart body from the checked parts.
//!
//! Refused: bytes before the first boundary or after the closing one (a preamble or epilogue
//! is forwarded by some proxies and read by nobody checking it), a part name TikTok does not
//! define, any part twice (two `file` parts: which one did the guard read?), a
//! `file_signature` that is not the MD5 of the file.

use crate::error::AppError;
use bytes::Bytes;
use tikhash::hash::digest;
use tikhash::schema::custom_audience::UploadFields;
use tikhash::schema::id_type::multiple_types_column;
use tikhash::schema::{CalculateType, WireDigest};
use tikhash::Algorithm;

/// A checked upload, ready to be forwarded.
#[derive(Debug, Clone)]
pub struct UploadForm {
    /// The checked text fields.
    pub fields: UploadFields,
    /// Whether the client sent the optional `name` part (then it is forwarded). TikTok's
    /// upload yml defines `name` and its gateway reads only that; the generated SDK's
    /// `file_name` is refused (see `tikhash::payload::customer_file::UploadFields`).
    pub name_part: Option<&'static str>,
    /// The file's bytes.
    pub file: Vec<u8>,
}

fn bad(field: impl Into<String>, reason: &'static str) -> AppError {
    AppError::BadField {
        field: field.into(),
        reason,
    }
}

const TEXT_PARTS: [&str; 5] = [
    "advertiser_id",
    "calculate_type",
    "file_signature",
    "name",
    "context_info",
];

/// Parses an upload body. Nothing but the parts TikTok defines, each once.
pub async fn parse_upload(content_type: &str, body: Bytes) -> Result<UploadForm, AppError> {
    let boundary =
        multer::parse_boundary(content_type).map_err(|_| AppError::UnsupportedMediaType {
            expected: "multipart/form-data with a boundary",
        })?;
    check_no_preamble_or_epilogue(&body, &boundary)?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let malformed = |_| bad("multipart body", "could not be parsed");
    let mut text: [Option<String>; 5] = Default::default();
    let mut file: Option<(Option<String>, Vec<u8>)> = None;
    while let Some(field) = mp.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            if file.is_some() {
                return Err(bad("file", "appears twice (one file per upload)"));
            }
            let file_name = field.file_name().map(str::to_string);
            file = Some((file_name, field.bytes().await.map_err(malformed)?.to_vec()));
            continue;
        }
        if name == "file_name" {
            return Err(bad(
                "file_name",
                "is not read by TikTok: send the file's name in the name part",
            ));
        }
        let Some(i) = TEXT_PARTS.iter().position(|p| *p == name) else {
            return Err(bad(
                "multipart body",
                "holds a part TikTok's upload does not define",
            ));
        };
        if text[i].is_some() {
            return Err(bad(
                TEXT_PARTS[i],
                "appears twice (repeated parts are refused)",
            ));
        }
        text[i] = Some(field.text().await.map_err(malformed)?);
    }
    let [advertiser_id, calculate_type, file_signature, name, context_info] = text;
    let (part_file_name, file) = file.ok_or_else(|| bad("file", "is required"))?;
    // Checked, never forwarded: TikTok fills context_info from its own request context.
    if let Some(c) = context_info {
        tikhash::schema::custom_audience::ContextInfo::parse_part(&c)
            .map_err(super::json::refusal)?;
    }
    let name_part = name.is_some().then_some("name");
    let shown_name = name
        .or(part_file_name)
        .ok_or_else(|| bad("name", "is required (the file part has no filename)"))?;
    let fields = UploadFields::parse(
        &advertiser_id.ok_or_else(|| bad("advertiser_id", "is required"))?,
        &calculate_type.ok_or_else(|| bad("calculate_type", "is required"))?,
        &file_signature.ok_or_else(|| bad("file_signature", "is required"))?,
        &shown_name,
    )
    .map_err(super::json::refusal)?;
    Ok(UploadForm {
        fields,
        name_part,
        file,
    })
}

/// The body must start with the first delimiter and end right after the closing one.
fn check_no_preamble_or_epilogue(body: &[u8], boundary: &str) -> Result<(), AppError> {
    let open = format!("--{boundary}\r\n");
    if !body.starts_with(open.as_bytes()) {
        return Err(bad(
            "multipart body",
            "has bytes before its first boundary (a preamble)",
        ));
    }
    let close = format!("\r\n--{boundary}--");
    let end = find(body, close.as_bytes())
        .ok_or_else(|| bad("multipart body", "has no closing boundary"))?
        + close.len();
    match &body[end..] {
        b"" | b"\r\n" => Ok(()),
        _ => Err(bad(
            "multipart body",
            "has bytes after its closing boundary (an epilogue)",
        )),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// What a checked file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileDigests {
    /// A one-type file: every digest's bytes, in file order.
    One(Vec<Vec<u8>>),
    /// A `MULTIPLE_TYPES` file: its column types, the number of data lines, and every
    /// non-empty field's digest bytes.
    Multiple {
        /// Each column's type, from the header row.
        columns: Vec<CalculateType>,
        /// Data lines.
        lines: usize,
        /// The digests of every field, line by line.
        digests: Vec<Vec<u8>>,
    },
}

impl FileDigests {
    /// Every digest in the file.
    pub fn digests(&self) -> &[Vec<u8>] {
        match self {
            FileDigests::One(d) | FileDigests::Multiple { digests: d, .. } => d,
        }
    }

    /// Identifiers in the file.
    pub fn count(&self) -> usize {
        match self {
            FileDigests::One(d) => d.len(),
            FileDigests::Multiple { lines, .. } => *lines,
        }
    }
}

fn digest_of(line_no: usize, s: &str, algorithm: Algorithm) -> Result<Vec<u8>, AppError> {
    match WireDigest::parse(s) {
        Some(d) if d.algorithm() == algorithm => Ok(d.to_bytes()),
        _ => Err(AppError::NotAHash {
            field: format!("file line {line_no}"),
            what: match algorithm {
                Algorithm::Md5 => "MD5 (32 characters)",
                Algorithm::Sha256 => "SHA-256 (64 characters)",
            },
        }),
    }
}

/// Checks every line of a customer file. A one-type file: an optional header line naming an
/// id type, then one lowercase hex digest per line (blank lines and a final newline are fine).
/// A `MULTIPLE_TYPES` file: a header row of column types, then per line one field per column,
/// each empty or a digest of its column's type. Refusals name the 1-based line.
pub fn check_file_lines(
    calculate_type: CalculateType,
    file: &[u8],
) -> Result<FileDigests, AppError> {
    let text = std::str::from_utf8(file).map_err(|_| AppError::NotAHash {
        field: "file".into(),
        what: "digest per line (the file is not UTF-8 text)",
    })?;
    let lines = text
        .split('\n')
        .enumerate()
        .map(|(n, l)| (n + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.is_empty());
    let Some(algorithm) = calculate_type.algorithm() else {
        return check_multiple_types(lines);
    };
    let mut out = Vec::new();
    for (n, line) in lines {
        if n == 1 && is_header(line) {
            continue;
        }
        out.push(digest_of(n, line, algorithm)?);
    }
    Ok(FileDigests::One(out))
}

fn is_header(line: &str) -> bool {
    tikhash::schema::SegmentIdType::from_name(line).is_some()
        || CalculateType::from_name(line).is_some()
}

fn check_multiple_types<'a>(
    mut lines: impl Iterator<Item = (usize, &'a str)>,
) -> Result<FileDigests, AppError> {
    let (n, header) = lines.next().ok_or_else(|| {
        bad(
            "file",
            "is empty (a MULTIPLE_TYPES file needs a header row)",
        )
    })?;
    let columns = header
        .split(',')
        .map(multiple_types_column)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            bad(
                format!("file line {n}"),
                "must be a header row of id types (EMAIL_SHA256, PHONE_SHA256, MAID_SHA256…)",
            )
        })?;
    let mut count = 0;
    let mut digests = Vec::new();
    for (n, line) in lines {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != columns.len() {
            return Err(bad(
                format!("file line {n}"),
                "does not have one field per header column",
            ));
        }
        for (f, t) in fields.iter().zip(&columns) {
            if !f.is_empty() {
                // Header columns are never MULTIPLE_TYPES, so each has a digest.
                digests.push(digest_of(n, f, t.algorithm().unwrap_or(Algorithm::Sha256))?);
            }
        }
        count += 1;
    }
    Ok(FileDigests::Multiple {
        columns,
        lines: count,
        digests,
    })
}

/// Checks the file against its signature and its type.
pub fn check_upload_file(form: &UploadForm) -> Result<FileDigests, AppError> {
    if digest(Algorithm::Md5, &form.file).as_str() != form.fields.file_signature.as_str() {
        return Err(bad("file_signature", "is not the MD5 of the file"));
    }
    check_file_lines(form.fields.calculate_type, &form.file)
}

/// A fresh multipart body from the checked parts, with a boundary of the proxy's own; returns
/// `(content type, body)`.
pub fn rebuild(form: &UploadForm) -> (String, Bytes) {
    let boundary = format!("tikhash-{:032x}", fastrand::u128(..));
    let mut b = Vec::with_capacity(form.file.len() + 1024);
    let mut part = |name: &str, value: &str| {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    };
    let f = &form.fields;
    part("advertiser_id", f.advertiser_id.as_str());
    part("calculate_type", f.calculate_type.as_str());
    part("file_signature", f.file_signature.as_str());
    if let Some(name) = form.name_part {
        part(name, &f.file_name);
    }
    let media = if f.file_name.to_ascii_lowercase().ends_with(".csv") {
        "text/csv"
    } else {
        "text/plain"
    };
    b.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: {media}\r\n\r\n",
            f.file_name
        )
        .as_bytes(),
    );
    b.extend_from_slice(&form.file);
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (
        format!("multipart/form-data; boundary={boundary}"),
        Bytes::from(b),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f";

    #[test]
    fn file_lines_allow_a_header_only_first() {
        let f = format!("EMAIL_SHA256\r\n{H}\r\n\n{H}\n");
        let d = check_file_lines(CalculateType::EMAIL_SHA256, f.as_bytes()).unwrap();
        assert_eq!(d.count(), 2);
        let f = format!("{H}\nEMAIL_SHA256\n");
        let e = check_file_lines(CalculateType::EMAIL_SHA256, f.as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("file line 2"));
    }

    #[test]
    fn multiple_types_checks_each_column() {
        let md5 = "e0325b8b05ba7d9db78391834c48cec0";
        let ok = format!("EMAIL_SHA256,MAID_MD5\n{H},{md5}\n,{md5}\n{H},\n");
        let d = check_file_lines(CalculateType::MULTIPLE_TYPES, ok.as_bytes()).unwrap();
        assert_eq!(d.count(), 3);
        let raw = format!("EMAIL_SHA256,MAID_MD5\n{H},{md5}\nalice@example.com,\n");
        let e = check_file_lines(CalculateType::MULTIPLE_TYPES, raw.as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("file line 3") && !e.to_string().contains("alice"));
        let swapped = format!("EMAIL_SHA256,MAID_MD5\n{md5},{H}\n");
        assert!(check_file_lines(CalculateType::MULTIPLE_TYPES, swapped.as_bytes()).is_err());
        let ragged = format!("EMAIL_SHA256,MAID_MD5\n{H}\n");
        assert!(check_file_lines(CalculateType::MULTIPLE_TYPES, ragged.as_bytes()).is_err());
    }

    /// A multipart body with `parts` and a one-line file.
    fn form(parts: &[(&str, &str)]) -> (String, Bytes) {
        let file = format!("{H}\n");
        let sig = digest(Algorithm::Md5, file.as_bytes());
        let mut b = String::new();
        let all = [
            ("advertiser_id", "7012345678901234567"),
            ("calculate_type", "EMAIL_SHA256"),
            ("file_signature", sig.as_str()),
        ];
        for (k, v) in all.iter().chain(parts) {
            b += &format!("--X\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n");
        }
        b += &format!("--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n{file}\r\n--X--\r\n");
        ("multipart/form-data; boundary=X".into(), Bytes::from(b))
    }

    #[tokio::test]
    async fn the_name_part_is_name_and_context_info_is_checked_not_forwarded() {
        let (ct, b) = form(&[("name", "list.txt")]);
        let f = parse_upload(&ct, b).await.unwrap();
        assert_eq!(
            (f.name_part, f.fields.file_name.as_str()),
            (Some("name"), "list.txt")
        );
        let (ct, b) = form(&[("file_name", "list.txt")]);
        let e = parse_upload(&ct, b).await.unwrap_err();
        assert!(e.to_string().contains("file_name"), "{e}");
        let (ct, b) = form(&[("context_info", r#"{"core_user_id": 7}"#)]);
        let f = parse_upload(&ct, b).await.unwrap();
        let (_, rebuilt) = rebuild(&f);
        assert!(!String::from_utf8_lossy(&rebuilt).contains("context_info"));
        for bad in [r#"{"email": "a@b.co"}"#, "7", r#"{"app_id": "1"}"#] {
            let (ct, b) = form(&[("context_info", bad)]);
            let e = parse_upload(&ct, b).await.unwrap_err();
            assert!(
                e.to_string().contains("context_info") && !e.to_string().contains("a@b.co"),
                "{e}"
            );
        }
    }
}

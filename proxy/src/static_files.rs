//! The web page at `/` and the npm package at `/pkg/`, embedded in the binary at build time
//! (build.rs picks `www/` and `pkg/`), so `tikhash-proxy` serves them from any directory.
//! `TIKHASH_WWW_DIR` / `TIKHASH_PKG_DIR` serve a folder instead (development); a folder never
//! yields a dotfile or anything under a dot-folder, nor a file reached through a symlink
//! that leads out of it. `.wasm` is `application/wasm`, so browsers can stream-compile it.

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use rust_embed::RustEmbed;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The page, as built into this binary.
#[derive(RustEmbed)]
#[folder = "$TIKHASH_EMBED_WWW"]
#[exclude = ".*"]
#[exclude = "*/.*"]
struct EmbeddedWww;

/// The npm package, as built into this binary (empty when `pkg/` did not exist).
#[derive(RustEmbed)]
#[folder = "$TIKHASH_EMBED_PKG"]
#[exclude = ".*"]
#[exclude = "*/.*"]
struct EmbeddedPkg;

/// What `/pkg/` says when the binary was built before the package.
pub const PKG_NOT_BUILT: &str = "the npm package was not built into this tikhash-proxy: run `bash scripts/build-pkg.sh`, then rebuild the proxy (`cargo build -p tikhash-proxy`), or set TIKHASH_PKG_DIR to a built package folder\n";

/// Where one tree of files comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The page embedded at build time.
    EmbeddedWww,
    /// The package embedded at build time.
    EmbeddedPkg,
    /// A folder on disk (`TIKHASH_WWW_DIR` / `TIKHASH_PKG_DIR`).
    Folder(PathBuf),
}

/// The two trees the proxy serves.
#[derive(Debug, Clone)]
pub struct StaticFiles {
    /// Served at `/`.
    pub www: Source,
    /// Served at `/pkg/`.
    pub pkg: Source,
}

impl StaticFiles {
    /// The folders when given, the embedded files otherwise.
    pub fn new(www_dir: Option<&Path>, pkg_dir: Option<&Path>) -> StaticFiles {
        StaticFiles {
            www: www_dir.map_or(Source::EmbeddedWww, |d| Source::Folder(d.to_path_buf())),
            pkg: pkg_dir.map_or(Source::EmbeddedPkg, |d| Source::Folder(d.to_path_buf())),
        }
    }

    /// Answers a request for a static file (the router's fallback).
    pub async fn respond(&self, method: &Method, uri: &Uri) -> Response {
        if method != Method::GET && method != Method::HEAD {
            let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        let path = uri.path();
        let (source, rest) = match path.strip_prefix("/pkg/") {
            Some(rest) => (&self.pkg, rest),
            None if path == "/pkg" => return redirect("/pkg/"),
            None => (&self.www, path.strip_prefix('/').unwrap_or(path)),
        };
        let Some(request) = RelativePath::parse(rest) else {
            return not_found();
        };
        match source {
            Source::EmbeddedWww => embedded::<EmbeddedWww>(&request, path, false),
            Source::EmbeddedPkg => {
                embedded::<EmbeddedPkg>(&request, path, env!("TIKHASH_EMBED_PKG_PRESENT") != "1")
            }
            Source::Folder(root) => from_folder(root, &request, path).await,
        }
    }
}

/// A request path made safe to look up: decoded segments, none empty, none starting with
/// `.` (so no `..`, no dotfile, no dot-folder), none holding `/`, `\`, `:` or NUL.
#[derive(Debug, PartialEq, Eq)]
pub struct RelativePath {
    segments: Vec<String>,
    /// The path ended in `/` (or was empty): it names a folder's `index.html`.
    pub is_dir: bool,
}

impl RelativePath {
    /// Parses the part of a URI path after the tree's prefix; `None` for anything unsafe.
    pub fn parse(raw: &str) -> Option<RelativePath> {
        let is_dir = raw.is_empty() || raw.ends_with('/');
        let trimmed = raw.strip_suffix('/').unwrap_or(raw);
        let mut segments = Vec::new();
        if !trimmed.is_empty() {
            for seg in trimmed.split('/') {
                let decoded = percent_decode_str(seg).decode_utf8().ok()?;
                let bad = decoded.is_empty()
                    || decoded.starts_with('.')
                    || decoded.contains(['/', '\\', ':', '\0']);
                if bad {
                    return None;
                }
                segments.push(decoded.into_owned());
            }
        }
        Some(RelativePath { segments, is_dir })
    }

    /// The path within the tree, `/`-separated, `index.html` added for a folder.
    pub fn file_key(&self) -> String {
        let mut key = self.segments.join("/");
        if self.is_dir {
            if !key.is_empty() {
                key.push('/');
            }
            key.push_str("index.html");
        }
        key
    }
}

fn embedded<E: RustEmbed>(request: &RelativePath, uri_path: &str, missing_pkg: bool) -> Response {
    let key = request.file_key();
    if let Some(file) = E::get(&key) {
        return file_response(&key, file.data);
    }
    if !request.is_dir && E::get(&format!("{key}/index.html")).is_some() {
        return redirect(&format!("{uri_path}/"));
    }
    if missing_pkg {
        return plain(StatusCode::NOT_FOUND, PKG_NOT_BUILT);
    }
    not_found()
}

async fn from_folder(root: &Path, request: &RelativePath, uri_path: &str) -> Response {
    let Ok(root) = tokio::fs::canonicalize(root).await else {
        tracing::warn!("the static folder cannot be opened");
        return not_found();
    };
    let Some(target) = resolve_inside(&root, &request.file_key()).await else {
        if !request.is_dir {
            let index = format!("{}/index.html", request.file_key());
            if resolve_inside(&root, &index).await.is_some() {
                return redirect(&format!("{uri_path}/"));
            }
        }
        return not_found();
    };
    match tokio::fs::read(&target).await {
        Ok(bytes) => file_response(&request.file_key(), Cow::Owned(bytes)),
        Err(_) => not_found(),
    }
}

/// The real path of `key` under `root` (both canonical), if it is a regular file that
/// stays inside `root` and is no dotfile once every symlink is followed.
async fn resolve_inside(root: &Path, key: &str) -> Option<PathBuf> {
    let real = tokio::fs::canonicalize(root.join(key)).await.ok()?;
    let inside = real.strip_prefix(root).ok()?;
    let hidden = inside
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if hidden || !tokio::fs::metadata(&real).await.ok()?.is_file() {
        return None;
    }
    Some(real)
}

fn file_response(key: &str, data: Cow<'static, [u8]>) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let mut r = Response::new(Body::from(data));
    if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    // Revalidate every time, so a rebuilt page or package is picked up at once.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "not found\n")
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        for raw in [
            "..",
            "../etc/passwd",
            "a/../../b",
            "%2e%2e/x",
            "%2E%2E%2Fx",
            ".env",
            "%2eenv",
            "a/.git/config",
            "a\\..\\b",
            "a%5c..%5cb",
            "a//b",
            "c:x",
            "a%00b",
            "%ff",
        ] {
            assert_eq!(RelativePath::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn safe_paths_name_files_and_indexes() {
        let key = |raw: &str| RelativePath::parse(raw).map(|p| p.file_key());
        assert_eq!(key("").as_deref(), Some("index.html"));
        assert_eq!(key("app.js").as_deref(), Some("app.js"));
        assert_eq!(key("docs/").as_deref(), Some("docs/index.html"));
        assert_eq!(key("a%20b.txt").as_deref(), Some("a b.txt"));
        assert_eq!(key("pkg.v1/x.wasm").as_deref(), Some("pkg.v1/x.wasm"));
    }

    #[test]
    fn wasm_is_application_wasm() {
        let r = file_response("x/tikhash_core_bg.wasm", Cow::Borrowed(b"\0asm"));
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/wasm");
    }
}

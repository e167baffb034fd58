//! The web page (`TIKHASH_WWW_DIR`, at `/`) and the npm package (`TIKHASH_PKG_DIR`, at
//! `/pkg/`). `.wasm` is served as `application/wasm`, so browsers can stream-compile it.

use std::path::Path;
use tower_http::services::ServeDir;

/// A static directory service with `index.html` for directories.
pub fn dir(path: &Path) -> ServeDir {
    ServeDir::new(path).append_index_html_on_directories(true)
}

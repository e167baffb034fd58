#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(missing_docs))]

pub mod batch;
pub mod csv;
pub mod error;
pub mod hash;
pub mod hex;
pub mod normalize;
pub mod options;
pub mod payload;
pub mod schema;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use batch::{hash_batch, BatchResult};
pub use error::{OptionsError, Reject, Rejection};
pub use hash::{hash, hash_normalized, HexDigest};
pub use normalize::{normalize, Normalized};
pub use options::{Algorithm, Country, Kind, Options, PhoneFormat, Profile};

//! The tikhash crate as the Python extension module `tikhash._core`: type conversion only, every
//! rule lives in the crate at the repository root. The Python package `tikhash` re-exports these
//! functions and adds the Spark, DuckDB and Polars adapters.

mod arrow;
mod errors;
mod options;
mod scalar;

use pyo3::prelude::*;

/// The extension module: `normalize`, `hash`, `hash_array`, `reject_codes` and the exceptions.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scalar::normalize, m)?)?;
    m.add_function(wrap_pyfunction!(scalar::hash, m)?)?;
    m.add_function(wrap_pyfunction!(scalar::reject_codes, m)?)?;
    m.add_function(wrap_pyfunction!(arrow::hash_array, m)?)?;
    errors::add_to(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

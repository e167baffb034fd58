//! The `users` and `keys` subcommands of `tikhash-proxy`, on the ledger file `TIKHASH_DB`:
//!
//! ```text
//! tikhash-proxy users add NAME --role admin|syncer|viewer   (password: first line of stdin)
//! tikhash-proxy users list
//! tikhash-proxy users remove NAME
//! tikhash-proxy keys create --name NAME --role admin|syncer|viewer   (key: last line of stdout)
//! tikhash-proxy keys list
//! tikhash-proxy keys revoke NAME
//! ```

use crate::access::{keys, users, AccessError, Role};
use crate::ledger::{Ledger, LedgerError};
use std::io::{BufRead, Write};
use std::path::Path;

/// How to call the subcommands (printed on a usage error).
pub const USAGE: &str = "usage: tikhash-proxy users add NAME --role admin|syncer|viewer (password on stdin) | users list | users remove NAME | keys create --name NAME --role ROLE | keys list | keys revoke NAME";

/// Why a subcommand failed; one line each, then exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The arguments are not one of the forms in [`USAGE`].
    #[error("{USAGE}")]
    Usage,
    /// The ledger file could not be opened.
    #[error("cannot open the ledger {path}: {source}")]
    Open {
        /// The file.
        path: String,
        /// Why.
        source: LedgerError,
    },
    /// Adding, listing or removing failed.
    #[error("{0}")]
    Access(#[from] AccessError),
    /// No password on stdin.
    #[error("no password on stdin (type it, or pipe it in, followed by a newline)")]
    NoPassword,
    /// Reading stdin or writing stdout failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// True when `args` (without the program name) start a subcommand.
pub fn is_subcommand(args: &[String]) -> bool {
    matches!(args.first().map(String::as_str), Some("users" | "keys"))
}

fn role_flag(args: &[&str]) -> Result<Role, CliError> {
    let v = flag(args, "--role").ok_or(CliError::Usage)?;
    Role::parse(v).ok_or(CliError::Access(AccessError::BadRole))
}

fn flag<'a>(args: &[&'a str], name: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| *a == name)?;
    args.get(i + 1).copied()
}

/// Runs a subcommand on the ledger at `db`, reading a password from `stdin` and writing to
/// `out`. `now` is unix seconds.
pub fn run(
    args: &[String],
    db: &Path,
    now: i64,
    stdin: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let open = || {
        Ledger::open(db).map_err(|source| CliError::Open {
            path: db.display().to_string(),
            source,
        })
    };
    match args.as_slice() {
        ["users", "add", name, rest @ ..] if rest.len() == 2 => {
            let role = role_flag(rest)?;
            users::check_name(name)?;
            let mut line = String::new();
            stdin.read_line(&mut line)?;
            let password = line.trim_end_matches(['\n', '\r']);
            if password.is_empty() {
                return Err(CliError::NoPassword);
            }
            users::add(&open()?, name, role, password, now)?;
            writeln!(out, "added user {name} ({})", role.as_str())?;
        }
        ["users", "list"] => {
            for u in users::list(&open()?)? {
                writeln!(out, "{}\t{}", u.name, u.role.as_str())?;
            }
        }
        ["users", "remove", name] => {
            users::remove(&open()?, name)?;
            writeln!(out, "removed user {name} and ended their sessions")?;
        }
        ["keys", "create", rest @ ..] if rest.len() == 4 => {
            let name = flag(rest, "--name").ok_or(CliError::Usage)?;
            let role = role_flag(rest)?;
            let key = keys::create(&open()?, name, role, now)?;
            writeln!(
                out,
                "created API key {name} ({}); send it as Authorization: Bearer KEY. It is shown only this once:",
                role.as_str()
            )?;
            writeln!(out, "{key}")?;
        }
        ["keys", "list"] => {
            for k in keys::list(&open()?)? {
                writeln!(out, "{}\t{}", k.name, k.role.as_str())?;
            }
        }
        ["keys", "revoke", name] => {
            keys::revoke(&open()?, name)?;
            writeln!(out, "revoked API key {name}")?;
        }
        _ => return Err(CliError::Usage),
    }
    Ok(())
}

//! `tikhash-proxy`: reads the environment, opens the ledger and serves; or, with `users …` or
//! `keys …`, manages who may use it (see `tikhash_proxy::cli`).

use std::io::IsTerminal;
use tikhash_proxy::access::{sessions, users};
use tikhash_proxy::server::{self, ServerLimits};
use tikhash_proxy::{app, cli, AppState, Clock, Config, Ledger};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if cli::is_subcommand(&args) {
        std::process::exit(subcommand(&args));
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("tikhash_proxy=info,tower_http=warn")),
        )
        .init();
    if let Err(e) = run().await {
        eprintln!("tikhash-proxy: {e}");
        std::process::exit(2);
    }
}

/// Runs `users …` / `keys …` on `TIKHASH_DB`; the exit code.
fn subcommand(args: &[String]) -> i32 {
    let db = std::env::var("TIKHASH_DB")
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| Config::sandbox().db_path.display().to_string());
    let stdin = std::io::stdin();
    if args.get(1).map(String::as_str) == Some("add") && stdin.is_terminal() {
        eprint!("password (shown as you type; or pipe it in): ");
    }
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let now = Clock::default().now();
    match cli::run(args, std::path::Path::new(&db), now, &mut input, &mut out) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("tikhash-proxy: {e}");
            2
        }
    }
}

/// One line on stdout. A closed stdout (`tikhash-proxy | head -1`, a supervisor that stopped
/// reading) must not stop the server, so write errors are ignored.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

async fn run() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| format!("configuration error: {e}"))?;
    let ledger = Ledger::open(&config.db_path)
        .map_err(|e| format!("cannot open ledger {}: {e}", config.db_path.display()))?;
    let users_exist = users::count(&ledger).map_err(|e| format!("cannot read users: {e}"))? > 0;
    config
        .check_exposure(users_exist)
        .map_err(|e| format!("refusing to start: {e}"))?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let limits = ServerLimits::from_config(&config);
    let state =
        AppState::new(config, ledger).map_err(|e| format!("cannot build HTTP client: {e}"))?;
    say(&format!(
        "tikhash-proxy {} listening on http://{addr} — {}",
        env!("CARGO_PKG_VERSION"),
        mode_line(state.config())
    ));
    if addr.ip().is_loopback() && !users_exist {
        let token = sessions::issue_link(state.ledger(), state.clock().now())
            .map_err(|e| format!("cannot make the sign-in link: {e}"))?;
        // On the public URL when there is one: the session cookie, and the Connect flow's
        // binding cookie, belong to the host the browser uses, and TikTok sends the browser
        // back to the public URL.
        let base = state
            .config()
            .public_url
            .as_ref()
            .map_or_else(|| format!("http://{addr}"), |u| u.origin.clone());
        say(&format!(
            "tikhash-proxy: sign in as the owner (admin) with this one-time link, valid {} minutes: {base}/?login={token}",
            sessions::LINK_TTL_SECS / 60
        ));
    }
    server::serve(listener, app(state), limits, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}

/// What the proxy will do with TikTok calls, for the start-up line: the sandbox, a
/// connected TikTok account (and how many advertisers it may use), an app with nobody
/// connected yet, or `TIKTOK_ACCESS_TOKEN` with its allow-list. `config.connection` is the
/// connection loaded from the ledger.
fn mode_line(config: &Config) -> String {
    let listed = config.advertiser_ids.as_ref();
    let narrowed = listed.map_or(String::new(), |l| {
        format!(", narrowed by TIKHASH_ADVERTISER_IDS ({} listed)", l.len())
    });
    let connected = config.connection.get();
    // Names are checked when users and keys are made; a terminal line gets no control
    // characters from the database all the same.
    let who = |name: &str| name.chars().filter(|c| !c.is_control()).collect::<String>();
    if config.is_sandbox() {
        let account = match &connected {
            Some(live) if live.needs_reconnect => {
                "the simulated TikTok account needs a reconnect (Reconnect in the page)".to_string()
            }
            Some(live) => format!(
                "a simulated TikTok account is connected ({} advertiser(s))",
                live.advertisers.len()
            ),
            None => "no TikTok account connected: Connect in the page to try the flow".to_string(),
        };
        return format!(
            "SANDBOX mode: no TIKTOK_ACCESS_TOKEN or TIKTOK_APP_ID set, a built-in TikTok simulator answers and nothing leaves this machine; {account}"
        );
    }
    let api = &without_userinfo(&config.api_base);
    match (&connected, &config.access_token) {
        (Some(live), _) if live.needs_reconnect => format!(
            "TikTok app mode, forwarding to {api}: the TikTok account connected by {} needs a reconnect (TikTok refused its token); nothing is forwarded until an admin reconnects in the page",
            who(&live.connected_by)
        ),
        (Some(live), _) => {
            let usable = live
                .advertiser_ids()
                .iter()
                .filter(|a| listed.is_none_or(|l| l.contains(*a)))
                .count();
            format!(
                "TikTok app mode, forwarding to {api} with the TikTok account connected by {}: {} authorized advertiser(s){narrowed}, {usable} usable",
                who(&live.connected_by),
                live.advertisers.len()
            )
        }
        (None, Some(_)) if config.oauth.is_some() => format!(
            "TikTok app mode, no account connected yet: forwarding to {api} with TIKTOK_ACCESS_TOKEN for {} allowed advertiser(s) until an admin connects one in the page",
            listed.map_or(0, |l| l.len())
        ),
        (None, Some(_)) => format!(
            "token mode, forwarding to {api} with TIKTOK_ACCESS_TOKEN for {}",
            listed.map_or("every advertiser it reaches".to_string(), |l| format!(
                "{} allowed advertiser(s) (TIKHASH_ADVERTISER_IDS)",
                l.len()
            ))
        ),
        (None, None) => format!(
            "TikTok app mode, no account connected yet: an admin connects one in the page (Connect); until then TikTok calls are refused and nothing is forwarded to {api}"
        ),
    }
}

/// `url` without a `user:password@` part, so a credential put in `TIKTOK_API_BASE` (a test
/// server behind basic auth, say) is not printed.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}{path}")
}

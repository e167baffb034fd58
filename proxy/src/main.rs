//! `tikhash-proxy`: reads the environment, opens the ledger and serves.

use tikhash_proxy::server::{self, ServerLimits};
use tikhash_proxy::{app, AppState, Config, Ledger};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
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

async fn run() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| format!("configuration error: {e}"))?;
    let ledger = Ledger::open(&config.db_path)
        .map_err(|e| format!("cannot open ledger {}: {e}", config.db_path.display()))?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mode = if config.is_sandbox() {
        "SANDBOX mode: no TIKTOK_ACCESS_TOKEN set, nothing leaves this machine".to_string()
    } else {
        format!(
            "forwarding to {} for {} allowed advertiser(s)",
            config.api_base,
            config.advertiser_ids.as_ref().map_or(0, |s| s.len())
        )
    };
    println!(
        "tikhash-proxy {} listening on http://{addr} — {mode}",
        env!("CARGO_PKG_VERSION")
    );
    let limits = ServerLimits::from_config(&config);
    let state =
        AppState::new(config, ledger).map_err(|e| format!("cannot build HTTP client: {e}"))?;
    server::serve(listener, app(state), limits, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}

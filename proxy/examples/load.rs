//! Load benchmark: requests per second and latency through the proxy to its sandbox, over
//! real HTTP on 127.0.0.1, bounded in count and time.
//!
//! ```text
//! cargo run --release -p tikhash-proxy --example load -- [requests] [concurrency]
//! ```
//!
//! Three scenarios, each `requests` requests (default 4000) from `concurrency` keep-alive
//! connections (default 16), stopping early after 20 s:
//! - `GET /healthz`: the HTTP floor (axum + loopback + client), no guard, no sandbox;
//! - `POST event/track/` with 100 events: body read, JSON parse, guard, sandbox;
//! - `POST segment/mapping/` with 100 rows: the same plus a ledger transaction (SQLite
//!   file, WAL, synchronous=FULL).
//!
//! "Added" latency is the scenario's median minus the `/healthz` median.

use std::sync::Arc;
use std::time::{Duration, Instant};
use tikhash::Algorithm;
use tikhash_proxy::server::{self, ServerLimits};
use tikhash_proxy::{app, AppState, Config, Ledger};

const ADV: &str = "7012345678901234567";
const LIMIT: Duration = Duration::from_secs(20);

fn sha(s: &str) -> String {
    tikhash::hash::digest(Algorithm::Sha256, s.as_bytes())
        .as_str()
        .to_string()
}

struct Scenario {
    name: &'static str,
    path: String,
    body: Option<Vec<u8>>,
    /// Rows per request, or 0.
    rows: usize,
}

struct Stats {
    done: usize,
    secs: f64,
    lat_ms: Vec<f64>,
    errors: usize,
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The admin API key the load clients send (access control is on for every route).
static API_KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn auth_headers() -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    if let Some(Ok(v)) = API_KEY.get().map(|k| format!("Bearer {k}").parse()) {
        h.insert(reqwest::header::AUTHORIZATION, v);
    }
    h
}

async fn run(base: &str, s: &Scenario, total: usize, conc: usize) -> Stats {
    let client = reqwest::Client::builder()
        .no_proxy()
        .default_headers(auth_headers())
        .pool_max_idle_per_host(conc)
        .build()
        .expect("client");
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (client, counter) = (client.clone(), counter.clone());
        let url = format!("{base}{}", s.path);
        let body = s.body.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total
                && start.elapsed() < LIMIT
            {
                let t0 = Instant::now();
                let req = match &body {
                    Some(b) => client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(b.clone()),
                    None => client.get(&url),
                };
                let ok = match req.send().await {
                    Ok(r) => {
                        let good = r.status().is_success();
                        let _ = r.bytes().await;
                        good
                    }
                    Err(_) => false,
                };
                lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut lat_ms = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.expect("task");
        lat_ms.extend(l);
        errors += e;
    }
    let secs = start.elapsed().as_secs_f64();
    lat_ms.sort_by(|a, b| a.total_cmp(b));
    Stats {
        done: lat_ms.len(),
        secs,
        lat_ms,
        errors,
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let total: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(4000);
    let conc: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(16);

    let dir = std::env::temp_dir().join(format!("tikhash-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut config = Config::sandbox();
    config.sandbox_rate = u32::MAX;
    let ledger = Ledger::open(&dir.join("ledger.db")).expect("ledger");
    // access: every request authenticates with an admin API key.
    let key =
        tikhash_proxy::access::keys::create(&ledger, "load", tikhash_proxy::access::Role::Admin, 0)
            .expect("api key");
    let _ = API_KEY.set(key);
    let state = AppState::new(config, ledger).expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let limits = ServerLimits::from_config(state.config());
    tokio::spawn(server::serve(
        listener,
        app(state),
        limits,
        std::future::pending(),
    ));
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .no_proxy()
        .default_headers(auth_headers())
        .build()
        .expect("client");

    // one audience for the mapping scenario
    let created = client
        .post(format!("{base}/open_api/v1.3/segment/audience/"))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"advertiser_id":"{ADV}","custom_audience_name":"load"}}"#
        ))
        .send()
        .await
        .expect("create")
        .bytes()
        .await
        .expect("body");
    let created: serde_json::Value = serde_json::from_slice(&created).expect("json");
    let aud = created["data"]["audience_id"]
        .as_str()
        .expect("audience id")
        .to_string();

    let events: Vec<serde_json::Value> = (0..100)
        .map(|i| {
            serde_json::json!({"event": "CompletePayment", "event_time": 1_704_721_970,
                "event_id": format!("ev{i}"),
                "user": {"email": [sha(&format!("u{i}@example.com"))], "phone": [sha(&format!("+1555000{i:04}"))],
                         "ip": "203.0.113.9", "user_agent": "Mozilla/5.0"}})
        })
        .collect();
    let track =
        serde_json::json!({"event_source": "web", "event_source_id": "PIXEL", "data": events});
    let rows: Vec<serde_json::Value> = (0..100)
        .map(|i| serde_json::json!([{"id": sha(&format!("m{i}@example.com")), "audience_ids": [aud]}]))
        .collect();
    let mapping = serde_json::json!({"advertiser_ids": [ADV], "action": "add",
        "id_schema": ["EMAIL_SHA256"], "batch_data": rows});

    let scenarios = [
        Scenario {
            name: "GET /healthz (HTTP floor)",
            path: "/healthz".into(),
            body: None,
            rows: 0,
        },
        Scenario {
            name: "POST event/track/ (100 events)",
            path: "/open_api/v1.3/event/track/".into(),
            body: Some(serde_json::to_vec(&track).expect("json")),
            rows: 100,
        },
        Scenario {
            name: "POST segment/mapping/ (100 rows, ledger write)",
            path: "/open_api/v1.3/segment/mapping/".into(),
            body: Some(serde_json::to_vec(&mapping).expect("json")),
            rows: 100,
        },
    ];
    println!("requests per scenario: {total}, concurrency: {conc}, loopback, sandbox");
    println!(
        "| scenario | requests | req/s | ids/s | median ms | p99 ms | added median ms | errors |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut floor = None;
    for s in &scenarios {
        // warm-up, not counted
        let _ = run(&base, s, 200, conc).await;
        let st = run(&base, s, total, conc).await;
        let med = pct(&st.lat_ms, 0.5);
        let p99 = pct(&st.lat_ms, 0.99);
        let rps = st.done as f64 / st.secs;
        let added = match floor {
            None => {
                floor = Some(med);
                "—".to_string()
            }
            Some(f) => format!("{:.2}", med - f),
        };
        let ids = if s.rows > 0 {
            format!("{:.0}", rps * s.rows as f64)
        } else {
            "—".into()
        };
        println!(
            "| {} | {} | {:.0} | {} | {:.2} | {:.2} | {} | {} |",
            s.name, st.done, rps, ids, med, p99, added, st.errors
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

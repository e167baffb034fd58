//! Peak memory under concurrent large bodies: the proxy (its sandbox, in a child process of
//! its own so its peak is its alone) is sent `bodies` requests of `mib` MiB each at once over
//! 127.0.0.1, and its peak resident size (`VmHWM`) is read from /proc when all are answered.
//!
//! ```text
//! cargo run --release -p tikhash-proxy --example memory -- [bodies] [mib] [inflight_mib]
//! ```
//!
//! Defaults: 10 bodies of 64 MiB, `TIKHASH_MAX_INFLIGHT_BODY_BYTES` as configured (or its
//! default). Each scenario runs twice, each time in a fresh proxy process: in sandbox mode
//! (the simulator parses every body a second time, inside the proxy) and in token mode
//! against a fake TikTok in this process on 127.0.0.1 that reads each body and answers
//! 40002 (so nothing is retried or written to the ledger). Scenarios:
//! - `segment/mapping/` with hashed rows (a JSON body of a TikTok route, fully checked by
//!   the guard; the audience is unknown so the sandbox refuses it after parsing, and nothing
//!   accumulates between requests);
//! - a customer-file upload (multipart, one SHA-256 per line, a wrong signature so the
//!   sandbox refuses it after checking);
//! - `event/track/` with a JSON array of zeros as its body.
//!
//! Loopback only; every request has a 300 s timeout and every child is killed at the end.
//! Linux only (it reads `/proc/<pid>/status`).

use bytes::Bytes;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tikhash::Algorithm;
use tikhash_proxy::access::Role;
use tikhash_proxy::server::{self, ServerLimits};
use tikhash_proxy::{app, AppState, Config, Ledger};

const ADV: &str = "7012345678901234567";
const MIB: usize = 1024 * 1024;

fn sha(s: &str) -> String {
    tikhash::hash::digest(Algorithm::Sha256, s.as_bytes())
        .as_str()
        .to_string()
}

/// The child: a proxy in sandbox mode on 127.0.0.1:0 with the limits from the environment;
/// prints its address, serves until killed.
async fn serve_child() {
    let mut config = Config::from_env().expect("configuration");
    config.sandbox_rate = u32::MAX;
    let dir = std::env::temp_dir().join(format!("tikhash-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ledger = Ledger::open(&dir.join("ledger.db")).expect("ledger");
    // The requests must get past access control to be read and checked at all.
    let key =
        tikhash_proxy::access::keys::create(&ledger, "memory", Role::Syncer, config.clock.now())
            .expect("an API key");
    let limits = ServerLimits::from_config(&config);
    let state = AppState::new(config, ledger).expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("ADDR {} {key}", listener.local_addr().expect("addr"));
    server::serve(listener, app(state), limits, std::future::pending()).await;
}

/// A running child proxy; killed when dropped.
struct Proxy {
    child: Child,
    base: String,
    key: String,
}

impl Proxy {
    /// A proxy in sandbox mode, or forwarding to `upstream` when given.
    fn start(inflight: Option<usize>, upstream: Option<std::net::SocketAddr>) -> Proxy {
        let mut cmd = Command::new(std::env::current_exe().expect("own path"));
        cmd.arg("--serve").env_remove("TIKTOK_ACCESS_TOKEN");
        if let Some(addr) = upstream {
            cmd.env("TIKTOK_ACCESS_TOKEN", "memory-test-token")
                .env("TIKTOK_API_BASE", format!("http://{addr}/open_api/v1.3"))
                .env("TIKHASH_ADVERTISER_IDS", ADV);
        }
        cmd.env("TIKHASH_LISTEN", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped());
        if let Some(n) = inflight {
            cmd.env("TIKHASH_MAX_INFLIGHT_BODY_BYTES", n.to_string());
        }
        let mut child = cmd.spawn().expect("start the proxy");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the proxy's address");
        let (addr, key) = line
            .trim()
            .strip_prefix("ADDR ")
            .and_then(|rest| rest.split_once(' '))
            .expect("ADDR line");
        Proxy {
            base: format!("http://{addr}"),
            key: key.to_string(),
            child,
        }
    }

    /// The largest resident size the process has had, in MiB.
    fn peak_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status");
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM");
        kib / 1024.0
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fake TikTok on 127.0.0.1:0 that reads every body and answers a parameter error.
async fn start_sink() -> std::net::SocketAddr {
    async fn sink(body: Bytes) -> axum::Json<serde_json::Value> {
        axum::Json(
            serde_json::json!({"code": 40002, "message": format!("read {} bytes", body.len()),
            "request_id": "sink", "data": {}}),
        )
    }
    let router = axum::Router::new()
        .fallback(sink)
        .layer(axum::extract::DefaultBodyLimit::disable());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// A `segment/mapping/` body of about `size` bytes: hashed rows for an unknown audience.
fn mapping_body(size: usize) -> Bytes {
    let mut b = String::with_capacity(size + 200);
    b.push_str(&format!(
        r#"{{"advertiser_ids":["{ADV}"],"action":"add","id_schema":["EMAIL_SHA256"],"batch_data":["#
    ));
    let mut i = 0usize;
    while b.len() + 120 < size {
        if i > 0 {
            b.push(',');
        }
        b.push_str(&format!(
            r#"[{{"id":"{}","audience_ids":["4242"]}}]"#,
            sha(&format!("m{i}@example.com"))
        ));
        i += 1;
    }
    b.push_str("]}");
    Bytes::from(b)
}

const BOUNDARY: &str = "tikhashMemoryBoundary";

/// A customer-file upload of about `size` bytes: one SHA-256 per line.
fn upload_body(size: usize) -> Bytes {
    let mut b = String::with_capacity(size + 1000);
    for (k, v) in [
        ("advertiser_id", ADV),
        ("calculate_type", "EMAIL_SHA256"),
        ("file_signature", "00000000000000000000000000000000"),
    ] {
        b.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    b.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"));
    let mut i = 0usize;
    while b.len() + 200 < size {
        b.push_str(&sha(&format!("f{i}@example.com")));
        b.push('\n');
        i += 1;
    }
    b.push_str(&format!("\r\n--{BOUNDARY}--\r\n"));
    Bytes::from(b)
}

/// `[0,0,…,0]` of about `size` bytes.
fn zeros_body(size: usize) -> Bytes {
    let mut b = Vec::with_capacity(size);
    b.push(b'[');
    while b.len() + 3 < size {
        b.extend_from_slice(b"0,");
    }
    b.extend_from_slice(b"0]");
    Bytes::from(b)
}

struct Scenario {
    name: &'static str,
    path: &'static str,
    content_type: String,
    body: Bytes,
}

/// Sends `n` copies of the scenario's body at once; returns the status counts and seconds.
async fn run(proxy: &Proxy, s: &Scenario, n: usize) -> (Vec<(u16, usize)>, f64) {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(300))
        // reqwest's default TCP_USER_TIMEOUT (30 s) would abort a request that waits its
        // turn longer than that with its body unread; browsers have no such limit.
        .tcp_user_timeout(None)
        .build()
        .expect("client");
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..n {
        let req = client
            .post(format!("{}{}", proxy.base, s.path))
            .header("content-type", s.content_type.clone())
            .bearer_auth(&proxy.key)
            .body(s.body.clone());
        tasks.push(tokio::spawn(async move {
            match req.send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let _ = r.bytes().await;
                    status
                }
                Err(e) => {
                    eprintln!("request failed: {e:?}");
                    0
                }
            }
        }));
    }
    let mut counts: Vec<(u16, usize)> = Vec::new();
    for t in tasks {
        let status = t.await.unwrap_or(0);
        match counts.iter_mut().find(|(s, _)| *s == status) {
            Some((_, c)) => *c += 1,
            None => counts.push((status, 1)),
        }
    }
    counts.sort();
    (counts, start.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--serve") {
        serve_child().await;
        return;
    }
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let mib: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(64);
    let inflight: Option<usize> = args
        .get(3)
        .and_then(|a| a.parse::<usize>().ok())
        .map(|m| m * MIB);
    // Just under the 64 MiB body limit, so every body is read and checked.
    let size = mib * MIB - 4096;
    let scenarios = [
        Scenario {
            name: "segment/mapping/, hashed rows",
            path: "/open_api/v1.3/segment/mapping/",
            content_type: "application/json".into(),
            body: mapping_body(size),
        },
        Scenario {
            name: "customer-file upload, one SHA-256 per line",
            path: "/open_api/v1.3/dmp/custom_audience/file/upload/",
            content_type: format!("multipart/form-data; boundary={BOUNDARY}"),
            body: upload_body(size),
        },
        Scenario {
            name: "event/track/, a JSON array of zeros",
            path: "/open_api/v1.3/event/track/",
            content_type: "application/json".into(),
            body: zeros_body(size),
        },
    ];
    let upstream = start_sink().await;
    let idle = Proxy::start(inflight, None);
    let idle_mib = idle.peak_mib();
    drop(idle);
    println!(
        "{n} concurrent bodies of {mib} MiB, TIKHASH_MAX_INFLIGHT_BODY_BYTES = {}; idle proxy peak {idle_mib:.0} MiB",
        inflight.map_or("default".to_string(), |b| format!("{} MiB", b / MIB))
    );
    println!("| body | mode | answers | seconds | peak RSS (VmHWM) |");
    println!("|---|---|---|---:|---:|");
    // `TIKHASH_MEMORY_ONLY=zeros` (a word of a scenario's name) runs that one alone.
    let only = std::env::var("TIKHASH_MEMORY_ONLY").unwrap_or_default();
    for s in scenarios.iter().filter(|s| s.name.contains(only.as_str())) {
        for (mode, up) in [("sandbox", None), ("token, fake TikTok", Some(upstream))] {
            let proxy = Proxy::start(inflight, up);
            let (counts, secs) = run(&proxy, s, n).await;
            let answers: Vec<String> = counts.iter().map(|(st, c)| format!("{c}× {st}")).collect();
            println!(
                "| {} | {mode} | {} | {secs:.1} | {:.0} MiB |",
                s.name,
                answers.join(", "),
                proxy.peak_mib()
            );
        }
    }
}

//! The ledger file: migration of files written before schema versions, two processes'
//! handles racing a REPLACE, and reads that do not wait for a long write.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use tikhash_proxy::guard::{Cell, MappingAction, MappingPlan};
use tikhash_proxy::ledger::{ReplaceCheck, SCHEMA_VERSION};
use tikhash_proxy::Ledger;

const DAY: i64 = 24 * 3600;

/// The schema the proxy wrote before versioning (user_version 0).
const OLD_SCHEMA: &str = "
CREATE TABLE audiences (advertiser_id TEXT NOT NULL, audience_id TEXT NOT NULL, last_replace_at INTEGER, updated_at INTEGER, PRIMARY KEY (advertiser_id, audience_id)) WITHOUT ROWID;
CREATE TABLE members (advertiser_id TEXT NOT NULL, audience_id TEXT NOT NULL, id_type TEXT NOT NULL, digest BLOB NOT NULL, PRIMARY KEY (advertiser_id, audience_id, id_type, digest)) WITHOUT ROWID;
CREATE TABLE pending_files (file_path TEXT PRIMARY KEY, advertiser_id TEXT NOT NULL, calculate_type TEXT NOT NULL, uploaded_at INTEGER NOT NULL, digests BLOB NOT NULL);
INSERT INTO audiences VALUES ('7', '9', 1000, 2000);
INSERT INTO members VALUES ('7', '9', 'EMAIL_SHA256', x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
";

#[test]
fn an_old_file_opens_and_migrates_keeping_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(OLD_SCHEMA).unwrap();
    }
    let l = Ledger::open(&db).unwrap();
    assert_eq!(l.schema_version().unwrap(), SCHEMA_VERSION);
    let s = l.summary("7", "9").unwrap();
    assert_eq!(s.members["EMAIL_SHA256"], 1);
    assert_eq!((s.last_replace_at, s.updated_at), (Some(1000), Some(2000)));
    // The new tables work on it, and opening again changes nothing.
    tikhash_proxy::access::keys::create(&l, "k", tikhash_proxy::access::Role::Viewer, 1).unwrap();
    drop(l);
    let l = Ledger::open(&db).unwrap();
    assert_eq!(l.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(tikhash_proxy::access::keys::list(&l).unwrap().len(), 1);
}

#[test]
fn a_file_from_a_newer_proxy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let e = Ledger::open(&db).unwrap_err();
    assert!(e.to_string().contains("newer"), "{e}");
}

#[test]
fn two_handles_on_one_file_cannot_both_replace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("race.db");
    let a = Ledger::open(&db).unwrap();
    let b = Ledger::open(&db).unwrap();
    for round in 0..20 {
        let aud = format!("aud-{round}");
        let gate = Arc::new(Barrier::new(2));
        let run = |l: Ledger| {
            let (gate, aud) = (gate.clone(), aud.clone());
            std::thread::spawn(move || {
                gate.wait();
                l.reserve_replace("7", &aud, 10 * DAY, DAY).unwrap()
            })
        };
        let (ra, rb) = (run(a.clone()), run(b.clone()));
        let results = [ra.join().unwrap(), rb.join().unwrap()];
        let won = results
            .iter()
            .filter(|r| matches!(r, ReplaceCheck::Reserved(_)))
            .count();
        assert_eq!(won, 1, "round {round}: {results:?}");
    }
}

#[test]
fn a_released_slot_can_be_taken_and_an_acknowledged_replace_blocks_a_day() {
    let l = Ledger::in_memory().unwrap();
    let now = 10 * DAY;
    let ReplaceCheck::Reserved(r) = l.reserve_replace("7", "9", now, DAY).unwrap() else {
        panic!("first REPLACE refused");
    };
    // While held (another process's REPLACE under way): refused.
    assert!(matches!(
        l.reserve_replace("7", "9", now + 1, DAY).unwrap(),
        ReplaceCheck::TooSoon { .. }
    ));
    // TikTok refused it: given back, the next may go.
    l.release_replace(&r).unwrap();
    let ReplaceCheck::Reserved(r) = l.reserve_replace("7", "9", now + 2, DAY).unwrap() else {
        panic!("REPLACE after release refused");
    };
    // Acknowledged: recorded, then released; the 24 h rule takes over.
    l.apply_files(
        "7",
        "9",
        tikhash_proxy::guard::FileAction::Replace,
        &["f".into()],
        now + 3,
    )
    .unwrap();
    l.release_replace(&r).unwrap();
    assert_eq!(
        l.reserve_replace("7", "9", now + 4, DAY).unwrap(),
        ReplaceCheck::TooSoon {
            retry_after: now + 3 + DAY
        }
    );
    assert!(matches!(
        l.reserve_replace("7", "9", now + 3 + DAY, DAY).unwrap(),
        ReplaceCheck::Reserved(_)
    ));
}

#[test]
fn reads_do_not_wait_for_a_long_write() {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::open(&dir.path().join("big.db")).unwrap();
    let cells: Vec<Cell> = (0u32..300_000)
        .map(|i| {
            let mut digest = vec![0u8; 32];
            digest[..4].copy_from_slice(&i.to_be_bytes());
            Cell {
                id_type: "EMAIL_SHA256",
                digest,
                audience_ids: vec!["9".into()],
            }
        })
        .collect();
    let plan = MappingPlan {
        advertiser_ids: vec!["7".into()],
        action: MappingAction::Add,
        rows: cells.len(),
        cells,
    };
    let writer = l.clone();
    let start = Instant::now();
    let big = std::thread::spawn(move || writer.apply_mapping(&plan, 1).unwrap());
    let mut slowest = Duration::ZERO;
    let mut reads = 0;
    while !big.is_finished() {
        let t = Instant::now();
        l.summary("7", "9").unwrap();
        slowest = slowest.max(t.elapsed());
        reads += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    let write_took = start.elapsed();
    big.join().unwrap();
    assert!(reads > 3, "the write took only {write_took:?}");
    assert!(
        slowest < write_took / 4,
        "a read waited {slowest:?} during a {write_took:?} write"
    );
    assert_eq!(
        l.summary("7", "9").unwrap().members["EMAIL_SHA256"],
        300_000
    );
}

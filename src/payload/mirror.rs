//! Mirror: after a sync the audience holds exactly the current list (design.md).
//!
//! - [`mirror_diff`]: `add` = current − previous, `remove` = previous − current, over digest
//!   sets (tiktok-api.md §8.1, §8.2). Sort, dedup and a merge, all in place: the result reuses
//!   the two input vectors, so 10 million digests a side need 2 × 320 MB and nothing more.
//! - [`plan_customer_file_mirror`]: chooses REPLACE or APPEND + REMOVE for a Customer File
//!   Audience and enforces TikTok's one-REPLACE-per-24-h rule before TikTok rejects it (§2.2).

use super::customer_file::{file_from_digests, CalculateType, CustomerFile};
use super::digest::{prefix, Digests};
use super::limits::{MAX_FILE_BYTES, MIN_AUDIENCE_SIZE, REPLACE_INTERVAL_SECS};
use super::{PayloadError, Warning};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// What changed between two digest sets. Both lists are sorted and free of repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorDiff {
    /// In current, not in previous: to add.
    pub add: Digests,
    /// In previous, not in current: to remove.
    pub remove: Digests,
}

/// The diff of two digest lists of the same width. Repeats in either list are ignored.
pub fn mirror_diff(
    mut previous: Digests,
    mut current: Digests,
) -> Result<MirrorDiff, PayloadError> {
    previous.sort_dedup();
    current.sort_dedup();
    diff_sorted(previous, current)
}

/// [`mirror_diff`] of lists already sorted and free of repeats.
fn diff_sorted(previous: Digests, current: Digests) -> Result<MirrorDiff, PayloadError> {
    match (previous, current) {
        (Digests::Sha256(mut p), Digests::Sha256(mut c)) => {
            merge_in_place(&mut p, &mut c);
            Ok(MirrorDiff {
                add: Digests::Sha256(c),
                remove: Digests::Sha256(p),
            })
        }
        (Digests::Md5(mut p), Digests::Md5(mut c)) => {
            merge_in_place(&mut p, &mut c);
            Ok(MirrorDiff {
                add: Digests::Md5(c),
                remove: Digests::Md5(p),
            })
        }
        _ => Err(PayloadError::DigestWidthMismatch),
    }
}

fn cmp<const N: usize>(a: &[u8; N], b: &[u8; N]) -> Ordering {
    prefix(a).cmp(&prefix(b)).then_with(|| a.cmp(b))
}

/// Leaves sorted, repeat-free `previous` holding previous − current and `current` holding
/// current − previous. Each write index trails its read index, so the merge compacts in place.
fn merge_in_place<const N: usize>(previous: &mut Vec<[u8; N]>, current: &mut Vec<[u8; N]>) {
    let (mut i, mut j, mut wp, mut wc) = (0, 0, 0, 0);
    while i < previous.len() && j < current.len() {
        match cmp(&previous[i], &current[j]) {
            Ordering::Less => {
                previous[wp] = previous[i];
                wp += 1;
                i += 1;
            }
            Ordering::Greater => {
                current[wc] = current[j];
                wc += 1;
                j += 1;
            }
            Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    previous.copy_within(i.., wp);
    previous.truncate(wp + previous.len() - i);
    current.copy_within(j.., wc);
    current.truncate(wc + current.len() - j);
}

/// How many of sorted, repeat-free `a` are not in sorted, repeat-free `b`, and the reverse.
fn diff_counts<const N: usize>(a: &[[u8; N]], b: &[[u8; N]]) -> (usize, usize) {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match cmp(&a[i], &b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (a.len() - common, b.len() - common)
}

/// Which Mirror strategy the caller wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// REPLACE when it is allowed and uploads less than APPEND + REMOVE would; otherwise
    /// APPEND + REMOVE.
    #[default]
    Auto,
    /// One full file with REPLACE; refused within 24 h of the last REPLACE.
    Replace,
    /// An APPEND file of the new members and a REMOVE file of those who left.
    AppendRemove,
}

impl std::str::FromStr for Strategy {
    type Err = PayloadError;
    fn from_str(s: &str) -> Result<Self, PayloadError> {
        match s {
            "auto" => Ok(Strategy::Auto),
            "replace" => Ok(Strategy::Replace),
            "append_remove" | "appendRemove" => Ok(Strategy::AppendRemove),
            _ => Err(PayloadError::InvalidStrategy),
        }
    }
}

/// The plan's inputs besides the two digest sets (camelCase in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MirrorPlanInput {
    /// The file's `calculate_type` (one identifier type: EMAIL_SHA256, IDFA_MD5…), matching
    /// the digest width.
    pub calculate_type: String,
    /// Unix seconds of the last REPLACE TikTok acknowledged on this audience; `None` if never.
    #[serde(default)]
    pub last_replace_at: Option<i64>,
    /// Unix seconds now (an input, so plans are reproducible).
    pub now: i64,
    /// The strategy wanted: `auto` (default), `replace` or `append_remove`.
    #[serde(default)]
    pub strategy: Option<String>,
    /// Stem of the generated file names (`.txt` is added); default `mirror`.
    #[serde(default)]
    pub file_stem: Option<String>,
    /// Largest file, in bytes, before a step's data is split into several files (default
    /// 50 MB, §2.2). Mostly for tests.
    #[serde(default)]
    pub max_file_bytes: Option<usize>,
}

/// One `/dmp/custom_audience/update/` to make: upload `files`, then update with `action`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MirrorStep {
    /// `REPLACE`, `APPEND` or `REMOVE`.
    pub action: super::UpdateAction,
    /// The files to upload; their `file_path`s go in one update.
    pub files: Vec<CustomerFile>,
}

/// Why a REPLACE was refused, with TikTok's own words and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// `replace_too_soon`.
    pub code: &'static str,
    /// TikTok's rejection message, verbatim (§2.2), so users recognise it.
    pub message: &'static str,
    /// The three documented workarounds (Census, §7.3).
    pub workarounds: [&'static str; 3],
    /// Unix seconds from which a REPLACE is allowed again.
    pub retry_after: i64,
}

pub use crate::schema::{REPLACE_REJECTED_MESSAGE, REPLACE_WORKAROUNDS};

/// The customer-file Mirror plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorPlan {
    /// `replace`, `append_remove`, or `none` when nothing changed or the plan was refused.
    pub strategy: &'static str,
    /// The updates to make, in order (APPEND before REMOVE, so the audience never dips below
    /// its final size on the way).
    pub steps: Vec<MirrorStep>,
    /// Members to add.
    pub add: usize,
    /// Members to remove.
    pub remove: usize,
    /// Members after the sync (the current set, repeats removed).
    pub resulting_size: usize,
    /// Set when a REPLACE was asked for within 24 h of the last one: nothing to do then.
    pub refusal: Option<Refusal>,
    /// `audience_below_minimum`, `replace_deferred`, `file_paths_over_recommended`…
    pub warnings: Vec<Warning>,
}

/// Plans a Customer File Mirror sync from the acknowledged members (`previous`), the current
/// members, and the time of the last REPLACE.
pub fn plan_customer_file_mirror(
    previous: Digests,
    current: Digests,
    input: &MirrorPlanInput,
) -> Result<MirrorPlan, PayloadError> {
    if previous.width() != current.width() {
        return Err(PayloadError::DigestWidthMismatch);
    }
    let ct = CalculateType::from_name(&input.calculate_type)
        .ok_or(PayloadError::InvalidCalculateType)?;
    let strategy: Strategy = match &input.strategy {
        Some(s) => s.parse()?,
        None => Strategy::Auto,
    };
    if ct.digest_width() != Some(current.width()) {
        return Err(PayloadError::InvalidCalculateType);
    }
    let max_file_bytes = input.max_file_bytes.unwrap_or(MAX_FILE_BYTES);
    if max_file_bytes < 2 * current.width() + 1 || max_file_bytes > MAX_FILE_BYTES {
        return Err(PayloadError::InvalidLimit("maxFileBytes", MAX_FILE_BYTES));
    }
    let stem = input.file_stem.as_deref().unwrap_or("mirror");
    super::customer_file::check_file_stem(stem)?;
    let (mut previous, mut current) = (previous, current);
    previous.sort_dedup();
    current.sort_dedup();
    let (add, remove) = match (&previous, &current) {
        (Digests::Sha256(p), Digests::Sha256(c)) => diff_counts(c, p),
        (Digests::Md5(p), Digests::Md5(c)) => diff_counts(c, p),
        _ => return Err(PayloadError::DigestWidthMismatch),
    };
    let resulting_size = current.len();
    let mut plan = MirrorPlan {
        strategy: "none",
        steps: Vec::new(),
        add,
        remove,
        resulting_size,
        refusal: None,
        warnings: Vec::new(),
    };
    let since = input.last_replace_at.map(|t| input.now - t);
    let replace_allowed = since.map_or(true, |s| s >= REPLACE_INTERVAL_SECS);
    let refusal = || Refusal {
        code: "replace_too_soon",
        message: REPLACE_REJECTED_MESSAGE,
        workarounds: REPLACE_WORKAROUNDS,
        retry_after: input.last_replace_at.unwrap_or(input.now) + REPLACE_INTERVAL_SECS,
    };
    let use_replace = match strategy {
        Strategy::Replace if !replace_allowed => {
            plan.refusal = Some(refusal());
            return Ok(plan);
        }
        Strategy::Replace => true,
        Strategy::AppendRemove => false,
        // One full file is smaller than two diff files once the diff outgrows the set.
        Strategy::Auto => {
            let prefer = add + remove > resulting_size;
            if prefer && !replace_allowed {
                plan.warnings.push(Warning::new(
                    "replace_deferred",
                    "A REPLACE would upload less, but the last one was under 24 hours ago: \
                     using APPEND + REMOVE instead",
                ));
            }
            prefer && replace_allowed
        }
    };
    // An explicit REPLACE with nothing changed still goes: it is how a user forces TikTok back
    // in line with the ledger. An empty set cannot be a REPLACE file: REMOVE everyone instead.
    let use_replace = use_replace && resulting_size > 0;
    if add == 0 && remove == 0 && !(use_replace && strategy == Strategy::Replace) {
        return Ok(plan);
    }
    if resulting_size < MIN_AUDIENCE_SIZE {
        plan.warnings.push(Warning::new(
            "audience_below_minimum",
            format!(
                "The audience would hold {resulting_size} members after this sync; TikTok fails \
                 APPEND, REMOVE and REPLACE when fewer than {MIN_AUDIENCE_SIZE} remain"
            ),
        ));
    }
    if use_replace {
        plan.strategy = "replace";
        plan.steps.push(MirrorStep {
            action: super::UpdateAction::Replace,
            files: split_files(&current, ct, &format!("{stem}-replace"), max_file_bytes),
        });
    } else {
        plan.strategy = "append_remove";
        // Both are sorted already: merge only.
        let diff = diff_sorted(previous, current)?;
        if add > 0 {
            plan.steps.push(MirrorStep {
                action: super::UpdateAction::Append,
                files: split_files(&diff.add, ct, &format!("{stem}-append"), max_file_bytes),
            });
        }
        if remove > 0 {
            plan.steps.push(MirrorStep {
                action: super::UpdateAction::Remove,
                files: split_files(&diff.remove, ct, &format!("{stem}-remove"), max_file_bytes),
            });
        }
    }
    if plan
        .steps
        .iter()
        .any(|s| s.files.len() > super::limits::FILE_PATHS_RECOMMENDED_MAX)
    {
        plan.warnings.push(Warning::new(
            "file_paths_over_recommended",
            "A step needs 50 files or more; TikTok recommends fewer than 50 file_paths per update",
        ));
    }
    Ok(plan)
}

/// One file per `max_file_bytes` of lines; names get `-1`, `-2`… only when there are several.
fn split_files(
    digests: &Digests,
    ct: CalculateType,
    stem: &str,
    max_file_bytes: usize,
) -> Vec<CustomerFile> {
    let width = digests.width();
    let per_file = max_file_bytes / (2 * width + 1);
    let chunks: Vec<&[u8]> = digests.as_packed().chunks(per_file * width).collect();
    let many = chunks.len() > 1;
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let name = if many {
                format!("{stem}-{}.txt", i + 1)
            } else {
                format!("{stem}.txt")
            };
            file_from_digests(chunk, width, ct, name)
        })
        .collect()
}

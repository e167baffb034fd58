//! Event times to unix seconds (tiktok-api.md §2.3: `event_time` is unix seconds, UTC).
//!
//! Accepted: a number of seconds, a number of milliseconds (any value ≥ 10^11: as seconds that
//! would be the year 5138, as milliseconds it is 1973 onwards), the same as a string of digits,
//! or an ISO-8601 / RFC 3339 date-time with a zone: `2024-01-08T13:52:50Z`,
//! `2024-01-08 13:52:50.123+01:00`. A time without a zone (or a date alone) is ambiguous and
//! refused. Fractions of a second are dropped, as Segment does (`Math.floor(ms / 1000)`).

/// Numbers from here up are milliseconds.
const MS_THRESHOLD: f64 = 1e11;

/// Seconds from a JSON number; `None` when negative or not finite.
pub(crate) fn from_number(n: f64) -> Option<i64> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let secs = if n >= MS_THRESHOLD { n / 1000.0 } else { n };
    // Beyond i64 / year 9999 is not a time anyone means.
    if secs > 253_402_300_799.0 {
        return None;
    }
    Some(secs.floor() as i64)
}

/// Seconds from a string: digits (seconds or ms) or an ISO-8601 date-time with a zone.
pub(crate) fn from_str(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        // u64, not f64: the float parser is kilobytes of wasm this does not need.
        return s.parse::<u64>().ok().and_then(|n| from_number(n as f64));
    }
    parse_iso(s)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = b.get(at..at + n)?;
    part.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn parse_iso(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    // YYYY-MM-DD[T ]HH:MM:SS
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    let (h, mi, sec) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 {
        return None;
    }
    // 60 is a leap second; count it as the next second's start.
    if sec > 60 {
        return None;
    }
    let mut at = 19;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if at == start {
            return None;
        }
    }
    let offset = match b.get(at)? {
        b'Z' | b'z' if at + 1 == b.len() => 0,
        sign @ (b'+' | b'-') => {
            let oh = digits(b, at + 1, 2)?;
            let om = match b.len() - at {
                6 if b[at + 3] == b':' => digits(b, at + 4, 2)?,
                5 => digits(b, at + 3, 2)?,
                3 => 0,
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let t = days * 86_400 + h * 3600 + mi * 60 + sec - offset;
    (t >= 0).then_some(t)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(from_number(1_704_721_970.0), Some(1_704_721_970));
        assert_eq!(from_number(1_704_721_970_123.0), Some(1_704_721_970));
        assert_eq!(from_number(1_704_721_970.9), Some(1_704_721_970));
        assert_eq!(from_number(-1.0), None);
        assert_eq!(from_str("1704721970"), Some(1_704_721_970));
        assert_eq!(from_str("1704721970123"), Some(1_704_721_970));
        assert_eq!(from_str("2024-01-08T13:52:50Z"), Some(1_704_721_970));
        assert_eq!(from_str("2024-01-08T13:52:50.999Z"), Some(1_704_721_970));
        assert_eq!(from_str("2024-01-08 14:52:50+01:00"), Some(1_704_721_970));
        assert_eq!(from_str("2024-01-08T08:52:50-0500"), Some(1_704_721_970));
        assert_eq!(from_str("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        assert_eq!(from_str("2023-02-29T00:00:00Z"), None);
        assert_eq!(from_str("2024-01-08T13:52:50"), None, "no zone");
        assert_eq!(from_str("2024-01-08"), None);
        assert_eq!(from_str("yesterday"), None);
        assert_eq!(from_str(""), None);
    }
}

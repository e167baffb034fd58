//! Offline and Web Event Conversions (Append): `/event/track/` (tiktok-api.md §2.3).
//!
//! Each event is checked on its own; a bad one is reported `{row, code}` and the rest go on
//! (TikTok fails a whole request on one bad row, §3, so nothing doubtful is sent):
//! - `event`, `event_time`, `event_id` are required. `event_id` is the sync key: a repeat
//!   within one call is reported `duplicate_event_id` and sent once (the first valid one).
//! - `event_time`: seconds, milliseconds or ISO-8601 with a zone (see `time.rs`). An event more
//!   than an hour in the future is reported `event_in_future`; an offline event older than 28
//!   days before `now` is reported `event_too_old` (§3). `now` is an input for testability.
//! - offline accepts only the 14 offline standard events (§2.3) → `not_standard_event`; the
//!   web-only fields (`ttclid`, `ttp`, `ip`, `userAgent`, `url`, `referrer`,
//!   `limitedDataUse`) are left out of offline events and reported `{row, column,
//!   code: "web_only_field"}`; an offline event with no email, phone or external id cannot be
//!   matched and is reported `no_identifier`.
//! - `user.email`, `user.phone`, `user.external_id` go through the core (raw or pre-hashed)
//!   and are always sent as arrays of digests, as TikTok's own partner code does. A value that
//!   cannot be used is left out and reported with its column; the event still goes.
//! - `ip` must be an IPv4/IPv6 address and `ip`/`user_agent` are sent as given, unhashed, as
//!   TikTok requires (§2.3).
//! - `properties`: only TikTok's documented keys are sent. `currency` must be an ISO 4217
//!   code (lowercase is uppercased), `value` a non-negative number (a numeric string is
//!   converted) and needs a currency; `contents[]`, `content_type`, `order_id`… are checked.
//!   A bad property stops that event (`invalid_currency`, `invalid_value`, `missing_currency`,
//!   `invalid_contents`…), since a purchase sent without its value would misreport ROAS. An
//!   unknown key is left out and reported `{row, column: "properties",
//!   code: "unknown_property"}` (free-form keys could carry personal data).

use super::input::{Cell, OneOrMany};
use super::limits::{FUTURE_SKEW_SECS, MAX_EVENTS_PER_REQUEST, OFFLINE_MAX_AGE_SECS};
use super::{time, PayloadError, RowReject};
use crate::options::{Algorithm, Kind, Options, Profile};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use std::collections::HashSet;

/// `/event/track/` path.
pub const TRACK_PATH: &str = "/event/track/";

/// The standard events usable offline: the first 14 of TikTok's list (§2.3).
pub const OFFLINE_STANDARD_EVENTS: [&str; 14] = [
    "AddPaymentInfo",
    "AddToCart",
    "AddToWishlist",
    "ClickButton",
    "CompletePayment",
    "CompleteRegistration",
    "Contact",
    "Download",
    "InitiateCheckout",
    "PlaceAnOrder",
    "Search",
    "SubmitForm",
    "Subscribe",
    "ViewContent",
];

/// The currencies TikTok supports for `properties.currency`: the 62 distinct codes of the
/// list in T-SDK `python_sdk/business_api_client/models/pixel_properties.py` l.88 (which
/// names PHP twice). Sorted, for binary search.
const TIKTOK_CURRENCIES: &[&str] = &[
    "AED", "ARS", "AUD", "BDT", "BHD", "BIF", "BOB", "BRL", "CAD", "CHF", "CLP", "CNY", "COP",
    "CRC", "CZK", "DKK", "DZD", "EGP", "EUR", "GBP", "GTQ", "HKD", "HNL", "HUF", "IDR", "ILS",
    "INR", "ISK", "JPY", "KES", "KHR", "KRW", "KWD", "KZT", "MAD", "MOP", "MXN", "MYR", "NGN",
    "NIO", "NOK", "NZD", "OMR", "PEN", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RUB", "SAR",
    "SEK", "SGD", "THB", "TRY", "TWD", "UAH", "USD", "VES", "VND", "ZAR",
];

/// True for a currency TikTok supports (uppercase ISO 4217, [`TIKTOK_CURRENCIES`]).
pub fn is_currency(code: &str) -> bool {
    TIKTOK_CURRENCIES.binary_search(&code).is_ok()
}
/// `web` or `offline` (`app` needs allowlisting and `crm` takes custom events only: not built).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventSource {
    /// Pixel events; `event_source_id` is the pixel code.
    Web,
    /// Offline events; `event_source_id` is the offline Event Set ID.
    Offline,
}

/// One event as the caller gives it (camelCase).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventInput {
    /// Standard or (web) custom event name.
    #[serde(default)]
    pub event: Cell,
    /// Unix seconds, milliseconds, or an ISO-8601 string with a zone.
    #[serde(default)]
    pub event_time: Option<Value>,
    /// The sync key (string or number).
    #[serde(default)]
    pub event_id: Cell,
    /// Email(s), raw or SHA-256.
    #[serde(default)]
    pub email: OneOrMany,
    /// Phone(s), raw or SHA-256.
    #[serde(default)]
    pub phone: OneOrMany,
    /// External id(s), raw or SHA-256.
    #[serde(default)]
    pub external_id: OneOrMany,
    /// Web only: TikTok click id.
    #[serde(default)]
    pub ttclid: Cell,
    /// Web only: the `_ttp` cookie.
    #[serde(default)]
    pub ttp: Cell,
    /// Web only: IPv4 or IPv6, sent unhashed.
    #[serde(default)]
    pub ip: Cell,
    /// Web only: sent unhashed.
    #[serde(default)]
    pub user_agent: Cell,
    /// Web only: `page.url`.
    #[serde(default)]
    pub url: Cell,
    /// Web only: `page.referrer`.
    #[serde(default)]
    pub referrer: Cell,
    /// Web only: `limited_data_use`.
    #[serde(default)]
    pub limited_data_use: Option<bool>,
    /// `properties` (TikTok's snake_case keys: `currency`, `value`, `contents`…).
    #[serde(default)]
    pub properties: Option<Value>,
}

/// What `buildEventBatches` takes (`options` travel separately).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventsInput {
    /// `web` or `offline`.
    pub event_source: String,
    /// Pixel code (web) or offline Event Set ID.
    pub event_source_id: String,
    /// Top-level `test_event_code` (§2.3).
    #[serde(default)]
    pub test_event_code: Option<String>,
    /// Top-level `partner_name`.
    #[serde(default)]
    pub partner_name: Option<String>,
    /// Events per request, 1–1,000 (default 1,000).
    #[serde(default)]
    pub max_events: Option<usize>,
    /// Unix seconds now, for the 28-day and future checks.
    pub now: i64,
    /// The events.
    pub events: Vec<EventInput>,
}

/// `data[].user`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct User {
    /// SHA-256 digests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email: Vec<String>,
    /// SHA-256 digests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone: Vec<String>,
    /// SHA-256 digests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_id: Vec<String>,
    /// Web only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttclid: Option<String>,
    /// Web only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttp: Option<String>,
    /// Web only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Web only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// `data[].page` (web).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page {
    /// The page URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The referrer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

/// One element of `data[]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventData {
    /// The event name.
    pub event: String,
    /// Unix seconds.
    pub event_time: i64,
    /// The dedup key.
    pub event_id: String,
    /// Hashed identifiers and web signals; absent rather than `{}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// Checked properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map<String, Value>>,
    /// Web only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<Page>,
    /// Web only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited_data_use: Option<bool>,
}

/// The `/event/track/` body (§2.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackBody {
    /// `web` or `offline`.
    pub event_source: EventSource,
    /// Pixel code or Event Set ID.
    pub event_source_id: String,
    /// Top level, only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_event_code: Option<String>,
    /// Only when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_name: Option<String>,
    /// 1–1,000 events.
    pub data: Vec<EventData>,
}

/// The requests and the events or fields left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventBatches {
    /// `/event/track/`: where every body goes.
    pub path: &'static str,
    /// The bodies to POST, at most `maxEvents` events each.
    pub requests: Vec<TrackBody>,
    /// Events not sent (`{row, code}`) and fields left out (`{row, column, code}`).
    pub rejected: Vec<RowReject>,
}

/// Builds the `/event/track/` requests.
pub fn build_event_batches(
    input: &EventsInput,
    options: &Options,
) -> Result<EventBatches, PayloadError> {
    let source = match input.event_source.as_str() {
        "web" => EventSource::Web,
        "offline" => EventSource::Offline,
        _ => return Err(PayloadError::InvalidEventSource),
    };
    let id = &input.event_source_id;
    if id.is_empty() {
        return Err(PayloadError::Missing("eventSourceId"));
    }
    if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(PayloadError::InvalidId("eventSourceId"));
    }
    let max = input.max_events.unwrap_or(MAX_EVENTS_PER_REQUEST);
    if max == 0 || max > MAX_EVENTS_PER_REQUEST {
        return Err(PayloadError::InvalidLimit(
            "maxEvents",
            MAX_EVENTS_PER_REQUEST,
        ));
    }
    // Events identifiers are always SHA-256 with the Events profile (§5).
    let options = Options {
        profile: Profile::Events,
        algorithm: Algorithm::Sha256,
        ..*options
    };
    let mut rejected = Vec::new();
    let mut data = Vec::new();
    // Byte strings: the same set type as the customer file's, one instantiation in the wasm.
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut buf = String::new();
    for (row, ev) in input.events.iter().enumerate() {
        match build_event(
            row,
            ev,
            source,
            input.now,
            &options,
            &mut buf,
            &mut rejected,
        ) {
            Ok(d) => {
                if seen.insert(d.event_id.as_bytes().to_vec()) {
                    data.push(d);
                } else {
                    rejected.push(RowReject::row(row, "duplicate_event_id"));
                }
            }
            Err(code) => rejected.push(RowReject::row(row, code)),
        }
    }
    let mut requests = Vec::new();
    let mut data = data.into_iter().peekable();
    while data.peek().is_some() {
        requests.push(TrackBody {
            event_source: source,
            event_source_id: id.clone(),
            test_event_code: input.test_event_code.clone().filter(|c| !c.is_empty()),
            partner_name: input.partner_name.clone().filter(|c| !c.is_empty()),
            data: data.by_ref().take(max).collect(),
        });
    }
    // `rejected` is in row order already: each event's reports are pushed while it is read.
    Ok(EventBatches {
        path: TRACK_PATH,
        requests,
        rejected,
    })
}

/// Text of a plain cell: `Ok(None)` when missing, `Err("wrong_type")` for a non-string.
fn text(cell: &Cell) -> Result<Option<String>, &'static str> {
    match cell {
        Cell::Missing => Ok(None),
        Cell::Invalid => Err("wrong_type"),
        Cell::Text(s) if s.trim().is_empty() => Ok(None),
        Cell::Text(s) => Ok(Some(s.trim().to_owned())),
    }
}

fn build_event(
    row: usize,
    ev: &EventInput,
    source: EventSource,
    now: i64,
    options: &Options,
    buf: &mut String,
    rejected: &mut Vec<RowReject>,
) -> Result<EventData, &'static str> {
    let event = text(&ev.event)
        .map_err(|_| "invalid_event")?
        .ok_or("missing_event")?;
    if source == EventSource::Offline && !OFFLINE_STANDARD_EVENTS.contains(&event.as_str()) {
        return Err("not_standard_event");
    }
    let event_id = text(&ev.event_id)
        .map_err(|_| "invalid_event_id")?
        .ok_or("missing_event_id")?;
    let event_time = match &ev.event_time {
        None | Some(Value::Null) => return Err("missing_event_time"),
        Some(Value::Number(n)) => n.as_f64().and_then(time::from_number),
        Some(Value::String(s)) => time::from_str(s),
        Some(_) => None,
    }
    .ok_or("invalid_event_time")?;
    if event_time > now + FUTURE_SKEW_SECS {
        return Err("event_in_future");
    }
    if source == EventSource::Offline && event_time < now - OFFLINE_MAX_AGE_SECS {
        return Err("event_too_old");
    }
    // Cell-level problems from here on: the event still goes without the cell.
    let mut cell_rejects = Vec::new();
    let (properties, unknown_property) = match &ev.properties {
        None | Some(Value::Null) => (None, false),
        Some(Value::Object(p)) => {
            let (p, unknown) = check_properties(p, row, &mut cell_rejects)?;
            // Never `properties: {}`.
            ((!p.is_empty()).then_some(p), unknown)
        }
        Some(_) => return Err("invalid_properties"),
    };
    let mut user = User::default();
    for (kind, column, cells, out) in [
        (Kind::Email, "email", &ev.email, &mut user.email),
        (Kind::Phone, "phone", &ev.phone, &mut user.phone),
        (
            Kind::ExternalId,
            "externalId",
            &ev.external_id,
            &mut user.external_id,
        ),
    ] {
        for cell in cells.cells() {
            match cell.hash(kind, options, buf) {
                Ok(Some(d)) => {
                    let d = d.as_str().to_owned();
                    if !out.contains(&d) {
                        out.push(d);
                    }
                }
                Ok(None) => {}
                Err(code) => cell_rejects.push(RowReject::cell(row, column, code)),
            }
        }
    }
    let web = source == EventSource::Web;
    let mut web_field = |column: &'static str, cell: &Cell| -> Option<String> {
        let v = match text(cell) {
            Ok(v) => v,
            Err(code) => {
                cell_rejects.push(RowReject::cell(row, column, code));
                return None;
            }
        };
        if v.is_some() && !web {
            cell_rejects.push(RowReject::cell(row, column, "web_only_field"));
            return None;
        }
        v
    };
    user.ttclid = web_field("ttclid", &ev.ttclid);
    user.ttp = web_field("ttp", &ev.ttp);
    user.ip = web_field("ip", &ev.ip);
    user.user_agent = web_field("userAgent", &ev.user_agent);
    let url = web_field("url", &ev.url);
    let referrer = web_field("referrer", &ev.referrer);
    let limited_data_use = match ev.limited_data_use {
        Some(_) if !web => {
            cell_rejects.push(RowReject::cell(row, "limitedDataUse", "web_only_field"));
            None
        }
        v => v,
    };
    if let Some(ip) = &user.ip {
        if !is_ip(ip) {
            cell_rejects.push(RowReject::cell(row, "ip", "invalid_ip"));
            user.ip = None;
        }
    }
    if unknown_property {
        cell_rejects.push(RowReject::cell(row, "properties", "unknown_property"));
    }
    if !web && user.email.is_empty() && user.phone.is_empty() && user.external_id.is_empty() {
        rejected.extend(cell_rejects);
        return Err("no_identifier");
    }
    rejected.extend(cell_rejects);
    let page = (url.is_some() || referrer.is_some()).then_some(Page { url, referrer });
    let user = (user != User::default()).then_some(user);
    Ok(EventData {
        event,
        event_time,
        event_id,
        user,
        properties,
        page,
        limited_data_use,
    })
}

/// An IPv4 or IPv6 address (RFC 4291 text forms, an IPv4 tail allowed). Hand-written rather
/// than `std::net::IpAddr`'s parser, to keep the wasm small.
pub fn is_ip(s: &str) -> bool {
    is_ipv4(s) || is_ipv6(s)
}

fn is_ipv4(s: &str) -> bool {
    let mut parts = 0;
    for p in s.split('.') {
        parts += 1;
        let ok = !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && !(p.len() > 1 && p.starts_with('0'))
            && p.parse::<u16>().is_ok_and(|n| n <= 255);
        if !ok {
            return false;
        }
    }
    parts == 4
}

fn is_ipv6(s: &str) -> bool {
    let (head, tail) = match s.split_once("::") {
        Some((h, t)) if !t.contains("::") => (h, Some(t)),
        Some(_) => return false,
        None => (s, None),
    };
    // Counts 16-bit groups of one side; an IPv4 tail counts as two and must come last.
    let groups = |side: &str, last: bool| -> Option<usize> {
        if side.is_empty() {
            return Some(0);
        }
        let parts: Vec<&str> = side.split(':').collect();
        let mut n = 0;
        for (i, p) in parts.iter().enumerate() {
            if last && i + 1 == parts.len() && p.contains('.') {
                is_ipv4(p).then_some(())?;
                n += 2;
            } else if !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_hexdigit()) {
                n += 1;
            } else {
                return None;
            }
        }
        Some(n)
    };
    match tail {
        None => groups(head, true) == Some(8),
        Some(t) => match (groups(head, false), groups(t, true)) {
            (Some(a), Some(b)) => a + b <= 7,
            _ => false,
        },
    }
}

/// A string property; numbers are written out (ids exported as numbers).
fn prop_string(v: &Value) -> Option<Value> {
    match v {
        Value::String(s) => Some(Value::String(s.clone())),
        Value::Number(n) => Some(Value::String(n.to_string())),
        _ => None,
    }
}

/// A non-negative number; a numeric string such as `"12.50"` is converted.
fn prop_number(v: &Value) -> Option<Value> {
    let n = match v {
        Value::Number(n) => return (n.as_f64()? >= 0.0).then(|| Value::Number(n.clone())),
        // serde_json's number parser is in the binary anyway; `str::parse::<f64>` is not.
        Value::String(s) => serde_json::from_str::<f64>(s.trim()).ok()?,
        _ => return None,
    };
    (n.is_finite() && n >= 0.0)
        .then(|| Number::from_f64(n))
        .flatten()
        .map(Value::Number)
}

/// A non-negative whole number.
fn prop_count(v: &Value) -> Option<Value> {
    v.as_u64().map(|n| Value::Number(n.into()))
}

/// The checked properties, and whether unknown keys were left out. Fields of `contents[]`
/// items that are left out are reported in `rejects`.
fn check_properties(
    props: &Map<String, Value>,
    row: usize,
    rejects: &mut Vec<RowReject>,
) -> Result<(Map<String, Value>, bool), &'static str> {
    let mut out = Map::new();
    let mut unknown = false;
    // TikTok's search field is `query` (T-SDK `pixel_properties.py` l.30, l.131–135);
    // `search_string`, the name other partners send, is taken as input and sent as `query`.
    let mut search = None;
    for (key, v) in props {
        if v.is_null() {
            continue;
        }
        let checked = match key.as_str() {
            "currency" => {
                let c = v.as_str().map(|s| s.trim().to_ascii_uppercase());
                match c {
                    Some(c) if is_currency(&c) => Value::String(c),
                    _ => return Err("invalid_currency"),
                }
            }
            "value" => prop_number(v).ok_or("invalid_value")?,
            "content_type" => match v.as_str() {
                Some(t @ ("product" | "product_group")) => Value::String(t.to_owned()),
                _ => return Err("invalid_content_type"),
            },
            "contents" => check_contents(v, row, rejects).ok_or("invalid_contents")?,
            "order_id" => prop_string(v).ok_or("invalid_order_id")?,
            "shop_id" => prop_string(v).ok_or("invalid_shop_id")?,
            "num_items" => prop_count(v).ok_or("invalid_num_items")?,
            "query" | "search_string" => {
                let q = prop_string(v).ok_or("invalid_query")?;
                // `query` wins over `search_string` when both are given.
                if key == "query" || search.is_none() {
                    search = Some(q);
                }
                continue;
            }
            "description" => prop_string(v).ok_or("invalid_description")?,
            "content_ids" => match v {
                Value::Array(a) => Value::Array(
                    a.iter()
                        .map(prop_string)
                        .collect::<Option<Vec<_>>>()
                        .ok_or("invalid_content_ids")?,
                ),
                _ => return Err("invalid_content_ids"),
            },
            _ => {
                unknown = true;
                continue;
            }
        };
        out.insert(key.clone(), checked);
    }
    if let Some(q) = search {
        out.insert("query".into(), q);
    }
    if out.contains_key("value") && !out.contains_key("currency") {
        return Err("missing_currency");
    }
    Ok((out, unknown))
}

/// `contents[]`: objects with `content_id`, `content_name`, `content_category`, `brand`
/// (strings), `price` (number), `quantity` (whole number) — the fields of tiktok-api.md §2.3.
/// A field outside them (TikTok's 1.0 `status` and `content_type`, T-SDK `pixel_content.py`
/// l.30, l.33, which Events 2.0 does not list) or a `quantity` that is not a whole number
/// is left out alone and reported with its column; the item and the event still go.
fn check_contents(v: &Value, row: usize, rejects: &mut Vec<RowReject>) -> Option<Value> {
    let items = v.as_array()?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let mut o = Map::new();
        for (k, v) in item.as_object()? {
            if v.is_null() {
                continue;
            }
            let checked = match k.as_str() {
                "content_id" | "content_name" | "content_category" | "brand" => prop_string(v)?,
                "price" => prop_number(v)?,
                "quantity" => match prop_count(v) {
                    Some(q) => q,
                    None => {
                        rejects.push(RowReject::cell(
                            row,
                            "properties.contents.quantity",
                            "invalid_quantity",
                        ));
                        continue;
                    }
                },
                other => {
                    // TikTok's own keys are named; a free-form key could be personal data.
                    let column = match other {
                        "status" => "properties.contents.status",
                        "content_type" => "properties.contents.content_type",
                        _ => "properties.contents",
                    };
                    rejects.push(RowReject::cell(row, column, "unknown_property"));
                    continue;
                }
            };
            o.insert(k.clone(), checked);
        }
        out.push(Value::Object(o));
    }
    Some(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addresses() {
        for ok in [
            "0.0.0.0",
            "192.168.1.255",
            "::",
            "::1",
            "2001:db8::8a2e:370:7334",
            "2001:0db8:0000:0000:0000:ff00:0042:8329",
            "::ffff:192.0.2.128",
            "fe80::",
        ] {
            assert!(is_ip(ok), "{ok}");
            assert!(ok.parse::<std::net::IpAddr>().is_ok(), "{ok}");
        }
        for bad in [
            "",
            "999.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "2001:db8::g",
            "::1.2.3",
            "1.2.3.4::",
            ":1:2:3:4:5:6:7",
            "12345::",
        ] {
            assert!(!is_ip(bad), "{bad}");
            assert!(bad.parse::<std::net::IpAddr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn currency_list_is_sorted_for_binary_search() {
        assert!(TIKTOK_CURRENCIES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(TIKTOK_CURRENCIES.len(), 62);
        assert!(is_currency("USD") && is_currency("EUR") && !is_currency("usd"));
        assert!(!is_currency("XXX") && !is_currency("ABC"));
        // ISO 4217 codes TikTok does not list.
        assert!(!is_currency("AFN") && !is_currency("ZWG") && !is_currency("BOV"));
    }
}

//! Events API 2.0 body (tiktok-api.md §2.3): `/event/track/` for web and offline events.
//!
//! Identifiers (`user.email`, `phone`, `external_id`) are SHA-256 digests; `ip` and
//! `user_agent` go unhashed, as TikTok requires. Every other field is TikTok's own, checked for
//! type and length; fields TikTok defines for app and CRM events, and custom properties, are
//! refused: they are not built here, and free-form fields could carry personal data.

use super::fields::{check_text, OneOrMany, Sha256Hex};
use super::strict::Reason;
use super::{SchemaError, Validate};
use crate::payload::limits::MAX_EVENTS_PER_REQUEST;
pub use crate::payload::EventSource;
use serde::{Deserialize, Serialize};
use serde_json::Number;

/// Longest free-text field accepted (names, ids, descriptions).
pub const MAX_TEXT: usize = 1_000;
/// Longest URL or user agent accepted.
pub const MAX_URL: usize = 4_096;

/// `POST /event/track/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackRequest {
    /// `web` or `offline`.
    pub event_source: EventSource,
    /// Pixel code (web) or offline Event Set ID.
    pub event_source_id: String,
    /// Top level (§2.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_event_code: Option<String>,
    /// Top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_name: Option<String>,
    /// 1–1,000 events.
    pub data: Vec<Event>,
}

/// One element of `data[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Standard or (web) custom event name.
    pub event: String,
    /// Unix seconds.
    pub event_time: i64,
    /// The dedup key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// Hashed identifiers and web signals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// TikTok's documented properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Properties>,
    /// Web only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Page>,
    /// Web and app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limited_data_use: Option<bool>,
}

/// `data[].user`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// SHA-256 digests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<OneOrMany<Sha256Hex>>,
    /// SHA-256 digests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<OneOrMany<Sha256Hex>>,
    /// SHA-256 digests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<OneOrMany<Sha256Hex>>,
    /// TikTok click id (web).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttclid: Option<String>,
    /// The `_ttp` cookie (web).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttp: Option<String>,
    /// IPv4 or IPv6, unhashed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Unhashed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// e.g. `en-US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// `data[].page`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// The page URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The referrer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

/// `product` or `product_group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentType {
    /// A product.
    Product,
    /// A product group.
    ProductGroup,
}

/// `data[].properties`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Properties {
    /// ISO 4217, uppercase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Non-negative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Number>,
    /// `product` or `product_group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<ContentType>,
    /// The items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<Vec<Content>>,
    /// Order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Shop id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<String>,
    /// Number of items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_items: Option<u64>,
    /// The search text (the builders' name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_string: Option<String>,
    /// The search text (TikTok's Events API name, issue 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Content ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_ids: Option<Vec<String>>,
}

/// `properties.contents[]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    /// Content id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_name: Option<String>,
    /// Category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_category: Option<String>,
    /// Brand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Number>,
    /// Quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
}

fn text(field: impl FnOnce() -> String, v: &Option<String>, max: usize) -> Result<(), SchemaError> {
    match v {
        Some(s) if !check_text(s, max) => Err(SchemaError::new(field(), Reason::BadText)),
        _ => Ok(()),
    }
}

fn non_negative(field: impl FnOnce() -> String, v: &Option<Number>) -> Result<(), SchemaError> {
    match v {
        Some(n) if !n.as_f64().is_some_and(|f| f >= 0.0 && f.is_finite()) => {
            Err(SchemaError::new(field(), Reason::OutOfRange))
        }
        _ => Ok(()),
    }
}

impl Validate for TrackRequest {
    fn validate(&self) -> Result<(), SchemaError> {
        let id_ok = !self.event_source_id.is_empty()
            && self.event_source_id.len() <= 64
            && self
                .event_source_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric());
        if !id_ok {
            return Err(SchemaError::new("event_source_id", Reason::BadText));
        }
        text(|| "test_event_code".into(), &self.test_event_code, 64)?;
        text(|| "partner_name".into(), &self.partner_name, 64)?;
        if self.data.is_empty() || self.data.len() > MAX_EVENTS_PER_REQUEST {
            return Err(SchemaError::new("data", Reason::BadCount));
        }
        for (i, ev) in self.data.iter().enumerate() {
            ev.validate(i)?;
        }
        Ok(())
    }
}

impl Event {
    fn validate(&self, i: usize) -> Result<(), SchemaError> {
        let at = |f: &str| format!("data[{i}].{f}");
        if !check_text(&self.event, 64) {
            return Err(SchemaError::new(at("event"), Reason::BadText));
        }
        if self.event_time <= 0 {
            return Err(SchemaError::new(at("event_time"), Reason::OutOfRange));
        }
        text(|| at("event_id"), &self.event_id, MAX_TEXT)?;
        if let Some(u) = &self.user {
            text(|| at("user.ttclid"), &u.ttclid, MAX_TEXT)?;
            text(|| at("user.ttp"), &u.ttp, MAX_TEXT)?;
            text(|| at("user.ip"), &u.ip, 64)?;
            if let Some(ip) = &u.ip {
                if !crate::payload::events::is_ip(ip) {
                    return Err(SchemaError::new(at("user.ip"), Reason::BadText));
                }
            }
            text(|| at("user.user_agent"), &u.user_agent, MAX_URL)?;
            text(|| at("user.locale"), &u.locale, 35)?;
        }
        if let Some(p) = &self.page {
            text(|| at("page.url"), &p.url, MAX_URL)?;
            text(|| at("page.referrer"), &p.referrer, MAX_URL)?;
        }
        if let Some(p) = &self.properties {
            if let Some(c) = &p.currency {
                if !crate::payload::events::is_currency(c) {
                    return Err(SchemaError::new(
                        at("properties.currency"),
                        Reason::NotInEnum,
                    ));
                }
            }
            non_negative(|| at("properties.value"), &p.value)?;
            if p.value.is_some() && p.currency.is_none() {
                return Err(SchemaError::new(
                    at("properties.currency"),
                    Reason::MissingField,
                ));
            }
            for (f, v) in [
                ("order_id", &p.order_id),
                ("shop_id", &p.shop_id),
                ("search_string", &p.search_string),
                ("query", &p.query),
                ("description", &p.description),
            ] {
                text(|| at(&format!("properties.{f}")), v, MAX_TEXT)?;
            }
            for (k, id) in p.content_ids.iter().flatten().enumerate() {
                if !check_text(id, MAX_TEXT) {
                    return Err(SchemaError::new(
                        at(&format!("properties.content_ids[{k}]")),
                        Reason::BadText,
                    ));
                }
            }
            for (k, c) in p.contents.iter().flatten().enumerate() {
                let at = |f: &str| at(&format!("properties.contents[{k}].{f}"));
                for (f, v) in [
                    ("content_id", &c.content_id),
                    ("content_name", &c.content_name),
                    ("content_category", &c.content_category),
                    ("brand", &c.brand),
                ] {
                    text(|| at(f), v, MAX_TEXT)?;
                }
                non_negative(|| at("price"), &c.price)?;
            }
        }
        Ok(())
    }
}

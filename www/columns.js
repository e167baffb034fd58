// Column roles and their detection from header names and the first rows' contents.

/** Identifier roles: hashed in the browser before anything is sent. */
export const ID_ROLES = [
  { role: 'email', label: 'Email' },
  { role: 'phone', label: 'Phone' },
  { role: 'idfa', label: 'IDFA (iOS ad id)' },
  { role: 'gaid', label: 'GAID (Android ad id)' },
  { role: 'external_id', label: 'External id' },
];

/** Event field roles (events only; these are not personal identifiers). */
export const EVENT_ROLES = [
  { role: 'event', label: 'Event name' },
  { role: 'event_time', label: 'Event time' },
  { role: 'event_id', label: 'Event id' },
  { role: 'value', label: 'Value' },
  { role: 'currency', label: 'Currency' },
  { role: 'order_id', label: 'Order id' },
  { role: 'content_id', label: 'Content id' },
  { role: 'ttclid', label: 'TikTok click id (web)' },
  { role: 'ip', label: 'IP address (web)' },
  { role: 'user_agent', label: 'User agent (web)' },
  { role: 'url', label: 'Page URL (web)' },
  { role: 'referrer', label: 'Referrer (web)' },
];

export const ID_KINDS = new Set(ID_ROLES.map((r) => r.role));

const HEADER_PATTERNS = [
  ['email', /^(e-?mail|email_?address|mail|email_sha256|hashed_email)$/],
  ['phone', /^(phone|phone_?number|mobile|mobile_?phone|tel|telephone|cell|phone_sha256|msisdn)$/],
  ['idfa', /^(idfa|ios_?ad_?id|idfa_(sha256|md5))$/],
  ['gaid', /^(gaid|aaid|adid|android_?ad_?id|google_?ad_?id|gaid_(sha256|md5))$/],
  ['external_id', /^(external_?id|customer_?id|user_?id|crm_?id|member_?id)$/],
  ['event', /^(event|event_?name|event_?type|action)$/],
  ['event_time', /^(event_?time|timestamp|time|date|datetime|created_?at|occurred_?at)$/],
  ['event_id', /^(event_?id|dedup(lication)?_?id|transaction_?id)$/],
  ['value', /^(value|amount|revenue|total|price)$/],
  ['currency', /^(currency|currency_?code)$/],
  ['order_id', /^(order_?id|order_?number)$/],
  ['content_id', /^(content_?id|product_?id|sku)$/],
  ['ttclid', /^(ttclid|click_?id)$/],
  ['ip', /^(ip|ip_?address|client_?ip)$/],
  ['user_agent', /^(user_?agent|ua)$/],
  ['url', /^(url|page_?url|page)$/],
  ['referrer', /^(referr?er|referr?er_?url)$/],
];

const UUID = /^\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*$/i;

/** Guesses a role per column (or '' for "not used"); each role is given at most once. */
export function detectRoles(header, sampleRows) {
  const roles = header.map((h) => {
    const key = h.trim().toLowerCase().replace(/[\s-]+/g, '_');
    for (const [role, re] of HEADER_PATTERNS) if (re.test(key)) return role;
    return '';
  });
  // Content sniffing for columns the header did not name.
  header.forEach((_, c) => {
    if (roles[c]) return;
    const values = sampleRows.map((r) => (r[c] ?? '').trim()).filter(Boolean);
    if (!values.length) return;
    const share = (re) => values.filter((v) => re.test(v)).length / values.length;
    if (share(/^[^@\s]+@[^@\s]+\.[^@\s]+$/) >= 0.6) roles[c] = 'email';
    else if (share(/^\+?[\d\s().-]{7,20}$/) >= 0.6) roles[c] = 'phone';
  });
  const seen = new Set();
  return roles.map((r) => {
    if (!r || seen.has(r)) return '';
    seen.add(r);
    return r;
  });
}

/** True when a column's sample looks like ad ids (UUIDs). */
export function looksLikeMaid(values) {
  const v = values.filter((x) => x && x.trim());
  return v.length > 0 && v.every((x) => UUID.test(x));
}

// The plain-language reason for every reject code the package reports, one table beside the
// codes (rejectCodes(), the CSV reader's codes, the payload builders' row codes). A page shows
// these instead of keeping its own copy.

/** Code → one sentence a person can act on. Never mentions the value. */
export const REJECT_REASONS = Object.freeze({
  // identifiers (rejectCodes())
  empty: 'The cell is empty.',
  invalid_email: 'Not an email address (it needs one @ and a domain with a dot).',
  invalid_phone: 'Not a possible phone number for its country.',
  phone_needs_country: 'No country code: write it with + and the country code, or pick a default country.',
  unknown_country_code: 'The country code does not exist.',
  invalid_maid: 'Not an ad id (expected 8-4-4-4-12 hex, like 5f3a2b18-9c4d-4e7f-b8e2-17d3a1e69b25).',
  maid_zero: 'All-zero ad id: the person limited ad tracking, so it is not sent.',
  too_long: 'Too long to be this kind of identifier.',
  // rows of a CSV file (hashCsv)
  unterminated_quote: 'A quote (") opens a field and is never closed; the row was skipped and reading went on at the next line.',
  text_after_quote: 'Text follows a closing quote (like "Bob"x): the row cannot be read reliably, so it was skipped.',
  row_too_long: 'The row is longer than 1 MB: it was skipped.',
  invalid_utf8: 'The cell is not UTF-8 text (save the file as “CSV UTF-8”).',
  no_identifier: 'No usable identifier in the row, so the row is not sent.',
  // the request builders (payload rows)
  wrong_type: 'Not text.',
  missing_event: 'No event name.',
  invalid_event: 'Not a usable event name.',
  not_standard_event: 'Offline events must be one of TikTok’s 14 offline standard events (CompletePayment, Contact, …).',
  missing_event_id: 'No event id (it is how TikTok de-duplicates re-sends).',
  invalid_event_id: 'Not a usable event id.',
  duplicate_event_id: 'The same event id appears earlier in the file; it is sent once.',
  missing_event_time: 'No event time.',
  invalid_event_time: 'Not a time (use unix seconds, milliseconds, or a date with its time zone).',
  event_in_future: 'More than an hour in the future.',
  event_too_old: 'Older than 28 days: TikTok does not take offline events that old.',
  web_only_field: 'Only Web events carry this field.',
  invalid_ip: 'Not an IP address (IPv4 like 203.0.113.7, or IPv6).',
  invalid_properties: 'The event properties are not usable.',
  unknown_property: 'Not one of TikTok’s event properties.',
  invalid_currency: 'Not a currency code (ISO 4217, like USD or EUR).',
  missing_currency: 'A value needs a currency.',
  invalid_value: 'Not a non-negative number.',
  invalid_content_type: 'The content type must be “product” or “product_group”.',
  invalid_contents: 'The contents are not usable.',
  invalid_order_id: 'Not a usable order id.',
  invalid_shop_id: 'Not a usable shop id.',
  invalid_num_items: 'The number of items must be a whole number, 0 or more.',
  invalid_search_string: 'The search text is not usable (too long or not text).',
  invalid_description: 'The description is not usable (too long or not text).',
  invalid_content_ids: 'The content ids are not usable (they must be a list of ids).',
});

/** The reason for `code`, or a generic sentence naming the code when it is unknown. */
export function rejectReason(code) {
  return Object.hasOwn(REJECT_REASONS, code) ? REJECT_REASONS[code] : `Rejected (${code}).`;
}

// Hand-kept types for the tikhash package (wasm-bindgen's generated .d.ts describes only the
// raw core). tests/js/types.test.ts type-checks usage against this file.

/** An identifier kind. `aaid` is accepted as another name for `gaid`. */
export type Kind = 'email' | 'phone' | 'idfa' | 'gaid' | 'external_id';

/** Which TikTok endpoint the identifiers are for. */
export type Profile = 'events' | 'partner_audience' | 'customer_file';

/** Why one identifier was rejected. */
export type RejectCode =
  | 'empty'
  | 'invalid_email'
  | 'invalid_phone'
  | 'phone_needs_country'
  | 'unknown_country_code'
  | 'invalid_maid'
  | 'maid_zero'
  | 'too_long';

/** Why a call (not a value) was refused: thrown as TypeError/RangeError with this `code`. */
export type OptionsErrorCode =
  | 'unknown_kind'
  | 'unknown_profile'
  | 'unknown_country'
  | 'unknown_phone_format'
  | 'unknown_algorithm'
  | 'md5_not_allowed'
  | 'wrong_type';

export interface Options {
  /** Default `"events"`. `"customer_file"` also strips `+tag` from emails. */
  profile?: Profile;
  /** ISO 3166-1 alpha-2 country for phone numbers written without a country code, e.g. `"GB"`. */
  defaultCountry?: string;
  /** `"e164"` (default, `+442071838750`) or `"digits"` (`442071838750`). */
  phoneFormat?: 'e164' | 'digits';
  /** `"sha256"` (default) or `"md5"` (IDFA and GAID only). */
  algorithm?: 'sha256' | 'md5';
  /** Remove dots from the email's local part (default false). */
  stripEmailDots?: boolean;
  /** Lowercase external ids (default false: TikTok keeps their case). */
  lowercase?: boolean;
}

/** The error thrown for a rejected value or a wrong call. Its message never holds the value. */
export interface TikhashError extends Error {
  code: RejectCode | OptionsErrorCode;
}

/** One rejected row of a batch. */
export interface Rejected {
  /** Zero-based index into the input array. */
  row: number;
  code: RejectCode;
}

export interface BatchResult {
  /** Lowercase hex per row; `null` exactly for rejected rows. */
  hashes: (string | null)[];
  rejected: Rejected[];
}

/** Loads the WebAssembly module (browsers: await it once before any other call; Node: optional). */
export function init(wasm?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** The normalized text TikTok hashes, or the lowercased digest for pre-hashed input. Throws {@link TikhashError}. */
export function normalize(kind: Kind, value: string, options?: Options): string;

/** Normalizes and hashes; lowercase hex (64 chars, 32 for MD5). Throws {@link TikhashError}. */
export function hash(kind: Kind, value: string, options?: Options): string;

/** Hashes a whole column in one call; bad rows are reported, never thrown. */
export function hashBatch(kind: Kind, values: string[], options?: Options): BatchResult;

/** {@link hashBatch} as one string, for columns of millions (no string per row). */
export interface PackedBatchResult {
  /** `width` hex characters per row; a rejected row is `width` times `-`. */
  packed: string;
  /** 64 (SHA-256) or 32 (MD5). */
  width: 64 | 32;
  rejected: Rejected[];
}

/** Like {@link hashBatch}, but row r's hash is `packed.slice(r * width, (r + 1) * width)`. */
export function hashBatchPacked(kind: Kind, values: string[], options?: Options): PackedBatchResult;

/** Every reason code a rejected row can carry. */
export function rejectCodes(): RejectCode[];

// ---- payloads (TikTok request bodies): below this line ----
export * from './payload.js';

// Types of the TikTok request-body builders (js/payload.js; rules in src/payload/).
// Inputs are camelCase; bodies use TikTok's snake_case field names (tiktok-api.md §2).
import type { Options, RejectCode } from './index.js';

/** A value cell: a string, a number (written out in decimal) or null/undefined for "none". */
export type Cell = string | number | null | undefined;

/** Why a row or a cell was left out (never the value). */
export type PayloadRejectCode =
  | RejectCode
  | 'wrong_type'
  | 'no_identifier'
  | 'missing_event'
  | 'invalid_event'
  | 'not_standard_event'
  | 'missing_event_id'
  | 'invalid_event_id'
  | 'duplicate_event_id'
  | 'missing_event_time'
  | 'invalid_event_time'
  | 'event_in_future'
  | 'event_too_old'
  | 'web_only_field'
  | 'invalid_ip'
  | 'invalid_properties'
  | 'unknown_property'
  | 'invalid_currency'
  | 'missing_currency'
  | 'invalid_value'
  | 'invalid_content_type'
  | 'invalid_contents'
  | 'invalid_order_id'
  | 'invalid_shop_id'
  | 'invalid_num_items'
  | 'invalid_query'
  | 'invalid_quantity'
  | 'invalid_description'
  | 'invalid_content_ids';

/** Why a payload call was refused (thrown as RangeError, or TypeError for `wrong_type`). */
export type PayloadErrorCode =
  | 'missing_field'
  | 'missing_action'
  | 'invalid_id'
  | 'empty_name'
  | 'name_too_long'
  | 'invalid_action'
  | 'no_columns'
  | 'column_length_mismatch'
  | 'invalid_limit'
  | 'kind_not_allowed'
  | 'invalid_calculate_type'
  | 'invalid_file_name'
  | 'invalid_event_source'
  | 'invalid_retention'
  | 'invalid_sub_type'
  | 'invalid_strategy'
  | 'too_many_file_paths'
  | 'nothing_to_update'
  | 'invalid_digest'
  | 'digest_width_mismatch'
  | 'wrong_type';

/**
 * A row or cell left out. With `column`, that cell was left out and the row was still sent;
 * without, the whole row was not sent.
 */
export interface RowReject {
  /** Zero-based index into the input. */
  row: number;
  column?: string;
  code: PayloadRejectCode;
}

/** Something to know that did not stop the build; the message holds no value. */
export interface Warning {
  code:
    | 'name_truncated'
    | 'empty_file'
    | 'file_too_large'
    | 'file_paths_over_recommended'
    | 'file_path_not_issued_form'
    | 'audience_below_minimum'
    | 'replace_deferred';
  message: string;
}

/** One request: POST `https://business-api.tiktok.com/open_api/v1.3${path}` with `body` as JSON. */
export interface Built<Path extends string, Body> {
  path: Path;
  body: Body;
  warnings: Warning[];
}

// ---- Partner Audience (§2.1) ----

export interface SegmentAudienceBody {
  advertiser_id: string;
  action: 'create';
  /** Cut to 67 characters + "..." when longer than 70, as TikTok does. */
  custom_audience_name: string;
}

export type SegmentIdType =
  | 'EMAIL_SHA256'
  | 'PHONE_SHA256'
  | 'IDFA_SHA256'
  | 'IDFA_MD5'
  | 'AAID_SHA256'
  | 'AAID_MD5';

/** `{}` when the row has no identifier of that position's type. */
export type MappingCell = { id: string; audience_ids: string[] } | Record<string, never>;

export interface SegmentMappingBody {
  advertiser_ids: string[];
  action: 'add' | 'delete';
  /** In the fixed order EMAIL, PHONE, IDFA, AAID (GAID) of the columns given. */
  id_schema: SegmentIdType[];
  /** Each row as long as `id_schema`, positional. */
  batch_data: MappingCell[][];
}

export interface SegmentMappingInput {
  advertiserIds: string[];
  audienceIds: string[];
  /** Default `add`. */
  action?: 'add' | 'delete';
  /** Equal-length columns of raw or hashed values. */
  columns: { email?: Cell[]; phone?: Cell[]; idfa?: Cell[]; gaid?: Cell[] };
  /** Rows per request, 1–10,000 (default 10,000). */
  maxRows?: number;
  /** `algorithm` applies to IDFA/GAID only; the profile is always `partner_audience`. */
  options?: Options;
}

export interface Batches<Path extends string, Body> {
  path: Path;
  /** The bodies to POST, in order. */
  requests: Body[];
  rejected: RowReject[];
}

// ---- Customer File Audience (§2.2) ----

export type CalculateType =
  | 'EMAIL_SHA256'
  | 'PHONE_SHA256'
  | 'IDFA_SHA256'
  | 'IDFA_MD5'
  | 'GAID_SHA256'
  | 'GAID_MD5'
  | 'MAID_SHA256'
  | 'MAID_MD5'
  | 'FIRST_SHA256'
  | 'FIRST_MD5'
  | 'MULTIPLE_TYPES';

export interface CustomerFileInput {
  /** One identifier type per file… */
  kind?: 'email' | 'phone' | 'idfa' | 'gaid';
  values?: Cell[];
  /** …or several in a MULTIPLE_TYPES CSV with a header row. */
  columns?: { email?: Cell[]; phone?: Cell[]; idfa?: Cell[]; gaid?: Cell[] };
  /** Put the type's name on the first line of a one-type file (default false). */
  header?: boolean;
  /** Must end in `.csv` or `.txt`; default `<calculate_type>-<signature prefix>.txt|.csv`. */
  fileName?: string;
  /** Required: TikTok's upload needs `advertiser_id` (a missing one is `missing_field`). */
  advertiserId: string;
  /** The profile is always `customer_file` (strips `+tag` from emails). */
  options?: Options;
}

/**
 * The multipart form fields besides `file`. The file's name goes in `name` (TikTok's upload
 * yml), not the generated SDK's `file_name`, which TikTok does not read and the proxy refuses.
 */
export interface UploadFields {
  /** Always set by `buildCustomerFile`; absent only in Mirror plan files. */
  advertiser_id?: string;
  calculate_type: CalculateType;
  file_signature: string;
  name: string;
}

export interface CustomerFile {
  /** The exact bytes: one lowercase hex digest per line, every line ending in `\n`. */
  bytes: Uint8Array;
  fileName: string;
  /** MD5 hex of `bytes`. */
  fileSignature: string;
  calculateType: CalculateType;
  /** Identifier lines (header not counted). */
  lines: number;
  /** Repeats left out. */
  duplicates: number;
  rejected: RowReject[];
  warnings: Warning[];
  upload: { path: '/dmp/custom_audience/file/upload/'; body: UploadFields };
}

export interface CustomAudienceCreateInput {
  advertiserId: string;
  /** 1–128 characters. */
  name: string;
  /** Not `MAID_*` (those exist only in the upload's enum). */
  calculateType: Exclude<CalculateType, 'MAID_SHA256' | 'MAID_MD5'>;
  /** 1–500 `file_path`s from the uploads (TikTok's are 16 characters; others warn). */
  filePaths: string[];
  /** 1–365. */
  retentionInDays?: number;
  audienceSubType?: 'NORMAL' | 'REACH_FREQUENCY';
  audienceEnhancement?: boolean;
}

export interface CustomAudienceCreateBody {
  advertiser_id: string;
  custom_audience_name: string;
  calculate_type: CalculateType;
  file_paths: string[];
  retention_in_days?: number;
  audience_sub_type?: 'NORMAL' | 'REACH_FREQUENCY';
  audience_enhancement?: boolean;
}

export type UpdateAction = 'APPEND' | 'REMOVE' | 'REPLACE';

/** Files with their action, a rename, a sub type, an enhancement switch, or several. */
export type CustomAudienceUpdateInput = {
  advertiserId: string;
  customAudienceId: string;
  /** A new name, 1–128 characters. */
  name?: string;
  /** Only REACH_FREQUENCY: TikTok converts NORMAL to it, never back, and ignores the other changes. */
  audienceSubType?: 'REACH_FREQUENCY';
  audienceEnhancement?: boolean;
} & (
  | {
      /** Required with files: TikTok treats a missing action as REPLACE. */
      action: UpdateAction | Lowercase<UpdateAction>;
      /** 1–500 `file_path`s. */
      filePaths: string[];
    }
  | { action?: undefined; filePaths?: undefined }
);

export interface CustomAudienceUpdateBody {
  advertiser_id: string;
  custom_audience_id: string;
  /** Present exactly when `file_paths` is. */
  action?: UpdateAction;
  file_paths?: string[];
  custom_audience_name?: string;
  audience_sub_type?: 'REACH_FREQUENCY';
  audience_enhancement?: boolean;
}

// ---- Events (§2.3) ----

export type OfflineStandardEvent =
  | 'AddPaymentInfo'
  | 'AddToCart'
  | 'AddToWishlist'
  | 'ClickButton'
  | 'CompletePayment'
  | 'CompleteRegistration'
  | 'Contact'
  | 'Download'
  | 'InitiateCheckout'
  | 'PlaceAnOrder'
  | 'Search'
  | 'SubmitForm'
  | 'Subscribe'
  | 'ViewContent';

export interface Content {
  content_id?: string | number;
  content_name?: string;
  content_category?: string;
  brand?: string;
  price?: number;
  /** A whole number; anything else is left out and reported (`invalid_quantity`). */
  quantity?: number;
  /** TikTok's Events 1.0 fields, not in Events 2.0: left out and reported (`unknown_property`). */
  status?: string;
  content_type?: string;
}

/** TikTok's property names; anything else is left out and reported. */
export interface EventProperties {
  /** One of the 62 ISO 4217 codes TikTok supports (lowercase is uppercased). */
  currency?: string;
  /** Non-negative; needs `currency`. */
  value?: number | string;
  content_type?: 'product' | 'product_group';
  contents?: Content[];
  content_ids?: (string | number)[];
  order_id?: string | number;
  shop_id?: string | number;
  num_items?: number;
  /** TikTok's search field; sent as `query`. */
  query?: string;
  /** Accepted as input and sent as `query` (`query` wins when both are given). */
  search_string?: string;
  description?: string;
}

export interface EventInput {
  event: string;
  /** Unix seconds, milliseconds, an ISO-8601 string with a zone, or a Date. */
  eventTime: number | string | Date;
  /** The sync key: repeats within one call are sent once. */
  eventId: string | number;
  email?: Cell | Cell[];
  phone?: Cell | Cell[];
  externalId?: Cell | Cell[];
  /** Web only (the rest below too). */
  ttclid?: string;
  ttp?: string;
  ip?: string;
  userAgent?: string;
  url?: string;
  referrer?: string;
  limitedDataUse?: boolean;
  properties?: EventProperties;
}

export interface EventsInput {
  eventSource: 'web' | 'offline';
  /** Pixel code (web) or offline Event Set ID. */
  eventSourceId: string;
  testEventCode?: string;
  partnerName?: string;
  /** 1–1,000 (default 1,000). */
  maxEvents?: number;
  /** Unix seconds; default the clock. */
  now?: number;
  events: EventInput[];
  options?: Options;
}

export interface TrackUser {
  email?: string[];
  phone?: string[];
  external_id?: string[];
  ttclid?: string;
  ttp?: string;
  ip?: string;
  user_agent?: string;
}

export interface TrackEvent {
  event: string;
  event_time: number;
  event_id: string;
  /** Absent rather than `{}` when the event has no identifier or web signal. */
  user?: TrackUser;
  /** Absent rather than `{}`; the search text is `query`, never `search_string`. */
  properties?: Omit<EventProperties, 'search_string'>;
  page?: { url?: string; referrer?: string };
  limited_data_use?: boolean;
}

export interface TrackBody {
  event_source: 'web' | 'offline';
  event_source_id: string;
  test_event_code?: string;
  partner_name?: string;
  /** 1–1,000 events. */
  data: TrackEvent[];
}

// ---- Mirror ----

/** Packed digests (32 bytes each for SHA-256, 16 for MD5) or hex strings. */
export type DigestList = Uint8Array | string[];

export interface MirrorDiff {
  /** Packed, sorted: in current, not in previous. */
  add: Uint8Array;
  /** Packed, sorted: in previous, not in current. */
  remove: Uint8Array;
  width: 32 | 16;
}

/**
 * Rows in the `hashBatchPacked` layout (`width` hex characters a row, `-`s for a row without
 * a hash): a string, its ASCII bytes, or pieces of either, each whole rows (hashCsv's
 * `columns[h].hex`, which stays usable past JavaScript's string length limit).
 */
export type PackedHex = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

/** What a row-by-row Mirror sends (Partner Audiences). */
export interface RowsMirror {
  /** The rows (0-based, ascending) whose hash is not in previous. */
  addedRows: Uint32Array;
  /** Packed, sorted: in previous, held by no row. */
  remove: Uint8Array;
  width: 32 | 16;
}

export type MirrorPlanInput = MirrorPlanCommon & (
  | { current: DigestList; currentPackedHex?: never }
  /** The current list as hashed rows (empty rows skipped), parsed in wasm. */
  | { currentPackedHex: PackedHex; current?: never }
);

export interface MirrorPlanCommon {
  /** The members TikTok acknowledged last time (the ledger). */
  previous: DigestList;
  /** One-type calculate type of the audience (sets the digest width). */
  calculateType: Exclude<CalculateType, 'MULTIPLE_TYPES'>;
  /** Unix seconds of the last acknowledged REPLACE, or null. */
  lastReplaceAt?: number | null;
  /** Unix seconds; default the clock. */
  now?: number;
  /** Default `auto`: REPLACE when allowed and smaller than APPEND + REMOVE. */
  strategy?: 'auto' | 'replace' | 'append_remove';
  /** File name stem (default `mirror`). */
  fileStem?: string;
  /** Split a step's data into files of at most this many bytes (default 50 MB). */
  maxFileBytes?: number;
}

export interface MirrorPlan {
  strategy: 'replace' | 'append_remove' | 'none';
  /** In order: APPEND before REMOVE. Upload the files, then update with their file_paths. */
  steps: { action: UpdateAction; files: CustomerFile[] }[];
  add: number;
  remove: number;
  resultingSize: number;
  /** Set when a REPLACE was asked for within 24 h of the last one. */
  refusal: null | {
    code: 'replace_too_soon';
    /** TikTok's own rejection text. */
    message: string;
    /** Partner Audience; a 48 h schedule; Update or Create. */
    workarounds: [string, string, string];
    /** Unix seconds. */
    retryAfter: number;
  };
  warnings: Warning[];
}

export function buildSegmentAudience(input: { advertiserId: string; name: string }): Built<'/segment/audience/', SegmentAudienceBody>;
export function buildSegmentMapping(input: SegmentMappingInput): Batches<'/segment/mapping/', SegmentMappingBody>;
export function buildCustomerFile(input: CustomerFileInput): CustomerFile;
export function buildCustomAudienceCreate(input: CustomAudienceCreateInput): Built<'/dmp/custom_audience/create/', CustomAudienceCreateBody>;
export function buildCustomAudienceUpdate(input: CustomAudienceUpdateInput): Built<'/dmp/custom_audience/update/', CustomAudienceUpdateBody>;
export function buildEventBatches(input: EventsInput): Batches<'/event/track/', TrackBody>;
export function mirrorDiff(previous: DigestList, current: DigestList, options?: { width?: 32 | 16; algorithm?: 'sha256' | 'md5' }): MirrorDiff;
export function planCustomerFileMirror(input: MirrorPlanInput): MirrorPlan;
/** Which rows of a list hold a hash `previous` lacks, and which of `previous` left. */
export function mirrorRows(previous: DigestList, packedHex: PackedHex, options?: { width?: 32 | 16; algorithm?: 'sha256' | 'md5' }): RowsMirror;
/** Packs hex digests into one Uint8Array. */
export function hexToDigests(hex: string[], width?: 32 | 16): Uint8Array;
/** Lowercase hex of packed digests. */
export function digestsToHex(packed: Uint8Array, width?: 32 | 16): string[];
/** The exact requests (and files, warnings, rejects) as text for a person. */
export function dryRun(
  result:
    | Built<string, unknown>
    | Batches<string, unknown>
    | CustomerFile
    | MirrorPlan,
  options?: { maxItems?: number; fileLines?: number; advertiserId?: string; customAudienceId?: string },
): string;

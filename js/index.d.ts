// Hand-kept types for the tikhash package (wasm-bindgen's generated .d.ts describes only the
// raw core). tests/js/*.check.ts type-check usage against this file in a DOM, a Node and a bare ES2022 project.

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

// ---- Platform types ----
// Read from the global scope, so that these types need neither the DOM lib nor @types/node:
// a browser project sees `URL`, `Response`, `Blob`… from the DOM lib, a Node project the same
// names from @types/node, and a project with neither simply cannot pass them.

/** The instances of the global class `Name` where the project's libs declare it, else `never`. */
type GlobalInstance<Name extends string> =
  typeof globalThis extends Record<Name, abstract new (...args: any[]) => infer T> ? T : never;

/** `WebAssembly.Module` where the project's libs declare it, else `never`. */
type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: any[]) => infer T } }
  ? T
  : never;

/** The bytes of the `.wasm` file. */
type WasmBytes = ArrayBuffer | ArrayBufferView;

/**
 * Where {@link init} loads the module from: its URL (a string or `URL`), a `Request`, what
 * `fetch` answered (or the promise of it), the bytes, or a compiled `WebAssembly.Module`.
 */
export type WasmSource =
  | string
  | GlobalInstance<'URL'>
  | GlobalInstance<'Request'>
  | GlobalInstance<'Response'>
  | WasmBytes
  | WasmModule
  | PromiseLike<GlobalInstance<'Response'> | WasmBytes | WasmModule>;

/** Loads the WebAssembly module (browsers: await it once before any other call; Node: optional). */
export function init(wasm?: WasmSource): Promise<void>;

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

// ---- CSV files ----

/** Why a row of a CSV file, or one of its cells, was not used. */
export type CsvRejectCode =
  | RejectCode
  | 'unterminated_quote'
  | 'text_after_quote'
  | 'row_too_long'
  | 'invalid_utf8'
  | 'no_identifier';

/** Why a whole file was refused: thrown as a RangeError with this `code`. */
export type CsvFileErrorCode =
  | 'workbook_not_csv'
  | 'unsupported_encoding'
  | 'not_text'
  | 'not_utf8'
  | 'bad_utf16'
  | 'empty_file'
  | 'no_header'
  | 'unknown_column';

/** A `ReadableStream` of bytes or text (of the DOM or of `node:stream/web`), described by what hashCsv calls. */
export interface ByteStream {
  getReader(): {
    read(): PromiseLike<{ done: false; value: Uint8Array | string } | { done: true; value?: unknown }>;
    releaseLock(): void;
  };
}

/** The bytes of a CSV file: a `Blob`/`File`, a `ReadableStream` of bytes, a Node `Readable` (any async iterable of bytes) or the bytes themselves. */
export type CsvSource =
  | Uint8Array
  | ArrayBuffer
  | GlobalInstance<'Blob'>
  | ByteStream
  | AsyncIterable<Uint8Array | string>;

/** What each column holds: an identifier kind (hashed) or an event field (text). */
export type ColumnRole =
  | Kind
  | 'event'
  | 'event_time'
  | 'event_id'
  | 'value'
  | 'currency'
  | 'order_id'
  | 'content_id'
  | 'ttclid'
  | 'ip'
  | 'user_agent'
  | 'url'
  | 'referrer';

export interface HashCsvOptions extends Omit<Options, 'algorithm'> {
  /** Header name → kind of each column to hash; without it, the detected identifier columns. */
  columns?: Record<string, Kind>;
  /** `"md5"` hashes the IDFA/GAID columns with MD5 (32 wide); other columns stay SHA-256. */
  algorithm?: 'sha256' | 'md5';
  /** Header names of columns to return as text (event fields; never identifiers). */
  text?: string[];
  /** Also return the raw text of each rejected row (for a report made on the device). */
  rowText?: boolean;
  /** Called after each piece with the rows read so far and the bytes (of UTF-8 text) read. */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
  /** Aborts with a DOMException named `AbortError`. */
  signal?: { readonly aborted: boolean };
  /** Workers that parse pieces in parallel (module workers in browsers, worker_threads in Node); default 0: this thread. */
  workers?: number;
  /** Bytes per piece (default 4 MiB). */
  chunkBytes?: number;
}

/** One hashed column, in the {@link hashBatchPacked} layout. */
export interface CsvColumn {
  kind: Kind;
  /**
   * `width` hex characters per data row; `-` repeated for a row without a hash. Joined on
   * first read; throws a RangeError (`too_large`) past JavaScript's string length limit
   * (about 8 million SHA-256 rows), where `hex` still serves.
   */
  readonly packed: string;
  /**
   * The same text as ASCII bytes, in the pieces the file was read in (each whole rows); not
   * enumerable, so results of one file read in different pieces are deep-equal.
   */
  readonly hex: Uint8Array[];
  width: 64 | 32;
}

/** A row or a cell that was not used. Empty cells are not rejects (their slot is `-`s). */
export interface CsvRejected {
  /** The spreadsheet row: the header is row 1, the first record row 2; a quoted newline stays in its row; an empty line is a row. */
  row: number;
  /** The header of the cell's column, or `null` for the whole row. */
  column: string | null;
  code: CsvRejectCode;
}

export interface HashCsvResult {
  /** Data records (rows 2 … rows + 1); empty rows at the very end are not counted. */
  rows: number;
  /** Per hashed column, by header name. */
  columns: Record<string, CsvColumn>;
  rejected: CsvRejected[];
  /** With `text`: each column's values, one per row. */
  text?: Record<string, string[]>;
  /** With `rowText`: spreadsheet row → the row's raw text (stays on the device). */
  rowText?: Record<number, string>;
  file: CsvFileInfo;
}

export interface CsvFileInfo {
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';
  /** `,` `;` tab or `|` (or what a `sep=` line names). */
  delimiter: string;
  /** Unique names: an empty one is `Column N`, a repeated one `Name (2)`. */
  header: string[];
  /** The file starts with a `sep=` line (not a row). */
  sepLine: boolean;
}

export interface CsvInspection {
  encoding: CsvFileInfo['encoding'];
  delimiter: string;
  header: string[];
  /** The first rows (row 2 first), read as hashCsv reads them. */
  sample: { row: number; cells: string[]; problem: CsvRejectCode | null }[];
  /** Header name → detected role, `''` when none. */
  detected: Record<string, ColumnRole | ''>;
}

/** Normalizes and hashes a CSV file's identifier columns; bad rows are reported, a file that is not CSV text is thrown. */
export function hashCsv(source: CsvSource, options?: HashCsvOptions): Promise<HashCsvResult>;

/** The header, first rows and detected columns of a CSV file, without hashing. */
export function inspectCsv(source: CsvSource, options?: { sampleRows?: number }): Promise<CsvInspection>;

/** One role (or `''`) per column, from the header synonyms and, for unnamed columns, the values. */
export function detectColumns(header: string[], sample?: string[][]): (ColumnRole | '')[];

/** A header name as the synonym table compares it: lowercase, no accents, letters and digits only. */
export function foldHeader(name: string): string;

/** Role → folded header names. */
export const HEADER_SYNONYMS: Readonly<Record<ColumnRole, readonly string[]>>;

/** The identifier kinds, in order. */
export const IDENTIFIER_KINDS: readonly Kind[];

/** Reject code → a sentence a person can act on (identifiers, CSV rows and request builders). */
export const REJECT_REASONS: Readonly<Record<string, string>>;

/** The reason for a code, or `Rejected (code).` for an unknown one. */
export function rejectReason(code: string): string;

// ---- payloads (TikTok request bodies): below this line ----
export * from './payload.js';

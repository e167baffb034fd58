// Types of `tikhash/sync` (js/sync/): the sync engine shared by the page, the CLI and tests.
import type { HashCsvResult, Kind, Options } from './index.js';

/** The objects a sync writes (the page's names; the CLI maps partner_audience → partner, …). */
export type SyncObject = 'partner' | 'customer_file' | 'offline' | 'web';

/** upsert / mirror for audiences, append for events. */
export type SyncBehaviour = 'upsert' | 'mirror' | 'append';

/** A hashed identifier column of a Dataset. */
export interface IdColumn {
  /** The column's index in the file's header. */
  index: number;
  kind: Kind;
  /** Hex characters per digest: 64 (SHA-256) or 32 (MD5). */
  width: 64 | 32;
  options: Options;
}

/** The hashed file as the engine reads it, made from hashCsv's result. */
export class Dataset {
  constructor(result: HashCsvResult, ids: IdColumn[], extras: number[], header: string[], ms: number);
  readonly ids: IdColumn[];
  readonly extras: number[];
  readonly rows: number;
  /** Rejected cells and rows: spreadsheet row, kind (null for the whole row), code. */
  readonly rejects: { row: number; kind: Kind | null | undefined; code: string }[];
  /** Spreadsheet rows with no usable identifier. */
  readonly noId: number[];
  /** Hex hashes of identifier column `k` for data rows [from, to): '' where there is none. */
  hashes(k: number, from?: number, to?: number): string[];
  /** Hex hashes of identifier column `k` for the given ascending data rows. */
  hashesAt(k: number, rows: ArrayLike<number>): string[];
  /** True when any of the given ascending data rows has a hash in column `k`. */
  anyHashAt(k: number, rows: ArrayLike<number>): boolean;
  /** Column `k`'s rows in the hashBatchPacked layout, in pieces (what mirrorRows reads). */
  packedHex(k: number): Uint8Array[];
  /** Raw text of extra column `j` for data rows [from, to). */
  extra(j: number, from?: number, to?: number): string[];
  /** Rejects counted by reason, and the rows with no identifier. */
  summary(): { byCode: Record<string, number>; noId: number };
}

/** What to sync where (the page's form, the CLI's flags). */
export interface SyncSettings {
  object: SyncObject;
  behaviour: SyncBehaviour;
  advertiserId: string;
  /** '' creates a new audience named `audienceName`. */
  audienceId?: string;
  audienceName?: string;
  /** Customer files: the identifier kind of the file. */
  fileKind?: Kind;
  /** Customer-file Mirror: the smallest upload, or one strategy only. */
  mirrorStrategy?: 'auto' | 'append_remove' | 'replace';
  /** Events: the Pixel code (web) or Event set id (offline). */
  eventSourceId?: string;
  testEventCode?: string;
  algorithm?: 'sha256' | 'md5';
  /** Events: event field role → column index in the header. */
  extraIndex?: Record<string, number>;
}

/** The ledger reads a plan needs (a transport has them). */
export interface LedgerReader {
  ledgerMembers(advertiserId: string, audienceId: string, idType: string, width: 32 | 16): Promise<Uint8Array>;
  ledgerInfo(advertiserId: string, audienceId: string): Promise<{ lastReplaceAt: number | null; members: Record<string, number> }>;
}

/** One step of a plan: its body is built lazily from the context earlier steps filled. */
export interface SyncStep {
  label: string;
  method: 'POST';
  /** Under /open_api/v1.3/. */
  path: string;
  /** Rows (or identifiers) the step carries, for progress and the run record. */
  rows?: number;
  /** A multipart upload (customer files). */
  multipart?: boolean;
  build(ctx: SyncContext): unknown;
  after?(ctx: SyncContext, envelope: Envelope): void;
}

export interface SyncPlan {
  notes: string[];
  steps: SyncStep[];
}

/** A value or row the builders left out: spreadsheet row (null when unknown), column, code. */
export interface SendReject {
  row: number | null;
  column?: string | null;
  code: string;
}

export interface SyncContext {
  audienceId: string;
  filePaths: Record<string, string>;
  rejected: SendReject[];
  calculateType: string | null;
  /** The audience a create step made, once TikTok answered. */
  createdAudience: string | null;
}

/** TikTok's (and the proxy's) answer. */
export interface Envelope {
  code: number | null;
  message?: string;
  request_id?: string;
  data?: any;
}

/** An error a person can act on: what happened, and what to do. */
export class SyncError extends Error {
  constructor(
    title: string,
    options?: { detail?: string; fixes?: string[]; requestId?: string | null; status?: number | null; code?: number | null; retryAfter?: number | null; tiktokMessage?: string | null },
  );
  readonly title: string;
  readonly detail: string;
  readonly fixes: string[];
  readonly requestId: string | null;
  readonly status: number | null;
  readonly code: number | null;
  readonly retryAfter: number | null;
  /** TikTok's (or the proxy's) own message, beside the plain-language title. */
  readonly tiktokMessage: string | null;
}

export const PARTNER_BATCH: number;
export const EVENT_BATCH: number;
/** Stands for a new audience's id in dry runs. */
export const PLACEHOLDER_ID: string;
export const API_PREFIX: '/open_api/v1.3/';

export function replaceWorkarounds(): string[];
export function idType(object: SyncObject, kind: Kind, algorithm?: 'sha256' | 'md5'): string;
export function bodiesOf(step: SyncStep, result: unknown): unknown[];
/** Plans a sync; Mirror reads the ledger through `io`. */
export function planSync(settings: SyncSettings, data: Dataset, io: LedgerReader): Promise<SyncPlan>;
/** Every request of a plan, built without sending. */
export function dryRun(plan: SyncPlan, settings: SyncSettings): { requests: { step: SyncStep; body: any; result: any }[]; rejected: SendReject[]; placeholder: boolean };
export function newContext(settings: SyncSettings): SyncContext;
/** Sends a plan through `send`; resolves to the context (created audience, rejects). */
export function runSync(
  plan: SyncPlan,
  settings: SyncSettings,
  send: (step: SyncStep, body: any) => Promise<Envelope>,
  onStep: (progress: { index: number; total: number; step: SyncStep; envelope: Envelope; ctx: SyncContext }) => void,
  signal?: { readonly aborted: boolean },
): Promise<SyncContext>;
/**
 * How the proxy reaches TikTok: 'app' with a TikTok account connected through the page (step 0),
 * 'token' with the proxy's TIKTOK_ACCESS_TOKEN; null when unknown.
 */
export type AccountMode = 'app' | 'token' | null;
/** The account mode from `GET /tikhash/connection`'s `data`. */
export function accountModeOf(connection: { connected?: boolean; connected_at?: number | null } | null | undefined): AccountMode;
/**
 * A proxy/TikTok answer in plain language, with what to do about it. `accountMode` picks the
 * advice for an advertiser the proxy refuses (403); without it both are given.
 */
export function explain(status: number, envelope: Envelope | null, advertiserId: string, accountMode?: AccountMode): SyncError;

// ---- HTTP, structurally ----
// Written out rather than taken from the DOM lib or @types/node, so that these types check in
// a browser, a Node-only and a bare ES2022 project alike; `fetch` and `Response` of either
// platform fit them.

/** What the engine reads of an HTTP answer (a fetch `Response`). */
export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  json(): Promise<any>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  clone(): HttpResponse;
}

/** What the engine hands to `fetch`. */
export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  credentials?: 'omit' | 'same-origin' | 'include';
  keepalive?: boolean;
}

/** A `fetch` (the platform's, or a test's fake). */
export type FetchLike = (url: string, init: HttpRequestInit) => Promise<HttpResponse>;

/** An HTTP request as it goes out. */
export interface EncodedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export function readEnvelope(res: HttpResponse): Promise<Envelope>;
export function ledgerSeconds(v: unknown): number | null;
export function multipart(fields: Record<string, unknown> & { file: { name: string; bytes: Uint8Array } }): { body: Uint8Array; contentType: string };
export function encodeRequest(step: SyncStep, body: any): EncodedRequest;

export interface ProxyTransportOptions {
  /** The proxy's origin, e.g. http://127.0.0.1:8080 ('' for the page's own origin). */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer`. */
  apiKey?: string;
  fetch?: FetchLike;
  credentials?: 'omit' | 'same-origin' | 'include';
  /** Awaited before each request (the page's sign-in). */
  ready?: Promise<unknown>;
  onUnauthorized?: () => void;
  /** Extra tries on a network error, 429 or 503 (default 2). */
  retries?: number;
  /** Send with `keepalive` (a run's close still arrives when the tab reloads or closes). */
  keepalive?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

export interface RunWriteResult {
  ok: boolean;
  status: number;
  env: Envelope;
}

/** A run as GET /tikhash/runs lists it. */
export interface RunInfo {
  id: string;
  who: string;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
  status: string;
  object: string;
  behaviour: string;
  advertiser_id: string;
  audience_id: string | null;
  audience_name: string | null;
  rows_read: number;
  rows_sent: number;
  rows_added: number;
  rows_removed: number;
  rejected: Record<string, number>;
  request_ids: string[];
  error_status: number | null;
  error_code: number | null;
  error_message: string | null;
  tiktok_message: string | null;
  duration_ms: number | null;
}

export interface ProxyTransport extends LedgerReader {
  request(path: string, init?: HttpRequestInit): Promise<HttpResponse>;
  send(step: SyncStep, body: any, advertiserId: string): Promise<Envelope>;
  /** The proxy's account mode from `/tikhash/connection`; null when it cannot be read. */
  accountMode(): Promise<AccountMode>;
  postRun(body: Record<string, unknown>): Promise<RunWriteResult>;
  runs(limit?: number): Promise<RunInfo[]>;
}

export function proxyTransport(options?: ProxyTransportOptions): ProxyTransport;

/** A sync's events, in order, as the recorder takes them. */
export type SyncEvent =
  | { phase: 'start'; settings: SyncSettings; data?: Dataset | null; exclusive?: boolean; audienceName?: string }
  | { phase: 'step'; step: SyncStep; envelope?: Envelope }
  | { phase: 'beat' }
  | { phase: 'end'; ctx?: SyncContext; cancelled?: boolean }
  | { phase: 'error'; err: unknown };

export interface RunRecorder {
  readonly id: string | null;
  apply(event: SyncEvent): Promise<void>;
}

export function runRecorder(transport: Pick<ProxyTransport, 'postRun'>, options?: { now?: () => number }): RunRecorder;
export function rejectedByReason(data: Dataset | null | undefined): Record<string, number>;
export function tally(totals: { sent: number; added: number; removed: number }, step: Pick<SyncStep, 'label' | 'rows'>): { sent: number; added: number; removed: number };

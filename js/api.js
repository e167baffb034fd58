// The typed JS surface over the wasm core. Each function converts arguments and results;
// the rules themselves live in Rust (src/), so the browser and the proxy never disagree.
import * as core from './tikhash_core.js';
import { writeRows, wasmBytes } from './rows.js';
import { hashCsv as hashCsvFile, inspectCsv as inspectCsvFile } from './csv.js';

export { detectColumns, foldHeader, HEADER_SYNONYMS, IDENTIFIER_KINDS } from './columns.js';
export { REJECT_REASONS, rejectReason } from './reasons.js';

let ready = false;
let codes = null;

/** Called by the entry module once the wasm instance exists. */
export function markReady() {
  ready = true;
  codes = core.rejectCodes();
}

function assertReady() {
  if (!ready) {
    throw new Error('tikhash: the WebAssembly module is not loaded yet; `await init()` first');
  }
}

/** Normalizes one identifier; throws a RangeError whose `code` is the reason. */
export function normalize(kind, value, options) {
  assertReady();
  return core.normalize(kind, asString(value, 'value'), options);
}

/** Normalizes and hashes one identifier; lowercase hex. */
export function hash(kind, value, options) {
  assertReady();
  return core.hash(kind, asString(value, 'value'), options);
}

/**
 * Hashes a whole column in one JS/wasm crossing. `hashes[row]` is null exactly for the rows
 * listed in `rejected`, each with its reason code (never the value).
 */
export function hashBatch(kind, values, options) {
  const { packed, width, rejected } = hashBatchPacked(kind, values, options);
  // Fixed-width rows: `slice` makes each hash a view into the one decoded string, the
  // cheapest string V8 can make.
  const count = values.length;
  const hashes = new Array(count);
  for (let i = 0, p = 0; i < count; i++, p += width) hashes[i] = packed.slice(p, p + width);
  for (const { row } of rejected) hashes[row] = null;
  return { hashes, rejected };
}

/**
 * `hashBatch` without one string per row, for columns of millions: `packed` holds `width`
 * hex characters per row (64, or 32 for MD5), row r at `packed.slice(r * width, (r + 1) *
 * width)`, and `-` repeated `width` times for each row listed in `rejected`.
 */
export function hashBatchPacked(kind, values, options) {
  assertReady();
  if (!Array.isArray(values)) {
    throw typeError('tikhash: hashBatch takes an array of strings', 'wrong_type');
  }
  const count = values.length;
  writeRows(values);
  const r = core.hashBatchScratch(kind, count, options);
  const [at, width, nRejected] = r;
  const packed = count === 0 ? '' : decodeAscii(wasmBytes(at, count * width));
  const rejected = new Array(nRejected);
  for (let j = 0; j < nRejected; j++) rejected[j] = { row: r[3 + 2 * j], code: codes[r[4 + 2 * j]] };
  return { packed, width, rejected };
}

// Node's Buffer copies Latin-1 (hex is ASCII) into a string about 1.5× as fast as TextDecoder
// decodes UTF-8; browsers (and bundlers' Buffer polyfills, written in JS) use TextDecoder.
const NodeBuffer =
  globalThis.process?.versions?.node && typeof globalThis.Buffer?.prototype?.latin1Slice === 'function'
    ? globalThis.Buffer
    : null;

const decoder = new TextDecoder();

/** The hex bytes as a string. */
function decodeAscii(bytes) {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).latin1Slice(0, bytes.length);
  return decoder.decode(bytes);
}

/**
 * Normalizes and hashes the identifier columns of a CSV file (Blob/File, ReadableStream,
 * Node Readable or Uint8Array): `{ rows, columns, rejected }`, typed in index.d.ts.
 */
export async function hashCsv(source, options) {
  assertReady();
  return hashCsvFile(source, options);
}

/** The header, delimiter, encoding and first rows of a CSV file, with the detected columns. */
export async function inspectCsv(source, options) {
  assertReady();
  return inspectCsvFile(source, options);
}

/** Every reason code a rejected row can carry. */
export function rejectCodes() {
  assertReady();
  return codes.slice();
}

function asString(value, name) {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw typeError(`tikhash: ${name} must be a string`, 'wrong_type');
}

function typeError(message, code) {
  const err = new TypeError(message);
  err.code = code;
  return err;
}
export * from './payload.js';

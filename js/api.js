// The typed JS surface over the wasm core. Each function converts arguments and results;
// the rules themselves live in Rust (src/), so the browser and the proxy never disagree.
import * as core from './tikhash_core.js';

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
  assertReady();
  if (!Array.isArray(values)) {
    throw typeError('tikhash: hashBatch takes an array of strings', 'wrong_type');
  }
  const count = values.length;
  // One joined string crosses the boundary once; a value that itself holds a newline makes the
  // split ambiguous, and the core says so by returning undefined: then convert per element.
  let packed = core.hashBatchJoined(kind, values.join('\n'), count, options);
  if (packed === undefined) packed = core.hashBatchArray(kind, values, options);
  return unpack(packed, count);
}

/** Turns the core's `[hex, rows, reasons]` into `{ hashes, rejected }`. */
export function unpack([hex, rows, reasons], count) {
  const hashes = [];
  if (count > 0) {
    const width = hex.length / count;
    for (let i = 0, at = 0; i < count; i++, at += width) hashes.push(hex.slice(at, at + width));
  }
  const rejected = [];
  for (let j = 0; j < rows.length; j++) {
    hashes[rows[j]] = null;
    rejected.push({ row: rows[j], code: codes[reasons[j]] });
  }
  return { hashes, rejected };
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

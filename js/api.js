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
  const packed = count === 0 ? '' : decodeAscii(new Uint8Array(memory.buffer, at, count * width));
  const rejected = new Array(nRejected);
  for (let j = 0; j < nRejected; j++) rejected[j] = { row: r[3 + 2 * j], code: codes[r[4 + 2 * j]] };
  return { packed, width, rejected };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let memory = null;

/** Rows per `encodeInto` on the fast path of `writeRows`. */
const CHUNK = 12;

/**
 * Writes every value's UTF-8 straight into wasm memory with its end offset, as the core's
 * `hashBatchScratch` reads them. Rows go CHUNK at a time: the chunk's strings concatenated
 * and written by one `encodeInto`; when it writes as many bytes as the chunk has UTF-16
 * units, every unit was ASCII (any other takes 2–4 bytes), so the row ends are the running
 * sums of the lengths. A chunk holding anything else (non-ASCII, a non-string) is written
 * again row by row: a JS loop storing char codes, `encodeInto` for a non-ASCII rest, which
 * also writes lone surrogates as U+FFFD exactly like wasm-bindgen's string passing for `hash`
 * (and keeps two rows' halves of a pair apart). Numbers are written as `String(n)`, as `hash`
 * takes them; any other non-string becomes an empty row. (Both a whole-array `join` and a
 * per-row `encodeInto` are slower than the plain loop; chunks of 12 halve it.)
 */
function writeRows(values) {
  const count = values.length;
  let cap = 1024;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (typeof v === 'string') cap += v.length;
  }
  memory ??= core.wasmMemory();
  // Locals only (no closure over them): V8 keeps them in registers in this hot loop.
  const reserved = core.batchReserve(cap, count);
  let base = reserved[0];
  let mem = new Uint8Array(memory.buffer);
  let ends = new Uint32Array(memory.buffer, reserved[1], count);
  let p = 0;
  for (let i = 0; i < count; i += CHUNK) {
    const last = Math.min(i + CHUNK, count);
    let chunk = '';
    let plain = true;
    for (let k = i; k < last; k++) {
      const v = values[k];
      if (typeof v !== 'string') {
        plain = false;
        break;
      }
      chunk += v;
    }
    // Room for every UTF-16 unit as 3 bytes (the most it takes); rarely more than `cap`.
    if (p + 3 * chunk.length > cap) {
      cap = Math.max(p + 3 * chunk.length, 2 * cap);
      const at = core.batchReserve(cap, count);
      base = at[0];
      mem = new Uint8Array(memory.buffer);
      ends = new Uint32Array(memory.buffer, at[1], count);
    }
    if (plain && encoder.encodeInto(chunk, mem.subarray(base + p, base + cap)).written === chunk.length) {
      for (let k = i; k < last; k++) {
        p += values[k].length;
        ends[k] = p;
      }
      continue;
    }
    for (let k = i; k < last; k++) {
      let v = values[k];
      if (typeof v !== 'string') v = typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
      const n = v.length;
      if (p + 3 * n > cap) {
        cap = Math.max(p + 3 * n, 2 * cap);
        const at = core.batchReserve(cap, count);
        base = at[0];
        mem = new Uint8Array(memory.buffer);
        ends = new Uint32Array(memory.buffer, at[1], count);
      }
      const at = base + p;
      let j = 0;
      for (; j < n; j++) {
        const c = v.charCodeAt(j);
        if (c >= 0x80) break;
        mem[at + j] = c;
      }
      if (j < n) {
        const rest = j === 0 ? v : v.slice(j);
        p += j + encoder.encodeInto(rest, mem.subarray(at + j, base + cap)).written;
      } else {
        p += n;
      }
      ends[k] = p;
    }
  }
}

// Node's Buffer copies Latin-1 (hex is ASCII) into a string about 1.5× as fast as TextDecoder
// decodes UTF-8; browsers (and bundlers' Buffer polyfills, written in JS) use TextDecoder.
const NodeBuffer =
  globalThis.process?.versions?.node && typeof globalThis.Buffer?.prototype?.latin1Slice === 'function'
    ? globalThis.Buffer
    : null;

/** The hex bytes as a string. */
function decodeAscii(bytes) {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).latin1Slice(0, bytes.length);
  return decoder.decode(bytes);
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

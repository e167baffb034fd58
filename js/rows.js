// Rows into wasm memory: how a whole column crosses the JS/wasm boundary once, for
// `hashBatch` and `hexToDigests` alike. Internal to the package (not exported from index.js).
import * as core from './tikhash_core.js';

const encoder = new TextEncoder();
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
export function writeRows(values) {
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

/** A view of `length` bytes of wasm memory at `at` (valid until the next call into wasm). */
export function wasmBytes(at, length) {
  memory ??= core.wasmMemory();
  return new Uint8Array(memory.buffer, at, length);
}

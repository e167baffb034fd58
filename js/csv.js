// hashCsv: a CSV file (Blob/File, ReadableStream, Node Readable, Uint8Array) in, packed hashes
// per identifier column and (row, column, code) rejects out. Parsing, normalizing and hashing
// happen in wasm (src/csv/); this file reads the bytes, cuts them into pieces, hands the
// pieces to workers and merges their rows in order (the merge of src/csv/chunk.rs).
import * as core from './tikhash_core.js';
import { detectColumns, IDENTIFIER_KINDS } from './columns.js';

const HEAD_BYTES = 64 * 1024;
const CHUNK_BYTES = 4 << 20;
const NO_COLUMN = 0xffffffff;
const HASH_OPTIONS = ['profile', 'defaultCountry', 'phoneFormat', 'algorithm', 'stripEmailDots', 'lowercase'];

// The kinds in the order of the core's Kind::ALL, and the other names it accepts.
const KIND_INDEX = { email: 0, phone: 1, idfa: 2, gaid: 3, external_id: 4 };
const KIND_ALIASES = { aaid: 'gaid', externalId: 'external_id' };

const ENCODINGS = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be'];

let reasonCodes = null;
const codes = () => (reasonCodes ??= core.csvReasonCodes());

function typeError(message) {
  return Object.assign(new TypeError(message), { code: 'wrong_type' });
}

function abortError() {
  return new DOMException('tikhash: hashCsv was aborted', 'AbortError');
}

/** The source as an async iterator of Uint8Array pieces. */
async function* pieces(source) {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (source instanceof ArrayBuffer) {
    yield new Uint8Array(source);
    return;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) source = source.stream();
  if (source && typeof source.getReader === 'function') {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield toBytes(value);
      }
    } finally {
      reader.releaseLock?.();
    }
  }
  if (source && typeof source[Symbol.asyncIterator] === 'function') {
    for await (const value of source) yield toBytes(value);
    return;
  }
  throw typeError('tikhash: hashCsv takes a Blob, File, ReadableStream, Node Readable or Uint8Array');
}

function toBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw typeError('tikhash: the stream must yield bytes (Uint8Array)');
}

function concat(a, b) {
  if (!a.length) return b;
  if (!b.length) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The file as UTF-8 text without its BOM, piece by piece, and its encoding: UTF-8 is passed
 * through, UTF-16 (by its BOM) transcoded in wasm; anything else throws a RangeError whose
 * message says how to re-save the file.
 */
async function utf8Text(source) {
  const input = pieces(source);
  let head = new Uint8Array(0);
  let ended = false;
  while (head.length < 4 || (head.length < HEAD_BYTES && !ended)) {
    const next = await input.next();
    if (next.done) {
      ended = true;
      break;
    }
    head = concat(head, next.value);
  }
  const encoding = ENCODINGS[core.csvDetectEncoding(head.subarray(0, HEAD_BYTES), ended && head.length <= HEAD_BYTES)];
  const bom = encoding === 'utf-8' ? 0 : encoding === 'utf-8-bom' ? 3 : 2;
  // UTF-16 (detected in wasm by its BOM) becomes UTF-8 through the platform's decoder, which
  // throws on damaged text ({ fatal: true }) instead of inventing characters.
  const decoder = encoding.startsWith('utf-16') ? new TextDecoder(encoding, { fatal: true, ignoreBOM: true }) : null;
  const encoder = new TextEncoder();
  const convert = (bytes, last) => {
    if (!decoder) return bytes;
    try {
      return encoder.encode(decoder.decode(bytes, { stream: !last }));
    } catch {
      throw Object.assign(new RangeError('tikhash: the file’s UTF-16 text is damaged (odd length or an unpaired surrogate)'), { code: 'bad_utf16' });
    }
  };
  async function* text() {
    yield convert(head.subarray(bom), ended);
    if (ended) return;
    for (let n = await input.next(); !n.done; n = await input.next()) yield convert(n.value, false);
    if (decoder) yield convert(new Uint8Array(0), true);
  }
  return { encoding, text: text() };
}

/** Reads the head of a UTF-8 piece stream: the bytes read so far and the parsed head. */
async function readHead(text, sampleRows) {
  let buf = new Uint8Array(0);
  let ended = false;
  while (buf.length < HEAD_BYTES) {
    const n = await text.next();
    if (n.done) {
      ended = true;
      break;
    }
    buf = concat(buf, n.value);
  }
  const [delimiter, sepLine, dataStart, header, sample] = core.csvReadHead(buf, ended, sampleRows);
  const head = {
    delimiter: String.fromCharCode(delimiter),
    sep_line: sepLine,
    data_start: dataStart,
    header,
    sample: sample.map(([row, problem, cells]) => ({ row, cells, problem })),
  };
  return { head, buf, ended };
}

/**
 * The first rows of a file, for a preview and for choosing columns, without hashing:
 * `{ encoding, delimiter, header, sample: [{ row, cells, problem }], detected }` where
 * `detected[header]` is the guessed role of each column ('' when none).
 */
export async function inspectCsv(source, { sampleRows = 20 } = {}) {
  const { encoding, text } = await utf8Text(source);
  const { head } = await readHead(text, sampleRows);
  await text.return?.();
  return describe(encoding, head);
}

function describe(encoding, head) {
  const roles = detectColumns(
    head.header,
    head.sample.map((s) => s.cells),
  );
  const detected = {};
  head.header.forEach((h, i) => (detected[h] = roles[i]));
  return { encoding, delimiter: head.delimiter, header: head.header, sample: head.sample, detected };
}

/** The plan for the wasm reader from the `columns` and `text` options. */
function makePlan(head, options) {
  const index = (name) => {
    const i = head.header.indexOf(name);
    if (i < 0) throw Object.assign(new RangeError('tikhash: a column named in the options is not in the file’s header'), { code: 'unknown_column' });
    return i;
  };
  let columns = options.columns;
  if (columns == null) {
    const roles = detectColumns(head.header, head.sample.map((s) => s.cells));
    columns = {};
    roles.forEach((r, i) => {
      if (IDENTIFIER_KINDS.includes(r)) columns[head.header[i]] = r;
    });
  } else if (typeof columns !== 'object') {
    throw typeError('tikhash: options.columns maps header names to kinds, e.g. { Email: "email" }');
  }
  const md5 = options.algorithm === 'md5' || options.algorithm === 'MD5';
  const hashed = Object.entries(columns).map(([name, kind]) => {
    const k = KIND_ALIASES[kind] ?? kind;
    if (!(k in KIND_INDEX)) {
      throw Object.assign(new RangeError('tikhash: unknown identifier kind (expected email, phone, idfa, gaid or external_id)'), { code: 'unknown_kind' });
    }
    const maid = k === 'idfa' || k === 'gaid';
    return { name, index: index(name), kind: k, width: maid && md5 ? 32 : 64 };
  });
  const text = (options.text ?? []).map((name) => ({ name, index: index(name) }));
  return {
    delimiter: head.delimiter,
    hashed,
    text,
    rowText: Boolean(options.rowText),
  };
}

/** The parts of `CsvJob.parse`'s answer as named, transferable values. */
export function chunkParts(r, plan) {
  const h = plan.hashed.length;
  return {
    rows: r[0],
    trailingEmpty: r[1],
    consumed: r[2],
    aligned: r[3],
    rejects: r[4],
    rowText: r[5],
    hex: r.slice(6, 6 + h),
    text: r.slice(6 + h).map(([bytes, ends]) => ({ bytes, ends })),
  };
}

/** The wasm reader for `plan`: `parse(bytes, eof, align)` (src/wasm/csv.rs `csvParse`). */
export function newJob(plan, hashOptions) {
  const delimiter = plan.delimiter.charCodeAt(0);
  const indexes = Uint32Array.from(plan.hashed, (c) => c.index);
  const kinds = Uint32Array.from(plan.hashed, (c) => KIND_INDEX[c.kind]);
  const text = Uint32Array.from(plan.text, (t) => t.index);
  return {
    parse: (bytes, eof, align) => core.csvParse(delimiter, indexes, kinds, text, plan.rowText, hashOptions, bytes, eof, align),
    free() {},
  };
}

/** Parses one piece in this thread. */
function parseHere(job, plan, bytes, eof, align) {
  return chunkParts(job.parse(bytes, eof, align), plan);
}

function lineEnd(buf, byte, size) {
  const before = buf.lastIndexOf(byte, size - 1);
  return before >= 0 ? before : buf.indexOf(byte, size);
}

/**
 * Cuts the text after the header into pieces of about `size` bytes, each ending just after a
 * line end where there is one (usually a record end: the merge checks it).
 */
async function* cut(first, text, size) {
  let buf = first;
  for (;;) {
    while (buf.length >= size) {
      // the last line end within the piece, else the first after it
      let at = lineEnd(buf, 10, size);
      if (at < 0) at = lineEnd(buf, 13, size);
      if (at < 0 && buf.length < 4 * size) break;
      const end = at < 0 ? buf.length : at + 1;
      yield { bytes: buf.subarray(0, end), eof: false };
      buf = buf.subarray(end);
    }
    const n = await text.next();
    if (n.done) break;
    buf = concat(buf, n.value);
  }
  yield { bytes: buf, eof: true };
}

/**
 * Normalizes and hashes the identifier columns of a CSV file. See index.d.ts for the options
 * and the result; every row number is the spreadsheet row (header = 1, first record = 2).
 */
export async function hashCsv(source, options = {}) {
  if (options === null || typeof options !== 'object') throw typeError('tikhash: hashCsv options must be an object');
  const { onProgress, signal, chunkBytes = CHUNK_BYTES } = options;
  const workerCount = options.workers ?? 0;
  if (signal?.aborted) throw abortError();
  const hashOptions = {};
  for (const k of HASH_OPTIONS) if (options[k] !== undefined) hashOptions[k] = options[k];
  const { encoding, text } = await utf8Text(source);
  const { head, buf, ended } = await readHead(text, 20);
  const plan = makePlan(head, options);
  const job = newJob(plan, hashOptions);
  const pool = workerCount > 0 ? (await workerPool(Math.floor(workerCount))).job(plan, hashOptions) : null;
  const parts = [];
  let rows = 0;
  let bytesDone = buf.length;
  try {
    const chunks = cut(buf.subarray(head.data_start), ended ? (async function* () {})() : text, Math.max(1, chunkBytes));
    // Pieces in flight (speculative parses), merged strictly in order.
    const inFlight = [];
    let carry = new Uint8Array(0);
    const mergeNext = async () => {
      const { bytes, eof, result } = inFlight.shift();
      const spec = await result;
      if (signal?.aborted) throw abortError();
      const all = concat(carry, bytes);
      if (carry.length) {
        const seam = parseHere(job, plan, all, eof, carry.length);
        parts.push(seam);
        rows += seam.rows;
        if (!seam.aligned) {
          carry = all.slice(seam.consumed);
          return;
        }
      }
      parts.push(spec);
      rows += spec.rows;
      carry = bytes.slice(spec.consumed);
      onProgress?.({ rows, bytes: bytesDone });
    };
    for await (const { bytes, eof } of chunks) {
      if (signal?.aborted) throw abortError();
      bytesDone += bytes.length;
      const result = pool ? pool.parse(bytes, eof) : Promise.resolve(parseHere(job, plan, bytes, eof, -1));
      inFlight.push({ bytes, eof, result });
      while (inFlight.length > (pool ? 2 * workerCount : 0)) await mergeNext();
    }
    while (inFlight.length) await mergeNext();
  } finally {
    job.free();
    pool?.close();
  }
  return assemble(plan, parts, { encoding, head });
}

/**
 * A hashed column: its hex in the pieces the file was read in, and `packed`, the same text
 * as one string, joined on first use (a column of over ~8 million SHA-256 rows is longer than
 * a JS string may be, and is read through `hex`).
 */
function hashedColumn(kind, width, hex) {
  let packed;
  const column = { kind, width };
  Object.defineProperty(column, 'packed', {
    enumerable: true,
    get() {
      packed ??= joinHex(hex);
      return packed;
    },
  });
  // Not enumerable: how the file was cut into pieces is not part of what was read, so two
  // reads of one file in different pieces stay deep-equal.
  Object.defineProperty(column, 'hex', { value: hex });
  return column;
}

function joinHex(pieces) {
  const latin1 = new TextDecoder('latin1');
  let text = '';
  try {
    for (const piece of pieces) text += latin1.decode(piece);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const tooLong = new RangeError('tikhash: this column is longer than one JavaScript string can be; read its `hex` pieces instead of `packed`');
    tooLong.code = 'too_large';
    throw tooLong;
  }
  return text;
}

/** Concatenates the merged parts into the result; rows with no content at the end are dropped. */
function assemble(plan, parts, { encoding, head }) {
  let total = 0;
  for (const p of parts) total += p.rows;
  let trailing = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    trailing += parts[i].trailingEmpty;
    if (parts[i].trailingEmpty !== parts[i].rows) break;
  }
  const rows = total - trailing;
  const columns = {};
  plan.hashed.forEach((c, k) => {
    const hex = [];
    let left = rows * c.width;
    for (const p of parts) {
      if (!p.rows || left <= 0) continue;
      const piece = p.hex[k].length > left ? p.hex[k].subarray(0, left) : p.hex[k];
      hex.push(piece);
      left -= piece.length;
    }
    columns[c.name] = hashedColumn(c.kind, c.width, hex);
  });
  const rejected = [];
  const rowText = {};
  const text = {};
  plan.text.forEach((t) => (text[t.name] = []));
  const utf8 = new TextDecoder();
  let base = 0;
  for (const p of parts) {
    const r = p.rejects;
    for (let j = 0; j < r.length; j += 3) {
      if (base + r[j] >= rows) continue;
      rejected.push({
        row: base + r[j] + 2,
        column: r[j + 1] === NO_COLUMN ? null : plan.hashed[r[j + 1]].name,
        code: codes()[r[j + 2]],
      });
    }
    for (const [row, line] of p.rowText) if (base + row < rows) rowText[base + row + 2] = line;
    plan.text.forEach((t, i) => {
      const { bytes, ends } = p.text[i];
      const out = text[t.name];
      for (let j = 0, s = 0; j < ends.length && out.length < rows; s = ends[j], j++) out.push(utf8.decode(bytes.subarray(s, ends[j])));
    });
    base += p.rows;
  }
  const result = { rows, columns, rejected };
  if (plan.text.length) result.text = text;
  if (plan.rowText) result.rowText = rowText;
  result.file = { encoding, delimiter: head.delimiter, header: head.header, sepLine: head.sep_line };
  return result;
}

/**
 * Workers that parse pieces: module workers in browsers, worker_threads in Node. Kept between
 * calls (one set per size): a worker loads the wasm once, and a page never has a worker torn
 * down under a request it made. Node workers are unref'd while idle, so they never keep a
 * script alive.
 */
const pools = new Map();
let nextJob = 0;

async function workerPool(size) {
  if (!pools.has(size)) pools.set(size, makePool(size));
  return pools.get(size);
}

async function makePool(size) {
  const isNode = typeof process !== 'undefined' && process.versions?.node && typeof window === 'undefined';
  const url = new URL('./csv-worker.js', import.meta.url);
  const workers = [];
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    for (let i = 0; i < size; i++) workers.push(wrapNode(new Worker(url)));
  } else {
    for (let i = 0; i < size; i++) workers.push(wrapWeb(new Worker(url, { type: 'module', name: `tikhash-csv-${i}` })));
  }
  let seq = 0;
  const pending = new Map();
  let broken = null;
  for (const w of workers) {
    w.busy = 0;
    w.onMessage((msg) => {
      const p = pending.get(msg.seq);
      pending.delete(msg.seq);
      if (--w.busy === 0) w.idle();
      if (!p) return;
      if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else p.resolve(msg.parts);
    });
    w.onError((err) => {
      // a worker that fails fails its pieces, now and later: never a piece left waiting
      broken = err;
      pools.delete(size);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    w.idle();
  }
  return {
    /** A job on these workers: `parse(bytes, eof)` resolves to a piece's parts. */
    job(plan, hashOptions) {
      const job = nextJob++;
      for (const w of workers) w.post({ setup: { job, plan, options: hashOptions } });
      return {
        parse(bytes, eof) {
          if (broken) return Promise.reject(broken);
          const w = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
          if (w.busy++ === 0) w.busyAgain();
          const id = seq++;
          return new Promise((resolve, reject) => {
            pending.set(id, { resolve, reject });
            // copied, not transferred: the merge may need the piece again
            w.post({ seq: id, job, bytes, eof });
          });
        },
        close() {
          for (const w of workers) w.post({ drop: job });
        },
      };
    },
  };
}

function wrapWeb(w) {
  return {
    post: (m) => w.postMessage(m),
    onMessage: (f) => (w.onmessage = (e) => f(e.data)),
    onError: (f) => (w.onerror = (e) => f(new Error(e.message ?? 'tikhash: a CSV worker failed'))),
    idle() {},
    busyAgain() {},
  };
}

function wrapNode(w) {
  return {
    post: (m) => w.postMessage(m),
    onMessage: (f) => w.on('message', f),
    onError: (f) => w.on('error', f),
    idle: () => w.unref(),
    busyAgain: () => w.ref(),
  };
}

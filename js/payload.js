// TikTok request-body builders (tiktok-api.md §2). The rules live in Rust (src/payload/): this
// file only moves inputs across as one JSON string, results back the same way, and file bytes
// and digest lists as Uint8Arrays. Inputs are camelCase; bodies carry TikTok's snake_case names.
import * as core from './tikhash_core.js';
import { writeRows } from './rows.js';

const API_BASE_PATH = '/open_api/v1.3';
// Digest lists cross into wasm in 4 MiB pieces, so a 320 MB list never needs a second whole
// copy in wasm memory. A multiple of both digest widths (32 and 16).
const CHUNK = 4 * 1024 * 1024;

function typeError(message, code = 'wrong_type') {
  const err = new TypeError(message);
  err.code = code;
  return err;
}

function rangeError(message, code) {
  const err = new RangeError(message);
  err.code = code;
  return err;
}

/** Calls the core; turns "wasm not loaded" into a clear error. Core errors carry `code`. */
function guard(fn) {
  try {
    return fn();
  } catch (err) {
    if (err && typeof err === 'object' && !('code' in err) && err instanceof TypeError) {
      throw new Error('tikhash: the WebAssembly module is not loaded yet; `await init()` first', { cause: err });
    }
    throw err;
  }
}

function object(input, name) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw typeError(`tikhash: ${name} takes an object`);
  }
  return input;
}

function json(input, name) {
  return JSON.stringify(object(input, name));
}

/** `POST /segment/audience/` create: `{ path, body, warnings }` (names over 70 chars are cut to 67 + "..."). */
export function buildSegmentAudience(input) {
  const { advertiserId, name } = object(input, 'buildSegmentAudience');
  return guard(() => JSON.parse(core.buildSegmentAudienceJson(JSON.stringify({ advertiserId, name }))));
}

/** `/segment/mapping/` bodies split at `maxRows` (default 10,000): `{ path, requests, rejected }`. */
export function buildSegmentMapping(input) {
  const { options, ...rest } = object(input, 'buildSegmentMapping');
  return guard(() => JSON.parse(core.buildSegmentMappingJson(JSON.stringify(rest), options)));
}

/** A customer file: `{ bytes, fileName, fileSignature, calculateType, lines, duplicates, rejected, warnings, upload }`. */
export function buildCustomerFile(input) {
  const { options, ...rest } = object(input, 'buildCustomerFile');
  return guard(() => {
    const [meta, bytes] = core.buildCustomerFileJson(JSON.stringify(rest), options);
    return { bytes, ...JSON.parse(meta) };
  });
}

/** `POST /dmp/custom_audience/create/`: `{ path, body, warnings }`; a name over 128 chars throws `name_too_long`. */
export function buildCustomAudienceCreate(input) {
  return guard(() => JSON.parse(core.buildCustomAudienceCreateJson(json(input, 'buildCustomAudienceCreate'))));
}

/** `POST /dmp/custom_audience/update/`: `{ path, body, warnings }`; throws `missing_action` without an action. */
export function buildCustomAudienceUpdate(input) {
  return guard(() => JSON.parse(core.buildCustomAudienceUpdateJson(json(input, 'buildCustomAudienceUpdate'))));
}

/**
 * `/event/track/` bodies of at most `maxEvents` (≤ 1,000) events: `{ path, requests, rejected }`.
 * `now` (unix seconds) defaults to the clock; it dates the 28-day offline limit.
 */
export function buildEventBatches(input) {
  const { options, now, ...rest } = object(input, 'buildEventBatches');
  const at = now ?? Math.floor(Date.now() / 1000);
  return guard(() => JSON.parse(core.buildEventBatchesJson(JSON.stringify({ ...rest, now: at }), options)));
}

const HEX_CODES = new TextEncoder().encode('0123456789abcdef');

/**
 * Packs hex digests (64 or 32 characters each, either case) into one Uint8Array. The rows go
 * into wasm memory the way `hashBatch` writes them and are parsed there: a Mirror converts
 * every member of the list, millions of them.
 */
export function hexToDigests(hex, width) {
  if (!Array.isArray(hex)) throw typeError('tikhash: hexToDigests takes an array of hex strings');
  const w = width ?? (hex.length && typeof hex[0] === 'string' ? hex[0].length / 2 : 32);
  if (w !== 32 && w !== 16) throw rangeError('tikhash: digests are 64 (SHA-256) or 32 (MD5) hex characters', 'invalid_digest');
  if (hex.length === 0) return new Uint8Array(0);
  writeRows(hex);
  return core.digestsFromScratch(hex.length, w);
}

/** Lowercase hex of packed digests (`width` 32 for SHA-256, 16 for MD5). */
export function digestsToHex(packed, width = 32) {
  if (!(packed instanceof Uint8Array)) throw typeError('tikhash: digestsToHex takes a Uint8Array');
  if (packed.length % width !== 0) throw rangeError(`tikhash: the length is not a multiple of ${width}`, 'invalid_digest');
  // Digits written into one buffer and decoded once, then cut: no string per digit.
  const digits = new Uint8Array(packed.length * 2);
  for (let i = 0; i < packed.length; i++) {
    digits[2 * i] = HEX_CODES[packed[i] >> 4];
    digits[2 * i + 1] = HEX_CODES[packed[i] & 15];
  }
  const text = new TextDecoder('latin1').decode(digits);
  const out = new Array(packed.length / width);
  for (let i = 0; i < out.length; i++) out[i] = text.slice(2 * width * i, 2 * width * (i + 1));
  return out;
}

function widthOf(options, list) {
  if (options?.width) return options.width;
  if (options?.algorithm === 'md5') return 16;
  if (Array.isArray(list) && list.length && typeof list[0] === 'string') return list[0].length / 2;
  return 32;
}

function packed(list, width, name) {
  if (list instanceof Uint8Array) return list;
  if (Array.isArray(list)) return hexToDigests(list, width);
  throw typeError(`tikhash: ${name} must be a Uint8Array of packed digests or an array of hex strings`);
}

/** `current` as packed digests, or `currentHex` as rows of packed hex (see pushPackedHex). */
function pair(previous, current, width, currentHex) {
  const p = packed(previous, width, 'previous');
  const c = currentHex === undefined ? packed(current, width, 'current') : null;
  const digests = guard(() => new core.DigestPair(width));
  try {
    for (let at = 0; at < p.length; at += CHUNK) digests.pushPrevious(p.subarray(at, at + CHUNK));
    if (c) for (let at = 0; at < c.length; at += CHUNK) digests.pushCurrent(c.subarray(at, at + CHUNK));
    else pushPackedHex(digests, currentHex, width);
  } catch (err) {
    digests.free();
    throw err;
  }
  return digests;
}

const ascii = new TextEncoder();

/**
 * Rows in the `hashBatchPacked` layout into the pair's current list, parsed in wasm: a string,
 * its ASCII bytes, or an array of pieces of either (hashCsv's `columns[h].hex`), each piece
 * whole rows. Ten million rows are 640 MB of hex, past what one JS string can hold, so they
 * are never joined and cross in CHUNK-byte pieces.
 */
function pushPackedHex(digests, packedHex, width) {
  const pieces = Array.isArray(packedHex) ? packedHex : [packedHex];
  const slot = 2 * width;
  let buffer = null;
  pieces.forEach((piece, i) => {
    const isText = typeof piece === 'string';
    if (!isText && !(piece instanceof Uint8Array)) {
      throw typeError('tikhash: packed hex is a string, a Uint8Array of its ASCII, or an array of those');
    }
    if (piece.length % slot) {
      throw rangeError(`tikhash: piece ${i} of the packed hex is not whole rows of ${slot} characters`, 'invalid_digest');
    }
    for (let at = 0; at < piece.length; at += CHUNK) {
      if (!isText) {
        digests.pushCurrentHex(piece.subarray(at, at + CHUNK));
        continue;
      }
      const part = piece.slice(at, at + CHUNK);
      buffer ??= new Uint8Array(CHUNK);
      const { read, written } = ascii.encodeInto(part, buffer);
      if (read !== part.length || written !== part.length) {
        throw rangeError('tikhash: the packed hex holds a character that is neither a hex digit nor -', 'invalid_digest');
      }
      digests.pushCurrentHex(buffer.subarray(0, written));
    }
  });
}

/**
 * `{ add, remove, width }`: current − previous and previous − current, as packed sorted digests.
 * `previous`/`current`: packed Uint8Arrays (`options.width` 32, or 16 / `algorithm: 'md5'`) or hex strings.
 */
export function mirrorDiff(previous, current, options) {
  const width = widthOf(options, Array.isArray(previous) && previous.length ? previous : current);
  const [add, remove] = guard(() => pair(previous, current, width).diff());
  return { add, remove, width };
}

/**
 * The Mirror of a list sent row by row (Partner Audiences): `{ addedRows, remove, width }`.
 * `packedHex`: the list's rows in the `hashBatchPacked` layout, as a string, its ASCII bytes
 * or an array of pieces of either (hashCsv's `columns[h].hex`); a row of `-`s has no hash.
 * `addedRows` (ascending) are the rows whose hash `previous` lacks, `remove` the packed sorted
 * digests of `previous` that no row has.
 */
export function mirrorRows(previous, packedHex, options) {
  const width = widthOf(options, previous);
  const [addedRows, remove] = guard(() => pair(previous ?? [], null, width, packedHex).diffRows());
  return { addedRows, remove, width };
}

/**
 * The customer-file Mirror plan: REPLACE or APPEND + REMOVE files from the acknowledged
 * members, the current ones and the time of the last REPLACE (refused within 24 h).
 */
export function planCustomerFileMirror(input) {
  const { previous, current, currentPackedHex, now, ...rest } = object(input, 'planCustomerFileMirror');
  if (current !== undefined && currentPackedHex !== undefined) {
    throw typeError('tikhash: planCustomerFileMirror takes current or currentPackedHex, not both');
  }
  const width = String(rest.calculateType ?? '').endsWith('_MD5') ? 16 : 32;
  const at = now ?? Math.floor(Date.now() / 1000);
  return guard(() => {
    const digests = pair(previous ?? [], current ?? [], width, currentPackedHex);
    const [meta, ...bytes] = digests.planCustomerFile(JSON.stringify({ ...rest, now: at }));
    const plan = JSON.parse(meta);
    let i = 0;
    for (const step of plan.steps) step.files = step.files.map((f) => ({ bytes: bytes[i++], ...f }));
    return plan;
  });
}

function shorten(value, maxItems) {
  if (!maxItems) return value;
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      Array.isArray(v) && v.length > maxItems ? [...v.slice(0, maxItems), `… ${v.length - maxItems} more`] : v,
    ),
  );
}

function renderFile(f, fileLines) {
  const text = new TextDecoder().decode(f.bytes.subarray(0, Math.min(f.bytes.length, 200 * (fileLines + 1))));
  const total = f.lines + (f.calculateType === 'MULTIPLE_TYPES' ? 1 : 0); // with the header row
  // Every line ends in `\n`, the last too: the split's final empty piece is not a line.
  const lines = text.split('\n').slice(0, Math.min(fileLines, total));
  const more = total - lines.length;
  const fields = Object.entries(f.upload.body).map(([k, v]) => `  ${k}=${v}`);
  return [
    `POST ${API_BASE_PATH}${f.upload.path} (multipart/form-data)`,
    ...fields,
    `  file=@${f.fileName} (${f.bytes.length} bytes, ${f.lines} line(s), MD5 ${f.fileSignature})`,
    ...lines.map((l) => `    ${l}`),
    ...(more > 0 ? [`    … ${more} more line(s)`] : []),
  ].join('\n');
}

function renderNotes(result) {
  const out = [];
  for (const w of result.warnings ?? []) out.push(`warning ${w.code}: ${w.message}`);
  for (const r of result.rejected ?? []) {
    out.push(`rejected row ${r.row}${r.column ? ` (${r.column}, left out)` : ' (not sent)'}: ${r.code}`);
  }
  return out;
}

/**
 * Renders what a builder produced as text for a person: every request line and its exact
 * JSON body, files with their form fields and first lines, then warnings and rejects.
 * Options: `maxItems` shortens long arrays (display only), `fileLines` (default 5),
 * `advertiserId`/`customAudienceId` fill the update bodies of a Mirror plan.
 */
export function dryRun(result, options = {}) {
  object(result, 'dryRun');
  const { maxItems = 0, fileLines = 5 } = options;
  const out = [];
  const body = (path, b, label = '') =>
    out.push(`POST ${API_BASE_PATH}${path}${label}\n${JSON.stringify(shorten(b, maxItems), null, 2)}`);
  if (Array.isArray(result.requests)) {
    result.requests.forEach((b, i) => body(result.path, b, ` (request ${i + 1} of ${result.requests.length})`));
    if (!result.requests.length) out.push('Nothing to send.');
  } else if (result.body) {
    body(result.path, result.body);
  } else if (result.bytes && result.upload) {
    out.push(renderFile(result, fileLines));
  } else if (Array.isArray(result.steps)) {
    out.push(`Mirror strategy: ${result.strategy} (add ${result.add}, remove ${result.remove}, ${result.resultingSize} member(s) after)`);
    if (result.refusal) {
      out.push(`REFUSED (${result.refusal.code}): ${result.refusal.message}`);
      out.push(`Allowed again from ${new Date(result.refusal.retryAfter * 1000).toISOString()}. Instead:`);
      for (const w of result.refusal.workarounds) out.push(`  - ${w}`);
    }
    for (const step of result.steps) {
      for (const f of step.files) out.push(renderFile(f, fileLines));
      body('/dmp/custom_audience/update/', {
        advertiser_id: options.advertiserId ?? '<advertiser_id>',
        custom_audience_id: options.customAudienceId ?? '<custom_audience_id>',
        action: step.action,
        file_paths: step.files.map((f) => `<file_path of ${f.fileName}>`),
      });
    }
  } else {
    throw typeError('tikhash: dryRun takes the result of a build* function or planCustomerFileMirror');
  }
  out.push(...renderNotes(result));
  return out.join('\n\n');
}

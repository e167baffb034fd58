// hashBatch (rows written straight into wasm memory, four-lane hashing in wasm) against
// `hash` called per value, with node:crypto as the independent check of every digest:
// values holding `\n`, non-strings, empty arrays, buffers that must grow mid-batch, and 100k
// random values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as tikhash from '../../pkg/node.js';

/** What hashBatch must give for one value: `hash` per value (numbers as `hash` takes them,
 *  any other non-string an `empty` row), each digest checked again with node:crypto. */
function expected(kind, value, options) {
  const algorithm = options?.algorithm ?? 'sha256';
  let v = value;
  if (typeof v !== 'string') v = typeof v === 'number' && Number.isFinite(v) ? v : '';
  let h;
  try {
    h = tikhash.hash(kind, v, options);
  } catch (err) {
    assert.ok(err instanceof RangeError, `${err}`);
    return { hash: null, code: err.code };
  }
  const normalized = tikhash.normalize(kind, v, options);
  const digestLen = kind === 'idfa' || kind === 'gaid' ? (algorithm === 'md5' ? 32 : 64) : 64;
  const prehashed = new RegExp(`^[0-9a-f]{${digestLen}}$`).test(normalized) && normalized === h;
  const independent = prehashed ? normalized : createHash(algorithm).update(normalized, 'utf8').digest('hex');
  assert.equal(h, independent, `${kind} ${JSON.stringify(value)}`);
  return { hash: h, code: null };
}

function check(kind, values, options) {
  const got = tikhash.hashBatch(kind, values, options);
  assert.equal(got.hashes.length, values.length);
  const rejected = [];
  values.forEach((v, row) => {
    const want = expected(kind, v, options);
    assert.equal(got.hashes[row], want.hash, `${kind} row ${row}: ${JSON.stringify(v)}`);
    if (want.code) rejected.push({ row, code: want.code });
  });
  assert.deepEqual(got.rejected, rejected);
  // The packed form holds the same hashes, `-` for rejected rows.
  const { packed, width } = tikhash.hashBatchPacked(kind, values, options);
  assert.equal(width, options?.algorithm === 'md5' ? 32 : 64);
  assert.equal(packed.length, values.length * width);
  got.hashes.forEach((h, row) => assert.equal(packed.slice(row * width, (row + 1) * width), h ?? '-'.repeat(width)));
}

/** xorshift32: the same random values every run. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

const PIECES = [
  'a', 'Z', '0', '.', '..', '-', '_', '+', '+tag', '@', '@@', 'gmail.com', 'Example.CO.uk', 'x-y', '-x',
  ' ', '\t', '\n', '\r\n', '\u00a0', '\ufeff', '\u200b', 'é', 'Ü', 'ß', 'İ', '\u212a', '日本', '😀',
  '\ud800', '\udfff', ',', ';', ':', '"', '(', '<', '\\', '!', '#', '%', '&', "'", '*', '/', '=', '?',
  '^', '`', '{', '}', '~', '\u0000', '\u007f', '+1', '(415)', '555-0123', '+44 20 7183 8750',
  '7A3CBEA0-BDF5-11E4-8DFC-AA07A5B093DB', '00000000-0000-0000-0000-000000000000',
  '848A771458438FC2EC420560D769FB9B9B86851EE338EC56517BAABD79D3BB4F',
  '098f6bcd4621d373cade4e832627b4f6', 'user_123',
];

function randomValues(n, seed) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let k = r(8); k > 0; k--) s += PIECES[r(PIECES.length)];
    switch (r(5)) {
      case 0: s = ` ${s}.${r(1000)}@Mail.com `; break;
      case 1: s = `${'a'.repeat(r(70))}@example.org`; break;
      default: break;
    }
    out.push(s);
  }
  return out;
}

const KINDS = [
  ['email', undefined],
  ['email', { profile: 'customer_file' }],
  ['email', { stripEmailDots: true }],
  ['idfa', undefined],
  ['gaid', { algorithm: 'md5' }],
  ['external_id', undefined],
  ['external_id', { lowercase: true }],
  ['phone', { defaultCountry: 'US' }],
];

test('an empty array gives empty results (and still checks kind and options)', () => {
  assert.deepEqual(tikhash.hashBatch('email', []), { hashes: [], rejected: [] });
  assert.throws(() => tikhash.hashBatch('nope', []), (e) => e.code === 'unknown_kind');
  assert.throws(() => tikhash.hashBatch('email', ['a@b.co'], { algorithm: 'md5' }), (e) => e.code === 'md5_not_allowed');
});

test('values holding newlines, and non-strings', () => {
  const values = ['a@b.co\n', 'x\ny@z.com', '\n', '', ' C@D.com ', 42, 1.5, NaN, null, undefined, {}, ['a@b.co'], true];
  for (const [kind, options] of KINDS) check(kind, values, options);
  const r = tikhash.hashBatch('external_id', ['line1\nline2', 7]);
  assert.equal(r.hashes[0], createHash('sha256').update('line1\nline2').digest('hex'));
  assert.equal(r.hashes[1], createHash('sha256').update('7').digest('hex'));
});

test('batches of 0..9 rows (partial groups of four) and consecutive batches', () => {
  const pool = ['a@b.co', 'nope', ' X@Y.org ', '', 'Long.Name+Tag@Sub.Example.com'];
  for (let n = 0; n <= 9; n++) {
    const values = Array.from({ length: n }, (_, i) => pool[(i * 3) % pool.length]);
    check('email', values);
  }
});

test('rows longer than the first estimate grow the buffer mid-batch', () => {
  // Each UTF-16 unit may need 3 bytes: long non-ASCII values outgrow a length-based estimate.
  const values = [];
  for (let i = 0; i < 50; i++) values.push(`${'日本'.repeat(400 + i)}@example.com`, 'a@b.co', '😀'.repeat(900), `ü${i}`);
  for (const [kind, options] of [['email', undefined], ['external_id', undefined]]) check(kind, values, options);
});

test('100k random values, every kind, equal to hash per value', () => {
  const values = randomValues(100_000, 0x7e57);
  for (const [kind, options] of KINDS) check(kind, values, options);
});

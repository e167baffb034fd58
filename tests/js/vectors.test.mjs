// tests/vectors/identifiers.json through the built npm package (pkg/node.js), with node:crypto
// as the independent implementation: the same file also runs natively and in wasm
// (tests/vectors.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tikhash from '../../pkg/node.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/identifiers.json', import.meta.url), 'utf8'));
const digestOf = (algorithm, text) => createHash(algorithm).update(text, 'utf8').digest('hex');

test('the vector file is all there', () => {
  assert.ok(vectors.length >= 50);
});

for (const v of vectors) {
  const label = `${v.kind} ${JSON.stringify(v.input).slice(0, 60)} (${v.source})`;
  test(label, () => {
    const algorithm = v.options?.algorithm ?? 'sha256';
    if (v.reject) {
      assert.throws(
        () => tikhash.normalize(v.kind, v.input, v.options),
        (err) => err instanceof RangeError && err.code === v.reject && !leaks(err.message, v.input),
      );
      const batch = tikhash.hashBatch(v.kind, ['placeholder', v.input], v.options);
      assert.deepEqual(batch.rejected.at(-1), { row: 1, code: v.reject });
      assert.equal(batch.hashes[1], null);
      return;
    }
    const normalized = tikhash.normalize(v.kind, v.input, v.options);
    assert.equal(normalized, v.normalized);
    const expected = algorithm === 'md5' ? v.md5 : v.sha256;
    const digest = tikhash.hash(v.kind, v.input, v.options);
    assert.equal(digest, expected);
    // Independent check: node:crypto over the normalized text, unless the input was a digest.
    if (normalized !== expected) assert.equal(digest, digestOf(algorithm, normalized));
    assert.deepEqual(tikhash.hashBatch(v.kind, [v.input], v.options), { hashes: [expected], rejected: [] });
  });
}

test('wrong calls throw typed errors with codes, never the value', () => {
  const secret = 'jane.secret@example.com';
  assert.throws(() => tikhash.hash('fax', secret), (e) => e instanceof RangeError && e.code === 'unknown_kind' && !leaks(e.message, secret));
  assert.throws(() => tikhash.hash('email', secret, { algorithm: 'md5' }), (e) => e.code === 'md5_not_allowed');
  assert.throws(() => tikhash.hash('phone', '+441234', { defaultCountry: 'XX' }), (e) => e.code === 'unknown_country');
  assert.throws(() => tikhash.hash('email', secret, { profile: 7 }), (e) => e instanceof TypeError && e.code === 'wrong_type');
  assert.throws(() => tikhash.hash('email', { toString: () => secret }), (e) => e instanceof TypeError);
  assert.throws(() => tikhash.hashBatch('email', 'not an array'), (e) => e instanceof TypeError);
});

test('rejectCodes lists every code the vectors use', () => {
  const codes = tikhash.rejectCodes();
  for (const v of vectors) if (v.reject) assert.ok(codes.includes(v.reject), v.reject);
});

function leaks(message, input) {
  const trimmed = input.trim();
  return trimmed.length > 0 && message.includes(trimmed);
}

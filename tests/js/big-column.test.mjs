// A column longer than one JavaScript string may be (V8: 2^29 − 24 characters, about 8.39M
// SHA-256 rows): hashCsv still reads the file, `packed` refuses with a code instead of a crash,
// and the Dataset and a Mirror work from the column's hex pieces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as t from '../../pkg/node.js';
import * as sync from '../../pkg/sync/node.js';

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const ROWS = 8_500_000;

/** `email\n` then ROWS lines `u<i>@x.co`, built as bytes (no 100 MB string). */
function bigCsv() {
  const enc = new TextEncoder();
  const lines = [enc.encode('email\n')];
  for (let from = 0; from < ROWS; from += 100_000) {
    let chunk = '';
    for (let i = from; i < Math.min(ROWS, from + 100_000); i++) chunk += `u${i}@x.co\n`;
    lines.push(enc.encode(chunk));
  }
  return new Blob(lines);
}

test(`a ${ROWS.toLocaleString('en-US')}-row column: read, refused as one string with a code, mirrored from its pieces`, async () => {
  const result = await t.hashCsv(bigCsv(), { columns: { email: 'email' }, workers: 2, profile: 'partner_audience' });
  assert.equal(result.rows, ROWS);
  assert.deepEqual(result.rejected, []);
  const column = result.columns.email;
  assert.equal(column.hex.reduce((n, p) => n + p.length, 0), ROWS * 64);
  assert.throws(() => column.packed, (err) => err instanceof RangeError && err.code === 'too_large' && /hex/.test(err.message));

  const data = new sync.Dataset(result, [{ index: 0, kind: 'email', width: 64, options: { profile: 'partner_audience' } }], [], ['email'], 0);
  const some = [0, 1, 4_194_303, 4_194_304, 8_388_607, 8_388_608, ROWS - 1];
  assert.deepEqual(data.hashesAt(0, some), some.map((i) => sha256(`u${i}@x.co`)));

  // the audience holds the first 1,000 and one member who left
  const held = [...Array.from({ length: 1_000 }, (_, i) => sha256(`u${i}@x.co`)), sha256('gone@x.co')];
  const diff = t.mirrorRows(t.hexToDigests(held), data.packedHex(0));
  assert.equal(diff.addedRows.length, ROWS - 1_000);
  assert.equal(diff.addedRows[0], 1_000);
  assert.equal(diff.addedRows[diff.addedRows.length - 1], ROWS - 1);
  assert.deepEqual(t.digestsToHex(diff.remove), [sha256('gone@x.co')]);
});

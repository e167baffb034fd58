// mirrorRows (the Partner Audience Mirror, from a column's packed hex), the hex pieces of a
// hashCsv column, and the Dataset reading them, against plain-JS answers on the same lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as t from '../../pkg/node.js';
import * as sync from '../../pkg/sync/node.js';

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const md5 = (s) => createHash('md5').update(s).digest('hex');
const ascii = (s) => new TextEncoder().encode(s);
const packedOf = (hex) => t.mirrorDiff([], hex).add; // packed and sorted, as the ledger answers

/** Rows as hashBatchPacked hex: `-`s for a row without a hash. */
const packedHex = (rows, width) => rows.map((h) => h || '-'.repeat(width)).join('');

/** The same text cut into pieces of whole rows, of uneven sizes. */
function pieces(text, width, sizes) {
  const out = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const rows = sizes[i % sizes.length];
    out.push(ascii(text.slice(at, at + rows * width)));
    at += rows * width;
  }
  return out;
}

/** What a Mirror must send, worked out with Sets. */
function expected(previous, rows) {
  const held = new Set(previous);
  const now = new Set(rows.filter(Boolean));
  return {
    addedRows: rows.flatMap((h, r) => (h && !held.has(h) ? [r] : [])),
    remove: [...held].filter((h) => !now.has(h)).sort(),
  };
}

for (const [name, digest, width] of [['SHA-256', sha256, 64], ['MD5', md5, 32]]) {
  test(`mirrorRows (${name}): the rows with a hash the audience lacks, and the hashes that left, from every form of packed hex`, () => {
    // 3,000 rows: repeats, empty rows, upper-case rows; the ledger holds 2,000 of 2,400 members plus 300 gone
    const rows = Array.from({ length: 3_000 }, (_, r) => {
      if (r % 17 === 0) return '';
      const h = digest(`member${r % 2_400}`);
      return r % 5 === 0 ? h.toUpperCase() : h;
    });
    const previous = [...Array.from({ length: 2_000 }, (_, i) => digest(`member${i}`)), ...Array.from({ length: 300 }, (_, i) => digest(`gone${i}`))];
    const want = expected(previous, rows.map((h) => h.toLowerCase()));
    const text = packedHex(rows, width);
    const options = { width: width / 2 };
    for (const form of [text, ascii(text), pieces(text, width, [1, 999, 7, 64]), [text.slice(0, 10 * width), ascii(text.slice(10 * width))]]) {
      const got = t.mirrorRows(packedOf(previous), form, options);
      assert.deepEqual([...got.addedRows], want.addedRows);
      assert.deepEqual(t.digestsToHex(got.remove, width / 2), want.remove);
      assert.equal(got.width, width / 2);
    }
    // a new audience: every row with a hash
    assert.deepEqual([...t.mirrorRows(new Uint8Array(0), text, options).addedRows], rows.flatMap((h, r) => (h ? [r] : [])));
  });
}

test('mirrorRows refuses what is not packed hex with a code and a row, never the value', () => {
  const good = sha256('a@example.com');
  const cases = [
    [good + 'zz' + good.slice(2), 'invalid_digest', /digest 1 /], // a non-hex digit in row 1
    [good + good.slice(0, 40), 'invalid_digest', /piece 0/], // not whole rows
    [good + '-'.repeat(10) + good.slice(10), 'invalid_digest', /digest 1 /], // a half-empty row
    [good + 'é'.repeat(64), 'invalid_digest', /neither a hex digit/],
  ];
  for (const [hex, code, message] of cases) {
    assert.throws(() => t.mirrorRows(new Uint8Array(0), hex), (err) => err instanceof RangeError && err.code === code && message.test(err.message) && !err.message.includes(good.slice(0, 12)));
  }
  assert.throws(() => t.mirrorRows(new Uint8Array(0), [42]), (err) => err instanceof TypeError && err.code === 'wrong_type');
});

test('planCustomerFileMirror plans the same from currentPackedHex as from the digests, and refuses both at once', () => {
  const rows = Array.from({ length: 1_500 }, (_, r) => (r % 11 ? sha256(`m${r}`) : ''));
  const previous = packedOf(Array.from({ length: 1_400 }, (_, i) => sha256(`m${i + 50}`)));
  const common = { previous, calculateType: 'EMAIL_SHA256', lastReplaceAt: null, now: 1_704_800_000, strategy: 'append_remove' };
  const fromDigests = t.planCustomerFileMirror({ ...common, current: t.hexToDigests(rows.filter(Boolean)) });
  const fromHex = t.planCustomerFileMirror({ ...common, currentPackedHex: pieces(packedHex(rows, 64), 64, [100, 33]) });
  assert.deepEqual(fromHex, fromDigests);
  assert.ok(fromHex.add > 0 && fromHex.remove > 0);
  assert.throws(() => t.planCustomerFileMirror({ ...common, current: [], currentPackedHex: '' }), (err) => err instanceof TypeError);
});

test('hashCsv: a column’s hex pieces hold exactly its packed text; the Dataset reads rows across them', async () => {
  const lines = Array.from({ length: 5_000 }, (_, r) => (r % 7 === 3 ? 'not an email' : r % 13 === 0 ? '' : `user${r}@example.com`));
  const csv = ascii(`email\n${lines.join('\n')}\n`);
  const result = await t.hashCsv(csv, { columns: { email: 'email' }, chunkBytes: 4096, profile: 'partner_audience' });
  const column = result.columns.email;
  assert.ok(column.hex.length > 10, 'read in many pieces');
  assert.ok(!Object.keys(column).includes('hex'), 'hex is not enumerable');
  assert.equal(column.hex.map((p) => new TextDecoder('latin1').decode(p)).join(''), column.packed);
  const data = new sync.Dataset(result, [{ index: 0, kind: 'email', width: 64, options: { profile: 'partner_audience' } }], [], ['email'], 0);
  const want = (r) => (lines[r] && lines[r] !== 'not an email' ? sha256(lines[r]) : '');
  assert.deepEqual(data.hashes(0), lines.map((_, r) => want(r)));
  assert.deepEqual(data.hashes(0, 60, 4_100), lines.slice(60, 4_100).map((_, i) => want(60 + i)));
  const some = [0, 1, 2, 63, 64, 65, 999, 1_000, 4_998, 4_999];
  assert.deepEqual(data.hashesAt(0, some), some.map(want));
  assert.deepEqual(data.hashesAt(0, [70, 71, 72]), [want(70), want(71), want(72)]);
  assert.equal(data.packedHex(0), column.hex);
  // a result sent to another thread loses the pieces (not enumerable) and keeps `packed`
  const cloned = new sync.Dataset(structuredClone(result), [{ index: 0, kind: 'email', width: 64, options: { profile: 'partner_audience' } }], [], ['email'], 0);
  assert.deepEqual(cloned.hashesAt(0, some), some.map(want));
  assert.deepEqual(cloned.hashes(0), data.hashes(0));
});

test('Partner Mirror from a file read in many pieces sends exactly the rows with a new identifier', async () => {
  const n = 20_000;
  const lines = Array.from({ length: n }, (_, r) => `user${r}@example.com,${r % 3 ? `+1415555${String(r % 10_000).padStart(4, '0')}` : ''}`);
  const csv = ascii(`email,phone\n${lines.join('\n')}\n`);
  const ids = [
    { index: 0, kind: 'email', width: 64, options: { profile: 'partner_audience' } },
    { index: 1, kind: 'phone', width: 64, options: { profile: 'partner_audience' } },
  ];
  const result = await t.hashCsv(csv, { columns: { email: 'email', phone: 'phone' }, chunkBytes: 64 * 1024, profile: 'partner_audience' });
  const data = new sync.Dataset(result, ids, [], ['email', 'phone'], 0);
  // the audience holds every email but rows 100–199 and 15,000–15,049, and no phones of rows ≥ 19,990
  const emails = lines.map((l, r) => [r, sha256(l.split(',')[0])]).filter(([r]) => !(r >= 100 && r < 200) && !(r >= 15_000 && r < 15_050));
  const phones = data.hashes(1).filter((h, r) => h && r < 19_990);
  const ledger = {
    async ledgerMembers(_adv, _aud, type) {
      return packedOf(type === 'EMAIL_SHA256' ? [...emails.map(([, h]) => h), sha256('gone@example.com')] : phones);
    },
    async ledgerInfo() {
      return { lastReplaceAt: null, members: {} };
    },
  };
  const s = { object: 'partner', behaviour: 'mirror', advertiserId: '7012345678901234567', audienceId: '555', audienceName: 'unit', fileKind: 'email', mirrorStrategy: 'auto', algorithm: 'sha256' };
  const plan = await sync.planSync(s, data, ledger);
  const { requests } = sync.dryRun(plan, s);
  const sent = requests.filter((r) => r.body.action === 'add').flatMap((r) => r.body.batch_data.map((row) => row[0].id));
  const emailHeld = new Set(emails.map(([, h]) => h));
  const phoneHeld = new Set(phones);
  const phoneOf = data.hashes(1);
  const wantRows = lines.flatMap((l, r) => (!emailHeld.has(sha256(l.split(',')[0])) || (phoneOf[r] && !phoneHeld.has(phoneOf[r])) ? [r] : []));
  assert.ok(wantRows.length > 150 && wantRows.includes(19_990), `the phones of the last rows are new too (${wantRows.length} rows)`);
  assert.deepEqual(sent, wantRows.map((r) => sha256(`user${r}@example.com`)));
  const deleted = requests.filter((r) => r.body.action === 'delete').flatMap((r) => r.body.batch_data.flat().map((c) => c.id));
  assert.deepEqual(deleted, [sha256('gone@example.com')]);
});

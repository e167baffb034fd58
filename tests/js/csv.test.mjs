// hashCsv on the export fixtures (tests/fixtures/exports/, expected.json beside them): rows and
// rejects with spreadsheet row numbers, the same result from every source type, piece size and
// worker count, and — for the well-formed files — every hash checked against papaparse (an
// independent parser) reading the same file and `hash` per cell, so each row number is
// checked against the file itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import * as tikhash from '../../pkg/node.js';

const dir = new URL('../fixtures/exports/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));
const bytesOf = (name) => new Uint8Array(readFileSync(new URL(name, dir)));

function optionsFor(want, extra = {}) {
  const o = { columns: want.columns, ...extra };
  if (want.defaultCountry) o.defaultCountry = want.defaultCountry;
  return o;
}

/** The text papaparse sees: the file decoded (BOM and `sep=` line off), as a spreadsheet would. */
function decoded(name, bytes) {
  let text = expected[name].encoding === 'utf-16le' ? new TextDecoder('utf-16le').decode(bytes) : new TextDecoder().decode(bytes);
  return text.replace(/^\ufeff/, '');
}

for (const [name, want] of Object.entries(expected)) {
  test(`${name}: rows and rejects`, async () => {
    const bytes = bytesOf(name);
    if (want.error) {
      await assert.rejects(tikhash.hashCsv(bytes, {}), (err) => err instanceof RangeError && err.code === want.error && !err.message.includes('Ren'));
      return;
    }
    const r = await tikhash.hashCsv(bytes, optionsFor(want));
    assert.equal(r.rows, want.rows);
    assert.deepEqual(r.rejected, want.rejected);
    for (const [header, kind] of Object.entries(want.columns)) {
      assert.equal(r.columns[header].kind, kind);
      assert.equal(r.columns[header].packed.length, r.rows * r.columns[header].width);
    }
    if (want.detected) {
      const { detected } = await tikhash.inspectCsv(bytes);
      for (const [h, role] of Object.entries(want.detected)) assert.equal(detected[h], role, `${h} detected as ${role}`);
    }
  });

  if (want.error) continue;

  test(`${name}: every source, piece size and worker count gives the same result`, async () => {
    const bytes = bytesOf(name);
    const one = await tikhash.hashCsv(bytes, optionsFor(want, { rowText: true }));
    const sources = [
      () => new Blob([bytes]),
      () => new Blob([bytes]).stream(),
      () => Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]),
      () => createReadStream(new URL(name, dir), { highWaterMark: 7 }),
    ];
    for (const source of sources) assert.deepEqual(await tikhash.hashCsv(source(), optionsFor(want, { rowText: true })), one);
    for (const chunkBytes of [1, 2, 3, 5, 8, 13, 64, 257]) {
      assert.deepEqual(await tikhash.hashCsv(bytes, optionsFor(want, { rowText: true, chunkBytes })), one, `pieces of ${chunkBytes}`);
    }
    assert.deepEqual(await tikhash.hashCsv(bytes, optionsFor(want, { rowText: true, chunkBytes: 97, workers: 2 })), one, 'two workers');
  });

  if (!want.wellFormed) continue;

  test(`${name}: each hash is papaparse's cell at that row, hashed`, async () => {
    const bytes = bytesOf(name);
    const r = await tikhash.hashCsv(bytes, optionsFor(want));
    const parsed = Papa.parse(decoded(name, bytes), { delimiter: r.file.delimiter === ',' ? '' : r.file.delimiter });
    const data = parsed.data;
    // papaparse gives a last [''] for a final newline; a spreadsheet has no such row
    while (data.length > 1 && data.at(-1).every((c) => c === '')) data.pop();
    const header = data[0];
    assert.equal(data.length - 1, r.rows, 'papaparse counts the same rows');
    for (const [h, kind] of Object.entries(want.columns)) {
      const c = header.indexOf(h);
      const { packed, width } = r.columns[h];
      for (let row = 2; row <= r.rows + 1; row++) {
        const cell = data[row - 1][c] ?? '';
        let digest;
        try {
          digest = tikhash.hash(kind, cell, { defaultCountry: want.defaultCountry });
        } catch {
          digest = '-'.repeat(width);
        }
        assert.equal(packed.slice((row - 2) * width, (row - 1) * width), digest, `${h} row ${row}`);
      }
    }
  });
}

test('an unterminated quote reports its row and the rows after it are read', async () => {
  const r = await tikhash.hashCsv(bytesOf('unterminated-quote.csv'), { columns: { email: 'email' }, rowText: true });
  assert.deepEqual(r.rejected, [{ row: 3, column: null, code: 'unterminated_quote' }]);
  assert.equal(r.columns.email.packed.slice(2 * 64, 3 * 64), tikhash.hash('email', 'cat@example.com'));
  assert.deepEqual(r.rowText, { 3: 'bob@example.com,"Bob' });
});

test('without columns, the detected identifier columns are hashed; text columns come back as text', async () => {
  const r = await tikhash.hashCsv(bytesOf('sep-line.csv'), { defaultCountry: 'DE', text: ['Kundennummer'] });
  assert.deepEqual(Object.keys(r.columns), ['E-Mail-Adresse', 'Telefonnummer', 'Kundennummer']);
  assert.equal(r.columns.Telefonnummer.packed.slice(0, 64), tikhash.hash('phone', '+49 30 901820'));
  assert.equal(r.columns.Telefonnummer.packed.slice(64, 128), tikhash.hash('phone', '+49 30 901820'));
  assert.deepEqual(r.text.Kundennummer, ['K-1', 'K-2']);
  assert.deepEqual(r.file, { encoding: 'utf-8', delimiter: ';', header: ['E-Mail-Adresse', 'Telefonnummer', 'Kundennummer'], sepLine: true });
});

test('md5 ad ids are 32 wide; other columns stay SHA-256', async () => {
  const r = await tikhash.hashCsv(bytesOf('maids.csv'), { columns: { MAID: 'idfa', email: 'email' }, algorithm: 'md5' });
  assert.equal(r.columns.MAID.width, 32);
  assert.equal(r.columns.MAID.packed, tikhash.hash('idfa', '6D92078A-8246-4BA4-AE5B-76104861E7DC', { algorithm: 'md5' }));
  assert.equal(r.columns.email.width, 64);
});

test('progress, abort and bad calls', async () => {
  const rows = ['email'];
  for (let i = 0; i < 5000; i++) rows.push(`p${i}@example.com`);
  const bytes = new TextEncoder().encode(rows.join('\n'));
  const seen = [];
  const r = await tikhash.hashCsv(bytes, { chunkBytes: 4096, onProgress: (p) => seen.push(p.rows) });
  assert.equal(r.rows, 5000);
  assert.ok(seen.length > 5 && seen.at(-1) === 5000);
  const ctrl = new AbortController();
  ctrl.abort();
  await assert.rejects(tikhash.hashCsv(bytes, { signal: ctrl.signal }), { name: 'AbortError' });
  const later = new AbortController();
  await assert.rejects(
    tikhash.hashCsv(bytes, { chunkBytes: 1024, signal: later.signal, onProgress: () => later.abort() }),
    { name: 'AbortError' },
  );
  await assert.rejects(tikhash.hashCsv(42), { name: 'TypeError', code: 'wrong_type' });
  await assert.rejects(tikhash.hashCsv(bytes, { columns: { nope: 'email' } }), { name: 'RangeError', code: 'unknown_column' });
  await assert.rejects(tikhash.hashCsv(bytes, { columns: { email: 'fax' } }), { name: 'RangeError', code: 'unknown_kind' });
  await assert.rejects(tikhash.hashCsv(new Uint8Array(0)), { code: 'empty_file' });
});

test('every reject code has a reason, from one table', () => {
  const csvCodes = ['unterminated_quote', 'text_after_quote', 'row_too_long', 'invalid_utf8', 'no_identifier'];
  for (const code of [...tikhash.rejectCodes(), ...csvCodes, 'invalid_content_ids', 'invalid_shop_id']) {
    assert.ok(Object.hasOwn(tikhash.REJECT_REASONS, code), code);
    assert.equal(tikhash.rejectReason(code), tikhash.REJECT_REASONS[code]);
  }
  assert.equal(tikhash.rejectReason('something_new'), 'Rejected (something_new).');
});

test('header synonyms from real exports', () => {
  const cases = [
    [['E-mail', 'E-mail Address', 'Email Address'], ['email', '', '']],
    [['MAID'], ['gaid']],
    [['madid'], ['gaid']],
    [['advertising_id'], ['gaid']],
    [['Advertising ID'], ['gaid']],
    [['google_advertising_id'], ['gaid']],
    [['Mobile Device ID'], ['gaid']],
    [['IDFA'], ['idfa']],
    [['Courriel', 'Téléphone'], ['email', 'phone']],
    [['Correo electrónico', 'Teléfono móvil'], ['email', 'phone']],
    [['E-Mail-Adresse', 'Handynummer', 'Kundennummer'], ['email', 'phone', 'external_id']],
    [['Endereço de e-mail', 'Celular'], ['email', 'phone']],
    [['メールアドレス', '電話番号', '会員ID'], ['email', 'phone', 'external_id']],
    [['Record ID', 'Email', 'Mobile Phone Number'], ['external_id', 'email', 'phone']],
    [['FirstName', 'MobilePhone'], ['', 'phone']],
  ];
  for (const [header, roles] of cases) assert.deepEqual(tikhash.detectColumns(header, []), roles, header.join(','));
  // values: 8-digit numbers are not phones without a phone header or a +
  assert.deepEqual(tikhash.detectColumns(['x'], [['12345678'], ['23456789']]), ['']);
  assert.deepEqual(tikhash.detectColumns(['Member Number'], [['12345678']]), ['external_id']);
  assert.deepEqual(tikhash.detectColumns(['x'], [['+1 202 555 0101'], ['tel:+44-20-7946-0001']]), ['phone']);
});

// The export fixtures (tests/fixtures/exports/, expected.json beside them) through the page in
// headless Chromium: the page reads them with the package's hashCsv (wasm, module workers),
// and its preview, hash stats and reject report show the same rows and row numbers as the
// native and JS tests. Run through scripts/e2e.sh (it starts the proxy the page is served by).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { e2eEnv, useBrowser } from './lib.mjs';

const { url: BASE } = e2eEnv('url');
const dir = new URL('../fixtures/exports/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));

const browser = useBrowser();

async function openPage() {
  const page = await browser.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(BASE);
  await page.waitForFunction(() => window.tikhashApp);
  return page;
}

async function hashed(page, action) {
  await page.evaluate(() => delete document.body.dataset.hashed);
  await action();
  await page.waitForSelector('body[data-hashed]', { timeout: 30_000 });
  await page.waitForFunction(() => document.getElementById('hash-cancel').disabled);
}

for (const [name, want] of Object.entries(expected)) {
  if (want.error) {
    test(`${name}: the page says the file cannot be read`, async () => {
      const page = await openPage();
      await page.setInputFiles('#file-input', fileURLToPath(new URL(name, dir)));
      await page.waitForFunction(() => /cannot be read/.test(document.getElementById('file-info').textContent));
      assert.match(await page.textContent('#file-info'), /save it as CSV UTF-8/);
      await page.close();
    });
    continue;
  }
  test(`${name}: preview, rows and reported row numbers`, async () => {
    const page = await openPage();
    await hashed(page, () => page.setInputFiles('#file-input', fileURLToPath(new URL(name, dir))));
    if (want.defaultCountry && (await page.inputValue('#default-country')) !== want.defaultCountry) {
      await hashed(page, () => page.selectOption('#default-country', want.defaultCountry));
    }
    // the columns of the fixture, as a person would set them in step 2
    const headers = await page.locator('#columns-body th').allTextContents();
    for (let c = 0; c < headers.length; c++) {
      const role = want.columns[headers[c]] ?? '';
      if ((await page.inputValue(`#role-${c}`)) !== role) await hashed(page, () => page.selectOption(`#role-${c}`, role));
    }
    assert.match(await page.textContent('#hash-stats'), new RegExp(`Done: ${want.rows.toLocaleString('en-US')} rows`));
    // preview rows are numbered as the file's spreadsheet rows
    const firstRow = await page.locator('#preview tbody tr td').first().textContent();
    assert.equal(firstRow, '2');
    const listed = want.rejected.filter((r) => r.code !== 'no_identifier');
    if (listed.length) {
      const rows = await page.textContent('#reject-rows');
      for (const r of listed) assert.match(rows, new RegExp(`Row ${r.row}: `), `row ${r.row} (${r.code}) reported`);
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('an unterminated quote: the preview shows the row and reading goes on', async () => {
  const page = await openPage();
  await hashed(page, () => page.setInputFiles('#file-input', fileURLToPath(new URL('unterminated-quote.csv', dir))));
  const preview = await page.textContent('#preview tbody');
  assert.match(preview, /never closed/);
  assert.match(preview, /cat@example\.com/);
  assert.match(await page.textContent('#reject-rows'), /Row 3: A quote/);
  await page.close();
});

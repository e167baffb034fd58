// History's Re-run button on an interrupted run: it fills the sync form from the run and, once
// the file is chosen and hashed, says before anything is sent what will be sent again (Mirror:
// the ledger diff, only what TikTok has not confirmed; events: every row, de-duplicated by TikTok
// by event id). A run becomes "interrupted" only after 120 s without an update, so the test
// adds one such run to the History answer (page.route); the audience, its ledger and the
// Mirror diff are real. Run through scripts/e2e.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eEnv, useBrowser } from './lib.mjs';
import { signInWithPassword } from './auth.mjs';

const { url: BASE, user: USER, password: PASSWORD } = e2eEnv('url', 'user', 'password');
const FIX = join(new URL('../../', import.meta.url).pathname, 'tests/fixtures');
const TMP = mkdtempSync(join(tmpdir(), 'tikhash-rerun-'));
const ADV = '7012345678901234567';

const browser = useBrowser();

async function signedInPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithPassword(page, BASE, USER, PASSWORD);
  await page.waitForSelector('body[data-signed-in="admin"]');
  return page;
}

async function upload(page, path) {
  await page.evaluate(() => delete document.body.dataset.hashed);
  await page.setInputFiles('#file-input', path);
  await page.waitForSelector('body[data-hashed]', { timeout: 20_000 });
}

/** History answers with `run` on top, as the proxy does for a run left open for 120 s. */
async function withInterrupted(page, run) {
  const now = Math.floor(Date.now() / 1000);
  await page.route('**/tikhash/runs?limit=50', async (route) => {
    const real = await route.fetch();
    const env = await real.json();
    env.data.runs.unshift({
      id: 'f'.repeat(32), who: USER, started_at: now - 600, updated_at: now - 590, finished_at: null, status: 'interrupted',
      audience_id: null, audience_name: null, rows_read: 8, rows_sent: 0, rows_added: 0, rows_removed: 0, rejected: {}, request_ids: [],
      error_status: null, error_code: null, error_message: null, tiktok_message: null, duration_ms: null, ...run,
    });
    await route.fulfill({ response: real, json: env });
  });
  await page.reload();
  await page.waitForSelector('body[data-signed-in="admin"]');
}

test('Re-run of an interrupted Mirror fills the form and says it sends only the ledger diff, before sending', async () => {
  const page = await signedInPage();
  // A real Mirror makes the audience and its ledger.
  await upload(page, join(FIX, 'customers.csv'));
  await page.check('input[name=object][value=partner]');
  await page.check('input[name=behaviour][value=mirror]');
  await page.waitForTimeout(250);
  await page.waitForSelector('body[data-hashed]');
  await page.waitForFunction(() => document.getElementById('hash-cancel').disabled);
  await page.fill('#audience-name', 'rerun test');
  await page.click('#sync');
  await page.waitForFunction(() => document.body.dataset.synced || !document.getElementById('sync-error').hidden, null, { timeout: 30_000 });
  assert.ok(!(await page.locator('#sync-error').isVisible()), await page.textContent('#sync-error'));
  const audienceId = await page.inputValue('#audience-id');
  assert.match(audienceId, /^\d+$/);

  await withInterrupted(page, { object: 'partner', behaviour: 'mirror', advertiser_id: ADV, audience_id: audienceId, audience_name: 'rerun test' });
  const sent = [];
  page.on('request', (r) => {
    if (r.url().includes('/open_api/')) sent.push(r.url());
  });
  await page.click('#history-body button.rerun');
  assert.equal(await page.isChecked('input[name=object][value=partner]'), true);
  assert.equal(await page.isChecked('input[name=behaviour][value=mirror]'), true);
  assert.equal(await page.inputValue('#advertiser-id'), ADV);
  assert.equal(await page.inputValue('#audience-id'), audienceId);
  assert.match(await page.textContent('#plan-note'), /Choose the same list in step 1/);
  // The list changed since: bob and frank left, judy joined.
  const lines = readFileSync(join(FIX, 'customers.csv'), 'utf8').trimEnd().split('\n');
  const kept = lines.filter((l) => !l.startsWith('bob@') && !l.startsWith('frank@'));
  kept.push('judy@example.com,,,,Judy');
  const path = join(TMP, 'customers-rerun.csv');
  writeFileSync(path, `${kept.join('\n')}\n`);
  await upload(page, path);
  await page.waitForSelector('body[data-rerun="explained"]');
  const note = await page.textContent('#plan-note');
  assert.match(note, /^Re-run of the interrupted sync: only what TikTok has not confirmed is sent/);
  assert.match(note, /1 row\(s\) to add, [1-9]\d* identifier\(s\) to delete/);
  assert.match(note, /Press Sync to send it\./);
  assert.deepEqual(sent, [], 'nothing is sent before Sync is pressed');
  await page.context().close();
});

test('Re-run of interrupted events says every row goes again, de-duplicated by event id', async () => {
  const page = await signedInPage();
  await withInterrupted(page, { object: 'offline', behaviour: 'append', advertiser_id: ADV });
  await page.click('#history-body button.rerun');
  assert.equal(await page.isChecked('input[name=object][value=offline]'), true);
  assert.equal(await page.isChecked('input[name=behaviour][value=append]'), true);
  const now = Math.floor(Date.now() / 1000);
  const path = join(TMP, 'events-rerun.csv');
  writeFileSync(path, readFileSync(join(FIX, 'events.csv'), 'utf8').replace(/RECENT/g, () => String(now - 600)));
  await upload(page, path);
  await page.waitForSelector('body[data-rerun="explained"]');
  const note = await page.textContent('#plan-note');
  assert.match(note, /all 4 row\(s\) of this file are sent again as events; TikTok de-duplicates them by event id/);
  assert.match(note, /Enter the Event set id first/);
  await page.context().close();
});

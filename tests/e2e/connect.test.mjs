// End-to-end, sandbox mode: Connect a TikTok account through the simulated consent page, pick
// the advertiser and an existing audience from the connection, sync, reload, and see the run
// in History; a duplicate new-audience name stops the sync; Disconnect at the end (so the
// other browser tests keep their advertiser).
// Run through scripts/e2e.sh (it starts the proxy, adds the user and an admin key).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { e2eEnv, useBrowser } from './lib.mjs';
import { signInWithPassword } from './auth.mjs';

const { url: BASE, key: KEY, user: USER, password: PASSWORD } = e2eEnv('url', 'key', 'user', 'password');
const FIX = join(new URL('../../', import.meta.url).pathname, 'tests/fixtures');
const ADV = '7000000000000000002'; // the sandbox's second made-up advertiser
const API = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

const browser = useBrowser();
let audienceId;

before(async () => {
  // An audience that already exists at "TikTok", made through the proxy's API.
  const name = `E2E existing ${Date.now()}`;
  const res = await fetch(`${BASE}/open_api/v1.3/segment/audience/`, {
    method: 'POST',
    headers: API,
    body: JSON.stringify({ advertiser_id: ADV, action: 'create', custom_audience_name: name }),
  });
  const env = await res.json();
  assert.equal(env.code, 0, JSON.stringify(env));
  audienceId = String(env.data.audience_id);
});

test('connect through the simulated consent page, sync to a picked audience, see it in History', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());
  await signInWithPassword(page, BASE, USER, PASSWORD);
  await page.waitForURL(`${BASE}/`);
  await page.waitForSelector('#account-connect:not([hidden])');
  assert.match(await page.textContent('#account-status'), /No TikTok account connected/);

  // Connect: the proxy redirects to the sandbox's consent page, which lists two advertisers.
  await page.click('#account-connect');
  await page.waitForURL(/\/sandbox-consent\.html\?app_id=/);
  assert.match(await page.textContent('#consent-advertisers'), /Sandbox Shoes Ltd[\s\S]*Sandbox Coffee Co/);
  await page.click('#consent-authorize');
  await page.waitForURL(`${BASE}/#tiktok-account`);
  await page.waitForSelector('body[data-tiktok-connected="true"]');
  assert.match(await page.textContent('#account-status'), new RegExp(`Connected by ${USER} on .* 2 advertiser`));
  assert.equal(await page.locator('#account-connect').textContent(), 'Reconnect');

  // Pick the advertiser, then the existing audience, from the connection and TikTok's list.
  await page.selectOption('#advertiser-pick', ADV);
  assert.equal(await page.inputValue('#advertiser-id'), ADV);
  await page.waitForSelector(`#audience-pick option[value="${audienceId}"]`, { state: "attached" });
  assert.match(await page.textContent(`#audience-pick option[value="${audienceId}"]`), /E2E existing .* Partner Audience/);
  assert.equal(await page.locator('#audience-pick option').first().textContent(), 'Create a new audience');

  // Load the list and hash it.
  await page.setInputFiles('#file-input', join(FIX, 'customers.csv'));
  await page.waitForSelector('body[data-hashed]', { timeout: 20_000 });
  await page.waitForFunction(() => document.getElementById('hash-cancel').disabled);

  // "Create a new audience" with an existing audience's name is stopped before anything is sent.
  const existingName = (await page.textContent(`#audience-pick option[value="${audienceId}"]`)).split(' — ')[0];
  await page.selectOption('#audience-pick', '__new__');
  await page.fill('#audience-name', existingName);
  let mappings = 0;
  page.on('request', (r) => {
    if (r.url().includes('/open_api/v1.3/segment/')) mappings++;
  });
  await page.click('#sync');
  await page.waitForFunction(() => /already exists/.test(document.getElementById('audience-pick-note').textContent));
  assert.equal(mappings, 0, 'a duplicate name sends nothing');

  // The existing audience: the sync updates it.
  await page.selectOption('#audience-pick', audienceId);
  assert.equal(await page.inputValue('#audience-id'), audienceId);
  await page.evaluate(() => delete document.body.dataset.synced);
  await page.click('#sync');
  await page.waitForFunction(() => document.body.dataset.synced || !document.getElementById('sync-error').hidden, null, { timeout: 30_000 });
  assert.ok(!(await page.locator('#sync-error').isVisible()), await page.textContent('#sync-error'));
  assert.ok(mappings > 0);

  // After a reload, History shows the run.
  await page.reload();
  const row = page.locator('#history-body tr').first();
  await row.waitFor();
  const text = await row.textContent();
  assert.match(text, new RegExp(USER));
  assert.match(text, new RegExp(audienceId));
  assert.match(text, /Finished/);
  assert.match(text, /advertiser 7000000000000000002/);
  assert.match(text, /\d+ read · \d+ sent/);
  const runs = await (await fetch(`${BASE}/tikhash/runs`, { headers: API })).json();
  const run = runs.data.runs[0];
  assert.equal(run.status, 'ok');
  assert.equal(run.audience_id, audienceId);
  assert.ok(run.rows_sent > 0 && run.request_ids.length > 0, JSON.stringify(run));
  assert.doesNotMatch(JSON.stringify(runs), /@example\.|[0-9a-f]{64}/, 'no value or hash in the history');

  // Disconnect.
  await page.waitForSelector('#account-disconnect:not([hidden])');
  await page.click('#account-disconnect');
  await page.waitForSelector('body[data-tiktok-connected="false"]');
  const c = await (await fetch(`${BASE}/tikhash/connection`, { headers: API })).json();
  assert.equal(c.data.connected, false);
  assert.deepEqual(errors, []);
  await context.close();
});

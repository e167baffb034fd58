// History keeps TikTok's own words for a failed run (issue 11): a sync from the page that TikTok
// refuses is recorded by the package's run recorder with `tiktok_message`, and History shows it
// beside the plain-language explanation, also after a reload.
// Run through scripts/e2e.sh (it starts the proxy and sets the variables).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { e2eEnv, useBrowser } from './lib.mjs';
import { signInWithPassword } from './auth.mjs';

const { url: BASE, key: KEY, user: USER, password: PASSWORD } = e2eEnv('url', 'key', 'user', 'password');
const FIX = join(new URL('../../', import.meta.url).pathname, 'tests/fixtures');
const MISSING_AUDIENCE = '7999999999999999999';

const browser = useBrowser();

test('a sync TikTok refuses: History shows TikTok’s message beside ours', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithPassword(page, BASE, USER, PASSWORD);
  await page.waitForSelector('body[data-signed-in="admin"]');
  await page.setInputFiles('#file-input', join(FIX, 'customers.csv'));
  await page.waitForSelector('body[data-hashed]', { timeout: 20_000 });
  await page.waitForFunction(() => document.getElementById('hash-cancel').disabled);
  await page.check('input[name=object][value=partner]');
  await page.check('input[name=behaviour][value=upsert]');
  await page.fill('#audience-id', MISSING_AUDIENCE);
  await page.click('#sync');
  await page.waitForSelector('#sync-error:not([hidden])', { timeout: 30_000 });
  assert.match(await page.textContent('#sync-error'), /TikTok refused a parameter in the request/);
  // The record, as GET /tikhash/runs returns it.
  let run;
  for (let i = 0; i < 50 && !run?.finished_at; i++) {
    const env = await (await fetch(`${BASE}/tikhash/runs?limit=20`, { headers: { authorization: `Bearer ${KEY}` } })).json();
    run = env.data.runs.find((r) => r.audience_id === MISSING_AUDIENCE && r.who === USER);
    if (!run?.finished_at) await page.waitForTimeout(100);
  }
  assert.equal(run.status, 'failed');
  assert.equal(run.error_message, 'TikTok refused a parameter in the request.');
  assert.match(run.tiktok_message, /invalid audience ID/i);
  // History, after a reload: our title, TikTok's words, what to do.
  await page.reload();
  const row = page.locator('#history-body tr', { hasText: MISSING_AUDIENCE }).first();
  await row.waitFor();
  const text = await row.textContent();
  assert.match(text, /TikTok refused a parameter in the request\. \(code 40002\)/);
  assert.ok(text.includes(`TikTok said: “${run.tiktok_message}”`), text);
  assert.match(text, /Check the advertiser id, audience id/);
  // The behaviour as the sync form names it, not the record's machine name.
  assert.ok(text.includes('Partner Audience · Update or Create · advertiser'), text);
  assert.doesNotMatch(text, /upsert/, text);
  await context.close();
});

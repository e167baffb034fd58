// Access control in a real browser: the sign-in page, and a page served from a SECOND
// loopback origin that tries every kind of cross-origin request at the proxy (simple fetches,
// multipart, with credentials, a form post) while the user is signed in. The proxy must
// refuse them all, and neither the sandbox nor the ledger may see anything.
// Run through scripts/e2e.sh (it starts the proxy, adds the user and an admin key).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eEnv, useBrowser } from './lib.mjs';
import { serveStatic } from './static-server.mjs';
import { signInWithPassword } from './auth.mjs';

const { url: BASE, key: KEY, user: USER, password: PASSWORD } = e2eEnv('url', 'key', 'user', 'password');
const ADV = '7012345678901234567';
const EMAIL = 'a'.repeat(64);

const browser = useBrowser();
let attacker;
let dir;

/** The attacking page: fires every request it can at the proxy, then marks itself done. */
function attackPage(proxy) {
  return `<!doctype html><meta charset="utf-8"><title>not tikhash</title>
<iframe name="sink"></iframe>
<form id="f" method="post" enctype="multipart/form-data" target="sink" action="${proxy}/open_api/v1.3/segment/audience/">
  <input name="advertiser_id" value="${ADV}"><input name="action" value="create"><input name="custom_audience_name" value="pwned-form">
</form>
<script type="module">
const P = ${JSON.stringify(proxy)};
const tries = [];
const go = (path, init) => tries.push(fetch(P + path, { credentials: 'include', ...init }).then(() => 'sent', () => 'blocked'));
go('/open_api/v1.3/segment/audience/', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' },
  body: JSON.stringify({ advertiser_id: '${ADV}', action: 'create', custom_audience_name: 'pwned-text' }) });
const fd = new FormData();
fd.append('advertiser_id', '${ADV}'); fd.append('calculate_type', 'EMAIL_SHA256'); fd.append('file_signature', '0'.repeat(32));
fd.append('file', new Blob(['${EMAIL}\\n'], { type: 'text/plain' }), 'a.txt');
go('/open_api/v1.3/dmp/custom_audience/file/upload/', { method: 'POST', mode: 'no-cors', body: fd });
go('/open_api/v1.3/segment/mapping/', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: JSON.stringify({ advertiser_ids: ['${ADV}'], action: 'add', id_schema: ['EMAIL_SHA256'], batch_data: [[{ id: '${EMAIL}', audience_ids: ['attack-aud'] }]] }) });
go('/open_api/v1.3/event/track/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
go('/tikhash/keys/e2e-checks', { method: 'DELETE' });
go('/tikhash/audit', {});
document.getElementById('f').submit();
await Promise.all(tries);
document.body.dataset.done = '1';
</script>`;
}

async function api(path) {
  const res = await fetch(BASE + path, { headers: { authorization: `Bearer ${KEY}` } });
  return { status: res.status, text: await res.text() };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tikhash-attack-'));
  await writeFile(join(dir, 'attack.html'), attackPage(BASE));
  const s = await serveStatic({ '/': dir });
  // The same server, reached as a different origin (and site) than the proxy's 127.0.0.1.
  attacker = { ...s, url: s.url.replace('127.0.0.1', 'localhost') };
});
after(async () => {
  await attacker?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the sign-in page: a wrong password gets a generic error, the right one signs in', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithPassword(page, BASE, USER, 'not the password');
  await page.waitForSelector('#signin-error:not([hidden])');
  assert.match(await page.textContent('#signin-error'), /Sign-in failed/);
  await signInWithPassword(page, BASE, USER, PASSWORD);
  await page.waitForURL(`${BASE}/`);
  await page.waitForSelector(`body[data-signed-in="admin"]`);
  assert.match(await page.textContent('#auth-status'), new RegExp(`Signed in as ${USER}`));
  await context.close();
});

test('a page without a session is told to sign in when the proxy answers 401', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(BASE);
  await page.waitForSelector('#auth-status:not([hidden]) a[href="/signin.html"]');
  const res = await page.evaluate(async () => (await fetch('/tikhash/session')).status);
  assert.equal(res, 401);
  await context.close();
});

test('a page on a second loopback origin cannot make the proxy forward anything', async () => {
  const before = await api('/tikhash/audit?limit=1000');
  assert.equal(before.status, 200, before.text);
  const seenBefore = JSON.parse(before.text).data.entries.length;

  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithPassword(page, BASE, USER, PASSWORD);
  await page.waitForSelector('body[data-signed-in="admin"]');
  await page.waitForLoadState('networkidle'); // connect: the page's own loads (the package, step 0, History) are done before counting answers
  const answers = [];
  context.on('response', (r) => {
    if (r.url().startsWith(BASE)) answers.push({ method: r.request().method(), path: new URL(r.url()).pathname, status: r.status() });
  });
  const evil = await context.newPage();
  await evil.goto(`${attacker.url}/attack.html`);
  await evil.waitForSelector('body[data-done]', { timeout: 15_000 });
  await evil.waitForTimeout(500); // the form post's answer
  const posts = answers.filter((a) => a.method !== 'OPTIONS');
  assert.ok(posts.length >= 4, `the attack reached the proxy: ${JSON.stringify(answers)}`);
  // SameSite=Strict keeps the cookie off these requests, but the proxy does not rely on it:
  // its own Origin check refuses every state-changing one first (403, not 401).
  for (const a of posts) {
    const want = a.method === 'GET' ? 401 : 403;
    assert.equal(a.status, want, `answered ${a.status} to ${a.method} ${a.path}`);
  }
  for (const a of answers) assert.ok(a.status >= 400, `answered ${a.status} to ${a.method} ${a.path}`);

  // Nothing reached the sandbox or the ledger, and nothing was done in the user's name.
  const list = await api(`/open_api/v1.3/dmp/custom_audience/list/?advertiser_id=${ADV}&page=1&page_size=100`);
  assert.equal(list.status, 200, list.text);
  assert.ok(!list.text.includes('pwned'), list.text);
  const ledger = await api(`/tikhash/ledger/${ADV}/attack-aud`);
  assert.equal(JSON.stringify(JSON.parse(ledger.text).data.members), '{}');
  const keys = await api('/tikhash/keys');
  assert.ok(keys.text.includes('e2e-checks'));
  const after = JSON.parse((await api('/tikhash/audit?limit=1000')).text).data.entries;
  const newer = after.slice(0, after.length - seenBefore).filter((e) => e.who !== 'e2e-checks' && e.route !== '/tikhash/login/password');
  assert.deepEqual(newer, [], 'audited actions in the user\'s name');
  await context.close();
});

// End-to-end: the page (www/) served by tikhash-proxy in sandbox mode, driven in Debian's
// Chromium. Every request of every page (workers included) is captured, and the last test
// fails if a raw email, phone (any spelling, or its digits), ad id or external id from the
// fixtures appears in a URL, a header or a body.
// Run through scripts/e2e.sh, which starts the proxy and sets TIKHASH_E2E_URL.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { e2eEnv, useBrowser } from './lib.mjs';
import { signInThroughLink } from './auth.mjs';
import { parseRecords } from '../../www/csv.js';

const { url: BASE, key: KEY } = e2eEnv('url');
const ROOT = new URL('../../', import.meta.url).pathname;
const FIX = join(ROOT, 'tests/fixtures');
const ARTIFACTS = join(ROOT, 'tests/artifacts');
const TMP = mkdtempSync(join(tmpdir(), 'tikhash-e2e-'));
mkdirSync(ARTIFACTS, { recursive: true });

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const readCsv = (path) => {
  const rows = [];
  parseRecords(readFileSync(path, 'utf8'), ',', (f) => rows.push(f));
  return rows;
};

// ---------- the fixtures, and every form their raw identifiers could take on the wire ----------

const customers = readCsv(join(FIX, 'customers.csv'));
const eventsTemplate = readFileSync(join(FIX, 'events.csv'), 'utf8');
const events = readCsv(join(FIX, 'events.csv'));

function forbiddenForms() {
  const forms = new Set();
  const add = (v) => {
    if (v && v.length >= 5) forms.add(v.toLowerCase());
  };
  const byHeader = (rows, names) => {
    const [h, ...body] = rows;
    for (const name of names) {
      const c = h.indexOf(name);
      for (const r of body) {
        const v = (r[c] ?? '').trim();
        if (!v) continue;
        if (name === 'phone') {
          const digits = v.replace(/\D/g, '');
          add(v);
          add(digits);
          add(`+${digits}`);
          add(v.replace(/\s/g, ''));
          add(encodeURIComponent(v));
          add(encodeURIComponent(`+${digits}`));
        } else {
          add(v);
          add(encodeURIComponent(v));
        }
        if (name === 'email') add(v.split('@')[0].length >= 5 ? v.split('@')[0] : '');
      }
    }
  };
  byHeader(customers, ['email', 'phone', 'idfa', 'gaid']);
  byHeader(events, ['email', 'phone', 'external_id']);
  return [...forms];
}
const FORBIDDEN = forbiddenForms();

/** The raw forms found in one captured request (URL, headers, body). */
export function leaks(req) {
  const hay = `${req.url}\n${JSON.stringify(req.headers)}\n${req.body}`.toLowerCase();
  return FORBIDDEN.filter((f) => hay.includes(f));
}

// ---------- browser and capture ----------

const browser = useBrowser();
const pending = [];
const captured = [];

let signedIn;
before(async () => {
  // Signed in the way a new user is: the proxy's one-time start-up link.
  signedIn = await signInThroughLink(browser);
});

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, storageState: signedIn });
  context.on('request', (r) => {
    pending.push(
      (async () => {
        const buf = r.postDataBuffer();
        captured.push({
          url: r.url(),
          method: r.method(),
          headers: await r.allHeaders().catch(() => r.headers()),
          body: buf ? buf.toString('latin1') : '',
          frame: r.frame ? 'page' : 'worker',
        });
      })(),
    );
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(BASE);
  await page.waitForFunction(() => window.tikhashApp);
  return page;
}

async function settle() {
  await Promise.all(pending);
}

async function upload(page, path) {
  await page.evaluate(() => delete document.body.dataset.hashed);
  await page.setInputFiles('#file-input', path);
  await page.waitForSelector('body[data-hashed]', { timeout: 20_000 });
}

async function choose(page, object, behaviour) {
  await page.check(`input[name=object][value=${object}]`);
  if (behaviour) await page.check(`input[name=behaviour][value=${behaviour}]`);
  // a change of object changes the normalization profile, which re-hashes the file
  await page.waitForTimeout(250);
  await page.waitForSelector('body[data-hashed]');
  await page.waitForFunction(() => document.getElementById('hash-cancel').disabled);
}

async function sync(page) {
  await page.evaluate(() => delete document.body.dataset.synced);
  await page.click('#sync');
  await page.waitForFunction(() => document.body.dataset.synced || !document.getElementById('sync-error').hidden, null, { timeout: 30_000 });
  const error = await page.locator('#sync-error').isVisible();
  if (error) assert.fail(`sync failed: ${await page.textContent('#sync-error')}`);
  return page.textContent('#sync-status');
}

function writeTmp(name, text) {
  const p = join(TMP, name);
  writeFileSync(p, text);
  return p;
}

function recentEvents() {
  const now = Math.floor(Date.now() / 1000);
  let i = 0;
  return writeTmp('events.csv', eventsTemplate.replace(/RECENT/g, () => String(now - 600 - 60 * i++)));
}

const posts = (path) => captured.filter((r) => r.method === 'POST' && r.url.includes(`/open_api/v1.3/${path}`));

// ---------- tests ----------

test('every control has a label, and the sandbox banner shows', async () => {
  const page = await openPage();
  await page.setInputFiles('#file-input', join(FIX, 'customers.csv'));
  await page.waitForSelector('body[data-hashed]');
  await assert.doesNotReject(page.waitForSelector('#sandbox-banner:not([hidden])', { timeout: 5000 }));
  assert.match(await page.textContent('#sandbox-banner'), /Sandbox mode/);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => {
        if (el.labels?.length) return false;
        if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
        if (el.tagName === 'BUTTON' && el.textContent.trim()) return false;
        return true;
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unlabelled, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Try it shows the normalized value and hash live, and the reason for a reject', async () => {
  const page = await openPage();
  await page.fill('#try-value', '  Alice.Smith@Example.COM ');
  await page.waitForFunction(() => document.getElementById('try-hash').textContent.length === 64);
  assert.equal(await page.textContent('#try-normalized'), 'alice.smith@example.com');
  assert.equal(await page.textContent('#try-hash'), sha256('alice.smith@example.com'));
  await page.fill('#try-value', 'alice.example.com');
  assert.match(await page.textContent('#try-reason'), /Rejected: Not an email address/);
  await page.selectOption('#try-kind', 'idfa');
  await page.fill('#try-value', '00000000-0000-0000-0000-000000000000');
  assert.match(await page.textContent('#try-reason'), /limited ad tracking/);
  await page.selectOption('#try-kind', 'phone');
  await page.fill('#try-value', '+1 (415) 555-0100');
  assert.equal(await page.textContent('#try-normalized'), '+14155550100');
  await page.context().close();
});

test('a CSV is previewed, hashed in workers, and rejected rows are reported with their row numbers', async () => {
  const page = await openPage();
  await upload(page, join(FIX, 'customers.csv'));
  // columns detected
  assert.equal(await page.inputValue('#role-0'), 'email');
  assert.equal(await page.inputValue('#role-1'), 'phone');
  assert.equal(await page.inputValue('#role-2'), 'idfa');
  assert.equal(await page.inputValue('#role-3'), 'gaid');
  assert.equal(await page.inputValue('#role-4'), '');
  // preview: raw beside normalized and hash
  const first = page.locator('#preview tbody tr').first();
  assert.match(await first.textContent(), /Alice\.Smith@Example\.com/);
  assert.match(await first.textContent(), /alice\.smith@example\.com/);
  assert.equal(await first.locator('td[data-hash]').first().getAttribute('data-hash'), sha256('alice.smith@example.com'));
  assert.match(await page.textContent('#hash-stats'), /Done: 8 rows/);
  // rejects, by reason and by row
  await page.waitForSelector('#rejects:not([hidden])');
  const rows = await page.textContent('#reject-rows');
  assert.match(rows, /Row 5: Email: Not an email address/);
  assert.match(rows, /Row 6: IDFA \(iOS ad id\): All-zero ad id/);
  assert.match(await page.textContent('#reject-summary'), /1 × Not an email address/);
  // the download is made on the page (a blob: URL), with the row number and the row itself
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#reject-download')]);
  assert.match(download.url(), /^blob:/);
  const text = readFileSync(await download.path(), 'utf8');
  assert.match(text, /^row,reasons,original_row\n/);
  assert.match(text, /\n5,"email: invalid_email","not-an-email,\+33 1 42 68 53 00,,,Dan"\n/);
  await page.context().close();
});

test('a dry run shows the exact request bodies and sends nothing', async () => {
  const page = await openPage();
  await upload(page, join(FIX, 'customers.csv'));
  await choose(page, 'partner', 'upsert');
  const before = captured.length;
  await settle();
  await page.click('#dry-run');
  await page.waitForSelector('#dry-run-out pre');
  assert.match(await page.textContent('#sync-status'), /Dry run: 2 request\(s\) would be sent\. Nothing was sent\./);
  const bodies = await page.locator('#dry-run-out pre').allTextContents();
  const create = JSON.parse(bodies[0]);
  assert.equal(create.advertiser_id, '7012345678901234567');
  assert.equal(create.custom_audience_name, 'tikhash list');
  const mapping = JSON.parse(bodies[1]);
  assert.equal(mapping.action, 'add');
  assert.deepEqual(mapping.id_schema.slice().sort(), ['AAID_SHA256', 'EMAIL_SHA256', 'IDFA_SHA256', 'PHONE_SHA256']);
  const email = mapping.id_schema.indexOf('EMAIL_SHA256');
  assert.equal(mapping.batch_data[0][email].id, sha256('alice.smith@example.com'));
  assert.ok(mapping.batch_data.every((row) => row.length === mapping.id_schema.length));
  // the same requests as plain text, in the package's dryRun wording
  const text = await page.textContent('#dry-run-text pre');
  assert.match(text, /^POST \/open_api\/v1\.3\/segment\/audience\/\n\{/);
  assert.match(text, /\nPOST \/open_api\/v1\.3\/segment\/mapping\/ \(request 1 of 1\)\n/);
  assert.ok(text.includes(sha256('alice.smith@example.com')));
  await settle();
  assert.equal(captured.slice(before).filter((r) => r.url.includes('/open_api/')).length, 0, 'a dry run must not call TikTok routes');
  await page.context().close();
});

test('Partner Audience, Update or Create: creates the audience and adds members', async () => {
  const page = await openPage();
  await upload(page, join(FIX, 'customers.csv'));
  await choose(page, 'partner', 'upsert');
  const n = posts('segment/mapping/').length;
  const status = await sync(page);
  assert.match(status, /Sync finished: 2 request\(s\), all acknowledged/);
  assert.match(await page.inputValue('#audience-id'), /^\S+$/);
  assert.match(await page.textContent('#sync-log'), /request_id \S{6,}/);
  await settle();
  const sent = posts('segment/mapping/').slice(n);
  assert.equal(sent.length, 1);
  assert.equal(JSON.parse(sent[0].body).action, 'add');
  await page.context().close();
});

test('the sample list: 1,203 rows hashed, 3 reported, 1,200 members added, none of them raw on the wire', async () => {
  const page = await openPage();
  await page.evaluate(() => delete document.body.dataset.hashed);
  await page.click('#sample-use');
  await page.waitForSelector('body[data-hashed]', { timeout: 20_000 });
  assert.match(await page.textContent('#hash-stats'), /Done: 1,?203 rows/);
  const rows = await page.textContent('#reject-rows');
  assert.match(rows, /Row 6: /);
  assert.match(rows, /Row 7: Email: Not an email address/);
  assert.match(rows, /Row 8: Phone: /);
  await choose(page, 'partner', 'upsert');
  const n = posts('segment/mapping/').length;
  assert.match(await sync(page), /Sync finished: 2 request\(s\), all acknowledged/);
  await settle();
  const sent = posts('segment/mapping/').slice(n);
  const body = JSON.parse(sent[0].body);
  assert.equal(body.batch_data.length, 1200);
  assert.equal(body.batch_data[0][0].id, sha256('customer.0@example.com'));
  assert.equal(body.batch_data[0][1].id, sha256('+12025550100'));
  // The sample is made in the page, so the capture-wide check below does not know it: check
  // its raw forms here, in every request this test made.
  const wire = sent.map((r) => `${r.url} ${JSON.stringify(r.headers)} ${r.body}`.toLowerCase()).join('\n');
  for (const raw of ['customer.0@example.com', 'customer.1199@example.com', '(202) 555-0100', '2025550100', '202.555.01']) {
    assert.ok(!wire.includes(raw), `raw sample value on the wire: ${raw}`);
  }
  await page.context().close();
});

test('Partner Audience, Mirror twice: the second sync deletes the rows that were removed', async () => {
  const page = await openPage();
  await upload(page, join(FIX, 'customers.csv'));
  await choose(page, 'partner', 'mirror');
  await page.fill('#audience-name', 'mirror test');
  assert.match(await sync(page), /Sync finished/);
  const audienceId = await page.inputValue('#audience-id');
  assert.ok(audienceId);
  // second file: bob (row 3) and frank (row 7) left, a new member joined
  const lines = readFileSync(join(FIX, 'customers.csv'), 'utf8').trimEnd().split('\n');
  const kept = lines.filter((l) => !l.startsWith('bob@') && !l.startsWith('frank@'));
  kept.push('judy@example.com,,,,Judy');
  await upload(page, writeTmp('customers-2.csv', `${kept.join('\n')}\n`));
  await choose(page, 'partner', 'mirror');
  const n = posts('segment/mapping/').length;
  await page.click('#dry-run');
  await page.waitForSelector('#dry-run-out pre');
  assert.match(await page.textContent('#plan-note'), /1 row\(s\) to add, \d+ identifier\(s\) to delete/);
  const status = await sync(page);
  assert.match(status, /Sync finished/);
  await settle();
  const sent = posts('segment/mapping/').slice(n).map((r) => JSON.parse(r.body));
  const deletes = sent.filter((b) => b.action === 'delete');
  const deleted = deletes.flatMap((b) => b.batch_data.flat().map((c) => c.id).filter(Boolean));
  assert.ok(deleted.includes(sha256('bob@example.org')), 'bob’s email hash is deleted');
  assert.ok(deleted.includes(sha256('frank@example.com')), 'frank’s email hash is deleted');
  assert.ok(!deleted.includes(sha256('alice.smith@example.com')), 'alice stays');
  for (const b of deletes) assert.deepEqual(b.audience_ids ?? b.batch_data[0].find((c) => c.audience_ids)?.audience_ids, [audienceId]);
  const adds = sent.filter((b) => b.action === 'add');
  assert.equal(adds.length, 1);
  assert.equal(adds[0].batch_data.length, 1, 'only the new member is added');
  // the ledger now holds the mirrored list: a third Mirror has nothing to send
  await page.click('#dry-run');
  await page.waitForSelector('#dry-run-out h3');
  assert.match(await page.textContent('#plan-note'), /0 row\(s\) to add, 0 identifier\(s\) to delete/);
  await page.screenshot({ path: join(ARTIFACTS, 'partner-mirror.png'), fullPage: true });
  await page.context().close();
});

test('Customer File Audience: upload + create, Mirror by REPLACE, then the 24 h rule with its workarounds', async () => {
  const page = await openPage();
  await upload(page, join(FIX, 'customers.csv'));
  await choose(page, 'customer_file', 'upsert');
  await page.fill('#audience-name', 'customer file test');
  const uploads = posts('dmp/custom_audience/file/upload/').length;
  assert.match(await sync(page), /Sync finished: 2 request\(s\)/);
  await settle();
  const up = posts('dmp/custom_audience/file/upload/').slice(uploads);
  assert.equal(up.length, 1);
  assert.match(up[0].headers['content-type'], /^multipart\/form-data/);
  assert.match(up[0].body, /name="calculate_type"\r\n\r\nEMAIL_SHA256/);
  assert.ok(up[0].body.includes(sha256('bob@example.org')));
  const create = JSON.parse(posts('dmp/custom_audience/create/').at(-1).body);
  assert.equal(create.calculate_type, 'EMAIL_SHA256');
  assert.equal(create.file_paths.length, 1);
  // Mirror: the first one may REPLACE
  await choose(page, 'customer_file', 'mirror');
  await page.selectOption('#mirror-strategy', 'replace');
  assert.match(await sync(page), /Sync finished/);
  assert.match(await page.textContent('#plan-note'), /Mirror uses REPLACE/);
  const update = JSON.parse(posts('dmp/custom_audience/update/').at(-1).body);
  assert.equal(update.action, 'REPLACE');
  // a second REPLACE within 24 h is refused before TikTok sees it, with the three workarounds
  const n = posts('dmp/custom_audience/update/').length;
  await page.click('#sync');
  await page.waitForSelector('#sync-error:not([hidden])');
  const err = await page.textContent('#sync-error');
  assert.match(err, /one REPLACE per audience per 24 hours/);
  assert.match(err, /existing unfinished replace operation for this audience/, 'TikTok’s own words');
  assert.match(err, /the next one is allowed from /);
  assert.match(err, /Partner Audience/);
  assert.match(err, /every 48 hours/);
  assert.match(err, /Update or Create/);
  await settle();
  assert.equal(posts('dmp/custom_audience/update/').length, n, 'nothing was sent');
  // the automatic strategy: the same list again has nothing to send…
  await page.selectOption('#mirror-strategy', 'auto');
  await page.click('#dry-run');
  await page.waitForSelector('#dry-run-out h3');
  assert.match(await page.textContent('#plan-note'), /Nothing to send/);
  // …and a list that changed so much that one REPLACE file would be smaller still goes as
  // APPEND + REMOVE, since a REPLACE ran less than 24 hours ago, and says so
  await upload(page, writeTmp('customers-new.csv', 'email\nnina@example.com\noscar@example.com\npeggy@example.com\n'));
  await choose(page, 'customer_file', 'mirror');
  await page.click('#dry-run');
  await page.waitForSelector('#dry-run-out h3');
  const note = await page.textContent('#plan-note');
  assert.match(note, /Mirror uses APPEND \+ REMOVE: a REPLACE ran less than 24 hours ago/);
  assert.match(note, /3 to add, 7 to remove, 3 member\(s\) after/);
  const bodies = await page.locator('#dry-run-out pre.body').allTextContents();
  const updates = bodies.filter((b) => b.startsWith('{')).map((b) => JSON.parse(b));
  assert.deepEqual(updates.map((u) => u.action), ['APPEND', 'REMOVE']);
  assert.ok(bodies.some((b) => b.includes(sha256('nina@example.com'))), 'the APPEND file holds the new member');
  assert.ok(bodies.some((b) => b.includes(sha256('bob@example.org'))), 'the REMOVE file holds a member who left');
  await page.context().close();
});

/** The tests' own calls to the proxy (not the page's) use the admin API key e2e.sh made. */
const API_AUTH = { authorization: `Bearer ${KEY}` };

/** Another sync's REPLACE, straight through the proxy's API (not from the page). */
async function replaceThroughApi(advertiserId, audienceId, emails) {
  const bytes = Buffer.from(emails.map((e) => `${sha256(e)}\n`).join(''));
  const form = new FormData();
  form.set('advertiser_id', advertiserId);
  form.set('calculate_type', 'EMAIL_SHA256');
  form.set('file_signature', createHash('md5').update(bytes).digest('hex'));
  form.set('name', 'other-sync.txt');
  form.set('file', new Blob([bytes], { type: 'text/plain' }), 'other-sync.txt');
  const up = await (await fetch(`${BASE}/open_api/v1.3/dmp/custom_audience/file/upload/`, { method: 'POST', headers: API_AUTH, body: form })).json();
  assert.equal(up.code, 0, `upload: ${JSON.stringify(up)}`);
  const res = await fetch(`${BASE}/open_api/v1.3/dmp/custom_audience/update/`, {
    method: 'POST',
    headers: { ...API_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ advertiser_id: advertiserId, custom_audience_id: audienceId, action: 'REPLACE', file_paths: [up.data.file_path] }),
  });
  const env = await res.json();
  assert.equal(env.code, 0, `REPLACE: ${JSON.stringify(env)}`);
}

test('Customer File Audience, Mirror: a REPLACE the proxy itself refuses (409) is explained with the three workarounds', async () => {
  const page = await openPage();
  await upload(page, join(FIX, 'customers.csv'));
  await choose(page, 'customer_file', 'upsert');
  await page.fill('#audience-name', 'replace race test');
  assert.match(await sync(page), /Sync finished: 2 request\(s\)/);
  const advertiserId = await page.inputValue('#advertiser-id');
  const audienceId = await page.inputValue('#audience-id');
  assert.ok(audienceId);
  const ledger = async () => (await (await fetch(`${BASE}/tikhash/ledger/${advertiserId}/${audienceId}`, { headers: API_AUTH })).json()).data;
  assert.equal((await ledger()).last_replace_at, null, 'no REPLACE yet, so the page plans one');
  await choose(page, 'customer_file', 'mirror');
  await page.selectOption('#mirror-strategy', 'replace');
  // While the page uploads its REPLACE file, another sync REPLACEs the same audience through
  // the proxy's API: the page planned with a ledger that is now out of date, its update goes
  // out, and the proxy refuses it.
  let raced = false;
  let replacedAt = null;
  await page.route('**/open_api/v1.3/dmp/custom_audience/file/upload/', async (route) => {
    if (!raced) {
      raced = true;
      await replaceThroughApi(advertiserId, audienceId, ['alice.smith@example.com', 'bob@example.org']);
      replacedAt = (await ledger()).last_replace_at;
    }
    await route.continue();
  });
  const n = posts('dmp/custom_audience/update/').length;
  const answers = [];
  page.on('response', (r) => {
    if (r.url().includes('/dmp/custom_audience/update/')) answers.push(r.json().then((env) => ({ status: r.status(), env })));
  });
  await page.click('#sync');
  await page.waitForSelector('#sync-error:not([hidden])', { timeout: 30_000 });
  assert.ok(raced, 'the other REPLACE ran during the page’s sync');
  assert.match(await page.textContent('#plan-note'), /Mirror uses REPLACE/);
  // the page's REPLACE did go out, and the proxy answered 409 / 94091 with its workarounds
  await settle();
  const sent = posts('dmp/custom_audience/update/').slice(n);
  assert.equal(sent.length, 1);
  assert.equal(JSON.parse(sent[0].body).action, 'REPLACE');
  const [answer] = await Promise.all(answers);
  assert.equal(answer.status, 409);
  assert.equal(answer.env.code, 94091);
  assert.equal(answer.env.data.workarounds.length, 3);
  assert.equal(typeof answer.env.data.retry_after, 'number');
  // the plain-language explanation, with the proxy's three workarounds as the things to do
  const err = await page.textContent('#sync-error');
  assert.match(err, /one REPLACE per audience per 24 hours/);
  assert.match(err, /proxy stopped this REPLACE before it reached TikTok \(code 94091\)/);
  assert.match(err, /existing unfinished replace operation for this audience/);
  assert.match(err, /You can REPLACE again after /);
  const fixes = await page.locator('#sync-error li').allTextContents();
  assert.deepEqual(fixes, answer.env.data.workarounds);
  assert.match(fixes.join('\n'), /Partner Audience[\s\S]*every 48 hours[\s\S]*Update or Create/);
  assert.match(await page.textContent('#sync-status'), /Sync stopped/);
  assert.equal(typeof replacedAt, 'number');
  assert.equal((await ledger()).last_replace_at, replacedAt, 'the refused REPLACE changed nothing');
  assert.equal((await ledger()).members.EMAIL_SHA256, 2, 'the ledger holds the other sync’s list');
  await page.screenshot({ path: join(ARTIFACTS, 'replace-refused.png'), fullPage: true });
  await page.context().close();
});

for (const object of ['offline', 'web']) {
  test(`${object === 'web' ? 'Web' : 'Offline'} Event Conversions, Append`, async () => {
    const page = await openPage();
    await upload(page, recentEvents());
    assert.equal(await page.inputValue('#role-0'), 'event');
    assert.equal(await page.inputValue('#role-2'), 'event_id');
    await choose(page, object, 'append');
    await page.fill('#event-source-id', object === 'web' ? 'CPIXEL123' : '7123456789');
    await page.fill('#test-event-code', 'TEST123');
    const n = posts('event/track/').length;
    assert.match(await sync(page), /Sync finished: 1 request\(s\)/);
    await settle();
    const body = JSON.parse(posts('event/track/').slice(n)[0].body);
    assert.equal(body.event_source, object);
    assert.equal(body.test_event_code, 'TEST123');
    assert.equal(body.data.length, 4);
    const judy = body.data.find((e) => e.event_id === 'ord-1002');
    assert.deepEqual([].concat(judy.user.email), [sha256('judy@example.com')]);
    if (object === 'web') {
      assert.equal(judy.user.ip, '203.0.113.8');
      assert.equal(judy.page.url, 'https://shop.example/checkout');
    } else {
      assert.equal(judy.user.ip, undefined);
    }
    await page.context().close();
  });
}

test('Web Event Conversions: an invalid IP address is left out and reported with its row number', async () => {
  const page = await openPage();
  // row 4 of the file (ord-1003) carries an address that is not one
  const path = recentEvents();
  writeFileSync(path, readFileSync(path, 'utf8').replace('203.0.113.9', '203.0.113.999'));
  await upload(page, path);
  await choose(page, 'web', 'append');
  await page.fill('#event-source-id', 'CPIXEL123');
  await page.click('#dry-run');
  await page.waitForSelector('#dry-run-out .send-rejects');
  const report = await page.textContent('#dry-run-out .send-rejects');
  assert.match(report, /1 value\(s\) will be left out, and the rest of their row sent/);
  assert.match(report, /Row 4: “ip” left out: Not an IP address/);
  const n = posts('event/track/').length;
  assert.match(await sync(page), /Sync finished: 1 request\(s\)/);
  assert.match(await page.textContent('#dry-run-out'), /Row 4: “ip” left out/, 'reported after the sync too');
  await settle();
  const body = JSON.parse(posts('event/track/').slice(n)[0].body);
  assert.equal(body.data.length, 4, 'the event itself is still sent');
  const bad = body.data.find((e) => e.event_id === 'ord-1003');
  assert.equal(bad.user.ip, undefined);
  assert.equal(bad.user.user_agent, 'Mozilla/5.0 (iPhone)');
  assert.equal(body.data.find((e) => e.event_id === 'ord-1002').user.ip, '203.0.113.8');
  assert.ok(!posts('event/track/').slice(n)[0].body.includes('203.0.113.999'));
  await page.context().close();
});

test('keyboard only: paste rows, choose Partner Audience, sync', async () => {
  const page = await openPage();
  const kb = page.keyboard;
  const focusIs = (sel) => page.evaluate((s) => document.activeElement?.matches(s) ?? false, sel);
  async function tabTo(sel, max = 80) {
    for (let i = 0; i < max; i++) {
      if (await focusIs(sel)) return;
      await kb.press('Tab');
    }
    assert.fail(`Tab never reached ${sel}`);
  }
  await tabTo('#paste-box summary');
  await kb.press('Enter');
  await tabTo('#paste-text');
  await kb.type('email,phone\nkate@example.com,+1 415 555 0199\nleo@example.com,+44 20 7183 8751\n');
  await tabTo('#paste-use');
  await kb.press('Enter');
  await page.waitForSelector('body[data-hashed]');
  // the focus ring is visible
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await tabTo('input[name=object]');
  assert.ok(await focusIs('input[name=object][value=partner]'));
  await tabTo('#audience-name');
  await kb.press('Control+A');
  await kb.type('keyboard list');
  await tabTo('#sync');
  await kb.press('Enter');
  await page.waitForFunction(() => document.body.dataset.synced || !document.getElementById('sync-error').hidden);
  assert.match(await page.textContent('#sync-status'), /Sync finished: 2 request\(s\)/);
  await page.screenshot({ path: join(ARTIFACTS, 'finished-sync.png'), fullPage: true });
  await page.context().close();
});

test('the leak detector finds a planted raw value (so the next test can fail)', () => {
  assert.ok(leaks({ url: 'http://x/', headers: {}, body: '{"id":"Bob@Example.org"}' }).includes('bob@example.org'));
  assert.deepEqual(leaks({ url: 'http://x/', headers: {}, body: sha256('bob@example.org') }), []);
  assert.ok(leaks({ url: 'http://x/?p=14155550100', headers: {}, body: '' }).includes('14155550100'));
  assert.ok(leaks({ url: 'http://x/', headers: {}, body: '5f3a2b18-9c4d-4e7f-b8e2-17d3a1e69b25' }).length > 0);
  assert.ok(leaks({ url: 'http://x/', headers: { x: '+442071838750' }, body: '' }).length > 0);
});

test('no raw email, phone, ad id or external id in any request the pages made', async () => {
  await settle();
  const calls = captured.filter((r) => r.url.includes('/open_api/'));
  assert.ok(calls.length >= 15, `expected the syncs above to make requests, saw ${calls.length}`);
  assert.ok(captured.some((r) => r.url.endsWith('.wasm')), 'worker and page loads are captured too');
  const found = captured.map((r) => ({ url: r.url, leaks: leaks(r) })).filter((r) => r.leaks.length);
  assert.deepEqual(found, [], 'raw identifiers must never leave the page');
});

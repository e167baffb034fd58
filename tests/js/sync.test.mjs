// The sync engine (`tikhash/sync`, js/sync/) with a fake transport, through the built package:
// plans per object × behaviour, Mirror against a ledger, batching, dry run, retries, the run
// record, and event times read by the crate's rules whatever the machine's time zone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as t from '../../pkg/node.js';
import * as sync from '../../pkg/sync/node.js';

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const enc = (s) => new TextEncoder().encode(s);
const ADV = '7012345678901234567';
const PROFILE = { partner: 'partner_audience', customer_file: 'customer_file', offline: 'events', web: 'events' };

/** A Dataset as the page and the CLI make it: hashCsv, then the columns by role. */
async function dataset(csv, object) {
  const header = csv.split('\n')[0].split(',');
  const profile = PROFILE[object];
  const ids = [];
  const extras = [];
  const extraIndex = {};
  header.forEach((h, index) => {
    if (t.IDENTIFIER_KINDS.includes(h)) ids.push({ index, kind: h, width: 64, options: { profile } });
    else {
      extras.push(index);
      extraIndex[h] = index;
    }
  });
  const columns = Object.fromEntries(ids.map((c) => [header[c.index], c.kind]));
  const result = await t.hashCsv(enc(csv), { columns, text: extras.map((i) => header[i]), profile });
  return { data: new sync.Dataset(result, ids, extras, header, 0), extraIndex };
}

function settings(object, behaviour, extra = {}) {
  return { object, behaviour, advertiserId: ADV, audienceId: '', audienceName: 'unit', fileKind: 'email', mirrorStrategy: 'auto', eventSourceId: '', testEventCode: '', algorithm: 'sha256', extraIndex: {}, ...extra };
}

/** A ledger in memory: what the proxy would say TikTok acknowledged. */
function fakeLedger(members = {}, lastReplaceAt = null) {
  const reads = [];
  return {
    reads,
    async ledgerMembers(adv, aud, type) {
      reads.push([adv, aud, type]);
      const hex = members[type] ?? [];
      return hex.length ? t.mirrorDiff([], hex).add : new Uint8Array(0); // packed and sorted
    },
    async ledgerInfo() {
      return { lastReplaceAt, members: {} };
    },
  };
}

const emails = (n, from = 0) => Array.from({ length: n }, (_, i) => `user${from + i}@example.com`);

test('Partner Audience: upsert of a new audience creates it, then adds every row in batches of 10,000', async () => {
  const { data } = await dataset(`email\n${emails(25_000).join('\n')}\n`, 'partner');
  const plan = await sync.planSync(settings('partner', 'upsert'), data, fakeLedger());
  assert.deepEqual(plan.steps.map((s) => s.path), ['segment/audience/', 'segment/mapping/', 'segment/mapping/', 'segment/mapping/']);
  assert.deepEqual(plan.steps.slice(1).map((s) => s.rows), [10_000, 10_000, 5_000]);
  // the dry run builds the very bodies, with a placeholder for the id TikTok will return
  const { requests, placeholder } = sync.dryRun(plan, settings('partner', 'upsert'));
  assert.equal(placeholder, true);
  assert.equal(requests[0].body.custom_audience_name, 'unit');
  assert.deepEqual(requests[1].body.batch_data[0][0].audience_ids, [sync.PLACEHOLDER_ID]);
  assert.equal(requests[1].body.batch_data[0][0].id, sha256('user0@example.com'));
  assert.equal(requests[3].body.batch_data.length, 5_000);
});

test('Partner Audience: a batch of rows with no identifier at all is not sent; the others carry their own rows', async () => {
  // rows 10,000–19,999 have no email (a blank cell), the rest do
  const lines = Array.from({ length: 25_000 }, (_, r) => (r >= 10_000 && r < 20_000 ? '' : `user${r}@example.com`));
  const { data } = await dataset(`email,name\n${lines.map((l) => `${l},x`).join('\n')}\n`, 'partner');
  const s = settings('partner', 'upsert', { audienceId: '555' });
  const plan = await sync.planSync(s, data, fakeLedger());
  assert.deepEqual(plan.steps.map((x) => x.label), ['Add rows 1–10000', 'Add rows 20001–25000']);
  const { requests } = sync.dryRun(plan, s);
  assert.equal(requests[1].body.batch_data[0][0].id, sha256('user20000@example.com'));
  assert.equal(requests[1].body.batch_data[4_999][0].id, sha256('user24999@example.com'));
});

test('Partner Audience: Mirror sends only new rows and deletes the identifiers that left', async () => {
  const { data } = await dataset(`email,phone\nuser1@example.com,\nuser2@example.com,+14155550100\nnew@example.com,\n`, 'partner');
  const ledger = fakeLedger({ EMAIL_SHA256: ['user1@example.com', 'user2@example.com', 'gone@example.com'].map(sha256) });
  const s = settings('partner', 'mirror', { audienceId: '555' });
  const plan = await sync.planSync(s, data, ledger);
  assert.deepEqual(ledger.reads.map((r) => r[2]).sort(), ['EMAIL_SHA256', 'PHONE_SHA256']);
  const { requests } = sync.dryRun(plan, s);
  const adds = requests.filter((r) => r.body.action === 'add');
  const deletes = requests.filter((r) => r.body.action === 'delete');
  // row 2 (user2) is sent again for its phone, new to the ledger; row 3 for its new email
  assert.deepEqual(adds.flatMap((r) => r.body.batch_data.map((row) => row.map((c) => c.id ?? null))), [
    [sha256('user2@example.com'), sha256('+14155550100')],
    [sha256('new@example.com'), null],
  ]);
  assert.equal(adds.reduce((n, r) => n + r.body.batch_data.length, 0), 2);
  assert.deepEqual(deletes.flatMap((r) => r.body.batch_data.flat().map((c) => c.id)), [sha256('gone@example.com')]);
  assert.match(plan.notes.join(' '), /2 row\(s\) to add, 1 identifier\(s\) to delete/);
});

test('Partner Audience: Mirror of an unchanged list has nothing to send', async () => {
  const { data } = await dataset('email\nuser1@example.com\n', 'partner');
  const plan = await sync.planSync(settings('partner', 'mirror', { audienceId: '555' }), data, fakeLedger({ EMAIL_SHA256: [sha256('user1@example.com')] }));
  assert.equal(plan.steps.length, 0);
  assert.match(plan.notes.join(' '), /Nothing to send/);
});

test('Customer File: a new audience uploads then creates; an existing one uploads then APPENDs; Mirror plans from the ledger', async () => {
  const { data } = await dataset(`email\n${emails(3).join('\n')}\n`, 'customer_file');
  const fresh = await sync.planSync(settings('customer_file', 'upsert'), data, fakeLedger());
  assert.deepEqual(fresh.steps.map((s) => s.path), ['dmp/custom_audience/file/upload/', 'dmp/custom_audience/create/']);
  assert.match(fresh.notes.join(' '), /would hold 3 members/);
  const existing = await sync.planSync(settings('customer_file', 'upsert', { audienceId: '9' }), data, fakeLedger());
  assert.doesNotMatch(existing.notes.join(' '), /would hold/, 'an existing audience holds more than this list');
  const dry = sync.dryRun(existing, settings('customer_file', 'upsert', { audienceId: '9' }));
  assert.deepEqual(dry.requests.map((r) => r.step.path), ['dmp/custom_audience/file/upload/', 'dmp/custom_audience/update/']);
  assert.equal(dry.requests[1].body.action, 'APPEND');
  assert.equal(dry.requests[0].body.calculate_type, 'EMAIL_SHA256');
  assert.deepEqual(new TextDecoder().decode(dry.requests[0].body.file.bytes).split('\n').filter(Boolean).sort(), emails(3).map(sha256).sort());
  // Mirror with one member gone and one new, a REPLACE 2 hours ago: APPEND + REMOVE
  const ledger = fakeLedger({ EMAIL_SHA256: ['user0@example.com', 'user1@example.com', 'old@example.com'].map(sha256) }, Math.floor(Date.now() / 1000) - 7200);
  const { data: now } = await dataset('email\nuser0@example.com\nuser1@example.com\nuser9@example.com\n', 'customer_file');
  const mirror = await sync.planSync(settings('customer_file', 'mirror', { audienceId: '9' }), now, ledger);
  const actions = sync.dryRun(mirror, settings('customer_file', 'mirror', { audienceId: '9' })).requests.map((r) => r.body.action).filter(Boolean);
  assert.deepEqual(actions, ['APPEND', 'REMOVE']);
  assert.match(mirror.notes.join(' '), /APPEND \+ REMOVE: a REPLACE ran less than 24 hours ago/);
});

test('Events: offline and web append in batches of 1,000; web keeps its page fields', async () => {
  const now = Math.floor(Date.now() / 1000);
  const rows = Array.from({ length: 2500 }, (_, i) => `CompletePayment,${now - 60 - i},ev-${i},user${i}@example.com,https://shop.example/${i}`);
  const { data, extraIndex } = await dataset(`event,event_time,event_id,email,url\n${rows.join('\n')}\n`, 'web');
  const s = settings('web', 'append', { eventSourceId: 'PIXEL1', extraIndex });
  const plan = await sync.planSync(s, data, fakeLedger());
  assert.deepEqual(plan.steps.map((x) => x.rows), [1000, 1000, 500]);
  const { requests } = sync.dryRun(plan, s);
  const first = requests[0].body;
  assert.equal(first.event_source_id, 'PIXEL1');
  assert.equal(first.data.length, 1000);
  assert.equal(first.data[0].event_id, 'ev-0');
  assert.equal(first.data[0].event_time, now - 60);
  assert.equal(first.data[0].page.url, 'https://shop.example/0');
  assert.deepEqual(first.data[0].user.email, [sha256('user0@example.com')]);
  // offline: the same file, minus the web-only field
  const offline = settings('offline', 'append', { eventSourceId: '123', extraIndex });
  const body = sync.dryRun(await sync.planSync(offline, data, fakeLedger()), offline).requests[0].body;
  assert.equal(body.event_source, 'offline');
  assert.equal(body.data[0].page, undefined);
  // without a source id, a plain refusal
  await assert.rejects(sync.planSync(settings('web', 'append', { extraIndex }), data, fakeLedger()), /Enter the Pixel code/);
});

/** What a TZ-dependent process computes for the same event times. */
const TZ_SCRIPT = `
import * as sync from ${JSON.stringify(new URL('../../pkg/sync/node.js', import.meta.url).href)};
import * as t from ${JSON.stringify(new URL('../../pkg/node.js', import.meta.url).href)};
const csv = 'event,event_time,event_id,email\\nPurchase,2026-11-30T10:00:00Z,a,a@example.com\\nPurchase,2026-11-30 12:00:00+02:00,b,b@example.com\\nPurchase,2026-11-30T10:00:00,c,c@example.com\\nPurchase,2026-11-30,d,d@example.com\\nPurchase,1796032800,e,e@example.com\\n';
const header = ['event', 'event_time', 'event_id', 'email'];
const r = await t.hashCsv(new TextEncoder().encode(csv), { columns: { email: 'email' }, text: ['event', 'event_time', 'event_id'], profile: 'events' });
const data = new sync.Dataset(r, [{ index: 3, kind: 'email', width: 64, options: { profile: 'events' } }], [0, 1, 2], header, 0);
const s = { object: 'web', behaviour: 'append', advertiserId: '1', eventSourceId: 'P', extraIndex: { event: 0, event_time: 1, event_id: 2 } };
const plan = await sync.planSync(s, data, {});
const { requests, rejected } = sync.dryRun(plan, s);
console.log(JSON.stringify({ times: requests[0].body.data.map((e) => [e.event_id, e.event_time]), rejected, zone: Intl.DateTimeFormat().resolvedOptions().timeZone }));
`;

test('event times follow the crate: zoned times are the same instant in any TZ, zone-less ones are rejects with their row', () => {
  const run = (tz) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', TZ_SCRIPT], { env: { ...process.env, TZ: tz }, encoding: 'utf8' }));
  const ny = run('America/New_York');
  const tokyo = run('Asia/Tokyo');
  assert.equal(ny.zone, 'America/New_York');
  assert.equal(tokyo.zone, 'Asia/Tokyo');
  const { zone: _a, ...a } = ny;
  const { zone: _b, ...b } = tokyo;
  assert.deepEqual(a, b, 'the same file means the same thing in New York and Tokyo');
  assert.deepEqual(a.times, [
    ['a', 1796032800],
    ['b', 1796032800],
    ['e', 1796032800],
  ]);
  // rows 4 and 5 of the file (a time without a zone, a date alone): not sent, by row and code
  assert.deepEqual(a.rejected.map((r) => [r.row, r.code]), [
    [4, 'invalid_event_time'],
    [5, 'invalid_event_time'],
  ]);
});

test('runSync sends the plan in order and uses the audience id the create step returned', async () => {
  const { data } = await dataset('email\nuser1@example.com\nuser2@example.com\n', 'partner');
  const s = settings('partner', 'upsert');
  const plan = await sync.planSync(s, data, fakeLedger());
  const sent = [];
  const send = async (step, body) => {
    sent.push({ path: step.path, body });
    return { code: 0, request_id: `r${sent.length}`, data: step.path === 'segment/audience/' ? { audience_id: '4242' } : {} };
  };
  const steps = [];
  const ctx = await sync.runSync(plan, s, send, (x) => steps.push(x.step.label));
  assert.equal(ctx.createdAudience, '4242');
  assert.deepEqual(sent[1].body.batch_data[0][0].audience_ids, ['4242']);
  assert.equal(steps.length, 2);
  // a stopped sync throws before the next step and sends nothing more
  const ctrl = new AbortController();
  ctrl.abort();
  await assert.rejects(sync.runSync(plan, s, send, () => {}, ctrl.signal), /Sync stopped/);
  assert.equal(sent.length, 2);
});

/** A fetch that answers from a list of (status, envelope) or throws for 'down'. */
function fakeFetch(answers) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    const a = answers.shift() ?? answers.at(-1);
    if (a === 'down') throw new TypeError('fetch failed');
    return new Response(JSON.stringify(a[1]), { status: a[0], headers: { 'content-type': 'application/json' } });
  };
  return { fn, calls };
}

test('the proxy transport: the API key as a Bearer credential, retries on 429/503 and network errors, none on a refusal', async () => {
  const step = { method: 'POST', path: 'segment/mapping/' };
  const sleeps = [];
  const sleep = async (ms) => void sleeps.push(ms);
  let f = fakeFetch([[429, { code: 40100, message: 'rate' }], [503, { code: 95000 }], [200, { code: 0, request_id: 'ok1', data: {} }]]);
  let io = sync.proxyTransport({ baseUrl: 'http://127.0.0.1:9/', apiKey: 'tikhash_k', fetch: f.fn, sleep });
  const env = await io.send(step, { a: 1 }, ADV);
  assert.equal(env.request_id, 'ok1');
  assert.equal(f.calls.length, 3);
  assert.deepEqual(sleeps, [500, 1000]);
  assert.equal(f.calls[0].url, 'http://127.0.0.1:9/open_api/v1.3/segment/mapping/');
  assert.equal(f.calls[0].init.headers.authorization, 'Bearer tikhash_k');
  assert.equal(f.calls[0].init.body, '{"a":1}');
  // a refusal is explained, not retried
  f = fakeFetch([[400, { code: 40002, message: 'audience_ids: Not valid.', request_id: 'x1' }]]);
  io = sync.proxyTransport({ baseUrl: 'http://127.0.0.1:9', apiKey: 'tikhash_k', fetch: f.fn, sleep });
  const refused = await io.send(step, {}, ADV).catch((e) => e);
  assert.ok(refused instanceof sync.SyncError);
  assert.equal(refused.title, 'TikTok refused a parameter in the request.');
  assert.equal(refused.tiktokMessage, 'audience_ids: Not valid.');
  assert.equal(f.calls.length, 1);
  // a proxy that never answers: two retries, then a plain message
  f = fakeFetch(['down']);
  io = sync.proxyTransport({ baseUrl: 'http://127.0.0.1:9', apiKey: 'tikhash_k', fetch: f.fn, sleep });
  await assert.rejects(io.send(step, {}, ADV), /The proxy cannot be reached/);
  assert.equal(f.calls.length, 3);
  // a key the proxy does not know
  f = fakeFetch([[401, { code: 94011 }]]);
  io = sync.proxyTransport({ baseUrl: 'http://127.0.0.1:9', apiKey: 'tikhash_k', fetch: f.fn, sleep });
  await assert.rejects(io.send(step, {}, ADV), /does not accept this API key/);
  // TikTok no longer takes the connection's token (passed through as a 401), or the proxy knows
  // it needs a reconnect: an admin reconnects; the page is not sent to sign in
  for (const code of [40105, 94013]) {
    let signIns = 0;
    f = fakeFetch([[401, { code, message: 'Access token is invalid', request_id: 'r1' }]]);
    io = sync.proxyTransport({ baseUrl: 'http://127.0.0.1:9', fetch: f.fn, sleep, onUnauthorized: () => signIns++ });
    const reconnect = await io.send(step, {}, ADV).catch((e) => e);
    assert.equal(reconnect.title, 'TikTok no longer accepts this proxy’s connection to the account.', `code ${code}`);
    assert.match(reconnect.fixes.join(' '), /Reconnect/);
    assert.equal(signIns, 0);
  }
  let signIns = 0;
  f = fakeFetch([[401, { code: 94011 }]]);
  io = sync.proxyTransport({ baseUrl: 'http://127.0.0.1:9', fetch: f.fn, sleep, onUnauthorized: () => signIns++ });
  await assert.rejects(io.send(step, {}, ADV), /not signed in/);
  assert.equal(signIns, 1);
});

test('an advertiser the proxy refuses is explained for how the proxy reaches TikTok', async () => {
  const refused = { code: 94031, message: 'advertiser id at advertiser_id is not allowed by this proxy', request_id: 'r403' };
  const fixes = (mode) => sync.explain(403, refused, ADV, mode).fixes.join(' ');
  // A TikTok account connected in step 0: the environment variable is not the fix.
  assert.match(fixes('app'), /connected TikTok account does not manage this advertiser/);
  assert.match(fixes('app'), /step 0/);
  assert.match(fixes('app'), /admin reconnects/);
  assert.doesNotMatch(fixes('app'), /TIKHASH_ADVERTISER_IDS/);
  // TIKTOK_ACCESS_TOKEN: the environment variable is the fix.
  assert.match(fixes('token'), /TIKHASH_ADVERTISER_IDS/);
  assert.doesNotMatch(fixes('token'), /step 0|reconnect/);
  // Unknown (a key that cannot read the connection): both, each saying when it applies.
  const both = sync.explain(403, refused, ADV).fixes;
  assert.ok(both.some((f) => f.startsWith('If a TikTok account is connected in the page (step 0):') && /reconnects/.test(f)), both.join('\n'));
  assert.ok(both.some((f) => f.startsWith('If the proxy uses TIKTOK_ACCESS_TOKEN:') && /TIKHASH_ADVERTISER_IDS/.test(f)), both.join('\n'));
  // TikTok's own permission refusal, which the proxy also answers with 403, keeps its own advice.
  assert.match(sync.explain(403, { code: 40001, message: 'No permission' }, ADV, 'app').title, /TikTok says this account has no permission/);

  assert.equal(sync.accountModeOf({ connected: true, connected_at: 1764000000, connected_by: 'admin' }), 'app');
  assert.equal(sync.accountModeOf({ connected: true, connected_at: null, connected_by: 'TIKTOK_ACCESS_TOKEN' }), 'token');
  assert.equal(sync.accountModeOf({ connected: false }), null);

  // The transport asks the proxy for the mode when an advertiser is refused.
  const connection = { code: 0, data: { connected: true, connected_at: 1764000000, connected_by: 'admin', mode: 'oauth', advertisers: [] } };
  let f = fakeFetch([[403, refused], [200, connection]]);
  let io = sync.proxyTransport({ baseUrl: 'http://127.0.0.1:9', apiKey: 'tikhash_k', fetch: f.fn });
  let err = await io.send({ method: 'POST', path: 'segment/mapping/' }, {}, ADV).catch((e) => e);
  assert.equal(f.calls[1].url, 'http://127.0.0.1:9/tikhash/connection');
  assert.doesNotMatch(err.fixes.join(' '), /TIKHASH_ADVERTISER_IDS/);
  assert.equal(err.requestId, 'r403');
  // A key whose role cannot read the connection: both fixes.
  f = fakeFetch([[403, refused], [403, { code: 94033, data: { needed: 'admin' } }]]);
  io = sync.proxyTransport({ baseUrl: 'http://127.0.0.1:9', apiKey: 'tikhash_k', fetch: f.fn });
  err = await io.send({ method: 'POST', path: 'segment/mapping/' }, {}, ADV).catch((e) => e);
  assert.equal(err.title, `The proxy is not allowed to send for advertiser ${ADV}.`);
  assert.equal(err.fixes.length, 3);
});

test('uploads go out as multipart with the exact file bytes', () => {
  const bytes = enc(`${sha256('a@example.com')}\n`);
  const req = sync.encodeRequest({ method: 'POST', path: 'dmp/custom_audience/file/upload/', multipart: true }, { advertiser_id: ADV, calculate_type: 'EMAIL_SHA256', file: { name: 'list.txt', bytes } });
  assert.match(req.headers['content-type'], /^multipart\/form-data; boundary=/);
  const text = new TextDecoder().decode(req.body);
  assert.match(text, /name="calculate_type"\r\n\r\nEMAIL_SHA256\r\n/);
  assert.ok(text.includes(`filename="list.txt"\r\nContent-Type: text/csv\r\n\r\n${sha256('a@example.com')}\n\r\n`));
});

test('the run recorder: open, an update per step, a close with TikTok’s message; an exclusive open refused throws', async () => {
  const { data } = await dataset('email\nuser1@example.com\nnot-an-email\n', 'partner');
  const posts = [];
  const transport = { async postRun(body) {
    posts.push(body);
    return { ok: true, status: 200, env: { code: 0, data: { id: 'a'.repeat(32) } } };
  } };
  let clock = 1000;
  const rec = sync.runRecorder(transport, { now: () => clock });
  await rec.apply({ phase: 'start', settings: settings('partner', 'mirror', { audienceId: '9' }), data, exclusive: true });
  assert.equal(rec.id, 'a'.repeat(32));
  await rec.apply({ phase: 'step', step: { label: 'Add 1 row(s) with new identifiers', rows: 1 }, envelope: { request_id: 'req-1' } });
  await rec.apply({ phase: 'step', step: { label: 'Delete 2 email hash(es) that left the list', rows: 2 }, envelope: { request_id: 'req-2' } });
  // a heartbeat during a long step: an update with the same totals and nothing new
  await rec.apply({ phase: 'beat' });
  clock = 3500;
  await rec.apply({ phase: 'error', err: new sync.SyncError('TikTok refused a parameter in the request.', { status: 400, code: 40002, tiktokMessage: 'batch_data: Invalid.' }) });
  assert.deepEqual(posts[0], { action: 'open', object: 'partner', behaviour: 'mirror', advertiser_id: ADV, audience_id: '9', rows_read: 2, rejected: { invalid_email: 1, no_identifier: 1 }, exclusive: true });
  assert.deepEqual(posts[2], { action: 'update', id: 'a'.repeat(32), rows_sent: 3, rows_added: 1, rows_removed: 2, request_ids: ['req-2'] });
  assert.deepEqual(posts[3], { action: 'update', id: 'a'.repeat(32), rows_sent: 3, rows_added: 1, rows_removed: 2, request_ids: [] });
  assert.deepEqual(posts[4], {
    action: 'close', id: 'a'.repeat(32), rows_sent: 3, rows_added: 1, rows_removed: 2, request_ids: [], duration_ms: 2500,
    result: 'partial', error_status: 400, error_code: 40002, error_message: 'TikTok refused a parameter in the request.', tiktok_message: 'batch_data: Invalid.',
  });
  // another run holds the audience: the start throws and nothing else is posted
  const held = sync.runRecorder({ async postRun() {
    return { ok: false, status: 409, env: { code: 94094, message: 'another sync of this audience is running', data: { run_id: 'b'.repeat(32), released_after_secs: 120 } } };
  } });
  await assert.rejects(held.apply({ phase: 'start', settings: settings('partner', 'mirror', { audienceId: '9' }), data, exclusive: true }), /Another sync of this audience is running/);
  assert.equal(held.id, null);
});

test('Customer File: a list over TikTok’s 50 MB per file goes up as several files, all named in the create and in the APPEND', async () => {
  // 800,000 SHA-256 lines are 52 MB: the column's hex as hashCsv hands it over, in pieces
  const n = 800_000;
  const hex = [];
  for (let at = 0; at < n; at += 65_536) {
    const random = new Uint8Array((Math.min(n, at + 65_536) - at) * 32);
    for (let i = 0; i < random.length; i += 65_536) globalThis.crypto.getRandomValues(random.subarray(i, i + 65_536));
    hex.push(enc(t.digestsToHex(random).join('')));
  }
  const result = { rows: n, columns: { email: { kind: 'email', width: 64, hex } }, rejected: [] };
  const data = new sync.Dataset(result, [{ index: 0, kind: 'email', width: 64, options: { profile: 'customer_file' } }], [], ['email'], 0);
  for (const audienceId of ['', '9']) {
    const s = settings('customer_file', 'upsert', { audienceId });
    const { requests } = sync.dryRun(await sync.planSync(s, data, fakeLedger()), s);
    const uploads = requests.filter((r) => r.step.path === 'dmp/custom_audience/file/upload/');
    assert.equal(uploads.length, 2);
    let lines = 0;
    for (const u of uploads) {
      assert.ok(u.body.file.bytes.length <= 50_000_000, `${u.body.file.bytes.length} bytes`);
      lines += u.body.file.bytes.length / 65;
    }
    assert.equal(lines, n);
    const last = requests[requests.length - 1];
    assert.equal(last.step.path, audienceId ? 'dmp/custom_audience/update/' : 'dmp/custom_audience/create/');
    assert.equal(last.body.file_paths.length, 2);
    if (audienceId) assert.equal(last.body.action, 'APPEND');
  }
});

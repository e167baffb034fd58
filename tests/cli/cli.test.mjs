// `npx tikhash sync` end to end, as a data engineer runs it: the npm package is packed and
// installed here from its tarball, the real tikhash-proxy runs in sandbox mode on a loopback
// port with a throw-away ledger, and a recording forwarder between the two keeps every request
// the CLI sent (so the tests check what left the machine, byte for byte). Needs pkg/ and
// target/debug/tikhash-proxy: scripts/e2e.sh builds both and runs this file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;
const proxyBin = join(root, 'target/debug/tikhash-proxy');
const ADV = '7012345678901234567';
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const tmp = mkdtempSync(join(tmpdir(), 'tikhash-cli-'));
const file = (name, text) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

let proxy; // the child process
let proxyUrl;
let forwarder; // { url, seen, delayMapping, close }
let key; // the syncer key the CLI uses
let adminKey; // the tests' own checks

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Forwards every request to the proxy and records it; `delayMapping` ms holds mapping calls. */
async function startForwarder(target) {
  const seen = [];
  const state = { delayMapping: 0 };
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString('latin1') });
    if (state.delayMapping && req.url.includes('/segment/mapping/')) await new Promise((r) => setTimeout(r, state.delayMapping));
    const headers = { ...req.headers };
    delete headers.host;
    delete headers['content-length'];
    delete headers.connection;
    const answer = await fetch(target + req.url, { method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method) ? undefined : body });
    const bytes = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(bytes);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, seen, state, close: () => new Promise((r) => server.close(r)) };
}

before(async () => {
  // The package as npm users get it: packed, installed (with its dependencies) from the tarball.
  const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  const tarball = join(tmp, run('npm', ['pack', '--silent', '--pack-destination', tmp], join(root, 'pkg')).trim().split('\n').pop());
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', tarball], here);
  const port = await freePort();
  const db = join(tmp, 'ledger.db');
  const env = { ...process.env, TIKHASH_LISTEN: `127.0.0.1:${port}`, TIKHASH_DB: db, TIKHASH_SANDBOX_MIN_AUDIENCE: '1', TIKHASH_SANDBOX_RATE: '100000' };
  delete env.TIKTOK_ACCESS_TOKEN;
  proxy = spawn(proxyBin, [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  proxy.stderr.resume();
  proxyUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${proxyUrl}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const keys = (name, role) => execFileSync(proxyBin, ['keys', 'create', '--name', name, '--role', role], { env: { ...process.env, TIKHASH_DB: db } }).toString().trim().split('\n').pop();
  key = keys('cli', 'syncer');
  adminKey = keys('cli-checks', 'admin');
  forwarder = await startForwarder(proxyUrl);
});

after(async () => {
  await forwarder?.close();
  proxy?.kill();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs `npx tikhash …`; `{ code, stdout, stderr, summary }` (summary: the --json line). */
function tikhash(args, { apiKey = key } = {}) {
  return new Promise((resolve) => {
    const env = { ...process.env };
    if (apiKey) env.TIKHASH_API_KEY = apiKey;
    else delete env.TIKHASH_API_KEY;
    const child = spawn('npx', ['--no-install', 'tikhash', ...args], { cwd: here, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const last = stdout.trimEnd().split('\n').pop() ?? '';
      let summary = null;
      try {
        summary = JSON.parse(last);
      } catch {
        summary = null;
      }
      resolve({ code, stdout, stderr, summary });
    });
  });
}

const sync = (extra) => ['sync', '--proxy', forwarder.url, '--advertiser', ADV, ...extra];
const tiktokCalls = (from) => forwarder.seen.slice(from).filter((r) => r.url.startsWith('/open_api/'));
const admin = async (path) => (await fetch(proxyUrl + path, { headers: { authorization: `Bearer ${adminKey}` } })).json();

async function coverNum(audienceId) {
  const env = await admin(`/open_api/v1.3/dmp/custom_audience/get/?advertiser_id=${ADV}&custom_audience_ids=${encodeURIComponent(JSON.stringify([audienceId]))}`);
  assert.equal(env.code, 0, JSON.stringify(env));
  return env.data.list[0].audience_details.cover_num;
}

// The Spark job's output: normalized, then SHA-256 (python/ writes exactly this).
const members = Array.from({ length: 12 }, (_, i) => `member${i}@example.com`);
const hashedCsv = (list) => `email_sha256\n${list.map(sha256).join('\n')}\n`;

test('--help prints the usage; an unknown flag, a bad value or no key exits 2 with a message', async () => {
  const help = await tikhash(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: tikhash sync --proxy URL --file PATH/);
  const unknown = await tikhash(sync(['--file', 'x.csv', '--object', 'partner_audience', '--behaviour', 'mirror', '--audience', '1', '--colour', 'red']));
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option --colour/);
  assert.match(unknown.stderr, /Usage:/);
  const behaviour = await tikhash(sync(['--file', 'x.csv', '--object', 'offline_events', '--behaviour', 'mirror', '--event-source', '1']));
  assert.equal(behaviour.code, 2);
  assert.match(behaviour.stderr, /--behaviour for offline_events must be append/);
  const both = await tikhash(sync(['--file', 'x.csv', '--object', 'partner_audience', '--behaviour', 'mirror', '--audience', '1', '--audience-name', 'x']));
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --audience ID and --audience-name NAME/);
  const n = forwarder.seen.length;
  const noKey = await tikhash(sync(['--file', file('k.csv', hashedCsv(members)), '--object', 'partner_audience', '--behaviour', 'mirror', '--audience', '1', '--json']), { apiKey: '' });
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /TIKHASH_API_KEY is not set/);
  assert.equal(noKey.summary.ok, false);
  const badKey = await tikhash(sync(['--file', file('k.csv', hashedCsv(members)), '--object', 'partner_audience', '--behaviour', 'upsert', '--audience', '1']), { apiKey: 'tikhash_0000' });
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /does not accept this API key/);
  assert.ok(!badKey.stderr.includes('tikhash_0000'), 'the key is never printed');
  assert.equal(tiktokCalls(n).length, 0);
});

test('done means: a hashed CSV mirrors a new Partner Audience; a second run with rows removed sends exactly the removals', async () => {
  const name = 'nightly mirror';
  let n = forwarder.seen.length;
  const first = await tikhash(sync(['--file', file('hashed.csv', hashedCsv(members)), '--object', 'partner_audience', '--behaviour', 'mirror', '--audience-name', name, '--json']));
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.summary.ok, true);
  assert.match(first.summary.audience_id, /^\d+$/);
  assert.match(first.summary.run_id, /^[0-9a-f]{32}$/);
  assert.deepEqual({ rows: first.summary.rows, sent: first.summary.sent, rejected: first.summary.rejected, added: first.summary.added, removed: first.summary.removed }, { rows: 12, sent: 12, rejected: 0, added: 12, removed: 0 });
  const audience = first.summary.audience_id;
  let calls = tiktokCalls(n);
  assert.deepEqual(calls.map((c) => c.url), ['/open_api/v1.3/segment/audience/', '/open_api/v1.3/segment/mapping/']);
  assert.equal(calls[0].headers.authorization, `Bearer ${key}`);
  const add = JSON.parse(calls[1].body);
  assert.equal(add.action, 'add');
  assert.deepEqual(add.batch_data.map((row) => row[0].id), members.map(sha256), 'the hashes are sent as they are');
  assert.equal(await coverNum(audience), 12);
  // Two members left: the re-run under the same name finds the audience and only deletes.
  const kept = members.filter((m) => m !== 'member3@example.com' && m !== 'member7@example.com');
  n = forwarder.seen.length;
  const second = await tikhash(sync(['--file', file('hashed-2.csv', hashedCsv(kept)), '--object', 'partner_audience', '--behaviour', 'mirror', '--audience-name', name, '--json']));
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.summary.audience_id, audience);
  assert.deepEqual([second.summary.added, second.summary.removed], [0, 2]);
  calls = tiktokCalls(n);
  assert.deepEqual(calls.map((c) => c.url), ['/open_api/v1.3/segment/mapping/'], 'one request: the deletion');
  const del = JSON.parse(calls[0].body);
  assert.equal(del.action, 'delete');
  assert.deepEqual(del.batch_data.map((row) => row[0].id).sort(), [sha256('member3@example.com'), sha256('member7@example.com')].sort());
  assert.deepEqual(del.batch_data[0][0].audience_ids, [audience]);
  assert.equal(await coverNum(audience), 10);
  // And again: nothing to send, nothing sent (idempotent).
  n = forwarder.seen.length;
  const third = await tikhash(sync(['--file', join(tmp, 'hashed-2.csv'), '--object', 'partner_audience', '--behaviour', 'mirror', '--audience-name', name, '--json']));
  assert.equal(third.code, 0, third.stderr);
  assert.equal(tiktokCalls(n).length, 0);
  // Every run is in the proxy's run history, by the key's name.
  const runs = (await admin('/tikhash/runs?limit=50')).data.runs.filter((r) => r.audience_name === name);
  assert.equal(runs.length, 3);
  for (const r of runs) {
    assert.equal(r.who, 'cli');
    assert.equal(r.status, 'ok');
    assert.equal(r.object, 'partner');
    assert.equal(r.audience_id, audience);
  }
  const byId = runs.find((r) => r.id === second.summary.run_id);
  assert.deepEqual([byId.rows_read, byId.rows_sent, byId.rows_removed], [10, 2, 2]);
  assert.equal(byId.request_ids.length, 1);
});

test('raw emails and phones are hashed on this machine: only hashes reach the proxy; rejected rows exit 1', async () => {
  const csv = readFileSync(join(root, 'tests/fixtures/customers.csv'), 'utf8');
  const n = forwarder.seen.length;
  const r = await tikhash(sync(['--file', join(root, 'tests/fixtures/customers.csv'), '--object', 'partner_audience', '--behaviour', 'upsert', '--audience-name', 'raw list', '--json']));
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.summary.ok, true);
  assert.equal(r.summary.rejected, 2);
  assert.match(r.stderr, /row 5 email: invalid_email/);
  const wire = forwarder.seen.slice(n).map((c) => `${c.url}\n${JSON.stringify(c.headers)}\n${c.body}`).join('\n').toLowerCase();
  assert.ok(wire.includes(sha256('alice.smith@example.com')));
  assert.ok(wire.includes(sha256('+14155550100')));
  for (const raw of ['alice.smith@example.com', 'bob@example.org', 'carol+news@example.net', '+1 415 555 0100', '14155550100', '442071838750', '5f3a2b18-9c4d-4e7f-b8e2-17d3a1e69b25', 'smith, alice']) {
    assert.ok(!wire.includes(raw), `raw value on the wire: ${raw}`);
  }
  assert.ok(csv.includes('Alice.Smith@Example.com'), 'the fixture holds the raw forms checked above');
});

test('--dry-run prints the exact requests and sends nothing', async () => {
  const n = forwarder.seen.length;
  const r = await tikhash(sync(['--file', file('dry.csv', hashedCsv(members.slice(0, 3))), '--object', 'partner_audience', '--behaviour', 'upsert', '--audience-name', 'dry', '--dry-run', '--json']));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary.run_id, null);
  assert.equal(r.summary.sent, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], `POST ${forwarder.url}/open_api/v1.3/segment/audience/  # Create Partner Audience “dry”`);
  assert.deepEqual(JSON.parse(lines[1]), { advertiser_id: ADV, action: 'create', custom_audience_name: 'dry' });
  assert.match(lines[2], /^POST .*\/open_api\/v1\.3\/segment\/mapping\/  # Add rows 1–3$/);
  assert.deepEqual(JSON.parse(lines[3]).batch_data.map((row) => row[0].id), members.slice(0, 3).map(sha256));
  assert.equal(tiktokCalls(n).length, 0, 'the sandbox saw no request');
  assert.ok(!forwarder.seen.slice(n).some((c) => c.method === 'POST'), 'and no run was recorded');
});

test('two runs on one audience never overlap: the second exits 2 at once and sends nothing', async () => {
  const first = await tikhash(sync(['--file', file('lock.csv', hashedCsv(members)), '--object', 'partner_audience', '--behaviour', 'mirror', '--audience-name', 'locked', '--json']));
  assert.equal(first.code, 0, first.stderr);
  const audience = first.summary.audience_id;
  // A run that holds the audience (as a CLI in the middle of its sync does).
  const held = await fetch(`${proxyUrl}/tikhash/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'open', object: 'partner', behaviour: 'mirror', advertiser_id: ADV, audience_id: audience, exclusive: true }),
  }).then((r) => r.json());
  assert.equal(held.code, 0);
  const n = forwarder.seen.length;
  const second = await tikhash(sync(['--file', file('lock-2.csv', hashedCsv(members.slice(2))), '--object', 'partner_audience', '--behaviour', 'mirror', '--audience', audience, '--json']));
  assert.equal(second.code, 2);
  assert.match(second.stderr, /Another sync of this audience is running, so this one did not start/);
  assert.equal(second.summary.ok, false);
  assert.equal(tiktokCalls(n).filter((c) => c.method === 'POST').length, 0, 'nothing was sent');
  await fetch(`${proxyUrl}/tikhash/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'close', id: held.data.id, result: 'cancelled' }),
  });
  // Two at once, the first held up inside its sync: exactly one of them runs.
  forwarder.state.delayMapping = 3000;
  try {
    const both = await Promise.all([
      tikhash(sync(['--file', join(tmp, 'lock-2.csv'), '--object', 'partner_audience', '--behaviour', 'mirror', '--audience', audience, '--json'])),
      tikhash(sync(['--file', join(tmp, 'lock-2.csv'), '--object', 'partner_audience', '--behaviour', 'mirror', '--audience', audience, '--json'])),
    ]);
    assert.deepEqual(both.map((r) => r.code).sort(), [0, 2], both.map((r) => r.stderr).join('\n'));
    assert.match(both.find((r) => r.code === 2).stderr, /Another sync of this audience is running/);
  } finally {
    forwarder.state.delayMapping = 0;
  }
  assert.equal(await coverNum(audience), 10);
});

test('a refused sync exits 2, and History keeps TikTok’s own message', async () => {
  const r = await tikhash(sync(['--file', file('missing.csv', hashedCsv(members.slice(0, 2))), '--object', 'partner_audience', '--behaviour', 'upsert', '--audience', '7999999999999999999', '--json']));
  assert.equal(r.code, 2);
  assert.equal(r.summary.ok, false);
  assert.match(r.stderr, /^tikhash sync: /m);
  const run = (await admin('/tikhash/runs?limit=50')).data.runs.find((x) => x.id === r.summary.run_id);
  assert.equal(run.status, 'failed');
  assert.ok(run.error_message);
  assert.ok(run.tiktok_message, 'TikTok’s message is stored beside ours');
  assert.ok(r.stderr.includes(run.tiktok_message));
});

test('a Parquet file (as Spark writes it) syncs like the CSV', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const emails = ['pq1@example.com', ' PQ2@Example.com ', 'pq3@example.com'];
  const buf = parquetWriteBuffer({ columnData: [{ name: 'email', data: emails, type: 'STRING' }, { name: 'phone', data: ['+14155550123', null, '+442071838750'], type: 'STRING' }] });
  const path = join(tmp, 'list.parquet');
  writeFileSync(path, Buffer.from(buf));
  const n = forwarder.seen.length;
  const r = await tikhash(sync(['--file', path, '--object', 'partner_audience', '--behaviour', 'upsert', '--audience-name', 'parquet', '--json']));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary.rows, 3);
  const add = JSON.parse(tiktokCalls(n).find((c) => c.url.endsWith('/segment/mapping/')).body);
  assert.deepEqual(add.id_schema, ['EMAIL_SHA256', 'PHONE_SHA256']);
  assert.deepEqual(add.batch_data.map((row) => row[0].id), ['pq1@example.com', 'pq2@example.com', 'pq3@example.com'].map(sha256));
  assert.equal(add.batch_data[0][1].id, sha256('+14155550123'));
});

test('events: a time without a zone is a reject with its row, the rest are sent (exit 1)', async () => {
  const now = Math.floor(Date.now() / 1000);
  const csv = `event,event_time,event_id,email\nCompletePayment,${now - 600},o-1,ann@example.com\nCompletePayment,${new Date((now - 900) * 1000).toISOString()},o-2,ben@example.com\nCompletePayment,2026-11-30T10:00:00,o-3,cat@example.com\n`;
  const n = forwarder.seen.length;
  const r = await tikhash(sync(['--file', file('events.csv', csv), '--object', 'offline_events', '--behaviour', 'append', '--event-source', '7000000000000000001', '--json']));
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual([r.summary.rows, r.summary.sent, r.summary.rejected], [3, 2, 1]);
  assert.match(r.stderr, /row 4 not sent: invalid_event_time/);
  const body = JSON.parse(tiktokCalls(n).find((c) => c.url.endsWith('/event/track/')).body);
  assert.deepEqual(body.data.map((e) => [e.event_id, e.event_time]), [
    ['o-1', now - 600],
    ['o-2', now - 900],
  ]);
});

#!/usr/bin/env node
// `tikhash sync …`: the page's sync, unattended (cron, CI). Reads a CSV (raw or already hashed
// columns) or a Parquet file, hashes on this machine with the package's hashCsv, and syncs
// through tikhash-proxy with an API key, using the same engine as the page (tikhash/sync).
// The only Node-only part of the package. Exit codes: 0 all sent, 1 some rows rejected,
// 2 refused or failed (bad arguments too).
import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import * as tikhash from './node.js';
import { Dataset, planSync, dryRun, runSync, proxyTransport, runRecorder, tally, SyncError, encodeRequest, PLACEHOLDER_ID } from './sync/index.js';

const USAGE = `Usage: tikhash sync --proxy URL --file PATH --object OBJECT --behaviour BEHAVIOUR
                    --advertiser ID (--audience ID | --audience-name NAME)
                    [--default-country CC] [--columns Header=role,…] [--dry-run] [--json]
       tikhash sync … --object offline_events|web_events --behaviour append --event-source ID
       tikhash --help

Syncs a customer list or conversion events to TikTok Ads through tikhash-proxy. Identifier
columns are normalized and hashed on this machine; columns that already hold SHA-256 (64 hex)
or, for ad ids, MD5 (32 hex) hashes are sent as they are. Only hashes leave this machine.

  --proxy URL            tikhash-proxy, e.g. http://127.0.0.1:8080
  --file PATH            a CSV file, or a Parquet file (.parquet; string columns)
  --object OBJECT        partner_audience | customer_file | offline_events | web_events
  --behaviour B          upsert | mirror (audiences), append (events)
  --advertiser ID        the TikTok advertiser id (digits)
  --audience ID          the audience to update
  --audience-name NAME   the audience made by an earlier run with this name, or a new one
  --event-source ID      events: the Pixel code (web) or Event set id (offline)
  --test-event-code CODE events: TikTok's test event code (optional)
  --default-country CC   country for phones written without +, e.g. US
  --columns LIST         what each column holds, e.g. Email=email,Phone=phone,ts=event_time
                         (roles: email, phone, idfa, gaid, external_id, event,
                         event_time, event_id, value, currency, order_id, content_id,
                         ttclid, ip, user_agent, url, referrer); without it, columns are
                         detected from their names and values, as in the page
  --dry-run              print the exact requests and send nothing
  --json                 end stdout with one line of JSON:
                         {ok, run_id, audience_id, rows, sent, rejected, added, removed}

The API key is read from TIKHASH_API_KEY (an admin makes one with
\`tikhash-proxy keys create --name NAME --role syncer\`). Exit codes: 0 all sent, 1 some rows
rejected (the rest sent), 2 refused or failed, or bad arguments. Two runs on one audience
never overlap: the second exits 2 at once and sends nothing.`;

const OBJECTS = { partner_audience: 'partner', customer_file: 'customer_file', offline_events: 'offline', web_events: 'web' };
const BEHAVIOURS = { partner: ['upsert', 'mirror'], customer_file: ['upsert', 'mirror'], offline: ['append'], web: ['append'] };
const PROFILE = { partner: 'partner_audience', customer_file: 'customer_file', offline: 'events', web: 'events' };
const ID_KINDS = new Set(tikhash.IDENTIFIER_KINDS);
const ROLES = new Set(Object.keys(tikhash.HEADER_SYNONYMS));
const VALUE_FLAGS = new Set(['proxy', 'file', 'object', 'behaviour', 'advertiser', 'audience', 'audience-name', 'event-source', 'test-event-code', 'default-country', 'columns']);
const BOOL_FLAGS = new Set(['dry-run', 'json', 'help']);

/** Bad arguments: exit 2 with the message and the usage. */
class UsageError extends Error {}

/** Parses `argv` (without node and the script); throws UsageError. */
function parseArgs(argv) {
  const args = [...argv];
  if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') return { help: true };
  if (args[0] !== 'sync') throw new UsageError(args[0] ? `Unknown command “${args[0]}”: the command is \`tikhash sync\`.` : 'Missing the command: `tikhash sync …`.');
  const o = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '-h') {
      o.help = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    if (!m) throw new UsageError(`Unexpected argument “${a.slice(0, 40)}”.`);
    const [, name, inline] = m;
    if (BOOL_FLAGS.has(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value.`);
      o[name] = true;
    } else if (VALUE_FLAGS.has(name)) {
      const v = inline ?? args[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
      if (name in o) throw new UsageError(`--${name} is given twice.`);
      o[name] = v;
    } else {
      throw new UsageError(`Unknown option --${name}.`);
    }
  }
  if (o.help) return { help: true };
  for (const f of ['proxy', 'file', 'object', 'behaviour', 'advertiser']) if (!o[f]) throw new UsageError(`--${f} is required.`);
  const object = OBJECTS[o.object];
  if (!object) throw new UsageError(`--object must be one of ${Object.keys(OBJECTS).join(', ')}.`);
  if (!BEHAVIOURS[object].includes(o.behaviour)) throw new UsageError(`--behaviour for ${o.object} must be ${BEHAVIOURS[object].join(' or ')}.`);
  let proxy;
  try {
    proxy = new URL(o.proxy);
  } catch {
    throw new UsageError('--proxy must be a URL such as http://127.0.0.1:8080.');
  }
  if (!['http:', 'https:'].includes(proxy.protocol)) throw new UsageError('--proxy must be an http:// or https:// URL.');
  if (!/^\d{1,32}$/.test(o.advertiser)) throw new UsageError('--advertiser must be the advertiser id (digits only).');
  const events = object === 'offline' || object === 'web';
  if (events) {
    if (o.audience || o['audience-name']) throw new UsageError('--audience and --audience-name are for audiences; events take --event-source.');
    if (!o['event-source']) throw new UsageError(`--event-source is required for ${o.object} (the ${object === 'web' ? 'Pixel code' : 'Event set id'}).`);
  } else {
    if (o['event-source'] || o['test-event-code']) throw new UsageError('--event-source and --test-event-code are for events.');
    if (!o.audience === !o['audience-name']) throw new UsageError('Give exactly one of --audience ID and --audience-name NAME.');
    if (o.audience && !/^\d{1,32}$/.test(o.audience)) throw new UsageError('--audience must be an audience id (digits only).');
    if (o['audience-name'] !== undefined && !o['audience-name'].trim()) throw new UsageError('--audience-name must not be empty.');
  }
  if (o['default-country'] !== undefined && !/^[A-Za-z]{2}$/.test(o['default-country'])) throw new UsageError('--default-country must be a two-letter country code such as US.');
  const columns = o.columns === undefined ? null : parseColumns(o.columns);
  return {
    proxy: proxy.href.replace(/\/+$/, ''),
    file: o.file,
    object,
    objectName: o.object,
    behaviour: o.behaviour,
    advertiserId: o.advertiser,
    audienceId: o.audience ?? '',
    audienceName: o['audience-name']?.trim() ?? '',
    eventSourceId: o['event-source'] ?? '',
    testEventCode: o['test-event-code'] ?? '',
    defaultCountry: o['default-country']?.toUpperCase() ?? '',
    columns,
    dryRun: Boolean(o['dry-run']),
    json: Boolean(o.json),
  };
}

/** `Email=email,Phone=phone` → Map header → role. */
function parseColumns(text) {
  const map = new Map();
  for (const part of text.split(',')) {
    const at = part.lastIndexOf('=');
    const header = part.slice(0, at).trim();
    const role = part.slice(at + 1).trim().toLowerCase();
    if (at < 1 || !header) throw new UsageError('--columns takes Header=role pairs separated by commas, e.g. Email=email,Phone=phone.');
    if (!ROLES.has(role)) throw new UsageError(`--columns: “${role.slice(0, 20)}” is not a role (${[...ROLES].join(', ')}).`);
    if ([...map.values()].includes(role)) throw new UsageError(`--columns: the role ${role} is given to two columns.`);
    map.set(header, role);
  }
  return map;
}

// ---------- reading the file ----------

const PARQUET_MAGIC = 'PAR1';

async function isParquet(path) {
  if (/\.parquet$/i.test(path)) return true;
  const fh = await openFile(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.toString('latin1') === PARQUET_MAGIC;
  } finally {
    await fh.close();
  }
}

const csvField = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A Parquet cell as CSV text: strings as they are, numbers and booleans as written, times as ISO-8601 UTC. */
function cellText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  throw new SyncError('The Parquet file has a nested column (a list, map or struct), which tikhash sync cannot read.', {
    fixes: ['Write the identifiers as plain string columns, one value per row (for example with `select(...)` before `write.parquet`).'],
  });
}

/** The Parquet file as CSV bytes (its top-level columns), so it goes through hashCsv like a CSV. */
async function parquetAsCsv(path) {
  let hp;
  try {
    hp = await import('hyparquet');
  } catch {
    throw new SyncError('Reading Parquet needs the package hyparquet, which is not installed.', { fixes: ['Install tikhash with its dependencies (`npm install tikhash`), or convert the file to CSV.'] });
  }
  let rows;
  let names;
  try {
    const file = await hp.asyncBufferFromFile(path);
    const metadata = await hp.parquetMetadataAsync(file);
    names = hp.parquetSchema(metadata).children.map((c) => c.element.name);
    rows = await hp.parquetReadObjects({ file, metadata, columns: names });
  } catch (e) {
    if (e instanceof SyncError) throw e;
    throw new SyncError('The Parquet file cannot be read.', {
      detail: String(e?.message ?? e).slice(0, 200),
      fixes: ['Check that it is a Parquet file (uncompressed or Snappy, as Spark writes by default); other codecs need converting to CSV.'],
    });
  }
  const lines = [names.map(csvField).join(',')];
  for (const r of rows) lines.push(names.map((n) => csvField(cellText(r[n]))).join(','));
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

// ---------- the sync ----------

const out = (line) => process.stdout.write(`${line}\n`);
const err = (line) => process.stderr.write(`${line}\n`);
let jsonMode = false;
/** What a person reads: stdout, or stderr under --json (whose stdout ends with the summary). */
const info = (line) => (jsonMode ? err : out)(line);

/** Progress on stderr, only when it is a terminal (cron and CI logs stay clean). */
function progress(text) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
}
function progressDone() {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

/** How often a running sync tells the proxy it is alive (the proxy releases a run after 120 s). */
const HEARTBEAT_MS = 30_000;

const HEX = { 64: /^[0-9a-fA-F]{64}$/, 32: /^[0-9a-fA-F]{32}$/ };

/** What each column holds: --columns, or the package's detection (as the page does it). */
function roles(info, columns) {
  if (!columns) return info.header.map((h) => info.detected[h] ?? '');
  const missing = [...columns.keys()].filter((h) => !info.header.includes(h));
  if (missing.length) throw new UsageError(`--columns names ${missing.length === 1 ? 'a column' : 'columns'} the file does not have: ${missing.map((h) => `“${h.slice(0, 40)}”`).join(', ')}.`);
  return info.header.map((h) => columns.get(h) ?? '');
}

async function readData(a) {
  let source;
  if (await isParquet(a.file)) {
    const bytes = await parquetAsCsv(a.file);
    source = () => bytes;
  } else {
    source = () => createReadStream(a.file);
  }
  let info;
  try {
    info = await tikhash.inspectCsv(source(), { sampleRows: 20 });
  } catch (e) {
    throw new SyncError('The file cannot be read as CSV.', { detail: e.code === 'empty_file' ? 'It needs a header line and at least one row.' : String(e.message ?? '').replace(/^tikhash: /, '').slice(0, 200) });
  }
  const role = roles(info, a.columns);
  // Ad ids already hashed with MD5 (32 hex) are used as they are: hash the column as MD5.
  const maidMd5 = role.some((r, i) => (r === 'idfa' || r === 'gaid') && info.sample.some((s) => HEX[32].test((s.cells[i] ?? '').trim())));
  const algorithm = maidMd5 ? 'md5' : 'sha256';
  const profile = PROFILE[a.object];
  const ids = [];
  const extras = [];
  const extraIndex = {};
  role.forEach((r, index) => {
    if (!r) return;
    if (ID_KINDS.has(r)) {
      const width = (r === 'idfa' || r === 'gaid') && algorithm === 'md5' ? 32 : 64;
      const options = { profile, ...(a.defaultCountry ? { defaultCountry: a.defaultCountry } : {}), ...(r === 'idfa' || r === 'gaid' ? { algorithm } : {}) };
      ids.push({ index, kind: r, width, options });
    } else {
      extraIndex[r] = index;
      extras.push(index);
    }
  });
  if (!ids.length) {
    throw new SyncError('No identifier column was found in the file.', {
      fixes: ['Name the columns with --columns, e.g. --columns Email=email,Phone=phone.'],
    });
  }
  const columns = {};
  for (const c of ids) columns[info.header[c.index]] = c.kind;
  const t0 = Date.now();
  const result = await tikhash.hashCsv(source(), {
    columns,
    text: extras.map((i) => info.header[i]),
    profile,
    ...(a.defaultCountry ? { defaultCountry: a.defaultCountry } : {}),
    algorithm,
    onProgress: ({ rows }) => progress(`${rows.toLocaleString('en-US')} rows hashed…`),
  });
  progressDone();
  return { data: new Dataset(result, ids, extras, info.header, Date.now() - t0), algorithm, extraIndex, header: info.header };
}

/** The audience an earlier run made under this name (the run history), so re-runs update it. */
async function audienceByName(transport, s) {
  const runs = await transport.runs(200);
  const hit = runs.find((r) => r.object === s.object && r.advertiser_id === s.advertiserId && r.audience_name === s.audienceName && r.audience_id);
  return hit?.audience_id ?? '';
}

/** Distinct rejected rows: the file's (hashCsv) and the builders' (e.g. an event time with no zone). */
function rejectedRows(data, ctxRejected) {
  const rows = new Set([...data.rejects.map((r) => r.row), ...data.noId]);
  let unplaced = 0;
  for (const r of ctxRejected) {
    if (r.row) rows.add(r.row);
    else unplaced++;
  }
  return rows.size + unplaced;
}

function printRejects(data, ctxRejected) {
  const lines = [];
  for (const r of data.rejects) lines.push(`row ${r.row}${r.kind ? ` ${r.kind}` : ''}: ${r.code} (${tikhash.rejectReason(r.code)})`);
  for (const row of data.noId) lines.push(`row ${row}: no_identifier (${tikhash.rejectReason('no_identifier')})`);
  for (const r of ctxRejected) lines.push(`${r.row ? `row ${r.row}` : 'a value'}${r.column ? ` ${r.column} left out` : ' not sent'}: ${r.code} (${tikhash.rejectReason(r.code)})`);
  for (const l of lines.slice(0, 50)) info(`  ${l}`);
  if (lines.length > 50) info(`  … and ${lines.length - 50} more`);
}

function printError(e) {
  progressDone();
  if (e instanceof SyncError) {
    err(`tikhash sync: ${e.title}`);
    if (e.detail) err(`  ${e.detail}`);
    for (const f of e.fixes ?? []) err(`  - ${f}`);
    if (e.requestId) err(`  request_id: ${e.requestId}`);
  } else {
    err(`tikhash sync: ${e?.code ? tikhash.rejectReason(e.code) : String(e?.message ?? e).replace(/^tikhash: /, '')}`);
  }
}

/** Prints a dry run: every request as it would go out, JSON bodies byte for byte. */
function printDryRun(a, requests) {
  for (const { step, body, result } of requests) {
    const req = encodeRequest(step, body);
    out(`${req.method} ${a.proxy}${req.path}  # ${step.label}`);
    if (step.multipart) out(tikhash.dryRun({ ...result, rejected: [], warnings: [] }, { fileLines: Number.MAX_SAFE_INTEGER }).split('\n').slice(1).join('\n'));
    else out(req.body);
  }
}

/** Runs the command; resolves to the exit code. */
async function main(argv, env = process.env) {
  let a;
  try {
    a = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`tikhash: ${e.message}\n`);
    err(USAGE);
    return 2;
  }
  if (a.help) {
    out(USAGE);
    return 0;
  }
  jsonMode = a.json;
  const apiKey = env.TIKHASH_API_KEY?.trim();
  const summary = { ok: false, run_id: null, audience_id: a.audienceId || null, rows: 0, sent: 0, rejected: 0, added: 0, removed: 0 };
  const finish = (code) => {
    if (a.json) out(JSON.stringify(summary));
    return code;
  };
  if (!apiKey) {
    err('tikhash sync: TIKHASH_API_KEY is not set.');
    err('  - An admin of the proxy makes a key with `tikhash-proxy keys create --name NAME --role syncer`; set it in the environment of this command.');
    return finish(2);
  }
  const transport = proxyTransport({ baseUrl: a.proxy, apiKey });
  const recorder = runRecorder(transport);
  let data;
  let recording = false;
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    let read;
    try {
      read = await readData(a);
    } catch (e) {
      if (e instanceof UsageError) {
        err(`tikhash: ${e.message}`);
        return finish(2);
      }
      if (e?.code === 'ENOENT' || e?.code === 'EACCES' || e?.code === 'EISDIR') throw new SyncError(`The file ${a.file.slice(0, 200)} cannot be opened (${e.code}).`);
      throw e;
    }
    data = read.data;
    summary.rows = data.rows;
    const s = {
      object: a.object,
      behaviour: a.behaviour,
      advertiserId: a.advertiserId,
      audienceId: a.audienceId,
      audienceName: a.audienceName || 'tikhash list',
      fileKind: data.ids[0].kind,
      mirrorStrategy: 'auto',
      eventSourceId: a.eventSourceId,
      testEventCode: a.testEventCode,
      algorithm: read.algorithm,
      extraIndex: read.extraIndex,
    };
    if (!s.audienceId && a.audienceName) {
      s.audienceId = await audienceByName(transport, s);
      if (s.audienceId) info(`Audience “${s.audienceName}” is ${s.audienceId} (made by an earlier run): syncing into it.`);
    }
    summary.audience_id = s.audienceId || null;
    const plan = await planSync(s, data, transport);
    for (const n of plan.notes) info(n);
    if (a.dryRun) {
      const { requests, rejected, placeholder } = dryRun(plan, s);
      printDryRun(a, requests);
      if (placeholder) info(`${PLACEHOLDER_ID} stands for the id of the new audience, which TikTok returns when it is created.`);
      info(`Dry run: ${requests.length} request(s) would be sent. Nothing was sent.`);
      summary.rejected = rejectedRows(data, rejected);
      if (summary.rejected) printRejects(data, rejected);
      summary.ok = true;
      return finish(summary.rejected ? 1 : 0);
    }
    await recorder.apply({ phase: 'start', settings: s, data, exclusive: true, ...(a.audienceName ? { audienceName: a.audienceName } : {}) });
    recording = true;
    summary.run_id = recorder.id;
    const totals = { sent: 0, added: 0, removed: 0 };
    let records = Promise.resolve();
    // The run holds its audience while it updates within 120 s; a long step must not let go.
    const beat = setInterval(() => {
      records = records.then(() => recorder.apply({ phase: 'beat' }));
    }, HEARTBEAT_MS);
    beat.unref();
    let requests = 0;
    const ctx = await runSync(
      plan,
      s,
      (step, body) => transport.send(step, body, s.advertiserId),
      ({ index, total, step, envelope }) => {
        requests++;
        tally(totals, step);
        records = records.then(() => recorder.apply({ phase: 'step', step, envelope }));
        progress(`step ${index + 1} of ${total}: ${step.label}`);
      },
      ctrl.signal,
    ).finally(() => clearInterval(beat));
    await records;
    progressDone();
    await recorder.apply({ phase: 'end', ctx });
    recording = false;
    Object.assign(summary, totals);
    // A row the builders refused whole (an event without a valid time) went out in no body.
    summary.sent = Math.max(0, totals.sent - ctx.rejected.filter((r) => !r.column).length);
    if (ctx.createdAudience) summary.audience_id = ctx.createdAudience;
    summary.rejected = rejectedRows(data, ctx.rejected);
    summary.ok = true;
    info(requests ? `Sync finished: ${requests} request(s), all acknowledged; ${summary.sent} row(s) sent, ${totals.added} added, ${totals.removed} removed.` : 'Sync finished: nothing needed sending.');
    if (ctx.createdAudience) info(`New audience id ${ctx.createdAudience}.`);
    if (summary.rejected) {
      info(`${summary.rejected} row(s) were rejected and not sent (or sent without the bad value):`);
      printRejects(data, ctx.rejected);
    }
    return finish(summary.rejected ? 1 : 0);
  } catch (e) {
    if (recording) await recorder.apply({ phase: 'error', err: e }).catch(() => {});
    printError(e);
    return finish(2);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    printError(e);
    process.exitCode = 2;
  },
);

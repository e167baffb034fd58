// Turns a hashed list into the TikTok requests for one object + behaviour, and runs them
// through an injected `send` (transport.js speaks to the proxy; tests pass a fake), so the
// page, the CLI and the tests share this one implementation.
//
// A sync is a list of steps. Each step builds its body lazily from a context that earlier
// steps fill in (the audience id a create returns, the file_path an upload returns), so the
// dry run and the real sync run the very same builder calls: the dry run shows what the sync
// will send, with placeholders only where TikTok's answer is not known yet.
//
// Every body, file and Mirror decision comes from the package (`build*`, `mirrorDiff`,
// `planCustomerFileMirror`), so the page, the proxy and any other user of tikhash agree:
// a step's `build(ctx)` returns the package's result, and `bodiesOf` turns it into what is sent.
import * as tikhash from '../api.js';

export const PARTNER_BATCH = 10_000;
export const EVENT_BATCH = 1_000;
const DAY = 24 * 3600;

/**
 * The package's three workarounds for TikTok's one-REPLACE-a-day rule (for a refusal that
 * comes without them): asked of planCustomerFileMirror itself, so the page never words them
 * differently from the package and the proxy.
 */
export function replaceWorkarounds() {
  try {
    const now = Math.floor(Date.now() / 1000);
    const empty = new Uint8Array(0);
    return need('planCustomerFileMirror')({ previous: empty, current: empty, calculateType: 'EMAIL_SHA256', lastReplaceAt: now, now, strategy: 'replace' }).refusal.workarounds;
  } catch {
    return [];
  }
}

const PARTNER_ID_TYPE = { email: 'EMAIL_SHA256', phone: 'PHONE_SHA256', idfa: 'IDFA', gaid: 'AAID' };
const FILE_TYPE = { email: 'EMAIL_SHA256', phone: 'PHONE_SHA256', idfa: 'IDFA', gaid: 'GAID' };

/** TikTok's id type name for an identifier kind on an object (MAIDs carry the hash name). */
export function idType(object, kind, algorithm) {
  const base = (object === 'customer_file' ? FILE_TYPE : PARTNER_ID_TYPE)[kind];
  if (kind === 'idfa' || kind === 'gaid') return `${base}_${algorithm === 'md5' ? 'MD5' : 'SHA256'}`;
  return base;
}

/** An error a person can act on: what happened, and what to do. */
export class SyncError extends Error {
  constructor(title, { detail = '', fixes = [], requestId = null, status = null, code = null, retryAfter = null, tiktokMessage = null } = {}) {
    super(title);
    this.name = 'SyncError';
    this.title = title;
    this.detail = detail;
    this.fixes = fixes;
    this.requestId = requestId;
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    /** TikTok's (or the proxy's) own `message`, kept beside our plain-language title. */
    this.tiktokMessage = tiktokMessage;
  }
}

/**
 * The bodies a step's package result stands for: `{ path, body }` (one request), `{ path,
 * requests }` (batches), or a CustomerFile (one multipart upload: its form fields and bytes).
 */
export function bodiesOf(step, result) {
  if (step.multipart) return [{ ...result.upload.body, file: { name: result.fileName, bytes: result.bytes, lines: result.lines } }];
  if (Array.isArray(result.requests)) return result.requests;
  return [result.body];
}

function need(name) {
  const fn = tikhash[name];
  if (typeof fn !== 'function') {
    throw new SyncError('This version of the tikhash package cannot build TikTok requests yet.', {
      detail: `The function ${name}() is missing from the tikhash package.`,
      fixes: ['Rebuild the package with `bash scripts/build-pkg.sh` and reload the page.'],
    });
  }
  return fn;
}

/**
 * Plans a sync. `s` holds the form settings, `data` the hashed Dataset, `io` the transport
 * (`getJson`, `getBytes`). Reads (ledger, nothing personal) happen here, so the dry run shows
 * exact bodies. Returns `{ notes, steps, rejected }`.
 */
export async function planSync(s, data, io) {
  if (!/^\d{1,32}$/.test(s.advertiserId)) {
    throw new SyncError('Enter the advertiser id (digits only).', { fixes: ['Find it in TikTok Ads Manager, top right, under your account name.'] });
  }
  if (s.object === 'partner') return planPartner(s, data, io);
  if (s.object === 'customer_file') return planCustomerFile(s, data, io);
  return planEvents(s, data);
}

function audienceKinds(data) {
  return data.ids.map((c, k) => ({ ...c, k })).filter((c) => c.kind in PARTNER_ID_TYPE);
}

function noIdentifiers() {
  return new SyncError('No identifier column is selected.', {
    fixes: ['Mark at least one column as Email, Phone, IDFA or GAID (in the page: step 2, "Use as"; with the CLI: --columns).'],
  });
}

async function planPartner(s, data, io) {
  const cols = audienceKinds(data);
  if (!cols.length) throw noIdentifiers();
  const notes = [];
  const steps = [];
  const options = { profile: 'partner_audience', algorithm: s.algorithm };
  if (!s.audienceId) {
    steps.push({
      label: `Create Partner Audience “${s.audienceName}”`,
      method: 'POST',
      path: 'segment/audience/',
      build: () => need('buildSegmentAudience')({ advertiserId: s.advertiserId, name: s.audienceName }),
      after: (ctx, env) => {
        ctx.audienceId = String(env.data?.audience_id ?? '');
        ctx.createdAudience = ctx.audienceId;
      },
    });
  }
  // For Mirror, what changed against the ledger (what TikTok acknowledged), one id type at a
  // time: the package's mirrorRows reads the column's packed hex in wasm and names the rows
  // holding a hash the audience lacks. A row is sent whole (it is positional) when any of its
  // identifiers is new.
  let rows = null; // the data rows to send, ascending; null: every row
  const removals = {};
  if (s.behaviour === 'mirror' && s.audienceId) {
    const send = new Uint8Array(data.rows);
    let removes = 0;
    for (const c of cols) {
      const width = c.width / 2; // bytes: 32 (SHA-256) or 16 (MD5)
      const type = idType('partner', c.kind, s.algorithm);
      const previous = await io.ledgerMembers(s.advertiserId, s.audienceId, type, width);
      const diff = need('mirrorRows')(previous, data.packedHex(c.k), { width });
      for (const r of diff.addedRows) send[r] = 1;
      const gone = need('digestsToHex')(diff.remove, width);
      if (gone.length) removals[c.kind] = gone;
      removes += gone.length;
    }
    rows = [];
    for (let r = 0; r < send.length; r++) if (send[r]) rows.push(r);
    notes.push(`Mirror: the ledger of audience ${s.audienceId} says what TikTok already holds. ${rows.length} row(s) to add, ${removes} identifier(s) to delete.`);
  } else if (s.behaviour === 'mirror') {
    notes.push('Mirror of a new audience: everything is added; the next Mirror will delete rows that left.');
  }
  const count = rows ? rows.length : data.rows;
  for (let from = 0; from < count; from += PARTNER_BATCH) {
    const slice = rows ? rows.slice(from, from + PARTNER_BATCH) : range(from, Math.min(count, from + PARTNER_BATCH));
    if (!cols.some((c) => data.anyHashAt(c.k, slice))) continue;
    // The hex strings are made when the step is built, so a sync of millions of rows holds
    // one batch of them at a time.
    const columns = () => Object.fromEntries(cols.map((c) => [c.kind, data.hashesAt(c.k, slice)]));
    steps.push({
      label: rows ? `Add ${slice.length} row(s) with new identifiers` : `Add rows ${from + 1}–${from + slice.length}`,
      method: 'POST',
      path: 'segment/mapping/',
      rows: slice.length,
      build: (ctx) => mapping(ctx, s, 'add', columns(), options, slice),
    });
  }
  for (const [kind, list] of Object.entries(removals)) {
    for (let from = 0; from < list.length; from += PARTNER_BATCH) {
      const part = list.slice(from, from + PARTNER_BATCH);
      steps.push({
        label: `Delete ${part.length} ${kind} hash(es) that left the list`,
        method: 'POST',
        path: 'segment/mapping/',
        rows: part.length,
        build: (ctx) => mapping(ctx, s, 'delete', { [kind]: part }, options, null),
      });
    }
  }
  if (!steps.some((x) => x.path === 'segment/mapping/')) notes.push('Nothing to send: the audience already holds exactly this list.');
  return { notes, steps };
}

/** The integers [from, to). */
function range(from, to) {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function mapping(ctx, s, action, columns, options, rowIndex) {
  const result = need('buildSegmentMapping')({
    advertiserIds: [s.advertiserId],
    audienceIds: [ctx.audienceId],
    action,
    columns,
    options,
  });
  // 'empty' is a missing identifier in a row that has others: not a problem to report
  ctx.rejected.push(...result.rejected.filter((x) => x.code !== 'empty').map((x) => ({ row: rowIndex ? rowIndex[x.row] + 2 : null, column: x.column, code: x.code })));
  return result;
}

/** A customer file with `advertiser_id` in its upload fields (the Mirror plan's files lack it). */
function forAdvertiser(file, advertiserId) {
  return { ...file, upload: { ...file.upload, body: { advertiser_id: advertiserId, ...file.upload.body } } };
}

async function planCustomerFile(s, data, io) {
  const col = audienceKinds(data).find((c) => c.kind === s.fileKind) ?? audienceKinds(data)[0];
  if (!col) throw noIdentifiers();
  const notes = [];
  const steps = [];
  const options = { profile: 'customer_file', algorithm: s.algorithm };
  const calculateType = idType('customer_file', col.kind, s.algorithm);
  // An upload step: `file()` gives the package's CustomerFile; its file_path goes in ctx.filePaths[key].
  const upload = (label, file, key) => ({
    label,
    method: 'POST',
    path: 'dmp/custom_audience/file/upload/',
    multipart: true,
    build: (ctx) => {
      const f = file();
      ctx.rejected.push(...f.rejected.filter((x) => x.code !== 'empty').map((x) => ({ row: null, code: x.code })));
      ctx.calculateType = f.calculateType;
      return f;
    },
    after: (ctx, env) => {
      ctx.filePaths[key] = env.data?.file_path;
    },
  });
  // The whole list as files of at most 50 MB each (TikTok's limit per file; a million emails
  // are 65 MB), made by the package from the column's packed hex: the Mirror planner with an
  // empty audience. Pushes their upload steps; returns the ctx.filePaths keys and file names.
  const uploadList = () => {
    const plan = need('planCustomerFileMirror')({
      previous: new Uint8Array(0),
      currentPackedHex: data.packedHex(col.k),
      calculateType,
      lastReplaceAt: null,
      strategy: 'append_remove',
      fileStem: 'list',
    });
    // Its member count is the audience's only when the list creates it.
    if (!s.audienceId) for (const w of plan.warnings) notes.push(`Note: ${w.message}.`);
    const files = plan.steps[0]?.files ?? [];
    if (!files.length) {
      // Nothing to upload: the package's own file builder says why when the step is built.
      const empty = () => need('buildCustomerFile')({ kind: col.kind, values: [], options, advertiserId: s.advertiserId });
      steps.push(upload(`Upload 0 ${col.kind} hash(es)`, empty, 'list-0'));
      return { keys: ['list-0'], names: ['the list'] };
    }
    const keys = files.map((_, i) => `list-${i}`);
    files.forEach((f, i) => {
      const part = files.length > 1 ? ` (file ${i + 1} of ${files.length})` : '';
      steps.push(upload(`Upload ${f.lines} ${col.kind} hash(es)${part}`, () => forAdvertiser(f, s.advertiserId), keys[i]));
    });
    return { keys, names: files.map((f) => f.fileName) };
  };
  const update = (action, keys, names) => ({
    label: `${action} ${keys.length > 1 ? `${keys.length} files` : 'the file'} into audience ${s.audienceId}`,
    method: 'POST',
    path: 'dmp/custom_audience/update/',
    build: (ctx) =>
      need('buildCustomAudienceUpdate')({
        advertiserId: s.advertiserId,
        customAudienceId: ctx.audienceId,
        action,
        filePaths: keys.map((k, i) => ctx.filePaths[k] ?? `<file_path from uploading ${names[i]}>`),
      }),
  });
  if (!s.audienceId) {
    const { keys } = uploadList();
    steps.push({
      label: `Create Customer File Audience “${s.audienceName}”`,
      method: 'POST',
      path: 'dmp/custom_audience/create/',
      build: (ctx) =>
        need('buildCustomAudienceCreate')({
          advertiserId: s.advertiserId,
          name: s.audienceName,
          calculateType: ctx.calculateType,
          filePaths: keys.map((k) => ctx.filePaths[k] ?? '<file_path from the upload>'),
        }),
      after: (ctx, env) => {
        ctx.audienceId = String(env.data?.custom_audience_id ?? env.data?.audience_id ?? '');
        ctx.createdAudience = ctx.audienceId;
      },
    });
    if (s.behaviour === 'mirror') notes.push('Mirror of a new audience: the file creates it; later Mirrors REPLACE it or send APPEND + REMOVE files.');
    return { notes, steps };
  }
  if (s.behaviour !== 'mirror') {
    const { keys, names } = uploadList();
    steps.push(update('APPEND', keys, names));
    return { notes, steps };
  }
  // Mirror an existing audience: the package plans it from what the ledger says TikTok holds,
  // the current list and the time of the last REPLACE (TikTok allows one a day).
  const width = col.width / 2;
  const [info, previous] = await Promise.all([
    io.ledgerInfo(s.advertiserId, s.audienceId),
    io.ledgerMembers(s.advertiserId, s.audienceId, calculateType, width),
  ]);
  const plan = need('planCustomerFileMirror')({
    previous,
    currentPackedHex: data.packedHex(col.k),
    calculateType,
    lastReplaceAt: info.lastReplaceAt,
    now: Math.floor(Date.now() / 1000),
    strategy: s.mirrorStrategy,
  });
  if (plan.refusal) throw replaceRefused(plan.refusal, s.audienceId, info.lastReplaceAt);
  const counts = `${plan.add} to add, ${plan.remove} to remove, ${plan.resultingSize} member(s) after`;
  if (plan.strategy === 'replace') {
    const why = s.mirrorStrategy === 'replace' ? 'you chose REPLACE only.' : 'one file of the whole list is smaller than the changes.';
    notes.push(`Mirror uses REPLACE: ${why} ${counts}.`);
  } else if (plan.strategy === 'append_remove') {
    const recent = info.lastReplaceAt != null && Date.now() / 1000 - info.lastReplaceAt < DAY;
    const why = s.mirrorStrategy === 'append_remove' ? 'you chose APPEND + REMOVE only.' : recent ? 'a REPLACE ran less than 24 hours ago, and TikTok allows one a day.' : 'only the changes are uploaded.';
    notes.push(`Mirror uses APPEND + REMOVE: ${why} ${counts}.`);
  } else {
    notes.push('Nothing to send: the audience already holds exactly this list.');
  }
  for (const w of plan.warnings) notes.push(`Note: ${w.message}.`);
  for (const step of plan.steps) {
    const keys = step.files.map((_, i) => `${step.action}-${i}`);
    const what = { REPLACE: 'the whole list', APPEND: 'new hash(es)', REMOVE: 'hash(es) that left' }[step.action];
    step.files.forEach((f, i) => {
      const part = step.files.length > 1 ? ` (file ${i + 1} of ${step.files.length})` : '';
      steps.push(upload(`Upload ${f.lines} ${what}${part}`, () => forAdvertiser(f, s.advertiserId), keys[i]));
    });
    steps.push(update(step.action, keys, step.files.map((f) => f.fileName)));
  }
  return { notes, steps };
}

/** The package's refusal of a REPLACE within 24 h, as an error a person can act on. */
function replaceRefused(refusal, audienceId, lastReplaceAt) {
  const last = lastReplaceAt != null ? `The last REPLACE of audience ${audienceId} was at ${new Date(lastReplaceAt * 1000).toLocaleString()}; ` : '';
  return new SyncError('TikTok allows one REPLACE per audience per 24 hours, so this Mirror was not sent.', {
    detail: `${last}the next one is allowed from ${new Date(refusal.retryAfter * 1000).toLocaleString()}. TikTok itself would answer: “${refusal.message}”`,
    fixes: [...refusal.workarounds, 'Or set “Mirror with” above to the smallest upload, which uses APPEND + REMOVE until a REPLACE is allowed again.'],
    code: refusal.code,
    retryAfter: refusal.retryAfter,
  });
}

function planEvents(s, data) {
  if (!s.eventSourceId) {
    throw new SyncError(`Enter the ${s.object === 'web' ? 'Pixel code' : 'Event set id'}.`, {
      fixes: ['Find it in TikTok Events Manager under Data sources.'],
    });
  }
  const field = (role) => data.extras.indexOf(s.extraIndex[role]);
  const idCol = (kind) => data.ids.findIndex((c) => c.kind === kind);
  const need2 = ['event', 'event_time', 'event_id'].filter((r) => field(r) < 0);
  if (need2.length) {
    throw new SyncError(`Events need a column for: ${need2.map((r) => r.replace('_', ' ')).join(', ')}.`, {
      fixes: ['Mark those columns (in the page: step 2, "Use as" Event name, Event time, Event id; with the CLI: --columns name=event,time=event_time,id=event_id).'],
    });
  }
  const steps = [];
  for (let from = 0; from < data.rows; from += EVENT_BATCH) {
    const to = Math.min(data.rows, from + EVENT_BATCH);
    steps.push({
      label: `Send events ${from + 1}–${to}`,
      method: 'POST',
      path: 'event/track/',
      rows: to - from,
      build: (ctx) => {
        const get = (role) => (field(role) >= 0 ? data.extra(field(role), from, to) : null);
        const hashes = (kind) => (idCol(kind) >= 0 ? data.hashes(idCol(kind), from, to) : null);
        const cols = {
          event: get('event'), time: get('event_time'), id: get('event_id'), value: get('value'), currency: get('currency'),
          order: get('order_id'), content: get('content_id'), ttclid: get('ttclid'), ip: get('ip'), ua: get('user_agent'),
          url: get('url'), referrer: get('referrer'), email: hashes('email'), phone: hashes('phone'), ext: hashes('external_id'),
        };
        const events = [];
        const rowOf = [];
        for (let i = 0; i < to - from; i++) {
          // The time goes to the builder as written: the crate reads seconds, milliseconds and
          // zoned ISO-8601, and refuses a zone-less time (invalid_event_time), in any TZ.
          const e = { event: cols.event[i].trim(), eventTime: String(cols.time[i] ?? '').trim(), eventId: cols.id[i].trim() };
          if (cols.email?.[i]) e.email = cols.email[i];
          if (cols.phone?.[i]) e.phone = cols.phone[i];
          if (cols.ext?.[i]) e.externalId = cols.ext[i];
          if (s.object === 'web') {
            if (cols.ttclid?.[i]) e.ttclid = cols.ttclid[i].trim();
            if (cols.ip?.[i]) e.ip = cols.ip[i].trim();
            if (cols.ua?.[i]) e.userAgent = cols.ua[i].trim();
            if (cols.url?.[i]) e.url = cols.url[i].trim();
            if (cols.referrer?.[i]) e.referrer = cols.referrer[i].trim();
          }
          const p = {};
          if (cols.value?.[i]?.trim()) p.value = Number(cols.value[i]);
          if (cols.currency?.[i]?.trim()) p.currency = cols.currency[i].trim().toUpperCase();
          if (cols.order?.[i]?.trim()) p.order_id = cols.order[i].trim();
          if (cols.content?.[i]?.trim()) p.contents = [{ content_id: cols.content[i].trim() }];
          if (Object.keys(p).length) e.properties = p;
          events.push(e);
          rowOf.push(from + i + 2);
        }
        const result = need('buildEventBatches')({
          eventSource: s.object,
          eventSourceId: s.eventSourceId,
          testEventCode: s.testEventCode || undefined,
          partnerName: 'tikhash',
          now: Math.floor(Date.now() / 1000),
          events,
          options: { profile: 'events' },
        });
        ctx.rejected.push(...result.rejected.map((x) => ({ row: rowOf[x.row] ?? null, column: x.column, code: x.code })));
        return result;
      },
    });
  }
  return { notes: [`${s.object === 'web' ? 'Web' : 'Offline'} events are appended; TikTok de-duplicates re-sends by event id.`], steps };
}

/**
 * Builds every request of a plan without sending (placeholders for TikTok's answers).
 * `requests` are `{ step, body, result }`: `result` is the package's builder output, for its
 * `dryRun` text.
 */
export function dryRun(plan, s) {
  const ctx = newContext(s);
  // The builders accept ids only, so a new audience's id is shown as PLACEHOLDER_ID.
  ctx.audienceId = s.audienceId || PLACEHOLDER_ID;
  const out = [];
  for (const step of plan.steps) {
    const result = step.build(ctx);
    for (const body of bodiesOf(step, result)) out.push({ step, body, result });
  }
  return { requests: out, rejected: ctx.rejected, placeholder: !s.audienceId && plan.steps.some((x) => x.path === 'segment/audience/' || x.path.endsWith('create/')) };
}

/** Stands for the audience id a create step will return, in dry runs only. */
export const PLACEHOLDER_ID = '0000000000';

export function newContext(s) {
  return { audienceId: s.audienceId, filePaths: {}, rejected: [], calculateType: null, createdAudience: null };
}

/**
 * Sends a plan. `send(step, body)` returns the TikTok envelope or throws a SyncError;
 * `onStep({ index, total, step, envelope })` reports progress after each request.
 */
export async function runSync(plan, s, send, onStep, signal) {
  const ctx = newContext(s);
  let index = 0;
  const total = plan.steps.length;
  for (const step of plan.steps) {
    if (signal?.aborted) throw new SyncError('Sync stopped.', { fixes: ['Sync again to resume; acknowledged batches are safe to send again.'] });
    const bodies = bodiesOf(step, step.build(ctx));
    for (const body of bodies) {
      const envelope = await send(step, body);
      step.after?.(ctx, envelope);
      onStep({ index, total, step, envelope, ctx });
    }
    index++;
  }
  return ctx;
}

/**
 * How the proxy reaches TikTok, from `GET /tikhash/connection`'s data: 'app' when a TikTok
 * account is connected through the page (step 0; only such a connection has `connected_at`),
 * 'token' for the proxy's TIKTOK_ACCESS_TOKEN, null when unknown or nothing is connected.
 */
export function accountModeOf(connection) {
  if (!connection?.connected) return null;
  return connection.connected_at ? 'app' : 'token';
}

/**
 * Explains a proxy/TikTok answer in plain language, with what to do about it. `accountMode`
 * (`accountModeOf`) picks the advice for an advertiser the proxy refuses; unknown gives both.
 */
export function explain(status, env, advertiserId, accountMode = null) {
  const code = env?.code;
  const msg = env?.message || '';
  const rid = env?.request_id || null;
  const base = { requestId: rid, status, code, detail: msg ? `TikTok/proxy said: “${msg}”` : '', tiktokMessage: msg || null };
  // connect: the TikTok account is not connected, or TikTok no longer accepts its token.
  if (code === 94092) return new SyncError('No TikTok account is connected, so nothing was sent.', { ...base, fixes: ['An admin connects one in the page, step 0, “TikTok account”.'] });
  if (code === 94013 || code === 40102 || code === 40104 || code === 40105) return new SyncError('TikTok no longer accepts this proxy’s connection to the account.', { ...base, fixes: ['An admin presses Reconnect in the page, step 0, “TikTok account”; then sync again (acknowledged batches are safe to send again).'] });
  if (status === 409 || /unfinished replace/i.test(msg)) {
    const fixes = Array.isArray(env?.data?.workarounds) && env.data.workarounds.length ? env.data.workarounds.map(String) : replaceWorkarounds();
    const retry = env?.data?.retry_after;
    // Proxy codes start with 9 (9SSSN); TikTok's never do.
    const who = String(code ?? '').startsWith('9')
      ? `The proxy stopped this REPLACE before it reached TikTok (code ${code}): its ledger shows a REPLACE of this audience in the last 24 hours, for example by another sync that ran after this one was planned. The files uploaded so far were not applied. `
      : 'TikTok refused this REPLACE. ';
    return new SyncError('TikTok allows one REPLACE per audience per 24 hours, and this audience had one recently.', {
      ...base,
      detail: `${who}${base.detail}${retry ? ` You can REPLACE again after ${fmtRetry(retry)}.` : ''}`,
      fixes,
      retryAfter: typeof retry === 'number' ? retry : null,
    });
  }
  if (code === 40100 || status === 429) {
    return new SyncError('TikTok is limiting how fast requests arrive (rate limit).', {
      ...base,
      fixes: ['Wait a minute and sync again; the proxy already retried with back-off.', 'Batches TikTok acknowledged are recorded, so sending again is safe.'],
    });
  }
  // The proxy answers TikTok's 40001 with 403 too; that one is about TikTok's permissions (below).
  if (status === 403 && code !== 40001) {
    return new SyncError(`The proxy is not allowed to send for advertiser ${advertiserId}.`, { ...base, fixes: advertiserRefusedFixes(accountMode) });
  }
  if (code === 40001) {
    return new SyncError('TikTok says this account has no permission for that advertiser, audience or pixel.', {
      ...base,
      fixes: ['Ask an admin to make the token’s user an admin or operator of the advertiser account.', 'Make sure the app has the “Audience Management” (or Events) permission, then create a new access token.'],
    });
  }
  if (status === 422) {
    return new SyncError('The proxy refused a value that is not a hash, and sent nothing to TikTok.', {
      ...base,
      fixes: ['This should not happen with tikhash; try again, and report it if it repeats.'],
    });
  }
  if (status === 413) {
    return new SyncError('A request was too large for the proxy.', { ...base, fixes: ['Split the list into smaller files, or raise the proxy’s body limit.'] });
  }
  if (status === 502 || status === 504) {
    return new SyncError('TikTok could not be reached, or answered too slowly.', { ...base, fixes: ['Try again in a few minutes. Nothing is recorded as sent until TikTok acknowledges it.'] });
  }
  if (code === 40002 || status === 400) {
    return new SyncError('TikTok refused a parameter in the request.', {
      ...base,
      fixes: ['Check the advertiser id, audience id and pixel code / event set id.', 'Run a dry run to see the exact request.'],
    });
  }
  return new SyncError(`The request failed (HTTP ${status}${code != null ? `, code ${code}` : ''}).`, { ...base, fixes: ['Try again; if it repeats, check the proxy’s log for this request id.'] });
}

/**
 * What to do about an advertiser the proxy refuses. With a connected account the proxy allows
 * only the advertisers that account authorized; with TIKTOK_ACCESS_TOKEN, TIKHASH_ADVERTISER_IDS.
 */
function advertiserRefusedFixes(accountMode) {
  const pick = 'pick one of the advertisers listed in the page, step 0, “TikTok account” (the ones the connected TikTok account authorized)';
  const reconnect = 'an admin reconnects in step 0 with a TikTok account that manages this advertiser';
  const listed = 'add it to TIKHASH_ADVERTISER_IDS where the proxy runs, and restart the proxy';
  if (accountMode === 'app') return ['Check the advertiser id.', `The connected TikTok account does not manage this advertiser: ${pick}.`, `Or ${reconnect}.`];
  if (accountMode === 'token') return ['Check the advertiser id.', `Or ${listed}.`];
  return [
    'Check the advertiser id.',
    `If a TikTok account is connected in the page (step 0): ${pick}, or ${reconnect}.`,
    `If the proxy uses TIKTOK_ACCESS_TOKEN: ${listed}.`,
  ];
}

function fmtRetry(v) {
  if (typeof v === 'number') return v > 1e9 ? new Date(v * 1000).toLocaleString() : `${Math.ceil(v / 3600)} hour(s)`;
  return String(v);
}

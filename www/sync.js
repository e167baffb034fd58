// Turns a hashed list into the TikTok requests for one object + behaviour, and sends them
// through the proxy with plain `fetch` (the page already has the hashes in JS; going back
// into wasm just to send would add a copy and nothing else).
//
// A sync is a list of steps. Each step builds its body lazily from a context that earlier
// steps fill in (the audience id a create returns, the file_path an upload returns), so the
// dry run and the real sync run the very same builder calls: the dry run shows what the sync
// will send, with placeholders only where TikTok's answer is not known yet.
import * as tikhash from '/pkg/index.js';

export const PARTNER_BATCH = 10_000;
export const EVENT_BATCH = 1_000;
const DAY = 24 * 3600;

export const WORKAROUNDS = [
  'Use a Partner Audience instead: Mirror there sends add and delete for just the changes, with no daily limit.',
  'Run this Mirror on a 48-hour schedule, so every REPLACE comes well after the previous one.',
  'Use Update or Create for now: it only adds members, so it is never throttled (members who left stay until the next REPLACE).',
];

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
  constructor(title, { detail = '', fixes = [], requestId = null, status = null, code = null } = {}) {
    super(title);
    this.title = title;
    this.detail = detail;
    this.fixes = fixes;
    this.requestId = requestId;
    this.status = status;
    this.code = code;
  }
}

/** Single-request builders answer `{ path, body, warnings }`; the body is what is sent. */
const bodyOf = (r) => (r && typeof r === 'object' && r.body && typeof r.path === 'string' ? r.body : r);

function need(name) {
  const fn = tikhash[name];
  if (typeof fn !== 'function') {
    throw new SyncError('This version of the tikhash package cannot build TikTok requests yet.', {
      detail: `The function ${name}() is missing from /pkg/index.js.`,
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
    fixes: ['In step 2, set "Use as" to Email, Phone, IDFA or GAID for at least one column.'],
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
      build: () => bodyOf(need('buildSegmentAudience')({ advertiserId: s.advertiserId, name: s.audienceName })),
      after: (ctx, env) => {
        ctx.audienceId = String(env.data?.audience_id ?? '');
        ctx.createdAudience = ctx.audienceId;
      },
    });
  }
  // Current hashes per column, and for Mirror what the ledger says TikTok already holds.
  const current = cols.map((c) => data.hashes(c.k));
  let keep = null; // rows to add (Mirror: only rows with something new)
  const removals = {};
  if (s.behaviour === 'mirror' && s.audienceId) {
    keep = new Uint8Array(data.rows);
    for (let i = 0; i < cols.length; i++) {
      const type = idType('partner', cols[i].kind, s.algorithm);
      const ledger = await io.ledgerMembers(s.advertiserId, s.audienceId, type);
      const now = new Set(current[i].filter(Boolean));
      removals[cols[i].kind] = ledger.filter((h) => !now.has(h));
      const known = new Set(ledger);
      current[i].forEach((h, r) => {
        if (h && !known.has(h)) keep[r] = 1;
      });
    }
    const adds = keep.reduce((a, b) => a + b, 0);
    const removes = Object.values(removals).reduce((a, l) => a + l.length, 0);
    notes.push(`Mirror: the ledger of audience ${s.audienceId} says what TikTok already holds. ${adds} row(s) to add, ${removes} identifier(s) to delete.`);
  } else if (s.behaviour === 'mirror') {
    notes.push('Mirror of a new audience: everything is added; the next Mirror will delete rows that left.');
  }
  const rows = [];
  for (let r = 0; r < data.rows; r++) if (!keep || keep[r]) rows.push(r);
  for (let from = 0; from < rows.length; from += s.batchSize || PARTNER_BATCH) {
    const slice = rows.slice(from, from + (s.batchSize || PARTNER_BATCH));
    const columns = {};
    cols.forEach((c, i) => {
      columns[c.kind] = slice.map((r) => current[i][r]);
    });
    if (slice.every((r) => cols.every((_, i) => !current[i][r]))) continue;
    steps.push({
      label: `Add rows ${from + 1}–${from + slice.length}`,
      method: 'POST',
      path: 'segment/mapping/',
      rows: slice.length,
      build: (ctx) => mapping(ctx, s, 'add', columns, options, slice),
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

function mapping(ctx, s, action, columns, options, rowIndex) {
  const { requests, rejected } = need('buildSegmentMapping')({
    advertiserIds: [s.advertiserId],
    audienceIds: [ctx.audienceId],
    action,
    columns,
    options,
  });
  // 'empty' is a missing identifier in a row that has others: not a problem to report
  ctx.rejected.push(...rejected.filter((x) => x.code !== 'empty').map((x) => ({ row: rowIndex ? rowIndex[x.row] + 2 : null, code: x.code })));
  return requests;
}

async function planCustomerFile(s, data, io) {
  const col = audienceKinds(data).find((c) => c.kind === s.fileKind) ?? audienceKinds(data)[0];
  if (!col) throw noIdentifiers();
  const notes = [];
  const steps = [];
  const options = { profile: 'customer_file', algorithm: s.algorithm };
  const current = data.hashes(col.k).filter(Boolean);
  const upload = (label, values, key) => ({
    label,
    method: 'POST',
    path: 'dmp/custom_audience/file/upload/',
    multipart: true,
    build: (ctx) => {
      const f = need('buildCustomerFile')({ kind: col.kind, values, options });
      ctx.rejected.push(...f.rejected.filter((x) => x.code !== 'empty').map((x) => ({ row: null, code: x.code })));
      ctx.calculateType = f.calculateType;
      return {
        advertiser_id: s.advertiserId,
        calculate_type: f.calculateType,
        file_signature: f.fileSignature,
        file_name: f.fileName,
        file: { name: f.fileName, bytes: f.bytes, lines: values.length },
      };
    },
    after: (ctx, env) => {
      ctx.filePaths[key] = env.data?.file_path;
    },
  });
  const update = (action, key) => ({
    label: `${action} the file into audience ${s.audienceId}`,
    method: 'POST',
    path: 'dmp/custom_audience/update/',
    build: (ctx) =>
      bodyOf(
        need('buildCustomAudienceUpdate')({
          advertiserId: s.advertiserId,
          customAudienceId: ctx.audienceId,
          action,
          filePaths: [ctx.filePaths[key] ?? `<file_path from the ${key} upload>`],
        }),
      ),
  });
  if (!s.audienceId) {
    steps.push(upload(`Upload ${current.length} ${col.kind} hash(es)`, current, 'list'));
    steps.push({
      label: `Create Customer File Audience “${s.audienceName}”`,
      method: 'POST',
      path: 'dmp/custom_audience/create/',
      build: (ctx) =>
        bodyOf(
          need('buildCustomAudienceCreate')({
            advertiserId: s.advertiserId,
            name: s.audienceName,
            calculateType: ctx.calculateType,
            filePaths: [ctx.filePaths.list ?? '<file_path from the upload>'],
          }),
        ),
      after: (ctx, env) => {
        ctx.audienceId = String(env.data?.custom_audience_id ?? env.data?.audience_id ?? '');
        ctx.createdAudience = ctx.audienceId;
      },
    });
    if (s.behaviour === 'mirror') notes.push('Mirror of a new audience: the file creates it; later Mirrors REPLACE it or send APPEND + REMOVE files.');
    return { notes, steps };
  }
  if (s.behaviour !== 'mirror') {
    steps.push(upload(`Upload ${current.length} ${col.kind} hash(es)`, current, 'list'));
    steps.push(update('APPEND', 'list'));
    return { notes, steps };
  }
  // Mirror an existing audience: the ledger says what TikTok holds and when it last replaced.
  const type = idType('customer_file', col.kind, s.algorithm);
  const info = await io.ledgerInfo(s.advertiserId, s.audienceId);
  const plan = mirrorPlan({ lastReplaceAt: info.lastReplaceAt, now: Date.now() / 1000, strategy: s.mirrorStrategy });
  if (plan.refused) {
    throw new SyncError('TikTok allows one REPLACE per audience per 24 hours, so this Mirror was not sent.', {
      detail: `The last REPLACE of audience ${s.audienceId} was at ${new Date(info.lastReplaceAt * 1000).toLocaleString()}; the next one is allowed after ${new Date((info.lastReplaceAt + DAY) * 1000).toLocaleString()}. TikTok itself would answer: “This replace operation is rejected as there is an existing unfinished replace operation for this audience.”`,
      fixes: [...WORKAROUNDS, 'Or choose “REPLACE when allowed, else APPEND + REMOVE” above.'],
      code: 'replace_within_24h',
    });
  }
  if (plan.action === 'REPLACE') {
    notes.push(`Mirror uses REPLACE: ${plan.why}`);
    steps.push(upload(`Upload the whole list (${current.length} hashes)`, current, 'list'));
    steps.push(update('REPLACE', 'list'));
  } else {
    const ledger = await io.ledgerMembers(s.advertiserId, s.audienceId, type);
    const now = new Set(current);
    const known = new Set(ledger);
    const add = current.filter((h) => !known.has(h));
    const remove = ledger.filter((h) => !now.has(h));
    notes.push(`Mirror uses APPEND + REMOVE: ${plan.why} ${add.length} to append, ${remove.length} to remove.`);
    if (add.length) {
      steps.push(upload(`Upload ${add.length} new hash(es)`, add, 'append'));
      steps.push(update('APPEND', 'append'));
    }
    if (remove.length) {
      steps.push(upload(`Upload ${remove.length} hash(es) that left`, remove, 'remove'));
      steps.push(update('REMOVE', 'remove'));
    }
    if (!add.length && !remove.length) notes.push('Nothing to send: the audience already holds exactly this list.');
  }
  if (current.length < 1000) notes.push(`Warning: the audience would hold ${current.length} members; TikTok refuses customer-file updates that leave fewer than 1,000.`);
  return { notes, steps };
}

/**
 * The customer-file Mirror choice: REPLACE unless one happened in the last 24 h, in which
 * case APPEND + REMOVE from the ledger (strategy "auto") or a refusal (strategy "replace").
 * Uses the package's own plan function when it provides one.
 */
export function mirrorPlan({ lastReplaceAt, now, strategy }) {
  const recent = lastReplaceAt != null && now - lastReplaceAt < DAY;
  if (!recent) return { action: 'REPLACE', why: lastReplaceAt == null ? 'no REPLACE on record for this audience.' : 'the last REPLACE was more than 24 hours ago.' };
  if (strategy === 'replace') return { refused: true };
  return { action: 'APPEND_REMOVE', why: 'a REPLACE ran less than 24 hours ago, and TikTok allows one a day.' };
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
      fixes: ['In step 2, set "Use as" for those columns (Event name, Event time, Event id).'],
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
          const e = { event: cols.event[i].trim(), eventTime: toUnixSeconds(cols.time[i]), eventId: cols.id[i].trim() };
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
        const { requests, rejected } = need('buildEventBatches')({
          eventSource: s.object,
          eventSourceId: s.eventSourceId,
          testEventCode: s.testEventCode || undefined,
          partnerName: 'tikhash',
          now: Math.floor(Date.now() / 1000),
          events,
          options: { profile: 'events' },
        });
        ctx.rejected.push(...rejected.map((x) => ({ row: rowOf[x.row] ?? null, code: x.code })));
        return requests;
      },
    });
  }
  return { notes: [`${s.object === 'web' ? 'Web' : 'Offline'} events are appended; TikTok de-duplicates re-sends by event id.`], steps };
}

/** Unix seconds from seconds, milliseconds or a date text; NaN when unreadable. */
export function toUnixSeconds(v) {
  const t = String(v ?? '').trim();
  if (/^\d{9,10}$/.test(t)) return Number(t);
  if (/^\d{12,13}$/.test(t)) return Math.floor(Number(t) / 1000);
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? NaN : Math.floor(ms / 1000);
}

/** Builds every request body of a plan without sending (placeholders for TikTok's answers). */
export function dryRun(plan, s) {
  const ctx = newContext(s);
  // The builders accept ids only, so a new audience's id is shown as PLACEHOLDER_ID.
  ctx.audienceId = s.audienceId || PLACEHOLDER_ID;
  const out = [];
  for (const step of plan.steps) {
    const built = step.build(ctx);
    for (const body of [].concat(built)) out.push({ step, body });
    if (step.path === 'dmp/custom_audience/file/upload/') ctx.filePaths[step.label] ??= null;
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
    if (signal?.aborted) throw new SyncError('Sync stopped.', { fixes: ['Press Sync to resume; acknowledged batches are safe to send again.'] });
    const bodies = [].concat(step.build(ctx));
    for (const body of bodies) {
      const envelope = await send(step, body);
      step.after?.(ctx, envelope);
      onStep({ index, total, step, envelope, ctx });
    }
    index++;
  }
  return ctx;
}

/** Explains a proxy/TikTok answer in plain language, with what to do about it. */
export function explain(status, env, advertiserId) {
  const code = env?.code;
  const msg = env?.message || '';
  const rid = env?.request_id || null;
  const base = { requestId: rid, status, code, detail: msg ? `TikTok/proxy said: “${msg}”` : '' };
  if (status === 409 || /unfinished replace/i.test(msg)) {
    const fixes = Array.isArray(env?.data?.workarounds) && env.data.workarounds.length ? env.data.workarounds.map(String) : WORKAROUNDS;
    const retry = env?.data?.retry_after;
    return new SyncError('TikTok allows one REPLACE per audience per 24 hours, and this audience had one recently.', {
      ...base,
      detail: `${base.detail}${retry ? ` You can REPLACE again after ${fmtRetry(retry)}.` : ''}`,
      fixes,
    });
  }
  if (code === 40100 || status === 429) {
    return new SyncError('TikTok is limiting how fast requests arrive (rate limit).', {
      ...base,
      fixes: ['Wait a minute and press Sync again; the proxy already retried with back-off.', 'Batches TikTok acknowledged are recorded, so sending again is safe.'],
    });
  }
  if (status === 403) {
    return new SyncError(`The proxy is not allowed to send for advertiser ${advertiserId}.`, {
      ...base,
      fixes: ['Check the advertiser id.', 'Or add it to TIKHASH_ADVERTISER_IDS where the proxy runs, and restart the proxy.'],
    });
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
      fixes: ['This should not happen with this page; reload it and try again, and report it if it repeats.'],
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

function fmtRetry(v) {
  if (typeof v === 'number') return v > 1e9 ? new Date(v * 1000).toLocaleString() : `${Math.ceil(v / 3600)} hour(s)`;
  return String(v);
}

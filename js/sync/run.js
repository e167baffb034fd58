// The run record: every sync is a run the proxy stores (POST /tikhash/runs `open` when it
// starts, `update` after each acknowledged request, `close` when it ends), so the page's
// History lists syncs from the page and from scripts alike. Only counts, machine names and
// TikTok request ids are sent: never a value or a hash.
import { SyncError } from './plan.js';

/** Longest free text the proxy keeps (error_message, tiktok_message). */
const MAX_TEXT = 500;

/** Rejected rows per reason, as the run record takes them (machine names, counts). */
export function rejectedByReason(data) {
  if (!data?.summary) return {};
  const { byCode, noId } = data.summary();
  const out = {};
  for (const [code, n] of Object.entries(byCode)) {
    const key = String(code).toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40);
    if (key) out[key] = (out[key] ?? 0) + n;
  }
  if (noId) out.no_identifier = noId;
  return out;
}

/**
 * Adds one acknowledged step's rows to running totals `{ sent, added, removed }`: a delete or
 * REMOVE counts as removals, an add, append, replace, create or upload as additions.
 */
export function tally(totals, step) {
  const rows = step.rows ?? 0;
  totals.sent += rows;
  if (/^(delete|remove)/i.test(step.label)) totals.removed += rows;
  else if (/^(add|append|replace|create|upload)/i.test(step.label)) totals.added += rows;
  return totals;
}

/**
 * Records one sync through `transport.postRun`. Feed it the sync's events in order with
 * `apply(event)`: `{ phase: 'start', settings, data, exclusive?, audienceName? }`, `{ phase: 'step', step,
 * envelope }`, `{ phase: 'beat' }` (an update with nothing new: keeps a long step's run from
 * counting as interrupted, which would release its audience), `{ phase: 'end', ctx }` or
 * `{ phase: 'error', err }`. A recording failure
 * never stops a sync, except an `exclusive` start the proxy refuses (another run holds the
 * audience): that start throws a SyncError. `now()` gives milliseconds (default Date.now).
 */
export function runRecorder(transport, { now = () => Date.now() } = {}) {
  let run = null; // { id, t0, sent, added, removed, requestIds }

  const post = async (body) => {
    try {
      const r = await transport.postRun(body);
      return r.ok ? r.env.data : null;
    } catch {
      return null;
    }
  };

  const counts = () => {
    const ids = run.requestIds.splice(0);
    return { rows_sent: run.sent, rows_added: run.added, rows_removed: run.removed, request_ids: ids };
  };

  async function start(d) {
    const s = d.settings;
    run = { id: null, t0: now(), sent: 0, added: 0, removed: 0, requestIds: [] };
    const body = {
      action: 'open',
      object: s.object,
      behaviour: s.behaviour,
      advertiser_id: s.advertiserId,
      ...(s.audienceId ? { audience_id: s.audienceId } : { audience_name: s.audienceName }),
      // A script that named the audience keeps the name on every run, not only the first.
      ...(s.audienceId && d.audienceName ? { audience_name: d.audienceName } : {}),
      rows_read: d.data?.rows ?? 0,
      rejected: rejectedByReason(d.data),
      ...(d.exclusive ? { exclusive: true } : {}),
    };
    if (!d.exclusive) {
      run.id = (await post(body))?.id ?? null;
      return;
    }
    const r = await transport.postRun(body);
    if (r.ok) {
      run.id = r.env.data.id;
      return;
    }
    run = null;
    if (r.env?.code === 94094) {
      throw new SyncError('Another sync of this audience is running, so this one did not start.', {
        status: r.status,
        code: r.env.code,
        requestId: r.env.request_id ?? null,
        tiktokMessage: r.env.message ?? null,
        detail: `The proxy's run history shows an open run for the same audience (run ${r.env.data?.run_id ?? 'unknown'}). A run that stops updating is released after ${r.env.data?.released_after_secs ?? 120} seconds.`,
        fixes: ['Run again once the other sync has finished: nothing was sent.'],
      });
    }
    throw new SyncError('The proxy refused to record this run, so nothing was sent.', {
      status: r.status,
      code: r.env?.code ?? null,
      requestId: r.env?.request_id ?? null,
      tiktokMessage: r.env?.message ?? null,
      detail: r.env?.message ? `The proxy said: “${r.env.message}”` : '',
      fixes: ['Check the advertiser id and the audience name.'],
    });
  }

  async function close(d) {
    const base = { action: 'close', id: run.id, ...counts(), duration_ms: Math.max(0, Math.round(now() - run.t0)) };
    if (d.phase === 'end') {
      if (d.ctx?.createdAudience) base.audience_id = String(d.ctx.createdAudience);
      await post({ ...base, result: d.cancelled ? 'cancelled' : 'ok' });
      return;
    }
    const err = d.err ?? {};
    const result = run.sent ? 'partial' : 'failed';
    const failure = {
      ...(Number.isInteger(err.status) && err.status >= 100 && err.status <= 599 ? { error_status: err.status } : {}),
      ...(Number.isInteger(err.code) ? { error_code: err.code } : {}),
    };
    const message = String(err.title ?? err.message ?? 'The sync stopped.').slice(0, MAX_TEXT);
    const tiktok = err.tiktokMessage ? { tiktok_message: String(err.tiktokMessage).slice(0, MAX_TEXT) } : {};
    // A text the proxy refuses (it looked like a value) is left out rather than the close.
    if (await post({ ...base, result, ...failure, error_message: message, ...tiktok })) return;
    if (tiktok.tiktok_message && (await post({ ...base, result, ...failure, error_message: message }))) return;
    await post({ ...base, result, ...failure });
  }

  return {
    /** The run's id once opened (null before, or when the proxy did not record it). */
    get id() {
      return run?.id ?? null;
    },
    /** Applies one event (see above); resolves once the proxy has it. */
    async apply(d) {
      if (d.phase === 'start') return start(d);
      if (!run?.id) return;
      if (d.phase === 'beat') {
        await post({ action: 'update', id: run.id, ...counts() });
        return;
      }
      if (d.phase === 'step') {
        tally(run, d.step);
        const rid = String(d.envelope?.request_id ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 100);
        if (rid) run.requestIds.push(rid);
        await post({ action: 'update', id: run.id, ...counts() });
        return;
      }
      await close(d);
      run = null;
    },
  };
}

// The History panel: every sync is a run the proxy stores (POST /tikhash/runs when it starts,
// after each acknowledged request, and when it ends), listed from GET /tikhash/runs, so it
// survives a reload. Only counts, machine names and TikTok request ids are sent: never a value
// or a hash. app.js announces the sync with `tikhash:sync` events.

import { explain } from './sync.js';
import { ready } from './auth.js';

const $ = (id) => document.getElementById(id);

let run = null; // { id, t0, sent, added, removed, requestIds }

async function post(body) {
  try {
    const res = await fetch('/tikhash/runs', {
      method: 'POST',
      keepalive: true, // a run's last update or close still arrives if the tab reloads or closes
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    const env = await res.json();
    return env.code === 0 ? env.data : null;
  } catch {
    return null;
  }
}

function rejectedByReason(data) {
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

function counts() {
  const ids = run.requestIds.splice(0);
  return { rows_sent: run.sent, rows_added: run.added, rows_removed: run.removed, request_ids: ids };
}

/** Writes one event's change to the run; events are applied one after another (onSync). */
async function apply(d) {
  if (d.phase === 'start') {
    const s = d.settings;
    run = { id: null, t0: performance.now(), sent: 0, added: 0, removed: 0, requestIds: [] };
    const opened = await post({
      action: 'open',
      object: s.object,
      behaviour: s.behaviour,
      advertiser_id: s.advertiserId,
      ...(s.audienceId ? { audience_id: s.audienceId } : { audience_name: s.audienceName }),
      rows_read: d.data?.rows ?? 0,
      rejected: rejectedByReason(d.data),
    });
    run.id = opened?.id ?? null;
    refresh();
    return;
  }
  if (!run?.id) return;
  if (d.phase === 'step') {
    const rows = d.step.rows ?? 0;
    run.sent += rows;
    if (/^(delete|remove)/i.test(d.step.label)) run.removed += rows;
    else if (/^(add|append|replace|create|upload)/i.test(d.step.label)) run.added += rows;
    if (d.envelope?.request_id) run.requestIds.push(String(d.envelope.request_id).replace(/[^A-Za-z0-9_-]/g, '').slice(0, 100));
    await post({ action: 'update', id: run.id, ...counts() });
    return;
  }
  const base = { action: 'close', id: run.id, ...counts(), duration_ms: Math.round(performance.now() - run.t0) };
  if (d.phase === 'end') {
    if (d.ctx?.createdAudience) base.audience_id = String(d.ctx.createdAudience);
    await post({ ...base, result: 'ok' });
  } else {
    const err = d.err ?? {};
    const result = run.sent ? 'partial' : 'failed';
    const message = String(err.title ?? err.message ?? 'The sync stopped.').slice(0, 500);
    const failure = {
      ...(Number.isInteger(err.status) && err.status >= 100 && err.status <= 599 ? { error_status: err.status } : {}),
      ...(Number.isInteger(err.code) ? { error_code: err.code } : {}),
    };
    const closed = await post({ ...base, result, ...failure, error_message: message });
    // A message the proxy refuses (it looked like a value) is left out rather than the close.
    if (!closed) await post({ ...base, result, ...failure });
  }
  run = null;
  refresh();
}

let queue = Promise.resolve();

function onSync(e) {
  const d = e.detail;
  queue = queue.then(() => apply(d)).catch(() => {});
}

const OBJECTS = { partner: 'Partner Audience', customer_file: 'Customer File', offline: 'Offline events', web: 'Web events' };
const STATUS = {
  ok: 'Finished',
  failed: 'Failed',
  partial: 'Stopped part-way',
  cancelled: 'Cancelled',
  running: 'Running',
  interrupted: 'Interrupted (the tab closed or the network went): syncing again is safe, acknowledged batches are sent again and TikTok keeps one copy',
};

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.append(td);
  return td;
}

export async function refresh() {
  const status = $('history-status');
  let env = null;
  try {
    const res = await fetch('/tikhash/runs?limit=50', { cache: 'no-store', credentials: 'same-origin' });
    env = await res.json();
  } catch {
    env = null;
  }
  if (env?.code !== 0) {
    status.textContent = 'The history could not be read from the proxy.';
    return;
  }
  const body = $('history-body');
  body.textContent = '';
  const runs = env.data.runs;
  status.textContent = runs.length ? '' : 'No syncs yet.';
  for (const r of runs) {
    const tr = document.createElement('tr');
    tr.dataset.status = r.status;
    cell(tr, new Date(r.started_at * 1000).toLocaleString());
    cell(tr, r.who);
    cell(tr, `${OBJECTS[r.object] ?? r.object} · ${r.behaviour} · advertiser ${r.advertiser_id}`);
    cell(tr, [r.audience_name, r.audience_id].filter(Boolean).join(' · ') || '—');
    const rejected = Object.entries(r.rejected).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`).join(', ');
    cell(tr, `${r.rows_read} read · ${r.rows_sent} sent · ${r.rows_added} added · ${r.rows_removed} removed${rejected ? ` · rejected: ${rejected}` : ''}`);
    const result = cell(tr, STATUS[r.status] ?? r.status, `run-${r.status}`);
    if (r.error_message || r.error_code != null) {
      // The same plain-language explanation as the live view, rebuilt from the stored status and code.
      const again = r.error_status ? explain(r.error_status, { code: r.error_code }, r.advertiser_id) : null;
      const p = document.createElement('p');
      const title = r.error_message || again?.title || 'The sync failed.';
      p.textContent = r.error_code != null ? `${title} (code ${r.error_code})` : title;
      result.append(p);
      if (again?.fixes?.length) {
        const ul = document.createElement('ul');
        for (const f of again.fixes) {
          const li = document.createElement('li');
          li.textContent = f;
          ul.append(li);
        }
        result.append(ul);
      }
    }
    if (r.request_ids.length) {
      const p = document.createElement('p');
      p.className = 'rid';
      p.textContent = `request_id ${r.request_ids.slice(-3).join(', ')}${r.request_ids.length > 3 ? ` (+${r.request_ids.length - 3})` : ''}`;
      result.append(p);
    }
    if (r.duration_ms != null) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = `${(r.duration_ms / 1000).toFixed(1)} s`;
      result.append(p);
    }
    body.append(tr);
  }
}

document.addEventListener('tikhash:sync', onSync);
$('history-refresh').addEventListener('click', refresh);
ready.then(refresh); // after a one-time sign-in link is traded (auth.js)

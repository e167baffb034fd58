// The History panel: every sync is a run the proxy stores (POST /tikhash/runs when it starts,
// after each acknowledged request, and when it ends: the package's runRecorder), listed from
// GET /tikhash/runs, so it survives a reload. Only counts, machine names and TikTok request
// ids are sent: never a value or a hash. app.js announces the sync with `tikhash:sync` events.

import { explain, proxyTransport, runRecorder } from '/pkg/sync/index.js';
import { ready } from './auth.js';

const $ = (id) => document.getElementById(id);

// The package's run recorder, over the page's own session (the cookie).
const recorder = runRecorder(proxyTransport({ credentials: 'same-origin', ready, keepalive: true }));

let queue = Promise.resolve();

/** Events are applied one after another, so a step's update never overtakes the open. */
function onSync(e) {
  const d = e.detail;
  queue = queue
    .then(() => recorder.apply(d))
    .then(() => {
      if (d.phase !== 'step') refresh();
    })
    .catch(() => {});
  d.waitUntil?.(queue);
}

const OBJECTS = { partner: 'Partner Audience', customer_file: 'Customer File', offline: 'Offline events', web: 'Web events' };
// The behaviours as the sync form (index.html) names them; the run record keeps the machine names.
const BEHAVIOURS = { upsert: 'Update or Create', mirror: 'Mirror', append: 'Append' };
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
    cell(tr, `${OBJECTS[r.object] ?? r.object} · ${BEHAVIOURS[r.behaviour] ?? r.behaviour} · advertiser ${r.advertiser_id}`);
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
      if (r.tiktok_message) {
        // TikTok's (or the proxy's) own words, beside our plain-language title.
        const said = document.createElement('p');
        said.className = 'tiktok-message';
        said.textContent = `TikTok said: “${r.tiktok_message}”`;
        result.append(said);
      }
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
    if (r.status === 'interrupted') {
      const p = document.createElement('p');
      p.append(rerunButton(r));
      result.append(p);
    }
    body.append(tr);
  }
}

/**
 * Re-run: app.js fills the sync form from the run (`tikhash:rerun`) and, once the file is
 * hashed, says what will be sent again before anything is.
 */
function rerunButton(r) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'rerun';
  b.textContent = 'Re-run';
  b.setAttribute('aria-label', `Re-run the sync interrupted on ${new Date(r.started_at * 1000).toLocaleString()}`);
  b.addEventListener('click', () => {
    const detail = { object: r.object, behaviour: r.behaviour, advertiserId: r.advertiser_id, audienceId: r.audience_id ?? '', audienceName: r.audience_name ?? '', startedAt: r.started_at };
    document.dispatchEvent(new CustomEvent('tikhash:rerun', { detail }));
  });
  return b;
}

document.addEventListener('tikhash:sync', onSync);
$('history-refresh').addEventListener('click', refresh);
ready.then(refresh); // after a one-time sign-in link is traded (auth.js)

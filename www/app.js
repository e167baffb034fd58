// The page: "Try it" panel and the sync console. Plain ES module, no build step.
import * as tikhash from '/pkg/index.js';
import { ready as signedIn, signInRequired } from './auth.js';
import { Dataset, planSync, dryRun, runSync, SyncError, idType, PLACEHOLDER_ID, proxyTransport } from '/pkg/sync/index.js';

const $ = (id) => document.getElementById(id);
const API = '/open_api/v1.3/';
const PREVIEW_ROWS = 10;

/** Plain-language reason for each reject code: the package's one table. */
const reason = (code) => tikhash.rejectReason(code);

/** Identifier roles: hashed in the browser before anything is sent. */
const ID_ROLES = [
  { role: 'email', label: 'Email' },
  { role: 'phone', label: 'Phone' },
  { role: 'idfa', label: 'IDFA (iOS ad id)' },
  { role: 'gaid', label: 'GAID (Android ad id)' },
  { role: 'external_id', label: 'External id' },
];

/** Event field roles (events only; these are not personal identifiers). */
const EVENT_ROLES = [
  { role: 'event', label: 'Event name' },
  { role: 'event_time', label: 'Event time' },
  { role: 'event_id', label: 'Event id' },
  { role: 'value', label: 'Value' },
  { role: 'currency', label: 'Currency' },
  { role: 'order_id', label: 'Order id' },
  { role: 'content_id', label: 'Content id' },
  { role: 'ttclid', label: 'TikTok click id (web)' },
  { role: 'ip', label: 'IP address (web)' },
  { role: 'user_agent', label: 'User agent (web)' },
  { role: 'url', label: 'Page URL (web)' },
  { role: 'referrer', label: 'Referrer (web)' },
];

const ID_KINDS = new Set(ID_ROLES.map((r) => r.role));
const WORKERS = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));

const COUNTRIES = [
  ['', 'None: numbers must start with +'], ['US', 'United States (+1)'], ['GB', 'United Kingdom (+44)'], ['CA', 'Canada (+1)'],
  ['AU', 'Australia (+61)'], ['DE', 'Germany (+49)'], ['FR', 'France (+33)'], ['ES', 'Spain (+34)'], ['IT', 'Italy (+39)'],
  ['NL', 'Netherlands (+31)'], ['BE', 'Belgium (+32)'], ['CH', 'Switzerland (+41)'], ['AT', 'Austria (+43)'], ['IE', 'Ireland (+353)'],
  ['SE', 'Sweden (+46)'], ['NO', 'Norway (+47)'], ['DK', 'Denmark (+45)'], ['FI', 'Finland (+358)'], ['PL', 'Poland (+48)'],
  ['PT', 'Portugal (+351)'], ['BR', 'Brazil (+55)'], ['MX', 'Mexico (+52)'], ['AR', 'Argentina (+54)'], ['CO', 'Colombia (+57)'],
  ['JP', 'Japan (+81)'], ['KR', 'South Korea (+82)'], ['CN', 'China (+86)'], ['IN', 'India (+91)'], ['ID', 'Indonesia (+62)'],
  ['MY', 'Malaysia (+60)'], ['SG', 'Singapore (+65)'], ['TH', 'Thailand (+66)'], ['VN', 'Vietnam (+84)'], ['PH', 'Philippines (+63)'],
  ['AE', 'United Arab Emirates (+971)'], ['SA', 'Saudi Arabia (+966)'], ['TR', 'Türkiye (+90)'], ['EG', 'Egypt (+20)'],
  ['ZA', 'South Africa (+27)'], ['NG', 'Nigeria (+234)'], ['NZ', 'New Zealand (+64)'],
];

const state = {
  source: null, // { blob, name }
  header: [],
  sample: [],
  delimiter: ',',
  roles: [],
  data: null,
  abort: null,
  syncAbort: null,
  t0: 0,
  rerun: null, // History's Re-run: the interrupted run whose form this is
};
// Exposed for the benchmark and tests (timings only; no personal data).
window.tikhashApp = { state, timings: {} };

const ready = tikhash.init();

// ---------- shared option controls ----------

function fillCountries() {
  const guess = (navigator.language.split('-')[1] || '').toUpperCase();
  for (const sel of document.querySelectorAll('select.country')) {
    for (const [code, name] of COUNTRIES) sel.add(new Option(name, code));
    sel.value = COUNTRIES.some(([c]) => c && c === guess) ? guess : 'US';
  }
}

function options(kind, profile, country, algorithm) {
  const o = { profile };
  if (country) o.defaultCountry = country;
  if (kind === 'idfa' || kind === 'gaid') o.algorithm = algorithm;
  return o;
}

// ---------- proxy status and sandbox banner ----------

async function checkProxy() {
  const status = $('proxy-status');
  try {
    const res = await fetch('/healthz', { cache: 'no-store' });
    const h = await res.json();
    status.textContent = `Proxy ${h.version ? `v${h.version} ` : ''}connected${h.sandbox ? ' (sandbox)' : ` → ${h.api_base ?? 'TikTok'}`}.`;
    if (h.sandbox) {
      const b = $('sandbox-banner');
      b.textContent = 'Sandbox mode: the proxy answers from a built-in TikTok simulator. Nothing reaches TikTok, and audiences here are not real.';
      b.hidden = false;
    }
  } catch {
    status.textContent = 'The proxy is not reachable: hashing works, but Sync needs tikhash-proxy (start it with `cargo run -p tikhash-proxy`).';
  }
}

// ---------- Try it ----------

function tryIt() {
  const kind = $('try-kind').value;
  const value = $('try-value').value;
  const opts = options(kind, $('try-profile').value, $('try-country').value, 'sha256');
  $('try-country').closest('.field').hidden = kind !== 'phone';
  const out = $('try-reason');
  if (!value) {
    $('try-normalized').textContent = '—';
    $('try-hash').textContent = '—';
    out.textContent = 'Waiting for a value.';
    out.className = '';
    return;
  }
  try {
    $('try-normalized').textContent = tikhash.normalize(kind, value, opts);
    $('try-hash').textContent = tikhash.hash(kind, value, opts);
    out.textContent = 'OK: this hash is what TikTok receives.';
    out.className = 'good';
  } catch (err) {
    $('try-normalized').textContent = '—';
    $('try-hash').textContent = '—';
    out.textContent = `Rejected: ${reason(err.code)}`;
    out.className = 'bad';
  }
}

// ---------- loading a list ----------

async function loadSource(blob, name) {
  await ready;
  cancelHashing();
  state.t0 = performance.now();
  state.source = { blob, name };
  let info;
  try {
    // The package reads the head as hashCsv will read the file: same rows, same numbers.
    info = await tikhash.inspectCsv(blob, { sampleRows: PREVIEW_ROWS });
  } catch (err) {
    $('file-info').textContent = `${name} cannot be read: ${err.code === 'empty_file' ? 'it needs a header line and at least one row' : err.message.replace(/^tikhash: /, '')}.`;
    return;
  }
  if (!info.sample.length) {
    $('file-info').textContent = `${name} is empty: it needs a header line and at least one row.`;
    return;
  }
  state.delimiter = info.delimiter;
  state.header = info.header;
  state.sample = info.sample;
  state.encoding = info.encoding;
  state.roles = info.header.map((h) => info.detected[h] ?? '');
  $('file-info').textContent = `${name}: ${fmtBytes(blob.size)}, ${state.header.length} columns${state.delimiter === ',' ? '' : `, separated by “${state.delimiter === '\t' ? 'tab' : state.delimiter}”`}.`;
  renderColumns();
  enable('step-columns', 'step-hash', 'step-sync');
  suggestObject();
  renderPreview();
  window.tikhashApp.timings.firstPreviewMs = performance.now() - state.t0;
  startHashing();
}

function enable(...ids) {
  for (const id of ids) $(id).disabled = false;
}

function renderColumns() {
  const body = $('columns-body');
  body.textContent = '';
  state.header.forEach((h, c) => {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = h;
    tr.append(th);
    tr.insertCell().textContent = state.sample[0]?.cells[c] ?? '';
    const sel = document.createElement('select');
    sel.id = `role-${c}`;
    sel.setAttribute('aria-label', `Use column “${h}” as`);
    sel.add(new Option('Not used', ''));
    const g1 = document.createElement('optgroup');
    g1.label = 'Identifiers (hashed here)';
    for (const r of ID_ROLES) g1.append(new Option(r.label, r.role));
    const g2 = document.createElement('optgroup');
    g2.label = 'Event fields';
    for (const r of EVENT_ROLES) g2.append(new Option(r.label, r.role));
    sel.append(g1, g2);
    sel.value = state.roles[c];
    sel.addEventListener('change', () => {
      // a role belongs to one column: clear it elsewhere
      state.roles = state.roles.map((r, i) => (i !== c && r === sel.value && sel.value ? '' : r));
      state.roles[c] = sel.value;
      state.roles.forEach((r, i) => ($(`role-${i}`).value = r));
      onSettingsChanged();
    });
    tr.insertCell().append(sel);
  });
  fillFileKinds();
}

function fillFileKinds() {
  const sel = $('file-kind');
  const prev = sel.value;
  sel.textContent = '';
  for (const r of ID_ROLES) if (r.role !== 'external_id' && state.roles.includes(r.role)) sel.add(new Option(r.label, r.role));
  if ([...sel.options].some((o) => o.value === prev)) sel.value = prev;
}

function suggestObject() {
  const hasEvents = state.roles.includes('event');
  const current = objectValue();
  if (hasEvents && !['offline', 'web'].includes(current)) setObject('offline');
  else if (!hasEvents && ['offline', 'web'].includes(current)) setObject('partner');
  else updateChoices();
}

// ---------- hashing ----------

function hashSettings() {
  const profile = $('profile').value;
  const country = $('default-country').value;
  const algorithm = $('maid-algo').value;
  const ids = [];
  const extras = [];
  const extraIndex = {};
  state.roles.forEach((role, index) => {
    if (!role) return;
    if (ID_KINDS.has(role)) {
      const width = (role === 'idfa' || role === 'gaid') && algorithm === 'md5' ? 32 : 64;
      ids.push({ index, kind: role, width, options: options(role, profile, country, algorithm) });
    } else {
      extraIndex[role] = index;
      extras.push(index);
    }
  });
  return { ids, extras, extraIndex, algorithm };
}

function renderPreview() {
  const { ids } = hashSettings();
  const table = $('preview');
  const head = table.tHead;
  const body = table.tBodies[0];
  head.textContent = '';
  body.textContent = '';
  const hr = head.insertRow();
  const th = (t) => {
    const c = document.createElement('th');
    c.scope = 'col';
    c.textContent = t;
    hr.append(c);
  };
  th('Row');
  if (!ids.length) {
    th('Note');
    const tr = body.insertRow();
    tr.insertCell().textContent = '—';
    tr.insertCell().textContent = 'No identifier column selected yet: set “Use as” in step 2.';
    return;
  }
  for (const c of ids) {
    const label = state.header[c.index];
    th(`${label} (as typed)`);
    th(`${label} normalized`);
    th(`${label} ${c.width === 32 ? 'MD5' : 'SHA-256'}`);
  }
  state.sample.slice(0, PREVIEW_ROWS).forEach(({ row, cells, problem }) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = String(row);
    if (problem) {
      const cell = tr.insertCell();
      cell.colSpan = 3 * ids.length;
      cell.className = 'rej';
      cell.textContent = reason(problem);
      return;
    }
    for (const c of ids) {
      const raw = cells[c.index] ?? '';
      const cellRaw = tr.insertCell();
      cellRaw.className = 'raw';
      cellRaw.textContent = raw;
      const n = tr.insertCell();
      const h = tr.insertCell();
      try {
        n.innerHTML = `<code></code>`;
        n.firstChild.textContent = tikhash.normalize(c.kind, raw, c.options);
        const digest = tikhash.hash(c.kind, raw, c.options);
        h.innerHTML = `<code class="hash"></code>`;
        h.firstChild.textContent = `${digest.slice(0, 12)}…${digest.slice(-4)}`;
        h.firstChild.title = digest;
        h.dataset.hash = digest;
      } catch (err) {
        n.textContent = err.code === 'empty' ? '(empty)' : reason(err.code);
        n.className = err.code === 'empty' ? 'muted' : 'rej';
        h.textContent = '—';
      }
    }
  });
}

let rehashTimer = 0;
function onSettingsChanged() {
  fillFileKinds();
  suggestObject();
  renderPreview();
  clearTimeout(rehashTimer);
  rehashTimer = setTimeout(startHashing, 150);
}

function cancelHashing() {
  state.abort?.abort();
  state.abort = null;
}

/** At most one progress announcement this often: a screen reader would read each 100 ms tick. */
const ANNOUNCE_PROGRESS_MS = 5000;
let lastAnnounced = 0;

/**
 * Paints the hashing status line and tells screen readers: the start, the end and every
 * other message at once, progress (`{ progress: true }`) at most every ANNOUNCE_PROGRESS_MS.
 */
function showHashStats(text, { progress = false } = {}) {
  $('hash-stats').textContent = text;
  const now = performance.now();
  if (progress && now - lastAnnounced < ANNOUNCE_PROGRESS_MS) return;
  lastAnnounced = now;
  $('hash-announce').textContent = text;
}

async function startHashing() {
  if (!state.source) return;
  cancelHashing();
  const { ids, extras, algorithm } = hashSettings();
  state.data = null;
  $('rejects').hidden = true;
  const bar = $('hash-progress');
  if (!ids.length && !extras.length) {
    showHashStats('Choose at least one identifier column in step 2.');
    return;
  }
  const ctrl = new AbortController();
  state.abort = ctrl;
  $('hash-cancel').disabled = false;
  bar.value = 0;
  showHashStats('Hashing…');
  const t0 = performance.now();
  let lastPaint = 0;
  try {
    const columns = {};
    for (const c of ids) columns[state.header[c.index]] = c.kind;
    const total = state.source.blob.size;
    const result = await tikhash.hashCsv(state.source.blob, {
      columns,
      text: extras.map((i) => state.header[i]),
      rowText: true,
      ...ids[0]?.options,
      algorithm,
      workers: WORKERS,
      signal: ctrl.signal,
      onProgress: ({ bytes, rows }) => {
        const now = performance.now();
        const ms = now - t0;
        if (now - lastPaint < 100 && bytes < total) return;
        lastPaint = now;
        bar.value = total ? Math.min(1, bytes / total) : 1;
        const rate = rows / (ms / 1000);
        const left = bytes ? Math.max(0, ((total - bytes) / bytes) * ms) : 0;
        showHashStats(`${fmtInt(rows)} rows hashed · ${fmtInt(rate)} rows/s · about ${fmtDuration(left)} left`, { progress: true });
      },
    });
    const data = new Dataset(result, ids, extras, state.header, performance.now() - t0);
    state.data = data;
    const ms = performance.now() - t0;
    window.tikhashApp.timings.hashMs = ms;
    window.tikhashApp.timings.totalMs = performance.now() - state.t0;
    bar.value = 1;
    const rate = data.rows / (ms / 1000);
    showHashStats(`Done: ${fmtInt(data.rows)} rows in ${fmtDuration(ms)} (${fmtInt(rate)} rows/s, ${WORKERS} worker${WORKERS > 1 ? 's' : ''}). Preview shown ${Math.round(window.tikhashApp.timings.firstPreviewMs)} ms after the file was chosen.`);
    document.body.dataset.hashed = String(data.rows);
    renderRejects(data);
    if (state.rerun) explainRerun();
  } catch (err) {
    if (err.name === 'AbortError') {
      // A run superseded by a new one (a setting changed) leaves the status to the new run.
      if (!state.abort || state.abort === ctrl) showHashStats('Hashing cancelled. Change a setting or press “Hash again” to restart.');
    } else {
      showHashStats(`Hashing failed: ${err.code ? reason(err.code) : err.message}`);
    }
  } finally {
    if (state.abort === ctrl) {
      state.abort = null;
      $('hash-cancel').disabled = true;
    }
  }
}

function renderRejects(data) {
  const { byCode, noId } = data.summary();
  const box = $('rejects');
  const list = $('reject-summary');
  const rows = $('reject-rows');
  list.textContent = '';
  rows.textContent = '';
  const total = Object.values(byCode).reduce((a, b) => a + b, 0) + noId;
  box.hidden = total === 0;
  if (!total) return;
  for (const [code, n] of Object.entries(byCode).sort((a, b) => b[1] - a[1])) {
    const li = document.createElement('li');
    li.textContent = `${fmtInt(n)} × ${reason(code)}`;
    list.append(li);
  }
  if (noId) {
    const li = document.createElement('li');
    li.textContent = `${fmtInt(noId)} row(s): ${reason('no_identifier')}`;
    list.append(li);
  }
  const label = (kind) => ID_ROLES.find((r) => r.role === kind)?.label ?? kind;
  const shown = data.rejects.slice(0, 200);
  for (const r of shown) {
    const li = document.createElement('li');
    li.textContent = r.kind ? `Row ${r.row}: ${label(r.kind)}: ${reason(r.code)}` : `Row ${r.row}: ${reason(r.code)}`;
    rows.append(li);
  }
  if (data.rejects.length > shown.length) {
    const li = document.createElement('li');
    li.textContent = `…and ${fmtInt(data.rejects.length - shown.length)} more in the download.`;
    rows.append(li);
  }
}

function downloadRejects() {
  const data = state.data;
  if (!data) return;
  const byRow = new Map();
  for (const r of data.rejects) byRow.set(r.row, [...(byRow.get(r.row) ?? []), r.kind ? `${r.kind}: ${r.code}` : r.code]);
  for (const r of data.noId) byRow.set(r, [...(byRow.get(r) ?? []), 'no_identifier']);
  const q = (s) => `"${String(s).replace(/"/g, '""')}"`;
  const lines = ['row,reasons,original_row'];
  for (const row of [...byRow.keys()].sort((a, b) => a - b)) lines.push(`${row},${q(byRow.get(row).join('; '))},${q(data.lines.get(row) ?? '')}`);
  // Built on this device; the blob URL never leaves the page.
  const url = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${(state.source?.name ?? 'list').replace(/\.[^.]+$/, '')}-rejected.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------- object, behaviour and sync ----------

const BEHAVIOURS = { partner: ['upsert', 'mirror'], customer_file: ['upsert', 'mirror'], offline: ['append'], web: ['append'] };
const PROFILE = { partner: 'partner_audience', customer_file: 'customer_file', offline: 'events', web: 'events' };

const objectValue = () => document.querySelector('input[name=object]:checked').value;
const behaviourValue = () => document.querySelector('input[name=behaviour]:checked').value;

function setObject(v) {
  document.querySelector(`input[name=object][value=${v}]`).checked = true;
  updateChoices();
}

function updateChoices() {
  const object = objectValue();
  const allowed = BEHAVIOURS[object];
  for (const r of document.querySelectorAll('input[name=behaviour]')) {
    r.disabled = !allowed.includes(r.value);
    r.parentElement.classList.toggle('off', r.disabled);
  }
  if (!allowed.includes(behaviourValue())) document.querySelector(`input[name=behaviour][value=${allowed[0]}]`).checked = true;
  const isEvents = object === 'offline' || object === 'web';
  for (const el of document.querySelectorAll('.audience-only')) el.hidden = isEvents;
  for (const el of document.querySelectorAll('.events-only')) el.hidden = !isEvents;
  for (const el of document.querySelectorAll('.file-only')) el.hidden = object !== 'customer_file';
  for (const el of document.querySelectorAll('.mirror-only')) el.hidden = object !== 'customer_file' || behaviourValue() !== 'mirror';
  $('event-source-id').previousElementSibling.textContent = object === 'web' ? 'Pixel code' : 'Event set id';
  if ($('profile').value !== PROFILE[object]) {
    $('profile').value = PROFILE[object];
    if (state.source) onSettingsChanged();
  }
  $('plan-note').textContent = '';
}

function syncSettings() {
  const { extraIndex, algorithm } = hashSettings();
  return {
    object: objectValue(),
    behaviour: behaviourValue(),
    advertiserId: $('advertiser-id').value.trim(),
    audienceId: $('audience-id').value.trim(),
    audienceName: $('audience-name').value.trim() || 'tikhash list',
    fileKind: $('file-kind').value,
    mirrorStrategy: $('mirror-strategy').value,
    eventSourceId: $('event-source-id').value.trim(),
    testEventCode: $('test-event-code').value.trim(),
    algorithm,
    extraIndex,
  };
}

/** The proxy, as the page reaches it: its own origin, the session cookie, sign-in first. */
const io = proxyTransport({ credentials: 'same-origin', ready: signedIn, onUnauthorized: signInRequired });

function requireData() {
  if (!state.data) {
    throw new SyncError(state.abort ? 'Hashing is still running.' : 'There is no hashed list yet.', {
      fixes: [state.abort ? 'Wait for step 3 to finish.' : 'Choose a CSV file in step 1.'],
    });
  }
  return state.data;
}

function showError(err) {
  const box = $('sync-error');
  box.textContent = '';
  const h = document.createElement('h3');
  h.textContent = err instanceof SyncError ? err.title : `Something went wrong: ${err.message}`;
  box.append(h);
  if (err.detail) {
    const p = document.createElement('p');
    p.textContent = err.detail;
    box.append(p);
  }
  if (err.fixes?.length) {
    const p = document.createElement('p');
    p.textContent = err.fixes.length > 1 ? 'What you can do:' : 'What to do:';
    const ul = document.createElement('ul');
    for (const f of err.fixes) {
      const li = document.createElement('li');
      li.textContent = f;
      ul.append(li);
    }
    box.append(p, ul);
  }
  if (err.requestId) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = `request_id: ${err.requestId}`;
    box.append(p);
  }
  box.hidden = false;
  if (!(err instanceof SyncError)) console.error(err);
}

function clearOutput() {
  $('sync-error').hidden = true;
  $('sync-log').textContent = '';
  $('dry-run-out').textContent = '';
  $('sync-status').textContent = '';
  $('plan-note').textContent = '';
}

async function onDryRun() {
  clearOutput();
  try {
    const s = syncSettings();
    const plan = await planSync(s, requireData(), io);
    $('plan-note').textContent = plan.notes.join(' ');
    const { requests, rejected, placeholder } = dryRun(plan, s);
    renderDryRun(requests, rejected);
    if (placeholder) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = `${PLACEHOLDER_ID} stands for the id of the new audience: TikTok returns it in the create step's answer, and the sync uses it.`;
      $('dry-run-out').insertBefore(p, $('dry-run-out').children[1]);
    }
    $('sync-status').textContent = `Dry run: ${requests.length} request(s) would be sent. Nothing was sent.`;
  } catch (err) {
    showError(err);
  }
}

const SHOW_BODIES = 20;
const MAX_BODY_CHARS = 200_000;

// The package's dryRun text lists its rejects by index into one call's input; the page lists
// them by file row instead (reportSendRejects), so they are left out of the text.
const packageText = (result, options) => tikhash.dryRun({ ...result, rejected: [] }, options);

function renderDryRun(requests, rejected) {
  const out = $('dry-run-out');
  const h = document.createElement('h3');
  h.textContent = 'Requests that would be sent';
  out.append(h);
  const shown = requests.slice(0, SHOW_BODIES);
  shown.forEach(({ step, body, result }, i) => {
    const d = document.createElement('details');
    d.open = i === 0;
    const sum = document.createElement('summary');
    sum.textContent = `${i + 1}. ${step.method} ${API}${step.path} — ${step.label}`;
    const pre = document.createElement('pre');
    pre.className = 'body';
    // a scrolling box: reachable and scrollable by keyboard, named for screen readers
    Object.assign(pre, { tabIndex: 0, role: 'region', ariaLabel: `Request ${i + 1} body` });
    let text;
    if (step.multipart) {
      // the form fields, the file's size, lines and MD5, and its first lines, as the package shows them
      text = packageText(result, { fileLines: 50 });
    } else {
      text = JSON.stringify(body, null, 2);
      if (text.length > MAX_BODY_CHARS) text = `${text.slice(0, MAX_BODY_CHARS)}\n… (${fmtInt(text.length - MAX_BODY_CHARS)} more characters)`;
    }
    pre.textContent = text;
    d.append(sum, pre);
    out.append(d);
  });
  if (requests.length > SHOW_BODIES) {
    const p = document.createElement('p');
    p.textContent = `…and ${requests.length - SHOW_BODIES} more request(s) of the same shape.`;
    out.append(p);
  }
  // The same requests as one plain text (long lists shortened), to copy into a ticket or an email.
  const results = [...new Set(shown.map((r) => r.result))];
  if (results.length) renderDryRunText(out, results, requests.length > SHOW_BODIES);
  if (rejected.length) reportSendRejects(rejected, out);
}

function renderDryRunText(out, results, partial) {
  const d = document.createElement('details');
  d.id = 'dry-run-text';
  const sum = document.createElement('summary');
  sum.textContent = `As plain text${partial ? ` (the first ${SHOW_BODIES} requests)` : ''}, long lists shortened`;
  const pre = document.createElement('pre');
  pre.className = 'text';
  Object.assign(pre, { tabIndex: 0, role: 'region', ariaLabel: 'The requests as plain text' });
  pre.textContent = results.map((r) => packageText(r, { maxItems: 5, fileLines: 5 })).join('\n\n');
  d.append(sum, pre);
  out.append(d);
}

/** The header of the CSV column a package column name stands for (`ip`, `userAgent`, `email`…). */
function columnLabel(column) {
  const role = { userAgent: 'user_agent', externalId: 'external_id' }[column] ?? column;
  const i = state.roles.indexOf(role);
  return i >= 0 ? `“${state.header[i]}”` : column;
}

/** Rows and values the builders left out, by file row, in plain language. */
function reportSendRejects(rejected, parent) {
  const box = document.createElement('div');
  box.className = 'send-rejects';
  const cells = rejected.filter((r) => r.column).length;
  const rows = rejected.length - cells;
  const p = document.createElement('p');
  p.className = 'bad';
  p.textContent = `${[rows ? `${rows} row(s) will not be sent` : '', cells ? `${cells} value(s) will be left out, and the rest of their row sent` : ''].filter(Boolean).join('; ')}:`;
  const ul = document.createElement('ul');
  for (const r of rejected.slice(0, 20)) {
    const li = document.createElement('li');
    const where = r.row ? `Row ${r.row}` : 'A value';
    li.textContent = r.column ? `${where}: ${columnLabel(r.column)} left out: ${reason(r.code)}` : `${where}: not sent: ${reason(r.code)}`;
    ul.append(li);
  }
  if (rejected.length > 20) {
    const li = document.createElement('li');
    li.textContent = `…and ${fmtInt(rejected.length - 20)} more.`;
    ul.append(li);
  }
  box.append(p, ul);
  parent.append(box);
}

async function onSync() {
  clearOutput();
  state.rerun = null;
  const btn = $('sync');
  btn.disabled = true;
  const bar = $('sync-progress');
  const log = $('sync-log');
  const status = $('sync-status');
  try {
    const s = syncSettings();
    const plan = await planSync(s, requireData(), io);
    document.dispatchEvent(new CustomEvent('tikhash:sync', { detail: { phase: 'start', settings: s, plan, data: state.data } })); // connect: History
    $('plan-note').textContent = plan.notes.join(' ');
    bar.hidden = false;
    bar.value = 0;
    status.textContent = `Sending ${plan.steps.length} step(s)…`;
    let sent = 0;
    const ctx = await runSync(
      plan,
      s,
      (step, body) => io.send(step, body, s.advertiserId),
      ({ index, total, step, envelope }) => {
        sent++;
        document.dispatchEvent(new CustomEvent('tikhash:sync', { detail: { phase: 'step', step, envelope } })); // connect: History
        bar.value = (index + 1) / total;
        const li = document.createElement('li');
        li.textContent = `${step.label}: OK `;
        const rid = document.createElement('span');
        rid.className = 'rid';
        rid.textContent = `request_id ${envelope.request_id ?? '—'}`;
        li.append(rid);
        log.append(li);
        status.textContent = `Step ${index + 1} of ${total} acknowledged.`;
      },
    );
    bar.value = 1;
    let msg = `Sync finished: ${sent} request(s), all acknowledged by ${document.getElementById('sandbox-banner').hidden ? 'TikTok' : 'the sandbox'}.`;
    if (ctx.createdAudience) {
      $('audience-id').value = ctx.createdAudience;
      msg += ` New audience id ${ctx.createdAudience} is filled in above, so the next sync updates it.`;
    }
    if (!sent) msg = 'Sync finished: nothing needed sending.';
    status.textContent = msg;
    if (ctx.rejected.length) reportSendRejects(ctx.rejected, $('dry-run-out'));
    // History closes the run record (waitUntil); the page says "synced" once it has, so a reload
    // right after shows the finished run. Bounded: recording never holds the page for long.
    const recording = [];
    document.dispatchEvent(new CustomEvent('tikhash:sync', { detail: { phase: 'end', ctx, waitUntil: (p) => recording.push(p) } })); // connect: History
    await Promise.race([Promise.all(recording), new Promise((resolve) => setTimeout(resolve, 5000))]);
    document.body.dataset.synced = String(Date.now());
  } catch (err) {
    document.dispatchEvent(new CustomEvent('tikhash:sync', { detail: { phase: 'error', err } })); // connect: History
    showError(err);
    status.textContent = 'Sync stopped: see the message above.';
  } finally {
    btn.disabled = false;
  }
}

// ---------- re-running an interrupted sync (History's Re-run button) ----------

/** Fills the form from an interrupted run; the plan is explained once the file is hashed. */
function startRerun(run) {
  if (!(run.object in BEHAVIOURS)) return;
  const profile = $('profile').value;
  setObject(run.object);
  const behaviour = BEHAVIOURS[run.object].includes(run.behaviour) ? run.behaviour : BEHAVIOURS[run.object][0];
  document.querySelector(`input[name=behaviour][value=${behaviour}]`).checked = true;
  updateChoices();
  $('advertiser-id').value = run.advertiserId;
  $('audience-id').value = run.audienceId;
  if (run.audienceName) $('audience-name').value = run.audienceName;
  state.rerun = run;
  document.body.dataset.rerun = 'form';
  const when = new Date(run.startedAt * 1000).toLocaleString();
  $('plan-note').textContent = `Re-run of the sync interrupted on ${when}: the form is filled from it. Choose the same list in step 1; before anything is sent, this note says what will be sent again.`;
  // A change of object re-hashes the file (another profile), which explains the re-run when done.
  if (state.data && $('profile').value === profile) explainRerun();
  else if (!state.source) $('step-file').scrollIntoView({ block: 'start' });
}

/** Says, before sending, what a re-run sends again: the ledger diff (Mirror) or every row. */
async function explainRerun() {
  const run = state.rerun;
  try {
    const s = syncSettings();
    const data = requireData();
    let what;
    if (s.object === 'offline' || s.object === 'web') {
      what = `all ${fmtInt(data.rows)} row(s) of this file are sent again as events; TikTok de-duplicates them by event id, so the events the interrupted run delivered are kept once.${s.eventSourceId ? '' : ` Enter the ${s.object === 'web' ? 'Pixel code' : 'Event set id'} first: the run record does not keep it.`}`;
    } else {
      const plan = await planSync(s, data, io);
      if (state.rerun !== run) return;
      const n = plan.steps.length;
      const fresh = s.audienceId ? '' : ` The interrupted run had no audience id yet, so this creates the audience “${s.audienceName}”; if TikTok Ads Manager already shows a half-made one, put its id above instead.`;
      what =
        s.behaviour === 'mirror' && s.audienceId
          ? `only what TikTok has not confirmed is sent: the proxy's ledger holds what TikTok acknowledged. ${plan.notes.join(' ')} (${n} request(s)).`
          : `every row is sent again (${n} request(s)); TikTok keeps one copy of each member, so what the interrupted run delivered is not doubled.${fresh}`;
    }
    $('plan-note').textContent = `Re-run of the interrupted sync: ${what} Press Sync to send it.`;
    document.body.dataset.rerun = 'explained';
  } catch (err) {
    showError(err);
  }
}

// ---------- formatting ----------

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
function fmtBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1 << 20)).toFixed(1)} MB`;
}
function fmtDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

// ---------- wiring ----------

function wire() {
  fillCountries();
  for (const id of ['try-kind', 'try-value', 'try-country', 'try-profile']) $(id).addEventListener('input', tryIt);
  $('file-input').addEventListener('change', (e) => {
    const f = e.target.files[0];
    if (f) loadSource(f, f.name);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer.files[0];
    if (f) loadSource(f, f.name);
  });
  $('paste-use').addEventListener('click', () => {
    const text = $('paste-text').value;
    if (text.trim()) loadSource(new Blob([text.endsWith('\n') ? text : `${text}\n`], { type: 'text/csv' }), 'Pasted rows');
  });
  $('sample-use').addEventListener('click', () => loadSource(new Blob([sampleCsv()], { type: 'text/csv' }), 'Sample list'));
  for (const id of ['default-country', 'profile', 'maid-algo']) $(id).addEventListener('change', onSettingsChanged);
  $('hash-cancel').addEventListener('click', cancelHashing);
  $('hash-run').addEventListener('click', startHashing);
  $('reject-download').addEventListener('click', downloadRejects);
  for (const r of document.querySelectorAll('input[name=object], input[name=behaviour]')) r.addEventListener('change', updateChoices);
  $('dry-run').addEventListener('click', onDryRun);
  $('sync').addEventListener('click', onSync);
  document.addEventListener('tikhash:rerun', (e) => startRerun(e.detail));
  updateChoices();
}

/**
 * A made-up list to try the console without a file: 1,200 customers (more than the 1,000 a
 * TikTok audience needs), example.com addresses (RFC 2606) and fictional 555-01xx numbers
 * written the ways people write them, plus three rows that are rejected, to show the report.
 */
function sampleCsv() {
  const areas = ['202', '212', '305', '312', '415', '503', '512', '617', '702', '713', '808', '907'];
  const lines = ['email,phone'];
  for (let i = 0; i < 1200; i++) {
    const area = areas[i % areas.length];
    const last = String(Math.floor(i / areas.length)).padStart(2, '0');
    const phone = [`(${area}) 555-01${last}`, `+1 ${area} 555 01${last}`, `${area}.555.01${last}`][i % 3];
    const email = i % 4 === 0 ? ` Customer.${i}@Example.com ` : `customer.${i}@example.com`;
    lines.push(`${email},${phone}`);
  }
  lines.splice(5, 0, 'not-an-email,call me', 'bob@example,', ',555 01');
  return `${lines.join('\n')}\n`;
}

wire();
checkProxy();
ready.then(tryIt, (err) => {
  $('try-reason').textContent = `The hashing module failed to load: ${err.message}. Rebuild it with \`bash scripts/build-pkg.sh\`.`;
});
export { idType };

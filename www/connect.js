// Step 0, "TikTok account": who connected which TikTok for Business account and when, the
// Connect / Reconnect / Disconnect buttons, and pickers that fill the sync console's advertiser
// and audience fields from the connection and from TikTok's audience list. Connect is a plain
// link: the proxy answers it with a redirect to TikTok's consent page (the sandbox's own page
// in sandbox mode), and TikTok sends the browser back to the page.

import { ready } from './auth.js';

const $ = (id) => document.getElementById(id);
const NEW = '__new__';

/** The audiences of the picked advertiser, as listed by TikTok: [{ id, name, size, type }]. */
let audiences = [];
/** The signed-in user's role (from auth.js): Connect and Disconnect are for admins only. */
let role = null;

async function getJson(url, init) {
  const res = await fetch(url, { cache: 'no-store', credentials: 'same-origin', ...init });
  let env = null;
  try {
    env = await res.json();
  } catch {
    env = null;
  }
  return { res, env };
}

function fmtWhen(secs) {
  return secs ? new Date(secs * 1000).toLocaleString() : '';
}

/** Sets a console field as if typed, so app.js sees the change. */
function fill(id, value) {
  const el = $(id);
  if (!el || el.value === value) return;
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

async function loadConnection() {
  const status = $('account-status');
  const link = $('account-connect');
  const disconnect = $('account-disconnect');
  const { res, env } = await getJson('/tikhash/connection').catch(() => ({ res: null, env: null }));
  if (!res?.ok || env?.code !== 0) {
    status.textContent = res?.status === 401 ? 'Sign in to see the TikTok connection.' : 'The TikTok connection could not be read from the proxy.';
    return;
  }
  const c = env.data;
  document.body.dataset.tiktokConnected = String(c.connected);
  status.className = '';
  const admin = role === 'admin';
  link.hidden = !admin || !c.can_connect || (c.connected && !c.needs_reconnect && c.mode === 'token');
  link.textContent = c.connected ? 'Reconnect' : 'Connect a TikTok account';
  // The main action only when there is something to do: connecting, or a refused token.
  link.classList.toggle('primary', !c.connected || c.needs_reconnect);
  disconnect.hidden = !admin || !c.connected || (c.mode === 'token' && !c.connected_at);
  if (!c.connected) {
    status.textContent = c.mode === 'sandbox'
      ? `No TikTok account connected. ${admin ? 'Connect' : 'An admin can connect'} to try the whole flow: the sandbox shows a stand-in for TikTok’s consent page with two made-up advertisers.`
      : 'No TikTok account connected. An admin connects one: you sign in to TikTok for Business and choose the advertisers tikhash may use.';
  } else if (c.needs_reconnect) {
    status.textContent = `TikTok no longer accepts this connection (made by ${c.connected_by} on ${fmtWhen(c.connected_at)}). An admin must reconnect.`;
    status.className = 'error';
  } else if (c.connected_at) {
    status.textContent = `Connected by ${c.connected_by} on ${fmtWhen(c.connected_at)} · ${c.advertisers.length} advertiser(s).`;
  } else {
    status.textContent = 'Connected with the proxy’s TIKTOK_ACCESS_TOKEN.';
  }
  const pick = $('advertiser-pick');
  pick.textContent = '';
  for (const a of c.advertisers) {
    const o = document.createElement('option');
    o.value = a.advertiser_id;
    o.textContent = a.advertiser_name ? `${a.advertiser_name} (${a.advertiser_id})` : a.advertiser_id;
    pick.append(o);
  }
  $('account-pickers').hidden = !c.connected || c.advertisers.length === 0;
  if (c.connected && c.advertisers.length) {
    const current = $('advertiser-id').value.trim();
    if (c.advertisers.some((a) => a.advertiser_id === current)) pick.value = current;
    fill('advertiser-id', pick.value);
    await loadAudiences();
  }
}

async function loadAudiences() {
  const adv = $('advertiser-pick').value;
  const pick = $('audience-pick');
  const note = $('audience-pick-note');
  audiences = [];
  const { res, env } = await getJson(`/open_api/v1.3/dmp/custom_audience/list/?advertiser_id=${encodeURIComponent(adv)}&page_size=100`)
    .catch(() => ({ res: null, env: null }));
  if (res?.ok && env?.code === 0) {
    audiences = (env.data?.list ?? []).map((a) => ({
      id: String(a.audience_id ?? a.custom_audience_id ?? ''),
      name: String(a.name ?? ''),
      size: a.cover_num ?? null,
      type: String(a.audience_type ?? ''),
    })).filter((a) => a.id);
    note.textContent = audiences.length ? '' : 'This advertiser has no audiences yet: the sync creates one.';
  } else {
    note.textContent = 'TikTok’s audience list could not be read; type the audience id below instead.';
  }
  const current = $('audience-id').value.trim();
  pick.textContent = '';
  const fresh = document.createElement('option');
  fresh.value = NEW;
  fresh.textContent = 'Create a new audience';
  pick.append(fresh);
  for (const a of audiences) {
    const o = document.createElement('option');
    o.value = a.id;
    const size = a.size == null ? '' : ` · ${Number(a.size).toLocaleString()} matched`;
    o.textContent = `${a.name || a.id} — ${a.type || 'audience'}${size}`;
    pick.append(o);
  }
  pick.value = audiences.some((a) => a.id === current) ? current : NEW;
  fill('audience-id', pick.value === NEW ? '' : pick.value);
  // Say at once when the default new name already exists (after a reload, say), not only
  // when Sync is pressed.
  if (duplicateName()) checkName();
}

/** The name of a new audience must not repeat an existing one (TikTok would make a second). */
function duplicateName() {
  if ($('audience-pick').value !== NEW || $('account-pickers').hidden) return null;
  const name = ($('audience-name').value.trim() || 'tikhash list').toLowerCase();
  return audiences.find((a) => a.name.toLowerCase() === name) ?? null;
}

function checkName() {
  const dup = duplicateName();
  const input = $('audience-name');
  input.setCustomValidity(dup ? 'An audience with this name exists' : '');
  $('audience-pick-note').textContent = dup
    ? `An audience named “${dup.name}” already exists (${dup.id}). Pick it in the Audience list to update it, or choose another name.`
    : '';
}

async function disconnect() {
  if (!confirm('Disconnect the TikTok account? tikhash forgets its token and asks TikTok to revoke it; connecting again needs an admin.')) return;
  const { res, env } = await getJson('/tikhash/disconnect', { method: 'POST' }).catch(() => ({ res: null, env: null }));
  if (!res?.ok) $('account-status').textContent = env?.message ?? 'Disconnecting failed.';
  await loadConnection();
}

function wire() {
  $('advertiser-pick').addEventListener('change', () => {
    fill('advertiser-id', $('advertiser-pick').value);
    loadAudiences();
  });
  $('audience-pick').addEventListener('change', () => {
    fill('audience-id', $('audience-pick').value === NEW ? '' : $('audience-pick').value);
    checkName();
  });
  $('audience-name').addEventListener('input', checkName);
  $('account-disconnect').addEventListener('click', disconnect);
  // Runs before app.js's handler on the same button: a duplicate name stops the sync.
  $('sync').addEventListener('click', (e) => {
    if (!duplicateName()) return;
    e.stopImmediatePropagation();
    checkName();
    $('audience-name').focus();
  }, true);
  // A new audience made by a sync shows up in the picker.
  document.addEventListener('tikhash:sync', (e) => {
    if (e.detail.phase === 'end' && !$('account-pickers').hidden) loadAudiences();
  });
  // After auth.js has traded a one-time sign-in link for the session, or the first read is a 401.
  ready.then((who) => {
    role = who?.role ?? null;
    return loadConnection();
  }).then(() => {
    // Back from TikTok's consent page (/#tiktok-account): the banner, the sign-in line and the
    // pickers appeared above or in step 0 after the browser jumped to it, so jump again.
    if (location.hash === '#tiktok-account') $('tiktok-account').scrollIntoView({ block: 'start' });
  });
}

wire();

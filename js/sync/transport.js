// How the sync engine talks to tikhash-proxy: TikTok routes under /open_api/v1.3/, the sync
// ledger and the run history under /tikhash/. The page passes its session cookie
// (`credentials`), scripts an API key (`Authorization: Bearer`, as proxy/src/access takes it).
// Plain `fetch`, no Node-only import: the same transport runs in browsers and in Node.
import { SyncError, explain, accountModeOf } from './plan.js';

/** Codes of a 401 that is about the TikTok connection, not the caller (see plan.js explain). */
const TOKEN_REFUSED = new Set([94013, 40102, 40104, 40105]);

/** The TikTok API prefix the proxy serves. */
export const API_PREFIX = '/open_api/v1.3/';

/** Statuses worth one more try: the request did not take effect (rate limit, proxy busy). */
const RETRY_STATUS = new Set([429, 503]);

/** The body of an answer as an envelope; text that is not JSON becomes its `message`. */
export async function readEnvelope(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { code: null, message: text.slice(0, 200) };
  }
}

/** Unix seconds from the ledger's number (seconds or milliseconds) or digits; else null. */
export function ledgerSeconds(v) {
  if (typeof v === 'string' && /^\d{1,16}$/.test(v.trim())) return ledgerSeconds(Number(v));
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return null;
  return v > 1e12 ? Math.floor(v / 1000) : Math.floor(v);
}

/**
 * multipart/form-data bytes for an upload's fields and its file, built by hand (not FormData)
 * so the bytes on the wire are exactly what the dry run shows.
 */
export function multipart(fields) {
  const boundary = `----tikhash${crypto.getRandomValues(new Uint32Array(2)).join('')}`;
  const enc = new TextEncoder();
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'file') continue;
    parts.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  const f = fields.file;
  parts.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: text/csv\r\n\r\n`));
  parts.push(f.bytes);
  parts.push(enc.encode(`\r\n--${boundary}--\r\n`));
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The HTTP request a plan step's body goes out as: `{ method, path, headers, body }`. */
export function encodeRequest(step, body) {
  if (step.multipart) {
    const { body: bytes, contentType } = multipart(body);
    return { method: 'POST', path: API_PREFIX + step.path, headers: { 'content-type': contentType }, body: bytes };
  }
  return { method: step.method, path: API_PREFIX + step.path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A transport to tikhash-proxy at `baseUrl` ('' for the page's own origin).
 * Options: `apiKey` (sent as `Authorization: Bearer`), `fetch` (default globalThis.fetch),
 * `credentials` (the page: 'same-origin'), `ready` (a promise awaited before each request:
 * the page's sign-in), `onUnauthorized` (called on a 401), `retries` (extra tries on a
 * network error, 429 or 503; default 2), `keepalive` (the page's run recorder: a run's last
 * update or close still arrives when the tab reloads or closes) and `sleep(ms)` (the back-off;
 * tests pass a fake).
 */
export function proxyTransport(options = {}) {
  const { baseUrl = '', apiKey, credentials, ready, onUnauthorized, retries = 2, keepalive } = options;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const sleep = options.sleep ?? wait;
  const base = String(baseUrl).replace(/\/+$/, '');

  async function once(path, init) {
    const headers = { ...(init.headers ?? {}) };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    const res = await fetchFn(base + path, { ...init, headers, ...(credentials ? { credentials } : {}), ...(keepalive ? { keepalive: true } : {}) });
    // A refusal's envelope, read once (a clone: the caller reads the body too).
    const env = res.status === 401 || res.status === 403 ? await res.clone().json().catch(() => null) : null;
    // A 401 is the proxy's "who are you" (94011/94012), or TikTok no longer taking the
    // connection's token (40102/40104/40105, or the proxy's 94013): that one needs a reconnect
    // by an admin, not a sign-in, and explain() says so.
    if (res.status === 401 && !TOKEN_REFUSED.has(env?.code)) {
      onUnauthorized?.();
      throw new SyncError(apiKey ? 'The proxy does not accept this API key.' : 'You are not signed in to the proxy.', {
        status: 401,
        fixes: apiKey
          ? ['Check TIKHASH_API_KEY: an admin creates one with `tikhash-proxy keys create --name NAME --role syncer` (a revoked key stops working).']
          : ['Use the Sign in link at the top of the page (or the one-time link the proxy printed), then press Sync again.'],
      });
    }
    // The proxy's access refusals (9403N) are not TikTok's advertiser refusals.
    if (res.status === 403 && env?.code === 94033) {
      throw new SyncError(`Your role may not do this: it needs the ${env.data?.needed ?? 'syncer'} role.`, {
        status: 403,
        code: 94033,
        requestId: env.request_id,
        tiktokMessage: env.message ?? null,
        fixes: [apiKey ? 'Ask an admin of this proxy for a key with the syncer role.' : 'Ask an admin of this proxy for the syncer role, or use the dry run to see what would be sent.'],
      });
    }
    return res;
  }

  /** One request with the retries; a SyncError when the proxy cannot be reached. */
  async function request(path, init = {}) {
    await ready;
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        res = await once(path, init);
      } catch (e) {
        if (e instanceof SyncError) throw e;
        if (attempt < retries) {
          await sleep(500 * 2 ** attempt);
          continue;
        }
        throw new SyncError('The proxy cannot be reached.', {
          fixes: [base ? `Check that tikhash-proxy runs at ${base}.` : 'Start it with `cargo run -p tikhash-proxy` (or `bash scripts/demo.sh`) and reload this page.'],
        });
      }
      if (RETRY_STATUS.has(res.status) && attempt < retries) {
        await sleep(500 * 2 ** attempt);
        continue;
      }
      return res;
    }
  }

  /** 'app', 'token' or null (`accountModeOf`), read from `/tikhash/connection`; null on any failure. */
  async function accountMode() {
    try {
      const res = await once('/tikhash/connection', {});
      const env = await readEnvelope(res);
      return res.ok && env.code === 0 ? accountModeOf(env.data) : null;
    } catch {
      return null;
    }
  }

  /** The SyncError for a refused answer; a refused advertiser (403) is explained for the proxy's account mode. */
  async function refusal(res, env, advertiserId) {
    return explain(res.status, env, advertiserId, res.status === 403 ? await accountMode() : null);
  }

  return {
    request,
    accountMode,

    /** The acknowledged members of one id type: packed raw digests, sorted (what mirrorDiff takes). */
    async ledgerMembers(adv, aud, type, width) {
      const res = await request(`/tikhash/ledger/${encodeURIComponent(adv)}/${encodeURIComponent(aud)}/members?id_type=${encodeURIComponent(type)}`);
      if (res.status === 404) return new Uint8Array(0);
      if (!res.ok) throw await refusal(res, await readEnvelope(res), adv);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length % width !== 0) {
        throw new SyncError('The proxy’s ledger answered with a list that is not whole digests.', {
          detail: `${bytes.length} bytes for ${type}, which is not a multiple of ${width}.`,
          fixes: ['Check that the proxy and this package are the same version.'],
        });
      }
      return bytes;
    },

    /** `{ lastReplaceAt, members }` of one audience from the ledger. */
    async ledgerInfo(adv, aud) {
      const res = await request(`/tikhash/ledger/${encodeURIComponent(adv)}/${encodeURIComponent(aud)}`);
      if (res.status === 404) return { lastReplaceAt: null, members: {} };
      const env = await readEnvelope(res);
      if (!res.ok || env.code !== 0) throw await refusal(res, env, adv);
      return { lastReplaceAt: ledgerSeconds(env.data?.last_replace_at), members: env.data?.members ?? {} };
    },

    /** Sends one body of a plan step; TikTok's envelope, or a SyncError explaining the refusal. */
    async send(step, body, advertiserId) {
      const { method, path, headers, body: payload } = encodeRequest(step, body);
      const res = await request(path, { method, headers, body: payload });
      const env = await readEnvelope(res);
      if (!res.ok || env.code !== 0) throw await refusal(res, env, advertiserId);
      return env;
    },

    /** `POST /tikhash/runs`: `{ ok, status, env }` (never throws on a refusal). */
    async postRun(body) {
      const res = await request('/tikhash/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const env = await readEnvelope(res);
      return { ok: res.ok && env.code === 0, status: res.status, env };
    },

    /** `GET /tikhash/runs?limit=N`: the newest runs, newest first. */
    async runs(limit = 50) {
      const res = await request(`/tikhash/runs?limit=${limit}`);
      const env = await readEnvelope(res);
      if (!res.ok || env.code !== 0) throw explain(res.status, env, '');
      return env.data.runs;
    },
  };
}

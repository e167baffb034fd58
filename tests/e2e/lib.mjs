// Shared helpers for the browser tests: the variables scripts/e2e.sh sets, launching Debian's
// Chromium (never a downloaded browser) around a file's tests, fixture generation, and capture
// of every request a page makes.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** What scripts/e2e.sh sets for the tests, by the names e2eEnv takes. */
const E2E_VARIABLES = {
  url: 'TIKHASH_E2E_URL',
  key: 'TIKHASH_E2E_KEY',
  user: 'TIKHASH_E2E_USER',
  password: 'TIKHASH_E2E_PASSWORD',
  login: 'TIKHASH_E2E_LOGIN',
};

/**
 * The e2e variables as `{ url, key, user, password, login }`. Throws when one of `needed` is
 * not set, so a test file run on its own fails at once, saying how to run it.
 */
export function e2eEnv(...needed) {
  const missing = needed.map((name) => E2E_VARIABLES[name]).filter((variable) => !process.env[variable]);
  if (missing.length) throw new Error(`${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set: run the browser tests through scripts/e2e.sh`);
  return Object.fromEntries(Object.entries(E2E_VARIABLES).map(([name, variable]) => [name, process.env[variable]]));
}

/**
 * Launches Chromium before this file's tests and closes it after them. The answer stands for
 * the browser (`newContext`, `newPage`); a file's own `before` hook may use it too (Node 20
 * runs a file's `before` hooks side by side, so each call waits for the one launch).
 */
export function useBrowser() {
  let launching = null;
  const launched = () => (launching ??= launch());
  before(async () => {
    await launched();
  });
  after(async () => {
    if (launching) await (await launching).close();
  });
  return {
    newContext: async (options) => (await launched()).newContext(options),
    newPage: async (options) => (await launched()).newPage(options),
  };
}

/** Writes an n-row CSV of emails and phones (varied case, spacing and phone spellings). */
export async function writeBigCsv(path, n) {
  const out = createWriteStream(path);
  out.write('email,phone\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    const a = (i * 2654435761) >>> 0;
    const email = i % 3 === 0 ? ` User.${i}@Example${a % 97}.com ` : `user${i}.${a.toString(36)}@mail${a % 13}.example.org`;
    const sub = String(1000000 + (a % 9000000)).slice(-7);
    const phone = i % 2 === 0 ? `+1 (415) ${sub.slice(0, 3)}-${sub.slice(3)}` : `+44 20 ${sub.slice(0, 4)} ${sub.slice(4)}1`;
    buf += `${email},${phone}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

// The "from npm into a web app" check: `npm pack` pkg/, install the tarball here (without
// saving it), `vite build`, serve dist/ and hash a value in Chromium.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { launch } from '../e2e/lib.mjs';
import { serveStatic } from '../e2e/static-server.mjs';

const here = new URL('.', import.meta.url).pathname;
const pkg = new URL('../../pkg/', import.meta.url).pathname;
const run = (cmd, args, cwd = here) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

const tmp = mkdtempSync(join(tmpdir(), 'tikhash-pack-'));
try {
  const tarball = join(tmp, run('npm', ['pack', '--silent', '--pack-destination', tmp], pkg).trim().split('\n').pop());
  console.log(`[consumer] packed ${tarball}`);
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', tarball]);
  rmSync(join(here, 'dist'), { recursive: true, force: true });
  console.log(run('npx', ['vite', 'build', '--logLevel', 'warn']));
  const server = await serveStatic({ '/': join(here, 'dist') });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]', { timeout: 15_000 });
    const expected = createHash('sha256').update('alice@example.com').digest('hex');
    assert.equal(await page.textContent('#out'), expected);
    await page.fill('#email', 'not an email');
    assert.match(await page.textContent('#out'), /^rejected: invalid_email$/);
    assert.deepEqual(errors, []);
    console.log(`[consumer] ok: tikhash from its npm tarball, bundled by Vite, hashes in Chromium (${expected.slice(0, 12)}…)`);
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// Accessibility and narrow-screen layout, step by step through the page as a new user goes:
// sign-in page (and its error), step 0 not connected, the sandbox consent page, step 0
// connected, a file loaded and hashed with rejects, the dry run, a sync with its History row,
// and a failed sync. At every step axe-core (run in the page) must find zero violations, at
// 1280 px and at 390 px, and the page must not scroll sideways at either width; wide tables and
// long lists scroll inside their own box, which the keyboard can reach and scroll. A screenshot
// of each step at 390 px goes to tests/artifacts/.
// Run through scripts/e2e.sh (after connect.test.mjs: this test connects and disconnects too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eEnv, useBrowser } from './lib.mjs';

const { url: BASE, key: KEY, user: USER, password: PASSWORD } = e2eEnv('url', 'key', 'user', 'password');
const AXE = createRequire(import.meta.url).resolve('axe-core');
const ARTIFACTS = join(new URL('../../', import.meta.url).pathname, 'tests/artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** A list with more bad rows than the reject list shows at once, and long values. */
function listWithRejects() {
  const lines = ['email,phone,first_name,a_rather_long_column_name_for_notes'];
  for (let i = 0; i < 40; i++) {
    const email = i % 2 ? `not-an-email-${i}` : `Person.${i}.With.A.Long.Name@Example-Company-Domain.com`;
    const phone = i % 4 === 1 ? 'call me' : `+1 415 555 ${String(1000 + i)}`;
    lines.push(`${email},${phone},Name${i},a note that is long enough to widen the preview table`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'tikhash-a11y-')), 'rejects.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** axe-core's violations in the page as it is now: [{ id, impact, help, targets }]. */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

function describe(found) {
  return found.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.targets.join('\n    ')}`).join('\n  ');
}

/**
 * Page width against the viewport (the page must never scroll sideways), and the outermost
 * elements that stick out past the right edge, for the failure message.
 */
const sideways = (page) =>
  page.evaluate(() => {
    const inner = window.innerWidth;
    const out = (el) => el.getBoundingClientRect().right > inner + 0.5;
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => out(el) && !clipped(el) && !(el.parentElement && el.parentElement !== document.body && out(el.parentElement)))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
    return { scroll: document.documentElement.scrollWidth, inner, culprits };
  });

/** Checks one step at 1280 px and at 390 px (axe, no sideways scroll) and saves the 390 px screenshot. */
async function checkStep(page, step) {
  for (const viewport of [WIDE, PHONE]) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const found = await violations(page);
    assert.equal(found.length, 0, `${step} at ${viewport.width} px: axe found ${found.length} violation(s):\n  ${describe(found)}`);
    const { scroll, inner, culprits } = await sideways(page);
    assert.ok(scroll <= inner, `${step} at ${viewport.width} px: the page scrolls sideways (${scroll} px of content in ${inner} px): ${culprits.join(', ')}`);
    if (viewport === PHONE) await page.screenshot({ path: join(ARTIFACTS, `a11y-390-${step}.png`), fullPage: true });
  }
  await page.setViewportSize(WIDE);
}

/**
 * A box that scrolls on its own must be reachable and scrollable by keyboard: tabindex 0, a
 * role and a name, in the Tab order after `from`, and arrow keys / Page Down scroll it.
 */
async function assertKeyboardScroller(page, selector, { from, axis }) {
  const box = page.locator(selector);
  const info = await box.evaluate((el) => ({
    tabIndex: el.tabIndex,
    role: el.getAttribute('role'),
    name: el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') && document.getElementById(el.getAttribute('aria-labelledby'))?.textContent),
    overflowX: el.scrollWidth > el.clientWidth,
    overflowY: el.scrollHeight > el.clientHeight,
  }));
  assert.equal(info.tabIndex, 0, `${selector} is in the Tab order`);
  assert.ok(info.role, `${selector} has a role`);
  assert.ok(info.name?.trim(), `${selector} has an accessible name`);
  assert.ok(axis === 'x' ? info.overflowX : info.overflowY, `${selector} scrolls inside its box (${axis})`);
  if (from) {
    await page.focus(from);
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await box.evaluate((el) => document.activeElement === el);
    }
    assert.ok(reached, `Tab from ${from} reaches ${selector}`);
  } else {
    await box.focus();
  }
  const key = axis === 'x' ? 'ArrowRight' : 'PageDown';
  const prop = axis === 'x' ? 'scrollLeft' : 'scrollTop';
  const before = await box.evaluate((el, p) => el[p], prop);
  for (let i = 0; i < 5; i++) await page.keyboard.press(key);
  await page.waitForFunction(([sel, p, b]) => document.querySelector(sel)[p] > b, [selector, prop, before], { timeout: 3000 });
}

const browser = useBrowser();

test('every step: zero axe violations, no sideways scroll at 390 px and 1280 px, keyboard-scrollable boxes', async () => {
  // The proxy's CSP allows no inline script: axe is injected as one, so this context bypasses it.
  const context = await browser.newContext({ viewport: WIDE, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());

  // The sign-in page, then its error after a wrong password.
  await page.goto(`${BASE}/signin.html`);
  await checkStep(page, '01-signin');
  await page.fill('#signin-name', USER);
  await page.fill('#signin-password', 'not the password');
  await page.click('#signin-submit');
  await page.waitForSelector('#signin-error:not([hidden])');
  await checkStep(page, '02-signin-error');
  await page.fill('#signin-password', PASSWORD);
  await page.click('#signin-submit');
  await page.waitForURL(`${BASE}/`);

  // Step 0, not connected.
  await page.waitForSelector('#account-connect:not([hidden])');
  await page.waitForSelector('#sandbox-banner:not([hidden])');
  await page.waitForFunction(() => window.tikhashApp && (document.getElementById('history-status').textContent !== '' || document.querySelector('#history-body tr')));
  await checkStep(page, '03-step0-not-connected');

  // The sandbox's consent page opened without a request (its error), then through Connect.
  await page.goto(`${BASE}/sandbox-consent.html`);
  await page.waitForSelector('#consent-error:not([hidden])');
  await checkStep(page, '04-consent-without-request');
  await page.goto(`${BASE}/`);
  await page.waitForSelector('#account-connect:not([hidden])');
  await page.click('#account-connect');
  await page.waitForURL(/\/sandbox-consent\.html\?/);
  await checkStep(page, '05-consent');
  await page.click('#consent-authorize');
  await page.waitForSelector('body[data-tiktok-connected="true"]');
  await page.waitForSelector('#account-pickers:not([hidden])');
  await page.waitForSelector('#audience-pick option', { state: 'attached' });
  // Back from the consent page, step 0 is at the top of the window (its status in view).
  await page.waitForFunction(() => Math.abs(document.getElementById('tiktok-account').getBoundingClientRect().top) < 2, null, { timeout: 5000 });
  assert.equal(await page.textContent('#account-connect'), 'Reconnect');
  assert.ok(!(await page.locator('#account-connect').evaluate((el) => el.classList.contains('primary'))), 'Reconnect is not the main action while connected');
  await checkStep(page, '06-step0-connected');

  // A file: column mapping, preview, and (once hashed) the rejects.
  await page.setInputFiles('#file-input', listWithRejects());
  await page.waitForSelector('body[data-hashed]', { timeout: 20_000 });
  await page.waitForFunction(() => document.getElementById('hash-cancel').disabled);
  await page.waitForSelector('#rejects:not([hidden])');
  await page.fill('#audience-name', `A11y check ${Date.now()}`);
  await checkStep(page, '07-file-hashed-rejects');
  await page.setViewportSize(PHONE);
  await assertKeyboardScroller(page, '#preview-wrap', { from: '#hash-run', axis: 'x' });
  await assertKeyboardScroller(page, '#reject-list', { from: '#preview-wrap', axis: 'y' });
  await page.setViewportSize(WIDE);

  // The dry run: every body in its own box, reachable by keyboard.
  const runsBefore = await page.locator('#history-body tr').count();
  await page.click('#dry-run');
  await page.waitForSelector('#dry-run-out pre');
  // Every request opened, as a user reading them all would (the member lists are long).
  await page.$$eval('#dry-run-out details', (all) => all.forEach((d) => (d.open = true)));
  await checkStep(page, '08-dry-run');
  await page.setViewportSize(PHONE);
  await assertKeyboardScroller(page, '#dry-run-out details:nth-of-type(2) pre', { from: '#dry-run-out details:nth-of-type(2) summary', axis: 'y' });
  await page.setViewportSize(WIDE);

  // A sync, its result and its row in History.
  await page.click('#sync');
  await page.waitForFunction(() => document.body.dataset.synced || !document.getElementById('sync-error').hidden, null, { timeout: 30_000 });
  assert.ok(!(await page.locator('#sync-error').isVisible()), await page.textContent('#sync-error'));
  await page.waitForFunction((n) => document.querySelectorAll('#history-body tr').length > n, runsBefore);
  await page.waitForSelector('#history-body tr:first-child[data-status="ok"]');
  // One sync is one run: the dry run before it recorded none.
  assert.equal(await page.locator('#history-body tr').count(), runsBefore + 1, await page.textContent('#history-body'));
  await checkStep(page, '09-synced-history');
  await page.setViewportSize(PHONE);
  await assertKeyboardScroller(page, '#history-wrap', { from: '#history-refresh', axis: 'x' });
  await page.setViewportSize(WIDE);

  // An error: an advertiser the connection does not cover (the proxy refuses it, 403).
  await page.fill('#advertiser-id', '7012345678901234567');
  await page.click('#sync');
  await page.waitForSelector('#sync-error:not([hidden])', { timeout: 30_000 });
  // A connected account: the fix is in step 0, not in the proxy's environment.
  const refusal = await page.textContent('#sync-error');
  assert.match(refusal, /connected TikTok account does not manage this advertiser/, refusal);
  assert.doesNotMatch(refusal, /TIKHASH_ADVERTISER_IDS/, refusal);
  await checkStep(page, '10-sync-error');

  // Disconnect, so the proxy is left as it was found.
  await page.click('#account-disconnect');
  await page.waitForSelector('body[data-tiktok-connected="false"]');
  assert.deepEqual(errors, []);
  await context.close();
});

// Signing the browser tests in the way a user does: through the one-time link the proxy
// printed at start-up (scripts/e2e.sh reads it from the proxy's log), or through the sign-in
// page with a user added by `tikhash-proxy users add`.
import assert from 'node:assert/strict';

/** Opens the sign-in link in a fresh context; returns that context's storage state (the cookie). */
export async function signInThroughLink(browser, link = process.env.TIKHASH_E2E_LOGIN) {
  if (!link) throw new Error('TIKHASH_E2E_LOGIN is not set: run the browser tests through scripts/e2e.sh');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.waitForSelector('body[data-signed-in="admin"]', { timeout: 10_000 });
  assert.ok(!page.url().includes('login='), `the token is still in the address bar: ${page.url()}`);
  const state = await context.storageState();
  const cookie = state.cookies.find((c) => c.name === 'tikhash_session');
  assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
  await context.close();
  return state;
}

/** Signs `page` in through /signin.html. */
export async function signInWithPassword(page, base, name, password) {
  await page.goto(`${base}/signin.html`);
  await page.fill('#signin-name', name);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
}

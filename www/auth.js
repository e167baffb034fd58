// Signing in to the proxy. On load: trades a one-time `?login=` link (printed by the proxy at
// start-up) for a session cookie, removing the token from the address bar first; then shows
// who is signed in. The token is sent in a POST from this page, so the proxy's Origin check
// applies to it. `ready` settles once that is done; `signInRequired()` shows the plain
// "sign in" message when the proxy answers 401.

const $ = (id) => document.getElementById(id);

async function tradeLink() {
  const params = new URLSearchParams(location.search);
  const token = params.get('login');
  if (!token) return;
  params.delete('login');
  const rest = params.toString();
  // Out of the address bar (and history) before anything else can read or share it.
  history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
  try {
    const res = await fetch('/tikhash/login/link', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
    });
    if (!res.ok) showMessage('This sign-in link was already used or has expired. Restart the proxy for a new one, or', true);
  } catch {
    showMessage('The proxy cannot be reached to sign in.', false);
  }
}

/** Who is signed in: { name, role, via } or null. */
export async function whoAmI() {
  try {
    const res = await fetch('/tikhash/session', { cache: 'no-store', credentials: 'same-origin' });
    if (!res.ok) return null;
    const env = await res.json();
    return env.code === 0 ? env.data : null;
  } catch {
    return null;
  }
}

function showMessage(text, withLink) {
  const box = $('auth-status');
  if (!box) return;
  box.replaceChildren(document.createTextNode(`${text} `));
  if (withLink) {
    const a = document.createElement('a');
    a.href = '/signin.html';
    a.textContent = 'Sign in';
    box.append(a);
  }
  box.hidden = false;
}

function showSignedIn(who) {
  const box = $('auth-status');
  if (!box) return;
  box.replaceChildren(document.createTextNode(`Signed in as ${who.name} (${who.role}). `));
  const out = document.createElement('button');
  out.type = 'button';
  out.id = 'sign-out';
  out.textContent = 'Sign out';
  out.addEventListener('click', async () => {
    await fetch('/tikhash/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
    location.reload();
  });
  box.append(out);
  box.hidden = false;
  document.body.dataset.signedIn = who.role;
}

/** Shows the "not signed in" message (the proxy answered 401). */
export function signInRequired() {
  delete document.body.dataset.signedIn;
  showMessage('You are not signed in to the proxy (or your session ended).', true);
}

export const ready = (async () => {
  await tradeLink();
  const who = await whoAmI();
  if (who) showSignedIn(who);
  else if (!$('auth-status')?.textContent) signInRequired();
  return who;
})();

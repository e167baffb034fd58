// The sign-in form: posts the name and password as JSON (so the proxy's Origin check applies)
// and goes back to the page on success. Every failure gets the same message.

const form = document.getElementById('signin-form');
const error = document.getElementById('signin-error');

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.hidden = true;
  const name = form.elements.name.value;
  const password = form.elements.password.value;
  let res;
  try {
    res = await fetch('/tikhash/login/password', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
      credentials: 'same-origin',
    });
  } catch {
    res = null;
  }
  form.elements.password.value = '';
  if (res?.ok) {
    location.assign('/');
    return;
  }
  error.textContent = res?.status === 429 ? 'Too many attempts. Wait a minute, then try again.' : 'Sign-in failed. Check the name and password.';
  error.hidden = false;
});

// The sandbox's consent page: carries the `state` the proxy issued into the Authorize form
// (TikTok's real page does the same with its own form). No state: nothing to authorize.

const params = new URLSearchParams(location.search);
const state = params.get('state');
const form = document.getElementById('consent-form');
if (state) {
  document.getElementById('consent-state').value = state;
} else {
  form.hidden = true;
  document.getElementById('consent-error').hidden = false;
}

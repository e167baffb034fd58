// How a user's web app imports tikhash from npm: a bare import, bundled by Vite.
import { init, hash } from 'tikhash';

await init();
const input = document.getElementById('email');
const out = document.getElementById('out');
const show = () => {
  try {
    out.textContent = hash('email', input.value);
  } catch (err) {
    out.textContent = `rejected: ${err.code}`;
  }
};
input.addEventListener('input', show);
show();
document.body.dataset.ready = '1';

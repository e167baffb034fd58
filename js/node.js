// Entry for Node.js: the module is loaded synchronously at import, so `init()` is optional.
import { readFileSync } from 'node:fs';
import { initSync } from './tikhash_core.js';
import { markReady } from './api.js';

export * from './api.js';

initSync({ module: readFileSync(new URL('./tikhash_core_bg.wasm', import.meta.url)) });
markReady();

/** Already loaded under Node; kept so the same code runs in browsers and Node. */
export function init() {
  return Promise.resolve();
}

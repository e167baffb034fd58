// Entry for browsers and bundlers: `await init()` once, then call the functions.
import initCore from './tikhash_core.js';
import { markReady } from './api.js';

export * from './api.js';

let loading = null;

/**
 * Loads the WebAssembly module. Call once and await it before anything else; later calls
 * return the same promise. `wasm` may be a URL, a Response, bytes or a WebAssembly.Module.
 */
export function init(wasm) {
  loading ??= initCore(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => markReady());
  return loading;
}

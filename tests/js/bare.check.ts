// Compiled by `tsc -p tsconfig.bare.json` (never run): a project with only lib ES2022 (neither
// the DOM lib nor @types/node) must type-check against the package's types: no platform type
// may leak into them, and bytes are still accepted everywhere.
import { init, hashCsv, hashBatch } from '../../pkg/index.js';

export async function bareUsage(bytes: Uint8Array, wasm: ArrayBuffer): Promise<number> {
  await init(wasm);
  await init('/tikhash_core_bg.wasm');
  const { rows } = await hashCsv(bytes, { defaultCountry: 'FR' });
  const { hashes } = hashBatch('email', ['a@b.co']);
  // @ts-expect-error: an object is not where the wasm is
  await init({ href: '/tikhash_core_bg.wasm' });
  return rows + hashes.length;
}

// `tikhash/sync` in a project with neither the DOM lib nor @types/node: a fake fetch fits.
import { proxyTransport as bareTransport, type HttpResponse } from '../../pkg/sync/index.js';

export function bareSyncUsage(): unknown {
  const answer: HttpResponse = {
    status: 200,
    ok: true,
    json: async () => ({ code: 0 }),
    text: async () => '{"code":0}',
    arrayBuffer: async () => new ArrayBuffer(0),
    clone: () => answer,
  };
  return bareTransport({ fetch: async () => answer });
}

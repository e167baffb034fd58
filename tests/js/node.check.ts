// Compiled by `tsc -p tsconfig.node.json` (never run): a Node-only project (lib ES2022 and
// @types/node, no DOM lib) must type-check against the package's types, with the sources a
// Node script has: a file stream, a Buffer, a web ReadableStream, a Blob, the .wasm bytes.
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { Blob } from 'node:buffer';
import { init, hashBatchPacked, hashCsv, inspectCsv, planCustomerFileMirror, type HashCsvResult, type WasmSource } from '../../pkg/index.js';

export async function nodeUsage(path: string): Promise<string> {
  await init();
  await init(readFileSync(new URL('../../pkg/tikhash_core_bg.wasm', import.meta.url)));
  await init(new URL('file:///tmp/tikhash_core_bg.wasm'));
  const fromUrl: WasmSource = 'https://example.com/tikhash_core_bg.wasm';
  const controller = new AbortController();
  const fromFile: HashCsvResult = await hashCsv(createReadStream(path), {
    defaultCountry: 'GB',
    workers: 2,
    signal: controller.signal,
    onProgress: ({ rows, bytes }) => void (rows + bytes),
  });
  const fromBuffer = await hashCsv(readFileSync(path), { columns: { Phone: 'phone' } });
  const fromReadable = await hashCsv(Readable.from(['email\n', 'a@b.co\n']));
  const fromWebStream = await hashCsv(new ReadableStream<Uint8Array>({ start: (c) => c.close() }));
  const fromBlob = await hashCsv(new Blob(['email\na@b.co\n']));
  const { header } = await inspectCsv(new Uint8Array(readFileSync(path)));
  const { packed, width } = hashBatchPacked('phone', ['020 7183 8750'], { defaultCountry: 'GB' });
  const plan = planCustomerFileMirror({ calculateType: 'PHONE_SHA256', previous: Buffer.alloc(0), current: [packed.slice(0, width)] });
  // @ts-expect-error: a number is not a CSV source
  await hashCsv(42);
  // @ts-expect-error: a stream of text chunks is not a stream of bytes
  await hashCsv(new ReadableStream<number>());
  // @ts-expect-error: a number is not where the wasm is
  await init(7);
  return [fromUrl, fromFile.rows, fromBuffer.rows, fromReadable.rows, fromWebStream.rows, fromBlob.rows, header.join(), plan.steps.length].join();
}

// `tikhash/sync` from a Node script (the CLI's situation): Node's own fetch and an AbortSignal fit.
import { proxyTransport as nodeTransport, runSync as nodeRunSync } from '../../pkg/sync/index.js';

export function nodeSyncUsage(): unknown {
  const io = nodeTransport({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'tikhash_x', fetch: globalThis.fetch });
  // @ts-expect-error: credentials are fetch's three words
  nodeTransport({ credentials: 'always' });
  return [io, nodeRunSync, new AbortController().signal.aborted];
}

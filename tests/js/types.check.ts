// Compiled by `tsc` (never run): usage a TypeScript user would write must type-check against
// the hand-kept index.d.ts, and misuse must not (the @ts-expect-error lines fail the build if
// the types ever become too loose).
import { init, normalize, hash, hashBatch, hashBatchPacked, rejectCodes, hashCsv, inspectCsv, detectColumns, rejectReason, type BatchResult, type RejectCode, type HashCsvResult } from '../../pkg/index.js';

export async function csvUsage(bytes: Uint8Array): Promise<string> {
  const r: HashCsvResult = await hashCsv(bytes, { columns: { Email: 'email' }, defaultCountry: 'GB', workers: 2, onProgress: ({ rows }) => void rows });
  const first = r.rejected[0];
  const where: string = first ? `row ${first.row} ${first.column ?? 'row'}: ${rejectReason(first.code)}` : '';
  const { packed, width } = r.columns.Email;
  const { detected, sample } = await inspectCsv(bytes);
  const roles = detectColumns(['E-mail'], sample.map((s) => s.cells));
  // @ts-expect-error: not a kind
  await hashCsv(bytes, { columns: { Email: 'fax' } });
  return where + packed.slice(0, width) + String(detected.Email) + roles.join();
}

export async function usage(): Promise<string[]> {
  await init();
  const n: string = normalize('phone', '020 7183 8750', { defaultCountry: 'GB' });
  const h: string = hash('idfa', '7A3CBEA0-BDF5-11E4-8DFC-AA07A5B093DB', { algorithm: 'md5' });
  const batch: BatchResult = hashBatch('email', ['a@b.co'], { profile: 'customer_file' });
  const first: string | null = batch.hashes[0];
  const codes: RejectCode[] = batch.rejected.map((r) => r.code);
  const { packed, width } = hashBatchPacked('gaid', ['x'], { algorithm: 'md5' });
  const firstPacked: string = packed.slice(0, width);
  // @ts-expect-error: not a kind
  hash('fax', '1');
  // @ts-expect-error: not a profile
  hash('email', 'a@b.co', { profile: 'everything' });
  // @ts-expect-error: md5 is spelled as TikTok spells it, lowercase
  hash('idfa', 'x', { algorithm: 'MD-5' });
  return [n, h, first ?? '', firstPacked, ...codes, ...rejectCodes()];
}

// A browser project (DOM lib): the platform types the DOM declares are accepted.
export async function domUsage(file: File, response: Response, module: WebAssembly.Module, stream: ReadableStream<Uint8Array>): Promise<number> {
  await init(fetch('/tikhash_core_bg.wasm'));
  await init(response);
  await init(module);
  await init(new URL('tikhash_core_bg.wasm', 'https://example.com/'));
  await init(new Uint8Array(8));
  const fromFile = await hashCsv(file, { signal: new AbortController().signal });
  const fromStream = await hashCsv(stream);
  const fromBlob = await hashCsv(new Blob(['email\na@b.co\n']));
  const fromBody = response.body ? await hashCsv(response.body) : fromBlob;
  // @ts-expect-error: a stream of numbers is not a stream of bytes
  await hashCsv(new ReadableStream<number>());
  // @ts-expect-error: a plain object is not a File
  await hashCsv({ size: 3, stream: () => null });
  return fromFile.rows + fromStream.rows + fromBlob.rows + fromBody.rows;
}

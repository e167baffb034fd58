// Compiled by `tsc` (never run): `tikhash/sync` as a TypeScript user would call it must
// type-check against js/sync.d.ts, and misuse must not.
import { hashCsv } from '../../pkg/index.js';
import { Dataset, planSync, dryRun, runSync, proxyTransport, runRecorder, SyncError, type SyncSettings } from '../../pkg/sync/index.js';

export async function syncUsage(bytes: Uint8Array): Promise<number> {
  const result = await hashCsv(bytes, { columns: { Email: 'email' }, profile: 'partner_audience' });
  const data = new Dataset(result, [{ index: 0, kind: 'email', width: 64, options: { profile: 'partner_audience' } }], [], ['Email'], 0);
  const io = proxyTransport({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'tikhash_x', retries: 1 });
  const s: SyncSettings = { object: 'partner', behaviour: 'mirror', advertiserId: '1', audienceName: 'VIP' };
  const plan = await planSync(s, data, io);
  const { requests } = dryRun(plan, s);
  const recorder = runRecorder(io);
  await recorder.apply({ phase: 'start', settings: s, data, exclusive: true });
  try {
    const ctx = await runSync(plan, s, (step, body) => io.send(step, body, s.advertiserId), ({ index }) => void index);
    await recorder.apply({ phase: 'end', ctx });
  } catch (err) {
    if (err instanceof SyncError) void err.tiktokMessage;
    await recorder.apply({ phase: 'error', err });
  }
  // @ts-expect-error: not an object
  const bad: SyncSettings = { object: 'audience', behaviour: 'upsert', advertiserId: '1' };
  void bad;
  return requests.length + (recorder.id?.length ?? 0);
}

// Compiled by `tsc` (never run): payload usage must type-check against js/payload.d.ts, and
// the expect-error lines below fail the build if the types ever become too loose. Run with a
// tsconfig that extends tsconfig.json and lists this file.
import {
  buildSegmentMapping, buildCustomAudienceUpdate, buildEventBatches, buildCustomerFile,
  mirrorDiff, mirrorRows, planCustomerFileMirror, digestsToHex, dryRun, hashCsv,
  type SegmentMappingBody, type TrackBody, type MirrorPlan,
} from '../../pkg/index.js';

export async function usage(): Promise<string[]> {
  const m = buildSegmentMapping({ advertiserIds: ['1'], audienceIds: ['2'], columns: { email: ['a@b.co', null], gaid: [null, 'x'] }, options: { algorithm: 'md5' } });
  const body: SegmentMappingBody = m.requests[0];
  const schema: string = body.id_schema[0];
  const codes: string[] = m.rejected.map((r) => `${r.row}:${r.column ?? ''}:${r.code}`);
  const u = buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', action: 'APPEND', filePaths: ['p'] });
  const action: 'APPEND' | 'REMOVE' | 'REPLACE' | undefined = u.body.action;
  const renamed = buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', name: 'vip 2' });
  const newName: string | undefined = renamed.body.custom_audience_name;
  const e = buildEventBatches({ eventSource: 'web', eventSourceId: 'C1', events: [{ event: 'Purchase', eventTime: new Date(), eventId: 1, properties: { currency: 'USD', value: 1 } }] });
  const track: TrackBody = e.requests[0];
  const f = buildCustomerFile({ kind: 'email', values: ['a@b.co'], advertiserId: '1' });
  const fileName: string = f.upload.body.name;
  const bytes: Uint8Array = f.bytes;
  const d = mirrorDiff(bytes, ['00'.repeat(32)]);
  const plan: MirrorPlan = planCustomerFileMirror({ previous: d.add, current: d.remove, calculateType: 'EMAIL_SHA256', lastReplaceAt: null });
  const retry: number | undefined = plan.refusal?.retryAfter;
  // A Mirror from a column's packed hex: hashCsv's pieces, one string, or bytes.
  const column = (await hashCsv(bytes, { columns: { email: 'email' } })).columns.email;
  const rows: Uint32Array = mirrorRows(d.add, column.hex, { width: 32 }).addedRows;
  const gone: Uint8Array = mirrorRows(d.add, column.packed).remove;
  mirrorRows(d.add, [column.packed, column.hex[0]], { algorithm: 'md5' });
  const fromHex: MirrorPlan = planCustomerFileMirror({ previous: d.add, currentPackedHex: column.hex, calculateType: 'EMAIL_SHA256' });
  // @ts-expect-error: the current list once, as digests or as packed hex
  planCustomerFileMirror({ previous: d.add, current: d.remove, currentPackedHex: column.hex, calculateType: 'EMAIL_SHA256' });
  // @ts-expect-error: pieces are read-only views
  column.hex = [];
  // @ts-expect-error: packed hex is text or bytes, not numbers
  mirrorRows(d.add, [1, 2]);
  // @ts-expect-error: update needs an action
  buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', filePaths: ['p'] });
  // @ts-expect-error: files need an action
  buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', filePaths: ['p'], name: 'x' });
  // @ts-expect-error: TikTok converts to REACH_FREQUENCY only, never back to NORMAL
  buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', audienceSubType: 'NORMAL' });
  // @ts-expect-error: TikTok's upload needs the advertiser
  buildCustomerFile({ kind: 'email', values: ['a@b.co'] });
  // @ts-expect-error: no such event source
  buildEventBatches({ eventSource: 'crm', eventSourceId: 'C1', events: [] });
  // @ts-expect-error: external ids cannot go in a customer file
  buildCustomerFile({ kind: 'external_id', values: [], advertiserId: '1' });
  // @ts-expect-error: a Mirror plan file has one type
  planCustomerFileMirror({ previous: [], current: [], calculateType: 'MULTIPLE_TYPES' });
  return [schema, ...codes, String(action), String(newName), fileName, track.event_source, String(retry), String(rows.length + gone.length + fromHex.add), ...digestsToHex(d.add), dryRun(m)];
}

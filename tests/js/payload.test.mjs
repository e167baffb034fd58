// The payload builders end to end through the built package (run `bash scripts/build-pkg.sh`
// first): the golden bodies of tests/vectors/payload/*.json (the same files the Rust tests
// run), the Mirror diff and plan, dryRun, and that no raw value appears in any body, reject,
// warning or error. node:crypto is the independent check for digests and file signatures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as t from '../../pkg/node.js';

const vectors = (name) => JSON.parse(readFileSync(new URL(`../vectors/payload/${name}.json`, import.meta.url), 'utf8'));
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const md5 = (b) => createHash('md5').update(b).digest('hex');
const NOW = 1704800000;
const DAY = 86400;

function runCase(fn, c) {
  const input = c.options ? { ...c.input, options: c.options } : c.input;
  return t[fn](input);
}

for (const file of ['segment_audience', 'segment_mapping', 'custom_audience', 'events']) {
  const v = vectors(file);
  for (const c of v.cases) {
    const fn = c.function ?? v.function;
    test(`golden ${file}: ${c.name}`, () => {
      if (c.error) {
        assert.throws(() => runCase(fn, c), (e) => e.code === c.error && e instanceof RangeError);
      } else {
        assert.deepStrictEqual(runCase(fn, c), c.expected);
      }
    });
  }
}

for (const c of vectors('customer_file').cases) {
  test(`golden customer_file: ${c.name}`, () => {
    if (c.error) {
      assert.throws(() => runCase('buildCustomerFile', c), (e) => e.code === c.error && e instanceof RangeError);
      return;
    }
    const f = runCase('buildCustomerFile', c);
    assert.ok(f.bytes instanceof Uint8Array);
    const { bytes, ...meta } = f;
    const { text, ...expected } = c.expected;
    assert.equal(new TextDecoder().decode(bytes), text);
    assert.equal(md5(bytes), f.fileSignature, 'file_signature is the MD5 of the exact bytes');
    assert.deepStrictEqual(meta, expected);
  });
}

test('segment mapping: rows line up with id_schema, split at maxRows, GAID as AAID', () => {
  const emails = Array.from({ length: 25 }, (_, i) => (i % 5 === 4 ? null : `Person${i}@Mail.example`));
  const gaids = Array.from({ length: 25 }, (_, i) => (i % 3 === 0 ? '5f3a2b18-9c4d-4e7f-b8e2-17d3a1e69b25' : ''));
  const r = t.buildSegmentMapping({
    advertiserIds: ['1'], audienceIds: ['2'], columns: { gaid: gaids, email: emails }, maxRows: 10,
  });
  assert.equal(r.path, '/segment/mapping/');
  assert.deepStrictEqual(r.requests.map((b) => b.batch_data.length), [10, 10, 2]);
  const notSent = r.rejected.filter((x) => !x.column).map((x) => x.row);
  assert.deepStrictEqual(notSent, [4, 14, 19]);
  for (const b of r.requests) {
    assert.deepStrictEqual(b.id_schema, ['EMAIL_SHA256', 'AAID_SHA256']);
    assert.equal(b.action, 'add');
    for (const row of b.batch_data) assert.equal(row.length, 2);
  }
  assert.deepStrictEqual(r.requests[0].batch_data[0][0], { id: sha256('person0@mail.example'), audience_ids: ['2'] });
  assert.deepStrictEqual(r.requests[0].batch_data[0][1], { id: sha256('5f3a2b18-9c4d-4e7f-b8e2-17d3a1e69b25'), audience_ids: ['2'] });
  assert.deepStrictEqual(r.requests[0].batch_data[1][1], {});
});

test('call errors carry codes and the right error class', () => {
  const base = { advertiserIds: ['1'], audienceIds: ['2'] };
  const code = (fn, c, cls = RangeError) => assert.throws(fn, (e) => e instanceof cls && e.code === c);
  code(() => t.buildSegmentMapping({ ...base, columns: {} }), 'no_columns');
  code(() => t.buildSegmentMapping({ ...base, columns: { email: ['a@b.co'], phone: [] } }), 'column_length_mismatch');
  code(() => t.buildSegmentMapping({ ...base, columns: { email: [] }, maxRows: 10001 }), 'invalid_limit');
  code(() => t.buildSegmentMapping({ ...base, columns: { email: 'x@y.z' } }), 'wrong_type', TypeError);
  code(() => t.buildSegmentMapping(null), 'wrong_type', TypeError);
  code(() => t.buildSegmentAudience({ advertiserId: '1', name: '  ' }), 'empty_name');
  code(() => t.buildEventBatches({ eventSource: 'web', eventSourceId: 'C1', maxEvents: 1001, events: [] }), 'invalid_limit');
  code(() => t.buildEventBatches({ eventSource: 'crm', eventSourceId: 'C1', events: [] }), 'invalid_event_source');
  code(() => t.buildCustomerFile({ kind: 'external_id', values: ['x'], advertiserId: '1' }), 'kind_not_allowed');
  code(() => t.buildCustomerFile({ kind: 'email', values: ['a@b.co'], fileName: 'list.xlsx', advertiserId: '1' }), 'invalid_file_name');
  code(() => t.buildCustomerFile({ kind: 'email', values: ['a@b.co'] }), 'missing_field');
  code(() => t.buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2' }), 'nothing_to_update');
  code(() => t.buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', audienceSubType: 'NORMAL' }), 'invalid_sub_type');
  code(() => t.buildCustomAudienceCreate({ advertiserId: '1', name: 'x', calculateType: 'EMAIL_SHA256', filePaths: Array.from({ length: 501 }, (_, i) => `${i}`.padStart(16, '0')) }), 'too_many_file_paths');
  code(() => t.buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', filePaths: ['p'] }), 'missing_action');
  code(() => t.buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', action: 'DELETE', filePaths: ['p'] }), 'invalid_action');
  code(() => t.buildCustomAudienceCreate({ advertiserId: '1', name: 'x'.repeat(129), calculateType: 'EMAIL_SHA256', filePaths: ['p'] }), 'name_too_long');
});

test('events: the limit per request, ms and ISO times, duplicates sent once', () => {
  const events = Array.from({ length: 2500 }, (_, i) => ({
    event: 'CompletePayment',
    eventTime: i % 2 ? (NOW - i) * 1000 : new Date((NOW - i) * 1000),
    eventId: `order-${i % 2400}`,
    phone: '+44 20 7183 8750',
    properties: { currency: 'GBP', value: i },
  }));
  const r = t.buildEventBatches({ eventSource: 'offline', eventSourceId: '7123', now: NOW, events });
  assert.deepStrictEqual(r.requests.map((b) => b.data.length), [1000, 1000, 400]);
  assert.equal(r.rejected.length, 100);
  assert.ok(r.rejected.every((x) => x.code === 'duplicate_event_id' && x.row >= 2400));
  const first = r.requests[0].data[0];
  assert.equal(first.event_time, NOW);
  assert.deepStrictEqual(first.user, { phone: [sha256('+442071838750')] });
  assert.equal(r.requests[0].data[1].event_time, NOW - 1);
  assert.ok(r.requests.every((b) => b.event_source === 'offline' && !('test_event_code' in b)));
  const lower = t.buildEventBatches({ eventSource: 'web', eventSourceId: 'C1', now: NOW, maxEvents: 7, events: events.slice(0, 20) });
  assert.deepStrictEqual(lower.requests.map((b) => b.data.length), [7, 7, 6]);
});

function packedOf(ids) {
  return t.hexToDigests(ids.map((i) => sha256(`member-${i}`)));
}

test('mirrorDiff over packed digests and hex strings', () => {
  const prev = [1, 2, 3, 4, 4];
  const cur = [3, 4, 5, 6];
  const d = t.mirrorDiff(packedOf(prev), packedOf(cur));
  assert.equal(d.width, 32);
  assert.ok(d.add instanceof Uint8Array && d.remove instanceof Uint8Array);
  assert.deepStrictEqual(t.digestsToHex(d.add), [5, 6].map((i) => sha256(`member-${i}`)).sort());
  assert.deepStrictEqual(t.digestsToHex(d.remove), [1, 2].map((i) => sha256(`member-${i}`)).sort());
  const h = t.mirrorDiff(prev.map((i) => sha256(`member-${i}`).toUpperCase()), cur.map((i) => sha256(`member-${i}`)));
  assert.deepStrictEqual(t.digestsToHex(h.add), t.digestsToHex(d.add));
  const m = t.mirrorDiff(['e0325b8b05ba7d9db78391834c48cec0'], [], { algorithm: 'md5' });
  assert.deepStrictEqual(t.digestsToHex(m.remove, 16), ['e0325b8b05ba7d9db78391834c48cec0']);
  assert.throws(() => t.mirrorDiff(['not hex'], []), (e) => e.code === 'invalid_digest');
  assert.throws(() => t.mirrorDiff(new Uint8Array(33), new Uint8Array(0)), (e) => e.code === 'invalid_digest');
});

test('mirrorDiff: applying the diff to previous gives current (randomized, crosses chunk boundaries)', () => {
  const n = 200_000; // 6.4 MB a side: more than one 4 MiB chunk
  const prev = new Uint8Array(n * 32);
  const cur = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) {
    prev.set(createHash('sha256').update(`p${i % 180_000}`).digest(), i * 32);
    cur.set(createHash('sha256').update(`p${(i + 20_000) % 200_000}`).digest(), i * 32);
  }
  const d = t.mirrorDiff(prev, cur);
  const set = (u8) => new Set(t.digestsToHex(u8));
  const applied = set(prev);
  for (const h of t.digestsToHex(d.remove)) assert.ok(applied.delete(h));
  for (const h of t.digestsToHex(d.add)) {
    assert.ok(!applied.has(h));
    applied.add(h);
  }
  assert.deepStrictEqual(applied, set(cur));
});

test('customer-file Mirror plan: refusal within 24 h with TikTok\'s words, then the files', () => {
  const previous = packedOf([...Array(3000).keys()]);
  const current = packedOf([...Array(3000).keys()].map((i) => i + 2500));
  const refused = t.planCustomerFileMirror({
    previous, current, calculateType: 'EMAIL_SHA256', lastReplaceAt: NOW - 3600, now: NOW, strategy: 'replace',
  });
  assert.equal(refused.strategy, 'none');
  assert.deepStrictEqual(refused.steps, []);
  assert.equal(refused.refusal.code, 'replace_too_soon');
  assert.equal(refused.refusal.message, 'This replace operation is rejected as there is an existing unfinished replace operation for this audience. Please wait until the current operation completes on this audience before re trying. Recommend no more than one replace operation per day.');
  assert.equal(refused.refusal.workarounds.length, 3);
  assert.equal(refused.refusal.retryAfter, NOW - 3600 + DAY);
  assert.match(t.dryRun(refused), /REFUSED \(replace_too_soon\)/);

  const auto = t.planCustomerFileMirror({ previous, current, calculateType: 'EMAIL_SHA256', lastReplaceAt: NOW - 3600, now: NOW });
  assert.equal(auto.strategy, 'append_remove');
  assert.equal(auto.warnings[0].code, 'replace_deferred');
  assert.deepStrictEqual(auto.steps.map((s) => s.action), ['APPEND', 'REMOVE']);
  const [append, remove] = auto.steps.map((s) => s.files[0]);
  assert.equal(append.lines, 2500);
  assert.equal(remove.lines, 2500);
  assert.equal(md5(append.bytes), append.fileSignature);
  const appended = new TextDecoder().decode(append.bytes).trimEnd().split('\n');
  assert.deepStrictEqual(appended, [...Array(2500).keys()].map((i) => sha256(`member-${i + 3000}`)).sort());

  const replace = t.planCustomerFileMirror({ previous, current, calculateType: 'EMAIL_SHA256', lastReplaceAt: NOW - DAY, now: NOW });
  assert.equal(replace.strategy, 'replace');
  assert.equal(replace.steps[0].files[0].lines, 3000);

  const small = t.planCustomerFileMirror({ previous: [], current: packedOf([1, 2]), calculateType: 'EMAIL_SHA256', now: NOW });
  assert.ok(small.warnings.some((w) => w.code === 'audience_below_minimum'));
});

test('dryRun shows the exact bodies', () => {
  const seg = t.buildSegmentAudience({ advertiserId: '7012345678901234567', name: 'vip_customers' });
  const text = t.dryRun(seg);
  assert.ok(text.startsWith('POST /open_api/v1.3/segment/audience/\n'));
  assert.deepStrictEqual(JSON.parse(text.slice(text.indexOf('\n') + 1)), seg.body);
  const f = t.buildCustomerFile({ kind: 'email', values: ['a@b.co', 'bad'], advertiserId: '1' });
  const ft = t.dryRun(f);
  assert.match(ft, /calculate_type=EMAIL_SHA256/);
  assert.match(ft, new RegExp(sha256('a@b.co')));
  assert.match(ft, /rejected row 1 \(not sent\): invalid_email/);
  // The one-line file is shown as exactly one line: no empty line from its final `\n`.
  const fileLines = ft.split('\n').filter((l) => l.startsWith('    '));
  assert.deepStrictEqual(fileLines, [`    ${sha256('a@b.co')}`]);
  const m = t.buildSegmentMapping({ advertiserIds: ['1'], audienceIds: ['2'], columns: { email: ['a@b.co', 'c@d.co', 'e@f.co'] } });
  assert.match(t.dryRun(m, { maxItems: 1 }), /… 2 more/);
  assert.throws(() => t.dryRun({}), TypeError);
});

test('no raw value lands in any body, reject, warning or error', () => {
  const raw = {
    email: ['Secret.Person+vip@Example.org', 'nobody-at-all', 'other.secret@example.org'],
    phone: ['+44 20 7183 8750', '+1 (555) 000-11x', null],
    idfa: ['7A3CBEA0-BDF5-11E4-8DFC-AA07A5B093DB', 'not-a-maid-at-all', null],
    gaid: [null, '00000000-0000-0000-0000-000000000000', null],
  };
  const values = Object.values(raw).flat().filter(Boolean);
  const variants = (v) => [v, v.toLowerCase(), v.trim(), v.replace(/[^0-9a-z@.+-]/gi, '')].filter((s) => s.length > 4);
  const check = (label, value) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    for (const v of values) for (const s of variants(v)) assert.ok(!text.includes(s), `${label} leaks a raw value`);
  };
  const seg = t.buildSegmentMapping({ advertiserIds: ['1'], audienceIds: ['2'], columns: raw });
  check('segment mapping', seg);
  check('segment dryRun', t.dryRun(seg));
  for (const kind of ['email', 'phone', 'idfa']) {
    const f = t.buildCustomerFile({ kind, values: raw[kind], advertiserId: '1' });
    check(`customer file ${kind}`, { ...f, bytes: new TextDecoder().decode(f.bytes) });
  }
  const ev = t.buildEventBatches({
    eventSource: 'offline', eventSourceId: '1', now: NOW,
    events: raw.email.map((email, i) => ({ event: 'Contact', eventTime: NOW, eventId: `e${i}`, email, phone: raw.phone[i] ?? undefined, ttclid: 'x' })),
  });
  check('events', ev);
  // Errors: a raw value in the wrong place must not come back in the message.
  for (const bad of [
    () => t.buildSegmentMapping({ advertiserIds: ['1'], audienceIds: ['2'], columns: { email: raw.email[0] } }),
    () => t.buildEventBatches({ eventSource: 'web', eventSourceId: '1', events: [{ event: 'X', eventTime: 1, eventId: 'a', surname: raw.email[0] }] }),
    () => t.buildCustomerFile({ kind: raw.email[0], values: [], advertiserId: '1' }),
  ]) {
    assert.throws(bad, (e) => {
      check('error message', e.message);
      return typeof e.code === 'string';
    });
  }
});

test('hexToDigests packs either case, refuses a bad row by index, never by value', () => {
  const a = sha256('a@b.co');
  const b = sha256('c@d.co');
  const packed = t.hexToDigests([a, b.toUpperCase()]);
  assert.equal(packed.length, 64);
  assert.deepStrictEqual(t.digestsToHex(packed), [a, b]);
  const md5 = createHash('md5').update('x').digest('hex');
  assert.deepStrictEqual(t.digestsToHex(t.hexToDigests([md5], 16), 16), [md5]);
  assert.deepStrictEqual(t.hexToDigests([]), new Uint8Array(0));
  const secret = `${a.slice(0, 63)}g`;
  assert.throws(
    () => t.hexToDigests([a, secret]),
    (e) => e instanceof RangeError && e.code === 'invalid_digest' && /digest 1 /.test(e.message) && !e.message.includes(secret),
  );
  assert.throws(() => t.hexToDigests([a, null]), (e) => e.code === 'invalid_digest');
  assert.throws(() => t.hexToDigests([a.slice(2)]), (e) => e.code === 'invalid_digest');
  assert.throws(() => t.hexToDigests('nope'), TypeError);
});

test('update: a rename, a sub type or an enhancement alone; the file name goes in name', () => {
  const u = t.buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', name: ' vip 2 ', audienceEnhancement: true });
  assert.deepStrictEqual(u.body, { advertiser_id: '1', custom_audience_id: '2', custom_audience_name: 'vip 2', audience_enhancement: true });
  const rf = t.buildCustomAudienceUpdate({ advertiserId: '1', customAudienceId: '2', audienceSubType: 'REACH_FREQUENCY' });
  assert.deepStrictEqual(rf.body, { advertiser_id: '1', custom_audience_id: '2', audience_sub_type: 'REACH_FREQUENCY' });
  const c = t.buildCustomAudienceCreate({ advertiserId: '1', name: 'v', calculateType: 'EMAIL_SHA256', filePaths: ['a1b2c3d4e5f60718'], retentionInDays: 30, audienceSubType: 'REACH_FREQUENCY', audienceEnhancement: false });
  assert.deepStrictEqual(c.warnings, []);
  assert.equal(c.body.audience_enhancement, false);
  const f = t.buildCustomerFile({ kind: 'email', values: ['a@b.co'], advertiserId: '1' });
  assert.ok('name' in f.upload.body && !('file_name' in f.upload.body));
});

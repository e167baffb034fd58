// Speed of planning a Mirror in headless Chromium with the package's sync engine: N current
// members against a ledger of N where 1% left and 1% are new, the ledger in digest order as the
// proxy returns it. The current list is a Dataset as the page makes it from hashCsv: the
// column's packed hex in pieces of 65,536 rows (a 4 MiB piece of an email file holds ~60,000).
// Times planSync (ledger digests in; mirrorRows / planCustomerFileMirror; the steps out) for a
// Partner Audience and a Customer File audience; the ledger read and the file's hashing are
// not included. After the runs, the package calls planSync makes are timed alone.
// Usage: node bench-mirror.mjs [members] [runs]; TIKHASH_PKG=dir serves another build of pkg/.
import { join } from 'node:path';
import { cpus } from 'node:os';
import { launch } from './lib.mjs';
import { serveStatic } from './static-server.mjs';

const n = Number(process.argv[2] || 1_000_000);
const runs = Number(process.argv[3] || 3);
const root = new URL('../../', import.meta.url).pathname;
const pkg = process.env.TIKHASH_PKG || join(root, 'pkg');
const server = await serveStatic({ '/': join(root, 'www'), '/pkg/': pkg });
const browser = await launch();
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.tikhashApp);
  for (let r = 0; r < runs; r++) {
    const t = await page.evaluate(async ({ n, r, runs }) => {
      const tikhash = await import('/pkg/index.js');
      await tikhash.init();
      const { planSync, dryRun, Dataset } = await import('/pkg/sync/index.js');
      // n random digests; the ledger drops the last 1% and holds 1% the list no longer has
      const fresh = (k) => {
        const b = new Uint8Array(k * 32);
        for (let i = 0; i < b.length; i += 65536) crypto.getRandomValues(b.subarray(i, i + 65536));
        return b;
      };
      const cur = fresh(n);
      const gone = fresh(Math.floor(n / 100));
      const kept = cur.subarray(0, (n - Math.floor(n / 100)) * 32);
      const unordered = new Uint8Array(kept.length + gone.length);
      unordered.set(kept);
      unordered.set(gone, kept.length);
      // The proxy's ledger answers in digest order (ORDER BY digest), as mirrorDiff sorts.
      const previous = tikhash.mirrorDiff(unordered, new Uint8Array(0), { width: 32 }).remove;
      // the column as hashCsv hands it over: ASCII hex in pieces of whole rows
      const ascii = new TextEncoder();
      const hex = [];
      for (let at = 0; at < n; at += 65536) hex.push(ascii.encode(tikhash.digestsToHex(cur.subarray(at * 32, Math.min(n, at + 65536) * 32)).join('')));
      const result = { rows: n, columns: { email: { kind: 'email', width: 64, hex } }, rejected: [] };
      const data = new Dataset(result, [{ index: 0, kind: 'email', width: 64, options: { profile: 'partner_audience' } }], [], ['email'], 0);
      const io = { ledgerMembers: async () => previous, ledgerInfo: async () => ({ lastReplaceAt: null }) };
      const base = { advertiserId: '7012345678901234567', audienceId: '7100000000000000001', audienceName: 'bench', behaviour: 'mirror', algorithm: 'sha256', fileKind: 'email', mirrorStrategy: 'auto' };
      const out = {};
      if (r === runs - 1) {
        // The package's share: each call alone, on the same lists.
        const t0 = performance.now();
        tikhash.mirrorRows(previous, hex, { width: 32 });
        const t1 = performance.now();
        tikhash.planCustomerFileMirror({ previous, currentPackedHex: hex, calculateType: 'EMAIL_SHA256', lastReplaceAt: null });
        out.phases = { mirrorRows: t1 - t0, planCustomerFileMirror: performance.now() - t1 };
      }
      for (const object of ['partner', 'customer_file']) {
        const s = { ...base, object };
        const t0 = performance.now();
        const plan = await planSync(s, data, io);
        const t1 = performance.now();
        const { requests } = dryRun(plan, s);
        out[object] = { planMs: t1 - t0, buildMs: performance.now() - t1, steps: plan.steps.length, requests: requests.length, note: plan.notes[0] };
      }
      return out;
    }, { n, r, runs });
    if (t.phases) {
      console.log(`package calls alone: ${Object.entries(t.phases).map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join(', ')}`);
      delete t.phases;
    }
    for (const [object, x] of Object.entries(t)) {
      console.log(`run ${r + 1} ${object}: plan ${x.planMs.toFixed(0)} ms, build all ${x.requests} bodies ${x.buildMs.toFixed(0)} ms — ${x.note}`);
    }
  }
  console.log(`(${n.toLocaleString('en-US')} members, ${cpus().length}× ${cpus()[0].model.trim()}, ${pkg})`);
} finally {
  await browser.close();
  await server.close();
}

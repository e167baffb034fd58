// Speed of the page on a 1,000,000-row CSV (email + phone) in headless Chromium: time from
// choosing the file to the first preview, and to every row parsed, normalized and hashed.
// Usage: node bench-1m.mjs [rows] [runs]. Prints a Markdown table row per run and the median.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { launch, writeBigCsv } from './lib.mjs';
import { serveStatic } from './static-server.mjs';

const rows = Number(process.argv[2] || 1_000_000);
const runs = Number(process.argv[3] || 3);
const root = new URL('../../', import.meta.url).pathname;
const dir = await mkdtemp(join(tmpdir(), 'tikhash-bench-'));
const csv = join(dir, 'big.csv');
await writeBigCsv(csv, rows);
const size = (await stat(csv)).size;
// TIKHASH_PKG=dir serves another build of pkg/ (A/B of build settings).
const pkg = process.env.TIKHASH_PKG || join(root, 'pkg');
const server = process.env.TIKHASH_E2E_URL ? null : await serveStatic({ '/': join(root, 'www'), '/pkg/': pkg });
const url = process.env.TIKHASH_E2E_URL || server.url;
const browser = await launch();
const results = [];
try {
  for (let r = 0; r < runs; r++) {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('pageerror', e.message));
    await page.goto(url);
    await page.waitForFunction(() => window.tikhashApp);
    await page.waitForTimeout(300); // workers warm, as for a person who reads the page first
    await page.setInputFiles('#file-input', csv);
    await page.waitForSelector('body[data-hashed]', { timeout: 120_000 });
    const t = await page.evaluate(() => ({ ...window.tikhashApp.timings, rows: Number(document.body.dataset.hashed), workers: navigator.hardwareConcurrency }));
    if (t.rows !== rows) throw new Error(`hashed ${t.rows} rows, expected ${rows}`);
    results.push(t);
    console.log(`run ${r + 1}: first preview ${t.firstPreviewMs.toFixed(0)} ms, hashing ${t.hashMs.toFixed(0)} ms, file chosen → all hashed ${t.totalMs.toFixed(0)} ms (${t.workers} workers)`);
    await page.close();
  }
} finally {
  await browser.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
}
const med = (k) => results.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(`\n| rows | file | CPU | first preview | all rows hashed |`);
console.log(`|---:|---:|---|---:|---:|`);
console.log(`| ${rows.toLocaleString('en-US')} | ${(size / 2 ** 20).toFixed(1)} MB | ${cpus().length}× ${cpus()[0].model.trim()} | ${med('firstPreviewMs').toFixed(0)} ms | ${(med('totalMs') / 1000).toFixed(2)} s |`);

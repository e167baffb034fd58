// Where `hashBatch` over N emails (or `--kind idfa`: MD5 of IDFAs) spends its time, phase by phase (medians of 7 runs).
// The core keeps the rows JS wrote in its scratch buffer, so after one `hashBatch` the wasm
// phase can be timed alone by calling `hashBatchScratch` again. Usage: node phases.mjs [--n N] [--kind email|idfa|external_id]
import { hashBatch } from '../pkg/node.js';
import * as core from '../pkg/tikhash_core.js';
import { emails, idfas } from './data.mjs';

const args = process.argv.slice(2);
const N = args.includes('--n') ? Number(args[args.indexOf('--n') + 1]) : 1_000_000;
const kind = args.includes('--kind') ? args[args.indexOf('--kind') + 1] : 'email';
const values = kind === 'idfa' ? idfas(N) : emails(N);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function time(f, runs = 7) {
  const ts = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = f();
    ts.push(performance.now() - t0);
  }
  return [median(ts), out];
}

const options = kind === 'idfa' ? { algorithm: 'md5' } : undefined;
hashBatch(kind, values.slice(0, 10_000), options);
const [total] = time(() => hashBatch(kind, values, options));
const [wasm, r] = time(() => core.hashBatchScratch(kind, N, options));
const mem = core.wasmMemory();
const bytes = new Uint8Array(mem.buffer, r[0], N * r[1]);
// As api.js does under Node: Latin-1 copy of the ASCII hex.
const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
const [decode, hex] = time(() => buf.latin1Slice(0, buf.length));
const w = r[1];
const [slice] = time(() => {
  const h = new Array(N);
  for (let i = 0, p = 0; i < N; i++, p += w) h[i] = hex.slice(p, p + w);
  return h;
});
const rows = [
  ['hashBatch, all of it', total],
  ['wasm: normalize + SHA-256 + hex (`hashBatchScratch`)', wasm],
  ['JS: decode the hex (Buffer.latin1Slice)', decode],
  ['JS: slice it into N strings (mostly young-generation GC)', slice],
  ['JS: write the rows into wasm memory (the rest)', total - wasm - decode - slice],
];
console.log(`| phase (${N.toLocaleString('en')} ${kind}s, Node ${process.version}) | ms (median of 7) |`);
console.log('|---|---:|');
for (const [k, v] of rows) console.log(`| ${k} | ${v.toFixed(0)} |`);
console.log(`\n${(N / total / 1e3).toFixed(2)} M ${kind}s/s end to end`);

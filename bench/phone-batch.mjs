// Phones, wasm against native, side by side in one run over the same file of mixed-country
// numbers (phones.mjs writes it: every region's example mobile numbers, varied, written the
// ways people write international numbers). Each round runs, in a rotating order: the native
// `hash_batch` (benches/phone_batch.rs, a child process timing its own runs), tikhash's
// `hashBatch('phone')` and `hashBatchPacked` through the Node package, the wasm batch alone
// (`hashBatchScratch` on the rows already in wasm memory), the wasm batch of the normalized
// numbers as external ids (crossing + SHA-256 without the phone rules), and
// libphonenumber-js/max + node:crypto on a prefix. Medians; ratios of the medians of this run.
// Usage: node phone-batch.mjs [--n N] [--rounds N] [--no-native]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { hashBatch, hashBatchPacked, normalize } from '../pkg/node.js';
import * as core from '../pkg/tikhash_core.js';
import { phones, PHONES_FILE } from './phones.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : def);
const N = opt('--n', 200_000);
const ROUNDS = opt('--rounds', 7);
const LIB_N = Math.min(N, 20_000);
const root = fileURLToPath(new URL('..', import.meta.url));

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const { rows, regions, distinct } = phones(N);
mkdirSync(dirname(PHONES_FILE), { recursive: true });
writeFileSync(PHONES_FILE, rows.join('\n') + '\n');
const values = readFileSync(PHONES_FILE, 'utf8').split('\n').slice(0, N);

/** libphonenumber-js/max parses and validates, node:crypto hashes the E.164. */
function libphonenumber(vs) {
  const out = new Array(vs.length);
  for (let i = 0; i < vs.length; i++) {
    const p = parsePhoneNumberFromString(vs[i]);
    out[i] = p?.isValid() ? crypto.hash('sha256', p.number) : null;
  }
  return out;
}

// Correctness first: tikhash and libphonenumber-js/max agree on every row of the prefix.
{
  const want = libphonenumber(values.slice(0, LIB_N));
  const got = hashBatch('phone', values.slice(0, LIB_N)).hashes;
  for (let i = 0; i < LIB_N; i++) {
    if (got[i] !== want[i]) throw new Error(`row ${i}: tikhash and libphonenumber-js disagree`);
  }
}
const e164 = values.map((v) => normalize('phone', v));

let nativeBin = null;
if (!args.includes('--no-native')) {
  const built = execFileSync('cargo', ['bench', '-p', 'tikhash', '--bench', 'phone_batch', '--no-run', '--message-format=json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  for (const line of built.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line);
    if (m.reason === 'compiler-artifact' && m.target?.name === 'phone_batch' && m.executable) nativeBin = m.executable;
  }
  if (!nativeBin) throw new Error('could not find the phone_batch bench binary');
}

const timed = (f, vs) => {
  gc();
  const t0 = process.hrtime.bigint();
  const out = f(vs);
  const ns = Number(process.hrtime.bigint() - t0);
  if (out !== undefined && out.length !== undefined && out.length === 0 && vs.length) throw new Error('no output');
  return vs.length / (ns / 1e3);
};

const impls = {
  'tikhash hashBatch (wasm, Node package)': () => timed((vs) => hashBatch('phone', vs).hashes, values),
  'tikhash hashBatchPacked (wasm, Node package)': () => timed((vs) => hashBatchPacked('phone', vs).packed, values),
  'wasm batch alone (hashBatchScratch, rows already in wasm memory)': () => {
    hashBatchPacked('phone', values);
    core.hashBatchScratch('phone', N, undefined); // the same rows again: caches warm as in the others
    return timed(() => core.hashBatchScratch('phone', N, undefined), values);
  },
  'wasm: the normalized numbers as external ids (crossing + SHA-256, no phone rules)': () =>
    timed((vs) => hashBatchPacked('external_id', vs).packed, e164),
  'libphonenumber-js/max + node:crypto': () => timed(libphonenumber, values.slice(0, LIB_N)),
};
const nativeKeys = ['hash_batch', 'hash_batch_hex_into', 'normalize_only', 'sha256_only'];
const speeds = Object.fromEntries([...Object.keys(impls), ...nativeKeys.map((k) => `native ${k}`)].map((k) => [k, []]));
const runNative = () => {
  const r = JSON.parse(execFileSync(nativeBin, [PHONES_FILE, '--runs', '3', '--json'], { encoding: 'utf8' }));
  for (const k of nativeKeys) speeds[`native ${k}`].push(r[k]);
};

// Warm-up: JIT, wasm memory at its working size.
for (const f of Object.values(impls)) f();
const order = [...Object.keys(impls), ...(nativeBin ? ['native'] : [])];
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < order.length; k++) {
    const name = order[(r + k) % order.length];
    if (name === 'native') runNative();
    else speeds[name].push(impls[name]());
  }
  process.stderr.write(`  phones: round ${r + 1}/${ROUNDS}\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => x.toFixed(x < 0.1 ? 3 : 2);
console.log(`Node ${process.version}, ${N.toLocaleString('en')} phones (${distinct} distinct numbers of ${regions} regions, international forms), medians of ${ROUNDS} interleaved rounds\n`);
console.log('| implementation | phones timed | M phones/s (median) | range |');
console.log('|---|---:|---:|---:|');
for (const [name, xs] of Object.entries(speeds)) {
  if (!xs.length) continue;
  const n = name.startsWith('libphonenumber') ? LIB_N : N;
  console.log(`| ${name} | ${n.toLocaleString('en')} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} |`);
}
const m = (k) => median(speeds[k]);
console.log('\n| ratio | value | goal |');
console.log('|---|---:|---:|');
if (nativeBin) {
  console.log(`| wasm hashBatch / native hash_batch | ${(m('tikhash hashBatch (wasm, Node package)') / m('native hash_batch')).toFixed(2)}× | ≥ 0.5× |`);
  console.log(`| wasm hashBatchPacked / native hash_batch_hex_into | ${(m('tikhash hashBatchPacked (wasm, Node package)') / m('native hash_batch_hex_into')).toFixed(2)}× | |`);
}
console.log(`| tikhash hashBatch / libphonenumber-js/max + node:crypto | ${(m('tikhash hashBatch (wasm, Node package)') / m('libphonenumber-js/max + node:crypto')).toFixed(1)}× | |`);

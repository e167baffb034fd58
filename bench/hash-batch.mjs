// Side-by-side hashing benchmark, one Node process, one thread:
// tikhash `hashBatch` against hash-wasm, @noble/hashes, node:crypto and WebCrypto, each doing the
// same trim + lowercase in JS. Rounds are interleaved (the order rotates every round) so that
// noise from other processes hits every implementation alike; medians and ratios come from the
// same run. Usage: node hash-batch.mjs [--quick] [--rounds N] [--n N]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createMD5, createSHA256 } from 'hash-wasm';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { hashBatch } from '../pkg/node.js';
import { emails, idfas } from './data.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const N = opt('--n', quick ? 100_000 : 1_000_000);
const ROUNDS = opt('--rounds', quick ? 3 : 7);
// The slow implementations hash a prefix only: their speed per id does not depend on batch size,
// and hashing all of it would take minutes per round.
const SLOW_N = Math.min(N, quick ? 10_000 : 100_000);
const WEBCRYPTO_N = Math.min(N, quick ? 5_000 : 30_000);

// A collector between timed runs, so one implementation's garbage is not billed to the next.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const norm = (s) => s.trim().toLowerCase();

const sha256wasm = await createSHA256();
const md5wasm = await createMD5();
const te = new TextEncoder();

/** Each implementation maps raw values to lowercase hex digests. */
const email = {
  'tikhash hashBatch': (vs) => hashBatch('email', vs).hashes,
  'hash-wasm createSHA256 (reused)': (vs) => {
    const out = new Array(vs.length);
    for (let i = 0; i < vs.length; i++) {
      sha256wasm.init();
      sha256wasm.update(norm(vs[i]));
      out[i] = sha256wasm.digest('hex');
    }
    return out;
  },
  'node:crypto hash() one-shot': (vs) => {
    const out = new Array(vs.length);
    for (let i = 0; i < vs.length; i++) out[i] = crypto.hash('sha256', norm(vs[i]));
    return out;
  },
  'node:crypto createHash per id': (vs) => {
    const out = new Array(vs.length);
    for (let i = 0; i < vs.length; i++) {
      out[i] = crypto.createHash('sha256').update(norm(vs[i])).digest('hex');
    }
    return out;
  },
  '@noble/hashes sha256': (vs) => {
    const out = new Array(vs.length);
    for (let i = 0; i < vs.length; i++) out[i] = bytesToHex(nobleSha256(utf8ToBytes(norm(vs[i]))));
    return out;
  },
  'WebCrypto subtle.digest (Promise.all ×1000)': async (vs) => {
    const out = new Array(vs.length);
    for (let at = 0; at < vs.length; at += 1000) {
      const chunk = vs.slice(at, at + 1000);
      const ds = await Promise.all(chunk.map((v) => crypto.subtle.digest('SHA-256', te.encode(norm(v)))));
      for (let j = 0; j < ds.length; j++) out[at + j] = Buffer.from(ds[j]).toString('hex');
    }
    return out;
  },
};

const maid = {
  'tikhash hashBatch (idfa, md5)': (vs) => hashBatch('idfa', vs, { algorithm: 'md5' }).hashes,
  'hash-wasm createMD5 (reused)': (vs) => {
    const out = new Array(vs.length);
    for (let i = 0; i < vs.length; i++) {
      md5wasm.init();
      md5wasm.update(norm(vs[i]));
      out[i] = md5wasm.digest('hex');
    }
    return out;
  },
  'node:crypto hash() md5 one-shot': (vs) => {
    const out = new Array(vs.length);
    for (let i = 0; i < vs.length; i++) out[i] = crypto.hash('md5', norm(vs[i]));
    return out;
  },
};

const sizeOf = (name) =>
  name.startsWith('@noble') ? SLOW_N : name.startsWith('WebCrypto') ? WEBCRYPTO_N : N;

function checkSame(impls, values, algorithm) {
  const head = values.slice(0, 1000);
  const want = head.map((v) => crypto.hash(algorithm, norm(v)));
  return Promise.all(
    Object.entries(impls).map(async ([name, f]) => {
      const got = await f(head);
      for (let i = 0; i < head.length; i++) {
        if (got[i] !== want[i]) {
          throw new Error(`${name} disagrees with node:crypto at row ${i}: ${got[i]} vs ${want[i]}`);
        }
      }
    }),
  );
}

async function timeOnce(f, values) {
  gc();
  const t0 = process.hrtime.bigint();
  const out = await f(values);
  const ns = Number(process.hrtime.bigint() - t0);
  if (out.length !== values.length) throw new Error('wrong length');
  return values.length / (ns / 1e3); // M ids/s
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function run(label, impls, values) {
  const names = Object.keys(impls);
  const inputs = Object.fromEntries(names.map((n) => [n, values.slice(0, sizeOf(n))]));
  // One untimed pass each: JIT warm-up, wasm memory grown to its working size.
  for (const n of names) await timeOnce(impls[n], inputs[n].slice(0, Math.min(inputs[n].length, 50_000)));
  const speeds = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length];
      speeds[n].push(await timeOnce(impls[n], inputs[n]));
    }
    process.stderr.write(`  ${label}: round ${r + 1}/${ROUNDS}\n`);
  }
  return Object.fromEntries(names.map((n) => [n, { median: median(speeds[n]), all: speeds[n] }]));
}

const started = Date.now();
const emailValues = emails(N);
const idfaValues = idfas(N);
await checkSame(email, emailValues, 'sha256');
await checkSame(maid, idfaValues, 'md5');
console.log(`correctness: all ${Object.keys(email).length + Object.keys(maid).length} implementations agree on the first 1,000 ids\n`);

const e = await run('email sha256', email, emailValues);
const m = await run('idfa md5', maid, idfaValues);

const wasmPath = new URL('../pkg/tikhash_core_bg.wasm', import.meta.url);
const wasm = readFileSync(wasmPath);
// `gzip -9` as the size budget is defined; zlib's level 9 in Node compresses differently.
let gz;
try {
  gz = execFileSync('gzip', ['-9c', fileURLToPath(wasmPath)], { maxBuffer: 1 << 26 }).length;
} catch {
  gz = gzipSync(wasm, { level: 9 }).length;
}

const fmt = (x) => x.toFixed(x < 0.1 ? 3 : 2);
const spread = (r) => `${fmt(Math.min(...r.all))}–${fmt(Math.max(...r.all))}`;
console.log(`Node ${process.version}, ${N.toLocaleString('en')} ids, medians of ${ROUNDS} interleaved rounds\n`);
console.log('| implementation | ids timed | M ids/s (median) | range |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of Object.entries(e)) {
  console.log(`| ${name} (email, SHA-256) | ${sizeOf(name).toLocaleString('en')} | ${fmt(r.median)} | ${spread(r)} |`);
}
for (const [name, r] of Object.entries(m)) {
  console.log(`| ${name} | ${N.toLocaleString('en')} | ${fmt(r.median)} | ${spread(r)} |`);
}
const t = e['tikhash hashBatch'].median;
const tm = m['tikhash hashBatch (idfa, md5)'].median;
console.log('');
console.log(`| ratio | value | goal |`);
console.log('|---|---:|---:|');
console.log(`| tikhash / hash-wasm (SHA-256) | ${(t / e['hash-wasm createSHA256 (reused)'].median).toFixed(2)}× | ≥ 4× |`);
console.log(`| tikhash / node:crypto hash() (SHA-256) | ${(t / e['node:crypto hash() one-shot'].median).toFixed(2)}× | ≥ 1.1× |`);
console.log(`| tikhash / hash-wasm (MD5) | ${(tm / m['hash-wasm createMD5 (reused)'].median).toFixed(2)}× | |`);
console.log('');
console.log(`wasm binary: ${wasm.length.toLocaleString('en')} bytes, ${gz.toLocaleString('en')} bytes gzipped (-9) (goal ≤ 150,000)`);
console.log(`total time ${((Date.now() - started) / 1000).toFixed(0)} s`);

// mirrorDiff through the built package (pkg/node.js) on 10 million SHA-256 digests a side, the
// size issue #3 asks a browser tab to handle. Not a test (times are reported, never asserted):
//   node tests/js/mirror_diff.bench.mjs            # MIRROR_N / MIRROR_RUNS to change
// The lists overlap by 90% and arrive as packed Uint8Arrays, in random order.
import { randomFillSync } from 'node:crypto';
import * as t from '../../pkg/node.js';

const n = Number(process.env.MIRROR_N ?? 10_000_000);
const runs = Number(process.env.MIRROR_RUNS ?? 3);
const changed = Math.floor(n / 10);

const previous = randomFillSync(new Uint8Array(n * 32));
const current = new Uint8Array(n * 32);
current.set(previous.subarray(0, (n - changed) * 32));
randomFillSync(current.subarray((n - changed) * 32));
// Shuffle current's rows so the shared part is not in the same order on both sides.
const row = new Uint8Array(32);
let seed = 12345;
for (let i = n - 1; i > 0; i--) {
  seed = (seed * 1103515245 + 12345) >>> 0;
  const j = seed % (i + 1);
  row.set(current.subarray(i * 32, i * 32 + 32));
  current.copyWithin(i * 32, j * 32, j * 32 + 32);
  current.set(row, j * 32);
}

const times = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const d = t.mirrorDiff(previous, current);
  times.push(performance.now() - t0);
  if (d.add.length !== changed * 32 || d.remove.length !== changed * 32) throw new Error('wrong diff size');
}
times.sort((a, b) => a - b);
const med = times[Math.floor(times.length / 2)];
const mem = process.memoryUsage();
console.log(
  `mirrorDiff (wasm, Node ${process.version}): ${n} x 2 digests, ${changed} added + ${changed} removed: ` +
    `median ${(med / 1000).toFixed(2)} s over ${runs} runs (min ${(times[0] / 1000).toFixed(2)} s, max ${(times.at(-1) / 1000).toFixed(2)} s); ` +
    `inputs ${(2 * n * 32) / 1e6} MB, process RSS ${(mem.rss / 1e6).toFixed(0)} MB, array buffers ${(mem.arrayBuffers / 1e6).toFixed(0)} MB`,
);

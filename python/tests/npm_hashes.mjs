// The npm package's side of the cross-checks in python/tests: reads jobs
// `[{ kind, options, values }]` (JSON, `null` for a null row) from argv[2], hashes each with
// `hashBatchPacked` from the built package (pkg/, `bash scripts/build-pkg.sh`) and writes
// `[{ width, packed, rejected: [[row, code], ...] }]` to argv[3].
import { readFileSync, writeFileSync } from 'node:fs';
import * as tikhash from '../../pkg/node.js';

const [input, output] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(input, 'utf8'));
const results = jobs.map(({ kind, options, values }) => {
  // The JS batch takes strings only: a null row goes in as '' and comes back `empty`, which
  // the Python side filters out (null in, null out there).
  const { packed, width, rejected } = tikhash.hashBatchPacked(kind, values.map((v) => v ?? ''), options);
  return { width, packed, rejected: rejected.map(({ row, code }) => [row, code]) };
});
writeFileSync(output, JSON.stringify(results));

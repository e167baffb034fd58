// Module worker: parses one chunk of CSV bytes, normalizes and hashes the identifier
// columns with the tikhash wasm core, and returns hashes packed into one string per column
// (fixed width, so row r is `packed.slice(r * w, (r + 1) * w)`), the rejects with their
// chunk-local row numbers, and the raw text of rejected rows (for the local download only;
// it never leaves the page). Event fields come back as plain arrays.
import { init, hashBatchPacked } from '/pkg/index.js';
import { extractColumns } from './csv.js';

const ready = init();
const decoder = new TextDecoder();

/**
 * Hashes one column with the package's packed batch: `packed` holds `col.width` chars per
 * row, '-' for rows without a hash (no string per row for the page to join again). The width
 * follows the algorithm (a digest of another algorithm is not taken for pre-hashed).
 */
function hashColumn(col, values) {
  const { packed, width, rejected } = hashBatchPacked(col.kind, values, col.options);
  if (width !== col.width) throw new Error(`tikhash: expected ${col.width}-character hashes, got ${width}`);
  return { packed, rejected };
}

self.onmessage = async ({ data: job }) => {
  await ready;
  try {
    self.postMessage(run(job));
  } catch (err) {
    self.postMessage({ seq: job.seq, error: { message: String(err?.message ?? err), code: err?.code ?? null } });
  }
};

function run({ seq, bytes, delimiter, ids, extras }) {
  const t0 = performance.now();
  const text = decoder.decode(bytes);
  const wanted = [...ids.map((c) => c.index), ...extras];
  const { rows, columns, line } = extractColumns(text, delimiter, wanted);
  const hashes = [];
  const rejects = []; // [row, idColumnPosition, code]
  const present = new Uint8Array(rows); // 1 when the row has at least one usable identifier
  ids.forEach((col, k) => {
    const { packed, rejected } = hashColumn(col, columns[k]);
    for (const { row, code } of rejected) if (code !== 'empty') rejects.push([row, k, code]);
    for (let r = 0, at = 0; r < rows; r++, at += col.width) if (packed.charCodeAt(at) !== 45) present[r] = 1;
    hashes.push(packed);
  });
  const rejectedRows = new Set(rejects.map((x) => x[0]));
  const noId = [];
  for (let r = 0; r < rows; r++) if (!present[r]) noId.push(r);
  for (const r of noId) rejectedRows.add(r);
  const lines = {};
  for (const r of rejectedRows) lines[r] = line(r);
  const extraCols = extras.length ? columns.slice(ids.length) : [];
  return { seq, rows, hashes, rejects, noId, lines, extras: extraCols, ms: performance.now() - t0 };
}

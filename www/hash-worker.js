// Module worker: parses one chunk of CSV bytes, normalizes and hashes the identifier
// columns with the tikhash wasm core, and returns hashes packed into one string per column
// (fixed width, so row r is `packed.slice(r * w, (r + 1) * w)`), the rejects with their
// chunk-local row numbers, and the raw text of rejected rows (for the local download only;
// it never leaves the page). Event fields come back as plain arrays.
import { init, hashBatch, rejectCodes } from '/pkg/index.js';
// The package's own packed batch call (one string in, one fixed-width hex string out, with
// '-' filling rejected rows): it saves splitting 1M hashes into strings and joining them again.
import * as core from '/pkg/tikhash_core.js';
import { extractColumns } from './csv.js';

const ready = init();
const decoder = new TextDecoder();
let codes = null;

/** Hashes one column; `packed` holds `width` chars per row, '-' for rows without a hash. */
function hashColumn(col, values, rows) {
  codes ??= rejectCodes();
  if (typeof core.hashBatchJoined === 'function') {
    const out = core.hashBatchJoined(col.kind, values.join('\n'), rows, col.options);
    if (out && out[0].length === rows * col.width) {
      const [packed, rowList, reasons] = out;
      const rejected = [];
      for (let j = 0; j < rowList.length; j++) rejected.push({ row: rowList[j], code: codes[reasons[j]] });
      return { packed, rejected };
    }
  }
  // The public API: one string per row.
  const { hashes, rejected } = hashBatch(col.kind, values, col.options);
  const filler = '-'.repeat(col.width);
  const parts = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = hashes[r];
    if (v && v.length !== col.width) rejected.push({ row: r, code: 'wrong_hash_type' });
    parts[r] = v && v.length === col.width ? v : filler;
  }
  return { packed: parts.join(''), rejected };
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
    const { packed, rejected } = hashColumn(col, columns[k], rows);
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

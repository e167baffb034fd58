// Hashes a whole CSV file in module workers, one per core: the file is read as a stream,
// cut into ~4 MB chunks on record boundaries (RecordSplitter), and the chunks are handed to
// whichever worker is free, with at most two chunks in flight per worker (backpressure, so a
// 60 MB file never sits in memory twice). Results are put back in file order.
import { RecordSplitter } from './csv.js';

export const CHUNK_BYTES = 4 << 20;

export class HashPool {
  constructor(size = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2))) {
    this.size = size;
    this.workers = [];
    this.runId = 0;
  }

  #worker(i) {
    if (!this.workers[i]) {
      const w = new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module', name: `tikhash-hash-${i}` });
      w.busy = 0;
      this.workers[i] = w;
    }
    return this.workers[i];
  }

  /** Starts the workers (and their wasm) before the first file arrives. */
  warm() {
    for (let i = 0; i < this.size; i++) this.#worker(i);
  }

  /**
   * Hashes `blob` from byte `start` (just after the header). `ids` are
   * `[{ index, kind, width, options }]`, `extras` are column indexes returned as raw arrays.
   * `onProgress({ bytes, total, rows, ms })`. Resolves to a {@link Dataset}; rejects with an
   * AbortError when `signal` aborts.
   */
  run(blob, { start, delimiter, ids, extras, onProgress = () => {}, signal }) {
    const runId = ++this.runId;
    const total = blob.size - start;
    const t0 = performance.now();
    const results = [];
    let bytesDone = 0;
    let rowsDone = 0;
    let sent = 0;
    let received = 0;
    let readingDone = false;
    let failed = null;
    const waiting = []; // resolvers waiting for a free slot
    const maxInFlight = this.size * 2;

    return new Promise((resolve, reject) => {
      const fail = (err) => {
        if (failed) return;
        failed = err;
        this.runId++; // results still in flight are ignored
        for (const w of this.workers) if (w) w.onmessage = null;
        reject(err);
      };
      signal?.addEventListener('abort', () => fail(new DOMException('Hashing cancelled', 'AbortError')), { once: true });

      const finishIfDone = () => {
        if (failed || !readingDone || received !== sent) return;
        resolve(new Dataset(results, ids, extras, performance.now() - t0));
      };

      const sizes = [];
      const onMessage = (w) => ({ data }) => {
        if (this.runId !== runId) return;
        w.busy--;
        if (data.error) return fail(Object.assign(new Error(data.error.message), { code: data.error.code }));
        results[data.seq] = data;
        received++;
        bytesDone += sizes[data.seq];
        rowsDone += data.rows;
        onProgress({ bytes: Math.min(total, bytesDone), total, rows: rowsDone, ms: performance.now() - t0 });
        waiting.shift()?.();
        finishIfDone();
      };

      const dispatch = (chunk) => {
        let best = null;
        for (let i = 0; i < this.size; i++) {
          const w = this.#worker(i);
          if (!best || w.busy < best.busy) best = w;
        }
        best.onmessage = onMessage(best);
        best.busy++;
        const seq = sent++;
        sizes[seq] = chunk.byteLength;
        const bytes = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();
        best.postMessage({ seq, bytes, delimiter, ids, extras }, [bytes.buffer]);
      };

      (async () => {
        const splitter = new RecordSplitter(CHUNK_BYTES);
        const reader = blob.slice(start).stream().getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (failed) {
            reader.cancel().catch(() => {});
            return;
          }
          if (done) break;
          const chunk = splitter.push(value);
          if (chunk) {
            if (sent - received >= maxInFlight) await new Promise((r) => waiting.push(r));
            if (failed) return reader.cancel().catch(() => {});
            dispatch(chunk);
          }
        }
        const last = splitter.finish();
        if (last) dispatch(last);
        readingDone = true;
        finishIfDone();
      })().catch(fail);
    });
  }
}

/** The hashed file: hashes per identifier column, rejects and event fields, in row order. */
export class Dataset {
  constructor(chunks, ids, extras, ms) {
    this.ids = ids;
    this.extras = extras;
    this.ms = ms;
    this.chunks = chunks;
    this.rejects = []; // { row (file row, header = 1), kind, code }
    this.noId = []; // file rows with no usable identifier
    this.lines = new Map(); // file row → raw text (rejected rows only; local download)
    let rowStart = 0;
    for (const c of chunks) {
      c.rowStart = rowStart;
      for (const [r, k, code] of c.rejects) this.rejects.push({ row: rowStart + r + 2, kind: ids[k].kind, code });
      for (const r of c.noId) this.noId.push(rowStart + r + 2);
      for (const [r, text] of Object.entries(c.lines)) this.lines.set(rowStart + Number(r) + 2, text);
      rowStart += c.rows;
    }
    this.rows = rowStart;
    this.rejects.sort((a, b) => a.row - b.row);
  }

  /** Hex hashes of identifier column `k` for data rows [from, to): '' where there is none. */
  hashes(k, from = 0, to = this.rows) {
    const width = this.ids[k].width;
    const out = [];
    for (const c of this.chunks) {
      const a = Math.max(from, c.rowStart);
      const b = Math.min(to, c.rowStart + c.rows);
      const packed = c.hashes[k];
      for (let r = a; r < b; r++) {
        const at = (r - c.rowStart) * width;
        const h = packed.slice(at, at + width);
        out.push(h.charCodeAt(0) === 45 ? '' : h);
      }
    }
    return out;
  }

  /** Raw values of extra (event field) column `j` for rows [from, to). */
  extra(j, from = 0, to = this.rows) {
    const out = [];
    for (const c of this.chunks) {
      const a = Math.max(from, c.rowStart);
      const b = Math.min(to, c.rowStart + c.rows);
      for (let r = a; r < b; r++) out.push(c.extras[j][r - c.rowStart]);
    }
    return out;
  }

  /** Counts of rejects by reason (identifier-level), plus rows with no usable identifier. */
  summary() {
    const byCode = {};
    for (const r of this.rejects) byCode[r.code] = (byCode[r.code] || 0) + 1;
    return { byCode, noId: this.noId.length };
  }
}

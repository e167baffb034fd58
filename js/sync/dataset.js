// The hashed file as the sync engine reads it (plan.js): hashes per identifier column, event
// fields as text, and the rejects with their spreadsheet rows, all from the package's hashCsv
// result, so the page and the CLI read one file the same way.

export class Dataset {
  /**
   * `result` is hashCsv's answer; `ids` `[{ index, kind, width, options }]` the hashed
   * columns in the order plan.js indexes them; `extras` the text column indexes; `header`
   * the file's header names.
   */
  constructor(result, ids, extras, header, ms) {
    this.ids = ids;
    this.extras = extras;
    this.ms = ms;
    this.rows = result.rows;
    // Per column: its hex pieces and the first row of each (hashCsv's `hex`; never joined).
    // A result without them (a structured clone keeps only `packed`) is read from `packed`.
    this.pieces = ids.map((c) => {
      const column = result.columns[header[c.index]];
      const hex = column?.hex ?? (column?.packed ? [new TextEncoder().encode(column.packed)] : []);
      const starts = [];
      let row = 0;
      for (const piece of hex) {
        starts.push(row);
        row += piece.length / c.width;
      }
      return { hex, starts };
    });
    this.text = extras.map((i) => result.text?.[header[i]] ?? []);
    const kindOf = new Map(ids.map((c) => [header[c.index], c.kind]));
    this.rejects = []; // { row (spreadsheet row), kind (null for the whole row), code }
    this.noId = []; // spreadsheet rows with no usable identifier
    for (const r of result.rejected) {
      if (r.code === 'no_identifier') this.noId.push(r.row);
      else this.rejects.push({ row: r.row, kind: r.column === null ? null : kindOf.get(r.column), code: r.code });
    }
    this.lines = new Map(Object.entries(result.rowText ?? {}).map(([row, text]) => [Number(row), text]));
  }

  /** Column `k`'s rows in the hashBatchPacked layout, as pieces (what mirrorRows reads). */
  packedHex(k) {
    return this.pieces[k].hex;
  }

  /** Hex hashes of identifier column `k` for data rows [from, to): '' where there is none. */
  hashes(k, from = 0, to = this.rows) {
    const width = this.ids[k].width;
    const { hex, starts } = this.pieces[k];
    const out = [];
    // Each piece's overlap is decoded once, then cut into rows.
    for (let p = Math.max(0, pieceOf(starts, from)); p < hex.length && out.length < to - from; p++) {
      const first = Math.max(from, starts[p]);
      const end = Math.min(to, starts[p] + hex[p].length / width);
      if (end <= first) continue;
      const text = latin1.decode(hex[p].subarray((first - starts[p]) * width, (end - starts[p]) * width));
      for (let at = 0; at < text.length; at += width) out.push(text.charCodeAt(at) === 45 ? '' : text.slice(at, at + width));
    }
    while (out.length < to - from) out.push('');
    return out;
  }

  /** Hex hashes of identifier column `k` for the given ascending data rows. */
  hashesAt(k, rows) {
    if (rows.length && rows[rows.length - 1] - rows[0] === rows.length - 1) return this.hashes(k, rows[0], rows[0] + rows.length);
    const width = this.ids[k].width;
    // The rows' hex gathered into one buffer and decoded once, then cut.
    const gathered = new Uint8Array(rows.length * width);
    let i = 0;
    for (const [piece, at] of slots(this, k, rows)) {
      if (piece) gathered.set(piece.subarray(at, at + width), i * width);
      else gathered[i * width] = 45; // past the hashed rows: none
      i++;
    }
    const text = latin1.decode(gathered);
    return Array.from(rows, (_, i) => (text.charCodeAt(i * width) === 45 ? '' : text.slice(i * width, (i + 1) * width)));
  }

  /** True when any of the given ascending data rows has a hash in column `k` (no strings made). */
  anyHashAt(k, rows) {
    for (const [piece, at] of slots(this, k, rows)) if (piece && piece[at] !== 45) return true;
    return false;
  }

  /** Raw values of extra (event field) column `j` for rows [from, to). */
  extra(j, from = 0, to = this.rows) {
    return this.text[j].slice(from, to);
  }

  /** Counts of rejects by reason, plus rows with no usable identifier. */
  summary() {
    const byCode = {};
    for (const r of this.rejects) byCode[r.code] = (byCode[r.code] || 0) + 1;
    return { byCode, noId: this.noId.length };
  }
}

const latin1 = new TextDecoder('latin1');

/**
 * For ascending data rows of column `k`: `[piece, offset]` of each row's hex, walking the
 * pieces once; `[null, 0]` for a row past the hashed ones.
 */
function* slots(data, k, rows) {
  const width = data.ids[k].width;
  const { hex, starts } = data.pieces[k];
  let p = 0;
  for (const r of rows) {
    while (p + 1 < starts.length && starts[p + 1] <= r) p++;
    const at = (r - (starts[p] ?? 0)) * width;
    yield hex[p] && at + width <= hex[p].length ? [hex[p], at] : [null, 0];
  }
}

/** The index of the piece holding `row` (the last start at or before it), or -1. */
function pieceOf(starts, row) {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= row) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

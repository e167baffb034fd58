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
    this.packed = ids.map((c) => result.columns[header[c.index]]?.packed ?? '');
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

  /** Hex hashes of identifier column `k` for data rows [from, to): '' where there is none. */
  hashes(k, from = 0, to = this.rows) {
    const width = this.ids[k].width;
    const packed = this.packed[k];
    const out = [];
    for (let r = from; r < to; r++) {
      const h = packed.slice(r * width, (r + 1) * width);
      out.push(h.charCodeAt(0) === 45 ? '' : h);
    }
    return out;
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

// NOT the page's reader any more: the page reads files with the package's hashCsv (parsed in
// wasm by csv-core, src/csv/). This old hand-written reader stays only because
// tests/e2e/sync.test.mjs imports `parseRecords` to read its fixture values; once that test
// reads them another way (papaparse, or the package), delete this file.

const QUOTE = 34; // "
const LF = 10;

/** Picks the delimiter from the header line: the most frequent of `,` `;` tab `|` outside quotes. */
export function detectDelimiter(headerLine) {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = parseLine(headerLine, d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Parses one record's text (no newline outside quotes) into its fields. */
export function parseLine(line, delimiter = ',') {
  const out = [];
  parseRecords(line, delimiter, (fields) => out.push(...fields), 1);
  return out;
}

/**
 * Parses text into records, calling `onRecord(fields)` for each non-blank record, at most
 * `limit` times. Returns the offset where parsing stopped (the start of the first record not
 * read), so a caller can resume. An unterminated quote runs to the end of the text.
 */
export function parseRecords(text, delimiter, onRecord, limit = Infinity) {
  const n = text.length;
  let i = 0;
  let count = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte order mark
  while (i < n && count < limit) {
    const fields = [];
    let field = '';
    let quoted = false;
    // one record
    for (;;) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          const q = text.indexOf('"', i);
          const end = q === -1 ? n : q;
          field += text.slice(i, end);
          i = end;
        }
        continue;
      }
      if (c === '"' && field === '') {
        quoted = true;
        i++;
      } else if (c === delimiter) {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        fields.push(field);
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        break;
      } else {
        field += c;
        i++;
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) {
      onRecord(fields);
      count++;
    }
  }
  return i;
}

/**
 * Reads the wanted columns of every record in `text` (whole records only). Returns
 * `{ rows, columns, lines }`: `columns[k]` holds the value of column `wanted[k]` for each row
 * (`''` when the row is short), and `lines(r)` rebuilds row r's raw text (for the local
 * download of rejected rows). Blank lines are skipped and not counted.
 */
export function extractColumns(text, delimiter, wanted) {
  const columns = wanted.map(() => []);
  if (text.indexOf('"') === -1) return extractPlain(text, delimiter, wanted, columns);
  const records = [];
  parseRecords(text, delimiter, (fields) => {
    for (let k = 0; k < wanted.length; k++) columns[k].push(fields[wanted[k]] ?? '');
    records.push(fields);
  });
  return {
    rows: records.length,
    columns,
    line: (r) => records[r].map(quoteField(delimiter)).join(delimiter),
  };
}

// The fast path: no quote anywhere in the chunk, so fields are plain slices between
// delimiters and every newline ends a record.
function extractPlain(text, delimiter, wanted, columns) {
  const n = text.length;
  const maxWanted = Math.max(-1, ...wanted);
  const starts = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const cells = new Array(maxWanted + 1);
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = n;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd > pos) {
      starts.push(pos);
      let p = pos;
      for (let c = 0; c <= maxWanted; c++) {
        if (p > lineEnd) {
          cells[c] = '';
          continue;
        }
        let q = text.indexOf(delimiter, p);
        if (q === -1 || q > lineEnd) q = lineEnd;
        cells[c] = text.slice(p, q);
        p = q + 1;
      }
      for (let k = 0; k < wanted.length; k++) columns[k].push(cells[wanted[k]]);
    }
    pos = end + 1;
  }
  return {
    rows: starts.length,
    columns,
    line: (r) => {
      const s = starts[r];
      let e = text.indexOf('\n', s);
      if (e === -1) e = n;
      return text.slice(s, e).replace(/\r$/, '');
    },
  };
}

function quoteField(delimiter) {
  return (f) => (f.includes('"') || f.includes(delimiter) || /[\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
}

/**
 * Cuts a byte stream into chunks that end on a record boundary. `push(bytes)` returns a
 * chunk (Uint8Array) once at least `target` bytes are buffered, else null; `finish()` returns
 * what is left. Quote parity is carried across chunks, so a newline inside a quoted field
 * never splits a record.
 */
export class RecordSplitter {
  constructor(target = 4 << 20) {
    this.target = target;
    this.parts = [];
    this.size = 0;
  }

  push(bytes) {
    this.parts.push(bytes);
    this.size += bytes.length;
    if (this.size < this.target) return null;
    const buf = this.#join();
    const cut = lastBoundary(buf);
    if (cut < 0) {
      this.parts = [buf];
      return null;
    }
    const rest = buf.subarray(cut + 1);
    this.parts = rest.length ? [rest.slice()] : [];
    this.size = rest.length;
    return buf.subarray(0, cut + 1);
  }

  finish() {
    const buf = this.#join();
    this.parts = [];
    this.size = 0;
    return buf.length ? buf : null;
  }

  #join() {
    if (this.parts.length === 1) return this.parts[0];
    const buf = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      buf.set(p, at);
      at += p.length;
    }
    return buf;
  }
}

/** Index of the last LF outside quotes in `buf` (which starts at a record start), or -1. */
export function lastBoundary(buf) {
  if (buf.indexOf(QUOTE) === -1) return buf.lastIndexOf(LF);
  let inQuotes = false;
  let last = -1;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === QUOTE) inQuotes = !inQuotes;
    else if (b === LF && !inQuotes) last = i;
  }
  return last;
}

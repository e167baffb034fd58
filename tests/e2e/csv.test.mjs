// Unit tests of the page's streaming CSV reader (www/csv.js), run under Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectDelimiter, parseRecords, parseLine, extractColumns, RecordSplitter, lastBoundary } from '../../www/csv.js';

const enc = new TextEncoder();
const all = (text, d = ',') => {
  const out = [];
  parseRecords(text, d, (f) => out.push(f));
  return out;
};

test('quoted fields, escaped quotes, CRLF, quoted newlines, BOM, blank lines', () => {
  const text = '\ufeffa,b,c\r\n"x, y","say ""hi""",z\r\n\r\n"multi\nline",,last\n';
  assert.deepEqual(all(text), [['a', 'b', 'c'], ['x, y', 'say "hi"', 'z'], ['multi\nline', '', 'last']]);
});

test('delimiter detection ignores delimiters inside quotes', () => {
  assert.equal(detectDelimiter('email;phone;"a,b"'), ';');
  assert.equal(detectDelimiter('email\tphone'), '\t');
  assert.equal(detectDelimiter('email,phone'), ',');
  assert.deepEqual(parseLine('"a;b";c', ';'), ['a;b', 'c']);
});

test('parseRecords stops after a limit and returns where to resume', () => {
  const text = 'h1,h2\nv1,v2\n';
  const recs = [];
  const end = parseRecords(text, ',', (f) => recs.push(f), 1);
  assert.deepEqual(recs, [['h1', 'h2']]);
  assert.equal(text.slice(end), 'v1,v2\n');
});

test('extractColumns: the plain fast path and the quoted path agree', () => {
  const plain = 'a@x.com,+1 415,u1\r\nb@y.com,,u2\n\nc@z.com\n';
  const quoted = '"a@x.com","+1 415",u1\r\nb@y.com,,u2\n\n"c@z.com"\n';
  for (const text of [plain, quoted]) {
    const r = extractColumns(text, ',', [0, 1, 2]);
    assert.equal(r.rows, 3);
    assert.deepEqual(r.columns, [['a@x.com', 'b@y.com', 'c@z.com'], ['+1 415', '', ''], ['u1', 'u2', '']]);
    assert.equal(r.line(1), 'b@y.com,,u2');
  }
});

test('lastBoundary never cuts inside quotes', () => {
  const buf = enc.encode('a,"b\nc"\nd,"e\nf');
  assert.equal(lastBoundary(buf), 7);
  assert.equal(lastBoundary(enc.encode('no newline')), -1);
});

test('RecordSplitter: any byte-level split gives the same records as one parse', () => {
  let text = 'email,note\n';
  for (let i = 0; i < 300; i++) text += i % 7 === 0 ? `u${i}@x.com,"line one\nline ""two"", ${i}"\n` : `u${i}@x.com,plain ${i}\n`;
  const bytes = enc.encode(text);
  const expected = all(text);
  for (const target of [1, 7, 64, 1000]) {
    for (const piece of [1, 5, 333]) {
      const s = new RecordSplitter(target);
      const chunks = [];
      for (let i = 0; i < bytes.length; i += piece) {
        const c = s.push(bytes.slice(i, i + piece));
        if (c) chunks.push(c.slice());
      }
      const last = s.finish();
      if (last) chunks.push(last);
      const got = chunks.flatMap((c) => all(new TextDecoder().decode(c)));
      assert.deepEqual(got, expected, `target ${target} piece ${piece}`);
    }
  }
});

// Benchmark input, built the way a user's arrives: one CSV text, parsed by `split`. Strings
// sliced out of one flat text read at full speed; freshly concatenated ones would first be
// flattened by V8 and make every implementation look slower on its first pass.

/** A small deterministic PRNG (mulberry32), so every run hashes the same ids. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['alice', 'Bob', 'CHARLIE', 'dana', 'Eve', 'frank', 'Grace', 'heidi', 'Ivan', 'judy', 'Mallory', 'oscar'];
const LAST = ['smith', 'Jones', 'LEE', 'garcia', 'Müller', 'nguyen', 'Kim', 'brown', 'Rossi', 'tanaka'];
const DOMAINS = ['gmail.com', 'Yahoo.com', 'outlook.com', 'Example.CO.uk', 'mail.ru', 'icloud.com', 'GMX.de', 'proton.me'];
const PAD = ['', ' ', '  ', '\t', ' \t'];

/** `n` raw emails (about 25 bytes each: mixed case, white space around), parsed from a CSV text. */
export function emails(n, seed = 1) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const lines = [];
  for (let i = 0; i < n; i++) {
    // ASCII names mostly; one in a hundred carries a non-ASCII letter (real lists have fewer).
    const last = r() < 0.01 ? 'Müller' : pick(LAST).replace('ü', 'u');
    const sep = r() < 0.5 ? '.' : '_';
    const num = Math.floor(r() * 1000);
    lines.push(`${pick(PAD)}${pick(FIRST)}${sep}${last}${num}@${pick(DOMAINS)}${pick(PAD)}`);
  }
  return lines.join('\n').split('\n');
}

/** `n` raw IDFAs (uppercase UUIDs, some with white space), parsed from a CSV text. */
export function idfas(n, seed = 2) {
  const r = rng(seed);
  const hex = '0123456789ABCDEF';
  const lines = [];
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let j = 0; j < 32; j++) {
      if (j === 8 || j === 12 || j === 16 || j === 20) s += '-';
      s += hex[Math.floor(r() * 16)];
    }
    lines.push(r() < 0.2 ? ` ${s} ` : s);
  }
  return lines.join('\n').split('\n');
}

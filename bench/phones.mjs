// Mixed-country phone numbers for the phone benchmarks, from every region libphonenumber
// knows: each region's example mobile number with its last digits varied, kept only where
// libphonenumber-js/max calls the variant valid, written as people write international
// numbers (E.164, spaced, dashed, with white space around). Deterministic: the same rows on
// every run and for every reader, native (benches/phone_batch.rs) and wasm (phone-batch.mjs).
// Usage: node phones.mjs [--n N] [--out FILE]   (default 200,000 rows to data/phones.txt)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getCountries, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';

/** Where the driver and the native bench read the rows from. */
export const PHONES_FILE = fileURLToPath(new URL('./data/phones.txt', import.meta.url));

/** xorshift32: the same sequence everywhere. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Valid numbers (libphonenumber-js/max objects) of every region, up to `perRegion` each. */
export function phonePool(perRegion = 8) {
  const random = rng(7);
  const pool = [];
  const regions = new Set();
  for (const country of getCountries()) {
    const example = getExampleNumber(country, examples);
    if (!example) continue;
    const national = example.nationalNumber;
    let kept = 0;
    for (let attempt = 0; attempt < 40 && kept < perRegion; attempt++) {
      // Vary the last three digits (or keep the example on the first try).
      const tail = attempt === 0 ? '' : String(Math.floor(random() * 1000)).padStart(3, '0');
      const digits = tail ? national.slice(0, -3) + tail : national;
      const parsed = parsePhoneNumberFromString(`+${example.countryCallingCode}${digits}`);
      if (parsed?.isValid()) {
        pool.push(parsed);
        kept++;
      }
    }
    if (kept) regions.add(country);
  }
  return { pool, regions: regions.size };
}

/** `n` raw phone strings drawn from the pool, in the ways people write them. */
export function phones(n, perRegion = 8) {
  const { pool, regions } = phonePool(perRegion);
  const random = rng(11);
  const pad = ['', '', ' ', '  ', '\t'];
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = pool[Math.floor(random() * pool.length)];
    const style = Math.floor(random() * 4);
    const written =
      style === 0
        ? p.number
        : style === 1
          ? p.formatInternational()
          : style === 2
            ? p.formatInternational().replaceAll(' ', '-')
            : `+${p.countryCallingCode} ${p.formatNational()}`;
    rows[i] = pad[Math.floor(random() * pad.length)] + written + pad[Math.floor(random() * pad.length)];
  }
  return { rows, regions, distinct: pool.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
  const n = Number(opt('--n', 200_000));
  const out = opt('--out', PHONES_FILE);
  const { rows, regions, distinct } = phones(n);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, rows.join('\n') + '\n');
  console.log(`${out}: ${n.toLocaleString('en')} phones, ${distinct} distinct numbers of ${regions} regions`);
}

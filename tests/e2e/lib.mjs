// Shared helpers for the browser tests: launching Debian's Chromium (never a downloaded
// browser), fixture generation, and capture of every request a page makes.
import { chromium } from 'playwright-core';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Writes an n-row CSV of emails and phones (varied case, spacing and phone spellings). */
export async function writeBigCsv(path, n) {
  const out = createWriteStream(path);
  out.write('email,phone\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    const a = (i * 2654435761) >>> 0;
    const email = i % 3 === 0 ? ` User.${i}@Example${a % 97}.com ` : `user${i}.${a.toString(36)}@mail${a % 13}.example.org`;
    const sub = String(1000000 + (a % 9000000)).slice(-7);
    const phone = i % 2 === 0 ? `+1 (415) ${sub.slice(0, 3)}-${sub.slice(3)}` : `+44 20 ${sub.slice(0, 4)} ${sub.slice(4)}1`;
    buf += `${email},${phone}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

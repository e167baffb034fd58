// What a screen reader hears while a big file hashes: the status line under the progress bar is
// repainted every 100 ms, but only the start, at most one update every few seconds and the
// final summary reach a live region. Run through scripts/e2e.sh (it starts the proxy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eEnv, useBrowser, writeBigCsv } from './lib.mjs';

const { url: BASE } = e2eEnv('url');

const browser = useBrowser();

const ROWS = 200_000;
/** The page's own pace for progress announcements (ANNOUNCE_PROGRESS_MS in www/app.js). */
const ANNOUNCE_PROGRESS_MS = 5000;

test('hashing a 200,000-row file is announced at its start and end, not at every progress tick', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tikhash-announce-'));
  try {
    const file = join(dir, 'big.csv');
    await writeBigCsv(file, ROWS);
    const page = await browser.newPage();
    await page.goto(BASE);
    await page.waitForFunction(() => window.tikhashApp);
    // Every text a live region in step 3 takes, in order (what a screen reader would read).
    await page.evaluate(() => {
      window.liveTexts = [];
      const live = '[aria-live], [role=status], [role=alert], [role=log]';
      const last = new Map();
      new MutationObserver((records) => {
        for (const r of records) {
          const node = r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement;
          const region = node?.closest(live);
          if (!region || !region.closest('#step-hash')) continue;
          const text = region.textContent;
          if (last.get(region) === text) continue;
          last.set(region, text);
          window.liveTexts.push({ id: region.id, text, at: performance.now() });
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const t0 = Date.now();
    await page.setInputFiles('#file-input', file);
    await page.waitForSelector('body[data-hashed]', { timeout: 60_000 });
    await page.waitForFunction(() => document.getElementById('hash-cancel').disabled);
    const elapsed = Date.now() - t0;
    const texts = await page.evaluate(() => window.liveTexts);
    const said = texts.map((t) => `${t.id}: ${t.text}`).join('\n');
    // The visual line still shows the summary.
    assert.match(await page.textContent('#hash-stats'), new RegExp(`^Done: ${ROWS.toLocaleString('en-US')} rows`));
    // Announced: the start and the summary of each hashing run, plus at most one update per interval.
    const runs = texts.filter((t) => t.text === 'Hashing…').length;
    assert.ok(runs >= 1, said);
    assert.ok(texts.length <= 2 * runs + Math.floor(elapsed / ANNOUNCE_PROGRESS_MS), `${texts.length} announcements in ${elapsed} ms:\n${said}`);
    assert.equal(texts[0].text, 'Hashing…', said);
    assert.match(texts.at(-1).text, new RegExp(`^Done: ${ROWS.toLocaleString('en-US')} rows`), said);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

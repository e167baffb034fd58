// Ad-hoc: screenshot a URL (dev helper). node shot.mjs URL out.png [csv]
import { chromium } from 'playwright-core';
const [url, out, csv] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(url);
await page.waitForTimeout(500);
if (csv) { await page.setInputFiles('#file-input', csv); await page.waitForSelector('body[data-hashed]', { timeout: 20000 }).catch(e => console.log('no hashed', e.message)); }
console.log(await page.locator('#hash-stats').textContent());
await page.screenshot({ path: out, fullPage: true });
await browser.close();

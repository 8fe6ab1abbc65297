// replay.js HAR URL — loads URL in the system's Chromium with every request
// answered from HAR by Playwright's routeFromHAR (a request the HAR does not
// hold is aborted), waits for the page to set its title to "done", and
// prints what it rendered and what failed as one JSON line.
'use strict';
const { chromium } = require('playwright-core');

async function main() {
  const [harPath, url] = process.argv.slice(2);
  if (!harPath || !url) throw new Error('usage: node replay.js HAR URL');
  const browser = await chromium.launch({
    executablePath: process.env.TABTAP_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    // The page's service worker is not replayed: what it answered is in the HAR.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    await context.routeFromHAR(harPath, { notFound: 'abort' });
    const page = await context.newPage();
    const failed = [];
    const errors = [];
    let finished = 0;
    page.on('requestfailed', (r) => failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('requestfinished', () => finished++);
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    try {
      await page.waitForFunction(() => document.title === 'done', null, { timeout: 30000 });
    } catch (e) {
      errors.push(`the page did not finish: ${e.message.split('\n')[0]}`);
    }
    const text = await page.textContent('#out');
    console.log(JSON.stringify({ text, failed, errors, finished }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(String(e && e.stack ? e.stack : e));
  process.exit(1);
});

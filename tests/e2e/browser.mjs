// Launches the system Chromium (Debian's) for tests: never a downloaded
// browser. The flags keep it from reaching for the network at start-up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { isWebDriverEngine, openWebDriverPage } from './webdriver.mjs';

/** The engine the suites run in: `ENGINE=chromium|firefox|webkit`
 * (Chromium by default, through Playwright; the others through WebDriver). */
export const engine = process.env.ENGINE ?? 'chromium';

/** `bfcache`: with the back/forward cache, which Playwright turns off by default. */
export async function launchChromium({ bfcache = false } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'esw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: bfcache ? ['--disable-back-forward-cache'] : [],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A browser of `engine` with a page that has loaded the built package
 * (tests/e2e/pages/blank.html, served with dist/package; or the page at
 * `path`, such as /stats.html, whose `window.esw` is the stats entry):
 * `window.esw` is the package. In Firefox and WebKit `browser` is null and `page` offers
 * what webdriver.mjs implements.
 */
export async function openPackagePage(path = '/') {
  const { startStaticServer, stop } = await import('./static.mjs');
  const site = await startStaticServer();
  const origin = `http://127.0.0.1:${site.address().port}`;
  if (isWebDriverEngine(engine)) {
    let page;
    try {
      page = await openWebDriverPage(engine, `${origin}${path}`);
      await page.waitForFunction(() => window.esw !== undefined);
    } catch (e) {
      await page?.close();
      await stop(site);
      throw e;
    }
    return {
      page,
      browser: null,
      origin,
      async close() {
        await page.close();
        await stop(site);
      },
    };
  }
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.goto(`${origin}${path}`);
  await page.waitForFunction(() => window.esw !== undefined);
  return {
    page,
    browser,
    origin,
    async close() {
      await browser.close();
      await stop(site);
    },
  };
}

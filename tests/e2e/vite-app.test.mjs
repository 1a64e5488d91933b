// The packed tarball (dist/eventsource-wasm-<version>.tgz) installed into a
// fresh Vite 8 + React 19 app with no configuration for it, as a user would:
// the production build renders live events (and, with `share`, three tabs
// on one connection), and the dev server (where
// StrictMode mounts twice) opens one connection only. And Vite 7's dev
// server with the one line the README gives for it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer } from '../server/sse-test-server.mjs';
import { serveDir, stop } from './static.mjs';
import { launchChromium } from './browser.mjs';
import { requests as requestsOf, script as scriptOn } from './sse-client.mjs';
import { installApp, root } from './apps.mjs';

let app;
let app7;
let sse;
let browser;
const base = () => `http://127.0.0.1:${sse.address().port}`;

before(async () => {
  app = installApp('vite-app');
  // The same app on Vite 7, with the one line its dev server needs.
  app7 = installApp('vite7-app', ['vite-app', 'vite7-app']);
  for (const dir of [app, app7]) {
    assert.ok(existsSync(join(dir, 'node_modules/eventsource-wasm/wasm/eventsource_wasm_bg.wasm')));
  }
  sse = await startTestServer(0);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (sse) await stop(sse);
});

const script = (key, responses) => scriptOn(base(), key, responses);
const requests = (key) => requestsOf(base(), key);
/** Whether the server saw the client close its first request to `key`,
 * waiting up to 2 s for the abort to reach it. */
async function clientClosed(key) {
  for (let t = 0; t < 40; t++) {
    if ((await requests(key))[0]?.clientClosed) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
const ticks = (n) =>
  Array.from({ length: n }, (_, i) => ({ text: `id: ${i + 1}\nevent: tick\ndata: {"n":${i + 1}}\n\n`, delay: 60 }));

async function checkPage(origin, key) {
  await script(key, [{ chunks: [...ticks(5), { text: 'event: end\ndata: done\n\n', delay: 60 }] }]);
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${origin}/?sse=${encodeURIComponent(`${base()}/sse/${key}`)}`);
  try {
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'closed', null, {
      timeout: 20_000,
    });
  } catch (e) {
    throw new Error(
      `${e.message}\npage errors: ${errors.join('\n')}\nbody: ${await page.locator('body').textContent()}`,
    );
  }
  const text = async (id) => page.locator(`#${id}`).textContent();
  assert.equal(await text('tick'), '5');
  assert.equal(await text('last'), '5');
  assert.equal(await text('error'), 'none');
  assert.deepEqual(errors, []);
  mkdirSync(join(root, 'target/e2e'), { recursive: true });
  await page.screenshot({ path: join(root, `target/e2e/vite-${key}.png`) });
  await page.close();
  const got = await requests(key);
  assert.equal(got.length, 1, 'one connection for the mount');
  assert.equal(got[0].headers.authorization, 'Bearer from-react');
}

/** A URL change closes the old connection and opens the new one; unmount
 * closes it. */
async function checkLifecycle(origin) {
  const hang = (n) => [{ chunks: ticks(n), end: 'hang' }];
  await script('hookA', hang(2));
  await script('hookB', hang(3));
  const page = await browser.context.newPage();
  const sseUrl = (key) => encodeURIComponent(`${base()}/sse/${key}`);
  await page.goto(`${origin}/?sse=${sseUrl('hookA')}&sse2=${sseUrl('hookB')}`);
  await page.waitForFunction(() => document.getElementById('tick')?.textContent === '2', null, { timeout: 20_000 });
  await page.click('#switch');
  await page.waitForFunction(() => document.getElementById('tick')?.textContent === '3', null, { timeout: 20_000 });
  assert.equal(await clientClosed('hookA'), true, 'the old URL was closed');
  const [a, b] = [await requests('hookA'), await requests('hookB')];
  assert.equal(a.length, 1);
  assert.equal(b.length, 1, 'the new URL opened once');
  assert.equal(b[0].clientClosed, false);
  await page.click('#unmount');
  assert.equal(await clientClosed('hookB'), true, 'unmount closed it');
  await page.close();
}

/** `useEventSource(url, { share: true })` in three tabs: one connection;
 * the tabs that mount late get the beginning, and every tab renders the
 * last tick and the end. */
async function checkShared(origin) {
  const key = 'viteshare';
  await script(key, [{ chunks: [...ticks(30), { text: 'event: end\ndata: done\n\n', delay: 60 }] }]);
  const pages = [];
  try {
    for (let i = 0; i < 3; i++) {
      const page = await browser.context.newPage();
      await page.addInitScript(() => {
        // Every tick the hook renders, in order.
        window.seen = [];
        new MutationObserver(() => {
          const t = document.getElementById('tick')?.textContent;
          if (t && t !== '–' && window.seen.at(-1) !== t) window.seen.push(t);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
      await page.goto(`${origin}/?share&sse=${encodeURIComponent(`${base()}/sse/${key}`)}`);
      pages.push(page);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    for (const page of pages) {
      await page.waitForFunction(() => document.getElementById('state')?.textContent === 'closed', null, {
        timeout: 20_000,
      });
      assert.equal(await page.locator('#tick').textContent(), '30');
      assert.equal(await page.locator('#error').textContent(), 'none');
      const seen = (await page.evaluate(() => window.seen)).map(Number);
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => a - b),
        'ticks in order',
      );
    }
    assert.equal((await requests(key)).length, 1, 'one connection for three tabs');
  } finally {
    for (const page of pages) await page.close();
  }
}

test('the production build renders live events', { timeout: 120_000 }, async () => {
  execFileSync(join(app, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error'], { cwd: app, stdio: 'inherit' });
  const assets = readdirSync(join(app, 'dist/assets'));
  assert.ok(
    assets.some((f) => f.endsWith('.wasm')),
    `the .wasm is emitted as an asset: ${assets}`,
  );
  const server = await serveDir(join(app, 'dist'));
  try {
    await checkPage(`http://127.0.0.1:${server.address().port}`, 'vitebuild');
    await checkShared(`http://127.0.0.1:${server.address().port}`);
  } finally {
    await stop(server);
  }
});

/** Runs the dev server of the app in `dir`; resolves to its origin and a stop function. */
async function devServer(dir) {
  const vite = spawn(
    join(dir, 'node_modules/.bin/vite'),
    ['--host', '127.0.0.1', '--port', '0', '--strictPort', 'false'],
    {
      cwd: dir,
    },
  );
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    vite.stdout.on('data', (d) => {
      out += d;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the terminal's colour codes
      const m = out.replace(/\x1b\[[0-9;]*m/g, '').match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) resolve(m[0]);
    });
    vite.on('exit', (code) => reject(new Error(`vite exited ${code}: ${out}`)));
  });
  return { origin, stop: () => vite.kill() };
}

test('the dev server works with no configuration, and StrictMode opens one connection', {
  timeout: 120_000,
}, async () => {
  const dev = await devServer(app);
  try {
    await checkPage(dev.origin, 'vitedev');
    await checkLifecycle(dev.origin);
  } finally {
    dev.stop();
  }
});

test("Vite 7's dev server works with the README's one line", { timeout: 120_000 }, async () => {
  const dev = await devServer(app7);
  try {
    await checkPage(dev.origin, 'vite7dev');
  } finally {
    dev.stop();
  }
});

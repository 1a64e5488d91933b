// The packed tarball in a fresh Next.js 16 app (App Router, Turbopack for
// both), with no configuration for it: the page is rendered on the server,
// which imports the package, then streams in the browser through
// `useEventSource`. The production build (`next build`, `next start`) and
// the dev server (`next dev`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { launchChromium } from './browser.mjs';
import { requests as requestsOf, script as scriptOn } from './sse-client.mjs';
import { installApp } from './apps.mjs';

let app;
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

let sse;
let browser;
const base = () => `http://127.0.0.1:${sse.address().port}`;

before(async () => {
  app = installApp('next-app');
  sse = await startTestServer(0);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (sse) await stop(sse);
});

/** Runs `next <command>` on a free port; resolves to its origin and a stop function. */
async function next(command) {
  const child = spawn(join(app, 'node_modules/.bin/next'), [command, '--hostname', '127.0.0.1', '--port', '0'], {
    cwd: app,
    env,
  });
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    const seen = (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m && m[1] !== '0') resolve(m[0]);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => reject(new Error(`next ${command} exited ${code}: ${out}`)));
  });
  return { origin, stop: () => child.kill() };
}

async function checkPage(origin, key) {
  const ticks = Array.from({ length: 5 }, (_, i) => ({
    text: `id: ${i + 1}\nevent: tick\ndata: {"n":${i + 1}}\n\n`,
    delay: 60,
  }));
  await scriptOn(base(), key, [{ chunks: [...ticks, { text: 'event: end\ndata: done\n\n', delay: 60 }] }]);
  const url = `${origin}/?sse=${encodeURIComponent(`${base()}/sse/${key}`)}`;
  // The server renders the page (and imports the package) without
  // connecting: the HTML says connecting.
  const html = await (await fetch(url)).text();
  assert.match(html, /rendered on the server/);
  assert.match(html, /id="state">connecting</);
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  try {
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'closed', null, {
      timeout: 60_000,
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
  await page.close();
  assert.equal((await requestsOf(base(), key)).length, 1, 'one connection, from the browser only');
}

test('next build (Turbopack): the page is server-rendered, then streams in the browser', {
  timeout: 300_000,
}, async () => {
  execFileSync(join(app, 'node_modules/.bin/next'), ['build'], { cwd: app, env, stdio: 'ignore' });
  const media = readdirSync(join(app, '.next/static/media'));
  assert.ok(
    media.some((f) => f.endsWith('.wasm')),
    `the .wasm is emitted: ${media}`,
  );
  const server = await next('start');
  try {
    await checkPage(server.origin, 'nextprod');
  } finally {
    server.stop();
  }
});

test('next dev (Turbopack): the page streams', { timeout: 300_000 }, async () => {
  const server = await next('dev');
  try {
    await checkPage(server.origin, 'nextdev');
  } finally {
    server.stop();
  }
});

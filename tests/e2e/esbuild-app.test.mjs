// The packed tarball in a page bundled by esbuild (the version in
// package.json), with its default options plus the README's one line: the
// `.wasm: file` loader, for the module's URL imported from
// `eventsource-wasm/wasm` and given to init(). esbuild does not emit files
// named by `new URL(…, import.meta.url)`, so without it the page would
// fetch a .wasm that is not there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { launchChromium } from './browser.mjs';
import { checkTickPage, installApp } from './apps.mjs';

let app;
let sse;
let browser;

before(async () => {
  app = installApp('esbuild-app');
  sse = await startTestServer(0);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (sse) await stop(sse);
});

test('esbuild bundles it with the one line for the .wasm, and the page gets events', { timeout: 120_000 }, async () => {
  const out = join(app, 'dist');
  await build({
    absWorkingDir: app,
    entryPoints: ['src/index.js'],
    bundle: true,
    format: 'esm',
    outdir: out,
    logLevel: 'error',
    // The README's one line.
    loader: { '.wasm': 'file' },
  });
  cpSync(join(app, 'index.html'), join(out, 'index.html'));
  assert.ok(
    readdirSync(out).some((f) => f.endsWith('.wasm')),
    'the .wasm is emitted',
  );

  await checkTickPage(browser, out, `http://127.0.0.1:${sse.address().port}`, 'esbuild');
});

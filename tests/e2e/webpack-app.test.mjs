// The packed tarball in a plain webpack 5 app with no configuration for it:
// webpack must emit the .wasm as an asset (from `new URL(…, import.meta.url)`)
// and the page must receive events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { launchChromium } from './browser.mjs';
import { checkTickPage, installApp } from './apps.mjs';

let app;
let sse;
let browser;

before(async () => {
  app = installApp('webpack-app');
  sse = await startTestServer(0);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (sse) await stop(sse);
});

test('webpack 5 bundles it with no configuration and the page gets events', { timeout: 120_000 }, async () => {
  const webpack = createRequire(join(app, 'package.json'))('webpack');
  const stats = await new Promise((resolve, reject) =>
    webpack(
      { mode: 'production', context: app, entry: './src/index.js', output: { path: join(app, 'dist') } },
      (err, s) => (err ? reject(err) : resolve(s)),
    ),
  );
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  cpSync(join(app, 'index.html'), join(app, 'dist/index.html'));
  assert.ok(
    readdirSync(join(app, 'dist')).some((f) => f.endsWith('.wasm')),
    'the .wasm is emitted',
  );

  await checkTickPage(browser, join(app, 'dist'), `http://127.0.0.1:${sse.address().port}`, 'webpack');
});

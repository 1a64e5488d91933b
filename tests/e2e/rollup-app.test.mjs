// The packed tarball in a page bundled by Rollup 4 with the node-resolve
// plugin and the README's one line: @web/rollup-plugin-import-meta-assets,
// which emits what `new URL(…, import.meta.url)` names (Rollup alone leaves
// the .wasm behind). The page must receive events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { launchChromium } from './browser.mjs';
import { checkTickPage, installApp } from './apps.mjs';

let app;
let sse;
let browser;
/** A package's entry, resolved from the app. */
const createRequireFrom = (name) => createRequire(join(app, 'package.json')).resolve(name);

before(async () => {
  // The tick page of the webpack app, with Rollup's package.json and index.html.
  app = installApp('rollup-app', ['webpack-app', 'rollup-app']);
  sse = await startTestServer(0);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (sse) await stop(sse);
});

test('Rollup 4 bundles it with node-resolve and the one line for the .wasm, and the page gets events', {
  timeout: 120_000,
}, async () => {
  const from = (name) => import(pathToFileURL(createRequireFrom(name)).href);
  const { rollup } = await from('rollup');
  const { nodeResolve } = await from('@rollup/plugin-node-resolve');
  const { importMetaAssets } = await from('@web/rollup-plugin-import-meta-assets');
  const bundle = await rollup({
    input: join(app, 'src/index.js'),
    // The README's one line: importMetaAssets().
    plugins: [nodeResolve({ browser: true }), importMetaAssets()],
    onwarn: () => {},
  });
  await bundle.write({ dir: join(app, 'dist'), format: 'es' });
  await bundle.close();
  cpSync(join(app, 'index.html'), join(app, 'dist/index.html'));
  const emitted = readdirSync(join(app, 'dist'), { recursive: true });
  assert.ok(
    emitted.some((f) => String(f).endsWith('.wasm')),
    `the .wasm is emitted: ${emitted}`,
  );

  await checkTickPage(browser, join(app, 'dist'), `http://127.0.0.1:${sse.address().port}`, 'rollup');
});

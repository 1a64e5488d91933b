// The packed tarball in a page bundled by Rollup 4 with the node-resolve
// plugin and the README's one line: @web/rollup-plugin-import-meta-assets,
// which emits what `new URL(…, import.meta.url)` names (Rollup alone leaves
// the .wasm behind). The page must receive events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestServer } from '../server/sse-test-server.mjs';
import { serveDir, stop } from './static.mjs';
import { launchChromium } from './browser.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const app = join(root, 'target/rollup-app');
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];

let sse;
let browser;
/** A package's entry, resolved from the app. */
const createRequireFrom = (name) => createRequire(join(app, 'package.json')).resolve(name);

before(async () => {
  execFileSync('node', ['scripts/build-package.mjs', '--no-wasm', '--pack'], { cwd: root, stdio: 'ignore' });
  mkdirSync(app, { recursive: true });
  cpSync(join(root, 'tests/rollup-app'), app, { recursive: true });
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', join(root, `dist/eventsource-wasm-${version}.tgz`)],
    { cwd: app, stdio: 'inherit' },
  );
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

  const base = `http://127.0.0.1:${sse.address().port}`;
  const events = [1, 2, 3].map((n) => ({ text: `id: ${n}\nevent: tick\ndata: t${n}\n\n` }));
  await fetch(`${base}/script/rollup`, {
    method: 'POST',
    body: JSON.stringify([{ chunks: [...events, { text: 'event: end\ndata: x\n\n' }] }]),
  });
  const site = await serveDir(join(app, 'dist'));
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(`http://127.0.0.1:${site.address().port}/?sse=${encodeURIComponent(`${base}/sse/rollup`)}`);
    try {
      await page.waitForFunction(() => document.getElementById('state').textContent === '2', null, { timeout: 20_000 });
    } catch (e) {
      throw new Error(`${e.message}\n${errors.join('\n')}\nout: ${await page.locator('#out').textContent()}`);
    }
    assert.equal(await page.locator('#out').textContent(), '1:t1;2:t2;3:t3;');
    assert.deepEqual(errors, []);
  } finally {
    await stop(site);
  }
});

// The packed tarball in a page bundled by esbuild (the version in
// package.json), with its default options plus the README's one line: the
// `.wasm: file` loader, for the module's URL imported from
// `eventsource-wasm/wasm` and given to init(). esbuild does not emit files
// named by `new URL(…, import.meta.url)`, so without it the page would
// fetch a .wasm that is not there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startTestServer } from '../server/sse-test-server.mjs';
import { serveDir, stop } from './static.mjs';
import { launchChromium } from './browser.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const app = join(root, 'target/esbuild-app');
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];

let sse;
let browser;

before(async () => {
  execFileSync('node', ['scripts/build-package.mjs', '--no-wasm', '--pack'], { cwd: root, stdio: 'ignore' });
  mkdirSync(app, { recursive: true });
  cpSync(join(root, 'tests/esbuild-app'), app, { recursive: true });
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

  const base = `http://127.0.0.1:${sse.address().port}`;
  const events = [1, 2, 3].map((n) => ({ text: `id: ${n}\nevent: tick\ndata: t${n}\n\n` }));
  await fetch(`${base}/script/esbuild`, {
    method: 'POST',
    body: JSON.stringify([{ chunks: [...events, { text: 'event: end\ndata: x\n\n' }] }]),
  });
  const site = await serveDir(out);
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(`http://127.0.0.1:${site.address().port}/?sse=${encodeURIComponent(`${base}/sse/esbuild`)}`);
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

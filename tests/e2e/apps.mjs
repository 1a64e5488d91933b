// What the fresh-app suites share (esbuild, Rollup, webpack, Vite, Next.js,
// Node): the packed tarball installed into an app under target/, as a user
// installs it, and the tick page most of them build.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir, stop } from './static.mjs';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];

/**
 * Packs the package (once per process), copies `sources` (directories of tests/, later ones
 * over earlier ones) into target/<name>, and installs the app's
 * dependencies and the tarball there (node_modules stays in target/ between
 * runs, so this is quick then). Returns the app's directory.
 * @param {string} name
 * @param {string[]} [sources]
 */
let packed = false;
export function installApp(name, sources = [name]) {
  if (!packed)
    execFileSync('node', ['scripts/build-package.mjs', '--no-wasm', '--pack'], { cwd: root, stdio: 'ignore' });
  packed = true;
  const app = join(root, 'target', name);
  mkdirSync(app, { recursive: true });
  for (const from of sources) cpSync(join(root, 'tests', from), app, { recursive: true });
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', join(root, `dist/eventsource-wasm-${version}.tgz`)],
    { cwd: app, stdio: 'inherit' },
  );
  return app;
}

/**
 * Serves the built tick page in `dir` (tests/webpack-app's index.html and
 * src/index.js, or the same in another app) and checks in `browser` that it
 * gets three ticks and the end from the SSE server at `base`, under `key`,
 * with no error on the page.
 */
export async function checkTickPage(browser, dir, base, key) {
  const events = [1, 2, 3].map((n) => ({ text: `id: ${n}\nevent: tick\ndata: t${n}\n\n` }));
  await fetch(`${base}/script/${key}`, {
    method: 'POST',
    body: JSON.stringify([{ chunks: [...events, { text: 'event: end\ndata: x\n\n' }] }]),
  });
  const site = await serveDir(dir);
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(`http://127.0.0.1:${site.address().port}/?sse=${encodeURIComponent(`${base}/sse/${key}`)}`);
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
}

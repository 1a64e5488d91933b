// The packed tarball in a fresh app tested by Jest 30 with its default
// configuration (no transform, no ES-module flag): the package's CommonJS
// copy runs the class in the node environment and a useEventSource
// component in jsdom (with the environment file docs/runtimes.md gives),
// and plain jsdom gets an error that says what is missing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer } from '../server/sse-test-server.mjs';
import { installApp, root } from './apps.mjs';
import { stop } from './static.mjs';

let app;
let sse;

before(async () => {
  app = installApp('jest-app');
  sse = await startTestServer(0);
});

after(async () => {
  if (sse) await stop(sse);
});

test('Jest runs the package in the node and jsdom environments', { timeout: 180_000 }, async () => {
  const base = `http://127.0.0.1:${sse.address().port}`;
  const script = (key, chunks) =>
    fetch(`${base}/script/${key}`, { method: 'POST', body: JSON.stringify([{ chunks }]) });
  await script('jest-node', [
    { text: 'id: 1\nevent: tick\ndata: t1\n\n' },
    { text: 'id: 2\nevent: tick\ndata: t2\n\n' },
    { text: 'event: end\ndata: x\n\n' },
  ]);
  await script('jest-jsdom', [{ text: 'event: tick\ndata: {"price":42}\n\n' }, { text: 'event: end\ndata: x\n\n' }]);
  await script('jest-jsdom-text', [{ text: 'data: hello 1\n\n' }, { text: 'event: end\ndata: x\n\n' }]);
  const result = await promisify(execFile)(join(app, 'node_modules/.bin/jest'), ['--ci'], {
    cwd: app,
    env: { ...process.env, SSE_BASE: base },
    timeout: 150_000,
  }).catch((e) => e);
  assert.equal(result.code ?? 0, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stderr, /Tests: +3 passed, 3 total/);
});

test('docs/runtimes.md gives the jsdom environment file this app runs', () => {
  const file = readFileSync(join(root, 'tests/jest-app/jest.environment.js'), 'utf8');
  assert.ok(readFileSync(join(root, 'docs/runtimes.md'), 'utf8').includes(`\`\`\`js\n${file}\`\`\``));
});

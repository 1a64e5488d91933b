// The demo end to end: the real demo server (examples/server, 3-second
// tokens) serving the built React example, in headless Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
let server;
let origin;
let browser;
let page;
const chatRequests = [];

before(async () => {
  server = spawn(`${root}/target/release/eventsource-wasm-demo-server`, {
    cwd: root,
    env: { ...process.env, PORT: '0', DEMO_ROOT: root, DEMO_TOKEN_TTL: '3' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  origin = await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      const m = String(d).match(/listening (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`demo server exited with ${code}`)));
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('request', (r) => {
    if (/\/v1\/(chat\/completions|messages)$/.test(r.url()) && r.method() === 'POST') chatRequests.push(r.url());
  });
  await page.goto(`${origin}/react/`);
});

after(async () => {
  await browser?.close();
  server?.kill('SIGINT');
});

const text = (id) => page.getByTestId(id).textContent();
const count = async () => Number(await text('count'));
const waitFor = (fn, arg, timeout = 20_000) => page.waitForFunction(fn, arg, { timeout });
const stateIs = (s) => waitFor((s) => document.querySelector('[data-testid=state]')?.textContent === s, s);
const countAbove = (n) => waitFor((n) => Number(document.querySelector('[data-testid=count]')?.textContent) > n, n);

test('the React example renders the live feed', { timeout: 30_000 }, async () => {
  await stateIs('open');
  await countAbove(2);
  assert.match(await text('latest'), /^(RUST|WASM|HTTP) \d+\.\d\d$/);
  assert.equal(await text('gaps'), '0 / 0');
});

test('an expired token is refreshed on reconnect, without gaps', { timeout: 30_000 }, async () => {
  // Tokens live 3 s: the server ends the stream, the client reconnects and
  // its headers function logs in again.
  await waitFor(() => Number(document.querySelector('[data-testid=refreshes]')?.textContent) >= 2);
  await stateIs('open');
  const before = await count();
  await countAbove(before + 1);
  assert.equal(await text('gaps'), '0 / 0');
});

test('dropped connections resume from Last-Event-ID: nothing lost, nothing repeated', { timeout: 30_000 }, async () => {
  for (let i = 0; i < 2; i++) {
    const before = await count();
    await page.getByTestId('drop').click();
    await stateIs('connecting');
    await stateIs('open');
    await countAbove(before + 2);
  }
  assert.equal(await text('gaps'), '0 / 0');
});

test('the chat streams in the OpenAI and the Anthropic formats, each ended by its preset, one request each', {
  timeout: 40_000,
}, async () => {
  for (const [api, path, format, end] of [
    ['openai', '/v1/chat/completions', 'OpenAI Chat Completions', 'data: \\[DONE\\]'],
    ['anthropic', '/v1/messages', 'Anthropic Messages', 'event: message_stop'],
  ]) {
    chatRequests.length = 0;
    await page.getByTestId('api').selectOption(api);
    await page.getByTestId('prompt').fill('Why SSE?');
    await page.getByTestId('send').click();
    await waitFor(
      (format) =>
        document.querySelector('[data-testid=chat-status]')?.textContent.startsWith('done') &&
        document.querySelector('[data-testid=answer]')?.textContent.includes(format),
      format,
    );
    assert.match(
      await text('answer'),
      new RegExp(`^You asked: "Why SSE\\?"\\. Here is a streamed answer in the ${format} format`),
    );
    assert.match(await text('chat-status'), new RegExp(`^done: \\d+ tokens; ${end} ended the stream`));
    await page.waitForTimeout(2500); // longer than a reconnect delay
    assert.deepEqual(chatRequests, [`${origin}${path}`], 'one POST, nothing sent again');
  }
});

test('a 503 phase backs off and recovers, without gaps', { timeout: 40_000 }, async () => {
  const before = await count();
  await page.getByTestId('fail').click();
  await waitFor(() =>
    /^Reconnecting in \d+ s \(attempt \d+\)/.test(document.querySelector('[data-testid=status]')?.textContent),
  );
  const status = await text('status');
  await stateIs('open');
  await countAbove(before + 2);
  assert.equal(await text('gaps'), '0 / 0');
  mkdirSync(`${root}/target/e2e`, { recursive: true });
  await page.screenshot({ path: `${root}/target/e2e/react-example.png`, fullPage: true });
  assert.ok(status.length > 0);
});

test('the Rust (Leptos) frontend: typed events, token refresh, and resume after drops', {
  timeout: 60_000,
}, async () => {
  const rust = await browser.context.newPage();
  const errors = [];
  rust.on('pageerror', (e) => errors.push(e.message));
  await rust.goto(`${origin}/rust/`);
  const at = (id) => rust.getByTestId(id).textContent();
  const wait = (fn, arg) => rust.waitForFunction(fn, arg, { timeout: 20_000 });
  const lastId = async () => Number(await at('count'));
  await wait(() => document.querySelector('[data-testid=state]')?.textContent === 'open');
  await wait(() => Number(document.querySelector('[data-testid=count]')?.textContent) > 2);
  assert.match(await at('latest'), /^(RUST|WASM|HTTP) \d+\.\d\d$/);
  // 3-second tokens: the stream ends, the Rust headers callback logs in again.
  await wait(() => Number(document.querySelector('[data-testid=refreshes]')?.textContent) >= 2);
  const before = await lastId();
  await rust.getByTestId('drop').click();
  await wait(() => /^Reconnecting in/.test(document.querySelector('[data-testid=status]')?.textContent));
  await wait((n) => Number(document.querySelector('[data-testid=count]')?.textContent) > n + 2, before);
  assert.equal(await at('gaps'), '0 / 0');
  assert.deepEqual(errors, []);
  await rust.screenshot({ path: `${root}/target/e2e/rust-frontend.png`, fullPage: true });
  await rust.close();
});

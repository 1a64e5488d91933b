// The demo that `npm start` serves, end to end in headless Chromium: the
// page parses a live stream written in awkward pieces, reconnects with
// Last-Event-ID when the server ends a response, and loses or repeats no
// event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { startServer } from '../../examples/demo/server.mjs';
import { launchChromium } from './browser.mjs';

test('demo page shows live events across a reconnect, without gaps', { timeout: 60_000 }, async () => {
  const server = await startServer(0);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    // 12 events per response: 15 events means the page reconnected.
    await page.waitForFunction(() => Number(document.getElementById('count').textContent) >= 15, null, {
      timeout: 45_000,
    });
    const text = (id) => page.locator(`#${id}`).textContent();
    assert.equal(await text('gaps'), '0');
    assert.ok(Number(await text('connections')) >= 2);
    // Ids count up from 1 with none missing or repeated, so after N events
    // the last ID is N (give or take the event that arrives meanwhile).
    const [count, lastId] = [Number(await text('count')), Number(await text('last-id'))];
    assert.ok(lastId === count || lastId === count + 1, `last id ${lastId}, count ${count}`);
    const events = await page.locator('#events li').allTextContents();
    assert.match(events.join('\n'), /"symbol":"🚀"/, 'a four-byte character split across writes survives');
    assert.match(events[0], /^#1 tick: \{"n":1,/);
    const log = (await page.locator('#log li').allTextContents()).join('\n');
    assert.match(log, /retry: 1500 ms/);
    assert.match(log, /: heartbeat/);
    assert.match(log, /Last-Event-ID: 12\)/, 'the reconnect sent the last event ID');
    assert.deepEqual(errors, []);
    await mkdir('target/e2e', { recursive: true });
    await page.screenshot({ path: 'target/e2e/demo.png', fullPage: true });
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

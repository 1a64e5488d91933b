// `share: true`: one connection per share key across the tabs of an origin
// (js/share.js). In every engine, with same-origin frames as the tabs (each
// its own browsing context, sharing the origin's Web Locks and
// BroadcastChannels); in Chromium also with real tabs, ten of them, and with
// the chaos server's cuts under a handover.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../server/sse-test-server.mjs';
import { chaosData } from '../server/chaos.mjs';
import { stop } from './static.mjs';
import { openPackagePage } from './browser.mjs';
import { requests as requestsOf } from './sse-client.mjs';

let sse;
let fixture;
const base = () => `http://127.0.0.1:${sse.address().port}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

before(async () => {
  sse = await startTestServer(0);
  fixture = await openPackagePage();
});

after(async () => {
  await fixture?.close();
  if (sse) await stop(sse);
});

const requests = (key) => requestsOf(base(), key);
const inPage = (fn, ...args) =>
  fixture.page.evaluate(
    async ([src, args]) => {
      // eslint-disable-next-line no-new-func
      return new Function(`return (${src})`)()(...args);
    },
    [fn.toString(), args],
  );

/** Opens `n` same-origin frames, each with the package loaded; each gets
 * `frame.open(url, init)`: a source whose ids and states it records. */
const openFrames = (n) =>
  inPage(async (n) => {
    for (const f of document.querySelectorAll('iframe')) f.remove();
    const frames = [];
    for (let i = 0; i < n; i++) {
      const frame = document.createElement('iframe');
      frame.src = `${location.origin}/`;
      document.body.append(frame);
      frames.push(frame);
    }
    for (const frame of frames) {
      while (!frame.contentWindow?.esw) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    window.frames_ = frames;
    return frames.length;
  }, n);

/** In frame `i`: a sharing source of `url`, recording ids, opens, errors. */
const subscribe = (indexes, url, init = {}) =>
  inPage(
    (indexes, url, init) => {
      for (const i of indexes) {
        const w = window.frames_[i].contentWindow;
        // An end preset by name (functions do not cross into the page).
        const { endPreset, ...rest } = init;
        const es = new w.esw.EventSource(url, {
          share: true,
          ...rest,
          ...(endPreset ? { endEvent: w.ends[endPreset] } : {}),
        });
        w.log = { ids: [], opens: 0, errors: [], ended: false };
        es.onopen = () => w.log.opens++;
        es.onmessage = (e) => w.log.ids.push(e.lastEventId);
        es.addEventListener('tick', (e) => w.log.ids.push(e.lastEventId));
        es.onerror = (e) => w.log.errors.push(e.error?.type);
        es.addEventListener('end', () => {
          w.log.ended = true;
        });
        w.source = es;
      }
    },
    indexes,
    url,
    init,
  );

/** Frame `leader` subscribes first and connects (so it leads), then the
 * others: each frame loads js/share.js on its own, so subscribing together
 * would leave the leader to chance. */
async function subscribeLed(leader, others, url, init = {}, key) {
  await subscribe([leader], url, init);
  await until(async () => (await requests(key)).length >= 1);
  await subscribe(others, url, init);
  // Every follower has joined (loaded js/share.js, asked for the lock).
  await sleep(300);
}

const logs = () =>
  inPage(() =>
    window.frames_.map((f) =>
      f.isConnected ? { ...f.contentWindow.log, state: f.contentWindow.source?.readyState } : null,
    ),
  );

async function until(condition, timeout = 15_000) {
  const started = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - started > timeout) throw new Error('timed out');
    await sleep(50);
  }
}

describe('share: true, tabs as frames', () => {
  test('five tabs, one connection; every tab gets every event once', { timeout: 30_000 }, async () => {
    await openFrames(5);
    await subscribeLed(0, [1, 2, 3, 4], `${base()}/ticker/share5?n=15&every=100&start=1500`, {}, 'share5');
    const got = await until(async () => {
      const l = await logs();
      return l.every((x) => x.ended) && l;
    });
    for (const log of got) {
      assert.deepEqual(log.ids, range(1, 15));
      assert.equal(log.state, 2);
      assert.deepEqual(log.errors, []);
      assert.equal(log.opens, 1);
    }
    assert.equal((await requests('share5')).length, 1, 'one connection for five tabs');
  });

  test('the leader tab goes: another takes over within 2 s from the last event ID; nothing lost or repeated', {
    timeout: 30_000,
  }, async () => {
    await openFrames(4);
    await subscribeLed(0, [1, 2, 3], `${base()}/ticker/handover?n=30&every=100&start=1500`, {}, 'handover');
    await until(async () => (await logs())[1].ids.length >= 8);
    const gone = Date.now();
    await inPage(() => window.frames_[0].remove());
    const [, second] = await until(async () => {
      const r = await requests('handover');
      return r.length >= 2 && r;
    });
    assert.ok(second.at - gone < 2000, `taken over after ${second.at - gone} ms`);
    const got = await until(async () => {
      const l = await logs();
      return l.slice(1).every((x) => x.ended) && l;
    });
    const resumedFrom = Number(second.headers['last-event-id']);
    assert.ok(resumedFrom >= 8, `resumed from ${resumedFrom}`);
    for (const log of got.slice(1)) assert.deepEqual(log.ids, range(1, 30));
    assert.equal((await requests('handover')).length, 2);
  });

  test("one tab's close() does not stop the others; the leader's hands over", { timeout: 30_000 }, async () => {
    await openFrames(3);
    await subscribeLed(0, [1, 2], `${base()}/ticker/closes?n=20&every=100&start=1500`, {}, 'closes');
    await until(async () => (await logs())[2].ids.length >= 5);
    // A follower closes: nothing changes for the others.
    await inPage(() => window.frames_[1].contentWindow.source.close());
    await sleep(300);
    assert.equal((await requests('closes')).length, 1);
    // The leader closes: frame 2 takes over.
    await inPage(() => window.frames_[0].contentWindow.source.close());
    const got = await until(async () => {
      const l = await logs();
      return l[2].ended && l;
    });
    assert.deepEqual(got[2].ids, range(1, 20));
    assert.equal(got[0].state, 2);
    assert.equal(got[1].state, 2);
    assert.ok(got[1].ids.length < 20, 'the closed follower got nothing more');
    const r = await requests('closes');
    assert.equal(r.length, 2);
    // WebKitGTK keeps reading an aborted response (see robustness.test.mjs),
    // so the server may not see the abort before the stream's own end.
    if (process.env.ENGINE !== 'webkit') assert.equal(r[0].clientClosed, true, "the leader's request was aborted");
  });

  test("an end rule of the caller's ends the stream in every tab, with no takeover", { timeout: 30_000 }, async () => {
    await fetch(`${base()}/script/share-done`, {
      method: 'POST',
      body: JSON.stringify([
        {
          chunks: [
            { text: 'data: a\n\n', delay: 1500 },
            { text: 'data: [DONE]\n\n', delay: 200 },
          ],
          end: 'hang',
        },
      ]),
    });
    await openFrames(3);
    await subscribeLed(0, [1, 2], `${base()}/sse/share-done`, { endPreset: 'openaiChat' }, 'share-done');
    const got = await until(async () => {
      const l = await logs();
      return l.every((x) => x.state === 2) && l;
    });
    for (const log of got) assert.deepEqual(log.ids.length, 2);
    await sleep(1500);
    assert.equal((await requests('share-done')).length, 1, 'nobody took over after the end');
  });

  test('different share keys get different connections; the last close ends it', { timeout: 30_000 }, async () => {
    await openFrames(4);
    const url = `${base()}/ticker/keys?n=1000&every=100`;
    await subscribe([0, 1], url, { shareKey: 'alice' });
    await subscribe([2, 3], url, { shareKey: 'bob' });
    await until(async () => (await logs()).every((x) => x.ids.length >= 3));
    assert.equal((await requests('keys')).length, 2, 'one connection per key');
    await inPage(() => {
      for (const f of window.frames_) f.contentWindow.source.close();
    });
    // The aborts reach the server (WebKitGTK may take a while: see above).
    const r = await until(async () => {
      const r = await requests('keys');
      return r.every((q) => q.clientClosed) && r;
    }, 10_000);
    assert.equal(r.length, 2, 'no takeover once every source of a key closed');
  });
});

describe('share: true, real tabs (Chromium)', {
  skip: !process.env.ENGINE || process.env.ENGINE === 'chromium' ? false : 'Playwright drives tabs in Chromium only',
}, () => {
  /** Opens `n` tabs of the package page in the fixture's browser context. */
  async function tabs(n) {
    const pages = [];
    for (let i = 0; i < n; i++) {
      const page = await fixture.browser.context.newPage();
      await page.goto(`${fixture.origin}/`);
      await page.waitForFunction(() => window.esw !== undefined);
      pages.push(page);
    }
    return pages;
  }
  const open = (page, url, init = {}) =>
    page.evaluate(
      ([url, init]) => {
        window.log = { ids: [], data: [], ended: false };
        const es = new window.esw.EventSource(url, { share: true, ...init });
        const seen = (e) => {
          window.log.ids.push(e.lastEventId);
          window.log.data.push(e.data);
        };
        es.onmessage = seen;
        es.addEventListener('tick', seen);
        es.addEventListener('end', () => {
          window.log.ended = true;
        });
        window.source = es;
      },
      [url, init],
    );

  test('ten tabs: one connection, every event once in each; the leader tab closes mid-stream', {
    timeout: 60_000,
  }, async () => {
    const pages = await tabs(10);
    try {
      // Tab 0 connects first, so it leads (each tab loads js/share.js on
      // its own: together, the leader would be left to chance).
      const url = `${base()}/ticker/tabs10?n=40&every=100&start=2000`;
      await open(pages[0], url);
      await until(async () => (await requests('tabs10')).length >= 1);
      for (const page of pages.slice(1)) await open(page, url);
      await until(async () => (await pages[1].evaluate(() => window.log.ids.length)) >= 10);
      assert.equal((await requests('tabs10')).length, 1, 'one connection for ten tabs');
      const gone = Date.now();
      await pages[0].close();
      const [, second] = await until(async () => {
        const r = await requests('tabs10');
        return r.length >= 2 && r;
      });
      assert.ok(second.at - gone < 2000, `taken over after ${second.at - gone} ms`);
      for (const page of pages.slice(1)) {
        await page.waitForFunction(() => window.log.ended, null, { timeout: 20_000 });
        assert.deepEqual(await page.evaluate(() => window.log.ids), range(1, 40));
      }
      assert.equal((await requests('tabs10')).length, 2);
    } finally {
      for (const page of pages) if (!page.isClosed()) await page.close();
    }
  });

  test('a handover under the chaos server: every event once, in order, in every remaining tab', {
    timeout: 120_000,
  }, async () => {
    const pages = await tabs(3);
    const n = 3000;
    try {
      const url = `${base()}/chaos/share-chaos?seed=7&n=${n}`;
      const init = { retry: { initialDelay: 5, minDelay: 5, maxDelay: 20 }, retryStatuses: [503], idleTimeout: 250 };
      await open(pages[0], url, init);
      await until(async () => (await pages[0].evaluate(() => window.log.ids.length)) > 0);
      for (const page of pages.slice(1)) await open(page, url, init);
      await until(async () => (await pages[1].evaluate(() => window.log.ids.length)) >= n / 3);
      await pages[0].close();
      for (const page of pages.slice(1)) {
        await page.waitForFunction(() => window.log.ended, null, { timeout: 90_000 });
        // From the event it joined at, every one once, in order, to the end.
        const { ids, data } = await page.evaluate(() => window.log);
        const first = Number(ids[0]);
        const bad = ids.findIndex((id, i) => id !== String(first + i) || data[i] !== chaosData(first + i));
        assert.equal(bad, -1, `event ${bad} is ${ids[bad]}`);
        assert.equal(ids.at(-1), String(n - 1));
      }
    } finally {
      for (const page of pages) if (!page.isClosed()) await page.close();
    }
  });

  test('without share, ten tabs make ten connections (the figure for docs/benchmarks.md)', {
    timeout: 60_000,
  }, async () => {
    const pages = await tabs(10);
    try {
      for (const page of pages) await open(page, `${base()}/ticker/noshare?n=5&every=50`, { share: false });
      for (const page of pages) await page.waitForFunction(() => window.log.ended, null, { timeout: 20_000 });
      assert.equal((await requests('noshare')).length, 10);
    } finally {
      for (const page of pages) await page.close();
    }
  });
});

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
import { launchChromium, openPackagePage } from './browser.mjs';
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

/** Opens `n` same-origin frames, each with the package loaded (frame `i`
 * from `pages[i]`, tests/e2e/pages/blank.html by default); each gets
 * `frame.open(url, init)`: a source whose ids and states it records. */
const openFrames = (n, pages = []) =>
  inPage(
    async (n, pages) => {
      for (const f of document.querySelectorAll('iframe')) f.remove();
      const frames = [];
      for (let i = 0; i < n; i++) {
        const frame = document.createElement('iframe');
        frame.src = `${location.origin}/${pages[i] ?? ''}`;
        document.body.append(frame);
        frames.push(frame);
      }
      for (const frame of frames) {
        while (!frame.contentWindow?.esw) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      window.frames_ = frames;
      return frames.length;
    },
    n,
    pages,
  );

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

  test('tabs that join late get the beginning first, then the live events: each once, in order', {
    timeout: 30_000,
  }, async () => {
    await openFrames(4);
    // A server that sends every new connection ids 1..30 (a snapshot, then changes).
    const url = `${base()}/ticker/late?n=30&every=100`;
    await subscribe([0], url);
    for (const [i, seen] of [
      [1, 4],
      [2, 12],
      [3, 20],
    ]) {
      await until(async () => (await logs())[0].ids.length >= seen);
      await subscribe([i], url);
    }
    const got = await until(async () => {
      const l = await logs();
      return l.every((x) => x.ended) && l;
    });
    for (const log of got) {
      assert.deepEqual(log.ids, range(1, 30));
      assert.equal(log.opens, 1);
      assert.deepEqual(log.errors, []);
    }
    assert.equal((await requests('late')).length, 1, 'one connection for four tabs');
  });

  test('shareReplay: false joins live; past the replay bound a late tab connects on its own', {
    timeout: 30_000,
  }, async () => {
    await openFrames(3);
    const url = `${base()}/ticker/bound?n=30&every=100`;
    const init = { shareReplay: { events: 5 } };
    await subscribe([0], url, init);
    await until(async () => (await logs())[0].ids.length >= 10);
    await subscribe([1], url, { shareReplay: false });
    await subscribe([2], url, init);
    const got = await until(async () => {
      const l = await logs();
      return l.every((x) => x.ended) && l;
    });
    assert.deepEqual(got[0].ids, range(1, 30));
    // Live only: from where it joined, every event once.
    const first = Number(got[1].ids[0]);
    assert.ok(first > 5, `the live-only tab began at ${first}`);
    assert.deepEqual(got[1].ids, range(first, 30));
    // Past the bound (10 events, 5 kept): a connection of its own, from the start.
    assert.deepEqual(got[2].ids, range(1, 30));
    const r = await requests('bound');
    assert.equal(r.length, 2);
    assert.equal(r[1].headers['last-event-id'], undefined, 'its own connection starts from the beginning');
  });

  for (const missing of ['locks', 'BroadcastChannel']) {
    test(`without ${missing}, each tab connects on its own and gets every event`, { timeout: 30_000 }, async () => {
      await openFrames(3);
      await inPage((missing) => {
        for (const f of window.frames_) {
          const w = f.contentWindow;
          if (missing === 'locks') Object.defineProperty(w.Navigator.prototype, 'locks', { get: () => undefined });
          else w.BroadcastChannel = undefined;
        }
      }, missing);
      const key = `nolocks-${missing}`;
      await subscribe([0, 1, 2], `${base()}/ticker/${key}?n=10&every=50`);
      const got = await until(async () => {
        const l = await logs();
        return l.every((x) => x.ended) && l;
      });
      for (const log of got) assert.deepEqual(log.ids, range(1, 10));
      assert.equal((await requests(key)).length, 3);
    });
  }

  test('two versions of the package in four tabs: one connection per version, never mixed', {
    timeout: 30_000,
  }, async () => {
    await openFrames(4, ['', '', 'next.html', 'next.html']);
    const url = `${base()}/ticker/versions?n=15&every=100&start=1000`;
    await subscribe([0, 2], url);
    await until(async () => (await requests('versions')).length >= 2);
    await subscribe([1, 3], url);
    const got = await until(async () => {
      const l = await logs();
      return l.every((x) => x.ended) && l;
    });
    for (const log of got) assert.deepEqual(log.ids, range(1, 15));
    assert.equal((await requests('versions')).length, 2, 'one connection per version');
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
  /** Waits for the stream's end in `page`; on timeout, says what it got. */
  async function ended(page, timeout) {
    try {
      await page.waitForFunction(() => window.log.ended, null, { timeout });
    } catch (e) {
      const ids = await page.evaluate(() => window.log.ids.join(' ')).catch(() => '(page gone)');
      throw new Error(`${e.message}; ids: ${ids}`);
    }
    return page.evaluate(() => window.log.ids);
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

  test('ten tabs opened 100 ms apart while the stream runs: each gets ids 1..n once, on one connection', {
    timeout: 60_000,
  }, async () => {
    const pages = await tabs(10);
    try {
      const url = `${base()}/ticker/tabs-late?n=60&every=50`;
      for (const page of pages) {
        await open(page, url);
        await sleep(100);
      }
      for (const page of pages) {
        await page.waitForFunction(() => window.log.ended, null, { timeout: 20_000 });
        assert.deepEqual(await page.evaluate(() => window.log.ids), range(1, 60));
      }
      assert.equal((await requests('tabs-late')).length, 1);
    } finally {
      for (const page of pages) if (!page.isClosed()) await page.close();
    }
  });

  test('a leader whose main thread is blocked for 6 s: another tab takes over within 5 s; no tab misses or repeats', {
    timeout: 60_000,
  }, async () => {
    const pages = await tabs(3);
    try {
      const url = `${base()}/ticker/blocked?n=80&every=100`;
      await open(pages[0], url);
      await until(async () => (await requests('blocked')).length >= 1);
      for (const page of pages.slice(1)) await open(page, url);
      await until(async () => (await pages[1].evaluate(() => window.log.ids.length)) >= 10);
      const blocked = Date.now();
      // Not awaited: the page answers once its thread is free again.
      const hang = pages[0].evaluate(() => {
        const until = Date.now() + 6000;
        while (Date.now() < until);
      });
      const [, second] = await until(async () => {
        const r = await requests('blocked');
        return r.length >= 2 && r;
      });
      assert.ok(second.at - blocked < 5000, `taken over after ${second.at - blocked} ms`);
      // The other tabs go on while the leader is still blocked.
      const during = await pages[1].evaluate(() => window.log.ids.length);
      await sleep(1000);
      assert.ok((await pages[1].evaluate(() => window.log.ids.length)) > during, 'events flow during the block');
      await hang;
      const woke = Date.now();
      for (const page of pages) assert.deepEqual(await ended(page, 30_000), range(1, 80));
      const r = await requests('blocked');
      const seen = r.map((q) => `${q.at - blocked} ms (Last-Event-ID ${q.headers['last-event-id'] ?? '-'})`);
      assert.equal(r.length, 2, `the woken leader (awake ${woke - blocked} ms) follows, without reconnecting: ${seen}`);
    } finally {
      for (const page of pages) if (!page.isClosed()) await page.close();
    }
  });

  // Headless Chromium 156 neither hides nor freezes a page for
  // `Page.setWebLifecycleState` (tried: no `freeze` event, timers run on),
  // so the freeze is played as the Page Lifecycle API shows it to a page:
  // the `freeze` event, a thread that stops, then `resume`.
  test('a leader that is frozen hands over at once and, thawed, gets what it missed', {
    timeout: 60_000,
  }, async () => {
    const pages = await tabs(2);
    try {
      const url = `${base()}/ticker/frozen?n=60&every=100`;
      await open(pages[0], url);
      await until(async () => (await requests('frozen')).length >= 1);
      await open(pages[1], url);
      await until(async () => (await pages[1].evaluate(() => window.log.ids.length)) >= 10);
      const frozen = Date.now();
      const thawed = pages[0].evaluate(async () => {
        document.dispatchEvent(new Event('freeze'));
        // Microtasks run before the browser stops the page's tasks.
        for (let i = 0; i < 10; i++) await Promise.resolve();
        const until = Date.now() + 3000;
        while (Date.now() < until);
        // The thaw comes as a task of its own, as the browser's does.
        setTimeout(() => document.dispatchEvent(new Event('resume')));
      });
      const [, second] = await until(async () => {
        const r = await requests('frozen');
        return r.length >= 2 && r;
      });
      assert.ok(second.at - frozen < 1500, `taken over after ${second.at - frozen} ms (no wait for silence)`);
      await thawed;
      for (const page of pages) assert.deepEqual(await ended(page, 30_000), range(1, 60));
      assert.equal((await requests('frozen')).length, 2, 'the thawed tab follows: no connection of its own');
    } finally {
      for (const page of pages) if (!page.isClosed()) await page.close();
    }
  });

  for (const share of [false, true]) {
    test(`a real back/forward navigation${share ? ' of a sharing tab' : ''}: kept in the cache, dropped silently, resumed at once`, {
      timeout: 60_000,
    }, async () => {
      const browser = await launchChromium({ bfcache: true });
      const key = `bfcache-${share}`;
      try {
        const page = await browser.context.newPage();
        await page.goto(`${fixture.origin}/`);
        await page.waitForFunction(() => window.esw !== undefined);
        await page.evaluate(
          ([url, share]) => {
            window.log = { ids: [], errors: 0, shows: [] };
            addEventListener('pageshow', (e) => window.log.shows.push(e.persisted));
            const es = new window.esw.EventSource(url, { share });
            es.onmessage = (e) => window.log.ids.push(e.lastEventId);
            es.onerror = () => window.log.errors++;
          },
          [`${base()}/ticker/${key}?n=40&every=100`, share],
        );
        await page.waitForFunction(() => window.log.ids.length >= 5);
        await page.goto(`${fixture.origin}/next.html`);
        // Away: the connection was dropped on the way into the cache (until() throws if not).
        await until(async () => (await requests(key))[0].clientClosed, 5000);
        await sleep(500);
        // A restore from the cache fires no load event.
        await page.goBack({ waitUntil: 'commit' });
        const log = await page.evaluate(() => window.log).catch(() => null);
        const reasons = await page.evaluate(() =>
          JSON.stringify(performance.getEntriesByType('navigation')[0]?.notRestoredReasons ?? null),
        );
        assert.deepEqual(log?.shows, [true], `restored from the cache (notRestoredReasons: ${reasons})`);
        const back = Date.now();
        const [first, second] = await until(async () => {
          const r = await requests(key);
          return r.length >= 2 && r;
        });
        assert.ok(second.at - back < 1000, `reconnected ${second.at - back} ms after the restore`);
        assert.equal(second.headers['last-event-id'], log.ids.at(-1), 'resumed from the last event');
        assert.equal(first.clientClosed, true);
        await page.waitForFunction(() => window.log.ids.length === 40, null, { timeout: 20_000 });
        const after = await page.evaluate(() => window.log);
        assert.deepEqual(after.ids, range(1, 40));
        assert.equal(after.errors, 0, 'no error event');
      } finally {
        await browser.close();
      }
    });
  }

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

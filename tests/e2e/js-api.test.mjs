// The JavaScript EventSource in headless Chromium: the interface it shares
// with the native class, and the extended options. Against the scriptable
// SSE server on another port (every request is cross-origin, with CORS).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { openPackagePage } from './browser.mjs';
import { inPage as inPageOf, requests as requestsOf, script as scriptOn } from './sse-client.mjs';

let sse;
let fixture;
let page;
const base = () => `http://127.0.0.1:${sse.address().port}`;
const siteOrigin = () => fixture.origin;

before(async () => {
  sse = await startTestServer(0);
  fixture = await openPackagePage();
  page = fixture.page;
  page.on('pageerror', (e) => console.error('page error:', e.message)); // Chromium only
});

after(async () => {
  await fixture?.close();
  if (sse) await stop(sse);
});

const script = (key, responses) => scriptOn(base(), key, responses);
const requests = (key) => requestsOf(base(), key);
/** Whether the server saw the client close request `i` of `key`, waiting up
 * to 2 s for the abort to reach it. */
// Polls for up to 5 s: on a loaded machine the abort took over 2 s to reach
// the server once (a CI run on 2026-11-30, in the buffer-limits test).
async function clientClosed(key, i = 0) {
  for (let t = 0; t < 100; t++) {
    if ((await requests(key))[i]?.clientClosed) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
const END = { text: 'event: end\ndata: bye\n\n' };
/** Runs `fn` in the page with (esw, url-of-key, ...args). */
const inPage = (fn, key, ...args) => inPageOf(page, base(), fn, key, ...args);

describe('the interface shared with the native EventSource', () => {
  test('constants, properties, handlers and EventTarget', { timeout: 20_000 }, async () => {
    const r = await inPage((esw, url) => {
      const ES = esw.EventSource;
      const es = new ES(url);
      const rel = new ES('/relative/path?q=1', { withCredentials: true });
      const out = {
        statics: [ES.CONNECTING, ES.OPEN, ES.CLOSED],
        instance: [es.CONNECTING, es.OPEN, es.CLOSED],
        proto: 'CONNECTING' in ES.prototype && ES.prototype.CLOSED === 2,
        url: es.url,
        relUrl: rel.url,
        withCredentials: [es.withCredentials, rel.withCredentials],
        readyState: es.readyState,
        handlers: [es.onopen, es.onmessage, es.onerror],
        isEventTarget: es instanceof EventTarget,
        methods: ['close', 'addEventListener', 'removeEventListener', 'dispatchEvent'].every(
          (m) => typeof es[m] === 'function',
        ),
        nativeKeys: Object.keys(window.EventSource.prototype).filter((k) => !(k in es)),
      };
      let custom = 0;
      es.addEventListener('custom', () => custom++);
      es.dispatchEvent(new Event('custom'));
      out.dispatched = custom;
      es.close();
      rel.close();
      out.closed = es.readyState;
      try {
        new ES('http://[bad');
        out.invalid = 'no throw';
      } catch (e) {
        out.invalid = `${e.name} ${e instanceof DOMException}`;
      }
      return out;
    }, 'iface');
    assert.deepEqual(r.statics, [0, 1, 2]);
    assert.deepEqual(r.instance, [0, 1, 2]);
    assert.equal(r.proto, true);
    assert.equal(r.url, `${base()}/sse/iface`);
    assert.equal(r.relUrl, `${siteOrigin()}/relative/path?q=1`);
    assert.deepEqual(r.withCredentials, [false, true]);
    assert.equal(r.readyState, 0);
    assert.deepEqual(r.handlers, [null, null, null]);
    assert.equal(r.isEventTarget, true);
    assert.equal(r.methods, true);
    assert.deepEqual(r.nativeKeys, [], 'every native member exists');
    assert.equal(r.dispatched, 1);
    assert.equal(r.closed, 2);
    assert.equal(r.invalid, 'SyntaxError true');
  });

  test('events are MessageEvents with data, origin and lastEventId; removeEventListener works', {
    timeout: 20_000,
  }, async () => {
    await script('msg', [
      {
        chunks: [
          { text: 'id: 4\nevent: tick\ndata: one\n\n' },
          { text: 'event: tick\ndata: two\n\n', delay: 100 },
          END,
        ],
      },
    ]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const es = new esw.EventSource(url);
          const seen = [];
          const first = (e) => {
            seen.push(['first', e.data, e.origin, e.lastEventId, e instanceof MessageEvent, es.readyState]);
            es.removeEventListener('tick', first);
          };
          es.addEventListener('tick', first);
          es.addEventListener('tick', (e) => seen.push(['second', e.data]));
          es.onopen = (e) => seen.push(['open', e.constructor.name, es.readyState]);
          es.addEventListener('end', () => setTimeout(() => resolve({ seen, state: es.readyState }), 50));
        }),
      'msg',
    );
    assert.deepEqual(r.seen, [
      ['open', 'Event', 1],
      ['first', 'one', base(), '4', true, 1],
      ['second', 'one'],
      ['second', 'two'],
    ]);
    assert.equal(r.state, 2, 'the end event closed it');
  });

  test('a listener that throws is reported and dispatch goes on', { timeout: 20_000 }, async () => {
    await script('throws', [{ chunks: [{ text: 'data: x\n\n' }, END] }]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const reported = [];
          window.addEventListener(
            'error',
            (e) => {
              reported.push(e.message);
              e.preventDefault();
            },
            { once: true },
          );
          const es = new esw.EventSource(url);
          const calls = [];
          es.addEventListener('message', () => {
            calls.push(1);
            throw new Error('boom');
          });
          es.addEventListener('message', () => calls.push(2));
          es.addEventListener('end', () => setTimeout(() => resolve({ calls, reported }), 50));
        }),
      'throws',
    );
    assert.deepEqual(r.calls, [1, 2]);
    assert.equal(r.reported.length, 1);
    assert.match(r.reported[0], /boom/);
  });
});

describe('extended options', () => {
  test('a headers function is called before every connect; static headers, POST and body', {
    timeout: 20_000,
  }, async () => {
    await script('hdr', [{ chunks: [{ text: 'retry: 10\ndata: a\n\n' }] }, { chunks: [END] }]);
    const calls = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          let n = 0;
          const es = new esw.EventSource(url, {
            method: 'POST',
            body: JSON.stringify({ prompt: 'hi' }),
            headers: async () => ({ Authorization: `Bearer token-${++n}`, 'Content-Type': 'application/json' }),
            // A POST is sent again on reconnect only when asked.
            resend: true,
          });
          es.addEventListener('end', () => resolve(n));
        }),
      'hdr',
    );
    assert.equal(calls, 2);
    const got = await requests('hdr');
    assert.deepEqual(
      got.map((r) => r.headers.authorization),
      ['Bearer token-1', 'Bearer token-2'],
    );
    for (const r of got) {
      assert.equal(r.method, 'POST');
      assert.equal(r.body, '{"prompt":"hi"}');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers.accept, 'text/event-stream');
    }
  });

  test('the end event is delivered, then the source closes with no further request', { timeout: 20_000 }, async () => {
    await script('end', [{ chunks: [{ text: 'data: a\n\n' }, END, { text: 'data: never\n\n' }], end: 'hang' }]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const es = new esw.EventSource(url);
          const log = [];
          es.onmessage = (e) => log.push(`message ${e.data}`);
          es.addEventListener('end', (e) => log.push(`end ${e.data} rs=${es.readyState}`));
          es.onerror = () => log.push('error');
          setTimeout(() => resolve({ log, state: es.readyState }), 600);
        }),
      'end',
    );
    assert.deepEqual(r.log, ['message a', 'end bye rs=1']);
    assert.equal(r.state, 2);
    const got = await requests('end');
    assert.equal(got.length, 1);
    assert.equal(await clientClosed('end'), true);
  });

  test('endEvent can be renamed or switched off', { timeout: 20_000 }, async () => {
    await script('endoff', [{ chunks: [END, { text: 'event: done\ndata: x\n\n' }], end: 'hang' }]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const off = new esw.EventSource(url, { endEvent: null });
          off.addEventListener('done', () => {
            const state = off.readyState;
            off.close();
            resolve(state);
          });
        }),
      'endoff',
    );
    assert.equal(r, 1, 'still open after `end` with endEvent: null');
  });

  test('endEvent takes several types or a rule on type and data; a rule that throws is reported', {
    timeout: 20_000,
  }, async () => {
    const stream = (last) => [
      {
        chunks: [{ text: 'event: a\ndata: 1\n\nevent: end\ndata: 2\n\n' }, { text: last }, { text: 'data: after\n\n' }],
        end: 'hang',
      },
    ];
    await script('endlist', stream('event: stop\ndata: 3\n\n'));
    await script('endrule', stream('data: [DONE]\n\n'));
    await script('endthrows', stream('event: end\ndata: 3\n\n'));
    const r = await inPage(async (esw, url) => {
      const run = (key, endEvent) =>
        new Promise((resolve) => {
          const es = new esw.EventSource(url.replace('endlist', key), { endEvent });
          const log = [];
          const onEvent = (e) => log.push(`${e.type} ${e.data} rs=${es.readyState}`);
          for (const type of ['a', 'end', 'stop']) es.addEventListener(type, onEvent);
          es.onmessage = onEvent;
          es.onerror = () => log.push('error');
          setTimeout(() => {
            es.close();
            resolve({ log, state: es.readyState });
          }, 700);
        });
      const reported = [];
      const onError = (e) => {
        reported.push(e.error?.message);
        e.preventDefault();
      };
      window.addEventListener('error', onError);
      const results = {
        list: await run('endlist', ['stop', 'other']),
        rule: await run('endrule', window.ends.openaiChat),
        throws: await run('endthrows', () => {
          throw new Error('bad rule');
        }),
      };
      window.removeEventListener('error', onError);
      return { ...results, reported };
    }, 'endlist');
    // A list replaces the default: `end` no longer ends the stream.
    assert.deepEqual(r.list.log, ['a 1 rs=1', 'end 2 rs=1', 'stop 3 rs=1']);
    assert.deepEqual(r.rule.log, ['a 1 rs=1', 'end 2 rs=1', 'message [DONE] rs=1']);
    assert.deepEqual(r.throws.log, ['a 1 rs=1', 'end 2 rs=1', 'end 3 rs=1', 'message after rs=1']);
    assert.deepEqual(r.reported.slice(0, 1), ['bad rule']);
    for (const key of ['endlist', 'endrule']) {
      assert.equal((await requests(key)).length, 1);
      assert.equal(await clientClosed(key), true, `${key}: the request is aborted at the end`);
    }
  });

  test('errors say what happened and whether a reconnect follows; reconnects are announced', {
    timeout: 20_000,
  }, async () => {
    await script('backoff', [
      { status: 503, headers: { 'retry-after': '0', 'content-type': 'text/plain' } },
      { status: 503 },
      { status: 401 },
    ]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const es = new esw.EventSource(url, { retryStatuses: [503], retry: { initialDelay: 30, minDelay: 10 } });
          const log = [];
          es.onerror = (e) => {
            log.push({
              type: e.error.type,
              status: e.error.status,
              will: e.willReconnect,
              in: e.reconnectIn,
              rs: es.readyState,
              isError: e.error instanceof Error,
              name: e.error.name,
            });
            if (es.readyState === 2) resolve(log);
          };
          es.addEventListener('reconnecting', (e) => log.push({ reconnecting: e.attempt, delay: e.delay }));
        }),
      'backoff',
    );
    assert.equal(r.length, 5, JSON.stringify(r));
    assert.deepEqual(r[0], {
      type: 'http-status',
      status: 503,
      will: true,
      in: 30,
      rs: 0,
      isError: true,
      name: 'SseError',
    });
    assert.deepEqual(r[1], { reconnecting: 1, delay: 30 });
    assert.equal(r[2].will, true);
    assert.equal(r[3].reconnecting, 2);
    assert.ok(r[3].delay >= 30 && r[3].delay <= 60, `jittered second delay ${r[3].delay}`);
    assert.deepEqual(r[4], {
      type: 'http-status',
      status: 401,
      will: false,
      in: null,
      rs: 2,
      isError: true,
      name: 'SseError',
    });
  });

  test('a CORS refusal is a typed, final error; a network failure is retried', { timeout: 20_000 }, async () => {
    await scriptOn(base(), 'corsnone', [{ chunks: [{ text: 'data: x\n\n' }] }], 'none');
    const r = await inPage(async (esw, url) => {
      const first = (u) =>
        new Promise((resolve) => {
          const es = new esw.EventSource(u, { retry: { initialDelay: 20, minDelay: 10 } });
          es.onerror = (e) => {
            es.close();
            resolve([e.error.type, e.willReconnect, e.error.message]);
          };
        });
      return [await first(url), await first('http://127.0.0.1:9/refused')]; // nothing listens on port 9
    }, 'corsnone');
    assert.deepEqual(r[0], [
      'cors',
      false,
      'the server answered, but its CORS headers do not allow this origin to read the response',
    ]);
    assert.deepEqual(r[1].slice(0, 2), ['network', true]);
  });

  test("each engine's words for a dropped connection (Load failed, NetworkError…, Failed to fetch) are network failures, retried", {
    timeout: 20_000,
  }, async () => {
    await script('dropwords', [{ chunks: [{ text: 'id: 9\ndata: last\n\n' }, END] }]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          // What Safari, Firefox and Chromium say when a fetch, or its body, drops.
          const words = ['Load failed', 'NetworkError when attempting to fetch resource.', 'Failed to fetch'];
          let attempt = 0;
          const sent = [];
          const es = new esw.EventSource(url, {
            retry: { initialDelay: 10, minDelay: 5, maxDelay: 20 },
            fetch: (req) => {
              // The check the class makes after a failed request (is it CORS?) meets
              // the same dropped network.
              if (req.mode === 'no-cors') return Promise.reject(new TypeError(words[attempt % 3]));
              const k = attempt++;
              sent.push(req.headers.get('last-event-id'));
              if (k < 3) return Promise.reject(new TypeError(words[k]));
              if (k < 6) {
                // Opens, delivers an event, then the body drops.
                const body = new ReadableStream({
                  start(c) {
                    c.enqueue(new TextEncoder().encode(`id: ${k}\ndata: ${k}\n\n`));
                    setTimeout(() => c.error(new TypeError(words[k - 3])), 20);
                  },
                });
                return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
              }
              return fetch(req);
            },
          });
          const errors = [];
          const data = [];
          es.onerror = (e) => errors.push([e.error.type, e.willReconnect, e.error.message]);
          es.onmessage = (e) => data.push(e.data);
          es.addEventListener('end', () => {
            es.close();
            resolve({ errors, data, sent });
          });
        }),
      'dropwords',
    );
    const words = ['Load failed', 'NetworkError when attempting to fetch resource.', 'Failed to fetch'];
    assert.deepEqual(
      r.errors,
      [...words, ...words].map((w) => ['network', true, `network error: ${w}`]),
    );
    assert.deepEqual(r.data, ['3', '4', '5', 'last']);
    assert.deepEqual(r.sent, [null, null, null, null, '3', '4', '5']);
  });

  test('a failing headers function is a typed, retried error', { timeout: 20_000 }, async () => {
    await script('hdrfail', [{ chunks: [END] }]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          let n = 0;
          const es = new esw.EventSource(url, {
            retry: { initialDelay: 20, minDelay: 10 },
            headers: () => {
              if (++n === 1) throw new Error('token service down');
              return { Authorization: 'Bearer ok' };
            },
          });
          const errors = [];
          es.onerror = (e) => errors.push([e.error.type, e.willReconnect, e.error.message]);
          es.addEventListener('end', () => resolve(errors));
        }),
      'hdrfail',
    );
    assert.deepEqual(r, [['headers', true, 'the headers callback failed: token service down']]);
    assert.equal((await requests('hdrfail')).length, 1);
  });

  test('typed listeners decode, report bad payloads, and create no MessageEvent', { timeout: 20_000 }, async () => {
    await script('typed', [
      {
        chunks: [
          {
            text: 'event: user\ndata: {"name":"ada"}\n\nevent: user\ndata: oops\n\nevent: user\ndata: {"name":"bob"}\n\n',
          },
          END,
        ],
      },
    ]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const Real = window.MessageEvent;
          let built = 0;
          window.MessageEvent = class extends Real {
            constructor(...a) {
              super(...a);
              built++;
            }
          };
          const es = new esw.EventSource(url);
          const users = [];
          const errors = [];
          const upper = [];
          es.on('user', (u, meta) => users.push([u.name, meta.type]));
          es.on('user', (s) => upper.push(s), { decode: (s) => s.toUpperCase() });
          es.addEventListener('decodeerror', (e) =>
            errors.push([e.error.eventType, e.error.data, e.error.name, e.error.type, e.error.message]),
          );
          es.on(
            'end',
            () => {
              window.MessageEvent = Real;
              resolve({ users, errors, upper, built });
            },
            { decode: (s) => s },
          );
        }),
      'typed',
    );
    assert.deepEqual(r.users, [
      ['ada', 'user'],
      ['bob', 'user'],
    ]);
    assert.equal(r.errors.length, 1);
    assert.deepEqual(r.errors[0].slice(0, 4), ['user', 'oops', 'DecodeError', 'decode']);
    // It says why, and how to keep plain text.
    assert.match(
      r.errors[0][4],
      /^the data of a "user" event did not decode as JSON \(`decode: \(text\) => text` keeps text\): /,
    );
    assert.deepEqual(r.upper, ['{"NAME":"ADA"}', 'OOPS', '{"NAME":"BOB"}']);
    assert.equal(r.built, 0, 'no MessageEvent was built for typed listeners');
  });

  test('an abort signal closes the source; an aborted one never connects', { timeout: 20_000 }, async () => {
    await script('abort', [{ chunks: [{ text: 'data: a\n\n' }], end: 'hang' }]);
    await script('aborted', [{ chunks: [END] }]);
    const r = await inPage(async (esw, url) => {
      const controller = new AbortController();
      const es = new esw.EventSource(url, { signal: controller.signal });
      const log = [];
      es.onerror = (e) => log.push([e.error.type, es.readyState]);
      await new Promise((resolve) => {
        es.onmessage = resolve;
      });
      controller.abort();
      const early = new esw.EventSource(url.replace('/abort', '/aborted'), { signal: AbortSignal.abort() });
      const earlyLog = [];
      early.onerror = (e) => earlyLog.push([e.error.type, early.readyState]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { log, earlyLog };
    }, 'abort');
    assert.deepEqual(r.log, [['aborted', 2]]);
    assert.deepEqual(r.earlyLog, [['aborted', 2]]);
    assert.equal(await clientClosed('abort'), true);
    assert.equal((await requests('aborted')).length, 0);
  });

  test('a custom fetch is used; idle timeout reconnects; comments are observable', { timeout: 20_000 }, async () => {
    await script('custom', [{ chunks: [{ text: ': hb\n' }], end: 'hang' }, { chunks: [END] }]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const seen = [];
          const comments = [];
          const es = new esw.EventSource(url, {
            fetch: (req) => {
              seen.push(req.headers.get('accept'));
              return fetch(req);
            },
            idleTimeout: 300,
            retry: { initialDelay: 20, minDelay: 10 },
            onComment: (c) => comments.push(c),
          });
          const errors = [];
          es.onerror = (e) => errors.push(e.error.type);
          es.addEventListener('end', () => resolve({ seen, errors, comments }));
        }),
      'custom',
    );
    assert.deepEqual(r.seen, ['text/event-stream', 'text/event-stream']);
    assert.deepEqual(r.errors, ['idle-timeout']);
    assert.deepEqual(r.comments, ['hb']);
  });

  test('an initial lastEventId is sent on the first request and seen by events', { timeout: 20_000 }, async () => {
    await script('resume', [{ chunks: [{ text: 'data: next\n\n' }, END] }]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const es = new esw.EventSource(url, { lastEventId: '41' });
          es.onmessage = (e) => resolve([e.lastEventId, es.lastEventId]);
        }),
      'resume',
    );
    assert.deepEqual(r, ['41', '41']);
    assert.equal((await requests('resume'))[0].headers['last-event-id'], '41');
  });

  test('buffer limits: a line over maxLineLength fails with its limit, after the events before it', {
    timeout: 20_000,
  }, async () => {
    await script('limit', [
      { chunks: [{ text: 'data: ok\n\n' }, { text: `data: ${'x'.repeat(5000)}\n\n` }], end: 'hang' },
    ]);
    const r = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const es = new esw.EventSource(url, { maxLineLength: 1024 });
          const log = [];
          es.onmessage = (e) => log.push(e.data);
          es.onerror = (e) => {
            log.push([e.error.type, e.error.limit, e.willReconnect, es.readyState]);
            resolve(log);
          };
        }),
      'limit',
    );
    assert.deepEqual(r, ['ok', ['line-too-long', 1024, false, 2]]);
    assert.equal(await clientClosed('limit'), true, 'the request was aborted');
  });

  test('a charset other than UTF-8 is still read as UTF-8 (the spec; Chromium refuses it)', {
    timeout: 20_000,
  }, async () => {
    await script('charset', [
      { headers: { 'content-type': 'text/event-stream; charset=ISO-8859-1' }, chunks: [{ text: 'data: é\n\n' }, END] },
    ]);
    const data = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          new esw.EventSource(url).onmessage = (e) => resolve(e.data);
        }),
      'charset',
    );
    assert.equal(data, 'é');
  });

  test('works in a module Web Worker', { timeout: 20_000 }, async () => {
    await script('worker', [{ chunks: [{ text: 'id: 1\ndata: from worker\n\n' }, END] }]);
    const r = await page.evaluate(
      (url) =>
        new Promise((resolve, reject) => {
          const source = `
            import { EventSource } from '${location.origin}/pkg/index.js';
            const es = new EventSource(${JSON.stringify(url)}, { headers: { 'X-In': 'worker' } });
            es.onmessage = (e) => postMessage({ data: e.data, id: e.lastEventId, window: typeof window });
          `;
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), {
            type: 'module',
          });
          worker.onmessage = (e) => {
            worker.terminate();
            resolve(e.data);
          };
          worker.onerror = (e) => reject(new Error(e.message));
        }),
      `${base()}/sse/worker`,
    );
    assert.deepEqual(r, { data: 'from worker', id: '1', window: 'undefined' });
    assert.equal((await requests('worker'))[0].headers['x-in'], 'worker');
  });

  test('as the native class, in a page and in dedicated and shared workers: events are MessageEvents by constructor, and a URL of a scheme fetch() cannot load fails for good', {
    timeout: 60_000,
  }, async () => {
    const keys = ['realm-page', 'realm-worker', 'realm-shared'];
    for (const key of keys) await script(key, [{ chunks: [{ text: 'id: 7\ndata: hi\n\n' }, END] }]);
    const r = await page.evaluate(
      async ([urls, sseOrigin]) => {
        // The same checks in each realm: what an event is, and what each
        // source (ours and the browser's) does with each scheme.
        const checks = `
          const { EventSource: Ours } = await import('${location.origin}/pkg/index.js');
          const realm = async (url) => {
            const es = new Ours(url);
            const ev = await new Promise((resolve) => { es.onmessage = resolve; });
            es.close();
            const event = [ev.constructor === MessageEvent, Object.getPrototypeOf(ev) === MessageEvent.prototype,
              ev instanceof MessageEvent, ev.origin === ${JSON.stringify(sseOrigin)}, ev.lastEventId, ev.data];
            const run = (Class, u) => new Promise((resolve) => {
              const seen = [];
              let s;
              try { s = new Class(u); } catch (e) { resolve(['throws', e.name]); return; }
              s.onopen = () => seen.push('open');
              s.onerror = () => seen.push(['error', s.readyState]);
              // Long enough for a retry to show (the native class retries
              // after about 3 s; ours after 250 ms at the least).
              setTimeout(() => { s.close(); resolve(seen); }, 1500);
            });
            const schemes = {};
            for (const u of ['ftp://127.0.0.1/x', 'mailto:a@b.test', 'javascript:void 0', 'about:blank']) {
              schemes[u] = { ours: await run(Ours, u), native: globalThis.EventSource ? await run(globalThis.EventSource, u) : null };
            }
            return { event, schemes };
          };`;
        const inWorker = (url, shared) =>
          new Promise((resolve, reject) => {
            const body = shared
              ? `onconnect = async (c) => { ${checks} c.ports[0].postMessage(await realm(${JSON.stringify(url)})); };`
              : `(async () => { ${checks} postMessage(await realm(${JSON.stringify(url)})); })();`;
            const src = URL.createObjectURL(new Blob([body], { type: 'text/javascript' }));
            if (shared) {
              const w = new SharedWorker(src, { type: 'module' });
              w.port.onmessage = (e) => resolve(e.data);
              w.onerror = () => reject(new Error('shared worker failed'));
            } else {
              const w = new Worker(src, { type: 'module' });
              w.onmessage = (e) => {
                w.terminate();
                resolve(e.data);
              };
              w.onerror = (e) => reject(new Error(e.message));
            }
          });
        const pageModule = `${checks} export default await realm(${JSON.stringify(urls[0])});`;
        const pageRun = (await import(URL.createObjectURL(new Blob([pageModule], { type: 'text/javascript' }))))
          .default;
        return { page: pageRun, worker: await inWorker(urls[1], false), shared: await inWorker(urls[2], true) };
      },
      [keys.map((k) => `${base()}/sse/${k}`), base()],
    );
    for (const [realm, result] of Object.entries(r)) {
      assert.deepEqual(result.event, [true, true, true, true, '7', 'hi'], `${realm}: the event`);
      for (const [url, { ours, native }] of Object.entries(result.schemes)) {
        assert.deepEqual(ours, [['error', 2]], `${realm}, ${url}: one error, then closed`);
        if (native) assert.deepEqual(ours, native, `${realm}, ${url}: as the browser's own class`);
      }
    }
  });

  test('a POST is not sent again on its own: a clean end before its end event closes as truncated; event IDs resume it', {
    timeout: 20_000,
  }, async () => {
    // No IDs: the answer, then the response ends. A second POST would be a
    // second (paid) generation: the source closes instead.
    await script('post-once', [{ chunks: [{ text: 'retry: 10\ndata: the answer\n\n' }] }]);
    const once = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const got = [];
          const es = new esw.EventSource(url, { method: 'POST', body: '{"prompt":"hi"}' });
          es.onmessage = (e) => got.push(e.data);
          es.onerror = (e) => {
            const r = {
              got,
              type: e.error.type,
              cause: e.error.cause?.type,
              willReconnect: e.willReconnect,
              readyState: es.readyState,
            };
            // Long enough for a reconnect at `retry: 10` to show.
            setTimeout(() => resolve(r), 300);
          };
        }),
      'post-once',
    );
    assert.deepEqual(once, {
      got: ['the answer'],
      type: 'truncated',
      cause: 'stream-ended',
      willReconnect: false,
      readyState: 2,
    });
    assert.equal((await requests('post-once')).length, 1);

    // IDs, and the connection is cut mid-answer: the same POST resumes
    // with Last-Event-ID, and every token arrives once.
    await script('post-resume', [
      // The cut comes once the client has read the events (a cut right
      // after them may discard what it had not read yet).
      {
        chunks: [{ text: 'retry: 10\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n' }, { text: '', delay: 300 }],
        end: 'destroy',
      },
      { chunks: [{ text: 'id: 3\ndata: c\n\n' }, END] },
    ]);
    const resumed = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const got = [];
          const es = new esw.EventSource(url, { method: 'POST', body: '{"prompt":"hi"}' });
          es.onmessage = (e) => got.push(e.data);
          es.addEventListener('end', () => resolve(got));
        }),
      'post-resume',
    );
    assert.deepEqual(resumed, ['a', 'b', 'c']);
    const got = await requests('post-resume');
    assert.deepEqual(
      got.map((r) => [r.method, r.body, r.headers['last-event-id'] ?? null]),
      [
        ['POST', '{"prompt":"hi"}', null],
        ['POST', '{"prompt":"hi"}', '2'],
      ],
    );
  });

  test('resumeUrl: a cut POST resumes with a GET of the resume URL, without the body (MCP)', {
    timeout: 20_000,
  }, async () => {
    await script('mcp-post', [
      {
        chunks: [{ text: 'retry: 10\nid: 1\ndata: a\n\n' }, { text: '', delay: 300 }],
        end: 'destroy',
      },
    ]);
    await script('mcp-resume', [{ chunks: [{ text: 'id: 2\ndata: b\n\n' }, END] }]);
    const got = await inPage(
      (esw, url) =>
        new Promise((resolve) => {
          const got = [];
          const es = new esw.EventSource(url, {
            method: 'POST',
            body: '{"jsonrpc":"2.0"}',
            resumeUrl: url.replace('mcp-post', 'mcp-resume'),
          });
          es.onmessage = (e) => got.push(e.data);
          es.addEventListener('end', () => resolve(got));
        }),
      'mcp-post',
    );
    assert.deepEqual(got, ['a', 'b']);
    const posts = await requests('mcp-post');
    const resumes = await requests('mcp-resume');
    assert.deepEqual(
      [...posts, ...resumes].map((r) => [r.method, r.body, r.headers['last-event-id'] ?? null]),
      [
        ['POST', '{"jsonrpc":"2.0"}', null],
        ['GET', '', '1'],
      ],
    );
  });

  test('a refused response carries its body, parsed, and the server message (bounded in size and time)', {
    timeout: 20_000,
  }, async () => {
    const openai = '{"error":{"message":"Incorrect API key provided: sk-***","type":"invalid_request_error"}}';
    await script('body401', [
      { status: 401, headers: { 'content-type': 'application/json' }, chunks: [{ text: openai }] },
    ]);
    await script('body500', [
      { status: 500, headers: { 'content-type': 'text/plain' }, chunks: [{ text: 'x'.repeat(100_000) }] },
    ]);
    await script('body503', [
      { status: 503, headers: { 'content-type': 'text/plain' }, chunks: [{ text: 'partial' }], end: 'hang' },
    ]);
    await script('body204', [{ status: 204 }]);
    const r = await inPage(async (esw, url) => {
      const failure = (key) =>
        new Promise((resolve) => {
          const started = performance.now();
          const es = new esw.EventSource(url.replace('body401', key));
          es.onerror = ({ error }) =>
            resolve({
              message: error.message,
              status: error.status,
              bodyLength: error.body?.length ?? null,
              body: error.body?.slice(0, 10) ?? null,
              json: error.json ?? null,
              serverMessage: error.serverMessage ?? null,
              ms: performance.now() - started,
            });
        });
      return Promise.all(['body401', 'body500', 'body503', 'body204'].map(failure));
    }, 'body401');
    assert.deepEqual(r[0].json, JSON.parse(openai));
    assert.equal(r[0].serverMessage, 'Incorrect API key provided: sk-***');
    assert.equal(r[0].message, 'the server answered with HTTP status 401: Incorrect API key provided: sk-***');
    assert.equal(r[1].bodyLength, 65_536, 'the body is cut at 64 KiB');
    assert.equal(r[1].serverMessage, null);
    assert.equal(r[1].message, 'the server answered with HTTP status 500');
    assert.equal(r[2].body, 'partial', 'what arrived before the time limit');
    assert.ok(r[2].ms >= 2900 && r[2].ms < 6000, `a body that hangs is read for 3 s (${r[2].ms} ms)`);
    assert.deepEqual([r[3].status, r[3].body], [204, null]);
  });

  test('the page coming back (online, back/forward cache, visible) reconnects at once; pausing while hidden', {
    timeout: 30_000,
  }, async () => {
    const first = { chunks: [{ text: 'id: 1\ndata: a\n\n' }] };
    const rest = { chunks: [{ text: 'id: 2\ndata: b\n\n' }], end: 'hang' };
    for (const key of ['online', 'pageshow', 'shown']) await script(key, [first, rest]);
    await script('paused', [{ chunks: [{ text: 'id: 1\ndata: a\n\n' }], end: 'hang' }, rest]);
    await script('post-hidden', [{ chunks: [{ text: 'data: a\n\n' }], end: 'hang' }]);
    const r = await inPage(async (esw, url) => {
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const setHidden = (hidden) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
        document.dispatchEvent(new Event('visibilitychange'));
      };
      const open = (key, init = {}) => {
        const es = new esw.EventSource(url.replace('online', key), { retry: { initialDelay: 20_000 }, ...init });
        es.got = [];
        es.onmessage = (e) => es.got.push(e.data);
        return es;
      };
      // Each waits 20 s to reconnect after its first response ends.
      const online = open('online');
      const pageshow = open('pageshow');
      const shown = open('shown');
      await sleep(500);
      const waiting = [online, pageshow, shown].map((es) => es.readyState);
      window.dispatchEvent(new Event('online'));
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      setHidden(false);
      await sleep(500);
      const back = [online, pageshow, shown].map((es) => [es.readyState, es.got.join()]);
      for (const es of [online, pageshow, shown]) es.close();
      // Pausing: opted in, a GET is cut while hidden and resumes when
      // shown; a POST without event IDs is never paused.
      const paused = open('paused', { pauseWhenHidden: true });
      const post = open('post-hidden', { pauseWhenHidden: true, method: 'POST', body: 'x' });
      await sleep(300);
      setHidden(true);
      await sleep(300);
      const hidden = [paused.readyState, post.readyState];
      setHidden(false);
      await sleep(500);
      const after = [paused.readyState, paused.got.join(), post.readyState];
      paused.close();
      post.close();
      delete document.hidden;
      return { waiting, back, hidden, after };
    }, 'online');
    assert.deepEqual(r.waiting, [0, 0, 0]);
    assert.deepEqual(r.back, [
      [1, 'a,b'],
      [1, 'a,b'],
      [1, 'a,b'],
    ]);
    for (const key of ['online', 'pageshow', 'shown']) {
      const got = await requests(key);
      assert.deepEqual(
        got.map((q) => q.headers['last-event-id'] ?? null),
        [null, '1'],
        `${key}: one reconnect, from the last event ID`,
      );
    }
    assert.deepEqual(r.hidden, [0, 1]);
    assert.deepEqual(r.after, [1, 'a,b', 1]);
    assert.equal(await clientClosed('paused'), true, 'the paused request was aborted');
    assert.deepEqual(
      (await requests('paused')).map((q) => q.headers['last-event-id'] ?? null),
      [null, '1'],
    );
    assert.equal((await requests('post-hidden')).length, 1);
  });

  test('the back/forward cache drops the connection silently and the restore resumes at once; a wake fails a stream silent past its idle timeout', {
    timeout: 30_000,
  }, async () => {
    const first = { chunks: [{ text: 'id: 1\ndata: a\n\n' }], end: 'hang' };
    const rest = { chunks: [{ text: 'id: 2\ndata: b\n\n' }], end: 'hang' };
    await script('bfcache', [first, rest]);
    await script('bfcache-post', [{ chunks: [{ text: 'data: a\n\n' }], end: 'hang' }]);
    await script('throttled', [first, rest]);
    const r = await inPage(async (esw, url) => {
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const open = (key, init = {}) => {
        const es = new esw.EventSource(url.replace('bfcache', key), init);
        es.trace = [];
        es.onmessage = (e) => es.trace.push(e.data);
        es.onerror = (e) => es.trace.push(`error ${e.error.type}`);
        return es;
      };
      // Not asked to pause when hidden: the cache drops it all the same,
      // with no error, and the restore reconnects at once (no 3 s delay).
      const es = open('bfcache');
      const post = open('bfcache-post', { method: 'POST', body: 'x' });
      await sleep(400);
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      await sleep(200);
      const stored = [es.readyState, post.readyState];
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      await sleep(500);
      const restored = [es.readyState, es.trace.join(), post.readyState, post.trace.join()];
      es.close();
      post.close();
      // Timers held back (a hidden page's throttling, here: never run):
      // the idle timeout cannot fire on its own; the page getting the
      // focus again finds the stream silent past it and reconnects.
      const realTimeout = window.setTimeout;
      window.setTimeout = () => 0;
      let throttled;
      let silent;
      try {
        throttled = open('throttled', { idleTimeout: 300 });
        await new Promise((resolve) => realTimeout(resolve, 900));
        silent = [...throttled.trace];
        window.dispatchEvent(new Event('focus'));
        await new Promise((resolve) => realTimeout(resolve, 500));
      } finally {
        window.setTimeout = realTimeout;
      }
      throttled.close();
      return { stored, restored, silent, woken: throttled.trace };
    }, 'bfcache');
    assert.deepEqual(r.stored, [0, 1], 'stored: the GET drops its connection; the POST without IDs keeps it');
    assert.deepEqual(r.restored, [1, 'a,b', 1, 'a']);
    assert.equal(await clientClosed('bfcache'), true, 'the stored request was aborted');
    assert.deepEqual(
      (await requests('bfcache')).map((q) => q.headers['last-event-id'] ?? null),
      [null, '1'],
    );
    assert.equal((await requests('bfcache-post')).length, 1);
    assert.deepEqual(r.silent, ['a'], 'no idle timeout while the timers are held back');
    assert.deepEqual(r.woken, ['a', 'error idle-timeout', 'b']);
    assert.deepEqual(
      (await requests('throttled')).map((q) => q.headers['last-event-id'] ?? null),
      [null, '1'],
    );
  });

  test('timers clamped as in a hidden page never tear down a stream whose heartbeats arrive; neither do the wake-ups', {
    timeout: 30_000,
  }, async () => {
    const beats = Array.from({ length: 25 }, () => ({ text: ': hb\n', delay: 100 }));
    await script('clamped', [{ chunks: [{ text: 'id: 1\ndata: a\n\n' }, ...beats, END] }]);
    const r = await inPage(async (esw, url) => {
      // Chromium runs a hidden page's timers at most once a second: every
      // timer here fires at least 1 s late, well past the idle timeout.
      const realTimeout = window.setTimeout;
      window.setTimeout = (f, ms, ...args) => realTimeout(f, (ms ?? 0) + 1000, ...args);
      const hidden = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden');
      let isHidden = true;
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => isHidden });
      const trace = [];
      try {
        await new Promise((resolve) => {
          const es = new esw.EventSource(url, { idleTimeout: 300 });
          es.onmessage = (e) => trace.push(e.data);
          es.onerror = (e) => trace.push(`error ${e.error.type}`);
          es.addEventListener('end', () => {
            trace.push('end');
            es.close();
            resolve();
          });
          // Wake-ups while the heartbeats come: shown, focused, online.
          realTimeout(() => {
            isHidden = false;
            document.dispatchEvent(new Event('visibilitychange'));
            window.dispatchEvent(new Event('focus'));
            window.dispatchEvent(new Event('online'));
            trace.push('woken');
          }, 1200);
        });
      } finally {
        window.setTimeout = realTimeout;
        delete document.hidden;
        if (hidden) Object.defineProperty(Document.prototype, 'hidden', hidden);
      }
      return trace;
    }, 'clamped');
    assert.deepEqual(r, ['a', 'woken', 'end']);
    assert.equal((await requests('clamped')).length, 1, 'never reconnected');
  });

  test('for await: every event until the end event; a final error is thrown; leaving closes; backpressure', {
    timeout: 30_000,
  }, async () => {
    await script('iter', [
      { chunks: [{ text: 'data: a\n\nevent: tick\ndata: b\n\n' }, END, { text: 'data: never\n\n' }], end: 'hang' },
    ]);
    await script('iter-fail', [{ chunks: [{ text: 'data: a\n\n' }] }]);
    await script('iter-break', [{ chunks: [{ text: 'data: a\n\ndata: b\n\n' }], end: 'hang' }]);
    await script('iter-slow', [
      { chunks: [{ text: 'data: x\n\n', delay: 5, repeat: 200 }, { text: 'event: end\ndata: \n\n' }], end: 'hang' },
    ]);
    const r = await inPage(async (esw, url) => {
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const events = [];
      const es = new esw.EventSource(url);
      for await (const e of es) events.push([e.type, e.data, e.lastEventId]);
      const ended = es.readyState;
      // A POST whose stream ends before its end event is not sent again:
      // the loop throws (truncated).
      let thrown = null;
      const got = [];
      try {
        for await (const e of new esw.EventSource(url.replace('iter', 'iter-fail'), { method: 'POST', body: 'x' }))
          got.push(e.data);
      } catch (error) {
        thrown = [error.name, error.type, error.cause?.type];
      }
      // Leaving the loop closes the source.
      const left = new esw.EventSource(url.replace('iter', 'iter-break'));
      for await (const e of left) if (e.data === 'a') break;
      // A slow loop: the body is not read while it is 5 events behind.
      const slow = new esw.EventSource(url.replace('iter', 'iter-slow'), { maxBufferedEvents: 5 });
      let parsed = 0;
      slow.onmessage = () => parsed++;
      let seen = 0;
      let parsedWhileSlow = 0;
      for await (const e of slow) {
        if (e.type === 'message') seen++;
        if (seen === 1) {
          await sleep(1500);
          parsedWhileSlow = parsed;
        }
      }
      return { events, ended, thrown, got, leftState: left.readyState, seen, parsedWhileSlow, parsed };
    }, 'iter');
    assert.deepEqual(r.events, [
      ['message', 'a', ''],
      ['tick', 'b', ''],
      ['end', 'bye', ''],
    ]);
    assert.equal(r.ended, 2);
    assert.deepEqual(r.got, ['a']);
    assert.deepEqual(r.thrown, ['SseError', 'truncated', 'stream-ended']);
    assert.equal(r.leftState, 2);
    assert.equal(await clientClosed('iter-break'), true);
    assert.equal(r.seen, 200, 'every event, none dropped');
    assert.equal(r.parsed, 200);
    // 200 events arrive over 1 s; held back, the source read only what was
    // in flight when the loop fell 5 behind.
    assert.ok(r.parsedWhileSlow < 50, `read on while the loop was behind: ${r.parsedWhileSlow} events`);
  });

  test('createParser: the parser alone, fed split bytes and strings', { timeout: 20_000 }, async () => {
    const r = await page.evaluate(() => {
      const out = [];
      const parser = window.eswParser.createParser({
        onEvent: (e) => out.push(['event', e.type, e.data, e.lastEventId]),
        onRetry: (ms) => out.push(['retry', ms]),
        onComment: (c) => out.push(['comment', c]),
        maxLineLength: 64,
      });
      const bytes = new TextEncoder().encode(
        '\ufeffid: 1\r\nevent: tick\r\ndata: h\u00e9\u{1f680}\r\n\r\n: hb\nretry: 500\n',
      );
      for (const b of bytes) parser.feed(new Uint8Array([b])); // one byte at a time
      parser.feed('data: a\n');
      parser.feed('data:\n\n');
      parser.feed('data: cut');
      parser.finish();
      out.push(['lastEventId', parser.lastEventId]);
      try {
        parser.feed(`data: ${'x'.repeat(100)}\n\n`);
      } catch (e) {
        out.push(['error', e.name, e.type, e.limit]);
      }
      // reset(): new again, the error and the last event ID gone.
      parser.reset();
      out.push(['reset', parser.lastEventId]);
      parser.feed('data: again\n\n');
      return out;
    });
    assert.deepEqual(r, [
      ['event', 'tick', 'hé🚀', '1'],
      ['comment', 'hb'],
      ['retry', 500],
      ['event', 'message', 'a\n', '1'],
      ['lastEventId', '1'],
      ['error', 'ParseError', 'line-too-long', 64],
      ['reset', ''],
      ['event', 'message', 'again', ''],
    ]);
  });

  test('createParser: many events in one chunk, types and IDs repeated or not, non-ASCII text', {
    timeout: 20_000,
  }, async () => {
    const r = await page.evaluate(() => {
      const out = [];
      const parser = window.eswParser.createParser({
        onEvent: (e) => out.push([e.type, e.data, e.lastEventId]),
        onComment: (c) => out.push(['comment', c]),
      });
      parser.feed(
        'event: \u00e9\nid: \u2603\ndata: 1\n\nevent: \u00e9\ndata: 2\u{1f680}\n\ndata: 3\n\n' +
          'id: 4\nevent: tick\ndata: \u00fc\n\nid\nevent: tick\ndata: 5\n\ndata: 6\n\n: c\n' +
          'event: tick\ndata: 7\n\nevent: tick\nid: 8\ndata: x\u00e9y\n\n',
      );
      // A batch whose only non-ASCII bytes are in its last seven, past the
      // whole eight-byte words the ASCII check reads.
      parser.feed('data: ab\u00e9\n\n');
      return out;
    });
    assert.deepEqual(r, [
      ['\u00e9', '1', '\u2603'],
      ['\u00e9', '2\u{1f680}', '\u2603'],
      ['message', '3', '\u2603'],
      ['tick', '\u00fc', '4'],
      ['tick', '5', ''],
      ['message', '6', ''],
      ['comment', 'c'],
      ['tick', '7', ''],
      ['tick', 'x\u00e9y', '8'],
      ['message', 'ab\u00e9', '8'],
    ]);
  });

  test('createParser: events read in place from byte chunks, around non-ASCII text, comments and a reused buffer', {
    timeout: 20_000,
  }, async () => {
    const r = await page.evaluate(() => {
      const out = [];
      const parser = window.eswParser.createParser({
        onEvent: (e) => out.push([e.type, e.data, e.lastEventId]),
        onComment: (c) => out.push(['comment', c]),
      });
      const encode = (s) => new TextEncoder().encode(s);
      // ASCII events (read in place), a comment (a second batch of the same
      // chunk), a non-ASCII event (copied, and so is all that follows it in
      // the chunk), a multi-line event, and a block cut by the chunk's end.
      parser.feed(
        encode(
          'id: 1\nevent: tick\ndata: {"a":1}\n\nid: 2\nevent: tick\ndata: {"a":2}\n\n: hb\n' +
            'event: tock\ndata: b\n\ndata: caf\u00e9\n\nid: 3\ndata: after\n\ndata: x\ndata: y\n\nid: 4\ndata: cu',
        ),
      );
      // The same buffer, refilled: nothing of the previous chunk may show.
      const buffer = new Uint8Array(64);
      const fill = (s) => {
        const bytes = encode(s);
        buffer.fill(32);
        buffer.set(bytes);
        return buffer.subarray(0, bytes.length);
      };
      parser.feed(fill('t\n\nevent: one\ndata: first\n\n'));
      parser.feed(fill('event: two\ndata: second\n\n'));
      return out;
    });
    assert.deepEqual(r, [
      ['tick', '{"a":1}', '1'],
      ['tick', '{"a":2}', '2'],
      ['comment', 'hb'],
      ['tock', 'b', '2'],
      ['message', 'caf\u00e9', '2'],
      ['message', 'after', '3'],
      ['message', 'x\ny', '3'],
      ['message', 'cut', '4'],
      ['one', 'first', '4'],
      ['two', 'second', '4'],
    ]);
  });

  test('eventsource-wasm/stream: a fetch() body piped to events; a limit errors the stream after the events before it', {
    timeout: 20_000,
  }, async () => {
    await script('parser-stream', [
      { chunks: [{ text: 'id: 1\nevent: tick\ndata: {"n":1}\n\n' }, { text: 'data: [DONE]\n\ndata: cut' }] },
    ]);
    const r = await inPage(async (_esw, url) => {
      const { EventStreamParser } = await import('/pkg/stream.js');
      const readAll = async (stream) => {
        const out = [];
        const reader = stream.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return { out };
            out.push(value);
          }
        } catch (e) {
          return { out, error: [e.name, e.type, e.limit] };
        }
      };
      const response = await fetch(url);
      const fetched = await readAll(response.body.pipeThrough(new EventStreamParser()));
      const strings = new ReadableStream({
        start(controller) {
          controller.enqueue('data: ok\n\n');
          controller.enqueue(`data: ${'x'.repeat(100)}\n\n`);
          controller.close();
        },
      });
      const limited = await readAll(strings.pipeThrough(new EventStreamParser({ maxLineLength: 64 })));
      return { fetched, limited };
    }, 'parser-stream');
    assert.deepEqual(r, {
      fetched: {
        out: [
          { type: 'tick', data: '{"n":1}', lastEventId: '1' },
          { type: 'message', data: '[DONE]', lastEventId: '1' },
        ],
      },
      limited: { out: [{ type: 'message', data: 'ok', lastEventId: '' }], error: ['ParseError', 'line-too-long', 64] },
    });
  });

  test('the polyfill installs the class on globalThis and keeps the native one', { timeout: 20_000 }, async () => {
    const r = await page.evaluate(async () => {
      const native = window.EventSource;
      const poly = await import('/pkg/polyfill.js');
      const out = { installed: window.EventSource === window.esw.EventSource, kept: poly.NativeEventSource === native };
      window.EventSource = native;
      return out;
    });
    assert.deepEqual(r, { installed: true, kept: true });
  });
});

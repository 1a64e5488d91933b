// The differential suite: each case scripts the server's responses, then
// runs the browser's native EventSource and this package's EventSource side
// by side in the same headless Chromium page. Both must log the same
// events (type, data, lastEventId, MessageEvent), readyState at each event,
// open/error order, and send the same Last-Event-ID on each request.
//
// No case uses an `end` event: ending on it is this library's one
// deliberate departure (see the README).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { openPackagePage } from './browser.mjs';
import { script as scriptOn } from './sse-client.mjs';

const STOP = { status: 204 };
const text = (...parts) => parts.map((t) => ({ text: t }));
const bytes = (...arrays) => arrays.map((b) => ({ bytes: b }));
const enc = (s) => [...Buffer.from(s, 'utf8')];
// A response, then a reconnect that the server refuses with 204 (both
// implementations then fire error and close).
const once = (chunks, extra = {}) => [{ chunks, ...extra }, STOP];

const cases = {
  'simple message': once(text('data: hello\n\n')),
  'multi-line data': once(text('data: a\ndata: b\ndata: c\n\n')),
  'named event': { script: once(text('event: tick\ndata: 1\n\n')), types: ['tick'] },
  'named and unnamed interleaved': { script: once(text('event: tick\ndata: 1\n\ndata: 2\n\nevent: tock\ndata: 3\n\n')), types: ['tick', 'tock'] },
  'event type "message" given explicitly': once(text('event: message\ndata: x\n\n')),
  'leading empty data line kept': once(text('data:\ndata: x\n\n')),
  'trailing empty data line kept': once(text('data: x\ndata:\n\n')),
  'field without colon': once(text('data\n\ndata\ndata\n\n')),
  'only one leading space removed': once(text('data:  two\ndata:none\n\n')),
  'colon in the value': once(text('data: a: b:c\n\n')),
  'comments ignored': once(text(': hello\ndata: x\n: again\n\n:\n')),
  'CRLF line ends': once(text('data: a\r\n\r\ndata: b\r\n\r\n')),
  'CR line ends': once(text('data: a\r\rdata: b\r\r')),
  'mixed line ends': once(text('data: a\rdata: b\r\ndata: c\n\r\n')),
  'CRLF split across chunks': once(text('data: a\r', '\ndata: b\r', '\n\r', '\n')),
  'blank lines alone': once(text('\n\n\r\n\r\ndata: x\n\n')),
  'BOM at start': once(bytes([0xef, 0xbb, 0xbf, ...enc('data: x\n\n')])),
  'BOM split across chunks': once(bytes([0xef], [0xbb], [0xbf, ...enc('data: x\n\n')])),
  'second BOM is not stripped': once(bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...enc('data: x\n\ndata: y\n\n')])),
  'BOM later in data is kept': once(text('data: \ufeffz\n\n')),
  'invalid UTF-8 becomes U+FFFD': once(bytes(enc('data: a'), [0xff], enc('b\n\n'))),
  'truncated UTF-8 sequence': once(bytes(enc('data: '), [0xe2, 0x82], enc('\n\n'))),
  'multi-byte character split across chunks': once(bytes(enc('data: '), [0xf0, 0x9f], [0x9a, 0x80], enc('\n\n'))),
  'id sets lastEventId': once(text('id: 1\ndata: a\n\ndata: b\n\n')),
  'id with NUL ignored': once(text('id: 1\n\nid: a\u0000b\ndata: x\n\n')),
  'empty id resets': once(text('id: 1\ndata: a\n\nid\ndata: b\n\n')),
  'id-only block moves lastEventId': once(text('id: 1\ndata: a\n\nid: 2\n\ndata: b\n\n')),
  'id after data in the block': once(text('data: a\nid: 9\n\n')),
  'unknown fields ignored': once(text('foo: bar\nDATA: no\ndata : no\ndata: yes\n\n')),
  'event type resets after dispatch': { script: once(text('event: tick\ndata: 1\n\ndata: 2\n\n')), types: ['tick'] },
  'empty event type is message': once(text('event:\ndata: x\n\n')),
  'empty data dispatches nothing and resets type': { script: once(text('event: tick\n\ndata: x\n\n')), types: ['tick'] },
  'unfinished event discarded at end of stream': once(text('data: a\n\ndata: never')),
  'invalid retry ignored': once(text('retry: 1x\nretry: -5\ndata: a\n\n')),
  'clean end reconnects with Last-Event-ID': [
    { chunks: text('retry: 10\nid: 5\ndata: a\n\n') },
    { chunks: text('data: b\n\n') },
    STOP,
  ],
  'lastEventId survives a reconnect': [
    { chunks: text('retry: 10\nid: 7\ndata: a\n\nid: 8\ndata: unfinished') },
    { chunks: text('data: b\n\nid\n\n') },
    { chunks: text('data: c\n\n') },
    STOP,
  ],
  'status 204 first': [STOP],
  'status 404': [{ status: 404, headers: { 'content-type': 'text/event-stream' }, chunks: text('data: x\n\n') }],
  'status 500': [{ status: 500, headers: { 'content-type': 'text/plain' } }],
  'status 201 is not 200': [{ status: 201, chunks: text('data: x\n\n') }],
  'wrong content type': [{ headers: { 'content-type': 'text/plain' }, chunks: text('data: x\n\n') }],
  'missing content type': [{ headers: {}, chunks: text('data: x\n\n') }],
  'content type with utf-8 charset': once(text('data: x\n\n'), { headers: { 'content-type': 'text/event-stream; charset=utf-8' } }),
  'content type in other case': once(text('data: x\n\n'), { headers: { 'content-type': 'Text/Event-Stream' } }),
  'long line (200 KB)': once(text(`data: ${'x'.repeat(200_000)}\n\n`)),
  '200 events in one chunk': once(text(Array.from({ length: 200 }, (_, i) => `id: ${i}\ndata: ${i}\n\n`).join(''))),
  'one byte per chunk': once(bytes(...enc('id: 1\r\nevent: message\r\ndata: drip\r\n\r\n').map((b) => [b]))),
  'close() inside a listener': { script: once(text('data: a\n\ndata: b\n\n')), closeAfter: 1 },
  'redirect then events': 'redirect',
  'empty response body': [{ chunks: [] }, STOP],
};

let sse;
let fixture;
let page;

before(async () => {
  sse = await startTestServer(0);
  fixture = await openPackagePage();
  page = fixture.page;
  await page.waitForFunction(() => window.record !== undefined);
});

after(async () => {
  await fixture?.close();
  if (sse) await stop(sse);
});

const base = () => `http://127.0.0.1:${sse.address().port}`;

const script = (key, responses) => scriptOn(base(), key, responses);

const sentIds = async (key) =>
  (await (await fetch(`${base()}/requests/${key}`)).json()).map((r) => r.headers['last-event-id'] ?? null);

describe('differential: native EventSource vs eventsource-wasm', () => {
  test('has at least 40 cases', () => assert.ok(Object.keys(cases).length >= 40));
  let n = 0;
  for (const [name, spec] of Object.entries(cases)) {
    const id = `diff${n++}`;
    test(name, { timeout: 30_000 }, async () => {
      let responses = Array.isArray(spec) ? spec : spec.script;
      const options = Array.isArray(spec) ? {} : { types: spec.types, closeAfter: spec.closeAfter };
      const keys = { native: `${id}n`, ours: `${id}o` };
      for (const [impl, key] of Object.entries(keys)) {
        if (spec === 'redirect') {
          await script(`${key}r`, once(text('id: 3\ndata: after redirect\n\n')));
          responses = [{ status: 302, headers: { location: `/sse/${key}r` } }];
        }
        await script(key, responses);
      }
      const [native, ours] = await Promise.all(
        Object.entries(keys).map(([impl, key]) => page.evaluate(([i, u, o]) => window.record(i, u, o), [impl, `${base()}/sse/${key}`, options])),
      );
      assert.ok(native.length > 1, `native saw nothing: ${native}`);
      if (process.env.DIFF_VERBOSE) console.log(name, native);
      assert.deepEqual(ours, native);
      const suffix = spec === 'redirect' ? 'r' : '';
      assert.deepEqual(await sentIds(keys.ours + suffix), await sentIds(keys.native + suffix), 'Last-Event-ID sent');
    });
  }
});

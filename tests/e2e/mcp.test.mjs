// An MCP server nobody here wrote: the official TypeScript SDK's Streamable
// HTTP transport with its in-memory event store (tests/mcp-app), called
// from the page by the class as an MCP client would. A tool call answered
// as a stream is ended mid-stream (by the SDK's own polling close, and by a
// dropped connection) and resumes by a GET with Last-Event-ID: every
// notification once, in order, and the result. The session's standby GET
// stream, closed by the server again and again, resumes within its budget.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installApp } from './apps.mjs';
import { openPackagePage } from './browser.mjs';

let server;
let base;
let fixture;

before(async () => {
  const app = installApp('mcp-app');
  server = spawn(process.execPath, [join(app, 'server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      const m = String(d).match(/listening (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`the MCP server exited with ${code}`)));
  });
  fixture = await openPackagePage();
});

after(async () => {
  await fixture?.close();
  server?.kill();
});

/** A session (initialize, then initialized), opened as an MCP client
 * opens one; the headers every later request carries. */
async function session() {
  const version = '2025-11-25';
  const post = (message, sid) =>
    fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(sid ? { 'mcp-session-id': sid, 'mcp-protocol-version': version } : {}),
      },
      body: JSON.stringify(message),
    });
  const opened = await post({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'eventsource-wasm-test', version: '1' } },
  });
  const sid = opened.headers.get('mcp-session-id');
  await opened.text();
  assert.ok(sid, 'the server gave a session');
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sid)).text();
  return { sid, headers: { 'mcp-session-id': sid, 'mcp-protocol-version': version } };
}

/** A tools/call read to its result with `for await`, whatever ends its stream. */
async function callTool(cut) {
  const { headers } = await session();
  return fixture.page.evaluate(
    async ([base, cut, headers]) => {
      const source = new window.esw.EventSource(`${base}/mcp`, {
        method: 'POST',
        headers: { ...headers, accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'count', arguments: { to: 6, cut } },
        }),
        // The MCP transport's resume: a GET of the endpoint, with Last-Event-ID.
        resumeUrl: `${base}/mcp`,
        // The stream is this request's: its result ends it.
        endEvent: (_type, data) => data !== '' && JSON.parse(data).id === 2,
        retry: { initialDelay: 100 },
      });
      const got = [];
      let thrown = null;
      try {
        for await (const event of source) {
          // The SDK's priming events have empty data.
          if (event.data === '') continue;
          const message = JSON.parse(event.data);
          got.push(message.method ? message.params.data : message.result.content[0].text);
        }
      } catch (error) {
        thrown = error.message;
      }
      return { got, thrown };
    },
    [base, cut, headers],
  );
}

for (const cut of ['close', 'drop']) {
  test(`a tool call's stream ended mid-way (${cut}) resumes by GET: every notification once, in order`, {
    timeout: 30_000,
  }, async () => {
    const r = await callTool(cut);
    assert.deepEqual(r, { got: ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'counted to 6'], thrown: null });
  });
}

test('the standby GET stream the server keeps closing resumes within its budget', { timeout: 90_000 }, async () => {
  const { sid, headers } = await session();
  const r = await fixture.page.evaluate(
    async ([base, sid, headers]) => {
      const source = new window.esw.EventSource(`${base}/mcp`, {
        headers: { ...headers, accept: 'text/event-stream' },
        // The SDK sends no `retry:` on this stream: a short delay of ours.
        retry: { maxAttempts: 2, initialDelay: 200, minDelay: 50 },
      });
      const notes = [];
      const trace = [];
      source.onmessage = (e) => e.data && notes.push(JSON.parse(e.data).params.data);
      source.onerror = (e) => trace.push(`error ${e.error.type} ${e.willReconnect ? 'retry' : 'final'}`);
      source.addEventListener('reconnecting', (e) => trace.push(`reconnecting ${e.attempt}`));
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const until = async (check) => {
        for (let i = 0; i < 400 && !check(); i++) await sleep(25);
      };
      const server = (path, more = '') => fetch(`${base}/${path}?session=${sid}${more}`).then((r) => r.text());
      const ends = () => trace.filter((t) => t.startsWith('error')).length;
      // A message to the standby stream before it is there is stored, not
      // sent (the first request has no ID to resume from): sent again, as
      // s1-0, s1-1, ..., until one arrives. (Firefox opens this stream only
      // when its first byte comes, so `open` cannot tell.)
      for (let i = 0; i < 50 && notes.length === 0; i++) {
        await server('notify', `&text=s1-${i}`);
        await sleep(200);
      }
      // Closed by the server three times: after an event, then twice right
      // after reconnecting (a poll each, within the budget of 2). A close
      // asked for before the stream is back does nothing: asked again.
      for (const n of [1, 2, 3]) {
        for (let i = 0; i < 100 && ends() < n; i++) {
          await server('close-standby');
          await sleep(100);
        }
      }
      // Sent while the stream may be away: replayed from the event store.
      await server('notify', '&text=s2');
      await until(() => notes.length === 2);
      const readyState = source.readyState;
      source.close();
      return { notes: notes.map((n) => n.replace(/^s1-\d+$/, 's1')), trace, readyState };
    },
    [base, sid, headers],
  );
  assert.deepEqual(r, {
    notes: ['s1', 's2'],
    trace: [
      'error stream-ended retry',
      'reconnecting 1',
      'error stream-ended retry',
      'reconnecting 1',
      'error stream-ended retry',
      'reconnecting 2',
    ],
    readyState: 1,
  });
});

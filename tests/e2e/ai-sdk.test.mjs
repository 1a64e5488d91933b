// A server nobody here wrote: the Vercel AI SDK's UI message stream
// (`streamText(...).toUIMessageStreamResponse()`, with the SDK's own mock
// model: tests/ai-app), read in the page by the class with the OpenAI Chat
// preset, whose `data: [DONE]` ends this stream too: every part once, in
// order, and an end that is not an error.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WORDS } from '../ai-app/words.mjs';
import { installApp } from './apps.mjs';
import { openPackagePage } from './browser.mjs';

let server;
let base;
let fixture;
let app;

before(async () => {
  app = installApp('ai-app');
  server = spawn(process.execPath, [join(app, 'server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      const m = String(d).match(/listening (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`the AI SDK server exited with ${code}`)));
  });
  fixture = await openPackagePage();
});

after(async () => {
  await fixture?.close();
  server?.kill();
});

test("the AI SDK's UI message stream, read to its end with a preset: every part once", {
  timeout: 30_000,
}, async () => {
  const r = await fixture.page.evaluate(async (base) => {
    const source = new window.esw.EventSource(`${base}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hi' }] }] }),
      endEvent: window.ends.openaiChat,
    });
    const parts = [];
    let thrown = null;
    try {
      for await (const event of source) {
        parts.push(event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data));
      }
    } catch (error) {
      thrown = error.message;
    }
    return { parts, thrown, readyState: source.readyState };
  }, base);
  assert.deepEqual(r.thrown, null);
  assert.equal(r.readyState, 2);
  assert.deepEqual(
    r.parts.map((p) => p.type ?? p),
    [
      'start',
      'start-step',
      'text-start',
      ...WORDS.map(() => 'text-delta'),
      'text-end',
      'finish-step',
      'finish',
      '[DONE]',
    ],
  );
  assert.equal(r.parts.map((p) => p.delta ?? '').join(''), WORDS.join(''));
});

// A chat endpoint as the Vercel AI SDK's docs write one: `streamText` (with
// the SDK's own mock model, which streams WORDS 20 ms apart) answered with
// `toUIMessageStreamResponse()`, the UI message stream its `useChat` reads.
// Listens on 127.0.0.1 (port 0: the test reads "listening <url>" from
// stdout). POST /chat; CORS is open, so that a page from another port can
// call it.
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { simulateReadableStream, streamText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { WORDS } from './words.mjs';

function answer() {
  const usage = {
    inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: WORDS.length, text: WORDS.length, reasoning: undefined },
  };
  const chunks = [
    { type: 'text-start', id: 't1' },
    ...WORDS.map((delta) => ({ type: 'text-delta', id: 't1', delta })),
    { type: 'text-end', id: 't1' },
    { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, logprobs: undefined, usage },
  ];
  const model = new MockLanguageModelV4({
    doStream: async () => ({ stream: simulateReadableStream({ chunks, chunkDelayInMs: 20 }) }),
  });
  return streamText({ model, prompt: 'Hi' }).toUIMessageStreamResponse();
}

const http = createServer(async (req, res) => {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
    });
    res.end();
    return;
  }
  if (req.method !== 'POST' || req.url !== '/chat') {
    res.writeHead(404).end();
    return;
  }
  for await (const _ of req);
  const response = answer();
  res.writeHead(response.status, Object.fromEntries(response.headers));
  Readable.fromWeb(response.body).pipe(res);
});
http.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${http.address().port}`));

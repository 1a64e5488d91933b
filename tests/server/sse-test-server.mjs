// A scriptable SSE server for the browser tests. Plain Node, 127.0.0.1 only.
//
//   POST /script/<key>[?cors=MODE]
//                         body: JSON array of responses, served in turn to
//                         successive requests to /sse/<key> (the last one
//                         repeats). Resets the key's recorded requests.
//                         MODE says how /sse/<key> answers CORS:
//                           full (default): echoes the origin, allows any
//                             header and method, answers preflights;
//                           native: as a server written for the native
//                             EventSource, which never preflights: the
//                             origin is allowed (with credentials) but a
//                             preflight (OPTIONS) gets 405 with no CORS
//                             headers;
//                           none: no CORS headers at all (the browser must
//                             refuse every cross-origin request). It does
//                             send `Cross-Origin-Resource-Policy:
//                             cross-origin`, which lets a cross-origin-
//                             isolated page (COEP require-corp, as
//                             wasm-bindgen-test serves its pages) see that
//                             the server answered a no-cors request.
//   ANY  /sse/<key>       records the request, serves the next response.
//   GET  /requests/<key>  the recorded requests, as JSON.
//   GET  /preflights/<key>  the CORS preflights (OPTIONS) of /sse/<key>.
//
//   ANY  /chaos/<key>?seed=S&n=N   the chaos stream (tests/server/chaos.mjs):
//                         N events with ids, resumed from Last-Event-ID,
//                         cut, refused and stalled at random (seeded).
//   GET  /chaos-stats/<key>  what the chaos stream did, as JSON.
//
//   ANY  /ticker/<key>?n=N&every=MS&start=MS  events with ids 1..N, one
//                         every MS ms (100 by default; the first after
//                         `start` ms more, 0 by default), resuming after
//                         Last-Event-ID, then `event: end`; recorded as
//                         /sse/<key> is.
//
//   POST /llm/<api>/<run>, GET /llm-resume/<run>, GET /llm-requests/<run>:
//                         token streams in the shapes of three LLM APIs
//                         (tests/server/llm.mjs).
//
//   ANY  /doctor/<kind>/<key>  streams that misbehave as deployments do
//                         (buffered, gzip, cut when idle, without ids) and
//                         a clean one (tests/server/doctor.mjs).
//
// A response: { status = 200, headers = { 'content-type': 'text/event-stream' },
//   chunks: [{ text | bytes (array of numbers), delay (ms before it),
//              repeat (times to send it; 'forever': until the client goes) }],
//   end: 'close' (default) | 'hang' (keep open) | 'destroy' (cut the
//   connection after the chunks) | 'reset' (cut it before any response;
//   note that Chromium silently retries such a request once on a fresh
//   connection, so the server may see it twice) | 'silent' (accept the
//   request and never answer, not even the status line) }
// The recorded request says how many body bytes were sent (`sent`).
//
// Unless a key's CORS mode says otherwise, every response carries CORS
// headers that echo the caller's origin and allow any request header, since
// the test page runs on another port.
//
// Usage: node sse-test-server.mjs [port]  (prints "listening <url>")
import { createServer } from 'node:http';
import { chaosStats, serveChaos } from './chaos.mjs';
import { serveLlm } from './llm.mjs';
import { serveDoctor } from './doctor.mjs';

const keys = new Map();
const entry = (key) => {
  if (!keys.has(key)) keys.set(key, { responses: [], requests: [], preflights: [], cors: 'full' });
  return keys.get(key);
};
const CORS_MODES = ['full', 'native', 'none'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function cors(req, res, mode = 'full') {
  if (mode === 'none') {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    return;
  }
  if (mode === 'native' && req.method === 'OPTIONS') return;
  if (mode === 'native') {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
    return;
  }
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
  res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '*');
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Number');
  res.setHeader('Access-Control-Max-Age', '600');
  res.setHeader('Vary', 'Origin');
  // Resource Timing may show this origin's protocol to the page (the
  // connection-limit diagnostic).
  res.setHeader('Timing-Allow-Origin', '*');
}

async function body(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

async function serve(key, req, res) {
  const state = entry(key);
  const record = {
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: await body(req),
    at: Date.now(),
    clientClosed: false,
    sent: 0,
  };
  state.requests.push(record);
  const n = state.requests.length;
  const script = state.responses[Math.min(n - 1, state.responses.length - 1)] ?? { status: 404, chunks: [] };
  let finished = false;
  res.on('close', () => {
    if (!finished) {
      record.clientClosed = true;
      record.closedAt = Date.now();
    }
  });
  if (script.end === 'reset') {
    finished = true;
    req.socket.destroy();
    return;
  }
  if (script.end === 'silent') return;
  res.writeHead(script.status ?? 200, {
    'Cache-Control': 'no-store',
    'X-Request-Number': String(n),
    ...(script.headers ?? { 'content-type': 'text/event-stream' }),
  });
  res.flushHeaders();
  for (const chunk of script.chunks ?? []) {
    const bytes = chunk.bytes ? Buffer.from(chunk.bytes) : Buffer.from(chunk.text ?? '', 'utf8');
    const times = chunk.repeat === 'forever' ? Infinity : (chunk.repeat ?? 1);
    for (let i = 0; i < times; i++) {
      if (chunk.delay) await sleep(chunk.delay);
      if (res.destroyed) return;
      // Wait until the bytes are handed to the socket, so that a 'destroy'
      // after them cuts the connection after the data, not instead of it.
      await new Promise((resolve) => res.write(bytes, resolve));
      record.sent += bytes.length;
    }
  }
  if (script.end === 'hang') return;
  finished = true;
  if (script.end === 'destroy') req.socket.destroy();
  else res.end();
}

/** The ticker stream (see the top): a steady, resumable stream. */
async function serveTicker(key, req, res) {
  const url = new URL(req.url, 'http://x');
  const n = Number(url.searchParams.get('n') ?? 20);
  const every = Number(url.searchParams.get('every') ?? 100);
  const record = { method: req.method, url: req.url, headers: req.headers, at: Date.now(), clientClosed: false };
  entry(key).requests.push(record);
  let done = false;
  res.on('close', () => {
    if (!done) record.clientClosed = true;
  });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  res.flushHeaders();
  await sleep(Number(url.searchParams.get('start') ?? 0));
  for (let i = Number(req.headers['last-event-id'] ?? 0) + 1; i <= n; i++) {
    await sleep(every);
    if (res.destroyed) return;
    res.write(`id: ${i}\ndata: ${i}\n\n`);
  }
  done = true;
  res.end('event: end\ndata: \n\n');
}

export function startTestServer(port = 0) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const [, kind, key, ...more] = url.pathname.split('/');
    const mode = kind === 'sse' ? entry(key).cors : 'full';
    cors(req, res, mode);
    if (req.method === 'OPTIONS') {
      if (kind === 'sse') entry(key).preflights.push({ url: req.url, headers: req.headers, at: Date.now() });
      res.writeHead(mode === 'full' ? 204 : 405).end();
      return;
    }
    try {
      if (kind === 'script' && req.method === 'POST') {
        const corsMode = url.searchParams.get('cors') ?? 'full';
        if (!CORS_MODES.includes(corsMode)) throw new Error(`unknown cors mode ${corsMode}`);
        keys.set(key, { responses: JSON.parse(await body(req)), requests: [], preflights: [], cors: corsMode });
        res.writeHead(204).end();
      } else if (kind === 'requests') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(entry(key).requests));
      } else if (kind === 'preflights') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(entry(key).preflights));
      } else if (kind === 'sse') {
        await serve(key, req, res);
      } else if (kind === 'ticker') {
        await serveTicker(key, req, res);
      } else if (kind === 'chaos') {
        await serveChaos(key, req, res);
      } else if (await serveLlm(req, res, kind, [key, ...more])) {
        // done
      } else if (await serveDoctor(req, res, kind, [key, ...more], entry)) {
        // done
      } else if (kind === 'chaos-stats') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(chaosStats(key)));
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startTestServer(Number(process.argv[2] ?? 0));
  console.log(`listening http://127.0.0.1:${server.address().port}`);
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

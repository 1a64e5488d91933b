// The demo's SSE server: plain Node, no dependencies, 127.0.0.1 only.
//
// GET /events streams `tick` events with ids, JSON data and a few
// multi-byte characters. It writes them in deliberately awkward pieces (a
// BOM split over two writes, CRLF pairs split, UTF-8 characters split) so the
// page shows the parser coping. It honours Last-Event-ID, sends `retry:`
// and a heartbeat comment, and ends every response after a few events so the
// page's reconnect (with Last-Event-ID) is visible.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const files = {
  '/': 'examples/demo/index.html',
  '/app.js': 'examples/demo/app.js',
};
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
};
const EVENTS_PER_RESPONSE = 12;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function streamEvents(req, res) {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  let closed = false;
  req.on('close', () => { closed = true; });
  const pieces = [];
  const write = async (bytes) => {
    if (closed) return;
    res.write(bytes);
    pieces.push(bytes.length);
    await sleep(15);
  };
  const last = Number.parseInt(req.headers['last-event-id'] ?? '', 10);
  let id = Number.isFinite(last) ? last + 1 : 1;

  // A BOM, its bytes split over two writes, then the reconnection time.
  await write(Buffer.from([0xef, 0xbb]));
  await write(Buffer.concat([Buffer.from([0xbf]), Buffer.from('retry: 1500\r')]));
  await write(Buffer.from('\n'));
  const symbols = ['€', '✓', '🚀', 'ü', '日本'];
  for (let n = 0; n < EVENTS_PER_RESPONSE && !closed; n++, id++) {
    const data = JSON.stringify({ n: id, symbol: symbols[id % symbols.length], at: Date.now() });
    // Alternate LF and CRLF line ends; split each event at two odd offsets,
    // one inside the data (often inside a multi-byte character).
    const eol = id % 2 ? '\n' : '\r\n';
    const bytes = Buffer.from(`id: ${id}${eol}event: tick${eol}data: ${data}${eol}${eol}`);
    const cut1 = 3 + (id % 7);
    const cut2 = bytes.indexOf('data: ') + 12 + (id % 5);
    await write(bytes.subarray(0, cut1));
    await write(bytes.subarray(cut1, cut2));
    await write(bytes.subarray(cut2));
    if (n % 4 === 3) await write(Buffer.from(': heartbeat\n\n'));
    await sleep(400);
  }
  res.end();
}

export function startServer(port = 0) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path === '/events') return streamEvents(req, res);
    let file = files[path];
    if (!file && path.startsWith('/pkg/')) file = normalize(join('pkg', path.slice(5)));
    if (!file || file.includes('..')) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(join(root, file));
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

// The benchmark's server: the page and bundles, this package (/pkg/), the
// scripted streams, and the endpoints the page reports to.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

export const smallEvent = (i) => `id: ${i}\nevent: tick\ndata: {"i":${i},"v":"abcdefgh"}\n\n`;

function smallEvents(n) {
  return Buffer.from(Array.from({ length: n }, (_, i) => smallEvent(i)).join(''));
}

function bigEvents(n) {
  const line = `data: ${'x'.repeat(4096 - 7)}\n`;
  const event = (i) => `id: ${i}\nevent: tick\n${line.repeat(16)}\n`;
  return Buffer.from(Array.from({ length: n }, (_, i) => event(i)).join(''));
}

const cache = new Map();
const body = (kind, n) => {
  const key = `${kind}:${n}`;
  if (!cache.has(key)) cache.set(key, kind === 'big' ? bigEvents(n) : smallEvents(n));
  return cache.get(key);
};

/** Writes `buffer` in pieces of the given sizes (cycled), honouring back-pressure. */
async function writeIn(res, buffer, sizes) {
  let at = 0;
  let k = 0;
  while (at < buffer.length && !res.destroyed) {
    const size = sizes[k++ % sizes.length];
    const ok = res.write(buffer.subarray(at, at + size));
    at += size;
    if (!ok) await new Promise((r) => res.once('drain', r));
  }
  res.end();
}

export function startBenchServer({ root, plan, onResult, onDone }) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = normalize(url.pathname);
    if (req.method === 'POST') {
      const parts = [];
      for await (const p of req) parts.push(p);
      const data = JSON.parse(Buffer.concat(parts).toString() || '{}');
      res.writeHead(204).end();
      if (path === '/result') onResult(data);
      if (path === '/done') onDone(data);
      return;
    }
    if (path === '/plan') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(plan));
    if (path === '/sse/latency') {
      // One event every 20 ms, stamped with the wall-clock time of the write.
      const n = Number(url.searchParams.get('n'));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      let i = 0;
      const timer = setInterval(() => {
        if (res.destroyed || i >= n) {
          clearInterval(timer);
          res.end();
          return;
        }
        const t = performance.timeOrigin + performance.now();
        res.write(`id: ${i}\nevent: tick\ndata: {"i":${i},"t":${t}}\n\n`);
        i++;
      }, 20);
      req.on('close', () => clearInterval(timer));
      return;
    }
    if (path.startsWith('/sse/')) {
      const kind = path.slice(5);
      const n = Number(url.searchParams.get('n'));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      const sizes = kind === 'tiny' ? [1, 2, 3, 4, 5, 6, 7] : [65536];
      return writeIn(res, body(kind === 'big' ? 'big' : 'small', n), sizes);
    }
    if (path === '/raw/small' || path === '/raw/big') {
      const bytes = Number(url.searchParams.get('bytes'));
      const one = path === '/raw/big' ? body('big', 64) : body('small', 100_000);
      const out = Buffer.alloc(bytes);
      for (let at = 0; at < bytes; at += one.length) one.copy(out, at, 0, Math.min(one.length, bytes - at));
      return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(out);
    }
    const file =
      path === '/'
        ? join(root, 'bench/page.html')
        : path.startsWith('/pkg/')
          ? join(root, 'dist/package', path.slice(5))
          : // The package again, as another copy of its modules: a page that loads the stats
            // entry there has its own class and core, beside the main entry's.
            path.startsWith('/pkg-stats/')
            ? join(root, 'dist/package', path.slice(11))
            : join(root, 'target/bench', path);
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(data);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

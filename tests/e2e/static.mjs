// Serves the built npm package (dist/package) under /pkg/ and the test
// pages (tests/e2e/pages) under /, on 127.0.0.1. Under /pkg-next/, the same
// package as if it were another version (the version in `share`'s lock and
// channel names changed), for a page that runs two versions in two tabs.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export function startStaticServer() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const pkg = /^\/pkg(-next)?\//.exec(path);
    const file = pkg
      ? join(root, 'dist/package', path.slice(pkg[0].length))
      : join(root, 'tests/e2e/pages', path === '/' ? 'blank.html' : path);
    if (path.includes('..')) return res.writeHead(400).end();
    try {
      let body = await readFile(file);
      if (pkg?.[1] && path.endsWith('/share.js')) {
        const next = body.toString().replace(/const VERSION = '([^']+)';/, "const VERSION = '$1-next';");
        if (next === body.toString()) throw new Error('share.js has no VERSION');
        body = Buffer.from(next);
      }
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export function stop(server) {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
}

/** Serves the files of `dir` (index.html at /) on 127.0.0.1. */
export function serveDir(dir) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (path.includes('..')) return res.writeHead(400).end();
    const file = join(dir, path === '/' ? 'index.html' : path);
    let body;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

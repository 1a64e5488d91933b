// The parser loop in Chromium, with a CPU profile: createParser against
// eventsource-parser on 32 MiB of small events in 64 KiB chunks, in turns,
// 5 timed runs after one untimed, then the functions with the most self
// time (WebAssembly functions are named in a build with names, e.g.
// wasm-bindgen --keep-debug). For development: the figures that count come
// from `npm run bench`.
//
//   node bench/parser-profile.mjs [package dir] [both|w|j]
//   NOEV=1 node bench/parser-profile.mjs dist/package w   (no onEvent: the
//   WebAssembly side alone)
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? 'dist/package');
const which = process.argv[3] ?? 'both';
await build({
  stdin: {
    contents: `import { createParser } from 'eventsource-parser'; globalThis.JsParser = createParser;`,
    resolveDir: new URL('..', import.meta.url).pathname,
  },
  bundle: true,
  format: 'esm',
  outfile: '/tmp/jsparser.js',
  logLevel: 'error',
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.route('http://bench.local/**', (route) => {
  const path = new URL(route.request().url()).pathname;
  const file = path === '/' ? null : path.startsWith('/jsparser') ? '/tmp/jsparser.js' : dir + path;
  const type = path.endsWith('.wasm') ? 'application/wasm' : path.endsWith('.js') ? 'text/javascript' : 'text/html';
  route.fulfill({ body: file ? readFileSync(file) : '<!doctype html><title>p</title>', contentType: type });
});
await page.goto(`http://bench.local/${process.env.NOEV ? '#noev' : ''}`);
await page.evaluate(async () => {
  const esw = await import('/parser.js');
  await esw.init();
  await import('/jsparser.js');
  const small = (i) => `id: ${i}\nevent: tick\ndata: {"i":${i},"v":"abcdefgh"}\n\n`;
  const parts = [];
  let size = 0;
  for (let i = 0; size < 32 << 20; i++) {
    const s = small(i);
    parts.push(s);
    size += s.length;
  }
  globalThis.bytes = new TextEncoder().encode(parts.join(''));
  globalThis.runW = () => {
    let n = 0;
    const p = esw.createParser(globalThis.NOEV ? {} : { onEvent: () => n++ });
    for (let i = 0; i < bytes.length; i += 65536) p.feed(bytes.subarray(i, i + 65536));
    return n;
  };
  globalThis.runJ = () => {
    let n = 0;
    const p = JsParser({ onEvent: () => n++ });
    const d = new TextDecoder();
    for (let i = 0; i < bytes.length; i += 65536) p.feed(d.decode(bytes.subarray(i, i + 65536), { stream: true }));
    return n;
  };
  globalThis.NOEV = location.hash === '#noev';
  runW();
  runJ();
});
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
const times = await page.evaluate((which) => {
  const t = { w: 0, j: 0 };
  for (let r = 0; r < 5; r++) {
    if (which !== 'j') {
      const a = performance.now();
      runW();
      t.w += performance.now() - a;
    }
    if (which !== 'w') {
      const b = performance.now();
      runJ();
      t.j += performance.now() - b;
    }
  }
  return t;
}, which);
const { profile } = await cdp.send('Profiler.stop');
console.log('ms', times, 'ratio', (times.j / times.w).toFixed(2));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const k =
    n.callFrame.functionName.replace(/::h[0-9a-f]{16}/, '').slice(0, 90) +
    ' ' +
    (n.callFrame.url || '').split('/').pop().slice(0, 20) +
    ':' +
    n.callFrame.lineNumber;
  self.set(k, (self.get(k) || 0) + (profile.timeDeltas[i] || 0));
}
const tot = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 22))
  console.log((t / 1000).toFixed(0).padStart(6), `${((100 * t) / tot).toFixed(1).padStart(5)}%`, k);
await browser.close();

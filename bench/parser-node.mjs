// The parser-only comparison in Node (same V8 as Chromium): createParser
// against eventsource-parser on the benchmark's two inputs, in 64 KiB
// chunks, A B B A per round. A quick loop for development; the figures
// that count come from `npm run bench` in the browser.
//
//   node bench/parser-node.mjs [dist/package] [rounds]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createParser as createJsParser } from 'eventsource-parser';

const dir = resolve(process.argv[2] ?? 'dist/package');
const rounds = Number(process.argv[3] ?? 7);
const esw = await import(pathToFileURL(`${dir}/parser.js`).href);
await esw.init(readFileSync(`${dir}/wasm/eventsource_wasm_parser_bg.wasm`));

const small = (i) => `id: ${i}\nevent: tick\ndata: {"i":${i},"v":"abcdefgh"}\n\n`;
const big = (i) => `id: ${i}\nevent: tick\n${`data: ${'x'.repeat(4096 - 7)}\n`.repeat(16)}\n`;
const input = (make, bytes) => {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = make(i);
    parts.push(s);
    size += s.length;
  }
  return new TextEncoder().encode(parts.join(''));
};
const inputs =
  process.env.ONLY === 'big'
    ? { '64 KiB events': input(big, 64 << 20) }
    : { small: input(small, 32 << 20), '64 KiB events': input(big, 64 << 20) };

const parsers = {
  'eventsource-wasm (createParser)': (bytes) => {
    let events = 0;
    let chars = 0;
    const parser = esw.createParser({
      onEvent: (e) => {
        events++;
        chars += e.data.length;
      },
    });
    for (let i = 0; i < bytes.length; i += 65536) parser.feed(bytes.subarray(i, i + 65536));
    return [events, chars];
  },
  'eventsource-parser': (bytes) => {
    let events = 0;
    let chars = 0;
    const parser = createJsParser({
      onEvent: (e) => {
        events++;
        chars += e.data.length;
      },
    });
    const decoder = new TextDecoder();
    for (let i = 0; i < bytes.length; i += 65536)
      parser.feed(decoder.decode(bytes.subarray(i, i + 65536), { stream: true }));
    return [events, chars];
  },
};

const names = Object.keys(parsers);
for (const [label, bytes] of Object.entries(inputs)) {
  const ratios = [];
  let seen;
  for (let round = 0; round < rounds; round++) {
    const ms = Object.fromEntries(names.map((n) => [n, 0]));
    for (const name of [...names, ...names.toReversed()]) {
      const t0 = performance.now();
      const got = parsers[name](bytes);
      ms[name] += performance.now() - t0;
      if (seen && (got[0] !== seen[0] || got[1] !== seen[1])) throw new Error(`${name} saw ${got}, not ${seen}`);
      seen = got;
    }
    ratios.push(ms[names[1]] / ms[names[0]]);
  }
  ratios.sort((a, b) => a - b);
  console.log(
    `${label}: createParser ÷ eventsource-parser speed = ${ratios[rounds >> 1].toFixed(2)}× (median of ${rounds}; ${seen[0]} events)`,
  );
}

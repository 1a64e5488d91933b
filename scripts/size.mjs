// Size of the npm package as a page pays for it: an entry's JavaScript
// bundled and minified with esbuild (the entry and everything it imports),
// and the .wasm it loads, each raw and gzip -9. The main entry
// (`eventsource-wasm`, the EventSource class) is what the budget covers;
// `eventsource-wasm/parser` (createParser) loads its own, smaller module.
// Run after the package build (`npm run size`); bench/run.mjs uses
// `packageSize` for its size table.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const gz = (b) => gzipSync(b, { level: 9 }).length;

/** The entries measured: the file bundled, and the .wasm it loads. */
const ENTRIES = {
  main: ['index.js', 'eventsource_wasm_bg.wasm'],
  parser: ['parser.js', 'eventsource_wasm_parser_bg.wasm'],
};

/** `{ js: [raw, gzip], wasm: [raw, gzip] }` of an entry of dist/package. */
export async function packageSize(entry = 'main') {
  const [file, module] = ENTRIES[entry];
  const bundle = await build({
    entryPoints: [`${root}/dist/package/${file}`],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    // The .wasm is fetched at run time (new URL(..., import.meta.url)).
    logLevel: 'error',
  });
  const js = bundle.outputFiles[0].contents;
  const wasm = readFileSync(`${root}/dist/package/wasm/${module}`);
  return { js: [js.length, gz(js)], wasm: [wasm.length, gz(wasm)] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fmt = (n) => n.toLocaleString('en-US');
  for (const [entry, title] of [
    ['main', '`eventsource-wasm` (the EventSource class)'],
    ['parser', '`eventsource-wasm/parser` (createParser)'],
  ]) {
    const { js, wasm } = await packageSize(entry);
    const rows = [
      ['JavaScript (minified)', ...js],
      ['WebAssembly', ...wasm],
      ['total', js[0] + wasm[0], js[1] + wasm[1]],
    ];
    console.log(`\n${title}\n\n| part | bytes | gzip -9 |\n|---|---:|---:|`);
    for (const [name, raw, zipped] of rows) console.log(`| ${name} | ${fmt(raw)} | ${fmt(zipped)} |`);
  }
}

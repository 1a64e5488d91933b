// Size of the npm package as a page pays for it: the JavaScript bundled and
// minified with esbuild (the `eventsource-wasm` entry, everything it
// imports), and the .wasm, each raw and gzip -9. Run after the package build
// (`npm run size`, or scripts/build-package.mjs).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const bundle = await build({
  entryPoints: ['dist/package/index.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  write: false,
  // The .wasm is fetched at run time (new URL(..., import.meta.url)).
  logLevel: 'error',
});
const js = bundle.outputFiles[0].contents;
const wasm = readFileSync('dist/package/wasm/eventsource_wasm_bg.wasm');
const gz = (b) => gzipSync(b, { level: 9 }).length;
const rows = [
  ['JavaScript (minified)', js.length, gz(js)],
  ['WebAssembly', wasm.length, gz(wasm)],
];
rows.push(['total', rows[0][1] + rows[1][1], rows[0][2] + rows[1][2]]);
const fmt = (n) => n.toLocaleString('en-US');
console.log('| part | bytes | gzip -9 |\n|---|---:|---:|');
for (const [name, raw, zipped] of rows) console.log(`| ${name} | ${fmt(raw)} | ${fmt(zipped)} |`);

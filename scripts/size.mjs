// Size of the npm package as a page pays for it: the JavaScript bundled and
// minified with esbuild (the `eventsource-wasm` entry, everything it
// imports), and the .wasm, each raw and gzip -9. Run after the package build
// (`npm run size`); bench/run.mjs uses `packageSize` for its size table.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const gz = (b) => gzipSync(b, { level: 9 }).length;

/** `{ js: [raw, gzip], wasm: [raw, gzip] }` of dist/package. */
export async function packageSize() {
  const bundle = await build({
    entryPoints: [`${root}/dist/package/index.js`],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    // The .wasm is fetched at run time (new URL(..., import.meta.url)).
    logLevel: 'error',
  });
  const js = bundle.outputFiles[0].contents;
  const wasm = readFileSync(`${root}/dist/package/wasm/eventsource_wasm_bg.wasm`);
  return { js: [js.length, gz(js)], wasm: [wasm.length, gz(wasm)] };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { js, wasm } = await packageSize();
  const fmt = (n) => n.toLocaleString('en-US');
  const rows = [
    ['JavaScript (minified)', ...js],
    ['WebAssembly', ...wasm],
    ['total', js[0] + wasm[0], js[1] + wasm[1]],
  ];
  console.log('| part | bytes | gzip -9 |\n|---|---:|---:|');
  for (const [name, raw, zipped] of rows) console.log(`| ${name} | ${fmt(raw)} | ${fmt(zipped)} |`);
}

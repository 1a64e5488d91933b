// Size of the npm package as a page pays for it: an entry's JavaScript
// bundled and minified with esbuild (the entry and everything it imports),
// and the .wasm it loads, each raw and gzip -9. The main entry
// (`eventsource-wasm`, the EventSource class) is what the budget covers;
// `eventsource-wasm/parser` (createParser) loads its own, smaller module,
// and `eventsource-wasm/stats` the class's module built with stats.
// Run after the package build (`npm run size`; `-- --write` also writes
// the table of docs/benchmarks.md); bench/run.mjs uses `packageSize` for
// its size table.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const gz = (b) => gzipSync(b, { level: 9 }).length;

/** The entries measured: the file bundled, and the .wasm it loads. */
const ENTRIES = {
  main: ['index.js', 'eventsource_wasm_bg.wasm'],
  parser: ['parser.js', 'eventsource_wasm_parser_bg.wasm'],
  stats: ['stats.js', 'eventsource_wasm_stats_bg.wasm'],
};

/**
 * `{ js: [raw, gzip], wasm: [raw, gzip] }` of an entry of dist/package.
 * The JavaScript is what the page loads at once: the entry's chunk and the
 * chunks it imports statically. Code it imports with `import()` (`share`'s,
 * js/share.js) is split off, as every bundler does, and loaded only when a
 * page uses it; `lazy` is its size.
 */
export async function packageSize(entry = 'main') {
  const [file, module] = ENTRIES[entry];
  const bundle = await build({
    entryPoints: [`${root}/dist/package/${file}`],
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    outdir: '/out',
    write: false,
    // The .wasm is fetched at run time (new URL(..., import.meta.url)).
    logLevel: 'error',
    metafile: true,
  });
  // esbuild names split chunks after their content's hash, so a change to
  // js/share.js alone moved the entry's gzip size by a byte: each chunk's
  // hash is measured as a stand-in of the same length, drawn from the
  // chunk's name and the files it holds only.
  const standIns = new Map();
  for (const [path, output] of Object.entries(bundle.metafile.outputs)) {
    const m = /\/([a-z-]+)-([A-Z0-9]{8})\.js$/.exec(path);
    const what = `${m?.[1]} ${Object.keys(output.inputs).sort().join(' ')}`;
    if (m) standIns.set(m[2], createHash('sha256').update(what).digest('hex').slice(0, 8).toUpperCase());
  }
  const steady = (/** @type {string} */ text) => text.replace(/[A-Z0-9]{8}(?=\.js)/g, (h) => standIns.get(h) ?? h);
  const files = new Map(
    bundle.outputFiles.map((f) => [steady(f.path), Buffer.from(steady(Buffer.from(f.contents).toString()))]),
  );
  const loaded = new Set();
  const visit = (path) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    const text = Buffer.from(files.get(path)).toString();
    for (const [, dep] of text.matchAll(/(?:from|import)\s*"\.\/([^"]+)"/g)) visit(`/out/${dep}`);
  };
  visit(`/out/${file}`);
  const join = (paths) => Buffer.concat(paths.map((p) => files.get(p)));
  const js = join([...loaded]);
  const lazy = join([...files.keys()].filter((p) => !loaded.has(p)));
  const wasm = readFileSync(`${root}/dist/package/wasm/${module}`);
  return { js: [js.length, gz(js)], wasm: [wasm.length, gz(wasm)], lazy: [lazy.length, gz(lazy)] };
}

/**
 * The size table of docs/benchmarks.md (between its SIZE markers): one row
 * per entry, as a page loads it. `npm run size -- --write` writes it;
 * tests/e2e/size.test.mjs fails while it differs from the package built.
 */
export async function sizeTable() {
  const fmt = (n) => n.toLocaleString('en-US');
  const rows = ['| entry | JavaScript | WebAssembly | total gzip -9 |', '|---|---:|---:|---:|'];
  for (const [entry, title] of [
    ['main', '`eventsource-wasm` (the class)'],
    ['parser', '`eventsource-wasm/parser` (`createParser`)'],
    ['stats', '`eventsource-wasm/stats` (the class with stream stats)'],
  ]) {
    const { js, wasm } = await packageSize(entry);
    rows.push(`| ${title} | ${fmt(js[1])} B gzip | ${fmt(wasm[1])} B gzip | **${fmt(js[1] + wasm[1])}** |`);
  }
  return rows.join('\n');
}

/** The docs' table as written now. */
export function writtenSizeTable() {
  const doc = readFileSync(`${root}/docs/benchmarks.md`, 'utf8');
  const [, table] = doc.match(/<!-- SIZE:START -->\n([\s\S]*?)\n<!-- SIZE:END -->/) ?? [];
  return table;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--write')) {
    const doc = readFileSync(`${root}/docs/benchmarks.md`, 'utf8');
    const table = await sizeTable();
    writeFileSync(
      `${root}/docs/benchmarks.md`,
      doc.replace(
        /<!-- SIZE:START -->\n[\s\S]*?\n<!-- SIZE:END -->/,
        `<!-- SIZE:START -->\n${table}\n<!-- SIZE:END -->`,
      ),
    );
  }
  const fmt = (n) => n.toLocaleString('en-US');
  for (const [entry, title] of [
    ['main', '`eventsource-wasm` (the EventSource class)'],
    ['parser', '`eventsource-wasm/parser` (createParser)'],
    ['stats', '`eventsource-wasm/stats` (the class with stream stats and diagnostics)'],
  ]) {
    const { js, wasm, lazy } = await packageSize(entry);
    const rows = [
      ['JavaScript (minified)', ...js],
      ['WebAssembly', ...wasm],
      ['total', js[0] + wasm[0], js[1] + wasm[1]],
    ];
    if (lazy[0]) rows.push(['loaded on demand (`share: true`, `devtools: true`)', ...lazy]);
    console.log(`\n${title}\n\n| part | bytes | gzip -9 |\n|---|---:|---:|`);
    for (const [name, raw, zipped] of rows) console.log(`| ${name} | ${fmt(raw)} | ${fmt(zipped)} |`);
  }
}

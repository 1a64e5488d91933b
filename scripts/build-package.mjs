// Assembles the npm package in dist/package/ from wasm-pack's output (pkg/ and pkg-parser/),
// the JavaScript in js/ and pkg-template/. With --pack, also writes
// dist/eventsource-wasm-<version>.tgz (`npm run pack`).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCjs } from './build-cjs.mjs';
import { inlineEnumsIn } from './inline-enums.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

if (!process.argv.includes('--no-wasm')) run('bash', ['scripts/build-wasm.sh']);

const version = readFileSync('Cargo.toml', 'utf8').match(/^version = "([^"]+)"/m)[1];
const out = 'dist/package';
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/wasm`, { recursive: true });
// The package's files are the ones its manifest lists (pkg-template's
// `files`): the JavaScript and declarations come from js/.
const manifest = JSON.parse(readFileSync('pkg-template/package.json', 'utf8'));
for (const file of manifest.files.filter(
  (f) => f !== 'wasm/' && f !== 'cjs/' && f !== 'README.md' && !f.startsWith('LICENSE'),
)) {
  cpSync(`js/${file}`, `${out}/${file}`);
}
for (const file of ['LICENSE-MIT', 'LICENSE-APACHE']) cpSync(file, `${out}/${file}`);
// The version in the names of `share`'s locks and channels (js/share.js),
// so that tabs running two versions of the package never mix.
const share = readFileSync(`${out}/share.js`, 'utf8');
const versioned = share.replace("const VERSION = 'dev';", `const VERSION = '${version}';`);
if (versioned === share) throw new Error("js/share.js has no `const VERSION = 'dev';` to fill in");
writeFileSync(`${out}/share.js`, versioned);
// The diagnostics' words (js/stats.js), from the core that tells them
// (src/connection/stats.rs): the codes, and each variant's one-line
// explanation and fix, in order.
const stats = readFileSync('src/connection/stats.rs', 'utf8');
const list = (text, name) =>
  JSON.parse(
    `[${text.match(new RegExp(`${name}: \\[&'static str; \\d+\\] = \\[([^\\]]*)\\]`))[1].replace(/,\s*$/, '')}]`,
  );
const codes = list(stats, 'CODES');
const words = (fn) => {
  const from = stats.indexOf(`pub fn ${fn}(&self)`);
  const body = stats.slice(from, stats.indexOf('\n    }\n', from));
  return [...body.matchAll(/=>\s*\{?\s*("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]));
};
const [explanations, fixes] = [words('explanation'), words('fix')];
if (explanations.length !== codes.length || fixes.length !== codes.length) {
  throw new Error(
    `src/connection/stats.rs: ${codes.length} codes, ${explanations.length} explanations, ${fixes.length} fixes`,
  );
}
const table = JSON.stringify(codes.map((code, i) => [code, explanations[i], fixes[i]]));
const statsEntry = readFileSync(`${out}/stats.js`, 'utf8');
const filled = statsEntry.replace('const DIAGNOSTICS = [];', `const DIAGNOSTICS = ${table};`);
if (filled === statsEntry) throw new Error('js/stats.js has no `const DIAGNOSTICS = [];` to fill in');
writeFileSync(`${out}/stats.js`, filled);
// The reconnects' reasons of the stats, by index (js/stats.js): the
// order of `Error::KINDS` (src/error.rs).
const kinds = list(readFileSync('src/error.rs', 'utf8'), 'KINDS').join(' ');
if (!statsEntry.includes(`'${kinds}'`)) {
  throw new Error(`js/stats.js: KINDS is not '${kinds}' (src/error.rs, Error::KINDS)`);
}
// The two modules (scripts/build-wasm.sh): the class's and the parser's.
for (const [dir, name] of [
  ['pkg', 'eventsource_wasm'],
  ['pkg-parser', 'eventsource_wasm_parser'],
]) {
  for (const file of [`${name}.js`, `${name}_bg.wasm`, `${name}.d.ts`]) cpSync(`${dir}/${file}`, `${out}/wasm/${file}`);
}
// The class's module built with stream stats (`eventsource-wasm/stats`,
// js/stats.js), which the same glue loads: the two builds must have the
// same exports and imports, under the same short names.
for (const file of ['eventsource_wasm.js', 'eventsource_wasm.d.ts']) {
  if (!readFileSync(`pkg/${file}`).equals(readFileSync(`pkg-stats/${file}`))) {
    throw new Error(`pkg-stats/${file} differs from pkg/${file}: the stats build needs the same glue`);
  }
}
cpSync('pkg-stats/eventsource_wasm_bg.wasm', `${out}/wasm/eventsource_wasm_stats_bg.wasm`);
// The glue's enums as numbers in the modules that use them
// (scripts/inline-enums.mjs): no enum object in any page's bundle.
inlineEnumsIn(out);
// The CommonJS copy (scripts/build-cjs.mjs), from the files just written.
buildCjs(out);
manifest.version = version;
writeFileSync(`${out}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
// The package README: the template, with the JavaScript guide
// (docs/javascript.md: one source for the JS docs) under its title.
const guide = readFileSync('docs/javascript.md', 'utf8');
const jsDocs = guide.slice(guide.indexOf('\n') + 1).trim();
const template = readFileSync('pkg-template/README.md', 'utf8');
writeFileSync(`${out}/README.md`, template.replace(/<!-- JS-DOCS:[^>]*-->/, jsDocs));
console.log(`built ${out} (eventsource-wasm ${version})`);

if (process.argv.includes('--pack')) {
  run('npm', ['pack', `./${out}`, '--pack-destination', 'dist', '--silent']);
  // A stable name too, for the examples' `file:` dependency.
  cpSync(`dist/eventsource-wasm-${version}.tgz`, 'dist/eventsource-wasm.tgz');
  console.log(`packed dist/eventsource-wasm-${version}.tgz`);
}

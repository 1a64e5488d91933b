// What each package ships, as `npm pack` and `cargo package` would publish
// it: the npm package has its licences, declarations for every entry
// (the `.wasm` ones too) and nothing else than its manifest lists; the
// crate has what a Rust user needs and nothing of the JavaScript side.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;

test('npm pack: the manifest lists exactly what ships, declarations and licences included', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', './dist/package'], { cwd: root }));
  const files = packed.files.map((f) => f.path).sort();
  const manifest = JSON.parse(readFileSync(`${root}dist/package/package.json`, 'utf8'));
  for (const path of ['LICENSE-MIT', 'LICENSE-APACHE', 'README.md', 'package.json', 'wasm.d.ts']) {
    assert.ok(files.includes(path), `${path} ships`);
  }
  // Every export has its types, and every file an export names ships.
  for (const [entry, target] of Object.entries(manifest.exports)) {
    if (entry === './package.json') continue;
    assert.equal(typeof target, 'object', `${entry} has conditions`);
    // Each way in (import, require, and the rest) has its types.
    const ways = Object.values(target).filter((t) => typeof t === 'object');
    assert.ok(ways.length > 0 || target.types, `${entry} has types`);
    for (const way of ways) assert.ok(way.types && way.default, `${entry}: types and a file each way`);
    const named = (t) => (typeof t === 'string' ? [t] : Object.values(t).flatMap(named));
    for (const file of named(target)) {
      assert.ok(files.includes(file.replace(/^\.\//, '')), `${entry}: ${file} ships`);
    }
  }
  // The CommonJS copy requires only files that ship (scripts/build-cjs.mjs).
  for (const file of files.filter((f) => f.endsWith('.cjs'))) {
    const code = readFileSync(`${root}dist/package/${file}`, 'utf8');
    for (const [, path] of code.matchAll(/require\("(\.[^"]+)"\)/g)) {
      const target = join(dirname(file), path);
      assert.ok(files.includes(target), `${file} requires ${path}, which ships`);
    }
  }
  // Nothing beyond the manifest's list (a directory entry covers its files).
  const listed = manifest.files.map((f) => f.replace(/\/$/, ''));
  const stray = files.filter((f) => f !== 'package.json' && !listed.some((l) => f === l || f.startsWith(`${l}/`)));
  assert.deepEqual(stray, []);
});

test('cargo package: the crate holds the library, its example, benchmark and licences, and no JavaScript', () => {
  const files = execFileSync('cargo', ['package', '--list', '--allow-dirty', '-p', 'eventsource-wasm'], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
  for (const path of [
    'Cargo.toml',
    'README.md',
    'LICENSE-MIT',
    'LICENSE-APACHE',
    'src/lib.rs',
    'examples/rust_api.rs',
  ]) {
    assert.ok(files.includes(path), `${path} is in the crate`);
  }
  const allowed =
    /^(src\/.*\.rs|examples\/rust_api\.rs|benches\/parser\.rs|README\.md|LICENSE-(MIT|APACHE)|Cargo\.(toml|toml\.orig|lock)|\.cargo_vcs_info\.json)$/;
  assert.deepEqual(
    files.filter((f) => !allowed.test(f)),
    [],
  );
});

// What each package ships, as `npm pack` and `cargo package` would publish
// it: the npm package has its licences, declarations for every entry
// (the `.wasm` ones too) and nothing else than its manifest lists; the
// crate has what a Rust user needs and nothing of the JavaScript side.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    for (const file of [target.types, target.default]) {
      assert.ok(files.includes(file.replace(/^\.\//, '')), `${entry}: ${file} ships`);
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

// The oldest browsers the README's support table names, checked against
// what the built package uses: its JavaScript must need no lowering for
// them (esbuild rewrites any syntax a target lacks, so the output would
// differ), and must need some for the version before each (so the table is
// not too generous); and the WebAssembly module must ask for no feature
// beyond the table's list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = fileURLToPath(new URL('../../dist/package/', import.meta.url));

// README, "Browser support": the versions the JavaScript needs. Class
// static blocks set all three (Chrome 94, Firefox 93, Safari 16.4); in
// Chrome the WebAssembly's reference types raise the floor to 96.
const OLDEST = { chrome: 94, firefox: 93, safari: '16.4' };
// The version before each, which must need lowering. Not Chrome: esbuild's
// compatibility data has static blocks from Chrome 91 (behind a flag until
// 94), so the table's Chrome 94 is the stricter figure and is kept.
const BEFORE = { firefox: 92, safari: '16.3' };
// WebAssembly features the module may enable, with the versions that have
// them (all older than the JavaScript's minimums).
const WASM_FEATURES = [
  'mutable-globals',
  'nontrapping-fptoint',
  'bulk-memory',
  'bulk-memory-opt',
  'sign-ext',
  'reference-types',
  'multivalue',
  'call-indirect-overlong',
];

async function bundle(target) {
  const out = await build({
    entryPoints: [`${pkg}index.js`],
    bundle: true,
    write: false,
    format: 'esm',
    target,
    logLevel: 'silent',
    // The module's URL is resolved at run time; nothing to bundle.
    external: ['*.wasm'],
  });
  return out.outputFiles[0].text;
}

const targets = (versions) => Object.entries(versions).map(([engine, v]) => `${engine}${v}`);

test('the JavaScript needs no lowering for the oldest supported browsers, and some for older ones', async () => {
  const latest = await bundle('esnext');
  assert.equal(await bundle(targets(OLDEST)), latest, 'something in the package is newer than the support table says');
  for (const older of targets(BEFORE)) {
    assert.notEqual(await bundle([older]), latest, `${older} would run the package as it is: the table is too strict`);
  }
});

test('the WebAssembly module enables only the features the table allows for', () => {
  const module = new WebAssembly.Module(readFileSync(`${pkg}wasm/eventsource_wasm_bg.wasm`));
  const sections = WebAssembly.Module.customSections(module, 'target_features');
  assert.equal(sections.length, 1, 'the module lists its features');
  const bytes = new Uint8Array(sections[0]);
  const features = [];
  let at = 1;
  for (let i = 0; i < bytes[0]; i++) {
    const prefix = String.fromCharCode(bytes[at++]);
    const length = bytes[at++];
    const name = Buffer.from(bytes.subarray(at, at + length)).toString();
    at += length;
    if (prefix === '+') features.push(name);
  }
  const unexpected = features.filter((f) => !WASM_FEATURES.includes(f));
  assert.deepEqual(unexpected, [], `features beyond the support table: ${unexpected}`);
});

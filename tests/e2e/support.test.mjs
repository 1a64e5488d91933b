// The oldest browsers the README's support table names, checked against
// what the built package uses: its JavaScript must need no lowering for
// them (esbuild rewrites any syntax a target lacks, so the output would
// differ), and must need some for the version before each (so the table is
// not too generous); and each WebAssembly module must use no feature
// beyond the table's list (binaryen validates it with only those enabled:
// what the code uses, not what a custom section says; the modules ship
// without their `target_features` section).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import binaryen from 'binaryen';
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
// WebAssembly features the modules may use, with the versions that have
// them (all older than the JavaScript's minimums), as binaryen names them.
const F = binaryen.Features;
const WASM_FEATURES = {
  'mutable-globals': F.MutableGlobals,
  'nontrapping-fptoint': F.NontrappingFPToInt,
  'bulk-memory': F.BulkMemory,
  'bulk-memory-opt': F.BulkMemoryOpt,
  'sign-ext': F.SignExt,
  'reference-types': F.ReferenceTypes,
  multivalue: F.Multivalue,
  'call-indirect-overlong': F.CallIndirectOverlong,
};

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

/** Whether `file` of the package validates with only `features` enabled. */
function validates(file, features) {
  const module = binaryen.readBinary(readFileSync(`${pkg}wasm/${file}`));
  try {
    module.setFeatures(features);
    return Boolean(module.validate());
  } finally {
    module.dispose();
  }
}

test('each WebAssembly module uses only the features the table allows for', () => {
  const allowed = Object.values(WASM_FEATURES).reduce((all, f) => all | f, F.MVP);
  for (const file of ['eventsource_wasm_bg.wasm', 'eventsource_wasm_parser_bg.wasm']) {
    assert.ok(validates(file, allowed), `${file} uses a feature beyond the support table`);
  }
  // The check can fail: without bulk memory's instructions (`memory.copy`
  // and `memory.fill`, which the modules use), the class's module does not
  // validate.
  // (binaryen prints each error it finds: not wanted in the test's output.)
  const streams = [process.stdout, process.stderr].map((s) => [s, s.write]);
  for (const [s] of streams) s.write = () => true;
  try {
    assert.equal(validates('eventsource_wasm_bg.wasm', allowed & ~(F.BulkMemory | F.BulkMemoryOpt)), false);
  } finally {
    for (const [s, write] of streams) s.write = write;
  }
});

// TypeScript as users set it up: strict projects that import the built
// package (dist/package) by its name, under `moduleResolution` `bundler`
// and `node16`, with the DOM library and without it (Node, @types/node),
// each with TypeScript 7 and 5.9. They compile tests/types/declarations.ts
// (every entry used), tests/types/require.cts (the CommonJS declarations,
// under node16) and every JavaScript and TypeScript snippet of the
// README and docs/ (tests/types/extract-snippets.mjs), as TypeScript.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, lstatSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { snippets, writeSnippets } from '../types/extract-snippets.mjs';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const types = `${root}tests/types`;

// The package by its name, as an app's node_modules holds it.
mkdirSync(`${types}/node_modules`, { recursive: true });
try {
  lstatSync(`${types}/node_modules/eventsource-wasm`);
} catch {
  symlinkSync('../../../dist/package', `${types}/node_modules/eventsource-wasm`);
}
writeSnippets();

const COMPILERS = {
  'TypeScript 7': `${root}node_modules/typescript/bin/tsc`,
  'TypeScript 5.9': `${root}node_modules/typescript-5.9/bin/tsc`,
};
const PROJECTS = ['dom-bundler', 'dom-node16', 'node'];

test('the docs have snippets to check', () => {
  assert.ok(snippets().length >= 15, `${snippets().length} snippets found`);
});

for (const [compiler, tsc] of Object.entries(COMPILERS)) {
  for (const project of PROJECTS) {
    test(`${compiler}, ${project}: the declarations and the docs' snippets compile`, async () => {
      const result = await run('node', [tsc, '-p', `${types}/tsconfig.${project}.json`, '--pretty', 'false']).catch(
        (e) => e,
      );
      assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`);
    });
  }
}

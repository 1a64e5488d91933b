// The size budgets: what a page pays for each entry of the package (its
// JavaScript bundled and minified, and the .wasm it loads), gzip -9.
// Measured on the package as built (scripts/size.mjs), so a change that
// links in more code (formatting from a panic path, say) fails here. Each
// budget is the figure reached (docs/benchmarks.md, "Where the bytes go"):
// lower it when a change makes the package lighter, never raise it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packageSize, sizeTable, writtenSizeTable } from '../../scripts/size.mjs';

const BUDGETS = { main: 27_622, parser: 10_278, stats: 30_940 };

for (const [entry, budget] of Object.entries(BUDGETS)) {
  test(`the ${entry} entry stays within ${budget} bytes gzip -9`, async () => {
    const { js, wasm } = await packageSize(entry);
    const total = js[1] + wasm[1];
    assert.ok(total <= budget, `JS ${js[1]} + WASM ${wasm[1]} = ${total} bytes gzip -9, over the budget of ${budget}`);
  });
}

test('the size table of docs/benchmarks.md is the package built (npm run size -- --write)', async () => {
  assert.equal(writtenSizeTable(), await sizeTable());
});

// The size budget: what a page pays for the package (its JavaScript bundled
// and minified, and the .wasm), gzip -9, must stay within 30 KB (30,000
// bytes). Measured on the package as built (scripts/size.mjs), so a change
// that links in more code (formatting from a panic path, say) fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packageSize } from '../../scripts/size.mjs';

const BUDGET = 30_000;

test(`JavaScript + WebAssembly stay within ${BUDGET} bytes gzip -9`, async () => {
  const { js, wasm } = await packageSize();
  const total = js[1] + wasm[1];
  assert.ok(total <= BUDGET, `JS ${js[1]} + WASM ${wasm[1]} = ${total} bytes gzip -9, over the budget of ${BUDGET}`);
});

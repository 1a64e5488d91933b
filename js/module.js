// The class's WebAssembly module (the connection core, src/wasm/exports):
// loading it, once.
import { BatchMark, initSync } from './wasm/eventsource_wasm.js';
import { useMarks } from './batch.js';
import { loader } from './load.js';
import { where } from './hooks.js';

useMarks(BatchMark);

/**
 * Loads the WebAssembly module. Called for you by the first EventSource;
 * call it yourself to load early, or to pass the module's URL, bytes,
 * `Response` or compiled `WebAssembly.Module` when your bundler cannot
 * resolve `new URL('…_bg.wasm', import.meta.url)`. A failed load is tried
 * again by the next call.
 */
export const init = loader(initSync, () => {
  try {
    // (`eventsource-wasm/stats` loads the build that measures: js/stats.js.)
    return where?.() ?? new URL('./wasm/eventsource_wasm_bg.wasm', import.meta.url);
  } catch {
    // import.meta.url is not a URL (Cloudflare Workers): say what to do,
    // as a rejection (the loader awaits what it is given), so that a
    // source reports it as an error event.
    return /** @type {any} */ (
      Promise.reject(
        new Error(
          "no URL for the WebAssembly module here: give it to init() first, e.g. import wasm from 'eventsource-wasm/wasm'; await init(wasm)",
        ),
      )
    );
  }
});

// The class's WebAssembly module (the connection core, src/wasm/exports):
// loading it, once.
import { BatchMark, initSync } from './wasm/eventsource_wasm.js';
import { useMarks } from './batch.js';
import { loader } from './load.js';

useMarks(BatchMark);

/**
 * Loads the WebAssembly module. Called for you by the first EventSource;
 * call it yourself to load early, or to pass the module's URL, bytes,
 * `Response` or compiled `WebAssembly.Module` when your bundler cannot
 * resolve `new URL('…_bg.wasm', import.meta.url)`. A failed load is tried
 * again by the next call.
 */
export const init = loader(initSync, () => new URL('./wasm/eventsource_wasm_bg.wasm', import.meta.url));

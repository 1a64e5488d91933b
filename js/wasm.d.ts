import type { WasmModule } from './index.js';

/**
 * A WebAssembly module of the package (`eventsource-wasm/wasm`, the class's;
 * `eventsource-wasm/parser/wasm`, the parser's), as a bundler or runtime
 * hands a `.wasm` import over: its URL (esbuild's `file` loader, webpack's
 * `asset/resource`) or the compiled module (Cloudflare Workers' `CompiledWasm`
 * rule). Give it to the entry's `init()`.
 */
declare const wasm: string | WasmModule;
export default wasm;

// `eventsource-wasm/parser`: the parser on its own (js/create-parser.js),
// with the loader of its WebAssembly module.
export { createParser, init } from './create-parser.js';

// The npm package's entry point. For now it exposes the WebAssembly parser;
// the EventSource class is built on it here.
//
//   import init, { StreamParser } from 'eventsource-wasm';
//   await init();
//   const parser = new StreamParser({ onEvent(type, data, id) { ... } });
//   parser.feed(chunk); // Uint8Array chunks of a text/event-stream body
export { default, default as init, StreamParser } from './wasm/eventsource_wasm.js';

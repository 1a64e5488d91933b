// `eventsource-wasm/stream`: the parser as a TransformStream (js/parser-stream.js).
export { EventStreamParser } from './parser-stream.js';

/** Installs eventsource-wasm's class as `globalThis.EventSource`. */
export { EventSource } from './index.js';
/** The browser's own class, as it was before the polyfill. */
export declare const NativeEventSource: typeof globalThis.EventSource | undefined;

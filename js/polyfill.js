// Opt-in: `import 'eventsource-wasm/polyfill'` installs this library's
// EventSource as globalThis.EventSource, so that existing code (and
// libraries) calling `new EventSource(url, { headers })` get it. The
// browser's own class stays reachable as NativeEventSource.
import { EventSource } from './event-source.js';

export const NativeEventSource = globalThis.EventSource;
// Our class has the native one's statics too (defined at run time).
globalThis.EventSource = /** @type {typeof globalThis.EventSource} */ (/** @type {unknown} */ (EventSource));
export { EventSource };

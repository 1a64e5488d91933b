// What `eventsource-wasm/stats` (js/stats.js) adds to the class, set once when it is imported;
// unset otherwise, so that pages that do not import it pay only for the calls.

/** Where the class's module is (the build that measures). @type {(() => URL) | undefined} */
export let where;
/** Told when a diagnosing source's stream opens, with a way to feed its core.
 * @type {((url: string, response: Response, step: (input: (core: import('./wasm/eventsource_wasm.js').SseCore) => void) => void) => void) | undefined} */
export let opened;
/** Told of each notice of the core a source handled (diagnostics, open, errors, reconnects), with
 * the source's options.
 * @type {((source: import('./event-source.js').EventSource, notice: import('./connection-types.js').Notice, init: import('./index.js').EventSourceInit) => void) | undefined} */
export let noticed;

/** @param {typeof where} w @param {typeof opened} o @param {typeof noticed} n */
export const extend = (w, o, n) => {
  where = w;
  opened = o;
  noticed = n;
};

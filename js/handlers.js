// The `on<event>` handler attributes of the class (onopen, onmessage,
// onerror) and its `CONNECTING`/`OPEN`/`CLOSED` constants, as the DOM
// defines them for the native class.

/** The `readyState` values. */
export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSED = 2;

/** @type {boolean | undefined} */
let runtimeCalls;

/**
 * Whether this runtime's `EventTarget` calls an `on<type>` property itself
 * when it dispatches (Cloudflare's workerd does; browsers, Node, Deno and
 * Bun leave that to the element or class that defines the attribute). Then
 * the class adds no listener of its own, and a handler runs once. Found out
 * once, by dispatching an event to a plain `EventTarget`.
 */
function runtimeCallsHandlers() {
  if (runtimeCalls === undefined) {
    runtimeCalls = false;
    const target = new EventTarget();
    Object.defineProperty(target, 'onmessage', { value: () => (runtimeCalls = true) });
    target.dispatchEvent(new Event('message'));
  }
  return runtimeCalls;
}

/** A source's handlers by type; a type is present once its attribute added
 * its listener. @typedef {{ open?: unknown, message?: unknown, error?: unknown }} Handlers */

/**
 * Defines the handler attributes on a class's prototype, and the constants
 * on the class and its prototype, read-only, as the native class has them.
 * A handler's listener is added the first time a handler is set, and calls
 * whatever handler is current.
 * @param {Function & { prototype: object }} cls
 * @param {(source: any) => Handlers} handlersOf
 */
export function defineHandlers(cls, handlersOf) {
  for (const type of /** @type {const} */ (['open', 'message', 'error'])) {
    Object.defineProperty(cls.prototype, `on${type}`, {
      configurable: true,
      enumerable: true,
      get() {
        return handlersOf(this)[type] ?? null;
      },
      /** @param {unknown} value */
      set(value) {
        const handlers = handlersOf(this);
        const next = typeof value === 'function' || (value && typeof value === 'object') ? value : null;
        if (next && !(type in handlers) && !runtimeCallsHandlers()) {
          EventTarget.prototype.addEventListener.call(this, type, (event) => {
            const handler = handlers[type];
            if (typeof handler === 'function') return handler.call(this, event);
          });
        }
        if (next || type in handlers) handlers[type] = next;
      },
    });
  }
  for (const [name, value] of /** @type {const} */ ([
    ['CONNECTING', CONNECTING],
    ['OPEN', OPEN],
    ['CLOSED', CLOSED],
  ])) {
    Object.defineProperty(cls, name, { value, enumerable: true });
    Object.defineProperty(cls.prototype, name, { value, enumerable: true });
  }
}

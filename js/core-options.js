// The caller's options as the connection core reads them: an array of
// numbers and one of strings, typed by `CoreNumbers` and `CoreStrings`
// (src/wasm/exports/options.rs, where they are read; the strings cross
// joined, as `CoreLines`), so that no key string crosses into WebAssembly.

/**
 * @param {string} url the source's URL (a resume URL is resolved against it)
 * @param {import('./index.js').EventSourceInit} init
 * @returns {[import('./wasm/eventsource_wasm.js').CoreNumbers, import('./wasm/eventsource_wasm.js').CoreLines]}
 */
export function coreOptions(url, init) {
  // The rules, and the request's method; the body and the headers stay
  // with the driver.
  /** @param {unknown} v */
  const num = (v) => (typeof v === 'number' ? v : NaN);
  /** @param {unknown} v */
  const str = (v) => (v == null ? undefined : String(v));
  /** One line of `CoreLines`. @param {string | null | undefined} v */
  const line = (v) => {
    if (/[\n\r]/.test(v ?? '')) throw new TypeError(`line break in the option ${JSON.stringify(v)}`);
    return v === undefined ? '\x01' : v === null ? '\x02' : `=${v}`;
  };
  const r = init.retry ?? {};
  const end = init.endEvent;
  /** @type {import('./wasm/eventsource_wasm.js').CoreNumbers} */
  const numbers = [
    num(r.initialDelay),
    num(r.minDelay),
    num(r.maxDelay),
    num(r.factor),
    num(r.jitter),
    num(r.maxAttempts),
    num(r.healthyAfter),
    num(init.idleTimeout),
    num(init.maxLineLength),
    num(init.maxEventLength),
    init.body != null ? 1 : 0,
    init.resend ? 1 : 0,
    init.pauseWhenHidden ? 1 : 0,
    typeof init.resume === 'function' ? 1 : 0,
    init.diagnose ? 1 : 0,
    ...(Array.isArray(init.retryStatuses) ? init.retryStatuses.map(num) : []),
  ];
  // The end event's type (null: none); a preset, or several types, are
  // the core's too; a function is the class's (js/event-source.js).
  const list = Array.isArray(end);
  const preset = list ? undefined : /** @type {{ preset?: unknown } | undefined} */ (end)?.preset;
  /** @type {import('./wasm/eventsource_wasm.js').CoreStrings} */
  const strings = [
    str(init.lastEventId),
    str(init.lastEventIdParam),
    str(init.method),
    // Resolved against the source's URL.
    init.resumeUrl == null ? undefined : new URL(String(init.resumeUrl), url).href,
    typeof end === 'object' || typeof end === 'function' ? null : str(end),
    typeof preset === 'string' ? preset : undefined,
    // The idempotency header's name and this source's key (16 random
    // bytes, in hex; none when the header is switched off with null),
    // sent when the core says so.
    str(init.idempotencyHeader),
    init.idempotencyHeader === null
      ? undefined
      : globalThis.crypto
          ?.getRandomValues(new Uint32Array(4))
          .reduce((key, n) => key + n.toString(16).padStart(8, '0'), ''),
    str(init.cursor),
    // A function's end is the class's to find; the core only learns that
    // there is one: a type no event has ('').
    ...(list ? end : typeof end === 'function' ? [''] : []),
  ];
  return [numbers, strings.map(line).join('\n')];
}

// useEventSource: one connection per mounted component, for React 18+.
import { useEffect, useRef, useState } from 'react';
import { EventSource, onStreamEnd } from './event-source.js';

/** @typedef {import('./react.js').UseEventSourceOptions<Record<string, unknown>>} Options */
/** @typedef {import('./react.js').EventSourceState<Record<string, unknown>>} State */

/** @type {State} */
const INITIAL = { data: {}, readyState: 0, error: null, reconnect: null, lastEventId: '' };

/** A key for the options that change what the connection is. Functions
 * (headers, fetch, decode) are read through a ref, so a new function each
 * render does not reconnect; an end rule given as a function is taken when
 * the connection is made (a preset is part of the key).
 * @param {string | URL} url @param {Options} options */
function connectionKey(url, options) {
  const { headers, fetch, decode, signal, onComment, onEvent, endEvent, ...rest } = options ?? {};
  const fn = (/** @type {unknown} */ value) => (typeof value === 'function' ? 'fn' : (value ?? null));
  return JSON.stringify([String(url), rest, fn(headers), fn(endEvent)]);
}

/**
 * @param {string | URL | null | undefined} url
 * @param {Options} [options]
 * @returns {State}
 */
export function useEventSource(url, options = {}) {
  const [state, setState] = useState(INITIAL);
  const latest = useRef(options);
  latest.current = options;
  const key = url == null ? null : connectionKey(url, options);

  useEffect(() => {
    if (key === null || url == null) return undefined;
    const o = latest.current;
    const headersFn = o.headers;
    const headers =
      typeof headersFn === 'function'
        ? () => /** @type {() => import('./index.js').HeadersLike} */ (latest.current.headers)()
        : headersFn;
    const fetchFn = o.fetch;
    const source = new EventSource(url, {
      ...o,
      headers,
      fetch: fetchFn
        ? (request) => /** @type {NonNullable<Options['fetch']>} */ (latest.current.fetch ?? fetchFn)(request)
        : undefined,
    });
    setState(INITIAL);
    /** @param {(s: State) => Partial<State>} patch */
    const update = (patch) =>
      setState((s) => ({ ...s, ...patch(s), readyState: /** @type {0 | 1 | 2} */ (source.readyState) }));
    // An end rule closed the source (after the event's listeners ran).
    onStreamEnd(source, () => update(() => ({ reconnect: null })));
    const types = o.events ?? ['message'];
    const stops = types.map((type) =>
      source.on(
        type,
        (value, meta) => {
          latest.current.onEvent?.(type, value, meta);
          update((s) => ({ data: { ...s.data, [type]: value }, lastEventId: meta.lastEventId }));
        },
        { decode: o.decode, onError: (error) => update(() => ({ error })) },
      ),
    );
    source.addEventListener('open', () => update(() => ({ error: null, reconnect: null })));
    source.addEventListener('error', (e) =>
      update(() => ({ error: /** @type {import('./index.js').SseErrorEvent} */ (e).error ?? null })),
    );
    source.addEventListener('reconnecting', (e) => {
      const { delay, attempt } = /** @type {import('./index.js').ReconnectEvent} */ (e);
      update(() => ({ reconnect: { delay, attempt, at: Date.now() + delay } }));
    });
    return () => {
      for (const stop of stops) stop();
      source.close();
    };
    // `key` stands for url and options; see connectionKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return state;
}

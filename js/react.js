// useEventSource: one connection per mounted component, for React 18+.
import { useEffect, useRef, useState } from 'react';
import { EventSource } from './event-source.js';

const INITIAL = { data: {}, readyState: EventSource.CONNECTING, error: null, reconnect: null, lastEventId: '' };

/** A key for the options that change what the connection is. Functions
 * (headers, fetch, decode) are read through a ref, so a new function each
 * render does not reconnect; an end rule given as a function is taken when
 * the connection is made. */
function connectionKey(url, options) {
  const { headers, fetch, decode, signal, onComment, onEvent, endEvent, ...rest } = options ?? {};
  const fn = (value) => (typeof value === 'function' ? 'fn' : (value ?? null));
  return JSON.stringify([String(url), rest, fn(headers), fn(endEvent)]);
}

export function useEventSource(url, options = {}) {
  const [state, setState] = useState(INITIAL);
  const latest = useRef(options);
  latest.current = options;
  const key = url == null ? null : connectionKey(url, options);

  useEffect(() => {
    if (key === null) return undefined;
    const o = latest.current;
    const headers = typeof o.headers === 'function' ? () => latest.current.headers() : o.headers;
    // The end rule, whatever its form (a type, types, a rule, null), as a
    // rule: the class runs it after each event's listeners, and the state
    // is refreshed once an event has ended the stream.
    const end = o.endEvent === undefined ? 'end' : o.endEvent;
    /** @param {string} type @param {string} data */
    const ends = (type, data) =>
      typeof end === 'function' ? end(type, data) : Array.isArray(end) ? end.includes(type) : type === end;
    const source = new EventSource(url, {
      ...o,
      headers,
      fetch: o.fetch ? (...args) => latest.current.fetch(...args) : undefined,
      endEvent: (type, data) => {
        const ended = ends(type, data);
        if (ended) queueMicrotask(() => update(() => ({ reconnect: null })));
        return ended;
      },
    });
    setState(INITIAL);
    const update = (patch) => setState((s) => ({ ...s, ...patch(s), readyState: source.readyState }));
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
    source.addEventListener('error', (e) => update(() => ({ error: e.error ?? null })));
    source.addEventListener('reconnecting', (e) =>
      update(() => ({ reconnect: { delay: e.delay, attempt: e.attempt, at: Date.now() + e.delay } })),
    );
    return () => {
      for (const stop of stops) stop();
      source.close();
    };
    // `key` stands for url and options; see connectionKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return state;
}

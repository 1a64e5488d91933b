// useEventSource: one connection per mounted component, for React 18+.
import { useEffect, useRef, useState } from 'react';
import { EventSource } from './event-source.js';

const INITIAL = { data: {}, readyState: EventSource.CONNECTING, error: null, reconnect: null, lastEventId: '' };

/** A key for the options that change what the connection is. Functions
 * (headers, fetch, decode) are read through a ref, so a new function each
 * render does not reconnect. */
function connectionKey(url, options) {
  const { headers, fetch, decode, signal, onComment, onEvent, ...rest } = options ?? {};
  return JSON.stringify([String(url), rest, typeof headers === 'function' ? 'fn' : (headers ?? null)]);
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
    const source = new EventSource(url, {
      ...o,
      headers,
      fetch: o.fetch ? (...args) => latest.current.fetch(...args) : undefined,
    });
    setState(INITIAL);
    const update = (patch) => setState((s) => ({ ...s, ...patch(s), readyState: source.readyState }));
    const types = o.events ?? ['message'];
    // The end event closes the source after its listeners ran.
    const end = o.endEvent === undefined ? 'end' : o.endEvent;
    const stops = types.map((type) =>
      source.on(
        type,
        (value, meta) => {
          latest.current.onEvent?.(type, value, meta);
          update((s) => ({ data: { ...s.data, [type]: value }, lastEventId: meta.lastEventId }));
          if (type === end) {
            queueMicrotask(() => update(() => ({})));
          }
        },
        { decode: o.decode, onError: (error) => update(() => ({ error })) },
      ),
    );
    // Refresh the state once the end event has closed the source.
    if (end !== null && !types.includes(end)) {
      stops.push(source.on(end, () => queueMicrotask(() => update(() => ({ reconnect: null }))), { decode: (s) => s }));
    }
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

'use client';
import { useEventSource } from 'eventsource-wasm/react';

export function Ticker({ url }) {
  const { data, readyState, lastEventId, error } = useEventSource(url, { events: ['tick'] });
  return (
    <section>
      <p>
        state: <b id="state">{['connecting', 'open', 'closed'][readyState]}</b>
      </p>
      <p>
        tick: <b id="tick">{data.tick ? data.tick.n : '–'}</b>
      </p>
      <p>
        last event ID: <b id="last">{lastEventId}</b>
      </p>
      <p>
        error: <b id="error">{error ? error.type : 'none'}</b>
      </p>
    </section>
  );
}

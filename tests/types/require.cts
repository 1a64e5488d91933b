// A CommonJS TypeScript file (.cts) using the package: under node16 its
// imports are require() calls, resolved to the CommonJS copy's .d.cts.
import { EventSource, type SseMessageEvent } from 'eventsource-wasm';
import { createParser } from 'eventsource-wasm/parser';
import { useEventSource } from 'eventsource-wasm/react';
import { EventSource as Measured } from 'eventsource-wasm/stats';

const es = new EventSource<{ tick: { price: number } }>('https://example.com/stream', {
  headers: { authorization: 'Bearer token' },
});
es.addEventListener('message', (e: SseMessageEvent) => e.data.toUpperCase());
es.on('tick', (tick) => tick.price.toFixed(2));
export const parser = createParser({ onEvent: ({ data }) => data.length });
export const hook: typeof useEventSource = useEventSource;
export const measured = new Measured('https://example.com/stream', { diagnose: true }).stats?.events;

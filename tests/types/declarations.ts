// The package's declarations as code that uses each entry (all but the
// React hook, whose own types need the DOM library) must see them: checked
// in browser projects and in a Node-only one (tsconfig.node.json).
import { EventSource, init, SseError, type SseMessageEvent } from 'eventsource-wasm';
import { ends } from 'eventsource-wasm/llm';
import { createParser, init as initParser } from 'eventsource-wasm/parser';
import { EventStreamParser } from 'eventsource-wasm/stream';
import wasm from 'eventsource-wasm/wasm';
import parserWasm from 'eventsource-wasm/parser/wasm';
import {
  type DiagnosticEvent,
  init as initStats,
  EventSource as StatsSource,
  type StreamStats,
  statsOf,
} from 'eventsource-wasm/stats';
import statsWasm from 'eventsource-wasm/stats/wasm';

await init(wasm);
const es = new EventSource<{ tick: { price: number }; end: undefined }>('https://api.test/feed', {
  headers: async () => ({ Authorization: 'Bearer t' }),
  method: 'POST',
  body: JSON.stringify({ q: 1 }),
  credentials: 'include',
  endEvent: ends.openaiChat,
});
// Any event name: a MessageEvent whose data is text, as with the built-in class.
es.addEventListener('tick', (e) => e.data.toUpperCase());
es.addEventListener('error', (e) => (e.error instanceof SseError ? e.error.type : null));
es.onmessage = (e: SseMessageEvent) => e.lastEventId;
const off = es.on('tick', (t) => t.price.toFixed(2));
off();
for await (const event of es) event.data.length;
es.close();

await initParser(parserWasm);
const parser = createParser({ onEvent: (event) => event.data.length });
parser.feed('data: x\n\n');
const stream = new EventStreamParser({ maxLineLength: 1024 });
void stream.readable;

// eventsource-wasm/stats: the same class, with `stats`, `diagnose` and the `diagnostic` event.
const measured = new StatsSource('https://example.com/stream', { diagnose: true });
measured.addEventListener('diagnostic', (e: DiagnosticEvent) => `${e.code}: ${e.message} (${e.fix}) ${e.value}`);
const figures: StreamStats | null = measured.stats;
void figures?.gaps.p99;
void figures?.reconnects.network;
const again: StreamStats | null = statsOf(measured);
void again;
await initStats(statsWasm);

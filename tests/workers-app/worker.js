// A Worker as the docs' recipe has it: the module imported as a compiled
// WebAssembly module and given to init(). `GET /?sse=<url>` reads that
// stream to its end and answers with what the handlers saw.
import { EventSource, init } from 'eventsource-wasm';
import wasm from 'eventsource-wasm/wasm';

export default {
  async fetch(request) {
    const url = new URL(request.url).searchParams.get('sse');
    await init(wasm);
    const es = new EventSource(url);
    const seen = { open: 0, message: [], error: 0, listeners: 0 };
    es.onopen = () => seen.open++;
    es.onmessage = (e) =>
      seen.message.push([e.data, e.lastEventId, e.origin, e.constructor === MessageEvent, es.readyState]);
    es.onerror = () => seen.error++;
    es.addEventListener('message', () => seen.listeners++);
    await new Promise((resolve) => es.addEventListener('end', () => setTimeout(resolve, 100)));
    return Response.json({ ...seen, readyState: es.readyState });
  },
};

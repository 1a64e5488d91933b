// eventsource-wasm in Node, as an app uses it: the class with a typed
// listener, a DOM listener and the end event, createParser, and the
// TransformStream, against the SSE server at argv[2]. Prints what it saw
// as JSON. The WebAssembly modules are read from disk by the package.
const url = process.argv[2];

// Importing fetches nothing.
const realFetch = globalThis.fetch;
let fetchesAtImport = 0;
globalThis.fetch = (...args) => {
  fetchesAtImport++;
  return realFetch(...args);
};
const { EventSource } = await import('eventsource-wasm');
const { createParser, init } = await import('eventsource-wasm/parser');
const { EventStreamParser } = await import('eventsource-wasm/stream');
const { ends } = await import('eventsource-wasm/llm');
const out = { fetchesAtImport };
globalThis.fetch = realFetch;

// The class.
out.source = await new Promise((resolve) => {
  const seen = [];
  const es = new EventSource(`${url}/sse/node`);
  es.on('tick', (value, meta) => seen.push(['tick', value, meta.lastEventId]));
  es.onmessage = (e) => seen.push(['message', e.data, e instanceof MessageEvent]);
  es.onopen = () => seen.push(['open', es.readyState]);
  es.onerror = (e) => seen.push(['error', e.error.type]);
  es.addEventListener('end', () => setTimeout(() => resolve({ seen, readyState: es.readyState }), 50));
});

// for await, and an LLM preset.
out.iterated = [];
for await (const e of new EventSource(`${url}/sse/node-done`, {
  method: 'POST',
  body: '{}',
  endEvent: ends.openaiChat,
}))
  out.iterated.push(e.data);

// createParser.
await init();
out.parsed = [];
const parser = createParser({ onEvent: (e) => out.parsed.push([e.type, e.data, e.lastEventId]) });
parser.feed('id: 7\nevent: a\ndata: x\n\n');
parser.feed(new TextEncoder().encode('data: y\n\n'));

// The TransformStream, over a fetch() body.
out.streamed = [];
const response = await fetch(`${url}/sse/node-stream`);
for await (const e of response.body.pipeThrough(new EventStreamParser())) out.streamed.push(e.data);

// Without fetch: a clear error at construction.
globalThis.fetch = undefined;
try {
  new EventSource(`${url}/sse/none`);
  out.withoutFetch = 'no error';
} catch (error) {
  out.withoutFetch = `${error.name}: ${error.message}`;
}
console.log(JSON.stringify(out));

// init() with each form of module source (argv[3]: bytes, module, response,
// url), then one event from the SSE server at argv[2]; prints its data.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [url, form] = process.argv.slice(2);
const { EventSource, init } = await import('eventsource-wasm');
// The module, as the package exports it.
const path = createRequire(import.meta.url).resolve('eventsource-wasm/wasm');
const bytes = await readFile(path);
const sources = {
  bytes: () => bytes,
  // Where compiling from bytes is not allowed (Cloudflare Workers), a
  // compiled module is handed over.
  module: () => new WebAssembly.Module(bytes),
  response: () => new Response(bytes, { headers: { 'content-type': 'application/wasm' } }),
  url: () => pathToFileURL(path),
};
await init(sources[form]());
const es = new EventSource(`${url}/sse/node-init`);
es.onmessage = (e) => {
  console.log(JSON.stringify(e.data));
  es.close();
};
es.onerror = (e) => {
  console.log(JSON.stringify(`error: ${e.error.message}`));
  es.close();
};

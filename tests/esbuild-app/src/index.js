import { EventSource, init } from 'eventsource-wasm';
// esbuild emits no file that `new URL('…', import.meta.url)` names: import
// the module's URL instead (with the loader `.wasm: file`) and give it to init().
import wasm from 'eventsource-wasm/wasm';

init(wasm);

const url = new URLSearchParams(location.search).get('sse');
const es = new EventSource(url);
const out = document.getElementById('out');
es.addEventListener('tick', (e) => {
  out.textContent += `${e.lastEventId}:${e.data};`;
});
es.addEventListener('end', () => {
  setTimeout(() => {
    document.getElementById('state').textContent = String(es.readyState);
  });
});

import { EventSource } from 'eventsource-wasm';

const url = new URLSearchParams(location.search).get('sse');
const es = new EventSource(url);
const out = document.getElementById('out');
es.addEventListener('tick', (e) => {
  out.textContent += `${e.lastEventId}:${e.data};`;
});
es.addEventListener('end', () => {
  // Listeners see the end event while OPEN; the source closes right after.
  setTimeout(() => {
    document.getElementById('state').textContent = String(es.readyState);
  });
});

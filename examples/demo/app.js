// The demo page: fetch() the stream, feed each chunk to the WASM parser.
// (A later release replaces this loop with the library's EventSource.)
import init, { StreamParser } from '/pkg/eventsource_wasm.js';

const $ = (id) => document.getElementById(id);
const append = (list, text, cls) => {
  const li = document.createElement('li');
  li.textContent = text;
  if (cls) li.className = cls;
  list.append(li);
  list.scrollTop = list.scrollHeight;
  while (list.children.length > 200) list.firstChild.remove();
};

await init();

let count = 0;
let connections = 0;
let gaps = 0;
let expected = null;
let retryMs = 3000;

const parser = new StreamParser({
  onEvent(type, data, lastEventId) {
    count++;
    const tick = JSON.parse(data);
    if (expected !== null && tick.n !== expected) gaps++;
    expected = tick.n + 1;
    $('count').textContent = count;
    $('last-id').textContent = lastEventId;
    $('gaps').textContent = gaps;
    append($('events'), `#${lastEventId} ${type}: ${data}`);
  },
  onRetry(ms) {
    retryMs = ms;
    append($('log'), `retry: ${ms} ms`, 'retry');
  },
  onComment(text) {
    append($('log'), `: ${text}`, 'comment');
  },
});

function setState(text) {
  $('state').textContent = text;
  $('state').className = `state-${text}`;
}

for (;;) {
  setState('connecting');
  const headers = { Accept: 'text/event-stream' };
  if (parser.lastEventId) headers['Last-Event-ID'] = parser.lastEventId;
  try {
    const response = await fetch('/events', { headers, cache: 'no-store' });
    connections++;
    $('connections').textContent = connections;
    append($('log'), `connected (Last-Event-ID: ${headers['Last-Event-ID'] ?? 'none'})`, 'conn');
    setState('open');
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      append($('log'), `chunk of ${value.length} bytes`);
      parser.feed(value);
    }
    append($('log'), 'server closed the stream', 'conn');
  } catch (error) {
    append($('log'), `error: ${error.message}`, 'conn');
  }
  parser.finish();
  setState('connecting');
  await new Promise((resolve) => setTimeout(resolve, retryMs));
}

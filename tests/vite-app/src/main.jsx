import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useEventSource } from 'eventsource-wasm/react';

function Ticker({ url }) {
  const { data, readyState, lastEventId, error } = useEventSource(url, {
    events: ['tick'],
    // A new function every render: must not reconnect.
    headers: () => ({ Authorization: 'Bearer from-react' }),
  });
  return (
    <main>
      <h1>Live ticks</h1>
      <p>state: <b id="state">{['connecting', 'open', 'closed'][readyState]}</b></p>
      <p>tick: <b id="tick">{data.tick ? data.tick.n : '–'}</b></p>
      <p>last event ID: <b id="last">{lastEventId}</b></p>
      <p>error: <b id="error">{error ? error.type : 'none'}</b></p>
    </main>
  );
}

const url = new URLSearchParams(location.search).get('sse');
createRoot(document.getElementById('root')).render(
  <StrictMode>
    <Ticker url={url} />
  </StrictMode>,
);

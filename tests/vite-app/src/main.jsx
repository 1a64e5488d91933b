import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useEventSource } from 'eventsource-wasm/react';

function Ticker({ url, share }) {
  const { data, readyState, lastEventId, error } = useEventSource(url, {
    events: ['tick'],
    share,
    // A new function every render: must not reconnect.
    headers: () => ({ Authorization: 'Bearer from-react' }),
  });
  return (
    <main>
      <h1>Live ticks</h1>
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
    </main>
  );
}

function App() {
  const params = new URLSearchParams(location.search);
  const urls = [params.get('sse'), params.get('sse2')];
  const [which, setWhich] = useState(0);
  const [mounted, setMounted] = useState(true);
  return (
    <>
      {mounted && <Ticker url={urls[which]} share={params.has('share')} />}
      <button type="button" id="switch" onClick={() => setWhich(1)}>
        switch URL
      </button>
      <button type="button" id="unmount" onClick={() => setMounted(false)}>
        unmount
      </button>
    </>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

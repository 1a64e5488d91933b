import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Chat } from './Chat';
import { Feed } from './Feed';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <header>
      <h1>eventsource-wasm</h1>
      <p>
        Server-Sent Events over <code>fetch()</code>: bearer tokens refreshed on every reconnect, POST bodies,
        backoff with jitter, and an explicit end. Parsed by Rust compiled to WebAssembly.
      </p>
    </header>
    <Feed />
    <Chat />
  </StrictMode>,
);

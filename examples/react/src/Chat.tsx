import { useEffect, useRef, useState } from 'react';
import { EventSource } from 'eventsource-wasm';
import { authHeaders } from './auth';

type ChatEvents = { token: { index: number; text: string }; end: { tokens: number } };

/** An LLM-style stream: POST a prompt, receive tokens, stop at `end`. */
export function Chat() {
  const [prompt, setPrompt] = useState('What is Server-Sent Events?');
  const [answer, setAnswer] = useState('');
  const [status, setStatus] = useState('idle');
  const source = useRef<EventSource<ChatEvents> | null>(null);

  useEffect(() => () => source.current?.close(), []);

  const send = () => {
    source.current?.close();
    setAnswer('');
    setStatus('streaming');
    const es = new EventSource<ChatEvents>('/api/chat', {
      method: 'POST',
      headers: async () => ({ ...(await authHeaders()), 'Content-Type': 'application/json' }),
      body: JSON.stringify({ prompt }),
    });
    es.on('token', (t) => setAnswer((a) => a + t.text));
    es.on('end', (end) => setStatus(`done: ${end.tokens} tokens; the end event closed the stream (no reconnect)`));
    es.addEventListener('error', (e) => setStatus(`error: ${e.error.message}`));
    source.current = es;
  };

  return (
    <section className="card">
      <h2>Chat <small>POST /api/chat · tokens stream · <code>event: end</code></small></h2>
      <div className="chat-input">
        <input data-testid="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        <button data-testid="send" onClick={send}>Send</button>
      </div>
      <p className="answer" data-testid="answer">{answer}</p>
      <p className="status" data-testid="chat-status">{status}</p>
    </section>
  );
}

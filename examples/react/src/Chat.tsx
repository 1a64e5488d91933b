import { useEffect, useRef, useState } from 'react';
import { EventSource, type SseError } from 'eventsource-wasm';
import { ends } from 'eventsource-wasm/llm';
import { authHeaders, authToken } from './auth';

/** The two API formats the demo server streams in, and how an app reads each. */
const APIS = {
  openai: {
    label: 'OpenAI Chat Completions',
    url: '/v1/chat/completions',
    endEvent: ends.openaiChat,
    end: 'data: [DONE]',
    headers: async () => ({ ...(await authHeaders()), 'Content-Type': 'application/json' }),
    body: (prompt: string) => ({ model: 'demo', messages: [{ role: 'user', content: prompt }], stream: true }),
    token: (type: string, data: string): string =>
      type === 'message' && data !== '[DONE]' ? (JSON.parse(data).choices[0]?.delta?.content ?? '') : '',
  },
  anthropic: {
    label: 'Anthropic Messages',
    url: '/v1/messages',
    endEvent: ends.anthropic,
    end: 'event: message_stop',
    headers: async () => ({
      'x-api-key': await authToken(),
      'anthropic-version': '2023-06-01',
      'Content-Type': 'application/json',
    }),
    body: (prompt: string) => ({
      model: 'demo',
      max_tokens: 1024,
      messages: [{ role: 'user', content: prompt }],
      stream: true,
    }),
    token: (type: string, data: string): string =>
      type === 'content_block_delta' ? (JSON.parse(data).delta?.text ?? '') : '',
  },
} as const;
type Api = keyof typeof APIS;

/**
 * An LLM token stream: POST a prompt, read the tokens with `for await`, and
 * stop at the API's own end (its preset from `eventsource-wasm/llm`). The
 * prompt is sent once: nothing sends it again.
 */
export function Chat() {
  const [api, setApi] = useState<Api>('openai');
  const [prompt, setPrompt] = useState('What is Server-Sent Events?');
  const [answer, setAnswer] = useState('');
  const [status, setStatus] = useState('idle');
  const source = useRef<EventSource | null>(null);

  useEffect(() => () => source.current?.close(), []);

  const send = async () => {
    source.current?.close();
    const format = APIS[api];
    setAnswer('');
    setStatus('streaming');
    const es = new EventSource(format.url, {
      method: 'POST',
      headers: format.headers,
      body: JSON.stringify(format.body(prompt)),
      endEvent: format.endEvent,
    });
    source.current = es;
    let tokens = 0;
    try {
      for await (const event of es) {
        const token = format.token(event.type, event.data);
        if (token) {
          tokens++;
          setAnswer((a) => a + token);
        }
      }
      if (source.current === es) setStatus(`done: ${tokens} tokens; ${format.end} ended the stream (one request)`);
    } catch (error) {
      // The API's own message, e.g. "invalid x-api-key".
      if (source.current === es) setStatus(`error: ${(error as SseError).message}`);
    }
  };

  return (
    <section className="card">
      <h2>
        Chat <small>POST {APIS[api].url} · {APIS[api].label} format · <code>for await</code></small>
      </h2>
      <div className="chat-input">
        <select data-testid="api" value={api} onChange={(e) => setApi(e.target.value as Api)}>
          {Object.entries(APIS).map(([key, format]) => (
            <option key={key} value={key}>
              {format.label}
            </option>
          ))}
        </select>
        <input data-testid="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        <button type="button" data-testid="send" onClick={send}>
          Send
        </button>
      </div>
      <p className="answer" data-testid="answer">
        {answer}
      </p>
      <p className="status" data-testid="chat-status">
        {status}
      </p>
    </section>
  );
}

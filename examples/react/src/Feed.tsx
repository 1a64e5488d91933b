import { useEffect, useRef, useState } from 'react';
import { useEventSource } from 'eventsource-wasm/react';
import { authHeaders, onTokenRefresh } from './auth';

/** What the server sends as `event: tick`. */
export interface Tick {
  seq: number;
  symbol: string;
  price: number;
  at: number;
}

type FeedEvents = { tick: Tick };
const STATES = ['connecting', 'open', 'closed'] as const;

export function Feed() {
  const [ids, setIds] = useState<number[]>([]);
  const [gaps, setGaps] = useState(0);
  const [repeats, setRepeats] = useState(0);
  const [refreshes, setRefreshes] = useState(0);
  const [now, setNow] = useState(Date.now());
  const last = useRef<number | null>(null);

  const { data, readyState, error, reconnect } = useEventSource<FeedEvents>('/api/feed', {
    events: ['tick'],
    headers: authHeaders,
    retryStatuses: [503],
    retry: { initialDelay: 1000, maxDelay: 8000 },
    onEvent: (_type, tick) => {
      // Ids count up by one: any jump is a lost event, any step back a repeat.
      if (last.current !== null && tick.seq > last.current + 1) setGaps((g) => g + tick.seq - last.current! - 1);
      if (last.current !== null && tick.seq <= last.current) setRepeats((r) => r + 1);
      last.current = Math.max(last.current ?? 0, tick.seq);
      setIds((list) => [...list.slice(-59), tick.seq]);
    },
  });

  useEffect(() => onTokenRefresh(setRefreshes), []);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, []);

  const control = (path: string, body?: object) =>
    fetch(`/api/control/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
  const tick = data.tick;
  const countdown = reconnect && readyState === 0 ? Math.max(0, Math.ceil((reconnect.at - now) / 1000)) : null;

  return (
    <section className="card">
      <h2>Live feed <small>GET /api/feed · bearer token · typed <code>tick</code> events</small></h2>
      <div className="stats">
        <div className={`stat state-${STATES[readyState]}`}>state<b data-testid="state">{STATES[readyState]}</b></div>
        <div className="stat">latest<b data-testid="latest">{tick ? `${tick.symbol} ${tick.price.toFixed(2)}` : '–'}</b></div>
        <div className="stat">last event ID<b data-testid="count">{ids.length ? last.current : 0}</b></div>
        <div className="stat">gaps / repeats<b data-testid="gaps">{gaps} / {repeats}</b></div>
        <div className="stat">token refreshes<b data-testid="refreshes">{refreshes}</b></div>
      </div>
      <p className="status" data-testid="status">
        {countdown !== null
          ? `Reconnecting in ${countdown} s (attempt ${reconnect!.attempt})${error ? ` after ${error.message}` : ''}`
          : error
            ? `Last error: ${error.message}`
            : readyState === 1
              ? 'Connected.'
              : 'Connecting…'}
      </p>
      <div className="buttons">
        <button data-testid="drop" onClick={() => control('drop')}>Drop connections</button>
        <button data-testid="fail" onClick={() => control('fail', { seconds: 6 })}>Fail with 503 for 6 s</button>
      </div>
      <p className="ids" data-testid="ids">
        {ids.map((id) => (
          <span key={id}>{id}</span>
        ))}
      </p>
    </section>
  );
}

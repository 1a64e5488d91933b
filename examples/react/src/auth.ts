// Short-lived bearer tokens from the demo server. `authHeaders` is passed as
// the `headers` option: eventsource-wasm calls it before every connect and
// reconnect, so an expired token is replaced without any other code.
let token: { value: string; expires: number } | null = null;
let refreshes = 0;
const listeners = new Set<(n: number) => void>();

export async function authHeaders(): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await authToken()}` };
}

/** The current token, fetched again when it is about to expire. */
export async function authToken(): Promise<string> {
  if (!token || Date.now() > token.expires - 1000) {
    const res = await fetch('/api/login', { method: 'POST' });
    if (!res.ok) throw new Error(`login failed: ${res.status}`);
    const body: { token: string; expiresIn: number } = await res.json();
    token = { value: body.token, expires: Date.now() + body.expiresIn * 1000 };
    refreshes++;
    for (const f of listeners) f(refreshes);
  }
  return token.value;
}

export function onTokenRefresh(f: (n: number) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

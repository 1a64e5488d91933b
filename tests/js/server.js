// Helpers for tests/web_client.rs: talk to the scriptable test server.
// `cors`: the key's CORS mode (full, native or none; see the server).
export async function setScript(base, key, responses, cors = 'full') {
  const res = await fetch(`${base}/script/${key}?cors=${cors}`, { method: 'POST', body: responses });
  if (!res.ok) throw new Error(`script ${key}: ${res.status}`);
}

export async function getRequests(base, key) {
  return (await fetch(`${base}/requests/${key}`)).json();
}

export async function getPreflights(base, key) {
  return (await fetch(`${base}/preflights/${key}`)).json();
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function getChaosStats(base, key) {
  return JSON.stringify(await (await fetch(`${base}/chaos-stats/${key}`)).json());
}

// The page's lifecycle, as the browser reports it: back online, restored
// from the back/forward cache, shown or hidden (document.hidden is
// overridden on the document, then the event fired).
export function pageEvent(kind) {
  if (kind === 'online' || kind === 'focus') globalThis.dispatchEvent(new Event(kind));
  else if (kind === 'pageshow' || kind === 'pagehide')
    globalThis.dispatchEvent(new PageTransitionEvent(kind, { persisted: true }));
  else {
    const hidden = kind === 'hidden';
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event('visibilitychange'));
    if (!hidden) delete document.hidden;
  }
}

export async function getLlmRequests(base, run) {
  return (await fetch(`${base}/llm-requests/${run}`)).json();
}

// The token an event of `api` carries, or '' (tests/server/llm.mjs).
export function llmToken(api, type, data) {
  if (api === 'openai-chat')
    return type === 'message' && data !== '[DONE]' ? (JSON.parse(data).choices[0].delta.content ?? '') : '';
  if (api === 'openai-responses') return type === 'response.output_text.delta' ? JSON.parse(data).delta : '';
  return type === 'content_block_delta' ? JSON.parse(data).delta.text : '';
}

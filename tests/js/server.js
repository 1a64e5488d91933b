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

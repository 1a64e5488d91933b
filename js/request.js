// fetch() details of the connection (js/connection.js): the caller's
// headers as pairs, setting them, reading a refused response's body, and
// the CORS probe.
import { ErrorBodyRead } from './wasm/eventsource_wasm.js';

/**
 * Header pairs from a Headers, an array of pairs or a plain object.
 * @param {unknown} value
 * @returns {[string, string][]}
 */
export function headerPairs(value) {
  const bad = () => new TypeError('headers must be a Headers, an array of [name, value] pairs or an object');
  let entries;
  if (Array.isArray(value)) entries = value;
  else if (typeof Headers !== 'undefined' && value instanceof Headers) entries = [...value];
  else if (value && typeof value === 'object') entries = Object.entries(value);
  else throw bad();
  return entries.map((pair) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || pair[1] === undefined) throw bad();
    return [pair[0], String(pair[1])];
  });
}

/**
 * Sets each pair on `headers`; returns the name of the first one the
 * browser refuses, or null. Only the name: the value may be a secret.
 * @param {Headers} headers
 * @param {[string, string][]} pairs
 */
export function setAll(headers, pairs) {
  for (const [name, value] of pairs) {
    try {
      headers.set(name, value);
    } catch {
      return name;
    }
  }
  return null;
}

/**
 * The start of a refused response's body, as text, within the core's
 * bounds (`ErrorBodyRead`: ERROR_BODY_LIMIT bytes, read for at most
 * ERROR_BODY_TIMEOUT_MS, src/connection); whatever arrived is kept if
 * reading fails.
 * @param {Response} response
 */
export async function bodyText(response) {
  const reader = response.body?.getReader();
  let text = '';
  if (!reader) return text;
  const decoder = new TextDecoder();
  const cancel = () => reader.cancel().catch(() => {});
  const timer = setTimeout(cancel, ErrorBodyRead.TimeoutMs);
  try {
    for (let left = ErrorBodyRead.Limit; left > 0; ) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value.subarray(0, left), { stream: true });
      left -= value.length;
    }
  } catch {
    // Broken off: what arrived is kept.
  }
  clearTimeout(timer);
  cancel();
  return text;
}

/**
 * The probe the core asks for (`Io::Probe`, src/connection): a `no-cors`
 * GET of the source's URL. Whether its response is opaque: the server
 * answered a cross-origin request, so the failed request was refused by
 * CORS. False if it fails. Its body is not read.
 * @param {(request: Request) => Promise<Response>} fetchFn
 * @param {string} url
 * @param {RequestCredentials | undefined} credentials
 * @param {AbortSignal} signal
 */
export async function probe(fetchFn, url, credentials, signal) {
  try {
    const response = await fetchFn(
      new Request(url, { mode: 'no-cors', cache: 'no-store', credentials: credentials ?? 'same-origin', signal }),
    );
    return response?.type === 'opaque';
  } catch {
    // No answer at all: a network failure.
    return false;
  }
}

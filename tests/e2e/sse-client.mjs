// What the browser tests say to the scriptable SSE server
// (tests/server/sse-test-server.mjs) and how they run code in the page.

/** Scripts the responses of `/sse/<key>` on the server at `base`; `cors`
 * is the key's CORS mode (full, native or none: see the server). */
export async function script(base, key, responses, cors = 'full') {
  const res = await fetch(`${base}/script/${key}?cors=${cors}`, { method: 'POST', body: JSON.stringify(responses) });
  if (res.status !== 204) throw new Error(`scripting ${key}: ${res.status}`);
}

/** The requests the server at `base` recorded for `key`. */
export const requests = async (base, key) => (await fetch(`${base}/requests/${key}`)).json();

/** The CORS preflights (OPTIONS) the server at `base` saw for `key`. */
export const preflights = async (base, key) => (await fetch(`${base}/preflights/${key}`)).json();

/** Runs `fn(esw, url, ...args)` in `page` (which has `window.esw`), with
 * `url` the server's `/sse/<key>`; resolves to what it returns. */
export const inPage = (page, base, fn, key, ...args) =>
  page.evaluate(
    async ([src, url, args]) => {
      // eslint-disable-next-line no-new-func
      const f = new Function(`return (${src})`)();
      return f(window.esw, url, ...args);
    },
    [fn.toString(), `${base}/sse/${key}`, args],
  );

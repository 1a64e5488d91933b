// The same Worker without init(): the source must say what to do, as an
// error event, instead of throwing an unrelated TypeError.
import { EventSource } from 'eventsource-wasm';

export default {
  async fetch(request) {
    const url = new URL(request.url).searchParams.get('sse');
    let thrown = null;
    const seen = await new Promise((resolve) => {
      try {
        const es = new EventSource(url);
        es.onerror = (e) => resolve({ type: e.error.type, message: e.error.message, readyState: es.readyState });
      } catch (e) {
        thrown = String(e);
        resolve(null);
      }
    });
    return Response.json({ thrown, seen });
  },
};

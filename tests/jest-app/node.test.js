// The class in Jest's node environment, loaded by require().
const { EventSource } = require('eventsource-wasm');

test('EventSource receives events in the node environment', async () => {
  expect(require.resolve('eventsource-wasm')).toMatch(/cjs[\\/]index\.cjs$/);
  const es = new EventSource(`${process.env.SSE_BASE}/sse/jest-node`);
  const seen = [];
  await new Promise((resolve, reject) => {
    es.addEventListener('tick', (e) => seen.push([e.data, e.lastEventId, e.constructor === MessageEvent]));
    es.addEventListener('end', resolve);
    es.onerror = () => reject(new Error(`error event, readyState ${es.readyState}`));
  });
  expect(es.readyState).toBe(EventSource.CLOSED);
  expect(seen).toEqual([
    ['t1', '1', true],
    ['t2', '2', true],
  ]);
});

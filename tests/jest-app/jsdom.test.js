/** @jest-environment ./jest.environment.js */
const { act, createElement } = require('react');
const { createRoot } = require('react-dom/client');
const { Feed } = require('./feed.js');

globalThis.IS_REACT_ACT_ENVIRONMENT = true;

test('a component with useEventSource shows JSON and plain-text events in jsdom', async () => {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(createElement(Feed, { url: `${process.env.SSE_BASE}/sse/jest-jsdom` })));
  // Until both streams have ended (readyState 2), for at most 10 s.
  for (let i = 0; i < 100 && container.textContent !== '2:42:hello 1:'; i++) {
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)));
  }
  expect(container.textContent).toBe('2:42:hello 1:');
  await act(async () => root.unmount());
});

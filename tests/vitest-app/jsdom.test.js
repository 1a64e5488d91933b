// @vitest-environment jsdom
import { act } from 'react';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, test } from 'vitest';
import { Feed } from './feed.js';

globalThis.IS_REACT_ACT_ENVIRONMENT = true;

test('a component with useEventSource shows JSON and plain-text events in jsdom', async () => {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(createElement(Feed, { url: `${process.env.SSE_BASE}/sse/vitest-jsdom` })));
  await expect.poll(() => container.textContent, { timeout: 10_000 }).toBe('2:42:hello 1:');
  await act(async () => root.unmount());
});

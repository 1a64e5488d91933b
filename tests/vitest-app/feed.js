// The component under test: the React quick start, in plain JavaScript
// (no JSX, so Vitest needs no configuration for it).
import { createElement } from 'react';
import { useEventSource } from 'eventsource-wasm/react';

export function Feed({ url }) {
  const { data, readyState, error } = useEventSource(url, { events: ['tick'] });
  const text = useEventSource(`${url}-text`, { decode: (t) => t });
  return createElement(
    'p',
    { id: 'feed' },
    `${readyState}:${data.tick?.price ?? '-'}:${text.data.message ?? '-'}:${error ? error.type : ''}`,
  );
}

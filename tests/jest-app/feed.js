// The component under test: the React quick start in CommonJS without JSX,
// which Jest's default configuration takes as it is.
const { createElement } = require('react');
const { useEventSource } = require('eventsource-wasm/react');

exports.Feed = function Feed({ url }) {
  const { data, readyState, error } = useEventSource(url, { events: ['tick'] });
  const text = useEventSource(`${url}-text`, { decode: (t) => t });
  return createElement(
    'p',
    null,
    `${readyState}:${data.tick?.price ?? '-'}:${text.data.message ?? '-'}:${error ? error.type : ''}`,
  );
};

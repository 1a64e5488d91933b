// eventsource-wasm: the EventSource you wanted, over fetch().
export {
  EventSource,
  SseError,
  SseErrorEvent,
  ReconnectEvent,
  DecodeError,
  DecodeErrorEvent,
  init,
} from './event-source.js';

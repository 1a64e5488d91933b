import type { DecodeError, EventMeta, EventSourceInit, SseError } from './index.js';

/** Options of {@link useEventSource}. */
export interface UseEventSourceOptions<Events> extends EventSourceInit {
  /**
   * Event types to keep the latest decoded value of. Default `['message']`.
   * Each event's data is decoded with `decode`, `JSON.parse` by default:
   * pass `decode: (text) => text` for plain text.
   */
  events?: (keyof Events & string)[];
  /** Called with every event of `events` (the latest function given is used). */
  onEvent?: <K extends keyof Events & string>(type: K, value: Events[K], meta: EventMeta) => void;
}

/** What {@link useEventSource} returns. */
export interface EventSourceState<Events> {
  /** The latest decoded value per event type. */
  data: Partial<Events>;
  readyState: 0 | 1 | 2;
  /**
   * The last error, cleared on open: the connection's (`SseError`) or an
   * event's data that did not decode (`DecodeError`, `type` `'decode'`;
   * data is decoded as JSON unless `decode` is given).
   */
  error: SseError | DecodeError | null;
  /** The scheduled reconnect, if one is pending: `at` is a `Date.now()` time. */
  reconnect: { delay: number; attempt: number; at: number } | null;
  lastEventId: string;
}

/**
 * One connection per mounted component; closed on unmount; reopened when
 * `url` or the serialisable options change (functions such as `headers` may
 * change every render without reconnecting). `url` null or undefined:
 * no connection. Survives StrictMode's double mount with one request.
 */
export function useEventSource<Events extends Record<string, unknown> = { message: unknown }>(
  url: string | URL | null | undefined,
  options?: UseEventSourceOptions<Events>,
): EventSourceState<Events>;

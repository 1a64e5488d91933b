// The MessageEvent the class dispatches: the runtime's own `MessageEvent`
// (its constructor and prototype, as the native class's events have), with
// `origin` set on the event itself instead of through the init dictionary,
// which cost Chromium about 1 µs per event when it was measured
// (docs/benchmarks.md); setting it afterwards is as fast as a plain event.
// Where the runtime's `MessageEvent` drops `lastEventId` from the
// dictionary (Cloudflare's workerd), it is set the same way.

/** @type {typeof MessageEvent | null} */
let base = null;
let dropsId = false;

/**
 * A `MessageEvent` of `type` with the event's `data`, `lastEventId` and
 * the source's `origin`.
 * @param {string} type @param {string} data @param {string} lastEventId @param {string} origin
 */
export function messageEvent(type, data, lastEventId, origin) {
  const Message = globalThis.MessageEvent;
  if (Message !== base) {
    base = Message;
    dropsId = new Message('message', { lastEventId: '1' }).lastEventId !== '1';
  }
  const event = new Message(type, { data, lastEventId });
  Object.defineProperty(event, 'origin', { value: origin });
  if (dropsId) Object.defineProperty(event, 'lastEventId', { value: lastEventId });
  return event;
}

// Who listens to a source, so that it does only the work somebody asked
// for: DOM listeners, counted per type (a MessageEvent is created only for
// a type that has one), and typed listeners (`on()`), which get the data
// decoded and no DOM event at all.
import { DecodeError, DecodeErrorEvent, report } from './errors.js';

/** @param {boolean | AddEventListenerOptions | EventListenerOptions | undefined} options */
const captureFlag = (options) => ((typeof options === 'boolean' ? options : Boolean(options?.capture)) ? 2 : 1);

/**
 * @typedef {{
 *   listener: (value: any, meta: { type: string, data: string, lastEventId: string, origin: string }) => void,
 *   decode: (data: string) => unknown,
 *   onError?: (error: DecodeError) => void,
 * }} TypedRecord
 */

export class Listeners {
  /** type -> Map(listener -> capture flags). @type {Map<string, Map<unknown, number>>} */
  #dom = new Map();
  /** type -> typed listener records. @type {Map<string, Set<TypedRecord>>} */
  #typed = new Map();

  /** Whether a DOM listener for `type` is added. @param {string} type */
  hasDom(type) {
    return this.#dom.has(type);
  }

  /** Counts an added DOM listener.
   * @param {string} type @param {unknown} listener @param {boolean | AddEventListenerOptions} [options] */
  added(type, listener, options) {
    if (listener == null) return;
    const byListener = this.#dom.get(type) ?? new Map();
    byListener.set(listener, (byListener.get(listener) ?? 0) | captureFlag(options));
    this.#dom.set(type, byListener);
  }

  /** Counts a removed DOM listener.
   * @param {string} type @param {unknown} listener @param {boolean | EventListenerOptions} [options] */
  removed(type, listener, options) {
    const byListener = this.#dom.get(type);
    const flags = byListener?.get(listener);
    if (!byListener || flags === undefined) return;
    const left = flags & ~captureFlag(options);
    if (left) byListener.set(listener, left);
    else byListener.delete(listener);
    if (!byListener.size) this.#dom.delete(type);
  }

  /** Adds a typed listener; returns the function that removes it.
   * @param {string} type @param {TypedRecord} record */
  on(type, record) {
    const set = this.#typed.get(type) ?? new Set();
    set.add(record);
    this.#typed.set(type, set);
    return () => {
      set.delete(record);
      if (!set.size && this.#typed.get(type) === set) this.#typed.delete(type);
    };
  }

  /**
   * Calls the typed listeners of an event's type. A payload that does not
   * decode goes to the listener's `onError`, else to a `decodeerror` event
   * on `target`; an exception of a listener is reported, and the others
   * still run.
   * @param {EventTarget} target
   * @param {{ type: string, data: string, lastEventId: string, origin: string }} meta
   */
  callTyped(target, meta) {
    const typed = this.#typed.get(meta.type);
    if (!typed) return;
    for (const record of [...typed]) {
      let value;
      try {
        value = record.decode(meta.data);
      } catch (cause) {
        const error = new DecodeError(meta.type, meta.data, cause, record.decode === JSON.parse);
        if (record.onError) {
          try {
            record.onError(error);
          } catch (e) {
            report(e);
          }
        } else target.dispatchEvent(new DecodeErrorEvent(error));
        continue;
      }
      try {
        record.listener(value, meta);
      } catch (error) {
        report(error);
      }
    }
  }
}

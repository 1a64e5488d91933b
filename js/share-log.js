// What a sharing tab has delivered, kept for tabs that join later
// (js/share.js): the latest events within the `shareReplay` bounds.

/** An event as delivered: type, data, last event ID. @typedef {[string, string, string]} Logged */

export class ReplayLog {
  /** The events kept are `#events.slice(#start)`; the dropped ones are cut off in batches. @type {Logged[]} */
  #events = [];
  #start = 0;
  #chars = 0;
  #maxEvents;
  #maxChars;
  /** Whether it holds every event since the shared connection opened. */
  whole = true;

  /** @param {import('./index.js').EventSourceInit['shareReplay']} bounds */
  constructor(bounds) {
    const { events = 1000, chars = 1_000_000 } = bounds || {};
    this.#maxEvents = events;
    this.#maxChars = chars;
  }

  /** Whether anything was ever logged. */
  get used() {
    return this.#events.length > this.#start || !this.whole;
  }

  /** Keeps an event, dropping the oldest past the bounds. @param {Logged} event */
  push(event) {
    const all = this.#events;
    all.push(event);
    this.#chars += event[1].length;
    while (all.length - this.#start > this.#maxEvents || this.#chars > this.#maxChars) {
      this.whole = false;
      this.#chars -= all[this.#start++][1].length;
    }
    if (this.#start > 1024) {
      all.splice(0, this.#start);
      this.#start = 0;
    }
  }

  /** Every event since the connection opened, or null once some were dropped. */
  all() {
    return this.whole ? this.#events.slice(this.#start) : null;
  }

  /** The events after the last one with the ID `id`, or null when it is not kept. @param {string} id */
  after(id) {
    const all = this.#events;
    for (let i = all.length; i-- > this.#start; ) if (all[i][2] === id) return all.slice(i + 1);
    return null;
  }
}

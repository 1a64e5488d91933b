// `for await (const event of source)`: one queue per loop, fed with every
// event the source delivers, then `END` or the final error.
import { SseError } from './errors.js';

/** What ends a loop's queue. */
export const END = {};

/** @typedef {{ type: string, data: string, lastEventId: string }} IteratedEvent */
/** @typedef {(IteratedEvent | SseError | typeof END)[] & { wake?: (value?: unknown) => void }} Queue */

/** The loops over one source. */
export class Loops {
  /** @type {Set<Queue>} */
  #queues = new Set();
  #limit;
  #hold;

  /**
   * @param {() => number} limit how many events a loop may fall behind
   * @param {(full: boolean) => void} hold told, after each change, whether
   * any loop is that far behind (the body is then not read: backpressure)
   */
  constructor(limit, hold) {
    this.#limit = limit;
    this.#hold = hold;
  }

  #check() {
    const limit = this.#limit();
    let full = false;
    for (const queue of this.#queues) full ||= queue.length >= limit;
    this.#hold(full);
  }

  /** Whether any loop is running. */
  get active() {
    return this.#queues.size > 0;
  }

  /** Hands an event, `END` or the final error to every loop.
   * @param {IteratedEvent | SseError | typeof END} item */
  feed(item) {
    for (const queue of this.#queues) {
      queue.push(item);
      queue.wake?.();
    }
    if (item !== END && !(item instanceof SseError)) this.#check();
  }

  /**
   * One loop: the events until `END` (then it returns) or an error (then it
   * throws); `close` runs when the loop is left, however.
   * @param {() => void} close
   * @returns {AsyncGenerator<IteratedEvent, void, undefined>}
   */
  async *loop(close) {
    /** @type {Queue} */
    const queue = [];
    this.#queues.add(queue);
    try {
      for (;;) {
        if (!queue.length) await new Promise((resolve) => (queue.wake = resolve));
        const item = /** @type {IteratedEvent | SseError | typeof END} */ (queue.shift());
        if (item === END) return;
        if (item instanceof SseError) throw item;
        this.#check();
        yield/** @type {IteratedEvent} */ (item);
      }
    } finally {
      this.#queues.delete(queue);
      close();
    }
  }
}

// `share: true`: one connection per share key for every tab of the origin.
// Loaded on demand by js/event-source.js (bundlers split it off, so pages
// that do not share never download it).
//
// Each sharing source asks for the Web Lock named after its key; the one
// that holds it is the leader: it runs the connection (js/connection.js) and
// posts what it receives on the BroadcastChannel of the same name. Every
// other source of the key, in any tab, is a follower and delivers what the
// channel brings. When the leader's source closes, or its tab goes (closed,
// crashed, into the back/forward cache), its lock is released and a waiting
// follower takes over, connecting with the last event ID it saw; a server
// that honours Last-Event-ID then repeats and loses nothing.
import { NoticeKind } from './wasm/eventsource_wasm.js';
import { Connection } from './connection.js';
import { readBatch } from './batch.js';
import { messageOf } from './errors.js';

/** @typedef {import('./connection-types.js').Notice} Notice */
/** @typedef {import('./connection-types.js').Sink} Sink */
/** @typedef {import('./connection-types.js').SourceConnection} SourceConnection */

/**
 * What the sources of one key say on their channel. The package's version
 * is in the channel's (and the lock's) name, so tabs running two versions
 * never read each other's messages.
 * @typedef {{ kind: 'hello' }
 *   | { kind: 'state', open: boolean, url: string }
 *   | { kind: 'event', type: string, data: string, lastEventId: string }
 *   | { kind: 'notice', notice: Notice, url: string }
 *   | { kind: 'end' }} ShareMessage
 */

/** The package's version (written by scripts/build-package.mjs). */
const VERSION = 'dev';

/** How long a leader whose stream ended keeps the lock, so that followers
 * hear of the end (and stop asking for the lock) before anyone could take
 * over and reconnect. */
const END_GRACE_MS = 1000;

/**
 * The name of a key's lock and channel: the URL, method, body and
 * credentials mode, and the caller's `shareKey` (the user's identity, say;
 * headers may be functions holding tokens, so they cannot be compared).
 * Null when the body is not a string: it cannot be compared either.
 * @param {string} url
 * @param {import('./index.js').EventSourceInit & { credentials: RequestCredentials }} init
 */
export function shareName(url, init) {
  const body = init.body ?? null;
  if (body !== null && typeof body !== 'string') return null;
  const method = String(init.method ?? 'GET').toUpperCase();
  return `eventsource-wasm@${VERSION}:${JSON.stringify([url, method, body, init.credentials, init.shareKey ?? null])}`;
}

/**
 * The connection of a sharing source, made by the factory returned; null
 * when its options cannot be shared (a body that is not a string).
 * @param {string} url
 * @param {import('./index.js').EventSourceInit & { credentials: RequestCredentials }} init
 * @param {Sink} sink
 * @param {(type: string, data: string, lastEventId: string) => boolean} deliver
 * @param {() => string} lastEventId
 * @returns {(() => SharedConnection) | null}
 */
export function sharing(url, init, sink, deliver, lastEventId) {
  const name = shareName(url, init);
  return name ? () => new SharedConnection(name, url, init, sink, deliver, lastEventId) : null;
}

/**
 * One sharing source's side of the connection: a `SourceConnection`
 * (js/connection-types.d.ts), as `Connection` is.
 * `deliver(type, data, lastEventId)` hands an event to the source,
 * `lastEventId()` reads the last one it got.
 * @implements {SourceConnection}
 */
export class SharedConnection {
  #name;
  #url;
  #init;
  #sink;
  #deliver;
  #lastEventId;
  /** @type {BroadcastChannel | null} */
  #channel = null;
  /** @type {AbortController | null} */
  #asking = null;
  /** The leader's connection, while this source leads. */
  /** @type {Connection | null} */
  #conn = null;
  #unlock = () => {};
  #open = false;
  #closed = false;
  #lastType = '';
  #responseUrl = '';
  #onPageHide = () => this.#stop(true);
  /** Back from the back/forward cache: take part again. */
  #onPageShow = (/** @type {Event} */ e) => {
    if (/** @type {PageTransitionEvent} */ (e).persisted) this.#join();
  };

  /**
   * @param {string} name from shareName
   * @param {string} url
   * @param {import('./index.js').EventSourceInit} init
   * @param {Sink} sink
   * @param {(type: string, data: string, lastEventId: string) => boolean} deliver
   * @param {() => string} lastEventId
   */
  constructor(name, url, init, sink, deliver, lastEventId) {
    this.#name = name;
    this.#url = url;
    this.#init = init;
    this.#sink = sink;
    this.#deliver = deliver;
    this.#lastEventId = lastEventId;
  }

  start() {
    // Chromium keeps no page that holds a lock in the back/forward cache:
    // let go on pagehide, and take part again when the page comes back.
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
    globalThis.addEventListener?.('pageshow', this.#onPageShow);
    this.#join();
  }

  get responseUrl() {
    return this.#responseUrl;
  }

  /** @param {boolean} full */
  backlog(full) {
    this.#conn?.backlog(full);
  }

  /** Closes this source. Unless the stream ended (`ended`: an end rule of
   * the caller's matched), a leader hands over at once; an ended stream
   * ends for every tab. @param {boolean} [ended] */
  close(ended) {
    if (ended && this.#conn) {
      this.#post({ kind: 'end' });
      this.#finish(false);
    } else this.#finish(true);
  }

  /** Closed for good: no rejoining; the lock goes at once, or after the
   * end's grace. @param {boolean} now */
  #finish(now) {
    if (this.#closed) return;
    this.#closed = true;
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    globalThis.removeEventListener?.('pageshow', this.#onPageShow);
    this.#stop(now);
  }

  /** Listens on the channel, says hello (the leader answers with its
   * state), and asks for the lock. */
  #join() {
    if (this.#closed || this.#channel) return;
    const channel = new BroadcastChannel(this.#name);
    this.#channel = channel;
    channel.onmessage = (e) => this.#hear(e.data);
    this.#post({ kind: 'hello' });
    const asking = new AbortController();
    this.#asking = asking;
    navigator.locks.request(this.#name, { signal: asking.signal }, () => this.#lead()).catch(() => {});
  }

  /** Stops leading (handing over at once, or after the end's grace) and
   * leaves the channel. */
  #stop(now = false) {
    this.#asking?.abort();
    this.#asking = null;
    this.#channel?.close();
    this.#channel = null;
    const conn = this.#conn;
    this.#conn = null;
    conn?.close();
    if (now) this.#unlock();
    else setTimeout(this.#unlock, END_GRACE_MS);
  }

  /** Says something to the other sources of the key. @param {ShareMessage} message */
  #post(message) {
    this.#channel?.postMessage(message);
  }

  /** The lock is ours: connect, from the last event ID this source saw, and
   * hold the lock until we stop. */
  #lead() {
    if (this.#closed || !this.#channel) return;
    /** @type {Connection} */
    let conn;
    try {
      conn = this.#connection();
    } catch (error) {
      // Malformed headers, say: as for a source of its own.
      this.#finish(true);
      this.#sink.notice([NoticeKind.Error, { type: 'invalid-request', message: messageOf(error) }, undefined]);
      return;
    }
    this.#conn = conn;
    const held = new Promise((resolve) => {
      this.#unlock = () => resolve(undefined);
    });
    conn.start();
    return held;
  }

  /** The leader's connection: what it receives is delivered here and
   * posted to the followers. */
  #connection() {
    const conn = new Connection(
      this.#url,
      { ...this.#init, lastEventId: this.#lastEventId(), pauseWhenHidden: false },
      {
        messages: (text, lengths, chunk) => {
          this.#lastType = readBatch(text, lengths, 0, lengths.length, chunk, this.#lastType, (type, data, id) => {
            this.#post({ kind: 'event', type, data, lastEventId: id });
            return this.#deliver(type, data, id);
          });
        },
        notice: (notice) => {
          if (notice[0] === NoticeKind.Open) {
            this.#open = true;
            this.#responseUrl = conn.responseUrl;
          } else if (notice[0] === NoticeKind.Error) this.#open = false;
          this.#post({ kind: 'notice', notice, url: this.#responseUrl });
          // An error with no reconnect is final: the stream ended for good.
          if (notice[0] === NoticeKind.Error && notice[2] === undefined) this.#finish(false);
          this.#sink.notice(notice);
        },
        closed: () => {
          this.#post({ kind: 'end' });
          this.#finish(false);
          this.#sink.closed();
        },
        paused: () => {},
      },
    );
    return conn;
  }

  /** A message from the channel. @param {ShareMessage} message */
  #hear(message) {
    if (this.#closed) return;
    if (this.#conn) {
      // Leading: a newcomer is told the state of the connection.
      if (message.kind === 'hello') this.#post({ kind: 'state', open: this.#open, url: this.#responseUrl });
      return;
    }
    switch (message.kind) {
      case 'event':
        this.#deliver(message.type, message.data, message.lastEventId);
        break;
      case 'state':
        // Joined while the leader's connection is open.
        if (message.open && !this.#open) {
          this.#open = true;
          this.#responseUrl = message.url;
          this.#sink.notice([NoticeKind.Open, undefined, undefined]);
        }
        break;
      case 'notice': {
        const { notice } = message;
        this.#open = notice[0] === NoticeKind.Open || (this.#open && notice[0] !== NoticeKind.Error);
        if (notice[0] === NoticeKind.Open) this.#responseUrl = message.url;
        if (notice[0] === NoticeKind.Error && notice[2] === undefined) this.#finish(true);
        this.#sink.notice(notice);
        break;
      }
      case 'end':
        this.#finish(true);
        this.#sink.closed();
        break;
    }
  }
}

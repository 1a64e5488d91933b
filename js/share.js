// `share: true`: one connection per share key for every tab of the origin.
// Loaded on demand by js/event-source.js (bundlers split it off, so pages
// that do not share never download it).
//
// Each sharing source asks for the Web Lock named after its key; the one
// that holds it is the leader: it runs the connection (js/connection.js) and
// posts what it receives on the BroadcastChannel of the same name. Every
// other source of the key, in any tab, is a follower and delivers what the
// channel brings.
//
// - A newcomer says hello; the leader answers with the events the shared
//   connection has delivered since it opened (bounded: `shareReplay`), so
//   the newcomer sees what a connection of its own would have. Past the
//   bound, it connects on its own.
// - The leader beats every second, whatever the server sends. A follower
//   that hears nothing from it for three seconds (a hung or frozen tab)
//   steals the lock and resumes with the last event ID. Every leadership has
//   a higher epoch than the last; followers ignore an older leader, and a
//   leader that hears a newer one, or loses its lock, becomes a follower
//   without reconnecting.
// - When the leader's source closes, or its tab goes (closed, crashed, into
//   the back/forward cache, frozen), its lock is released and a waiting
//   follower takes over, connecting with the last event ID it saw; a server
//   that honours Last-Event-ID then repeats and loses nothing.
import { NoticeKind } from './wasm/eventsource_wasm.js';
import { Connection } from './connection.js';
import { readBatch } from './batch.js';
import { messageOf } from './errors.js';
import { ReplayLog } from './share-log.js';

/** @typedef {import('./connection-types.js').Notice} Notice */
/** @typedef {import('./connection-types.js').Sink} Sink */
/** @typedef {import('./connection-types.js').SourceConnection} SourceConnection */
/** @typedef {import('./share-log.js').Logged} Logged */

/**
 * What the sources of one key say on their channel. The package's version
 * is in the channel's (and the lock's) name, so tabs running two versions
 * never read each other's messages. A leader's messages carry its epoch.
 * `hello`: a source joins (`after`: the last event ID it delivered, when it
 * joins again; `replay`: false for live only). `state`: the leader's answer
 * (`replay`: the events to deliver first; null when the log does not reach
 * back far enough). `lead`: a new leader, resuming from `from`.
 * @typedef {{ kind: 'hello', id: string, after: string, replay: boolean }
 *   | { kind: 'state', epoch: number, to: string, open: boolean, url: string, replay: Logged[] | null }
 *   | { kind: 'lead', epoch: number, from: string }
 *   | { kind: 'beat', epoch: number }
 *   | { kind: 'event', epoch: number, type: string, data: string, lastEventId: string }
 *   | { kind: 'notice', epoch: number, notice: Notice, url: string }
 *   | { kind: 'end', epoch: number }} ShareMessage
 */

/** The package's version (written by scripts/build-package.mjs). */
const VERSION = 'dev';

/** How long a leader whose stream ended keeps the lock, so that followers
 * hear of the end (and stop asking for the lock) before anyone could take
 * over and reconnect. */
const END_GRACE_MS = 1000;

/** The leader's heartbeat. */
const BEAT_MS = 1000;

/** A leader not heard for this long (and up to a beat more, at random, so
 * that followers do not all steal at once; one takeover at a time besides:
 * `#takeOver`) is taken over. */
const SILENT_MS = 3000;

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
  #id = Math.random().toString(36).slice(2);
  /** @type {BroadcastChannel | null} */
  #channel = null;
  /** @type {AbortController | null} */
  #asking = null;
  /** The leader's connection while this source leads, or the source's own
   * once it left the share. @type {Connection | null} */
  #conn = null;
  /** The lock request this source leads by. @type {object | null} */
  #leading = null;
  #unlock = () => {};
  #open = false;
  #closed = false;
  #lastType = '';
  #responseUrl = '';
  /** The highest epoch heard (or this source's own, while it leads). */
  #epoch = 0;
  /** Told what to deliver first (the leader's `state`): events may be delivered. */
  #joined = false;
  /** When the leader was last heard (or this source joined). */
  #heard = 0;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #timer;
  /** The events delivered, the latest ones within the replay bounds. */
  #log;
  /** Events this source delivered while it led that a new leader sends again. @type {Logged[]} */
  #skip = [];
  #leave = () => this.#stop(true);
  /** Back from the back/forward cache, or thawed: take part again. */
  #back = (/** @type {Event} */ e) => {
    if (e.type === 'resume' || /** @type {PageTransitionEvent} */ (e).persisted) this.#join();
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
    this.#log = new ReplayLog(init.shareReplay);
  }

  start() {
    // Chromium keeps no page that holds a lock or a channel in the
    // back/forward cache, and a frozen leader would stall every tab: let go
    // on pagehide and freeze, and take part again on the way back.
    this.#page(true);
    this.#join();
  }

  get responseUrl() {
    return this.#conn?.responseUrl ?? this.#responseUrl;
  }

  /** @param {boolean} full */
  backlog(full) {
    this.#conn?.backlog(full);
  }

  /** What the connection this source runs measured (leading, or on its own); undefined for
   * a follower, which runs none. */
  measure() {
    return this.#conn?.measure();
  }

  /** Closes this source. Unless the stream ended (`ended`: an end rule of
   * the caller's matched), a leader hands over at once; an ended stream
   * ends for every tab. @param {boolean} [ended] */
  close(ended) {
    if (ended && this.#leading) {
      this.#post({ kind: 'end', epoch: this.#epoch });
      this.#finish(false);
    } else this.#finish(true);
  }

  /** Listens to the page's lifecycle, or stops. @param {boolean} on */
  #page(on) {
    const g = globalThis;
    const method = on ? 'addEventListener' : 'removeEventListener';
    g[method]?.('pagehide', this.#leave);
    g[method]?.('pageshow', this.#back);
    g.document?.[method]('freeze', this.#leave);
    g.document?.[method]('resume', this.#back);
  }

  /** Closed for good: no rejoining; the lock goes at once, or after the
   * end's grace. @param {boolean} now */
  #finish(now) {
    if (this.#closed) return;
    this.#closed = true;
    this.#page(false);
    this.#stop(now);
  }

  /** Listens on the channel, says hello (the leader answers with what to
   * deliver first), asks for the lock, and starts listening for the
   * leader's beat. */
  #join() {
    if (this.#closed || this.#channel) return;
    const channel = new BroadcastChannel(this.#name);
    this.#channel = channel;
    channel.onmessage = (e) => this.#hear(e.data);
    this.#joined = false;
    this.#heard = Date.now();
    this.#hello();
    this.#ask(false);
    const patience = SILENT_MS + Math.random() * BEAT_MS;
    let tick = Date.now();
    this.#timer = setInterval(() => {
      const now = Date.now();
      // A timer this late means this tab was blocked, frozen or throttled
      // itself: the leader's messages may be waiting behind it.
      const late = now - tick > 2 * BEAT_MS;
      tick = now;
      if (this.#leading) this.#post({ kind: 'beat', epoch: this.#epoch });
      else if (late) this.#heard = now;
      else if (now - this.#heard > patience) {
        this.#heard = now;
        this.#takeOver(now);
      }
    }, BEAT_MS);
  }

  /** Takes the lock from a silent leader, unless another source of the key is taking it: one
   * takeover at a time, under a lock of its own held for two beats, so that a follower whose
   * patience ran out at about the same moment waits to hear the new leader instead of taking
   * the lock from it in turn (a second connection). Nothing is done if a leader was heard
   * since `at`. @param {number} at */
  #takeOver(at) {
    navigator.locks
      .request(`${this.#name} takeover`, { ifAvailable: true }, (lock) => {
        if (!lock || this.#closed || this.#leading || this.#heard !== at) return;
        this.#ask(true);
        return new Promise((resolve) => setTimeout(resolve, 2 * BEAT_MS));
      })
      .catch(() => {});
  }

  /** Asks for the lock: in turn, or taking it from a silent leader. @param {boolean} steal */
  #ask(steal) {
    this.#asking?.abort();
    const asking = steal ? null : new AbortController();
    this.#asking = asking;
    const token = {};
    navigator.locks
      .request(this.#name, asking ? { signal: asking.signal } : { steal }, () => this.#lead(token))
      // Rejected: our own abort, or the lock stolen from us while we led.
      .catch(() => this.#leading === token && this.#demote());
  }

  /** Asks the leader what to deliver first: everything since the shared
   * connection opened, or live events only (`shareReplay: false`); when
   * joining again, what came after the last event ID delivered (live only
   * without one: what was missed cannot be told). */
  #hello() {
    const again = this.#log.used;
    const after = again ? this.#lastEventId() : '';
    this.#post({
      kind: 'hello',
      id: this.#id,
      after,
      replay: this.#init.shareReplay !== false && (!again || after !== ''),
    });
  }

  /** Stops leading (handing over at once, or after the end's grace) and
   * leaves the channel. */
  #stop(now = false) {
    clearInterval(this.#timer);
    this.#asking?.abort();
    this.#asking = null;
    this.#channel?.close();
    this.#channel = null;
    this.#leading = null;
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
   * hold the lock until we stop. @param {object} token the request's */
  #lead(token) {
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
    this.#leading = token;
    this.#joined = true;
    this.#skip = [];
    this.#epoch = Math.max(this.#epoch + 1, Date.now());
    this.#post({ kind: 'lead', epoch: this.#epoch, from: this.#lastEventId() });
    const held = new Promise((resolve) => {
      this.#unlock = () => resolve(undefined);
    });
    conn.start();
    return held;
  }

  /** Another source leads now (it took the lock from this one, hung or
   * frozen): close the connection, follow, and wait for the lock again. */
  #demote() {
    this.#leading = null;
    const conn = this.#conn;
    this.#conn = null;
    conn?.close();
    this.#unlock();
    this.#heard = Date.now();
    this.#ask(false);
  }

  /** Delivers an event and keeps it for newcomers, within the bounds.
   * @param {string} type @param {string} data @param {string} id */
  #take(type, data, id) {
    this.#log.push([type, data, id]);
    return this.#deliver(type, data, id);
  }

  /** The leader's connection: what it receives is delivered here and
   * posted to the followers, while it is this source's (not once closed:
   * closing says `closed` too, and a leader that was taken over must not
   * speak). */
  #connection() {
    const conn = new Connection(
      this.#url,
      { ...this.#init, lastEventId: this.#lastEventId(), pauseWhenHidden: false },
      {
        messages: (text, lengths, chunk) => {
          if (this.#conn !== conn) return;
          this.#lastType = readBatch(text, lengths, 0, lengths.length, chunk, this.#lastType, (type, data, id) => {
            this.#post({ kind: 'event', epoch: this.#epoch, type, data, lastEventId: id });
            return this.#take(type, data, id);
          });
        },
        notice: (notice) => {
          if (this.#conn !== conn) return;
          if (notice[0] === NoticeKind.Open) {
            this.#open = true;
            this.#responseUrl = conn.responseUrl;
          } else if (notice[0] === NoticeKind.Error) this.#open = false;
          this.#post({ kind: 'notice', epoch: this.#epoch, notice, url: this.#responseUrl });
          // An error with no reconnect is final: the stream ended for good.
          if (notice[0] === NoticeKind.Error && notice[2] === undefined) this.#finish(false);
          this.#sink.notice(notice);
        },
        closed: () => {
          if (this.#conn !== conn) return;
          this.#post({ kind: 'end', epoch: this.#epoch });
          this.#finish(false);
          this.#sink.closed();
        },
        paused: () => {},
      },
    );
    return conn;
  }

  /** Leaves the share: this source connects on its own (from its last
   * event ID), as a source without `share` does. */
  #alone() {
    this.#finish(true);
    this.#closed = false;
    const conn = new Connection(this.#url, { ...this.#init, lastEventId: this.#lastEventId() }, this.#sink);
    this.#conn = conn;
    conn.start();
  }

  /** A message from the channel. @param {ShareMessage} message */
  #hear(message) {
    if (this.#closed) return;
    if (message.kind === 'hello') {
      // Leading: a newcomer is told the state of the connection and what it missed.
      if (this.#leading) {
        this.#post({
          kind: 'state',
          epoch: this.#epoch,
          to: message.id,
          open: this.#open,
          url: this.#responseUrl,
          // After the event ID `after`, or all since the connection opened; null
          // when the log does not reach back that far.
          replay: message.replay ? (message.after ? this.#log.after(message.after) : this.#log.all()) : [],
        });
      }
      return;
    }
    // An older leader's (one that was hung or frozen) is not heard.
    if (message.epoch < this.#epoch) return;
    if (message.epoch > this.#epoch) {
      this.#epoch = message.epoch;
      if (this.#leading) this.#demote();
    }
    this.#heard = Date.now();
    if (this.#leading) return;
    switch (message.kind) {
      case 'lead': {
        // Taken over: what this source delivered after the new leader's last
        // event is sent again, and not delivered twice.
        this.#skip = (message.from && this.#log.after(message.from)) || [];
        if (!this.#joined) this.#hello();
        break;
      }
      case 'beat':
        if (!this.#joined) this.#hello();
        break;
      case 'state':
        if (message.to !== this.#id || this.#joined) break;
        if (!message.replay) return this.#alone();
        this.#joined = true;
        // Joined while the leader's connection is open.
        if (message.open && !this.#open) {
          this.#open = true;
          this.#responseUrl = message.url;
          this.#sink.notice([NoticeKind.Open, undefined, undefined]);
        }
        for (const [type, data, id] of message.replay) if (this.#take(type, data, id)) break;
        break;
      case 'event': {
        if (!this.#joined) break;
        const [type, data, id] = this.#skip[0] ?? [];
        if (type === message.type && data === message.data && id === message.lastEventId) this.#skip.shift();
        else {
          this.#skip = [];
          this.#take(message.type, message.data, message.lastEventId);
        }
        break;
      }
      case 'notice': {
        if (!this.#joined) break;
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

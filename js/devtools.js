// The DevTools track of `eventsource-wasm/stats` (`devtools: true`), loaded by js/stats.js for the
// first source that asks for it: what a source's connection did, as entries of the
// `performance` timeline that Chromium's Performance panel shows on a track of their own
// ("eventsource-wasm"): each connect, the time open (with its events), each stall, each wait
// before a reconnect, each error. Other engines keep them as ordinary marks and measures.
import { NoticeKind } from './wasm/eventsource_wasm.js';
import { statsOf } from './stats.js';

/** @typedef {import('./index.js').EventSource} EventSource */
const TRACK = 'eventsource-wasm';
/** How often an open stream is looked at for its events and stalls (ms). */
const TICK_MS = 1000;

/**
 * @param {string} name @param {number} start @param {number} end
 * @param {import('./stats.d.ts').DevToolsColor} color @param {[string, string][]} properties
 */
const measure = (name, start, end, color, properties) => {
  performance.measure(name, {
    start,
    end: Math.max(start, end),
    detail: { devtools: { dataType: 'track-entry', track: TRACK, color, properties, tooltipText: name } },
  });
};

/** What the track knows of each source. @type {WeakMap<EventSource, { openAt: number, stallAt: number, tickAt: number, events: number, timer: ReturnType<typeof setInterval> | undefined }>} */
const tracked = new WeakMap();

/** Ends what is running on the track at `now`: the time open, a stall. */
const settle = (/** @type {EventSource} */ source, /** @type {number} */ now) => {
  const t = tracked.get(source);
  if (!t) return;
  const s = statsOf(source);
  // A stall ends with the stream, or when bytes come again (in `tick`).
  if (t.stallAt >= 0) measure('stall', t.stallAt, now, 'warning', [['url', source.url]]);
  if (t.openAt >= 0) {
    measure('open', t.openAt, now, 'primary-light', [
      ['url', source.url],
      ['events', String(s?.events ?? 0)],
    ]);
  }
  clearInterval(t.timer);
  t.openAt = t.stallAt = -1;
  t.timer = undefined;
};

/** One look at an open stream (or one that just broke, at `now`, with the figures then: `broke`):
 * the events since the last (an entry a tick at most), a stall (silent for a second and four
 * median gaps) starting or ending. @param {EventSource} source @param {boolean} [broke] */
const tick = (source, broke = false, now = performance.now(), s = statsOf(source)) => {
  const t = tracked.get(source);
  if (!t || !s || t.openAt < 0 || (source.readyState !== 1 && !broke)) {
    if (source.readyState === 2) settle(source, now);
    return;
  }
  if (s.events > t.events) {
    measure(`${s.events - t.events} events`, t.tickAt, now, 'tertiary', [['url', source.url]]);
  }
  t.events = s.events;
  t.tickAt = now;
  const stalled = s.silence >= Math.max(1000, 4 * (s.gaps.p50 ?? 0));
  if (stalled && t.stallAt < 0) t.stallAt = now - s.silence;
  else if (!stalled && t.stallAt >= 0) {
    measure('stall', t.stallAt, now - s.silence, 'warning', [['url', source.url]]);
    t.stallAt = -1;
  }
};

/**
 * A notice of `source`'s core, as it came: at `now`, with the figures then.
 * @param {EventSource} source @param {import('./connection-types.js').Notice} notice
 * @param {number} now @param {import('./stats.d.ts').StreamStats | null} figures
 */
export const track = (source, notice, now, figures) => {
  const t = tracked.get(source) ?? { openAt: -1, stallAt: -1, tickAt: now, events: 0, timer: undefined };
  tracked.set(source, t);
  const url = /** @type {[string, string]} */ (['url', source.url]);
  if (notice[0] === NoticeKind.Open) {
    settle(source, now);
    // The request went out when the silence began: no byte has come since.
    measure('connect', now - (figures?.silence ?? 0), now, 'secondary', [url]);
    Object.assign(t, { openAt: now, tickAt: now, events: figures?.events ?? 0 });
    t.timer = setInterval(() => tick(source), TICK_MS);
  } else if (notice[0] === NoticeKind.Error) {
    tick(source, true, now, figures);
    settle(source, now);
    performance.mark(`error: ${notice[1].type}`, {
      startTime: now,
      detail: { devtools: { dataType: 'marker', color: 'error', properties: [url], tooltipText: notice[1].type } },
    });
  } else if (notice[0] === NoticeKind.Reconnecting) {
    measure('reconnect wait', now, now + notice[1], 'secondary-light', [url, ['attempt', String(notice[2])]]);
  }
};

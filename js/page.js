// The page's life, for the open connections (js/connection.js): each is
// told when the page comes back (online, restored from the back/forward
// cache, shown, focused, resumed after a freeze), hides, or goes into the
// back/forward cache. The core decides what that means (src/connection,
// `Connection::wake`, `hidden` and `stored`).

import { Input } from './wasm/eventsource_wasm.js';

/** @typedef {{ input(input: Input, flag?: boolean): void, url: string }} PageAware */

/** The open connections (js/stats.js counts them by origin). @type {Set<PageAware>} */
export const live = new Set();
let watching = false;

/** Tells `conn` of the page's changes until `forget`. @param {PageAware} conn */
export function watch(conn) {
  live.add(conn);
  if (watching) return;
  watching = true;
  const g = globalThis;
  /** @param {(c: PageAware) => void} f */
  const each = (f) => () => {
    for (const c of live) f(c);
  };
  const wake = each((c) => c.input(Input.Wake));
  g.addEventListener?.('online', wake);
  g.addEventListener?.('focus', wake);
  g.document?.addEventListener('resume', wake);
  g.addEventListener?.('pageshow', (e) => /** @type {PageTransitionEvent} */ (e).persisted && wake());
  g.addEventListener?.(
    'pagehide',
    (e) => /** @type {PageTransitionEvent} */ (e).persisted && each((c) => c.input(Input.Hidden, true))(),
  );
  g.document?.addEventListener(
    'visibilitychange',
    each((c) => c.input(g.document.hidden ? Input.Hidden : Input.Wake)),
  );
}

/** @param {PageAware} conn */
export function forget(conn) {
  live.delete(conn);
}

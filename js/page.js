// The page's life, for the open connections (js/connection.js): each is
// told when the page comes back (online, restored from the back/forward
// cache, shown) or hides. The core decides what that means
// (src/connection, `Connection::wake` and `Connection::pause`).

/** @typedef {{ wake(): void, visible(shown: boolean): void }} PageAware */

/** The open connections. @type {Set<PageAware>} */
const live = new Set();
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
  g.addEventListener?.(
    'online',
    each((c) => c.wake()),
  );
  g.addEventListener?.('pageshow', (e) => /** @type {PageTransitionEvent} */ (e).persisted && each((c) => c.wake())());
  g.document?.addEventListener(
    'visibilitychange',
    each((c) => c.visible(!g.document.hidden)),
  );
}

/** @param {PageAware} conn */
export function forget(conn) {
  live.delete(conn);
}

// eventsource-wasm/stats: the class with stream stats and diagnostics. Importing it (before the
// first source loads the module) makes every source of the package, the React hook's included,
// run on the build of the core that measures (the `stats` feature of src/connection): `source.stats`,
// and with `diagnose: true` the `diagnostic` event. The core measures and decides what is wrong;
// this module only reads the page's facts for it, words what it tells, and hands both over.
import { connectionOf, EventSource } from './event-source.js';
import { extend } from './hooks.js';
import { live } from './page.js';
import { NoticeKind, TextInput } from './wasm/eventsource_wasm.js';

export * from './index.js';

/** `Error::KINDS` (src/error.rs) in order: the reconnects' reasons in `SseCore.stats`
 * (scripts/build-package.mjs holds the two equal). */
const KINDS =
  'http-status content-type network cors stream-ended idle-timeout line-too-long event-too-large headers invalid-request aborted not-resent retries-exhausted truncated provider resume-expired'.split(
    ' ',
  );

/** `[code, explanation, fix]` of each `Diagnostic`, in the order of `Diagnostic::CODES`: filled in
 * from src/connection/stats.rs by scripts/build-package.mjs. @type {[string, string, string][]} */
const DIAGNOSTICS = [];

/** `diagnostic`: what is wrong with the stream, and how to fix it. */
export class DiagnosticEvent extends Event {
  /** @param {number} index its place in `Diagnostic::CODES` @param {number} value */
  constructor(index, value) {
    super('diagnostic');
    const [code, message, fix] = DIAGNOSTICS[index];
    /** @type {import('./stats.d.ts').DiagnosticCode} */
    this.code = /** @type {any} */ (code);
    this.message = message;
    this.fix = fix;
    this.value = value;
  }
}

/** What a source's connection measured, or null (another tab's connection serves it, or the
 * module loaded is the main entry's, which measures nothing). @param {EventSource} source */
export function statsOf(source) {
  const s = connectionOf(source)?.measure();
  if (!s) return null;
  const t = (/** @type {number} */ i) => (Number.isNaN(s[i]) ? null : s[i]);
  /** @type {Record<string, number>} */
  const reconnects = {};
  KINDS.forEach((kind, i) => {
    if (s[12 + i]) reconnects[kind] = s[12 + i];
  });
  return {
    timeToHead: t(0),
    timeToFirstByte: t(1),
    timeToFirstEvent: t(2),
    reconnectToFirstEvent: t(3),
    events: s[4],
    bytes: s[5],
    comments: s[6],
    gaps: { p50: t(7), p99: t(8), max: s[9] },
    silence: s[10],
    serverRetry: t(11),
    reconnects,
  };
}

Object.defineProperty(EventSource.prototype, 'stats', {
  configurable: true,
  get() {
    return statsOf(this);
  },
});

/** @param {string} url */
const originOf = (url) => {
  try {
    return new URL(url, globalThis.location?.href).origin;
  } catch {
    return '';
  }
};

// When a diagnosing source's stream opens: its `Content-Encoding` (readable where same-origin, or
// exposed), the protocol Resource Timing last saw for its origin (a stream's own entry comes only
// once it ends; a cross-origin server's is empty without `Timing-Allow-Origin`), and how many of
// this page's connections stream from that origin.
/** @type {NonNullable<typeof import('./hooks.js').opened>} */
const opened = (url, response, step) => {
  const origin = originOf(url);
  let protocol = '';
  for (const kind of ['navigation', 'resource']) {
    const entries = /** @type {PerformanceResourceTiming[]} */ (globalThis.performance?.getEntriesByType?.(kind) ?? []);
    for (const e of entries) if (e.nextHopProtocol && originOf(e.name) === origin) protocol = e.nextHopProtocol;
  }
  let streams = 0;
  for (const c of live) if (originOf(c.url) === origin) streams++;
  const facts = `${response.headers.get('content-encoding') ?? ''}\n${protocol}\n${streams}`;
  step((core) => core.input_text(performance.now(), TextInput.PageFacts, facts));
};

// The DevTools track (`devtools: true`), loaded by the first source that asks for it
// (js/devtools.js); the time and figures of each notice are taken as it comes.
/** @type {Promise<typeof import('./devtools.js')> | undefined} */
let devtools;

extend(
  () => new URL('./wasm/eventsource_wasm_stats_bg.wasm', import.meta.url),
  opened,
  (source, notice, init) => {
    if (notice[0] === NoticeKind.Diagnostic) {
      if (init.diagnose) source.dispatchEvent(new DiagnosticEvent(notice[1], notice[2]));
    } else if (init.devtools) {
      const [at, figures] = [performance.now(), statsOf(source)];
      devtools ??= import('./devtools.js');
      // (The class as declared: its constants and handlers are defined at run time.)
      const declared = /** @type {import('./index.js').EventSource} */ (/** @type {unknown} */ (source));
      devtools.then((d) => d.track(declared, notice, at, figures));
    }
  },
);

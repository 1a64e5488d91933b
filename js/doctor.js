#!/usr/bin/env node
/// <reference types="node" />
// `npx eventsource-wasm doctor <url>`: connects to an event stream with the package's own class
// (the build that measures, `eventsource-wasm/stats`), watches it, and says what is wrong and how
// to fix it. Every figure and diagnostic is the core's (src/connection/stats.rs); this file only
// reads the command line, watches, and prints. Node 20.16 or later.
import { EventSource } from './stats.js';

const USAGE = `usage: npx eventsource-wasm doctor <url> [options]

Connects to an event stream, watches it, and reports what is wrong with it
(buffering proxies, compression, idle cuts, no ids, no retry) and the fix.

  -H, --header 'Name: value'  a request header (repeatable)
  -X, --method METHOD         the request's method (POST with -d)
  -d, --data BODY             the request's body (sets the method to POST)
      --duration SECONDS      how long to watch (default 30; idle cuts need
                              two cuts, so watch twice as long as they take)
      --json                  print the report as JSON
  -h, --help                  this help

Exits 0 when nothing is wrong, 1 when it found a problem, 2 on bad usage.`;

/** The command line, or a usage error (a string). @param {string[]} argv */
export function parseArgs(argv) {
  const opts = {
    url: '',
    headers: /** @type {[string, string][]} */ ([]),
    method: '',
    body: '',
    duration: 30,
    json: false,
  };
  const args = [...argv];
  if (args[0] === 'doctor') args.shift();
  else if (args[0] !== undefined && !args[0].startsWith('-') && !/^https?:/.test(args[0])) {
    return `unknown command '${args[0]}' (the one command is 'doctor')`;
  }
  while (args.length) {
    const arg = /** @type {string} */ (args.shift());
    const value = () => {
      const v = args.shift();
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    try {
      if (arg === '-h' || arg === '--help') return 'help';
      else if (arg === '-H' || arg === '--header') {
        const h = value();
        const at = h.indexOf(':');
        if (at < 1) return `a header is 'Name: value', not '${h}'`;
        opts.headers.push([h.slice(0, at).trim(), h.slice(at + 1).trim()]);
      } else if (arg === '-X' || arg === '--method') opts.method = value().toUpperCase();
      else if (arg === '-d' || arg === '--data') opts.body = value();
      else if (arg === '--duration') {
        opts.duration = Number(value());
        if (!(opts.duration > 0)) return '--duration takes a number of seconds';
      } else if (arg === '--json') opts.json = true;
      else if (arg.startsWith('-')) return `unknown option ${arg}`;
      else if (opts.url) return `one URL only (got '${opts.url}' and '${arg}')`;
      else opts.url = arg;
    } catch (e) {
      return /** @type {Error} */ (e).message;
    }
  }
  if (!opts.url) return 'no URL given';
  try {
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `not an http(s) URL: ${opts.url}`;
  } catch {
    return `not a URL: ${opts.url}`;
  }
  if (opts.body && !opts.method) opts.method = 'POST';
  return opts;
}

/**
 * Watches the stream of `opts` (from `parseArgs`) and resolves to the report: what the response
 * said, the stats, the diagnostics, how the stream ended, and whether anything is wrong.
 * @param {Exclude<ReturnType<typeof parseArgs>, string>} opts
 */
export async function examine(opts) {
  /** @type {{ status: number, contentType: string | null, encoding: string | null }[]} */
  const responses = [];
  const protocol = protocolOf(opts.url);
  const source = new EventSource(opts.url, {
    headers: opts.headers,
    method: opts.method || undefined,
    body: opts.body || undefined,
    diagnose: true,
    // Whatever the server says, as a browser would hear it (the class decides what it means).
    fetch: async (request) => {
      const response = await fetch(request);
      const h = response.headers;
      responses.push({
        status: response.status,
        contentType: h.get('content-type'),
        encoding: h.get('content-encoding'),
      });
      return response;
    },
  });
  /** @type {{ code: string, message: string, fix: string, value: number }[]} */
  const diagnostics = [];
  source.addEventListener('diagnostic', (e) => {
    diagnostics.push({ code: e.code, message: e.message, fix: e.fix, value: e.value });
  });
  /** @type {{ type: string, message: string } | null} */
  let failed = null;
  /** @type {{ type: string, message: string }[]} */
  const errors = [];
  let ended = '';
  /** @type {() => void} */
  let stop = () => {};
  const done = new Promise((resolve) => {
    stop = () => resolve(undefined);
  });
  /** @param {string} how */
  const finish = (how) => {
    ended ||= how;
    stop();
  };
  const timer = setTimeout(
    () => finish(`still open after ${opts.duration} s (closed by the doctor)`),
    opts.duration * 1000,
  );
  source.addEventListener('error', (e) => {
    const error = /** @type {import('./index.js').SseErrorEvent} */ (e).error;
    errors.push({ type: error.type, message: error.message });
    if (source.readyState === EventSource.CLOSED) {
      failed = { type: error.type, message: error.message };
      finish(`failed: ${error.message}`);
    }
  });
  // A `for await` loop ends normally only when the stream's end ended it (the core's verdict);
  // a final error is the error listener's.
  (async () => {
    try {
      for await (const _ of source);
      finish('ended by its end event');
    } catch {}
  })();
  await done;
  clearTimeout(timer);
  // The diagnostics a last break tells come with it: let them through before closing.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const stats = source.stats;
  const lastEventId = source.lastEventId;
  source.close();
  const head = responses.at(-1) ?? null;
  const problem = diagnostics.length > 0 || failed !== null || (stats?.events ?? 0) === 0;
  return {
    url: opts.url,
    status: head?.status ?? null,
    contentType: head?.contentType ?? null,
    encoding: head?.encoding ?? null,
    protocol: await protocol,
    requests: responses.length,
    stats,
    ids: lastEventId !== '',
    lastEventId,
    errors,
    ended,
    diagnostics,
    ok: !problem,
  };
}

/**
 * The protocol a browser would speak to the origin of `url`: `http/1.1` over plain HTTP (browsers
 * speak HTTP/2 only over TLS); over TLS, what the server picks when offered `h2` and `http/1.1`
 * (ALPN). Null when that cannot be found out.
 * @param {string} url
 * @returns {Promise<string | null>}
 */
export async function protocolOf(url) {
  const u = new URL(url);
  if (u.protocol === 'http:') return 'http/1.1';
  const tls = process.getBuiltinModule('tls');
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: u.hostname,
      port: Number(u.port || 443),
      servername: u.hostname,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    const done = (/** @type {string | null} */ p) => {
      socket.destroy();
      resolve(p);
    };
    socket.setTimeout(5000, () => done(null));
    socket.once('secureConnect', () => done(socket.alpnProtocol || 'http/1.1'));
    socket.once('error', () => done(null));
  });
}

/** The report for people. @param {Awaited<ReturnType<typeof examine>>} r */
export function describe(r) {
  const s = r.stats;
  const ms = (/** @type {number | null | undefined} */ v) => (v == null ? '-' : `${Math.round(v)} ms`);
  const lines = [`eventsource-wasm doctor: ${r.url}`, ''];
  const row = (/** @type {string} */ k, /** @type {string} */ v) => lines.push(`  ${k.padEnd(17)}${v}`);
  row('status', r.status === null ? 'no response' : `${r.status}, ${r.contentType ?? 'no Content-Type'}`);
  row('encoding', r.encoding ?? 'none');
  const h1 = r.protocol === 'http/1.1';
  row(
    'protocol',
    `${r.protocol ?? 'unknown'}${h1 ? ' (a browser opens at most six connections to the origin, for every tab)' : ''}`,
  );
  row('requests', `${r.requests}`);
  if (s) {
    row(
      'times',
      `head ${ms(s.timeToHead)}, first byte ${ms(s.timeToFirstByte)}, first event ${ms(s.timeToFirstEvent)}`,
    );
    if (s.reconnectToFirstEvent !== null) row('after reconnect', `first event ${ms(s.reconnectToFirstEvent)}`);
    row('events', `${s.events} (${s.bytes} bytes)`);
    row('cadence', `gaps median ${ms(s.gaps.p50)}, p99 ${ms(s.gaps.p99)}, longest ${ms(s.gaps.max)}`);
    row('heartbeats', `${s.comments} comments`);
    const reasons = Object.entries(s.reconnects);
    const total = reasons.reduce((n, [, k]) => n + /** @type {number} */ (k), 0);
    row('reconnects', total ? `${total} (${reasons.map(([k, n]) => `${k} ${n}`).join(', ')})` : 'none');
    row('retry', s.serverRetry === null ? 'not set by the server' : `${s.serverRetry} ms`);
  }
  row('ids', r.ids ? `yes (last: ${r.lastEventId})` : 'none seen');
  row('ended', r.ended);
  lines.push('');
  if (r.stats && r.stats.events === 0 && r.diagnostics.length === 0) {
    lines.push('✖ no event arrived: is this an event stream, and does it send anything this soon?');
  }
  for (const d of r.diagnostics) {
    const value = d.code === 'idle-cut' ? ` (after ${d.value} ms of silence)` : '';
    lines.push(`✖ ${d.code}${value}: ${d.message}`, `  fix: ${d.fix}`);
  }
  if (r.ok) lines.push('✔ nothing wrong seen');
  return lines.join('\n');
}

/** Runs the command: the exit code. @param {string[]} argv */
export async function main(argv) {
  const opts = parseArgs(argv);
  if (opts === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (typeof opts === 'string') {
    console.error(`eventsource-wasm: ${opts}\n\n${USAGE}`);
    return 2;
  }
  const report = await examine(opts);
  console.log(opts.json ? JSON.stringify(report, null, 2) : describe(report));
  return report.ok ? 0 : 1;
}

// Run as the package's command (not when imported, as the tests do).
const self = import.meta.url;
const argv1 = process.argv[1] ?? '';
const { realpathSync } = process.getBuiltinModule('fs');
const { pathToFileURL } = process.getBuiltinModule('url');
let invoked = '';
try {
  invoked = pathToFileURL(realpathSync(argv1)).href;
} catch {}
if (invoked === self) process.exitCode = await main(process.argv.slice(2));

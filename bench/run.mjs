// `npm run bench`: the browser benchmark. Builds the package, bundles the
// page and the other clients, serves scripted streams, launches the system
// Chromium on the page (no automation attached: the page reports to the
// server), and writes medians and per-round ratios to docs/benchmarks.md,
// with a chart (docs/img/bench-small.svg).
//
// Options: --rounds N (default 5), --quick (smaller streams, 2 rounds),
// --only a,b (some of small, big, tiny, latency, memory, parser: run only
// those, print the tables and write nothing; for work on one figure), and
// with it --clients a,b (only the clients whose names contain one of these).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { packageSize } from '../scripts/size.mjs';
import { startBenchServer } from './server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const quick = process.argv.includes('--quick');
const rounds = Number(arg('--rounds', quick ? 2 : 5));
const only = arg('--only', null)?.split(',');
const wanted = (name) => !only || only.includes(name);

const ALL_CLIENTS = [
  'native',
  'eventsource-wasm (addEventListener)',
  'eventsource-wasm (typed on)',
  'eventsource-wasm/stats (typed on)',
  'eventsource-wasm/stats, diagnose (typed on)',
  'eventsource-wasm (Rust API)',
  'eventsource',
  '@microsoft/fetch-event-source',
  'event-source-polyfill',
  'ceiling: raw fetch()',
  'ceiling: fetch() + TextDecoder',
  'ceiling: MessageEvent dispatch',
  'ceiling: MessageEvent subclass dispatch',
];
const CLIENTS =
  only && arg('--clients', null)
    ? ALL_CLIENTS.filter((c) =>
        arg('--clients')
          .split(',')
          .some((k) => c.includes(k)),
      )
    : ALL_CLIENTS;
const scenarios = [
  { name: 'small', n: quick ? 20_000 : 200_000, unit: 'events/s', title: 'Small events, large writes' },
  {
    name: 'big',
    n: quick ? 200 : 2000,
    unit: 'MB/s',
    bytesPerEvent: 65536,
    title: '64 KiB events (16 data lines)',
    skip: ['ceiling: MessageEvent dispatch', 'ceiling: MessageEvent subclass dispatch'],
  },
  { name: 'tiny', n: quick ? 2000 : 20_000, unit: 'events/s', title: 'Small events in 1–7 byte writes' },
].filter((s) => wanted(s.name));
const MEMORY_CLIENTS = CLIENTS.filter((c) => !c.startsWith('ceiling'));
// The raw-fetch ceiling shows the latency any fetch()-based client starts from.
const LATENCY_CLIENTS = [...MEMORY_CLIENTS, 'ceiling: raw fetch()'];
const plan = {
  rounds,
  scenarios,
  clients: CLIENTS,
  timeout: 120_000,
  parserBytes: wanted('parser') ? (quick ? 8 << 20 : 64 << 20) : 0,
  // One event every 20 ms for 5 s.
  latency: wanted('latency') && { n: quick ? 50 : 250, clients: LATENCY_CLIENTS },
  // The heap every n/5 events of one stream, and after close.
  memory: wanted('memory') && { n: quick ? 100_000 : 1_000_000, clients: MEMORY_CLIENTS },
};

// 1. Build the package (release WASM) and bundle the page.
execFileSync('node', ['scripts/build-package.mjs'], { stdio: 'inherit' });
mkdirSync('target/bench', { recursive: true });
await build({
  entryPoints: ['bench/page.js'],
  bundle: true,
  format: 'esm',
  minify: true,
  outfile: 'target/bench/page.js',
  external: ['/pkg/*', '/pkg-stats/*', '/rust/*'],
  logLevel: 'error',
});
// The Rust API client (bench/rust-client), served from /rust/.
execFileSync(
  'wasm-pack',
  [
    '--log-level',
    'warn',
    'build',
    '--release',
    '--target',
    'web',
    '--no-pack',
    '--out-dir',
    '../../target/bench/rust',
    'bench/rust-client',
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${root}/node_modules/.bin:${os.homedir()}/.cargo/bin:${process.env.PATH}` },
  },
);

// 2. Serve, launch Chromium on the page, collect.
const results = [];
let finish;
const done = new Promise((resolve) => {
  finish = resolve;
});
const server = await startBenchServer({
  root,
  plan,
  onResult: (r) => {
    results.push(r);
    process.stdout.write(`\r${results.length} runs`);
  },
  onDone: finish,
});
const profile = mkdtempSync(join(tmpdir(), 'esw-bench-'));
const chromium = spawn(
  '/usr/bin/chromium',
  [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-renderer-backgrounding',
    '--disable-background-timer-throttling',
    '--js-flags=--expose-gc',
    '--enable-precise-memory-info',
    `--user-data-dir=${profile}`,
    `http://127.0.0.1:${server.address().port}/`,
  ],
  { stdio: 'ignore' },
);
const outcome = await done;
await new Promise((resolve) => {
  chromium.once('exit', resolve);
  chromium.kill();
});
server.closeAllConnections();
server.close();
// Chromium's helper processes may still be writing to the profile for a
// moment after the browser exits: retry, and never fail the run over it.
try {
  rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
} catch (e) {
  console.warn(`could not remove ${profile}: ${e.message}`);
}
console.log();
if (outcome.error) throw new Error(`the benchmark page failed: ${outcome.error}`);
const chromiumVersion = (outcome.userAgent.match(/Chrome\/([\d.]+)/) ?? [])[1];

// 3. Medians and per-round ratios.
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n, d = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–';
const rate = (s, r) => (s.unit === 'MB/s' ? (s.n * s.bytesPerEvent) / 1e6 / (r.ms / 1000) : s.n / (r.ms / 1000));
const byRound = (scenario, client) => {
  const m = new Map();
  for (const r of results) if (r.scenario === scenario && r.client === client && !r.error) m.set(r.round, r);
  return m;
};
const sections = [];
const summary = {};
for (const s of scenarios) {
  const native = byRound(s.name, 'native');
  const ceilingName = s.name === 'big' ? 'ceiling: fetch() + TextDecoder' : 'ceiling: MessageEvent dispatch';
  const ceiling = byRound(s.name, ceilingName);
  const rows = [];
  for (const client of CLIENTS) {
    if (s.skip?.includes(client)) continue;
    const runs = byRound(s.name, client);
    const errors = results.filter((r) => r.scenario === s.name && r.client === client && r.error).map((r) => r.error);
    const rates = [...runs.values()].map((r) => rate(s, r));
    const ratio = (base) =>
      median([...runs].filter(([round]) => base.has(round)).map(([round, r]) => base.get(round).ms / r.ms));
    const row = { client, median: median(rates), vsNative: ratio(native), vsCeiling: ratio(ceiling), errors };
    rows.push(row);
    summary[`${s.name}:${client}`] = row;
  }
  const fastestLib = Math.max(
    ...rows
      .filter((r) => ['eventsource', '@microsoft/fetch-event-source', 'event-source-polyfill'].includes(r.client))
      .map((r) => r.median),
  );
  sections.push(
    `### ${s.title} (${fmt(s.n)} events)\n\n| client | median ${s.unit} | × native | × ${ceilingName.replace('ceiling: ', '')} ceiling | × fastest JS library |\n|---|---:|---:|---:|---:|\n` +
      rows
        .map(
          (r) =>
            `| ${r.client} | ${fmt(r.median)} | ${fmt(r.vsNative, 2)} | ${fmt(r.vsCeiling, 2)} | ${fmt(fastestLib > 0 ? r.median / fastestLib : NaN, 2)} |${r.errors.length ? ` ${r.errors.length} failed: ${r.errors[0]}` : ''}`,
        )
        .join('\n'),
  );
  // The class builds its events as the subclass ceiling does: its ratio to
  // that ceiling is what everything but building the events costs it.
  const same = byRound(s.name, 'ceiling: MessageEvent subclass dispatch');
  const ours = byRound(s.name, 'eventsource-wasm (addEventListener)');
  if (s.name === 'small' && same.size && ours.size) {
    const like = median([...ours].filter(([round]) => same.has(round)).map(([round, r]) => same.get(round).ms / r.ms));
    sections[sections.length - 1] +=
      `\n\nLike for like: eventsource-wasm (addEventListener) ÷ ceiling: MessageEvent subclass dispatch = **${fmt(like, 2)}** (median of per-round ratios).`;
  }
  // What stream stats cost: the stats entry's class (the core that measures), diagnostics off
  // and on, against the main entry's, each the rate of the first ÷ that of the second, per round.
  const main = byRound(s.name, 'eventsource-wasm (typed on)');
  const perRound = (/** @type {string} */ client) => {
    const other = byRound(s.name, client);
    return median([...other].filter(([round]) => main.has(round)).map(([round, r]) => main.get(round).ms / r.ms));
  };
  const off = perRound('eventsource-wasm/stats (typed on)');
  const on = perRound('eventsource-wasm/stats, diagnose (typed on)');
  if (main.size && Number.isFinite(off)) {
    sections[sections.length - 1] +=
      `\n\nStats: eventsource-wasm/stats (typed on) ÷ eventsource-wasm (typed on) = **${fmt(off, 2)}**; with \`diagnose: true\` **${fmt(on, 2)}** (rates, median of per-round ratios).`;
  }
}
// Parser only, per input.
const PARSER_INPUTS = { small: 'small events', big: '64 KiB events (16 data lines)' };
for (const [input, title] of Object.entries(PARSER_INPUTS)) {
  const rowsOf = results.filter((r) => r.scenario === 'parser' && (r.input ?? 'small') === input);
  const parserRows = [...new Set(rowsOf.map((r) => r.client))].map((client) => {
    const runs = rowsOf.filter((r) => r.client === client);
    return {
      client,
      mbs: median(runs.map((r) => r.bytes / 1e6 / (r.ms / 1000))),
      eps: median(runs.map((r) => r.events / (r.ms / 1000))),
      runs,
    };
  });
  const [ours, theirs] = parserRows;
  const parserRatio = ours && theirs ? median(ours.runs.map((r, i) => theirs.runs[i].ms / r.ms)) : NaN;
  summary[`parser:${input}`] = parserRatio;
  if (plan.parserBytes && parserRows.length)
    sections.push(
      `### Parser only, in the page: ${title} (${fmt(plan.parserBytes / (1 << 20))} MiB in 64 KiB chunks; each parser twice per round, A B B A)\n\n| parser | MB/s | events/s | ratio |\n|---|---:|---:|---:|\n` +
        parserRows
          .map(
            (r, i) =>
              `| ${r.client} | ${fmt(r.mbs)} | ${fmt(r.eps)} | ${i === 0 ? `**${fmt(parserRatio, 2)}×**` : '1×'} |`,
          )
          .join('\n'),
    );
}

// Latency: p50 and p99 over all events of all rounds, and the per-round
// ratio of p50 to native's.
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const latency = (client) => results.filter((r) => r.scenario === 'latency' && r.client === client && !r.error);
const p50s = (client) => new Map(latency(client).map((r) => [r.round, pct(r.delays, 50)]));
const nativeP50 = p50s('native');
const fetchP50 = p50s('ceiling: raw fetch()');
if (plan.latency)
  sections.push(
    `### Latency: one event every 20 ms for ${fmt(plan.latency.n * 0.02)} s, server write to listener (ms)\n\n| client | p50 | p99 | p50 ÷ native p50 | p50 ÷ bare fetch() reader p50 |\n|---|---:|---:|---:|---:|\n` +
      LATENCY_CLIENTS.map((client) => {
        const runs = latency(client);
        const all = runs.flatMap((r) => r.delays);
        const ratio = (base) =>
          median(runs.filter((r) => base.has(r.round)).map((r) => pct(r.delays, 50) / base.get(r.round)));
        return `| ${client} | ${fmt(pct(all, 50), 2)} | ${fmt(pct(all, 99), 2)} | ${fmt(ratio(nativeP50), 2)} | ${fmt(ratio(fetchP50), 2)} |`;
      }).join('\n'),
  );

// Memory: medians over rounds, in MB (1e6 bytes).
const memory = (client) =>
  results.filter((r) => r.scenario === 'memory' && r.client === client && !r.error && r.samples.length);
const mb = (bytes) => fmt(bytes / 1e6, 2);
const signed = (bytes) => `${bytes >= 0 ? '+' : '−'}${mb(Math.abs(bytes))}`;
if (plan.memory)
  sections.push(
    `### Memory: one stream of ${fmt(plan.memory.n)} small events (MB; JS heap after a full GC)\n\n` +
      `Columns: the heap before opening; at ${fmt(plan.memory.n / 5)} events, against before; from there to the last event (the heap sampled every ${fmt(plan.memory.n / 5)} events: last minus first, and the widest spread); after \`close()\` once steady, against before, and when it was (the first of two samples 500 ms apart that agree within 16 KB); and WebAssembly linear memory, its size at the end and its growth over the stream. Medians over rounds.\n\n` +
      '| client | before | at first sample | first → last | spread | after close | steady after | WASM memory | WASM growth |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
      MEMORY_CLIENTS.map((client) => {
        const runs = memory(client);
        if (!runs.length) return `| ${client} | – | – | – | – | – | – | – | – |`;
        const m = (f) => median(runs.map(f));
        const wasm = runs[0].wasm.at(-1) !== null;
        return `| ${client} | ${mb(m((r) => r.before))} | ${signed(m((r) => r.samples[0] - r.before))} | ${signed(m((r) => r.samples.at(-1) - r.samples[0]))} | ${mb(m((r) => Math.max(...r.samples) - Math.min(...r.samples)))} | ${signed(m((r) => r.after - r.before))} | ${fmt(
          m((r) => r.settledAfter / 1000),
          1,
        )} s | ${wasm ? mb(m((r) => r.wasm.at(-1))) : '–'} | ${wasm ? signed(m((r) => r.wasm.at(-1) - r.wasm[0])) : '–'} |`;
      }).join('\n'),
  );

if (only) {
  // A partial run: show it, keep the published figures as they are.
  console.log(sections.join('\n\n'));
  process.exit(0);
}

// 4. Sizes: each client bundled and minified on its own, gzip -9.
async function sizeOf(contents) {
  const out = await build({
    stdin: { contents, resolveDir: root },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'error',
    external: ['/pkg/*'],
  });
  const js = out.outputFiles[0].contents;
  return [js.length, gzipSync(js, { level: 9 }).length];
}
const sizes = [
  ['eventsource', "export { EventSource } from 'eventsource';"],
  ['@microsoft/fetch-event-source', "export { fetchEventSource } from '@microsoft/fetch-event-source';"],
  ['event-source-polyfill', "export { EventSourcePolyfill } from 'event-source-polyfill';"],
];
const sizeRows = [];
for (const [name, src] of sizes) sizeRows.push([name, ...(await sizeOf(src))]);
const ours = await packageSize();
sizeRows.unshift(['eventsource-wasm (JS + WASM)', ours.js[0] + ours.wasm[0], ours.js[1] + ours.wasm[1]]);
sections.push(
  `### Size (minified; gzip -9)\n\n| client | bytes | gzip -9 |\n|---|---:|---:|\n` +
    sizeRows.map(([n, a, b]) => `| ${n} | ${fmt(a)} | ${fmt(b)} |`).join('\n'),
);

// 5. Chart: small events, median events/s per client.
const chartRows = CLIENTS.map((c) => [c, summary[`small:${c}`]?.median ?? 0]);
const max = Math.max(...chartRows.map(([, v]) => v));
const bar = (i, [name, v]) => {
  const w = Math.round((v / max) * 420);
  const y = 30 + i * 28;
  const color = name.startsWith('eventsource-wasm')
    ? '#2563eb'
    : name.startsWith('ceiling')
      ? '#9ca3af'
      : name === 'native'
        ? '#16a34a'
        : '#f59e0b';
  return `<text x="250" y="${y + 14}" text-anchor="end" font-size="12">${name}</text><rect x="260" y="${y}" width="${w}" height="20" fill="${color}"/><text x="${266 + w}" y="${y + 14}" font-size="11">${fmt(v / 1e6, 2)} M/s</text>`;
};
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="${50 + chartRows.length * 28}" font-family="system-ui, sans-serif">
<text x="10" y="18" font-size="14" font-weight="bold">Small events delivered to a listener, median events/s (headless Chromium ${chromiumVersion}, ${rounds} rounds)</text>
${chartRows.map((r, i) => bar(i, r)).join('\n')}
</svg>\n`;
mkdirSync('docs/img', { recursive: true });
writeFileSync('docs/img/bench-small.svg', svg);

// 6. The document.
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const report = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\`${quick ? ' --quick' : ''}: headless Chromium ${chromiumVersion} on ${cpu} (${os.cpus().length} cores), ${rounds} rounds, clients interleaved in each round (the order rotates every round). Each figure is a median over rounds; ratios are taken per round (same round, same conditions), then the median.`,
  '',
  '![Small events per second, by client](img/bench-small.svg)',
  '',
  ...sections.map((s) => `${s}\n`),
].join('\n');
const doc = readFileSync('docs/benchmarks.md', 'utf8');
const start = '<!-- BROWSER:START -->';
const end = '<!-- BROWSER:END -->';
writeFileSync('docs/benchmarks.md', doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${report}\n${end}`));
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify({ plan, results, chromiumVersion }, null, 1));
console.log(report);

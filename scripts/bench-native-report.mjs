// Turns the criterion results of `cargo bench --bench parser` into the
// table in docs/benchmarks.md (between the NATIVE markers): median time per
// input, MB/s, events/s, and the ratios to eventsource-stream and to sseer
// from the same run.
import { readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import os from 'node:os';

const dir = 'target/criterion';
const inputs = JSON.parse(readFileSync(`${dir}/esw-inputs.json`, 'utf8'));
const median = (group, fn) =>
  JSON.parse(readFileSync(`${dir}/${group}/${fn}/new/estimates.json`, 'utf8')).median.point_estimate;
const labels = {
  small: 'small events, 64 KiB chunks',
  big: '64 KiB events (16 data lines), 64 KiB chunks',
  'tiny-chunks': 'small events, 1–7 byte chunks',
};
const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const rows = [];
for (const [group, { bytes, events }] of Object.entries(inputs)) {
  const ours = median(group, 'eventsource-wasm');
  const stream = median(group, 'eventsource-stream');
  const sseer = median(group, 'sseer');
  const mbs = (ns) => (bytes / ns) * 1e3; // bytes per ns → MB/s
  const eps = (ns) => (events / ns) * 1e9;
  const cell = (ns) => `${fmt(mbs(ns))} MB/s, ${fmt(eps(ns) / 1e6, 2)} M ev/s`;
  rows.push(
    `| ${labels[group] ?? group} | ${cell(ours)} | ${cell(stream)} | **${fmt(stream / ours, 1)}×** | ` +
      `${cell(sseer)} | **${fmt(sseer / ours, 2)}×** |`,
  );
}
const rustc = execSync('rustc --version').toString().trim();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu} (${os.cpus().length} cores), ${rustc}, ` +
    'by `npm run bench:native`. Medians of 20 samples; the three parsers run on the same inputs in the same run, ' +
    'and are checked to deliver the same events first. A ratio is how many times faster eventsource-wasm is.',
  '',
  '| input | eventsource-wasm | eventsource-stream 0.2.3 | ratio | sseer 0.3.1 | ratio |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');

const doc = 'docs/benchmarks.md';
const text = readFileSync(doc, 'utf8');
const start = '<!-- NATIVE:START -->';
const end = '<!-- NATIVE:END -->';
const next = text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`);
writeFileSync(doc, next);
console.log(table);

// `npx eventsource-wasm doctor`, as a user runs it: the packed tarball installed in an app
// (target/node-app), the command run through npx against the streams that misbehave as
// deployments do (tests/server/doctor.mjs) on 127.0.0.1. Each finds what is wrong with its
// stream and nothing else, and exits 1 for a problem, 0 for a clean stream, 2 for bad usage.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { DIAGNOSES } from '../server/doctor.mjs';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { installApp } from './apps.mjs';

let app;
let sse;
const base = () => `http://127.0.0.1:${sse.address().port}`;

before(async () => {
  app = installApp('node-app');
  sse = await startTestServer(0);
});

after(async () => {
  if (sse) await stop(sse);
});

/** Runs `npx eventsource-wasm ...args` in the app: its exit code and output. */
const doctor = (...args) =>
  new Promise((resolve) => {
    execFile(
      'npx',
      ['--no-install', 'eventsource-wasm', ...args],
      { cwd: app, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }),
    );
  });

test('each misbehaving stream gets its diagnosis and fix, a clean one none', { timeout: 90_000 }, async () => {
  const kinds = Object.keys(DIAGNOSES);
  const runs = await Promise.all(
    kinds.map((kind) => doctor('doctor', `${base()}/doctor/${kind}/cli-${kind}`, '--duration', '6', '--json')),
  );
  const reports = {};
  kinds.forEach((kind, i) => {
    const { code, stdout, stderr } = runs[i];
    const report = JSON.parse(stdout);
    reports[kind] = report;
    const codes = report.diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, DIAGNOSES[kind], `${kind}: ${stdout}${stderr}`);
    assert.equal(code, kind === 'clean' ? 0 : 1, `${kind}'s exit code`);
    assert.equal(report.ok, kind === 'clean');
    for (const d of report.diagnostics) assert.ok(d.message && d.fix, JSON.stringify(d));
  });
  const clean = reports.clean;
  assert.equal(clean.status, 200);
  assert.equal(clean.contentType, 'text/event-stream');
  assert.equal(clean.protocol, 'http/1.1');
  assert.equal(clean.encoding, null);
  assert.ok(clean.stats.events >= 30 && clean.stats.comments >= 10, JSON.stringify(clean.stats));
  assert.equal(clean.stats.serverRetry, 1000);
  assert.equal(clean.ids, true);
  assert.match(clean.ended, /still open after 6 s/);
  assert.equal(reports.gzip.encoding, 'gzip');
  assert.ok(reports.cut.stats.reconnects.network >= 2, JSON.stringify(reports.cut.stats));
  assert.equal(reports.noids.ids, false);
});

test('the report for people names each problem and its fix; a refused stream fails; bad usage exits 2', {
  timeout: 60_000,
}, async () => {
  const [gzip, missing, usage, help] = await Promise.all([
    doctor('doctor', `${base()}/doctor/gzip/cli-words`, '--duration', '2'),
    doctor('doctor', `${base()}/nothing/here`, '--duration', '5'),
    doctor('doctor', '--duration'),
    doctor('--help'),
  ]);
  assert.equal(gzip.code, 1);
  assert.match(gzip.stdout, /encoding +gzip/);
  assert.match(gzip.stdout, /✖ compressed: the event stream is compressed/);
  assert.match(gzip.stdout, /fix: exclude text\/event-stream from compression/);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /status +404/);
  assert.match(missing.stdout, /ended +failed: the server answered with HTTP status 404/);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--duration needs a value/);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: npx eventsource-wasm doctor <url>/);
});

test('headers, method and body reach the server', { timeout: 60_000 }, async () => {
  const key = `cli-post-${Date.now()}`;
  await fetch(`${base()}/script/${key}`, {
    method: 'POST',
    body: JSON.stringify([
      { chunks: [{ text: 'retry: 500\nid: 1\ndata: hi\n\n' }, { text: 'event: end\ndata: x\n\n' }] },
    ]),
  });
  const run = await doctor(
    'doctor',
    `${base()}/sse/${key}`,
    '-H',
    'Authorization: Bearer t0k3n',
    '-d',
    '{"q":1}',
    '--json',
  );
  const report = JSON.parse(run.stdout);
  assert.equal(report.ended, 'ended by its end event');
  assert.equal(run.code, 0, run.stdout);
  const [request] = await (await fetch(`${base()}/requests/${key}`)).json();
  assert.equal(request.method, 'POST');
  assert.equal(request.headers.authorization, 'Bearer t0k3n');
  assert.equal(request.body, '{"q":1}');
});

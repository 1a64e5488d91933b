// Streams that misbehave as real deployments do, for the diagnostics
// (src/connection/stats.rs) and the Rust API's tests of them:
//
//   ANY /doctor/clean/<key>       ids, `retry:`, an event every 100 ms and a
//                                 heartbeat every 300 ms, until the client goes
//   ANY /doctor/buffered/<key>    the clean stream through a buffering proxy
//                                 written for the test: it holds the output
//                                 until 4 KB have gathered (nginx without
//                                 `X-Accel-Buffering: no`, say); events of
//                                 100 bytes every 50 ms
//   ANY /doctor/gzip/<key>        the clean stream, gzipped (each event
//                                 flushed); `Content-Encoding` exposed to
//                                 other origins
//   ANY /doctor/cut/<key>         ids and `retry: 200`, three events, then
//                                 silence, cut after 1.5 s of it, every time
//   ANY /doctor/noids/<key>       events without ids and no `retry:`; ends the
//                                 body after three events
//
// Each records its requests under <key>, as /sse/<key> does.
import { createGzip, constants } from 'node:zlib';

/** What each stream is diagnosed with, watched for six seconds (the class's and the command's
 * tests hold them to it; tests/web_client.rs has the same table), each list sorted. */
export const DIAGNOSES = {
  clean: [],
  buffered: ['buffered'],
  gzip: ['compressed'],
  cut: ['idle-cut'],
  noids: ['no-resume', 'no-retry'],
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes the clean stream to `out` (with `write(text)`), until `gone()`. */
async function clean(write, gone, { every = 100, pad = 0 } = {}) {
  write('retry: 1000\n\n');
  for (let i = 1; !gone(); i++) {
    await sleep(every);
    if (gone()) return;
    write(`id: ${i}\ndata: ${i}${' '.repeat(pad)}\n\n`);
    if (i % 3 === 0) write(': ping\n');
  }
}

/**
 * Serves `/doctor/<kind>/<key>`; false for another path.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} kind @param {string[]} path what follows the kind: the stream's kind and key
 * @param {(key: string) => { requests: object[] }} entry the server's record of a key
 */
export async function serveDoctor(req, res, kind, [what, name], entry) {
  if (kind !== 'doctor') return false;
  entry(name).requests.push({ method: req.method, url: req.url, headers: req.headers, at: Date.now() });
  let gone = false;
  res.on('close', () => {
    gone = true;
  });
  const head = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' };
  if (what === 'clean') {
    res.writeHead(200, head);
    res.flushHeaders();
    await clean(
      (t) => res.write(t),
      () => gone,
    );
  } else if (what === 'buffered') {
    res.writeHead(200, head);
    res.flushHeaders();
    let held = '';
    await clean(
      (t) => {
        held += t;
        if (held.length >= 4096) {
          res.write(held);
          held = '';
        }
      },
      () => gone,
      { every: 50, pad: 90 },
    );
  } else if (what === 'gzip') {
    res.writeHead(200, {
      ...head,
      'content-encoding': 'gzip',
      'access-control-expose-headers': 'Content-Encoding',
    });
    const gzip = createGzip();
    gzip.pipe(res);
    await clean(
      (t) => {
        gzip.write(t);
        gzip.flush(constants.Z_SYNC_FLUSH);
      },
      () => gone,
    );
    gzip.end();
  } else if (what === 'cut') {
    res.writeHead(200, head);
    res.flushHeaders();
    const from = Number(req.headers['last-event-id'] ?? 0);
    res.write('retry: 200\n\n');
    for (let i = from + 1; i <= from + 3; i++) res.write(`id: ${i}\ndata: ${i}\n\n`);
    await sleep(1500);
    res.destroy();
  } else if (what === 'noids') {
    res.writeHead(200, head);
    res.flushHeaders();
    for (let i = 1; i <= 3; i++) {
      await sleep(50);
      res.write(`data: ${i}\n\n`);
    }
    res.end();
  } else {
    res.writeHead(404).end();
  }
  return true;
}

// The chaos stream (robustness tests): `n` events with ids 0..n-1, then an
// `end` event, served across as many connections as it takes. Each request
// resumes after its Last-Event-ID, and a seeded generator decides its fate:
//
// - refused: 503 with `Retry-After: 0`;
// - stalled: the status line and a few bytes, then nothing (the client's
//   idle timeout must notice); silent: not even the status line;
// - cut: part of the next few hundred events, written in pieces of random
//   size, then the connection is destroyed at a chosen byte: anywhere,
//   inside a field name, inside a multi-byte character, or between a CR and
//   its LF;
// - whole: the same events, ended cleanly (the client reconnects).
//
// The first eight requests of a run meet each fate once (in a seeded
// order), so every run covers all of them; later ones are drawn at random.
//
// The events mix LF, CRLF and CR line ends, multi-byte characters and
// multi-line data; `chaosData(i)` is what event `i` must deliver.

/** The data event `i` carries, as a client must deliver it. */
export const chaosData = (i) => `#${i} é€😀 ${'x'.repeat(i % 13)}\nsecond line ${i % 7}`;

const EOLS = ['\n', '\r\n', '\r'];
function eventText(i) {
  const eol = EOLS[i % 3];
  const [first, second] = chaosData(i).split('\n');
  const comment = i % 11 === 0 ? `: heartbeat${eol}` : '';
  return `${comment}id: ${i}${eol}event: tick${eol}data: ${first}${eol}data: ${second}${eol}${eol}`;
}

/** A small seeded generator (mulberry32): the same seed, the same chaos. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FATES = ['refused', 'silent', 'stalled', 'whole', 'cut:anywhere', 'cut:field', 'cut:multibyte', 'cut:crlf'];

/** A fate at random: mostly cuts, sometimes refusals, stalls, silence. */
function drawFate(random) {
  const roll = random();
  if (roll < 0.08) return 'refused';
  if (roll < 0.11) return 'silent';
  if (roll < 0.15) return 'stalled';
  if (roll < 0.22) return 'whole';
  return FATES[4 + Math.floor(random() * 4)];
}

const runs = new Map();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the chaos stream of `key` did so far. */
export function chaosStats(key) {
  return runs.get(key)?.stats ?? null;
}

/** A byte offset in `bytes` of the given kind, searching from a random point. */
function cutPoint(bytes, kind, random) {
  const from = Math.floor(random() * bytes.length);
  const find = (test) => {
    for (let k = 0; k < bytes.length; k++) {
      const i = (from + k) % bytes.length;
      if (test(i)) return i;
    }
    return -1;
  };
  let at = -1;
  if (kind === 'field') {
    // Inside "data", "event" or "id", at the start of a line.
    at = find(
      (i) => i > 0 && (bytes[i - 1] === 0x0a || bytes[i - 1] === 0x0d) && [0x64, 0x65, 0x69].includes(bytes[i]),
    );
    if (at >= 0) at += 1;
  } else if (kind === 'multibyte') {
    at = find((i) => bytes[i] >= 0xc0);
    if (at >= 0) at += 1 + Math.floor(random() * 2) * (bytes[at] >= 0xe0 ? 1 : 0);
  } else if (kind === 'crlf') {
    at = find((i) => bytes[i] === 0x0d && bytes[i + 1] === 0x0a);
    if (at >= 0) at += 1;
  }
  return at > 0 ? [at, kind] : [1 + Math.floor(random() * (bytes.length - 1)), 'anywhere'];
}

export async function serveChaos(key, req, res) {
  const url = new URL(req.url, 'http://x');
  const seed = Number(url.searchParams.get('seed'));
  const n = Number(url.searchParams.get('n') ?? 10_000);
  if (!runs.has(key)) {
    const random = rng(seed);
    const first = [...FATES];
    for (let i = first.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [first[i], first[j]] = [first[j], first[i]];
    }
    runs.set(key, {
      random,
      first,
      stats: {
        seed,
        requests: 0,
        refused: 0,
        stalled: 0,
        silent: 0,
        whole: 0,
        cut: { anywhere: 0, field: 0, multibyte: 0, crlf: 0 },
        resumedFrom: [],
      },
    });
  }
  const { random, stats, first } = runs.get(key);
  const fate = first[stats.requests] ?? drawFate(random);
  stats.requests++;
  const lastId = req.headers['last-event-id'];
  const start = lastId === undefined || lastId === '' ? 0 : Number(lastId) + 1;
  stats.resumedFrom.push(start);
  if (fate === 'refused') {
    stats.refused++;
    res.writeHead(503, { 'Retry-After': '0', 'Content-Type': 'text/plain' }).end('busy');
    return;
  }
  if (fate === 'silent') {
    stats.silent++;
    return; // The client's idle timeout aborts it.
  }
  const stop = Math.min(n, start + 50 + Math.floor(random() * 400));
  let text = '';
  for (let i = start; i < stop; i++) text += eventText(i);
  if (stop === n) text += 'event: end\ndata: done\n\n';
  const bytes = Buffer.from(text, 'utf8');
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
  res.flushHeaders();
  if (fate === 'stalled') {
    stats.stalled++;
    res.write(bytes.subarray(0, Math.floor(random() * 40)));
    return; // Hangs: the client's idle timeout aborts it.
  }
  const whole = fate === 'whole' || bytes.length < 2;
  const [cut, kind] = whole ? [bytes.length] : cutPoint(bytes, fate.slice(4), random);
  let at = 0;
  while (at < cut && !res.destroyed) {
    const piece = bytes.subarray(at, Math.min(cut, at + 1 + Math.floor(random() * 8192)));
    at += piece.length;
    await new Promise((resolve) => res.write(piece, resolve));
    if (random() < 0.1) await sleep(1);
  }
  if (whole) {
    stats.whole++;
    res.end();
  } else {
    stats.cut[kind]++;
    req.socket.destroy();
  }
}

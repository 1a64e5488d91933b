// A small W3C WebDriver client for the browsers Playwright cannot drive
// here: Firefox (geckodriver) and WebKitGTK (WebKitWebDriver under Xvfb).
// The tests need five commands (new session, navigate, execute async
// script, set timeouts, delete session), so this speaks them over fetch()
// instead of pulling in a client library; docs/development.md says why.
//
// `openWebDriverPage(engine, url)` starts the engine's driver on a free
// loopback port, opens a session, loads `url`, and returns a page with the
// part of Playwright's Page interface the tests use: `evaluate(fn, arg)`,
// `waitForFunction(fn, arg, { timeout })`, `on()` (page errors are read
// from the page itself) and `close()`, which ends the session and stops
// the driver it started (and the Xvfb under it), by process group.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';

const WEBKIT_BROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** How each engine's driver is started and what session it is asked for. */
const ENGINES = {
  firefox: {
    command: (port) => [process.env.GECKODRIVER ?? 'geckodriver', ['--host', '127.0.0.1', '--port', String(port)]],
    capabilities: {
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
        args: ['-headless'],
        // No update checks, telemetry or other traffic at start-up.
        prefs: {
          'app.update.enabled': false,
          'browser.shell.checkDefaultBrowser': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'network.captive-portal-service.enabled': false,
          'network.connectivity-service.enabled': false,
        },
      },
    },
  },
  webkit: {
    // MiniBrowser needs a display even when headless.
    command: (port) => ['xvfb-run', ['-a', process.env.WEBKIT_DRIVER ?? 'WebKitWebDriver', `--port=${port}`]],
    capabilities: {
      'webkitgtk:browserOptions': {
        binary: process.env.WEBKIT_BROWSER ?? WEBKIT_BROWSER,
        args: ['--automation'],
      },
    },
  },
};

export const isWebDriverEngine = (engine) => engine in ENGINES;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function command(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || json.value?.error) {
    const e = json.value ?? {};
    throw new Error(`WebDriver ${method} ${path}: ${e.error ?? res.status}: ${e.message ?? ''}`);
  }
  return json.value;
}

/** The script run by `execute/async`. It calls the serialized function
 * with its argument in the page's own realm, through a <script> element:
 * Firefox runs WebDriver scripts in a sandbox with its own globals, where
 * `instanceof Error` or `window.EventSource` would not be the page's. The
 * (awaited) result comes back as JSON in an event. */
const RUNNER = `
  const done = arguments[arguments.length - 1];
  const [source, arg] = arguments;
  const id = 'webdriver-result-' + Math.random().toString(36).slice(2);
  document.documentElement.addEventListener(id, (e) => done(JSON.parse(e.detail)), { once: true });
  const script = document.createElement('script');
  script.textContent = '(async () => {' +
    'let r;' +
    'try { const v = await (' + source + ')(' + JSON.stringify(arg) + '); r = { ok: true, value: v === undefined ? null : v }; }' +
    'catch (e) { r = { ok: false, error: String((e && e.stack) || e) }; }' +
    'document.documentElement.dispatchEvent(new CustomEvent(' + JSON.stringify(id) + ', { detail: JSON.stringify(r) }));' +
    '})();';
  document.head.append(script);
  script.remove();
`;

export async function openWebDriverPage(engine, url) {
  const spec = ENGINES[engine];
  if (!spec) throw new Error(`no WebDriver engine ${engine}`);
  if (engine === 'webkit' && !existsSync(spec.capabilities['webkitgtk:browserOptions'].binary)) {
    throw new Error(`MiniBrowser not found at ${WEBKIT_BROWSER}`);
  }
  const port = await freePort();
  const [bin, args] = spec.command(port);
  // Its own process group, so that close() ends xvfb-run's Xvfb too.
  const driver = spawn(bin, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let driverLog = '';
  driver.stderr.on('data', (d) => {
    driverLog = (driverLog + d).slice(-4000);
  });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => driver.once('exit', resolve));
  const stopDriver = async () => {
    try {
      process.kill(-driver.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await Promise.race([exited, sleep(5000)]);
  };
  let session;
  try {
    for (let i = 0; ; i++) {
      try {
        const status = await command(base, 'GET', '/status');
        if (status.ready !== false) break;
      } catch (e) {
        if (i > 150 || driver.exitCode !== null)
          throw new Error(`${engine} driver did not start: ${e.message}\n${driverLog}`);
      }
      await sleep(100);
    }
    session = (await command(base, 'POST', '/session', { capabilities: { alwaysMatch: spec.capabilities } })).sessionId;
    // WebKitWebDriver times a script with the page's own setTimeout, which
    // the lifecycle test would count as a timer left behind: no script
    // timeout there (the tests set their own). geckodriver answers every
    // async script at once with null when it has none.
    const script = engine === 'webkit' ? null : 300_000;
    await command(base, 'POST', `/session/${session}/timeouts`, { script, pageLoad: 60_000 });
    await command(base, 'POST', `/session/${session}/url`, { url });
  } catch (e) {
    await stopDriver();
    throw e;
  }

  const evaluate = async (fn, arg) => {
    const r = await command(base, 'POST', `/session/${session}/execute/async`, {
      script: RUNNER,
      args: [fn.toString(), arg ?? null],
    });
    if (!r.ok) throw new Error(`in ${engine}: ${r.error}`);
    return r.value;
  };
  const page = {
    engine,
    evaluate,
    async waitForFunction(fn, arg, { timeout = 30_000 } = {}) {
      const until = Date.now() + timeout;
      for (;;) {
        if (await evaluate(fn, arg)) return;
        if (Date.now() > until) throw new Error(`waitForFunction timed out after ${timeout} ms in ${engine}: ${fn}`);
        await sleep(100);
      }
    },
    /** Page errors and console lines are not reported over classic
     * WebDriver; the listeners are accepted and never called. */
    on() {},
    async close() {
      try {
        await command(base, 'DELETE', `/session/${session}`);
      } catch {
        /* the driver may already be gone */
      }
      await stopDriver();
    },
  };
  return page;
}

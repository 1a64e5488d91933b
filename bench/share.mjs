// `share: true` against one connection per tab: ten tabs of one browser
// context (headless Chromium) subscribe to the same stream, with and
// without sharing; the server (tests/server/sse-test-server.mjs, in a
// process of its own) reports how many connections it holds, and its
// resident memory is read from /proc.
//
//   node bench/share.mjs [tabs]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openPackagePage } from '../tests/e2e/browser.mjs';

const tabs = Number(process.argv[2] ?? 10);
const server = spawn('node', ['tests/server/sse-test-server.mjs', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve) =>
  server.stdout.on('data', (d) => {
    const m = String(d).match(/listening (\S+)/);
    if (m) resolve(m[1]);
  }),
);
const rss = () => Number(readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fixture = await openPackagePage();
const rows = [];
try {
  for (const share of [false, true]) {
    const key = `bench-share-${share}`;
    const idle = rss();
    const pages = [];
    for (let i = 0; i < tabs; i++) {
      const page = await fixture.browser.context.newPage();
      await page.goto(`${fixture.origin}/`);
      await page.waitForFunction(() => window.esw !== undefined);
      await page.evaluate(
        ([url, share]) => {
          window.es = new window.esw.EventSource(url, { share });
        },
        [`${base}/ticker/${key}?n=100000&every=50`, share],
      );
      pages.push(page);
    }
    await sleep(3000);
    const requests = await (await fetch(`${base}/requests/${key}`)).json();
    const open = requests.filter((r) => !r.clientClosed).length;
    rows.push([share ? 'share: true' : 'without share', open, (rss() - idle).toFixed(1)]);
    for (const page of pages) await page.close();
    await sleep(500);
  }
} finally {
  await fixture.close();
  server.kill();
}
console.log(`| ${tabs} tabs, one stream | server connections | server memory added (MB RSS) |\n|---|---:|---:|`);
for (const [name, open, mb] of rows) console.log(`| ${name} | ${open} | ${mb} |`);

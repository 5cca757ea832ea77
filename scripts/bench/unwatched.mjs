// Sending a large file with no DevTools attached (issue #4's "no long task
// over 200 ms" on the sending device). Playwright always attaches DevTools,
// and with DevTools attached Chromium copies each request body for its
// network panel on the page's main thread: every large upload then shows a
// long task of its own. Here Chromium is started directly, with no client;
// the bench page runs the order in its address (tests/bench/page/unwatched.ts)
// and POSTs its figures to a loopback address this script listens on.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM } from './chromium.mjs';

/** Waits for one POSTed report on a fresh loopback port. */
async function reportServer() {
  let deliver;
  const report = new Promise((resolve) => {
    deliver = resolve;
  });
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.end('ok');
      if (req.method === 'POST') deliver(JSON.parse(body));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/report`, report, close: () => server.close() };
}

/**
 * Adds a file of `mib` MiB in a Chromium with no DevTools client and pushes it to the peer.
 * With `encrypted`, the peer is marked encrypted: every piece is sealed on its way (issue #16).
 * @param {{ origin: string, target: object, mib: number, live?: boolean, encrypted?: boolean, timeoutMs?: number }} o
 * @returns {Promise<{ mib: number, live: boolean, encrypted: boolean, addMs: number, pushMs: number, longestTaskAddMs: number, longestTaskPushMs: number }>}
 */
export async function sendUnwatched({ origin, target, mib, live = false, encrypted = false, timeoutMs = 10 * 60_000 }) {
  const reports = await reportServer();
  const profile = await mkdtemp(join(tmpdir(), 'p2pcloud-unwatched-'));
  const order = encodeURIComponent(JSON.stringify({ target, mib, live, encrypted, report: reports.url }));
  const browser = spawn(
    CHROMIUM.executablePath,
    ['--headless', ...CHROMIUM.args, `--user-data-dir=${profile}`, `${origin}/index.html#unwatched=${order}`],
    { stdio: 'ignore' },
  );
  let timer;
  const gone = new Promise((resolve) => browser.once('exit', resolve));
  try {
    const hung = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no report within ${timeoutMs / 60_000} min`)), timeoutMs);
    });
    const exited = new Promise((_, reject) => browser.once('exit', (code) => reject(new Error(`Chromium exited (${code})`))));
    const result = await Promise.race([reports.report, hung, exited]);
    if (!result.ok) throw new Error(`the page failed: ${result.error}`);
    return result;
  } finally {
    clearTimeout(timer);
    browser.kill();
    reports.close();
    // Chromium writes its profile until it has exited.
    await gone;
    await rm(profile, { recursive: true, force: true, maxRetries: 5 });
  }
}

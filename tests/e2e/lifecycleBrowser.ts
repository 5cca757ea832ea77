// A Chromium page that can really go to the background, freeze and come back.
// Pages Playwright launches always report themselves visible: it turns on
// focus emulation, which keeps them shown, and a shown page is never frozen.
// So this starts Debian's Chromium itself and attaches with `noDefaults`,
// which leaves the default context's pages as the browser has them.
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A page of its own browser, with the Page Lifecycle under the test's control. */
export interface LifecyclePage {
  page: Page;
  /** Uncaught errors and unhandled rejections of the page. */
  errors: string[];
  /** Minimises the window: the page is hidden (visibilitychange), and its timers slow down. */
  hide(): Promise<void>;
  /** Freezes the page (Page Lifecycle `freeze`): no task runs. */
  freeze(): Promise<void>;
  /** Unfreezes the page (`resume`) and shows it again (visibilitychange to visible). */
  resumeAndShow(): Promise<void>;
  close(): Promise<void>;
}

/** Starts Chromium, attaches to it and opens `url` in its first page. */
export async function openLifecyclePage(url: string): Promise<LifecyclePage> {
  const profile = await mkdtemp(join(tmpdir(), 'p2pcloud-lifecycle-'));
  const child = spawn(
    process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${output}`)));
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /DevTools listening on (ws:\S+)/.exec(output);
      if (found?.[1]) resolve(found[1]);
    });
  });
  let browser: Browser | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    await browser?.close().catch(() => undefined);
    child.kill();
    // Chromium writes its profile until it has exited.
    await exited;
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
    const context = browser.contexts()[0];
    if (!context) throw new Error('chromium has no default context');
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(url);
    const cdp: CDPSession = await context.newCDPSession(page);
    const { windowId } = (await cdp.send('Browser.getWindowForTarget')) as { windowId: number };
    const windowState = (state: 'minimized' | 'normal') =>
      cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: state } });
    return {
      page,
      errors,
      hide: async () => {
        await windowState('minimized');
      },
      freeze: async () => {
        await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
      },
      resumeAndShow: async () => {
        await cdp.send('Page.setWebLifecycleState', { state: 'active' });
        await windowState('normal');
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

// Watches a page while a test runs: its long tasks (PerformanceObserver, in
// the page) and its memory (JS heap through the DevTools protocol, and the
// resident size of every renderer process from /proc). These are
// measurements a test asserts bounds on, not synchronisation: the test waits
// on conditions; the probes only record what happened meanwhile.
import { readFile } from 'node:fs/promises';
import type { Browser, CDPSession, Page } from '@playwright/test';

declare global {
  interface Window {
    __longTasks?: number[];
  }
}

/** Starts recording the page's long tasks (over 50 ms, as the browser defines them). */
export async function watchLongTasks(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks?.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
  return () => page.evaluate(() => [...(window.__longTasks ?? [])]);
}

interface Sample {
  heapBytes: number;
  rendererRssBytes: number;
}

/** Peak memory of a set of pages, sampled a few times a second until stopped. */
export class MemoryWatch {
  private peak: Sample = { heapBytes: 0, rendererRssBytes: 0 };
  private baseline?: Sample;
  private timer?: ReturnType<typeof setInterval>;
  private sampling?: Promise<void>;

  private constructor(
    private readonly sessions: CDPSession[],
    private readonly browserSession: CDPSession,
  ) {}

  static async start(browser: Browser, pages: Page[]): Promise<MemoryWatch> {
    const sessions = await Promise.all(pages.map((p) => p.context().newCDPSession(p)));
    await Promise.all(sessions.map((s) => s.send('Performance.enable')));
    const watch = new MemoryWatch(sessions, await browser.newBrowserCDPSession());
    watch.baseline = await watch.sample();
    watch.timer = setInterval(() => {
      watch.sampling ??= watch
        .sample()
        .then((s) => {
          watch.peak = {
            heapBytes: Math.max(watch.peak.heapBytes, s.heapBytes),
            rendererRssBytes: Math.max(watch.peak.rendererRssBytes, s.rendererRssBytes),
          };
        })
        .catch(() => undefined)
        .finally(() => {
          watch.sampling = undefined;
        });
    }, 250);
    return watch;
  }

  /** Largest JS heap of any watched page, and largest renderer resident size, above the start. */
  async stop(): Promise<{ heapGrowthBytes: number; rendererRssGrowthBytes: number; peak: Sample; baseline: Sample }> {
    clearInterval(this.timer);
    await this.sampling;
    const baseline = this.baseline ?? { heapBytes: 0, rendererRssBytes: 0 };
    return {
      heapGrowthBytes: this.peak.heapBytes - baseline.heapBytes,
      rendererRssGrowthBytes: this.peak.rendererRssBytes - baseline.rendererRssBytes,
      peak: this.peak,
      baseline,
    };
  }

  private async sample(): Promise<Sample> {
    const heaps = await Promise.all(
      this.sessions.map(async (s) => {
        const { metrics } = await s.send('Performance.getMetrics');
        return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      }),
    );
    return { heapBytes: Math.max(...heaps), rendererRssBytes: await this.largestRendererRss() };
  }

  private async largestRendererRss(): Promise<number> {
    const info = (await this.browserSession.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    const sizes = await Promise.all(
      info.processInfo
        .filter((p) => p.type === 'renderer')
        .map(async (p) => {
          const status = await readFile(`/proc/${p.id}/status`, 'utf8').catch(() => '');
          const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
          return kb ? Number(kb) * 1024 : 0;
        }),
    );
    return Math.max(0, ...sizes);
  }
}

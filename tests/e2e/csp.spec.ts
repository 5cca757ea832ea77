// #19: the app's own Content-Security-Policy. It ships in the built page (so
// it holds on any static host and offline, from the service worker's copy)
// and the server sends it as a header too, with frame-ancestors. The page has
// no inline script: the first paint is public/first-paint.js. Every other
// e2e test fails on any violation (./pageFaults.ts), so the service worker,
// previews, the share target and the first paint are checked under it there.
import { expect, test } from './fixtures';

const NOTES_HEAD_KEY = 'p2pcloud-notes-head';

test('#19 the page and the server carry the same strict policy: no inline script, no eval, no plugins, no framing', async ({
  page,
}) => {
  const response = await page.goto('/');
  const header = response?.headers()['content-security-policy'] ?? '';
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(header).toBe(`${meta}; frame-ancestors 'none'`);
  const directives = new Map(header.split(';').map((d) => {
    const [name = '', ...sources] = d.trim().split(/\s+/);
    return [name, sources] as const;
  }));
  expect(directives.get('script-src')).toEqual(["'self'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(directives.get('base-uri')).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(header).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
});

test('#19 the first-paint script runs under the policy, before and without the app bundle', async ({ page }) => {
  await page.goto('/');
  await page.evaluate((key) => {
    const row = { title: 'Painted by the inline script', shownAt: 'today', hasConflicts: false, isDeletedElsewhere: false };
    localStorage.setItem(key, JSON.stringify([row]));
  }, NOTES_HEAD_KEY);
  // Only the inline script can paint now: the app's bundle never arrives.
  await page.route(/\/assets\/index-[^/]+\.js$/, (route) => route.abort());
  await page.reload();
  await expect(page.getByTestId('note-item')).toHaveText(/Painted by the inline script/);
});

test('#19 eval and new Function are refused in the app', async ({ page, app, pageErrors }) => {
  // A script of the app's own origin (allowed to load) that tries both; code
  // run by the test harness itself is exempt from the page's policy.
  const probe = `/eval-probe-${Date.now()}.js`;
  app.override(
    probe,
    `window.__evalTries = [() => (0, eval)('1 + 1'), () => new Function('return 1')()].map((f) => {
      try { f(); return 'ran'; } catch (err) { return err.name; }
    });`,
  );
  try {
    await page.goto('/');
    await page.evaluate((src) => {
      const script = document.createElement('script');
      script.src = src;
      document.head.append(script);
    }, probe);
    await expect.poll(() => page.evaluate(() => (window as { __evalTries?: string[] }).__evalTries)).toEqual(['EvalError', 'EvalError']);
  } finally {
    app.override(probe, undefined);
  }
  // Reported, as every violation is (and expected only here).
  const isEvalReport = (line: string) => /'unsafe-eval'|script-src refused eval/.test(line);
  await expect.poll(() => pageErrors.filter((line) => line.includes('script-src refused eval')).length).toBeGreaterThan(0);
  pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((line) => !isEvalReport(line)));
});

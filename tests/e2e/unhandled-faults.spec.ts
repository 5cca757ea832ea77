// #20 item 7: the app stays alive through a promise rejection nobody handled,
// but no longer hides it: it is logged, counted in window.p2pcloudFaults, and
// the e2e fixtures (./pageFaults.ts) fail any test in which one happened.
import { expect, test } from './fixtures';

test('#20 an unhandled rejection keeps the app alive, is counted, and reaches the test guard', async ({ page, pageErrors }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Notes' }).or(page.getByRole('button', { name: 'New note' }))).toBeVisible();
  await page.evaluate(() => {
    // Nobody handles this one.
    void Promise.reject(new Error('lost on purpose'));
  });
  await expect.poll(() => page.evaluate(() => (window as { p2pcloudFaults?: { unhandledRejections: number } }).p2pcloudFaults?.unhandledRejections)).toBe(1);
  await expect.poll(() => pageErrors).toEqual([expect.stringContaining('unhandled rejection caught: lost on purpose')]);
  // The app is still there and working.
  await page.getByRole('button', { name: 'New note' }).click();
  await expect(page.getByRole('textbox', { name: 'Title' })).toBeVisible();
  // Expected here only: every other test fails on one.
  pageErrors.splice(0);
});

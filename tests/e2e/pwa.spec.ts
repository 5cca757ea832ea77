import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';

/** Waits until a service worker controls the page: the app shell is precached. */
async function untilControlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first visit is not controlled until a reload (no clients.claim, by design).
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

test.describe('installable, offline-first app', () => {
  test('the manifest makes it installable: names, standalone, start URL, theme, icons incl. maskable', async ({
    page,
    request,
  }) => {
    await page.goto('/');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifest = (await (await request.get(new URL(href ?? '', page.url()).href)).json()) as {
      name: string;
      short_name: string;
      display: string;
      start_url: string;
      theme_color: string;
      icons: Array<{ src: string; sizes: string; purpose?: string; type: string }>;
    };
    expect(manifest.name).toContain('p2pcloud');
    expect(manifest.short_name).toBe('p2pcloud');
    expect(manifest.display).toBe('standalone');
    expect(manifest.start_url).toBeTruthy();
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    const sizes = manifest.icons.map((i) => `${i.sizes}:${i.purpose ?? 'any'}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable']));
    for (const icon of manifest.icons) {
      const res = await request.get(new URL(icon.src, page.url()).href);
      expect(res.headers()['content-type']).toBe('image/png');
    }
  });

  test('after one visit it starts and works with no network at all', async ({ page, context }) => {
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Before going offline', 'saved while online');
    await untilControlled(page);

    await context.setOffline(true);
    await page.reload();
    await expect(notes.item('Before going offline')).toBeVisible();
    await notes.create('Written offline', 'on a train with no signal');
    await notes.open('Before going offline');
    await notes.body.fill('edited offline');
    await expect(notes.saveState).toHaveText('Saved on this device');
    await page.reload();
    await notes.open('Before going offline');
    await expect(notes.body).toHaveValue('edited offline');
    await expect(notes.items).toHaveCount(2);
  });

  test('a new version shows an update prompt and never reloads under typing', async ({ page, app }) => {
    const notes = new NotesPage(page);
    await notes.goto();
    await untilControlled(page);
    await notes.create('Draft', 'first words');

    const sw = await app.read('/sw.js');
    app.override('/sw.js', `${sw}\n// a new build\n`);
    try {
      await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        await registration?.update();
      });
      const prompt = page.getByRole('status').filter({ hasText: 'A new version of p2pcloud is available' });
      await expect(prompt).toBeVisible();

      // Typing goes on; the page does not reload by itself.
      await page.evaluate(() => {
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      });
      await notes.body.pressSequentially(' and more');
      await expect(notes.saveState).toHaveText('Saved on this device');
      await expect(notes.body).toHaveValue('first words and more');
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

      // Only the user's click reloads, into the new version.
      await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload to update' }).click()]);
      await expect(prompt).toHaveCount(0);
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBeUndefined();
      await notes.open('Draft');
      await expect(notes.body).toHaveValue('first words and more');
    } finally {
      app.override('/sw.js', undefined);
    }
  });

  test('asks for persistent storage and shows whether it was granted and the space used', async ({ page }) => {
    await page.goto('/#/settings');
    await expect(page.getByTestId('storage-persisted')).toHaveText(/^Persistent storage (granted|not granted)/);
    await expect(page.getByTestId('storage-usage')).toHaveText(/^Using \d+(\.\d)? (B|KB|MB|GB)/);
  });
});

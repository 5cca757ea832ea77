import { expect, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';

test.describe('notes on this device', () => {
  test('create, edit, list newest first, search, delete; survives a reload', async ({ page }) => {
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Shopping', '- milk\n- **bread**');
    await notes.create('Raspberry Pi setup', 'Install CouchDB on the *Pi*');
    await expect(notes.items.first()).toContainText('Raspberry Pi setup');
    await expect(notes.preview.locator('em')).toHaveText('Pi');

    await notes.open('Shopping');
    await notes.body.fill('- milk\n- **bread**\n- eggs');
    await expect(notes.saveState).toHaveText('Saved on this device');
    await expect(notes.preview.locator('strong')).toHaveText('bread');
    await expect(notes.items.first()).toContainText('Shopping');

    await notes.search.fill('couchdb');
    await expect(notes.items).toHaveCount(1);
    await expect(notes.items.first()).toContainText('Raspberry Pi setup');
    await notes.search.fill('EGGS milk');
    await expect(notes.items).toHaveCount(1);
    await expect(notes.items.first()).toContainText('Shopping');
    await notes.search.fill('');

    await page.reload();
    await expect(notes.items).toHaveCount(2);
    await notes.open('Shopping');
    await expect(notes.body).toHaveValue('- milk\n- **bread**\n- eggs');

    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(notes.items).toHaveCount(1);
    await page.reload();
    await expect(notes.items).toHaveCount(1);
    await expect(notes.items.first()).toContainText('Raspberry Pi setup');
  });

  test('markdown that tries to run script renders inert', async ({ page }) => {
    const notes = new NotesPage(page);
    await notes.goto();
    await page.evaluate(() => {
      (window as unknown as { __pwned: number }).__pwned = 0;
    });
    await notes.create(
      'Hostile',
      '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [link](javascript:window.__pwned=3) **still bold**',
    );
    await expect(notes.preview.locator('strong')).toHaveText('still bold');
    await expect(notes.preview.locator('script')).toHaveCount(0);
    await expect(notes.preview.locator('img')).not.toHaveAttribute('onerror');
    await expect(notes.preview.locator('a[href^="javascript"]')).toHaveCount(0);
    await expect(notes.preview.locator('[onerror], [onclick], [onload]')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned)).toBe(0);
  });
});

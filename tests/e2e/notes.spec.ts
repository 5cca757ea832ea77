import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

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

test.describe('a long list of notes', () => {
  test('only the rows in view are in the page; scrolling reaches the oldest; search finds any; a reload shows the newest at once', async ({
    page,
    startPeer,
  }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const member = { username: MEMBER.username, password: MEMBER.password };
    const start = Date.UTC(2026, 0, 1);
    const docs = Array.from({ length: 300 }, (_, i) => {
      const at = new Date(start + i * 60_000).toISOString();
      const title = `Note ${String(i).padStart(3, '0')}${i === 137 ? ' with the crème brûlée recipe' : ''}`;
      return { _id: `note:long-${i}`, type: 'note', schemaVersion: 1, title, body: `body ${i}`, createdAt: at, updatedAt: at };
    });
    await openRemote(url, member).bulkDocs(docs);
    const notes = new NotesPage(page);
    await new PeersPage(page).goto();
    await new PeersPage(page).add(url, member);
    await notes.goto();
    await expect(notes.count).toHaveText('300 notes');
    await expect(notes.items.first()).toContainText('Note 299');
    // Virtualised: a screenful of rows (and a few beyond), not all 300.
    expect(await notes.items.count()).toBeLessThan(100);

    await notes.scrollToEnd();
    await expect(notes.item('Note 000')).toBeVisible();

    await notes.search.fill('CREME brulee');
    await expect(notes.count).toHaveText('1 of 300 notes');
    await notes.open('Note 137 with the crème brûlée recipe');
    await notes.search.fill('');

    // The newest rows remembered from this visit are painted before the
    // database has been read, then the whole list replaces them.
    await page.reload();
    await expect(notes.items.first()).toContainText('Note 299');
    await expect(notes.count).toHaveText('300 notes');
  });
});

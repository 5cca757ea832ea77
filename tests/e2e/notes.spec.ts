import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';
import { takeBlockedInlineScript } from './pageFaults';

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

  test('markdown that tries to run script renders inert', async ({ page, pageErrors }) => {
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
    takeBlockedInlineScript(pageErrors);
  });

  test('links to blob:, data: and javascript: addresses in a note are not clickable; web links open with no opener', async ({ page }) => {
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create(
      'Links',
      '[web](https://example.test/a) [blob](blob:http://127.0.0.1/x) [data](data:text/html,<script>1</script>) ' +
        '<a href="javascript:alert(1)">js</a> <a href="  JaVaScRiPt:alert(1)">js2</a> [local](/local-peer.json)',
    );
    await expect(notes.preview.getByRole('link')).toHaveCount(1);
    const web = notes.preview.getByRole('link', { name: 'web' });
    await expect(web).toHaveAttribute('href', 'https://example.test/a');
    await expect(web).toHaveAttribute('rel', 'noopener noreferrer');
    for (const text of ['blob', 'data', 'js', 'js2', 'local']) {
      const inert = notes.preview.getByText(text, { exact: true });
      await expect(inert).toHaveClass('inert-link');
      await expect(inert).not.toHaveAttribute('href');
    }
  });

  test('the Content-Security-Policy blocks a script that gets past the sanitiser into a note, and the app reports it', async ({
    page,
    pageErrors,
  }) => {
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Plain', 'nothing to see');
    await expect(notes.preview).toContainText('nothing to see');
    // As if the sanitiser had a hole: markup put into the rendered preview directly.
    await notes.preview.evaluate((preview) => {
      const script = document.createElement('script');
      script.textContent = 'window.__pwned = 1';
      preview.append(script);
      preview.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__pwned = 2">');
    });
    // Both the page's <meta> policy and the header enforce it: each block is counted once per policy.
    await expect.poll(() => page.evaluate(() => (window as { p2pcloudFaults?: { cspViolations: number } }).p2pcloudFaults?.cspViolations)).toBe(4);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    const reported = pageErrors.filter((line) => line.includes('Content-Security-Policy blocked'));
    expect(reported).toContainEqual(expect.stringContaining('script-src-elem refused inline code'));
    expect(reported).toContainEqual(expect.stringContaining('script-src-attr refused inline code'));
    // Expected here: every other test fails on any violation.
    expect(takeBlockedInlineScript(pageErrors)).toBe(8);
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

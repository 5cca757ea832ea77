// #15 item 4: many databases on one server. Chromium opens at most six
// HTTP/1.1 connections to one host, and every live pull held one with its
// long-poll: from the seventh database on one server, every peer of it stayed
// "Syncing" and a new peer's check failed as "Nothing answers". Live pulls now
// share the connections (sync/remote/sharedConnections.ts).
import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };
const DATABASES = Array.from({ length: 9 }, (_, i) => `notes-${i + 1}`);

function noteDoc(id: string, title: string) {
  const at = new Date().toISOString();
  return { _id: `note:${id}`, type: 'note', schemaVersion: 1, title, body: `${title} body`, createdAt: at, updatedAt: at };
}

test('#15 eight databases on one server all sync both ways, and a ninth peer is still checked within 2 s', async ({
  page,
  startPeer,
}) => {
  test.setTimeout(120_000);
  const server = await startPeer({ databases: DATABASES });
  const eight = DATABASES.slice(0, 8).map((name) => server.dbUrl(name));
  const peers = new PeersPage(page);
  const notes = new NotesPage(page);
  await peers.goto();
  for (const url of eight) await peers.add(url, member);
  for (const url of eight) await expect(peers.state(url)).toHaveText('Up to date');

  // A note written on each database arrives here...
  await Promise.all(eight.map((url, i) => openRemote(url, member).put(noteDoc(`db-${i + 1}`, `Written in database ${i + 1}`))));
  await page.getByRole('link', { name: 'Notes', exact: true }).click();
  for (let i = 1; i <= 8; i += 1) await expect(notes.item(`Written in database ${i}`)).toBeVisible();
  // ...and one written here reaches every database.
  await notes.create('Written on the device', 'to all eight');
  for (const url of eight) {
    await expect
      .poll(async () => (await openRemote(url, member).allDocs({ include_docs: true })).rows.some((r) => (r.doc as { title?: string } | undefined)?.title === 'Written on the device'))
      .toBe(true);
  }

  // The Peers page's check of a ninth database on that server is answered at once.
  await page.getByRole('link', { name: 'Peers', exact: true }).click();
  await expect(page.getByTestId('sync-indicator')).toHaveText('All peers up to date');
  const ninth = server.dbUrl(DATABASES[8] ?? 'notes-9');
  await peers.submit(ninth, member);
  await expect(page.getByRole('status').filter({ hasText: 'Syncing starts now' })).toBeVisible({ timeout: 2000 });
  await expect(peers.state(ninth)).toHaveText('Up to date');
});

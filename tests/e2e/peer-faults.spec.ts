// Faults a peer causes that the app must show rather than hide (#20): a
// document the peer refuses, design documents the app leaves on the peer,
// and a note written by a newer version of the app.
import { openRemote } from '../support/nodePouch';
import { ADMIN, expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };

test.describe('a peer that refuses a document', () => {
  test('names it on the peer row, never says it has all changes, keeps syncing the rest; names its design documents', async ({ page, startPeer }) => {
    const peer = await startPeer({ validateDocUpdate: true });
    const url = peer.dbUrl('notes');
    await openRemote(url, ADMIN).put({
      _id: '_design/no-secrets',
      validate_doc_update: "function (doc) { if (/secret/i.test(doc.title || '')) throw({ forbidden: 'no secrets on this server' }); }",
    });
    const peers = new PeersPage(page);
    await peers.goto();
    await peers.add(url, member);
    await expect(peers.row(url).getByTestId('peer-design-docs')).toContainText('_design/no-secrets');

    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Top secret', 'never on that server');
    await notes.create('Groceries', 'milk');
    const remote = openRemote(url, member);
    await expect.poll(async () => (await remote.allDocs({ include_docs: true })).rows.map((r) => (r.doc as { title?: string }).title)).toContain('Groceries');

    await peers.goto();
    await expect(peers.row(url).getByRole('alert')).toContainText('The peer refused one document: “Top secret”. It does not have it.');
    await expect(peers.row(url).getByTestId('peer-pending')).toHaveText('1 change not received yet');
    await expect(page.getByTestId('sync-indicator')).toHaveText('1 peer with an error');
  });
});

test.describe('a note a newer version of the app wrote', () => {
  test('is shown but not edited, says so, and offers the update; the peer keeps it as written', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const remote = openRemote(url, member);
    const at = '2030-01-01T00:00:00.000Z';
    const { rev } = await remote.put({
      _id: 'note:from-the-future',
      type: 'note',
      schemaVersion: 99,
      title: 'From the future',
      body: 'Written by version 99',
      createdAt: at,
      updatedAt: at,
      shapeOfV99: { kept: true },
    });
    const peers = new PeersPage(page);
    await peers.goto();
    await peers.add(url, member);
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.open('From the future');
    await expect(page.getByTestId('newer-schema')).toHaveText('A newer version of p2pcloud wrote this; reload to edit.');
    await expect(page.getByTestId('update-prompt')).toContainText('A newer version of p2pcloud wrote some of your notes');
    await expect(notes.body).not.toBeEditable();
    await expect(notes.title).not.toBeEditable();
    await expect(page.getByRole('button', { name: 'Delete' })).toBeDisabled();
    await notes.body.click();
    await page.keyboard.type(' and an old tab');
    await expect(notes.body).toHaveValue('Written by version 99');

    // A later note reaching the peer is the sign that anything saved before it got there too.
    await notes.create('Written after', 'by this old tab');
    const bodies = async () => (await remote.allDocs({ include_docs: true })).rows.map((r) => (r.doc as { body?: string }).body);
    await expect.poll(bodies).toContain('by this old tab');
    expect(await remote.get('note:from-the-future')).toMatchObject({ _rev: rev, schemaVersion: 99, shapeOfV99: { kept: true } });
  });
});

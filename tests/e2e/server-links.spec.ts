// Covers the CouchDB 3 path: links written to `_replicator` and their state
// read from `_scheduler/docs` (the test peer emulates both, like CouchDB 3.x).
import { openRemote } from '../support/nodePouch';
import { ADMIN, expect, MEMBER, test } from './fixtures';
import { PeersPage } from './page-models/PeersPage';
import { watchContext } from './pageFaults';

const member = { username: MEMBER.username, password: MEMBER.password };

test('two servers linked from the app keep syncing with the browser closed', async ({ browser, app, startPeer, pageErrors }) => {
  const piA = await startPeer();
  const piB = await startPeer();
  const [a, b] = [piA.dbUrl('notes'), piB.dbUrl('notes')];
  const context = await browser.newContext({ baseURL: app.origin });
  watchContext(context, pageErrors);
  const page = await context.newPage();
  const peers = new PeersPage(page);
  await peers.goto();
  await peers.add(a, member);
  await peers.add(b, member);

  const form = page.getByRole('form', { name: 'Link two servers' });
  await form.getByRole('combobox', { name: 'First server (runs the link)' }).selectOption(a);
  await form.getByRole('combobox', { name: 'Second server' }).selectOption(b);
  await form.getByRole('textbox', { name: 'Admin user name of the first server' }).fill(ADMIN.username);
  await form.getByLabel('Admin password of the first server').fill(ADMIN.password);
  await form.getByRole('button', { name: 'Link both ways' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Linked' })).toBeVisible();
  await expect(page.getByTestId('server-link')).toHaveCount(2);
  await expect(page.getByTestId('server-link').filter({ hasText: `${a} → ${b}` }).getByTestId('server-link-state')).toHaveText('running');
  expect(await page.content()).not.toContain(ADMIN.password);

  // No browser any more: the servers sync by themselves, both ways.
  await context.close();
  const at = new Date().toISOString();
  const note = (id: string, title: string) => ({ _id: id, type: 'note', schemaVersion: 1, title, body: '', createdAt: at, updatedAt: at });
  await openRemote(a, member).put(note('note:on-a', 'Written on Pi A'));
  await openRemote(b, member).put(note('note:on-b', 'Written on Pi B'));
  await expect.poll(async () => (await openRemote(b, member).get<{ title: string }>('note:on-a').catch(() => null))?.title).toBe('Written on Pi A');
  await expect.poll(async () => (await openRemote(a, member).get<{ title: string }>('note:on-b').catch(() => null))?.title).toBe('Written on Pi B');
});

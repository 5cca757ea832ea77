import { createHash } from 'node:crypto';
import type { Locator } from '@playwright/test';
import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import type { Device } from './page-models/Device';
import { FilesPage } from './page-models/FilesPage';

const member = { username: MEMBER.username, password: MEMBER.password };

// Two browser contexts and a peer on a shared two-core machine: give them room.
test.describe.configure({ timeout: 180_000 });

/** File documents the peer holds with competing live versions. */
async function peerFileConflicts(url: string): Promise<number> {
  const res = await openRemote(url, member).allDocs({ include_docs: true, conflicts: true, startkey: 'file:', endkey: 'file:\uffff' });
  return res.rows.filter((r) => (r.doc as { _conflicts?: string[] } | undefined)?._conflicts?.length).length;
}

/** Ids of the chunk documents the peer holds undeleted. */
async function peerLiveChunks(url: string): Promise<string[]> {
  const res = await openRemote(url, member).allDocs({ startkey: 'chunk:', endkey: 'chunk:\uffff' });
  return res.rows.map((r) => r.id);
}

/** Two devices syncing through one peer, both holding `report.txt`. */
async function twoDevicesWithAFile(openDevice: (name: string) => Promise<Device>, url: string) {
  const laptop = await openDevice('Laptop');
  const phone = await openDevice('Phone');
  await laptop.addPeer(url, member);
  await phone.addPeer(url, member);
  const onLaptop = new FilesPage(laptop.page);
  const onPhone = new FilesPage(phone.page);
  await onLaptop.open();
  await onLaptop.add({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('quarterly figures') });
  await onPhone.open();
  await expect(onPhone.status('report.txt')).toHaveText('complete', { timeout: 60_000 });
  return { laptop, phone, onLaptop, onPhone };
}

test('a file renamed differently on two offline devices shows both names on both; keeping one settles it everywhere', async ({
  openDevice,
  startPeer,
}) => {
  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const { laptop, phone, onLaptop, onPhone } = await twoDevicesWithAFile(openDevice, url);

  // Apart from the peer, each device renames the file its own way.
  await laptop.context.setOffline(true);
  await phone.context.setOffline(true);
  await onLaptop.rename('report.txt', 'report-laptop.txt');
  await onPhone.rename('report.txt', 'report-phone.txt');
  await laptop.context.setOffline(false);
  await phone.context.setOffline(false);

  // Both devices show one file, marked, with both names and who chose each.
  const panels: Locator[] = [];
  for (const files of [onLaptop, onPhone]) {
    await expect(files.conflictedRows).toHaveCount(1, { timeout: 60_000 });
    await expect(files.rows).toHaveCount(1);
    const panel = await files.openVersions(files.conflictedRows);
    await expect(files.versionFrom(panel, 'Laptop').getByTestId('file-version-name')).toHaveText('report-laptop.txt');
    await expect(files.versionFrom(panel, 'Phone').getByTestId('file-version-name')).toHaveText('report-phone.txt');
    panels.push(panel);
  }

  // Keep the phone's name, on the laptop: the phone's open panel sees it settled.
  await onLaptop.versionFrom(panels[0]!, 'Phone').getByRole('button', { name: 'Keep this one' }).click();
  const settled = phone.page.getByRole('status').filter({ hasText: 'No competing versions left.' });
  await expect(settled).toBeVisible({ timeout: 60_000 });
  await settled.getByRole('button', { name: 'Close' }).click();
  for (const files of [onLaptop, onPhone]) {
    await expect(files.row('report-phone.txt')).toBeVisible({ timeout: 60_000 });
    await expect(files.rows).toHaveCount(1);
    await expect(files.conflictedRows).toHaveCount(0);
  }
  await expect(onPhone.row('report-phone.txt').getByRole('button', { name: 'Resolve…' })).toHaveCount(0);
  await expect.poll(() => peerFileConflicts(url), { timeout: 60_000 }).toBe(0);
});

test('a file renamed on one device while deleted on another comes back marked and whole; Delete everywhere removes it on both', async ({
  openDevice,
  startPeer,
}) => {
  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const { laptop, phone, onLaptop, onPhone } = await twoDevicesWithAFile(openDevice, url);

  await laptop.context.setOffline(true);
  await phone.context.setOffline(true);
  await onLaptop.rename('report.txt', 'report-final.txt');
  await onPhone.remove('report.txt');
  await expect(onPhone.rows).toHaveCount(0);
  await laptop.context.setOffline(false);
  await phone.context.setOffline(false);

  for (const files of [onLaptop, onPhone]) {
    await expect(files.row('report-final.txt').getByTestId('file-deleted-elsewhere')).toBeVisible({ timeout: 60_000 });
  }
  // The phone's delete freed the file's piece on every device, but the file was kept: the
  // laptop, which still holds the piece, brings it back, and the phone gets it through the peer.
  for (const files of [onLaptop, onPhone]) {
    await expect(files.status('report-final.txt')).toHaveText('complete', { timeout: 60_000 });
  }
  const { sha256 } = await onPhone.downloadSha256('report-final.txt');
  expect(sha256).toBe(createHash('sha256').update('quarterly figures').digest('hex'));
  // The Conflicts page lists it too.
  await phone.go('Conflicts');
  await expect(phone.page.getByTestId('file-conflict-item')).toContainText(['report-final.txtdeleted on another device']);
  await onPhone.open();

  const panel = await onLaptop.openVersions(onLaptop.row('report-final.txt'));
  await expect(panel.getByTestId('file-deletion')).toContainText('Deleted on Phone,');
  await panel.getByRole('button', { name: 'Delete everywhere' }).click();
  for (const files of [onLaptop, onPhone]) await expect(files.rows).toHaveCount(0, { timeout: 60_000 });
  // And its piece is freed again, on the peer too.
  await expect.poll(() => peerLiveChunks(url), { timeout: 60_000 }).toEqual([]);
});

import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };

// Several browser contexts at once on two cores: give them room.
test.describe.configure({ timeout: 120_000 });

async function peerConflicts(url: string): Promise<number> {
  const res = await openRemote(url, member).allDocs({ include_docs: true, conflicts: true });
  return res.rows.filter((r) => (r.doc as { _conflicts?: string[] } | undefined)?._conflicts?.length).length;
}

test.describe('several devices edit at once', () => {
  test('offline edits on two devices conflict visibly on both; a merge on one resolves it everywhere', async ({
    openDevice,
    startPeer,
  }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const laptop = await openDevice('Laptop');
    const phone = await openDevice('Phone');
    await laptop.addPeer(url, member);
    await phone.addPeer(url, member);
    await laptop.go('Notes');
    await laptop.notes.create('Trip', 'pack boots\nbook train\ncall mum');
    await phone.go('Notes');
    // The whole note, not only its title, must be on the phone before both
    // go offline: the version both edit from is what the merge starts from.
    await phone.notes.open('Trip');
    await expect(phone.notes.body).toHaveValue('pack boots\nbook train\ncall mum');
    await laptop.synced();

    // Both go offline and edit different lines of the same note.
    await laptop.context.setOffline(true);
    await phone.context.setOffline(true);
    await laptop.notes.open('Trip');
    await laptop.notes.body.fill('pack boots and socks\nbook train\ncall mum');
    await expect(laptop.notes.saveState).toHaveText('Saved on this device');
    await phone.notes.open('Trip');
    await phone.notes.body.fill('pack boots\nbook train\ncall mum and dad');
    await expect(phone.notes.saveState).toHaveText('Saved on this device');
    await laptop.context.setOffline(false);
    await phone.context.setOffline(false);

    // The conflict shows on both devices.
    for (const device of [laptop, phone]) {
      await expect(device.notes.item('Trip').getByText('conflict')).toBeVisible();
      await device.go('Conflicts');
      await expect(device.page.getByTestId('conflict-item')).toHaveCount(1);
    }

    // Resolve on the laptop by merging: the edits touched different lines, so the merge is clean.
    await laptop.page.getByTestId('conflict-item').click();
    const versions = laptop.page.getByTestId('conflict-version');
    await expect(versions).toHaveCount(2);
    await expect(versions.filter({ hasText: 'Edited on Laptop' })).toContainText('pack boots and socks');
    await expect(versions.filter({ hasText: 'Edited on Phone' })).toContainText('call mum and dad');
    await laptop.page.getByRole('button', { name: 'Merge them' }).click();
    await expect(laptop.page.getByRole('textbox', { name: 'Merged body' })).toHaveValue(
      'pack boots and socks\nbook train\ncall mum and dad',
    );
    await laptop.page.getByRole('button', { name: 'Save merged version' }).click();

    // Resolved everywhere: both devices and the peer.
    for (const device of [laptop, phone]) {
      await expect(device.page.getByTestId('conflict-item')).toHaveCount(0);
      await device.go('Notes');
      await device.notes.open('Trip');
      await expect(device.notes.body).toHaveValue('pack boots and socks\nbook train\ncall mum and dad');
      await expect(device.notes.item('Trip').getByText('conflict')).toHaveCount(0);
    }
    await expect.poll(() => peerConflicts(url)).toBe(0);
  });

  test('an edit made while another device deleted the note is not lost; the person decides', async ({
    openDevice,
    startPeer,
  }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const laptop = await openDevice('Laptop');
    const phone = await openDevice('Phone');
    await laptop.addPeer(url, member);
    await phone.addPeer(url, member);
    await laptop.go('Notes');
    await laptop.notes.create('Receipts', 'march');
    await phone.go('Notes');
    await expect(phone.notes.item('Receipts')).toBeVisible();

    await laptop.context.setOffline(true);
    await phone.context.setOffline(true);
    await laptop.notes.open('Receipts');
    await laptop.page.getByRole('button', { name: 'Delete' }).click();
    await expect(laptop.notes.item('Receipts')).toHaveCount(0);
    await phone.notes.open('Receipts');
    await phone.notes.body.fill('march\napril');
    await expect(phone.notes.saveState).toHaveText('Saved on this device');
    await laptop.context.setOffline(false);
    await phone.context.setOffline(false);

    // The note comes back on the laptop, with the edit, marked as deleted elsewhere.
    for (const device of [laptop, phone]) {
      await expect(device.notes.item('Receipts').getByText('deleted on another device')).toBeVisible();
    }
    await phone.go('Conflicts');
    await phone.page.getByTestId('conflict-item').click();
    await expect(phone.page.getByTestId('deleted-elsewhere')).toContainText('Deleted on Laptop');
    await phone.page.getByRole('button', { name: 'Keep the note' }).click();
    for (const device of [laptop, phone]) {
      await device.go('Notes');
      await device.notes.open('Receipts');
      await expect(device.notes.body).toHaveValue('march\napril');
      await expect(device.notes.item('Receipts').getByText('deleted on another device')).toHaveCount(0);
    }
  });

  test('history lists earlier versions; restoring one is a new edit that syncs', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    await page.goto('/#/peers');
    await new PeersPage(page).add(url, member);
    const notes = new NotesPage(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Notes', exact: true }).click();
    await notes.create('Poem', 'first draft');
    await notes.body.fill('second draft');
    await expect(notes.saveState).toHaveText('Saved on this device');
    await page.getByRole('button', { name: 'History' }).click();
    await expect(page.getByTestId('history-version').first()).toContainText('“first draft”');
    await page.getByTestId('history-version').filter({ hasText: '“first draft”' }).first().getByRole('button', { name: 'Restore' }).click();
    await expect(notes.body).toHaveValue('first draft');
    await expect
      .poll(async () => ((await openRemote(url, member).allDocs({ include_docs: true })).rows[0]?.doc as { body?: string } | undefined)?.body)
      .toBe('first draft');
  });
});

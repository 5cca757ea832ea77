import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import type { Device } from './page-models/Device';

const member = { username: MEMBER.username, password: MEMBER.password };

// Several browser contexts at once on two cores: give them room.
test.describe.configure({ timeout: 120_000 });

async function conflictsOn(url: string): Promise<number> {
  const res = await openRemote(url, member).allDocs({ include_docs: true, conflicts: true });
  return res.rows.filter((r) => (r.doc as { _conflicts?: string[] } | undefined)?._conflicts?.length).length;
}

/** Everyone edits the note "Plan" while offline, then reconnects. */
async function editApart(devices: Device[], edits: string[]): Promise<void> {
  for (const d of devices) await d.context.setOffline(true);
  for (const [i, d] of devices.entries()) {
    await d.notes.open('Plan');
    await d.notes.body.fill(edits[i] ?? '');
    await expect(d.notes.saveState).toHaveText('Saved on this device');
  }
  for (const d of devices) await d.context.setOffline(false);
  for (const d of devices) await expect(d.notes.item('Plan').getByText('conflict')).toBeVisible();
}

async function share(devices: Device[], body: string): Promise<void> {
  const [first, ...rest] = devices;
  if (!first) return;
  await first.go('Notes');
  await first.notes.create('Plan', body);
  for (const d of rest) {
    await d.go('Notes');
    await expect(d.notes.item('Plan')).toBeVisible();
  }
}

test('three devices, two peers: a three-way conflict shows everywhere and one merge resolves it on all', async ({
  openDevice,
  startPeer,
}) => {
  const home = await startPeer();
  const work = await startPeer();
  const laptop = await openDevice('Laptop');
  const phone = await openDevice('Phone');
  const tablet = await openDevice('Tablet');
  // The laptop only reaches the home Pi, the tablet only the work Pi; the phone relays.
  await laptop.addPeer(home.dbUrl('notes'), member);
  await phone.addPeer(home.dbUrl('notes'), member);
  await phone.addPeer(work.dbUrl('notes'), member);
  await tablet.addPeer(work.dbUrl('notes'), member);
  const devices = [laptop, phone, tablet];
  await share(devices, 'one\ntwo\nthree');
  await editApart(devices, ['ONE\ntwo\nthree', 'one\nTWO\nthree', 'one\ntwo\nTHREE']);

  await tablet.go('Conflicts');
  await tablet.page.getByTestId('conflict-item').click();
  await expect(tablet.page.getByTestId('conflict-version')).toHaveCount(3);
  await tablet.page.getByRole('button', { name: 'Merge them' }).click();
  await expect(tablet.page.getByRole('textbox', { name: 'Merged body' })).toHaveValue('ONE\nTWO\nTHREE');
  await tablet.page.getByRole('button', { name: 'Save merged version' }).click();

  for (const d of devices) {
    await d.go('Notes');
    await expect(d.notes.item('Plan').getByText('conflict')).toHaveCount(0);
    await d.notes.open('Plan');
    await expect(d.notes.body).toHaveValue('ONE\nTWO\nTHREE');
  }
  await expect.poll(() => conflictsOn(home.dbUrl('notes'))).toBe(0);
  await expect.poll(() => conflictsOn(work.dbUrl('notes'))).toBe(0);
});

test('resolved on two devices at once: the same way converges; differently leaves both choices as a new conflict', async ({
  openDevice,
  startPeer,
}) => {
  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const laptop = await openDevice('Laptop');
  const phone = await openDevice('Phone');
  await laptop.addPeer(url, member);
  await phone.addPeer(url, member);
  const devices = [laptop, phone];
  await share(devices, 'draft');

  /** Both devices, offline, keep a version of the conflict; then they reconnect. */
  const resolveApart = async (keepOnLaptop: string, keepOnPhone: string) => {
    for (const d of devices) await d.context.setOffline(true);
    for (const [d, keep] of [[laptop, keepOnLaptop], [phone, keepOnPhone]] as const) {
      await d.go('Conflicts');
      await d.page.getByTestId('conflict-item').click();
      await d.page.getByTestId('conflict-version').filter({ hasText: keep }).getByRole('button', { name: 'Keep this version' }).click();
      await expect(d.page.getByTestId('conflict-item')).toHaveCount(0);
    }
    for (const d of devices) await d.context.setOffline(false);
  };

  // The same choice on both: identical revisions, so no new conflict anywhere.
  await editApart(devices, ['laptop text', 'phone text']);
  await resolveApart('laptop text', 'laptop text');
  await expect.poll(() => conflictsOn(url)).toBe(0);
  for (const d of devices) {
    await d.go('Notes');
    await d.notes.open('Plan');
    await expect(d.notes.body).toHaveValue('laptop text');
    await expect(d.notes.item('Plan').getByText('conflict')).toHaveCount(0);
  }

  // Different choices: nothing is lost; both choices come back as a conflict to settle.
  await editApart(devices, ['laptop again', 'phone again']);
  await resolveApart('laptop again', 'phone again');
  for (const d of devices) {
    await d.go('Notes');
    await expect(d.notes.item('Plan').getByText('conflict')).toBeVisible();
    await d.go('Conflicts');
    await d.page.getByTestId('conflict-item').click();
    await expect(d.page.getByTestId('conflict-version').filter({ hasText: 'laptop again' })).toHaveCount(1);
    await expect(d.page.getByTestId('conflict-version').filter({ hasText: 'phone again' })).toHaveCount(1);
  }
});

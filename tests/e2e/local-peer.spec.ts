import { startStaticServer } from '../../scripts/lib/staticServer.mjs';
import { ADMIN, APP_ROOT, expect, test } from './fixtures';
import { PeersPage } from './page-models/PeersPage';

test('npm start’s embedded peer is offered as the first peer and syncs in one click', async ({ page, startPeer }) => {
  const peer = await startPeer({ databases: ['p2pcloud'] });
  const url = peer.dbUrl('p2pcloud');
  // The same server `npm start` runs, publishing the local peer beside the app.
  const app = await startStaticServer({
    root: APP_ROOT,
    localPeer: { url, username: ADMIN.username, password: ADMIN.password },
  });
  try {
    const peers = new PeersPage(page);
    await page.goto(`${app.origin}/#/peers`);
    await expect(page.getByText('A peer is running on this computer')).toContainText(url);
    await page.getByRole('button', { name: 'Use it' }).click();
    await expect(peers.state(url)).toHaveText('Up to date');
    await expect(page.getByText('A peer is running on this computer')).toHaveCount(0);
    expect(await page.content()).not.toContain(ADMIN.password);
  } finally {
    await app.close();
  }
});

// Adding a peer on the Peers page, against real CouchDB-protocol peers with
// authentication on: every way it can fail gets its own message and saves
// nothing; a good peer is added without its password ever reaching the page.
import http from 'node:http';
import net from 'node:net';
import { ADMIN, MEMBER, expect, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

/** A loopback port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A web server that is not CouchDB: an HTML page for every request, readable
 * cross-origin unless `cors` is false (the usual router page or other app).
 */
async function startHtmlServer({ cors = true } = {}): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (cors && req.headers.origin) {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '*');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Router</title><h1>Welcome to your router</h1>');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const CHECK_HOST_PORT = 'Check that the peer is switched on';

/** The success message names the database URL exactly (no credentials) and what kind of server it is. */
function addedMessage(url: string): RegExp {
  const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^Added ${escaped} \\(\\S.*\\)\\. Syncing starts now\\.$`);
}

test.describe('adding a peer', () => {
  test('an address that is not a URL, or has no database name, is refused before anything is sent', async ({ page }) => {
    const peers = new PeersPage(page);
    await peers.goto();
    const port = await freePort();

    await peers.submit('pi.local notes');
    await peers.expectProblem('That is not a valid URL.', 'http://pi.local:5984/notes');
    await peers.expectNoPeers();

    await peers.submit(`http://127.0.0.1:${port}/`);
    await peers.expectProblem('The address has no database name.', 'Add the database to the end of the address');
    await peers.expectNoPeers();
  });

  test('nothing answering at the address says so', async ({ page }) => {
    const peers = new PeersPage(page);
    await peers.goto();
    const port = await freePort();

    await peers.submit(`http://127.0.0.1:${port}/notes`, MEMBER);
    await peers.expectProblem('Nothing answers at that address.', CHECK_HOST_PORT);
    await peers.expectNoPeers();
  });

  test('a web server that is not CouchDB says so, with its HTTP status', async ({ page }) => {
    const server = await startHtmlServer();
    try {
      const peers = new PeersPage(page);
      await peers.goto();
      await peers.submit(`${server.origin}/notes`);
      await peers.expectProblem(
        'Something answers there, but it is not CouchDB (HTTP 200).',
        'CouchDB usually listens on 5984',
      );
      await peers.expectNoPeers();
    } finally {
      await server.close();
    }
  });

  test('#15 a web server that is not CouchDB and sends no CORS headers is not called a CORS problem', async ({ page }) => {
    const server = await startHtmlServer({ cors: false });
    try {
      const peers = new PeersPage(page);
      await peers.goto();
      await peers.submit(`${server.origin}/notes`, MEMBER);
      // The browser cannot tell "not CouchDB" from "CouchDB without CORS": both causes are given.
      await peers.expectProblem(
        'Something answers at that address, but the browser could not read its answer.',
        'It may not be CouchDB',
      );
      await expect(peers.problem).toContainText('check the address and port');
      await expect(peers.problem).toContainText('Or it is CouchDB without CORS for this app');
      await expect(peers.problem).toContainText('[chttpd] enable_cors = true');
      await expect(peers.problem).not.toContainText('blocked it (CORS is not enabled');
      await peers.expectNoPeers();
    } finally {
      await server.close();
    }
  });

  test('wrong and missing credentials get different messages', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const peers = new PeersPage(page);
    await peers.goto();

    await peers.submit(peer.dbUrl('notes'), { username: MEMBER.username, password: 'not-the-password' });
    await peers.expectProblem('The peer refused that user name or password.', 'Check them and try again.');
    await peers.expectNoPeers();

    await peers.submit(peer.dbUrl('notes'));
    await peers.expectProblem('This peer needs a user name and password.', 'CouchDB 3 refuses anonymous access.');
    await peers.expectNoPeers();
  });

  test('a peer without CORS gets the unreadable-answer message naming the CouchDB settings', async ({ page, startPeer, baseURL }) => {
    const peer = await startPeer({ cors: false });
    const peers = new PeersPage(page);
    await peers.goto();

    await peers.submit(peer.dbUrl('notes'), MEMBER);
    // The same message as for a router's page (#15): the browser cannot tell them apart.
    await peers.expectProblem(
      'Something answers at that address, but the browser could not read its answer.',
      `[chttpd] enable_cors = true and in [cors] origins = ${baseURL}, credentials = true`,
    );
    await expect(peers.problem).toContainText('Fauxton');
    await expect(peers.problem).toContainText('headers = accept, authorization, content-type');
    await peers.expectNoPeers();
  });

  test('a missing database can be created, but only by a server admin', async ({ page, startPeer }) => {
    const peer = await startPeer({ databases: [] });
    const url = peer.dbUrl('fresh');
    const peers = new PeersPage(page);
    const create = peers.problem.getByRole('button', { name: 'Create the database' });
    await peers.goto();

    await peers.submit(url, MEMBER);
    await peers.expectProblem('The server is CouchDB, but that database does not exist.', 'needs a server admin');
    await peers.expectNoPeers();

    await create.click();
    await peers.expectProblem('Creating a database needs a server admin.', 'Enter an admin’s user name and password');
    await expect(create).toBeHidden();
    await peers.expectNoPeers();

    // Still missing: the member's attempt created nothing.
    await peers.submit(url, ADMIN);
    await peers.expectProblem('The server is CouchDB, but that database does not exist.');
    await create.click();
    await expect(page.getByRole('status').filter({ hasText: `Created the database and added ${url}.` })).toBeVisible();
    await expect(peers.problem).toBeHidden();
    await expect(peers.rows).toHaveCount(1);
    await expect(peers.state(url)).toHaveText('Up to date');
    await expect(peers.row(url)).toContainText(`Signed in as ${ADMIN.username}`);
    expect(await peers.storedPeerUrls()).toEqual([url]);
  });

  test('a good peer is added with member credentials and shown without them', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const peers = new PeersPage(page);
    await peers.goto();

    await peers.add(url, MEMBER);
    await expect(page.getByRole('status')).toHaveText(addedMessage(url));
    await expect(peers.rows).toHaveCount(1);
    await expect(peers.row(url).getByText(url, { exact: true })).toBeVisible();
    await expect(peers.row(url)).toContainText(`Signed in as ${MEMBER.username}`);
    expect(await peers.storedPeerUrls()).toEqual([url]);
    expect(await page.content()).not.toContain(MEMBER.password);
  });

  test('credentials typed inside the URL are moved out of it and never shown', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const typed = `http://${MEMBER.username}:${MEMBER.password}@127.0.0.1:${peer.port}/notes`;
    const peers = new PeersPage(page);
    await peers.goto();

    await peers.submit(typed);
    await expect(page.getByRole('status')).toHaveText(addedMessage(url));
    // The credentials were used: sync, which CouchDB 3 refuses anonymously, completes.
    await expect(peers.state(url)).toHaveText('Up to date');
    await expect(peers.row(url)).toContainText(`Signed in as ${MEMBER.username}`);
    expect(await peers.storedPeerUrls()).toEqual([url]);
    await expect(page.getByRole('textbox', { name: 'Database URL' })).toHaveValue('');
    expect(await page.content()).not.toContain(MEMBER.password);

    await page.reload();
    await expect(peers.state(url)).toHaveText('Up to date');
    await expect(peers.row(url)).toContainText(`Signed in as ${MEMBER.username}`);
    expect(await page.content()).not.toContain(MEMBER.password);

    // The same database with the credentials inside its URL is still the same peer.
    await peers.submit(typed);
    await peers.expectProblem(`${url} is already one of your peers.`);
    await expect(peers.rows).toHaveCount(1);
    expect(await peers.storedPeerUrls()).toEqual([url]);
  });

  test('a peer can be paused, resumed and removed', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const peers = new PeersPage(page);
    await peers.goto();
    await peers.add(url, MEMBER);
    const row = peers.row(url);

    await row.getByRole('button', { name: 'Pause' }).click();
    await expect(peers.state(url)).toHaveText('Paused on this device');
    await expect(row.getByRole('button', { name: 'Pause' })).toBeHidden();
    // A note written while paused waits for the peer...
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Written while paused', 'waits');
    await peers.goto();
    await expect(peers.state(url)).toHaveText('Paused on this device');
    await expect(row.getByTestId('peer-pending')).toHaveText('1 change not received yet');
    // ...and reaches it once the peer is resumed.
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect(peers.state(url)).toHaveText('Up to date');
    await expect(row.getByTestId('peer-pending')).toHaveText('Has all local changes');
    await expect(row.getByRole('button', { name: 'Pause' })).toBeVisible();

    await row.getByRole('button', { name: 'Remove' }).click();
    await expect(row).toBeHidden();
    await peers.expectNoPeers();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Peers' })).toBeVisible();
    await peers.expectNoPeers();
  });
});

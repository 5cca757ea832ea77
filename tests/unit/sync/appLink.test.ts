// #14: the app spreads like data. A server that serves the app replicates its
// app database to another server, which then serves the same version, and
// every later deploy, without a deploy of its own.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appPolicy } from '../../../scripts/lib/contentSecurityPolicy.mjs';
import { deployApp } from '../../../scripts/lib/deployApp.mjs';
import { startPeerServer, type PeerServer } from '../../../scripts/lib/peerServer.mjs';
import { AppLinkError, carryApp } from '../../../src/sync/peers/appLink';
import { ADMIN } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function couch(): Promise<PeerServer> {
  const server = await startPeerServer({ admins: { [ADMIN.username]: ADMIN.password } });
  closers.push(() => server.close());
  return server;
}

function build(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'p2pcloud-app-'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><title>${version}</title>`);
  writeFileSync(join(dir, 'sw.js'), `self.version = '${version}'`);
  return dir;
}

const admin = { username: ADMIN.username, password: ADMIN.password };
const deploy = (server: PeerServer, dist: string) =>
  deployApp({ url: server.origin, admin: ADMIN.username, adminPassword: ADMIN.password, dist }, { fetch, log: () => undefined });

/** What the server serves at the app's address to anyone, once it serves anything. */
const served = (server: PeerServer) => async () => {
  const res = await fetch(`${server.origin}/p2pcloud-app/_design/p2pcloud/index.html`);
  return res.ok ? { text: await res.text(), policy: res.headers.get('content-security-policy') } : undefined;
};

describe('#14 carryApp', () => {
  it('a second server serves the app, under the app policy, and every later deploy of the first', async () => {
    const [piA, piB] = [await couch(), await couch()];
    await deploy(piA, build('one'));
    await carryApp({ server: piA.origin, admin }, { server: piB.origin, admin }, appPolicy(), fetch);
    const first = await waitFor('the app on the second server', served(piB));
    expect(first.text).toContain('<title>one</title>');
    expect(first.policy).toBe(appPolicy());
    await deploy(piA, build('two'));
    await waitFor('the new version on the second server', async () => (await served(piB)())?.text.includes('<title>two</title>'));
    // Carrying it again is the same link, not a second one.
    await carryApp({ server: piA.origin, admin }, { server: piB.origin, admin }, appPolicy(), fetch);
    const links = (await (await fetch(`${piA.origin}/_replicator/_all_docs`, { headers: { Authorization: `Basic ${btoa(`${ADMIN.username}:${ADMIN.password}`)}` } })).json()) as { rows: Array<{ id: string }> };
    expect(links.rows.filter((r) => r.id.startsWith('p2pcloud-link:'))).toHaveLength(1);
  });

  it('says why when the first server has no app, or the second refuses the login', async () => {
    const [piA, piB] = [await couch(), await couch()];
    const none = await carryApp({ server: piA.origin, admin }, { server: piB.origin, admin }, appPolicy(), fetch).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(AppLinkError);
    expect((none as Error).message).toBe(`${piA.origin} does not serve the app: run npm run deploy-app for it first.`);
    await deploy(piA, build('one'));
    const wrong = await carryApp({ server: piA.origin, admin }, { server: piB.origin, admin: { ...admin, password: 'nope' } }, appPolicy(), fetch).catch((e: unknown) => e);
    expect((wrong as Error).message).toBe(`Creating the app database on ${piB.origin} was refused (HTTP 401): the admin login of that server is needed.`);
    expect((wrong as Error).message).not.toContain('nope');
  });
});

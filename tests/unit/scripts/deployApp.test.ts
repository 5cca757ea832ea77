// #14 `npm run deploy-app` (scripts/lib/deployApp.mjs) against the emulated
// CouchDB 3 peer, which serves attachments with `Content-Security-Policy:
// sandbox` unless [csp] says otherwise and lets nobody in without a login
// except to a public database, as CouchDB 3.5 does.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { appPolicy } from '../../../scripts/lib/contentSecurityPolicy.mjs';
import { deployApp, type DeployAppOptions } from '../../../scripts/lib/deployApp.mjs';
import { startPeerServer, type PeerServer } from '../../../scripts/lib/peerServer.mjs';
import { EXIT, SetupPeerError } from '../../../scripts/lib/setupPeer.mjs';
import { ADMIN, MEMBER } from '../../support/peers';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function couch(): Promise<PeerServer> {
  const server = await startPeerServer({
    admins: { [ADMIN.username]: ADMIN.password },
    members: { [MEMBER.username]: MEMBER.password },
    databases: ['notes'],
    validateDocUpdate: true,
  });
  closers.push(() => server.close());
  return server;
}

/** A small build: index.html, a script under assets/, a source map that must stay home. */
function build(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'p2pcloud-dist-'));
  mkdirSync(join(dir, 'assets'));
  const all = {
    'index.html': '<!doctype html><script type="module" src="./assets/index-1.js"></script>',
    'assets/index-1.js': 'console.log(1)',
    'assets/index-1.js.map': '{}',
    'sw.js': 'self.addEventListener("fetch", () => {})',
    ...files,
  };
  for (const [name, content] of Object.entries(all)) writeFileSync(join(dir, name), content);
  return dir;
}

const adminUrl = (server: PeerServer, password: string = ADMIN.password) =>
  server.origin.replace('http://', `http://${ADMIN.username}:${encodeURIComponent(password)}@`);

async function run(options: DeployAppOptions) {
  const lines: string[] = [];
  const result = await deployApp(options, { fetch, log: (line) => lines.push(line) });
  return { result, output: lines.join('\n') };
}

async function failure(options: DeployAppOptions): Promise<SetupPeerError> {
  const err = await deployApp(options, { fetch, log: () => undefined }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SetupPeerError);
  return err as SetupPeerError;
}

const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;

describe('#14 the test peer answers like CouchDB 3.5 where the couchapp needs it', () => {
  it('serves attachments with Content-Security-Policy: sandbox unless [csp] says otherwise', async () => {
    const server = await couch();
    const auth = { authorization: basic(ADMIN.username, ADMIN.password), 'content-type': 'application/json' };
    const doc = { _attachments: { 'a.html': { content_type: 'text/html', data: Buffer.from('<p>x').toString('base64') } } };
    await fetch(`${server.dbUrl('notes')}/_design/x`, { method: 'PUT', headers: auth, body: JSON.stringify(doc) });
    await fetch(`${server.dbUrl('notes')}/plain`, { method: 'PUT', headers: auth, body: JSON.stringify(doc) });
    for (const path of ['/_design/x/a.html', '/plain/a.html']) {
      const res = await fetch(server.dbUrl('notes') + path, { headers: auth });
      expect(res.headers.get('content-security-policy')).toBe('sandbox');
    }
    const plainDoc = await fetch(`${server.dbUrl('notes')}/plain`, { headers: auth });
    expect(plainDoc.headers.get('content-security-policy')).toBeNull();
    await fetch(`${server.origin}/_node/_local/_config/csp/attachments_enable`, { method: 'PUT', headers: auth, body: '"false"' });
    const off = await fetch(`${server.dbUrl('notes')}/plain/a.html`, { headers: auth });
    expect(off.headers.get('content-security-policy')).toBeNull();
  });

  it('refuses anonymous requests (401) to a database with members, answers them for a public one', async () => {
    const server = await couch();
    const admin = { authorization: basic(ADMIN.username, ADMIN.password), 'content-type': 'application/json' };
    expect((await fetch(`${server.dbUrl('notes')}/_all_docs`)).status).toBe(401);
    await fetch(`${server.origin}/open`, { method: 'PUT', headers: admin });
    expect((await fetch(`${server.origin}/open/_all_docs`)).status).toBe(401);
    await fetch(`${server.origin}/open/_security`, { method: 'PUT', headers: admin, body: JSON.stringify({ members: { names: [], roles: [] } }) });
    expect((await fetch(`${server.origin}/open/_all_docs`)).status).toBe(200);
    expect((await fetch(`${server.origin}/open/x`, { method: 'PUT', body: '{}' })).status).toBe(401);
    expect((await fetch(`${server.dbUrl('notes')}/_all_docs`)).status).toBe(401);
  });
});

describe('#14 deploy-app', () => {
  it('deploys a build anyone can load, under the app policy, while the notes stay members-only; never prints the password', async () => {
    const server = await couch();
    const { result, output } = await run({ url: adminUrl(server), dist: build() });
    expect(result.address).toBe(`${server.origin}/p2pcloud-app/_design/p2pcloud/index.html`);
    expect(result.uploaded.sort()).toEqual(['assets/index-1.js', 'index.html', 'sw.js']);
    expect(output).toContain(`Open the app at: ${result.address}`);
    expect(output).toContain('Changed: made "p2pcloud-app" readable without a login');
    expect(output).toContain('Changed: serves attachments with the app\'s Content-Security-Policy instead of "sandbox"');
    expect(output).not.toContain(ADMIN.password);

    const page = await fetch(result.address);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(appPolicy());
    const script = await fetch(result.address.replace('index.html', 'assets/index-1.js'));
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(result.address.replace('index.html', 'assets/index-1.js.map'))).status).toBe(404);
    expect((await fetch(`${server.dbUrl('notes')}/_all_docs`)).status).toBe(401);
    // Nobody but a server admin writes into the app's database, signed-in users included.
    const asMember = await fetch(`${server.origin}/p2pcloud-app/_bulk_docs`, {
      method: 'POST',
      headers: { authorization: basic(MEMBER.username, MEMBER.password), 'content-type': 'application/json' },
      body: JSON.stringify({ docs: [{ _id: 'intruder' }] }),
    });
    expect(await asMember.json()).toEqual([expect.objectContaining({ id: 'intruder', error: 'forbidden' })]);
  });

  it('writes nothing when nothing changed, and only the changed files of a new build', async () => {
    const server = await couch();
    const dist = build();
    await run({ url: adminUrl(server), dist });
    const rev = async () => ((await (await fetch(`${server.origin}/p2pcloud-app/_design/p2pcloud`)).json()) as { _rev: string })._rev;
    const before = await rev();
    const again = await run({ url: adminUrl(server), dist });
    expect(again.result.changes).toEqual([]);
    expect(again.output).toContain('Nothing changed: this server already serves this build.');
    expect(await rev()).toBe(before);

    const next = await run({ url: adminUrl(server), dist: build({ 'sw.js': 'self.version = 2' }) });
    expect(next.result.uploaded).toEqual(['sw.js']);
    expect(next.result.unchanged).toBe(2);
    expect(await (await fetch(`${server.origin}/p2pcloud-app/_design/p2pcloud/sw.js`)).text()).toBe('self.version = 2');
    expect(await (await fetch(`${server.origin}/p2pcloud-app/_design/p2pcloud/index.html`)).text()).toContain('index-1.js');
  });

  it('says what is wrong, with setup-peer\'s exit codes, and deploys nothing', async () => {
    const server = await couch();
    expect((await failure({ url: server.origin, dist: build() })).exitCode).toBe(EXIT.usage);
    expect((await failure({ url: adminUrl(server), dist: build(), db: 'Bad Name' })).exitCode).toBe(EXIT.usage);
    const wrong = await failure({ url: adminUrl(server, 'wrong'), dist: build() });
    expect(wrong.exitCode).toBe(EXIT.auth);
    expect(wrong.message).not.toContain('wrong');
    const member = await failure({ url: server.origin.replace('http://', `http://${MEMBER.username}:${MEMBER.password}@`), dist: build() });
    expect(member.exitCode).toBe(EXIT.auth);
    expect((await failure({ url: adminUrl(server), dist: join(tmpdir(), 'no-such-build') })).exitCode).toBe(EXIT.usage);

    const html = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>router</h1>'));
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => html.close(() => resolve())));
    const notCouch = await failure({ url: `http://${ADMIN.username}:x@127.0.0.1:${(html.address() as net.AddressInfo).port}`, dist: build() });
    expect(notCouch.exitCode).toBe(EXIT['not-couchdb']);
    expect((await fetch(`${server.origin}/p2pcloud-app`, { headers: { authorization: basic(ADMIN.username, ADMIN.password) } })).status).toBe(404);
  });

  it('a cut connection leaves the version before served whole; the next run finishes the job', async () => {
    const server = await couch();
    await run({ url: adminUrl(server), dist: build() });
    // The upload of the next build dies midway, as when Wi-Fi drops.
    const cutting: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      if (init?.method === 'PUT' && url.includes('_design/p2pcloud')) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return fetch(input, init);
    };
    const next = build({ 'sw.js': 'self.version = 3' });
    const err = await deployApp({ url: adminUrl(server), dist: next }, { fetch: cutting, log: () => undefined }).catch((e: unknown) => e);
    expect((err as SetupPeerError).exitCode).toBe(EXIT.unreachable);
    expect(await (await fetch(`${server.origin}/p2pcloud-app/_design/p2pcloud/sw.js`)).text()).toContain('addEventListener');
    const resumed = await run({ url: adminUrl(server), dist: next });
    expect(resumed.result.uploaded).toEqual(['sw.js']);
    expect(await (await fetch(`${server.origin}/p2pcloud-app/_design/p2pcloud/sw.js`)).text()).toBe('self.version = 3');
  });

  it('a server out of space is said so, with its own exit code, and keeps serving the version before', async () => {
    const server = await couch();
    await run({ url: adminUrl(server), dist: build() });
    // CouchDB answers a write it has no disk for with 507 insufficient_storage.
    const full: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      if (init?.method === 'PUT' && url.includes('_design/p2pcloud')) {
        return new Response(JSON.stringify({ error: 'insufficient_storage', reason: 'No space left on device' }), { status: 507 });
      }
      return fetch(input, init);
    };
    const err = (await deployApp({ url: adminUrl(server), dist: build({ 'sw.js': 'self.version = 4' }) }, { fetch: full, log: () => undefined }).catch(
      (e: unknown) => e,
    )) as SetupPeerError;
    expect(err.exitCode).toBe(EXIT['no-space']);
    expect(err.message).toContain('no space left for the app');
    expect(await (await fetch(`${server.origin}/p2pcloud-app/_design/p2pcloud/sw.js`)).text()).toContain('addEventListener');
  });

  it('runs as npm run deploy-app and as setup-peer --with-app: the address, no password, the exit codes', async () => {
    const server = await couch();
    const dist = build();
    const run = promisify(execFile);
    const deployed = await run('node', ['scripts/deploy-app.mjs', adminUrl(server), '--dist', dist]);
    expect(deployed.stdout).toContain(`Open the app at: ${server.origin}/p2pcloud-app/_design/p2pcloud/index.html`);
    expect(deployed.stdout + deployed.stderr).not.toContain(ADMIN.password);
    const setup = await run('node', ['scripts/setup-peer.mjs', adminUrl(server), '--with-app', '--dist', dist]);
    expect(setup.stdout).toContain('Nothing changed: this server already serves this build.');
    expect(setup.stdout + setup.stderr).not.toContain(ADMIN.password);
    const bad = (await run('node', ['scripts/deploy-app.mjs', adminUrl(server), '--dist', dist, '--db', 'Bad']).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain('"Bad" is not a valid CouchDB database name');
  });
});
